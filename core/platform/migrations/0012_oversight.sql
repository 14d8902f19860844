-- Issue 21 (oversight across counties): a city or province tenant reads the *published*
-- lists, catalogs and stored burden indicators of the counties that granted it access, and
-- nothing else. docs/oversight.md explains the design; in short:
--
-- * tenants.kind says what a tenant is: a county (keeps lists) or a city/province overseer.
-- * oversight_grants: a county's grant to an overseer, distributed with the county.
-- * burden_indicators: indicators computed for a county as of a date (core/oversight/storage.py).
-- * Overseers read as their own role, {app_role}_oversight, which owns nothing, may only
--   SELECT, and only the columns granted below (no contact column of list entries, no unit
--   contacts, no tenant settings; no keys, calls, drafts' working copies, documents in storage
--   at all). Its policies admit the rows of the counties named in `qingdan.overseen` (set by
--   core/oversight/scope.py only after it read a live grant in the same transaction) and, for
--   catalog versions, only published ones. Citus refuses subqueries in policies on distributed
--   tables and a function in a policy that reads a Citus table from a shard ("cannot execute a
--   distributed query from a query on a shard"), so the policies read settings and columns only.

-- 1. What a tenant is. Existing tenants are counties.
ALTER TABLE tenants ADD COLUMN kind text NOT NULL DEFAULT 'county'
  CHECK (kind IN ('county', 'city', 'province'));

-- 2. Grants, owned by the granting county (tenant_id) and distributed with it.
CREATE TABLE oversight_grants (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  overseer_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  granted_by  text NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 200),
  granted_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  PRIMARY KEY (tenant_id, overseer_id),
  CHECK (tenant_id <> overseer_id)
);
-- An overseer's counties (on Citus a query over every shard, by the oversight role).
CREATE INDEX oversight_grants_overseer ON oversight_grants (overseer_id, tenant_id) WHERE revoked_at IS NULL;
SELECT qingdan_protect('oversight_grants', '{app_role}');
-- Grants are revoked (revoked_at), never deleted: the history stays with the audit trail.
REVOKE DELETE ON oversight_grants FROM {app_role};

-- 3. Stored indicator results, one body per county and date.
CREATE TABLE burden_indicators (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  as_of       date NOT NULL,
  computed_at timestamptz NOT NULL,
  body        jsonb NOT NULL,
  PRIMARY KEY (tenant_id, as_of)
);
SELECT qingdan_protect('burden_indicators', '{app_role}');

-- 4. The oversight role. LOGIN because Citus workers connect as the current role.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{app_role}_oversight') THEN
    CREATE ROLE {app_role}_oversight LOGIN;
  END IF;
  IF NOT pg_has_role(current_user, '{app_role}_oversight', 'MEMBER') THEN
    EXECUTE format('GRANT {app_role}_oversight TO %I', current_user);
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO {app_role}_oversight;

-- The overseer's own grants: which counties it may read (its id is qingdan.tenant_id).
GRANT SELECT ON oversight_grants TO {app_role}_oversight;
CREATE POLICY oversight_own_grants ON oversight_grants FOR SELECT TO {app_role}_oversight
  USING (overseer_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid);

-- The counties' names (not their settings).
GRANT SELECT (id, slug, name, division_code, plugin, created_at, kind) ON tenants TO {app_role}_oversight;
CREATE POLICY oversight_read ON tenants FOR SELECT TO {app_role}_oversight
  USING (id = ANY (string_to_array(NULLIF(current_setting('qingdan.overseen', true), ''), ',')::uuid[]));

-- Structure a published list is read against (divisions, units without their contacts, kinds).
GRANT SELECT ON jurisdictions, list_structures, burden_indicators TO {app_role}_oversight;
GRANT SELECT (tenant_id, id, code, name, kind, jurisdiction_code, parent_unit_code, version, created_at, updated_at)
  ON units TO {app_role}_oversight;
-- Published lists: every township_list_versions row is a published version; their entries are
-- spans (migration 0010; the view township_version_entries is not granted), without the contact
-- and note columns (a person, a phone number).
GRANT SELECT ON township_list_versions TO {app_role}_oversight;
GRANT SELECT (tenant_id, township_code, item_code, valid_from, valid_until, origin, justification,
              responsible_office, post, item_hash)
  ON township_entry_spans TO {app_role}_oversight;
-- Published catalog versions, and the items, responsibilities and citations of those only.
GRANT SELECT ON catalog_versions, catalog_items, catalog_responsibilities, item_citations TO {app_role}_oversight;
-- The legal library: national documents and the overseen counties' own (their items cite them).
GRANT SELECT ON legal_documents, legal_versions, provisions, legal_changes TO {app_role}_oversight;

DO $$
DECLARE
  overseen text := 'tenant_id = ANY (string_to_array(NULLIF(current_setting(''qingdan.overseen'', true), ''''), '','')::uuid[])';
  -- A draft catalog version is always numbered after every published one (core/catalog/editing.py);
  -- qingdan.overseen_catalog is the county's last published number, read under the policy below.
  published_catalog text := 'version <= NULLIF(current_setting(''qingdan.overseen_catalog'', true), '''')::integer';
  tbl text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['jurisdictions', 'units', 'list_structures', 'township_list_versions',
                             'township_entry_spans', 'burden_indicators'] LOOP
    EXECUTE format('CREATE POLICY oversight_read ON %I FOR SELECT TO {app_role}_oversight USING (%s)', tbl, overseen);
  END LOOP;
  EXECUTE format('CREATE POLICY oversight_read ON catalog_versions FOR SELECT TO {app_role}_oversight'
                 ' USING (%s AND status = ''published'')', overseen);
  FOREACH tbl IN ARRAY ARRAY['catalog_items', 'catalog_responsibilities', 'item_citations'] LOOP
    EXECUTE format('CREATE POLICY oversight_read ON %I FOR SELECT TO {app_role}_oversight USING (%s AND %s)',
                   tbl, overseen, published_catalog);
  END LOOP;
  FOREACH tbl IN ARRAY ARRAY['legal_documents', 'legal_versions', 'provisions', 'legal_changes'] LOOP
    EXECUTE format('CREATE POLICY oversight_read ON %I FOR SELECT TO {app_role}_oversight'
                   ' USING (tenant_id = ''00000000-0000-0000-0000-000000000000''::uuid OR %s)', tbl, overseen);
  END LOOP;
END $$;
