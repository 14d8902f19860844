"""A lookup without a location answers from the index of published entries (issue 13 item 4)
exactly as ranking every township's list would: checked against the located lookup of every
township (the oracle), with lists in force, lists not yet in force, claims held by some
townships only, and another tenant holding the same codes. No township is invented (issue
18): the answer names none; the townships holding the best match are its candidates."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from core.platform.errors import ValidationFailed
from core.publication import lookup
from core.publication.lookup_index import SizedLRU
from tenants.access import open_access
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, STREETS, add_items, build_county, publish
from tests.conftest import PLATFORM, TenantFixture

TEXTS = ["乡村建设规划许可证怎么办", "企业安全生产检查", "危险化学品经营", "完全无关的火星文字"]


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    return tenant


async def _publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str, date: str) -> None:
    base = f"{t.base}/townships/{township}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": date}, headers=t.auth())
    assert done.status_code == 200, done.text


async def _claim(client: httpx.AsyncClient, t: TenantFixture, township: str, code: str) -> None:
    body = {"item_code": code, "justification": "辖区有此事项"}
    claimed = await client.post(f"{t.base}/townships/{township}/list/claims", json=body, headers=t.auth())
    assert claimed.status_code == 201, claimed.text


def _plain(result: Any) -> Any:
    return msgspec.to_builtins(result)


def _answer(result: Any) -> Any:
    """What the comparison looks at: the items with their scores, the candidates, the township."""
    plain = _plain(result)
    return {
        "township": plain["township"],
        "items": [(i["code"], i["score"], i["matched_terms"]) for i in plain["items"]],
        "candidates": [c["code"] for c in plain["candidate_townships"]],
    }


async def _oracle(t: TenantFixture, text: str, item_code: str | None = None) -> Any:
    """What ranking every township's list gives: each township looked up by its location,
    the best score kept, the first holder's items answering, every holder a candidate."""
    access = await open_access(PLATFORM, t.slug)
    located: dict[str, Any] = {}
    for code, _ in sorted(STREETS):
        try:
            located[code] = await lookup.lookup(access, text, township=code, item_code=item_code)
        except ValidationFailed:  # the item is not on this township's list
            continue
    scored = {c: r for c, r in located.items() if r.items}
    if not scored:
        return None
    best = max(r.score for r in scored.values())
    holders = [c for c, r in scored.items() if r.score == best]
    expected = _answer(scored[holders[0]])
    return {**expected, "township": None, "candidates": holders}


async def _agrees(t: TenantFixture, text: str, item_code: str | None = None) -> Any:
    access = await open_access(PLATFORM, t.slug)
    lookup.clear_caches()
    expected = await _oracle(t, text, item_code)
    if expected is None and item_code is not None:
        with pytest.raises(ValidationFailed, match="not on any published township list"):
            await lookup.lookup(access, text, item_code=item_code)
        return None
    got = await lookup.lookup(access, text, item_code=item_code)
    if expected is None:
        assert got.township is None and got.items == [], (text, got)
    else:
        assert _answer(got) == expected, (text, item_code)
        assert got.place.source == "none"
    return _answer(got)


async def test_everywhere_equals_every_township_looked_up(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    liucheng, gongping = sorted(code for code, _ in STREETS)[:2]
    for code, _ in STREETS:
        await _publish_list(client, county, code, "2025-02-01")
    for text in TEXTS:  # every township holds the same items: ties, the first by code answers
        got = await _agrees(county, text)
        if got and got["items"]:
            assert (
                got["township"] is None and got["candidates"][0] == liucheng and len(got["candidates"]) == len(STREETS)
            )

    # A claim published with a future effective date is not in force: nobody holds the permit yet.
    await _claim(client, county, gongping, "CON-01")
    await _publish_list(client, county, gongping, "2099-01-01")
    got = await _agrees(county, TEXTS[0])
    assert not got or "CON-01" not in [i[0] for i in got["items"]]
    await _agrees(county, TEXTS[0], "CON-01")  # on no list in force: refused

    # In force for one township only: it is the only candidate.
    await _claim(client, county, liucheng, "CON-01")
    await _publish_list(client, county, liucheng, "2025-03-01")
    got = await _agrees(county, TEXTS[0])
    assert got["township"] is None and got["candidates"] == [liucheng]
    assert got["items"][0][0] == "CON-01"
    await _agrees(county, TEXTS[0], "CON-01")
    await _agrees(county, TEXTS[1], "SAF-01")

    # Another tenant with the same codes, where the *other* township holds the permit: neither
    # tenant's answer sees the other's entries.
    await build_county(client, other)
    await add_items(client, other, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, other)
    await _claim(client, other, gongping, "CON-01")
    for code, _ in STREETS:
        await _publish_list(client, other, code, "2025-02-01")
    theirs = await _agrees(other, TEXTS[0])
    assert theirs["candidates"] == [gongping]
    mine = await _agrees(county, TEXTS[0])
    assert mine["candidates"] == [liucheng]

    # Over HTTP: the same answer; another tenant's key gets 404.
    response = await client.post(f"{county.base}/lookup", json={"text": TEXTS[0]}, headers=county.auth(county.reader))
    assert response.status_code == 200 and response.json()["township"] is None
    assert [c["code"] for c in response.json()["candidate_townships"]] == [liucheng]
    refused = await client.post(f"{county.base}/lookup", json={"text": TEXTS[0]}, headers=other.auth())
    assert refused.status_code == 404


async def test_townships_on_two_catalog_versions(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """Lists in force drawn from two catalog versions: each is ranked by its own catalog's
    index, and the best over both wins (here the changed item's new wording only matches the
    township that republished on the new version)."""
    liucheng, gongping = sorted(code for code, _ in STREETS)[:2]
    for code, _ in STREETS:
        await _publish_list(client, county, code, "2025-02-01")
    why = {"reason_kind": "law_changed", "reason": "依据修订"}
    changed = await client.patch(
        f"{county.base}/catalog/items/SAF-01",
        json={"title": "消防通道占用巡查", "revision": 1, "adjustment": why},
        headers=county.auth(),
    )
    assert changed.status_code == 200, changed.text
    await publish(client, county, "2025-03-01")
    await _publish_list(client, county, gongping, "2025-03-02")  # only gongping moves to catalog version 2
    access = await open_access(PLATFORM, county.slug)
    versions = {(await lookup.lookup(access, "消防通道", township=c)).list_version for c, _ in STREETS}
    assert versions == {1, 2}
    got = await _agrees(county, "消防通道被占用")
    assert got["candidates"] == [gongping]
    got = await _agrees(county, "生产经营单位安全生产检查")  # the old wording: the other townships
    assert got["candidates"][0] == liucheng and gongping not in got["candidates"]
    await _agrees(county, "危险化学品经营")  # unchanged item: every township ties
    await _agrees(county, "消防通道", "SAF-01")


def test_catalog_indexes_are_bounded_by_bytes_and_fair() -> None:
    cache: SizedLRU[tuple[str, int], str] = SizedLRU(10_000, tenant_share=0.5)
    for n in range(3):
        cache.put(("small", n), "index", 1_000)
    for n in range(100):  # a tenant with many catalog versions
        cache.put(("large", n), "index", 2_000)
        assert cache.tenant_usage("large") <= 5_000 and cache.total_bytes <= 10_000
    assert all(cache.get(("small", n)) == "index" for n in range(3))
    assert cache.get(("large", 99)) == "index" and cache.get(("large", 0)) is None
    cache.put(("huge", 1), "index", 6_000)  # more than a tenant's share: not kept
    assert cache.get(("huge", 1)) is None and cache.total_bytes == 7_000
