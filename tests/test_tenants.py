"""Provisioning tenants over the API: platform keys only, from a plugin in one transaction."""

from __future__ import annotations

import types
import uuid

import httpx

from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import Division, JurisdictionInfo, Unit
from core.security.tenancy import find_tenant
from tests.conftest import TenantFixture


async def test_platform_key_provisions_from_a_plugin(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    slug = f"longsha-{uuid.uuid4().hex[:6]}"
    created = await client.post(
        "/api/v1/tenants",
        json={"slug": slug, "name": "齐齐哈尔市龙沙区", "plugin": "longsha"},
        headers=tenant.auth(tenant.platform),
    )
    assert created.status_code == 201, created.text
    assert created.json()["division_code"] == "230202"
    assert (await client.get(f"/api/v1/tenants/{slug}", headers=tenant.auth(tenant.platform))).status_code == 200
    streets = await client.get(
        f"/api/v1/tenants/{slug}/jurisdictions", params={"kind": "street"}, headers=tenant.auth(tenant.platform)
    )
    names = [j["name"] for j in streets.json()["items"]]
    assert "五龙街道" in names and len(names) >= 7
    agencies = await client.get(
        f"/api/v1/tenants/{slug}/units", params={"kind": "dispatched_agency"}, headers=tenant.auth(tenant.platform)
    )
    assert all(u["host_township_codes"] for u in agencies.json()["items"])


async def test_only_platform_keys_provision(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = {"slug": f"x-{uuid.uuid4().hex[:6]}", "name": "某县", "division_code": "350626"}
    assert (await client.post("/api/v1/tenants", json=body, headers=tenant.auth())).status_code == 403
    assert await find_tenant(body["slug"]) is None


async def test_bad_tenant_requests(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    platform = tenant.auth(tenant.platform)
    cases = [
        ({"slug": "Bad Slug", "name": "x", "division_code": "350626"}, 400, "slug"),
        ({"slug": "ok-slug-1", "name": "x"}, 422, "division_code"),
        ({"slug": "ok-slug-1", "name": "x", "division_code": "35062"}, 422, "division_code"),
        ({"slug": "ok-slug-1", "name": "x", "plugin": "atlantis"}, 404, None),
        ({"slug": tenant.slug, "name": "x", "division_code": "350626"}, 409, None),
    ]
    for body, status, field in cases:
        response = await client.post("/api/v1/tenants", json=body, headers=platform)
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["errors"][0]["field"] == field
    assert await find_tenant("ok-slug-1") is None


def _broken_plugin(units: tuple[Unit, ...]) -> types.ModuleType:
    module = types.ModuleType("broken_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return JurisdictionInfo(
            slug="broken",
            name="坏县",
            division_code="350626",
            divisions=(
                Division("350626", "坏县", "county"),
                Division("350626100000", "铜陵镇", "town", parent_code="350626"),
            ),
            units=units,
        )

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    return module


async def test_a_broken_plugin_writes_nothing_and_names_the_problem(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    bad_unit = Unit(
        "orphan-office",
        "孤儿所",
        "dispatched_agency",
        "350626100000",
        parent_unit_code="nobody",
        host_township_codes=("350626100000",),
    )
    plugins.register_module("broken", _broken_plugin((bad_unit,)))
    slug = f"broken-{uuid.uuid4().hex[:6]}"
    response = await client.post(
        "/api/v1/tenants",
        json={"slug": slug, "name": "坏县", "plugin": "broken"},
        headers=tenant.auth(tenant.platform),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "'broken'" in detail and "qingdan_jurisdiction" in detail and "orphan-office" in detail
    assert await find_tenant(slug) is None

    raising = types.ModuleType("raising_county")

    def qingdan_jurisdiction() -> JurisdictionInfo:
        raise RuntimeError("data file missing")

    raising.qingdan_jurisdiction = hookimpl(qingdan_jurisdiction)  # type: ignore[attr-defined]
    plugins.register_module("raising", raising)
    failed = await client.post(
        "/api/v1/tenants",
        json={"slug": slug, "name": "坏县", "plugin": "raising"},
        headers=tenant.auth(tenant.platform),
    )
    assert failed.status_code == 422 and "data file missing" in failed.json()["detail"]
    assert await find_tenant(slug) is None
    # Tenants of other plugins keep working.
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth())).status_code == 200


async def test_tenant_and_audit_reads_are_scoped(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    assert (await client.get(tenant.base, headers=tenant.auth(tenant.reader))).json()["slug"] == tenant.slug
    assert (await client.get(tenant.base, headers=other.auth())).status_code == 404
    assert (await client.get(f"{tenant.base}/audit-events", headers=other.auth())).status_code == 404
    assert (await client.get(f"{tenant.base}/audit-events", headers=tenant.auth(tenant.reader))).status_code == 403
    bad = await client.get(f"{tenant.base}/audit-events", params={"cursor": "%%%"}, headers=tenant.auth())
    assert bad.status_code == 400
    events = (await client.get(f"{tenant.base}/audit-events", headers=tenant.auth())).json()["items"]
    assert {e["entity"] for e in events} >= {"jurisdiction", "api_key"}
    assert all(e["actor_role"] for e in events)


async def test_a_tenant_without_a_plugin_starts_with_its_own_division(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    slug = f"anxi-{uuid.uuid4().hex[:6]}"
    created = await client.post(
        "/api/v1/tenants",
        json={"slug": slug, "name": "安溪县", "division_code": "350524"},
        headers=tenant.auth(tenant.platform),
    )
    assert created.status_code == 201, created.text
    root = await client.get(f"/api/v1/tenants/{slug}/jurisdictions/350524", headers=tenant.auth(tenant.platform))
    assert root.json()["name"] == "安溪县" and root.json()["kind"] == "county"
    structure = await client.get(f"/api/v1/tenants/{slug}/catalog/structure", headers=tenant.auth(tenant.platform))
    assert [k["code"] for k in structure.json()["kinds"]] == ["basic", "cooperating", "recovered"]
