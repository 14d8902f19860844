"""``/api/v1/tenants/{tenant}/units`` — departments, offices, dispatched agencies."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit, UpdatedSince, with_etag
from core.catalog.reading import UnitDuties, unit_duties
from core.jurisdictions import units as service
from core.jurisdictions.units import UnitCreate, UnitUpdate, UnitView
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access


class UnitController(Controller):
    path = f"{TENANT_PATH}/units"
    tags = ["units"]

    @get(operation_id="listUnits", summary="List units (filter by kind, jurisdiction, parent, host)")
    async def list(
        self,
        access: NamedDependency[Access],
        kind: str | None = Parameter(
            default=None, description="department | township_office | dispatched_agency | committee"
        ),
        jurisdiction: str | None = Parameter(default=None, description="division code"),
        parent: str | None = Parameter(default=None, description="parent unit code"),
        host: str | None = Parameter(default=None, description="host township code"),
        q: str | None = Parameter(default=None, description="part of the name, e.g. 司法"),
        limit: Limit = None,
        cursor: Cursor = None,
        updated_since: UpdatedSince = None,
    ) -> Page[UnitView]:
        return await service.list_units(
            access,
            kind=kind,
            jurisdiction_code=jurisdiction,
            parent_unit_code=parent,
            host_township_code=host,
            q=q,
            limit=limit,
            cursor=cursor,
            updated_since=updated_since,
        )

    @post(operation_id="createUnit", summary="Create a unit")
    async def create(
        self, access: NamedDependency[Access], data: JSONBody[UnitCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[UnitView]:
        work = partial(service.create_unit, access, data)
        view, replayed = await create_once(access, idempotency_key, "createUnit", work, UnitView, data)
        return created(view, replayed, version=view.version)

    @get("/{code:str}", operation_id="getUnit", summary="One unit by code")
    async def read(self, access: NamedDependency[Access], code: FromPath[str]) -> Response[UnitView]:
        view = await service.get_unit(access, code)
        return with_etag(view, view.version)

    @get(
        "/{code:str}/duties",
        operation_id="getUnitDuties",
        summary="What the unit leads, cooperates on, townships cooperate with it on, and took back",
    )
    async def duties(
        self,
        access: NamedDependency[Access],
        code: FromPath[str],
        version: str | None = Parameter(default=None, description="catalog version (default: latest published)"),
    ) -> UnitDuties:
        return await unit_duties(access, code, version)

    @patch("/{code:str}", operation_id="updateUnit", summary="Change a unit")
    async def update(
        self, access: NamedDependency[Access], code: FromPath[str], data: JSONBody[UnitUpdate], if_match: IfMatch = None
    ) -> Response[UnitView]:
        view = await service.update_unit(access, code, data, parse_etag(if_match))
        return with_etag(view, view.version)

    @delete("/{code:str}", operation_id="deleteUnit", summary="Delete a unit")
    async def remove(self, access: NamedDependency[Access], code: FromPath[str], if_match: IfMatch = None) -> None:
        await service.delete_unit(access, code, parse_etag(if_match))
