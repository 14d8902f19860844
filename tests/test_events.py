"""Events and webhooks against a real HTTP receiver on loopback: signed deliveries, a
receiver that is down (retried, never lost, state visible), redelivery, the feed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest

from core.events import service as events
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.security.tenancy import find_tenant
from tests.conftest import TenantFixture, issue_key


class Receiver:
    """A webhook receiver on 127.0.0.1 that verifies signatures the way README shows."""

    def __init__(self, port: int = 0, status: int = 200) -> None:
        self.received: list[dict[str, Any]] = []
        self.secret = ""
        self.status = status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {
                        "body": json.loads(body),
                        "headers": dict(self.headers),
                        "valid": receiver.verify(self.headers.get("Qingdan-Signature", ""), body),
                    }
                )
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok" if receiver.status < 300 else b"receiver broken")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def verify(self, header: str, body: bytes, tolerance: int = 300) -> bool:
        # The receiver side, written from the README rather than with core.events.service.
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp, signature = fields["t"], fields["v1"]
        if abs(time.time() - int(timestamp)) > tolerance:
            return False
        expected = hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/qingdan"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture(autouse=True)
async def loopback_allowed(database_url: str) -> AsyncIterator[None]:
    before = events.config()
    events.configure(allowed_networks="127.0.0.0/8", max_attempts=3, timeout_seconds=2.0)
    await _drain()
    yield
    events.configure(**{k: getattr(before, k) for k in ("allowed_networks", "max_attempts", "timeout_seconds")})


async def _drain() -> None:
    """Settle deliveries earlier tests left pending (their receivers are gone: each fails
    within max_attempts rounds), so that counts below are this test's own."""
    for round in range(1, 10):
        later = datetime.now(UTC) + timedelta(days=400 * round)
        if (await events.deliver_due(now=later, limit=500)).claimed == 0:
            return


async def _subscribe(
    client: httpx.AsyncClient, t: TenantFixture, receiver: Receiver, types: list[str] | None = None, url: str = ""
) -> str:
    body: dict[str, Any] = {"url": url or receiver.url, "description": "考核系统"}
    if types is not None:
        body["event_types"] = types
    created = await client.post(f"{t.base}/webhooks", json=body, headers=t.auth())
    assert created.status_code == 201, created.text
    receiver.secret = created.json()["secret"]
    assert receiver.secret.startswith("whsec_")
    return created.json()["subscription"]["id"]


async def _emit(t: TenantFixture, event_type: str = "township_list.submitted", n: int = 1) -> None:
    tenant = await find_tenant(t.slug)
    assert tenant is not None
    async with tenant_transaction(tenant.id) as conn:
        for i in range(n):
            await events.emit(
                conn, tenant.id, event_type, f"townships/510115001000/list#{i}", {"n": i, "名称": "柳城街道"}
            )


async def test_signed_delivery_to_a_real_receiver(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    sub = await _subscribe(client, tenant, receiver)
    await _emit(tenant)
    report = await events.deliver_due()
    assert report.delivered == 1, report
    [got] = receiver.received
    assert got["valid"]
    assert got["body"]["type"] == "township_list.submitted"
    assert got["body"]["tenant"] == tenant.slug
    assert got["body"]["data"] == {"n": 0, "名称": "柳城街道"}
    assert got["headers"]["Qingdan-Event-Id"] == str(got["body"]["id"])

    deliveries = await client.get(f"{tenant.base}/webhooks/{sub}/deliveries", headers=tenant.auth())
    [d] = deliveries.json()["items"]
    assert d["state"] == "delivered" and d["attempts"] == 1 and d["last_status"] == 200
    assert d["next_attempt_at"] is None and d["delivered_at"]
    # Nothing more is due.
    assert (await events.deliver_due()).claimed == 0
    assert len(receiver.received) == 1


async def test_rolled_back_change_emits_nothing(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    tenant_row = await find_tenant(tenant.slug)
    assert tenant_row is not None
    with pytest.raises(RuntimeError):
        async with tenant_transaction(tenant_row.id) as conn:
            await events.emit(conn, tenant_row.id, "catalog.published", "catalog/versions/1", {})
            raise RuntimeError("the change fails")
    feed = await client.get(f"{tenant.base}/events", headers=tenant.auth())
    assert feed.json()["items"] == []


async def test_receiver_down_is_retried_then_delivered(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    receiver = Receiver()
    port = receiver.port
    receiver.stop()  # nothing listens on the port now
    sub = await _subscribe(client, tenant, receiver)
    await _emit(tenant, n=2)

    first = await events.deliver_due()
    assert first.claimed == 2 and first.retrying == 2
    page = (await client.get(f"{tenant.base}/webhooks/{sub}/deliveries", headers=tenant.auth())).json()
    for d in page["items"]:
        assert d["state"] == "pending" and d["attempts"] == 1
        assert "Connect" in d["last_error"] and d["last_status"] is None
        assert d["next_attempt_at"] > d["last_attempt_at"]
    # Not due yet: backoff.
    assert (await events.deliver_due()).claimed == 0
    listed = (await client.get(f"{tenant.base}/webhooks/{sub}", headers=tenant.auth())).json()
    assert listed["deliveries"] == {"pending": 2, "delivered": 0, "failed": 0}

    up = Receiver(port=port)
    up.secret = receiver.secret
    try:
        later = await events.deliver_due(now=datetime.now(UTC) + timedelta(minutes=5))
        assert later.delivered == 2
        assert sorted(r["body"]["data"]["n"] for r in up.received) == [0, 1]
        assert all(r["valid"] for r in up.received)
        assert all(r["headers"]["Qingdan-Delivery-Attempt"] == "2" for r in up.received)
    finally:
        up.stop()
    states = await client.get(
        f"{tenant.base}/webhooks/{sub}/deliveries", params={"state": "delivered"}, headers=tenant.auth()
    )
    assert len(states.json()["items"]) == 2


async def test_failures_are_visible_and_redeliverable(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    receiver.status = 503
    sub = await _subscribe(client, tenant, receiver)
    await _emit(tenant, "catalog.published")
    moment = datetime.now(UTC)
    for attempt in range(1, 4):
        report = await events.deliver_due(now=moment + timedelta(hours=attempt))
        assert report.claimed == 1
    assert report.failed == 1  # max_attempts = 3
    assert len(receiver.received) == 3
    failed = await client.get(
        f"{tenant.base}/webhooks/{sub}/deliveries", params={"state": "failed"}, headers=tenant.auth()
    )
    [d] = failed.json()["items"]
    assert d["attempts"] == 3 and d["last_status"] == 503 and d["last_error"] == "HTTP 503: receiver broken"
    assert d["next_attempt_at"] is None
    # The event shows its delivery state per subscription.
    event = await client.get(f"{tenant.base}/events/{d['event_id']}", headers=tenant.auth())
    assert event.status_code == 200
    assert [(x["subscription_id"], x["state"]) for x in event.json()["deliveries"]] == [(sub, "failed")]
    assert (await events.deliver_due(now=moment + timedelta(days=30))).claimed == 0

    receiver.status = 204
    again = await client.post(
        f"{tenant.base}/webhooks/{sub}/deliveries/{d['event_id']}/redeliver", headers=tenant.auth()
    )
    assert again.status_code == 202 and again.json() == {"queued": 1}
    assert (await events.deliver_due()).delivered == 1
    [d] = (await client.get(f"{tenant.base}/webhooks/{sub}/deliveries", headers=tenant.auth())).json()["items"]
    assert d["state"] == "delivered" and d["attempts"] == 1 and d["last_status"] == 204

    # Bulk: every failed delivery of the subscription.
    receiver.status = 500
    await _emit(tenant, "catalog.published", n=2)
    for attempt in range(1, 4):
        await events.deliver_due(now=moment + timedelta(hours=attempt))
    receiver.status = 200
    bulk = await client.post(f"{tenant.base}/webhooks/{sub}/redeliver-failed", headers=tenant.auth())
    assert bulk.json() == {"queued": 2}
    assert (await events.deliver_due()).delivered == 2


async def test_event_type_filters_and_pausing(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    sub = await _subscribe(client, tenant, receiver, ["catalog.*", "township_list.published"])
    await _emit(tenant, "township_list.submitted")
    await _emit(tenant, "township_list.published")
    await _emit(tenant, "catalog.published")
    assert (await events.deliver_due()).delivered == 2
    assert sorted(r["body"]["type"] for r in receiver.received) == ["catalog.published", "township_list.published"]

    paused = await client.patch(
        f"{tenant.base}/webhooks/{sub}", json={"active": False}, headers={**tenant.auth(), "If-Match": '"1"'}
    )
    assert paused.status_code == 200 and paused.json()["active"] is False
    await _emit(tenant, "catalog.published")
    assert (await events.deliver_due()).claimed == 0  # held, not lost
    resumed = await client.patch(
        f"{tenant.base}/webhooks/{sub}", json={"active": True, "version": 2}, headers=tenant.auth()
    )
    assert resumed.status_code == 200
    assert (await events.deliver_due()).delivered == 1
    stale = await client.patch(
        f"{tenant.base}/webhooks/{sub}", json={"active": False, "version": 1}, headers=tenant.auth()
    )
    assert stale.status_code == 412


async def test_secret_rotation(client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver) -> None:
    sub = await _subscribe(client, tenant, receiver)
    old = receiver.secret
    rotated = await client.post(f"{tenant.base}/webhooks/{sub}/secret", headers=tenant.auth())
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != old
    receiver.secret = rotated.json()["secret"]
    await _emit(tenant)
    await events.deliver_due()
    assert receiver.received[0]["valid"]
    listed = await client.get(f"{tenant.base}/webhooks", headers=tenant.auth())
    assert "secret" not in listed.text


async def test_feed_with_cursor(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await _emit(tenant, "township_list.submitted", n=3)
    await _emit(tenant, "catalog.published")
    first = await client.get(f"{tenant.base}/events", params={"limit": 2}, headers=tenant.auth(tenant.reader))
    assert first.status_code == 200
    body = first.json()
    assert [e["subject"] for e in body["items"]] == ["townships/510115001000/list#0", "townships/510115001000/list#1"]
    rest = await client.get(
        f"{tenant.base}/events", params={"cursor": body["next_cursor"]}, headers=tenant.auth(tenant.reader)
    )
    assert [e["type"] for e in rest.json()["items"]] == ["township_list.submitted", "catalog.published"]
    end = await client.get(
        f"{tenant.base}/events", params={"cursor": rest.json()["next_cursor"]}, headers=tenant.auth(tenant.reader)
    )
    assert end.json()["items"] == [] and end.json()["next_cursor"] == rest.json()["next_cursor"]
    typed = await client.get(f"{tenant.base}/events", params={"type": "catalog.*"}, headers=tenant.auth())
    assert [e["type"] for e in typed.json()["items"]] == ["catalog.published"]
    # A reader sees the event but not the deliveries.
    one = await client.get(f"{tenant.base}/events/{typed.json()['items'][0]['id']}", headers=tenant.auth(tenant.reader))
    assert one.status_code == 200 and one.json()["deliveries"] == []


async def test_feed_hides_events_of_open_older_transactions(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """An event committed late with a smaller id must not be skipped by a cursor."""
    tenant_row = await find_tenant(tenant.slug)
    assert tenant_row is not None
    from core.platform.db import DB

    slow = await DB.pool.acquire()  # type: ignore[union-attr]
    try:
        tx = slow.transaction()
        await tx.start()
        await slow.execute(f"SET LOCAL ROLE qingdan_app; SET LOCAL qingdan.tenant_id = '{tenant_row.id}'")
        await events.emit(slow, tenant_row.id, "township_list.filed", "late", {})
        await _emit(tenant, "township_list.published")  # a later id, committed first
        feed = (await client.get(f"{tenant.base}/events", headers=tenant.auth())).json()
        assert feed["items"] == []  # held back while the older transaction is open
        await tx.commit()
    finally:
        await DB.pool.release(slow)  # type: ignore[union-attr]
    feed = (await client.get(f"{tenant.base}/events", headers=tenant.auth())).json()
    assert [e["subject"] for e in feed["items"]] == ["late", "townships/510115001000/list#0"]


async def test_isolation_roles_and_bad_input(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture, receiver: Receiver
) -> None:
    sub = await _subscribe(client, tenant, receiver)
    await _emit(tenant)
    event_id = (await client.get(f"{tenant.base}/events", headers=tenant.auth())).json()["items"][0]["id"]
    base = f"{tenant.base}/webhooks/{sub}"
    # Another tenant's admin, through its own tenant path and through ours: 404 everywhere.
    for path in (base, f"{other.base}/webhooks/{sub}"):
        assert (await client.get(path, headers=other.auth())).status_code == 404
        assert (await client.patch(path, json={"active": False, "version": 1}, headers=other.auth())).status_code == 404
        assert (await client.delete(path, headers=other.auth())).status_code == 404
        assert (await client.post(f"{path}/secret", headers=other.auth())).status_code == 404
        assert (await client.get(f"{path}/deliveries", headers=other.auth())).status_code == 404
        assert (await client.post(f"{path}/redeliver-failed", headers=other.auth())).status_code == 404
        assert (await client.post(f"{path}/deliveries/{event_id}/redeliver", headers=other.auth())).status_code == 404
    assert (await client.get(f"{other.base}/events/{event_id}", headers=other.auth())).status_code == 404
    assert (await client.get(f"{other.base}/events", headers=other.auth())).json()["items"] == []
    assert (await client.get(f"{tenant.base}/events", headers=other.auth())).status_code == 404
    assert (await client.get(f"{other.base}/webhooks", headers=other.auth())).json() == []
    # Township and department keys may not read the feed.
    street = {"code": "510115001000", "name": "柳城街道", "kind": "street", "parent_code": "510115"}
    assert (await client.post(f"{tenant.base}/jurisdictions", json=street, headers=tenant.auth())).status_code == 201
    township = await issue_key(tenant, client, "township", "510115001000")
    assert (await client.get(f"{tenant.base}/events", headers=tenant.auth(township))).status_code == 403
    assert (await client.get(f"{tenant.base}/events/{event_id}", headers=tenant.auth(township))).status_code == 403
    assert (await client.get(f"{tenant.base}/webhooks", headers=tenant.auth(township))).status_code == 403
    # Readers may read the feed, not manage subscriptions.
    reader = tenant.auth(tenant.reader)
    assert (await client.get(f"{tenant.base}/webhooks", headers=reader)).status_code == 403
    assert (await client.post(f"{tenant.base}/webhooks", json={"url": receiver.url}, headers=reader)).status_code == 403
    assert (await client.get(base, headers=reader)).status_code == 403
    assert (await client.patch(base, json={"active": False, "version": 1}, headers=reader)).status_code == 403
    assert (await client.delete(base, headers=reader)).status_code == 403
    assert (await client.get(f"{base}/deliveries", headers=reader)).status_code == 403
    assert (await client.post(f"{base}/deliveries/{event_id}/redeliver", headers=reader)).status_code == 403
    # Bad input: a clear 4xx naming the field, nothing written.
    bad = [
        ({"url": "ftp://example.com/hook"}, 422, "url"),
        ({"url": "file:///etc/passwd"}, 422, "url"),
        ({"url": "not a url"}, 422, "url"),
        ({"url": "http://user:pw@example.com/hook"}, 422, "url"),
        ({"url": "http://10.1.2.3/hook"}, 422, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, 422, "url"),
        ({"url": "http://[::1]:8080/hook"}, 422, "url"),
        ({"url": "https://example.com/hook", "event_types": ["Not A Type"]}, 422, "event_types[0]"),
        ({"url": "https://example.com/hook", "secret": "mine"}, 400, None),
        ({"event_types": []}, 400, None),
    ]
    events.configure(allowed_networks="127.0.0.1/32")
    for body, status, field in bad:
        response = await client.post(f"{tenant.base}/webhooks", json=body, headers=tenant.auth())
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["errors"][0]["field"] == field
    assert len((await client.get(f"{tenant.base}/webhooks", headers=tenant.auth())).json()) == 1
    assert (await client.get(f"{base}/deliveries", params={"state": "lost"}, headers=tenant.auth())).status_code == 422
    missing = f"{tenant.base}/webhooks/{uuid.uuid4()}"
    assert (await client.get(missing, headers=tenant.auth())).status_code == 404
    assert (await client.post(f"{base}/deliveries/999999999/redeliver", headers=tenant.auth())).status_code == 404
    assert (await client.get(f"{tenant.base}/events/999999999", headers=tenant.auth())).status_code == 404
    assert (
        await client.get(f"{tenant.base}/events", params={"cursor": "%%%"}, headers=tenant.auth())
    ).status_code == 400
    assert (await client.get(f"{tenant.base}/events", params={"type": "*"}, headers=tenant.auth())).status_code == 422
    # Deleting removes the subscription and its deliveries; the event stays in the feed.
    assert (await client.delete(base, headers=tenant.auth())).status_code == 204
    assert (await client.get(f"{tenant.base}/events/{event_id}", headers=tenant.auth())).status_code == 200


async def test_private_host_names_are_refused_at_delivery(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    """Host names are checked when they are resolved, at every delivery."""
    sub = await _subscribe(client, tenant, receiver, url=f"http://localhost:{receiver.port}/hook")
    events.configure(allowed_networks="")  # loopback no longer allowed
    await _emit(tenant)
    assert (await events.deliver_due()).retrying == 1
    [d] = (await client.get(f"{tenant.base}/webhooks/{sub}/deliveries", headers=tenant.auth())).json()["items"]
    assert "not a public address" in d["last_error"]
    assert receiver.received == []
    unresolvable = await _subscribe(client, tenant, receiver, url="http://nowhere.qingdan.invalid/hook")
    await _emit(tenant)
    await events.deliver_due()
    [d] = (await client.get(f"{tenant.base}/webhooks/{unresolvable}/deliveries", headers=tenant.auth())).json()["items"]
    assert "cannot resolve" in d["last_error"]


def test_signature_helpers() -> None:
    body = b'{"id":1}'
    header = events.signature_header("whsec_x", body, timestamp=1_700_000_000)
    assert events.verify("whsec_x", header, body, now=1_700_000_100)
    assert not events.verify("whsec_y", header, body, now=1_700_000_100)
    assert not events.verify("whsec_x", header, body + b" ", now=1_700_000_100)
    assert not events.verify("whsec_x", header, body, now=1_700_001_000)  # replayed too late
    assert not events.verify("whsec_x", "garbage", body)


async def test_list_and_catalog_transitions_emit_events(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    from tests.catalog_fixtures import DOMAIN, PATROL, add_items, build_county, publish

    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL)
    await _subscribe(client, tenant, receiver, ["catalog.published", "township_list.*"])
    await publish(client, tenant)
    base = f"{tenant.base}/townships/510115001000/list"
    assert (await client.post(f"{base}/submit", headers=tenant.auth())).status_code == 200
    returned = await client.post(f"{base}/return", json={"note": "请补充联系人"}, headers=tenant.auth())
    assert returned.status_code == 200, returned.text
    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=tenant.auth())).status_code == 200
    published = await client.post(f"{base}/publish", json={"effective_date": "2025-02-01"}, headers=tenant.auth())
    assert published.status_code == 200
    refused = await client.post(f"{base}/file", headers=tenant.auth())
    assert refused.status_code == 409  # a refused transition emits nothing

    feed = (await client.get(f"{tenant.base}/events", params={"limit": 500}, headers=tenant.auth())).json()["items"]
    assert [(e["type"], e["subject"]) for e in feed] == [
        ("catalog.published", "catalog/versions/1"),
        ("township_list.submitted", "townships/510115001000/list"),
        ("township_list.returned", "townships/510115001000/list"),
        ("township_list.submitted", "townships/510115001000/list"),
        ("township_list.filed", "townships/510115001000/list"),
        ("township_list.published", "townships/510115001000/list/versions/1"),
    ]
    assert feed[2]["data"]["note"] == "请补充联系人"
    data = feed[-1]["data"]
    assert (data["township_code"], data["version"], data["effective_date"]) == ("510115001000", 1, "2025-02-01")
    assert len(data["content_hash"]) == 64
    assert (await events.deliver_due()).delivered == 6
    assert [r["body"]["type"] for r in sorted(receiver.received, key=lambda r: r["body"]["id"])] == [
        e["type"] for e in feed
    ]


async def _gql(
    client: httpx.AsyncClient, fixture: TenantFixture, query: str, key: str | None = None, **variables: Any
) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=fixture.auth(key))
    assert response.status_code == 200, response.text
    return response.json()


async def test_graphql_subscriptions_deliveries_and_feed(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture, receiver: Receiver
) -> None:
    created = await _gql(
        client,
        tenant,
        """mutation($t: String!, $url: String!) { createWebhookSubscription(tenant: $t, url: $url,
             eventTypes: ["catalog.*"]) {
           ... on IssuedWebhookSubscription { secret subscription { id eventTypes active version } }
           ... on Problem { status detail } } }""",
        t=tenant.slug,
        url=receiver.url,
    )
    issued = created["data"]["createWebhookSubscription"]
    receiver.secret = issued["secret"]
    sub = issued["subscription"]["id"]
    assert issued["subscription"]["eventTypes"] == ["catalog.*"]
    bad = await _gql(
        client,
        tenant,
        """mutation($t: String!) { createWebhookSubscription(tenant: $t, url: "gopher://x.example/") {
           ... on Problem { status errors { field } } } }""",
        t=tenant.slug,
    )
    assert bad["data"]["createWebhookSubscription"] == {"status": 422, "errors": [{"field": "url"}]}
    denied = await _gql(
        client,
        tenant,
        """mutation($t: String!, $url: String!) { createWebhookSubscription(tenant: $t, url: $url) {
           ... on Problem { status } } }""",
        key=tenant.reader,
        t=tenant.slug,
        url=receiver.url,
    )
    assert denied["data"]["createWebhookSubscription"] == {"status": 403}

    receiver.status = 500
    await _emit(tenant, "catalog.published")
    await events.deliver_due()
    query = """query($t: String!) { tenant(slug: $t) {
        webhookSubscriptions { id deliveryCounts { pending delivered failed }
          deliveries { items { eventId eventType state attempts lastStatus lastError nextAttemptAt } } }
        events { items { id type subject data deliveries { state } } nextCursor } } }"""
    body = await _gql(client, tenant, query, t=tenant.slug)
    [s] = body["data"]["tenant"]["webhookSubscriptions"]
    assert s["deliveryCounts"] == {"pending": 1, "delivered": 0, "failed": 0}
    [d] = s["deliveries"]["items"]
    assert (d["state"], d["attempts"], d["lastStatus"]) == ("pending", 1, 500) and d["nextAttemptAt"]
    [e] = body["data"]["tenant"]["events"]["items"]
    assert e["id"] == d["eventId"] and e["data"]["名称"] == "柳城街道" and e["deliveries"] == [{"state": "pending"}]

    receiver.status = 200
    again = await _gql(
        client,
        tenant,
        """mutation($t: String!, $id: UUID!, $e: ID!) { redeliverWebhook(tenant: $t, id: $id, eventId: $e) {
           ... on Redelivery { queued } ... on Problem { status } } }""",
        t=tenant.slug,
        id=sub,
        e=d["eventId"],
    )
    assert again["data"]["redeliverWebhook"] == {"queued": 1}
    assert (await events.deliver_due()).delivered == 1 and receiver.received[-1]["valid"]

    paused = await _gql(
        client,
        tenant,
        """mutation($t: String!, $id: UUID!) { updateWebhookSubscription(tenant: $t, id: $id, version: 1,
             active: false) { ... on WebhookSubscription { active version } ... on Problem { status } } }""",
        t=tenant.slug,
        id=sub,
    )
    assert paused["data"]["updateWebhookSubscription"] == {"active": False, "version": 2}
    # Another tenant sees nothing and changes nothing.
    theirs = await _gql(
        client,
        other,
        """query($t: String!, $id: UUID!) { tenant(slug: $t) { webhookSubscription(id: $id) { id }
             webhookSubscriptions { id } events { items { id } } } }""",
        t=other.slug,
        id=sub,
    )
    assert theirs["data"]["tenant"] == {
        "webhookSubscription": None,
        "webhookSubscriptions": [],
        "events": {"items": []},
    }
    for slug in (tenant.slug, other.slug):
        gone = await _gql(
            client,
            other,
            """mutation($t: String!, $id: UUID!) { deleteWebhookSubscription(tenant: $t, id: $id) {
                 ... on Problem { status } } }""",
            t=slug,
            id=sub,
        )
        assert gone["data"]["deleteWebhookSubscription"] == {"status": 404}
    deleted = await _gql(
        client,
        tenant,
        """mutation($t: String!, $id: UUID!) { deleteWebhookSubscription(tenant: $t, id: $id) {
             ... on WebhookSubscriptionDeleted { id } } }""",
        t=tenant.slug,
        id=sub,
    )
    assert deleted["data"]["deleteWebhookSubscription"] == {"id": sub}


async def test_background_worker_wakes_on_commit(
    client: httpx.AsyncClient, tenant: TenantFixture, receiver: Receiver
) -> None:
    await _subscribe(client, tenant, receiver)
    # Polling once a minute: only the NOTIFY sent at COMMIT can wake it within the deadline.
    worker = events.DeliveryWorker(replace(events.config(), poll_seconds=60))
    await worker.start()
    try:
        await _emit(tenant)
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    assert len(receiver.received) == 1 and receiver.received[0]["valid"]


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QINGDAN_EVENT_WORKER", "off")
    monkeypatch.setenv("QINGDAN_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/8, 192.168.1.0/24")
    monkeypatch.setenv("QINGDAN_WEBHOOK_MAX_ATTEMPTS", "4")
    cfg = events.load_config()
    assert cfg.worker is False and cfg.max_attempts == 4
    assert events.check_url("http://10.20.30.40/hook", cfg) == "http://10.20.30.40/hook"
    with pytest.raises(ValidationFailed):
        events.check_url("http://172.16.0.1/hook", cfg)
    monkeypatch.setenv("QINGDAN_WEBHOOK_ALLOWED_NETWORKS", "not-a-network")
    with pytest.raises(SystemExit):
        events.load_config()
    monkeypatch.setenv("QINGDAN_WEBHOOK_ALLOWED_NETWORKS", "")
    monkeypatch.setenv("QINGDAN_WEBHOOK_MAX_ATTEMPTS", "0")
    with pytest.raises(SystemExit):
        events.load_config()


async def test_a_down_receiver_is_probed_not_hammered(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """While a receiver is down one probe per backoff step goes out; the rest wait, visibly."""
    receiver = Receiver()
    port = receiver.port
    receiver.stop()
    sub = await _subscribe(client, tenant, receiver)
    events.configure(per_subscription=2)
    try:
        await _emit(tenant, n=5)
        first = await events.deliver_due()
        assert first.claimed == 2 and first.retrying == 2
        page = (await client.get(f"{tenant.base}/webhooks/{sub}/deliveries", headers=tenant.auth())).json()["items"]
        tried = [d for d in page if d["attempts"] == 1]
        held = [d for d in page if d["attempts"] == 0]
        assert len(tried) == 2 and len(held) == 3
        assert all(d["last_error"].startswith("not attempted: another delivery") for d in held)
        assert min(d["next_attempt_at"] for d in held) >= min(d["next_attempt_at"] for d in tried)
        assert (await events.deliver_due(now=datetime.now(UTC) + timedelta(seconds=1))).claimed == 0

        up = Receiver(port=port)
        up.secret = receiver.secret
        try:
            later = datetime.now(UTC) + timedelta(minutes=5)
            assert (await events.deliver_due(now=later)).delivered == 2
            assert (await events.deliver_due(now=later)).delivered == 2
            assert (await events.deliver_due(now=later)).delivered == 1
            assert sorted(r["body"]["data"]["n"] for r in up.received) == [0, 1, 2, 3, 4]
        finally:
            up.stop()
    finally:
        events.configure(per_subscription=25)


async def test_the_address_connected_to_is_the_address_checked(receiver: Receiver) -> None:
    """Delivery checks each address at connect time, on the address it then connects to, so
    a DNS answer that changes between a check and the connection (rebinding) gains nothing."""
    from core.events.receivers import CheckedBackend

    allowed = events.configure(allowed_networks="127.0.0.0/8")
    stream = await CheckedBackend(allowed).connect_tcp("localhost", receiver.port, timeout=2)
    await stream.aclose()
    refused = events.configure(allowed_networks="")
    with pytest.raises(httpcore.ConnectError, match="not a public address"):
        await CheckedBackend(refused).connect_tcp("localhost", receiver.port, timeout=2)
    with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
        await CheckedBackend(refused).connect_tcp("nowhere.qingdan.invalid", 80, timeout=2)
    with pytest.raises(httpcore.ConnectError, match="TCP only"):
        await CheckedBackend(refused).connect_unix_socket("/tmp/x.sock")
