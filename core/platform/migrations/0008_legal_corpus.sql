-- Issue 19: the national legal library becomes the whole corpus (laws, regulations, rules,
-- Shandong's local regulations) with levels, regions and abbreviations; the corpus loads
-- fast and once; law-change adjustments get a lifecycle (applied / dismissed with a reason).

-- A local regulation's region: the GB/T 2260 prefix of the body that made it (37 Shandong,
-- 3709 泰安). NULL is national. A tenant is offered a shared document only when its division
-- code starts with the prefix.
ALTER TABLE legal_documents ADD COLUMN region_code text
  CHECK (region_code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$');
-- Names people cite a document by besides its title and short title: 民法典, 食安法, and a
-- local regulation's title without its region (安全生产条例 for 山东省安全生产条例).
ALTER TABLE legal_documents ADD COLUMN abbreviations text[] NOT NULL DEFAULT '{}';
-- An amending document (刑法修正案（十一）) names the document it amends.
ALTER TABLE legal_documents ADD COLUMN amends_id uuid;

-- The sha256 of a version's source text: a newer corpus stores only versions it has not seen,
-- and a corrected text of a known version is reported rather than silently taken.
ALTER TABLE legal_versions ADD COLUMN content_hash text;

-- What the shared library was last loaded from (the archive's sha256): a re-run with the same
-- archive does nothing. Written by the owner at install time; requests never read it.
CREATE TABLE legal_library_loads (
  source    text PRIMARY KEY,
  digest    text NOT NULL,
  documents integer NOT NULL,
  versions  integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- An adjustment a law change opened is applied or dismissed by someone, with a reason.
ALTER TABLE catalog_adjustments ADD COLUMN resolution_reason text;
ALTER TABLE catalog_adjustments ADD COLUMN resolved_at timestamptz;
ALTER TABLE catalog_adjustments ADD COLUMN resolved_by jsonb;
CREATE INDEX catalog_adjustments_open ON catalog_adjustments (tenant_id, created_at) WHERE state = 'open';

-- Keyword search over the shared library's articles. Under row-level security the trigram index
-- is never used: ILIKE is not leakproof, so the policy's filter runs first and every article is
-- read (700 ms over the corpus). The shared library is readable by every tenant anyway; this
-- function finds its matching articles as the owner, where the index serves (15 ms). The
-- patterns go into the statement as literals so that it is planned for them (a generic plan
-- cannot tell a selective pattern). The tenant's own articles are searched under its policy.
CREATE FUNCTION qingdan_shared_article_hits(patterns text[])
RETURNS TABLE (version_id uuid, article integer, label text, chapter text, text text)
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 200 SET search_path FROM CURRENT AS $fn$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT p.version_id, p.article, p.label, p.chapter, p.text FROM provisions p'
    ' WHERE p.tenant_id = %L AND p.paragraph = 0 AND p.item = 0 AND p.text ILIKE %L AND p.text ILIKE ALL(%L)',
    '00000000-0000-0000-0000-000000000000', patterns[1], patterns);
END $fn$;
REVOKE ALL ON FUNCTION qingdan_shared_article_hits(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qingdan_shared_article_hits(text[]) TO {app_role};
