-- Issue 18: the grouped search (search/items, the portal, GraphQL searchItems) counts the
-- matching items some published township list holds. Until now that was an index probe into
-- the open spans per matching document (1,412 probes, 62 of 92 ms, for a frequent word).
--
-- holders: how many open spans (entries of the townships' newest published versions) point at
-- this document's item content. Publishing maintains it in the publication's own transaction,
-- set-wise (core.lists.queries.COUNT_HOLDERS: +1 per span opened, -1 per span closed), and a
-- document indexed after its spans were written counts them when stored
-- (core.publication.queries.HOLDERS_OF_NEW). Only publication writes spans, so a search reads
-- "held" as holders > 0 without touching the spans.
ALTER TABLE search_documents ADD COLUMN holders integer NOT NULL DEFAULT 0 CHECK (holders >= 0);

-- Existing documents: their open spans counted, grouped by the distribution column (one
-- co-located join on Citus).
UPDATE search_documents d SET holders = c.n
  FROM (SELECT tenant_id, item_code, item_hash, count(*)::integer AS n
          FROM township_entry_spans
         WHERE valid_until IS NULL
         GROUP BY tenant_id, item_code, item_hash) c
 WHERE d.tenant_id = c.tenant_id AND d.item_code = c.item_code AND d.content_hash = c.item_hash;
