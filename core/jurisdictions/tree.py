"""The jurisdiction tree of a tenant: city/county → township/street → village/community → grid."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import asyncpg
import msgspec

from core.jurisdictions import queries
from core.jurisdictions.divisions import KINDS, check_parent, kind_of, normalise_code
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.platform.sync import parse_since
from core.platform.versioning import Expected, check_version
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_division_write

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200), NAME]
Code = Annotated[str, msgspec.Meta(min_length=6, max_length=15, examples=["510115001000"])]


class JurisdictionCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    code: Code
    name: Name
    kind: str
    parent_code: str | None = None
    attributes: dict[str, Any] = {}


class JurisdictionUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    attributes: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType = msgspec.UNSET


class JurisdictionView(msgspec.Struct):
    code: str
    name: str
    kind: str
    kind_label: str
    level: int
    parent_code: str | None
    attributes: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime


def _view(row: queries.JurisdictionRow) -> JurisdictionView:
    kind = KINDS[row.kind]
    return JurisdictionView(
        code=row.code,
        name=row.name,
        kind=row.kind,
        kind_label=kind.label,
        level=kind.level,
        parent_code=row.parent_code,
        attributes=msgspec.json.decode(row.attributes),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def list_jurisdictions(
    access: Access,
    *,
    kind: str | None = None,
    parent_code: str | None = None,
    level: int | None = None,
    q: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    updated_since: str | datetime | None = None,
) -> Page[JurisdictionView]:
    """Jurisdictions in code order; filters combine with AND (``updated_since``: changed at or after)."""
    limit = check_limit(limit)
    since = parse_since(updated_since)
    if kind is not None:
        kind_of(kind)
    kinds = [k for k, v in KINDS.items() if v.level == level] if level is not None else None
    after = decode_cursor(cursor, str)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.jurisdiction_page(
            conn, access.tenant.id, kind, parent_code, kinds, q, after, limit + 1, since
        )
    return page_of([_view(r) for r in records], limit, key=lambda j: j.code)


async def get_jurisdictions(access: Access, codes: list[str]) -> dict[str, JurisdictionView]:
    """Many jurisdictions in one query (for DataLoaders)."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.jurisdiction_rows(conn, access.tenant.id, codes)
    return {r.code: _view(r) for r in records}


async def children_of(access: Access, parent_codes: list[str]) -> dict[str, list[JurisdictionView]]:
    """Children of many jurisdictions, in code order, in one query (for DataLoaders)."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.child_rows(conn, access.tenant.id, parent_codes)
    found: dict[str, list[JurisdictionView]] = {code: [] for code in parent_codes}
    for r in records:
        assert r.parent_code is not None, "selected by parent_code = ANY(…), so never NULL"
        found[r.parent_code].append(_view(r))
    return found


async def _lock(conn: asyncpg.Connection, access: Access, code: str) -> None:
    """Hold the jurisdiction's row until the transaction ends, so that a concurrent write with
    the same ``If-Match`` waits and then meets the new version (412) instead of overwriting it."""
    if not await queries.lock_jurisdiction(conn, access.tenant.id, code):
        raise NotFound(Text("not-found.no-jurisdiction-division-code", code=code))


async def get_jurisdiction(access: Access, code: str) -> JurisdictionView:
    found = (await get_jurisdictions(access, [code])).get(code)
    if found is None:
        raise NotFound(Text("not-found.no-jurisdiction-division-code", code=code))
    return found


async def create_jurisdiction(access: Access, data: JurisdictionCreate) -> JurisdictionView:
    code = normalise_code(data.code, data.kind)
    require_division_write(access, code, "create jurisdiction")
    async with tenant_transaction(access.tenant.id) as conn:
        if data.parent_code is None:
            if code != access.tenant.division_code:
                raise ValidationFailed.on(
                    "parent_code",
                    Text("field.required-only-tenant-s", division_code=access.tenant.division_code),
                )
        else:
            parent_kind = await queries.jurisdiction_kind(conn, access.tenant.id, data.parent_code)
            if parent_kind is None:
                raise ValidationFailed.on("parent_code", Text("field.no-jurisdiction", parent_code=data.parent_code))
            check_parent(code, data.kind, data.parent_code, parent_kind)
        record = await queries.insert_jurisdiction(
            conn,
            access.tenant.id,
            code,
            data.name,
            data.kind,
            data.parent_code,
            msgspec.json.encode(data.attributes).decode(),
        )
        view = _view(record)
        await audit.record(access, "jurisdiction", code, "create", after=view)
    return view


async def update_jurisdiction(
    access: Access, code: str, data: JurisdictionUpdate, if_match: Expected
) -> JurisdictionView:
    async with tenant_transaction(access.tenant.id) as conn:
        await _lock(conn, access, code)
        before = await get_jurisdiction(access, code)
        require_division_write(access, code, "update jurisdiction")
        check_version(before.version, if_match, data.version)
        kind = before.kind if data.kind is msgspec.UNSET else data.kind
        if kind_of(kind).level != before.level:
            raise ValidationFailed.on("kind", Text("field.another-level-than-create", kind=kind, kind2=before.kind))
        name = before.name if data.name is msgspec.UNSET else data.name
        attributes = before.attributes if data.attributes is msgspec.UNSET else data.attributes
        record = await queries.update_jurisdiction(
            conn, access.tenant.id, code, name, kind, msgspec.json.encode(attributes).decode()
        )
        assert record is not None, "the row was locked above, so the update finds it"
        after = _view(record)
        await audit.record(access, "jurisdiction", code, "update", before=before, after=after)
    return after


async def delete_jurisdiction(access: Access, code: str, if_match: Expected) -> None:
    async with tenant_transaction(access.tenant.id) as conn:
        await _lock(conn, access, code)
        before = await get_jurisdiction(access, code)
        require_division_write(access, code, "delete jurisdiction")
        check_version(before.version, if_match, None, required=False)
        users = await queries.division_users(conn, access.tenant.id, code)
        if users.children or users.units:
            raise Conflict(
                Text("conflict.still-has-child-divisions", code=code, children=users.children, units=users.units)
            )
        await conn.execute(queries.DELETE_JURISDICTION, access.tenant.id, code)
        await generations.bump(conn, access.tenant.id)
        await audit.record(access, "jurisdiction", code, "delete", before=before)
