"""Background loops of the app process: one round every so many seconds, until stopped."""

from __future__ import annotations

import asyncio
import logging

from core.platform.db import Outage


class Periodic:
    """Runs :meth:`round` at start and then every ``seconds`` until :meth:`stop`. A failed
    round never ends the loop; while the database is away rounds are retried sooner and
    backed off to the interval, with one warning and one line when it is back
    (:class:`core.platform.db.Outage`)."""

    name = "periodic"

    def __init__(self, seconds: float, log: logging.Logger) -> None:
        self.seconds = seconds
        self._outage = Outage(log, self.name, first=min(1.0, seconds), cap=seconds)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def round(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"qingdan-{self.name.replace(' ', '-')}")

    async def _run(self) -> None:
        while not self._stop.is_set():
            wait = self.seconds
            try:
                await self.round()
                self._outage.succeeded()
            except Exception as exc:  # the loop must outlive an outage
                wait = self._outage.failed(exc)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=wait)
            except TimeoutError:
                pass

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
