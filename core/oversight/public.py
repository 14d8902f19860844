"""The public figures a county chooses to publish, as chart data for the portal.

A county picks, from :data:`PUBLISHABLE`, which charts of its burden indicators appear on its
portal; :func:`public_figures` turns stored indicators into that small JSON shape (categories
and series, Chinese labels, no codes a reader would have to look up, no personal data). The
same charts are drawn in the PDF report (:mod:`core.oversight.reports`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import msgspec

from core.oversight.model import ROLE_LABELS, BurdenIndicators
from core.platform.errors import ValidationFailed
from core.platform.messages import Text

#: Chart code → title. Order is the portal's.
PUBLISHABLE = {
    "kinds": "每个乡镇(街道)平均事项数与全国平均",
    "townships": "各乡镇(街道)清单事项数",
    "indicators": "减负监测指标",
    "calls": "乡呼县应：部门响应情况",
}


class Series(msgspec.Struct, frozen=True):
    label: str
    values: list[float | None]


class Chart(msgspec.Struct, frozen=True):
    code: str
    title: str
    unit: str
    categories: list[str]
    series: list[Series]


class PublicFigures(msgspec.Struct, frozen=True):
    county_name: str
    division_code: str
    as_of: datetime.date
    charts: list[Chart]


def kinds_chart(ind: BurdenIndicators) -> Chart:
    c, n = ind.county, ind.national
    return Chart(
        code="kinds",
        title=PUBLISHABLE["kinds"],
        unit="项",
        categories=[ROLE_LABELS["basic"], ROLE_LABELS["cooperating"], ROLE_LABELS["recovered"], "合计"],
        series=[
            Series(
                ind.county_name,
                [c.basic_per_township, c.cooperating_per_township, c.recovered_per_township, c.total_per_township],
            ),
            Series("全国平均", [float(n.basic), float(n.cooperating), float(n.recovered), float(n.total)]),
        ],
    )


def townships_chart(ind: BurdenIndicators) -> Chart:
    listed = [t for t in ind.townships if t.list_version is not None]
    return Chart(
        code="townships",
        title=PUBLISHABLE["townships"],
        unit="项",
        categories=[t.name for t in listed],
        series=[
            Series(ROLE_LABELS[role], [float(getattr(t.figures, role)) for t in listed])
            for role in ("basic", "cooperating", "recovered")
        ],
    )


def indicators_chart(ind: BurdenIndicators) -> Chart:
    return Chart(
        code="indicators",
        title=PUBLISHABLE["indicators"],
        unit="项",
        categories=[i.label for i in ind.indicators],
        series=[Series("事项数", [float(i.count) for i in ind.indicators])],
    )


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def calls_chart(ind: BurdenIndicators) -> Chart:
    units = [d for d in ind.departments if d.received]
    return Chart(
        code="calls",
        title=PUBLISHABLE["calls"],
        unit="%",
        categories=[d.unit_name for d in units],
        series=[
            Series("按时签收率", [_percent(d.signed_on_time_rate) for d in units]),
            Series("按时答复率", [_percent(d.answered_on_time_rate) for d in units]),
            Series("退回率", [_percent(d.send_back_rate) for d in units]),
            Series("满意率", [_percent(d.satisfaction_rate) for d in units]),
        ],
    )


_CHARTS = {"kinds": kinds_chart, "townships": townships_chart, "indicators": indicators_chart, "calls": calls_chart}


def public_figures(ind: BurdenIndicators, chosen: Iterable[str]) -> PublicFigures:
    """The charts the county chose (codes of :data:`PUBLISHABLE`), in the portal's order."""
    wanted = set(chosen)
    unknown = sorted(wanted - set(PUBLISHABLE))
    if unknown:
        raise ValidationFailed.on("charts", Text("field.use-one", value=list(PUBLISHABLE)))
    return PublicFigures(
        county_name=ind.county_name,
        division_code=ind.division_code,
        as_of=ind.as_of,
        charts=[_CHARTS[code](ind) for code in PUBLISHABLE if code in wanted],
    )
