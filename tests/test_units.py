"""Units over REST: placement rules, hosts of dispatched agencies, scopes, isolation."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import TenantFixture, issue_key

STREETS = [("510115001000", "柳城街道"), ("510115002000", "公平街道")]


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    for code, name in STREETS:
        body = {"code": code, "name": name, "kind": "street", "parent_code": tenant.division_code}
        assert (await client.post(f"{tenant.base}/jurisdictions", json=body, headers=tenant.auth())).status_code == 201
    bureau = {
        "code": "justice-bureau",
        "name": "区司法局",
        "kind": "department",
        "jurisdiction_code": "510115",
        "contacts": [{"name": "值班室", "phone": "028-82712345"}],
    }
    assert (await client.post(f"{tenant.base}/units", json=bureau, headers=tenant.auth())).status_code == 201
    return tenant


AGENCY = {
    "code": "liucheng-justice-office",
    "name": "柳城司法所",
    "kind": "dispatched_agency",
    "jurisdiction_code": "510115001000",
    "parent_unit_code": "justice-bureau",
    "host_township_codes": ["510115001000", "510115002000"],
}


async def test_dispatched_agency_round_trip(client: httpx.AsyncClient, county: TenantFixture) -> None:
    created = await client.post(f"{county.base}/units", json=AGENCY, headers=county.auth())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind_label"] == "派驻机构"
    assert body["host_township_codes"] == ["510115001000", "510115002000"]

    hosted = await client.get(f"{county.base}/units", params={"host": "510115002000"}, headers=county.auth())
    assert [u["code"] for u in hosted.json()["items"]] == ["liucheng-justice-office"]
    children = await client.get(f"{county.base}/units", params={"parent": "justice-bureau"}, headers=county.auth())
    assert [u["code"] for u in children.json()["items"]] == ["liucheng-justice-office"]

    moved = await client.patch(
        f"{county.base}/units/liucheng-justice-office",
        json={"host_township_codes": ["510115001000"], "version": 1},
        headers=county.auth(),
    )
    assert moved.status_code == 200 and moved.json()["host_township_codes"] == ["510115001000"]

    in_use = await client.delete(f"{county.base}/units/justice-bureau", headers=county.auth())
    assert in_use.status_code == 409
    assert (
        await client.delete(f"{county.base}/units/liucheng-justice-office", headers=county.auth())
    ).status_code == 204
    assert (await client.delete(f"{county.base}/units/justice-bureau", headers=county.auth())).status_code == 204


async def test_placement_rules(client: httpx.AsyncClient, county: TenantFixture) -> None:
    cases = [
        ({**AGENCY, "host_township_codes": []}, "host_township_codes"),
        ({**AGENCY, "parent_unit_code": None}, "parent_unit_code"),
        ({**AGENCY, "parent_unit_code": "no-such-bureau"}, "parent_unit_code"),
        ({**AGENCY, "host_township_codes": ["510115"]}, "host_township_codes[0]"),
        ({**AGENCY, "kind": "department"}, "jurisdiction_code"),
        (
            {
                **AGENCY,
                "kind": "township_office",
                "jurisdiction_code": "510115",
                "host_township_codes": [],
                "parent_unit_code": None,
            },
            "jurisdiction_code",
        ),
        ({**AGENCY, "kind": "ministry"}, "kind"),
        ({**AGENCY, "jurisdiction_code": "510115009000"}, "jurisdiction_code"),
    ]
    for body, field in cases:
        response = await client.post(f"{county.base}/units", json=body, headers=county.auth())
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field, response.json()
    bad_code = await client.post(f"{county.base}/units", json={**AGENCY, "code": "柳城"}, headers=county.auth())
    assert bad_code.status_code == 400 and bad_code.json()["errors"][0]["field"] == "code"
    listed = await client.get(f"{county.base}/units", headers=county.auth())
    assert [u["code"] for u in listed.json()["items"]] == ["justice-bureau"]


async def test_scoped_keys(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await client.post(f"{county.base}/units", json=AGENCY, headers=county.auth())
    township = await issue_key(county, client, "township", "510115001000")
    department = await issue_key(county, client, "department", "justice-bureau")
    office = {
        "code": "liucheng-party-office",
        "name": "党政办公室",
        "kind": "township_office",
        "jurisdiction_code": "510115001000",
    }

    own = await client.post(f"{county.base}/units", json=office, headers=county.auth(township))
    assert own.status_code == 201, own.text
    foreign = {**office, "code": "gongping-party-office", "jurisdiction_code": "510115002000"}
    assert (await client.post(f"{county.base}/units", json=foreign, headers=county.auth(township))).status_code == 403
    bureau = {"code": "new-bureau", "name": "新局", "kind": "department", "jurisdiction_code": "510115"}
    assert (await client.post(f"{county.base}/units", json=bureau, headers=county.auth(township))).status_code == 403

    contacts = {"contacts": [{"name": "张三", "phone": "028-82700000", "role": "科长"}], "version": 1}
    mine = await client.patch(f"{county.base}/units/justice-bureau", json=contacts, headers=county.auth(department))
    assert mine.status_code == 200 and mine.json()["contacts"][0]["name"] == "张三"
    theirs = await client.patch(
        f"{county.base}/units/liucheng-justice-office", json=contacts, headers=county.auth(department)
    )
    assert theirs.status_code == 403
    assert (
        await client.delete(f"{county.base}/units/justice-bureau", headers=county.auth(department))
    ).status_code == 403


async def test_another_tenant_cannot_touch_units(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    url = f"{county.base}/units/justice-bureau"
    intruder = other.auth()
    assert (await client.get(f"{county.base}/units", headers=intruder)).status_code == 404
    assert (await client.get(url, headers=intruder)).status_code == 404
    assert (await client.patch(url, json={"name": "x", "version": 1}, headers=intruder)).status_code == 404
    assert (await client.delete(url, headers=intruder)).status_code == 404
    assert (await client.post(f"{county.base}/units", json=AGENCY, headers=intruder)).status_code == 404
    assert (await client.get(url, headers=county.auth())).json()["version"] == 1
