-- Issue 13 (national scale), items 2 and 5: plans that hold with many tenants of very
-- different sizes, and bulk publication of township lists.
--
-- 1. Extended statistics. With several tenants in one table the planner multiplies the
--    selectivities of tenant_id and township_code (or version) as if they were independent,
--    and takes one township's 340 entries for a handful of rows. The hot statements no longer
--    depend on that estimate (core/catalog.py items_for, tests/test_plans.py), but every other
--    plan over these tables is better for knowing that a township code (a catalog version)
--    says which tenant it belongs to, and how many rows a (tenant, township) pair has.
CREATE STATISTICS township_entries_tenant_township (ndistinct, dependencies, mcv)
  ON tenant_id, township_code FROM township_entries;
CREATE STATISTICS township_version_entries_tenant_township (ndistinct, dependencies, mcv)
  ON tenant_id, township_code FROM township_version_entries;
CREATE STATISTICS search_entries_tenant_township (ndistinct, dependencies, mcv)
  ON tenant_id, township_code FROM search_entries;
CREATE STATISTICS catalog_items_tenant_version (ndistinct, dependencies, mcv)
  ON tenant_id, version FROM catalog_items;
CREATE STATISTICS catalog_responsibilities_tenant_version (ndistinct, dependencies)
  ON tenant_id, version FROM catalog_responsibilities;
CREATE STATISTICS item_citations_tenant_version (ndistinct, dependencies)
  ON tenant_id, version FROM item_citations;

-- 2. Bulk publication (core/publication.py): file and publish many township lists of a
--    tenant in one request, run as a job with progress, like handbook jobs (owner process,
--    heartbeat, a job whose process ended is failed when next read). ``townships`` is the
--    selection asked for, NULL for every list of the tenant. One job per tenant at a time.
CREATE TABLE publication_jobs (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  effective_date date NOT NULL,
  townships      text[],
  progress_done  integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total integer NOT NULL DEFAULT 0 CHECK (progress_total >= 0),
  filed          integer NOT NULL DEFAULT 0,
  published      integer NOT NULL DEFAULT 0,
  skipped        jsonb NOT NULL DEFAULT '[]',
  error          text,
  requested_by   uuid,
  requested_role text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  owner          text,
  PRIMARY KEY (tenant_id, id),
  CHECK ((status = 'failed') = (error IS NOT NULL))
);
CREATE INDEX publication_jobs_created ON publication_jobs (tenant_id, created_at DESC);
CREATE UNIQUE INDEX publication_jobs_one_active ON publication_jobs (tenant_id) WHERE status IN ('queued', 'running');
SELECT qingdan_protect('publication_jobs', '{app_role}');
REVOKE DELETE ON publication_jobs FROM {app_role};
