"""Violations: dispatches signed for or answered late, and send-backs, per period."""

from __future__ import annotations

import datetime

import msgspec

from core.calls import queries
from core.calls.model import (
    Violation,
)
from core.calls.reading import CHINA, now
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, PermissionDenied, ValidationFailed
from core.platform.inputs import check_day
from core.platform.messages import Text
from core.security.access import Access, Role


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end] in China time, as instants (end inclusive)."""
    check_day("start", start)
    check_day("end", end)
    if end < start:
        raise ValidationFailed(
            Text("validation-failed.end-must-not-before"),
            errors=[FieldError.said("end", Text("field.before-start"))],
        )
    lower = datetime.datetime.combine(start, datetime.time(), CHINA)
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), CHINA)
    return lower, upper


async def violations(
    access: Access,
    *,
    start: datetime.date,
    end: datetime.date,
    township: str | None = None,
    unit: str | None = None,
) -> list[Violation]:
    """No response, late response and response without action in a period (by raising
    date), per unit. A department key sees its own unit's, a township key its township's."""
    if access.role is Role.DEPARTMENT:
        if unit not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.department-key-reads-only-3", unit=unit))
        unit = access.principal.scope_code
    elif access.role is Role.TOWNSHIP:
        if township not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.township-key-reads-only-3", township=township))
        township = access.principal.scope_code
    lower, upper = period_bounds(start, end)
    at = now()
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.violation_rows(conn, access.tenant.id, lower, upper, township, unit, at)
    result = []
    for r in rows:
        late = None
        if r.deadline is not None:
            late = int(((r.at or at) - r.deadline).total_seconds() // 60)
        result.append(Violation(**msgspec.structs.asdict(r), overdue_minutes=late))
    return result
