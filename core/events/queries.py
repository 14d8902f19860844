"""Every SQL statement of the events context, and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns, built by :mod:`core.platform.rows`), a
list of them, or a plain value; writes whose result is not read are constants the service modules
execute. Every statement names the tenant (``tests/test_tenant_keyed_sql.py``) except the delivery
worker's three (:data:`CLAIM`, :data:`HOLD`, :data:`RECORD`), which work across tenants as the
schema owner and key each row by the tenant id it carries.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as

# --------------------------------------------------------------------------- rows


class EventRow(msgspec.Struct, frozen=True):
    """An event of the feed; ``data`` is the jsonb text."""

    id: int
    type: str
    subject: str
    occurred_at: datetime
    data: str


class DeliveryRow(msgspec.Struct, frozen=True):
    """One event's delivery to one subscription (:data:`_DELIVERY`)."""

    subscription_id: uuid.UUID
    event_id: int
    event_type: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    last_duration_ms: int | None
    delivered_at: datetime | None
    created_at: datetime


class SubscriptionRow(msgspec.Struct, frozen=True):
    """A subscription with its deliveries counted by state (:data:`_SUBSCRIPTION`)."""

    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
    pending: int
    delivered: int
    failed: int


class ClaimRow(msgspec.Struct, frozen=True):
    """A delivery the worker claimed (:data:`CLAIM`), with what it takes to send it."""

    tenant_id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: int
    attempts: int
    url: str
    secret: str
    type: str
    subject: str
    data: str
    occurred_at: datetime
    slug: str
    claimed_at: datetime


# --------------------------------------------------------------------------- the outbox

EMIT = """
WITH e AS (
  INSERT INTO events (tenant_id, type, subject, data) VALUES ($1, $2, $3, $4::jsonb) RETURNING tenant_id, id
), d AS (
  INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_id)
  SELECT s.tenant_id, s.id, e.id FROM webhook_subscriptions s JOIN e ON e.tenant_id = s.tenant_id
  WHERE s.tenant_id = $1
    AND (cardinality(s.event_types) = 0 OR $2 = ANY (s.event_types)
         OR split_part($2, '.', 1) || '.*' = ANY (s.event_types))
  RETURNING 1
)
SELECT pg_notify('qingdan_webhooks', '') FROM (SELECT 1 FROM d LIMIT 1) AS any_delivery
"""

# --------------------------------------------------------------------------- the feed


async def event_rows(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    after: int,
    event_type: str | None,
    prefix: str | None,
    limit: int,
) -> list[EventRow]:
    """Events after id ``after``, oldest first, once no older transaction is still open.

    ``xid`` is the writer's transaction id on the node that holds the row (migration 0015). An
    id at or past the snapshot's xmax cannot be a transaction of this node the reader waits
    for: on one PostgreSQL such a row is invisible anyway; on Citus it is a row a shard move
    brought from a node whose counter ran ahead, committed before the move."""
    rows = await conn.fetch(
        "SELECT id, type, subject, occurred_at, data FROM events WHERE tenant_id = $1 AND id > $2"
        " AND (xid < pg_snapshot_xmin(pg_current_snapshot()) OR xid >= pg_snapshot_xmax(pg_current_snapshot()))"
        " AND ($3::text IS NULL OR type = $3) AND ($4::text IS NULL OR starts_with(type, $4))"
        " ORDER BY id LIMIT $5",
        tenant_id,
        after,
        event_type,
        prefix,
        limit,
    )
    return rows_as(EventRow, rows)


async def event_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, event_id: int) -> EventRow | None:
    row = await conn.fetchrow(
        "SELECT id, type, subject, occurred_at, data FROM events WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        event_id,
    )
    return maybe_row_as(EventRow, row)


# --------------------------------------------------------------------------- deliveries

_DELIVERY = (
    "SELECT d.subscription_id, d.event_id, e.type AS event_type, e.subject, d.state, d.attempts,"
    " CASE WHEN d.state = 'pending' THEN d.next_attempt_at END AS next_attempt_at, d.last_attempt_at,"
    " d.last_status, d.last_error, d.last_duration_ms, d.delivered_at, d.created_at"
    " FROM webhook_deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id"
)


async def deliveries_of_events(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, event_ids: list[int]
) -> list[DeliveryRow]:
    rows = await conn.fetch(
        f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.event_id = ANY($2::bigint[]) ORDER BY d.event_id, d.subscription_id",
        tenant_id,
        event_ids,
    )
    return rows_as(DeliveryRow, rows)


async def deliveries_of_event(conn: asyncpg.Connection, tenant_id: uuid.UUID, event_id: int) -> list[DeliveryRow]:
    rows = await conn.fetch(
        f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.subscription_id",
        tenant_id,
        event_id,
    )
    return rows_as(DeliveryRow, rows)


async def deliveries_of_subscription(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    subscription_id: uuid.UUID,
    state: str | None,
    before: int | None,
    limit: int,
) -> list[DeliveryRow]:
    """Newest event first, before event id ``before``, optionally in one state."""
    rows = await conn.fetch(
        f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.subscription_id = $2"
        " AND ($3::text IS NULL OR d.state = $3) AND ($4::bigint IS NULL OR d.event_id < $4)"
        " ORDER BY d.event_id DESC LIMIT $5",
        tenant_id,
        subscription_id,
        state,
        before,
        limit,
    )
    return rows_as(DeliveryRow, rows)


# One event's delivery ($3), or with $3 NULL every failed one of the subscription, queued again now.
REDELIVER = (
    "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = now(),"
    " delivered_at = NULL WHERE tenant_id = $1 AND subscription_id = $2"
    " AND (CASE WHEN $3::bigint IS NULL THEN state = 'failed' ELSE event_id = $3 END)"
)
NOTIFY = "SELECT pg_notify($1, '')"

# --------------------------------------------------------------------------- subscriptions

# Every use has the tenant as $1; the counts name it rather than s.tenant_id, so that Citus
# routes the statement (and its lock) to the tenant's shard.
_SUBSCRIPTION = (
    "SELECT s.id, s.url, s.event_types, s.description, s.active, s.version, s.created_at, s.updated_at,"
    " (SELECT count(*) FILTER (WHERE d.state = 'pending') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = $1 AND d.subscription_id = s.id) AS pending,"
    " (SELECT count(*) FILTER (WHERE d.state = 'delivered') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = $1 AND d.subscription_id = s.id) AS delivered,"
    " (SELECT count(*) FILTER (WHERE d.state = 'failed') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = $1 AND d.subscription_id = s.id) AS failed"
    " FROM webhook_subscriptions s"
)


async def subscription_row(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, subscription_id: uuid.UUID, *, lock: bool = False
) -> SubscriptionRow | None:
    """The subscription, locked for the transaction with ``lock``."""
    row = await conn.fetchrow(
        f"{_SUBSCRIPTION} WHERE s.tenant_id = $1 AND s.id = $2{' FOR UPDATE OF s' if lock else ''}",
        tenant_id,
        subscription_id,
    )
    return maybe_row_as(SubscriptionRow, row)


async def subscription_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[SubscriptionRow]:
    rows = await conn.fetch(f"{_SUBSCRIPTION} WHERE s.tenant_id = $1 ORDER BY s.created_at, s.id", tenant_id)
    return rows_as(SubscriptionRow, rows)


async def insert_subscription(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    url: str,
    secret: str,
    event_types: list[str],
    description: str,
    active: bool,
) -> uuid.UUID:
    """A new subscription; returns its id."""
    new_id: uuid.UUID = await conn.fetchval(
        "INSERT INTO webhook_subscriptions (tenant_id, url, secret, event_types, description, active)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        tenant_id,
        url,
        secret,
        event_types,
        description,
        active,
    )
    return new_id


# $3 url, $4 event types, $5 description, $6 active: each left as it is when NULL
UPDATE_SUBSCRIPTION = (
    "UPDATE webhook_subscriptions SET url = coalesce($3, url), event_types = coalesce($4, event_types),"
    " description = coalesce($5, description), active = coalesce($6, active),"
    " version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2"
)
# $3 the new secret
ROTATE_SECRET = (
    "UPDATE webhook_subscriptions SET secret = $3, version = version + 1, updated_at = now()"
    " WHERE tenant_id = $1 AND id = $2"
)
DELETE_SUBSCRIPTION = "DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2"

# --------------------------------------------------------------------------- the delivery worker

# The tenants with due deliveries, the longest-waiting first (a read across shards, no lock):
# $1 the clock, $2 how many tenants at most.
DUE_TENANTS = """
SELECT tenant_id FROM webhook_deliveries
 WHERE state = 'pending' AND next_attempt_at <= $1
 GROUP BY tenant_id ORDER BY min(next_attempt_at), tenant_id LIMIT $2
"""

# Claims one tenant's due deliveries (run as the schema owner): $1 the clock, $2 how many,
# $3 the lease in seconds, $4 at most this many per subscription, $5 the tenant. Per tenant,
# with the tenant on every table, because Citus locks rows (FOR UPDATE) only in a statement
# routed to one shard, and computes times from $1 alone (a STABLE timestamptz + interval
# over a column is refused in a distributed UPDATE).
CLAIM = """
WITH clock AS (SELECT $1::timestamptz AS at),
candidates AS (
  SELECT d.tenant_id, d.subscription_id, d.event_id,
         row_number() OVER (PARTITION BY d.tenant_id, d.subscription_id ORDER BY d.next_attempt_at, d.event_id) AS n
  FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.tenant_id = $5 AND s.id = d.subscription_id
  WHERE d.tenant_id = $5 AND d.state = 'pending' AND d.next_attempt_at <= (SELECT at FROM clock) AND s.active
),
due AS (
  SELECT d.tenant_id, d.subscription_id, d.event_id
  FROM webhook_deliveries d JOIN candidates c
    ON (c.tenant_id, c.subscription_id, c.event_id) = (d.tenant_id, d.subscription_id, d.event_id)
  WHERE d.tenant_id = $5 AND c.n <= $4 AND d.state = 'pending' AND d.next_attempt_at <= (SELECT at FROM clock)
  ORDER BY d.next_attempt_at, d.event_id
  LIMIT $2
  FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_deliveries w
SET attempts = w.attempts + 1, last_attempt_at = $1::timestamptz,
    next_attempt_at = $1::timestamptz + make_interval(secs => $3)
FROM clock c, due, webhook_subscriptions s, events e, tenants t
WHERE w.tenant_id = $5
  AND (w.tenant_id, w.subscription_id, w.event_id) = (due.tenant_id, due.subscription_id, due.event_id)
  AND s.tenant_id = $5 AND s.id = w.subscription_id
  AND e.tenant_id = $5 AND e.id = w.event_id AND t.id = $5
RETURNING w.tenant_id, w.subscription_id, w.event_id, w.attempts, s.url, s.secret,
          e.type, e.subject, e.data::text AS data, e.occurred_at, t.slug, c.at AS claimed_at
"""


async def claim_due(
    conn: asyncpg.Connection, at: datetime | None, limit: int, lease_seconds: float, per_subscription: int
) -> list[ClaimRow]:
    """Claim up to ``limit`` due deliveries, tenant by tenant (the longest-waiting first)."""
    if at is None:
        at = await conn.fetchval("SELECT statement_timestamp()")
    claimed: list[ClaimRow] = []
    for (tenant_id,) in await conn.fetch(DUE_TENANTS, at, limit):
        if len(claimed) >= limit:
            break
        rows = await conn.fetch(CLAIM, at, limit - len(claimed), lease_seconds, per_subscription, tenant_id)
        claimed.extend(rows_as(ClaimRow, rows))
    return claimed


# The statements below run once per tenant ($N, the last parameter), for the same reason.
HOLD = """
UPDATE webhook_deliveries w
SET next_attempt_at = h.until, last_error = 'not attempted: another delivery to this receiver failed: ' || h.reason
FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[]) AS h(tenant_id, subscription_id, until, reason)
WHERE w.tenant_id = $6 AND h.tenant_id = $6 AND w.subscription_id = h.subscription_id AND w.state = 'pending'
  AND w.next_attempt_at < h.until AND w.last_attempt_at IS DISTINCT FROM $5
"""

# The outcome of each attempt, one array per column ($1 … $10), matched on the claimed attempt.
RECORD = """
UPDATE webhook_deliveries w
SET state = r.state, last_status = r.status, last_error = r.error, last_duration_ms = r.duration_ms,
    delivered_at = CASE WHEN r.state = 'delivered' THEN r.finished END,
    next_attempt_at = r.next_attempt_at
FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::int[], $6::text[], $7::int[],
            $8::timestamptz[], $9::timestamptz[], $10::int[])
     AS r(tenant_id, subscription_id, event_id, state, status, error, duration_ms, finished, next_attempt_at, attempts)
WHERE w.tenant_id = $11 AND r.tenant_id = $11
  AND (w.tenant_id, w.subscription_id, w.event_id) = (r.tenant_id, r.subscription_id, r.event_id)
  AND w.attempts = r.attempts AND w.state = 'pending'
"""
