"""Drop the GIN index on search documents: under the forced policies the application role
can never use it (``@@`` is not LEAKPROOF; ``search_postings`` finds candidates instead),
and maintaining it was a third of the cost of indexing a published catalog version."""

from core.schema import sql_migration

ID = "2026-11-23T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop the unusable GIN index on search documents"

SQL = "DROP INDEX IF EXISTS search_documents_document;"


forwards = sql_migration(ID, DESCRIPTION, SQL)
