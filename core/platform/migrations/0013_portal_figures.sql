-- Issue 21, item 4: which charts of its burden indicators (core/oversight/public.py,
-- PUBLISHABLE) each county publishes on its portal, set by the county's admin. One row per
-- tenant; none, or an empty list, means no charts. The codes are checked by the service, so a
-- chart added to PUBLISHABLE needs no migration. No trigger (Citus, migration 0011): the
-- service moves the content generation itself, so cached portal pages show the change at once.
CREATE TABLE portal_figures (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  charts     text[] NOT NULL DEFAULT '{}' CHECK (cardinality(charts) <= 20),
  revision   integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('portal_figures', '{app_role}');
