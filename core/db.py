"""Connections, the embedded server, and the one tenant-scoped transaction helper.

Every piece of tenant data is read and written inside :func:`tenant_transaction`, which
switches to the non-owner application role and sets ``qingdan.tenant_id`` so that
PostgreSQL's row-level-security policies enforce tenancy a second time, below the
service layer. Platform work that legitimately spans tenants (resolving an API key,
provisioning a tenant, migrations) uses :func:`platform_transaction` and runs as the
schema owner.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresTransaction

os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")

from core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from core.piccolo_conf import DB

_ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_app_role = "qingdan_app"
_current_tenant: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "qingdan_current_tenant", default=None
)


def app_role() -> str:
    return _app_role


class QueryCounter:
    """Counts statements sent to the server (tests and benchmarks assert on it)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, record: Any) -> None:
        self.count += 1


queries = QueryCounter()


async def connect(
    url: str,
    *,
    role: str = "qingdan_app",
    min_size: int = 2,
    max_size: int = 16,
    count_queries: bool = False,
) -> None:
    """Open the shared connection pool for ``url`` and remember the application role.

    With ``count_queries`` every statement increments :data:`queries`.
    """
    global _app_role
    if not _ROLE_RE.match(role):
        raise SystemExit(f"QINGDAN_APP_ROLE {role!r} is not a plain lower-case role name")
    _app_role = role
    if DB.pool is not None:
        await DB.close_connection_pool()
    DB.config = {"dsn": url, "min_size": min_size, "max_size": max_size, "reset": _keep_session}
    if count_queries:
        DB.config["init"] = _count_queries
    await DB.start_connection_pool()
    version = await DB.pool.fetchval("SHOW server_version_num")  # type: ignore[union-attr]
    if int(version) < 150000:
        await disconnect()
        raise SystemExit(f"PostgreSQL 15 or newer is required; the server runs {version}")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release a connection to the pool without asyncpg's reset round trip.

    Everything Qingdan sets is transaction-local (``SET LOCAL``), asyncpg still rolls back
    any open transaction before this runs, and the one session-level lock (migrations) is
    released explicitly — so there is no session state to reset, and a round trip saved
    on every request.
    """


async def _count_queries(conn: asyncpg.Connection) -> None:
    conn.add_query_logger(queries)


async def disconnect() -> None:
    if DB.pool is not None:
        await DB.close_connection_pool()


def _scope_to(tenant_id: uuid.UUID) -> str:
    return f"SET LOCAL ROLE {_app_role}; SET LOCAL qingdan.tenant_id = '{uuid.UUID(str(tenant_id))}'"


class _TenantTransaction(PostgresTransaction):
    """A piccolo transaction whose BEGIN also sets role and tenant: one round trip.

    ``SET`` takes no bind parameters, so the tenant is inlined — only ever from a
    :class:`uuid.UUID` (the resolved credential), never from raw input. ``SET LOCAL`` is
    used rather than ``set_config`` because Citus propagates it to worker nodes.
    """

    def __init__(self, tenant_id: uuid.UUID) -> None:
        super().__init__(engine=DB, allow_nested=True)
        self._setup = f"BEGIN; {_scope_to(tenant_id)}"

    async def begin(self) -> None:
        await self.connection.execute(self._setup)

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def tenant_transaction(tenant_id: uuid.UUID) -> AsyncIterator[asyncpg.Connection]:
    """Run the block in one transaction as the application role, scoped to ``tenant_id``.

    Nested use for the same tenant joins the outer transaction; nesting a different
    tenant, or a tenant inside a platform transaction, is a programming error.
    """
    outer = DB.current_transaction.get()
    if outer is not None:
        if _current_tenant.get() != tenant_id:
            raise RuntimeError("tenant_transaction nested inside another tenant's or platform's")
        yield outer.connection
        return
    token = _current_tenant.set(tenant_id)
    try:
        async with _TenantTransaction(tenant_id) as tx, translate_db_errors():
            yield tx.connection
    finally:
        _current_tenant.reset(token)


@asynccontextmanager
async def acting_as_tenant(tenant_id: uuid.UUID) -> AsyncIterator[asyncpg.Connection]:
    """Inside a platform transaction, act as ``tenant_id`` (policies apply) for the block.

    Provisioning uses this to create a tenant row and fill it in one transaction.
    """
    outer = DB.current_transaction.get()
    if outer is None or _current_tenant.get() is not None:
        raise RuntimeError("acting_as_tenant needs an enclosing platform transaction")
    conn = outer.connection
    await conn.execute(_scope_to(tenant_id))
    token = _current_tenant.set(tenant_id)
    try:
        yield conn
    finally:
        _current_tenant.reset(token)
    await conn.execute("RESET ROLE; SET LOCAL qingdan.tenant_id = ''")


#: Tables bulk writes fill with thousands of rows at once (catalog publication copies a
#: version, a township list's publication snapshots its entries).
BULK_TABLES = ("catalog_items", "catalog_responsibilities", "item_citations", "township_entries")


async def refresh_statistics(conn: asyncpg.Connection, *tables: str) -> None:
    """``ANALYZE`` tables a bulk write just filled, in the writer's transaction.

    Until autovacuum's next pass (up to a minute) the planner would plan reads of the new
    rows on stale statistics: a 500-entry list read took 3.7 s instead of 30 ms right after
    its publication. The application role may analyze (``MAINTAIN``, PostgreSQL 17+, granted
    by a migration); on older servers PostgreSQL skips with a warning and autovacuum catches
    up as before.
    """
    await conn.execute(f"ANALYZE {', '.join(tables)}")


@asynccontextmanager
async def platform_transaction() -> AsyncIterator[asyncpg.Connection]:
    """A transaction as the schema owner, for work that spans tenants. Use sparingly."""
    outer = DB.current_transaction.get()
    if outer is not None:
        if _current_tenant.get() is not None:
            raise RuntimeError("platform_transaction nested inside a tenant transaction")
        yield outer.connection
        return
    async with DB.transaction() as tx, translate_db_errors():
        yield tx.connection


def _field_of(exc: asyncpg.PostgresError) -> str:
    """The column(s) a violated constraint covers, from its name.

    PostgreSQL hides the offending key values on row-level-secured tables, so the
    constraint name (``units_tenant_id_jurisdiction_code_fkey``) is what is left.
    """
    name = getattr(exc, "constraint_name", None) or ""
    table = getattr(exc, "table_name", None) or ""
    name = name.removeprefix(f"{table}_").removesuffix("_fkey").removesuffix("_key")
    return name.removeprefix("tenant_id_").removeprefix("tenant_id") or "body"


@asynccontextmanager
async def translate_db_errors() -> AsyncIterator[None]:
    """Turn constraint violations into domain errors naming the field, never a 500."""
    try:
        yield
    except asyncpg.UniqueViolationError as exc:
        field = _field_of(exc)
        raise Conflict(
            f"{field}: this value is already taken in {exc.table_name}",
            errors=[FieldError(field, "already taken")],
        ) from exc
    except asyncpg.ForeignKeyViolationError as exc:
        field = _field_of(exc)
        if "still referenced" in (exc.detail or "") or exc.message.startswith("update or delete"):
            raise Conflict(f"still in use: other {exc.table_name} rows refer to it") from exc
        raise ValidationFailed(
            f"{field}: refers to something that does not exist",
            errors=[FieldError(field, "does not exist")],
        ) from exc
    except (asyncpg.CheckViolationError, asyncpg.NotNullViolationError) as exc:
        field = exc.column_name or _field_of(exc)
        raise ValidationFailed(f"{field}: value not allowed", errors=[FieldError(field, "value not allowed")]) from exc
    except asyncpg.DataError as exc:
        # The driver's text ("invalid input for query argument $2 …") names statement
        # arguments and encodings, nothing a client can act on; inputs are checked before
        # statements (core.inputs), so this is the safety net.
        logging.getLogger("qingdan.db").debug("data error: %s", exc)
        message = "a value cannot be stored: a number too large, a date out of range or a character text cannot hold"
        raise ValidationFailed(f"{message}; check the values you sent", errors=[FieldError("input", message)]) from exc
    except asyncpg.InsufficientPrivilegeError as exc:
        if "row-level security" in exc.message:
            raise PermissionDenied("the row belongs to another tenant") from exc
        raise PermissionDenied(f"not allowed by the database: {exc.message}") from exc


async def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under ``data_dir`` and return a DSN.

    The data directory is kept, so everything survives a restart. The server stops when the
    last live process using it releases it (:mod:`core.embedded`): the command line does on
    every exit, :func:`stop_embedded` does, and an exit hook does as a fallback.
    """
    from core import embedded

    server_url = embedded.acquire(data_dir)
    conn = await asyncpg.connect(server_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'qingdan'"):
            await conn.execute("CREATE DATABASE qingdan")
    finally:
        await conn.close()
    return embedded.acquire(data_dir, "qingdan")


def stop_embedded(data_dir: Path | None = None) -> None:
    """Release this process's embedded server(s); stop each one no other live process uses."""
    from core import embedded

    embedded.release(data_dir)
