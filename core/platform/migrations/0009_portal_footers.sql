-- Issue 20, item 3: each tenant's portal footer (主办单位, 承办单位, 网站标识码, ICP 备案号,
-- 联系方式), set by the tenant's admin. One row per tenant; none means nothing is shown yet.
-- Watched by the content generation, so cached portal pages show a changed footer at once.
CREATE TABLE portal_footers (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  sponsor    text NOT NULL DEFAULT '' CHECK (length(sponsor) <= 200),
  organizer  text NOT NULL DEFAULT '' CHECK (length(organizer) <= 200),
  site_code  text NOT NULL DEFAULT '' CHECK (site_code ~ '^[0-9A-Za-z]{0,20}$'),
  icp_record text NOT NULL DEFAULT '' CHECK (length(icp_record) <= 100),
  contact    text NOT NULL DEFAULT '' CHECK (length(contact) <= 200),
  revision   integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('portal_footers', '{app_role}');
SELECT qingdan_watch('portal_footers');
