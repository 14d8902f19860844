"""GraphQL face of bulk publication: the job type and ``tenant { listPublication(id) }`` (the
mutation is in :mod:`api.graphql.publication_mutations`) — the REST operations, same service."""

from __future__ import annotations

import datetime

import strawberry

from api.graphql.context import GqlInfo
from core.lists.publication import PublicationJob, get_publication
from core.platform.errors import NotFound
from core.security.access import Access


@strawberry.type(description="A township list left out of a bulk publication, with its status.")
class SkippedList:
    township_code: str
    status: str


@strawberry.type(description="A bulk publication of township lists: progress counts the lists handled.")
class ListPublication:
    id: str
    status: str = strawberry.field(description="queued, running, done or failed")
    status_label: str
    effective_date: datetime.date
    townships: list[str] | None = strawberry.field(description="the selection asked for; null: every list")
    progress_done: int
    progress_total: int
    filed: int
    published: int
    skipped: list[SkippedList]
    error: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @classmethod
    def of(cls, job: PublicationJob) -> ListPublication:
        return cls(
            id=job.id,
            status=job.status,
            status_label=job.status_label,
            effective_date=job.effective_date,
            townships=job.townships,
            progress_done=job.progress.done,
            progress_total=job.progress.total,
            filed=job.filed,
            published=job.published,
            skipped=[SkippedList(township_code=s.township_code, status=s.status) for s in job.skipped],
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


@strawberry.type
class PublicationQueries:
    access: strawberry.Private[Access]

    @strawberry.field(description="A bulk publication job by id; null when there is none.")
    async def list_publication(self, info: GqlInfo, id: str) -> ListPublication | None:
        try:
            return ListPublication.of(await get_publication(self.access, id))
        except NotFound:
            return None
