"""Units: county departments, township offices, dispatched agencies (派驻机构), committees."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import asyncpg
import msgspec

from core.jurisdictions import queries
from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.platform.sync import parse_since
from core.platform.versioning import Expected, check_version
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_unit_write

UNIT_KINDS = {
    "department": "县直部门",
    "township_office": "乡镇科室",
    "dispatched_agency": "派驻机构",
    "committee": "议事协调机构",
}

UnitCode = Annotated[
    str,
    msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", examples=["justice-bureau"]),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200), NAME]


class ContactData(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100), NAME]
    phone: Annotated[str, msgspec.Meta(max_length=50)] = ""
    role: Annotated[str, msgspec.Meta(max_length=100), NAME] = ""


class UnitCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    code: UnitCode
    name: Name
    kind: str
    jurisdiction_code: str
    parent_unit_code: str | None = None
    host_township_codes: list[str] = []
    contacts: list[ContactData] = []


class UnitUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    parent_unit_code: str | msgspec.UnsetType | None = msgspec.UNSET
    host_township_codes: list[str] | msgspec.UnsetType = msgspec.UNSET
    contacts: list[ContactData] | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType = msgspec.UNSET


class UnitView(msgspec.Struct):
    code: str
    name: str
    kind: str
    kind_label: str
    jurisdiction_code: str
    parent_unit_code: str | None
    host_township_codes: list[str]
    contacts: list[ContactData]
    version: int
    created_at: datetime
    updated_at: datetime


def _view(row: queries.UnitRow) -> UnitView:
    return UnitView(
        code=row.code,
        name=row.name,
        kind=row.kind,
        kind_label=UNIT_KINDS[row.kind],
        jurisdiction_code=row.jurisdiction_code,
        parent_unit_code=row.parent_unit_code,
        host_township_codes=list(row.host_township_codes),
        contacts=msgspec.json.decode(row.contacts, type=list[ContactData]),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def list_units(
    access: Access,
    *,
    kind: str | None = None,
    jurisdiction_code: str | None = None,
    parent_unit_code: str | None = None,
    host_township_code: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
    updated_since: str | datetime | None = None,
) -> Page[UnitView]:
    """Units in code order; filters combine with AND (``updated_since``: changed at or after)."""
    limit = check_limit(limit)
    since = parse_since(updated_since)
    if kind is not None and kind not in UNIT_KINDS:
        raise ValidationFailed.on("kind", Text("field.unknown-unit-kind-use", value=list(UNIT_KINDS)))
    after = decode_cursor(cursor, str)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.unit_page(
            conn,
            access.tenant.id,
            kind,
            jurisdiction_code,
            parent_unit_code,
            host_township_code,
            q,
            after,
            limit + 1,
            since,
        )
    return page_of([_view(r) for r in records], limit, key=lambda u: u.code)


async def get_units(access: Access, codes: list[str]) -> dict[str, UnitView]:
    """Many units in one query (for DataLoaders)."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.unit_rows(conn, access.tenant.id, codes)
    return {r.code: _view(r) for r in records}


async def units_in(access: Access, jurisdiction_codes: list[str]) -> dict[str, list[UnitView]]:
    """Units of many jurisdictions, in code order, in one query (for DataLoaders)."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.units_of(conn, access.tenant.id, jurisdiction_codes)
    found: dict[str, list[UnitView]] = {code: [] for code in jurisdiction_codes}
    for r in records:
        found[r.jurisdiction_code].append(_view(r))
    return found


async def _lock(conn: asyncpg.Connection, access: Access, code: str) -> None:
    """Hold the unit's row until the transaction ends, so that a concurrent write with the same
    ``If-Match`` waits and then meets the new version (412) instead of overwriting it."""
    if not await queries.lock_unit(conn, access.tenant.id, code):
        raise NotFound(Text("not-found.no-unit-code", code=code))


async def get_unit(access: Access, code: str) -> UnitView:
    found = (await get_units(access, [code])).get(code)
    if found is None:
        raise NotFound(Text("not-found.no-unit-code", code=code))
    return found


def check_placement(
    kind: str,
    jurisdiction_kind: str | None,
    parent_kind: str | None,
    host_kinds: list[str | None],
    *,
    has_parent: bool,
) -> None:
    """Where each kind of unit may sit. ``None`` kinds stand for codes that do not exist."""
    if kind not in UNIT_KINDS:
        raise ValidationFailed.on("kind", Text("field.unknown-unit-kind-use", value=list(UNIT_KINDS)))
    if jurisdiction_kind is None:
        raise ValidationFailed.on("jurisdiction_code", Text("field.no-such-jurisdiction"))
    level = KINDS[jurisdiction_kind].level
    if kind == "department" and level >= TOWNSHIP_LEVEL:
        raise ValidationFailed.on("jurisdiction_code", Text("field.department-belongs-city-county"))
    if kind == "township_office" and level != TOWNSHIP_LEVEL:
        raise ValidationFailed.on("jurisdiction_code", Text("field.township-office-belongs-township"))
    for i, host_kind in enumerate(host_kinds):
        if host_kind is None or KINDS[host_kind].level != TOWNSHIP_LEVEL:
            raise ValidationFailed.on(f"host_township_codes[{i}]", Text("field.not-township-tenant"))
    if kind == "dispatched_agency":
        if not host_kinds:
            raise ValidationFailed.on("host_township_codes", Text("field.dispatched-agency-serves-at"))
        if not has_parent:
            raise ValidationFailed.on("parent_unit_code", Text("field.dispatched-agency-names-department"))
    elif host_kinds:
        raise ValidationFailed.on("host_township_codes", Text("field.only-dispatched-agencies-have"))
    if has_parent and parent_kind is None:
        raise ValidationFailed.on("parent_unit_code", Text("field.no-such-unit"))
    if kind == "dispatched_agency" and parent_kind != "department":
        raise ValidationFailed.on("parent_unit_code", Text("field.sending-unit-must-department"))


async def _check_structure(
    access: Access,
    conn: asyncpg.Connection,
    kind: str,
    jurisdiction_code: str,
    parent_unit_code: str | None,
    host_codes: list[str],
) -> None:
    """:func:`check_placement` against the tenant's tree, in one query."""
    record = await queries.placement(conn, access.tenant.id, [jurisdiction_code, *host_codes], parent_unit_code)
    divisions = msgspec.json.decode(record.divisions) if record.divisions else {}
    check_placement(
        kind,
        divisions.get(jurisdiction_code),
        record.parent_kind,
        [divisions.get(c) for c in host_codes],
        has_parent=parent_unit_code is not None,
    )


async def _write_hosts(access: Access, conn: asyncpg.Connection, unit_code: str, host_codes: list[str]) -> None:
    await conn.execute(queries.DELETE_HOSTS, access.tenant.id, unit_code)
    await conn.execute(queries.INSERT_HOSTS, access.tenant.id, unit_code, sorted(set(host_codes)))


async def create_unit(access: Access, data: UnitCreate) -> UnitView:
    require_unit_write(
        access,
        unit_code=data.code,
        kind=data.kind,
        jurisdiction_code=data.jurisdiction_code,
        action="create",
    )
    async with tenant_transaction(access.tenant.id) as conn:
        await _check_structure(
            access,
            conn,
            data.kind,
            data.jurisdiction_code,
            data.parent_unit_code,
            data.host_township_codes,
        )
        await conn.execute(
            queries.INSERT_UNIT,
            access.tenant.id,
            data.code,
            data.name,
            data.kind,
            data.jurisdiction_code,
            data.parent_unit_code,
            msgspec.json.encode(data.contacts).decode(),
        )
        await generations.bump(conn, access.tenant.id)
        await _write_hosts(access, conn, data.code, data.host_township_codes)
        view = await get_unit(access, data.code)
        await audit.record(access, "unit", data.code, "create", after=view)
    return view


async def update_unit(access: Access, code: str, data: UnitUpdate, if_match: Expected) -> UnitView:
    async with tenant_transaction(access.tenant.id) as conn:
        await _lock(conn, access, code)
        before = await get_unit(access, code)
        require_unit_write(
            access,
            unit_code=code,
            kind=before.kind,
            jurisdiction_code=before.jurisdiction_code,
            action="update",
        )
        check_version(before.version, if_match, data.version)
        parent = before.parent_unit_code if data.parent_unit_code is msgspec.UNSET else data.parent_unit_code
        hosts = before.host_township_codes if data.host_township_codes is msgspec.UNSET else data.host_township_codes
        if parent == code:
            raise ValidationFailed.on("parent_unit_code", Text("field.unit-cannot-own-parent"))
        await _check_structure(access, conn, before.kind, before.jurisdiction_code, parent, hosts)
        await conn.execute(
            queries.UPDATE_UNIT,
            access.tenant.id,
            code,
            before.name if data.name is msgspec.UNSET else data.name,
            parent,
            msgspec.json.encode(before.contacts if data.contacts is msgspec.UNSET else data.contacts).decode(),
        )
        await generations.bump(conn, access.tenant.id)
        if hosts != before.host_township_codes:
            await _write_hosts(access, conn, code, hosts)
        after = await get_unit(access, code)
        await audit.record(access, "unit", code, "update", before=before, after=after)
    return after


async def delete_unit(access: Access, code: str, if_match: Expected) -> None:
    async with tenant_transaction(access.tenant.id) as conn:
        await _lock(conn, access, code)
        before = await get_unit(access, code)
        require_unit_write(
            access,
            unit_code=code,
            kind=before.kind,
            jurisdiction_code=before.jurisdiction_code,
            action="delete",
        )
        check_version(before.version, if_match, None, required=False)
        await conn.execute(queries.DELETE_UNIT, access.tenant.id, code)
        await generations.bump(conn, access.tenant.id)
        await audit.record(access, "unit", code, "delete", before=before)
