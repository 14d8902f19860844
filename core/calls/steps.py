"""Writing a call's record: steps, dispatches, the call's derived state, and the checks of a new call."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import asyncpg
import msgspec

from core.calls.model import (
    CallCreate,
    Proposal,
)
from core.calls.reading import deadlines_for, now
from core.calls.states import (
    call_classes,
    call_state_of,
)
from core.events import service as events
from core.platform.errors import ValidationFailed
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
    seq = await conn.fetchval(
        "INSERT INTO call_steps (tenant_id, call_id, seq, at, action, unit_code, from_state, to_state,"
        " actor_role, actor_key, actor_name, comment, data)"
        " SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb"
        " FROM call_steps WHERE tenant_id = $1 AND call_id = $2 RETURNING seq",
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
    call: Any,
    proposals: list[Proposal],
    *,
    action: str = "dispatch",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """One dispatch row per unit, with deadlines from the call's class counted from now."""
    cls = call_classes(access).get(call["call_class"])
    assert cls is not None
    at = now()
    sign, answer = await deadlines_for(conn, access, cls, at)
    await conn.executemany(
        "INSERT INTO call_dispatches (tenant_id, call_id, unit_code, role, item_code, raised_at, dispatched_at,"
        " sign_deadline, answer_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (tenant_id, call_id, unit_code) DO UPDATE SET state = 'dispatched', role = EXCLUDED.role,"
        " dispatched_at = EXCLUDED.dispatched_at, sign_deadline = EXCLUDED.sign_deadline,"
        " answer_deadline = EXCLUDED.answer_deadline, signed_at = NULL, answered_at = NULL, feedback = '',"
        " sent_back_at = NULL, send_back_reason = NULL, extension = NULL",
        [
            (
                access.tenant.id,
                call["id"],
                p.unit_code,
                p.role,
                p.item_code or None,
                call["raised_at"],
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
            call["id"],
            action,
            unit=p.unit_code,
            to_state="dispatched",
            comment=comment,
            data={"role": p.role, "item_code": p.item_code, "item_title": p.item_title, **(data or {})},
            at=at,
        )


async def refresh_call_state(
    conn: asyncpg.Connection, access: Access, call: Any, *, action: str, redo: bool = False
) -> str:
    """Derive the call's state from its live dispatches and record a change."""
    rows = await conn.fetch(
        "SELECT state, signed_at, answered_at FROM call_dispatches"
        " WHERE tenant_id = $1 AND call_id = $2 AND state <> 'sent_back'",
        access.tenant.id,
        call["id"],
    )
    state = call_state_of([r["state"] for r in rows], redo=redo and call["state"] == "redo")
    live = rows or []
    signed_at = (
        max((r["signed_at"] for r in live), default=None) if live and all(r["signed_at"] for r in live) else None
    )
    answered_at = (
        max((r["answered_at"] for r in live), default=None) if live and all(r["answered_at"] for r in live) else None
    )
    await conn.execute(
        "UPDATE calls SET state = $3, signed_at = COALESCE(signed_at, $4), answered_at = $5, revision = revision + 1"
        " WHERE tenant_id = $1 AND id = $2",
        access.tenant.id,
        call["id"],
        state,
        signed_at,
        answered_at,
    )
    if state != call["state"]:
        await record_step(conn, access, call["id"], f"call_{state}", from_state=call["state"], to_state=state)
    return state


async def check_location(conn: asyncpg.Connection, tenant_id: uuid.UUID, data: CallCreate) -> None:
    codes = [c for c in (data.township_code, data.village_code, data.grid_code) if c]
    rows = await conn.fetch(
        "SELECT code, kind, parent_code FROM jurisdictions WHERE tenant_id = $1 AND code = ANY($2::text[])",
        tenant_id,
        codes,
    )
    found = {r["code"]: r for r in rows}
    township = found.get(data.township_code)
    if township is None or township["kind"] not in ("town", "township", "street", "development_zone"):
        raise ValidationFailed.on("township_code", f"{data.township_code} is not a township or street of this tenant")
    if data.village_code:
        village = found.get(data.village_code)
        if village is None or village["parent_code"] != data.township_code:
            raise ValidationFailed.on(
                "village_code", f"{data.village_code} is not a village or community of the township"
            )
    if data.grid_code:
        grid = found.get(data.grid_code)
        parent = data.village_code
        if grid is None or grid["kind"] != "grid" or (parent and grid["parent_code"] != parent):
            raise ValidationFailed.on("grid_code", f"{data.grid_code} is not a grid of the given village")
        if not data.grid_code.startswith(data.township_code[:9]):
            raise ValidationFailed.on("grid_code", f"{data.grid_code} is not in township {data.township_code}")


async def check_units_exist(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str], field: str
) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT code, name FROM units WHERE tenant_id = $1 AND code = ANY($2::text[])", tenant_id, codes
    )
    names = {r["code"]: r["name"] for r in rows}
    missing = [c for c in codes if c not in names]
    if missing:
        raise ValidationFailed.on(field, f"no unit {', '.join(missing)} in this tenant")
    return names
