"""Every SQL statement of the exchange context (export, import, merge), and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants the service modules execute. Every statement names the tenant
(``tests/test_tenant_keyed_sql.py``). jsonb columns arrive as text (no codec is registered).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

import asyncpg
import msgspec

from core.platform.db import bulk_insert
from core.platform.rows import children_as, rows_as, under_parent


class _Row(msgspec.Struct, frozen=True):
    pass


async def unit_names(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> dict[str, str]:
    """The tenant's units: code → name."""
    records = await conn.fetch("SELECT code, name FROM units WHERE tenant_id = $1", tenant_id)
    return {code: name for code, name in records}


# --------------------------------------------------------------------------- a catalog version, whole


class ItemRow(_Row, frozen=True):
    """A catalog item of a version; ``extra`` and ``recovery`` are jsonb text."""

    code: str
    version: int
    title: str
    level: str
    kinds: list[str]
    township_scope: str
    parent_code: str | None
    category: str | None
    item_kind: str | None
    description: str
    high_frequency: bool
    process: str
    extra: str
    recovery: str | None
    status: str
    withdrawn_reason: str | None
    successor_code: str | None
    content_hash: str
    changed_in: int
    revision: int


class ResponsibilityRow(_Row, frozen=True):
    """A responsibility; ``role`` as the column's CHECK holds it."""

    item_code: str
    party: str
    role: Literal["primary", "cooperating"]
    duty: str
    financial_share: float | None


class CitationRow(_Row, frozen=True):
    item_code: str
    raw: str
    resolved: bool


async def item_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> list[ItemRow]:
    """Every item of the version, in code order."""
    records = await conn.fetch(
        "SELECT code, version, title, level, kinds, township_scope, parent_code, category, item_kind, description,"
        " high_frequency, process, extra, recovery, status, withdrawn_reason, successor_code, content_hash,"
        " changed_in, revision FROM catalog_items WHERE tenant_id = $1 AND version = $2 ORDER BY code",
        tenant_id,
        number,
    )
    return rows_as(ItemRow, records)


async def responsibility_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> list[ResponsibilityRow]:
    """Every responsibility of the version, by item and position."""
    records = await conn.fetch(
        "SELECT item_code, party, role, duty, financial_share::float8 AS financial_share"
        " FROM catalog_responsibilities WHERE tenant_id = $1 AND version = $2 ORDER BY item_code, position",
        tenant_id,
        number,
    )
    return rows_as(ResponsibilityRow, records)


async def citation_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> list[CitationRow]:
    """Every citation of the version, by item and position; ``resolved`` when it names a provision."""
    records = await conn.fetch(
        "SELECT item_code, raw, document_id IS NOT NULL AND problem IS NULL AS resolved FROM item_citations"
        " WHERE tenant_id = $1 AND version = $2 ORDER BY item_code, position",
        tenant_id,
        number,
    )
    return rows_as(CitationRow, records)


# --------------------------------------------------------------------------- import


async def reserved_codes(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> set[str]:
    """Which of ``codes`` were used before (codes are never reused)."""
    records = await conn.fetch(
        "SELECT code FROM reference_codes WHERE tenant_id = $1 AND code = ANY($2)", tenant_id, codes
    )
    return {code for (code,) in records}


async def codes_starting(conn: asyncpg.Connection, tenant_id: uuid.UUID, prefix: str) -> set[str]:
    """Every code ever used that begins with ``prefix`` (a LIKE pattern's wildcards escaped)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    records = await conn.fetch(
        "SELECT code FROM reference_codes WHERE tenant_id = $1 AND code LIKE $2", tenant_id, pattern
    )
    return {code for (code,) in records}


# One ``modify`` adjustment per changed item: $2 version, $3 reason kind, $4 reason, $5 effective date,
# $6 initiator (jsonb text), $7 item codes (text[]), $8 their changes (jsonb texts, text[])
RECORD_MODIFIED = bulk_insert(
    "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
    " effective_date, initiator, changes) SELECT $1, $2, 'modify', $3, $4, c, $5, $6::jsonb, x::jsonb"
    " FROM unnest($7::text[], $8::text[]) AS t(c, x)"
)
# $2 version number
BUMP_VERSION = "UPDATE catalog_versions SET revision = revision + 1 WHERE tenant_id = $1 AND number = $2"


# --------------------------------------------------------------------------- merge


class ProvenanceRow(_Row, frozen=True):
    item_code: str
    merge_id: str
    source_list: str
    source_row: int
    source_title: str
    source_code: str | None
    relation: str
    confidence: float
    merged_at: datetime.datetime
    position: int  # the order of the sources


async def draft_number(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> int | None:
    """The draft catalog version's number; ``None`` when there is no draft."""
    number: int | None = await conn.fetchval(
        "SELECT number FROM catalog_versions WHERE tenant_id = $1 AND status = 'draft'", tenant_id
    )
    return number


# $2 merge id; per row: $3 item code, $4 position, $5 source list, $6 source row, $7 source title,
# $8 source code, $9 relation, $10 confidence (arrays of one length)
RECORD_PROVENANCE = bulk_insert(
    "INSERT INTO catalog_item_provenance (tenant_id, item_code, position, merge_id, source_list,"
    " source_row, source_title, source_code, relation, confidence)"
    " SELECT $1, c, p, $2, l, r, t, sc, rel, cf FROM unnest($3::text[], $4::int[], $5::text[], $6::int[],"
    " $7::text[], $8::text[], $9::text[], $10::numeric[]) AS x(c, p, l, r, t, sc, rel, cf)"
)


_PROVENANCE = under_parent(
    "SELECT 1 FROM catalog_items WHERE tenant_id = $1 AND code = $2",
    "SELECT item_code, merge_id::text, source_list, source_row, source_title, source_code, relation,"
    " confidence::float8 AS confidence, merged_at, position FROM catalog_item_provenance"
    " WHERE tenant_id = $1 AND item_code = $2",
    "c.position",
)


async def provenance_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, item_code: str) -> list[ProvenanceRow] | None:
    """Where a merged item came from, in position order; None when no catalog version has the item."""
    return children_as(ProvenanceRow, await conn.fetch(_PROVENANCE, tenant_id, item_code))
