"""Handbook jobs: requested over the API, made in the background, downloaded by a signed link.

A request checks everything that can be wrong (role, township, a published version, a
usable font) before it writes anything, then records a ``queued`` job and starts an asyncio
task in this process. The task reads the list in one transaction, lays the PDF out in a
worker thread (:func:`asyncio.to_thread`, so the event loop keeps serving requests) while
progress is written every :data:`PROGRESS_EVERY` entries, stores the file through the
storage interface and marks the job ``done``. One handbook is laid out at a time per process
(:data:`_SLOTS`), so a burst of requests queues rather than exhausting CPU and memory.

Crashes: a job records the process making it (``owner``: machine, process id and start
time) and writes a heartbeat every :data:`HEARTBEAT_SECONDS`. A job still ``queued`` or
``running`` is marked ``failed`` ("interrupted") the next time anyone reads it or asks for
that township's handbook again when its process has ended — seen at once on the same
machine (the process is gone, or this very process no longer runs the job, e.g. it could
not record a failure while the database was away) — or, from another machine, when its
heartbeat is older than :data:`STALE_AFTER`. The client then simply asks again. No start-up
sweep is needed, which keeps this correct with several workers behind a load balancer.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import functools
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Annotated, Any

import asyncpg
import msgspec

from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.platform.db import describe, is_unavailable, tenant_transaction
from core.platform.errors import Conflict, NotFound, QingdanError
from core.platform.inputs import Checked
from core.platform.messages import Text
from core.platform.settings import is_local_url
from core.platform.storage import Storage
from core.publication import queries
from core.publication.handbook.data import load_document
from core.publication.handbook.fonts import FontSpec, HandbookUnavailable, find_font
from core.publication.handbook.render import render_handbook
from core.security.access import Access, Role
from core.security.permissions import deny

log = logging.getLogger("qingdan.handbook")

PROGRESS_EVERY = 25
HEARTBEAT_SECONDS = 5
STALE_AFTER = datetime.timedelta(seconds=30)
LINK_EXPIRES = datetime.timedelta(hours=1)
STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}
INTERRUPTED = "interrupted: the server stopped while making this handbook; request it again"

_tasks: set[asyncio.Task[None]] = set()
_running: set[uuid.UUID] = set()  # jobs whose task is alive in this process
_SLOTS: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


class HandbookRequest(msgspec.Struct, Checked, forbid_unknown_fields=True):
    version: Annotated[int, msgspec.Meta(ge=1, description="published version; the latest if omitted")] | None = None


class HandbookProgress(msgspec.Struct):
    done: int
    total: int


class HandbookJob(msgspec.Struct):
    id: str
    township_code: str
    version: int
    status: str  # queued, running, done, failed
    status_label: str
    progress: HandbookProgress
    error: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    size_bytes: int | None
    sha256: str | None
    download_url: str | None  # a signed link, only when done
    download_expires_at: datetime.datetime | None


# --- access --------------------------------------------------------------------------------


def _require_reader(access: Access, township: str) -> None:
    """Handbooks show published data: the county, readers and the township itself."""
    if access.is_admin or access.role is Role.READER:
        return
    if access.role is Role.TOWNSHIP and access.principal.scope_code == township:
        return
    raise deny(access, Text("action.township-handbooks", township=township))


# --- requests ------------------------------------------------------------------------------


# --- who makes a job, and whether it still can -------------------------------------------------


@functools.cache
def _machine() -> str:
    """This machine and process-id namespace: a process id names the same process only within
    both (containers on one host share the boot id but not the namespace)."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f"{f.read().strip()}/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return socket.gethostname()


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, Linux), so that a process id
    reused by a later process is not taken for the job's; ``None`` when there is no such
    process; ``"?"`` where /proc does not say."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return None
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "?"


@functools.cache
def _owner_of(pid: int) -> str:
    return f"{_machine()} {pid} {_started(pid) or '?'}"


def owner() -> str:
    """This process, as recorded on the jobs it makes."""
    return _owner_of(os.getpid())


def owner_gone(job_owner: str | None, job_id: uuid.UUID) -> bool:
    """Whether the process that owns job ``job_id`` has certainly stopped making it. Only
    decidable on the owner's machine; elsewhere the heartbeat decides."""
    if not job_owner:
        return False
    try:
        machine, pid_text, started = job_owner.rsplit(" ", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if machine != _machine():
        return False
    if job_owner == owner():
        return job_id not in _running
    now = _started(pid)
    return now is None or (started != "?" and now != "?" and now != started)


async def _fail_gone(conn: asyncpg.Connection, tid: uuid.UUID, where: str, value: Any) -> None:
    """Mark failed the active jobs matching ``where`` (``$2`` is ``value``) whose process ended."""
    rows = await queries.active_handbooks(conn, tid, where, value, STALE_AFTER)
    gone = [r.id for r in rows if r.stale or owner_gone(r.owner, r.id)]
    if gone:
        await conn.execute(queries.FAIL_HANDBOOKS, tid, gone, INTERRUPTED)


async def request_handbook(
    access: Access,
    township: str,
    data: HandbookRequest,
    *,
    storage: Storage,
    public_base_url: str,
    font: str | None = None,
    allow_local_url: bool = False,
) -> HandbookJob:
    """Start making the handbook of ``township``'s published list (the latest version unless
    ``data.version``); if one is already being made, that job is returned instead.

    Its QR codes and links point under ``public_base_url``; one that only this machine reaches
    is refused unless ``allow_local_url`` (the demo), and then logged as a warning.
    """
    _require_reader(access, township)
    _check_public_url(public_base_url, allow_local_url)
    spec = find_font(font)  # a server without a font says so now, not in a failed job
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        number, total = await _published_version(conn, access, township, data.version)
        await _fail_gone(conn, tid, "township_code = $2", township)
        row = await queries.insert_handbook(
            conn, tid, township, number, total, access.principal.key_id, access.role.value, owner()
        )
        started = row is not None
        if row is not None:  # before COMMIT: a concurrent request must not take it for an orphan
            _running.add(row.id)
        else:  # one is being made already: join it
            row = await queries.active_handbook(conn, tid, township, number)
        assert row is not None  # the conflicting job is queued or running: ON CONFLICT waited for its insert
    if started:
        _start(access, row.id, township, number, storage, public_base_url, spec)
    return await _view(access, row, storage)


def _check_public_url(public_base_url: str, allow_local_url: bool) -> None:
    """A printed handbook whose QR codes open a loopback address opens nothing on a phone."""
    if not is_local_url(public_base_url):
        return
    if allow_local_url:
        log.warning(
            "handbook QR codes point at %s, which only this machine opens; set QINGDAN_PUBLIC_URL to the "
            "address phones reach before printing",
            public_base_url,
        )
        return
    raise HandbookUnavailable(Text("handbook-unavailable.handbook-qr-codes-would", public_base_url=public_base_url))


async def _published_version(
    conn: asyncpg.Connection, access: Access, township: str, wanted: int | None
) -> tuple[int, int]:
    """(version number, entry count) of the version to print, or a clear 404/409."""
    place = await queries.place(conn, access.tenant.id, township)
    if place is None or KINDS[place.kind].level != TOWNSHIP_LEVEL:
        raise NotFound(Text("not-found.no-township", township=township))
    if place.published == 0:
        raise Conflict(Text("conflict.list-has-not-been", name=place.name, township=township))
    version = await queries.printed_version(conn, access.tenant.id, township, wanted)
    if version is None:
        raise NotFound(
            Text("not-found.township-has-no-published", township=township, wanted=wanted, published=place.published)
        )
    return version.number, version.total


async def get_handbook(access: Access, job_id: str, *, storage: Storage) -> HandbookJob:
    """A job with its progress, and a fresh signed download link once it is done."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        raise NotFound(Text("not-found.no-handbook", job_id=job_id)) from None
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        await _fail_gone(conn, tid, "id = $2", key)
        row = await queries.handbook(conn, tid, key)
    if row is None:
        raise NotFound(Text("not-found.no-handbook", job_id=job_id))
    _require_reader(access, row.township_code)
    return await _view(access, row, storage)


async def _view(access: Access, row: queries.HandbookRow, storage: Storage) -> HandbookJob:
    url = expires = None
    if row.status == "done":
        assert row.storage_key is not None, "a done handbook has its file (CHECK on handbooks)"
        expires = datetime.datetime.now(datetime.UTC) + LINK_EXPIRES
        url = await storage.download_url(access.tenant.id, row.storage_key, LINK_EXPIRES)
    return HandbookJob(
        id=str(row.id),
        township_code=row.township_code,
        version=row.list_version,
        status=row.status,
        status_label=STATUS_LABELS[row.status],
        progress=HandbookProgress(done=row.progress_done, total=row.progress_total),
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        download_url=url,
        download_expires_at=expires,
    )


# --- the background task -------------------------------------------------------------------


def _start(
    access: Access, job_id: uuid.UUID, township: str, version: int, storage: Storage, base_url: str, spec: FontSpec
) -> None:
    # A fresh context: the task must not inherit the request's transaction (a ContextVar).
    task = asyncio.create_task(
        _run(access, job_id, township, version, storage, base_url, spec), context=contextvars.Context()
    )
    _tasks.add(task)
    _running.add(job_id)
    task.add_done_callback(_tasks.discard)
    task.add_done_callback(lambda _: _running.discard(job_id))


async def wait_for_jobs() -> None:
    """Wait until every handbook task of this process has finished (shutdown, benchmarks)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


def _slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _SLOTS:
        _SLOTS[loop] = asyncio.Semaphore(1)
    return _SLOTS[loop]


async def _update(access: Access, job_id: uuid.UUID, sql: str, *args: Any) -> None:
    async with tenant_transaction(access.tenant.id) as conn:
        await queries.update_handbook(conn, access.tenant.id, job_id, sql, *args)


async def _heartbeat(access: Access, job_id: uuid.UUID) -> None:
    missed = False
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _update(access, job_id, "status = status")
            missed = False
        except Exception as exc:  # a missed beat is not fatal; the next one may work
            if not missed:  # once per gap, and without a traceback while the database is away
                log.warning("handbook %s: heartbeat failed", job_id, exc_info=None if is_unavailable(exc) else exc)
            missed = True


def _progress_writer(
    access: Access, job_id: uuid.UUID, total: int
) -> tuple[Callable[[int], None], Callable[[], Awaitable[None]]]:
    """A callback for the render thread that writes progress through the event loop, and an
    awaitable that waits for the writes sent so far."""
    loop = asyncio.get_running_loop()
    sent: list[Future[None]] = []

    def report(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            coro = _update(access, job_id, "progress_done = greatest(progress_done, $3)", done)
            sent.append(asyncio.run_coroutine_threadsafe(coro, loop))

    async def flush() -> None:
        for future in sent:
            await asyncio.wrap_future(future)

    return report, flush


async def _run(
    access: Access, job_id: uuid.UUID, township: str, version: int, storage: Storage, base_url: str, spec: FontSpec
) -> None:
    beat = asyncio.create_task(_heartbeat(access, job_id))
    try:
        async with _slot():
            await _update(access, job_id, "status = 'running', started_at = now()")
            document = await load_document(access, township, version, base_url)
            report, flush = _progress_writer(access, job_id, document.entry_count)
            pdf = await asyncio.to_thread(render_handbook, document, spec, report)
            await flush()
        key = f"handbooks/{job_id}/{document.township_name}履职事项清单工作手册-第{version}版.pdf"
        stored = await storage.put(access.tenant.id, key, pdf, "application/pdf")
        await _update(
            access,
            job_id,
            "status = 'done', error = NULL, storage_key = $3, size_bytes = $4, sha256 = $5, finished_at = now(),"
            " progress_done = progress_total",
            stored.key,
            stored.size,
            stored.sha256,
        )
        log.info("handbook %s: %s v%s, %d entries, %d bytes", job_id, township, version, document.entry_count, len(pdf))
    except Exception as exc:
        if is_unavailable(exc):  # not a bug: one line, no traceback
            log.warning("handbook %s failed: the database is unavailable (%s)", job_id, describe(exc))
        else:
            log.exception("handbook %s failed", job_id)
        message = exc.detail if isinstance(exc, QingdanError) else f"{type(exc).__name__}: {exc}"
        try:
            await _update(access, job_id, "status = 'failed', error = $3, finished_at = now()", message[:2000])
        except Exception as failure:  # the job is then seen as interrupted: this process no longer runs it
            log.warning(
                "handbook %s: could not record the failure (%s)",
                job_id,
                describe(failure),
                exc_info=None if is_unavailable(failure) else failure,
            )
    finally:
        beat.cancel()
