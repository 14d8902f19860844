"""Stored exports: one object per content, deleted after a retention period.

An export is kept under ``exports/<digest>/<file name>``, where the digest is a SHA-256 of
what the workbook says — title, columns, every row, the notes — except the moment it was
made (:func:`core.exchange.excel.write_workbook` computes it while writing). The same export
asked for twice (thirty reads of a published version by a reader key) therefore stores one
object; a changed catalog, list, unit name or label makes a new one. The workbook bytes
themselves differ on every run (the export time on the notes sheet, ZIP timestamps), which
is why the bytes are not what is hashed.

Objects are deleted ``QINGDAN_EXPORT_RETENTION_HOURS`` after they were last written (24 by
default; 0 keeps them forever) by :class:`ExportSweeper`, a timer in each app process that
walks every tenant's ``exports/`` and deletes at most :data:`SWEEP_LIMIT` objects a round. A
download link must not outlive its object, so an export whose object would expire within the
link's lifetime is written again (which restarts its retention) before the link is issued;
the retention is therefore at least the link lifetime (one hour). Several processes sweeping
at once is harmless: deleting a missing object is not an error.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from core.platform.storage import ObjectNotFound, Storage
from core.platform.timers import Periodic
from core.security.tenancy import all_tenants

log = logging.getLogger("qingdan.exports")

PREFIX = "exports"
#: Objects deleted at most per sweep round (all tenants together), so one round stays short.
SWEEP_LIMIT = 500
#: Objects listed at most per tenant and round.
LIST_LIMIT = 5000
#: How often each process sweeps.
SWEEP_SECONDS = 15 * 60


class Retention:
    """How long stored exports are kept; ``None``: forever. Set from the settings by the app
    (``QINGDAN_EXPORT_RETENTION_HOURS``), like the page caches' sizes."""

    def __init__(self, period: datetime.timedelta | None) -> None:
        self.period = period


retention = Retention(datetime.timedelta(hours=24))


def configure(hours: int) -> None:
    """Keep stored exports ``hours`` after they were written (0: forever)."""
    retention.period = datetime.timedelta(hours=hours) if hours > 0 else None


def export_key(digest: str, filename: str) -> str:
    """The object key of an export with this content digest."""
    return f"{PREFIX}/{digest[:32]}/{filename}"


def needs_writing(modified: datetime.datetime | None, lifetime: datetime.timedelta, now: datetime.datetime) -> bool:
    """Whether an export object last written at ``modified`` (``None``: there is none) must be
    written (again) before a link living ``lifetime`` is handed out: it would expire first."""
    if modified is None:
        return True
    if retention.period is None:
        return False
    return modified + retention.period < now + lifetime


async def sweep_tenant(
    storage: Storage, tenant_id: uuid.UUID, *, now: datetime.datetime | None = None, limit: int = SWEEP_LIMIT
) -> int:
    """Delete up to ``limit`` of the tenant's exports older than the retention; returns how many.

    Each candidate is looked at again right before it is deleted: an export asked for since
    the listing has been written anew and is kept.
    """
    if retention.period is None or limit <= 0:
        return 0
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff = now - retention.period
    deleted = 0
    for found in await storage.list_objects(tenant_id, PREFIX, limit=LIST_LIMIT):
        if found.modified >= cutoff:
            continue
        try:
            if (await storage.stat(tenant_id, found.key)).modified >= cutoff:
                continue
        except ObjectNotFound:  # gone meanwhile
            continue
        await storage.delete(tenant_id, found.key)
        deleted += 1
        if deleted >= limit:
            break
    return deleted


async def sweep(storage: Storage, *, now: datetime.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """One round over every tenant, at most ``limit`` deletions in all; returns how many."""
    deleted = 0
    for tenant in await all_tenants():
        if deleted >= limit:
            break
        deleted += await sweep_tenant(storage, tenant.id, now=now, limit=limit - deleted)
    return deleted


class ExportSweeper(Periodic):
    """The timer: :func:`sweep` every ``seconds``."""

    name = "export sweep"

    def __init__(self, storage: Storage, seconds: float = SWEEP_SECONDS) -> None:
        super().__init__(seconds, log)
        self.storage = storage

    async def round(self) -> None:
        if deleted := await sweep(self.storage):
            log.info("export sweep: %d expired exports deleted", deleted)
