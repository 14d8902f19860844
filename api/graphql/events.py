"""GraphQL types and tenant fields for the working-day calendar, the event feed and webhook
subscriptions — the REST resources, through the same services.

Event ids are ``ID`` (strings) here: they are 64-bit, beyond GraphQL's 32-bit ``Int``.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import msgspec
import strawberry
from strawberry.scalars import JSON

from api.graphql.context import GqlInfo
from core.events import service as events
from core.jurisdictions import calendar
from core.platform.errors import NotFound
from core.security.access import Access


def _fields(value: msgspec.Struct) -> dict[str, Any]:
    return {f: getattr(value, f) for f in value.__struct_fields__}


@strawberry.type(description="One day of the tenant's working-day calendar.")
class CalendarDay:
    day: datetime.date
    working: bool
    source: str = strawberry.field(description="national, or tenant when the tenant overrides the day")
    kind: str = strawberry.field(description="workday or holiday")
    kind_label: str
    name: str

    @classmethod
    def of(cls, view: calendar.CalendarDay) -> CalendarDay:
        return cls(**_fields(view))


@strawberry.type(description="A tenant's departure from the national calendar.")
class CalendarOverride:
    day: datetime.date
    kind: str
    kind_label: str
    name: str
    updated_at: datetime.datetime

    @classmethod
    def of(cls, view: calendar.CalendarOverride) -> CalendarOverride:
        return cls(**_fields(view))


@strawberry.type
class Deadline:
    start: datetime.datetime
    working_days: int | None
    hours: float | None
    deadline: datetime.datetime


@strawberry.type
class DeliveryCounts:
    pending: int
    delivered: int
    failed: int


@strawberry.type(description="One event's delivery to one subscription.")
class WebhookDelivery:
    subscription_id: uuid.UUID
    event_id: strawberry.ID
    event_type: str
    subject: str
    state: str = strawberry.field(description="pending, delivered or failed")
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    last_status: int | None
    last_error: str | None
    last_duration_ms: int | None
    delivered_at: datetime.datetime | None
    created_at: datetime.datetime

    @classmethod
    def of(cls, view: events.DeliveryView) -> WebhookDelivery:
        return cls(**{**_fields(view), "event_id": strawberry.ID(str(view.event_id))})


@strawberry.type
class WebhookDeliveryPage:
    items: list[WebhookDelivery]
    next_cursor: str | None


@strawberry.type(description="A receiver URL that gets the tenant's events, signed.")
class WebhookSubscription:
    id: uuid.UUID
    url: str
    event_types: list[str] = strawberry.field(description="empty: every type; `catalog.*`: a prefix")
    description: str
    active: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    delivery_counts: DeliveryCounts
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: events.SubscriptionView, access: Access) -> WebhookSubscription:
        counts = DeliveryCounts(**_fields(view.deliveries))
        plain = {k: v for k, v in _fields(view).items() if k != "deliveries"}
        return cls(**plain, delivery_counts=counts, access=access)

    @strawberry.field(description="Deliveries, newest event first; state: pending, delivered or failed.")
    async def deliveries(
        self, state: str | None = None, first: int = 50, after: str | None = None
    ) -> WebhookDeliveryPage:
        page = await events.list_deliveries(self.access, self.id, state=state, limit=first, cursor=after)
        return WebhookDeliveryPage(items=[WebhookDelivery.of(d) for d in page.items], next_cursor=page.next_cursor)


@strawberry.type(description="A subscription with its signing secret, shown this once.")
class IssuedWebhookSubscription:
    subscription: WebhookSubscription
    secret: str


@strawberry.type
class Event:
    id: strawberry.ID
    type: str
    subject: str
    occurred_at: datetime.datetime
    data: JSON
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: events.EventView, access: Access) -> Event:
        return cls(
            id=strawberry.ID(str(view.id)),
            type=view.type,
            subject=view.subject,
            occurred_at=view.occurred_at,
            data=view.data,
            access=access,
        )

    @strawberry.field(description="Its delivery to each subscription (admins; empty for other keys).")
    async def deliveries(self, info: GqlInfo) -> list[WebhookDelivery]:
        loader = info.context.loader("event_deliveries", self.access, events.deliveries_of, default=[])
        return [WebhookDelivery.of(d) for d in await loader.load(int(self.id))]


@strawberry.type(description="A page of the feed; keep next_cursor and ask again later.")
class EventFeed:
    items: list[Event]
    next_cursor: str


@strawberry.type
class EventQueries:
    """Calendar, events and webhooks of a tenant."""

    access: strawberry.Private[Access]

    @strawberry.field(description="Every day from `from` to `to` (≤ 366 days): working or not, and why.")
    async def calendar_days(
        self, from_: Annotated[datetime.date, strawberry.argument(name="from")], to: datetime.date
    ) -> list[CalendarDay]:
        return [CalendarDay.of(d) for d in await calendar.calendar_days(self.access, from_, to)]

    @strawberry.field(description="The tenant's overrides of the national calendar.")
    async def calendar_overrides(self, year: int | None = None) -> list[CalendarOverride]:
        return [CalendarOverride.of(o) for o in await calendar.list_overrides(self.access, year)]

    @strawberry.field(description="When something started at `start` is due: give workingDays or hours.")
    async def deadline(
        self, start: datetime.datetime, working_days: int | None = None, hours: float | None = None
    ) -> Deadline:
        view = await calendar.compute_deadline(self.access, start, working_days=working_days, hours=hours)
        return Deadline(**_fields(view))

    @strawberry.field(description="Webhook subscriptions (admin).")
    async def webhook_subscriptions(self) -> list[WebhookSubscription]:
        return [WebhookSubscription.of(s, self.access) for s in await events.list_subscriptions(self.access)]

    @strawberry.field(description="One webhook subscription (admin); null when there is none.")
    async def webhook_subscription(self, id: uuid.UUID) -> WebhookSubscription | None:
        try:
            return WebhookSubscription.of(await events.get_subscription(self.access, id), self.access)
        except NotFound:
            return None

    @strawberry.field(description="The event feed after `after` (a cursor), oldest first; type may be `catalog.*`.")
    async def events(self, after: str | None = None, type: str | None = None, first: int = 50) -> EventFeed:
        feed = await events.list_events(self.access, cursor=after, event_type=type, limit=first)
        return EventFeed(items=[Event.of(e, self.access) for e in feed.items], next_cursor=feed.next_cursor)

    @strawberry.field(description="One event with its deliveries; null when there is none.")
    async def event(self, id: strawberry.ID) -> Event | None:
        if not (str(id).isascii() and str(id).isdigit()):
            return None
        try:
            return Event.of(await events.get_event(self.access, int(id)), self.access)
        except NotFound:
            return None
