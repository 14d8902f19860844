"""GraphQL mutations of oversight grants: the REST ``PUT /oversight/grants/{overseer}`` and
``POST …/revoke``, same services."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.oversight import OversightGrant
from api.graphql.types import Problem, attempt
from core.oversight import grants
from core.oversight.grants import GrantCreate
from core.security.access import Access

OversightGrantResult = Annotated[OversightGrant | Problem, strawberry.union("OversightGrantResult")]


@strawberry.type
class OversightMutations:
    @strawberry.mutation(description="Let a city or province tenant read this county's published data (admin).")
    async def grant_oversight(self, info: GqlInfo, tenant: str, overseer: str) -> OversightGrantResult:
        async def act(access: Access) -> OversightGrant:
            return OversightGrant.of(await grants.grant(access, GrantCreate(overseer=overseer)))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Revoke a grant: the overseer's next request no longer sees the county (admin).")
    async def revoke_oversight(self, info: GqlInfo, tenant: str, overseer: str) -> OversightGrantResult:
        async def act(access: Access) -> OversightGrant:
            return OversightGrant.of(await grants.revoke(access, overseer))

        return await attempt(info, tenant, act)
