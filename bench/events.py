"""Events and webhooks: emit cost, delivery latency, worker throughput.

``python -m bench.events`` starts an embedded PostgreSQL in a temporary directory (or
``--data-dir``), migrates it, creates a tenant and subscribes a receiver that runs in a
**separate process** on 127.0.0.1 (a bare asyncio HTTP/1.1 server that checks every
signature and records when each event arrived). Then:

- **emit**: a tenant transaction that updates one row, with and without one ``emit()``
  (the reference), ``--emits`` times each, interleaved.
- **latency**: the app's :class:`core.events.service.DeliveryWorker` runs (LISTEN/NOTIFY); events
  are committed one at a time and the time from ``COMMIT`` returning to the receiver
  reading the request is recorded (``--latency`` events, 20 ms apart).
- **throughput**: ``--events`` events are committed while no worker runs, then one worker
  (and then two, sharing the work with ``FOR UPDATE SKIP LOCKED``) delivers them; the
  reference is httpx alone POSTing the same bodies at the same concurrency, no database.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import hashlib
import hmac
import multiprocessing
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

PLATFORM_NAME = "bench"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, ms: list[float]) -> str:
    return (
        f"  {label:<48} p50 {percentile(ms, 0.5):7.2f}  p95 {percentile(ms, 0.95):7.2f}"
        f"  p99 {percentile(ms, 0.99):7.2f} ms  (n={len(ms)})"
    )


# --- the receiver (its own process) ---------------------------------------------------------


def _receiver(port_out: Any, results: Any, stop: Any, secret: str) -> None:
    async def serve() -> None:
        seen: list[tuple[int, float, bool]] = []

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    headers = {}
                    for raw in head.decode("latin-1").split("\r\n")[1:]:
                        if ":" in raw:
                            k, _, v = raw.partition(":")
                            headers[k.strip().lower()] = v.strip()
                    body = await reader.readexactly(int(headers.get("content-length", "0")))
                    arrived = time.time()
                    fields = dict(p.split("=", 1) for p in headers.get("qingdan-signature", "t=0,v1=").split(","))
                    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
                    seen.append(
                        (
                            int(headers.get("qingdan-event-id", "0")),
                            arrived,
                            hmac.compare_digest(expected, fields["v1"]),
                        )
                    )
                    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        port_out.send(server.sockets[0].getsockname()[1])
        while not stop.is_set():
            await asyncio.sleep(0.05)
            while results.poll():
                if results.recv() == "dump":
                    results.send(seen[:])
                    seen.clear()
        server.close()

    asyncio.run(serve())


class ReceiverProcess:
    def __init__(self, secret: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        port_in, port_out = ctx.Pipe(duplex=False)
        self.conn, child = ctx.Pipe()
        self.stop = ctx.Event()
        self.process = ctx.Process(target=_receiver, args=(port_out, child, self.stop, secret), daemon=True)
        self.process.start()
        self.port = port_in.recv()

    def dump(self) -> list[tuple[int, float, bool]]:
        self.conn.send("dump")
        return self.conn.recv()

    def close(self) -> None:
        self.stop.set()
        self.process.join(5)


# --- the benchmark --------------------------------------------------------------------------


async def _setup(data_dir: Path) -> Any:
    from core import install
    from core.events import service as events
    from core.platform import db
    from core.platform.settings import load_settings
    from core.security.access import Principal, Role
    from tenants.access import open_access
    from tenants.provisioning import TenantCreate, create_tenant

    url = await db.start_embedded(data_dir)
    await db.connect(url, role=load_settings(data_dir).app_role, max_size=8)
    await install.migrate()
    platform = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name=PLATFORM_NAME)
    slug = f"bench-{int(time.time())}"
    await create_tenant(platform, TenantCreate(slug=slug, name="基准县", division_code="510115"))
    events.configure(allowed_networks="127.0.0.0/8", poll_seconds=2.0)
    return await open_access(platform, slug)


async def _emit_cost(access: Any, n: int) -> tuple[list[float], list[float]]:
    from core.events import service as events
    from core.platform.db import tenant_transaction

    async def one(with_event: bool) -> float:
        started = time.perf_counter()
        async with tenant_transaction(access.tenant.id) as conn:
            await conn.execute(
                "INSERT INTO calendar_overrides (tenant_id, day, kind) VALUES ($1, '2030-01-01', 'holiday')"
                " ON CONFLICT (tenant_id, day) DO UPDATE SET updated_at = now()",
                access.tenant.id,
            )
            if with_event:
                await events.emit(conn, access.tenant.id, "bench.changed", "bench/1", {"n": 1})
        return (time.perf_counter() - started) * 1000

    plain, emitted = [], []
    for _ in range(n):
        plain.append(await one(False))
        emitted.append(await one(True))
    return emitted, plain


async def _commit_events(access: Any, count: int, per_tx: int = 500) -> dict[int, float]:
    from core.events import service as events
    from core.platform.db import tenant_transaction

    committed: dict[int, float] = {}
    done = 0
    while done < count:
        batch = min(per_tx, count - done)
        async with tenant_transaction(access.tenant.id) as conn:
            first = await conn.fetchval(
                "SELECT coalesce(max(id), 0) FROM events WHERE tenant_id = $1", access.tenant.id
            )
            for i in range(batch):
                await events.emit(conn, access.tenant.id, "bench.changed", f"bench/{done + i}", {"n": done + i})
        now = time.time()
        for i in range(batch):
            committed[first + 1 + i] = now
        done += batch
    return committed


async def _wait_for(receiver: ReceiverProcess, count: int, timeout: float) -> list[tuple[int, float, bool]]:
    got: list[tuple[int, float, bool]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        got += receiver.dump()
    return got


async def _latency(access: Any, receiver: ReceiverProcess, n: int, listen: bool) -> list[float]:
    from core.events import service as events
    from core.platform.db import tenant_transaction

    worker = events.DeliveryWorker(events.config())
    if listen:
        await worker.start()
    else:  # polling only: the fallback when LISTEN is impossible (e.g. behind pgbouncer)
        worker._task = asyncio.create_task(worker._run())
    committed: dict[int, float] = {}
    try:
        for _ in range(n):
            async with tenant_transaction(access.tenant.id) as conn:
                await events.emit(conn, access.tenant.id, "bench.changed", "bench/latency", {})
                event_id = await conn.fetchval("SELECT max(id) FROM events WHERE tenant_id = $1", access.tenant.id)
            committed[event_id] = time.time()
            await asyncio.sleep(0.02)
        got = await _wait_for(receiver, n, 30)
    finally:
        await worker.stop()
    return [(arrived - committed[eid]) * 1000 for eid, arrived, _ in got if eid in committed]


async def _throughput(access: Any, receiver: ReceiverProcess, count: int, workers: int) -> tuple[float, int, int]:
    from core.events import service as events

    await _commit_events(access, count)
    started = time.perf_counter()

    async def drain() -> None:
        async with events.webhook_client(events.config()) as client:
            while (await events.deliver_due(client=client)).claimed:
                pass

    await asyncio.gather(*(drain() for _ in range(workers)))
    elapsed = time.perf_counter() - started
    got = await _wait_for(receiver, count, 10)
    ids = [eid for eid, _, _ in got]
    bad = sum(1 for _, _, ok in got if not ok)
    return count / elapsed, len(ids) - len(set(ids)), bad


async def _reference(port: int, count: int, concurrency: int) -> float:
    body = b'{"id":1,"type":"bench.changed","tenant":"bench","subject":"bench/1","data":{}}'
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, trust_env=False, limits=limits) as client:

        async def one(i: int) -> None:
            async with gate:
                await client.post(
                    f"http://127.0.0.1:{port}/hook",
                    content=body,
                    headers={"Qingdan-Event-Id": "0", "Qingdan-Signature": "t=0,v1=x"},
                )

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(count)))
        return count / (time.perf_counter() - started)


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from core.events import service as events
    from core.events.service import SubscriptionCreate, create_subscription
    from core.platform import db

    receiver: ReceiverProcess | None = None
    try:
        access = await _setup(data_dir)
        # The secret is generated by the service; the receiver needs it, so subscribe first
        # with a placeholder URL and point the subscription at the receiver afterwards.
        issued = await create_subscription(access, SubscriptionCreate(url="http://127.0.0.1:9/placeholder"))
        receiver = ReceiverProcess(issued.secret)
        from core.platform.db import tenant_transaction

        async with tenant_transaction(access.tenant.id) as conn:
            await conn.execute(
                "UPDATE webhook_subscriptions SET url = $2 WHERE id = $1",
                issued.subscription.id,
                f"http://127.0.0.1:{receiver.port}/hook",
            )

        emitted, plain = await _emit_cost(access, args.emits)
        print(f"\nEmit cost: a tenant transaction updating one row, {args.emits} each, interleaved:")
        print(line("(e) with emit() (event + 1 delivery + NOTIFY)", emitted))
        print(line("(ref) the same transaction without emit()", plain))
        print(f"  e - ref at p50: {percentile(emitted, 0.5) - percentile(plain, 0.5):.2f} ms")
        await _wait_for(receiver, 0, 0)
        while (await events.deliver_due()).claimed:  # deliver the emit benchmark's events
            pass
        receiver.dump()

        latency = await _latency(access, receiver, args.latency, listen=True)
        print("\nDelivery latency, COMMIT returned → receiver read the request (worker in process):")
        print(line("(l) LISTEN/NOTIFY wake-up", latency))
        polled = await _latency(access, receiver, max(10, args.latency // 10), listen=False)
        print(line(f"(p) polling only, every {events.config().poll_seconds:g} s", polled))

        cfg = events.config()
        print(
            f"\nThroughput, {args.events:,} events already committed (batch {cfg.batch}, {cfg.concurrency} in flight):"
        )
        for workers in (1, 2):
            rate, duplicates, bad = await _throughput(access, receiver, args.events, workers)
            print(f"  {workers} worker(s): {rate:8.0f} deliveries/s   duplicates {duplicates}   bad signatures {bad}")
        reference = await _reference(receiver.port, args.events, cfg.concurrency)
        receiver.dump()
        print(f"  (ref) httpx alone, same receiver and concurrency: {reference:8.0f} requests/s")
    finally:
        if receiver is not None:
            receiver.close()
        await db.disconnect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emits", type=int, default=300)
    parser.add_argument("--latency", type=int, default=200)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-events-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
