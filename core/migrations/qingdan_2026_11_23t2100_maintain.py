"""The application role may ANALYZE the tables bulk writes fill (core.db.refresh_statistics).

``MAINTAIN`` exists from PostgreSQL 17 on; on an older server nothing is granted and
autovacuum alone keeps the statistics, as before.
"""

from core.schema import sql_migration

ID = "2026-11-23T21:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app role may analyze bulk-filled tables"

SQL = """
DO $do$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE 'GRANT MAINTAIN ON catalog_items, catalog_responsibilities, item_citations,'
            ' township_entries, township_version_entries TO {app_role}';
  END IF;
END
$do$;
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
