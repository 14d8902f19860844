"""Bulk publication of township lists: ``POST /api/v1/tenants/{tenant}/list-publications`` files
and publishes many lists in the background; ``GET …/list-publications/{id}`` shows progress."""

from __future__ import annotations

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.rest.params import TENANT_PATH
from core.lists.publication import PublicationJob, PublicationRequest, get_publication, request_publication
from core.security.access import Access


@post(
    f"{TENANT_PATH}/list-publications",
    operation_id="requestListPublication",
    summary="File and publish many township lists in one job",
    description="For the county admin. Every township list of the tenant, or those named in `townships`: "
    "submitted lists are filed (审核备案) and then published with `effective_date`, filed lists are published; "
    "draft, returned and already published lists are left as they are and listed in `skipped`. Answers 202 with "
    "the job; follow `Location` until `status` is `done` (`progress` counts the lists handled). Lists are "
    "published in batches, each committed with the progress it reports; a failed job leaves the batches before "
    "it published and the rest filed, so asking again finishes the work. One job per tenant at a time (409).",
    tags=["township-lists"],
    status_code=202,
)
async def start_list_publication(access: NamedDependency[Access], data: PublicationRequest) -> Response[PublicationJob]:
    job = await request_publication(access, data)
    return Response(
        job, status_code=202, headers={"Location": f"/api/v1/tenants/{access.tenant.slug}/list-publications/{job.id}"}
    )


@get(
    f"{TENANT_PATH}/list-publications/{{publication_id:str}}",
    operation_id="getListPublication",
    summary="A bulk publication job: status, progress, lists filed, published and skipped",
    tags=["township-lists"],
)
async def show_list_publication(access: NamedDependency[Access], publication_id: FromPath[str]) -> PublicationJob:
    return await get_publication(access, publication_id)


ROUTES = [start_list_publication, show_list_publication]
