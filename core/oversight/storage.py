"""Stored burden-indicator results: one JSON body per county and date (``burden_indicators``).

The indicators are computed in the county's own transaction (they read data an overseer never
sees) and stored here; overseers read the stored body, which holds aggregates only. The body is
kept as the JSON text it was stored as, so a read serves it without decoding and re-encoding.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy

from core.platform import generations
from core.platform.rows import maybe_row_as

Connection = asyncpg.Connection | PoolConnectionProxy


class StoredIndicators(msgspec.Struct, frozen=True):
    """A county's stored indicators as of a date; ``body`` is the JSON text as stored."""

    as_of: datetime.date
    computed_at: datetime.datetime
    body: str


# computed_at is the insert's own now(): Citus refuses now() in ON CONFLICT DO UPDATE SET, and
# EXCLUDED carries the same value.
_STORE = (
    "INSERT INTO burden_indicators (tenant_id, as_of, computed_at, body) VALUES ($1, $2, now(), $3::jsonb)"
    " ON CONFLICT (tenant_id, as_of) DO UPDATE SET computed_at = EXCLUDED.computed_at, body = EXCLUDED.body"
    " RETURNING as_of, computed_at, body::text AS body"
)
_READ = "SELECT as_of, computed_at, body::text AS body FROM burden_indicators WHERE tenant_id = $1 AND as_of = $2"
_DATES = "SELECT as_of FROM burden_indicators WHERE tenant_id = $1 ORDER BY as_of DESC LIMIT $2"
_NEWEST = (
    "SELECT as_of, computed_at, body::text AS body FROM burden_indicators WHERE tenant_id = $1"
    " ORDER BY as_of DESC LIMIT 1"
)


def _text(body: bytes | str | Any) -> str:
    if isinstance(body, bytes):
        return body.decode()
    if isinstance(body, str):
        return body
    return msgspec.json.encode(body).decode()


async def store_indicators(
    conn: Connection, tenant_id: uuid.UUID, as_of: datetime.date, body: bytes | str | Any
) -> StoredIndicators:
    """Store (or replace) ``tenant_id``'s indicators as of ``as_of``.

    ``conn`` is in the county's tenant transaction (the policy admits only its own rows);
    ``body`` is encoded JSON (bytes or text) or any value msgspec encodes."""
    record = await conn.fetchrow(_STORE, tenant_id, as_of, _text(body))
    assert record is not None, "INSERT … RETURNING returns the row"
    await generations.bump(conn, tenant_id)  # the portal's published charts draw the newest stored body
    return StoredIndicators(**record)


async def read_indicators(conn: Connection, tenant_id: uuid.UUID, as_of: datetime.date) -> StoredIndicators | None:
    """``tenant_id``'s stored indicators as of exactly ``as_of``, or None if none are stored.

    Works in the county's transaction and in an overseer's (core/oversight/scope.py), whose
    policy admits the rows of the counties that granted it access."""
    return maybe_row_as(StoredIndicators, await conn.fetchrow(_READ, tenant_id, as_of))


async def stored_dates(conn: Connection, tenant_id: uuid.UUID, limit: int = 100) -> list[datetime.date]:
    """The dates ``tenant_id`` has stored indicators for, newest first."""
    return [r["as_of"] for r in await conn.fetch(_DATES, tenant_id, limit)]


async def newest_indicators(conn: Connection, tenant_id: uuid.UUID) -> StoredIndicators | None:
    """``tenant_id``'s stored indicators of the latest date, or None if none are stored."""
    return maybe_row_as(StoredIndicators, await conn.fetchrow(_NEWEST, tenant_id))
