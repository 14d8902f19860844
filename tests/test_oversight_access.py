"""Oversight access (issue 21): who may read which county, through every oversight route and
GraphQL field, and what an overseer never sees (docs/oversight.md).

Two published counties (streets 柳城 and 公平 publish, 天府 keeps a draft; each county then
opens a catalog draft holding an item nobody published), a province and a city. The province is
granted by county A only. Everything goes over HTTP, as a client would."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import httpx
import pytest

from core.oversight.storage import store_indicators
from core.platform.db import tenant_transaction
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import add_items
from tests.conftest import MakeTenant, TenantFixture
from tests.portal_fixtures import GONGPING, LIUCHENG, published_county

CONTACTS = ("028-82700001", "028-82700002")
DRAFT_ITEM = {
    "code": "DRAFT-01",
    "title": "尚未公布的草稿事项",
    "level": "domain",
    "kinds": ["basic"],
    "category": "safety",
    "adjustment": {"reason_kind": "other", "reason": "草稿，尚未公布"},
}
AS_OF = "2025-06-30"
INDICATORS = {"counts": {"basic": 3, "cooperating": 1}, "township_count": 2}


@dataclass
class World:
    a: TenantFixture
    b: TenantFixture
    province: TenantFixture
    city: TenantFixture

    def oversight(self, overseer: TenantFixture, county: TenantFixture | str = "") -> str:
        slug = county if isinstance(county, str) else county.slug
        return f"{overseer.base}/oversight/counties" + (f"/{slug}" if slug else "")


async def _county(client: httpx.AsyncClient, make_tenant: MakeTenant) -> TenantFixture:
    t = await published_county(client, await make_tenant())
    await add_items(client, t, DRAFT_ITEM)  # a draft catalog version, after the published one
    tenant = await find_tenant(t.slug)
    assert tenant is not None
    async with tenant_transaction(tenant.id) as conn:
        await store_indicators(conn, tenant.id, datetime.date.fromisoformat(AS_OF), INDICATORS)
    return t


@pytest.fixture
async def world(client: httpx.AsyncClient, make_tenant: MakeTenant) -> World:
    a = await _county(client, make_tenant)
    b = await _county(client, make_tenant)
    province = await make_tenant(division_code="370000", kind="province")
    city = await make_tenant(division_code="370900", kind="city")
    granted = await client.put(f"{a.base}/oversight/grants/{province.slug}", headers=a.auth())
    assert granted.status_code == 200, granted.text
    return World(a, b, province, city)


def county_routes(w: World, overseer: TenantFixture, county: TenantFixture | str) -> list[str]:
    """Every REST route that reads one overseen county."""
    base = w.oversight(overseer, county)
    return [
        base,
        f"{base}/townships",
        f"{base}/townships/{LIUCHENG}/list",
        f"{base}/catalog/versions",
        f"{base}/catalog/versions/1/items",
        f"{base}/indicators?as_of={AS_OF}",
    ]


def _no_personal_data(text: str) -> None:
    for contact in CONTACTS:
        assert contact not in text


async def test_a_granted_overseer_reads_the_published_county(client: httpx.AsyncClient, world: World) -> None:
    w, h = world, world.province.auth()
    counties = await client.get(w.oversight(w.province), headers=h)
    assert counties.status_code == 200, counties.text
    assert [c["slug"] for c in counties.json()] == [w.a.slug]
    for url in county_routes(w, w.province, w.a):
        response = await client.get(url, headers=h)
        assert response.status_code == 200, (url, response.text)
        _no_personal_data(response.text)
        assert DRAFT_ITEM["code"] not in response.text
    lists = (await client.get(f"{w.oversight(w.province, w.a)}/townships", headers=h)).json()
    assert [(x["township_code"], x["number"]) for x in lists] == [(LIUCHENG, 1), (GONGPING, 1)]
    listed = (await client.get(f"{w.oversight(w.province, w.a)}/townships/{LIUCHENG}/list", headers=h)).json()
    fire = next(e for e in listed["entries"] if e["item_code"] == "SAF-03")
    assert fire["responsible_office"] == "平安法治办公室" and "contact" not in fire
    assert len(listed["entries"]) == lists[0]["entries"]
    versions = (await client.get(f"{w.oversight(w.province, w.a)}/catalog/versions", headers=h)).json()
    assert [v["number"] for v in versions] == [1]
    indicators = await client.get(f"{w.oversight(w.province, w.a)}/indicators?as_of={AS_OF}", headers=h)
    assert indicators.json() == INDICATORS
