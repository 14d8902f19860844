"""Expired workflow deadlines, applied for every tenant on a timer in the app process.

A workflow state's deadline says what happens when it passes (take a transition, escalate,
or only show as overdue: ``core.workflow``). Nothing would act on it between requests, so
each app process sweeps every ``QINGDAN_DEADLINE_SWEEP_SECONDS`` (60 by default; 0 turns
the sweep off). Several processes sweeping at once is safe: a transition takes its
instance's row lock and checks the state it leaves, and escalation happens once.
"""

from __future__ import annotations

import logging

from core.platform.errors import DatabaseUnavailable, QingdanError
from core.platform.timers import Periodic
from core.security.access import Access, Principal, Role
from core.security.tenancy import all_tenants
from core.workflow import engine

log = logging.getLogger("qingdan.deadlines")

#: The actor audit records name for what the sweep does.
SWEEPER = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="deadline sweep")


async def sweep() -> int:
    """Apply every tenant's expired deadlines once; returns how many instances were due.
    One tenant's failure is logged and does not stop the others."""
    due = 0
    for tenant in await all_tenants():
        try:
            due += len(await engine.process_expired(Access(tenant=tenant, principal=SWEEPER)))
        except DatabaseUnavailable:  # not this tenant's problem: the round ends here
            raise
        except QingdanError as exc:  # e.g. an instance moved on meanwhile
            log.warning("deadline sweep of %s: %s", tenant.slug, exc)
    return due


class DeadlineSweeper(Periodic):
    """The timer: :func:`sweep` every ``seconds``."""

    name = "deadline sweep"

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds, log)

    async def round(self) -> None:
        if due := await sweep():
            log.info("deadline sweep: %d instances were due", due)
