"""``/api/v1/tenants/{tenant}/portal-figures`` — which charts of its burden indicators a county
publishes on its portal (codes of ``core.oversight.public.PUBLISHABLE``)."""

from __future__ import annotations

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.rest.params import TENANT_PATH, IfMatch, with_etag
from core.oversight import portal_figures as service
from core.oversight.portal_figures import PortalFigures, PortalFiguresUpdate
from core.platform.versioning import parse_etag
from core.security.access import Access


class PortalFiguresController(Controller):
    path = f"{TENANT_PATH}/portal-figures"
    tags = ["oversight"]

    @get(operation_id="getPortalFigures", summary="The charts the portal publishes (revision 0: none chosen yet)")
    async def read(self, access: NamedDependency[Access]) -> Response[PortalFigures]:
        view = await service.get_figures(access)
        return with_etag(view, view.revision)

    @put(
        operation_id="setPortalFigures",
        summary="Choose the charts the portal publishes (admin): the whole list, If-Match or revision (0 at first)",
    )
    async def replace(
        self, access: NamedDependency[Access], data: JSONBody[PortalFiguresUpdate], if_match: IfMatch = None
    ) -> Response[PortalFigures]:
        view = await service.set_figures(access, data, parse_etag(if_match))
        return with_etag(view, view.revision)
