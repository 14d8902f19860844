"""Claims after the fact (issue 20, item 4): a township edits a claim's justification with the
list's version like any other update, and withdrawing then claiming again keeps the entry's
local details (office, post, contact, note) — over REST and GraphQL, per tenant."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from api.demo import PLATFORM
from core.lists.service import Claim, claim_several, get_working_list
from core.platform.errors import ValidationFailed
from tenants.access import open_access
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture, issue_key
from tests.test_graphql import gql
from tests.test_graphql_catalog import CLAIM, UPDATE_ENTRY, WITHDRAW_CLAIM

LIUCHENG = "510115001000"
DETAILS = {
    "responsible_office": "城市建设办公室",
    "post": "A岗：规划建设专干",
    "contact": "028-82700009",
    "note": "每周三受理",
}


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    return tenant


def entry(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in body["entries"] if e["item"]["code"] == code)


async def test_a_township_edits_a_justification_with_if_match(client: httpx.AsyncClient, county: TenantFixture) -> None:
    auth = county.auth(await issue_key(county, client, "township", LIUCHENG))
    base = f"{county.base}/townships/{LIUCHENG}/list"
    claimed = await client.post(
        f"{base}/claims", json={"item_code": "CON-01", "justification": "辖区内有农村建房需求"}, headers=auth
    )
    assert claimed.status_code == 201, claimed.text
    etag = claimed.headers["etag"]

    unversioned = await client.patch(f"{base}/entries/CON-01", json={"justification": "新理由"}, headers=auth)
    assert unversioned.status_code == 428
    short = await client.patch(
        f"{base}/entries/CON-01", json={"justification": "x"}, headers={**auth, "If-Match": etag}
    )
    assert short.status_code == 400 and "justification" in short.text
    automatic = await client.patch(
        f"{base}/entries/SAF-01", json={"justification": "不需要理由"}, headers={**auth, "If-Match": etag}
    )
    assert automatic.status_code == 422 and automatic.json()["errors"][0]["field"] == "justification"
    assert entry((await client.get(base, headers=auth)).json(), "CON-01")["justification"] == "辖区内有农村建房需求"

    edited = await client.patch(
        f"{base}/entries/CON-01",
        json={"justification": "辖区内有农村建房需求，年均审批约40件"},
        headers={**auth, "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    assert entry(edited.json(), "CON-01")["justification"] == "辖区内有农村建房需求，年均审批约40件"
    assert edited.headers["etag"] != etag
    stale = await client.patch(
        f"{base}/entries/CON-01", json={"justification": "又一个理由"}, headers={**auth, "If-Match": etag}
    )
    assert stale.status_code == 412
    claimants = (await client.get(f"{county.base}/catalog/items/CON-01/claims", headers=county.auth())).json()
    assert [c["justification"] for c in claimants] == ["辖区内有农村建房需求，年均审批约40件"]
    audit = (await client.get(f"{county.base}/audit-events?entity=township_entry", headers=county.auth())).json()
    events = audit["items"] if isinstance(audit, dict) else audit
    assert any(e["action"] == "update" and e["after"].get("justification", "").endswith("40件") for e in events)


async def test_withdrawing_and_claiming_again_keeps_local_details(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    auth = county.auth(await issue_key(county, client, "township", LIUCHENG))
    base = f"{county.base}/townships/{LIUCHENG}/list"
    claimed = await client.post(f"{base}/claims", json={"item_code": "CON-01", "justification": "需要"}, headers=auth)
    detailed = await client.patch(
        f"{base}/entries/CON-01", json=DETAILS, headers={**auth, "If-Match": claimed.headers["etag"]}
    )
    assert detailed.status_code == 200, detailed.text

    withdrawn = await client.delete(f"{base}/claims/CON-01", headers=auth)
    assert withdrawn.status_code == 204
    working = (await client.get(base, headers=auth)).json()
    gone = entry(working, "CON-01")
    assert gone["state"] == "removed" and "撤回认领" in gone["change_note"]
    assert working["counts"]["total"] == 3  # off the list: not counted, not published
    assert (await client.delete(f"{base}/claims/CON-01", headers=auth)).status_code == 404
    touched = await client.patch(
        f"{base}/entries/CON-01", json={"post": "x"}, headers={**auth, "If-Match": f'"{working["revision"]}"'}
    )
    assert touched.status_code == 409  # a withdrawn claim is not edited; it is claimed again

    again = await client.post(f"{base}/claims", json={"item_code": "CON-01", "justification": "重新认领"}, headers=auth)
    assert again.status_code == 201, again.text
    back = entry(again.json(), "CON-01")
    assert back["state"] == "active" and back["change_note"] == "" and back["justification"] == "重新认领"
    assert {k: back[k] for k in DETAILS} == DETAILS

    # Published, the office is on the list the public sees.
    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=county.auth())).status_code == 200
    published = await client.post(f"{base}/publish", json={"effective_date": "2025-03-01"}, headers=county.auth())
    assert published.status_code == 200, published.text
    assert entry(published.json(), "CON-01")["responsible_office"] == DETAILS["responsible_office"]


async def test_claims_over_graphql_and_across_tenants(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    township = await issue_key(county, client, "township", LIUCHENG)
    t, ts = county.slug, LIUCHENG
    first = (await gql(client, township, CLAIM, t=t, ts=ts, item="CON-01", why="需要"))["claimItem"]
    revision = first["revision"]
    input_ = {"justification": "辖区有宅基地审批需求", "responsibleOffice": DETAILS["responsible_office"]}
    edited = await gql(client, township, UPDATE_ENTRY, t=t, ts=ts, item="CON-01", rev=revision, input=input_)
    result = edited["updateListEntry"]
    assert entry(result, "CON-01")["justification"] == "辖区有宅基地审批需求"
    stale = await gql(client, township, UPDATE_ENTRY, t=t, ts=ts, item="CON-01", rev=revision, input=input_)
    assert stale["updateListEntry"]["status"] == 412
    wrong = await gql(
        client,
        township,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="SAF-01",
        rev=result["revision"],
        input={"justification": "无需理由"},
    )
    assert wrong["updateListEntry"]["status"] == 422

    withdrawn = (await gql(client, township, WITHDRAW_CLAIM, t=t, ts=ts, item="CON-01"))["withdrawClaim"]
    assert entry(withdrawn, "CON-01")["state"] == "removed"
    again = (await gql(client, township, CLAIM, t=t, ts=ts, item="CON-01", why="再次认领"))["claimItem"]
    assert entry(again, "CON-01")["responsibleOffice"] == DETAILS["responsible_office"]

    # Another tenant's admin: not found, and the claim is untouched.
    foreign = await gql(
        client,
        other.admin,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="CON-01",
        rev=again["revision"],
        input={"justification": "改"},
    )
    assert foreign["updateListEntry"]["status"] == 404
    assert (await gql(client, other.admin, WITHDRAW_CLAIM, t=t, ts=ts, item="CON-01"))["withdrawClaim"]["status"] == 404
    base = f"{county.base}/townships/{LIUCHENG}/list"
    rest = await client.patch(
        f"{base}/entries/CON-01", json={"justification": "改"}, headers={**other.auth(), "If-Match": "*"}
    )
    assert rest.status_code == 404
    assert (await client.delete(f"{base}/claims/CON-01", headers=other.auth())).status_code == 404
    kept = entry((await client.get(base, headers=county.auth())).json(), "CON-01")
    assert kept["state"] == "active" and kept["justification"] == "再次认领"


async def test_several_claims_are_all_or_none(county: TenantFixture) -> None:
    """``claim_several`` (the demo's claims): one refused item leaves nothing claimed."""
    access = await open_access(PLATFORM, county.slug)
    claims = [Claim("CON-01", "辖区内有农村建房需求"), Claim("SAF-01", "每个乡镇都有")]
    with pytest.raises(ValidationFailed) as refused:
        await claim_several(access, LIUCHENG, claims)
    assert refused.value.errors[0].field == "item_code" and "SAF-01" in refused.value.errors[0].message
    working = await get_working_list(access, LIUCHENG)
    assert not [e for e in working.entries if e.origin == "claimed"]

    listed = await claim_several(access, LIUCHENG, claims[:1])
    assert entry(msgspec.to_builtins(listed), "CON-01")["justification"] == "辖区内有农村建房需求"
