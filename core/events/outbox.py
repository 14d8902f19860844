"""The outbox: an event and its deliveries written in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import msgspec

from core.events import queries
from core.events.config import EVENT_TYPE


async def emit(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, event_type: str, subject: str, data: dict[str, Any]
) -> None:
    """Record an event in the caller's transaction (one statement, with its deliveries).

    ``event_type`` is dotted snake_case (``township_list.submitted``); ``subject`` names
    what changed as a path (``townships/510115001000/list``); ``data`` is JSON-encodable
    (dates and UUIDs are fine). Subscribers are woken by ``NOTIFY`` when the transaction
    commits.
    """
    if not EVENT_TYPE.match(event_type):
        raise ValueError(f"event type {event_type!r} is not dotted snake_case")
    await conn.execute(queries.EMIT, tenant_id, event_type, subject, msgspec.json.encode(data).decode())
