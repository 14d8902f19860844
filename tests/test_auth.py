"""API keys: issued once, hashed, scoped, revocable; 401/403/404 as the conventions say."""

from __future__ import annotations

import hashlib

import httpx

from core.platform.db import platform_transaction
from tenants import keys
from tests.conftest import TenantFixture


async def test_missing_and_bad_keys_are_401(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    url = f"{tenant.base}/jurisdictions"
    for headers in (
        {},
        {"Authorization": "Bearer qd_nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer " + "x" * 40},
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_key_lifecycle(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    issued = await client.post(
        f"{tenant.base}/api-keys", json={"name": "绩效考评系统", "role": "reader"}, headers=tenant.auth()
    )
    assert issued.status_code == 201, issued.text
    secret, view = issued.json()["key"], issued.json()["api_key"]
    assert secret.startswith("qd_") and view["prefix"] == secret[:11] and view["last_used_at"] is None

    async with platform_transaction() as conn:
        stored = await conn.fetchval("SELECT key_hash FROM api_keys WHERE id = $1::uuid", view["id"])
    assert bytes(stored) == hashlib.sha256(secret.encode()).digest()  # only the hash is kept

    assert (await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth(secret))).status_code == 200
    listed = await client.get(f"{tenant.base}/api-keys", params={"limit": 500}, headers=tenant.auth())
    mine = next(k for k in listed.json()["items"] if k["id"] == view["id"])
    assert mine["last_used_at"] is not None and "key" not in mine and "key_hash" not in mine

    revoked = await client.post(f"{tenant.base}/api-keys/{view['id']}/revoke", headers=tenant.auth())
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    keys.forget_cached_keys()  # as another worker would see it once its cache expires
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth(secret))).status_code == 401


async def test_revocation_applies_at_once_in_the_same_process(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    issued = (
        await client.post(f"{tenant.base}/api-keys", json={"name": "x", "role": "reader"}, headers=tenant.auth())
    ).json()
    auth = tenant.auth(issued["key"])
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=auth)).status_code == 200
    await client.post(f"{tenant.base}/api-keys/{issued['api_key']['id']}/revoke", headers=tenant.auth())
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=auth)).status_code == 401


async def test_bad_key_requests(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    url = f"{tenant.base}/api-keys"
    cases = [
        ({"name": "x", "role": "township"}, "scope_code"),
        ({"name": "x", "role": "township", "scope_code": "510115999000"}, "scope_code"),
        ({"name": "x", "role": "department", "scope_code": "no-such-unit"}, "scope_code"),
        ({"name": "x", "role": "reader", "scope_code": "510115"}, "scope_code"),
        ({"name": "x", "role": "platform"}, "role"),
    ]
    for body, field in cases:
        response = await client.post(url, json=body, headers=tenant.auth())
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field
    wrong_role = await client.post(url, json={"name": "x", "role": "emperor"}, headers=tenant.auth())
    assert wrong_role.status_code == 400 and wrong_role.json()["errors"][0]["field"] == "role"
    only_admins = await client.post(url, json={"name": "x", "role": "reader"}, headers=tenant.auth(tenant.reader))
    assert only_admins.status_code == 403
    assert (await client.get(url, headers=tenant.auth(tenant.reader))).status_code == 403
    assert (await client.post(f"{url}/not-a-uuid/revoke", headers=tenant.auth())).status_code in (400, 404)
    listed = await client.get(url, headers=tenant.auth())
    assert len(listed.json()["items"]) == 2  # the fixture's admin and reader keys only


async def test_keys_of_another_tenant(client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture) -> None:
    issued = (
        await client.post(f"{tenant.base}/api-keys", json={"name": "x", "role": "reader"}, headers=tenant.auth())
    ).json()
    key_id = issued["api_key"]["id"]
    assert (await client.get(f"{tenant.base}/api-keys", headers=other.auth())).status_code == 404
    assert (
        await client.post(f"{tenant.base}/api-keys", json={"name": "x", "role": "admin"}, headers=other.auth())
    ).status_code == 404
    assert (await client.post(f"{tenant.base}/api-keys/{key_id}/revoke", headers=other.auth())).status_code == 404
    # Naming the key under the intruder's own tenant does not find it either.
    assert (await client.post(f"{other.base}/api-keys/{key_id}/revoke", headers=other.auth())).status_code == 404
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth(issued["key"]))).status_code == 200


async def test_platform_key_reaches_every_tenant(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    platform = tenant.auth(tenant.platform)
    for t in (tenant, other):
        assert (await client.get(f"{t.base}/jurisdictions", headers=platform)).status_code == 200
    slugs = [t["slug"] for t in (await client.get("/api/v1/tenants", headers=platform)).json()]
    assert {tenant.slug, other.slug} <= set(slugs)
    own = (await client.get("/api/v1/tenants", headers=tenant.auth())).json()
    assert [t["slug"] for t in own] == [tenant.slug]
