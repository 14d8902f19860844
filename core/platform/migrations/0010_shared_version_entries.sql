-- Issue 13, item 6: published township-list versions share their unchanged entries.
--
-- Until now every published version copied every entry (township_version_entries), the newest
-- version's entries were copied once more for search (search_entries), and an encoded body was
-- kept per version read (published_list_bodies): ~800 bytes per entry per republished version
-- when 1 entry in 340 changed. Now an entry's content is stored once for the run of versions
-- that hold it unchanged (docs/decisions.md, "Published entries as validity ranges"):
--
--   township_entry_spans  an entry of versions valid_from … valid_until - 1 (valid_until NULL:
--                         it is on the township's newest version). Publishing a list closes the
--                         spans of entries it changed or dropped (valid_until = the new number)
--                         and opens spans for the entries it changed or added — it writes what
--                         changed, not the list.
--   township_version_entries  now a view with the old columns (one row per version and entry),
--                         read by everything that reads a given version.
--
-- Immutability: the application role may INSERT spans only open (valid_until NULL) and UPDATE
-- only the column valid_until of an open span, to a version newer than valid_from (a column
-- grant and restrictive policies); no DELETE. So a published version's entries stay what they
-- were: closing a span at the new number removes nothing from an older version.
CREATE TABLE township_entry_spans (
  tenant_id          uuid NOT NULL,
  township_code      text NOT NULL,
  item_code          text NOT NULL,
  valid_from         integer NOT NULL,
  valid_until        integer,
  origin             text NOT NULL,
  justification      text NOT NULL,
  responsible_office text NOT NULL,
  post               text NOT NULL,
  contact            text NOT NULL,
  note               text NOT NULL,
  item_hash          text NOT NULL,
  PRIMARY KEY (tenant_id, township_code, item_code, valid_from),
  FOREIGN KEY (tenant_id, township_code, valid_from)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, township_code, valid_until)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON DELETE CASCADE,
  CHECK (valid_until > valid_from)
);

-- Existing versions, folded: a run of consecutive versions of a township holding an item with
-- the same content becomes one span. "Consecutive" is by the township's own version numbers.
WITH versions AS (
  SELECT tenant_id, township_code, number,
         lag(number) OVER w AS previous, lead(number) OVER w AS next
    FROM township_list_versions
  WINDOW w AS (PARTITION BY tenant_id, township_code ORDER BY number)
), marked AS (
  SELECT e.*, v.next,
         lag(e.number) OVER w IS NULL OR lag(e.number) OVER w <> v.previous
         OR (lag(e.origin) OVER w, lag(e.justification) OVER w, lag(e.responsible_office) OVER w,
             lag(e.post) OVER w, lag(e.contact) OVER w, lag(e.note) OVER w, lag(e.item_hash) OVER w)
            IS DISTINCT FROM (e.origin, e.justification, e.responsible_office, e.post, e.contact, e.note, e.item_hash)
           AS starts
    FROM township_version_entries e
    JOIN versions v ON v.tenant_id = e.tenant_id AND v.township_code = e.township_code AND v.number = e.number
  WINDOW w AS (PARTITION BY e.tenant_id, e.township_code, e.item_code ORDER BY e.number)
), runs AS (
  SELECT *, count(*) FILTER (WHERE starts) OVER (PARTITION BY tenant_id, township_code, item_code ORDER BY number)
              AS run
    FROM marked
)
INSERT INTO township_entry_spans (tenant_id, township_code, item_code, valid_from, valid_until, origin,
                                  justification, responsible_office, post, contact, note, item_hash)
SELECT tenant_id, township_code, item_code, min(number), (array_agg(next ORDER BY number DESC))[1], origin,
       justification, responsible_office, post, contact, note, item_hash
  FROM runs
 GROUP BY tenant_id, township_code, item_code, run, origin, justification, responsible_office, post, contact,
          note, item_hash
 ORDER BY tenant_id, township_code, item_code, min(number);

-- search_entries was a copy of the newest versions' entries: the open spans are those entries.
DROP TABLE search_entries;
DROP TABLE township_version_entries;

-- The open spans: one per township and item (the newest version's entries, read by search and
-- by publication); by item and content, in township order, for search.
CREATE UNIQUE INDEX township_entry_spans_open
  ON township_entry_spans (tenant_id, township_code, item_code) WHERE valid_until IS NULL;
CREATE INDEX township_entry_spans_open_item
  ON township_entry_spans (tenant_id, item_code, item_hash, township_code) WHERE valid_until IS NULL;
-- Every span by item, in township order: a lookup without a location asks which townships' lists
-- in force (not always the newest version: it may take effect later) hold an item.
CREATE INDEX township_entry_spans_item ON township_entry_spans (tenant_id, item_code, township_code, valid_from);
CREATE STATISTICS township_entry_spans_tenant_township (ndistinct, dependencies, mcv)
  ON tenant_id, township_code FROM township_entry_spans;

SELECT qingdan_protect('township_entry_spans', '{app_role}');
REVOKE UPDATE, DELETE ON township_entry_spans FROM {app_role};
GRANT UPDATE (valid_until) ON township_entry_spans TO {app_role};
CREATE POLICY spans_open_when_written ON township_entry_spans AS RESTRICTIVE FOR INSERT TO {app_role}
  WITH CHECK (valid_until IS NULL);
CREATE POLICY spans_closed_once ON township_entry_spans AS RESTRICTIVE FOR UPDATE TO {app_role}
  USING (valid_until IS NULL) WITH CHECK (valid_until IS NOT NULL);
DO $do$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'GRANT MAINTAIN ON township_entry_spans TO {app_role}';
  END IF;
END
$do$;

-- Statistics now, not at autovacuum's next pass: publication's statements are planned on them.
ANALYZE township_entry_spans;

-- A version's entries as before: the spans valid at its number. security_invoker: read with
-- the caller's rights, so the tables' row-level security applies to the application role.
CREATE VIEW township_version_entries WITH (security_invoker = true) AS
SELECT s.tenant_id, s.township_code, v.number, s.item_code, s.origin, s.justification, s.responsible_office,
       s.post, s.contact, s.note, s.item_hash
  FROM township_entry_spans s
  JOIN township_list_versions v ON v.tenant_id = s.tenant_id AND v.township_code = s.township_code
   AND v.number >= s.valid_from AND (s.valid_until IS NULL OR v.number < s.valid_until);
GRANT SELECT ON township_version_entries TO {app_role};

-- Published bodies are a cache: only the newest version's is kept (core/publication/bodies.py);
-- an older version is rebuilt when read, which is rare (history, diffs). The application now
-- deflates a body itself (zlib level 3: ~1.7 ms for a 540 KB list, 38 KB; PostgreSQL's pglz took
-- ~4-11 ms in the publishing transaction for 76 KB), so the column is stored as it comes
-- (EXTERNAL). The old JSON bodies are dropped rather than converted — a cache, rebuilt by the next
-- reader — and the column renamed, so that a process of the previous release fails loudly
-- instead of serving deflated bytes as JSON.
DELETE FROM published_list_bodies;
ALTER TABLE published_list_bodies DROP COLUMN body;
ALTER TABLE published_list_bodies ADD COLUMN deflated bytea NOT NULL;
ALTER TABLE published_list_bodies ALTER COLUMN deflated SET STORAGE EXTERNAL;
