"""GraphQL mutation for bulk publication: the REST operation, through the same service."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.publications import ListPublication
from api.graphql.types import Problem
from core.lists.publication import PublicationRequest, request_publication
from core.platform.errors import NotFound, QingdanError
from core.platform.messages import Text

ListPublicationResult = Annotated[ListPublication | Problem, strawberry.union("ListPublicationResult")]


@strawberry.type
class PublicationMutations:
    @strawberry.mutation(
        description="File and publish the submitted and filed township lists of a tenant (all, or those named) "
        "in one background job; follow it with tenant { listPublication(id) } until status is done."
    )
    async def request_list_publication(
        self, info: GqlInfo, tenant: str, effective_date: datetime.date, townships: list[str] | None = None
    ) -> ListPublicationResult:
        try:
            access = await info.context.access(tenant)
            if access is None:
                raise NotFound(Text("not-found.no-tenant", tenant=tenant))
            job = await request_publication(
                access, PublicationRequest(effective_date=effective_date, townships=townships)
            )
            return ListPublication.of(job)
        except QingdanError as exc:
            return Problem.of(exc)
