"""GraphQL object types mirroring the REST resources; relations go through DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import msgspec
import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from api.graphql.calls import CallQueries
from api.graphql.catalog import CatalogQueries
from api.graphql.context import GqlInfo
from api.graphql.errors import camel
from api.graphql.evaluation import EvaluationQueries
from api.graphql.events import EventQueries
from api.graphql.handbooks import HandbookQueries
from api.graphql.legal import LegalQueries
from api.graphql.lookup import LookupQueries
from api.graphql.oversight import OversightQueries
from api.graphql.portal_figures import PortalFiguresQueries
from api.graphql.portal_footer import PortalFooterQueries
from api.graphql.publications import PublicationQueries
from api.graphql.search import SearchQueries
from api.graphql.sync import UpdatedSince
from api.graphql.workflows import WorkflowQueries
from core.jurisdictions import tree as jurisdictions
from core.jurisdictions import units
from core.jurisdictions.tree import JurisdictionView
from core.jurisdictions.units import UnitView
from core.lists import summaries
from core.platform import messages
from core.platform.errors import NotFound, QingdanError
from core.platform.messages import Text
from core.security.access import Access, Tenant

T = TypeVar("T")


def _jurisdictions(info: GqlInfo, access: Access) -> DataLoader[str, JurisdictionView | None]:
    return info.context.loader("jurisdiction", access, jurisdictions.get_jurisdictions)


@strawberry.type
class FieldError:
    field: str
    message: str


@strawberry.type(description="An RFC 9457-style problem: why a mutation changed nothing.")
class Problem:
    type: str
    status: int
    title: str
    detail: str
    errors: list[FieldError]

    @classmethod
    def of(cls, exc: QingdanError, language: str = messages.EN) -> Problem:
        detail, spoken = exc.localized(language)
        return cls(
            type=exc.code,
            status=exc.status,
            title=messages.title(exc.code, spoken, exc.title),
            detail=detail,
            errors=[FieldError(field=camel(e.field), message=e.message) for e in exc.localized_errors(spoken)],
        )


async def attempt(
    info: GqlInfo, tenant: str, act: Callable[[Access], Awaitable[T]], language: str | None = None
) -> T | Problem:
    """What a mutation does around its service call: open the caller's access to
    ``tenant`` (another tenant's answers "not found") and answer a domain error as a Problem
    (its detail in ``language`` — by default the one of Accept-Language, else English —
    where the message is catalogued)."""
    try:
        access = await info.context.access(tenant)
        if access is None:
            raise NotFound(Text("not-found.no-tenant", tenant=tenant))
        return await act(access)
    except QingdanError as exc:
        return Problem.of(exc, language or messages.negotiate(info.context.accept_language))


@strawberry.type
class Contact:
    name: str
    phone: str
    role: str


@strawberry.type(description="A node of the division tree, addressed by its GB/T 2260 code.")
class Jurisdiction:
    code: str
    name: str
    kind: str
    kind_label: str
    level: int
    parent_code: str | None
    attributes: JSON
    version: int
    created_at: datetime
    updated_at: datetime
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: JurisdictionView, access: Access) -> Jurisdiction:
        return cls(
            code=view.code,
            name=view.name,
            kind=view.kind,
            kind_label=view.kind_label,
            level=view.level,
            parent_code=view.parent_code,
            attributes=view.attributes,
            version=view.version,
            created_at=view.created_at,
            updated_at=view.updated_at,
            access=access,
        )

    @strawberry.field
    async def parent(self, info: GqlInfo) -> Jurisdiction | None:
        if self.parent_code is None:
            return None
        view = await _jurisdictions(info, self.access).load(self.parent_code)
        return Jurisdiction.of(view, self.access) if view else None

    @strawberry.field(description="Direct children, in code order (not paginated).")
    async def children(self, info: GqlInfo) -> list[Jurisdiction]:
        views = await info.context.loader("children", self.access, jurisdictions.children_of, default=[]).load(
            self.code
        )
        return [Jurisdiction.of(v, self.access) for v in views]

    @strawberry.field(description="Units that belong to this jurisdiction.")
    async def units(self, info: GqlInfo) -> list[Annotated[Unit, strawberry.lazy("api.graphql.types")]]:
        views = await info.context.loader("units_in", self.access, units.units_in, default=[]).load(self.code)
        return [Unit.of(v, self.access) for v in views]


@strawberry.type(description="A county department, township office, dispatched agency or committee.")
class Unit:
    code: str
    name: str
    kind: str
    kind_label: str
    jurisdiction_code: str
    parent_unit_code: str | None
    host_township_codes: list[str]
    contacts: list[Contact]
    version: int
    created_at: datetime
    updated_at: datetime
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: UnitView, access: Access) -> Unit:
        return cls(
            code=view.code,
            name=view.name,
            kind=view.kind,
            kind_label=view.kind_label,
            jurisdiction_code=view.jurisdiction_code,
            parent_unit_code=view.parent_unit_code,
            host_township_codes=view.host_township_codes,
            contacts=[Contact(name=c.name, phone=c.phone, role=c.role) for c in view.contacts],
            version=view.version,
            created_at=view.created_at,
            updated_at=view.updated_at,
            access=access,
        )

    @strawberry.field
    async def jurisdiction(self, info: GqlInfo) -> Jurisdiction | None:
        view = await _jurisdictions(info, self.access).load(self.jurisdiction_code)
        return Jurisdiction.of(view, self.access) if view else None

    @strawberry.field
    async def parent_unit(self, info: GqlInfo) -> Unit | None:
        if self.parent_unit_code is None:
            return None
        loader = info.context.loader("unit", self.access, units.get_units)
        view = await loader.load(self.parent_unit_code)
        return Unit.of(view, self.access) if view else None

    @strawberry.field
    async def host_townships(self, info: GqlInfo) -> list[Jurisdiction]:
        loader = info.context.loader("jurisdiction", self.access, jurisdictions.get_jurisdictions)
        views = await loader.load_many(self.host_township_codes)
        return [Jurisdiction.of(v, self.access) for v in views if v]


@strawberry.type
class JurisdictionPage:
    items: list[Jurisdiction]
    next_cursor: str | None


@strawberry.type
class UnitPage:
    items: list[Unit]
    next_cursor: str | None


@strawberry.type(description="A township list without its entries: status, revision, latest published number.")
class TownshipListSummary:
    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    updated_at: datetime


@strawberry.type
class TownshipListSummaryPage:
    items: list[TownshipListSummary]
    next_cursor: str | None


@strawberry.type
class TenantFields:
    slug: str
    name: str
    division_code: str
    plugin: str | None
    kind: str = strawberry.field(description="county (keeps lists), city or province (oversees counties)")
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, tenant: Tenant, access: Access) -> TenantNode:
        return cls(
            slug=tenant.slug,
            name=tenant.name,
            division_code=tenant.division_code,
            plugin=tenant.plugin,
            kind=tenant.kind,
            access=access,
        )

    @strawberry.field
    async def jurisdictions(
        self,
        kind: str | None = None,
        parent_code: str | None = None,
        level: int | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
        updated_since: UpdatedSince = None,
    ) -> JurisdictionPage:
        page = await jurisdictions.list_jurisdictions(
            self.access,
            kind=kind,
            parent_code=parent_code,
            level=level,
            q=q,
            limit=first,
            cursor=after,
            updated_since=updated_since,
        )
        items = [Jurisdiction.of(v, self.access) for v in page.items]
        return JurisdictionPage(items=items, next_cursor=page.next_cursor)

    @strawberry.field
    async def jurisdiction(self, info: GqlInfo, code: str) -> Jurisdiction | None:
        view = await _jurisdictions(info, self.access).load(code)
        return Jurisdiction.of(view, self.access) if view else None

    @strawberry.field
    async def units(
        self,
        kind: str | None = None,
        jurisdiction_code: str | None = None,
        parent_unit_code: str | None = None,
        host_township_code: str | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
        updated_since: UpdatedSince = None,
    ) -> UnitPage:
        page = await units.list_units(
            self.access,
            kind=kind,
            jurisdiction_code=jurisdiction_code,
            parent_unit_code=parent_unit_code,
            host_township_code=host_township_code,
            q=q,
            limit=first,
            cursor=after,
            updated_since=updated_since,
        )
        items = [Unit.of(v, self.access) for v in page.items]
        return UnitPage(items=items, next_cursor=page.next_cursor)

    @strawberry.field(description="The township lists without entries, in township-code order (for mirroring).")
    async def township_lists(
        self,
        status: str | None = None,
        first: int = 50,
        after: str | None = None,
        updated_since: UpdatedSince = None,
    ) -> TownshipListSummaryPage:
        page = await summaries.list_summaries(
            self.access, status=status, updated_since=updated_since, limit=first, cursor=after
        )
        items = [TownshipListSummary(**msgspec.structs.asdict(v)) for v in page.items]
        return TownshipListSummaryPage(items=items, next_cursor=page.next_cursor)

    @strawberry.field
    async def unit(self, info: GqlInfo, code: str) -> Unit | None:
        view = await info.context.loader("unit", self.access, units.get_units).load(code)
        return Unit.of(view, self.access) if view else None


@strawberry.type(description="A government body operating lists: a county, or a city spanning counties.")
class TenantNode(
    TenantFields,
    CallQueries,
    HandbookQueries,
    PublicationQueries,
    PortalFooterQueries,
    PortalFiguresQueries,
    CatalogQueries,
    LegalQueries,
    LookupQueries,
    SearchQueries,
    EventQueries,
    EvaluationQueries,
    WorkflowQueries,
    OversightQueries,
):
    """Divisions and units from :class:`TenantFields`; catalog and township lists from
    :class:`CatalogQueries`; the legal library from :class:`LegalQueries`."""
