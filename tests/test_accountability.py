"""Accountability by the list (依单问责) through HTTP and GraphQL: primary vs cooperating read
from the list as it stood on the date of the facts; never-held items refused; notices."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import MakeTenant, TenantFixture, issue_key
from tests.test_graphql import gql

SHENGZHUANG, DAIMIAO = "370902100000", "370902001000"
EMERGENCY, FARMLAND = "TA-YJ-003", "TA-ZR-001"  # township primary; natural-resources-bureau primary


async def publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str, date: str) -> None:
    base = f"{t.base}/townships/{township}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    response = await client.post(f"{base}/publish", json={"effective_date": date}, headers=t.auth())
    assert response.status_code == 200, response.text


async def swap_farmland(client: httpx.AsyncClient, t: TenantFixture, date: str) -> None:
    """The county makes farmland protection the township's primary duty from ``date``."""
    item = (await client.get(f"{t.base}/catalog/items/{FARMLAND}", headers=t.auth())).json()
    duties = {r["party"]: r["duty"] for r in item["responsibilities"]}
    changed = await client.patch(
        f"{t.base}/catalog/items/{FARMLAND}",
        json={
            "kinds": ["basic", "differentiated"],
            "responsibilities": [
                {"party": "township", "role": "primary", "duty": duties["township"]},
                {
                    "party": "natural-resources-bureau",
                    "role": "cooperating",
                    "duty": duties["natural-resources-bureau"],
                },
            ],
            "revision": item["revision"],
            "adjustment": {"reason_kind": "institution_changed", "reason": "职责调整：耕地保护由乡镇承担主体责任"},
        },
        headers=t.auth(),
    )
    assert changed.status_code == 200, changed.text
    draft = await client.get(f"{t.base}/catalog/versions/draft", headers=t.auth())
    published = await client.post(
        f"{t.base}/catalog/publish",
        json={"effective_date": date},
        headers={**t.auth(), "If-Match": draft.headers["etag"]},
    )
    assert published.status_code == 200, published.text


def case(party: str, item: str, date: str, kind: str = "township", **more: Any) -> dict[str, Any]:
    return {
        "party_kind": kind,
        "party": party,
        "item_code": item,
        "situation": "not_performed",
        "facts": "群众反映问题未及时处置",
        "facts_date": date,
        **more,
    }


@pytest.fixture
async def taian(make_tenant: MakeTenant, client: httpx.AsyncClient) -> TenantFixture:
    t = await make_tenant("taian")
    # Farmland protection is a rural (差异化) item: 省庄镇, a town with farmland, claims it.
    claim = {"item_code": FARMLAND, "justification": "省庄镇辖区有耕地和永久基本农田"}
    claimed = await client.post(f"{t.base}/townships/{SHENGZHUANG}/list/claims", json=claim, headers=t.auth())
    assert claimed.status_code in (200, 201), claimed.text
    await publish_list(client, t, SHENGZHUANG, "2027-01-01")
    return t


async def test_primary_and_cooperating_as_of_the_date(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    url = f"{taian.base}/accountability/cases"
    primary = await client.post(
        url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01", method="interview"), headers=taian.auth()
    )
    assert primary.status_code == 201, primary.text
    body = primary.json()
    assert body["responsibility"] == "primary" and body["outcome"] == "accountable" and body["method_label"] == "约谈"
    assert body["basis"]["list_version"] == 1 and body["basis"]["list_effective_date"] == "2027-01-01"
    assert "承担主体责任" in body["basis"]["finding"] and body["basis"]["principle"] == "失职依单追责、尽职依单免责"

    cooperating = (await client.post(url, json=case(SHENGZHUANG, FARMLAND, "2027-03-01"), headers=taian.auth())).json()
    assert cooperating["responsibility"] == "cooperating" and cooperating["outcome"] == "accountable"
    assert cooperating["basis"]["primary_parties"] == ["natural-resources-bureau"]
    bureau = (
        await client.post(
            url, json=case("natural-resources-bureau", FARMLAND, "2027-03-01", "unit"), headers=taian.auth()
        )
    ).json()
    assert bureau["responsibility"] == "primary" and bureau["outcome"] == "accountable"

    performed = (
        await client.post(url, json=case(SHENGZHUANG, FARMLAND, "2027-03-01", performed=True), headers=taian.auth())
    ).json()
    assert performed["outcome"] == "exempt" and performed["outcome_label"] == "依单免责"
    before = (await client.post(url, json=case(SHENGZHUANG, EMERGENCY, "2026-12-01"), headers=taian.auth())).json()
    assert before["outcome"] == "not_on_list" and "尚无已公布的清单" in before["basis"]["finding"]

    # The county moves the primary responsibility to the township from 2027-07-01.
    await swap_farmland(client, taian, "2027-07-01")
    base = f"{taian.base}/townships/{SHENGZHUANG}/list"
    working = (await client.get(base, headers=taian.auth())).json()
    confirmed = await client.patch(  # 省庄镇 re-confirms the claimed item the county changed
        f"{base}/entries/{FARMLAND}",
        json={"confirm": True},
        headers={**taian.auth(), "If-Match": f'"{working["revision"]}"'},
    )
    assert confirmed.status_code == 200, confirmed.text
    await publish_list(client, taian, SHENGZHUANG, "2027-07-01")
    later = (await client.post(url, json=case(SHENGZHUANG, FARMLAND, "2027-08-01"), headers=taian.auth())).json()
    assert later["responsibility"] == "primary" and later["basis"]["list_version"] == 2
    again = (await client.post(url, json=case(SHENGZHUANG, FARMLAND, "2027-03-01"), headers=taian.auth())).json()
    assert again["responsibility"] == "cooperating" and again["basis"]["list_version"] == 1
    bureau_later = (
        await client.post(
            url, json=case("natural-resources-bureau", FARMLAND, "2027-08-01", "unit"), headers=taian.auth()
        )
    ).json()
    assert bureau_later["responsibility"] == "cooperating" and bureau_later["basis"]["catalog_version"] == 2

    listed = (await client.get(url, params={"item_code": FARMLAND}, headers=taian.auth(taian.reader))).json()
    assert [c["responsibility"] for c in listed] == [
        "cooperating",
        "primary",
        "cooperating",
        "primary",
        "cooperating",
        "cooperating",
    ]
    one = await client.get(f"{url}/{later['number']}", headers=taian.auth())
    assert one.status_code == 200 and one.json()["facts_date"] == "2027-08-01"


async def test_bad_input_writes_nothing(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    url = f"{taian.base}/accountability/cases"
    never = await client.post(url, json=case(SHENGZHUANG, "NO-SUCH-ITEM", "2027-03-01"), headers=taian.auth())
    assert never.status_code == 422 and never.json()["errors"][0]["field"] == "item_code"
    assert "never held item NO-SUCH-ITEM" in never.text
    stranger = await client.post(url, json=case("justice-bureau", FARMLAND, "2027-03-01", "unit"), headers=taian.auth())
    assert stranger.status_code == 422 and f"never held item {FARMLAND}" in stranger.text
    unknown = await client.post(
        url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01", situation="x"), headers=taian.auth()
    )
    assert unknown.status_code == 422 and "unknown situation" in unknown.text
    exempt_method = await client.post(
        url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01", performed=True, method="interview"), headers=taian.auth()
    )
    assert exempt_method.status_code == 422 and exempt_method.json()["errors"][0]["field"] == "method"
    no_party = await client.post(url, json=case("370902999000", EMERGENCY, "2027-03-01"), headers=taian.auth())
    assert no_party.status_code == 422
    shapeless = await client.post(
        url, json={**case(SHENGZHUANG, EMERGENCY, "2027-03-01"), "party_kind": "x"}, headers=taian.auth()
    )
    assert shapeless.status_code == 400
    assert (await client.get(url, headers=taian.auth())).json() == []


async def test_roles_notices_and_isolation(
    client: httpx.AsyncClient, taian: TenantFixture, other: TenantFixture
) -> None:
    township = await issue_key(taian, client, "township", SHENGZHUANG)
    neighbour = await issue_key(taian, client, "township", DAIMIAO)
    url = f"{taian.base}/accountability/cases"
    assert (
        await client.post(url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01"), headers=taian.auth(township))
    ).status_code == 403
    first = (await client.post(url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01"), headers=taian.auth())).json()
    assert len((await client.get(url, headers=taian.auth(township))).json()) == 1
    assert (await client.get(url, headers=taian.auth(neighbour))).json() == []
    assert (await client.get(f"{url}/{first['number']}", headers=taian.auth(neighbour))).status_code == 403

    notices = f"{taian.base}/accountability/notices"
    notice = {
        "recipient_kind": "township",
        "recipient": SHENGZHUANG,
        "content": "请依照清单履行突发事件先期处置和信息报送职责",
        "issued_on": "2027-03-05",
        "case_number": first["number"],
        "item_code": EMERGENCY,
    }
    issued = await client.post(notices, json=notice, headers=taian.auth())
    assert issued.status_code == 201, issued.text
    assert (
        issued.json()["document_number"] == "依单履职告知书〔2027〕1号" and issued.json()["title"] == "依单履职告知书"
    )
    bad = await client.post(notices, json={**notice, "recipient": "nobody"}, headers=taian.auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "recipient"
    no_case = await client.post(notices, json={**notice, "case_number": 99}, headers=taian.auth())
    assert no_case.status_code == 422
    assert (await client.post(notices, json=notice, headers=taian.auth(township))).status_code == 403
    assert len((await client.get(notices, headers=taian.auth(township))).json()) == 1
    assert (await client.get(notices, headers=taian.auth(neighbour))).json() == []

    for path in ("/accountability/cases", "/accountability/notices", "/accountability/situations"):
        assert (await client.get(f"{taian.base}{path}", headers=other.auth())).status_code == 404
    foreign = await client.post(url, json=case(SHENGZHUANG, EMERGENCY, "2027-03-01"), headers=other.auth())
    assert foreign.status_code == 404
    assert (await client.post(notices, json=notice, headers=other.auth())).status_code == 404
    assert (await client.get(f"{url}/{first['number']}", headers=other.auth())).status_code == 404
    assert len((await client.get(notices, headers=taian.auth())).json()) == 1
    assert len((await client.get(url, headers=taian.auth())).json()) == 1


async def test_longsha_situations(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    longsha = await make_tenant("longsha")
    body = (await client.get(f"{longsha.base}/accountability/situations", headers=longsha.auth(longsha.reader))).json()
    assert len(body["situations"]) == 7 and len(body["methods"]) == 6
    assert {"code": "no_response", "label": "对街道“吹哨”不响应、迟响应或响应不作为"} in body["situations"]


OPEN_CASE = """
mutation($tenant: String!, $input: AccountabilityCaseInput!) {
  openAccountabilityCase(tenant: $tenant, input: $input) {
    __typename
    ... on AccountabilityCase { number responsibility outcome basis }
    ... on Problem { status detail errors { field message } }
  }
}
"""

CASES = """
query($slug: String!) { tenant(slug: $slug) { accountabilityCases { number party responsibility outcomeLabel }
  notices { documentNumber recipient } } }
"""


async def test_over_graphql(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    def variables(party: str, item: str, kind: str = "township") -> dict[str, Any]:
        return {
            "partyKind": kind,
            "party": party,
            "itemCode": item,
            "situation": "not_performed",
            "facts": "未按清单履职",
            "factsDate": "2027-03-01",
        }

    township = (await gql(client, taian.admin, OPEN_CASE, tenant=taian.slug, input=variables(SHENGZHUANG, FARMLAND)))[
        "openAccountabilityCase"
    ]
    assert township["responsibility"] == "cooperating" and township["outcome"] == "accountable"
    unit = (
        await gql(
            client,
            taian.admin,
            OPEN_CASE,
            tenant=taian.slug,
            input=variables("natural-resources-bureau", FARMLAND, "unit"),
        )
    )["openAccountabilityCase"]
    assert unit["responsibility"] == "primary"
    never = (await gql(client, taian.admin, OPEN_CASE, tenant=taian.slug, input=variables(SHENGZHUANG, "NOPE")))[
        "openAccountabilityCase"
    ]
    assert never["__typename"] == "Problem" and never["status"] == 422 and never["errors"][0]["field"] == "itemCode"
    refused = (await gql(client, taian.reader, OPEN_CASE, tenant=taian.slug, input=variables(SHENGZHUANG, FARMLAND)))[
        "openAccountabilityCase"
    ]
    assert refused["status"] == 403
    data = (await gql(client, taian.reader, CASES, slug=taian.slug))["tenant"]
    assert [(c["party"], c["responsibility"]) for c in data["accountabilityCases"]] == [
        (SHENGZHUANG, "cooperating"),
        ("natural-resources-bureau", "primary"),
    ]
