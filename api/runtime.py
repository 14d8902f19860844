"""Bringing the database up for a process: embedded or external, migrated or refused."""

from __future__ import annotations

import os

from core.platform import db, schema
from core.platform.errors import QingdanError
from core.platform.settings import Settings

URL_ENV = "QINGDAN_DATABASE_URL"


async def database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started on first use)."""
    if settings.database_url:
        return settings.database_url
    return await db.start_embedded(settings.data_dir)


def limits(settings: Settings, *, statements: bool) -> db.Limits:
    """The database time limits of a process. Only the app bounds statements: migrations,
    imports and provisioning from the command line may legitimately run for minutes."""
    return db.Limits(
        connect=settings.db_connect_timeout,
        acquire=settings.db_acquire_timeout,
        statement=settings.db_statement_timeout if statements else None,
    )


async def open_database(settings: Settings, *, require_current: bool = True, app: bool = False) -> None:
    """Connect this process; ``app``: the serving process, whose statements are bounded."""
    url = await database_url(settings)
    # Worker processes (serve --workers N) inherit the URL instead of starting servers.
    os.environ[URL_ENV] = url
    await db.connect(url, role=settings.app_role, limits=limits(settings, statements=app))
    if require_current:
        try:
            await schema.require_current()
        except QingdanError:
            await db.disconnect()
            raise
