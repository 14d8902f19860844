"""Every SQL statement of the security context (audit trail, idempotency keys, tenant records),
and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants. Every statement on a tenant table names the tenant (``tests/test_tenant_keyed_sql.py``);
``tenants`` itself is the platform's table, read as the schema owner. jsonb columns arrive as
text (no codec is registered).
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


# --------------------------------------------------------------------------- audit trail

# $2 actor key id, $3 actor role, $4 request id, $5 entity, $6 entity key, $7 action,
# $8 before and $9 after (jsonb text or NULL)
RECORD_EVENT = (
    "INSERT INTO audit_events (tenant_id, actor_key_id, actor_role, request_id,"
    " entity, entity_key, action, before, after)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)"
)


class AuditEventRow(_Row, frozen=True):
    """An audit event; ``before`` and ``after`` are jsonb text."""

    id: int
    at: datetime.datetime
    entity: str
    entity_key: str
    action: str
    actor_key_id: str | None
    actor_role: str | None
    request_id: str | None
    before: str | None
    after: str | None


async def audit_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    entity: str | None,
    entity_key: str | None,
    after_id: int | None,
    limit: int,
) -> list[AuditEventRow]:
    """Newest first, before the event ``after_id``; filters left ``None`` match all."""
    records = await conn.fetch(
        "SELECT id, at, entity, entity_key, action, actor_key_id::text, actor_role,"
        " request_id, before, after FROM audit_events"
        " WHERE tenant_id = $1 AND ($2::text IS NULL OR entity = $2) AND ($3::text IS NULL OR entity_key = $3)"
        " AND ($4::bigint IS NULL OR id < $4) ORDER BY id DESC LIMIT $5",
        tenant_id,
        entity,
        entity_key,
        after_id,
        limit,
    )
    return rows_as(AuditEventRow, records)


# --------------------------------------------------------------------------- idempotency keys


class IdempotencyKeyRow(_Row, frozen=True):
    """A key already used: by whom, for which request, and the response (jsonb text) it gave."""

    api_key_id: uuid.UUID | None
    fingerprint: str
    response: str | None


async def claim_key(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, key: str, api_key_id: uuid.UUID | None, fingerprint: str
) -> bool:
    """Record the key for this request; ``False`` when it was used before (the insert waits
    for a concurrent transaction holding the same key)."""
    return bool(
        await conn.fetchval(
            "INSERT INTO idempotency_keys (tenant_id, key, api_key_id, fingerprint)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
            tenant_id,
            key,
            api_key_id,
            fingerprint,
        )
    )


async def used_key(conn: asyncpg.Connection, tenant_id: uuid.UUID, key: str) -> IdempotencyKeyRow | None:
    record = await conn.fetchrow(
        "SELECT api_key_id, fingerprint, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
        tenant_id,
        key,
    )
    return maybe_row_as(IdempotencyKeyRow, record)


# $2 key, $3 the response (jsonb text)
STORE_RESPONSE = "UPDATE idempotency_keys SET status = 200, response = $3::jsonb WHERE tenant_id = $1 AND key = $2"


# --------------------------------------------------------------------------- tenants


class TenantRow(_Row, frozen=True):
    """A tenant record; ``settings`` is the jsonb text."""

    id: uuid.UUID
    slug: str
    name: str
    division_code: str
    plugin: str | None
    settings: str
    created_at: datetime.datetime
    kind: str


_TENANT_COLUMNS = "id, slug, name, division_code, plugin, settings, created_at, kind"


async def tenant_by_slug(conn: asyncpg.Connection, slug: str) -> TenantRow | None:
    record = await conn.fetchrow(f"SELECT {_TENANT_COLUMNS} FROM tenants WHERE slug = $1", slug)
    return maybe_row_as(TenantRow, record)


async def tenant_by_id(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> TenantRow | None:
    record = await conn.fetchrow(f"SELECT {_TENANT_COLUMNS} FROM tenants WHERE id = $1", tenant_id)
    return maybe_row_as(TenantRow, record)


async def tenant_rows(conn: asyncpg.Connection) -> list[TenantRow]:
    """Every tenant, in slug order."""
    records = await conn.fetch(f"SELECT {_TENANT_COLUMNS} FROM tenants ORDER BY slug")
    return rows_as(TenantRow, records)
