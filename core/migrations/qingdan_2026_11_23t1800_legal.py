"""Legal library: recorded changes of the law (amendments, repeals), adjustments they open,
and the indexes behind citation navigation and keyword search."""

from core.schema import sql_migration

ID = "2026-11-23T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "legal changes and impact"

SQL = r"""
-- A recorded change of a document: an amendment (from one stored version to another, with
-- its effective date) or a repeal (with its effective date and an optional successor).
-- National documents' changes belong to the all-zero tenant, a tenant's own to the tenant.
CREATE TABLE legal_changes (
  tenant_id       uuid NOT NULL,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  document_id     uuid NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('amend', 'repeal')),
  effective_date  date NOT NULL,
  from_version_id uuid,
  to_version_id   uuid,
  successor_id    uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  recorded_by     jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, document_id) REFERENCES legal_documents (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, from_version_id) REFERENCES legal_versions (tenant_id, id),
  FOREIGN KEY (tenant_id, to_version_id) REFERENCES legal_versions (tenant_id, id),
  CHECK ((kind = 'amend') = (from_version_id IS NOT NULL AND to_version_id IS NOT NULL)),
  CHECK (kind = 'repeal' OR successor_id IS NULL)
);
-- The same change is recorded once: one amendment per target version, one repeal per document.
CREATE UNIQUE INDEX legal_changes_amendment ON legal_changes (tenant_id, document_id, to_version_id)
  WHERE kind = 'amend';
CREATE UNIQUE INDEX legal_changes_repeal ON legal_changes (tenant_id, document_id) WHERE kind = 'repeal';
CREATE INDEX legal_changes_created ON legal_changes (tenant_id, created_at, id);
SELECT qingdan_protect_shared('legal_changes', '{app_role}');

-- Adjustments a change of the law opens: to do ('open') until the county applies or
-- dismisses them; every adjustment recorded before is an applied one.
ALTER TABLE catalog_adjustments
  ADD COLUMN state text NOT NULL DEFAULT 'applied' CHECK (state IN ('open', 'applied', 'dismissed')),
  ADD COLUMN law_change_id uuid;
CREATE UNIQUE INDEX catalog_adjustments_law_change
  ON catalog_adjustments (tenant_id, law_change_id, item_code) WHERE law_change_id IS NOT NULL;
-- A national change's report spans tenants (read as the owner).
CREATE INDEX catalog_adjustments_by_law_change
  ON catalog_adjustments (law_change_id) WHERE law_change_id IS NOT NULL;

-- Which tenants cite a national document (impact analysis spans tenants).
CREATE INDEX item_citations_by_document ON item_citations (document_id, tenant_id, version);

-- Keyword search over article texts. pg_trgm is a trusted extension (PostgreSQL 13+): the
-- database owner may create it without being a superuser. Where it is missing or refused,
-- search still works (a sequential strpos/ILIKE scan, fine at the library's size).
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm not available (%); keyword search runs without an index', SQLERRM;
END $$;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    EXECUTE 'CREATE INDEX provisions_article_text_trgm ON provisions USING gin (text gin_trgm_ops)'
            ' WHERE paragraph = 0 AND item = 0';
    EXECUTE 'CREATE INDEX legal_documents_title_trgm ON legal_documents USING gin (title gin_trgm_ops)';
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'no trigram indexes (%); keyword search runs without them', SQLERRM;
END $$;
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
