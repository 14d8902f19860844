"""Handbooks (工作手册): ``POST …/townships/{code}/list/handbook`` starts one in the background,
``GET /api/v1/tenants/{tenant}/handbooks/{id}`` shows its progress and, when done, a signed
download link."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.rest.params import TENANT_PATH
from core.publication.handbook import HandbookJob, HandbookRequest, get_handbook, request_handbook
from core.security.access import Access


def _location(access: Access, job: HandbookJob) -> str:
    return f"/api/v1/tenants/{access.tenant.slug}/handbooks/{job.id}"


@post(
    f"{TENANT_PATH}/townships/{{township:str}}/list/handbook",
    operation_id="requestHandbook",
    summary="Make the handbook (工作手册 PDF) of a published list",
    description="Starts making the PDF in the background and answers 202 with the job; follow `Location` "
    "(or `GET …/handbooks/{id}`) until `status` is `done`, then download from `download_url` (a signed link "
    "that expires). The latest published version unless `version` is given; while a handbook of that version "
    "is being made, the same job is returned. A list that was never published answers 409. A server whose "
    "public URL (`QINGDAN_PUBLIC_URL`) only this machine reaches answers 503: the QR codes would open nothing.",
    tags=["handbooks"],
    status_code=202,
)
async def start_handbook(
    request: Request[Any, Any, Any],
    access: NamedDependency[Access],
    township: FromPath[str],
    data: HandbookRequest | None = None,
) -> Response[HandbookJob]:
    state = request.app.state
    job = await request_handbook(
        access,
        township,
        data or HandbookRequest(),
        storage=state.storage,
        public_base_url=state.settings.public_base_url,
        font=state.settings.handbook_font,
        allow_local_url=state.settings.allow_loopback_public_url,
    )
    return Response(job, status_code=202, headers={"Location": _location(access, job)})


@get(
    f"{TENANT_PATH}/handbooks/{{handbook_id:str}}",
    operation_id="getHandbook",
    summary="A handbook job: status, progress, download link when done",
    tags=["handbooks"],
)
async def show_handbook(
    request: Request[Any, Any, Any], access: NamedDependency[Access], handbook_id: FromPath[str]
) -> HandbookJob:
    return await get_handbook(access, handbook_id, storage=request.app.state.storage)


ROUTES = [start_handbook, show_handbook]
