"""Health, readiness, request ids, signed downloads and the committed contracts."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx

from api.cli import contracts
from core.security.tenancy import find_tenant
from tests.conftest import TenantFixture

ROOT = Path(__file__).resolve().parent.parent


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_request_id_is_returned_and_kept(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    kept = await client.get(f"{tenant.base}/jurisdictions/000000", headers={**tenant.auth(), "X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    assert kept.json()["request_id"] == "abc-123"  # problems quote it too
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert unsafe.headers["x-request-id"] != "bad id\twith spaces"


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    missing = await client.get("/api/v1/nothing-here", headers=tenant.auth())
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    method = await client.put(f"{tenant.base}/jurisdictions", json={}, headers=tenant.auth())
    assert method.status_code == 405 and method.json()["status"] == 405


async def test_signed_download_links(client: httpx.AsyncClient, app: Any, tenant: TenantFixture) -> None:
    storage = app.state.storage
    found = await find_tenant(tenant.slug)
    assert found
    await storage.put(found.id, "handbooks/柳城.txt", "柳城街道履职事项清单".encode(), "text/plain")
    url = await storage.download_url(found.id, "handbooks/柳城.txt")
    path = httpx.URL(url).path
    got = await client.get(path)
    assert got.status_code == 200 and got.content.decode() == "柳城街道履职事项清单"
    assert "attachment" in got.headers["content-disposition"]
    tampered = await client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))
    assert tampered.status_code == 422 and tampered.headers["content-type"].startswith("application/problem+json")
    other = await client.get(f"/files/{uuid.uuid4().hex}")
    assert other.status_code == 422


def test_committed_contracts_match_the_code() -> None:
    """`qingdan openapi --check` in test form: regenerate and compare."""
    for name, text in contracts().items():
        committed = (ROOT / "openapi" / name).read_text(encoding="utf-8")
        assert committed == text, f"openapi/{name} drifted from the code: run `qingdan openapi`"


def test_openapi_document_is_complete() -> None:
    import json

    document = json.loads(contracts()["openapi.json"])
    assert document["openapi"].startswith("3.1")
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert all(op.get("operationId") for op in operations)
    assert "/graphql" not in document["paths"]
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
