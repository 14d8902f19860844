"""``/api/v1/tenants/{tenant}/calendar`` — the working-day calendar and deadlines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from litestar import Controller, Response, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from api.rest.params import TENANT_PATH
from core.jurisdictions import calendar as service
from core.jurisdictions.calendar import CalendarDay, CalendarOverride, DeadlineView, OverrideSet
from core.security.access import Access


class CalendarController(Controller):
    path = f"{TENANT_PATH}/calendar"
    tags = ["calendar"]

    @get(
        "/days",
        operation_id="listCalendarDays",
        summary="Every day of a range: working or not, and whether the national calendar or the tenant says so",
    )
    async def days(
        self,
        access: NamedDependency[Access],
        first: Annotated[date, QueryParameter(name="from", description="first day, e.g. 2026-09-28")],
        last: Annotated[date, QueryParameter(name="to", description="last day (at most 366 days after from)")],
    ) -> list[CalendarDay]:
        return await service.calendar_days(access, first, last)

    @get(
        "/overrides", operation_id="listCalendarOverrides", summary="The tenant's departures from the national calendar"
    )
    async def overrides(
        self,
        access: NamedDependency[Access],
        year: int | None = Parameter(default=None, description="only this year"),
    ) -> list[CalendarOverride]:
        return await service.list_overrides(access, year)

    @put(
        "/overrides/{day:date}",
        operation_id="setCalendarOverride",
        summary="Make a day a holiday (休息日) or a working day (工作日) for this tenant (admin)",
    )
    async def set(
        self, access: NamedDependency[Access], day: FromPath[date], data: JSONBody[OverrideSet]
    ) -> Response[CalendarOverride]:
        view, created = await service.set_override(access, day, data)
        return Response(view, status_code=201 if created else 200)

    @delete(
        "/overrides/{day:date}",
        operation_id="clearCalendarOverride",
        summary="Back to the national calendar for a day (admin)",
    )
    async def clear(self, access: NamedDependency[Access], day: FromPath[date]) -> None:
        await service.clear_override(access, day)

    @get(
        "/deadline",
        operation_id="computeDeadline",
        summary="When something started at `start` is due: N working days or H wall-clock hours",
    )
    async def deadline(
        self,
        access: NamedDependency[Access],
        start: datetime = Parameter(description="ISO 8601 with offset, e.g. 2026-09-30T10:00:00+08:00"),
        working_days: int | None = Parameter(default=None, description="working days (0–3650)"),
        hours: float | None = Parameter(
            default=None, description="wall-clock hours, for emergencies; fractions allowed (0.5: 30 minutes)"
        ),
    ) -> DeadlineView:
        return await service.compute_deadline(access, start, working_days=working_days, hours=hours)
