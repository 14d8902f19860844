"""Writing a call's record: steps, dispatches, the call's derived state, and the checks of a new call."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import asyncpg
import msgspec

from core.calls import queries
from core.calls.model import (
    CallCreate,
    Proposal,
)
from core.calls.queries import CallRow, NewCallRow
from core.calls.reading import deadlines_for, now
from core.calls.states import (
    call_classes,
    call_state_of,
)
from core.events import service as events
from core.platform.errors import ValidationFailed
from core.platform.messages import Text
from core.security.access import Access


async def record_step(
    conn: asyncpg.Connection,
    access: Access,
    call_id: uuid.UUID,
    action: str,
    *,
    unit: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> int:
    """Append one step to the call's history (the call row is locked by the caller)."""
    seq = await queries.insert_step(
        conn,
        access.tenant.id,
        call_id,
        at or now(),
        action,
        unit,
        from_state,
        to_state,
        access.role.value,
        access.principal.key_id,
        access.principal.name,
        comment,
        msgspec.json.encode(data or {}).decode(),
    )
    payload = {"call_id": str(call_id), "action": action, "unit_code": unit, "from": from_state, "to": to_state}
    await events.emit(conn, access.tenant.id, f"call.{action}", f"calls/{call_id}", payload)
    return seq


async def dispatch_to(
    conn: asyncpg.Connection,
    access: Access,
    call: CallRow | NewCallRow,
    proposals: list[Proposal],
    *,
    action: str = "dispatch",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """One dispatch row per unit, with deadlines from the call's class counted from now."""
    cls = call_classes(access).get(call.call_class)
    assert cls is not None, f"call class {call.call_class!r} is not the tenant's (checked when the call was raised)"
    at = now()
    sign, answer = await deadlines_for(conn, access, cls, at)
    await conn.executemany(
        queries.UPSERT_DISPATCHES,
        [
            (
                access.tenant.id,
                call.id,
                p.unit_code,
                p.role,
                p.item_code or None,
                call.raised_at,
                at,
                sign,
                answer,
            )
            for p in proposals
        ],
    )
    for p in proposals:
        await record_step(
            conn,
            access,
            call.id,
            action,
            unit=p.unit_code,
            to_state="dispatched",
            comment=comment,
            data={"role": p.role, "item_code": p.item_code, "item_title": p.item_title, **(data or {})},
            at=at,
        )


async def refresh_call_state(
    conn: asyncpg.Connection, access: Access, call: CallRow | NewCallRow, *, action: str, redo: bool = False
) -> str:
    """Derive the call's state from its live dispatches and record a change."""
    live = await queries.live_dispatch_rows(conn, access.tenant.id, call.id)
    state = call_state_of([r.state for r in live], redo=redo and call.state == "redo")
    signed = [r.signed_at for r in live]
    answered = [r.answered_at for r in live]
    signed_at = max(t for t in signed if t) if live and all(signed) else None
    answered_at = max(t for t in answered if t) if live and all(answered) else None
    await conn.execute(queries.UPDATE_CALL_STATE, access.tenant.id, call.id, state, signed_at, answered_at)
    if state != call.state:
        await record_step(conn, access, call.id, f"call_{state}", from_state=call.state, to_state=state)
    return state


async def check_location(conn: asyncpg.Connection, tenant_id: uuid.UUID, data: CallCreate) -> None:
    codes = [c for c in (data.township_code, data.village_code, data.grid_code) if c]
    found = {r.code: r for r in await queries.place_rows(conn, tenant_id, codes)}
    township = found.get(data.township_code)
    if township is None or township.kind not in ("town", "township", "street", "development_zone"):
        raise ValidationFailed.on(
            "township_code", Text("field.not-township-street-tenant", township_code=data.township_code)
        )
    if data.village_code:
        village = found.get(data.village_code)
        if village is None or village.parent_code != data.township_code:
            raise ValidationFailed.on(
                "village_code", Text("field.not-village-community-township", village_code=data.village_code)
            )
    if data.grid_code:
        grid = found.get(data.grid_code)
        parent = data.village_code
        if grid is None or grid.kind != "grid" or (parent and grid.parent_code != parent):
            raise ValidationFailed.on("grid_code", Text("field.not-grid-given-village", grid_code=data.grid_code))
        if not data.grid_code.startswith(data.township_code[:9]):
            raise ValidationFailed.on(
                "grid_code", Text("field.not-township", grid_code=data.grid_code, township_code=data.township_code)
            )


async def check_units_exist(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str], field: str
) -> dict[str, str]:
    names = await queries.unit_names(conn, tenant_id, codes)
    missing = [c for c in codes if c not in names]
    if missing:
        raise ValidationFailed.on(field, Text("field.no-unit-tenant-2", value=list(missing)))
    return names
