"""GraphQL mutations for the working-day calendar and webhook subscriptions (the REST
operations, through the same services)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import strawberry

from api.graphql.context import GqlInfo
from api.graphql.events import CalendarOverride, IssuedWebhookSubscription, WebhookSubscription
from api.graphql.inputs import convert
from api.graphql.types import Problem, attempt
from core.events import service as events
from core.jurisdictions import calendar
from core.platform.errors import NotFound
from core.platform.messages import Text
from core.security.access import Access


@strawberry.type
class CalendarDayCleared:
    day: datetime.date


@strawberry.type
class WebhookSubscriptionDeleted:
    id: uuid.UUID


@strawberry.type
class Redelivery:
    queued: int


CalendarOverrideResult = Annotated[CalendarOverride | Problem, strawberry.union("CalendarOverrideResult")]
CalendarClearResult = Annotated[CalendarDayCleared | Problem, strawberry.union("CalendarClearResult")]
IssuedWebhookResult = Annotated[IssuedWebhookSubscription | Problem, strawberry.union("IssuedWebhookResult")]
WebhookResult = Annotated[WebhookSubscription | Problem, strawberry.union("WebhookResult")]
WebhookDeleteResult = Annotated[WebhookSubscriptionDeleted | Problem, strawberry.union("WebhookDeleteResult")]
RedeliveryResult = Annotated[Redelivery | Problem, strawberry.union("RedeliveryResult")]


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not strawberry.UNSET}


def _issued(issued: events.IssuedSubscription, access: Access) -> IssuedWebhookSubscription:
    return IssuedWebhookSubscription(
        subscription=WebhookSubscription.of(issued.subscription, access), secret=issued.secret
    )


@strawberry.type
class EventMutations:
    @strawberry.mutation(description="Make a day a holiday or a working day for the tenant (admin).")
    async def set_calendar_override(
        self, info: GqlInfo, tenant: str, day: datetime.date, kind: str, name: str = ""
    ) -> CalendarOverrideResult:
        async def act(access: Access) -> CalendarOverride:
            data = convert({"kind": kind, "name": name}, calendar.OverrideSet)
            view, _ = await calendar.set_override(access, day, data)
            return CalendarOverride.of(view)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Back to the national calendar for a day (admin).")
    async def clear_calendar_override(self, info: GqlInfo, tenant: str, day: datetime.date) -> CalendarClearResult:
        async def act(access: Access) -> CalendarDayCleared:
            await calendar.clear_override(access, day)
            return CalendarDayCleared(day=day)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Subscribe a receiver URL; the secret is in this result only (admin).")
    async def create_webhook_subscription(
        self,
        info: GqlInfo,
        tenant: str,
        url: str,
        event_types: list[str] | None = None,
        description: str = "",
        active: bool = True,
    ) -> IssuedWebhookResult:
        async def act(access: Access) -> IssuedWebhookSubscription:
            body = {"url": url, "event_types": event_types or [], "description": description, "active": active}
            issued = await events.create_subscription(access, convert(body, events.SubscriptionCreate))
            return _issued(issued, access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Change a subscription; version: the one you read (admin).")
    async def update_webhook_subscription(
        self,
        info: GqlInfo,
        tenant: str,
        id: uuid.UUID,
        version: int,
        url: str | None = strawberry.UNSET,
        event_types: list[str] | None = strawberry.UNSET,
        description: str | None = strawberry.UNSET,
        active: bool | None = strawberry.UNSET,
    ) -> WebhookResult:
        async def act(access: Access) -> WebhookSubscription:
            body = _given(url=url, event_types=event_types, description=description, active=active)
            data = convert({**body, "version": version}, events.SubscriptionUpdate)
            return WebhookSubscription.of(await events.update_subscription(access, id, data, None), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Unsubscribe (admin).")
    async def delete_webhook_subscription(
        self, info: GqlInfo, tenant: str, id: uuid.UUID, version: int | None = None
    ) -> WebhookDeleteResult:
        async def act(access: Access) -> WebhookSubscriptionDeleted:
            await events.delete_subscription(access, id, version)
            return WebhookSubscriptionDeleted(id=id)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="A new signing secret, in this result only (admin).")
    async def rotate_webhook_secret(self, info: GqlInfo, tenant: str, id: uuid.UUID) -> IssuedWebhookResult:
        async def act(access: Access) -> IssuedWebhookSubscription:
            return _issued(await events.rotate_secret(access, id), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Send an event again with fresh attempts, or with no eventId every failed delivery (admin)."
    )
    async def redeliver_webhook(
        self, info: GqlInfo, tenant: str, id: uuid.UUID, event_id: strawberry.ID | None = None
    ) -> RedeliveryResult:
        async def act(access: Access) -> Redelivery:
            number = None
            if event_id is not None:
                if not (str(event_id).isascii() and str(event_id).isdigit()):
                    raise NotFound(Text("not-found.no-event", event_id=event_id))
                number = int(event_id)
            return Redelivery(queued=await events.redeliver(access, id, number))

        return await attempt(info, tenant, act)
