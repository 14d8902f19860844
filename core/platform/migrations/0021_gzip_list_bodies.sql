-- Issue 13, "warm list / one-county ≤ 1.5": a published list's stored body becomes a gzip member
-- of its JSON after the opening brace (core/publication/gzipped.py), so that the REST answer is
-- sent as Content-Encoding: gzip without inflating it, and the per-process cache holds ~40 KB per
-- 340-entry list instead of 536 KiB (docs/decisions.md, "Published bodies served gzipped").
-- As in 0010, the old bodies are dropped rather than converted — a cache keyed by generation,
-- rebuilt by the next reader; their GraphQL renderings go with them (ON DELETE CASCADE, also a
-- cache) — and the column is renamed, so that a process of the previous release fails loudly
-- instead of reading a gzip member as a zlib stream.
DELETE FROM published_list_bodies;
ALTER TABLE published_list_bodies DROP COLUMN deflated;
ALTER TABLE published_list_bodies ADD COLUMN gzip bytea NOT NULL;
ALTER TABLE published_list_bodies ALTER COLUMN gzip SET STORAGE EXTERNAL;
