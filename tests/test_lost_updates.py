"""Two writes naming the same version at once: one wins, the other is told it is stale (412).

Issue 17 saw both PATCHes answer 200 in 7 of 8 rounds (jurisdictions, units, draft catalog
items): the update read the row without a lock, so both checked `If-Match` against the same
version and the second overwrote the first. Each round here sends two PATCHes with the same
`If-Match` concurrently; the database serialises them on the row lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import MakeTenant, TenantFixture, issue_key

ROUNDS = 6


async def race(client: httpx.AsyncClient, t: TenantFixture, url: str, field: str, values: tuple[Any, Any]) -> None:
    for _ in range(ROUNDS):
        current = await client.get(url, headers=t.auth())
        assert current.status_code == 200, current.text
        headers = {**t.auth(), "If-Match": current.headers["etag"]}
        answers = await asyncio.gather(*(client.patch(url, json={field: v}, headers=headers) for v in values))
        assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()
        after = (await client.get(url, headers=t.auth())).json()
        assert after[field] == winner[field]  # the loser changed nothing
        values = values[::-1]


async def test_jurisdiction(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await build_county(client, tenant)
    await race(client, tenant, f"{tenant.base}/jurisdictions/510115001000", "name", ("柳城街道甲", "柳城街道乙"))


async def test_unit(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await build_county(client, tenant)
    await race(client, tenant, f"{tenant.base}/units/emergency-bureau", "name", ("区应急管理局甲", "区应急管理局乙"))


async def test_draft_catalog_item(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL)
    await race(client, tenant, f"{tenant.base}/catalog/items/SAF-01", "title", ("安全生产检查甲", "安全生产检查乙"))


async def test_another_tenant_cannot_race(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    await build_county(client, tenant)
    url = f"{tenant.base}/units/emergency-bureau"
    etag = (await client.get(url, headers=tenant.auth())).headers["etag"]
    foreign = await client.patch(url, json={"name": "x"}, headers={**other.auth(), "If-Match": etag})
    assert foreign.status_code in (401, 403, 404)
    assert (await client.get(url, headers=tenant.auth())).json()["name"] == "区应急管理局"


# --- every other updatable resource: one rule (core.platform.versioning) -----------------------

LIUCHENG = "510115001000"


async def one_wins(send: Callable[..., Awaitable[httpx.Response]], url: str, **request: Any) -> httpx.Response:
    """Send the same write twice at once (same version named): one 200, one 412; the winner."""
    answers = await asyncio.gather(send(url, **request), send(url, **request))
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 412)
    assert loser.headers["content-type"].startswith("application/problem+json")
    return next(a for a in answers if a.status_code == 200)


async def _county(client: httpx.AsyncClient, t: TenantFixture) -> str:
    await build_county(client, t)
    await add_items(client, t, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, t)
    return f"{t.base}/townships/{LIUCHENG}/list"


async def _etag(client: httpx.AsyncClient, t: TenantFixture, url: str) -> str:
    read = await client.get(url, headers=t.auth())
    assert read.status_code == 200, read.text
    return read.headers["etag"]


async def test_township_list_entry(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    base = await _county(client, tenant)
    for n in range(ROUNDS):
        headers = {**tenant.auth(), "If-Match": await _etag(client, tenant, base)}
        url = f"{base}/entries/SAF-01"
        winner = await one_wins(client.patch, url, json={"post": f"安全员{n}"}, headers=headers)
        assert winner.headers["etag"] == await _etag(client, tenant, base)  # the loser wrote nothing


async def test_township_list_transitions(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """submit, return, file and publish: If-Match or ``revision`` in the body, the same rule."""
    base = await _county(client, tenant)
    h = tenant.auth()

    async def step(name: str, body: dict[str, Any] | None = None, by_header: bool = True) -> httpx.Response:
        etag = await _etag(client, tenant, base)
        if by_header:
            headers = {**h, "If-Match": etag}
        else:
            headers, body = h, {**(body or {}), "revision": int(etag.strip('"'))}
        return await one_wins(client.post, f"{base}/{name}", json=body, headers=headers)

    assert (await step("submit")).json()["status"] == "submitted"
    assert (await step("return", {"note": "请补充"}, by_header=False)).json()["status"] == "returned"
    assert (await step("submit")).json()["status"] == "submitted"
    assert (await step("file")).json()["status"] == "filed"
    published = await step("publish", {"effective_date": "2025-02-01"}, by_header=False)
    assert published.json()["version"] == 1
    versions = (await client.get(f"{base}/versions", headers=h)).json()
    assert [v["number"] for v in versions] == [1]  # published once


async def test_catalog_publish(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """The loser named a draft that is a published version by the time it holds the lock: 412."""
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL)
    etag = await _etag(client, tenant, f"{tenant.base}/catalog/versions/draft")
    headers = {**tenant.auth(), "If-Match": etag}
    await one_wins(
        client.post, f"{tenant.base}/catalog/publish", json={"effective_date": "2025-01-01"}, headers=headers
    )
    versions = (await client.get(f"{tenant.base}/catalog/versions", headers=tenant.auth())).json()
    assert [v["status"] for v in versions].count("published") == 1, versions


async def test_evaluation_scheme(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    url = f"{t.base}/evaluations/scheme"
    for n in range(3):
        current = (await client.get(url, headers=t.auth())).json()
        assert current["revision"] == n
        body = {"scheme": current["scheme"], "revision": n}
        winner = await one_wins(client.put, url, json=body, headers=t.auth())
        assert winner.json()["revision"] == n + 1
    # If-Match is the alternative to the body's revision, and a stale one is refused the same way
    scheme = (await client.get(url, headers=t.auth())).json()["scheme"]
    stale = await client.put(url, json={"scheme": scheme}, headers={**t.auth(), "If-Match": '"1"'})
    assert stale.status_code == 412
    fresh = await client.put(url, json={"scheme": scheme}, headers={**t.auth(), "If-Match": '"3"'})
    assert fresh.status_code == 200 and fresh.json()["revision"] == 4
    blind = await client.put(url, json={"scheme": scheme}, headers=t.auth())
    assert blind.status_code == 428


async def test_webhook_subscription(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = {"url": "https://example.org/hook", "description": "考核系统"}
    created = await client.post(f"{tenant.base}/webhooks", json=body, headers=tenant.auth())
    assert created.status_code == 201, created.text
    url = f"{tenant.base}/webhooks/{created.json()['subscription']['id']}"
    for n in range(ROUNDS):
        headers = {**tenant.auth(), "If-Match": await _etag(client, tenant, url)}
        winner = await one_wins(client.patch, url, json={"description": f"考核{n}"}, headers=headers)
        assert (await client.get(url, headers=tenant.auth())).json()["description"] == winner.json()["description"]


async def test_workflow_transition(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    town = await issue_key(t, client, "township", "370902001000")
    body = {"definition": "taian_call", "subject": "化工企业泄漏", "data": {"call_class": "emergency"}}
    started = await client.post(f"{t.base}/workflows", json=body, headers=t.auth(town))
    assert started.status_code == 201, started.text
    url = f"{t.base}/workflows/{started.json()['id']}"
    headers = {**t.auth(), "If-Match": started.headers["etag"]}
    moved = await one_wins(client.post, f"{url}/transitions", json={"transition": "dispatch"}, headers=headers)
    history = (await client.get(f"{url}/history", headers=t.auth())).json()
    assert [s["transition"] for s in history].count("dispatch") == 1, history
    assert moved.json()["version"] == started.json()["version"] + 1


async def test_if_match_star_means_any_version(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await build_county(client, tenant)
    url = f"{tenant.base}/units/emergency-bureau"
    anyway = await client.patch(url, json={"name": "区应急局"}, headers={**tenant.auth(), "If-Match": "*"})
    assert anyway.status_code == 200, anyway.text
    assert anyway.json()["name"] == "区应急局"
    blind = await client.patch(url, json={"name": "x"}, headers=tenant.auth())
    assert blind.status_code == 428  # nothing named: still required on updates
