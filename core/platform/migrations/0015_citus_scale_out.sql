-- Issue 14, the suite on a Citus cluster.
--
-- 1. Citus re-creates a distributed table's policies on its shards without `AS RESTRICTIVE`
--    (commands/policy.c, CreatePolicyCommandForPolicy, Citus 14.0.1): the two restrictive
--    policies of migration 0010 became permissive on the shards, where they are OR-ed with
--    tenant_isolation, so the application role could add an open span to another tenant's list
--    and close another tenant's open spans. The same rules as permissive policies only, each
--    carrying the tenant: reading is the tenant's (tenant_isolation, now FOR SELECT), writing an
--    open span and closing one are allowed only to the tenant's own rows. No DELETE policy: the
--    role has no DELETE grant either. The distribution step refuses restrictive policies on
--    tenant tables from now on (core/platform/distribution.py).
DROP POLICY spans_open_when_written ON township_entry_spans;
DROP POLICY spans_closed_once ON township_entry_spans;
DROP POLICY tenant_isolation ON township_entry_spans;
CREATE POLICY tenant_isolation ON township_entry_spans FOR SELECT TO {app_role}
  USING (tenant_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid);
CREATE POLICY spans_open_when_written ON township_entry_spans FOR INSERT TO {app_role}
  WITH CHECK (tenant_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid AND valid_until IS NULL);
CREATE POLICY spans_closed_once ON township_entry_spans FOR UPDATE TO {app_role}
  USING (tenant_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid AND valid_until IS NULL)
  WITH CHECK (tenant_id = NULLIF(current_setting('qingdan.tenant_id', true), '')::uuid AND valid_until IS NOT NULL);

-- 2. The event feed shows an event once no older transaction is still open (its writer's
--    `xid` below the reader's snapshot xmin, core/events/queries.py). On Citus the column's
--    default was evaluated on the coordinator (Citus evaluates an INSERT's non-immutable
--    expressions there) and the reader's snapshot on the worker holding the tenant's shard: two
--    nodes' transaction counters, so the feed showed nothing. A row-level BEFORE trigger sets
--    the writer's transaction id where the row is written: on one PostgreSQL that is what the
--    default did; on Citus it runs on the shard, so the writer's id and the reader's snapshot
--    are the same worker's. A row trigger that reads no other table runs on a shard as on one
--    server (the distribution step's rule for triggers on tenant tables). The setting lets a
--    cluster whose events table is already distributed take the trigger (a placeholder on one
--    PostgreSQL).
-- On a Citus coordinator the migrations run before the tables are distributed (the
-- distribution step then copies the trigger to every shard and its function to every worker);
-- propagating the function and trigger to the workers now would send them this whole file.
SET LOCAL citus.enable_ddl_propagation = off;
CREATE FUNCTION qingdan_event_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER event_xid BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION qingdan_event_xid();
