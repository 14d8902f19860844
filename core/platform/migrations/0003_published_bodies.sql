-- Issue 13 (national scale), items 3 and 4.
--
-- 1. Published township-list versions are immutable, but what a read shows around them moves
--    with the tenant's content generation (core/generations.py). The encoded JSON body of a
--    version (entries, counts, cited provisions) is stored here with the generation it was
--    built at, written by the first reader (INSERT … ON CONFLICT), so every process serves
--    the same bytes instead of rebuilding and re-encoding a 340-entry list per process.
--    A row built at an older generation is simply rebuilt and replaced by the next reader.
CREATE TABLE published_list_bodies (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  number        integer NOT NULL,
  generation    bigint NOT NULL,
  body          bytea NOT NULL,
  PRIMARY KEY (tenant_id, township_code, number),
  FOREIGN KEY (tenant_id, township_code, number)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON DELETE CASCADE
);
SELECT qingdan_protect('published_list_bodies', '{app_role}');
-- JSON compresses ~8:1; pglz on 0.5 MB is a few milliseconds on write, less on read.
ALTER TABLE published_list_bodies ALTER COLUMN body SET STORAGE EXTENDED;

-- 2. A lookup without a location asks "which townships' lists in force hold item X" for the
--    best-scoring items only; this index answers it per item (an index-only scan in township
--    order) instead of reading every township's list.
CREATE INDEX township_version_entries_item
  ON township_version_entries (tenant_id, item_code, township_code, number);
