"""``/api/v1/tenants/{tenant}/webhooks`` and ``…/events`` — webhook subscriptions, their
deliveries, and the event feed."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit, with_etag
from core.events import service
from core.events.service import (
    DeliveryView,
    EventFeed,
    EventView,
    IssuedSubscription,
    Redelivery,
    SubscriptionCreate,
    SubscriptionUpdate,
    SubscriptionView,
)
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access


class WebhookController(Controller):
    path = f"{TENANT_PATH}/webhooks"
    tags = ["events"]

    @get(operation_id="listWebhookSubscriptions", summary="The tenant's webhook subscriptions (admin)")
    async def list(self, access: NamedDependency[Access]) -> list[SubscriptionView]:
        return await service.list_subscriptions(access)

    @post(
        operation_id="createWebhookSubscription",
        summary="Subscribe a receiver URL; the signing secret is in this response only (admin)",
    )
    async def create(
        self,
        access: NamedDependency[Access],
        data: JSONBody[SubscriptionCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[IssuedSubscription]:
        work = partial(service.create_subscription, access, data)
        issued, replayed = await create_once(
            access, idempotency_key, "createWebhookSubscription", work, IssuedSubscription, data
        )
        return created(issued, replayed, version=issued.subscription.version)

    @get("/{subscription_id:uuid}", operation_id="getWebhookSubscription", summary="One subscription (admin)")
    async def read(
        self, access: NamedDependency[Access], subscription_id: FromPath[uuid.UUID]
    ) -> Response[SubscriptionView]:
        view = await service.get_subscription(access, subscription_id)
        return with_etag(view, view.version)

    @patch(
        "/{subscription_id:uuid}",
        operation_id="updateWebhookSubscription",
        summary="Change URL, event types, description or pause it (active: false holds deliveries) (admin)",
    )
    async def update(
        self,
        access: NamedDependency[Access],
        subscription_id: FromPath[uuid.UUID],
        data: JSONBody[SubscriptionUpdate],
        if_match: IfMatch = None,
    ) -> Response[SubscriptionView]:
        view = await service.update_subscription(access, subscription_id, data, parse_etag(if_match))
        return with_etag(view, view.version)

    @delete("/{subscription_id:uuid}", operation_id="deleteWebhookSubscription", summary="Unsubscribe (admin)")
    async def remove(
        self, access: NamedDependency[Access], subscription_id: FromPath[uuid.UUID], if_match: IfMatch = None
    ) -> None:
        await service.delete_subscription(access, subscription_id, parse_etag(if_match))

    @post(
        "/{subscription_id:uuid}/secret",
        operation_id="rotateWebhookSecret",
        summary="A new signing secret, shown in this response only (admin)",
        status_code=200,
    )
    async def rotate(self, access: NamedDependency[Access], subscription_id: FromPath[uuid.UUID]) -> IssuedSubscription:
        return await service.rotate_secret(access, subscription_id)

    @get(
        "/{subscription_id:uuid}/deliveries",
        operation_id="listWebhookDeliveries",
        summary="Deliveries, newest event first: state, attempts, last status and error, next attempt (admin)",
    )
    async def deliveries(
        self,
        access: NamedDependency[Access],
        subscription_id: FromPath[uuid.UUID],
        in_state: Annotated[
            str | None, QueryParameter(name="state", description="pending | delivered | failed")
        ] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[DeliveryView]:
        return await service.list_deliveries(access, subscription_id, state=in_state, limit=limit, cursor=cursor)

    @post(
        "/{subscription_id:uuid}/deliveries/{event_id:int}/redeliver",
        operation_id="redeliverWebhook",
        summary="Send one event again, with a fresh set of attempts (admin)",
        status_code=202,
    )
    async def redeliver(
        self, access: NamedDependency[Access], subscription_id: FromPath[uuid.UUID], event_id: FromPath[int]
    ) -> Redelivery:
        return Redelivery(queued=await service.redeliver(access, subscription_id, event_id))

    @post(
        "/{subscription_id:uuid}/redeliver-failed",
        operation_id="redeliverFailedWebhooks",
        summary="Send every failed delivery of the subscription again (after an outage) (admin)",
        status_code=202,
    )
    async def redeliver_failed(
        self, access: NamedDependency[Access], subscription_id: FromPath[uuid.UUID]
    ) -> Redelivery:
        return Redelivery(queued=await service.redeliver(access, subscription_id))


class EventController(Controller):
    path = f"{TENANT_PATH}/events"
    tags = ["events"]

    @get(
        operation_id="listEvents",
        summary="The event feed, oldest first after `cursor`; poll with the returned next_cursor (admin, reader)",
    )
    async def list(
        self,
        access: NamedDependency[Access],
        cursor: Cursor = None,
        type: str | None = Parameter(default=None, description="an event type, or a prefix like catalog.*"),
        limit: Limit = None,
    ) -> EventFeed:
        return await service.list_events(access, cursor=cursor, event_type=type, limit=limit)

    @get(
        "/{event_id:int}",
        operation_id="getEvent",
        summary="One event, with its delivery to each subscription (deliveries for admins)",
    )
    async def read(self, access: NamedDependency[Access], event_id: FromPath[int]) -> EventView:
        return await service.get_event(access, event_id)
