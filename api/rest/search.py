"""``/api/v1/tenants/{tenant}/search`` — keyword search over published lists and the catalog."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter

from api.rest.params import TENANT_PATH, Cursor
from core.publication import search
from core.publication.search import ItemSearchPage, SearchPage
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

    @get(
        "/items",
        operation_id="searchItems",
        summary="Keyword search grouped by item, with the townships holding each and a total",
        description=(
            "The items of the townships' latest published lists that match `q`, best first, each once with"
            " every township whose list holds it (and its portal page there), and `total`, the number of"
            " items matching. `q` is read as the responsibility lookup reads an appeal: words (低保怎么申请 →"
            " 低保, 申请), colloquial and official terms both ways (违建 ↔ 违法建设), sound-alike typos"
            " (森林放火 → 森林防火). A query with nothing but punctuation answers 422."
        ),
    )
    async def search_items(
        self,
        access: NamedDependency[Access],
        q: Annotated[str, Parameter(description="keywords, e.g. 低保怎么申请 or 违建", max_length=100)],
        kind: Annotated[str | None, Parameter(description="list kind, e.g. basic")] = None,
        category: Annotated[str | None, Parameter(description="category code, e.g. safety")] = None,
        township: Annotated[str | None, Parameter(description="only this township (division code)")] = None,
        limit: Annotated[int | None, Parameter(description="page size (1–100, default 50)", ge=1, le=100)] = None,
        cursor: Cursor = None,
    ) -> ItemSearchPage:
        return await search.search_items(
            access, q, kind=kind, category=category, township=township, limit=limit, cursor=cursor
        )
