"""Caching published reads, safely across processes.

A published township-list version never changes, but what a read of it shows around it
can: a township's name, a unit's name, a law's newer text, another township's newly
published list. Each tenant has a **content generation** (table ``content_generations``)
that triggers on those tables move with every write, the shared legal library's under the
all-zero tenant. A cached rendering records the generation it was built at, and a reader
uses it only while the generation is unchanged — one indexed read per request, which
every process sees alike, so no cache ever needs telling.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from typing import Any, Generic, TypeVar

import asyncpg

SHARED_TENANT = uuid.UUID(int=0)

#: A scalar subquery: the tenant's generation plus the shared library's. Both only grow,
#: so their sum moves whenever either does. ``$1`` is the tenant.
GENERATION = (
    f"(SELECT coalesce(sum(generation), 0) FROM content_generations WHERE tenant_id IN ($1, '{SHARED_TENANT}'))"
)


async def current(conn: asyncpg.Connection | asyncpg.Pool, tenant_id: uuid.UUID) -> int:
    """The tenant's content generation (the scalar subquery always yields one row).

    ``conn`` is a connection or the pool: the portal reads it straight from the pool (one
    statement, no transaction; see :func:`core.publication.portal.cached`)."""
    generation: int = await conn.fetchval(f"SELECT {GENERATION}", tenant_id)
    return generation


V = TypeVar("V")


class Cache(Generic[V]):
    """A bounded, least-recently-used map of renderings, each valid for one generation.

    Keys must start with the tenant id: a value is only ever handed to a reader who has
    already been admitted to that tenant (by its transaction and row-level security).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], tuple[int, V]] = OrderedDict()

    def get(self, key: tuple[Any, ...], generation: int) -> V | None:
        found = self._entries.get(key)
        if found is None or found[0] != generation:
            return None
        self._entries.move_to_end(key)
        return found[1]

    def put(self, key: tuple[Any, ...], generation: int, value: V) -> V:
        if self.size > 0:
            self._entries[key] = (generation, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()
