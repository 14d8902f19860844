"""The event feed: a tenant's events by id, with a cursor that never skips a late commit."""

from __future__ import annotations

import msgspec

from core.events import queries
from core.events.config import TYPE_PATTERN
from core.events.queries import EventRow
from core.events.subscriptions import DeliveryView, EventFeed, EventView, _delivery
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import stored_number
from core.platform.messages import Text
from core.platform.pagination import Position, check_limit, decode_cursor, encode_cursor
from core.security.access import Access, Role, role_text


def _require_feed_reader(access: Access) -> None:
    if access.role not in (Role.ADMIN, Role.PLATFORM, Role.READER):
        raise PermissionDenied(Text("forbidden.key-may-not-read", value=role_text(access.role)))


def _event(row: EventRow, deliveries: list[DeliveryView] | None = None) -> EventView:
    return EventView(
        id=row.id,
        type=row.type,
        subject=row.subject,
        occurred_at=row.occurred_at,
        data=msgspec.json.decode(row.data),
        deliveries=deliveries or [],
    )


async def list_events(
    access: Access,
    *,
    cursor: str | None = None,
    event_type: str | None = None,
    limit: int | None = None,
) -> EventFeed:
    """Events after ``cursor``, oldest first. With no cursor the feed starts at the
    beginning. An event appears only when no transaction older than it is still open."""
    _require_feed_reader(access)
    limit = check_limit(limit)
    after = decode_cursor(cursor, Position)
    if event_type is not None and not TYPE_PATTERN.match(event_type):
        raise ValidationFailed.on("type", Text("field.event-type-township-list"))
    prefix = event_type[:-2] + "." if event_type and event_type.endswith(".*") else None
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.event_rows(
            conn, access.tenant.id, after or 0, None if prefix else event_type, prefix, limit
        )
    items = [_event(r) for r in rows]
    last = items[-1].id if items else (after or 0)
    return EventFeed(items=items, next_cursor=encode_cursor(last))


async def deliveries_of(access: Access, event_ids: list[int]) -> dict[int, list[DeliveryView]]:
    """Deliveries of many events in one query (for DataLoaders); none for non-admins."""
    if not access.is_admin:
        return {}
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.deliveries_of_events(conn, access.tenant.id, event_ids)
    found: dict[int, list[DeliveryView]] = {}
    for r in rows:
        found.setdefault(r.event_id, []).append(_delivery(r))
    return found


async def get_event(access: Access, event_id: int) -> EventView:
    """One event with its delivery to every subscription (admins see the deliveries)."""
    _require_feed_reader(access)
    stored_number(event_id, "event", big=True)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.event_row(conn, access.tenant.id, event_id)
        if row is None:
            raise NotFound(Text("not-found.no-event", event_id=event_id))
        deliveries = []
        if access.is_admin:
            found = await queries.deliveries_of_event(conn, access.tenant.id, event_id)
            deliveries = [_delivery(r) for r in found]
    return _event(row, deliveries)
