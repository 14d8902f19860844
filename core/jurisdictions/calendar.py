"""Working days and deadlines from a tenant-editable calendar.

The national calendar — statutory holidays and the make-up working days (调休) the State
Council announces each year — comes from the ``holidays`` package (``holidays.China``,
which agrees day for day with ``chinese-calendar`` over 2015–2026 and, unlike it, also
covers years whose schedule is not announced yet with the statutory holidays). A tenant
overrides single days in ``calendar_overrides``: ``holiday`` (an extra day off) or
``workday`` (an extra working day); an override always wins.

Deadline rules (after the Civil Code, arts. 201 and 203: the starting day is not counted,
a period that would end on a day off ends on the next working day, the last day ends at
24:00):

- ``working_days=N`` (N ≥ 1): the N-th working day *after* the local date of ``start``
  (Asia/Shanghai), whatever the time of day and whether or not ``start`` is itself on a
  working day; the deadline is the end of that day, 23:59:59 Asia/Shanghai. ``N = 0``
  means the end of the start day when it is a working day, else the end of the next one.
- ``hours=H`` (emergencies): ``start + H`` wall-clock hours; holidays do not stop the clock.
  ``H`` may be fractional (``0.5``: 30 minutes, a 报到 rule); it must be above 0.

Exactly one of the two must be given.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import asyncpg
import holidays
import msgspec

from core.events import service as events
from core.jurisdictions import queries
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked, check_day, check_moment, check_year
from core.platform.messages import Text
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
MAX_RANGE_DAYS = 366
MAX_WORKING_DAYS = 3650
MAX_HOURS = 24 * 3650

OverrideKind = Literal["holiday", "workday"]
KIND_LABELS = {"holiday": "休息日", "workday": "工作日"}


@functools.lru_cache(maxsize=64)
def _national(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def national_is_working_day(day: date) -> bool:
    """The national calendar alone: weekdays that are not holidays, plus 调休 weekends."""
    return _national(day.year).is_working_day(day)


def national_name(day: date) -> str:
    """The holiday's name (English, from the package), or 调休 for a make-up working day."""
    cal = _national(day.year)
    if day in cal.weekend_workdays:
        return "调休 (make-up working day)"
    return cal.get(day) or ""


@dataclass(frozen=True)
class TenantCalendar:
    """The national calendar with one tenant's overrides for a range of days.

    Built by :func:`load_calendar` with one query; everything here is then pure, so a
    caller computing many deadlines (statistics) reads the overrides once.
    """

    overrides: dict[date, str]

    def is_working_day(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == "workday"
        return national_is_working_day(day)

    def next_working_day(self, day: date, *, include: bool = False) -> date:
        """The first working day after ``day`` (or ``day`` itself with ``include``)."""
        current = day if include else day + timedelta(days=1)
        for _ in range(MAX_RANGE_DAYS * 2):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValidationFailed.on("calendar", Text("field.no-working-day-within", day=day))

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count == 0:
            return self.next_working_day(start, include=True)
        current = start
        for _ in range(count):
            current = self.next_working_day(current)
        return current

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in ``(first, last]``: how many working days ``last`` is after
        ``first`` (negative when ``last`` comes first)."""
        if last < first:
            return -self.working_days_between(last, first)
        return sum(1 for d in _days(first + timedelta(days=1), last) if self.is_working_day(d))


def _days(first: date, last: date) -> Iterable[date]:
    current = first
    while current <= last:
        yield current
        current += timedelta(days=1)


async def load_calendar(conn: asyncpg.Connection, tenant_id: uuid.UUID, first: date, last: date) -> TenantCalendar:
    """The tenant's calendar for ``first`` … ``last`` (overrides read in one query)."""
    return TenantCalendar(await queries.override_kinds(conn, tenant_id, first, last))


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValidationFailed.on("start", Text("field.needs-time-zone-offset"))
    return moment.astimezone(TZ).date()


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=TZ)


def _window(count: int) -> int:
    # Generous: two weeks of holidays per month of working days, at least 60 days.
    return max(60, count * 2 + 30)


async def deadline(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    start: datetime,
    *,
    working_days: int | None = None,
    hours: float | None = None,
) -> datetime:
    """When something started at ``start`` is due (rules in the module docstring)."""
    if (working_days is None) == (hours is None):
        raise ValidationFailed.on("working_days", Text("field.give-exactly-one-working"))
    check_moment("start", start)
    if hours is not None:
        if not 0 < hours <= MAX_HOURS:
            raise ValidationFailed.on("hours", Text("field.must-above-0-at", MAX_HOURS=MAX_HOURS))
        if start.tzinfo is None:
            local_date(start)  # raises the same error as for working days
        return (start + timedelta(hours=hours)).astimezone(TZ)
    assert working_days is not None
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationFailed.on("working_days", Text("field.must-between-0", MAX_WORKING_DAYS=MAX_WORKING_DAYS))
    first = local_date(start)
    span = _window(working_days)
    while True:
        calendar = await load_calendar(conn, tenant_id, first, first + timedelta(days=span))
        try:
            day = calendar.add_working_days(first, working_days)
        except ValidationFailed:
            day = None
        if day is not None and day <= first + timedelta(days=span):
            return end_of(day)
        if span > MAX_WORKING_DAYS * 4:
            raise ValidationFailed.on("calendar", Text("field.no-such-working-day"))
        span *= 2


async def is_working_day(conn: asyncpg.Connection, tenant_id: uuid.UUID, day: date) -> bool:
    calendar = await load_calendar(conn, tenant_id, day, day)
    return calendar.is_working_day(day)


async def working_days_between(conn: asyncpg.Connection, tenant_id: uuid.UUID, first: date, last: date) -> int:
    """Working days in ``(first, last]`` (negative when ``last`` < ``first``)."""
    low, high = min(first, last), max(first, last)
    calendar = await load_calendar(conn, tenant_id, low, high)
    return calendar.working_days_between(first, last)


# --- the tenant's calendar as a resource -------------------------------------------------


class CalendarDay(msgspec.Struct):
    day: date
    working: bool
    source: str  # "national" or "tenant"
    kind: str  # "workday" or "holiday"
    kind_label: str
    name: str


class CalendarOverride(msgspec.Struct):
    day: date
    kind: str
    kind_label: str
    name: str
    updated_at: datetime


class OverrideSet(msgspec.Struct, Checked, forbid_unknown_fields=True):
    kind: OverrideKind
    name: Annotated[str, NAME] = msgspec.field(default="")


class DeadlineView(msgspec.Struct):
    start: datetime
    working_days: int | None
    hours: float | None
    deadline: datetime


def _check_range(first: date, last: date) -> None:
    check_day("from", first)
    check_day("to", last)
    if last < first:
        raise ValidationFailed.on("to", Text("field.must-not-before-from"))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationFailed.on("to", Text("field.range-covers-at-most", MAX_RANGE_DAYS=MAX_RANGE_DAYS))


async def calendar_days(access: Access, first: date, last: date) -> list[CalendarDay]:
    """Every day in ``first`` … ``last`` with whether it is a working day and why."""
    _check_range(first, last)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.override_days(conn, access.tenant.id, first, last)
    own = {r.day: r for r in rows}
    days = []
    for day in _days(first, last):
        row = own.get(day)
        if row is not None:
            working = row.kind == "workday"
            days.append(CalendarDay(day, working, "tenant", row.kind, KIND_LABELS[row.kind], row.name))
        else:
            working = national_is_working_day(day)
            kind = "workday" if working else "holiday"
            days.append(CalendarDay(day, working, "national", kind, KIND_LABELS[kind], national_name(day)))
    return days


def _override(row: queries.OverrideRow) -> CalendarOverride:
    return CalendarOverride(row.day, row.kind, KIND_LABELS[row.kind], row.name, row.updated_at)


async def list_overrides(access: Access, year: int | None = None) -> list[CalendarOverride]:
    check_year("year", year)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.override_rows(conn, access.tenant.id, year)
    return [_override(r) for r in rows]


async def set_override(access: Access, day: date, data: OverrideSet) -> tuple[CalendarOverride, bool]:
    """Make ``day`` a holiday or a working day for this tenant; returns (override, created)."""
    require_admin(access, "edit the working-day calendar")
    check_day("day", day)
    if len(data.name) > 200:
        raise ValidationFailed.on("name", Text("field.at-most-200-characters"))
    async with tenant_transaction(access.tenant.id) as conn:
        before = await queries.lock_override(conn, access.tenant.id, day)
        view = _override(await queries.upsert_override(conn, access.tenant.id, day, data.kind, data.name))
        after = {"kind": data.kind, "name": data.name}
        previous = None if before is None else {"kind": before.kind, "name": before.name}
        await audit.record(access, "calendar_override", day.isoformat(), "set", previous, after)
        await events.emit(
            conn, access.tenant.id, "calendar.day_changed", f"calendar/{day.isoformat()}", {"day": day, **after}
        )
    return view, before is None


async def clear_override(access: Access, day: date) -> None:
    """Back to the national calendar for ``day``."""
    require_admin(access, "edit the working-day calendar")
    check_day("day", day)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.delete_override(conn, access.tenant.id, day)
        if row is None:
            raise NotFound(Text("not-found.no-calendar-override", day=day.isoformat()))
        cleared = {"kind": row.kind, "name": row.name}
        await audit.record(access, "calendar_override", day.isoformat(), "clear", cleared, None)
        national = "workday" if national_is_working_day(day) else "holiday"
        await events.emit(
            conn,
            access.tenant.id,
            "calendar.day_changed",
            f"calendar/{day.isoformat()}",
            {"day": day, "kind": national, "name": national_name(day), "source": "national"},
        )


async def compute_deadline(
    access: Access, start: datetime, *, working_days: int | None = None, hours: float | None = None
) -> DeadlineView:
    async with tenant_transaction(access.tenant.id) as conn:
        due = await deadline(conn, access.tenant.id, start, working_days=working_days, hours=hours)
    return DeadlineView(start=start, working_days=working_days, hours=hours, deadline=due)
