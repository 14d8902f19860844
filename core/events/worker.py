"""The delivery worker: claims due deliveries across tenants, POSTs them, records the outcome."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import msgspec

from core.events import queries
from core.events.config import NOTIFY_CHANNEL, SIGNATURE_HEADER, WebhookConfig, config, log
from core.events.queries import ClaimRow
from core.events.receivers import CheckedTransport, signature_header
from core.platform.db import DB, Outage, open_connection, platform_transaction
from core.platform.errors import QingdanError


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` round did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    durations_ms: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    row: ClaimRow
    state: str
    status: int | None
    error: str | None
    duration_ms: int
    finished: datetime
    next_attempt_at: datetime


def payload(row: ClaimRow) -> bytes:
    """The body POSTed for one event (also what the signature covers)."""
    return msgspec.json.encode(
        {
            "id": row.event_id,
            "type": row.type,
            "tenant": row.slug,
            "subject": row.subject,
            "occurred_at": row.occurred_at,
            "data": msgspec.Raw(row.data.encode()),
        }
    )


def backoff(attempts: int, cfg: WebhookConfig) -> float:
    """Seconds to wait after the ``attempts``-th failure: base × 2^(n-1), capped, ±20 %."""
    delay = min(cfg.backoff_seconds * 2 ** (attempts - 1), cfg.backoff_max_seconds)
    return delay * random.uniform(0.8, 1.2)


async def _start_of(response: httpx.Response, limit: int = 300) -> str:
    """The first ``limit`` bytes of an error answer (a receiver may send megabytes)."""
    chunk = b""
    async for part in response.aiter_bytes():
        chunk += part
        if len(chunk) >= limit:
            break
    return chunk[:limit].decode("utf-8", errors="replace")


async def _attempt(client: httpx.AsyncClient, row: ClaimRow, cfg: WebhookConfig) -> _Outcome:
    """One POST. The client's network backend refuses destinations the rules forbid
    (:class:`CheckedBackend`): the reason ends up in ``last_error`` like any failure."""
    now = row.claimed_at
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    body = payload(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Qingdan-Webhooks/1",
        SIGNATURE_HEADER: signature_header(row.secret, body),
        "Qingdan-Event-Id": str(row.event_id),
        "Qingdan-Event-Type": row.type,
        "Qingdan-Delivery-Attempt": str(row.attempts),
    }
    try:
        async with client.stream("POST", row.url, content=body, headers=headers) as response:
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}: {await _start_of(response)}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
    duration = int((time.perf_counter() - started) * 1000)
    finished = now + timedelta(milliseconds=duration)
    if error is None:
        return _Outcome(row, "delivered", status, None, duration, finished, finished)
    if row.attempts >= cfg.max_attempts:
        return _Outcome(row, "failed", status, error, duration, finished, finished)
    retry_at = finished + timedelta(seconds=backoff(row.attempts, cfg))
    return _Outcome(row, "pending", status, error, duration, finished, retry_at)


async def _claim(now: datetime | None, limit: int, cfg: WebhookConfig) -> list[ClaimRow]:
    async with platform_transaction() as conn:
        return await queries.claim_due(conn, now, limit, cfg.lease_seconds, cfg.per_subscription)


async def _record(outcomes: list[_Outcome]) -> None:
    """Record the outcomes, one statement per tenant (routed to its shard on Citus)."""
    tenants: dict[uuid.UUID, list[_Outcome]] = {}
    for o in outcomes:
        tenants.setdefault(o.row.tenant_id, []).append(o)
    async with platform_transaction() as conn:
        for tenant_id, own in tenants.items():
            await _record_tenant(conn, tenant_id, own)


async def _record_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID, outcomes: list[_Outcome]) -> None:
    columns: list[list[Any]] = [[] for _ in range(10)]
    for o in outcomes:
        values = (
            o.row.tenant_id,
            o.row.subscription_id,
            o.row.event_id,
            o.state,
            o.status,
            o.error,
            o.duration_ms,
            o.finished,
            o.next_attempt_at,
            o.row.attempts,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    held: dict[tuple[uuid.UUID, uuid.UUID], _Outcome] = {}
    succeeded = {(o.row.tenant_id, o.row.subscription_id) for o in outcomes if o.state == "delivered"}
    for o in outcomes:
        key = (o.row.tenant_id, o.row.subscription_id)
        if o.state == "pending" and key not in succeeded:
            if key not in held or o.next_attempt_at < held[key].next_attempt_at:
                held[key] = o
    await conn.execute(queries.RECORD, *columns, tenant_id)
    if held:
        await conn.execute(
            queries.HOLD,
            [k[0] for k in held],
            [k[1] for k in held],
            [o.next_attempt_at for o in held.values()],
            [(o.error or "")[:300] for o in held.values()],
            outcomes[0].row.claimed_at,
            tenant_id,
        )


async def deliver_due(
    *, now: datetime | None = None, limit: int | None = None, client: httpx.AsyncClient | None = None
) -> DeliveryReport:
    """Claim the deliveries due at ``now`` (default: the database's clock), send them
    concurrently and record each outcome. Safe to run in several workers at once.

    Tests call this directly (``now`` in the future stands for "the backoff has passed").
    """
    cfg = config()
    rows = await _claim(now, limit or cfg.batch, cfg)
    report = DeliveryReport(claimed=len(rows))
    if not rows:
        return report
    own = client is None
    http = client or webhook_client(cfg)
    gate = asyncio.Semaphore(cfg.concurrency)

    async def one(row: ClaimRow) -> _Outcome:
        async with gate:
            return await _attempt(http, row, cfg)

    try:
        outcomes = await asyncio.gather(*(one(r) for r in rows))
    finally:
        if own:
            await http.aclose()
    await _record(list(outcomes))
    for o in outcomes:
        report.durations_ms.append(o.duration_ms)
        if o.state == "delivered":
            report.delivered += 1
        elif o.state == "failed":
            report.failed += 1
        else:
            report.retrying += 1
    return report


def webhook_client(cfg: WebhookConfig) -> httpx.AsyncClient:
    """The delivery client: no redirects, no proxies from the environment, destinations
    checked at connect time. A ``client`` given to :func:`deliver_due` must be one."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(cfg.timeout_seconds, connect=min(cfg.timeout_seconds, 5.0)),
        follow_redirects=False,
        transport=CheckedTransport(cfg),
        trust_env=False,
    )


class DeliveryWorker:
    """The loop the app runs in its process: deliver what is due, then wait for a
    ``NOTIFY`` from a committed event (or ``poll_seconds``, whichever comes first)."""

    def __init__(self, cfg: WebhookConfig | None = None) -> None:
        self.cfg = cfg or config()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._listener: asyncpg.Connection | None = None

    async def start(self) -> None:
        await self._listen()
        self._task = asyncio.create_task(self._run(), name="qingdan-webhooks")

    async def _listen(self, *, quiet: bool = False) -> None:
        if not (DB.config or {}).get("dsn"):
            return
        try:
            self._listener = await open_connection()
            await self._listener.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
        except (OSError, asyncpg.PostgresError, QingdanError) as exc:  # polling still works
            if not quiet:
                log.warning("webhook worker cannot LISTEN (%s); polling every %ss", exc, self.cfg.poll_seconds)
            self._listener = None

    async def _run(self) -> None:
        client = webhook_client(self.cfg)
        # While the database is away: one warning, quiet retries with backoff, one line when back.
        outage = Outage(log, "webhook delivery", first=self.cfg.poll_seconds)
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    report = await deliver_due(client=client)
                except Exception as exc:  # the loop must survive a database restart
                    delay = outage.failed(exc)
                    await self._pause(delay)
                    continue
                if outage.succeeded() and (self._listener is None or self._listener.is_closed()):
                    await self._listen(quiet=True)  # the old LISTEN connection died with the server
                if report.claimed:  # maybe more are due (the per-subscription cap); ask again at once
                    continue
                waits = [asyncio.ensure_future(self._stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waits, timeout=self.cfg.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            await client.aclose()

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        if self._listener is not None:
            self._listener.terminate()  # close() would wait for a goodbye a frozen server never sends
