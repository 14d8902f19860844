"""Listing a tenant's jurisdictions over real HTTP, against a bare handler and the raw-SQL limit.

    python -m bench.http_list [--clients 32] [--seconds 10] [--warmup 2] [--rounds 2]
                              [--port 0] [--data-dir DIR] [--engine raw|httpx]
                              [--profile DIR] [--check]

Starts an embedded PostgreSQL (in a temporary directory unless ``--data-dir``), migrates it,
provisions a plugin tenant (plus villages so that the first page is a full 50), issues an
admin key, starts ``python -m bench.server`` on 127.0.0.1, and drives each scenario with
``--clients`` closed-loop connections from a separate process, for ``--seconds`` in all,
split into ``--rounds`` slices taken in the order a b c, c b a, … so that a machine whose
speed drifts (other work on it) affects the three alike:

(a) ``GET /api/v1/tenants/{slug}/jurisdictions`` — the real endpoint: auth, tenant
    transaction, row-level security, serialisation;
(b) ``GET /bench/constant`` — a bare litestar handler returning a constant;
(c) ``GET /bench/raw/{slug}/jurisdictions`` — the limit: the same rows by one statement on
    a raw asyncpg pool, the same JSON (checked before measuring).

Prints requests, throughput, p50/p95/p99, errors, CPU per request (server, PostgreSQL,
client), the ratios a/c and a/b, the server's peak RSS, statements per request, and the
targets (a/c ≥ 0.7 and p99 of (a) < 60 ms at 32 clients).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import logging
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.database import Prepared, prepare

logging.getLogger("httpx").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parent.parent
TARGET_A_OVER_C = 0.7
TARGET_P99_MS = 60.0
TARGET_CLIENTS = 32
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str


@dataclass
class Result:
    scenario: Scenario
    latencies_ms: list[float]
    window_s: float
    errors: dict[str, int]
    all_requests: int  # recorded + warm-up, for CPU per request
    server_cpu_s: float
    db_cpu_s: float
    client_cpu_s: float
    server_peak_rss: int

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.requests / self.window_s if self.window_s > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the recorded latencies, in ms."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    def per_request_us(self, seconds: float) -> float:
        return seconds / self.all_requests * 1e6 if self.all_requests else math.nan


# --- statements per request (in process, through the same app over ASGI) ---------------


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, record: Any) -> None:
        self.count += 1


async def _count_statements(prepared: Prepared, data_dir: Path) -> dict[str, float] | None:
    """Statements per request for (a) cold and warm and for (c), or None if not measurable.

    Uses ``core.platform.db.connect(count_queries=True)`` when available (query loggers slow every
    statement a little, so the timed server never has them on).
    """
    import inspect

    from bench.server import build
    from core.platform import db
    from core.platform.settings import load_settings
    from core.security.tenancy import forget_tenant
    from tenants.keys import forget_cached_keys

    if "count_queries" not in inspect.signature(db.connect).parameters:
        return None
    os.environ["QINGDAN_DATABASE_URL"] = prepared.url
    settings = load_settings(data_dir)
    await db.disconnect()
    await db.connect(prepared.url, role=settings.app_role, count_queries=True)
    raw_counter = _Counter()

    async def raw_init(conn: Any) -> None:
        conn.add_query_logger(raw_counter)

    app, raw = build(settings, manage_database=False, raw_init=raw_init)
    logging.getLogger("qingdan").setLevel(logging.WARNING)
    await raw.open()
    headers = {"Authorization": f"Bearer {prepared.key}"}
    a_path = f"/api/v1/tenants/{prepared.slug}/jurisdictions"
    c_path = f"/bench/raw/{prepared.slug}/jurisdictions"
    n = 20

    async def settle() -> None:
        for _ in range(3):  # query loggers are called through loop.call_soon
            await asyncio.sleep(0)

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            forget_cached_keys()
            forget_tenant(prepared.slug)
            await settle()
            before = db.queries.count
            (await client.get(a_path, headers=headers)).raise_for_status()
            await settle()
            cold = db.queries.count - before
            before = db.queries.count
            for _ in range(n):
                (await client.get(a_path, headers=headers)).raise_for_status()
            await settle()
            warm = (db.queries.count - before) / n
            (await client.get(c_path, headers=headers)).raise_for_status()
            await settle()
            before = raw_counter.count
            for _ in range(n):
                (await client.get(c_path, headers=headers)).raise_for_status()
            await settle()
            limit = (raw_counter.count - before) / n
    finally:
        await raw.close()
        await db.disconnect()
    return {"a_cold": cold, "a_warm": warm, "c": limit}


async def _prepare(args: argparse.Namespace, data_dir: Path) -> tuple[Prepared, Any]:
    from core.platform import db

    prepared = await prepare(data_dir, args.plugin, args.villages)
    try:
        counts = await _count_statements(prepared, data_dir)
    finally:
        await db.disconnect()
    return prepared, counts


# --- the server process -----------------------------------------------------------------


def _start_server(prepared: Prepared, data_dir: Path, port: int, log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {
        **os.environ,
        "QINGDAN_DATABASE_URL": prepared.url,
        "QINGDAN_DATA_DIR": str(data_dir),
    }
    port_file = data_dir / "bench-server.port"
    port_file.unlink(missing_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.server",
                "--port",
                str(port),
                "--port-file",
                str(port_file),
                "--exit-with-parent",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the bench server exited ({proc.returncode}):\n{_tail(log_path)}")
        if port_file.exists() and port_file.read_text().strip():
            return proc, int(port_file.read_text())
        time.sleep(0.05)
    raise RuntimeError(f"the bench server did not bind within {START_TIMEOUT:.0f} s")


def _wait_ready(proc: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=base, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the bench server exited ({proc.returncode}):\n{_tail(log_path)}")
            try:
                if client.get("/bench/constant").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"the bench server did not answer within {START_TIMEOUT:.0f} s")


def _finish(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for ``proc`` up to ``timeout`` seconds, then kill it."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        _finish(proc, 15)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _preflight(base: str, headers: dict[str, str], scenarios: list[Scenario]) -> str:
    """Every route answers 200 and (c) returns exactly the JSON of (a); describe (a)'s page."""
    with httpx.Client(base_url=base, timeout=10.0) as client:
        bodies = {}
        for s in scenarios:
            response = client.get(s.path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{s.path} answered {response.status_code}: {response.text[:500]}")
            bodies[s.key] = response
    if bodies["a"].json() != bodies["c"].json():
        raise RuntimeError(
            "the raw limit (c) does not return the same JSON as the endpoint (a):\n"
            f"a: {bodies['a'].text[:400]}\nc: {bodies['c'].text[:400]}"
        )
    page = bodies["a"].json()
    more = " + next_cursor" if page["next_cursor"] else ""
    return f"{len(page['items'])} items{more}, {len(bodies['a'].content)} bytes"


# --- measuring ---------------------------------------------------------------------------


def _tree_cpu(proc: psutil.Process | None) -> float:
    """CPU seconds of a process and its children (PostgreSQL's postmaster and backends)."""
    if proc is None:
        return 0.0
    total = 0.0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for p in members:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def _postmaster(pgdata: Path) -> psutil.Process | None:
    try:
        return psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    except (OSError, ValueError, psutil.Error):
        return None


class RssSampler(threading.Thread):
    """Polls the server's resident set size; bounded by ``stop()``."""

    def __init__(self, proc: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.proc = proc
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.05):
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.Error:
                return

    def stop(self) -> int:
        self._stop_event.set()
        self.join(timeout=1)
        return self.peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _drive(
    scenario: Scenario,
    args: argparse.Namespace,
    seconds: float,
    base: str,
    headers: dict[str, str],
    server: psutil.Process,
    postmaster: psutil.Process | None,
) -> Result:
    cfg = {
        "url": base + scenario.path,
        "headers": headers,
        "clients": args.clients,
        "warmup": args.warmup,
        "seconds": seconds,
        "engine": args.engine,
    }
    sampler = RssSampler(server)
    server_cpu, db_cpu, client_cpu = _tree_cpu(server), _tree_cpu(postmaster), _children_cpu()
    sampler.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load"],
            input=json.dumps(cfg).encode(),
            capture_output=True,
            cwd=REPO,
            timeout=args.warmup + seconds + 60,
            check=False,
        )
    finally:
        peak = sampler.stop()
    server_cpu = _tree_cpu(server) - server_cpu
    db_cpu = _tree_cpu(postmaster) - db_cpu
    client_cpu = _children_cpu() - client_cpu
    if done.returncode != 0:
        raise RuntimeError(f"bench.load failed for {scenario.path}:\n{done.stderr.decode()[-2000:]}")
    out = json.loads(done.stdout)
    return Result(
        scenario=scenario,
        latencies_ms=out["latencies_ms"],
        window_s=out["window_s"],
        errors=out["errors"],
        all_requests=out["warmup_requests"] + len(out["latencies_ms"]),
        server_cpu_s=server_cpu,
        db_cpu_s=db_cpu,
        client_cpu_s=client_cpu,
        server_peak_rss=peak,
    )


def _merge(parts: list[Result]) -> Result:
    """One result from the slices of a scenario measured in several rounds."""
    errors: dict[str, int] = {}
    for part in parts:
        for kind, n in part.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    return Result(
        scenario=parts[0].scenario,
        latencies_ms=[x for part in parts for x in part.latencies_ms],
        window_s=sum(part.window_s for part in parts),
        errors=errors,
        all_requests=sum(part.all_requests for part in parts),
        server_cpu_s=sum(part.server_cpu_s for part in parts),
        db_cpu_s=sum(part.db_cpu_s for part in parts),
        client_cpu_s=sum(part.client_cpu_s for part in parts),
        server_peak_rss=max(part.server_peak_rss for part in parts),
    )


def _order(scenarios: list[Scenario], rounds: int) -> list[Scenario]:
    """a b c, c b a, a b c, …: alternating order cancels a steady drift of the machine."""
    return [s for r in range(rounds) for s in (scenarios if r % 2 == 0 else scenarios[::-1])]


def _peak_rss(pid: int) -> int | None:
    """VmHWM: the kernel's own high-water mark of the server's resident set."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


# --- report ------------------------------------------------------------------------------


def _ratio(x: float, y: float) -> float:
    return x / y if y else math.nan


def report(
    args: argparse.Namespace,
    prepared: Prepared,
    results: list[Result],
    counts: dict[str, float] | None,
    peak_rss: int | None,
    page: str,
) -> bool:
    """Print the figures; return whether every target is met."""
    by = {r.scenario.key: r for r in results}
    a, b, c = by["a"], by["b"], by["c"]
    print()
    print(
        f"bench.http_list: {args.clients} clients, {args.seconds:g} s each"
        f" ({_slices(args)}, each after {args.warmup:g} s warm-up), load engine {args.engine};"
        f" {os.cpu_count()} CPUs shared by client, server and PostgreSQL"
    )
    print(f"tenant {prepared.slug}: {prepared.jurisdictions} jurisdictions; the page listed: {page}")
    for r in results:
        print(f"  {r.scenario.label:<14} GET {r.scenario.path}")
    print()
    head = (
        f"{'':<14} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'errors':>6}   {'CPU µs/req: server':>18} {'db':>5} {'client':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.scenario.label:<14} {r.requests:>8} {r.throughput:>7.0f}"
            f" {r.percentile(50):>7.2f} {r.percentile(95):>7.2f} {r.percentile(99):>7.2f}"
            f" {sum(r.errors.values()):>6}   {r.per_request_us(r.server_cpu_s):>18.0f}"
            f" {r.per_request_us(r.db_cpu_s):>5.0f} {r.per_request_us(r.client_cpu_s):>6.0f}"
        )
        if r.errors:
            print(f"{'':<14} errors: {r.errors}")
    print()
    a_c, a_b = _ratio(a.throughput, c.throughput), _ratio(a.throughput, b.throughput)
    c_b = _ratio(c.throughput, b.throughput)
    cpu_a = a.per_request_us(a.server_cpu_s + a.db_cpu_s)
    cpu_c = c.per_request_us(c.server_cpu_s + c.db_cpu_s)
    print(f"throughput ratios    a/c = {a_c:.3f}   a/b = {a_b:.3f}   (c/b = {c_b:.3f})")
    print(f"p99 ratio            a/c = {_ratio(a.percentile(99), c.percentile(99)):.2f}")
    print(f"CPU/request ratio    a/c = {_ratio(cpu_a, cpu_c):.2f}   (server + PostgreSQL)")
    if peak_rss:
        print(
            f"server peak RSS      {peak_rss / 2**20:.1f} MiB (VmHWM); sampled during"
            f" a {a.server_peak_rss / 2**20:.1f}, b {b.server_peak_rss / 2**20:.1f},"
            f" c {c.server_peak_rss / 2**20:.1f} MiB"
        )
    if counts:
        print(
            f"statements/request   (a) {counts['a_warm']:.1f}, {counts['a_cold']:.0f} with key"
            f" and tenant uncached; (c) {counts['c']:.1f}; pool reset on release included"
        )
    else:
        print("statements/request   n/a (core.platform.db.connect has no count_queries)")
    print()
    ok_ratio = a_c >= TARGET_A_OVER_C
    ok_p99 = a.percentile(99) < TARGET_P99_MS
    clean = not any(r.errors for r in results)
    at = "" if args.clients == TARGET_CLIENTS else f", set for {TARGET_CLIENTS} clients"
    print(f"targets (2-core machine{at}):")
    print(f"  a/c ≥ {TARGET_A_OVER_C:.2f}        {a_c:7.3f}   {_verdict(ok_ratio)}")
    print(f"  p99(a) < {TARGET_P99_MS:.0f} ms     {a.percentile(99):7.2f}   {_verdict(ok_p99)}")
    print(f"  no errors          {'':>7}   {_verdict(clean)}")
    return ok_ratio and ok_p99 and clean


def _slices(args: argparse.Namespace) -> str:
    if args.rounds == 1:
        return "one slice"
    return f"{args.rounds} interleaved slices of {args.seconds / args.rounds:g} s"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- profiling (optional) ------------------------------------------------------------------


def _start_profiler(args: argparse.Namespace, pid: int, name: str, seconds: float) -> subprocess.Popen[bytes] | None:
    """py-spy on the server for one scenario (``--profile DIR``); its figures are perturbed."""
    if args.profile is None:
        return None
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy on PATH (pip install py-spy)")
    args.profile.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--nonblocking",
            "--rate",
            "500",
            "--format",
            "speedscope",
            "--output",
            str(args.profile / f"{name}.speedscope.json"),
            "--duration",
            str(math.ceil(args.warmup + seconds + 1)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --- command -----------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.http_list",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--clients", type=int, default=32, help="concurrent connections (32)")
    p.add_argument("--seconds", type=float, default=10.0, help="recorded seconds per scenario")
    p.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds per slice (2)")
    p.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="split --seconds into this many slices per scenario, interleaved a b c c b a … (2)",
    )
    p.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1 (0: any free)")
    p.add_argument("--data-dir", type=Path, help="keep the database here (default: a temp dir)")
    p.add_argument("--plugin", default="wenjiang", help="plugin to provision the tenant from")
    p.add_argument("--villages", type=int, default=100, help="extra villages (fill the page)")
    p.add_argument("--engine", choices=["raw", "httpx"], default="raw", help="load client")
    p.add_argument("--profile", type=Path, help="also record py-spy profiles of the server here")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.warmup < 0 or args.rounds < 1:
        p.error("--clients ≥ 1, --seconds > 0, --warmup ≥ 0, --rounds ≥ 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    # A SIGTERM runs the finally blocks and atexit hooks too: the server is terminated and
    # the embedded PostgreSQL stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-"))
        # Registered before the embedded server's own atexit hook, so it runs after it.
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    print(f"preparing the database under {data_dir} …", flush=True)
    prepared, counts = asyncio.run(_prepare(args, data_dir))
    headers = {"Authorization": f"Bearer {prepared.key}"}
    scenarios = [
        Scenario("a", "(a) endpoint", f"/api/v1/tenants/{prepared.slug}/jurisdictions"),
        Scenario("b", "(b) constant", "/bench/constant"),
        Scenario("c", "(c) raw limit", f"/bench/raw/{prepared.slug}/jurisdictions"),
    ]
    log_path = data_dir / "bench-server.log"
    proc, port = _start_server(prepared, data_dir, args.port, log_path)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(proc, base, log_path)
        page = _preflight(base, headers, scenarios)
        server = psutil.Process(proc.pid)
        postmaster = _postmaster(prepared.pgdata)
        seconds = args.seconds / args.rounds
        parts: dict[str, list[Result]] = {s.key: [] for s in scenarios}
        for n, s in enumerate(_order(scenarios, args.rounds)):
            print(f"driving {s.label} for {seconds:g} s: GET {s.path} …", flush=True)
            profiler = _start_profiler(args, proc.pid, f"{s.key}{n}", seconds)
            try:
                parts[s.key].append(_drive(s, args, seconds, base, headers, server, postmaster))
            finally:
                if profiler is not None:
                    _finish(profiler, args.warmup + seconds + 30)
        results = [_merge(parts[s.key]) for s in scenarios]
        peak_rss = _peak_rss(proc.pid)
    finally:
        _stop_server(proc)
    passed = report(args, prepared, results, counts, peak_rss, page)
    if args.profile is not None:
        print(f"\npy-spy profiles (figures above are perturbed by them): {args.profile}/*.json")
    if args.check and not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
