"""``/api/v1/tenants/{tenant}/oversight/…`` — oversight across counties (docs/oversight.md).

A county's admin (or the platform) grants and revokes read access under ``…/oversight/grants``;
a city or province tenant reads the counties that granted it under ``…/oversight/counties``.
A county without a grant in force answers 404, like a county that does not exist.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal
from urllib.parse import quote

from litestar import Controller, MediaType, Response, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import FromPath, Parameter

from api.rest.params import TENANT_PATH, Cursor, Limit
from core.oversight import grants, published, reading, scope
from core.oversight.comparison import Comparison, Contrast
from core.oversight.grants import GrantCreate, GrantView
from core.oversight.model import BurdenIndicators
from core.oversight.published import PublishedCatalogVersion, PublishedItem, PublishedList, PublishedListSummary
from core.oversight.scope import CountyView
from core.platform.pagination import Page
from core.security.access import Access

AsOf = Annotated[
    datetime.date | None,
    Parameter(
        description="the date the lists in force are read for (default today)", examples=[Example(value="2025-06-30")]
    ),
]
IndicatorsAsOf = Annotated[
    datetime.date, Parameter(description="the date the indicators are as of", examples=[Example(value="2025-06-30")])
]


ReportFormat = Annotated[
    Literal["pdf", "xlsx"], Parameter(description="pdf (printable, with charts) or xlsx (a workbook)")
]
CompareWith = Annotated[
    str | None,
    Parameter(
        description="another overseen county (a slug, or slug:district): the report adds the contrasts between the two"
    ),
]
#: A unit of oversight (core/oversight/units.py): a county tenant's slug, or slug:code for one
#: county or district of a tenant that keeps the lists of several.
UNIT = "a county tenant's slug (lanshan), or the slug, a colon and a county or district code of its tree (taian:370902)"
Counties = Annotated[
    list[str] | None,
    Parameter(
        description=f"the counties to compare (repeat the parameter), each {UNIT}; default every overseen county,"
        " a tenant keeping the lists of several districts counted as its districts",
        examples=[Example(value=["taian:370902", "taian:370911", "lanshan"])],
    ),
]


class OversightGrantController(Controller):
    path = f"{TENANT_PATH}/oversight/grants"
    tags = ["oversight"]

    @get(operation_id="listOversightGrants", summary="The county's grants to overseers, revoked ones too (admin)")
    async def list(self, access: NamedDependency[Access]) -> list[GrantView]:
        return await grants.list_grants(access)

    @put(
        "/{overseer:str}",
        operation_id="grantOversight",
        summary="Let a city or province tenant read this county's published lists, catalogs and indicators (admin)",
        status_code=200,
    )
    async def grant(self, access: NamedDependency[Access], overseer: FromPath[str]) -> GrantView:
        return await grants.grant(access, GrantCreate(overseer=overseer))

    @post(
        "/{overseer:str}/revoke",
        operation_id="revokeOversight",
        summary="Revoke a grant: the overseer's next request no longer sees this county (admin)",
        status_code=200,
    )
    async def revoke(self, access: NamedDependency[Access], overseer: FromPath[str]) -> GrantView:
        return await grants.revoke(access, overseer)


class OverseenCountyController(Controller):
    path = f"{TENANT_PATH}/oversight/counties"
    tags = ["oversight"]

    @get(operation_id="listOverseenCounties", summary="The counties whose grant to this city or province is in force")
    async def list(self, access: NamedDependency[Access]) -> list[CountyView]:
        return await scope.counties(access)

    @get("/{county:str}", operation_id="getOverseenCounty", summary="One overseen county")
    async def read(self, access: NamedDependency[Access], county: FromPath[str]) -> CountyView:
        return await scope.county(access, county)

    @get(
        "/{county:str}/townships",
        operation_id="listOverseenTownshipLists",
        summary="Each township's published list in force on a date (counts, no entries)",
    )
    async def township_lists(
        self, access: NamedDependency[Access], county: FromPath[str], as_of: AsOf = None
    ) -> list[PublishedListSummary]:
        return await published.township_lists(access, county, as_of)

    @get(
        "/{county:str}/townships/{township:str}/list",
        operation_id="getOverseenTownshipList",
        summary="A township's published list in force on a date, without contacts",
    )
    async def township_list(
        self, access: NamedDependency[Access], county: FromPath[str], township: FromPath[str], as_of: AsOf = None
    ) -> PublishedList:
        return await published.township_list(access, county, township, as_of)

    @get(
        "/{county:str}/catalog/versions",
        operation_id="listOverseenCatalogVersions",
        summary="The county's published catalog versions, newest first",
    )
    async def catalog_versions(
        self, access: NamedDependency[Access], county: FromPath[str]
    ) -> list[PublishedCatalogVersion]:
        return await published.catalog_versions(access, county)

    @get(
        "/{county:str}/catalog/versions/{number:int}/items",
        operation_id="listOverseenCatalogItems",
        summary="The items of a published catalog version, in code order",
    )
    async def catalog_items(
        self,
        access: NamedDependency[Access],
        county: FromPath[str],
        number: FromPath[int],
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[PublishedItem]:
        return await published.catalog_items(access, county, number, limit=limit, cursor=cursor)

    @get(
        "/{county:str}/indicators",
        operation_id="getOverseenIndicators",
        summary="The county's burden indicators as of a date (computed and stored on first request; aggregates only)",
    )
    async def indicators(
        self, access: NamedDependency[Access], county: FromPath[str], as_of: IndicatorsAsOf
    ) -> Response[BurdenIndicators]:
        stored = await reading.indicators(access, county, as_of)
        # The stored JSON as it is: no decoding and re-encoding on the hot read.
        return Response(stored.body.encode(), media_type=MediaType.JSON)  # type: ignore[arg-type]

    @get(
        "/{county:str}/report",
        operation_id="getOverseenReport",
        summary="The county's burden report as of a date: a PDF with charts, or an Excel workbook",
    )
    async def report(
        self,
        access: NamedDependency[Access],
        county: FromPath[str],
        as_of: IndicatorsAsOf,
        format: ReportFormat = "pdf",
        compare_with: CompareWith = None,
    ) -> Response[bytes]:
        made = await reading.report(access, county, as_of, format, compare_with)
        disposition = f"attachment; filename*=UTF-8''{quote(made.filename, safe='')}"
        return Response(made.content, media_type=made.media_type, headers={"Content-Disposition": disposition})


class OversightComparisonController(Controller):
    path = f"{TENANT_PATH}/oversight"
    tags = ["oversight"]

    @get(
        "/comparison",
        operation_id="compareOverseenCounties",
        summary="The legal provisions the duties of two or more overseen counties rest on, and where they differ",
    )
    async def comparison(
        self, access: NamedDependency[Access], counties: Counties = None, as_of: AsOf = None
    ) -> Comparison:
        return await reading.comparison(access, counties, as_of)

    @get(
        "/contrasts",
        operation_id="contrastOverseenCounties",
        summary="Duties one county leaves to the county level and another pushes to townships, with their provisions",
    )
    async def contrasts(
        self,
        access: NamedDependency[Access],
        county_level: Annotated[
            str, Parameter(description=f"the county keeping the duties: {UNIT}", examples=[Example(value="lanshan")])
        ],
        township_level: Annotated[
            str,
            Parameter(description=f"the county pushing them down: {UNIT}", examples=[Example(value="taian:370911")]),
        ],
        as_of: AsOf = None,
    ) -> list[Contrast]:
        return await reading.contrasts(access, county_level, township_level, as_of)


class CountyIndicatorController(Controller):
    path = f"{TENANT_PATH}/oversight/indicators"
    tags = ["oversight"]

    @post(
        operation_id="computeIndicators",
        summary="Compute and store this county's burden indicators as of a date (admin), for its overseers to read",
        status_code=200,
    )
    async def compute(self, access: NamedDependency[Access], as_of: IndicatorsAsOf) -> Response[BurdenIndicators]:
        stored = await reading.compute_own(access, as_of)
        return Response(stored.body.encode(), media_type=MediaType.JSON)  # type: ignore[arg-type]
