"""Reading calls: deadlines, views, visibility, the call list and a call's history."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from core.calls import queries
from core.calls.model import (
    CallView,
    DispatchView,
    Extension,
    StepView,
)
from core.calls.queries import CallRow, DispatchRow
from core.calls.states import (
    CALL_STATES,
    DISPATCH_STATES,
    CallClass,
    call_classes,
)
from core.jurisdictions import calendar
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.messages import Text
from core.platform.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of
from core.platform.sync import parse_since
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


def _overdue(row: DispatchRow, at: datetime.datetime) -> list[str]:
    if row.state == "sent_back":
        return []
    late = []
    if (row.signed_at or at) > row.sign_deadline:
        late.append("sign")
    if (row.answered_at or at) > row.answer_deadline:
        late.append("answer")
    return late


def _dispatch_view(row: DispatchRow, at: datetime.datetime) -> DispatchView:
    ext = row.extension
    return DispatchView(
        unit_code=row.unit_code,
        unit_name=row.unit_name,
        role=row.role,
        item_code=row.item_code,
        state=row.state,
        state_label=DISPATCH_STATES[row.state],
        dispatched_at=row.dispatched_at,
        sign_deadline=row.sign_deadline,
        answer_deadline=row.answer_deadline,
        signed_at=row.signed_at,
        answered_at=row.answered_at,
        feedback=row.feedback,
        sent_back_at=row.sent_back_at,
        send_back_reason=row.send_back_reason,
        extension=msgspec.json.decode(ext, type=Extension) if ext else None,
        overdue=_overdue(row, at),
    )


def _call_view(row: CallRow, dispatches: list[DispatchView], classes: dict[str, CallClass]) -> CallView:
    cls = classes.get(row.call_class)
    return CallView(
        **msgspec.structs.asdict(row),
        call_class_label=cls.label if cls else row.call_class,
        state_label=CALL_STATES[row.state],
        dispatches=dispatches,
    )


async def _dispatches_of(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[DispatchView]]:
    rows = await queries.dispatch_rows(conn, tenant_id, call_ids)
    at = now()
    found: dict[uuid.UUID, list[DispatchView]] = {i: [] for i in call_ids}
    for r in rows:
        found[r.call_id].append(_dispatch_view(r, at))
    return found


def _visible(access: Access, row: CallRow, unit_codes: list[str]) -> bool:
    if access.is_admin or access.role is Role.READER:
        return True
    if access.role is Role.TOWNSHIP:
        return row.township_code == access.principal.scope_code
    if access.role is Role.DEPARTMENT:
        return access.principal.scope_code in unit_codes
    return False


async def load_call(conn: asyncpg.Connection, access: Access, call_id: uuid.UUID, *, lock: bool = False) -> CallRow:
    """The call if the caller may see it (else 404), locked for the transaction with ``lock``."""
    row = await queries.call_row(conn, access.tenant.id, call_id, lock=lock)
    if row is None:
        raise NotFound(Text("not-found.no-call", call_id=call_id))
    if not _visible(access, row, await queries.dispatched_units(conn, access.tenant.id, call_id)):
        raise NotFound(Text("not-found.no-call", call_id=call_id))
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
    updated_since: str | datetime.datetime | None = None,
) -> Page[CallView]:
    """Newest first. A township key sees its own township's calls, a department key the
    calls dispatched to its unit, everyone else all of them. ``updated_since``: calls raised
    or changed (any step, answer, attachment) at or after it."""
    limit = check_limit(limit)
    since = parse_since(updated_since)
    if state is not None and state not in CALL_STATES:
        raise ValidationFailed.on("state", Text("field.unknown-state-use-one", state=state, value=list(CALL_STATES)))
    if access.role is Role.TOWNSHIP:
        if township not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.township-key-reads-only-2", township=township))
        township = access.principal.scope_code
    elif access.role is Role.DEPARTMENT:
        if unit not in (None, access.principal.scope_code):
            raise PermissionDenied(Text("forbidden.department-key-reads-only-2", unit=unit))
        unit = access.principal.scope_code
    after_at, after_id = decode_cursor(cursor, TimeAndId) or (None, None)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.call_page(
            conn, access.tenant.id, township, unit, state, call_class, after_at, after_id, limit + 1, since
        )
        dispatches = await _dispatches_of(conn, access.tenant.id, [r.id for r in rows])
    classes = call_classes(access)
    views = [_call_view(r, dispatches[r.id], classes) for r in rows]
    return page_of(views, limit, key=lambda v: [v.raised_at.isoformat(), str(v.id)])


async def call_history(access: Access, call_id: uuid.UUID) -> list[StepView]:
    async with tenant_transaction(access.tenant.id) as conn:
        await load_call(conn, access, call_id)
        rows = await queries.step_rows(conn, access.tenant.id, call_id)
    return [StepView(**{**msgspec.structs.asdict(r), "data": msgspec.json.decode(r.data)}) for r in rows]
