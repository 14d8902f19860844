"""Events: an outbox written with every change, signed webhooks, and a feed with a cursor.

- :func:`emit` appends an event to ``events`` in the caller's transaction, and in the same
  statement one ``webhook_deliveries`` row per subscription of the tenant that wants the
  type — so an event and its deliveries exist exactly when the change committed.
- The delivery worker (:func:`deliver_due`, looped by :class:`DeliveryWorker` in the app
  process) claims due deliveries across tenants as the schema owner with
  ``FOR UPDATE SKIP LOCKED`` and a lease, POSTs the signed payload with httpx, and records
  the outcome: ``delivered``; or back to ``pending`` with exponential backoff; or ``failed``
  after the last attempt (then redeliverable by an API call). Several workers and processes
  share the work safely; a worker that dies mid-delivery only delays a row by its lease.
- The feed (:func:`list_events`) lists a tenant's events by id with a cursor. It shows an
  event only once every transaction that started before it has finished, so a cursor never
  skips an event that commits late with a smaller id.

Delivery is at least once: receivers dedupe on the event id (``Qingdan-Event-Id``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import os
import random
import re
import secrets
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit

import asyncpg
import httpcore
import httpx
import msgspec

from core import audit
from core.access import Access, Role
from core.db import DB, Outage, open_connection, platform_transaction, tenant_transaction
from core.errors import NotFound, PermissionDenied, QingdanError, ValidationFailed
from core.inputs import NAME, Checked, stored_number
from core.pagination import Page, Position, check_limit, decode_cursor, encode_cursor, page_of
from core.permissions import require_admin
from core.versioning import check_version

log = logging.getLogger("qingdan.events")

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
TYPE_PATTERN = re.compile(r"^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+|[a-z][a-z0-9_]*\.\*)$")
SIGNATURE_HEADER = "Qingdan-Signature"
NOTIFY_CHANNEL = "qingdan_webhooks"
STATES = ("pending", "delivered", "failed")


# --- configuration ------------------------------------------------------------------------


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in raw.split(",") if n.strip())
    except ValueError as exc:
        raise SystemExit(f"QINGDAN_WEBHOOK_ALLOWED_NETWORKS: {exc}") from exc


@dataclass(frozen=True)
class WebhookConfig:
    """Delivery settings (environment variables in brackets; see README)."""

    worker: bool = True  # [QINGDAN_EVENT_WORKER] run the delivery loop in the app process
    max_attempts: int = 10  # [QINGDAN_WEBHOOK_MAX_ATTEMPTS] then the delivery is `failed`
    backoff_seconds: float = 10.0  # [QINGDAN_WEBHOOK_BACKOFF_SECONDS] first retry; doubles
    backoff_max_seconds: float = 3600.0  # longest wait between two attempts
    timeout_seconds: float = 10.0  # [QINGDAN_WEBHOOK_TIMEOUT_SECONDS] per request
    poll_seconds: float = 2.0  # [QINGDAN_WEBHOOK_POLL_SECONDS] between polls when idle
    batch: int = 50  # deliveries claimed per round
    per_subscription: int = 25  # of which at most this many for one subscription
    concurrency: int = 16  # requests in flight per worker
    # [QINGDAN_WEBHOOK_ALLOWED_NETWORKS] non-public networks receivers may be on (an
    # intranet's 10.0.0.0/8, loopback for tests); public addresses are always allowed.
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @property
    def lease_seconds(self) -> float:
        return self.timeout_seconds * 3 + 30


def load_config() -> WebhookConfig:
    try:
        cfg = WebhookConfig(
            worker=_env("QINGDAN_EVENT_WORKER", "on").lower() not in ("0", "off", "false", "no"),
            max_attempts=int(_env("QINGDAN_WEBHOOK_MAX_ATTEMPTS", "10")),
            backoff_seconds=float(_env("QINGDAN_WEBHOOK_BACKOFF_SECONDS", "10")),
            timeout_seconds=float(_env("QINGDAN_WEBHOOK_TIMEOUT_SECONDS", "10")),
            poll_seconds=float(_env("QINGDAN_WEBHOOK_POLL_SECONDS", "2")),
            allowed_networks=_networks(_env("QINGDAN_WEBHOOK_ALLOWED_NETWORKS", "")),
        )
    except ValueError as exc:
        raise SystemExit(f"webhook settings: {exc}") from exc
    if cfg.max_attempts < 1 or min(cfg.backoff_seconds, cfg.timeout_seconds, cfg.poll_seconds) <= 0:
        raise SystemExit("webhook settings: attempts must be at least 1 and every duration positive")
    return cfg


_config: WebhookConfig | None = None


def config() -> WebhookConfig:
    global _config
    if _config is None:
        _config = load_config()
    return _config


def configure(**changes: Any) -> WebhookConfig:
    """Change settings for this process (tests: loopback receivers, short backoff)."""
    global _config
    if "allowed_networks" in changes and isinstance(changes["allowed_networks"], str):
        changes["allowed_networks"] = _networks(changes["allowed_networks"])
    _config = replace(config(), **changes)
    return _config


# --- emitting -------------------------------------------------------------------------------

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


# --- signatures ------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>." + body`` under ``secret``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={sign(secret, stamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: check the ``Qingdan-Signature`` header of a request.

    True when one ``v1`` signature matches and the timestamp is within ``tolerance``
    seconds of ``now`` (which stops replays of an old, captured request).
    """
    parts = [p.partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k.strip() == "t"]
    signatures = [v.strip() for k, _, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not (stamps[0].strip().isascii() and stamps[0].strip().isdigit()) or not signatures:
        return False
    stamp = int(stamps[0])
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    expected = sign(secret, stamp, body)
    return any(hmac.compare_digest(expected, s) for s in signatures)


# --- destinations (SSRF) ------------------------------------------------------------------


def _address_problem(address: str, cfg: WebhookConfig) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in cfg.allowed_networks):
        return None
    if not ip.is_global or ip.is_multicast:
        return (
            f"{ip} is not a public address; receivers on a private network must be allowed "
            "by QINGDAN_WEBHOOK_ALLOWED_NETWORKS"
        )
    return None


def check_url(url: str, cfg: WebhookConfig | None = None) -> str:
    """Validate a receiver URL (422 naming ``url``); address literals are checked now,
    host names at every delivery (they may resolve differently later)."""
    cfg = cfg or config()
    if not 8 <= len(url) <= 2000:
        raise ValidationFailed.on("url", "must be an http(s) URL of at most 2000 characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed.on("url", f"not a URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed.on("url", "the scheme must be http or https")
    if not parts.hostname:
        raise ValidationFailed.on("url", "names no host")
    if parts.username or parts.password:
        raise ValidationFailed.on("url", "must not carry credentials; verify the signature instead")
    if parts.fragment:
        raise ValidationFailed.on("url", "must not have a #fragment")
    if port == 0:
        raise ValidationFailed.on("url", "port 0 is not a port")
    host = parts.hostname
    literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    try:
        ipaddress.ip_address(literal)
    except ValueError:
        return url
    problem = _address_problem(literal, cfg)
    if problem:
        raise ValidationFailed.on("url", problem)
    return url


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to an address the rules allow, checking the very address it connects
    to. A check before the request alone would let a DNS server answer a public address to
    the check and a private one to the connection a moment later (DNS rebinding)."""

    def __init__(self, cfg: WebhookConfig) -> None:
        self._cfg = cfg
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            problem = _address_problem(address, self._cfg)
            if problem:
                raise httpcore.ConnectError(problem)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:  # TLS still names ``host``: httpcore passes it apart
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("webhook receivers are reached over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, cfg: WebhookConfig) -> None:
        super().__init__(trust_env=False)
        # httpx offers no way to pass a network backend to the pool it builds; the pool is
        # the transport's only state, so replace it with the same pool using ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=cfg.concurrency,
            keepalive_expiry=5.0,
            network_backend=_CheckedBackend(cfg),
        )


# --- subscriptions ----------------------------------------------------------------------------

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
            raise ValidationFailed.on(
                f"event_types[{i}]", "an event type (township_list.submitted) or a prefix with .* (catalog.*)"
            )
    return sorted(set(types))


_SUBSCRIPTION = (
    "SELECT s.id, s.url, s.event_types, s.description, s.active, s.version, s.created_at, s.updated_at,"
    " (SELECT count(*) FILTER (WHERE d.state = 'pending') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = s.tenant_id AND d.subscription_id = s.id) AS pending,"
    " (SELECT count(*) FILTER (WHERE d.state = 'delivered') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = s.tenant_id AND d.subscription_id = s.id) AS delivered,"
    " (SELECT count(*) FILTER (WHERE d.state = 'failed') FROM webhook_deliveries d"
    "   WHERE d.tenant_id = s.tenant_id AND d.subscription_id = s.id) AS failed"
    " FROM webhook_subscriptions s"
)


def _subscription(row: Any) -> SubscriptionView:
    return SubscriptionView(
        id=row["id"],
        url=row["url"],
        event_types=list(row["event_types"]),
        description=row["description"],
        active=row["active"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deliveries=DeliveryCounts(row["pending"], row["delivered"], row["failed"]),
    )


def _audit_view(view: SubscriptionView) -> dict[str, Any]:
    return {"url": view.url, "event_types": view.event_types, "active": view.active}


async def _get(conn: Any, access: Access, subscription_id: uuid.UUID, *, lock: bool = False) -> SubscriptionView:
    row = await conn.fetchrow(
        f"{_SUBSCRIPTION} WHERE s.tenant_id = $1 AND s.id = $2{' FOR UPDATE OF s' if lock else ''}",
        access.tenant.id,
        subscription_id,
    )
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return _subscription(row)


async def create_subscription(access: Access, data: SubscriptionCreate) -> IssuedSubscription:
    require_admin(access, "manage webhook subscriptions")
    url = check_url(data.url)
    types = _check_types(data.event_types)
    secret = "whsec_" + secrets.token_urlsafe(32)
    async with tenant_transaction(access.tenant.id) as conn:
        new_id = await conn.fetchval(
            "INSERT INTO webhook_subscriptions (tenant_id, url, secret, event_types, description, active)"
            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            access.tenant.id,
            url,
            secret,
            types,
            data.description,
            data.active,
        )
        view = await _get(conn, access, new_id)
        await audit.record(access, "webhook_subscription", str(new_id), "create", None, _audit_view(view))
    return IssuedSubscription(subscription=view, secret=secret)


async def list_subscriptions(access: Access) -> list[SubscriptionView]:
    require_admin(access, "read webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(f"{_SUBSCRIPTION} WHERE s.tenant_id = $1 ORDER BY s.created_at, s.id", access.tenant.id)
    return [_subscription(r) for r in rows]


async def get_subscription(access: Access, subscription_id: uuid.UUID) -> SubscriptionView:
    require_admin(access, "read webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        return await _get(conn, access, subscription_id)


async def update_subscription(
    access: Access, subscription_id: uuid.UUID, data: SubscriptionUpdate, if_match: int | None
) -> SubscriptionView:
    require_admin(access, "manage webhook subscriptions")
    url = None if data.url is msgspec.UNSET else check_url(data.url)
    types = None if data.event_types is msgspec.UNSET else _check_types(data.event_types)
    async with tenant_transaction(access.tenant.id) as conn:
        before = await _get(conn, access, subscription_id, lock=True)
        check_version(before.version, if_match, data.version)
        await conn.execute(
            "UPDATE webhook_subscriptions SET url = coalesce($3, url), event_types = coalesce($4, event_types),"
            " description = coalesce($5, description), active = coalesce($6, active),"
            " version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2",
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
        await conn.execute(
            "UPDATE webhook_subscriptions SET secret = $3, version = version + 1, updated_at = now()"
            " WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            subscription_id,
            secret,
        )
        view = await _get(conn, access, subscription_id)
        await audit.record(access, "webhook_subscription", str(subscription_id), "rotate_secret")
    return IssuedSubscription(subscription=view, secret=secret)


async def delete_subscription(access: Access, subscription_id: uuid.UUID, if_match: int | None) -> None:
    """Remove a subscription and its delivery records (the events stay in the feed)."""
    require_admin(access, "manage webhook subscriptions")
    async with tenant_transaction(access.tenant.id) as conn:
        before = await _get(conn, access, subscription_id, lock=True)
        check_version(before.version, if_match, None, required=False)
        await conn.execute(
            "DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2", access.tenant.id, subscription_id
        )
        await audit.record(access, "webhook_subscription", str(subscription_id), "delete", _audit_view(before))


# --- deliveries: reading and redelivering ---------------------------------------------------

_DELIVERY = (
    "SELECT d.subscription_id, d.event_id, e.type AS event_type, e.subject, d.state, d.attempts,"
    " CASE WHEN d.state = 'pending' THEN d.next_attempt_at END AS next_attempt_at, d.last_attempt_at,"
    " d.last_status, d.last_error, d.last_duration_ms, d.delivered_at, d.created_at"
    " FROM webhook_deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id"
)


def _delivery(row: Any) -> DeliveryView:
    return DeliveryView(**dict(row))


def _check_state(state: str | None) -> None:
    if state is not None and state not in STATES:
        raise ValidationFailed.on("state", f"one of {', '.join(STATES)}")


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
        rows = await conn.fetch(
            f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.subscription_id = $2"
            " AND ($3::text IS NULL OR d.state = $3) AND ($4::bigint IS NULL OR d.event_id < $4)"
            " ORDER BY d.event_id DESC LIMIT $5",
            access.tenant.id,
            subscription_id,
            state,
            before,
            limit + 1,
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
        status = await conn.execute(
            "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = now(),"
            " delivered_at = NULL WHERE tenant_id = $1 AND subscription_id = $2"
            " AND (CASE WHEN $3::bigint IS NULL THEN state = 'failed' ELSE event_id = $3 END)",
            access.tenant.id,
            subscription_id,
            event_id,
        )
        count = int(status.split()[-1])
        if event_id is not None and count == 0:
            raise NotFound(f"event {event_id} was not sent to subscription {subscription_id}")
        if count:
            await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
            await audit.record(
                access, "webhook_subscription", str(subscription_id), "redeliver", None, {"event_id": event_id}
            )
    return count


# --- the feed -----------------------------------------------------------------------------


def _require_feed_reader(access: Access) -> None:
    if access.role not in (Role.ADMIN, Role.PLATFORM, Role.READER):
        raise PermissionDenied(f"a {access.role.value} key may not read the event feed")


def _event(row: Any, deliveries: list[DeliveryView] | None = None) -> EventView:
    return EventView(
        id=row["id"],
        type=row["type"],
        subject=row["subject"],
        occurred_at=row["occurred_at"],
        data=msgspec.json.decode(row["data"]) if isinstance(row["data"], str) else row["data"],
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
        raise ValidationFailed.on("type", "an event type (township_list.submitted) or a prefix with .* (catalog.*)")
    prefix = event_type[:-2] + "." if event_type and event_type.endswith(".*") else None
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            "SELECT id, type, subject, occurred_at, data FROM events WHERE tenant_id = $1 AND id > $2"
            " AND xid < pg_snapshot_xmin(pg_current_snapshot())"
            " AND ($3::text IS NULL OR type = $3) AND ($4::text IS NULL OR starts_with(type, $4))"
            " ORDER BY id LIMIT $5",
            access.tenant.id,
            after or 0,
            None if prefix else event_type,
            prefix,
            limit,
        )
    items = [_event(r) for r in rows]
    last = items[-1].id if items else (after or 0)
    return EventFeed(items=items, next_cursor=encode_cursor(last))


async def deliveries_of(access: Access, event_ids: list[int]) -> dict[int, list[DeliveryView]]:
    """Deliveries of many events in one query (for DataLoaders); none for non-admins."""
    if not access.is_admin:
        return {}
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.event_id = ANY($2::bigint[])"
            " ORDER BY d.event_id, d.subscription_id",
            access.tenant.id,
            event_ids,
        )
    found: dict[int, list[DeliveryView]] = {}
    for r in rows:
        found.setdefault(r["event_id"], []).append(_delivery(r))
    return found


async def get_event(access: Access, event_id: int) -> EventView:
    """One event with its delivery to every subscription (admins see the deliveries)."""
    _require_feed_reader(access)
    stored_number(event_id, "event", big=True)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await conn.fetchrow(
            "SELECT id, type, subject, occurred_at, data FROM events WHERE tenant_id = $1 AND id = $2",
            access.tenant.id,
            event_id,
        )
        if row is None:
            raise NotFound(f"no event {event_id}")
        deliveries = []
        if access.is_admin:
            found = await conn.fetch(
                f"{_DELIVERY} WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.subscription_id",
                access.tenant.id,
                event_id,
            )
            deliveries = [_delivery(r) for r in found]
    return _event(row, deliveries)


# --- the delivery worker ------------------------------------------------------------------

_CLAIM = """
WITH clock AS (SELECT coalesce($1::timestamptz, statement_timestamp()) AS at),
candidates AS (
  SELECT d.tenant_id, d.subscription_id, d.event_id,
         row_number() OVER (PARTITION BY d.tenant_id, d.subscription_id ORDER BY d.next_attempt_at, d.event_id) AS n
  FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
  WHERE d.state = 'pending' AND d.next_attempt_at <= (SELECT at FROM clock) AND s.active
),
due AS (
  SELECT d.tenant_id, d.subscription_id, d.event_id
  FROM webhook_deliveries d JOIN candidates c
    ON (c.tenant_id, c.subscription_id, c.event_id) = (d.tenant_id, d.subscription_id, d.event_id)
  WHERE c.n <= $4 AND d.state = 'pending' AND d.next_attempt_at <= (SELECT at FROM clock)
  ORDER BY d.next_attempt_at, d.event_id
  LIMIT $2
  FOR UPDATE OF d SKIP LOCKED
)
UPDATE webhook_deliveries w
SET attempts = w.attempts + 1, last_attempt_at = c.at, next_attempt_at = c.at + make_interval(secs => $3)
FROM clock c, due, webhook_subscriptions s, events e, tenants t
WHERE (w.tenant_id, w.subscription_id, w.event_id) = (due.tenant_id, due.subscription_id, due.event_id)
  AND s.tenant_id = w.tenant_id AND s.id = w.subscription_id
  AND e.tenant_id = w.tenant_id AND e.id = w.event_id AND t.id = w.tenant_id
RETURNING w.tenant_id, w.subscription_id, w.event_id, w.attempts, s.url, s.secret,
          e.type, e.subject, e.data::text AS data, e.occurred_at, t.slug, c.at AS claimed_at
"""

# A receiver that failed every delivery of a round is not tried again for its other due
# deliveries until the earliest retry: one probe per backoff step instead of a timeout per
# pending event, so a down receiver cannot hold up everybody else's deliveries.
_HOLD = """
UPDATE webhook_deliveries w
SET next_attempt_at = h.until, last_error = 'not attempted: another delivery to this receiver failed: ' || h.reason
FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[]) AS h(tenant_id, subscription_id, until, reason)
WHERE w.tenant_id = h.tenant_id AND w.subscription_id = h.subscription_id AND w.state = 'pending'
  AND w.next_attempt_at < h.until AND w.last_attempt_at IS DISTINCT FROM $5
"""

_RECORD = """
UPDATE webhook_deliveries w
SET state = r.state, last_status = r.status, last_error = r.error, last_duration_ms = r.duration_ms,
    delivered_at = CASE WHEN r.state = 'delivered' THEN r.finished END,
    next_attempt_at = r.next_attempt_at
FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::int[], $6::text[], $7::int[],
            $8::timestamptz[], $9::timestamptz[], $10::int[])
     AS r(tenant_id, subscription_id, event_id, state, status, error, duration_ms, finished, next_attempt_at, attempts)
WHERE (w.tenant_id, w.subscription_id, w.event_id) = (r.tenant_id, r.subscription_id, r.event_id)
  AND w.attempts = r.attempts AND w.state = 'pending'
"""


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` round did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    durations_ms: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    row: Any
    state: str
    status: int | None
    error: str | None
    duration_ms: int
    finished: datetime
    next_attempt_at: datetime


def payload(row: Any) -> bytes:
    """The body POSTed for one event (also what the signature covers)."""
    return msgspec.json.encode(
        {
            "id": row["event_id"],
            "type": row["type"],
            "tenant": row["slug"],
            "subject": row["subject"],
            "occurred_at": row["occurred_at"],
            "data": msgspec.Raw(row["data"].encode()),
        }
    )


def backoff(attempts: int, cfg: WebhookConfig) -> float:
    """Seconds to wait after the ``attempts``-th failure: base × 2^(n-1), capped, ±20 %."""
    delay = min(cfg.backoff_seconds * 2 ** (attempts - 1), cfg.backoff_max_seconds)
    return delay * random.uniform(0.8, 1.2)


async def _start_of(response: httpx.Response, limit: int = 300) -> str:
    """The first ``limit`` bytes of an error answer (a receiver may send megabytes)."""
    chunk = b""
    async for part in response.aiter_bytes():
        chunk += part
        if len(chunk) >= limit:
            break
    return chunk[:limit].decode("utf-8", errors="replace")


async def _attempt(client: httpx.AsyncClient, row: Any, cfg: WebhookConfig) -> _Outcome:
    """One POST. The client's network backend refuses destinations the rules forbid
    (:class:`_CheckedBackend`): the reason ends up in ``last_error`` like any failure."""
    now = row["claimed_at"]
    started = time.perf_counter()
    status: int | None = None
    error: str | None = None
    body = payload(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Qingdan-Webhooks/1",
        SIGNATURE_HEADER: signature_header(row["secret"], body),
        "Qingdan-Event-Id": str(row["event_id"]),
        "Qingdan-Event-Type": row["type"],
        "Qingdan-Delivery-Attempt": str(row["attempts"]),
    }
    try:
        async with client.stream("POST", row["url"], content=body, headers=headers) as response:
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}: {await _start_of(response)}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
    duration = int((time.perf_counter() - started) * 1000)
    finished = now + timedelta(milliseconds=duration)
    if error is None:
        return _Outcome(row, "delivered", status, None, duration, finished, finished)
    if row["attempts"] >= cfg.max_attempts:
        return _Outcome(row, "failed", status, error, duration, finished, finished)
    retry_at = finished + timedelta(seconds=backoff(row["attempts"], cfg))
    return _Outcome(row, "pending", status, error, duration, finished, retry_at)


async def _claim(now: datetime | None, limit: int, cfg: WebhookConfig) -> list[Any]:
    async with platform_transaction() as conn:
        return await conn.fetch(_CLAIM, now, limit, cfg.lease_seconds, cfg.per_subscription)


async def _record(outcomes: list[_Outcome]) -> None:
    columns: list[list[Any]] = [[] for _ in range(10)]
    for o in outcomes:
        values = (
            o.row["tenant_id"],
            o.row["subscription_id"],
            o.row["event_id"],
            o.state,
            o.status,
            o.error,
            o.duration_ms,
            o.finished,
            o.next_attempt_at,
            o.row["attempts"],
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    held: dict[tuple[Any, Any], _Outcome] = {}
    succeeded = {(o.row["tenant_id"], o.row["subscription_id"]) for o in outcomes if o.state == "delivered"}
    for o in outcomes:
        key = (o.row["tenant_id"], o.row["subscription_id"])
        if o.state == "pending" and key not in succeeded:
            if key not in held or o.next_attempt_at < held[key].next_attempt_at:
                held[key] = o
    async with platform_transaction() as conn:
        await conn.execute(_RECORD, *columns)
        if held:
            await conn.execute(
                _HOLD,
                [k[0] for k in held],
                [k[1] for k in held],
                [o.next_attempt_at for o in held.values()],
                [(o.error or "")[:300] for o in held.values()],
                outcomes[0].row["claimed_at"],
            )


async def deliver_due(
    *, now: datetime | None = None, limit: int | None = None, client: httpx.AsyncClient | None = None
) -> DeliveryReport:
    """Claim the deliveries due at ``now`` (default: the database's clock), send them
    concurrently and record each outcome. Safe to run in several workers at once.

    Tests call this directly (``now`` in the future stands for "the backoff has passed").
    """
    cfg = config()
    rows = await _claim(now, limit or cfg.batch, cfg)
    report = DeliveryReport(claimed=len(rows))
    if not rows:
        return report
    own = client is None
    http = client or webhook_client(cfg)
    gate = asyncio.Semaphore(cfg.concurrency)

    async def one(row: Any) -> _Outcome:
        async with gate:
            return await _attempt(http, row, cfg)

    try:
        outcomes = await asyncio.gather(*(one(r) for r in rows))
    finally:
        if own:
            await http.aclose()
    await _record(list(outcomes))
    for o in outcomes:
        report.durations_ms.append(o.duration_ms)
        if o.state == "delivered":
            report.delivered += 1
        elif o.state == "failed":
            report.failed += 1
        else:
            report.retrying += 1
    return report


def webhook_client(cfg: WebhookConfig) -> httpx.AsyncClient:
    """The delivery client: no redirects, no proxies from the environment, destinations
    checked at connect time. A ``client`` given to :func:`deliver_due` must be one."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(cfg.timeout_seconds, connect=min(cfg.timeout_seconds, 5.0)),
        follow_redirects=False,
        transport=_CheckedTransport(cfg),
        trust_env=False,
    )


class DeliveryWorker:
    """The loop the app runs in its process: deliver what is due, then wait for a
    ``NOTIFY`` from a committed event (or ``poll_seconds``, whichever comes first)."""

    def __init__(self, cfg: WebhookConfig | None = None) -> None:
        self.cfg = cfg or config()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._listener: asyncpg.Connection | None = None

    async def start(self) -> None:
        await self._listen()
        self._task = asyncio.create_task(self._run(), name="qingdan-webhooks")

    async def _listen(self, *, quiet: bool = False) -> None:
        if not (DB.config or {}).get("dsn"):
            return
        try:
            self._listener = await open_connection()
            await self._listener.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
        except (OSError, asyncpg.PostgresError, QingdanError) as exc:  # polling still works
            if not quiet:
                log.warning("webhook worker cannot LISTEN (%s); polling every %ss", exc, self.cfg.poll_seconds)
            self._listener = None

    async def _run(self) -> None:
        client = webhook_client(self.cfg)
        # While the database is away: one warning, quiet retries with backoff, one line when back.
        outage = Outage(log, "webhook delivery", first=self.cfg.poll_seconds)
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    report = await deliver_due(client=client)
                except Exception as exc:  # the loop must survive a database restart
                    delay = outage.failed(exc)
                    await self._pause(delay)
                    continue
                if outage.succeeded() and (self._listener is None or self._listener.is_closed()):
                    await self._listen(quiet=True)  # the old LISTEN connection died with the server
                if report.claimed:  # maybe more are due (the per-subscription cap); ask again at once
                    continue
                waits = [asyncio.ensure_future(self._stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waits, timeout=self.cfg.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            await client.aclose()

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        if self._listener is not None:
            self._listener.terminate()  # close() would wait for a goodbye a frozen server never sends
