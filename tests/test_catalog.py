"""The reference catalog: versions, items, responsibilities, legal bases, adjustments."""

from __future__ import annotations

import httpx
import pytest

from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


async def test_build_and_publish_a_catalog(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await add_items(client, county, DOMAIN, PATROL, PERMIT, RECOVERED)
    draft = (await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())).json()
    assert draft["version"] == 1 and draft["township_scope"] == "all"
    assert [r["party"] for r in draft["responsibilities"]] == ["township", "emergency-bureau"]
    basis = draft["legal_bases"][0]
    assert basis["resolved"] and basis["document_title"] == "中华人民共和国安全生产法"
    assert basis["article"] == 9 and "安全生产" in basis["text"]

    # Readers see nothing until something is published.
    assert (await client.get(f"{county.base}/catalog/items", headers=county.auth(county.reader))).status_code == 404

    version = await publish(client, county)
    assert version["number"] == 1 and version["status"] == "published" and len(version["content_hash"]) == 64
    assert version["item_count"] == 4

    seen = await client.get(
        f"{county.base}/catalog/items", params={"kind": "basic"}, headers=county.auth(county.reader)
    )
    assert [i["code"] for i in seen.json()["items"]] == ["SAF", "SAF-01"]
    by_unit = await client.get(
        f"{county.base}/catalog/items", params={"unit": "emergency-bureau"}, headers=county.auth(county.reader)
    )
    assert [i["code"] for i in by_unit.json()["items"]] == ["SAF-01", "SAF-02"]


async def test_adjustments_land_in_the_next_version(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await add_items(client, county, DOMAIN, PATROL, PERMIT)
    first = await publish(client, county)

    unexplained = await client.patch(
        f"{county.base}/catalog/items/SAF-01", json={"title": "安全检查", "revision": 1}, headers=county.auth()
    )
    assert unexplained.status_code == 422 and unexplained.json()["errors"][0]["field"] == "adjustment"

    changed = await client.patch(
        f"{county.base}/catalog/items/SAF-01",
        json={
            "title": "生产经营单位安全检查",
            "revision": 1,
            "adjustment": {"reason_kind": "law_changed", "reason": "安全生产法修正"},
        },
        headers=county.auth(),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2 and changed.json()["changed_in"] == 2

    # The published version did not move.
    old = await client.get(f"{county.base}/catalog/items/SAF-01", params={"version": 1}, headers=county.auth())
    assert old.json()["title"] == "生产经营单位安全生产检查"

    withdrawn = await client.post(
        f"{county.base}/catalog/items/CON-01/withdraw",
        json={"reason_kind": "township_cannot_perform", "reason": "乡镇无法承接", "successor_code": "SAF-01"},
        headers=county.auth(),
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    second = await publish(client, county, "2025-07-01")
    assert second["content_hash"] != first["content_hash"] and second["withdrawn_count"] == 1

    adjustments = (
        await client.get(f"{county.base}/catalog/adjustments", params={"version": 2}, headers=county.auth())
    ).json()
    assert [(a["kind"], a["item_code"], a["reason_kind"]) for a in adjustments] == [
        ("modify", "SAF-01", "law_changed"),
        ("remove", "CON-01", "township_cannot_perform"),
    ]
    assert adjustments[0]["initiator"]["role"] == "admin"
    versions = (await client.get(f"{county.base}/catalog/versions", headers=county.auth())).json()
    assert [v["number"] for v in versions] == [1, 2]


async def test_bad_items_are_refused_and_nothing_is_written(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await add_items(client, county, DOMAIN, PATROL)
    cases = [
        ({**PATROL, "code": "SAF-09", "kinds": ["imaginary"]}, "kinds[0]"),
        ({**PATROL, "code": "SAF-09", "parent_code": "NOPE"}, "parent_code"),
        ({**PATROL, "code": "SAF-09", "parent_code": None}, "parent_code"),
        (
            {**PATROL, "code": "SAF-09", "responsibilities": [{"party": "ghost-bureau", "role": "primary"}]},
            "responsibilities[0].party",
        ),
        (
            {
                **PATROL,
                "code": "SAF-09",
                "responsibilities": [
                    {"party": "township", "role": "primary", "financial_share": 60},
                    {"party": "emergency-bureau", "role": "cooperating", "financial_share": 30},
                ],
            },
            "responsibilities",
        ),
        ({**RECOVERED, "code": "SAF-09", "recovery": None}, "recovery"),
        ({**PATROL, "code": "SAF-09", "extra": {"source_lists": ["rumours"]}}, "extra.source_lists"),
        ({**PATROL, "code": "SAF-09", "category": "astrology"}, "category"),
    ]
    for body, field in cases:
        response = await client.post(f"{county.base}/catalog/items", json=body, headers=county.auth())
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    collision = await client.post(f"{county.base}/catalog/items", json=PATROL, headers=county.auth())
    assert collision.status_code == 409 and collision.json()["errors"][0]["field"] == "code"
    cycle = await client.patch(
        f"{county.base}/catalog/items/SAF", json={"parent_code": "SAF-01", "revision": 1}, headers=county.auth()
    )
    assert cycle.status_code == 422 and "cycle" in cycle.json()["detail"]
    listed = await client.get(f"{county.base}/catalog/items", headers=county.auth())
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [i["code"] for i in items] == ["SAF", "SAF-01"]
    # A code once used is never reused, not even after withdrawal.
    await publish(client, county)
    await client.post(
        f"{county.base}/catalog/items/SAF-01/withdraw",
        json={"reason_kind": "other", "reason": "合并"},
        headers=county.auth(),
    )
    reuse = await client.post(
        f"{county.base}/catalog/items",
        json={**PATROL, "adjustment": {"reason_kind": "other", "reason": "x"}},
        headers=county.auth(),
    )
    assert reuse.status_code == 409


async def test_unresolved_citations_are_kept_with_the_reason(client: httpx.AsyncClient, county: TenantFixture) -> None:
    body = {
        **DOMAIN,
        "code": "X",
        "citations": ["《某省不存在条例》第三条", "依据有关规定", "《中华人民共和国安全生产法》第九百条"],
    }
    await add_items(client, county, body)
    bases = (await client.get(f"{county.base}/catalog/items/X", headers=county.auth())).json()["legal_bases"]
    assert [b["resolved"] for b in bases] == [False, False, False]
    assert all(b["problem"] for b in bases)
    assert "does not exist" in bases[2]["problem"]


async def test_publishing_is_for_admins_and_versions_are_immutable(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    await add_items(client, county, DOMAIN)
    url = f"{county.base}/catalog/publish"
    assert (
        await client.post(url, json={"effective_date": "2025-01-01"}, headers=county.auth(county.reader))
    ).status_code == 403
    assert (await client.post(url, json={"effective_date": "2025-01-01"}, headers=other.auth())).status_code == 404
    stale = await client.post(url, json={"effective_date": "2025-01-01", "revision": 99}, headers=county.auth())
    assert stale.status_code == 412
    await publish(client, county)
    again = await client.post(url, json={"effective_date": "2025-01-01"}, headers=county.auth())
    assert again.status_code == 409
    assert (await client.get(f"{county.base}/catalog/items", headers=other.auth())).status_code == 404
    assert (await client.post(f"{county.base}/catalog/items", json=PATROL, headers=other.auth())).status_code == 404


async def test_a_department_sees_what_concerns_it(client: httpx.AsyncClient, county: TenantFixture) -> None:
    from tests.conftest import issue_key

    cooperating = {
        **PATROL,
        "code": "SAF-05",
        "title": "企业安全隐患排查",
        "responsibilities": [
            {"party": "emergency-bureau", "role": "primary", "duty": "牵头排查"},
            {"party": "township", "role": "cooperating", "duty": "提供辖区企业名录"},
        ],
    }
    await add_items(client, county, DOMAIN, PATROL, RECOVERED, cooperating)
    await publish(client, county)
    department = await issue_key(county, client, "department", "emergency-bureau")
    view = await client.get(f"{county.base}/units/emergency-bureau/duties", headers=county.auth(department))
    assert view.status_code == 200, view.text
    body = view.json()
    assert [i["code"] for i in body["leads"]] == ["SAF-02", "SAF-05"]
    assert [i["code"] for i in body["cooperates"]] == ["SAF-01"]
    assert [i["code"] for i in body["townships_cooperate"]] == ["SAF-05"]
    assert [i["code"] for i in body["taken_back"]] == ["SAF-02"]
    other_unit = await client.get(f"{county.base}/units/planning-bureau/duties", headers=county.auth(department))
    assert other_unit.status_code == 403
    missing = await client.get(f"{county.base}/units/ghost/duties", headers=county.auth())
    assert missing.status_code == 404
