"""Catalog, township lists, legal library, adjustments, idempotency keys."""

from core.schema import sql_migration

ID = "2026-11-23T17:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalog and township lists"

SQL = r"""
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
CREATE INDEX catalog_items_parent ON catalog_items (tenant_id, version, parent_code);
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
  PRIMARY KEY (tenant_id, township_code, item_code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES township_lists (tenant_id, township_code)
    ON UPDATE CASCADE ON DELETE CASCADE
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
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
