"""The townships holding an item, as the grouped search lists them (``search/items``, the
portal's search, GraphQL ``searchItems``).

Each item of a grouped page carries every township whose newest published list holds it, with
the township's name and the item's page there. For a page of 50 items held by 50 townships
that is 2,500 holdings, which cost more to read (an index tuple and a name each) and to build
(a struct and a path each) than the rest of the search (issue 18: ~4 of ~6 ms of the statement
and ~1.6 ms of Python a page). They depend on the item's content and the published lists, not
on the query, and change only when the tenant's content generation moves (publishing a list
moves it, renaming a township does): so they are kept per item content at a generation, and a
search reads only those it lacks, in one more statement.

The lists kept are handed to every search that finds the item: nobody may change them. The
townships are read after the page, in the same transaction but their own statement: a list
published in between shows in them as it would in the next search, and they are kept at the
generation that statement read.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

import asyncpg

from core.publication import queries
from core.publication.links import item_page_path


class _Holding(Protocol):  # core.publication.search.TownshipHolding, without importing it back
    def __init__(self, code: str, name: str, portal_path: str) -> None: ...


H = TypeVar("H", bound=_Holding)


_Key = tuple[uuid.UUID, str, str, str, str, str]  # tenant, slug, item, content hash, township range


class Kept(Generic[H]):
    """A least-recently-used map of holdings lists, each valid at one generation, bounded by
    the number of holdings they hold (``capacity``; ~170 bytes each) rather than by lists: an
    item of a 4,000-township county weighs 4,000."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.weight = 0
        self._entries: OrderedDict[_Key, tuple[int, list[H]]] = OrderedDict()

    def get(self, key: _Key, generation: int) -> list[H] | None:
        found = self._entries.get(key)
        if found is None or found[0] != generation:
            return None
        self._entries.move_to_end(key)
        return found[1]

    def put(self, key: _Key, generation: int, holdings: list[H]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.weight -= max(1, len(old[1]))
        weight = max(1, len(holdings))
        if weight > self.capacity:
            return
        self._entries[key] = (generation, holdings)
        self.weight += weight
        while self.weight > self.capacity:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.weight -= max(1, len(evicted))

    def clear(self) -> None:
        self._entries.clear()
        self.weight = 0


async def holdings(
    conn: asyncpg.Connection,
    kept: Kept[H],
    make: type[H],
    tenant_id: uuid.UUID,
    slug: str,
    items: Sequence[tuple[str, str]],
    generation: int,
    townships: tuple[str, str],
) -> list[list[H]]:
    """For each ``(item code, content hash)`` of ``items``, the townships in the range
    ``townships`` (see :data:`core.publication.queries._HOLDINGS`) holding it, as ``make(code,
    name, portal path)`` in township order: those kept at ``generation`` (the moment the page
    was read at), the others read with one statement and kept at the generation it read them at."""
    lo, hi = townships
    keys = [(tenant_id, slug, code, content_hash, lo, hi) for code, content_hash in items]
    found = [kept.get(key, generation) for key in keys]
    missing = [i for i, f in enumerate(found) if f is None]
    if not missing:
        return found  # type: ignore[return-value]  # none is None
    rows = await queries.holdings(
        conn, tenant_id, [items[i][0] for i in missing], [items[i][1] for i in missing], lo, hi
    )
    shared: dict[str, str] = {}  # one string per township code and name across the items
    for row in rows:
        i = missing[row.n - 1]
        code = items[i][0]
        made = [
            make(shared.setdefault(t, t), shared.setdefault(name, name), item_page_path(slug, t, code))
            for t, name in zip(row.townships or (), row.names or (), strict=True)
        ]
        kept.put(keys[i], row.generation, made)
        found[i] = made
    return found  # type: ignore[return-value]  # the statement answers every item
