-- Issue 14 (Qingdan on a Citus cluster), item 2: a schema that one PostgreSQL and a Citus
-- cluster both accept, with the same behaviour on one PostgreSQL. What Citus refuses is
-- listed in docs/scale-out.md; this migration removes it:
--
-- 1. Content generations were moved by statement-level triggers reading a transition table
--    (`changed`). Citus distributes a table with triggers only when told it is safe, and a
--    transition table then fails on the workers ("could not find named tuplestore"). The
--    services now bump the generation themselves, in the transaction of the write, one bump
--    per write statement as before (core/platform/generations.py, `bump`).
DROP TRIGGER generation_insert ON jurisdictions;
DROP TRIGGER generation_update ON jurisdictions;
DROP TRIGGER generation_delete ON jurisdictions;
DROP TRIGGER generation_insert ON units;
DROP TRIGGER generation_update ON units;
DROP TRIGGER generation_delete ON units;
DROP TRIGGER generation_insert ON list_structures;
DROP TRIGGER generation_update ON list_structures;
DROP TRIGGER generation_delete ON list_structures;
DROP TRIGGER generation_insert ON catalog_versions;
DROP TRIGGER generation_update ON catalog_versions;
DROP TRIGGER generation_delete ON catalog_versions;
DROP TRIGGER generation_insert ON township_list_versions;
DROP TRIGGER generation_update ON township_list_versions;
DROP TRIGGER generation_delete ON township_list_versions;
DROP TRIGGER generation_insert ON legal_documents;
DROP TRIGGER generation_update ON legal_documents;
DROP TRIGGER generation_delete ON legal_documents;
DROP TRIGGER generation_insert ON legal_versions;
DROP TRIGGER generation_update ON legal_versions;
DROP TRIGGER generation_delete ON legal_versions;
DROP TRIGGER generation_insert ON provisions;
DROP TRIGGER generation_update ON provisions;
DROP TRIGGER generation_delete ON provisions;
DROP TRIGGER generation_insert ON portal_footers;
DROP TRIGGER generation_update ON portal_footers;
DROP TRIGGER generation_delete ON portal_footers;
DROP FUNCTION qingdan_watch(regclass);
DROP FUNCTION qingdan_bump_generation();

-- 2. Township entries kept to their township list by statement-level integrity triggers over
--    transition tables; a foreign key does the same on both (an entry without its list is
--    refused with 23503, deleting a list deletes its entries, a list's key cannot change
--    under its entries). Entries without a list cannot exist (the triggers refused them).
DROP TRIGGER entries_need_lists_insert ON township_entries;
DROP TRIGGER entries_need_lists_update ON township_entries;
DROP TRIGGER lists_take_entries_delete ON township_lists;
DROP TRIGGER lists_keep_codes ON township_lists;
DROP FUNCTION qingdan_entries_need_lists();
DROP FUNCTION qingdan_lists_take_entries();
ALTER TABLE township_entries
  ADD CONSTRAINT township_entries_tenant_id_township_code_fkey FOREIGN KEY (tenant_id, township_code)
  REFERENCES township_lists (tenant_id, township_code) ON DELETE CASCADE;

-- 3. Citus refuses ON UPDATE CASCADE on a foreign key that holds the distribution column
--    (tenant_id). No code changes a jurisdiction's, unit's or list's code, so NO ACTION (a key
--    still referenced cannot change) loses nothing. Same names, same ON DELETE actions.
DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN
    SELECT conrelid::regclass AS tbl, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint
     WHERE contype = 'f' AND confupdtype = 'c' AND connamespace = 'public'::regnamespace
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
    EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.tbl, fk.conname,
                   replace(fk.def, 'ON UPDATE CASCADE', ''));
  END LOOP;
END $$;

-- 4. Provisioning writes the tenant row as the application role, scoped to the new tenant
--    (tenants/provisioning.py): on Citus the owner's rows would be invisible to the role's
--    statements in the same transaction (they reach the workers on another connection). The
--    policy lets the role insert only the row whose id is its current tenant, which for any
--    request is a tenant that exists already; updates and deletes stay the owner's.
GRANT INSERT ON tenants TO {app_role};

-- 5. The shared legal library's generation moves to a one-row table of its own; a tenant's
--    stays in content_generations. On Citus the library's is a reference table (read with any
--    tenant's on that tenant's worker) and content_generations is distributed by tenant: a
--    national change of the law, recorded by the owner, bumps the library's while each affected
--    tenant's adjustments, written as the application role in the same transaction, bump the
--    tenant's — two roles writing one reference table in one transaction deadlock on Citus.
--    The sum a reader compares (core/platform/generations.py) keeps its value.
CREATE TABLE library_generation (
  one        boolean PRIMARY KEY DEFAULT true CHECK (one),
  generation bigint NOT NULL DEFAULT 1
);
INSERT INTO library_generation (generation)
SELECT coalesce((SELECT generation FROM content_generations
                  WHERE tenant_id = '00000000-0000-0000-0000-000000000000'), 0);
DELETE FROM content_generations WHERE tenant_id = '00000000-0000-0000-0000-000000000000';
GRANT SELECT ON library_generation TO {app_role};
