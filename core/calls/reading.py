"""Reading calls: deadlines, views, visibility, the call list and a call's history."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from core.calls.model import (
    CallView,
    DispatchView,
    Extension,
    StepView,
)
from core.calls.states import (
    CALL_STATES,
    DISPATCH_STATES,
    CallClass,
    call_classes,
)
from core.jurisdictions import calendar
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of
from core.security.access import Access, Role

UTC = datetime.UTC

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


async def deadline_at(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    start: datetime.datetime,
    working_days: int | None,
    hours: float | None,
) -> datetime.datetime:
    """Working days by the tenant's calendar (due at the end of that day), or hours (0.5 allowed)."""
    if hours is not None:
        return await calendar.deadline(conn, tenant_id, start, hours=hours)
    return await calendar.deadline(conn, tenant_id, start, working_days=working_days or 1)


async def deadlines_for(
    conn: asyncpg.Connection, access: Access, cls: CallClass, start: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    sign = await deadline_at(conn, access.tenant.id, start, cls.sign_working_days, cls.sign_hours)
    answer = await deadline_at(conn, access.tenant.id, start, cls.answer_working_days, cls.answer_hours)
    return sign, answer


# --------------------------------------------------------------------------- reading

_CALL_COLUMNS = (
    "c.id, c.township_code, j.name AS township_name, c.village_code, c.grid_code, c.subject, c.description,"
    " c.call_class, c.item_code, c.state, c.raised_at, c.raised_by, c.sign_deadline, c.answer_deadline,"
    " c.signed_at, c.answered_at, c.closed_at, c.resolved, c.satisfaction, c.follow_up_note, c.redo_count,"
    " c.send_back_count, c.revision"
)
_FROM_CALLS = "FROM calls c JOIN jurisdictions j ON j.tenant_id = c.tenant_id AND j.code = c.township_code"
_DISPATCH_COLUMNS = (
    "d.call_id, d.unit_code, u.name AS unit_name, d.role, d.item_code, d.state, d.dispatched_at, d.sign_deadline,"
    " d.answer_deadline, d.signed_at, d.answered_at, d.feedback, d.sent_back_at, d.send_back_reason, d.extension"
)


def _overdue(row: Any, at: datetime.datetime) -> list[str]:
    if row["state"] == "sent_back":
        return []
    late = []
    signed, answered = row["signed_at"], row["answered_at"]
    if (signed or at) > row["sign_deadline"]:
        late.append("sign")
    if (answered or at) > row["answer_deadline"]:
        late.append("answer")
    return late


def _dispatch_view(row: Any, at: datetime.datetime) -> DispatchView:
    ext = row["extension"]
    return DispatchView(
        unit_code=row["unit_code"],
        unit_name=row["unit_name"],
        role=row["role"],
        item_code=row["item_code"],
        state=row["state"],
        state_label=DISPATCH_STATES[row["state"]],
        dispatched_at=row["dispatched_at"],
        sign_deadline=row["sign_deadline"],
        answer_deadline=row["answer_deadline"],
        signed_at=row["signed_at"],
        answered_at=row["answered_at"],
        feedback=row["feedback"],
        sent_back_at=row["sent_back_at"],
        send_back_reason=row["send_back_reason"],
        extension=msgspec.json.decode(ext, type=Extension) if ext else None,
        overdue=_overdue(row, at),
    )


def _call_view(row: Any, dispatches: list[DispatchView], classes: dict[str, CallClass]) -> CallView:
    cls = classes.get(row["call_class"])
    return CallView(
        **{k: row[k] for k in row.keys()},
        call_class_label=cls.label if cls else row["call_class"],
        state_label=CALL_STATES[row["state"]],
        dispatches=dispatches,
    )


async def _dispatches_of(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[DispatchView]]:
    rows = await conn.fetch(
        f"SELECT {_DISPATCH_COLUMNS} FROM call_dispatches d"
        " JOIN units u ON u.tenant_id = d.tenant_id AND u.code = d.unit_code"
        " WHERE d.tenant_id = $1 AND d.call_id = ANY($2::uuid[])"
        " ORDER BY d.call_id, d.role <> 'primary', d.dispatched_at, d.unit_code",
        tenant_id,
        list(call_ids),
    )
    at = now()
    found: dict[uuid.UUID, list[DispatchView]] = {i: [] for i in call_ids}
    for r in rows:
        found[r["call_id"]].append(_dispatch_view(r, at))
    return found


def _visible(access: Access, row: Any, unit_codes: list[str]) -> bool:
    if access.is_admin or access.role is Role.READER:
        return True
    if access.role is Role.TOWNSHIP:
        return row["township_code"] == access.principal.scope_code
    if access.role is Role.DEPARTMENT:
        return access.principal.scope_code in unit_codes
    return False


async def load_call(conn: asyncpg.Connection, access: Access, call_id: uuid.UUID, *, lock: bool = False) -> Any:
    row = await conn.fetchrow(
        f"SELECT {_CALL_COLUMNS} {_FROM_CALLS} WHERE c.tenant_id = $1 AND c.id = $2"
        + (" FOR UPDATE OF c" if lock else ""),
        access.tenant.id,
        call_id,
    )
    if row is None:
        raise NotFound(f"no call {call_id}")
    units = await conn.fetch(
        "SELECT unit_code, state FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2", access.tenant.id, call_id
    )
    if not _visible(access, row, [u["unit_code"] for u in units]):
        raise NotFound(f"no call {call_id}")
    return row


async def read_call(conn: asyncpg.Connection, access: Access, call_id: uuid.UUID) -> CallView:
    row = await load_call(conn, access, call_id)
    return _call_view(row, (await _dispatches_of(conn, access.tenant.id, [call_id]))[call_id], call_classes(access))


async def get_call(access: Access, call_id: uuid.UUID) -> CallView:
    async with tenant_transaction(access.tenant.id) as conn:
        return await read_call(conn, access, call_id)


async def list_calls(
    access: Access,
    *,
    township: str | None = None,
    unit: str | None = None,
    state: str | None = None,
    call_class: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[CallView]:
    """Newest first. A township key sees its own township's calls, a department key the
    calls dispatched to its unit, everyone else all of them."""
    limit = check_limit(limit)
    if state is not None and state not in CALL_STATES:
        raise ValidationFailed.on("state", f"unknown state {state!r}; use one of {', '.join(CALL_STATES)}")
    if access.role is Role.TOWNSHIP:
        if township not in (None, access.principal.scope_code):
            raise PermissionDenied(f"a township key reads only its own township's calls, not {township}'s")
        township = access.principal.scope_code
    elif access.role is Role.DEPARTMENT:
        if unit not in (None, access.principal.scope_code):
            raise PermissionDenied(f"a department key reads only the calls dispatched to its unit, not {unit}'s")
        unit = access.principal.scope_code
    after_at, after_id = decode_cursor(cursor, TimeAndId) or (None, None)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            f"SELECT {_CALL_COLUMNS} {_FROM_CALLS}"
            " WHERE c.tenant_id = $1 AND ($2::text IS NULL OR c.township_code = $2)"
            " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM call_dispatches d"
            "      WHERE d.tenant_id = c.tenant_id AND d.call_id = c.id AND d.unit_code = $3))"
            " AND ($4::text IS NULL OR c.state = $4) AND ($5::text IS NULL OR c.call_class = $5)"
            " AND ($6::timestamptz IS NULL OR (c.raised_at, c.id) < ($6, $7::uuid))"
            " ORDER BY c.raised_at DESC, c.id DESC LIMIT $8",
            access.tenant.id,
            township,
            unit,
            state,
            call_class,
            after_at,
            after_id,
            limit + 1,
        )
        dispatches = await _dispatches_of(conn, access.tenant.id, [r["id"] for r in rows])
    classes = call_classes(access)
    views = [_call_view(r, dispatches[r["id"]], classes) for r in rows]
    return page_of(views, limit, key=lambda v: [v.raised_at.isoformat(), str(v.id)])


async def call_history(access: Access, call_id: uuid.UUID) -> list[StepView]:
    async with tenant_transaction(access.tenant.id) as conn:
        await load_call(conn, access, call_id)
        rows = await conn.fetch(
            "SELECT seq, at, action, unit_code, from_state, to_state, actor_role, actor_name, comment, data"
            " FROM call_steps WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq",
            access.tenant.id,
            call_id,
        )
    return [StepView(**{**dict(r), "data": msgspec.json.decode(r["data"])}) for r in rows]
