"""``Idempotency-Key`` on the creating POSTs (issue 17 item 4): a retry creates once and
replays the first answer, the same key with another body is refused (422) and writes
nothing, another tenant's identical key string is its own, a failed request stores nothing."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx
import pytest

from tests.call_fixtures import SHENGZHUANG, Taian, fire_call, taian_tenant
from tests.catalog_fixtures import PERMIT, build_county
from tests.conftest import MakeTenant, TenantFixture

KEY = {"Idempotency-Key": "create-0001"}
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


async def _twice(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], auth: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    key = {"Idempotency-Key": f"create-{url.rsplit('/', 1)[-1]}"}
    first = await client.post(url, json=body, headers={**auth, **key})
    again = await client.post(url, json=body, headers={**auth, **key})
    return first, again


def _replayed(first: httpx.Response, again: httpx.Response) -> None:
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert again.status_code == 201, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers.get("etag") == first.headers.get("etag")


async def _refused(client: httpx.AsyncClient, url: str, body: dict[str, Any], auth: dict[str, str]) -> None:
    key = {"Idempotency-Key": f"create-{url.rsplit('/', 1)[-1]}"}
    other_body = await client.post(url, json=body, headers={**auth, **key})
    assert other_body.status_code == 422, other_body.text
    assert other_body.json()["errors"][0]["field"] == "Idempotency-Key"


#: Creating POSTs (201/202) that take no Idempotency-Key, and why. A new creating POST fails
#: ``test_every_creating_post_takes_a_key`` until it takes one or is listed here.
EXEMPT = {
    "createTenant": "platform keys only, no tenant to keep the key under; the slug is unique (409)",
    "createApiKey": "a replay would have to store the key's secret in clear; keys are stored hashed",
    "requestHandbook": "starts a background task inside the request; the job is found by township and version",
    "requestListPublication": "starts a background task; one job per tenant (409), asking again finishes it",
    "applyMerge": "guarded by the digest of the reviewed report; a re-apply is refused by the item codes (409)",
    "recordLegalAmendment": "writes shared rows in a platform transaction, which a tenant key cannot enclose",
    "recordLegalRepeal": "writes shared rows in a platform transaction, which a tenant key cannot enclose",
    "redeliverWebhook": "queues a delivery again; repeating it repeats a delivery receivers de-duplicate by event id",
    "redeliverFailedWebhooks": "as redeliverWebhook",
}


def test_every_creating_post_takes_a_key(app: Any) -> None:
    missing = []
    for item in app.openapi_schema.to_schema()["paths"].values():
        op = item.get("post")
        if op is None or not {"201", "202"} & set(op["responses"]) or op["operationId"] in EXEMPT:
            continue
        if not any(p.get("name") == "Idempotency-Key" for p in op.get("parameters", [])):
            missing.append(op["operationId"])
    assert missing == []


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


async def _count(client: httpx.AsyncClient, url: str, auth: dict[str, str], **params: Any) -> int:
    listed = await client.get(url, params={"limit": 500, **params}, headers=auth)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    return len(body["items"] if isinstance(body, dict) else body)


async def test_jurisdictions_units_and_catalog_items(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    base, h = county.base, county.auth()
    street = {"code": "510115009000", "name": "测试街道", "kind": "street", "parent_code": county.division_code}
    first, again = await _twice(client, f"{base}/jurisdictions", street, h)
    _replayed(first, again)
    await _refused(client, f"{base}/jurisdictions", {**street, "name": "另一街道"}, h)
    assert (await client.get(f"{base}/jurisdictions/510115009000", headers=h)).json()["name"] == "测试街道"

    unit = {"code": "water-bureau", "name": "区水务局", "kind": "department", "jurisdiction_code": county.division_code}
    first, again = await _twice(client, f"{base}/units", unit, h)
    _replayed(first, again)
    await _refused(client, f"{base}/units", {**unit, "code": "water-bureau-2"}, h)
    assert (await client.get(f"{base}/units/water-bureau-2", headers=h)).status_code == 404

    item = {**PERMIT, "code": "IDEM-01", "title": "重试事项"}
    first, again = await _twice(client, f"{base}/catalog/items", item, h)
    _replayed(first, again)
    await _refused(client, f"{base}/catalog/items", {**item, "title": "改名事项"}, h)

    # Another tenant's identical key string is its own key: it creates there.
    theirs = await client.post(
        f"{other.base}/jurisdictions", json=street, headers={**other.auth(), "Idempotency-Key": "create-jurisdictions"}
    )
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers


async def test_webhook_subscriptions(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    url, h = f"{tenant.base}/webhooks", tenant.auth()
    body = {"url": "https://kaohe.example.gov.cn/hooks/qingdan", "description": "考核系统"}
    first, again = await _twice(client, url, body, h)
    _replayed(first, again)  # the same subscription and secret, not a second one
    assert len((await client.get(url, headers=h)).json()) == 1
    await _refused(client, url, {**body, "description": "另一个"}, h)
    assert len((await client.get(url, headers=h)).json()) == 1


async def test_concurrent_retries_create_once(client: httpx.AsyncClient, county: TenantFixture) -> None:
    street = {"code": "510115009000", "name": "测试街道", "kind": "street", "parent_code": county.division_code}
    headers = {**county.auth(), "Idempotency-Key": "same-moment"}
    answers = await asyncio.gather(
        *(client.post(f"{county.base}/jurisdictions", json=street, headers=headers) for _ in range(4))
    )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert sum("idempotent-replayed" not in a.headers for a in answers) == 1
    assert all(a.json() == answers[0].json() for a in answers)


async def test_a_failed_request_stores_nothing(client: httpx.AsyncClient, county: TenantFixture) -> None:
    base, h = county.base, county.auth()
    orphan = {"code": "510115009000", "name": "测试街道", "kind": "street", "parent_code": "510115777000"}
    failed = await client.post(f"{base}/jurisdictions", json=orphan, headers={**h, **KEY})
    assert 400 <= failed.status_code < 500, failed.text
    assert "idempotent-replayed" not in failed.headers
    fixed = {**orphan, "parent_code": county.division_code}
    retried = await client.post(f"{base}/jurisdictions", json=fixed, headers={**h, **KEY})
    assert retried.status_code == 201, retried.text
    assert "idempotent-replayed" not in retried.headers


async def test_another_key_of_the_tenant_cannot_replay(client: httpx.AsyncClient, county: TenantFixture) -> None:
    street = {"code": "510115009000", "name": "测试街道", "kind": "street", "parent_code": county.division_code}
    first = await client.post(f"{county.base}/jurisdictions", json=street, headers={**county.auth(), **KEY})
    assert first.status_code == 201
    # The same key and body from another credential of the tenant is not its request to replay.
    platform = await client.post(
        f"{county.base}/jurisdictions", json=street, headers={**county.auth(county.platform), **KEY}
    )
    assert platform.status_code == 422


@pytest.fixture
async def taian(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    return await taian_tenant(client, make_tenant)


async def test_calls_cases_and_notices(client: httpx.AsyncClient, taian: Taian) -> None:
    auth = taian.auth(taian.township)
    before = await _count(client, taian.calls, auth)
    first, again = await _twice(client, taian.calls, fire_call(), auth)
    _replayed(first, again)
    assert await _count(client, taian.calls, auth) == before + 1
    await _refused(client, taian.calls, fire_call(subject="另一起火情"), auth)
    assert await _count(client, taian.calls, auth) == before + 1

    attachments = f"{taian.calls}/{first.json()['id']}/attachments"
    photo = {"filename": "现场.png", "content_type": "image/png", "content_base64": base64.b64encode(PNG).decode()}
    first, again = await _twice(client, attachments, photo, auth)
    _replayed(first, again)
    assert len((await client.get(attachments, headers=auth)).json()) == 1
    await _refused(client, attachments, {**photo, "filename": "另一张.png"}, auth)

    admin = taian.auth()
    cases = f"{taian.t.base}/accountability/cases"
    case = {
        "party_kind": "township",
        "party": SHENGZHUANG,
        "item_code": "TA-YJ-005",
        "situation": "not_performed",
        "facts_date": "2027-03-01",
        "facts": "未按清单组织先期处置",
    }
    opened = await client.post(cases, json=case, headers={**admin, **KEY})
    again = await client.post(cases, json=case, headers={**admin, **KEY})
    _replayed(opened, again)
    assert await _count(client, cases, admin) == 1

    notice = {
        "recipient_kind": "township",
        "recipient": SHENGZHUANG,
        "content": "请依照清单履行职责",
        "issued_on": "2027-03-05",
    }
    notices = f"{taian.t.base}/accountability/notices"
    key = {"Idempotency-Key": "notice-1"}
    first = await client.post(notices, json=notice, headers={**admin, **key})
    again = await client.post(notices, json=notice, headers={**admin, **key})
    _replayed(first, again)
    assert await _count(client, notices, admin) == 1
    changed = await client.post(notices, json={**notice, "content": "另一份"}, headers={**admin, **key})
    assert changed.status_code == 422
    assert await _count(client, notices, admin) == 1
