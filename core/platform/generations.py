"""Caching published reads, safely across processes.

A published township-list version never changes, but what a read of it shows around it
can: a township's name, a unit's name, a law's newer text, another township's newly
published list. Each tenant has a **content generation** (table ``content_generations``)
that every write to those tables moves (:func:`bump`, in the writer's transaction, once per
write statement), and the shared legal library has one (table ``library_generation``). A cached rendering
records the generation it was built at, and a reader uses it only while the generation is
unchanged — one indexed read per request, which every process sees alike, so no cache ever needs telling.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from typing import Any, Generic, TypeVar

import asyncpg
from asyncpg.pool import PoolConnectionProxy

SHARED_TENANT = uuid.UUID(int=0)

#: A scalar expression: the tenant's generation plus the shared library's. Both only grow,
#: so their sum moves whenever either does. ``$1`` is the tenant.
GENERATION = (
    "((SELECT coalesce(max(generation), 0) FROM content_generations WHERE tenant_id = $1)"
    " + (SELECT generation FROM library_generation))"
)

#: The tables whose writes move the generation: every statement writing one of them is
#: followed by :func:`bump` in the same transaction. (Until migration 0011 statement triggers
#: did it; Citus cannot run triggers over transition tables, see docs/scale-out.md.)
WATCHED = (
    "jurisdictions",
    "units",
    "list_structures",
    "catalog_versions",
    "township_list_versions",
    "legal_documents",
    "legal_versions",
    "provisions",
    "portal_footers",
    "portal_figures",
    "burden_indicators",
)

_BUMP = (
    "INSERT INTO content_generations AS g (tenant_id) VALUES ($1)"
    " ON CONFLICT (tenant_id) DO UPDATE SET generation = g.generation + 1"
)
_BUMP_LIBRARY = "UPDATE library_generation SET generation = generation + 1"


async def bump(conn: asyncpg.Connection | PoolConnectionProxy, tenant_id: uuid.UUID) -> None:
    """Move ``tenant_id``'s content generation (the shared library's: :data:`SHARED_TENANT`,
    as the owner, who alone writes the library).

    Call it in the transaction of the write, after the statement, so that the new generation
    becomes visible exactly when the change does."""
    if tenant_id == SHARED_TENANT:
        await conn.execute(_BUMP_LIBRARY)
    else:
        await conn.execute(_BUMP, tenant_id)


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
