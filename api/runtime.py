"""Bringing the database up for a process: embedded or external, migrated or refused."""

from __future__ import annotations

import os

from core import db, schema
from core.errors import SchemaOutdated
from core.settings import Settings

URL_ENV = "QINGDAN_DATABASE_URL"


async def database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started on first use)."""
    if settings.database_url:
        return settings.database_url
    return await db.start_embedded(settings.data_dir)


async def open_database(settings: Settings, *, require_current: bool = True) -> None:
    url = await database_url(settings)
    # Worker processes (serve --workers N) inherit the URL instead of starting servers.
    os.environ[URL_ENV] = url
    await db.connect(url, role=settings.app_role)
    if require_current:
        status = await schema.status()
        if not status.current:
            await db.disconnect()
            raise SchemaOutdated(
                f"the database schema is behind the code ({len(status.pending)} migrations "
                "pending); run `qingdan migrate`"
            )
