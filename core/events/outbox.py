"""The outbox: an event and its deliveries written in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from core.events.config import EVENT_TYPE

_EMIT = """
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


async def emit(conn: Any, tenant_id: uuid.UUID, event_type: str, subject: str, data: dict[str, Any]) -> None:
    """Record an event in the caller's transaction (one statement, with its deliveries).

    ``event_type`` is dotted snake_case (``township_list.submitted``); ``subject`` names
    what changed as a path (``townships/510115001000/list``); ``data`` is JSON-encodable
    (dates and UUIDs are fine). Subscribers are woken by ``NOTIFY`` when the transaction
    commits.
    """
    if not EVENT_TYPE.match(event_type):
        raise ValueError(f"event type {event_type!r} is not dotted snake_case")
    await conn.execute(_EMIT, tenant_id, event_type, subject, msgspec.json.encode(data).decode())
