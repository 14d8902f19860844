"""Handbook jobs: a PDF of a township's published list, made in the background."""

from core.schema import sql_migration

ID = "2026-11-23T20:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "handbook jobs"

SQL = """
CREATE TABLE handbooks (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  township_code  text NOT NULL,
  list_version   integer NOT NULL,
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  progress_done  integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total integer NOT NULL CHECK (progress_total >= 0),
  error          text,
  storage_key    text,
  size_bytes     bigint,
  sha256         text,
  requested_by   uuid,
  requested_role text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  heartbeat_at   timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, township_code, list_version)
    REFERENCES township_list_versions (tenant_id, township_code, number) ON UPDATE CASCADE ON DELETE CASCADE,
  CHECK ((status = 'done') = (storage_key IS NOT NULL)),
  CHECK ((status = 'failed') = (error IS NOT NULL))
);
CREATE INDEX handbooks_township ON handbooks (tenant_id, township_code, created_at DESC);
-- At most one handbook of a list version is being made at a time; a second request joins it.
CREATE UNIQUE INDEX handbooks_one_active ON handbooks (tenant_id, township_code, list_version)
  WHERE status IN ('queued', 'running');
SELECT qingdan_protect('handbooks', '{app_role}');
REVOKE DELETE ON handbooks FROM {app_role};
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
