"""GraphQL face of oversight (docs/oversight.md): ``tenant { oversightGrants }`` for a county,
``tenant { overseenCounties, overseenCounty(slug) { … } }`` for a city or province (the
mutations are in :mod:`api.graphql.oversight_mutations`) — the REST operations, same services.

Every field of :class:`OverseenCounty` opens its own oversight transaction, which reads the
grant again: a revocation shows on the next field resolved, as on the next REST request."""

from __future__ import annotations

import datetime

import msgspec
import strawberry

from api.graphql.context import GqlInfo
from api.graphql.mirror import mirror
from api.graphql.oversight_results import BurdenIndicators, ProvisionComparison, ProvisionContrast
from core.oversight import grants, model, published, reading, scope
from core.oversight.grants import GrantView
from core.platform.errors import NotFound
from core.security.access import Access


@strawberry.type(description="A county's grant of read access to a city or province tenant.")
class OversightGrant:
    overseer: str = strawberry.field(description="the overseer's slug")
    overseer_name: str
    overseer_kind: str = strawberry.field(description="city or province")
    granted_by: str
    granted_at: datetime.datetime
    revoked_at: datetime.datetime | None
    active: bool

    @classmethod
    def of(cls, view: GrantView) -> OversightGrant:
        return mirror(cls, view)


@strawberry.type(description="A township's published list in force on the date asked (no entries).")
class OverseenListSummary:
    township_code: str
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    published_at: datetime.datetime
    entries: int


@strawberry.type(description="An entry of a published list as an overseer sees it: no contact, no note.")
class OverseenEntry:
    item_code: str
    title: str
    kinds: list[str]
    origin: str
    responsible_office: str
    post: str
    justification: str


@strawberry.type(description="A township's published list in force on the date asked.")
class OverseenList:
    township_code: str
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    published_at: datetime.datetime
    entries: list[OverseenEntry]

    @classmethod
    def of(cls, view: published.PublishedList) -> OverseenList:
        return mirror(cls, view)


@strawberry.type(description="A published catalog version of an overseen county.")
class OverseenCatalogVersion:
    number: int
    effective_date: datetime.date | None
    published_at: datetime.datetime
    content_hash: str


@strawberry.type(description="An item of a published catalog version; citations as written.")
class OverseenCatalogItem:
    code: str
    parent_code: str | None
    level: str
    title: str
    kinds: list[str]
    category: str | None
    item_kind: str | None
    township_scope: str
    description: str
    status: str
    citations: list[str]


@strawberry.type
class OverseenCatalogItemPage:
    items: list[OverseenCatalogItem]
    next_cursor: str | None


@strawberry.type(description="A county that granted this city or province read access to what it published.")
class OverseenCounty:
    slug: str
    name: str
    division_code: str
    granted_at: datetime.datetime
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: scope.CountyView, access: Access) -> OverseenCounty:
        return cls(**msgspec.structs.asdict(view), access=access)

    @strawberry.field(description="Each township's published list in force on as_of (default today).")
    async def township_lists(self, as_of: datetime.date | None = None) -> list[OverseenListSummary]:
        views = await published.township_lists(self.access, self.slug, as_of)
        return [mirror(OverseenListSummary, v) for v in views]

    @strawberry.field(description="A township's published list in force on as_of (default today).")
    async def township_list(self, township: str, as_of: datetime.date | None = None) -> OverseenList:
        return OverseenList.of(await published.township_list(self.access, self.slug, township, as_of))

    @strawberry.field(description="The published catalog versions, newest first.")
    async def catalog_versions(self) -> list[OverseenCatalogVersion]:
        return [mirror(OverseenCatalogVersion, v) for v in await published.catalog_versions(self.access, self.slug)]

    @strawberry.field(description="The items of a published catalog version, in code order.")
    async def catalog_items(self, version: int, first: int = 50, after: str | None = None) -> OverseenCatalogItemPage:
        page = await published.catalog_items(self.access, self.slug, version, limit=first, cursor=after)
        return OverseenCatalogItemPage(
            items=[mirror(OverseenCatalogItem, i) for i in page.items], next_cursor=page.next_cursor
        )

    @strawberry.field(description="The burden indicators as of a date (the REST body; computed on first request).")
    async def indicators(self, as_of: datetime.date) -> BurdenIndicators:
        stored = await reading.indicators(self.access, self.slug, as_of)
        return mirror(BurdenIndicators, model.decode(stored.body))


@strawberry.type
class OversightQueries:
    access: strawberry.Private[Access]

    @strawberry.field(description="A county's grants to overseers, revoked ones too (admin).")
    async def oversight_grants(self, info: GqlInfo) -> list[OversightGrant]:
        return [OversightGrant.of(v) for v in await grants.list_grants(self.access)]

    @strawberry.field(description="The counties whose grant to this city or province is in force.")
    async def overseen_counties(self, info: GqlInfo) -> list[OverseenCounty]:
        return [OverseenCounty.of(v, self.access) for v in await scope.counties(self.access)]

    @strawberry.field(description="One overseen county; null without a grant in force (REST answers 404).")
    async def overseen_county(self, info: GqlInfo, slug: str) -> OverseenCounty | None:
        try:
            return OverseenCounty.of(await scope.county(self.access, slug), self.access)
        except NotFound:
            return None

    @strawberry.field(
        description="The legal provisions the duties of two or more overseen counties rest on, and the contrasts"
        " (REST compareOverseenCounties; counties: units, a county tenant's slug or slug:NNNNNN for one of its"
        " districts (taian:370902); default every overseen county, a tenant keeping several districts split into them)."
    )
    async def oversight_comparison(
        self, info: GqlInfo, counties: list[str] | None = None, as_of: datetime.date | None = None
    ) -> ProvisionComparison:
        return mirror(ProvisionComparison, await reading.comparison(self.access, counties, as_of))

    @strawberry.field(
        description="Duties county_level leaves to the county level and township_level pushes to townships"
        " (REST contrastOverseenCounties; both units, as in oversightComparison)."
    )
    async def oversight_contrasts(
        self, info: GqlInfo, county_level: str, township_level: str, as_of: datetime.date | None = None
    ) -> list[ProvisionContrast]:
        found = await reading.contrasts(self.access, county_level, township_level, as_of)
        return [mirror(ProvisionContrast, c) for c in found]
