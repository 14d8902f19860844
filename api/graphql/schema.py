"""The GraphQL schema: queries start from a tenant, mutations name it."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter
from strawberry.scalars import JSON

from api.graphql.call_mutations import CallMutations
from api.graphql.catalog import (
    Adjustment,
    CatalogItem,
    CatalogItemInput,
    CatalogItemPatch,
    CatalogVersion,
    EntryCommentInput,
    EntryPatch,
    TownshipList,
    WithdrawalInput,
    plain,
)
from api.graphql.errorlog import Schema
from api.graphql.errors import ProblemCodes
from api.graphql.evaluation_mutations import EvaluationMutations
from api.graphql.event_mutations import EventMutations
from api.graphql.exchange import ExchangeMutations
from api.graphql.execution import ExecutionContext, validation_cache
from api.graphql.handbook_mutations import HandbookMutations
from api.graphql.inputs import convert
from api.graphql.oversight_mutations import OversightMutations
from api.graphql.portal_figures_mutations import PortalFiguresMutations
from api.graphql.portal_footer_mutations import PortalFooterMutations
from api.graphql.publication_mutations import PublicationMutations
from api.graphql.types import GqlInfo, Jurisdiction, Problem, TenantNode, Unit, attempt
from api.graphql.workflow_mutations import WorkflowMutations
from core.catalog import adjustments
from core.catalog import editing as catalog_editing
from core.catalog.adjustments import AdjustmentResolve
from core.catalog.reading import ItemCreate, ItemUpdate, PublishRequest, Withdrawal
from core.jurisdictions import tree as jurisdictions
from core.jurisdictions import units
from core.jurisdictions.tree import JurisdictionCreate, JurisdictionUpdate
from core.jurisdictions.units import UnitCreate, UnitUpdate
from core.lists import service as township_lists
from core.lists.service import Claim, EntryUpdate, ListPublish, ReturnRequest
from core.platform import messages
from core.platform.errors import NotFound
from core.platform.messages import Text
from core.security.access import Access, Role
from core.security.tenancy import all_tenants

IdempotencyKey = Annotated[
    str | None,
    strawberry.argument(description="Send the same key to retry safely: the write happens once (as REST's header)."),
]


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
CatalogItemResult = Annotated[CatalogItem | Problem, strawberry.union("CatalogItemResult")]
CatalogVersionResult = Annotated[CatalogVersion | Problem, strawberry.union("CatalogVersionResult")]
AdjustmentResult = Annotated[Adjustment | Problem, strawberry.union("AdjustmentResult")]
TownshipListResult = Annotated[TownshipList | Problem, strawberry.union("TownshipListResult")]


def _given(obj: Any, *, keep_null: bool = False) -> dict[str, Any]:
    """The fields a client actually sent. In a patch an explicit null clears a field; in
    a create input null means "not given", so the service's default applies (inside
    nested inputs too)."""
    return {k: plain(v) for k, v in vars(obj).items() if v is not strawberry.UNSET and (keep_null or v is not None)}


@strawberry.type
class CatalogMutations:
    """The catalog and township-list operations of REST, with the same services."""

    @strawberry.mutation(description="Add an item to the draft catalog.")
    async def create_catalog_item(self, info: GqlInfo, tenant: str, input: CatalogItemInput) -> CatalogItemResult:
        async def act(access: Access) -> CatalogItem:
            data = convert(_given(input), ItemCreate)
            return CatalogItem.of(await catalog_editing.create_item(access, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Change an item in the draft; revision: the one you read.")
    async def update_catalog_item(
        self, info: GqlInfo, tenant: str, code: str, revision: int, input: CatalogItemPatch
    ) -> CatalogItemResult:
        async def act(access: Access) -> CatalogItem:
            data = convert(_given(input, keep_null=True), ItemUpdate)
            return CatalogItem.of(await catalog_editing.update_item(access, code, data, revision), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Withdraw an item (kept, with reason and successor).")
    async def withdraw_catalog_item(
        self, info: GqlInfo, tenant: str, code: str, input: WithdrawalInput
    ) -> CatalogItemResult:
        async def act(access: Access) -> CatalogItem:
            data = convert(_given(input), Withdrawal)
            return CatalogItem.of(await catalog_editing.withdraw_item(access, code, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Apply or dismiss an open law-change adjustment (state: applied or dismissed; a dismissal"
        " says why). REST: resolveCatalogAdjustment."
    )
    async def resolve_catalog_adjustment(
        self, info: GqlInfo, tenant: str, id: strawberry.ID, state: str, reason: str = ""
    ) -> AdjustmentResult:
        async def act(access: Access) -> Adjustment:
            data = convert({"state": state, "reason": reason}, AdjustmentResolve)
            try:
                adjustment_id = uuid.UUID(str(id))
            except ValueError:
                raise NotFound(Text("not-found.no-adjustment", adjustment_id=id)) from None
            return Adjustment.of(await adjustments.resolve_adjustment(access, adjustment_id, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Freeze the draft as the next version; township lists follow it. "
        "revision: the draft's revision you read."
    )
    async def publish_catalog(
        self,
        info: GqlInfo,
        tenant: str,
        effective_date: datetime.date,
        revision: int,
        note: str = "",
    ) -> CatalogVersionResult:
        async def act(access: Access) -> CatalogVersion:
            data = convert({"effective_date": effective_date, "note": note}, PublishRequest)
            spoken = messages.negotiate(info.context.accept_language, messages.ZH)  # warnings: for people
            return CatalogVersion.of(await catalog_editing.publish(access, data, revision, spoken))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Claim a differentiated item (认领); returns the working copy.")
    async def claim_item(
        self,
        info: GqlInfo,
        tenant: str,
        township: str,
        item_code: str,
        justification: str,
        idempotency_key: IdempotencyKey = None,
    ) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            data = convert({"item_code": item_code, "justification": justification}, Claim)
            view, _ = await township_lists.claim_once(access, township, data, idempotency_key)
            return TownshipList.of(view, access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Withdraw a claim; returns the working copy.")
    async def withdraw_claim(self, info: GqlInfo, tenant: str, township: str, item_code: str) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            await township_lists.withdraw_claim(access, township, item_code)
            return TownshipList.of(await township_lists.get_working_list(access, township), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Local details of an entry, or confirm a changed claimed item. "
        "revision: the list's revision you read."
    )
    async def update_list_entry(
        self,
        info: GqlInfo,
        tenant: str,
        township: str,
        item_code: str,
        revision: int,
        input: EntryPatch,
    ) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            data = convert(_given(input, keep_null=True), EntryUpdate)
            view = await township_lists.update_entry(access, township, item_code, data, revision)
            return TownshipList.of(view, access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Submit for review (审核). revision: optional, checked if given.")
    async def submit_list(
        self,
        info: GqlInfo,
        tenant: str,
        township: str,
        revision: int | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            view, _ = await township_lists.submit_once(access, township, revision, idempotency_key)
            return TownshipList.of(view, access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Return a submitted list with a note and per-entry comments.")
    async def return_list(
        self,
        info: GqlInfo,
        tenant: str,
        township: str,
        note: str,
        comments: list[EntryCommentInput] | None = None,
    ) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            data = convert({"note": note, "comments": plain(comments or [])}, ReturnRequest)
            return TownshipList.of(await township_lists.return_list(access, township, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Accept and file a submitted list (审核备案).")
    async def file_list(self, info: GqlInfo, tenant: str, township: str) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            return TownshipList.of(await township_lists.file_list(access, township), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Publish a filed list as its next version; returns that version.")
    async def publish_list(
        self, info: GqlInfo, tenant: str, township: str, effective_date: datetime.date
    ) -> TownshipListResult:
        async def act(access: Access) -> TownshipList:
            data = convert({"effective_date": effective_date}, ListPublish)
            view = await township_lists.publish_list(access, township, data)
            return TownshipList.of(view, access)

        return await attempt(info, tenant, act)


@strawberry.type
class DivisionMutations:
    """Jurisdictions and units."""

    @strawberry.mutation
    async def create_jurisdiction(self, info: GqlInfo, tenant: str, input: JurisdictionInput) -> JurisdictionResult:
        async def act(access: Any) -> Jurisdiction:
            data = convert(_given(input), JurisdictionCreate)
            return Jurisdiction.of(await jurisdictions.create_jurisdiction(access, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="version: the version you read (optimistic concurrency).")
    async def update_jurisdiction(
        self, info: GqlInfo, tenant: str, code: str, version: int, input: JurisdictionPatch
    ) -> JurisdictionResult:
        async def act(access: Any) -> Jurisdiction:
            data = convert(_given(input, keep_null=True), JurisdictionUpdate)
            view = await jurisdictions.update_jurisdiction(access, code, data, version)
            return Jurisdiction.of(view, access)

        return await attempt(info, tenant, act)

    @strawberry.mutation
    async def delete_jurisdiction(
        self, info: GqlInfo, tenant: str, code: str, version: int | None = None
    ) -> DeleteResult:
        async def act(access: Any) -> Deleted:
            await jurisdictions.delete_jurisdiction(access, code, version)
            return Deleted(code=code)

        return await attempt(info, tenant, act)

    @strawberry.mutation
    async def create_unit(self, info: GqlInfo, tenant: str, input: UnitInput) -> UnitResult:
        async def act(access: Any) -> Unit:
            data = convert(_given(input), UnitCreate)
            return Unit.of(await units.create_unit(access, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="version: the version you read (optimistic concurrency).")
    async def update_unit(self, info: GqlInfo, tenant: str, code: str, version: int, input: UnitPatch) -> UnitResult:
        async def act(access: Any) -> Unit:
            data = convert(_given(input, keep_null=True), UnitUpdate)
            return Unit.of(await units.update_unit(access, code, data, version), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation
    async def delete_unit(self, info: GqlInfo, tenant: str, code: str, version: int | None = None) -> DeleteResult:
        async def act(access: Any) -> Deleted:
            await units.delete_unit(access, code, version)
            return Deleted(code=code)

        return await attempt(info, tenant, act)


@strawberry.type
class Mutation(
    ExchangeMutations,
    DivisionMutations,
    CallMutations,
    HandbookMutations,
    PublicationMutations,
    PortalFooterMutations,
    PortalFiguresMutations,
    CatalogMutations,
    EventMutations,
    EvaluationMutations,
    WorkflowMutations,
    OversightMutations,
):
    """Every mutation names its tenant and returns the changed object or a Problem."""


def build_schema(max_depth: int = 8, max_aliases: int = 15) -> strawberry.Schema:
    """The schema, with limits so that one query cannot exhaust the server; page sizes
    (``first``) are capped by the services like REST's ``limit``."""
    return Schema(
        query=Query,
        mutation=Mutation,
        execution_context_class=ExecutionContext,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            lambda: MaxTokensLimiter(max_token_count=2000),
            lambda: ParserCache(maxsize=256),  # integrations send the same few documents
            validation_cache(),
            ProblemCodes,  # errors carry code, status (and retryAfter) in their extensions
        ],
    )
