"""Where indicator scores come from: a small registry of data sources.

``manual`` scores are entered (by the evaluator, or the county admin for it). Any other
source computes a value in [0, 1] per subject for a period, which becomes a score on the
indicator's range (``min + value × (max − min)``), the same for every evaluator of that
subject, and is shown in the explanation as coming from the source. A source answers for
many subjects at once (one statement), never one subject at a time.

``call_statistics`` reads the calls of the period (乡呼县应, :mod:`core.calls.statistics`):
for a department or dispatched agency the figures of the calls dispatched to it, for a
township those of the calls it raised. Fields: ``closure_rate``, ``on_time_closure_rate``,
``signed_on_time_rate``, ``satisfaction_rate``, ``no_send_back_rate`` (1 − send-back rate),
``no_redo_rate`` (1 − redo rate).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from core.calls.statistics import call_statistics_by
from core.security.access import Access

#: (access, subject kind, fields, start, end) → {(subject code, field): value in [0, 1]}
Fetch = Callable[[Access, str, list[str], datetime.date, datetime.date], Awaitable[dict[tuple[str, str], float]]]


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    fields: tuple[str, ...]
    fetch: Fetch | None  # None: entered by hand


_REGISTRY: dict[str, Source] = {}


def register(source: Source) -> None:
    _REGISTRY[source.name] = source


def names() -> set[str]:
    return set(_REGISTRY)


def get(name: str) -> Source:
    return _REGISTRY[name]


def describe() -> list[dict[str, Any]]:
    return [{"name": s.name, "label": s.label, "fields": list(s.fields)} for s in _REGISTRY.values()]


CALL_FIELDS = (
    "closure_rate",
    "on_time_closure_rate",
    "signed_on_time_rate",
    "satisfaction_rate",
    "no_send_back_rate",
    "no_redo_rate",
)


def _call_value(stats: Any, field: str) -> float | None:
    if field == "satisfaction_rate":
        return stats.satisfaction.rate
    if field == "no_send_back_rate":
        return None if stats.send_back_rate is None else 1 - stats.send_back_rate
    if field == "no_redo_rate":
        return None if stats.redo_rate is None else 1 - stats.redo_rate
    return getattr(stats, field)


async def _call_statistics(
    access: Access, subject_kind: str, fields: list[str], start: datetime.date, end: datetime.date
) -> dict[tuple[str, str], float]:
    group: Literal["township", "unit"] = "township" if subject_kind == "township" else "unit"
    found: dict[tuple[str, str], float] = {}
    for stats in await call_statistics_by(access, group_by=group, start=start, end=end):
        key = stats.township if group == "township" else stats.unit
        for field in fields:
            value = _call_value(stats, field)
            if key is not None and value is not None:
                found[(key, field)] = float(value)
    return found


register(Source("manual", "人工录入", (), None))
register(Source("call_statistics", "乡呼县应统计（办结率、按时率、满意率）", CALL_FIELDS, _call_statistics))
