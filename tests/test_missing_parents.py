"""A list under a parent that does not exist answers 404, not ``200 []`` (issue 17 item 5).

``…/catalog/items/NO-SUCH-ITEM/claims``, ``…/provenance`` and ``…/townships/999999999999/assignments``
answered an empty list, so a client could not tell a typo from "nothing yet". The statements
check the parent in the same query (core.platform.rows.under_parent). Another tenant's parent
is missing too.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.catalog_fixtures import DOMAIN, PATROL, add_items, build_county, publish
from tests.conftest import TenantFixture

LIUCHENG = "510115001000"
MISSING = {"str": "NO-SUCH-ITEM", "int": "999999999", "uuid": "00000000-0000-0000-0000-000000000000"}


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL)
    await publish(client, tenant)
    return tenant


def assert_not_found(response: httpx.Response) -> None:
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_lists_under_a_missing_parent_are_404(client: httpx.AsyncClient, county: TenantFixture) -> None:
    t = county
    for path in (
        "/catalog/items/NO-SUCH-ITEM/claims",
        "/catalog/items/NO-SUCH-ITEM/provenance",
        "/townships/999999999999/assignments",
        f"/townships/{t.division_code}/assignments",  # the county is a jurisdiction, not a township
    ):
        assert_not_found(await client.get(t.base + path, headers=t.auth()))


async def test_an_existing_parent_without_children_is_an_empty_list(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    t = county
    for path in (
        "/catalog/items/SAF-01/claims",
        "/catalog/items/SAF-01/provenance",
        f"/townships/{LIUCHENG}/assignments",
    ):
        response = await client.get(t.base + path, headers=t.auth())
        assert response.status_code == 200 and response.json() == [], (path, response.text)


async def test_another_tenants_parent_is_404(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    """``other`` has no item SAF-01 and no township of its own: county's parents are missing there."""
    for path in ("/catalog/items/SAF-01/claims", "/catalog/items/SAF-01/provenance"):
        assert_not_found(await client.get(other.base + path, headers=other.auth()))
        # and the county's own URL with the other tenant's key reveals nothing either
        assert_not_found(await client.get(county.base + path, headers=other.auth()))
    assert_not_found(await client.get(f"{other.base}/townships/{LIUCHENG}/assignments", headers=other.auth()))


async def test_no_get_under_a_missing_parent_answers_200(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """Every GET route with a path parameter besides the tenant, asked for a parent that does
    not exist, answers an error: a new list endpoint that forgets its parent fails here."""
    app = client._transport.app  # type: ignore[attr-defined]
    answered = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "GET" not in handler.http_methods:
                continue
            url = route.path.replace("{tenant:str}", county.slug)
            params = re.findall(r"\{(\w+):(\w+)\}", url)
            if not params or any(kind not in MISSING for _, kind in params):
                continue
            for name, kind in params:
                url = url.replace(f"{{{name}:{kind}}}", MISSING[kind])
            response = await client.get(url, headers=county.auth())
            if response.status_code < 400:
                answered.append((url, response.status_code, response.text[:80]))
    assert answered == []


@pytest.mark.parametrize("cursor", ["-1", "abc", "LTE", "0", "-5", "%%%"])
async def test_invalid_cursors_are_400(client: httpx.AsyncClient, county: TenantFixture, cursor: str) -> None:
    """A cursor this API never issued (negative, non-numeric, garbage) is a malformed request."""
    t = county
    for path in ("/units", "/jurisdictions", "/catalog/items", "/events", "/audit-events", "/calls"):
        response = await client.get(t.base + path, params={"cursor": cursor}, headers=t.auth())
        assert response.status_code == 400, (path, cursor, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"
