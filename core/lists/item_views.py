"""Item views of catalog versions, kept per process so that publishing a list can answer without
reading it again.

A whole-list read (working copy or published version) builds one :class:`ItemView` per entry
from the catalog version the list follows, plus the provisions those items cite. Both depend
only on the catalog version and on what the tenant's content generation watches (catalog,
legal library, :mod:`core.platform.generations`), never on the list's own entries. So every
whole-list read leaves its item views here, valid for the generation it read them at, and
:func:`core.lists.service.publish_list` answers from them plus the entries it has just
published (the local details it read to compute the content hash), instead of running the
whole-list statement on the new version (a cold read: 68-94 ms at load 7).

Publishing moves the generation itself (``township_list_versions`` is watched), which no item
view depends on: the publication carries the views over to the new generation when its own
bump is the only change in between (the generation, a sum of counters that only grow, moved
by exactly one), and only after its transaction committed (a rolled-back bump may be reused
by another writer's).

Views are remembered only from transactions that have not moved the generation themselves
(reads, and the list edits that answer with the working copy: none of them writes a watched
table); a writer that bumps it and then reads a whole list must not call :meth:`ItemViews.remember`
before its commit, for the reason above.

Bounded by items (``QINGDAN_CACHE_ITEM_VIEWS``, least recently used catalog version first
out); 0 turns it off, and with it the publish answer's shortcut (cold measurements).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import msgspec

from core.catalog.reading import CitedProvision, ItemView

Key = tuple[uuid.UUID, int]  # tenant, catalog version
ProvisionKey = tuple[str, int, int, int]  # document, article, paragraph (0: none), item (0: none)


class Known(msgspec.Struct, frozen=True, gc=False):
    """One item's view and the provisions its legal bases cite that exist, in the order a
    whole-list read gives them (``core.catalog.queries.items_for(provisions=True)``)."""

    view: ItemView
    provisions: tuple[CitedProvision, ...]


class _Views:
    __slots__ = ("generation", "items")

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.items: dict[str, Known] = {}


def provision_key(p: CitedProvision) -> ProvisionKey:
    return (p.document_id, p.article, p.paragraph or 0, p.item or 0)


def cited_keys(view: ItemView) -> set[ProvisionKey]:
    """The provisions an item's legal bases point at (as ``core.catalog.queries._cited`` selects them)."""
    return {
        (b.document_id, b.article, b.paragraph or 0, b.item or 0)
        for b in view.legal_bases
        if b.document_id is not None and b.article is not None
    }


class ItemViews:
    """Per (tenant, catalog version): the item views seen at one generation."""

    def __init__(self, max_items: int = 20_000) -> None:
        self.max_items = max_items
        self._catalogs: OrderedDict[Key, _Views] = OrderedDict()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def remember(
        self, key: Key, generation: int, views: Iterable[ItemView], provisions: Sequence[CitedProvision]
    ) -> None:
        """Keep the item views a whole-list read built at ``generation``, with the provisions it
        read for them (every provision any of them cites that exists)."""
        if self.max_items <= 0:
            return
        found = self._catalogs.get(key)
        if found is None or found.generation != generation:
            self._drop(key)
            found = self._catalogs[key] = _Views(generation)
        self._catalogs.move_to_end(key)
        by_key = {provision_key(p): p for p in provisions}
        before = len(found.items)
        for view in views:
            if view.code not in found.items:
                cited = cited_keys(view)
                found.items[view.code] = Known(view, tuple(by_key[k] for k in sorted(cited) if k in by_key))
        self._count += len(found.items) - before
        while self._count > self.max_items and len(self._catalogs) > 1:
            self._drop(next(iter(self._catalogs)))

    def lookup(self, key: Key, generation: int, codes: Sequence[str]) -> list[Known] | None:
        """The views of ``codes`` at ``generation``; None unless every one is known."""
        found = self._catalogs.get(key)
        if found is None or found.generation != generation:
            return None
        try:
            known = [found.items[code] for code in codes]
        except KeyError:
            return None
        self._catalogs.move_to_end(key)
        return known

    def carry(self, key: Key, generation: int, to: int) -> None:
        """The views kept at ``generation`` are valid at ``to`` as well (see the module's docstring)."""
        found = self._catalogs.get(key)
        if found is not None and found.generation == generation:
            found.generation = to

    def _drop(self, key: Key) -> None:
        old = self._catalogs.pop(key, None)
        if old is not None:
            self._count -= len(old.items)

    def clear(self) -> None:
        self._catalogs.clear()
        self._count = 0


def provisions_of(known: Iterable[Known]) -> list[CitedProvision]:
    """The provisions cited by ``known``, each once, in a whole-list read's order (document,
    article, paragraph, item: ``items_for`` sorts by the uuid, whose order is its text's)."""
    seen: dict[ProvisionKey, CitedProvision] = {}
    for k in known:
        for p in k.provisions:
            seen.setdefault(provision_key(p), p)
    return [seen[k] for k in sorted(seen)]


#: The per-process cache (sized by api.app from QINGDAN_CACHE_ITEM_VIEWS).
cache = ItemViews()
