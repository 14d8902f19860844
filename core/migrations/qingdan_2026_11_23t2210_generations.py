"""Content generations: a counter per tenant that moves whenever a row that published
reads show (names, published versions, the legal library) may have changed.

Triggers keep it, so no code path (the owner's library loads included) can forget to. The
shared legal library counts under the all-zero tenant, which every tenant reads. There is
no foreign key to ``tenants``: the shared row has no tenant, and a tenant's deletion
cascades into the watched tables, whose triggers would then insert a row for it.
"""

from core.schema import sql_migration

ID = "2026-11-23T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "content generations for caches of published reads"

SQL = r"""
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
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
