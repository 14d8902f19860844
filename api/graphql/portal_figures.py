"""GraphQL face of the portal's public figures: ``tenant { portalFigures }`` (the mutation is in
:mod:`api.graphql.portal_figures_mutations`) — the REST operations (``/portal-figures``), same service."""

from __future__ import annotations

import datetime

import strawberry

from api.graphql.context import GqlInfo
from core.oversight import portal_figures as service
from core.security.access import Access


@strawberry.type(
    description="The charts of its burden indicators a county publishes on its portal; revision 0: none chosen yet."
)
class PortalFigures:
    charts: list[str] = strawberry.field(
        description="Chart codes, in the portal's order: kinds, townships, indicators, calls."
    )
    revision: int
    updated_at: datetime.datetime | None

    @classmethod
    def of(cls, view: service.PortalFigures) -> PortalFigures:
        return cls(charts=view.charts, revision=view.revision, updated_at=view.updated_at)


@strawberry.type
class PortalFiguresQueries:
    access: strawberry.Private[Access]

    @strawberry.field(description="The charts this county publishes on its portal.")
    async def portal_figures(self, info: GqlInfo) -> PortalFigures:
        return PortalFigures.of(await service.get_figures(self.access))
