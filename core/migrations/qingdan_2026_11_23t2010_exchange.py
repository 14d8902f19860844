"""多单合一 provenance: which source lists and rows each merged catalog item came from.

Keyed by the item's reference code (codes never change across catalog versions), one row
per contributing source row, with the relation and confidence the merge found.
"""

from core.schema import sql_migration

ID = "2026-11-23T20:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "merge provenance"

SQL = """
CREATE TABLE catalog_item_provenance (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  item_code     text NOT NULL,
  position      integer NOT NULL,
  merge_id      uuid NOT NULL,
  source_list   text NOT NULL,
  source_row    integer NOT NULL,
  source_title  text NOT NULL,
  source_code   text,
  relation      text NOT NULL CHECK (relation IN ('representative', 'equal', 'subset', 'superset', 'overlapping')),
  confidence    numeric(4, 3) NOT NULL,
  merged_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, item_code, position)
);
CREATE INDEX catalog_item_provenance_list ON catalog_item_provenance (tenant_id, source_list);
SELECT qingdan_protect('catalog_item_provenance', '{app_role}');
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
