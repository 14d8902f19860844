"""Jurisdictions over REST: the tree, code validation, concurrency, isolation."""

from __future__ import annotations

import httpx

from tests.conftest import TenantFixture, issue_key

STREET = {"code": "510115001000", "name": "柳城街道", "kind": "street", "parent_code": "510115"}


async def test_create_read_update_delete(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    created = await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["kind_label"] == "街道" and body["level"] == 3 and body["parent_code"] == "510115"

    got = await client.get(f"{tenant.base}/jurisdictions/510115001000", headers=tenant.auth(tenant.reader))
    assert got.status_code == 200 and got.json()["name"] == "柳城街道"

    patched = await client.patch(
        f"{tenant.base}/jurisdictions/510115001000",
        json={"name": "柳城街道办事处", "attributes": {"area_km2": 31.5}},
        headers={**tenant.auth(), "If-Match": got.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["version"] == 2 and patched.json()["attributes"] == {"area_km2": 31.5}

    listed = await client.get(f"{tenant.base}/jurisdictions", params={"parent": "510115"}, headers=tenant.auth())
    assert [j["code"] for j in listed.json()["items"]] == ["510115001000"]

    deleted = await client.delete(f"{tenant.base}/jurisdictions/510115001000", headers=tenant.auth())
    assert deleted.status_code == 204
    gone = await client.get(f"{tenant.base}/jurisdictions/510115001000", headers=tenant.auth())
    assert gone.status_code == 404

    audit = await client.get(
        f"{tenant.base}/audit-events",
        params={"entity": "jurisdiction", "key": "510115001000"},
        headers=tenant.auth(),
    )
    assert [e["action"] for e in audit.json()["items"]] == ["delete", "update", "create"]
    assert audit.json()["items"][1]["before"]["name"] == "柳城街道"


async def test_nine_digit_township_code_is_padded(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await client.post(
        f"{tenant.base}/jurisdictions", json={**STREET, "code": "510115002"}, headers=tenant.auth()
    )
    assert response.status_code == 201, response.text
    assert response.json()["code"] == "510115002000"


async def _count(client: httpx.AsyncClient, t: TenantFixture) -> int:
    listed = await client.get(f"{t.base}/jurisdictions", params={"limit": 500}, headers=t.auth())
    return len(listed.json()["items"])


async def test_bad_codes_are_refused_with_the_field_named(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    before = await _count(client, tenant)
    cases = [
        ({**STREET, "code": "51011500100"}, "code", "12 digits"),
        ({**STREET, "code": "5101150010AB"}, "code", "digits only"),
        ({**STREET, "code": "520115001000"}, "code", "first 6 digits must be 510115"),
        ({**STREET, "kind": "hamlet"}, "kind", "unknown kind"),
        ({**STREET, "parent_code": "510199"}, "parent_code", "no jurisdiction 510199"),
        ({**STREET, "parent_code": None}, "parent_code", "only the tenant's own division"),
        ({**STREET, "kind": "grid", "code": "510115001000001"}, "parent_code", "cannot sit under"),
    ]
    for body, field, words in cases:
        response = await client.post(f"{tenant.base}/jurisdictions", json=body, headers=tenant.auth())
        assert response.status_code == 422, (body, response.text)
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert problem["errors"][0]["field"] == field, problem
        assert words in problem["detail"], problem
    assert await _count(client, tenant) == before


async def test_malformed_requests_are_problems(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    url = f"{tenant.base}/jurisdictions"
    unknown = await client.post(url, json={**STREET, "colour": "red"}, headers=tenant.auth())
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "colour"

    missing = await client.post(url, json={"name": "x", "kind": "street"}, headers=tenant.auth())
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "code"

    wrong_type = await client.post(url, json={**STREET, "name": 5}, headers=tenant.auth())
    assert wrong_type.status_code == 400 and wrong_type.json()["errors"][0]["field"] == "name"

    broken = await client.post(url, content=b'{"code": ', headers={**tenant.auth(), "content-type": "application/json"})
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]

    text = await client.post(url, content=b"{}", headers={**tenant.auth(), "content-type": "text/plain"})
    assert text.status_code == 415 and text.json()["status"] == 415

    huge = await client.post(
        url,
        json={**STREET, "attributes": {"blob": "x" * 2_000_000}},
        headers=tenant.auth(),
    )
    assert huge.status_code == 413 and huge.headers["content-type"].startswith("application/problem+json")

    bad_limit = await client.get(url, params={"limit": 0}, headers=tenant.auth())
    assert bad_limit.status_code == 400
    bad_cursor = await client.get(url, params={"cursor": "???"}, headers=tenant.auth())
    assert bad_cursor.status_code == 400 and bad_cursor.json()["errors"][0]["field"] == "cursor"
    assert await _count(client, tenant) == 1


async def test_duplicate_code_is_a_conflict(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    first = await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    assert first.status_code == 201
    again = await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "code"


async def test_optimistic_concurrency(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    url = f"{tenant.base}/jurisdictions/510115001000"
    blind = await client.patch(url, json={"name": "甲"}, headers=tenant.auth())
    assert blind.status_code == 428 and '"1"' in blind.json()["detail"]
    ok = await client.patch(url, json={"name": "甲", "version": 1}, headers=tenant.auth())
    assert ok.status_code == 200
    stale = await client.patch(url, json={"name": "乙"}, headers={**tenant.auth(), "If-Match": '"1"'})
    assert stale.status_code == 412
    current = await client.get(url, headers=tenant.auth())
    assert current.json()["name"] == "甲" and current.headers["etag"] == '"2"'


async def test_delete_refuses_a_division_with_children(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    refused = await client.delete(f"{tenant.base}/jurisdictions/{tenant.division_code}", headers=tenant.auth())
    assert refused.status_code == 409 and "1 child" in refused.json()["detail"]


async def test_pagination_is_stable_and_complete(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for n in range(1, 8):
        body = {**STREET, "code": f"510115{n:03d}000", "name": f"第{n}街道"}
        assert (await client.post(f"{tenant.base}/jurisdictions", json=body, headers=tenant.auth())).status_code == 201
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "level": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{tenant.base}/jurisdictions", params=params, headers=tenant.auth())).json()
        seen += [j["code"] for j in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"510115{n:03d}000" for n in range(1, 8)]
    named = await client.get(f"{tenant.base}/jurisdictions", params={"q": "第3"}, headers=tenant.auth())
    assert [j["name"] for j in named.json()["items"]] == ["第3街道"]


async def test_roles_and_scopes(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    other_street = {**STREET, "code": "510115002000", "name": "公平街道"}
    await client.post(f"{tenant.base}/jurisdictions", json=other_street, headers=tenant.auth())
    township = await issue_key(tenant, client, "township", "510115001000")

    reader_write = await client.post(
        f"{tenant.base}/jurisdictions", json={**STREET, "code": "510115003000"}, headers=tenant.auth(tenant.reader)
    )
    assert reader_write.status_code == 403

    community = {"code": "510115001001", "name": "和平社区", "kind": "community", "parent_code": "510115001000"}
    own = await client.post(f"{tenant.base}/jurisdictions", json=community, headers=tenant.auth(township))
    assert own.status_code == 201, own.text

    elsewhere = {**community, "code": "510115002001", "parent_code": "510115002000"}
    foreign = await client.post(f"{tenant.base}/jurisdictions", json=elsewhere, headers=tenant.auth(township))
    assert foreign.status_code == 403

    itself = await client.patch(
        f"{tenant.base}/jurisdictions/510115001000", json={"name": "x", "version": 1}, headers=tenant.auth(township)
    )
    assert itself.status_code == 403
    assert (await client.get(f"{tenant.base}/jurisdictions/510115001000", headers=tenant.auth())).json()[
        "name"
    ] == "柳城街道"


async def test_another_tenant_sees_nothing_and_changes_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=tenant.auth())
    intruder = other.auth()
    url = f"{tenant.base}/jurisdictions/510115001000"
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=intruder)).status_code == 404
    assert (await client.get(url, headers=intruder)).status_code == 404
    assert (await client.patch(url, json={"name": "x", "version": 1}, headers=intruder)).status_code == 404
    assert (await client.delete(url, headers=intruder)).status_code == 404
    assert (await client.post(f"{tenant.base}/jurisdictions", json=STREET, headers=intruder)).status_code == 404
    # The other tenant's own list does not contain it either.
    mine = await client.get(f"{other.base}/jurisdictions", headers=intruder)
    assert "510115001000" not in [j["code"] for j in mine.json()["items"]]
    unchanged = await client.get(url, headers=tenant.auth())
    assert unchanged.json()["version"] == 1
