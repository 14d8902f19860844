"""Bringing a database to what the code expects: the migrations, then the shipped reference data.

The one place that knows both the platform's migrations (:mod:`core.platform.schema`) and the
reference data core ships (the national legal library, :mod:`core.legal.library`), so that
neither imports the other.
"""

from __future__ import annotations

from core.legal.library import import_national_library
from core.platform import schema


async def migrate() -> list[str]:
    """Apply pending migrations, then load the national legal library (quick when nothing is new).

    The library is loaded here rather than by a migration: it is computed by parsing the
    shipped texts, and migrations carry their SQL only. Returns the migration ids applied."""
    return await schema.migrate(then=import_national_library)
