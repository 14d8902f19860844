"""Bringing a database to what the code expects: the migrations, then the shipped reference data.

The one place that knows both the platform's migrations (:mod:`core.platform.schema`) and the
reference data core ships (the national legal library, :mod:`core.legal.library`), so that
neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable

from core.legal.corpus_load import load_national_library
from core.platform import schema


async def migrate(progress: Callable[[str], None] | None = None) -> list[str]:
    """Apply pending migrations, then load the national legal library (one query when nothing is new).

    The library is loaded here rather than by a migration: it is computed by parsing the
    shipped corpus, and migrations carry their SQL only. ``progress`` hears the loader's lines.
    Returns the migration ids applied."""
    return await schema.migrate(then=lambda: load_national_library(progress))
