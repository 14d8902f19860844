"""Connections, the embedded server, and the one tenant-scoped transaction helper.

Every piece of tenant data is read and written inside :func:`tenant_transaction`, which
switches to the non-owner application role and sets ``qingdan.tenant_id`` so that
PostgreSQL's row-level-security policies enforce tenancy a second time, below the
service layer. Platform work that legitimately spans tenants (resolving an API key,
provisioning a tenant, migrations) uses :func:`platform_transaction` and runs as the
schema owner.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import logging
import os
import random
import re
import time
import uuid
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from piccolo.engine.postgres import PostgresTransaction

os.environ.setdefault("PICCOLO_CONF", "core.platform.piccolo_conf")

from core.platform import embedded
from core.platform.errors import Conflict, DatabaseUnavailable, FieldError, PermissionDenied, ValidationFailed
from core.platform.messages import CATALOGUE, Text
from core.platform.piccolo_conf import DB

_ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_app_role = "qingdan_app"
_current_tenant: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "qingdan_current_tenant", default=None
)


def app_role() -> str:
    return _app_role


#: What asyncpg sends by itself the first time a connection meets a type it has no codec for
#: (a domain, an enum): the type's description, with JIT switched off around it. Once per
#: connection and type, so which pooled connection a request gets would decide a count.
_INTROSPECTION = ("typeinfo_tree", "'jit'")


class QueryCounter:
    """Counts the statements the product sends to the server (tests and benchmarks assert on
    it); asyncpg's own type introspection is not counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, record: Any) -> None:
        head = record.query[:120]
        if not any(mark in head for mark in _INTROSPECTION):
            self.count += 1


queries = QueryCounter()


@dataclass(frozen=True)
class Limits:
    """How long work may wait on the database, in seconds (``None``: no limit).

    ``connect`` bounds opening a connection (a frozen server accepts the socket and then
    never answers), ``acquire`` bounds waiting for a pooled connection (connecting
    included), ``statement`` is PostgreSQL's ``statement_timeout`` inside every
    :func:`tenant_transaction` and :func:`platform_transaction`. The app process sets all
    three (``QINGDAN_DB_*``); ``qingdan migrate`` and provisioning leave ``statement`` unset
    so long DDL and imports are never cut.
    """

    connect: float | None = None
    acquire: float | None = None
    statement: float | None = None

    @property
    def command(self) -> float | None:
        """asyncpg's client-side limit on every statement: the server's own limit plus a
        margin, so a slow statement ends with PostgreSQL's clean cancel and only a server
        that stopped answering altogether (frozen, network gone) hits this one."""
        return None if self.statement is None else self.statement + COMMAND_MARGIN


#: Seconds asyncpg waits beyond the server's statement timeout before giving up itself.
COMMAND_MARGIN = 1.0
_limits = Limits()


async def connect(
    url: str,
    *,
    role: str = "qingdan_app",
    min_size: int = 2,
    max_size: int = 16,
    count_queries: bool = False,
    limits: Limits | None = None,
) -> None:
    """Open the shared connection pool for ``url`` and remember the application role.

    With ``count_queries`` every statement increments :data:`queries`. A server that
    cannot be reached raises :class:`DatabaseUnavailable`.
    """
    global _app_role, _limits, _citus
    if not _ROLE_RE.match(role):
        raise SystemExit(f"QINGDAN_APP_ROLE {role!r} is not a plain lower-case role name")
    _app_role = role
    _limits = limits or Limits()
    if DB.pool is not None:
        await disconnect()
    DB.config = {
        "dsn": url,
        # ``min_size`` connections are opened at start (``init_size``), but there is no floor
        # (``min_size`` 0): asyncpg would restore one while the server is down, logging a
        # traceback every retry. Requests reconnect on demand instead.
        "init_size": min_size,
        "min_size": 0,
        "max_size": max_size,
        "reset": _keep_session,
        "connect": _connect,
    }
    if _limits.connect is not None:
        DB.config["timeout"] = _limits.connect
    if _limits.command is not None:
        DB.config["command_timeout"] = _limits.command
    if count_queries:
        DB.config["init"] = _count_queries
    await DB.start_connection_pool()
    _citus = bool(await _pool().fetchval("SELECT 1 FROM pg_extension WHERE extname = 'citus'"))
    version = await _pool().fetchval("SHOW server_version_num")
    if int(version) < 150000:
        await disconnect()
        raise SystemExit(f"PostgreSQL 15 or newer is required; the server runs {version}")


_citus = False


def on_citus() -> bool:
    """Whether the open database is a Citus coordinator (``citus`` extension present).

    Only plan choices depend on it: Citus cannot run a generic plan of a multi-join statement
    ("could not create distributed plan"), so those get custom plans there."""
    return _citus


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
    """Close the pool; connections that do not close within a few seconds (a frozen
    server never answers the goodbye) are dropped."""
    if _ending:  # their connections go back to the pool being closed
        await asyncio.wait(set(_ending), timeout=CLOSE_SECONDS)
    pool, DB.pool = DB.pool, None
    if pool is None:
        return
    closing = asyncio.ensure_future(pool.close())
    done, _ = await asyncio.wait({closing}, timeout=CLOSE_SECONDS)
    if not done:
        pool.terminate()
        done, _ = await asyncio.wait({closing}, timeout=1)
        if not done:
            closing.cancel()


CLOSE_SECONDS = 5.0


# --- a database that is away --------------------------------------------------------------

#: Failures that mean the server is away or did not answer, not that the request is wrong:
#: refused or lost connections, timeouts (asyncpg's ``TimeoutError``), the server starting
#: up or shutting down, ``statement_timeout`` (57014: class 57, operator intervention),
#: too many connections.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    DatabaseUnavailable,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
)


_CONNECT_FAILURES: tuple[type[BaseException], ...] = (OSError, *_UNAVAILABLE)


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is away (rather than that the work is wrong)."""
    if isinstance(exc, _UNAVAILABLE):
        return True
    # asyncpg's "cannot call Connection.fetch(): connection is closed" (lost while idle), and a
    # connection whose protocol an outage left mid-operation ("cannot switch to state 15;
    # another operation (2) is in progress", seen right after the server was killed): both
    # mean this connection is unusable, and the transaction helper drops it.
    if isinstance(exc, asyncpg.InternalClientError):
        return True
    return isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc)


def describe(exc: BaseException) -> str:
    """One line naming what went wrong, for the log (never for clients)."""
    cause = exc.__cause__ if isinstance(exc, DatabaseUnavailable) and exc.__cause__ else exc
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def unavailable(exc: BaseException, detail: str | Text | None = None) -> DatabaseUnavailable:
    """The domain error for ``exc``, in words a client can act on."""
    if isinstance(exc, DatabaseUnavailable):
        return exc
    if detail is None:
        if isinstance(exc, asyncpg.QueryCanceledError) or isinstance(exc, TimeoutError):
            detail = Text("database-unavailable.no-answer")
        else:
            detail = Text("database-unavailable.cannot-reach")
    error = DatabaseUnavailable(detail)
    error.__cause__ = exc
    return error


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """``asyncpg.connect`` for the pool: a server that is not there is :class:`DatabaseUnavailable`
    (refused, no socket, starting up, no answer within the connect timeout, too many clients)."""
    try:
        return await asyncpg.connect(*args, **kwargs)
    except _CONNECT_FAILURES as exc:
        raise unavailable(exc) from exc


async def open_connection(**kwargs: Any) -> asyncpg.Connection:
    """A connection outside the pool (LISTEN), to the pool's server, with its connect timeout."""
    if _limits.connect is not None:
        kwargs.setdefault("timeout", _limits.connect)
    return await _connect((DB.config or {}).get("dsn"), **kwargs)


def _pool() -> asyncpg.Pool:
    """The open pool; none open is :class:`DatabaseUnavailable`."""
    if DB.pool is None:
        raise DatabaseUnavailable(Text("database-unavailable.not-open"))
    return DB.pool


async def acquire() -> PoolConnectionProxy:
    """A pooled connection within the acquire timeout (a timeout is :func:`is_unavailable`)."""
    return await _pool().acquire(timeout=_limits.acquire)


class Outage:
    """Paces a background loop while the database is away, and says so once.

    After a failed round :meth:`failed` returns how long to wait — doubling from ``first``
    to ``cap`` seconds, jittered so several processes do not retry in step — and logs one
    warning (no traceback) when the database goes away; other errors keep their traceback,
    they are bugs. After a round that worked :meth:`succeeded` logs one line if the
    database was away, and says whether it was.
    """

    def __init__(self, log: logging.Logger, what: str, *, first: float = 1.0, cap: float = 60.0) -> None:
        self.log, self.what, self.first, self.cap = log, what, first, cap
        self.failures = 0
        self.since: float | None = None

    def failed(self, exc: BaseException) -> float:
        if not is_unavailable(exc):
            self.log.error("%s failed", self.what, exc_info=exc)
        elif self.since is None:
            self.since = time.monotonic()
            self.log.warning(
                "%s: the database is unavailable (%s); retrying quietly, at most every %g s",
                self.what,
                describe(exc),
                self.cap,
            )
        delay = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.75, 1.0)

    def succeeded(self) -> bool:
        was_away = self.since is not None
        if was_away:
            self.log.info("%s: the database is back after %.0f s", self.what, time.monotonic() - (self.since or 0))
        self.since, self.failures = None, 0
        return was_away


def _scope_to(tenant_id: uuid.UUID) -> str:
    return f"SET LOCAL ROLE {_app_role}; SET LOCAL qingdan.tenant_id = '{uuid.UUID(str(tenant_id))}'"


#: Transactions waiting for a connection of a full pool. A read-only transaction that ends
#: while one waits hands its connection over rather than COMMIT it and give it back: the
#: waiter's BEGIN carries that COMMIT ("COMMIT; BEGIN …", one round trip). Under a full pool
#: (as many concurrent requests as connections) each request otherwise waited for another's
#: COMMIT round trip before its own BEGIN — at 16 search callers on 16 connections a third of
#: a search's time (docs/lookup.md, search figures).
_waiting: collections.deque[asyncio.Future[PoolConnectionProxy]] = collections.deque()


def _hand_over(conn: PoolConnectionProxy) -> bool:
    """Give ``conn``, whose read-only transaction is over but not committed, to the first
    transaction still waiting for a connection; False when none waits."""
    while _waiting:
        waiter = _waiting.popleft()
        if not waiter.done():
            waiter.set_result(conn)
            return True
    return False


def _full(pool: asyncpg.Pool) -> bool:
    return pool.get_idle_size() == 0 and pool.get_size() >= pool.get_max_size()


async def _acquire_or_handed() -> tuple[PoolConnectionProxy, bool]:
    """A connection for a transaction, and whether it was handed over by a read-only one
    that ended (:func:`_hand_over`): from the pool, or when the pool is full whichever comes
    first — the pool's next free connection or a handed one."""
    pool = _pool()
    if not _full(pool):
        return await acquire(), False
    handed: asyncio.Future[PoolConnectionProxy] = asyncio.get_running_loop().create_future()
    _waiting.append(handed)
    acquiring = asyncio.ensure_future(acquire())
    try:
        await asyncio.wait({handed, acquiring}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # cancelled: neither connection is wanted any more
        if handed.done():
            _track(asyncio.get_running_loop().create_task(_commit_and_release(handed.result())))
        handed.cancel()
        _give_back(acquiring)
        raise
    if handed.done():
        _give_back(acquiring)
        return handed.result(), True
    handed.cancel()  # _hand_over skips it
    return await acquiring, False  # a connection, or the acquire timeout


def _give_back(acquiring: asyncio.Future[PoolConnectionProxy]) -> None:
    """Cancel an acquire no longer needed; a connection it got already goes back to the pool."""
    if not acquiring.done():
        acquiring.cancel()
    elif not acquiring.cancelled() and acquiring.exception() is None:
        _track(asyncio.get_running_loop().create_task(_pool().release(acquiring.result())))


async def _commit_and_release(conn: PoolConnectionProxy) -> None:
    """End a handed-over read-only transaction nobody took (its taker was cancelled)."""
    try:
        await conn.execute("COMMIT")
    except Exception:
        _drop(conn)
    finally:
        await _pool().release(conn)


def _begin(read_only: bool = False) -> str:
    """BEGIN, with the statement timeout when one is set (``SET LOCAL``: it ends with the
    transaction, so migrations on the same pool are not cut, and Citus propagates it)."""
    begin = "BEGIN READ ONLY" if read_only else "BEGIN"
    if _limits.statement is None:
        return begin
    return f"{begin}; SET LOCAL statement_timeout = {round(_limits.statement * 1000)}"


def _detached(conn: PoolConnectionProxy) -> bool:
    """Whether asyncpg has detached the proxy from its connection (``_con`` is None): it does
    so when it takes a connection that died back into the pool. ``_con`` is a slot of the
    proxy that asyncpg's stubs do not declare, hence ``getattr``."""
    return getattr(conn, "_con", None) is None


def _gone(conn: PoolConnectionProxy) -> bool:
    """Whether a pooled connection died under its user: asyncpg then returns it to the pool
    itself and detaches the proxy, so every call says "released"."""
    return _detached(conn) or conn.is_closed()


def _drop(conn: PoolConnectionProxy) -> None:
    """Close a pooled connection at once (the server rolls back its transaction)."""
    if not _detached(conn):
        conn.terminate()


class _Transaction(PostgresTransaction):
    """A piccolo transaction whose BEGIN carries its settings (one round trip), and that
    gives up on a database that is gone without hanging or leaking a connection.

    The connection comes from the pool within the acquire timeout. A connection whose work
    failed because the database is away (or whose task was cancelled) is closed rather than
    rolled back: a ROLLBACK would wait for a server that may never answer, and the server
    rolls back a closed session's transaction itself. piccolo's own ``__aenter__`` would
    also keep the pooled connection forever when BEGIN fails.
    """

    def __init__(self, setup: str, *, end_later: bool = False) -> None:
        super().__init__(engine=DB, allow_nested=True)
        self._setup = setup
        self._end_later = end_later
        self._handed = False  # the connection came with a read-only transaction still open

    async def get_connection(self) -> PoolConnectionProxy:
        conn, self._handed = await _acquire_or_handed()
        return conn

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            _drop(self.connection)
            await _pool().release(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if self._parent is not None:
            return exc is None
        if exc is None and self._end_later:
            self.engine.current_transaction.reset(self.context)
            if not _hand_over(self.connection):
                _track(asyncio.get_running_loop().create_task(self._end()))
            return True
        conn = self.connection
        try:
            if exc is not None and (_gone(conn) or not isinstance(exc, Exception) or is_unavailable(exc)):
                _drop(conn)
                if isinstance(exc, Exception) and not is_unavailable(exc):  # e.g. "released back to the pool"
                    raise unavailable(exc) from exc
            elif exc is not None:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except DatabaseUnavailable:
            raise
        except BaseException as failure:
            _drop(conn)
            if exc is None and (is_unavailable(failure) or _gone(conn)):  # COMMIT sent, answer lost
                raise DatabaseUnavailable(Text("database-unavailable.lost-while-saving")) from failure
            raise
        finally:
            await _pool().release(conn)  # at once if dropped; nothing if released
            self.engine.current_transaction.reset(self.context)
        return exc is None

    async def _end(self) -> None:
        """COMMIT a read-only transaction and give its connection back, after the answer."""
        conn = self.connection
        try:
            await self.commit()
        except BaseException as failure:  # nothing was written: only the connection is lost
            _drop(conn)
            if not isinstance(failure, Exception):
                raise
            logging.getLogger("qingdan.db").warning(
                "a read-only transaction did not end (%s); its connection is dropped", describe(failure)
            )
        finally:
            await _pool().release(conn)

    async def begin(self) -> None:
        # BEGIN and SET LOCAL take no time on a server that answers; one that does not within
        # the connect timeout is frozen or gone, and every request finds out here, before
        # waiting out a statement timeout meant for real work.
        setup = f"COMMIT; {self._setup}" if self._handed else self._setup
        await self.connection.execute(setup, timeout=_limits.connect)

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True


@asynccontextmanager
async def tenant_transaction(
    tenant_id: uuid.UUID, *, read_only: bool = False, generic_plans: bool = False
) -> AsyncIterator[asyncpg.Connection]:
    """Run the block in one transaction as the application role, scoped to ``tenant_id``.

    Nested use for the same tenant joins the outer transaction; nesting a different
    tenant, or a tenant inside a platform transaction, is a programming error.

    ``read_only``: the transaction is ``READ ONLY`` (a write in it fails) and, when the block
    ends without an error, its COMMIT and the connection's return to the pool happen after
    the caller goes on — no round trip between the last read and the answer. Nothing was
    written, so there is nothing the COMMIT could lose; :func:`settled` waits for them. When the
    pool is full and another transaction waits for a connection, the connection goes to it
    instead, its BEGIN carrying the COMMIT (:func:`_hand_over`).

    ``generic_plans``: the block's prepared statements keep one plan per connection
    (``plan_cache_mode = force_generic_plan``, set on BEGIN: no round trip of its own) — for
    hot reads whose plan does not depend on the values and costs more to make than to run;
    not on Citus, which cannot run a generic plan of a multi-join statement (:func:`on_citus`).
    A nested use keeps the outer transaction's plans.
    """
    outer = DB.current_transaction.get()
    if outer is not None:
        if _current_tenant.get() != tenant_id:
            raise RuntimeError("tenant_transaction nested inside another tenant's or platform's")
        yield outer.connection
        return
    token = _current_tenant.set(tenant_id)
    try:
        # Role and tenant ride on BEGIN (one round trip). ``SET`` takes no bind parameters,
        # so the tenant is inlined — only ever a UUID from the resolved credential. ``SET
        # LOCAL`` rather than ``set_config`` because Citus propagates it to worker nodes.
        setup = f"{_begin(read_only)}; {_scope_to(tenant_id)}"
        if generic_plans and not _citus:
            setup += "; SET LOCAL plan_cache_mode = force_generic_plan"
        async with translate_db_errors(), _Transaction(setup, end_later=read_only) as tx:
            yield tx.connection
    finally:
        _current_tenant.reset(token)


#: Work on the database this process still does after answering: read-only transactions whose
#: COMMIT is on its way (:func:`tenant_transaction`) and what :func:`later` started.
_ending: set[asyncio.Task[None]] = set()


def _track(task: asyncio.Task[None]) -> None:
    _ending.add(task)
    task.add_done_callback(_ending.discard)


def later(work: Coroutine[Any, Any, None], what: str) -> None:
    """Run ``work`` in the background of this process, in a fresh context (not the caller's
    transaction or tenant), for work nobody waits for (e.g. rendering a list just published): a
    failure is logged as ``what`` failing; :func:`settled` and :func:`disconnect` wait for it."""

    async def run() -> None:
        try:
            await work
        except Exception:
            logging.getLogger("qingdan.db").exception("%s failed", what)

    _track(asyncio.create_task(run(), context=contextvars.Context()))


async def settled() -> None:
    """Wait until the background work of :func:`later` and every read-only transaction's
    COMMIT are done (statement counts, benchmarks, shutting down)."""
    while _ending:
        await asyncio.wait(set(_ending))


def oversight_role() -> str:
    """The role overseers (city and province tenants) read counties as (migration 0012): it may
    only SELECT, only published rows and granted columns, of the counties in ``qingdan.overseen``."""
    return f"{_app_role}_oversight"


@asynccontextmanager
async def oversight_transaction(overseer_id: uuid.UUID) -> AsyncIterator[asyncpg.Connection]:
    """One transaction as the oversight role for ``overseer_id`` (``qingdan.tenant_id``).

    It sees the overseer's own grants and nothing of any county until :func:`oversee` names the
    counties whose live grant the caller has just read in this transaction
    (``core/oversight/scope.py``). It cannot nest in, or hold, a tenant or platform transaction."""
    if DB.current_transaction.get() is not None:
        raise RuntimeError("oversight_transaction cannot nest in another transaction")
    # A tenant id no tenant has: a tenant or platform transaction opened inside refuses to nest.
    token = _current_tenant.set(uuid.uuid4())
    setup = f"SET LOCAL ROLE {oversight_role()}; SET LOCAL qingdan.tenant_id = '{uuid.UUID(str(overseer_id))}'"
    try:
        async with translate_db_errors(), _Transaction(f"{_begin()}; {setup}") as tx:
            yield tx.connection
    finally:
        _current_tenant.reset(token)


async def oversee(conn: asyncpg.Connection, counties: list[uuid.UUID], catalog_through: int | None = None) -> None:
    """Inside :func:`oversight_transaction`: from now on read ``counties`` (their published
    rows), and of their catalogs the versions numbered up to ``catalog_through`` (the last
    published one; a draft is always numbered after it). Inlined like the tenant: UUIDs and an
    integer, never raw input."""
    ids = ",".join(str(uuid.UUID(str(c))) for c in counties)
    through = "" if catalog_through is None else str(int(catalog_through))
    await conn.execute(f"SET LOCAL qingdan.overseen = '{ids}'; SET LOCAL qingdan.overseen_catalog = '{through}'")


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


def bulk_insert(insert_select: str) -> str:
    """An ``INSERT … SELECT`` (from ``unnest`` of parameters, or a join) that Citus can run
    under row-level security; the statement answers one row, the count written.

    Citus executes a plain ``INSERT … SELECT`` it cannot push down to one shard by running the
    ``SELECT`` on the coordinator and ``COPY``-ing the rows into the shards, and PostgreSQL
    refuses ``COPY FROM`` into a table with row-level security. With ``RETURNING`` it writes the
    rows to intermediate results instead and inserts them on each shard with ``INSERT … SELECT``,
    which the policies check like any insert. On one PostgreSQL the statement does what the plain
    one does; the ``WITH`` keeps the returned rows on the server.
    """
    return f"WITH written AS ({insert_select} RETURNING 1) SELECT count(*) FROM written"


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
    async with translate_db_errors(), _Transaction(_begin()) as tx:
        yield tx.connection


#: Citus names a shard's table and constraints after the distributed ones plus the shard id.
_SHARD_SUFFIX = re.compile(r"_[0-9]+$")
#: Citus relays a worker's error without its fields; the message still names the constraint.
_CONSTRAINT_IN = re.compile(r'constraint "([^"]+)"')


def _constraint_of(exc: asyncpg.PostgresError) -> tuple[str, str]:
    """The violated constraint's name and its table's, as on one PostgreSQL: on Citus the
    error comes from a shard (``units_tenant_id_code_key_102040``) without these fields, so the
    constraint is read from the message and the table is the constraint's part before
    ``_tenant_id`` (every tenant key starts so)."""
    message = getattr(exc, "message", None) or str(exc)
    named = _CONSTRAINT_IN.search(message)
    name = getattr(exc, "constraint_name", None) or (named.group(1) if named else "")
    name = _SHARD_SUFFIX.sub("", name)
    table = _SHARD_SUFFIX.sub("", getattr(exc, "table_name", None) or "")
    if not table and "_tenant_id" in name:
        table = name.split("_tenant_id", 1)[0]
    return name, table


def _field_of(exc: asyncpg.PostgresError) -> str:
    """The column(s) a violated constraint covers, from its name.

    PostgreSQL hides the offending key values on row-level-secured tables, so the
    constraint name (``units_tenant_id_jurisdiction_code_fkey``) is what is left.
    """
    name, table = _constraint_of(exc)
    name = name.removeprefix(f"{table}_").removesuffix("_fkey").removesuffix("_key")
    return name.removeprefix("tenant_id_").removeprefix("tenant_id") or "body"


@asynccontextmanager
async def translate_db_errors() -> AsyncIterator[None]:
    """Turn constraint violations into domain errors naming the field, and a database that
    is away into :class:`DatabaseUnavailable` (503) — never a 500."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except asyncpg.UniqueViolationError as exc:
        field = _field_of(exc)
        raise Conflict(
            Text("conflict.value-already-taken", field=field, table_name=_table(_constraint_of(exc)[1])),
            errors=[FieldError.said(field, Text("field.already-taken"))],
        ) from exc
    except asyncpg.ForeignKeyViolationError as exc:
        field = _field_of(exc)
        if "still referenced" in (exc.detail or "") or exc.message.startswith("update or delete"):
            raise Conflict(Text("conflict.still-use-other-rows", table_name=_table(_constraint_of(exc)[1]))) from exc
        raise ValidationFailed(
            Text("validation-failed.refers-something-does-not", field=field),
            errors=[FieldError.said(field, Text("field.does-not-exist"))],
        ) from exc
    except (asyncpg.CheckViolationError, asyncpg.NotNullViolationError) as exc:
        field = exc.column_name or _field_of(exc)
        raise ValidationFailed(
            Text("validation-failed.value-not-allowed", field=field),
            errors=[FieldError.said(field, Text("field.value-not-allowed"))],
        ) from exc
    except asyncpg.DataError as exc:
        # The driver's text ("invalid input for query argument $2 …") names statement
        # arguments and encodings, nothing a client can act on; inputs are checked before
        # statements (core.platform.inputs), so this is the safety net.
        logging.getLogger("qingdan.db").debug("data error: %s", exc)
        message = "a value cannot be stored: a number too large, a date out of range or a character text cannot hold"
        raise ValidationFailed(
            Text("validation-failed.check-values-you-sent", message=message), errors=[FieldError("input", message)]
        ) from exc
    except asyncpg.InsufficientPrivilegeError as exc:
        if "row-level security" in exc.message:
            raise PermissionDenied(Text("forbidden.row-belongs-another-tenant")) from exc
        raise PermissionDenied(Text("forbidden.not-allowed-database", message=exc.message)) from exc
    except Exception as exc:
        if is_unavailable(exc):
            raise unavailable(exc) from exc
        raise


async def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under ``data_dir`` and return a DSN.

    The data directory is kept, so everything survives a restart. The server stops when the
    last live process using it releases it (:mod:`core.platform.embedded`): the command line does on
    every exit, :func:`stop_embedded` does, and an exit hook does as a fallback.
    """
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
    embedded.release(data_dir)


def _table(name: str | None) -> Text | str:
    """A table as people name it in a problem's detail (its SQL name in English)."""
    key = f"table.{name}"
    return Text(key) if key in CATALOGUE else str(name)
