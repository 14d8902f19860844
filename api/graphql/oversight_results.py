"""GraphQL types of what an overseer reads beyond the published rows: a county's burden
indicators (core.oversight.model) and the cross-county comparison by legal provisions
(core.oversight.comparison) — the REST bodies field for field, in camelCase, built from the
core Structs by :func:`api.graphql.mirror.mirror` (tests/test_graphql_parity.py holds each
type to its Struct). Definitions: docs/oversight.md."""

from __future__ import annotations

import datetime
import uuid

import strawberry

# --- burden indicators (core.oversight.model) ------------------------------------------------


@strawberry.type(description="The national averages of items per township list: the yardsticks of the ratios.")
class NationalAverages:
    basic: int
    cooperating: int
    recovered: int
    total: int


@strawberry.type(
    description="Items per kind over a set of townships (a county, a township, a township type): entries of the"
    " lists in force (an item on 3 lists counts 3), their means per township with a list, and those means"
    " divided by the national averages (1.0 = the national average; null without a list)."
)
class BurdenFigures:
    townships: int
    townships_with_list: int
    basic: int
    cooperating: int
    recovered: int
    other: int
    total: int
    basic_per_township: float | None
    cooperating_per_township: float | None
    recovered_per_township: float | None
    total_per_township: float | None
    basic_ratio: float | None
    cooperating_ratio: float | None
    recovered_ratio: float | None
    total_ratio: float | None


@strawberry.type(description="One township's figures, from its list in force (listVersion null: none in force).")
class TownshipFigures:
    code: str
    name: str
    township_type: str
    township_type_label: str
    list_version: int | None
    effective_date: datetime.date | None
    figures: BurdenFigures
    district: str | None = strawberry.field(
        description="the code of the county-level division the township lies in (null directly under a city)"
    )


@strawberry.type(
    description="The townships of one county-level division of the county's tree (泰安's 泰山区, 岱岳区);"
    " unit names it as the oversight arguments do (taian:370902)."
)
class DistrictFigures:
    code: str
    name: str
    unit: str
    figures: BurdenFigures


@strawberry.type(description="The figures of the townships of one type (its attribute township_type, else its kind).")
class TownshipTypeFigures:
    township_type: str
    label: str
    figures: BurdenFigures


@strawberry.type(description="Entries and distinct items per list kind of the county's own structure (its labels).")
class ListKindCount:
    kind: str
    label: str
    role: str = strawberry.field(description="basic, cooperating, recovered or other")
    entries: int
    items: int


@strawberry.type(description="An item behind an indicator: why it is counted and on how many lists in force.")
class BurdenItem:
    code: str
    title: str
    townships: int
    reason: str = strawberry.field(description="a stable code of the finding")
    note: str = strawberry.field(description="the finding in Chinese")


@strawberry.type(description="A count of items with a finding; share = count / base (null when base is 0).")
class BurdenIndicator:
    code: str
    label: str
    count: int
    base: int
    share: float | None
    items: list[BurdenItem]


@strawberry.type(
    description="Calls dispatched to one county department or dispatched agency in the period: counts and rates"
    " only, no names or phone numbers (a rate is null when its denominator is 0)."
)
class DepartmentCalls:
    unit_code: str
    unit_name: str
    unit_kind: str
    received: int
    signed_on_time: int
    signed_on_time_rate: float | None
    answered: int
    answered_on_time: int
    answered_on_time_rate: float | None
    sent_back: int
    send_back_rate: float | None
    rerouted: int
    reroute_rate: float | None
    rated: int
    satisfaction_rate: float | None


@strawberry.type(description="The days the call statistics cover (the year up to asOf).")
class CallPeriod:
    start: datetime.date
    end: datetime.date


@strawberry.type(
    description="One county's burden indicators (减负指标) as of a date: the REST body of getOverseenIndicators."
)
class BurdenIndicators:
    tenant_id: uuid.UUID
    county_name: str
    division_code: str
    as_of: datetime.date
    computed_at: datetime.datetime
    national: NationalAverages
    county: BurdenFigures
    townships: list[TownshipFigures]
    township_types: list[TownshipTypeFigures]
    kinds: list[ListKindCount]
    push_down: BurdenIndicator = strawberry.field(
        description="cooperating items whose departments do nothing themselves"
    )
    without_admission: BurdenIndicator = strawberry.field(
        description="items that reached township lists without admission"
    )
    inactive_recovered: BurdenIndicator = strawberry.field(
        description="recovered items whose receiving department never answers a call"
    )
    evaluation_on_county_items: BurdenIndicator = strawberry.field(
        description="township evaluation indicators resting on cooperating or recovered items"
    )
    call_period: CallPeriod
    departments: list[DepartmentCalls]
    districts: list[DistrictFigures] = strawberry.field(
        description="per county-level division with townships (several for a city tenant keeping its districts' lists)"
    )


# --- comparison by legal provisions (core.oversight.comparison) ------------------------------


@strawberry.type(description="A county's item resting on a provision, and the side it puts the duty on.")
class ProvisionItem:
    code: str
    title: str
    role: str
    side: str = strawberry.field(description="county, shared or township")
    townships: int


@strawberry.type(description="One county's items resting on a provision; side: the most township-ward of theirs.")
class CountyDuty:
    tenant_id: uuid.UUID
    unit: str = strawberry.field(description="the unit as named in a request: lanshan, taian:370902")
    county_name: str
    side: str
    items: list[ProvisionItem]


@strawberry.type(
    description="A provision (an article of a shared legal document) the duties of two or more counties rest on."
)
class SharedProvision:
    document_id: uuid.UUID
    document_title: str
    article: int
    label: str
    counties: list[CountyDuty]


@strawberry.type(description="A duty (provision) some counties leave to the county level and others push to townships.")
class ProvisionContrast:
    label: str
    document_id: uuid.UUID
    article: int
    county_level: list[CountyDuty]
    township_level: list[CountyDuty]


@strawberry.type(
    description="Counties compared by the legal provisions their duties rest on"
    " (the REST body of compareOverseenCounties)."
)
class ProvisionComparison:
    counties: list[str] = strawberry.field(description="the names of the counties compared, in the order asked")
    units: list[str] = strawberry.field(description="the same units as named in a request (taian:370902, lanshan)")
    shared: list[SharedProvision]
    contrasts: list[ProvisionContrast]
