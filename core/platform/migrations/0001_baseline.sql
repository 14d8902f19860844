-- Qingdan's schema, squashed on 2026-12-07 from the 17 migrations of 2026-11-23/24 (nothing
-- had been released). Applied by core.schema, which substitutes {app_role} and records this
-- file's sha256. Append-only: never edit this file once released; add 0002_….sql instead
-- (see core/migrations/__init__.py). Reference data (the national legal library) is not
-- here: `qingdan migrate` loads it after the migrations (core.legal.library).

-- ========================================================================================
-- Foundation: the application role, the row-level-security helper, tenants, API keys,
-- audit, jurisdictions and units.
-- ========================================================================================
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app_role}') THEN
    -- LOGIN because Citus workers connect as the current role (see STACK-NOTES).
    CREATE ROLE {app_role} LOGIN;
  END IF;
  IF NOT pg_has_role(current_user, '{app_role}', 'MEMBER') THEN
    EXECUTE format('GRANT {app_role} TO %I', current_user);
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO {app_role};

-- Every tenant table is protected the same way: RLS forced (the owner is not exempt),
-- the application role sees only the current tenant's rows, and the owner (platform
-- maintenance: migrations, provisioning, credential resolution) sees all.
CREATE OR REPLACE FUNCTION qingdan_protect(tbl regclass, app_role text, col text DEFAULT 'tenant_id')
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  tenant_expr text := format('%I = NULLIF(current_setting(''qingdan.tenant_id'', true), '''')::uuid', col);
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO %I USING (%s) WITH CHECK (%s)',
                 tbl, app_role, tenant_expr, tenant_expr);
  EXECUTE format('DROP POLICY IF EXISTS platform_maintenance ON %s', tbl);
  EXECUTE format('CREATE POLICY platform_maintenance ON %s TO %I USING (true) WITH CHECK (true)',
                 tbl, current_user);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', tbl, app_role);
END $fn$;

CREATE TABLE tenants (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}([0-9]{6}([0-9]{3})?)?$'),
  plugin        text,
  settings      jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('tenants', '{app_role}', 'id');
REVOKE INSERT, UPDATE, DELETE ON tenants FROM {app_role};

-- Credentials: tenant_id is NULL only for platform keys, which the application role
-- never sees; resolution by hash runs as the owner before any tenant is known.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid REFERENCES tenants (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  prefix       text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE,
  role         text NOT NULL CHECK (role IN ('platform', 'admin', 'department', 'township', 'reader')),
  scope_code   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   uuid,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  CHECK ((role = 'platform') = (tenant_id IS NULL)),
  CHECK ((role IN ('department', 'township')) = (scope_code IS NOT NULL))
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
SELECT qingdan_protect('api_keys', '{app_role}');

CREATE TABLE audit_events (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id           bigint GENERATED ALWAYS AS IDENTITY,
  at           timestamptz NOT NULL DEFAULT now(),
  actor_key_id uuid,
  actor_role   text,
  request_id   text,
  entity       text NOT NULL,
  entity_key   text NOT NULL,
  action       text NOT NULL,
  before       jsonb,
  after        jsonb,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_entity ON audit_events (tenant_id, entity, entity_key, id);
SELECT qingdan_protect('audit_events', '{app_role}');
REVOKE UPDATE, DELETE ON audit_events FROM {app_role};

CREATE TABLE jurisdictions (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  code        text NOT NULL CHECK (code ~ '^[0-9]{6}([0-9]{6}([0-9]{3})?)?$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind        text NOT NULL,
  parent_code text,
  attributes  jsonb NOT NULL DEFAULT '{}',
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code),
  FOREIGN KEY (tenant_id, parent_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE
);
CREATE INDEX jurisdictions_parent ON jurisdictions (tenant_id, parent_code, code);
SELECT qingdan_protect('jurisdictions', '{app_role}');

CREATE TABLE units (
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id                uuid NOT NULL DEFAULT gen_random_uuid(),
  code              text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind              text NOT NULL CHECK (kind IN ('department', 'township_office', 'dispatched_agency', 'committee')),
  jurisdiction_code text NOT NULL,
  parent_unit_code  text,
  contacts          jsonb NOT NULL DEFAULT '[]',
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code),
  FOREIGN KEY (tenant_id, jurisdiction_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE,
  FOREIGN KEY (tenant_id, parent_unit_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE
);
CREATE INDEX units_jurisdiction ON units (tenant_id, jurisdiction_code, code);
CREATE INDEX units_parent ON units (tenant_id, parent_unit_code, code);
SELECT qingdan_protect('units', '{app_role}');

-- A dispatched agency's host townships (an agency may serve several).
CREATE TABLE unit_hosts (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  unit_code     text NOT NULL,
  township_code text NOT NULL,
  PRIMARY KEY (tenant_id, unit_code, township_code),
  FOREIGN KEY (tenant_id, unit_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE
);
CREATE INDEX unit_hosts_township ON unit_hosts (tenant_id, township_code);
SELECT qingdan_protect('unit_hosts', '{app_role}');

-- ========================================================================================
-- Catalog, township lists, the legal library, adjustments, idempotency keys.
-- ========================================================================================
-- Shared reference rows (the national legal library) belong to the all-zero tenant: every
-- tenant reads them, none writes them; the owner loads them.
CREATE OR REPLACE FUNCTION qingdan_protect_shared(tbl regclass, app_role text)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  own text := 'tenant_id = NULLIF(current_setting(''qingdan.tenant_id'', true), '''')::uuid';
  shared text := 'tenant_id = ''00000000-0000-0000-0000-000000000000''::uuid';
BEGIN
  PERFORM qingdan_protect(tbl, app_role);
  EXECUTE format('DROP POLICY tenant_isolation ON %s', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO %I USING (%s OR %s) WITH CHECK (%s)',
                 tbl, app_role, own, shared, own);
END $fn$;

CREATE TABLE list_structures (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  document   jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('list_structures', '{app_role}');

CREATE TABLE catalog_versions (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  number         integer NOT NULL CHECK (number > 0),
  status         text NOT NULL CHECK (status IN ('draft', 'published')),
  effective_date date,
  published_at   timestamptz,
  content_hash   text,
  revision       integer NOT NULL DEFAULT 1,
  note           text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, number),
  CHECK ((status = 'published') = (published_at IS NOT NULL AND content_hash IS NOT NULL))
);
CREATE UNIQUE INDEX catalog_versions_one_draft ON catalog_versions (tenant_id) WHERE status = 'draft';
SELECT qingdan_protect('catalog_versions', '{app_role}');

-- Reference codes are reserved forever once used, across versions.
CREATE TABLE reference_codes (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  code       text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code)
);
SELECT qingdan_protect('reference_codes', '{app_role}');

-- One row per item per catalog version: published versions are never updated again.
CREATE TABLE catalog_items (
  tenant_id        uuid NOT NULL,
  version          integer NOT NULL,
  code             text NOT NULL,
  parent_code      text,
  level            text NOT NULL,
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description      text NOT NULL DEFAULT '',
  category         text,
  item_kind        text,
  kinds            text[] NOT NULL CHECK (cardinality(kinds) > 0),
  township_scope   text NOT NULL CHECK (township_scope IN ('all', 'claim', 'none')),
  high_frequency   boolean NOT NULL DEFAULT false,
  process          text NOT NULL DEFAULT '',
  extra            jsonb NOT NULL DEFAULT '{}',
  recovery         jsonb,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
  withdrawn_reason text,
  successor_code   text,
  content_hash     text NOT NULL,
  changed_in       integer NOT NULL,
  revision         integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, version, code),
  FOREIGN KEY (tenant_id, version) REFERENCES catalog_versions (tenant_id, number) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, code) REFERENCES reference_codes (tenant_id, code)
);
-- Only child items: top-level items never need it, and without statistics the planner
-- otherwise used the full index to find items by code (foreign-key checks).
CREATE INDEX catalog_items_parent ON catalog_items (tenant_id, version, parent_code)
  WHERE parent_code IS NOT NULL;
CREATE INDEX catalog_items_kinds ON catalog_items USING gin (kinds);
SELECT qingdan_protect('catalog_items', '{app_role}');

CREATE TABLE catalog_responsibilities (
  tenant_id       uuid NOT NULL,
  version         integer NOT NULL,
  item_code       text NOT NULL,
  position        smallint NOT NULL,
  party           text NOT NULL,
  role            text NOT NULL CHECK (role IN ('primary', 'cooperating')),
  duty            text NOT NULL DEFAULT '',
  financial_share numeric(5, 2) CHECK (financial_share BETWEEN 0 AND 100),
  PRIMARY KEY (tenant_id, version, item_code, position),
  FOREIGN KEY (tenant_id, version, item_code) REFERENCES catalog_items (tenant_id, version, code) ON DELETE CASCADE
);
CREATE INDEX catalog_responsibilities_party ON catalog_responsibilities (tenant_id, party, version);
SELECT qingdan_protect('catalog_responsibilities', '{app_role}');

CREATE TABLE legal_documents (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  title       text NOT NULL,
  short_title text NOT NULL,
  level       text NOT NULL,
  issuer      text NOT NULL DEFAULT '',
  doc_number  text NOT NULL DEFAULT '',
  status      text NOT NULL DEFAULT 'in_force'
              CHECK (status IN ('in_force', 'amended', 'repealed', 'not_yet_effective')),
  successor_id uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, title)
);
SELECT qingdan_protect_shared('legal_documents', '{app_role}');

CREATE TABLE legal_versions (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  document_id    uuid NOT NULL,
  version_date   date NOT NULL,
  effective_date date,
  history        jsonb NOT NULL DEFAULT '[]',
  source         text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, document_id, version_date),
  FOREIGN KEY (tenant_id, document_id) REFERENCES legal_documents (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect_shared('legal_versions', '{app_role}');

-- paragraph 0 is the whole article, item 0 the whole paragraph.
CREATE TABLE provisions (
  tenant_id  uuid NOT NULL,
  version_id uuid NOT NULL,
  article    integer NOT NULL,
  paragraph  integer NOT NULL DEFAULT 0,
  item       integer NOT NULL DEFAULT 0,
  label      text NOT NULL,
  chapter    text,
  text       text NOT NULL,
  PRIMARY KEY (tenant_id, version_id, article, paragraph, item),
  FOREIGN KEY (tenant_id, version_id) REFERENCES legal_versions (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect_shared('provisions', '{app_role}');

-- An item's legal basis: a structured reference to a document (national or the tenant's
-- own), resolved to the document's version in force when read; raw text kept as written.
CREATE TABLE item_citations (
  tenant_id       uuid NOT NULL,
  version         integer NOT NULL,
  item_code       text NOT NULL,
  position        smallint NOT NULL,
  document_tenant uuid,
  document_id     uuid,
  article         integer,
  paragraph       integer,
  item            integer,
  raw             text NOT NULL,
  problem         text,
  PRIMARY KEY (tenant_id, version, item_code, position),
  FOREIGN KEY (tenant_id, version, item_code) REFERENCES catalog_items (tenant_id, version, code) ON DELETE CASCADE
);
CREATE INDEX item_citations_document ON item_citations (tenant_id, document_id, article);
SELECT qingdan_protect('item_citations', '{app_role}');

CREATE TABLE catalog_adjustments (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  version        integer NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('add', 'remove', 'modify', 'reassign')),
  reason_kind    text NOT NULL,
  reason         text NOT NULL,
  item_code      text NOT NULL,
  effective_date date,
  initiator      jsonb NOT NULL,
  changes        jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- Adjustments a change of the law opens are to do ('open') until the county applies or
  -- dismisses them; any other adjustment is recorded applied.
  state          text NOT NULL DEFAULT 'applied' CHECK (state IN ('open', 'applied', 'dismissed')),
  law_change_id  uuid,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX catalog_adjustments_version ON catalog_adjustments (tenant_id, version, created_at);
SELECT qingdan_protect('catalog_adjustments', '{app_role}');

CREATE TABLE township_lists (
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  township_code    text NOT NULL,
  status           text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'submitted', 'returned', 'filed', 'published')),
  catalog_version  integer NOT NULL,
  revision         integer NOT NULL DEFAULT 1,
  published_number integer NOT NULL DEFAULT 0,
  review_note      text NOT NULL DEFAULT '',
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, township_code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE
);
SELECT qingdan_protect('township_lists', '{app_role}');

-- The working copy of a township's list.
CREATE TABLE township_entries (
  tenant_id          uuid NOT NULL,
  township_code      text NOT NULL,
  item_code          text NOT NULL,
  origin             text NOT NULL CHECK (origin IN ('automatic', 'claimed')),
  justification      text NOT NULL DEFAULT '',
  responsible_office text NOT NULL DEFAULT '',
  post               text NOT NULL DEFAULT '',
  contact            text NOT NULL DEFAULT '',
  note               text NOT NULL DEFAULT '',
  state              text NOT NULL DEFAULT 'active'
                     CHECK (state IN ('active', 'needs_confirmation', 'removed')),
  change_note        text NOT NULL DEFAULT '',
  review_comment     text NOT NULL DEFAULT '',
  claimed_at         timestamptz,
  -- Kept to its township list by statement-level triggers (below), not a foreign key.
  PRIMARY KEY (tenant_id, township_code, item_code)
);
CREATE INDEX township_entries_item ON township_entries (tenant_id, item_code, origin);
SELECT qingdan_protect('township_entries', '{app_role}');

CREATE TABLE township_list_versions (
  tenant_id       uuid NOT NULL,
  township_code   text NOT NULL,
  number          integer NOT NULL,
  catalog_version integer NOT NULL,
  published_at    timestamptz NOT NULL DEFAULT now(),
  effective_date  date NOT NULL,
  content_hash    text NOT NULL,
  PRIMARY KEY (tenant_id, township_code, number),
  FOREIGN KEY (tenant_id, township_code) REFERENCES township_lists (tenant_id, township_code) ON UPDATE CASCADE
);
SELECT qingdan_protect('township_list_versions', '{app_role}');

CREATE TABLE township_version_entries (
  tenant_id          uuid NOT NULL,
  township_code      text NOT NULL,
  number             integer NOT NULL,
  item_code          text NOT NULL,
  origin             text NOT NULL,
  justification      text NOT NULL,
  responsible_office text NOT NULL,
  post               text NOT NULL,
  contact            text NOT NULL,
  note               text NOT NULL,
  item_hash          text NOT NULL,
  PRIMARY KEY (tenant_id, township_code, number, item_code),
  FOREIGN KEY (tenant_id, township_code, number)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON DELETE CASCADE
);
SELECT qingdan_protect('township_version_entries', '{app_role}');
REVOKE UPDATE, DELETE ON township_list_versions, township_version_entries FROM {app_role};

CREATE TABLE idempotency_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key          text NOT NULL,
  api_key_id   uuid,
  fingerprint  text NOT NULL,
  status       integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
SELECT qingdan_protect('idempotency_keys', '{app_role}');

-- ========================================================================================
-- Legal library: recorded changes of the law (amendments, repeals), the adjustments they
-- open, and the indexes behind citation navigation and keyword search.
-- ========================================================================================
-- A recorded change of a document: an amendment (from one stored version to another, with
-- its effective date) or a repeal (with its effective date and an optional successor).
-- National documents' changes belong to the all-zero tenant, a tenant's own to the tenant.
CREATE TABLE legal_changes (
  tenant_id       uuid NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  document_id     uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('amend', 'repeal')),
  effective_date  date NOT NULL,
  from_version_id uuid,
  to_version_id   uuid,
  successor_id    uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  recorded_by     jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, document_id) REFERENCES legal_documents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, from_version_id) REFERENCES legal_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, to_version_id) REFERENCES legal_versions (tenant_id, id),
  CHECK ((kind = 'amend') = (from_version_id IS NOT NULL AND to_version_id IS NOT NULL)),
  CHECK (kind = 'repeal' OR successor_id IS NULL)
);
-- The same change is recorded once: one amendment per target version, one repeal per document.
CREATE UNIQUE INDEX legal_changes_amendment ON legal_changes (tenant_id, document_id, to_version_id)
  WHERE kind = 'amend';
CREATE UNIQUE INDEX legal_changes_repeal ON legal_changes (tenant_id, document_id) WHERE kind = 'repeal';
CREATE INDEX legal_changes_created ON legal_changes (tenant_id, created_at, id);
SELECT qingdan_protect_shared('legal_changes', '{app_role}');

-- The adjustments a change of the law opened, once per change and item.
CREATE UNIQUE INDEX catalog_adjustments_law_change
  ON catalog_adjustments (tenant_id, law_change_id, item_code) WHERE law_change_id IS NOT NULL;
-- A national change's report spans tenants (read as the owner).
CREATE INDEX catalog_adjustments_by_law_change
  ON catalog_adjustments (law_change_id) WHERE law_change_id IS NOT NULL;

-- Which tenants cite a national document (impact analysis spans tenants).
CREATE INDEX item_citations_by_document ON item_citations (document_id, tenant_id, version);

-- Keyword search over article texts. pg_trgm is a trusted extension (PostgreSQL 13+): the
-- database owner may create it without being a superuser. Where it is missing or refused,
-- search still works (a sequential strpos/ILIKE scan, fine at the library's size).
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm not available (%); keyword search runs without an index', SQLERRM;
END $$;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX provisions_article_text_trgm ON provisions USING gin (text gin_trgm_ops)'
            ' WHERE paragraph = 0 AND item = 0';
    EXECUTE 'CREATE INDEX legal_documents_title_trgm ON legal_documents USING gin (title gin_trgm_ops)';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no trigram indexes (%); keyword search runs without them', SQLERRM;
END $$;

-- ========================================================================================
-- 多单合一 provenance: which source lists and rows each merged catalog item came from
-- (keyed by the item's reference code, one row per contributing source row).
-- ========================================================================================
CREATE TABLE catalog_item_provenance (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  item_code     text NOT NULL,
  position      integer NOT NULL,
  merge_id      uuid NOT NULL,
  source_list   text NOT NULL,
  source_row    integer NOT NULL,
  source_title  text NOT NULL,
  source_code   text,
  relation      text NOT NULL CHECK (relation IN ('representative', 'equal', 'subset', 'superset', 'overlapping')),
  confidence    numeric(4, 3) NOT NULL,
  merged_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, item_code, position)
);
CREATE INDEX catalog_item_provenance_list ON catalog_item_provenance (tenant_id, source_list);
SELECT qingdan_protect('catalog_item_provenance', '{app_role}');

-- ========================================================================================
-- Search: item texts as character-bigram tsvectors, and which township entries point at
-- them (filled by core.search when lists and catalogs are published).
-- ========================================================================================
-- One row per item content (reference code + content hash): an unchanged item keeps its row
-- across catalog versions. document: normalised (simplified, NFKC, lower-case) character
-- bigrams and words with positions and weights, built by core.search.
CREATE TABLE search_documents (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  item_code    text NOT NULL,
  content_hash text NOT NULL,
  title        text NOT NULL,
  level        text NOT NULL,
  category     text,
  item_kind    text,
  kinds        text[] NOT NULL,
  document     tsvector NOT NULL,
  id           integer GENERATED BY DEFAULT AS IDENTITY,
  PRIMARY KEY (tenant_id, item_code, content_hash)
);
-- No GIN index on document: under the forced policies the application role cannot use it
-- (@@ is not LEAKPROOF); search_postings finds the candidates.
CREATE UNIQUE INDEX search_documents_id ON search_documents (tenant_id, id);
SELECT qingdan_protect('search_documents', '{app_role}');

-- The entries of each township's latest published list version.
CREATE TABLE search_entries (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  item_code     text NOT NULL,
  number        integer NOT NULL,
  content_hash  text NOT NULL,
  PRIMARY KEY (tenant_id, township_code, item_code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES township_lists (tenant_id, township_code)
    ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX search_entries_document ON search_entries (tenant_id, item_code, content_hash, township_code);
SELECT qingdan_protect('search_entries', '{app_role}');

-- ========================================================================================
-- Handbook jobs: a PDF of a township's published list, made in the background.
-- ========================================================================================
CREATE TABLE handbooks (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  township_code  text NOT NULL,
  list_version   integer NOT NULL,
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress_done  integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total integer NOT NULL CHECK (progress_total >= 0),
  error          text,
  storage_key    text,
  size_bytes     bigint,
  sha256         text,
  requested_by   uuid,
  requested_role text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  owner          text,  -- the process making it: a job whose process ended is seen at once
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, township_code, list_version)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON UPDATE CASCADE ON DELETE CASCADE,
  CHECK ((status = 'done') = (storage_key IS NOT NULL)),
  CHECK ((status = 'failed') = (error IS NOT NULL))
);
CREATE INDEX handbooks_township ON handbooks (tenant_id, township_code, created_at DESC);
-- At most one handbook of a list version is being made at a time; a second request joins it.
CREATE UNIQUE INDEX handbooks_one_active ON handbooks (tenant_id, township_code, list_version)
  WHERE status IN ('queued', 'running');
SELECT qingdan_protect('handbooks', '{app_role}');
REVOKE DELETE ON handbooks FROM {app_role};

-- ========================================================================================
-- Working-day calendars and events: calendar overrides, the event outbox, webhook
-- subscriptions and one delivery row per event per subscription. The delivery worker claims
-- due rows across tenants as the schema owner (the platform_maintenance policy).
-- ========================================================================================
-- A tenant's departures from the national calendar: an extra day off (a local holiday,
-- a typhoon day) or an extra working day (a local 调休 Saturday).
CREATE TABLE calendar_overrides (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day        date NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name       text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, day)
);
SELECT qingdan_protect('calendar_overrides', '{app_role}');

-- The outbox: written in the transaction of the change it reports, so an event exists
-- exactly when the change committed. xid orders the feed safely (see core/events.py).
CREATE TABLE events (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  type        text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  data        jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL DEFAULT now(),
  xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_type ON events (tenant_id, type, id);
SELECT qingdan_protect('events', '{app_role}');
REVOKE UPDATE, DELETE ON events FROM {app_role};

CREATE TABLE webhook_subscriptions (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  url         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  secret      text NOT NULL,
  event_types text[] NOT NULL DEFAULT '{}',
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  active      boolean NOT NULL DEFAULT true,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT qingdan_protect('webhook_subscriptions', '{app_role}');

-- One row per event per matching subscription, created with the event. A claimed row's
-- next_attempt_at is pushed out by a lease, so a worker that dies mid-delivery loses
-- nothing: the row falls due again.
CREATE TABLE webhook_deliveries (
  tenant_id       uuid NOT NULL,
  subscription_id uuid NOT NULL,
  event_id        bigint NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  last_duration_ms integer,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, subscription_id, event_id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);
CREATE INDEX webhook_deliveries_state ON webhook_deliveries (tenant_id, subscription_id, state, event_id);
SELECT qingdan_protect('webhook_deliveries', '{app_role}');

-- ========================================================================================
-- Workflow instances (admission 准入, bottom-up adjustment 动态调整, …) and every step taken.
-- ========================================================================================
CREATE TABLE workflow_instances (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  definition     text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('admission', 'adjustment', 'call')),
  subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  state          text NOT NULL,
  outcome        text CHECK (outcome IN ('approved', 'rejected', 'withdrawn', 'closed')),
  applicant      jsonb NOT NULL,
  data           jsonb NOT NULL DEFAULT '{}',
  item_code      text,
  state_since    timestamptz NOT NULL DEFAULT now(),
  due_at         timestamptz,
  escalated_to   text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  version        integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  CHECK ((outcome IS NULL) = (closed_at IS NULL))
);
CREATE INDEX workflow_instances_kind ON workflow_instances (tenant_id, kind, started_at);
CREATE INDEX workflow_instances_due ON workflow_instances (tenant_id, due_at) WHERE closed_at IS NULL;
CREATE INDEX workflow_instances_item ON workflow_instances (tenant_id, item_code) WHERE item_code IS NOT NULL;
SELECT qingdan_protect('workflow_instances', '{app_role}');

CREATE TABLE workflow_steps (
  tenant_id     uuid NOT NULL,
  instance_id   uuid NOT NULL,
  seq           integer NOT NULL CHECK (seq > 0),
  transition    text NOT NULL,
  from_state    text,
  to_state      text NOT NULL,
  actor_key_id  uuid,
  actor_role    text NOT NULL,
  actor_scope   text,
  actor_name    text NOT NULL DEFAULT '',
  automatic     boolean NOT NULL DEFAULT false,
  inputs        jsonb NOT NULL DEFAULT '{}',
  comment       text NOT NULL DEFAULT '',
  at            timestamptz NOT NULL DEFAULT now(),
  due_at        timestamptz,
  late          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, instance_id, seq),
  FOREIGN KEY (tenant_id, instance_id) REFERENCES workflow_instances (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect('workflow_steps', '{app_role}');

-- ========================================================================================
-- Calls (乡呼县应 / 吹哨报到): a township's call, one dispatch per responsible unit, every
-- step, attachments. Times the statistics read are columns, scanned by (tenant_id, raised_at).
-- ========================================================================================
CREATE TABLE calls (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  township_code   text NOT NULL,
  village_code    text,
  grid_code       text,
  subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
  call_class      text NOT NULL,
  item_code       text,
  state           text NOT NULL DEFAULT 'received' CHECK (state IN
                  ('received', 'dispatched', 'signed_for', 'in_progress', 'answered', 'closed', 'redo', 'archived')),
  raised_at       timestamptz NOT NULL DEFAULT now(),
  raised_by       text NOT NULL DEFAULT '',
  sign_deadline   timestamptz,
  answer_deadline timestamptz,
  signed_at       timestamptz,
  answered_at     timestamptz,
  closed_at       timestamptz,
  resolved        boolean,
  satisfaction    text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
  follow_up_note  text NOT NULL DEFAULT '',
  redo_count      integer NOT NULL DEFAULT 0,
  send_back_count integer NOT NULL DEFAULT 0,
  revision        integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE,
  CHECK ((state IN ('closed', 'archived')) = (closed_at IS NOT NULL))
);
-- Statistics scan a period: the covering columns keep it an index-only-friendly read.
CREATE INDEX calls_period ON calls (tenant_id, raised_at);
CREATE INDEX calls_township_period ON calls (tenant_id, township_code, raised_at);
CREATE INDEX calls_open ON calls (tenant_id, state) WHERE state NOT IN ('closed', 'archived');
SELECT qingdan_protect('calls', '{app_role}');

CREATE TABLE call_dispatches (
  tenant_id        uuid NOT NULL,
  call_id          uuid NOT NULL,
  unit_code        text NOT NULL,
  role             text NOT NULL CHECK (role IN ('primary', 'cooperating')),
  item_code        text,
  state            text NOT NULL DEFAULT 'dispatched' CHECK (state IN
                   ('dispatched', 'signed_for', 'in_progress', 'answered', 'sent_back')),
  raised_at        timestamptz NOT NULL,
  dispatched_at    timestamptz NOT NULL DEFAULT now(),
  sign_deadline    timestamptz NOT NULL,
  answer_deadline  timestamptz NOT NULL,
  signed_at        timestamptz,
  answered_at      timestamptz,
  feedback         text NOT NULL DEFAULT '',
  sent_back_at     timestamptz,
  send_back_reason text,
  extension        jsonb,
  PRIMARY KEY (tenant_id, call_id, unit_code),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, unit_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE
);
CREATE INDEX call_dispatches_unit_period ON call_dispatches (tenant_id, unit_code, raised_at);
SELECT qingdan_protect('call_dispatches', '{app_role}');

-- Every step: state changes, dispatch, re-routing (转派) with who and why, send-backs,
-- extension requests and decisions, supervision and urging (督办/催办), follow-up.
CREATE TABLE call_steps (
  tenant_id  uuid NOT NULL,
  call_id    uuid NOT NULL,
  seq        integer NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  action     text NOT NULL,
  unit_code  text,
  from_state text,
  to_state   text,
  actor_role text NOT NULL,
  actor_key  uuid,
  actor_name text NOT NULL DEFAULT '',
  comment    text NOT NULL DEFAULT '',
  data       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, call_id, seq),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect('call_steps', '{app_role}');
REVOKE UPDATE, DELETE ON call_steps FROM {app_role};

CREATE TABLE call_attachments (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  call_id      uuid NOT NULL,
  step_seq     integer,
  unit_code    text,
  filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  object_key   text NOT NULL,
  content_type text NOT NULL,
  size         bigint NOT NULL,
  sha256       text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now(),
  uploaded_by  text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, call_id, step_seq) REFERENCES call_steps (tenant_id, call_id, seq)
);
CREATE INDEX call_attachments_call ON call_attachments (tenant_id, call_id, uploaded_at);
SELECT qingdan_protect('call_attachments', '{app_role}');

-- ========================================================================================
-- Evaluation (双向考评), accountability (依单问责), notices (依单履职告知书), post assignment.
-- ========================================================================================
CREATE TABLE evaluation_schemes (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  document   jsonb NOT NULL,
  origin     text NOT NULL CHECK (origin IN ('plugin', 'default', 'tenant')),
  revision   integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('evaluation_schemes', '{app_role}');

CREATE TABLE evaluation_periods (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code ~ '^[0-9]{4}(-Q[1-4])?$'),
  kind        text NOT NULL CHECK (kind IN ('year', 'quarter')),
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  scheme      jsonb NOT NULL,
  computed_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz,
  PRIMARY KEY (tenant_id, code),
  CHECK (starts_on <= ends_on)
);
SELECT qingdan_protect('evaluation_periods', '{app_role}');

CREATE TABLE evaluation_scores (
  tenant_id  uuid NOT NULL,
  period     text NOT NULL,
  relation   text NOT NULL,
  evaluator  text NOT NULL,
  evaluatee  text NOT NULL,
  indicator  text NOT NULL,
  score      double precision NOT NULL,
  note       text NOT NULL DEFAULT '',
  entered_by uuid,
  entered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, period, relation, evaluatee, evaluator, indicator),
  FOREIGN KEY (tenant_id, period) REFERENCES evaluation_periods (tenant_id, code) ON DELETE CASCADE
);
CREATE INDEX evaluation_scores_evaluator ON evaluation_scores (tenant_id, period, evaluator);
SELECT qingdan_protect('evaluation_scores', '{app_role}');

CREATE TABLE evaluation_results (
  tenant_id    uuid NOT NULL,
  period       text NOT NULL,
  subject      text NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('township', 'department', 'dispatched_agency')),
  subject_name text NOT NULL,
  score        double precision NOT NULL,
  grade        text NOT NULL,
  complete     boolean NOT NULL,
  explanation  jsonb NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, period, subject),
  FOREIGN KEY (tenant_id, period) REFERENCES evaluation_periods (tenant_id, code) ON DELETE CASCADE
);
CREATE INDEX evaluation_results_kind ON evaluation_results (tenant_id, period, subject_kind, subject);
SELECT qingdan_protect('evaluation_results', '{app_role}');

CREATE TABLE accountability_cases (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  number         integer NOT NULL,
  party_kind     text NOT NULL CHECK (party_kind IN ('township', 'unit', 'post')),
  party          text NOT NULL,
  township_code  text,
  item_code      text NOT NULL,
  situation      text NOT NULL,
  facts          text NOT NULL,
  facts_date     date NOT NULL,
  performed      boolean NOT NULL DEFAULT false,
  responsibility text NOT NULL CHECK (responsibility IN ('primary', 'cooperating', 'none')),
  outcome        text NOT NULL CHECK (outcome IN ('accountable', 'exempt', 'not_on_list')),
  method         text,
  basis          jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid,
  PRIMARY KEY (tenant_id, number)
);
CREATE INDEX accountability_cases_party ON accountability_cases (tenant_id, party, number);
SELECT qingdan_protect('accountability_cases', '{app_role}');

CREATE TABLE accountability_notices (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  number         integer NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('township', 'unit')),
  recipient      text NOT NULL,
  case_number    integer,
  item_code      text,
  content        text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
  issued_on      date NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, number),
  FOREIGN KEY (tenant_id, case_number) REFERENCES accountability_cases (tenant_id, number)
);
SELECT qingdan_protect('accountability_notices', '{app_role}');

CREATE TABLE posts (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  code          text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  office_code   text NOT NULL,
  holder        text NOT NULL DEFAULT '',
  standards     text NOT NULL DEFAULT '',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, township_code, code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE,
  FOREIGN KEY (tenant_id, office_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE
);
SELECT qingdan_protect('posts', '{app_role}');

CREATE TABLE entry_assignments (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  item_code     text NOT NULL,
  leader        text NOT NULL CHECK (length(leader) BETWEEN 1 AND 200),
  office_code   text NOT NULL,
  a_post        text NOT NULL,
  b_post        text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, township_code, item_code),
  FOREIGN KEY (tenant_id, township_code, a_post) REFERENCES posts (tenant_id, township_code, code),
  FOREIGN KEY (tenant_id, township_code, b_post) REFERENCES posts (tenant_id, township_code, code),
  CHECK (b_post IS NULL OR b_post <> a_post)
);
CREATE INDEX entry_assignments_a ON entry_assignments (tenant_id, township_code, a_post);
CREATE INDEX entry_assignments_b ON entry_assignments (tenant_id, township_code, b_post);
SELECT qingdan_protect('entry_assignments', '{app_role}');

-- ========================================================================================
-- The application role may ANALYZE the tables bulk writes fill (core.db.refresh_statistics);
-- MAINTAIN exists from PostgreSQL 17 on, older servers rely on autovacuum alone.
-- ========================================================================================
DO $do$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'GRANT MAINTAIN ON catalog_items, catalog_responsibilities, item_citations,'
            ' township_entries, township_version_entries TO {app_role}';
  END IF;
END
$do$;

-- ========================================================================================
-- Search postings: an inverted index of our own that works under row-level security
-- (@@ is not LEAKPROOF, so no GIN index can serve the application role); candidates are
-- found with = and BETWEEN on text, @@ and ts_rank run on those alone.
-- ========================================================================================
-- lexeme: as in search_documents.document (a character bigram, a last character, a word);
-- byte order ("C"), so a prefix is a range. documents: search_documents.id, each once;
-- ranks: for each of them ts_rank(document, that lexeme) — a one-lexeme query's rank, so
-- such a query reads only the best-ranked documents; n: how many (to pick the rarest
-- lexeme without reading the arrays).
CREATE TABLE search_postings (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  lexeme    text COLLATE "C" NOT NULL,
  documents integer[] NOT NULL,
  ranks     real[] NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (tenant_id, lexeme)
);
SELECT qingdan_protect('search_postings', '{app_role}');

-- Concatenates posting lists (one row per lexeme matched by a prefix, or per alternative).
CREATE AGGREGATE search_concat (anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray);

-- ========================================================================================
-- Content generations: a counter per tenant that moves whenever a row published reads show
-- may have changed; triggers keep it, so no code path can forget to. The shared legal
-- library counts under the all-zero tenant. No foreign key to tenants: the shared row has
-- no tenant, and a tenant's deletion cascades into watched tables whose triggers insert.
-- ========================================================================================
CREATE TABLE content_generations (
  tenant_id  uuid PRIMARY KEY,
  generation bigint NOT NULL DEFAULT 1
);
SELECT qingdan_protect_shared('content_generations', '{app_role}');

-- Statement-level, over the transition table: a bulk load bumps each tenant once.
CREATE FUNCTION qingdan_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO content_generations AS g (tenant_id)
  SELECT DISTINCT tenant_id FROM changed
  ON CONFLICT (tenant_id) DO UPDATE SET generation = g.generation + 1;
  RETURN NULL;
END $fn$;

-- PostgreSQL allows a transition table only on a single-event trigger: three per table.
CREATE FUNCTION qingdan_watch(tbl regclass) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('CREATE TRIGGER generation_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS changed'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION qingdan_bump_generation()', tbl);
  EXECUTE format('CREATE TRIGGER generation_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS changed'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION qingdan_bump_generation()', tbl);
  EXECUTE format('CREATE TRIGGER generation_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS changed'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION qingdan_bump_generation()', tbl);
END $fn$;

SELECT qingdan_watch(t) FROM unnest(ARRAY[
  'jurisdictions', 'units', 'list_structures', 'catalog_versions', 'township_list_versions',
  'legal_documents', 'legal_versions', 'provisions'
]::regclass[]) AS t;

-- ========================================================================================
-- Township entries keep to existing township lists through statement-level triggers
-- rather than a foreign key (checked per statement as one anti-join; a foreign key checked
-- 170,000 entries one by one): an entry without its list is refused (23503), deleting a
-- list deletes its entries, a list's key cannot change under its entries.
-- ========================================================================================
CREATE FUNCTION qingdan_entries_need_lists() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM changed e WHERE NOT EXISTS (
       SELECT 1 FROM township_lists l WHERE l.tenant_id = e.tenant_id AND l.township_code = e.township_code)) THEN
    RAISE EXCEPTION 'a township entry needs its township list'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'township_entries';
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER entries_need_lists_insert AFTER INSERT ON township_entries REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION qingdan_entries_need_lists();
CREATE TRIGGER entries_need_lists_update AFTER UPDATE ON township_entries REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION qingdan_entries_need_lists();

CREATE FUNCTION qingdan_lists_take_entries() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM township_entries e USING changed l
     WHERE e.tenant_id = l.tenant_id AND e.township_code = l.township_code;
  ELSIF EXISTS (SELECT 1 FROM township_entries e WHERE NOT EXISTS (
       SELECT 1 FROM township_lists l WHERE l.tenant_id = e.tenant_id AND l.township_code = e.township_code)) THEN
    RAISE EXCEPTION 'a township list with entries keeps its township code'
      USING ERRCODE = 'foreign_key_violation', TABLE = 'township_lists';
  END IF;
  RETURN NULL;
END $fn$;
CREATE TRIGGER lists_take_entries_delete AFTER DELETE ON township_lists REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION qingdan_lists_take_entries();
CREATE TRIGGER lists_keep_codes AFTER UPDATE OF township_code, tenant_id ON township_lists
  FOR EACH STATEMENT EXECUTE FUNCTION qingdan_lists_take_entries();
