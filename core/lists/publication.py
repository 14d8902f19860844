"""Bulk publication: file and publish many township lists of a tenant in one request.

The county admin names a selection (or none: every list of the tenant) and an effective
date. The request checks what can be checked up front (role, the townships exist and have
lists, something to publish), records a ``queued`` job with the lists it will take
(submitted ones are filed first, filed ones published) and those it leaves out with their
status, and starts an asyncio task in this process — the pattern of handbook jobs
(:mod:`core.publication.handbook.jobs`), whose owner/heartbeat rules it reuses: a job whose process
ended is marked ``failed`` ("interrupted") when next read. One job per tenant at a time.

The task works in batches of :data:`BATCH` lists, each one transaction of a fixed number of
statements (:func:`core.lists.service.publish_filed`), and records its progress in the same
transaction: what the job says is done is committed. A failure leaves the batches before it
published; asking again publishes the rest (they are still filed). Statistics of the tables
it filled are refreshed once, at the end.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import logging
import re
import uuid
from typing import Annotated, Any

import asyncpg
import msgspec

from core.events import service as events
from core.lists import queries
from core.lists.service import publish_filed, render_published
from core.platform.db import describe, is_unavailable, refresh_statistics, tenant_transaction
from core.platform.errors import Conflict, NotFound, QingdanError, ValidationFailed
from core.platform.inputs import Checked, check_day
from core.platform.messages import Text
from core.publication.handbook.jobs import HEARTBEAT_SECONDS, INTERRUPTED, STALE_AFTER, owner, owner_gone
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

log = logging.getLogger("qingdan.publication")

BATCH = 200  # lists per transaction: ~70,000 entries copied, well under a second
MAX_SELECTION = 50_000
STATUS_LABELS = {"queued": "排队中", "running": "发布中", "done": "已完成", "failed": "失败"}
_CODE = re.compile(r"^[0-9]{6}([0-9]{6}([0-9]{3})?)?$")

_tasks: set[asyncio.Task[None]] = set()
_running: set[uuid.UUID] = set()  # jobs whose task is alive in this process


class PublicationRequest(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date
    townships: (
        Annotated[
            list[str],
            msgspec.Meta(
                min_length=1,
                max_length=MAX_SELECTION,
                description="township codes; every list of the tenant if omitted",
                examples=[["510115001000", "510115002000"]],
            ),
        ]
        | None
    ) = None


class SkippedList(msgspec.Struct):
    township_code: str
    status: str  # draft, returned or published: nothing to file or publish


class PublicationProgress(msgspec.Struct):
    done: int
    total: int


class PublicationJob(msgspec.Struct):
    id: str
    status: str  # queued, running, done, failed
    status_label: str
    effective_date: datetime.date
    townships: list[str] | None  # the selection asked for; None: every list
    progress: PublicationProgress  # lists handled of those to file or publish
    filed: int
    published: int
    skipped: list[SkippedList]
    error: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def _view(row: queries.JobRow) -> PublicationJob:
    return PublicationJob(
        id=str(row.id),
        status=row.status,
        status_label=STATUS_LABELS[row.status],
        effective_date=row.effective_date,
        townships=list(row.townships) if row.townships is not None else None,
        progress=PublicationProgress(done=row.progress_done, total=row.progress_total),
        filed=row.filed,
        published=row.published,
        skipped=msgspec.json.decode(row.skipped, type=list[SkippedList]),
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _gone(job_owner: str | None, job_id: uuid.UUID) -> bool:
    """Whether the process of job ``job_id`` has certainly stopped running it (this process:
    by its own task set; another one: :func:`core.publication.handbook.jobs.owner_gone`)."""
    if job_owner == owner():
        return job_id not in _running
    return owner_gone(job_owner, job_id)


async def _fail_gone(conn: asyncpg.Connection, tid: uuid.UUID) -> None:
    """Mark failed the tenant's active job if its process has ended (handbook rules)."""
    rows = await queries.active_jobs(conn, tid, STALE_AFTER)
    gone = [r.id for r in rows if r.stale or _gone(r.owner, r.id)]
    if gone:
        await conn.execute(
            queries.FAIL_JOBS, tid, gone, INTERRUPTED.replace("making this handbook", "publishing these lists")
        )


def _check_selection(data: PublicationRequest) -> list[str] | None:
    check_day("effective_date", data.effective_date)
    if data.townships is None:
        return None
    bad = [i for i, code in enumerate(data.townships) if not _CODE.match(code)]
    if bad:
        raise ValidationFailed.on(f"townships[{bad[0]}]", Text("field.township-s-division-code"))
    return sorted(set(data.townships))


async def request_publication(access: Access, data: PublicationRequest) -> PublicationJob:
    """Start filing and publishing the submitted and filed lists among ``data.townships``
    (every list of the tenant if None) with ``data.effective_date``."""
    require_admin(access, "publish township lists")
    selection = _check_selection(data)
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        await _fail_gone(conn, tid)
        lists = await queries.list_statuses(conn, tid, selection)
        if selection is not None and len(lists) != len(selection):
            missing = sorted(set(selection) - {r.township_code for r in lists})
            raise ValidationFailed.on("townships", Text("field.no-township-list", value=list(missing[:10])))
        chosen = [r.township_code for r in lists if r.status in ("submitted", "filed")]
        skipped = [SkippedList(r.township_code, r.status) for r in lists if r.status not in ("submitted", "filed")]
        if not chosen:
            raise Conflict(Text("conflict.none-these-township-lists", value=len(skipped)))
        row = await queries.insert_job(
            conn,
            tid,
            data.effective_date,
            selection,
            len(chosen),
            msgspec.json.encode(skipped).decode(),
            access.principal.key_id,
            access.role.value,
            owner(),
        )
        if row is None:
            running = await queries.active_job_id(conn, tid)
            raise Conflict(Text("conflict.bulk-publication-tenant-under", running=running))
        _running.add(row.id)  # before COMMIT: a concurrent reader must not take it for an orphan
    _start(access, row.id, chosen, data.effective_date)
    return _view(row)


async def get_publication(access: Access, job_id: str) -> PublicationJob:
    require_admin(access, "read bulk publications")
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        raise NotFound(Text("not-found.no-bulk-publication", job_id=job_id)) from None
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        await _fail_gone(conn, tid)
        row = await queries.job_row(conn, tid, key)
    if row is None:
        raise NotFound(Text("not-found.no-bulk-publication", job_id=job_id))
    return _view(row)


# --- the background task -------------------------------------------------------------------


def _start(access: Access, job_id: uuid.UUID, townships: list[str], effective_date: datetime.date) -> None:
    # A fresh context: the task must not inherit the request's transaction (a ContextVar).
    task = asyncio.create_task(_run(access, job_id, townships, effective_date), context=contextvars.Context())
    _tasks.add(task)
    _running.add(job_id)
    task.add_done_callback(_tasks.discard)
    task.add_done_callback(lambda _: _running.discard(job_id))


async def wait_for_jobs() -> None:
    """Wait until every bulk publication of this process has finished (shutdown, benchmarks)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def _update(access: Access, job_id: uuid.UUID, sql: str, *args: Any) -> None:
    async with tenant_transaction(access.tenant.id) as conn:
        await queries.update_job(conn, access.tenant.id, job_id, sql, *args)


async def _heartbeat(access: Access, job_id: uuid.UUID) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await _update(access, job_id, "status = status")
        except Exception as exc:  # a missed beat is not fatal; the next one may work
            log.warning("bulk publication %s: heartbeat failed (%s)", job_id, describe(exc))


async def _file_submitted(conn: asyncpg.Connection, access: Access, townships: list[str]) -> list[str]:
    """审核备案 of the submitted lists among ``townships`` (one statement), recorded like
    :func:`core.lists.service.file_list`."""
    codes = sorted(await queries.file_submitted(conn, access.tenant.id, townships))
    for code in codes:
        await audit.record(access, "township_list", code, "filed", after={"status": "filed", "note": ""})
        await events.emit(
            conn,
            access.tenant.id,
            "township_list.filed",
            f"townships/{code}/list",
            {"township_code": code, "status": "filed", "note": ""},
        )
    return codes


async def _batch(access: Access, job_id: uuid.UUID, townships: list[str], effective_date: datetime.date) -> list[str]:
    """One batch in one transaction; returns the townships it published."""
    async with tenant_transaction(access.tenant.id) as conn:
        filed = await _file_submitted(conn, access, townships)
        published = await publish_filed(conn, access, townships, effective_date)
        await conn.execute(queries.COUNT_BATCH, access.tenant.id, job_id, len(townships), len(filed), len(published))
    return [code for code, _, _ in published]


async def _run(access: Access, job_id: uuid.UUID, townships: list[str], effective_date: datetime.date) -> None:
    beat = asyncio.create_task(_heartbeat(access, job_id))
    try:
        await _update(access, job_id, "status = 'running', started_at = now()")
        published: list[str] = []
        for start in range(0, len(townships), BATCH):
            published += await _batch(access, job_id, townships[start : start + BATCH], effective_date)
        async with tenant_transaction(access.tenant.id) as conn:
            await refresh_statistics(conn, "township_entry_spans")
        await _update(access, job_id, "status = 'done', finished_at = now()")
        log.info("bulk publication %s: %d lists", job_id, len(townships))
    except Exception as exc:
        await _failed(job_id, access, exc)
        return
    finally:
        beat.cancel()
    # Published: now, at the job's final generation (each batch moved it), the new versions
    # rendered for the selections the tenant's readers use (nothing without GraphQL readers).
    try:
        rendered = await render_published(access, published)
        if rendered:
            log.info("bulk publication %s: %d lists rendered ahead", job_id, rendered)
    except Exception as exc:  # the lists are published; their first readers render them
        log.warning("bulk publication %s: rendering ahead failed (%s)", job_id, describe(exc))


async def _failed(job_id: uuid.UUID, access: Access, exc: Exception) -> None:
    """Record the job's failure (a failure to record it leaves it to look interrupted)."""
    if is_unavailable(exc):
        log.warning("bulk publication %s failed: the database is unavailable (%s)", job_id, describe(exc))
    else:
        log.exception("bulk publication %s failed", job_id, exc_info=exc)
    message = exc.detail if isinstance(exc, QingdanError) else f"{type(exc).__name__}: {exc}"
    try:
        await _update(access, job_id, "status = 'failed', error = $3, finished_at = now()", message[:2000])
    except Exception as failure:  # then seen as interrupted: this process no longer runs it
        log.warning("bulk publication %s: could not record the failure (%s)", job_id, describe(failure))
