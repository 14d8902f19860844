"""The shapes of burden indicators (减负指标): msgspec Structs, JSON-encodable as they are, so
the stored results (``burden_indicators.body``), the REST/GraphQL answers and the reports all
read one shape. Every indicator carries the items behind it (code and name), so a report can
show them. Definitions: docs/oversight.md, "Burden indicators"."""

from __future__ import annotations

import datetime
import uuid

import msgspec

#: Reported national averages per township list (DOMAIN.md, the national framework).
NATIONAL_BASIC, NATIONAL_COOPERATING, NATIONAL_RECOVERED, NATIONAL_TOTAL = 117, 99, 124, 340

ROLE_LABELS = {
    "basic": "基本履职事项",
    "cooperating": "配合履职事项",
    "recovered": "上级部门收回事项",
    "other": "其他事项",
}


class NationalAverages(msgspec.Struct, frozen=True):
    basic: int = NATIONAL_BASIC
    cooperating: int = NATIONAL_COOPERATING
    recovered: int = NATIONAL_RECOVERED
    total: int = NATIONAL_TOTAL


class Figures(msgspec.Struct, frozen=True):
    """Items per kind over a set of townships (a county, one township, a township type).

    ``basic`` … ``total`` count entries of the lists in force (an item on 3 townships' lists
    counts 3); ``*_per_township`` divide them by ``townships_with_list``; ``*_ratio`` divide
    those means by the national averages (1.0 = the national average; None without a list)."""

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


class TownshipFigures(msgspec.Struct, frozen=True):
    """``district``: the code of the county-level division the township lies in (None directly
    under a city; absent from bodies stored before districts were counted)."""

    code: str
    name: str
    township_type: str
    township_type_label: str
    list_version: int | None
    effective_date: datetime.date | None
    figures: Figures
    district: str | None = None


class TypeFigures(msgspec.Struct, frozen=True):
    township_type: str
    label: str
    figures: Figures


class DistrictFigures(msgspec.Struct, frozen=True):
    """The townships of one county-level division of the county's tree (泰安's 泰山区, 岱岳区):
    ``unit`` names it as the oversight routes do (``taian:370902``)."""

    code: str
    name: str
    unit: str
    figures: Figures


class KindCount(msgspec.Struct, frozen=True):
    """Entries per list kind of the county's own structure (its labels)."""

    kind: str
    label: str
    role: str
    entries: int
    items: int


class ItemRef(msgspec.Struct, frozen=True):
    """An item behind an indicator: its code, name, how many lists in force hold it, and why it
    is counted (``reason`` a stable code, ``note`` the Chinese explanation)."""

    code: str
    title: str
    townships: int
    reason: str
    note: str


class Indicator(msgspec.Struct, frozen=True):
    """A count of items with a finding; ``share`` = ``count`` / ``base`` (None when ``base`` is 0)."""

    code: str
    label: str
    count: int
    base: int
    share: float | None
    items: list[ItemRef]


class DepartmentCalls(msgspec.Struct, frozen=True):
    """Calls dispatched to one county department or dispatched agency in the period — counts and
    rates only (rates None when their denominator is 0)."""

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


class CallPeriod(msgspec.Struct, frozen=True):
    start: datetime.date
    end: datetime.date


class BurdenIndicators(msgspec.Struct, frozen=True):
    """One county's burden indicators as of a date."""

    tenant_id: uuid.UUID
    county_name: str
    division_code: str
    as_of: datetime.date
    computed_at: datetime.datetime
    national: NationalAverages
    county: Figures
    townships: list[TownshipFigures]
    township_types: list[TypeFigures]
    kinds: list[KindCount]
    push_down: Indicator
    without_admission: Indicator
    inactive_recovered: Indicator
    evaluation_on_county_items: Indicator
    call_period: CallPeriod
    departments: list[DepartmentCalls]
    #: Per county-level division with townships (one for a county tenant, several for a city
    #: tenant keeping its districts' lists); empty in bodies stored before districts were counted.
    districts: list[DistrictFigures] = []

    @property
    def indicators(self) -> list[Indicator]:
        """The four item indicators, in report order."""
        return [self.push_down, self.without_admission, self.inactive_recovered, self.evaluation_on_county_items]


def encode(value: BurdenIndicators) -> bytes:
    return msgspec.json.encode(value)


def decode(body: bytes | str) -> BurdenIndicators:
    return msgspec.json.decode(body, type=BurdenIndicators)
