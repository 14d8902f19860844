"""Migrations: apply them, and tell whether the database matches the code.

A migration is a ``.sql`` file in ``core/platform/migrations`` named ``NNNN_words.sql`` and applied in
that order (see that package's docstring for the rules). The SQL is written by hand
(composite ``(tenant_id, …)`` keys, row-level-security policies) and imports nothing: the
only thing done to it is substituting ``{app_role}``. Each applied migration is recorded
in ``qingdan_migrations`` with the sha256 of its text; ``migrate``, ``serve`` and
``/readyz`` refuse a database whose recorded checksums differ from the files (a migration
edited after it was applied), that holds migrations the code does not know, or that was
migrated by the chain before the 2026-12 baseline (piccolo's ``migration`` table).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from core.platform import distribution
from core.platform.db import DB, app_role, platform_transaction
from core.platform.errors import SchemaOutdated, SchemaRefused

MIGRATIONS = Path(__file__).parent / "migrations"
LEDGER = "qingdan_migrations"
_NAME = re.compile(r"^[0-9]{4}_[a-z0-9_]+\.sql$")
_MIGRATION_LOCK = 0x51_6E_67_64  # "Qngd": serialises concurrent `qingdan migrate` runs

_LEDGER_DDL = f"""
CREATE TABLE IF NOT EXISTS {LEDGER} (
  id         text PRIMARY KEY,
  checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{{64}}$'),
  applied_at timestamptz NOT NULL DEFAULT now()
)
"""


Connection = asyncpg.Connection | PoolConnectionProxy  # the schema owner's


@dataclass(frozen=True)
class Migration:
    id: str  # the file name without ``.sql``
    sql: str
    checksum: str


def checksum(text: str) -> str:
    """sha256 of a migration's text, line endings normalised (a CRLF checkout is not a change)."""
    return hashlib.sha256(text.replace("\r\n", "\n").encode()).hexdigest()


def known_migrations(folder: Path | None = None) -> list[Migration]:
    """The migrations shipped with the code, in order. Files are read once per folder."""
    return list(_read_folder(folder or MIGRATIONS))


@cache
def _read_folder(folder: Path) -> tuple[Migration, ...]:
    migrations: list[Migration] = []
    numbers: dict[str, str] = {}
    for path in sorted(folder.glob("*.sql")):
        if not _NAME.match(path.name):
            raise RuntimeError(f"{path}: a migration file is named NNNN_words.sql (lower case, digits, _)")
        number = path.name[:4]
        if number in numbers:
            raise RuntimeError(f"{path}: migrations {numbers[number]} and {path.stem} share the number {number}")
        numbers[number] = path.stem
        text = path.read_text(encoding="utf-8")
        migrations.append(Migration(id=path.stem, sql=text, checksum=checksum(text)))
    return tuple(migrations)


@dataclass(frozen=True)
class ChangedMigration:
    id: str
    recorded: str  # sha256 recorded when it was applied
    current: str  # sha256 of the file now


@dataclass(frozen=True)
class SchemaStatus:
    applied: list[str]
    pending: list[str]
    changed: list[ChangedMigration] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # applied here, not shipped with the code
    pre_baseline: int = 0  # migrations recorded by the chain before the baseline

    @property
    def refusal(self) -> str | None:
        """Why this database cannot be used or migrated by this code; None when it can."""
        if self.pre_baseline:
            return (
                f"this database was migrated by the pre-baseline migration chain ({self.pre_baseline} migrations "
                "in piccolo's `migration` table), whose schema this code cannot vouch for; recreate the database "
                "(an empty one) and run `qingdan migrate`"
            )
        if self.changed:
            changes = "; ".join(
                f"{c.id} (applied with sha256 {c.recorded[:12]}…, the file is now {c.current[:12]}…)"
                for c in self.changed
            )
            return (
                f"applied migrations were changed afterwards: {changes}. Migrations are append-only: restore "
                "the applied text (from version control) and put the change in a new migration "
                "core/platform/migrations/NNNN_words.sql"
            )
        if self.unknown:
            return (
                f"this database has migrations this code does not ship ({', '.join(self.unknown)}): it was "
                "migrated by another version of Qingdan; run that version, or recreate the database"
            )
        return None

    @property
    def current(self) -> bool:
        return not self.pending and self.refusal is None


async def read_status(conn: Connection, migrations: list[Migration]) -> SchemaStatus:
    """Compare the ledger of the database behind ``conn`` with ``migrations``."""
    tables = await conn.fetchrow(
        f"SELECT to_regclass('public.migration') IS NOT NULL AS old, to_regclass('public.{LEDGER}') IS NOT NULL AS ours"
    )
    assert tables is not None
    pre_baseline = 0
    if tables["old"]:
        pre_baseline = await conn.fetchval("SELECT count(*) FROM public.migration WHERE app_name = 'qingdan'")
    recorded: dict[str, str] = {}
    if tables["ours"]:
        recorded = {r["id"]: r["checksum"] for r in await conn.fetch(f"SELECT id, checksum FROM {LEDGER}")}
    known = {m.id: m for m in migrations}
    return SchemaStatus(
        applied=sorted(recorded),
        pending=[m.id for m in migrations if m.id not in recorded],
        changed=[
            ChangedMigration(id, sha, known[id].checksum)
            for id, sha in sorted(recorded.items())
            if id in known and known[id].checksum != sha
        ],
        unknown=sorted(id for id in recorded if id not in known),
        pre_baseline=pre_baseline,
    )


async def apply(conn: Connection, migrations: list[Migration], role: str) -> list[str]:
    """Apply the pending ``migrations`` on ``conn`` (the schema owner's), each in its own
    transaction with its ledger row; refuse a database that does not match. Returns the ids applied."""
    before = await read_status(conn, migrations)
    if before.refusal:
        raise SchemaRefused(before.refusal)
    if before.pending:
        await conn.execute(_LEDGER_DDL)
    for migration in migrations:
        if migration.id in before.pending:
            async with conn.transaction():
                await conn.execute(migration.sql.replace("{app_role}", role))
                await conn.execute(
                    f"INSERT INTO {LEDGER} (id, checksum) VALUES ($1, $2)", migration.id, migration.checksum
                )
    return before.pending


async def status() -> SchemaStatus:
    """Applied, pending and refused migrations; one pooled connection, so a caller with a
    deadline (``/readyz``) can cancel it cleanly."""
    async with platform_transaction() as conn:
        return await read_status(conn, known_migrations())


async def require_current() -> None:
    """Raise unless the database matches the code (``serve``'s check)."""
    current = await status()
    if current.refusal:
        raise SchemaRefused(current.refusal)
    if current.pending:
        raise SchemaOutdated(
            f"the database schema is behind the code ({len(current.pending)} migrations pending); run `qingdan migrate`"
        )


async def migrate(*, then: Callable[[], Awaitable[object]] | None = None) -> list[str]:
    """Apply pending migrations, then run ``then`` under the same lock; idempotent.

    ``then`` loads reference data computed by application code, which a migration must not
    import (:func:`core.install.migrate` passes the national legal library's loader).
    Returns the migration ids applied."""
    async with DB.pool.acquire() as conn:  # type: ignore[union-attr]
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            applied = await apply(conn, known_migrations(), app_role())
            # On a Citus coordinator: new tables to reference or distributed tables (a no-op
            # on one PostgreSQL; core/platform/distribution.py).
            await distribution.distribute(conn, app_role())
            if then is not None:
                await then()
            return applied
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
