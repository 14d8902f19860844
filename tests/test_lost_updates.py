"""Two writes naming the same version at once: one wins, the other is told it is stale (412).

Issue 17 saw both PATCHes answer 200 in 7 of 8 rounds (jurisdictions, units, draft catalog
items): the update read the row without a lock, so both checked `If-Match` against the same
version and the second overwrote the first. Each round here sends two PATCHes with the same
`If-Match` concurrently; the database serialises them on the row lock.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.catalog_fixtures import DOMAIN, PATROL, add_items, build_county
from tests.conftest import TenantFixture

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
