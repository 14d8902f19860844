-- Issue 17, item 7: incremental sync (`updated_since`) on the collections other systems mirror:
-- jurisdictions, units, catalog items, township lists and calls.
--
-- 1. Every mirrored row carries `updated_at`, set by the database on every INSERT and UPDATE
--    (a BEFORE row trigger), so no write path can forget it. `clock_timestamp()`, not `now()`:
--    `now()` is the start of the transaction, and a long transaction (a bulk publication
--    batch) would stamp rows with a time well before they become visible.
--    Rows that exist when this migration runs carry its time (the column's default): a mirror
--    does a full pull first anyway.
CREATE OR REPLACE FUNCTION qingdan_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END
$$;

ALTER TABLE calls ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE catalog_items ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TRIGGER jurisdictions_touch BEFORE INSERT OR UPDATE ON jurisdictions
  FOR EACH ROW EXECUTE FUNCTION qingdan_touch();
CREATE TRIGGER units_touch BEFORE INSERT OR UPDATE ON units
  FOR EACH ROW EXECUTE FUNCTION qingdan_touch();
CREATE TRIGGER catalog_items_touch BEFORE INSERT OR UPDATE ON catalog_items
  FOR EACH ROW EXECUTE FUNCTION qingdan_touch();
CREATE TRIGGER township_lists_touch BEFORE INSERT OR UPDATE ON township_lists
  FOR EACH ROW EXECUTE FUNCTION qingdan_touch();
CREATE TRIGGER calls_touch BEFORE INSERT OR UPDATE ON calls
  FOR EACH ROW EXECUTE FUNCTION qingdan_touch();

-- 2. The filter's indexes lead with the tenant (row-level security and Citus distribute by it).
--    A catalog is read one version at a time, so its index leads with (tenant, version).
CREATE INDEX jurisdictions_updated ON jurisdictions (tenant_id, updated_at);
CREATE INDEX units_updated ON units (tenant_id, updated_at);
CREATE INDEX catalog_items_updated ON catalog_items (tenant_id, version, updated_at);
CREATE INDEX township_lists_updated ON township_lists (tenant_id, updated_at);
CREATE INDEX calls_updated ON calls (tenant_id, updated_at);
