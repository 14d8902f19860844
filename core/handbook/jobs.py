"""Handbook jobs: requested over the API, made in the background, downloaded by a signed link.

A request checks everything that can be wrong (role, township, a published version, a
usable font) before it writes anything, then records a ``queued`` job and starts an asyncio
task in this process. The task reads the list in one transaction, lays the PDF out in a
worker thread (:func:`asyncio.to_thread`, so the event loop keeps serving requests) while
progress is written every :data:`PROGRESS_EVERY` entries, stores the file through the
storage interface and marks the job ``done``. One handbook is laid out at a time per process
(:data:`_SLOTS`), so a burst of requests queues rather than exhausting CPU and memory.

Crashes: a running job writes a heartbeat every :data:`HEARTBEAT_SECONDS`. A job that is
still ``queued``/``running`` without a heartbeat for :data:`STALE_AFTER` — its process died
or restarted — is marked ``failed`` ("interrupted") the next time anyone reads it or asks
for that township's handbook again; the client then simply asks again. No start-up sweep
is needed, which keeps this correct with several workers behind a load balancer.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import logging
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Annotated, Any

import msgspec

from core.access import Access, Role
from core.db import tenant_transaction
from core.divisions import KINDS, TOWNSHIP_LEVEL
from core.errors import Conflict, NotFound, QingdanError
from core.handbook.data import load_document
from core.handbook.fonts import FontSpec, HandbookUnavailable, find_font
from core.handbook.render import render_handbook
from core.inputs import Checked
from core.permissions import deny
from core.settings import is_local_url
from core.storage import Storage

log = logging.getLogger("qingdan.handbook")

PROGRESS_EVERY = 25
HEARTBEAT_SECONDS = 15
STALE_AFTER = datetime.timedelta(seconds=90)
LINK_EXPIRES = datetime.timedelta(hours=1)
STATUS_LABELS = {"queued": "排队中", "running": "生成中", "done": "已完成", "failed": "失败"}
INTERRUPTED = "interrupted: the server stopped while making this handbook; request it again"

_tasks: set[asyncio.Task[None]] = set()
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
    raise deny(access, f"make or read handbooks of township {township}")


# --- requests ------------------------------------------------------------------------------

_COLUMNS = (
    "id, township_code, list_version, status, progress_done, progress_total, error, storage_key,"
    " size_bytes, sha256, created_at, started_at, finished_at"
)

_FAIL_STALE = (
    "UPDATE handbooks SET status = 'failed', error = $3, finished_at = now()"
    " WHERE tenant_id = $1 AND status IN ('queued', 'running') AND heartbeat_at < now() - $4::interval"
)


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
        await conn.execute(_FAIL_STALE + " AND township_code = $2", tid, township, INTERRUPTED, STALE_AFTER)
        row = await conn.fetchrow(
            "INSERT INTO handbooks (tenant_id, township_code, list_version, progress_total, requested_by,"
            f" requested_role) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}",
            tid,
            township,
            number,
            total,
            access.principal.key_id,
            access.role.value,
        )
        started = row is not None
        if row is None:  # one is being made already: join it
            row = await conn.fetchrow(
                f"SELECT {_COLUMNS} FROM handbooks WHERE tenant_id = $1 AND township_code = $2"
                " AND list_version = $3 AND status IN ('queued', 'running')",
                tid,
                township,
                number,
            )
    if started:
        _start(access, row["id"], township, number, storage, public_base_url, spec)
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
    raise HandbookUnavailable(
        f"handbook QR codes would point at {public_base_url}, which phones cannot open (it names this machine "
        "only); set QINGDAN_PUBLIC_URL to the address phones and browsers reach this service at "
        "(e.g. https://qingdan.example.gov.cn) and restart"
    )


async def _published_version(conn: Any, access: Access, township: str, wanted: int | None) -> tuple[int, int]:
    """(version number, entry count) of the version to print, or a clear 404/409."""
    place = await conn.fetchrow(
        "SELECT j.kind, j.name, coalesce(l.published_number, 0) AS published FROM jurisdictions j"
        " LEFT JOIN township_lists l ON l.tenant_id = j.tenant_id AND l.township_code = j.code"
        " WHERE j.tenant_id = $1 AND j.code = $2",
        access.tenant.id,
        township,
    )
    if place is None or KINDS[place["kind"]].level != TOWNSHIP_LEVEL:
        raise NotFound(f"no township {township}")
    if place["published"] == 0:
        raise Conflict(
            f"the list of {place['name']} ({township}) has not been published yet; a handbook is made from a "
            "published version, so file and publish the list first"
        )
    version = await conn.fetchrow(
        "SELECT v.number, (SELECT count(*) FROM township_version_entries e WHERE e.tenant_id = v.tenant_id"
        " AND e.township_code = v.township_code AND e.number = v.number) AS total"
        " FROM township_list_versions v WHERE v.tenant_id = $1 AND v.township_code = $2"
        " AND ($3::int IS NULL OR v.number = $3) ORDER BY v.effective_date DESC, v.number DESC LIMIT 1",
        access.tenant.id,
        township,
        wanted,
    )
    if version is None:
        raise NotFound(
            f"township {township} has no published version {wanted}; versions 1 to {place['published']} exist"
        )
    return version["number"], version["total"]


async def get_handbook(access: Access, job_id: str, *, storage: Storage) -> HandbookJob:
    """A job with its progress, and a fresh signed download link once it is done."""
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        raise NotFound(f"no handbook {job_id}") from None
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        await conn.execute(_FAIL_STALE + " AND id = $2", tid, key, INTERRUPTED, STALE_AFTER)
        row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM handbooks WHERE tenant_id = $1 AND id = $2", tid, key)
    if row is None:
        raise NotFound(f"no handbook {job_id}")
    _require_reader(access, row["township_code"])
    return await _view(access, row, storage)


async def _view(access: Access, row: Any, storage: Storage) -> HandbookJob:
    url = expires = None
    if row["status"] == "done":
        expires = datetime.datetime.now(datetime.UTC) + LINK_EXPIRES
        url = await storage.download_url(access.tenant.id, row["storage_key"], LINK_EXPIRES)
    return HandbookJob(
        id=str(row["id"]),
        township_code=row["township_code"],
        version=row["list_version"],
        status=row["status"],
        status_label=STATUS_LABELS[row["status"]],
        progress=HandbookProgress(done=row["progress_done"], total=row["progress_total"]),
        error=row["error"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
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
    task.add_done_callback(_tasks.discard)


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
        await conn.execute(
            f"UPDATE handbooks SET heartbeat_at = now(), {sql} WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            job_id,
            *args,
        )


async def _heartbeat(access: Access, job_id: uuid.UUID) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _update(access, job_id, "status = status")
        except Exception:  # a missed beat is not fatal; the next one may work
            log.warning("handbook %s: heartbeat failed", job_id, exc_info=True)


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
        log.exception("handbook %s failed", job_id)
        message = exc.detail if isinstance(exc, QingdanError) else f"{type(exc).__name__}: {exc}"
        try:
            await _update(access, job_id, "status = 'failed', error = $3, finished_at = now()", message[:2000])
        except Exception:
            log.exception("handbook %s: could not record the failure", job_id)
    finally:
        beat.cancel()
