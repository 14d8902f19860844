"""Violations: dispatches signed for or answered late, and send-backs, per period."""

from __future__ import annotations

import datetime

from core.calls.model import (
    Violation,
)
from core.calls.reading import CHINA, now
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, PermissionDenied, ValidationFailed
from core.platform.inputs import check_day
from core.security.access import Access, Role

_VIOLATIONS = """
WITH d AS (
  SELECT d.call_id, d.unit_code, u.name AS unit_name, c.subject, c.township_code, c.call_class,
         d.sign_deadline, d.signed_at, d.answer_deadline, d.answered_at, d.state, c.state AS call_state
  FROM call_dispatches d
  JOIN calls c ON c.tenant_id = d.tenant_id AND c.id = d.call_id
  JOIN units u ON u.tenant_id = d.tenant_id AND u.code = d.unit_code
  WHERE d.tenant_id = $6 AND c.raised_at >= $1 AND c.raised_at < $2
    AND ($3::text IS NULL OR c.township_code = $3) AND ($4::text IS NULL OR d.unit_code = $4)
)
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'no_response' AS kind, 'sign' AS stage, sign_deadline AS deadline, NULL::timestamptz AS at
FROM d WHERE state = 'dispatched' AND signed_at IS NULL AND sign_deadline < $5
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'no_response', 'answer', answer_deadline, NULL
FROM d WHERE state IN ('signed_for', 'in_progress') AND answer_deadline < $5
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'late_response', 'sign', sign_deadline, signed_at
FROM d WHERE signed_at > sign_deadline
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'late_response', 'answer', answer_deadline, answered_at
FROM d WHERE answered_at > answer_deadline
UNION ALL
SELECT s.call_id, c.subject, c.township_code, c.call_class, x.unit_code, u.name,
       'response_without_action', 'follow_up', NULL, s.at
FROM call_steps s
JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id
CROSS JOIN LATERAL jsonb_array_elements_text(s.data -> 'units') AS x(unit_code)
JOIN units u ON u.tenant_id = s.tenant_id AND u.code = x.unit_code
WHERE s.tenant_id = $6 AND s.action = 'follow_up' AND s.data ->> 'resolved' = 'false'
  AND c.raised_at >= $1 AND c.raised_at < $2
  AND ($3::text IS NULL OR c.township_code = $3) AND ($4::text IS NULL OR x.unit_code = $4)
ORDER BY unit_code, deadline NULLS LAST, call_id
"""


def period_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end] in China time, as instants (end inclusive)."""
    check_day("start", start)
    check_day("end", end)
    if end < start:
        raise ValidationFailed("end: must not be before start", errors=[FieldError("end", "before start")])
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
            raise PermissionDenied(f"a department key reads only its own unit's record, not {unit}'s")
        unit = access.principal.scope_code
    elif access.role is Role.TOWNSHIP:
        if township not in (None, access.principal.scope_code):
            raise PermissionDenied(f"a township key reads only its own township's record, not {township}'s")
        township = access.principal.scope_code
    lower, upper = period_bounds(start, end)
    at = now()
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(_VIOLATIONS, lower, upper, township, unit, at, access.tenant.id)
    result = []
    for r in rows:
        late = None
        if r["deadline"] is not None:
            late = int(((r["at"] or at) - r["deadline"]).total_seconds() // 60)
        result.append(Violation(**dict(r), overdue_minutes=late))
    return result
