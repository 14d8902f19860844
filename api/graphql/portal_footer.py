"""GraphQL face of the portal footer: ``tenant { portalFooter }`` (the mutation is in
:mod:`api.graphql.portal_footer_mutations`) — the REST operations (``/portal-footer``), same service."""

from __future__ import annotations

import datetime

import msgspec
import strawberry

from api.graphql.context import GqlInfo
from core.publication import footer as service
from core.security.access import Access


@strawberry.type(description="What the public portal prints at the foot of every page; revision 0: none set yet.")
class PortalFooter:
    sponsor: str = strawberry.field(description="主办单位")
    organizer: str = strawberry.field(description="承办单位")
    site_code: str = strawberry.field(description="网站标识码")
    icp_record: str = strawberry.field(description="ICP 备案号")
    contact: str = strawberry.field(description="联系方式")
    revision: int
    updated_at: datetime.datetime | None

    @classmethod
    def of(cls, view: service.PortalFooter) -> PortalFooter:
        return cls(**msgspec.structs.asdict(view))


@strawberry.type
class PortalFooterQueries:
    access: strawberry.Private[Access]

    @strawberry.field(description="The portal footer of this tenant.")
    async def portal_footer(self, info: GqlInfo) -> PortalFooter:
        return PortalFooter.of(await service.get_footer(self.access))
