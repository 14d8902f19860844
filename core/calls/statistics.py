"""Call statistics per tenant, township, unit and period — one aggregate statement.

What is counted (calls raised in the period, China time, both ends inclusive):

- ``received``: calls (for a unit: calls dispatched to it, including those it sent back);
- ``signed_on_time``: signed for (报到) by the sign deadline — for a call, by every unit;
- ``closed``: closed (办结) or archived; ``closure_rate`` = closed / received;
- ``closed_on_time``: closed, with the answer in by the answer deadline;
  ``on_time_closure_rate`` = closed_on_time / closed;
- ``sent_back``: calls with a send-back (for a unit: the ones it sent back);
  ``send_back_rate`` = sent_back / received;
- ``redone``: calls sent back to the units by the township's follow-up at least once;
  ``redo_rate`` = redone / received;
- ``overdue``: signed or answered after the deadline, or not yet and past it;
- response time: raising (for a unit: dispatch) → signing for; resolution time: raising →
  closing (for a unit: dispatch → its answer); mean and 90th percentile, in hours;
- satisfaction: the three levels of the township's follow-up on closed calls;
  ``satisfaction_rate`` = (satisfied + basically satisfied) / rated.

Rates are fractions (0.9962), ``None`` when their denominator is zero. The statement reads
``calls`` by ``(tenant_id, raised_at)`` (or ``(tenant_id, township_code, raised_at)``), or
``call_dispatches`` by ``(tenant_id, unit_code, raised_at)`` for a unit (the statements are in
:mod:`core.calls.queries`).
"""

from __future__ import annotations

import datetime
from typing import Literal

import msgspec

from core.calls import queries
from core.calls.queries import StatisticsRow
from core.calls.reading import now
from core.calls.violations import period_bounds
from core.platform.db import tenant_transaction
from core.platform.errors import PermissionDenied, ValidationFailed
from core.platform.messages import Text
from core.security.access import Access, Role, role_text


class Satisfaction(msgspec.Struct):
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    rated: int
    rate: float | None


class CallStatistics(msgspec.Struct):
    start: datetime.date
    end: datetime.date
    township: str | None
    unit: str | None
    received: int
    signed_on_time: int
    signed_on_time_rate: float | None
    closed: int
    closure_rate: float | None
    closed_on_time: int
    on_time_closure_rate: float | None
    sent_back: int
    send_back_rate: float | None
    redone: int
    redo_rate: float | None
    overdue: int
    mean_response_hours: float | None
    p90_response_hours: float | None
    mean_resolution_hours: float | None
    p90_resolution_hours: float | None
    satisfaction: Satisfaction


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _hours(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _statistics(
    row: StatisticsRow, start: datetime.date, end: datetime.date, township: str | None, unit: str | None
) -> CallStatistics:
    received, closed = row.received, row.closed
    rated = row.satisfied + row.basically_satisfied + row.dissatisfied
    return CallStatistics(
        start=start,
        end=end,
        township=township,
        unit=unit,
        received=received,
        signed_on_time=row.signed_on_time,
        signed_on_time_rate=_rate(row.signed_on_time, received),
        closed=closed,
        closure_rate=_rate(closed, received),
        closed_on_time=row.closed_on_time,
        on_time_closure_rate=_rate(row.closed_on_time, closed),
        sent_back=row.sent_back,
        send_back_rate=_rate(row.sent_back, received),
        redone=row.redone,
        redo_rate=_rate(row.redone, received),
        overdue=row.overdue,
        mean_response_hours=_hours(row.mean_response),
        p90_response_hours=_hours(row.p90_response),
        mean_resolution_hours=_hours(row.mean_resolution),
        p90_resolution_hours=_hours(row.p90_resolution),
        satisfaction=Satisfaction(
            satisfied=row.satisfied,
            basically_satisfied=row.basically_satisfied,
            dissatisfied=row.dissatisfied,
            rated=rated,
            rate=_rate(row.satisfied + row.basically_satisfied, rated),
        ),
    )


def _scope(access: Access, township: str | None, unit: str | None) -> tuple[str | None, str | None]:
    if township and unit:
        raise ValidationFailed.on("unit", Text("field.give-township-unit-not"))
    if access.role is Role.TOWNSHIP:
        if unit or township not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.township-key-reads-only"))
        return access.principal.scope_code, None
    if access.role is Role.DEPARTMENT:
        if township or unit not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.department-key-reads-only"))
        return None, access.principal.scope_code
    return township, unit


async def call_statistics(
    access: Access,
    *,
    township: str | None = None,
    unit: str | None = None,
    start: datetime.date,
    end: datetime.date,
) -> CallStatistics:
    """The figures for the tenant, one township or one unit, over calls raised in
    ``[start, end]``. One statement."""
    township, unit = _scope(access, township, unit)
    lower, upper = period_bounds(start, end)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.statistics_row(conn, access.tenant.id, lower, upper, township, unit, now())
    return _statistics(row, start, end, township, unit)


async def call_statistics_by(
    access: Access,
    *,
    group_by: Literal["township", "unit"],
    start: datetime.date,
    end: datetime.date,
) -> list[CallStatistics]:
    """The same figures for every township (or every unit) at once, one statement."""
    if group_by not in ("township", "unit"):
        raise ValidationFailed.on("group_by", Text("field.use-township-unit"))
    township, unit = _scope(access, None, None)
    if township or unit:
        raise PermissionDenied(Text("forbidden.key-reads-only-own", value=role_text(access.role)))
    lower, upper = period_bounds(start, end)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.statistics_rows_by(conn, access.tenant.id, lower, upper, group_by == "unit", now())
    return [
        _statistics(r, start, end, r.key if group_by == "township" else None, r.key if group_by == "unit" else None)
        for r in rows
    ]
