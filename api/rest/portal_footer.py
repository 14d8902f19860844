"""``/api/v1/tenants/{tenant}/portal-footer`` — what the public portal prints at the foot of
every page (主办单位, 承办单位, 网站标识码, ICP 备案号, 联系方式)."""

from __future__ import annotations

from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.rest.params import TENANT_PATH, IfMatch, with_etag
from core.platform.versioning import parse_etag
from core.publication import footer as service
from core.publication.footer import PortalFooter, PortalFooterUpdate
from core.security.access import Access


class PortalFooterController(Controller):
    path = f"{TENANT_PATH}/portal-footer"
    tags = ["publication"]

    @get(operation_id="getPortalFooter", summary="The portal footer (revision 0: none set yet)")
    async def read(self, access: NamedDependency[Access]) -> Response[PortalFooter]:
        view = await service.get_footer(access)
        return with_etag(view, view.revision)

    @put(
        operation_id="setPortalFooter",
        summary="Set the portal footer (admin): the whole footer, with If-Match or revision (0 the first time)",
    )
    async def replace(
        self, access: NamedDependency[Access], data: JSONBody[PortalFooterUpdate], if_match: IfMatch = None
    ) -> Response[PortalFooter]:
        view = await service.set_footer(access, data, parse_etag(if_match))
        return with_etag(view, view.revision)
