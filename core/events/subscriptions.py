"""Webhook subscriptions, and their deliveries: reading and redelivering."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

import asyncpg
import msgspec

from core.events import queries
from core.events.config import NOTIFY_CHANNEL, STATES, TYPE_PATTERN
from core.events.queries import DeliveryRow, SubscriptionRow
from core.events.receivers import check_url
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked, stored_number
from core.platform.messages import Text
from core.platform.pagination import Page, Position, check_limit, decode_cursor, page_of
from core.platform.versioning import Expected, check_version
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

EventTypes = Annotated[
    list[Annotated[str, msgspec.Meta(max_length=100)]],
    msgspec.Meta(max_length=50, examples=[["township_list.submitted", "catalog.*"]]),
]


class SubscriptionCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(examples=["https://kaohe.example.gov.cn/hooks/qingdan"])]
    event_types: EventTypes = []
    description: Annotated[str, msgspec.Meta(max_length=500), NAME] = ""
    active: bool = True


class SubscriptionUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    url: str | msgspec.UnsetType = msgspec.UNSET
    event_types: EventTypes | msgspec.UnsetType = msgspec.UNSET
    description: Annotated[str, msgspec.Meta(max_length=500), NAME] | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType = msgspec.UNSET


class DeliveryCounts(msgspec.Struct):
    pending: int = 0
    delivered: int = 0
    failed: int = 0


class SubscriptionView(msgspec.Struct):
    id: uuid.UUID
    url: str
    event_types: list[str]
    description: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
    deliveries: DeliveryCounts


class IssuedSubscription(msgspec.Struct):
    """A subscription with its signing secret — in this response only."""

    subscription: SubscriptionView
    secret: str


class DeliveryView(msgspec.Struct):
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


class EventView(msgspec.Struct):
    id: int
    type: str
    subject: str
    occurred_at: datetime
    data: dict[str, Any]
    deliveries: list[DeliveryView] = msgspec.field(default_factory=list)


class Redelivery(msgspec.Struct):
    queued: int


class EventFeed(msgspec.Struct):
    """A page of the feed; keep ``next_cursor`` and ask again (it is never null)."""

    items: list[EventView]
    next_cursor: str


def _check_types(types: Sequence[str]) -> list[str]:
    for i, t in enumerate(types):
        if not TYPE_PATTERN.match(t):
            raise ValidationFailed.on(f"event_types[{i}]", Text("field.event-type-township-list"))
    return sorted(set(types))


def _subscription(row: SubscriptionRow) -> SubscriptionView:
    return SubscriptionView(
        id=row.id,
        url=row.url,
        event_types=list(row.event_types),
        description=row.description,
        active=row.active,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deliveries=DeliveryCounts(row.pending, row.delivered, row.failed),
    )


def _audit_view(view: SubscriptionView) -> dict[str, Any]:
    return {"url": view.url, "event_types": view.event_types, "active": view.active}


async def _get(
    conn: asyncpg.Connection, access: Access, subscription_id: uuid.UUID, *, lock: bool = False
) -> SubscriptionView:
    row = await queries.subscription_row(conn, access.tenant.id, subscription_id, lock=lock)
    if row is None:
        raise NotFound(Text("not-found.no-webhook-subscription", subscription_id=subscription_id))
    return _subscription(row)


async def create_subscription(access: Access, data: SubscriptionCreate) -> IssuedSubscription:
    require_admin(access, "manage webhook subscriptions")
    url = check_url(data.url)
    types = _check_types(data.event_types)
    secret = "whsec_" + secrets.token_urlsafe(32)
    async with tenant_transaction(access.tenant.id) as conn:
        new_id = await queries.insert_subscription(
            conn, access.tenant.id, url, secret, types, data.description, data.active
        )
        view = await _get(conn, access, new_id)
        await audit.record(access, "webhook_subscription", str(new_id), "create", None, _audit_view(view))
    return IssuedSubscription(subscription=view, secret=secret)


async def list_subscriptions(access: Access) -> list[SubscriptionView]:
    require_admin(access, "read webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.subscription_rows(conn, access.tenant.id)
    return [_subscription(r) for r in rows]


async def get_subscription(access: Access, subscription_id: uuid.UUID) -> SubscriptionView:
    require_admin(access, "read webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        return await _get(conn, access, subscription_id)


async def update_subscription(
    access: Access, subscription_id: uuid.UUID, data: SubscriptionUpdate, if_match: Expected
) -> SubscriptionView:
    require_admin(access, "manage webhook subscriptions")
    url = None if data.url is msgspec.UNSET else check_url(data.url)
    types = None if data.event_types is msgspec.UNSET else _check_types(data.event_types)
    async with tenant_transaction(access.tenant.id) as conn:
        before = await _get(conn, access, subscription_id, lock=True)
        check_version(before.version, if_match, data.version)
        await conn.execute(
            queries.UPDATE_SUBSCRIPTION,
            access.tenant.id,
            subscription_id,
            url,
            types,
            None if data.description is msgspec.UNSET else data.description,
            None if data.active is msgspec.UNSET else data.active,
        )
        view = await _get(conn, access, subscription_id)
        await audit.record(
            access, "webhook_subscription", str(subscription_id), "update", _audit_view(before), _audit_view(view)
        )
    return view


async def rotate_secret(access: Access, subscription_id: uuid.UUID) -> IssuedSubscription:
    """A new signing secret, effective for every delivery from now on (shown once)."""
    require_admin(access, "manage webhook subscriptions")
    secret = "whsec_" + secrets.token_urlsafe(32)
    async with tenant_transaction(access.tenant.id) as conn:
        await _get(conn, access, subscription_id, lock=True)
        await conn.execute(queries.ROTATE_SECRET, access.tenant.id, subscription_id, secret)
        view = await _get(conn, access, subscription_id)
        await audit.record(access, "webhook_subscription", str(subscription_id), "rotate_secret")
    return IssuedSubscription(subscription=view, secret=secret)


async def delete_subscription(access: Access, subscription_id: uuid.UUID, if_match: Expected) -> None:
    """Remove a subscription and its delivery records (the events stay in the feed)."""
    require_admin(access, "manage webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        before = await _get(conn, access, subscription_id, lock=True)
        check_version(before.version, if_match, None, required=False)
        await conn.execute(queries.DELETE_SUBSCRIPTION, access.tenant.id, subscription_id)
        await audit.record(access, "webhook_subscription", str(subscription_id), "delete", _audit_view(before))


# --- deliveries: reading and redelivering ---------------------------------------------------


def _delivery(row: DeliveryRow) -> DeliveryView:
    return DeliveryView(
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        subject=row.subject,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        last_duration_ms=row.last_duration_ms,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def _check_state(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise ValidationFailed.on("state", Text("field.one", value=list(STATES)))


async def list_deliveries(
    access: Access,
    subscription_id: uuid.UUID,
    *,
    state: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[DeliveryView]:
    """A subscription's deliveries, newest event first, optionally in one state."""
    require_admin(access, "read webhook deliveries")
    _check_state(state)
    limit = check_limit(limit)
    before = decode_cursor(cursor, Position)
    async with tenant_transaction(access.tenant.id) as conn:
        await _get(conn, access, subscription_id)
        rows = await queries.deliveries_of_subscription(
            conn, access.tenant.id, subscription_id, state, before, limit + 1
        )
    return page_of([_delivery(r) for r in rows], limit, key=lambda d: d.event_id)


async def redeliver(access: Access, subscription_id: uuid.UUID, event_id: int | None = None) -> int:
    """Queue a delivery again now, with a fresh set of attempts: one event's (whatever its
    state), or with no ``event_id`` every ``failed`` one of the subscription. Returns how
    many were queued."""
    require_admin(access, "redeliver webhooks")
    if event_id is not None:
        stored_number(event_id, "event", big=True)
    async with tenant_transaction(access.tenant.id) as conn:
        await _get(conn, access, subscription_id)
        status = await conn.execute(queries.REDELIVER, access.tenant.id, subscription_id, event_id)
        count = int(status.split()[-1])
        if event_id is not None and count == 0:
            raise NotFound(Text("not-found.event-was-not-sent", event_id=event_id, subscription_id=subscription_id))
        if count:
            await conn.execute(queries.NOTIFY, NOTIFY_CHANNEL)
            await audit.record(
                access, "webhook_subscription", str(subscription_id), "redeliver", None, {"event_id": event_id}
            )
    return count
