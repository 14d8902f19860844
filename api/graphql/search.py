"""GraphQL face of keyword search (``TenantNode.search``), through :func:`core.publication.search.search`."""

from __future__ import annotations

import strawberry

from core.publication import search
from core.security.access import Access


@strawberry.type(description="A search hit: an entry of a township's published list, or a catalog item.")
class SearchHit:
    item_code: str
    title: str
    level: str
    category: str | None
    item_kind: str | None
    kinds: list[str]
    rank: float
    township_code: str | None
    township_name: str | None
    portal_path: str | None = strawberry.field(description="the item page on the public portal")


@strawberry.type
class SearchPage:
    items: list[SearchHit]
    next_cursor: str | None
    query: str = strawberry.field(description="The full-text query your words were read as.")


@strawberry.type(description="A township whose latest published list holds the item.")
class TownshipHolding:
    code: str
    name: str
    portal_path: str


@strawberry.type(description="An item matching the query, with the townships holding it.")
class ItemHit:
    item_code: str
    title: str
    level: str
    category: str | None
    item_kind: str | None
    kinds: list[str]
    rank: float
    townships: list[TownshipHolding]


@strawberry.type
class ItemSearchPage:
    items: list[ItemHit]
    next_cursor: str | None
    total: int = strawberry.field(description="Items matching, over all pages.")
    query: str = strawberry.field(description="The full-text query your words were read as.")


@strawberry.type
class SearchQueries:
    """Root field of keyword search (TenantNode inherits it)."""

    access: strawberry.Private[Access]

    @strawberry.field(
        description="Ranked keyword search over published township lists (scope lists) or the published"
        " catalog (scope catalog); simplified and traditional characters match each other."
    )
    async def search(
        self,
        q: str,
        kind: str | None = None,
        category: str | None = None,
        township: str | None = None,
        scope: str = "lists",
        first: int = 50,
        after: str | None = None,
    ) -> SearchPage:
        page = await search.search(
            self.access, q, kind=kind, category=category, township=township, scope=scope, limit=first, cursor=after
        )
        return SearchPage(
            items=[SearchHit(**{f: getattr(h, f) for f in h.__struct_fields__}) for h in page.items],
            next_cursor=page.next_cursor,
            query=page.query,
        )

    @strawberry.field(
        description="Keyword search grouped by item: each item of the townships' latest published lists once,"
        " with the townships holding it, and the total. The query is read as the responsibility lookup reads"
        " an appeal (words, the domain lexicon both ways, sound-alike typos)."
    )
    async def search_items(
        self,
        q: str,
        kind: str | None = None,
        category: str | None = None,
        township: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ItemSearchPage:
        page = await search.search_items(
            self.access, q, kind=kind, category=category, township=township, limit=first, cursor=after
        )
        return ItemSearchPage(
            items=[
                ItemHit(
                    **{f: getattr(h, f) for f in h.__struct_fields__ if f != "townships"},
                    townships=[
                        TownshipHolding(code=t.code, name=t.name, portal_path=t.portal_path) for t in h.townships
                    ],
                )
                for h in page.items
            ],
            next_cursor=page.next_cursor,
            total=page.total,
            query=page.query,
        )
