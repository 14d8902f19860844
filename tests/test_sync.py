"""Incremental sync (issue 17 item 7): ``updated_since`` on jurisdictions, units, catalog items,
township lists and calls, over REST and GraphQL — a change after T shows up, an unchanged row
does not, another tenant's rows never do, a bad timestamp answers 400."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest

from tests.call_fixtures import NATURAL, Taian, fire_call, taian_tenant
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, add_items, build_county, publish
from tests.conftest import MakeTenant, TenantFixture, issue_key

LIUCHENG, GONGPING = "510115001000", "510115002000"
BAD = ["yesterday", "2025-01-01", "2025-01-01T08:00:00", "2025-13-01T00:00:00Z", "2025-01-01T08:00:00+25:00"]


def now() -> str:
    """T: the database stamps rows with the same machine's clock."""
    return datetime.datetime.now(datetime.UTC).isoformat()


async def pull(
    client: httpx.AsyncClient, url: str, auth: dict[str, str], since: str, key: str = "code", **params: Any
) -> list[str]:
    """Every page of ``url`` changed since ``since`` (one row per page: the cursor must hold)."""
    keys: list[str] = []
    cursor = None
    for _ in range(100):
        query = {**params, "updated_since": since, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await client.get(url, params=query, headers=auth)
        assert page.status_code == 200, page.text
        for row in page.json()["items"]:
            keys.append(row[key])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return keys
    raise AssertionError("more than 100 pages")


async def refused(client: httpx.AsyncClient, url: str, auth: dict[str, str]) -> None:
    for bad in BAD:
        answer = await client.get(url, params={"updated_since": bad}, headers=auth)
        assert answer.status_code == 400, (bad, answer.text)
        assert answer.json()["errors"][0]["field"] == "updated_since", answer.text


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


async def test_jurisdictions_and_units(client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture) -> None:
    base, h = county.base, county.auth()
    before = now()
    t = now()
    street = await client.get(f"{base}/jurisdictions/{GONGPING}", headers=h)
    renamed = await client.patch(
        f"{base}/jurisdictions/{GONGPING}",
        json={"name": "公平新街道"},
        headers={**h, "If-Match": street.headers["etag"]},
    )
    assert renamed.status_code == 200, renamed.text
    added = {"code": "510115009000", "name": "新设街道", "kind": "street", "parent_code": county.division_code}
    assert (await client.post(f"{base}/jurisdictions", json=added, headers=h)).status_code == 201
    bureau = await client.get(f"{base}/units/planning-bureau", headers=h)
    moved = await client.patch(
        f"{base}/units/planning-bureau", json={"name": "区规划局"}, headers={**h, "If-Match": bureau.headers["etag"]}
    )
    assert moved.status_code == 200, moved.text
    # Another tenant's changes after T are never in this tenant's answer.
    theirs = {"code": "510115009000", "name": "别家街道", "kind": "street", "parent_code": other.division_code}
    assert (await client.post(f"{other.base}/jurisdictions", json=theirs, headers=other.auth())).status_code == 201
    their_unit = {"code": "water-bureau", "name": "区水务局", "kind": "department", "jurisdiction_code": "510115"}
    assert (await client.post(f"{other.base}/units", json=their_unit, headers=other.auth())).status_code == 201

    assert await pull(client, f"{base}/jurisdictions", h, t) == [GONGPING, "510115009000"]
    assert await pull(client, f"{base}/units", h, t) == ["planning-bureau"]
    assert await pull(client, f"{other.base}/units", other.auth(), t) == ["water-bureau"]
    # Filters still apply with it, and an early enough T is a full pull.
    assert await pull(client, f"{base}/jurisdictions", h, t, kind="street") == [GONGPING, "510115009000"]
    assert len(await pull(client, f"{base}/units", h, "2000-01-01T00:00:00Z")) == 2
    assert before <= t
    future = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)).isoformat()
    assert await pull(client, f"{base}/jurisdictions", h, future) == []
    await refused(client, f"{base}/jurisdictions", h)
    await refused(client, f"{base}/units", h)

    query = (
        "query($s: String!, $t: DateTime) { tenant(slug: $s) {"
        " jurisdictions(updatedSince: $t) { items { code } }"
        " units(updatedSince: $t) { items { code } } } }"
    )
    data = await gql(client, county.admin, query, s=county.slug, t=t)
    assert [j["code"] for j in data["tenant"]["jurisdictions"]["items"]] == [GONGPING, "510115009000"]
    assert [u["code"] for u in data["tenant"]["units"]["items"]] == ["planning-bureau"]
    naive = await raw_gql(client, county.admin, query, s=county.slug, t="2025-01-01T08:00:00")
    assert naive.get("errors"), naive


async def gql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    body = await raw_gql(client, key, query, **variables)
    assert "errors" not in body, body
    return body["data"]


async def raw_gql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_catalog_items_and_township_lists(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    base, h = county.base, county.auth()
    await add_items(client, county, DOMAIN, PATROL, PERMIT)
    await publish(client, county)
    # The next draft exists (an edit before T), so its rows carry their copy's time, before T.
    reworded = await client.patch(
        f"{base}/catalog/items/SAF",
        json={"title": "安全生产监管", "revision": 1, "adjustment": {"reason_kind": "other", "reason": "规范名称"}},
        headers=h,
    )
    assert reworded.status_code == 200, reworded.text
    t = now()
    claimed = await client.post(
        f"{base}/townships/{GONGPING}/list/claims",
        json={"item_code": "CON-01", "justification": "辖区内有农村建房需求"},
        headers=h,
    )
    assert claimed.status_code == 201, claimed.text
    withdrawn = await client.post(
        f"{base}/catalog/items/CON-01/withdraw",
        json={"reason_kind": "township_cannot_perform", "reason": "乡镇无法承接", "successor_code": "SAF-01"},
        headers=h,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    township = await issue_key(county, client, "township", LIUCHENG)
    edited = await client.post(f"{base}/townships/{LIUCHENG}/list/submit", headers=county.auth(township))
    assert edited.status_code == 200, edited.text
    await build_county(client, other)  # another tenant's rows, all written after T

    # Withdrawals are kept (status withdrawn), so they are in the changes.
    items = await client.get(
        f"{base}/catalog/items", params={"version": "draft", "updated_since": t, "status": "withdrawn"}, headers=h
    )
    assert [i["code"] for i in items.json()["items"]] == ["CON-01"]
    assert await pull(client, f"{base}/catalog/items", h, t, version="draft") == ["CON-01"]
    assert await pull(client, f"{base}/catalog/items", h, t, version="1") == []
    assert len(await pull(client, f"{base}/catalog/items", h, "2000-01-01T00:00:00+08:00", version="1")) == 3
    await refused(client, f"{base}/catalog/items", h)

    assert await pull(client, f"{base}/township-lists", h, t, "township_code") == [LIUCHENG, GONGPING]
    assert await pull(
        client, f"{base}/township-lists", county.auth(township), "2000-01-01T00:00:00Z", "township_code"
    ) == [LIUCHENG]
    assert (
        await pull(
            client, f"{base}/township-lists", county.auth(county.reader), "2000-01-01T00:00:00Z", "township_code"
        )
        == []
    )
    assert await pull(client, f"{other.base}/township-lists", other.auth(), t, "township_code") == []
    summary = (await client.get(f"{base}/township-lists", params={"status": "submitted"}, headers=h)).json()
    assert [(s["township_code"], s["status"]) for s in summary["items"]] == [(LIUCHENG, "submitted")]
    await refused(client, f"{base}/township-lists", h)

    query = (
        "query($s: String!, $t: DateTime) { tenant(slug: $s) {"
        ' catalogItems(version: "draft", updatedSince: $t) { items { code status } }'
        " townshipLists(updatedSince: $t) { items { townshipCode status updatedAt } } } }"
    )
    data = await gql(client, county.admin, query, s=county.slug, t=t)
    assert data["tenant"]["catalogItems"]["items"] == [{"code": "CON-01", "status": "withdrawn"}]
    assert [s["townshipCode"] for s in data["tenant"]["townshipLists"]["items"]] == [LIUCHENG, GONGPING]


@pytest.fixture
async def taian(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    return await taian_tenant(client, make_tenant)


async def test_calls(client: httpx.AsyncClient, taian: Taian, other: TenantFixture) -> None:
    auth = taian.auth(taian.township)
    first = (await client.post(taian.calls, json=fire_call(), headers=auth)).json()
    quiet = (await client.post(taian.calls, json=fire_call(subject="另一处火情"), headers=auth)).json()
    t = now()
    # A unit signing for its part changes the call (a step), not only a dispatch row.
    signed = await client.post(
        f"{taian.calls}/{first['id']}/dispatches/{NATURAL}/sign-for", headers=taian.auth(taian.natural)
    )
    assert signed.status_code == 200, signed.text
    late = (await client.post(taian.calls, json=fire_call(subject="新的火情"), headers=auth)).json()

    changed = await pull(client, taian.calls, taian.auth(), t, "id")
    assert changed == [late["id"], first["id"]]  # the list's own order: newest first
    assert quiet["id"] not in changed
    assert await pull(client, f"{other.base}/calls", other.auth(), t, "id") == []
    assert await pull(client, taian.calls, taian.auth(taian.other_township), t, "id") == []
    await refused(client, taian.calls, taian.auth())

    query = "query($s: String!, $t: DateTime) { tenant(slug: $s) { calls(updatedSince: $t) { items { id } } } }"
    data = await gql(client, taian.t.admin, query, s=taian.t.slug, t=t)
    assert [c["id"] for c in data["tenant"]["calls"]["items"]] == [late["id"], first["id"]]
