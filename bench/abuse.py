"""A bounded abuse run against a real ``qingdan serve`` on loopback.

    python -m bench.abuse            # about a minute
    python -m bench.abuse --check    # exit 1 on any 5xx, an unhealthy server, a connection
                                     # left open past its timeout, or memory growth past the limit

It starts an embedded PostgreSQL in a temporary directory, provisions one plugin tenant with
an admin key, starts ``qingdan serve`` (the real command: its header timeout, its limits) on
127.0.0.1 and sends, each bounded in count: deeply nested JSON with and without a key (REST
bodies and GraphQL variables), date and integer extremes, NUL bytes, bidi and zero-width
names, forged cursors, guessed keys, workbook bombs in parallel, and connections that stop
half-way through their headers or their body. It prints, per kind, the requests and the
statuses answered, the worst latency, then the server's resident memory (start, peak, end)
and whether it still answers ``/healthz`` and ``/readyz``. Every target is this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
PLUGIN = "wenjiang"
SLUG = "abuse"
#: Small timeouts so that the half-sent connections resolve within the run (seconds).
TIMEOUTS = {"QINGDAN_HEADER_TIMEOUT": "3", "QINGDAN_BODY_IDLE_TIMEOUT": "3", "QINGDAN_BODY_TIMEOUT": "6"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Tally:
    kind: str
    statuses: Counter[int | str] = field(default_factory=Counter)
    worst_ms: float = 0.0

    def add(self, status: int | str, started: float) -> None:
        self.statuses[status] += 1
        self.worst_ms = max(self.worst_ms, (time.perf_counter() - started) * 1000)

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if isinstance(s, int) and s >= 500)


# --- setup ----------------------------------------------------------------------------------


async def provision(data_dir: Path) -> tuple[str, str]:
    """The database URL and an admin key of a fresh plugin tenant."""
    from bench.township_list import start_database
    from core.platform import db
    from core.security.access import Principal, Role
    from tenants import keys
    from tenants.access import open_access
    from tenants.provisioning import TenantCreate, create_tenant

    platform = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench.abuse")
    url = await start_database(data_dir)
    try:
        await create_tenant(platform, TenantCreate(slug=SLUG, name="滥用测试县", plugin=PLUGIN))
        access = await open_access(platform, SLUG)
        admin = await keys.create_key(access, keys.ApiKeyCreate(name="abuse admin", role=Role.ADMIN))
    finally:
        await db.disconnect()
    return url, admin.key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QINGDAN_DATABASE_URL": url, "QINGDAN_DATA_DIR": str(data_dir), **TIMEOUTS}
    env["QINGDAN_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"qingdan serve exited ({proc.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("qingdan serve did not answer within 60 s")


# --- the abuse ------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def bomb_workbook(rows: int = 400_000) -> bytes:
    """A small .xlsx whose one sheet unpacks to hundreds of megabytes of identical rows."""
    row = "<row>" + "".join(f'<c t="inlineStr"><is><t>{"炸" * 40}</t></is></c>' for _ in range(4)) + "</row>"
    sheet = '<?xml version="1.0"?><worksheet><sheetData>' + row * rows + "</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        workbook = '<?xml version="1.0"?><workbook><sheets><sheet name="清单"/></sheets></workbook>'
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def requests(base: str, key: str) -> Iterator[tuple[str, Callable[[httpx.Client], httpx.Response]]]:
    """(kind, request) pairs, each kind bounded."""
    t = f"/api/v1/tenants/{SLUG}"
    auth = {"Authorization": f"Bearer {key}"}
    json_h = {**auth, "Content-Type": "application/json"}
    deep = nested(1000)
    for path in (f"{t}/units", f"{t}/evaluations/periods", f"{t}/calls", "/graphql"):
        for headers in (json_h, {"Content-Type": "application/json"}):
            for _ in range(10):
                yield "nested JSON", lambda c, p=path, h=headers: c.post(p, content=deep, headers=h)
    variables = b'{"query":"query($v: JSON){__typename}","variables":{"v":' + deep + b"}}"
    for _ in range(20):
        yield "nested JSON", lambda c: c.post("/graphql", content=variables, headers=json_h)
    for path in (
        f"{t}/calls/statistics?start=2026-01-01&end=9999-12-31",
        f"{t}/calls/violations?start=0001-01-01&end=9999-12-31",
        f"{t}/calls/statistics/grouped?start=2026-01-01&end=9999-12-31&by=unit",
        f"{t}/calendar/deadline?start=9999-12-31T00:00:00Z&working_days=10",
        f"{t}/calendar/days?from=9999-12-20&to=9999-12-31",
        f"{t}/calendar/overrides?year=9999",
        f"{t}/accountability/cases/-3493997861592",
        f"{t}/accountability/cases/99999999999999999999",
        f"{t}/units?limit=99999999999",
        f"{t}/units?cursor=%00%ff",
        f"{t}/units?cursor=eyJ4IjogMX0",
        f"{t}/jurisdictions/%00",
    ):
        yield "extremes and forged values", lambda c, p=path: c.get(p, headers=auth)
    for body in (
        {"code": "0000", "kind": "year"},
        {"code": "9999", "kind": "year"},
        {"code": "2026\u0000", "kind": "year"},
    ):
        yield "extremes and forged values", lambda c, b=body: c.post(f"{t}/evaluations/periods", json=b, headers=auth)
    yield "extremes and forged values", lambda c: c.put(f"{t}/calendar/overrides/9999-12-31", json={}, headers=auth)
    for name in ("\u202egnp.exe", "办公\u200b室", "a\u0000b", "x" * 10_000):
        body = {"code": "abuse-unit", "name": name, "kind": "county_department", "jurisdiction_code": "510115"}
        yield "bidi, zero-width, NUL names", lambda c, b=body: c.post(f"{t}/units", json=b, headers=auth)
    for n in range(300):
        guess = {"Authorization": f"Bearer qd_guess{n:08d}abcdefabcdefabcdef"}
        yield "guessed keys", lambda c, h=guess: c.get(f"{t}/units", headers=h)


def run_requests(base: str, key: str, tallies: dict[str, Tally]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        for kind, send in requests(base, key):
            tally = tallies.setdefault(kind, Tally(kind))
            started = time.perf_counter()
            try:
                tally.add(send(client).status_code, started)
            except httpx.TransportError as exc:
                tally.add(type(exc).__name__, started)


def run_bombs(base: str, key: str, tallies: dict[str, Tally], parallel: int = 4) -> None:
    """``parallel`` dry-run imports of the same bomb at once, twice."""
    bomb = bomb_workbook()
    tally = tallies.setdefault("workbook bombs", Tally("workbook bombs"))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": XLSX}
    url = f"{base}/api/v1/tenants/{SLUG}/catalog/import?dry_run=true"

    def one() -> None:
        started = time.perf_counter()
        try:
            tally.add(httpx.post(url, content=bomb, headers=headers, timeout=120).status_code, started)
        except httpx.TransportError as exc:
            tally.add(type(exc).__name__, started)

    for _ in range(2):
        threads = [threading.Thread(target=one) for _ in range(parallel)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    print(f"  bomb: {len(bomb) / 1024:.0f} KB compressed")


def half_sent(port: int, key: str, tallies: dict[str, Tally], count: int = 200) -> int:
    """``count`` connections that stop half-way through headers, ``count`` half-way through a
    body; returns how many the server still held open 10 s after its timeouts."""
    head = f"POST /api/v1/tenants/{SLUG}/units HTTP/1.1\r\nHost: x\r\n".encode()
    body_start = (
        head
        + (f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n").encode()
        + b'{"code": "half'
    )
    socks = []
    for payload, kind in ((head, "half-sent headers"), (body_start, "half-sent bodies")):
        tallies.setdefault(kind, Tally(kind))
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(payload)
            socks.append((s, kind, time.perf_counter()))
    deadline = time.monotonic() + float(TIMEOUTS["QINGDAN_BODY_TIMEOUT"]) + 10
    open_left = 0
    for s, kind, started in socks:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            answer = s.recv(65536)
            status: int | str = int(answer.split()[1]) if answer.startswith(b"HTTP/") else "closed"
        except TimeoutError:
            status, open_left = "still open", open_left + 1
        except OSError:
            status = "reset"
        tallies[kind].add(status, started)
        s.close()
    return open_left


def rss(pid: int) -> int:
    """The process's resident set size in bytes (``qingdan serve`` with one worker serves
    in its own process)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Sampler(threading.Thread):
    """Polls the server's RSS every 50 ms until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            try:
                self.peak = max(self.peak, rss(self.pid))
            except OSError:
                return

    def stop(self) -> int:
        self._done.set()
        self.join(1)
        return self.peak


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.abuse", description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--max-growth-mb", type=float, default=150.0, help="allowed server RSS growth")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qingdan-abuse-") as tmp:
        data_dir = Path(tmp)
        print(f"preparing: embedded PostgreSQL, tenant {SLUG} ({PLUGIN}) …", flush=True)
        url, key = asyncio.run(provision(data_dir))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(url, data_dir, port, data_dir / "server.log")
        try:
            ok = attack(proc, base, port, key, args.max_growth_mb)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            from core.platform import db

            db.stop_embedded(data_dir)
        log = (data_dir / "server.log").read_text(errors="replace") if (data_dir / "server.log").exists() else ""
    tracebacks = log.count("Traceback")
    print(f"server log: {len(log.splitlines())} lines, {tracebacks} tracebacks")
    ok = ok and tracebacks == 0
    print("verdict:", "pass" if ok else "MISS")
    if args.check and not ok:
        sys.exit(1)


def attack(proc: subprocess.Popen[bytes], base: str, port: int, key: str, max_growth_mb: float) -> bool:
    start = rss(proc.pid)
    sampler = Sampler(proc.pid)
    sampler.start()
    tallies: dict[str, Tally] = {}
    began = time.perf_counter()
    run_requests(base, key, tallies)
    run_bombs(base, key, tallies)
    open_left = half_sent(port, key, tallies)
    peak, end = sampler.stop(), rss(proc.pid)
    elapsed = time.perf_counter() - began
    health = httpx.get(f"{base}/healthz", timeout=5).status_code
    ready = httpx.get(f"{base}/readyz", timeout=5).status_code
    print(f"\n{'kind':<28} {'sent':>5} {'5xx':>4} {'worst ms':>9}  statuses")
    for t in tallies.values():
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(t.statuses.items(), key=str))
        print(f"{t.kind:<28} {sum(t.statuses.values()):>5} {t.server_errors:>4} {t.worst_ms:>9.0f}  {statuses}")
    mb = 1024 * 1024
    growth = (end - start) / mb
    print(f"\n{elapsed:.1f} s; server RSS start {start / mb:.0f} MB, peak {peak / mb:.0f} MB, end {end / mb:.0f} MB")
    print(f"after: /healthz {health}, /readyz {ready}; connections still open past the timeouts: {open_left}")
    server_errors = sum(t.server_errors for t in tallies.values())
    return server_errors == 0 and health == 200 and ready == 200 and open_left == 0 and growth <= max_growth_mb


if __name__ == "__main__":
    main()
