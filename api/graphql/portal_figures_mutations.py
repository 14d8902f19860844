"""GraphQL mutation of the portal's public figures: the REST ``PUT /portal-figures``, same service."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.inputs import convert
from api.graphql.portal_figures import PortalFigures
from api.graphql.types import Problem, attempt
from core.oversight import portal_figures as service

PortalFiguresResult = Annotated[PortalFigures | Problem, strawberry.union("PortalFiguresResult")]


@strawberry.type
class PortalFiguresMutations:
    @strawberry.mutation(
        description="Choose the charts the portal publishes (admin); revision: the one you read (0 at first)."
    )
    async def set_portal_figures(
        self, info: GqlInfo, tenant: str, charts: list[str], revision: int
    ) -> PortalFiguresResult:
        async def act(access: Any) -> PortalFigures:
            data = convert({"charts": charts, "revision": revision}, service.PortalFiguresUpdate)
            return PortalFigures.of(await service.set_figures(access, data))

        return await attempt(info, tenant, act)
