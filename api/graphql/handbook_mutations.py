"""GraphQL mutation for handbooks: the REST operation, through the same service."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.handbooks import Handbook, app_storage
from api.graphql.types import Problem
from core.platform.errors import FieldError, InvalidInput, NotFound, QingdanError
from core.platform.messages import Text
from core.publication.handbook import HandbookRequest, request_handbook

HandbookResult = Annotated[Handbook | Problem, strawberry.union("HandbookResult")]


@strawberry.type
class HandbookMutations:
    @strawberry.mutation(
        description="Start making the handbook (工作手册 PDF) of a township's published list (the latest "
        "version unless given); follow it with tenant { handbook(id) } until status is done."
    )
    async def request_handbook(
        self, info: GqlInfo, tenant: str, township: str, version: int | None = None
    ) -> HandbookResult:
        try:
            access = await info.context.access(tenant)
            if access is None:
                raise NotFound(Text("not-found.no-tenant", tenant=tenant))
            if version is not None and version < 1:
                message = Text("field.published-version-number")
                raise InvalidInput(
                    Text("field", field="version", message=message), errors=[FieldError.said("version", message)]
                )
            settings = info.context.settings
            job = await request_handbook(
                access,
                township,
                HandbookRequest(version=version),
                storage=app_storage(info),
                public_base_url=settings.public_base_url,
                font=settings.handbook_font,
                allow_local_url=settings.allow_loopback_public_url,
            )
            return Handbook.of(job)
        except QingdanError as exc:
            return Problem.of(exc)
