"""The GraphQL schema: queries start from a tenant, mutations name it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import msgspec
import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.scalars import JSON

from api.errors import field_of_message
from api.graphql.types import GqlInfo, Jurisdiction, Problem, TenantNode, Unit
from core import jurisdictions, units
from core.access import Role
from core.errors import FieldError, InvalidInput, NotFound, QingdanError
from core.jurisdictions import JurisdictionCreate, JurisdictionUpdate
from core.tenancy import all_tenants
from core.units import UnitCreate, UnitUpdate

T = TypeVar("T")


@strawberry.type
class Query:
    @strawberry.field(description="Tenants this key may see (all of them for a platform key).")
    async def tenants(self, info: GqlInfo) -> list[TenantNode]:
        principal = info.context.principal
        assert principal is not None
        if principal.role is Role.PLATFORM:
            slugs = [t.slug for t in await all_tenants()]
        else:
            slugs = [t.slug for t in await all_tenants() if t.id == principal.tenant_id]
        nodes = []
        for slug in slugs:
            access = await info.context.access(slug)
            if access:
                nodes.append(TenantNode.of(access.tenant, access))
        return nodes

    @strawberry.field(description="One tenant by slug; null when it does not exist or is not yours.")
    async def tenant(self, info: GqlInfo, slug: str) -> TenantNode | None:
        access = await info.context.access(slug)
        return TenantNode.of(access.tenant, access) if access else None


@strawberry.input
class ContactInput:
    name: str
    phone: str = ""
    role: str = ""


@strawberry.input
class JurisdictionInput:
    code: str
    name: str
    kind: str
    parent_code: str | None = None
    attributes: JSON | None = None


@strawberry.input(description="Only the fields given change.")
class JurisdictionPatch:
    name: str | None = strawberry.UNSET
    kind: str | None = strawberry.UNSET
    attributes: JSON | None = strawberry.UNSET


@strawberry.input
class UnitInput:
    code: str
    name: str
    kind: str
    jurisdiction_code: str
    parent_unit_code: str | None = None
    host_township_codes: list[str] | None = None
    contacts: list[ContactInput] | None = None


@strawberry.input(description="Only the fields given change.")
class UnitPatch:
    name: str | None = strawberry.UNSET
    parent_unit_code: str | None = strawberry.UNSET
    host_township_codes: list[str] | None = strawberry.UNSET
    contacts: list[ContactInput] | None = strawberry.UNSET


@strawberry.type
class Deleted:
    code: str


JurisdictionResult = Annotated[Jurisdiction | Problem, strawberry.union("JurisdictionResult")]
UnitResult = Annotated[Unit | Problem, strawberry.union("UnitResult")]
DeleteResult = Annotated[Deleted | Problem, strawberry.union("DeleteResult")]


def _given(obj: Any, *, keep_null: bool = False) -> dict[str, Any]:
    """The fields a client actually sent. In a patch an explicit null clears a field; in
    a create input null means "not given", so the service's default applies."""
    return {
        k: (
            [vars(i) for i in v] if isinstance(v, list) and v and hasattr(v[0], "__dict__") else v
        )
        for k, v in vars(obj).items()
        if v is not strawberry.UNSET and (keep_null or v is not None)
    }


def _convert(data: dict[str, Any], kind: type[T]) -> T:
    """Validate a GraphQL input with the same rules REST bodies get (and the same 400)."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        message = str(exc)
        raise InvalidInput(message, errors=[FieldError(field_of_message(message), message)]) from exc


async def _attempt(info: GqlInfo, tenant: str, act: Callable[[Any], Awaitable[T]]) -> T | Problem:
    try:
        access = await info.context.access(tenant)
        if access is None:
            raise NotFound(f"no tenant {tenant!r}")
        return await act(access)
    except QingdanError as exc:
        return Problem.of(exc)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_jurisdiction(
        self, info: GqlInfo, tenant: str, input: JurisdictionInput
    ) -> JurisdictionResult:
        async def act(access: Any) -> Jurisdiction:
            data = _convert(_given(input), JurisdictionCreate)
            return Jurisdiction.of(await jurisdictions.create_jurisdiction(access, data), access)

        return await _attempt(info, tenant, act)

    @strawberry.mutation(description="version: the version you read (optimistic concurrency).")
    async def update_jurisdiction(
        self, info: GqlInfo, tenant: str, code: str, version: int, input: JurisdictionPatch
    ) -> JurisdictionResult:
        async def act(access: Any) -> Jurisdiction:
            data = _convert(_given(input, keep_null=True), JurisdictionUpdate)
            view = await jurisdictions.update_jurisdiction(access, code, data, version)
            return Jurisdiction.of(view, access)

        return await _attempt(info, tenant, act)

    @strawberry.mutation
    async def delete_jurisdiction(
        self, info: GqlInfo, tenant: str, code: str, version: int | None = None
    ) -> DeleteResult:
        async def act(access: Any) -> Deleted:
            await jurisdictions.delete_jurisdiction(access, code, version)
            return Deleted(code=code)

        return await _attempt(info, tenant, act)

    @strawberry.mutation
    async def create_unit(self, info: GqlInfo, tenant: str, input: UnitInput) -> UnitResult:
        async def act(access: Any) -> Unit:
            data = _convert(_given(input), UnitCreate)
            return Unit.of(await units.create_unit(access, data), access)

        return await _attempt(info, tenant, act)

    @strawberry.mutation(description="version: the version you read (optimistic concurrency).")
    async def update_unit(
        self, info: GqlInfo, tenant: str, code: str, version: int, input: UnitPatch
    ) -> UnitResult:
        async def act(access: Any) -> Unit:
            data = _convert(_given(input, keep_null=True), UnitUpdate)
            return Unit.of(await units.update_unit(access, code, data, version), access)

        return await _attempt(info, tenant, act)

    @strawberry.mutation
    async def delete_unit(
        self, info: GqlInfo, tenant: str, code: str, version: int | None = None
    ) -> DeleteResult:
        async def act(access: Any) -> Deleted:
            await units.delete_unit(access, code, version)
            return Deleted(code=code)

        return await _attempt(info, tenant, act)


def build_schema(max_depth: int = 8, max_aliases: int = 15) -> strawberry.Schema:
    """The schema, with limits so that one query cannot exhaust the server; page sizes
    (``first``) are capped by the services like REST's ``limit``."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            lambda: MaxTokensLimiter(max_token_count=2000),
        ],
    )
