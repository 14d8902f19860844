"""What an operator sees: `qingdan serve` as a real process, stopped by real signals.

Every way a server normally ends — SIGTERM, Ctrl-C (SIGINT to the process group), uvicorn's
multiprocess supervisor (`--workers 2`), a refused start — leaves no PostgreSQL running for
its data directory; a second process on the same data directory does not stop the first's
server; a killed process does not keep the server alive for ever. A taken port is refused
before any provisioning, and links follow `--host/--port` unless QINGDAN_PUBLIC_URL is set,
with handbooks refused while that address is loopback.

The processes share one data directory (one initdb for the module).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from api import cli
from core.platform.settings import is_local_url
from tests.conftest import MakeTenant

ROOT = Path(__file__).resolve().parent.parent
STOP_WITHIN = 30.0  # seconds from the signal to the process's exit, PostgreSQL stopped
START_WITHIN = 90.0


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    env["QINGDAN_EVENT_WORKER"] = "off"
    env.update(extra)
    return env


def qingdan(data_dir: Path, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=clean_env(**env),
        cwd=ROOT,
        timeout=180,
    )
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    """PostgreSQL processes whose command line names ``data_dir`` (the postmaster's ``-D``)."""
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(str(data_dir) in part for part in cmdline):
            found.append(proc)
    return found


def handle_pids(data_dir: Path) -> list[int]:
    path = data_dir / "pgdata" / ".handle_pids.json"
    return json.loads(path.read_text()) if path.exists() else []


def assert_postgres_stopped(data_dir: Path) -> None:
    assert not postgres_processes(data_dir), "PostgreSQL still runs for the data directory"
    assert not (data_dir / "pgdata" / "postmaster.pid").exists()
    assert handle_pids(data_dir) == [], "no process is left registered, dead or alive"


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_exit(self, seconds: float = STOP_WITHIN) -> int:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the server did not exit within {seconds} s:\n{self.output()}") from None


def start_serve(data_dir: Path, tmp_path: Path, *args: str, **env: str) -> Server:
    """`qingdan serve` on a free port in its own process group (as a shell runs it), healthy."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=clean_env(**env),
            cwd=ROOT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + START_WITHIN
    while True:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{server.output()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return server
        assert time.monotonic() < deadline, f"serve not healthy within {START_WITHIN} s:\n{server.output()}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def operator_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("operator")


@pytest.fixture(scope="module")
def admin_key(operator_dir: Path) -> str:
    """A migrated data directory with an empty tenant ``op`` and an admin key for it."""
    qingdan(operator_dir, "migrate")
    qingdan(operator_dir, "tenant", "create", "--slug", "op", "--name", "运维县", "--division-code", "510115")
    issued = qingdan(operator_dir, "apikey", "create", "--tenant", "op", "--role", "admin").stdout
    assert_postgres_stopped(operator_dir)
    return issued.split("key:")[1].split()[0]


@pytest.fixture
def no_leftover() -> Iterator[None]:
    """Whatever a test does, it must not leave a server process behind (nor let a failed test
    leave one for the next)."""
    yield
    for proc in psutil.Process().children():
        if "api.cli" in " ".join(proc.cmdline()):
            proc.terminate()  # SIGTERM, so that it still stops its PostgreSQL
            try:
                proc.wait(STOP_WITHIN)
            except psutil.TimeoutExpired:
                proc.kill()


def canonical(html: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert match, "the portal page has a canonical link"
    return match.group(1)


# --- stopping -------------------------------------------------------------------------------


def test_a_refused_start_leaves_no_postgres(tmp_path: Path) -> None:
    refused = qingdan(tmp_path, "serve", "--port", str(free_port()), ok=False)
    assert refused.returncode != 0 and "qingdan migrate" in refused.stderr
    assert_postgres_stopped(tmp_path)


def test_sigterm_stops_serve_and_its_postgres(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path)
    assert postgres_processes(operator_dir), "serve runs the embedded server"
    assert handle_pids(operator_dir) == [server.process.pid]
    # Links follow --port (QINGDAN_PUBLIC_URL is not set), and serve says the address is loopback.
    home = httpx.get(f"{server.url}/portal/op", timeout=10)
    assert home.status_code == 200, home.text
    assert canonical(home.text) == f"{server.url}/portal/op"
    assert "warning: the public URL" in server.output() and "QINGDAN_PUBLIC_URL" in server.output()

    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.wait_exit() == 0, server.output()
    assert_postgres_stopped(operator_dir)
    print(f"SIGTERM to exit, PostgreSQL stopped: {time.monotonic() - started:.1f} s")


def test_ctrl_c_stops_serve_and_its_postgres(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path)
    os.killpg(server.process.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
    assert server.wait_exit() == 0, server.output()
    assert_postgres_stopped(operator_dir)


def test_workers_share_the_parents_postgres_and_the_parent_stops_it(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path, "--workers", "2")
    children = psutil.Process(server.process.pid).children()
    workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
    assert len(workers) == 2
    assert handle_pids(operator_dir) == [server.process.pid], "only the parent holds the server"
    assert postgres_processes(operator_dir), "the parent's embedded server runs"
    # The workers build the app from the environment: they read the derived public URL too,
    # and refuse handbooks while it is loopback.
    for _ in range(4):  # requests spread over both workers
        home = httpx.get(f"{server.url}/portal/op", timeout=10)
        assert home.status_code == 200 and canonical(home.text) == f"{server.url}/portal/op"
    refused = httpx.post(
        f"{server.url}/api/v1/tenants/op/townships/510115001000/list/handbook",
        headers={"Authorization": f"Bearer {admin_key}"},
        timeout=10,
    )
    assert refused.status_code == 503, refused.text
    assert server.url in refused.json()["detail"] and "QINGDAN_PUBLIC_URL" in refused.json()["detail"]

    server.process.send_signal(signal.SIGTERM)
    assert server.wait_exit() == 0, server.output()
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    assert_postgres_stopped(operator_dir)


def test_ctrl_c_stops_workers_and_postgres(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path, "--workers", "2")
    os.killpg(server.process.pid, signal.SIGINT)  # parent and workers all get it, as from a terminal
    assert server.wait_exit() == 0, server.output()
    assert_postgres_stopped(operator_dir)


def test_a_second_process_does_not_stop_the_first_ones_postgres(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path)
    listed = qingdan(operator_dir, "tenant", "list")
    assert "op" in listed.stdout
    assert postgres_processes(operator_dir), "the other command left serve's server running"
    assert handle_pids(operator_dir) == [server.process.pid]
    ready = httpx.get(f"{server.url}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert httpx.get(f"{server.url}/portal/op", timeout=10).status_code == 200

    server.process.send_signal(signal.SIGTERM)
    assert server.wait_exit() == 0, server.output()
    assert_postgres_stopped(operator_dir)


def test_a_killed_process_does_not_keep_postgres_running(
    operator_dir: Path, admin_key: str, tmp_path: Path, no_leftover: None
) -> None:
    server = start_serve(operator_dir, tmp_path)
    server.process.kill()  # SIGKILL: no clean-up at all
    server.process.wait()
    assert postgres_processes(operator_dir) and handle_pids(operator_dir) == [server.process.pid]

    # The next command finds the server running, uses it, forgets the dead PID and, being the
    # last user, stops it.
    assert "op" in qingdan(operator_dir, "tenant", "list").stdout
    assert_postgres_stopped(operator_dir)


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.3])
def test_a_one_shot_command_stopped_by_sigterm_still_stops_postgres(tmp_path: Path, delay: float) -> None:
    """A command interrupted mid-way (here: while the demo provisions) unwinds and stops the
    server, wherever the signal lands (raised at an arbitrary point of the event loop, 0.1 s
    in once left a task that never finished and the process hanging). Each case has a data
    directory of its own: in a shared one the demo skips the tenants an earlier case made and
    could finish before the signal."""
    operator_dir = tmp_path
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(operator_dir), "demo", "--no-serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(),
        cwd=ROOT,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + START_WITHIN
    for _line in process.stdout:  # provisioning prints progress once the database is up
        if postgres_processes(operator_dir) and handle_pids(operator_dir) == [process.pid]:
            break
        assert time.monotonic() < deadline, "the demo did not start provisioning"
    time.sleep(delay)
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 0, output  # demo and serve stop on request
    assert "stopped (SIGTERM)" in output
    assert_postgres_stopped(operator_dir)


# --- the port is checked first --------------------------------------------------------------


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_taken_port_is_refused_before_anything_else(command: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        refused = qingdan(tmp_path, command, "--port", str(port), ok=False)
        elapsed = time.monotonic() - started
    assert refused.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in refused.stderr
    assert elapsed < 15, f"refused only after {elapsed:.0f} s"
    assert not (tmp_path / "pgdata").exists(), "no database was started, let alone provisioned"
    assert_postgres_stopped(tmp_path)


# --- the public URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 28417, "http://127.0.0.1:28417"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),
        ("::", 8000, "http://[::1]:8000"),
        ("192.168.1.20", 80, "http://192.168.1.20:80"),
        ("qingdan.lan", 8080, "http://qingdan.lan:8080"),
    ],
)
def test_links_follow_host_and_port_unless_the_public_url_is_set(
    host: str, port: int, url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    args = cli.parser().parse_args(["--data-dir", str(tmp_path), "serve", "--host", host, "--port", str(port)])
    # Unset ("" counts as unset), and restored afterwards: the command writes os.environ.
    monkeypatch.setenv("QINGDAN_PUBLIC_URL", "")
    monkeypatch.setenv("QINGDAN_ALLOW_LOOPBACK_PUBLIC_URL", "")
    settings = cli._serving_settings(args, demo=False)
    assert settings.public_base_url == url
    assert os.environ["QINGDAN_PUBLIC_URL"] == url, "exported for uvicorn's worker processes"
    assert not settings.allow_loopback_public_url

    monkeypatch.setenv("QINGDAN_PUBLIC_URL", "https://qingdan.example.gov.cn/")
    settings = cli._serving_settings(args, demo=True)
    assert settings.public_base_url == "https://qingdan.example.gov.cn"
    assert settings.allow_loopback_public_url, "the demo makes handbooks anyway"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.8.0.1", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0:8000", True),
        ("http://[::]:8000", True),
        ("http://192.168.1.20:8000", False),
        ("https://qingdan.example.gov.cn", False),
        ("https://localhost.example.cn", False),
    ],
)
def test_which_public_urls_phones_cannot_open(url: str, local: bool) -> None:
    assert is_local_url(url) is local


@pytest.fixture
def public_url(app: Any) -> Iterator[Callable[..., None]]:
    """Set the app's public URL (and the demo's allowance) for one test."""
    original = app.state.settings

    def use(url: str, *, allow: bool = False) -> None:
        app.state.settings = replace(original, public_base_url=url, allow_loopback_public_url=allow)

    try:
        yield use
    finally:
        app.state.settings = original


async def test_a_handbook_is_refused_while_the_public_url_is_loopback(
    client: httpx.AsyncClient, make_tenant: MakeTenant, public_url: Callable[..., None]
) -> None:
    t = await make_tenant()
    path = f"{t.base}/townships/510115001000/list/handbook"
    public_url("http://127.0.0.1:28417")
    refused = await client.post(path, headers=t.auth())
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "http://127.0.0.1:28417" in detail and "phones" in detail and "QINGDAN_PUBLIC_URL" in detail

    mutation = """mutation($t: String!) { requestHandbook(tenant: $t, township: "510115001000") {
        __typename ... on Problem { status detail } } }"""
    answer = await client.post("/graphql", json={"query": mutation, "variables": {"t": t.slug}}, headers=t.auth())
    result = answer.json()["data"]["requestHandbook"]
    assert result["__typename"] == "Problem" and result["status"] == 503
    assert "QINGDAN_PUBLIC_URL" in result["detail"]

    # Allowed (the demo), or with a public address, the request goes on to the list: none is
    # published in this empty tenant.
    for url, allow in [("http://0.0.0.0:8000", True), ("https://qingdan.example.gov.cn", False)]:
        public_url(url, allow=allow)
        answered = await client.post(path, headers=t.auth())
        assert answered.status_code in (404, 409), answered.text
