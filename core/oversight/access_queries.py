"""SQL of oversight access: grants (the county's side and the overseer's) and the published
rows an overseer reads. Every statement names the tenant (county) it reads: on Citus it is then
routed to that county's worker; the policies of the oversight role filter a second time."""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as


class GrantRow(msgspec.Struct, frozen=True):
    tenant_id: uuid.UUID
    overseer_id: uuid.UUID
    granted_by: str
    granted_at: datetime.datetime
    revoked_at: datetime.datetime | None


_GRANT_COLUMNS = "tenant_id, overseer_id, granted_by, granted_at, revoked_at"

# A new grant, or a revoked one granted again (from now on, by whoever grants it now); an active
# grant is left as it is (the statement then answers no row). EXCLUDED: Citus refuses now() in SET.
GRANT = (
    "INSERT INTO oversight_grants (tenant_id, overseer_id, granted_by) VALUES ($1, $2, $3)"
    " ON CONFLICT (tenant_id, overseer_id) DO UPDATE SET granted_by = EXCLUDED.granted_by,"
    " granted_at = EXCLUDED.granted_at, revoked_at = NULL WHERE oversight_grants.revoked_at IS NOT NULL"
    f" RETURNING {_GRANT_COLUMNS}"
)
# The revocation time is a parameter: Citus refuses now() where a column is set from it.
REVOKE = (
    "UPDATE oversight_grants SET revoked_at = $3 WHERE tenant_id = $1 AND overseer_id = $2 AND revoked_at IS NULL"
    f" RETURNING {_GRANT_COLUMNS}"
)


async def grant_of(conn: asyncpg.Connection, county: uuid.UUID, overseer: uuid.UUID) -> GrantRow | None:
    record = await conn.fetchrow(
        f"SELECT {_GRANT_COLUMNS} FROM oversight_grants WHERE tenant_id = $1 AND overseer_id = $2", county, overseer
    )
    return maybe_row_as(GrantRow, record)


async def county_grants(conn: asyncpg.Connection, county: uuid.UUID) -> list[GrantRow]:
    """Every grant a county made, revoked ones too, newest first."""
    records = await conn.fetch(
        f"SELECT {_GRANT_COLUMNS} FROM oversight_grants WHERE tenant_id = $1 ORDER BY granted_at DESC, overseer_id",
        county,
    )
    return rows_as(GrantRow, records)


async def live_grants(conn: asyncpg.Connection, overseer: uuid.UUID) -> list[GrantRow]:
    """The overseer's grants in force (as the oversight role: its policy shows only these rows;
    on Citus a read of every shard, the grants being kept with the counties)."""
    records = await conn.fetch(
        f"SELECT {_GRANT_COLUMNS} FROM oversight_grants WHERE overseer_id = $1 AND revoked_at IS NULL"
        " ORDER BY tenant_id",
        overseer,
    )
    return rows_as(GrantRow, records)


async def live_grant(conn: asyncpg.Connection, county: uuid.UUID, overseer: uuid.UUID) -> GrantRow | None:
    record = await conn.fetchrow(
        f"SELECT {_GRANT_COLUMNS} FROM oversight_grants"
        " WHERE tenant_id = $1 AND overseer_id = $2 AND revoked_at IS NULL",
        county,
        overseer,
    )
    return maybe_row_as(GrantRow, record)


class CountyRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    slug: str
    name: str
    division_code: str


async def counties(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> list[CountyRow]:
    records = await conn.fetch(
        "SELECT id, slug, name, division_code FROM tenants WHERE id = ANY($1::uuid[]) ORDER BY division_code, slug",
        ids,
    )
    return rows_as(CountyRow, records)


# The last published catalog version (the policy shows published versions only).
LAST_PUBLISHED_CATALOG = "SELECT max(number) FROM catalog_versions WHERE tenant_id = $1"


class ListVersionRow(msgspec.Struct, frozen=True):
    township_code: str
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    published_at: datetime.datetime
    entries: int


def _entry_count(version: str) -> str:
    """The number of entries of the published version aliased ``version`` (the spans valid at it)."""
    return (
        "(SELECT count(*) FROM township_entry_spans s WHERE s.tenant_id = $1"
        f" AND s.township_code = {version}.township_code AND s.valid_from <= {version}.number"
        f" AND (s.valid_until IS NULL OR s.valid_until > {version}.number))"
    )


async def lists_in_force(conn: asyncpg.Connection, county: uuid.UUID, as_of: datetime.date) -> list[ListVersionRow]:
    """Each township's published version in force on ``as_of`` (the newest effective by then)."""
    records = await conn.fetch(
        "SELECT township_code, township_name, number, catalog_version, effective_date, published_at,"
        f" {_entry_count('w')} AS entries FROM ("
        " SELECT DISTINCT ON (v.township_code) v.tenant_id, v.township_code, j.name AS township_name, v.number,"
        "  v.catalog_version, v.effective_date, v.published_at"
        " FROM township_list_versions v"
        " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = v.township_code"
        " WHERE v.tenant_id = $1 AND v.effective_date <= $2"
        " ORDER BY v.township_code, v.effective_date DESC, v.number DESC) w"
        " ORDER BY township_code",
        county,
        as_of,
    )
    return rows_as(ListVersionRow, records)


async def list_in_force(
    conn: asyncpg.Connection, county: uuid.UUID, township: str, as_of: datetime.date
) -> ListVersionRow | None:
    record = await conn.fetchrow(
        "SELECT v.township_code, j.name AS township_name, v.number, v.catalog_version, v.effective_date,"
        f" v.published_at, {_entry_count('v')} AS entries"
        " FROM township_list_versions v JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = v.township_code"
        " WHERE v.tenant_id = $1 AND v.township_code = $2 AND v.effective_date <= $3"
        " ORDER BY v.effective_date DESC, v.number DESC LIMIT 1",
        county,
        township,
        as_of,
    )
    return maybe_row_as(ListVersionRow, record)


class EntryRow(msgspec.Struct, frozen=True):
    item_code: str
    title: str
    kinds: list[str]
    origin: str
    responsible_office: str
    post: str
    justification: str


async def entries(
    conn: asyncpg.Connection, county: uuid.UUID, township: str, number: int, catalog_version: int
) -> list[EntryRow]:
    """A published version's entries, without their contact and note (the role may not read them)."""
    records = await conn.fetch(
        "SELECT s.item_code, i.title, i.kinds, s.origin, s.responsible_office, s.post, s.justification"
        " FROM township_entry_spans s"
        " JOIN catalog_items i ON i.tenant_id = $1 AND i.version = $4 AND i.code = s.item_code"
        " WHERE s.tenant_id = $1 AND s.township_code = $2 AND s.valid_from <= $3"
        " AND (s.valid_until IS NULL OR s.valid_until > $3)"
        " ORDER BY s.item_code",
        county,
        township,
        number,
        catalog_version,
    )
    return rows_as(EntryRow, records)


class CatalogVersionRow(msgspec.Struct, frozen=True):
    number: int
    effective_date: datetime.date | None
    published_at: datetime.datetime
    content_hash: str


_CATALOG_VERSION = (
    "SELECT number, effective_date, published_at, content_hash FROM catalog_versions WHERE tenant_id = $1"
)


async def catalog_versions(conn: asyncpg.Connection, county: uuid.UUID) -> list[CatalogVersionRow]:
    return rows_as(CatalogVersionRow, await conn.fetch(f"{_CATALOG_VERSION} ORDER BY number DESC", county))


async def catalog_version(conn: asyncpg.Connection, county: uuid.UUID, number: int) -> CatalogVersionRow | None:
    return maybe_row_as(CatalogVersionRow, await conn.fetchrow(f"{_CATALOG_VERSION} AND number = $2", county, number))


class CatalogItemRow(msgspec.Struct, frozen=True):
    code: str
    parent_code: str | None
    level: str
    title: str
    kinds: list[str]
    category: str | None
    item_kind: str | None
    township_scope: str
    description: str
    status: str
    citations: list[str]


async def catalog_items(
    conn: asyncpg.Connection, county: uuid.UUID, number: int, after: str | None, limit: int
) -> list[CatalogItemRow]:
    records = await conn.fetch(
        "SELECT i.code, i.parent_code, i.level, i.title, i.kinds, i.category, i.item_kind, i.township_scope,"
        " i.description, i.status,"
        " ARRAY(SELECT c.raw FROM item_citations c WHERE c.tenant_id = $1 AND c.version = $2"
        "       AND c.item_code = i.code ORDER BY c.position) AS citations"
        " FROM catalog_items i WHERE i.tenant_id = $1 AND i.version = $2 AND ($3::text IS NULL OR i.code > $3)"
        " ORDER BY i.code LIMIT $4",
        county,
        number,
        after,
        limit,
    )
    return rows_as(CatalogItemRow, records)
