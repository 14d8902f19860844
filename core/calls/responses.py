"""A unit's response to a dispatch: sign for, start, answer, send back, re-route, extensions, urging."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from core.calls import queries
from core.calls.model import (
    Answer,
    CallView,
    Extension,
    ExtensionDecision,
    ExtensionRequest,
    Proposal,
    Reroute,
    SendBack,
    Urge,
)
from core.calls.raising import propose_for
from core.calls.reading import deadline_at, load_call, now, read_call
from core.calls.states import (
    OPEN_CALL,
    check_dispatch_move,
    require_call_state,
    require_county_office,
    require_township_actor,
    require_unit_actor,
)
from core.calls.steps import check_units_exist, dispatch_to, record_step, refresh_call_state
from core.events import service as events
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.messages import Text
from core.security.access import Access


async def _move_dispatch(
    access: Access,
    call_id: uuid.UUID,
    unit: str,
    action: str,
    *,
    sets: str = "",
    args: tuple[Any, ...] = (),
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> CallView:
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, action.replace("_", " "))
        require_call_state(action, call.state, OPEN_CALL)
        current = await queries.dispatch_state(conn, access.tenant.id, call_id, unit)
        if current is None:
            raise NotFound(Text("not-found.call-was-not-dispatched", call_id=call_id, unit=unit))
        target = check_dispatch_move(action, current)
        moved = await queries.move_dispatch(conn, access.tenant.id, call_id, unit, target, sets, *args)
        assert moved is not None, "the dispatch row was read above under the call's lock"
        await record_step(
            conn, access, call_id, action, unit=unit, from_state=current, to_state=target, comment=comment, data=data
        )
        stage, late, deadline = {
            "sign_for": ("sign", moved.late_sign, moved.sign_deadline),
            "answer": ("answer", moved.late_answer, moved.answer_deadline),
        }.get(action, ("", False, None))
        if late:
            # reported at once to the systems that subscribe (discipline inspection, evaluation)
            await events.emit(
                conn,
                access.tenant.id,
                "call.late_response",
                f"calls/{call_id}",
                {"call_id": str(call_id), "unit_code": unit, "stage": stage, "deadline": deadline},
            )
        await refresh_call_state(conn, access, call, action=action, redo=True)
        return await read_call(conn, access, call_id)


async def sign_for(access: Access, call_id: uuid.UUID, unit: str) -> CallView:
    """报到: the unit acknowledges the call."""
    return await _move_dispatch(access, call_id, unit, "sign_for", sets=", signed_at = $5", args=(now(),))


async def start(access: Access, call_id: uuid.UUID, unit: str) -> CallView:
    return await _move_dispatch(access, call_id, unit, "start")


async def answer(access: Access, call_id: uuid.UUID, unit: str, data: Answer) -> CallView:
    """The unit's feedback (反馈): what it did."""
    return await _move_dispatch(
        access,
        call_id,
        unit,
        "answer",
        sets=", answered_at = $5, feedback = $6",
        args=(now(), data.feedback),
        comment=data.feedback,
    )


async def send_back(access: Access, call_id: uuid.UUID, unit: str, data: SendBack) -> CallView:
    """退回: not this unit's responsibility by the list. The platform re-proposes from the
    list without it and dispatches to the new units (转派, logged with who and why); with
    nobody left the call waits for the county office (待受理)."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, "send back a call")
        require_call_state("send back", call.state, OPEN_CALL)
        current = await queries.dispatch_state(conn, access.tenant.id, call_id, unit)
        if current is None:
            raise NotFound(Text("not-found.call-was-not-dispatched", call_id=call_id, unit=unit))
        target = check_dispatch_move("send_back", current)
        await conn.execute(queries.SEND_BACK_DISPATCH, access.tenant.id, call_id, unit, now(), data.reason)
        await conn.execute(queries.COUNT_SEND_BACK, access.tenant.id, call_id)
        await record_step(
            conn,
            access,
            call_id,
            "send_back",
            unit=unit,
            from_state=current,
            to_state=target,
            comment=data.reason,
            data={"item_code": data.item_code},
        )
        held = set(await queries.live_units(conn, access.tenant.id, call_id))
        fresh = [p for p in await propose_for(conn, access, call) if p.unit_code not in held]
        if fresh and not held:
            fresh[0] = msgspec.structs.replace(fresh[0], role="primary")
        if fresh:
            await dispatch_to(
                conn,
                access,
                call,
                fresh,
                action="reroute",
                comment=f"{unit} 退回：{data.reason}",
                data={"from_unit": unit, "by": "list", "cited_item": data.item_code},
            )
        await refresh_call_state(conn, access, call, action="send_back", redo=True)
        return await read_call(conn, access, call_id)


async def reroute(access: Access, call_id: uuid.UUID, data: Reroute) -> CallView:
    """转派 by the county office: to another unit (and off ``from_unit``), logged with why."""
    require_county_office(access, "re-route a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_call_state("re-route", call.state, ("received", *OPEN_CALL))
        names = await check_units_exist(conn, access.tenant.id, [data.to_unit], "to_unit")
        if data.from_unit:
            moved = await queries.take_off(
                conn, access.tenant.id, call_id, data.from_unit, now(), f"转派：{data.reason}"
            )
            if not moved:
                raise ValidationFailed.on("from_unit", Text("field.call-has-no-live", from_unit=data.from_unit))
        if await queries.has_live_dispatch(conn, access.tenant.id, call_id, data.to_unit):
            raise ValidationFailed.on("to_unit", Text("field.already-has-call", to_unit=data.to_unit))
        proposal = Proposal(data.to_unit, names[data.to_unit], data.role, call.item_code or "", "", 0.0)
        await dispatch_to(
            conn,
            access,
            call,
            [proposal],
            action="reroute",
            comment=data.reason,
            data={"from_unit": data.from_unit, "by": "county_office"},
        )
        await refresh_call_state(conn, access, call, action="reroute", redo=True)
        return await read_call(conn, access, call_id)


async def request_extension(access: Access, call_id: uuid.UUID, unit: str, data: ExtensionRequest) -> CallView:
    if (data.working_days is None) == (data.hours is None):
        raise ValidationFailed.on("working_days", Text("field.give-either-working-days"))
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, "request an extension")
        require_call_state("request an extension", call.state, OPEN_CALL)
        row = await queries.extension_state(conn, access.tenant.id, call_id, unit)
        if row is None:
            raise NotFound(Text("not-found.call-was-not-dispatched", call_id=call_id, unit=unit))
        check_dispatch_move("request_extension", row.state)
        if row.extension and msgspec.json.decode(row.extension, type=Extension).state == "requested":
            raise ValidationFailed.on("reason", Text("field.extension-request-already-waiting"))
        ext = Extension("requested", data.reason, data.working_days, data.hours, now())
        await conn.execute(queries.SET_EXTENSION, access.tenant.id, call_id, unit, msgspec.json.encode(ext).decode())
        await record_step(
            conn,
            access,
            call_id,
            "request_extension",
            unit=unit,
            comment=data.reason,
            data={"working_days": data.working_days, "hours": data.hours},
        )
        return await read_call(conn, access, call_id)


async def decide_extension(access: Access, call_id: uuid.UUID, unit: str, data: ExtensionDecision) -> CallView:
    """Approve (the answer deadline moves) or refuse a unit's extension request."""
    require_county_office(access, "decide an extension")
    async with tenant_transaction(access.tenant.id) as conn:
        await load_call(conn, access, call_id, lock=True)
        row = await queries.extension_deadline(conn, access.tenant.id, call_id, unit)
        if row is None:
            raise NotFound(Text("not-found.call-was-not-dispatched", call_id=call_id, unit=unit))
        ext = msgspec.json.decode(row.extension, type=Extension) if row.extension else None
        if ext is None or ext.state != "requested":
            raise ValidationFailed.on("approved", Text("field.has-no-extension-request", unit=unit))
        decided = msgspec.structs.replace(
            ext, state="approved" if data.approved else "refused", decided_at=now(), comment=data.comment
        )
        new_deadline = row.answer_deadline
        if data.approved:
            new_deadline = await deadline_at(conn, access.tenant.id, row.answer_deadline, ext.working_days, ext.hours)
        await conn.execute(
            queries.DECIDE_EXTENSION,
            access.tenant.id,
            call_id,
            unit,
            msgspec.json.encode(decided).decode(),
            new_deadline,
        )
        await conn.execute(queries.EXTEND_CALL, access.tenant.id, call_id, new_deadline)
        await record_step(
            conn,
            access,
            call_id,
            "approve_extension" if data.approved else "refuse_extension",
            unit=unit,
            comment=data.comment,
            data={"answer_deadline": new_deadline.isoformat()},
        )
        return await read_call(conn, access, call_id)


async def urge(access: Access, call_id: uuid.UUID, data: Urge) -> CallView:
    """督办 (the county office) or 催办 (the township or the county office), recorded."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        if data.kind == "supervise":
            require_county_office(access, "supervise a call (督办)")
        else:
            require_township_actor(access, call.township_code, "urge a call (催办)")
        require_call_state(data.kind, call.state, ("received", *OPEN_CALL))
        if data.unit_code:
            if not await queries.has_live_dispatch(conn, access.tenant.id, call_id, data.unit_code):
                raise ValidationFailed.on("unit_code", Text("field.call-has-no-live-2", unit_code=data.unit_code))
        await record_step(conn, access, call_id, data.kind, unit=data.unit_code, comment=data.comment)
        return await read_call(conn, access, call_id)
