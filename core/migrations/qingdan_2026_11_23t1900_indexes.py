"""Index fix: only child items in the parent index.

Without statistics (right after a bulk import) the planner used the full parent index to
find items by code — for the foreign-key checks of responsibilities and citations — and
scanned the whole version each time. Top-level items never need the index.
"""

from core.schema import sql_migration

ID = "2026-11-23T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "partial parent index"

SQL = """
DROP INDEX IF EXISTS catalog_items_parent;
CREATE INDEX catalog_items_parent ON catalog_items (tenant_id, version, parent_code)
  WHERE parent_code IS NOT NULL;
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
