"""GraphQL mutation of the portal footer: the REST ``PUT /portal-footer``, same service."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.inputs import convert
from api.graphql.portal_footer import PortalFooter
from api.graphql.types import Problem, attempt
from core.publication import footer as service

PortalFooterResult = Annotated[PortalFooter | Problem, strawberry.union("PortalFooterResult")]


@strawberry.input(description="The whole footer: a field left out is emptied.")
class PortalFooterInput:
    sponsor: str = ""
    organizer: str = ""
    site_code: str = ""
    icp_record: str = ""
    contact: str = ""


@strawberry.type
class PortalFooterMutations:
    @strawberry.mutation(description="Set the portal footer (admin); revision: the one you read (0 the first time).")
    async def set_portal_footer(
        self, info: GqlInfo, tenant: str, footer: PortalFooterInput, revision: int
    ) -> PortalFooterResult:
        async def act(access: Any) -> PortalFooter:
            data = convert({**vars(footer), "revision": revision}, service.PortalFooterUpdate)
            return PortalFooter.of(await service.set_footer(access, data))

        return await attempt(info, tenant, act)
