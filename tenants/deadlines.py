"""Expired workflow deadlines, applied for every tenant on a timer in the app process.

A workflow state's deadline says what happens when it passes (take a transition, escalate,
or only show as overdue: ``core.workflow``). Nothing would act on it between requests, so
each app process sweeps every ``QINGDAN_DEADLINE_SWEEP_SECONDS`` (60 by default; 0 turns
the sweep off). Several processes sweeping at once is safe: a transition takes its
instance's row lock and checks the state it leaves, and escalation happens once.
"""

from __future__ import annotations

import asyncio
import logging

from core.access import Access, Principal, Role
from core.db import Outage
from core.errors import DatabaseUnavailable, QingdanError
from core.tenancy import all_tenants
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


class DeadlineSweeper:
    """The timer: :func:`sweep`, then wait ``seconds``, until stopped."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="qingdan-deadlines")

    async def _run(self) -> None:
        # While the database is away: one warning, quiet retries (sooner than the interval,
        # backing off to it), one line when it is back.
        outage = Outage(log, "deadline sweep", first=min(1.0, self.seconds), cap=self.seconds)
        while not self._stop.is_set():
            wait: float = self.seconds
            try:
                if due := await sweep():
                    log.info("deadline sweep: %d instances were due", due)
                outage.succeeded()
            except Exception as exc:  # the timer must outlive a database restart
                wait = outage.failed(exc)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=wait)
            except TimeoutError:
                pass

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
