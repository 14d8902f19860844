"""On a Citus coordinator: which tables are shared by every node, which are sharded by tenant.

``qingdan migrate`` (and ``qingdan citus distribute``) calls :func:`distribute` after the
migrations. On a single PostgreSQL (no ``citus`` extension in the database) it does nothing.
On a coordinator it brings every table the migrations created to its place, idempotently:

- **Reference tables** (one copy on every node, joined locally with any shard) for what every
  tenant shares or what is read before a tenant is known: ``tenants``; ``api_keys`` (platform
  keys have no tenant, and a key is resolved by its hash before its tenant is known); the legal
  library (``legal_documents``, ``legal_versions``, ``provisions``, ``legal_changes``: the
  national library under the all-zero tenant and each tenant's own documents, which items of
  every tenant cite and join; the shared library's search index ``legal_search_*``);
  ``library_generation`` (every read of a cached body adds the library's generation to the
  tenant's, so it must be where the tenant's shard is).
- **Distributed tables**, every other table: sharded by ``tenant_id`` and colocated, so one
  tenant's rows of every table live on the same worker and a tenant's statement is routed to
  one worker (a router plan).
- ``qingdan_migrations`` (the ledger) stays on the coordinator.

Citus wants a table's foreign keys to point at tables already in place, and turns a local
table that references a new reference table into a "Citus local" table that then refuses to
be distributed; so foreign keys from tenant tables to reference tables are dropped, the tables
placed (reference tables first, then distributed ones in foreign-key order) and the foreign
keys added back. Settings the application needs on Citus are set for the database and role
(see ``docs/scale-out.md``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import asyncpg
from asyncpg.pool import PoolConnectionProxy

log = logging.getLogger("qingdan.distribution")

Connection = asyncpg.Connection | PoolConnectionProxy

#: Copied to every node; in dependency order (a table after those its foreign keys name).
REFERENCE_TABLES = (
    "tenants",
    "api_keys",
    "legal_documents",
    "legal_versions",
    "provisions",
    "legal_changes",
    "legal_search_articles",
    "legal_search_postings",
    "legal_search_appended",
    "library_generation",
)
#: Left on the coordinator only.
LOCAL_TABLES = ("qingdan_migrations", "legal_library_loads")  # what migrate ran and loaded
DISTRIBUTION_COLUMN = "tenant_id"


def shard_count() -> int:
    """Shards per distributed table (``QINGDAN_CITUS_SHARD_COUNT``, Citus's default 32): a
    tenant never spans shards, so more shards only spread tenants finer over workers."""
    return int(os.environ.get("QINGDAN_CITUS_SHARD_COUNT", "32"))


async def is_citus(conn: Connection) -> bool:
    """Whether the database has the Citus extension (a coordinator, or a worker)."""
    return bool(await conn.fetchval("SELECT 1 FROM pg_extension WHERE extname = 'citus'"))


@dataclass(frozen=True)
class ForeignKey:
    table: str
    name: str
    definition: str
    references: str


async def _tables(conn: Connection) -> list[str]:
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
        " AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
    )
    return [r["relname"] for r in rows]


async def _placed(conn: Connection) -> dict[str, str]:
    """Tables Citus already knows: name → ``reference`` or ``distributed``."""
    rows = await conn.fetch(
        "SELECT logicalrelid::regclass::text AS name, partmethod::text FROM pg_dist_partition"
        " WHERE logicalrelid::regclass::text NOT LIKE '%.%'"
    )
    return {r["name"]: "reference" if r["partmethod"] == "n" else "distributed" for r in rows}


async def _foreign_keys(conn: Connection) -> list[ForeignKey]:
    rows = await conn.fetch(
        "SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def,"
        " confrelid::regclass::text AS ref FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY conrelid::regclass::text, conname"
    )
    return [ForeignKey(r["tbl"], r["conname"], r["def"], r["ref"]) for r in rows]


def _in_key_order(tables: list[str], keys: list[ForeignKey]) -> list[str]:
    """``tables`` with every table after the tables its foreign keys reference (self-references aside)."""
    needs = {
        t: {k.references for k in keys if k.table == t and k.references != t and k.references in tables} for t in tables
    }
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, n in needs.items() if not n - set(ordered))
        if not ready:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(needs)}")
        ordered.extend(ready)
        for t in ready:
            del needs[t]
    return ordered


async def plan(conn: Connection) -> tuple[list[str], list[str]]:
    """The reference and distributed tables still to place (empty without Citus)."""
    if not await is_citus(conn):
        return [], []
    tables = await _tables(conn)
    placed = await _placed(conn)
    missing = [t for t in REFERENCE_TABLES if t not in tables]
    if missing:
        raise RuntimeError(f"reference tables {missing} do not exist; run the migrations first")
    reference = [t for t in REFERENCE_TABLES if t not in placed]
    tenant_tables = [t for t in tables if t not in REFERENCE_TABLES and t not in LOCAL_TABLES]
    columns = {
        r["relname"]
        for r in await conn.fetch(
            "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'public'::regnamespace AND a.attname = $1 AND NOT a.attisdropped",
            DISTRIBUTION_COLUMN,
        )
    }
    without = [t for t in tenant_tables if t not in columns]
    if without:
        raise RuntimeError(
            f"tables {without} have no {DISTRIBUTION_COLUMN}: a table is a tenant's (distributed by "
            f"{DISTRIBUTION_COLUMN}) or shared (add it to REFERENCE_TABLES in core/platform/distribution.py)"
        )
    restrictive = await conn.fetch(
        "SELECT polrelid::regclass::text AS t, polname FROM pg_policy WHERE NOT polpermissive"
        " AND polrelid::regclass::text = ANY($1::text[]) ORDER BY 1, 2",
        tenant_tables,
    )
    if restrictive:
        raise RuntimeError(
            f"restrictive policies {[f'{r[0]}.{r[1]}' for r in restrictive]}: Citus re-creates policies on the "
            "shards without AS RESTRICTIVE (permissive, OR-ed with tenant_isolation); write them as permissive "
            "policies that carry the tenant condition (migration 0015)"
        )
    keys = await _foreign_keys(conn)
    distributed = [t for t in _in_key_order(tenant_tables, keys) if t not in placed]
    return reference, distributed


async def distribute(conn: Connection, app_role: str) -> list[str]:
    """Place every table not yet placed (see the module's docstring); returns what it placed,
    as ``reference:<table>`` / ``distributed:<table>``. A no-op without Citus.

    ``conn`` is the schema owner's (a superuser on the clusters Qingdan starts itself), outside
    a transaction: Citus copies existing rows to the shards table by table."""
    if not await is_citus(conn):
        return []
    await _settings(conn, app_role)
    reference, distributed = await plan(conn)
    if not reference and not distributed:
        return []
    keys = await _foreign_keys(conn)
    moving = set(reference) | set(distributed)
    # Keys from a table about to be placed to a reference table: out, and back in afterwards.
    detour = [k for k in keys if k.table in moving and k.references in REFERENCE_TABLES and k.table != k.references]
    detour = [k for k in detour if k.table not in REFERENCE_TABLES]
    # Triggers left on tenant tables are row-level BEFORE triggers touching only NEW
    # (qingdan_touch), which run on the shards as they do on one server.
    await conn.execute("SET citus.enable_unsafe_triggers = on")
    await conn.execute(f"SET citus.shard_count = {shard_count()}")
    try:
        for key in detour:
            await conn.execute(f'ALTER TABLE {key.table} DROP CONSTRAINT "{key.name}"')
        for table in reference:
            log.info("reference table %s", table)
            await conn.execute("SELECT create_reference_table($1)", table)
        anchor = await _anchor(conn)
        for table in distributed:
            log.info("distributing %s by %s", table, DISTRIBUTION_COLUMN)
            await conn.execute(
                "SELECT create_distributed_table($1, $2, colocate_with => $3)",
                table,
                DISTRIBUTION_COLUMN,
                anchor or "default",
            )
            anchor = anchor or table
        for key in detour:
            await conn.execute(f'ALTER TABLE {key.table} ADD CONSTRAINT "{key.name}" {key.definition}')
    finally:
        await conn.execute("RESET citus.enable_unsafe_triggers; RESET citus.shard_count")
    return [f"reference:{t}" for t in reference] + [f"distributed:{t}" for t in distributed]


async def _anchor(conn: Connection) -> str | None:
    """A distributed table already placed, for the new ones to colocate with."""
    name: str | None = await conn.fetchval(
        "SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE partmethod = 'h'"
        " ORDER BY colocationid, logicalrelid LIMIT 1"
    )
    return name


async def _settings(conn: Connection, app_role: str) -> None:
    """What the application needs from Citus (STACK-NOTES): ``SET LOCAL`` (role, tenant,
    statement timeout) reaches the workers only with ``propagate_set_commands`` set for the
    database; the application role writes reference tables, whose placements Citus guards with
    advisory locks the role may take only when their permission checks are skipped."""
    database = await conn.fetchval("SELECT current_database()")
    await conn.execute(f"ALTER DATABASE \"{database}\" SET citus.propagate_set_commands = 'local'")
    await conn.execute(f"ALTER ROLE {app_role} SET citus.skip_advisory_lock_permission_checks = on")
