"""Closing a call: the township's follow-up (satisfaction) and archiving."""

from __future__ import annotations

import uuid

from core.calls import queries
from core.calls.model import (
    CallView,
    FollowUp,
)
from core.calls.reading import deadline_at, load_call, now, read_call
from core.calls.states import (
    call_classes,
    require_call_state,
    require_county_office,
    require_township_actor,
)
from core.calls.steps import record_step
from core.platform.db import tenant_transaction
from core.security.access import Access


async def follow_up(access: Access, call_id: uuid.UUID, data: FollowUp) -> CallView:
    """回访: the township rates the answer. Resolved → closed (办结); not resolved → redo
    (重办): every unit works on it again with fresh answer deadlines, and the answer counts
    as a response without action."""
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_township_actor(access, call.township_code, "follow up a call")
        require_call_state("follow up", call.state, ("answered",))
        units = await queries.answered_units(conn, access.tenant.id, call_id)
        at = now()
        step_data = {"resolved": data.resolved, "satisfaction": data.satisfaction, "units": units}
        if data.resolved:
            await conn.execute(queries.CLOSE_CALL, access.tenant.id, call_id, at, data.satisfaction, data.comment)
            await record_step(
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
            cls = call_classes(access)[call.call_class]
            answer_by = await deadline_at(conn, access.tenant.id, at, cls.answer_working_days, cls.answer_hours)
            await conn.execute(queries.REDO_DISPATCHES, access.tenant.id, call_id, answer_by)
            await conn.execute(queries.REDO_CALL, access.tenant.id, call_id, data.satisfaction, data.comment)
            await record_step(
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
        return await read_call(conn, access, call_id)


async def archive(access: Access, call_id: uuid.UUID) -> CallView:
    require_county_office(access, "archive a call")
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        require_call_state("archive", call.state, ("closed",))
        await conn.execute(queries.ARCHIVE_CALL, access.tenant.id, call_id)
        await record_step(conn, access, call_id, "archive", from_state="closed", to_state="archived")
        return await read_call(conn, access, call_id)
