"""``/api/v1/tenants/{tenant}/lookup`` — which township and units answer for an appeal."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from api.rest.params import TENANT_PATH
from core.publication import lookup as service
from core.publication.lookup import LookupRequest, LookupResult
from core.security.access import Access

_DESCRIPTION = (
    "Routes a citizen appeal (12345 hotline, grid platform) by the published township lists in force:"
    " the responsible township, the units — primary first, then cooperating, with their duty texts — and"
    " the matched list items with scores, each explained (words, place, why the unit), down to the"
    " township's office and A/B posts, a department's agency there, or a district's own bureau. Recovered"
    " items route to the receiving department. Without a location parameter the place is read from the"
    " text (names, short forms such as 涌泉, landmarks); when it names none or several, no township is"
    " chosen and `candidate_townships` say which and why. Any key of the tenant may ask."
)


class LookupController(Controller):
    path = f"{TENANT_PATH}/lookup"
    tags = ["responsibility lookup"]

    @post(
        operation_id="lookupResponsibility",
        summary="Route an appeal by the published lists (JSON body)",
        description=_DESCRIPTION,
        status_code=200,
    )
    async def lookup(self, access: NamedDependency[Access], data: JSONBody[LookupRequest]) -> LookupResult:
        return await service.lookup_request(access, data)

    @get(
        operation_id="lookupResponsibilityByQuery",
        summary="Route an appeal by the published lists (query parameters)",
        description=_DESCRIPTION,
    )
    async def lookup_by_query(
        self,
        access: NamedDependency[Access],
        text: str = Parameter(description="the appeal's text, e.g. 小区门口占道经营的摊贩太多了", max_length=2000),
        township: str | None = Parameter(
            default=None, description="township or street: division code or name (wins over a place in the text)"
        ),
        village: str | None = Parameter(default=None, description="village or community: division code or name"),
        grid: str | None = Parameter(default=None, description="grid code"),
        item_code: str | None = Parameter(default=None, description="restrict to this item of the list"),
        limit: int = Parameter(default=5, ge=1, le=20, description="how many matched items (1–20)"),
    ) -> LookupResult:
        return await service.lookup(
            access, text, township=township, village=village, grid=grid, item_code=item_code, limit=limit
        )
