"""GraphQL face of handbooks (工作手册): the job type and ``tenant { handbook(id) }``.

Same service as REST (:mod:`core.publication.handbook`), same storage (the app's), same rules."""

from __future__ import annotations

import datetime

import strawberry

from api.graphql.context import GqlInfo
from core.platform.errors import NotFound
from core.platform.storage import Storage
from core.publication.handbook import HandbookJob, get_handbook
from core.security.access import Access


def app_storage(info: GqlInfo) -> Storage:
    """The application's storage (the one REST uses)."""
    request = info.context.request
    assert request is not None
    return request.app.state.storage


@strawberry.type(description="A handbook (工作手册 PDF) being made or made; download_url once status is done.")
class Handbook:
    id: str
    township_code: str
    version: int
    status: str = strawberry.field(description="queued, running, done or failed")
    status_label: str
    progress_done: int
    progress_total: int
    error: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    size_bytes: int | None
    sha256: str | None
    download_url: str | None = strawberry.field(description="a signed link that expires (download_expires_at)")
    download_expires_at: datetime.datetime | None

    @classmethod
    def of(cls, job: HandbookJob) -> Handbook:
        return cls(
            id=job.id,
            township_code=job.township_code,
            version=job.version,
            status=job.status,
            status_label=job.status_label,
            progress_done=job.progress.done,
            progress_total=job.progress.total,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            size_bytes=job.size_bytes,
            sha256=job.sha256,
            download_url=job.download_url,
            download_expires_at=job.download_expires_at,
        )


@strawberry.type
class HandbookQueries:
    access: strawberry.Private[Access]

    @strawberry.field(description="A handbook job by id; null when there is none.")
    async def handbook(self, info: GqlInfo, id: str) -> Handbook | None:
        try:
            return Handbook.of(await get_handbook(self.access, id, storage=app_storage(info)))
        except NotFound:
            return None
