-- Issue 13, "GraphQL within 2× of REST, warm": GraphQL renderings of published lists, shared
-- by every process like the REST bodies beside them (docs/decisions.md, "GraphQL renderings
-- stored beside the bodies").
--
-- 1. rendering_selections: the selections a tenant's GraphQL readers asked of a published list's
--    parts (entries, provisions, counts), as the projection core.publication.renderings renders
--    (`shape`: response names, the body's keys, leaf kinds — no GraphQL), keyed by its digest.
--    At most RECENT_PER_PART per tenant and part are kept (the least recently used go, and their
--    renderings with them); a publication renders the new version for those used recently.
CREATE TABLE rendering_selections (
  tenant_id uuid NOT NULL,
  selection bytea NOT NULL,
  part      text NOT NULL CHECK (part IN ('entries', 'provisions', 'counts')),
  shape     bytea NOT NULL,
  last_used timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, selection)
);
SELECT qingdan_protect('rendering_selections', '{app_role}');

-- 2. published_list_renderings: a version's part rendered for a selection at a content
--    generation, deflated. Written by the first reader (or the publication) with ON CONFLICT,
--    read back as bytes by every process. A row lives only as long as the version's stored body
--    (the newest version of a list: publishing drops the older bodies, and their renderings with
--    them) and its selection (dropped when the tenant stops using it).
CREATE TABLE published_list_renderings (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  number        integer NOT NULL,
  selection     bytea NOT NULL,
  generation    bigint NOT NULL,
  deflated      bytea NOT NULL,
  PRIMARY KEY (tenant_id, township_code, number, selection),
  FOREIGN KEY (tenant_id, township_code, number)
    REFERENCES published_list_bodies (tenant_id, township_code, number) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, selection) REFERENCES rendering_selections (tenant_id, selection) ON DELETE CASCADE
);
-- The cascade from a dropped selection finds its renderings by this index.
CREATE INDEX published_list_renderings_selection ON published_list_renderings (tenant_id, selection);
SELECT qingdan_protect('published_list_renderings', '{app_role}');
-- Deflated by the application (like the bodies, migration 0010): stored as given.
ALTER TABLE published_list_renderings ALTER COLUMN deflated SET STORAGE EXTERNAL;
