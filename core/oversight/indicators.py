"""Burden indicators (减负指标) of one county as of a date: :func:`compute`.

Three statements whatever the county's size (townships with their counts per role and items in
force with their findings in one, calls per department, the evaluation scheme in force) plus the
tenant's row and structure; everything else is arithmetic on their rows. The caller holds the
transaction and its row-level-security context (the county's own, or an overseer's granted
one): nothing here opens a transaction or names a role. Definitions: docs/oversight.md.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

import asyncpg
import msgspec

from core.calls.reading import CHINA
from core.catalog.structure import kind_role, structure_in
from core.evaluation import wording
from core.evaluation.schemes import IndicatorDoc, SchemeDoc, plugin_scheme
from core.jurisdictions.divisions import KINDS
from core.lists.posts import TOWNSHIP_KINDS
from core.oversight import queries
from core.oversight.model import (
    NATIONAL_BASIC,
    NATIONAL_COOPERATING,
    NATIONAL_RECOVERED,
    NATIONAL_TOTAL,
    BurdenIndicators,
    CallPeriod,
    DepartmentCalls,
    DistrictFigures,
    Figures,
    Indicator,
    ItemRef,
    KindCount,
    NationalAverages,
    TownshipFigures,
    TypeFigures,
)
from core.oversight.units import unit_name
from core.platform.errors import NotFound
from core.platform.messages import Text
from core.plugin_api.types import ListStructure

#: A lead department's duty that only directs the townships (督促/指导/要求… 乡镇/街道 …, one
#: clause): the department assigns the work instead of doing its part.
DIRECTS_ONLY = r"^(督促|指导|要求|部署|安排|考核|监督|组织)[^，。；;,]*(乡镇|街道)[^，。；;,]*[。；;]?$"

#: How long before ``as_of`` the call statistics look (calls raised in the year up to it).
CALL_PERIOD_DAYS = 365

#: Labels of township types set as a division attribute (兰山's typed evaluation, the demo's).
TYPE_LABELS = {
    "modern_service": "现代服务业主导型",
    "industry": "工业主导型",
    "agriculture": "农业主导型",
    "urban_street": "城市街道",
    "industrial_town": "工业型乡镇",
    "agricultural_town": "农业型乡镇",
}

PUSH_DOWN_NOTES = {
    "township_primary": "乡镇(街道)承担主体责任，却列为配合事项",
    "no_lead_department": "没有县级部门承担主体责任",
    "lead_duty_empty": "牵头部门未写明自身职责",
    "lead_duty_only_directs": "牵头部门职责仅为督促、指导乡镇(街道)",
}


def kinds_by_role(structure: ListStructure) -> tuple[list[str], list[str], list[str]]:
    """The structure's kind codes playing the roles basic, cooperating and recovered (the
    statements' ``$3…$5``)."""
    roles: dict[str, list[str]] = defaultdict(list)
    for kind in structure.kinds:
        roles[kind_role(kind)].append(kind.code)
    return roles["basic"], roles["cooperating"], roles["recovered"]


def _mean(part: int, whole: int) -> float | None:
    return round(part / whole, 2) if whole else None


def _ratio(mean: float | None, national: int) -> float | None:
    return None if mean is None else round(mean / national, 3)


def figures(rows: Iterable[queries.TownshipCountRow]) -> Figures:
    """Counts, means per township with a list in force, and their ratios to the national averages."""
    listed = list(rows)
    with_list = [r for r in listed if r.number is not None]
    n = len(with_list)
    basic, cooperating = sum(r.basic for r in listed), sum(r.cooperating for r in listed)
    recovered, other, total = (
        sum(r.recovered for r in listed),
        sum(r.other for r in listed),
        sum(r.total for r in listed),
    )
    means = [_mean(v, n) for v in (basic, cooperating, recovered, total)]
    return Figures(
        townships=len(listed),
        townships_with_list=n,
        basic=basic,
        cooperating=cooperating,
        recovered=recovered,
        other=other,
        total=total,
        basic_per_township=means[0],
        cooperating_per_township=means[1],
        recovered_per_township=means[2],
        total_per_township=means[3],
        basic_ratio=_ratio(means[0], NATIONAL_BASIC),
        cooperating_ratio=_ratio(means[1], NATIONAL_COOPERATING),
        recovered_ratio=_ratio(means[2], NATIONAL_RECOVERED),
        total_ratio=_ratio(means[3], NATIONAL_TOTAL),
    )


def township_type(row: queries.TownshipCountRow, labels: dict[str, str]) -> tuple[str, str]:
    """The township's type — its ``township_type`` attribute, else its kind — and the label."""
    code = row.township_type or row.kind
    label = labels.get(code) or TYPE_LABELS.get(code) or (KINDS[code].label if code in KINDS else code)
    return code, label


def _indicator(code: str, label: str, items: list[ItemRef], base: int) -> Indicator:
    return Indicator(
        code=code,
        label=label,
        count=len(items),
        base=base,
        share=round(len(items) / base, 4) if base else None,
        items=items,
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def department_calls(row: queries.DepartmentCallsRow) -> DepartmentCalls:
    rated = row.satisfied + row.basically_satisfied + row.dissatisfied
    return DepartmentCalls(
        unit_code=row.unit_code,
        unit_name=row.unit_name,
        unit_kind=row.unit_kind,
        received=row.received,
        signed_on_time=row.signed_on_time,
        signed_on_time_rate=_rate(row.signed_on_time, row.received),
        answered=row.answered,
        answered_on_time=row.answered_on_time,
        answered_on_time_rate=_rate(row.answered_on_time, row.answered),
        sent_back=row.sent_back,
        send_back_rate=_rate(row.sent_back, row.received),
        rerouted=row.rerouted,
        reroute_rate=_rate(row.rerouted, row.received),
        rated=rated,
        satisfaction_rate=_rate(row.satisfied + row.basically_satisfied, rated),
    )


def _township_indicators(scheme: SchemeDoc) -> list[IndicatorDoc]:
    """The indicators of the relations whose evaluatee is a township."""
    relations = {r.code for r in scheme.relations if r.evaluatee == "township"}
    return [i for i in scheme.indicators if i.relation in relations]


def evaluation_findings(scheme: SchemeDoc, items: dict[str, queries.ItemInForceRow]) -> list[ItemRef]:
    """Indicators of relations evaluating townships that rest on — or whose wording names — a
    cooperating or recovered item in force (东山: 收回事项不得作为乡镇考核指标; cooperating items
    are the county departments' evaluation content). One entry per (indicator, item)."""
    county_side = [(i.title, i) for i in items.values() if i.role in ("cooperating", "recovered")]
    found: list[ItemRef] = []
    for indicator in _township_indicators(scheme):
        named = [c for c in indicator.rests_on if c in items and items[c].role in ("cooperating", "recovered")]
        worded = [i.code for i in wording.similar(indicator.label, county_side)]
        for code in dict.fromkeys([*named, *worded]):
            item = items[code]
            how = "挂钩" if code in named else "措辞指向"
            found.append(
                ItemRef(
                    code=item.code,
                    title=item.title,
                    townships=item.townships,
                    reason=f"indicator:{indicator.code}",
                    note=f"乡镇考核指标“{indicator.label}”{how}{'收回' if item.role == 'recovered' else '配合'}事项",
                )
            )
    return found


async def compute(conn: asyncpg.Connection, tenant_id: uuid.UUID, as_of: datetime.date) -> BurdenIndicators:
    """The county's burden indicators as of ``as_of`` from its published lists in force then."""
    county = await queries.county(conn, tenant_id)
    if county is None:
        raise NotFound(Text("not-found.no-tenant", tenant=str(tenant_id)))
    structure = await structure_in(conn, tenant_id)
    role_args = kinds_by_role(structure)
    upper = datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time(), CHINA)
    lower = upper - datetime.timedelta(days=CALL_PERIOD_DAYS)

    townships, items = await queries.county_rows(conn, tenant_id, as_of, role_args, TOWNSHIP_KINDS, DIRECTS_ONLY, upper)
    calls = await queries.department_calls(conn, tenant_id, lower, upper)
    stored = await queries.scheme_at(conn, tenant_id, as_of)
    scheme = msgspec.json.decode(stored.document, type=SchemeDoc) if stored else plugin_scheme(county.plugin)[0]

    type_labels = {t.code: t.label for t in scheme.township_types}
    by_type: dict[tuple[str, str], list[queries.TownshipCountRow]] = defaultdict(list)
    by_district: dict[tuple[str, str], list[queries.TownshipCountRow]] = defaultdict(list)
    township_figures = []
    for row in townships:
        code, label = township_type(row, type_labels)
        by_type[(code, label)].append(row)
        if row.district is not None:
            by_district[(row.district, row.district_name or row.district)].append(row)
        township_figures.append(
            TownshipFigures(
                row.code, row.name, code, label, row.number, row.effective_date, figures([row]), row.district
            )
        )

    by_code = {i.code: i for i in items}
    cooperating = [i for i in items if i.role == "cooperating"]
    recovered_called = [i for i in items if i.role == "recovered" and i.calls_to_receiver > 0]
    push_down = [
        ItemRef(i.code, i.title, i.townships, i.push_down, PUSH_DOWN_NOTES[i.push_down])
        for i in cooperating
        if i.push_down
    ]
    unadmitted = [
        ItemRef(i.code, i.title, i.townships, "no_admission", f"未经准入新增：{i.added_without_admission}")
        for i in items
        if i.added_without_admission is not None
    ]
    inactive = [
        ItemRef(
            i.code,
            i.title,
            i.townships,
            "receiver_never_answered",
            f"承接部门{i.receiving_unit_name or i.receiving_unit}收到{i.calls_to_receiver}次呼叫，未答复任何一次",
        )
        for i in recovered_called
        if i.answered_by_receiver == 0
    ]
    evaluation = evaluation_findings(scheme, by_code)
    kind_labels = {k.code: (k.label, kind_role(k)) for k in structure.kinds}
    kinds = _kind_counts(items, kind_labels)

    return BurdenIndicators(
        tenant_id=tenant_id,
        county_name=county.name,
        division_code=county.division_code,
        as_of=as_of,
        computed_at=datetime.datetime.now(datetime.UTC),
        national=NationalAverages(),
        county=figures(townships),
        townships=township_figures,
        township_types=[TypeFigures(code, label, figures(rows)) for (code, label), rows in sorted(by_type.items())],
        kinds=kinds,
        push_down=_indicator("push_down", "以配合之名下推的事项（部门不履行自身职责）", push_down, len(cooperating)),
        without_admission=_indicator("without_admission", "未经准入进入乡镇清单的事项", unadmitted, len(items)),
        inactive_recovered=_indicator(
            "inactive_recovered", "承接部门从不响应呼叫的收回事项", inactive, len(recovered_called)
        ),
        evaluation_on_county_items=_indicator(
            "evaluation_on_county_items",
            "以配合或收回事项考核乡镇的指标",
            evaluation,
            len(_township_indicators(scheme)),
        ),
        call_period=CallPeriod(start=lower.date(), end=as_of),
        departments=[department_calls(r) for r in calls],
        districts=[
            DistrictFigures(code, name, unit_name(county.slug, code), figures(rows))
            for (code, name), rows in sorted(by_district.items())
        ],
    )


def _kind_counts(items: list[queries.ItemInForceRow], labels: dict[str, tuple[str, str]]) -> list[KindCount]:
    entries: dict[str, int] = defaultdict(int)
    distinct: dict[str, int] = defaultdict(int)
    for item in items:
        for kind in item.kinds:
            entries[kind] += item.townships
            distinct[kind] += 1
    return [
        KindCount(kind=code, label=label, role=role, entries=entries[code], items=distinct[code])
        for code, (label, role) in labels.items()
    ]
