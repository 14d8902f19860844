"""``/api/v1/tenants/{tenant}/township-lists`` — every township list of the tenant as one
collection (status, revision, latest published number), for systems that mirror them."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter

from api.rest.params import TENANT_PATH, Cursor, Limit, UpdatedSince
from core.lists.summaries import ListSummary, list_summaries
from core.platform.pagination import Page
from core.security.access import Access


@get(
    f"{TENANT_PATH}/township-lists",
    operation_id="listTownshipLists",
    summary="The township lists (without entries), in township-code order",
    description="For mirroring: read the summaries changed since your last pull with `updated_since`, then fetch "
    "those lists from `/townships/{code}/list` (working copy) or `/townships/{code}/list/published`. The county "
    "admin sees every list, a township key its own, other keys the lists that have a published version.",
    tags=["township-lists"],
)
async def list_township_lists(
    access: NamedDependency[Access],
    status: str | None = Parameter(default=None, description="draft, submitted, returned, filed or published"),
    limit: Limit = None,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[ListSummary]:
    return await list_summaries(access, status=status, updated_since=updated_since, limit=limit, cursor=cursor)


ROUTES = [list_township_lists]
