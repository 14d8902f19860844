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
