"""Raising a call and dispatching it by the township's published list."""

from __future__ import annotations

import uuid

import asyncpg

from core.calls import queries, routing
from core.calls.model import (
    CallCreate,
    CallView,
    Proposal,
)
from core.calls.queries import CallRow
from core.calls.reading import deadlines_for, load_call, now, read_call
from core.calls.states import (
    call_classes,
    require_call_state,
    require_county_office,
    require_township_actor,
)
from core.calls.steps import check_location, check_units_exist, dispatch_to, record_step, refresh_call_state
from core.platform.db import tenant_transaction
from core.platform.errors import PermissionDenied, ValidationFailed
from core.platform.messages import Text
from core.security.access import Access


async def raise_call(access: Access, data: CallCreate) -> CallView:
    """A township raises a call; the platform proposes units from its list and dispatches."""
    require_township_actor(access, data.township_code, "raise a call")
    if data.unit_codes is not None and not access.is_admin:
        raise PermissionDenied(Text("forbidden.units-are-chosen-from"))
    classes = call_classes(access)
    cls = classes.get(data.call_class)
    if cls is None:
        raise ValidationFailed.on(
            "call_class", Text("field.unknown-class-use-one", call_class=data.call_class, value=list(classes))
        )
    async with tenant_transaction(access.tenant.id) as conn:
        await check_location(conn, access.tenant.id, data)
        at = now()
        sign, answer = await deadlines_for(conn, access, cls, at)
        if data.item_code:
            if not await queries.on_published_list(conn, access.tenant.id, data.township_code, data.item_code):
                raise ValidationFailed.on(
                    "item_code",
                    Text("field.not-published-list", item_code=data.item_code, township_code=data.township_code),
                )
        call = await queries.insert_call(
            conn,
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
        await record_step(conn, access, call.id, "raise", to_state="received", at=at, data={"call_class": cls.code})
        if data.dispatch:
            if data.unit_codes is not None:
                names = await check_units_exist(conn, access.tenant.id, data.unit_codes, "unit_codes")
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
                await dispatch_to(conn, access, call, proposals, comment="按清单派单")
                await refresh_call_state(conn, access, call, action="dispatch")
        return await read_call(conn, access, call.id)


def _strongest_item(proposals: list[Proposal]) -> list[Proposal]:
    """Text search may match several items: dispatch to the best item's parties only."""
    if not proposals:
        return proposals
    best = max(proposals, key=lambda p: p.score).item_code
    return [p for p in proposals if p.item_code == best] or proposals


async def proposal(access: Access, call_id: uuid.UUID) -> list[Proposal]:
    """What the list proposes for the call now, leaving out units that sent it back."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id)
        return await propose_for(conn, access, call)


async def propose_for(conn: asyncpg.Connection, access: Access, call: CallRow) -> list[Proposal]:
    found = await routing.propose(
        conn,
        access,
        call.township_code,
        text=f"{call.subject} {call.description}",
        item_code=call.item_code,
        exclude=await queries.sent_back_units(conn, access.tenant.id, call.id),
    )
    return found if call.item_code else _strongest_item(found)


async def dispatch(access: Access, call_id: uuid.UUID, unit_codes: list[str] | None = None) -> CallView:
    """The county office dispatches a call still waiting (待受理): to the units it names, or
    to what the list proposes."""
    require_county_office(access, "dispatch a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_call_state("dispatch", call.state, ("received",))
        if unit_codes:
            names = await check_units_exist(conn, access.tenant.id, unit_codes, "unit_codes")
            proposals = [Proposal(c, names[c], "primary", call.item_code or "", "", 0.0) for c in unit_codes]
        else:
            proposals = await propose_for(conn, access, call)
            if not proposals:
                raise ValidationFailed.on("unit_codes", Text("field.list-proposes-no-unit"))
        await dispatch_to(conn, access, call, proposals)
        await refresh_call_state(conn, access, call, action="dispatch")
        return await read_call(conn, access, call_id)
