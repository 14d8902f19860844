"""Every SQL statement of the jurisdictions context (tree, units, calendar), and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants the service modules execute. Every statement names the tenant
(``tests/test_tenant_keyed_sql.py``). jsonb columns arrive as text (no codec is registered) and
are decoded by the service into its own types.
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform import generations
from core.platform.db import bulk_insert
from core.platform.rows import maybe_row_as, row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


# --------------------------------------------------------------------------- jurisdictions


class JurisdictionRow(_Row, frozen=True):
    """A jurisdiction; ``attributes`` is the jsonb text."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    attributes: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DivisionUsersRow(_Row, frozen=True):
    """What still hangs on a division: child divisions and units."""

    children: int
    units: int


_JURISDICTION_COLUMNS = "code, name, kind, parent_code, attributes, version, created_at, updated_at"


async def jurisdiction_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    kind: str | None,
    parent_code: str | None,
    kinds: list[str] | None,
    q: str | None,
    after: str | None,
    limit: int,
    updated_since: datetime.datetime | None = None,
) -> list[JurisdictionRow]:
    """In code order after ``after``; filters left ``None`` match all."""
    records = await conn.fetch(
        f"SELECT {_JURISDICTION_COLUMNS} FROM jurisdictions WHERE tenant_id = $1"
        " AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR parent_code = $3)"
        " AND ($4::text[] IS NULL OR kind = ANY($4))"
        " AND ($5::text IS NULL OR strpos(name, $5) > 0)"
        " AND ($8::timestamptz IS NULL OR updated_at >= $8)"
        " AND ($6::text IS NULL OR code > $6) ORDER BY code LIMIT $7",
        tenant_id,
        kind,
        parent_code,
        kinds,
        q,
        after,
        limit,
        updated_since,
    )
    return rows_as(JurisdictionRow, records)


async def jurisdiction_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[JurisdictionRow]:
    records = await conn.fetch(
        f"SELECT {_JURISDICTION_COLUMNS} FROM jurisdictions WHERE tenant_id = $1 AND code = ANY($2)",
        tenant_id,
        codes,
    )
    return rows_as(JurisdictionRow, records)


async def child_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, parent_codes: list[str]) -> list[JurisdictionRow]:
    """The children of the divisions, in code order."""
    records = await conn.fetch(
        f"SELECT {_JURISDICTION_COLUMNS} FROM jurisdictions"
        " WHERE tenant_id = $1 AND parent_code = ANY($2) ORDER BY code",
        tenant_id,
        parent_codes,
    )
    return rows_as(JurisdictionRow, records)


async def lock_jurisdiction(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> bool:
    """Lock the division's row for the transaction; ``False`` when there is none."""
    return bool(
        await conn.fetchval(
            "SELECT true FROM jurisdictions WHERE tenant_id = $1 AND code = $2 FOR UPDATE", tenant_id, code
        )
    )


async def jurisdiction_kind(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> str | None:
    """The division's kind; ``None`` when there is no such division."""
    kind: str | None = await conn.fetchval(
        "SELECT kind FROM jurisdictions WHERE tenant_id = $1 AND code = $2", tenant_id, code
    )
    return kind


async def insert_jurisdiction(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None,
    attributes: str,
) -> JurisdictionRow:
    record = await conn.fetchrow(
        "INSERT INTO jurisdictions (tenant_id, code, name, kind, parent_code, attributes)"
        f" VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING {_JURISDICTION_COLUMNS}",
        tenant_id,
        code,
        name,
        kind,
        parent_code,
        attributes,
    )
    assert record is not None, "INSERT … RETURNING returns the row it inserted"
    await generations.bump(conn, tenant_id)
    return row_as(JurisdictionRow, record)


async def update_jurisdiction(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str, name: str, kind: str, attributes: str
) -> JurisdictionRow | None:
    """The division after the update; ``None`` when there is no such division."""
    record = await conn.fetchrow(
        "UPDATE jurisdictions SET name = $3, kind = $4, attributes = $5::jsonb,"
        " version = version + 1, updated_at = now()"
        f" WHERE tenant_id = $1 AND code = $2 RETURNING {_JURISDICTION_COLUMNS}",
        tenant_id,
        code,
        name,
        kind,
        attributes,
    )
    await generations.bump(conn, tenant_id)
    return maybe_row_as(JurisdictionRow, record)


async def division_users(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> DivisionUsersRow:
    record = await conn.fetchrow(
        "SELECT (SELECT count(*) FROM jurisdictions WHERE tenant_id = $1 AND parent_code = $2)"
        " AS children, (SELECT count(*) FROM units WHERE tenant_id = $1"
        " AND jurisdiction_code = $2) AS units",
        tenant_id,
        code,
    )
    assert record is not None, "a SELECT of two counts returns one row"
    return row_as(DivisionUsersRow, record)


DELETE_JURISDICTION = "DELETE FROM jurisdictions WHERE tenant_id = $1 AND code = $2"


# --------------------------------------------------------------------------- units


class UnitRow(_Row, frozen=True):
    """A unit with the townships it serves; ``contacts`` is the jsonb text."""

    code: str
    name: str
    kind: str
    jurisdiction_code: str
    parent_unit_code: str | None
    contacts: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    host_township_codes: list[str]


class PlacementRow(_Row, frozen=True):
    """The kinds a unit's placement is checked against: ``divisions`` is jsonb text
    ``{code: kind}`` (``None`` when none exists), ``parent_kind`` the parent unit's kind."""

    divisions: str | None
    parent_kind: str | None


_UNIT_SELECT = (
    "SELECT u.code, u.name, u.kind, u.jurisdiction_code, u.parent_unit_code, u.contacts,"
    " u.version, u.created_at, u.updated_at,"
    " ARRAY(SELECT h.township_code FROM unit_hosts h WHERE h.tenant_id = u.tenant_id"
    " AND h.unit_code = u.code ORDER BY h.township_code) AS host_township_codes"
    " FROM units u"
)


async def unit_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    kind: str | None,
    jurisdiction_code: str | None,
    parent_unit_code: str | None,
    host_township_code: str | None,
    q: str | None,
    after: str | None,
    limit: int,
    updated_since: datetime.datetime | None = None,
) -> list[UnitRow]:
    """In code order after ``after``; filters left ``None`` match all."""
    records = await conn.fetch(
        f"{_UNIT_SELECT} WHERE u.tenant_id = $1"
        " AND ($2::text IS NULL OR u.kind = $2)"
        " AND ($3::text IS NULL OR u.jurisdiction_code = $3)"
        " AND ($4::text IS NULL OR u.parent_unit_code = $4)"
        " AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM unit_hosts h WHERE"
        " h.tenant_id = u.tenant_id AND h.unit_code = u.code AND h.township_code = $5))"
        " AND ($6::text IS NULL OR strpos(u.name, $6) > 0)"
        " AND ($9::timestamptz IS NULL OR u.updated_at >= $9)"
        " AND ($7::text IS NULL OR u.code > $7) ORDER BY u.code LIMIT $8",
        tenant_id,
        kind,
        jurisdiction_code,
        parent_unit_code,
        host_township_code,
        q,
        after,
        limit,
        updated_since,
    )
    return rows_as(UnitRow, records)


async def unit_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[UnitRow]:
    records = await conn.fetch(f"{_UNIT_SELECT} WHERE u.tenant_id = $1 AND u.code = ANY($2)", tenant_id, codes)
    return rows_as(UnitRow, records)


async def units_of(conn: asyncpg.Connection, tenant_id: uuid.UUID, jurisdiction_codes: list[str]) -> list[UnitRow]:
    """The units of the divisions, in code order."""
    records = await conn.fetch(
        f"{_UNIT_SELECT} WHERE u.tenant_id = $1 AND u.jurisdiction_code = ANY($2) ORDER BY u.code",
        tenant_id,
        jurisdiction_codes,
    )
    return rows_as(UnitRow, records)


async def lock_unit(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> bool:
    """Lock the unit's row for the transaction; ``False`` when there is none."""
    return bool(
        await conn.fetchval("SELECT true FROM units WHERE tenant_id = $1 AND code = $2 FOR UPDATE", tenant_id, code)
    )


async def placement(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, division_codes: list[str], parent_unit_code: str | None
) -> PlacementRow:
    record = await conn.fetchrow(
        "SELECT (SELECT jsonb_object_agg(code, kind) FROM jurisdictions WHERE tenant_id = $1"
        " AND code = ANY($2)) AS divisions,"
        " (SELECT kind FROM units WHERE tenant_id = $1 AND code = $3) AS parent_kind",
        tenant_id,
        division_codes,
        parent_unit_code,
    )
    assert record is not None, "a SELECT of two scalar subqueries returns one row"
    return row_as(PlacementRow, record)


# $2 unit code
DELETE_HOSTS = "DELETE FROM unit_hosts WHERE tenant_id = $1 AND unit_code = $2"
# $2 unit code, $3 township codes (text[])
INSERT_HOSTS = bulk_insert(
    "INSERT INTO unit_hosts (tenant_id, unit_code, township_code) SELECT $1, $2, unnest($3::text[])"
)
# $2 code, $3 name, $4 kind, $5 jurisdiction code, $6 parent unit code, $7 contacts (jsonb text)
INSERT_UNIT = (
    "INSERT INTO units (tenant_id, code, name, kind, jurisdiction_code, parent_unit_code,"
    " contacts) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)"
)
# $2 code, $3 name, $4 parent unit code, $5 contacts (jsonb text)
UPDATE_UNIT = (
    "UPDATE units SET name = $3, parent_unit_code = $4, contacts = $5::jsonb,"
    " version = version + 1, updated_at = now() WHERE tenant_id = $1 AND code = $2"
)
DELETE_UNIT = "DELETE FROM units WHERE tenant_id = $1 AND code = $2"


# --------------------------------------------------------------------------- calendar


class OverrideDayRow(_Row, frozen=True):
    day: datetime.date
    kind: str
    name: str


class OverrideRow(_Row, frozen=True):
    day: datetime.date
    kind: str
    name: str
    updated_at: datetime.datetime


class ClearedOverrideRow(_Row, frozen=True):
    kind: str
    name: str


async def override_kinds(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, first: datetime.date, last: datetime.date
) -> dict[datetime.date, str]:
    """The tenant's overrides in ``first`` … ``last``: day → ``holiday`` or ``workday``."""
    records = await conn.fetch(
        "SELECT day, kind FROM calendar_overrides WHERE tenant_id = $1 AND day BETWEEN $2 AND $3",
        tenant_id,
        first,
        last,
    )
    return {day: kind for day, kind in records}


async def override_days(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, first: datetime.date, last: datetime.date
) -> list[OverrideDayRow]:
    records = await conn.fetch(
        "SELECT day, kind, name FROM calendar_overrides WHERE tenant_id = $1 AND day BETWEEN $2 AND $3",
        tenant_id,
        first,
        last,
    )
    return rows_as(OverrideDayRow, records)


async def override_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, year: int | None) -> list[OverrideRow]:
    """In day order; every year without ``year``."""
    records = await conn.fetch(
        "SELECT day, kind, name, updated_at FROM calendar_overrides WHERE tenant_id = $1"
        " AND ($2::int IS NULL OR extract(year FROM day)::int = $2) ORDER BY day",
        tenant_id,
        year,
    )
    return rows_as(OverrideRow, records)


async def lock_override(conn: asyncpg.Connection, tenant_id: uuid.UUID, day: datetime.date) -> OverrideDayRow | None:
    """The day's override, locked for the transaction; ``None`` when the day has none."""
    record = await conn.fetchrow(
        "SELECT day, kind, name FROM calendar_overrides WHERE tenant_id = $1 AND day = $2 FOR UPDATE",
        tenant_id,
        day,
    )
    return maybe_row_as(OverrideDayRow, record)


async def upsert_override(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, day: datetime.date, kind: str, name: str
) -> OverrideRow:
    record = await conn.fetchrow(
        "INSERT INTO calendar_overrides (tenant_id, day, kind, name) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (tenant_id, day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,"
        " updated_at = EXCLUDED.updated_at RETURNING day, kind, name, updated_at",
        tenant_id,
        day,
        kind,
        name,
    )
    assert record is not None, "an upsert … RETURNING returns the row it wrote"
    return row_as(OverrideRow, record)


async def delete_override(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, day: datetime.date
) -> ClearedOverrideRow | None:
    """The override deleted; ``None`` when the day had none."""
    record = await conn.fetchrow(
        "DELETE FROM calendar_overrides WHERE tenant_id = $1 AND day = $2 RETURNING kind, name",
        tenant_id,
        day,
    )
    return maybe_row_as(ClearedOverrideRow, record)


class CounterpartRow(_Row, frozen=True):
    parent_unit_code: str
    code: str


async def counterparts(conn: asyncpg.Connection, tenant_id: uuid.UUID, district: str) -> list[CounterpartRow]:
    """Departments seated at ``district`` whose parent unit is a department seated elsewhere
    (:mod:`core.jurisdictions.counterparts`), by code."""
    records = await conn.fetch(
        "SELECT u.parent_unit_code, u.code FROM units u"
        " JOIN units p ON p.tenant_id = u.tenant_id AND p.code = u.parent_unit_code"
        " WHERE u.tenant_id = $1 AND u.kind = 'department' AND p.kind = 'department'"
        " AND u.jurisdiction_code = $2 AND p.jurisdiction_code <> $2 ORDER BY u.code",
        tenant_id,
        district,
    )
    return rows_as(CounterpartRow, records)
