"""Calls (乡呼县应 / 吹哨报到): raise, dispatch by the list, respond, re-route, close.

Every operation is one tenant transaction that locks the call row, checks the caller's role
and the state (:mod:`core.calls.states`), writes the change and appends a step to the call's
history (``call_steps``) with who, when, why and what — so re-routing (转派), send-backs
(退回), extension requests, supervision and urging (督办/催办) are all on record — and emits
an event when the event outbox is installed.

Roles: a township key raises, urges and follows up calls of its own township; a department
key sees and answers the dispatches to its own unit; the admin key (the county office)
sees everything, dispatches and re-routes, decides extensions and supervises. A call the
caller may not see answers 404; an action its role may not take on a visible call, 403.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from core import calendar, events
from core.access import Access, Role
from core.calls import routing
from core.calls.model import (
    Answer,
    CallCreate,
    CallView,
    DispatchView,
    Extension,
    ExtensionDecision,
    ExtensionRequest,
    FollowUp,
    Proposal,
    Reroute,
    SendBack,
    StepView,
    Urge,
    Violation,
)
from core.calls.states import (
    CALL_STATES,
    DISPATCH_STATES,
    OPEN_CALL,
    CallClass,
    call_classes,
    call_state_of,
    check_dispatch_move,
    require_call_state,
    require_county_office,
    require_township_actor,
    require_unit_actor,
)
from core.db import tenant_transaction
from core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from core.inputs import check_day
from core.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of

UTC = datetime.UTC
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def now() -> datetime.datetime:
    return datetime.datetime.now(UTC)


# --------------------------------------------------------------------------- deadlines


async def _deadline(
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


async def _deadlines(
    conn: asyncpg.Connection, access: Access, cls: CallClass, start: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    sign = await _deadline(conn, access.tenant.id, start, cls.sign_working_days, cls.sign_hours)
    answer = await _deadline(conn, access.tenant.id, start, cls.answer_working_days, cls.answer_hours)
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


async def _load(conn: asyncpg.Connection, access: Access, call_id: uuid.UUID, *, lock: bool = False) -> Any:
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


async def _view(conn: asyncpg.Connection, access: Access, call_id: uuid.UUID) -> CallView:
    row = await _load(conn, access, call_id)
    return _call_view(row, (await _dispatches_of(conn, access.tenant.id, [call_id]))[call_id], call_classes(access))


async def get_call(access: Access, call_id: uuid.UUID) -> CallView:
    async with tenant_transaction(access.tenant.id) as conn:
        return await _view(conn, access, call_id)


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
        await _load(conn, access, call_id)
        rows = await conn.fetch(
            "SELECT seq, at, action, unit_code, from_state, to_state, actor_role, actor_name, comment, data"
            " FROM call_steps WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq",
            access.tenant.id,
            call_id,
        )
    return [StepView(**{**dict(r), "data": msgspec.json.decode(r["data"])}) for r in rows]


# --------------------------------------------------------------------------- writing helpers


async def _step(
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


async def _dispatch_to(
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
    sign, answer = await _deadlines(conn, access, cls, at)
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
        await _step(
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


async def _refresh_call_state(
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
        await _step(conn, access, call["id"], f"call_{state}", from_state=call["state"], to_state=state)
    return state


async def _check_location(conn: asyncpg.Connection, tenant_id: uuid.UUID, data: CallCreate) -> None:
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


async def _units_exist(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str], field: str) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT code, name FROM units WHERE tenant_id = $1 AND code = ANY($2::text[])", tenant_id, codes
    )
    names = {r["code"]: r["name"] for r in rows}
    missing = [c for c in codes if c not in names]
    if missing:
        raise ValidationFailed.on(field, f"no unit {', '.join(missing)} in this tenant")
    return names


# --------------------------------------------------------------------------- raising and routing


async def raise_call(access: Access, data: CallCreate) -> CallView:
    """A township raises a call; the platform proposes units from its list and dispatches."""
    require_township_actor(access, data.township_code, "raise a call")
    if data.unit_codes is not None and not access.is_admin:
        raise PermissionDenied("units are chosen from the township's list; only the county office names them itself")
    classes = call_classes(access)
    cls = classes.get(data.call_class)
    if cls is None:
        raise ValidationFailed.on("call_class", f"unknown class {data.call_class!r}; use one of {', '.join(classes)}")
    async with tenant_transaction(access.tenant.id) as conn:
        await _check_location(conn, access.tenant.id, data)
        at = now()
        sign, answer = await _deadlines(conn, access, cls, at)
        if data.item_code:
            if not await _on_published_list(conn, access.tenant.id, data.township_code, data.item_code):
                raise ValidationFailed.on(
                    "item_code", f"{data.item_code} is not on the published list of {data.township_code}"
                )
        call = await conn.fetchrow(
            "INSERT INTO calls (tenant_id, township_code, village_code, grid_code, subject, description, call_class,"
            " item_code, raised_at, raised_by, sign_deadline, answer_deadline)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id, call_class, raised_at, state",
            access.tenant.id,
            data.township_code,
            data.village_code,
            data.grid_code,
            data.subject,
            data.description,
            data.call_class,
            data.item_code,
            at,
            access.principal.name,
            sign,
            answer,
        )
        assert call is not None  # INSERT … RETURNING returns the row it inserted
        await _step(conn, access, call["id"], "raise", to_state="received", at=at, data={"call_class": cls.code})
        if data.dispatch:
            if data.unit_codes is not None:
                names = await _units_exist(conn, access.tenant.id, data.unit_codes, "unit_codes")
                proposals = [
                    Proposal(c, names[c], "primary" if i == 0 else "cooperating", data.item_code or "", "", 0.0)
                    for i, c in enumerate(dict.fromkeys(data.unit_codes))
                ]
            else:
                proposals = await routing.propose(
                    conn,
                    access,
                    data.township_code,
                    text=None if data.item_code else f"{data.subject} {data.description}",
                    item_code=data.item_code,
                )
                proposals = _strongest_item(proposals)
            if proposals:
                await _dispatch_to(conn, access, call, proposals, comment="按清单派单")
                await _refresh_call_state(conn, access, call, action="dispatch")
        return await _view(conn, access, call["id"])


def _strongest_item(proposals: list[Proposal]) -> list[Proposal]:
    """Text search may match several items: dispatch to the best item's parties only."""
    if not proposals:
        return proposals
    best = max(proposals, key=lambda p: p.score).item_code
    return [p for p in proposals if p.item_code == best] or proposals


async def _on_published_list(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM township_lists l JOIN township_version_entries e ON e.tenant_id = l.tenant_id"
            " AND e.township_code = l.township_code AND e.number = l.published_number"
            " WHERE l.tenant_id = $1 AND l.township_code = $2 AND e.item_code = $3",
            tenant_id,
            township,
            item_code,
        )
    )


async def proposal(access: Access, call_id: uuid.UUID) -> list[Proposal]:
    """What the list proposes for the call now, leaving out units that sent it back."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id)
        return await _propose_for(conn, access, call)


async def _propose_for(conn: asyncpg.Connection, access: Access, call: Any) -> list[Proposal]:
    excluded = await conn.fetch(
        "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state = 'sent_back'",
        access.tenant.id,
        call["id"],
    )
    found = await routing.propose(
        conn,
        access,
        call["township_code"],
        text=f"{call['subject']} {call['description']}",
        item_code=call["item_code"],
        exclude=[r["unit_code"] for r in excluded],
    )
    return found if call["item_code"] else _strongest_item(found)


async def dispatch(access: Access, call_id: uuid.UUID, unit_codes: list[str] | None = None) -> CallView:
    """The county office dispatches a call still waiting (待受理): to the units it names, or
    to what the list proposes."""
    require_county_office(access, "dispatch a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        require_call_state("dispatch", call["state"], ("received",))
        if unit_codes:
            names = await _units_exist(conn, access.tenant.id, unit_codes, "unit_codes")
            proposals = [Proposal(c, names[c], "primary", call["item_code"] or "", "", 0.0) for c in unit_codes]
        else:
            proposals = await _propose_for(conn, access, call)
            if not proposals:
                raise ValidationFailed.on("unit_codes", "the list proposes no unit for this call; name the units")
        await _dispatch_to(conn, access, call, proposals)
        await _refresh_call_state(conn, access, call, action="dispatch")
        return await _view(conn, access, call_id)


# --------------------------------------------------------------------------- a unit's response


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
        call = await _load(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, action.replace("_", " "))
        require_call_state(action, call["state"], OPEN_CALL)
        current = await conn.fetchval(
            "SELECT state FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
        )
        if current is None:
            raise NotFound(f"call {call_id} was not dispatched to {unit}")
        target = check_dispatch_move(action, current)
        moved = await conn.fetchrow(
            f"UPDATE call_dispatches SET state = $4{sets} WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3"
            " RETURNING signed_at > sign_deadline AS late_sign, answered_at > answer_deadline AS late_answer,"
            " sign_deadline, answer_deadline",
            access.tenant.id,
            call_id,
            unit,
            target,
            *args,
        )
        assert moved is not None  # the dispatch row was read above under the call's lock
        await _step(
            conn, access, call_id, action, unit=unit, from_state=current, to_state=target, comment=comment, data=data
        )
        stage = {"sign_for": "sign", "answer": "answer"}.get(action)
        if stage and moved[f"late_{stage}"]:
            # reported at once to the systems that subscribe (discipline inspection, evaluation)
            await events.emit(
                conn,
                access.tenant.id,
                "call.late_response",
                f"calls/{call_id}",
                {"call_id": str(call_id), "unit_code": unit, "stage": stage, "deadline": moved[f"{stage}_deadline"]},
            )
        await _refresh_call_state(conn, access, call, action=action, redo=True)
        return await _view(conn, access, call_id)


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
        call = await _load(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, "send back a call")
        require_call_state("send back", call["state"], OPEN_CALL)
        current = await conn.fetchval(
            "SELECT state FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
        )
        if current is None:
            raise NotFound(f"call {call_id} was not dispatched to {unit}")
        target = check_dispatch_move("send_back", current)
        await conn.execute(
            "UPDATE call_dispatches SET state = 'sent_back', sent_back_at = $4, send_back_reason = $5"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
            now(),
            data.reason,
        )
        await conn.execute(
            "UPDATE calls SET send_back_count = send_back_count + 1 WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            call_id,
        )
        await _step(
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
        taken = await conn.fetch(
            "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state <> 'sent_back'",
            access.tenant.id,
            call_id,
        )
        held = {r["unit_code"] for r in taken}
        fresh = [p for p in await _propose_for(conn, access, call) if p.unit_code not in held]
        if fresh and not held:
            fresh[0] = msgspec.structs.replace(fresh[0], role="primary")
        if fresh:
            await _dispatch_to(
                conn,
                access,
                call,
                fresh,
                action="reroute",
                comment=f"{unit} 退回：{data.reason}",
                data={"from_unit": unit, "by": "list", "cited_item": data.item_code},
            )
        await _refresh_call_state(conn, access, call, action="send_back", redo=True)
        return await _view(conn, access, call_id)


async def reroute(access: Access, call_id: uuid.UUID, data: Reroute) -> CallView:
    """转派 by the county office: to another unit (and off ``from_unit``), logged with why."""
    require_county_office(access, "re-route a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        require_call_state("re-route", call["state"], ("received", *OPEN_CALL))
        names = await _units_exist(conn, access.tenant.id, [data.to_unit], "to_unit")
        if data.from_unit:
            moved = await conn.fetchval(
                "UPDATE call_dispatches SET state = 'sent_back', sent_back_at = $4, send_back_reason = $5"
                " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3 AND state <> 'sent_back' RETURNING true",
                access.tenant.id,
                call_id,
                data.from_unit,
                now(),
                f"转派：{data.reason}",
            )
            if not moved:
                raise ValidationFailed.on("from_unit", f"the call has no live dispatch to {data.from_unit}")
        live = await conn.fetchval(
            "SELECT true FROM call_dispatches"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3 AND state <> 'sent_back'",
            access.tenant.id,
            call_id,
            data.to_unit,
        )
        if live:
            raise ValidationFailed.on("to_unit", f"{data.to_unit} already has this call")
        proposal = Proposal(data.to_unit, names[data.to_unit], data.role, call["item_code"] or "", "", 0.0)
        await _dispatch_to(
            conn,
            access,
            call,
            [proposal],
            action="reroute",
            comment=data.reason,
            data={"from_unit": data.from_unit, "by": "county_office"},
        )
        await _refresh_call_state(conn, access, call, action="reroute", redo=True)
        return await _view(conn, access, call_id)


async def request_extension(access: Access, call_id: uuid.UUID, unit: str, data: ExtensionRequest) -> CallView:
    if (data.working_days is None) == (data.hours is None):
        raise ValidationFailed.on("working_days", "give either working_days or hours")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        require_unit_actor(access, unit, "request an extension")
        require_call_state("request an extension", call["state"], OPEN_CALL)
        row = await conn.fetchrow(
            "SELECT state, extension FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
        )
        if row is None:
            raise NotFound(f"call {call_id} was not dispatched to {unit}")
        check_dispatch_move("request_extension", row["state"])
        if row["extension"] and msgspec.json.decode(row["extension"])["state"] == "requested":
            raise ValidationFailed.on("reason", "an extension request is already waiting for a decision")
        ext = Extension("requested", data.reason, data.working_days, data.hours, now())
        await conn.execute(
            "UPDATE call_dispatches SET extension = $4::jsonb WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
            msgspec.json.encode(ext).decode(),
        )
        await _step(
            conn,
            access,
            call_id,
            "request_extension",
            unit=unit,
            comment=data.reason,
            data={"working_days": data.working_days, "hours": data.hours},
        )
        return await _view(conn, access, call_id)


async def decide_extension(access: Access, call_id: uuid.UUID, unit: str, data: ExtensionDecision) -> CallView:
    """Approve (the answer deadline moves) or refuse a unit's extension request."""
    require_county_office(access, "decide an extension")
    async with tenant_transaction(access.tenant.id) as conn:
        await _load(conn, access, call_id, lock=True)
        row = await conn.fetchrow(
            "SELECT answer_deadline, extension FROM call_dispatches"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
        )
        if row is None:
            raise NotFound(f"call {call_id} was not dispatched to {unit}")
        ext = msgspec.json.decode(row["extension"], type=Extension) if row["extension"] else None
        if ext is None or ext.state != "requested":
            raise ValidationFailed.on("approved", f"{unit} has no extension request waiting")
        decided = msgspec.structs.replace(
            ext, state="approved" if data.approved else "refused", decided_at=now(), comment=data.comment
        )
        new_deadline = row["answer_deadline"]
        if data.approved:
            new_deadline = await _deadline(conn, access.tenant.id, row["answer_deadline"], ext.working_days, ext.hours)
        await conn.execute(
            "UPDATE call_dispatches SET extension = $4::jsonb, answer_deadline = $5"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            access.tenant.id,
            call_id,
            unit,
            msgspec.json.encode(decided).decode(),
            new_deadline,
        )
        await conn.execute(
            "UPDATE calls SET answer_deadline = GREATEST(answer_deadline, $3), revision = revision + 1"
            " WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            call_id,
            new_deadline,
        )
        await _step(
            conn,
            access,
            call_id,
            "approve_extension" if data.approved else "refuse_extension",
            unit=unit,
            comment=data.comment,
            data={"answer_deadline": new_deadline.isoformat()},
        )
        return await _view(conn, access, call_id)


async def urge(access: Access, call_id: uuid.UUID, data: Urge) -> CallView:
    """督办 (the county office) or 催办 (the township or the county office), recorded."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        if data.kind == "supervise":
            require_county_office(access, "supervise a call (督办)")
        else:
            require_township_actor(access, call["township_code"], "urge a call (催办)")
        require_call_state(data.kind, call["state"], ("received", *OPEN_CALL))
        if data.unit_code:
            live = await conn.fetchval(
                "SELECT true FROM call_dispatches"
                " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3 AND state <> 'sent_back'",
                access.tenant.id,
                call_id,
                data.unit_code,
            )
            if not live:
                raise ValidationFailed.on("unit_code", f"the call has no live dispatch to {data.unit_code}")
        await _step(conn, access, call_id, data.kind, unit=data.unit_code, comment=data.comment)
        return await _view(conn, access, call_id)


# --------------------------------------------------------------------------- closing


async def follow_up(access: Access, call_id: uuid.UUID, data: FollowUp) -> CallView:
    """回访: the township rates the answer. Resolved → closed (办结); not resolved → redo
    (重办): every unit works on it again with fresh answer deadlines, and the answer counts
    as a response without action."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        require_township_actor(access, call["township_code"], "follow up a call")
        require_call_state("follow up", call["state"], ("answered",))
        answered = await conn.fetch(
            "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state = 'answered'",
            access.tenant.id,
            call_id,
        )
        units = [r["unit_code"] for r in answered]
        at = now()
        step_data = {"resolved": data.resolved, "satisfaction": data.satisfaction, "units": units}
        if data.resolved:
            await conn.execute(
                "UPDATE calls SET state = 'closed', closed_at = $3, resolved = true, satisfaction = $4,"
                " follow_up_note = $5, revision = revision + 1 WHERE tenant_id = $1 AND id = $2",
                access.tenant.id,
                call_id,
                at,
                data.satisfaction,
                data.comment,
            )
            await _step(
                conn,
                access,
                call_id,
                "follow_up",
                from_state="answered",
                to_state="closed",
                comment=data.comment,
                data=step_data,
                at=at,
            )
        else:
            cls = call_classes(access)[call["call_class"]]
            answer_by = await _deadline(conn, access.tenant.id, at, cls.answer_working_days, cls.answer_hours)
            await conn.execute(
                "UPDATE call_dispatches SET state = 'in_progress', answered_at = NULL, answer_deadline = $3"
                " WHERE tenant_id = $1 AND call_id = $2 AND state = 'answered'",
                access.tenant.id,
                call_id,
                answer_by,
            )
            await conn.execute(
                "UPDATE calls SET state = 'redo', resolved = false, satisfaction = $3, follow_up_note = $4,"
                " answered_at = NULL, redo_count = redo_count + 1, revision = revision + 1"
                " WHERE tenant_id = $1 AND id = $2",
                access.tenant.id,
                call_id,
                data.satisfaction,
                data.comment,
            )
            await _step(
                conn,
                access,
                call_id,
                "follow_up",
                from_state="answered",
                to_state="redo",
                comment=data.comment,
                data=step_data,
                at=at,
            )
        return await _view(conn, access, call_id)


async def archive(access: Access, call_id: uuid.UUID) -> CallView:
    require_county_office(access, "archive a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await _load(conn, access, call_id, lock=True)
        require_call_state("archive", call["state"], ("closed",))
        await conn.execute(
            "UPDATE calls SET state = 'archived', revision = revision + 1 WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            call_id,
        )
        await _step(conn, access, call_id, "archive", from_state="closed", to_state="archived")
        return await _view(conn, access, call_id)


# --------------------------------------------------------------------------- violations


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
