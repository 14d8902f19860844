"""``/api/v1/tenants/{tenant}/jurisdictions`` — the division tree, addressed by code."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit, UpdatedSince, with_etag
from core.jurisdictions import tree as service
from core.jurisdictions.tree import JurisdictionCreate, JurisdictionUpdate, JurisdictionView
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access


class JurisdictionController(Controller):
    path = f"{TENANT_PATH}/jurisdictions"
    tags = ["jurisdictions"]

    @get(operation_id="listJurisdictions", summary="List jurisdictions (filter by kind, parent, level, name)")
    async def list(
        self,
        access: NamedDependency[Access],
        kind: FromQuery[str | None] = None,
        parent: str | None = Parameter(default=None, description="parent division code"),
        level: int | None = Parameter(default=None, ge=1, le=5),
        q: str | None = Parameter(default=None, description="part of the name, e.g. 街道"),
        limit: Limit = None,
        cursor: Cursor = None,
        updated_since: UpdatedSince = None,
    ) -> Page[JurisdictionView]:
        return await service.list_jurisdictions(
            access,
            kind=kind,
            parent_code=parent,
            level=level,
            q=q,
            limit=limit,
            cursor=cursor,
            updated_since=updated_since,
        )

    @post(operation_id="createJurisdiction", summary="Create a jurisdiction under its parent")
    async def create(
        self,
        access: NamedDependency[Access],
        data: JSONBody[JurisdictionCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[JurisdictionView]:
        work = partial(service.create_jurisdiction, access, data)
        view, replayed = await create_once(access, idempotency_key, "createJurisdiction", work, JurisdictionView, data)
        return created(view, replayed, version=view.version)

    @get("/{code:str}", operation_id="getJurisdiction", summary="One jurisdiction by division code")
    async def read(self, access: NamedDependency[Access], code: FromPath[str]) -> Response[JurisdictionView]:
        view = await service.get_jurisdiction(access, code)
        return with_etag(view, view.version)

    @patch("/{code:str}", operation_id="updateJurisdiction", summary="Change name, kind or attributes")
    async def update(
        self,
        access: NamedDependency[Access],
        code: FromPath[str],
        data: JSONBody[JurisdictionUpdate],
        if_match: IfMatch = None,
    ) -> Response[JurisdictionView]:
        view = await service.update_jurisdiction(access, code, data, parse_etag(if_match))
        return with_etag(view, view.version)

    @delete("/{code:str}", operation_id="deleteJurisdiction", summary="Delete a leaf jurisdiction")
    async def remove(self, access: NamedDependency[Access], code: FromPath[str], if_match: IfMatch = None) -> None:
        await service.delete_jurisdiction(access, code, parse_etag(if_match))
