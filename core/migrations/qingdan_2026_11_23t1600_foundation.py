"""Foundation: roles, the row-level-security helper, tenants, API keys, audit,
jurisdictions and units."""

from core.schema import sql_migration

ID = "2026-11-23T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "foundation"

SQL = r"""
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
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
