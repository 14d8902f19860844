"""Drop the GIN index on search documents: under the forced policies the application role
can never use it (``@@`` is not LEAKPROOF; ``search_postings`` finds candidates instead),
and maintaining it was a third of the cost of indexing a published catalog version."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from core.schema import execute

ID = "2026-11-23T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop the unusable GIN index on search documents"

SQL = "DROP INDEX IF EXISTS search_documents_document;"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="qingdan", description=DESCRIPTION)

    async def run() -> None:
        await execute(SQL)

    manager.add_raw(run)
    return manager
