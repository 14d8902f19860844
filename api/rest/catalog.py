"""``/api/v1/tenants/{tenant}/catalog`` — the versioned reference catalog and its adjustments."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit, UpdatedSince, with_etag
from core.catalog import adjustments, structure
from core.catalog import editing as catalog_editing
from core.catalog import reading as catalog
from core.catalog.adjustments import AdjustmentResolve
from core.catalog.reading import (
    AdjustmentView,
    ItemCreate,
    ItemUpdate,
    ItemView,
    PublishRequest,
    VersionView,
    Withdrawal,
)
from core.lists import service as township_lists
from core.lists.service import Claimant
from core.platform import messages
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access

Version = Parameter(
    default=None,
    description="a version number, `draft` or `published` (default: latest published; the draft for admins)",
)


class CatalogController(Controller):
    path = f"{TENANT_PATH}/catalog"
    tags = ["catalog"]

    @get("/structure", operation_id="getListStructure", summary="List kinds, levels, categories, extra fields")
    async def get_structure(self, access: NamedDependency[Access]) -> dict[str, Any]:
        return structure.to_document(await structure.load_structure(access))

    @put(
        "/structure",
        operation_id="putListStructure",
        summary="Replace the list structure (kinds as data; the plugin's applies by default)",
    )
    async def put_structure(self, access: NamedDependency[Access], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        saved = await structure.replace_structure(access, data)
        return structure.to_document(saved)

    @get("/versions", operation_id="listCatalogVersions", summary="Catalog versions, oldest first")
    async def versions(self, access: NamedDependency[Access]) -> list[VersionView]:
        return await catalog.list_versions(access)

    @get(
        "/versions/{version:str}", operation_id="getCatalogVersion", summary="One version (number, draft or published)"
    )
    async def version(self, access: NamedDependency[Access], version: FromPath[str]) -> Response[VersionView]:
        view = await catalog.get_version(access, version)
        return with_etag(view, view.revision)

    @post(
        "/publish",
        operation_id="publishCatalog",
        status_code=200,
        summary="Freeze the draft as the next version; township lists follow it",
        description="While law-change adjustments are open the answer carries a warning naming how many;"
        " with QINGDAN_PUBLISH_OPEN_ADJUSTMENTS=refuse it is a 409 instead, and nothing is published.",
    )
    async def publish(
        self,
        access: NamedDependency[Access],
        request: Request[Any, Any, Any],
        data: JSONBody[PublishRequest],
        if_match: IfMatch = None,
    ) -> VersionView:
        spoken = messages.negotiate(request.headers.get("accept-language"), messages.ZH)  # warnings: for people
        return await catalog_editing.publish(access, data, parse_etag(if_match), spoken)

    @get("/items", operation_id="listCatalogItems", summary="Items of a version, filtered")
    async def items(
        self,
        access: NamedDependency[Access],
        version: str | None = Version,
        kind: str | None = Parameter(default=None, description="list kind, e.g. basic"),
        category: str | None = Parameter(default=None),
        level: str | None = Parameter(default=None),
        parent: str | None = Parameter(default=None, description="parent reference code"),
        unit: str | None = Parameter(default=None, description="items a unit (or `township`) is responsible for"),
        status: str | None = Parameter(default=None, description="active or withdrawn"),
        q: str | None = Parameter(default=None, description="words in the title or description"),
        limit: Limit = None,
        cursor: Cursor = None,
        updated_since: UpdatedSince = None,
    ) -> Page[ItemView]:
        return await catalog.list_items(
            access,
            version=version,
            kind=kind,
            category=category,
            level=level,
            parent_code=parent,
            unit=unit,
            status=status,
            q=q,
            limit=limit,
            cursor=cursor,
            updated_since=updated_since,
        )

    @post("/items", operation_id="createCatalogItem", summary="Add an item to the draft")
    async def create(
        self, access: NamedDependency[Access], data: JSONBody[ItemCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[ItemView]:
        work = partial(catalog_editing.create_item, access, data)
        view, replayed = await create_once(access, idempotency_key, "createCatalogItem", work, ItemView, data)
        return created(view, replayed, version=view.revision)

    @get("/items/{code:str}", operation_id="getCatalogItem", summary="One item, with responsibilities and legal bases")
    async def read(
        self, access: NamedDependency[Access], code: FromPath[str], version: str | None = Version
    ) -> Response[ItemView]:
        view = await catalog.get_item(access, code, version)
        return with_etag(view, view.revision)

    @patch("/items/{code:str}", operation_id="updateCatalogItem", summary="Change an item in the draft")
    async def update(
        self,
        access: NamedDependency[Access],
        code: FromPath[str],
        data: JSONBody[ItemUpdate],
        if_match: IfMatch = None,
    ) -> Response[ItemView]:
        view = await catalog_editing.update_item(access, code, data, parse_etag(if_match))
        return with_etag(view, view.revision)

    @post(
        "/items/{code:str}/withdraw",
        operation_id="withdrawCatalogItem",
        status_code=200,
        summary="Remove an item (kept as withdrawn, with reason and successor)",
    )
    async def withdraw(
        self, access: NamedDependency[Access], code: FromPath[str], data: JSONBody[Withdrawal]
    ) -> ItemView:
        return await catalog_editing.withdraw_item(access, code, data)

    @get("/items/{code:str}/claims", operation_id="listItemClaimants", summary="Townships that claimed the item")
    async def claims(self, access: NamedDependency[Access], code: FromPath[str]) -> list[Claimant]:
        return await township_lists.claimants(access, code)

    @get("/adjustments", operation_id="listCatalogAdjustments", summary="Dynamic adjustments (动态调整)")
    async def adjustments(
        self,
        access: NamedDependency[Access],
        version: int | None = Parameter(default=None),
        item: str | None = Parameter(default=None, description="reference code"),
        adjustment_state: Annotated[
            str | None,
            QueryParameter(name="state", description="applied, open (proposed by a law change) or dismissed"),
        ] = None,
    ) -> list[AdjustmentView]:
        return await catalog.list_adjustments(access, version=version, item_code=item, state=adjustment_state)

    @post(
        "/adjustments/{adjustment_id:uuid}/resolution",
        operation_id="resolveCatalogAdjustment",
        status_code=200,
        summary="Apply or dismiss an open law-change adjustment (a dismissal says why)",
        description="Only an open adjustment (one a recorded change of the law proposed) is applied or"
        " dismissed, once: 409 when it already is. Admins only.",
    )
    async def resolve_adjustment(
        self, access: NamedDependency[Access], adjustment_id: FromPath[uuid.UUID], data: JSONBody[AdjustmentResolve]
    ) -> AdjustmentView:
        return await adjustments.resolve_adjustment(access, adjustment_id, data)
