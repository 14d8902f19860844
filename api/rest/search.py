"""``/api/v1/tenants/{tenant}/search`` — keyword search over published lists and the catalog."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter

from api.rest.params import TENANT_PATH, Cursor
from core.publication import search
from core.publication.search import SearchPage
from core.security.access import Access


class SearchController(Controller):
    path = f"{TENANT_PATH}/search"
    tags = ["search"]

    @get(
        operation_id="search",
        summary="Keyword search (simplified and traditional characters match each other)",
        description=(
            "Ranked hits among the entries of the townships' latest published lists (`scope=lists`, the"
            " default) or the items of the latest published catalog (`scope=catalog`). Chinese is matched"
            " by character bigrams after converting both sides to simplified characters, so `镇` finds `鎮`"
            " and two-character terms such as `消防` or `低保` work. A query with nothing but punctuation"
            " answers 400."
        ),
    )
    async def search(
        self,
        access: NamedDependency[Access],
        q: Annotated[str, Parameter(description="keywords, e.g. 消防 or 低保", max_length=100)],
        kind: Annotated[str | None, Parameter(description="list kind, e.g. basic")] = None,
        category: Annotated[str | None, Parameter(description="category code, e.g. safety")] = None,
        township: Annotated[str | None, Parameter(description="township division code (scope=lists)")] = None,
        search_scope: Annotated[
            str, QueryParameter(name="scope", description="lists (default) or catalog", pattern="^(lists|catalog)$")
        ] = "lists",
        limit: Annotated[int | None, Parameter(description="page size (1–100, default 50)", ge=1, le=100)] = None,
        cursor: Cursor = None,
    ) -> SearchPage:
        return await search.search(
            access, q, kind=kind, category=category, township=township, scope=search_scope, limit=limit, cursor=cursor
        )
