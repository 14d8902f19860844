"""Expired call deadlines (乡呼县应): a unit that did not sign for (报到) or answer in time.

Calls keep their own deadlines per dispatch (:mod:`core.calls.steps`), so the workflow
engine's sweep (``POST …/workflows/process-deadlines`` and the app's timer) asks this module
too: every open call's live dispatch past its deadline is reported, and where the tenant's call
workflow says the state escalates (the template: an unsigned dispatch goes to the county office,
``admin``) it is escalated once per deadline — a step ``escalate`` in the call's history naming
the unit, the deadline and to whom, and a ``call.escalate`` event. A deadline moved by an
approved extension, or a new dispatch after a send-back, can escalate again.
"""

from __future__ import annotations

import datetime

from core.calls import queries
from core.calls.reading import now
from core.calls.steps import record_step
from core.platform.db import tenant_transaction
from core.security.access import Access
from core.workflow.engine import OverdueView, register_expiry
from core.workflow.registry import definition_of_kind

#: What the history says, by the deadline that passed.
MISSED = {"dispatched": "超过报到时限未签收", "signed_for": "超过办理时限未答复", "in_progress": "超过办理时限未答复"}
LIMIT = 500


async def process_expired_calls(access: Access, at: datetime.datetime | None) -> list[OverdueView]:
    """Escalate what the call workflow escalates; return every overdue live dispatch (at most 500)."""
    d = definition_of_kind(access, "call").definition
    states = {s.name: s for s in d.states}
    found: list[OverdueView] = []
    async with tenant_transaction(access.tenant.id) as conn:
        for r in await queries.overdue_dispatch_rows(conn, access.tenant.id, at or now(), LIMIT):
            state = states.get(r.state)
            deadline = state.deadline if state else None
            escalates = deadline is not None and deadline.on_expiry == "escalate" and deadline.escalate_to
            to = deadline.escalate_to if escalates and deadline else None
            if to and not r.escalated:
                await queries.call_row(conn, access.tenant.id, r.call_id, lock=True)  # record_step needs the lock
                await record_step(
                    conn,
                    access,
                    r.call_id,
                    "escalate",
                    unit=r.unit_code,
                    from_state=r.state,
                    to_state=r.state,
                    comment=f"{MISSED.get(r.state, '超过时限')}，提请{'县级督办' if to == 'admin' else to}",
                    data={
                        "deadline": "sign" if r.state == "dispatched" else "answer",
                        "due_at": r.due_at.isoformat(),
                        "escalated_to": to,
                    },
                )
            found.append(
                OverdueView(
                    id=r.call_id,
                    definition=d.name,
                    kind="call",
                    subject=r.subject,
                    state=r.state,
                    due_at=r.due_at,
                    on_expiry=deadline.on_expiry if deadline else "mark_overdue",
                    escalated_to=to,
                    unit_code=r.unit_code,
                )
            )
    return found


register_expiry(process_expired_calls)
