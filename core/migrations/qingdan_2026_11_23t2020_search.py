"""Search: item texts as character-bigram tsvectors (GIN), and which township entries point
at them; both row-level secured. Everything already published is indexed here (backfill)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.db import DB
from core.schema import execute

ID = "2026-11-23T20:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search"

SQL = """
-- One row per item content (reference code + content hash): an unchanged item keeps its row
-- across catalog versions. document: normalised (simplified, NFKC, lower-case) character
-- bigrams and words with positions and weights, built by core.search.
CREATE TABLE search_documents (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  item_code    text NOT NULL,
  content_hash text NOT NULL,
  title        text NOT NULL,
  level        text NOT NULL,
  category     text,
  item_kind    text,
  kinds        text[] NOT NULL,
  document     tsvector NOT NULL,
  PRIMARY KEY (tenant_id, item_code, content_hash)
);
CREATE INDEX search_documents_document ON search_documents USING gin (document);
SELECT qingdan_protect('search_documents', '{app_role}');

-- The entries of each township's latest published list version.
CREATE TABLE search_entries (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  item_code     text NOT NULL,
  number        integer NOT NULL,
  content_hash  text NOT NULL,
  PRIMARY KEY (tenant_id, township_code, item_code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES township_lists (tenant_id, township_code)
    ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX search_entries_document ON search_entries (tenant_id, item_code, content_hash);
SELECT qingdan_protect('search_entries', '{app_role}');
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="qingdan", description=DESCRIPTION)

    async def run() -> None:
        from core.search import backfill

        await execute(SQL)
        transaction = DB.current_transaction.get()
        assert transaction is not None
        await backfill(transaction.connection)

    manager.add_raw(run)
    return manager
