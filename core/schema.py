"""Migrations: run them, and tell whether the database is behind the code.

Migrations are piccolo migration modules in ``core/migrations``; Qingdan's DDL is written
by hand (composite ``(tenant_id, …)`` keys and row-level-security policies are beyond
piccolo's auto-migrations) and executed through :func:`execute`.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from contextlib import redirect_stdout
from dataclasses import dataclass

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager
from piccolo.apps.migrations.tables import Migration

from core.db import DB, app_role, platform_transaction
from core.piccolo_app import APP_CONFIG

_MIGRATION_LOCK = 0x51_6E_67_64  # "Qngd": serialises concurrent `qingdan migrate` runs


async def execute(sql: str) -> None:
    """Run DDL inside the migration's transaction; ``{app_role}`` is substituted."""
    transaction = DB.current_transaction.get()
    if transaction is None:
        raise RuntimeError("schema.execute must run inside a migration")
    await transaction.connection.execute(sql.replace("{app_role}", app_role()))


def sql_migration(migration_id: str, description: str, sql: str) -> Callable[[], Awaitable[MigrationManager]]:
    """A migration module's ``forwards``: run ``sql`` through :func:`execute`."""

    async def forwards() -> MigrationManager:
        manager = MigrationManager(migration_id=migration_id, app_name="qingdan", description=description)

        async def run() -> None:
            await execute(sql)

        manager.add_raw(run)
        return manager

    return forwards


@dataclass(frozen=True)
class SchemaStatus:
    applied: list[str]
    pending: list[str]

    @property
    def current(self) -> bool:
        return not self.pending


def known_migrations() -> list[str]:
    manager = BaseMigrationManager()
    modules = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    return sorted(modules)


async def status() -> SchemaStatus:
    """Applied and pending migrations; one pooled connection, so a caller with a deadline
    (``/readyz``) can cancel it cleanly."""
    applied: list[str] = []
    async with platform_transaction() as conn:
        if await conn.fetchval("SELECT to_regclass('public.migration') IS NOT NULL"):
            rows = await conn.fetch(
                f"SELECT name FROM {Migration._meta.tablename} WHERE app_name = $1", APP_CONFIG.app_name
            )
            applied = [r["name"] for r in rows]
    return SchemaStatus(applied=sorted(applied), pending=[m for m in known_migrations() if m not in applied])


async def migrate() -> list[str]:
    """Apply pending migrations and load shipped reference data; idempotent.

    Returns the migration ids applied."""
    from core.legal.library import import_national_library

    async with DB.pool.acquire() as lock_conn:  # type: ignore[union-attr]
        await lock_conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            before = await status()
            if before.pending:
                with redirect_stdout(io.StringIO()):
                    result = await ForwardsMigrationManager(app_name=APP_CONFIG.app_name).run()
                if not result.success:
                    raise RuntimeError(result.message)
            await import_national_library()  # quick when nothing is new
            return before.pending
        finally:
            await lock_conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
