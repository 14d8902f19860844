"""Published list bodies encoded once (core.publication.bodies): served as stored bytes, equal
to a fresh build, replaced when a publication or another write moves the generation, kept
per process within a byte budget fair between tenants, and never shared between tenants."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterator

import httpx
import msgspec
import pytest

from core.lists.service import TownshipList, get_published_list
from core.platform.db import platform_transaction, tenant_transaction
from core.publication import bodies as published_bodies
from core.publication.bodies import Body, BodyCache
from core.security.tenancy import find_tenant
from tenants.access import open_access
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import PLATFORM, TenantFixture

LIUCHENG = "510115001000"


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    return tenant


@pytest.fixture
def nothing_kept() -> Iterator[None]:
    """No per-process cache and no stored bodies: every read builds its body."""
    cache, store = published_bodies.cache, published_bodies.store_enabled
    published_bodies.cache = BodyCache(max_entries=0)
    published_bodies.store_enabled = False
    try:
        yield
    finally:
        published_bodies.cache, published_bodies.store_enabled = cache, store


async def _publish_list(client: httpx.AsyncClient, t: TenantFixture, date: str) -> None:
    base = f"{t.base}/townships/{LIUCHENG}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": date}, headers=t.auth())
    assert done.status_code == 200, done.text


async def rename_a_unit(client: httpx.AsyncClient, t: TenantFixture) -> None:
    """Rename the tenant's first unit: a write that moves the content generation."""
    units = await client.get(f"{t.base}/units", headers=t.auth())
    assert units.status_code == 200, units.text
    unit = units.json()["items"][0]
    rename = {"name": "改名后的单位", "version": unit["version"]}
    renamed = await client.patch(f"{t.base}/units/{unit['code']}", json=rename, headers=t.auth())
    assert renamed.status_code == 200, renamed.text


async def _stored(t: TenantFixture) -> list[tuple[int, int]]:
    """(number, generation) of the tenant's stored bodies, as the owner sees them."""
    found = await find_tenant(t.slug)
    assert found is not None
    async with platform_transaction() as conn:
        rows = await conn.fetch(
            "SELECT number, generation FROM published_list_bodies WHERE tenant_id = $1 ORDER BY number", found.id
        )
    return [(r["number"], r["generation"]) for r in rows]


async def _fresh(t: TenantFixture, number: int | None = None) -> bytes:
    """The list built from scratch, encoded the way the API encodes a TownshipList."""
    cache, store = published_bodies.cache, published_bodies.store_enabled
    published_bodies.cache, published_bodies.store_enabled = BodyCache(max_entries=0), False
    try:
        view = await get_published_list(await open_access(PLATFORM, t.slug), LIUCHENG, number=number)
    finally:
        published_bodies.cache, published_bodies.store_enabled = cache, store
    return msgspec.json.encode(view)


async def test_served_bytes_equal_a_fresh_build(client: httpx.AsyncClient, county: TenantFixture) -> None:
    claim = {"item_code": "CON-01", "justification": "辖区内有农村建房需求"}
    claimed = await client.post(f"{county.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=county.auth())
    assert claimed.status_code == 201, claimed.text
    await _publish_list(client, county, "2025-02-01")
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    published_bodies.cache.clear()

    first = await client.get(url, headers=county.auth(county.reader))  # builds and stores
    assert first.status_code == 200 and first.headers["content-type"].startswith("application/json")
    assert [n for n, _ in await _stored(county)] == [1]
    second = await client.get(url, headers=county.auth(county.reader))  # this process's bytes
    published_bodies.cache.clear()
    third = await client.get(url, headers=county.auth(county.reader))  # the stored bytes
    fresh = await _fresh(county)
    assert first.content == second.content == third.content == fresh
    body = msgspec.json.decode(fresh, type=TownshipList)
    assert body.version == 1 and "CON-01" in {e.item.code for e in body.entries}

    by_number = await client.get(f"{county.base}/townships/{LIUCHENG}/list/versions/1", headers=county.auth())
    assert by_number.content == fresh

    # GraphQL decodes the same stored body into the same answer.
    query = (
        "query($s: String!, $c: String!) { tenant(slug: $s) {"
        " publishedList(code: $c) { version entries { item { code } responsibleOffice } } } }"
    )
    variables = {"s": county.slug, "c": LIUCHENG}
    gql = await client.post("/graphql", json={"query": query, "variables": variables}, headers=county.auth())
    assert gql.status_code == 200 and "errors" not in gql.json(), gql.text
    got = gql.json()["data"]["tenant"]["publishedList"]
    assert got["version"] == 1
    assert [e["item"]["code"] for e in got["entries"]] == [e.item.code for e in body.entries]


async def test_cold_reads_without_any_cache_are_the_same(
    client: httpx.AsyncClient, county: TenantFixture, nothing_kept: None
) -> None:
    await _publish_list(client, county, "2025-02-01")
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    first = await client.get(url, headers=county.auth())
    second = await client.get(url, headers=county.auth())
    assert first.status_code == 200 and first.content == second.content == await _fresh(county)
    assert await _stored(county) == []  # QINGDAN_STORE_LIST_BODIES=off writes nothing
    assert len(published_bodies.cache) == 0


async def test_a_publication_and_a_rename_replace_the_body(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await _publish_list(client, county, "2025-02-01")
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    v1 = await client.get(url, headers=county.auth())
    assert v1.json()["version"] == 1
    [(_, generation)] = await _stored(county)

    claim = {"item_code": "CON-01", "justification": "需要"}
    claimed = await client.post(f"{county.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=county.auth())
    assert claimed.status_code == 201, claimed.text
    await _publish_list(client, county, "2025-03-01")
    v2 = await client.get(url, headers=county.auth())
    assert v2.json()["version"] == 2 and v2.content == await _fresh(county)
    assert "CON-01" in {e["item"]["code"] for e in v2.json()["entries"]}
    assert "CON-01" not in {e["item"]["code"] for e in v1.json()["entries"]}
    old = await client.get(f"{county.base}/townships/{LIUCHENG}/list/versions/1", headers=county.auth())
    assert old.json()["entries"] == v1.json()["entries"] and old.content == await _fresh(county, 1)
    # Only the newest version's body is stored (deflated): publishing dropped version 1's, and
    # reading version 1 built it without storing it.
    assert [n for n, _ in await _stored(county)] == [2]
    found = await find_tenant(county.slug)
    assert found is not None
    async with platform_transaction() as conn:
        stored = await conn.fetchval("SELECT gzip FROM published_list_bodies WHERE tenant_id = $1", found.id)
    assert v2.content.endswith(gzip.decompress(stored))  # the body after the spliced header's comma

    # A unit's new name is part of the body: the next read rebuilds it at the new generation.
    await rename_a_unit(client, county)
    after = await client.get(url, headers=county.auth())
    assert after.content == await _fresh(county)
    stored = dict(await _stored(county))
    assert stored[2] > generation


async def test_two_tenants_never_share_a_body(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    """The same township code and version number in two tenants: separate stored rows,
    separate cache entries, and row-level security hides one tenant's row from the other."""
    await build_county(client, other)
    await add_items(client, other, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, other)
    claim = {"item_code": "CON-01", "justification": "需要"}
    claimed = await client.post(f"{county.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=county.auth())
    assert claimed.status_code == 201, claimed.text
    await _publish_list(client, county, "2025-02-01")
    await _publish_list(client, other, "2025-02-01")
    for _ in range(2):  # built and stored, then from this process
        mine = await client.get(f"{county.base}/townships/{LIUCHENG}/list/published", headers=county.auth())
        theirs = await client.get(f"{other.base}/townships/{LIUCHENG}/list/published", headers=other.auth())
        assert "CON-01" in {e["item"]["code"] for e in mine.json()["entries"]}
        assert "CON-01" not in {e["item"]["code"] for e in theirs.json()["entries"]}
    assert [n for n, _ in await _stored(county)] == [1] and [n for n, _ in await _stored(other)] == [1]

    # Another tenant's key cannot read the list (404), stored or not.
    for key in (other.auth(), other.auth(other.reader)):
        refused = await client.get(f"{county.base}/townships/{LIUCHENG}/list/published", headers=key)
        assert refused.status_code == 404
        refused = await client.get(f"{county.base}/townships/{LIUCHENG}/list/versions/1", headers=key)
        assert refused.status_code == 404

    # In SQL, under the other tenant's row-level security, the county's row does not exist.
    mine_id = (await find_tenant(county.slug)).id  # type: ignore[union-attr]
    theirs_id = (await find_tenant(other.slug)).id  # type: ignore[union-attr]
    async with tenant_transaction(theirs_id) as conn:
        seen = await conn.fetchval("SELECT count(*) FROM published_list_bodies WHERE tenant_id = $1", mine_id)
        assert seen == 0
        with pytest.raises(Exception, match="row-level security"):
            await conn.execute(
                "INSERT INTO published_list_bodies (tenant_id, township_code, number, generation, gzip)"
                " VALUES ($1, $2, 1, 1, '\\x7b7d')",
                mine_id,
                LIUCHENG,
            )


# --- the per-process level ------------------------------------------------------------------


def _body(size: int, generation: int = 1) -> Body:
    return Body(generation, b"x" * size)


def test_the_cache_holds_to_its_byte_budget() -> None:
    cache = BodyCache(max_bytes=10_000, tenant_share=1.0)
    tenant = uuid.uuid4()
    for n in range(50):
        cache.put((tenant, "t", n), _body(900))
        assert cache.total_bytes <= 10_000
    assert len(cache) == 11 and cache.total_bytes == 9_900
    assert cache.get((tenant, "t", 0), 1) is None  # least recently used went first
    assert cache.get((tenant, "t", 49), 1) is not None
    assert cache.get((tenant, "t", 49), 2) is None  # another generation: stale
    cache.put((tenant, "big", 1), _body(20_000))  # larger than the budget: not kept
    assert cache.get((tenant, "big", 1), 1) is None and cache.total_bytes == 9_900

    # A decoded body counts its objects too; the budget still holds.
    key = (tenant, "t", 49)
    found = cache.get(key, 1)
    assert found is not None
    assert cache.decoded(key, found, lambda raw: ["decoded"]) == ["decoded"]
    assert cache.total_bytes <= 10_000 and cache.get(key, 1) is found
    assert cache.total_bytes == sum(b.size for b in cache._entries.values())


def test_one_tenant_cannot_push_the_others_out() -> None:
    cache = BodyCache(max_bytes=10_000, tenant_share=0.3)
    small, large = uuid.uuid4(), uuid.uuid4()
    for n in range(3):
        cache.put((small, "t", n), _body(1_000))
    for n in range(1_000):  # a national tenant reading every township
        cache.put((large, "t", n), _body(1_000))
        assert cache.tenant_usage(large) <= 3_000
    assert all(cache.get((small, "t", n), 1) is not None for n in range(3))
    assert cache.tenant_usage(small) == 3_000 and cache.total_bytes == 6_000


def test_keys_carry_the_tenant() -> None:
    cache = BodyCache()
    a, b = uuid.uuid4(), uuid.uuid4()
    cache.put((a, LIUCHENG, 1), Body(1, b'{"entries":["a"]}'))
    assert cache.get((b, LIUCHENG, 1), 1) is None


def test_splice_makes_one_object() -> None:
    head = msgspec.json.encode({"a": 1, "b": None})
    assert msgspec.json.decode(published_bodies.splice(head, b'{"c":[1,2]}')) == {"a": 1, "b": None, "c": [1, 2]}
