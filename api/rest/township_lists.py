"""``/api/v1/tenants/{tenant}/townships/{code}/list`` — a township's list ("一街一单")."""

from __future__ import annotations

import datetime
from typing import Annotated

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from api.rest.encodings import spliced_response
from api.rest.params import TENANT_PATH, IdempotencyKey, IfMatch, with_etag
from core.lists import service
from core.lists.service import (
    Claim,
    EntryUpdate,
    ListDiff,
    ListPublish,
    ListVersion,
    ReturnRequest,
    TownshipList,
)
from core.platform.versioning import parse_etag
from core.security.access import Access


class TownshipListController(Controller):
    path = f"{TENANT_PATH}/townships/{{township:str}}/list"
    tags = ["township lists"]

    @get(operation_id="getWorkingList", summary="The working copy (county admin and the township)")
    async def working(self, access: NamedDependency[Access], township: FromPath[str]) -> Response[TownshipList]:
        view = await service.get_working_list(access, township)
        return with_etag(view, view.revision)

    @get("/published", operation_id="getPublishedList", summary="The published list, latest or as of a date")
    async def published(
        self,
        request: Request,
        access: NamedDependency[Access],
        township: FromPath[str],
        as_of: datetime.date | None = Parameter(default=None, description="the list in force on this date"),
    ) -> Response[TownshipList]:
        # the stored body (gzipped when the client accepts it) after the header: a warm read encodes no entries
        return spliced_response(request, await service.get_published_list_json(access, township, as_of=as_of))

    @get("/versions", operation_id="listTownshipListVersions", summary="Published versions")
    async def versions(self, access: NamedDependency[Access], township: FromPath[str]) -> list[ListVersion]:
        return await service.list_versions(access, township)

    @get("/versions/{number:int}", operation_id="getTownshipListVersion", summary="One published version")
    async def version(
        self, request: Request, access: NamedDependency[Access], township: FromPath[str], number: FromPath[int]
    ) -> Response[TownshipList]:
        return spliced_response(request, await service.get_published_list_json(access, township, number=number))

    @get("/diff", operation_id="diffTownshipListVersions", summary="Entries added, removed, changed")
    async def diff(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        from_version: Annotated[int, QueryParameter(name="from", description="older version number")],
        to_version: Annotated[int, QueryParameter(name="to", description="newer version number")],
    ) -> ListDiff:
        return await service.diff_versions(access, township, from_version, to_version)

    @post("/claims", operation_id="claimItem", summary="Claim a differentiated item (认领)")
    async def claim(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        data: JSONBody[Claim],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[TownshipList]:
        view, replayed = await service.claim_once(access, township, data, idempotency_key)
        return with_etag(view, view.revision, 201, replayed=replayed)

    @delete("/claims/{item_code:str}", operation_id="withdrawClaim", summary="Withdraw a claim")
    async def unclaim(self, access: NamedDependency[Access], township: FromPath[str], item_code: FromPath[str]) -> None:
        await service.withdraw_claim(access, township, item_code)

    @patch(
        "/entries/{item_code:str}",
        operation_id="updateListEntry",
        summary="Local details of an entry, a claimed entry's justification; confirm a changed claimed item",
    )
    async def update_entry(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        item_code: FromPath[str],
        data: JSONBody[EntryUpdate],
        if_match: IfMatch = None,
    ) -> Response[TownshipList]:
        view = await service.update_entry(access, township, item_code, data, parse_etag(if_match))
        return with_etag(view, view.revision)

    @post("/submit", operation_id="submitList", status_code=200, summary="Submit for review (审核)")
    async def submit(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[TownshipList]:
        view, replayed = await service.submit_once(access, township, parse_etag(if_match), idempotency_key)
        return with_etag(view, view.revision, replayed=replayed)

    @post("/return", operation_id="returnList", status_code=200, summary="Return with per-entry comments")
    async def return_list(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        data: JSONBody[ReturnRequest],
        if_match: IfMatch = None,
    ) -> Response[TownshipList]:
        view = await service.return_list(access, township, data, parse_etag(if_match))
        return with_etag(view, view.revision)

    @post("/file", operation_id="fileList", status_code=200, summary="Accept and file (审核备案)")
    async def file(
        self, access: NamedDependency[Access], township: FromPath[str], if_match: IfMatch = None
    ) -> Response[TownshipList]:
        view = await service.file_list(access, township, parse_etag(if_match))
        return with_etag(view, view.revision)

    @post("/publish", operation_id="publishList", status_code=200, summary="Publish a filed list as a new version")
    async def publish(
        self,
        access: NamedDependency[Access],
        township: FromPath[str],
        data: JSONBody[ListPublish],
        if_match: IfMatch = None,
    ) -> TownshipList:
        return await service.publish_list(access, township, data, parse_etag(if_match))
