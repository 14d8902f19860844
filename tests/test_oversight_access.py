"""Oversight access (issue 21): who may read which county, through every oversight route and
GraphQL field, and what an overseer never sees (docs/oversight.md).

County A is published (streets 柳城 and 公平 publish their lists with contact phone numbers,
天府 keeps a draft) and then opens a catalog draft holding an item nobody published; counties B
and C are empty (B has stored indicators). A province is granted by A and C, never by B; a city
by nobody. Everything goes over HTTP (REST and /graphql) as a client would, except the checks that
read tables directly as the oversight role, which show the database refusing by itself."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import load_workbook

from core.calls.reading import CHINA
from core.oversight.storage import store_indicators
from core.platform.db import oversee, oversight_transaction, queries, tenant_transaction
from core.platform.errors import ValidationFailed
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import DOMAIN, PATROL, RECOVERED, add_items, build_county, publish
from tests.conftest import MakeTenant, TenantFixture
from tests.oversight_fixtures import EMERGENCY, build_oversight_county
from tests.portal_fixtures import GONGPING, LIUCHENG, TIANFU, published_county

CONTACTS = ("028-82700001", "028-82700002")
DRAFT_ITEM = {
    "code": "DRAFT-01",
    "title": "尚未公布的草稿事项",
    "level": "domain",
    "kinds": ["basic"],
    "category": "safety",
    "adjustment": {"reason_kind": "other", "reason": "草稿，尚未公布"},
}
AS_OF = "2025-06-30"
INDICATORS = {"counts": {"basic": 3, "cooperating": 1}, "township_count": 2}
COUNTY_FIELDS = """
  slug name divisionCode grantedAt
  townshipLists(asOf: "2025-06-30") { townshipCode townshipName number entries }
  townshipList(township: "510115001000") { number entries { itemCode title responsibleOffice post } }
  catalogVersions { number publishedAt }
  catalogItems(version: 1, first: 500) { items { code title citations } nextCursor }
  indicators(asOf: "2025-06-30") { asOf county { total } townships { code figures { total } } pushDown { count } }
"""
OVERSEEN = (
    "query($t: String!, $c: String!) { tenant(slug: $t) { kind overseenCounties { slug }"
    f" overseenCounty(slug: $c) {{ {COUNTY_FIELDS} }} }} }}"
)
# Each field of a county alone: a field resolved after a revocation must refuse by itself.
SINGLE_FIELDS = [f.strip() for f in COUNTY_FIELDS.strip().splitlines()[1:]]
# The comparisons, naming $c (as_of: the day the fixture's lists are in force).
COMPARING = [
    'oversightComparison(counties: ["%s"], asOf: "2025-06-30") { counties shared { label } }',
    'oversightContrasts(countyLevel: "%s", townshipLevel: "%s", asOf: "2025-06-30") { label }',
]
GRANTS = "query($t: String!) { tenant(slug: $t) { oversightGrants { overseer active grantedBy revokedAt } } }"
GRANT = (
    "mutation($t: String!, $o: String!) { grantOversight(tenant: $t, overseer: $o) {"
    " __typename ... on OversightGrant { overseer active } ... on Problem { status type } } }"
)
REVOKE = GRANT.replace("grantOversight", "revokeOversight")


@dataclass
class World:
    a: TenantFixture
    b: TenantFixture
    c: TenantFixture
    province: TenantFixture
    city: TenantFixture

    def oversight(self, overseer: TenantFixture, county: TenantFixture | str = "") -> str:
        slug = county if isinstance(county, str) else county.slug
        return f"{overseer.base}/oversight/counties" + (f"/{slug}" if slug else "")


async def _store_indicators(t: TenantFixture) -> None:
    tenant = await find_tenant(t.slug)
    assert tenant is not None
    async with tenant_transaction(tenant.id) as conn:
        await store_indicators(conn, tenant.id, datetime.date.fromisoformat(AS_OF), INDICATORS)


@pytest.fixture
async def world(client: httpx.AsyncClient, make_tenant: MakeTenant) -> World:
    a = await published_county(client, await make_tenant())
    await add_items(client, a, DRAFT_ITEM)  # a draft catalog version, numbered after the published one
    b = await make_tenant()
    await _store_indicators(b)  # A's are computed on the first request
    province = await make_tenant(division_code="370000", kind="province")
    city = await make_tenant(division_code="370900", kind="city")
    granted = await client.put(f"{a.base}/oversight/grants/{province.slug}", headers=a.auth())
    assert granted.status_code == 200, granted.text
    c = await make_tenant()  # an empty county that granted the province too: A's contrasts need a second
    assert (await client.put(f"{c.base}/oversight/grants/{province.slug}", headers=c.auth())).status_code == 200
    return World(a, b, c, province, city)


def county_routes(w: World, overseer: TenantFixture, county: TenantFixture | str) -> list[str]:
    """Every REST route that reads an overseen county, naming ``county`` (the contrasts also name
    a county the overseer may read, after it)."""
    base = w.oversight(overseer, county)
    slug = county if isinstance(county, str) else county.slug
    return [
        base,
        f"{base}/townships",
        f"{base}/townships/{LIUCHENG}/list",
        f"{base}/catalog/versions",
        f"{base}/catalog/versions/1/items",
        f"{base}/indicators?as_of={AS_OF}",
        f"{base}/report?as_of={AS_OF}",
        f"{base}/report?as_of={AS_OF}&format=xlsx",
        f"{overseer.base}/oversight/comparison?counties={slug}",
        f"{overseer.base}/oversight/contrasts?county_level={slug}&township_level={w.c.slug}",
    ]


async def gql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    _no_personal_data(response.text)
    return dict(response.json())


async def assert_unreadable(client: httpx.AsyncClient, w: World, overseer: TenantFixture, county: str) -> None:
    """``county`` is not there for ``overseer``: 404 on every route, null or a not-found error on
    every GraphQL field, and not among its counties."""
    for url in county_routes(w, overseer, county):
        response = await client.get(url, headers=overseer.auth())
        assert response.status_code == 404, (url, response.text)
        assert response.json()["code"] == "not-found"
    listed = await client.get(w.oversight(overseer), headers=overseer.auth())
    assert county not in [c["slug"] for c in listed.json()]
    body = await gql(client, overseer.reader, OVERSEEN, t=overseer.slug, c=county)
    assert body["data"]["tenant"]["overseenCounty"] is None and not body.get("errors"), body
    for field in COMPARING:
        query = f'{{ tenant(slug: "{overseer.slug}") {{ {field % (county, w.c.slug)[: field.count("%s")]} }} }}'
        body = await gql(client, overseer.reader, query)
        assert body["errors"][0]["extensions"]["code"] == "not-found", (field, body)


def _no_personal_data(text: str) -> None:
    for contact in CONTACTS:
        assert contact not in text


async def test_a_granted_overseer_reads_what_the_county_published(client: httpx.AsyncClient, world: World) -> None:
    w = world
    for key in (w.province.admin, w.province.reader, w.province.platform):
        counties = await client.get(w.oversight(w.province), headers=w.province.auth(key))
        assert counties.status_code == 200, counties.text
        assert sorted(c["slug"] for c in counties.json()) == sorted([w.a.slug, w.c.slug])
    h = w.province.auth(w.province.reader)
    for url in county_routes(w, w.province, w.a):
        response = await client.get(url, headers=h)
        assert response.status_code == 200, (url, response.text)
        if "report" not in url:  # binary; the workbook is read below
            _no_personal_data(response.text)
            assert DRAFT_ITEM["code"] not in response.text
    base = w.oversight(w.province, w.a)
    lists = (await client.get(f"{base}/townships", headers=h)).json()
    assert [(x["township_code"], x["number"]) for x in lists] == [(LIUCHENG, 1), (GONGPING, 1)]  # 天府: a draft
    listed = (await client.get(f"{base}/townships/{LIUCHENG}/list", headers=h)).json()
    fire = next(e for e in listed["entries"] if e["item_code"] == "SAF-03")
    assert fire["responsible_office"] == "平安法治办公室" and fire["post"] == "消防专干"
    assert "contact" not in fire and "note" not in fire
    assert len(listed["entries"]) == lists[0]["entries"] > 0
    # Before any list took effect there is none in force.
    assert (await client.get(f"{base}/townships?as_of=2024-12-31", headers=h)).json() == []
    versions = (await client.get(f"{base}/catalog/versions", headers=h)).json()
    assert [v["number"] for v in versions] == [1]
    items = (await client.get(f"{base}/catalog/versions/1/items?limit=2", headers=h)).json()
    assert len(items["items"]) == 2 and items["next_cursor"]
    rest = (await client.get(f"{base}/catalog/versions/1/items?cursor={items['next_cursor']}", headers=h)).json()
    codes = [i["code"] for i in items["items"] + rest["items"]]
    assert codes == sorted(codes) and "SAF-03" in codes and DRAFT_ITEM["code"] not in codes
    fire_item = next(i for i in rest["items"] + items["items"] if i["code"] == "SAF-03")
    assert fire_item["citations"] == ["《中华人民共和国消防法》第三十条"]
    indicators = (await client.get(f"{base}/indicators?as_of={AS_OF}", headers=h)).json()
    assert indicators["as_of"] == AS_OF and [t["code"] for t in indicators["townships"]][:2] == [LIUCHENG, GONGPING]
    again = (await client.get(f"{base}/indicators?as_of={AS_OF}", headers=h)).json()
    assert again["computed_at"] == indicators["computed_at"]  # stored on the first request, read since
    workbook = await client.get(f"{base}/report?as_of={AS_OF}&format=xlsx", headers=h)
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    cells = " ".join(
        str(c)
        for ws in load_workbook(io.BytesIO(workbook.content)).worksheets
        for r in ws.iter_rows(values_only=True)
        for c in r
    )
    assert "柳城街道" in cells
    _no_personal_data(cells)
    pdf = await client.get(f"{base}/report?as_of={AS_OF}", headers=h)
    assert pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    compared = (await client.get(f"{w.province.base}/oversight/comparison", headers=h)).json()
    assert compared["counties"] == ["测试县", "测试县"] and compared["contrasts"] == []  # C cites nothing
    # The same through GraphQL.
    body = await gql(client, w.province.reader, OVERSEEN, t=w.province.slug, c=w.a.slug)
    assert not body.get("errors"), body
    node = body["data"]["tenant"]
    assert node["kind"] == "province" and {c["slug"] for c in node["overseenCounties"]} == {w.a.slug, w.c.slug}
    county = node["overseenCounty"]
    assert [x["townshipCode"] for x in county["townshipLists"]] == [LIUCHENG, GONGPING]
    assert county["townshipList"]["number"] == 1 and county["catalogVersions"][0]["number"] == 1
    assert DRAFT_ITEM["code"] not in [i["code"] for i in county["catalogItems"]["items"]]
    assert county["indicators"]["asOf"] == AS_OF
    assert [t["code"] for t in county["indicators"]["townships"]][:2] == [LIUCHENG, GONGPING]


async def test_bad_input_answers_a_clear_problem(client: httpx.AsyncClient, world: World) -> None:
    w, h = world, world.province.auth()
    base = w.oversight(w.province, w.a)
    for url, status in [
        (f"{base}/indicators", 400),  # as_of is required
        (f"{base}/indicators?as_of=2025-13-01", 400),
        (f"{base}/townships?as_of=yesterday", 400),
        (f"{base}/catalog/versions/1/items?limit=0", 400),
        (f"{base}/catalog/versions/1/items?cursor=%%%", 400),
        (f"{base}/townships/999999999999/list", 404),
        (f"{base}/indicators?as_of=2999-01-01", 422),  # nothing stored, and never computed for the future
        (f"{base}/indicators?as_of=1900-01-01", 422),
    ]:
        response = await client.get(url, headers=h)
        assert response.status_code == status, (url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_without_a_grant_every_route_and_field_is_not_found(client: httpx.AsyncClient, world: World) -> None:
    w = world
    await assert_unreadable(client, w, w.province, w.b.slug)  # B granted nobody
    await assert_unreadable(client, w, w.city, w.a.slug)  # A granted the province, not the city
    await assert_unreadable(client, w, w.province, "no-such-county")
    await assert_unreadable(client, w, w.province, w.province.slug)  # an overseer is not a county
    for url in county_routes(w, w.city, w.a):
        assert (await client.get(url, headers=w.city.auth(w.city.platform))).status_code == 404


async def test_revoking_takes_effect_on_the_next_request(client: httpx.AsyncClient, world: World) -> None:
    w = world
    for url in county_routes(w, w.province, w.a):
        assert (await client.get(url, headers=w.province.auth())).status_code == 200, url
    revoked = await client.post(f"{w.a.base}/oversight/grants/{w.province.slug}/revoke", headers=w.a.auth())
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["active"] is False and revoked.json()["revoked_at"]
    await assert_unreadable(client, w, w.province, w.a.slug)
    # Granted again (through GraphQL), then revoked while a client still holds the county: each
    # field of it reads the grant again and refuses on its own.
    again = await gql(client, w.a.admin, GRANT, t=w.a.slug, o=w.province.slug)
    assert again["data"]["grantOversight"] == {
        "__typename": "OversightGrant",
        "overseer": w.province.slug,
        "active": True,
    }
    assert (await client.get(w.oversight(w.province, w.a), headers=w.province.auth())).status_code == 200
    gone = await gql(client, w.a.admin, REVOKE, t=w.a.slug, o=w.province.slug)
    assert gone["data"]["revokeOversight"]["active"] is False
    for field in SINGLE_FIELDS:
        if not any(word in field for word in ("township", "catalog", "indicators")):
            continue
        query = (
            f'query($c: String!) {{ tenant(slug: "{w.province.slug}") {{ overseenCounty(slug: $c) {{ {field} }} }} }}'
        )
        body = await gql(client, w.province.admin, query, c=w.a.slug)
        assert body["data"]["tenant"]["overseenCounty"] is None, (field, body)
    twice = await gql(client, w.a.admin, REVOKE, t=w.a.slug, o=w.province.slug)
    assert twice["data"]["revokeOversight"] == {"__typename": "Problem", "status": 404, "type": "not-found"}
    events = await client.get(f"{w.a.base}/audit-events?entity=oversight_grant", headers=w.a.auth())
    assert [e["action"] for e in events.json()["items"]] == ["revoke", "grant", "revoke", "grant"]  # newest first
    assert {e["entity_key"] for e in events.json()["items"]} == {w.province.slug}


async def test_the_database_refuses_drafts_keys_and_personal_data(client: httpx.AsyncClient, world: World) -> None:
    """In an oversight transaction that has read A's grant and oversees A, the role itself sees
    only what was published and may not read the columns and tables of private data, nor write."""
    w = world
    a, c, province = await find_tenant(w.a.slug), await find_tenant(w.c.slug), await find_tenant(w.province.slug)
    assert a and c and province
    base = w.oversight(w.province, w.a)
    assert (await client.get(f"{base}/catalog/versions/2/items", headers=w.province.auth())).status_code == 404
    assert (await client.get(f"{base}/townships/{TIANFU}/list", headers=w.province.auth())).status_code == 404
    refused = [
        "SELECT contact FROM township_entry_spans",
        "SELECT note FROM township_entry_spans",
        "SELECT * FROM township_version_entries",
        "SELECT * FROM township_entries",  # working copies (drafts)
        "SELECT * FROM township_lists",
        "SELECT * FROM api_keys",
        "SELECT * FROM calls",
        "SELECT * FROM call_steps",
        "SELECT contacts FROM units",
        "SELECT settings FROM tenants",
        "SELECT * FROM published_list_bodies",
        "SELECT * FROM audit_events",
        "INSERT INTO burden_indicators (tenant_id, as_of, computed_at, body) VALUES ($1, '2030-01-01', now(), '{}')",
        "UPDATE jurisdictions SET name = 'x' WHERE tenant_id = $1",
        "DELETE FROM township_list_versions WHERE tenant_id = $1",
        "UPDATE oversight_grants SET revoked_at = NULL WHERE tenant_id = $1",
    ]
    for sql in refused:
        async with oversight_transaction(province.id) as conn:
            await oversee(conn, [a.id], 1)
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql, *([a.id] if "$1" in sql else []))
    async with oversight_transaction(province.id) as conn:
        grants = await conn.fetch("SELECT tenant_id FROM oversight_grants")  # only grants naming it
        assert {g["tenant_id"] for g in grants} == {a.id, c.id}
        assert await conn.fetchval("SELECT count(*) FROM township_list_versions") == 0  # nothing before oversee()
        await oversee(conn, [a.id], 1)
        drafts = await conn.fetchval("SELECT count(*) FROM catalog_versions WHERE status = 'draft'")
        assert drafts == 0
        versions = await conn.fetch("SELECT DISTINCT version FROM catalog_items")
        assert [v["version"] for v in versions] == [1]
        assert await conn.fetchval("SELECT count(*) FROM catalog_items WHERE code = $1", DRAFT_ITEM["code"]) == 0
        tenants = await conn.fetch("SELECT id FROM tenants")
        assert [t["id"] for t in tenants] == [a.id]
        assert await conn.fetchval("SELECT count(*) FROM burden_indicators WHERE tenant_id <> $1", a.id) == 0
        assert await conn.fetchval("SELECT count(*) FROM township_list_versions") == 2
    # Counties the overseer was not granted stay invisible even if named (the scope never names
    # them: it reads the grant first), and a tenant or platform transaction cannot nest inside.
    async with oversight_transaction(province.id) as conn:
        with pytest.raises(RuntimeError):
            async with tenant_transaction(a.id):
                pass


async def test_an_overseer_changes_nothing_of_a_county(client: httpx.AsyncClient, world: World) -> None:
    w = world
    for key in (w.province.admin, w.province.reader):
        h = w.province.auth(key)
        # The county's own routes are another tenant's: 404, as for any tenant.
        for method, url in [
            ("GET", f"{w.a.base}/townships/{LIUCHENG}/list"),
            ("GET", f"{w.a.base}/catalog/versions/draft"),
            ("GET", f"{w.a.base}/oversight/grants"),
            ("PUT", f"{w.a.base}/oversight/grants/{w.city.slug}"),
            ("POST", f"{w.a.base}/oversight/grants/{w.province.slug}/revoke"),
            ("POST", f"{w.a.base}/catalog/items"),
        ]:
            response = await client.request(method, url, headers=h, json={} if method != "GET" else None)
            assert response.status_code == 404, (method, url, response.text)
        body = await gql(client, key, GRANT, t=w.a.slug, o=w.city.slug)
        assert body["data"]["grantOversight"]["status"] == 404
    # An overseer grants nothing of its own, nor may a county grant to a county.
    own = await client.put(f"{w.province.base}/oversight/grants/{w.city.slug}", headers=w.province.auth())
    assert own.status_code == 403, own.text
    county = await client.put(f"{w.a.base}/oversight/grants/{w.b.slug}", headers=w.a.auth())
    assert county.status_code == 422 and county.json()["errors"][0]["field"] == "overseer"
    grants = (await client.get(f"{w.a.base}/oversight/grants", headers=w.a.auth())).json()
    assert [(g["overseer"], g["active"]) for g in grants] == [(w.province.slug, True)]


async def test_a_county_reads_no_other_county_through_oversight(client: httpx.AsyncClient, world: World) -> None:
    w = world
    for url in county_routes(w, w.b, w.a):  # B's own oversight routes, naming A
        response = await client.get(url, headers=w.b.auth())
        assert response.status_code == 403, (url, response.text)
        _no_personal_data(response.text)
    assert (await client.get(w.oversight(w.b), headers=w.b.auth())).status_code == 403
    for url in county_routes(w, w.a, w.a) + county_routes(w, w.province, w.a):  # A's and the province's paths
        assert (await client.get(url, headers=w.b.auth())).status_code in (403, 404), url
    body = await gql(client, w.b.admin, OVERSEEN, t=w.b.slug, c=w.a.slug)
    assert body["data"] is None or not (body["data"]["tenant"] or {}).get("overseenCounty"), body
    assert body.get("errors") and body["errors"][0]["extensions"]["code"] == "forbidden"


async def test_grants_belong_to_the_county(client: httpx.AsyncClient, world: World, make_tenant: MakeTenant) -> None:
    """Only the county's admin or the platform lists, grants and revokes; another tenant gets 404."""
    w = world
    grants_url = f"{w.a.base}/oversight/grants"
    assert (await client.get(grants_url, headers=w.a.auth(w.a.reader))).status_code == 403
    assert (await client.put(f"{grants_url}/{w.city.slug}", headers=w.a.auth(w.a.reader))).status_code == 403
    for key in (w.b.admin, w.city.admin, w.province.admin):
        assert (await client.get(grants_url, headers={"Authorization": f"Bearer {key}"})).status_code == 404
        body = await gql(client, key, GRANTS, t=w.a.slug)
        assert body["data"]["tenant"] is None
    # The platform grants for the county; the grant names who made it.
    by_platform = await client.put(f"{grants_url}/{w.city.slug}", headers=w.a.auth(w.a.platform))
    assert by_platform.status_code == 200 and by_platform.json()["granted_by"].startswith("platform")
    again = await client.put(f"{grants_url}/{w.city.slug}", headers=w.a.auth())  # already active: unchanged
    assert again.json()["granted_at"] == by_platform.json()["granted_at"]
    listed = await gql(client, w.a.admin, GRANTS, t=w.a.slug)
    assert {g["overseer"] for g in listed["data"]["tenant"]["oversightGrants"]} == {w.province.slug, w.city.slug}
    assert (await client.get(w.oversight(w.city), headers=w.city.auth())).json()[0]["slug"] == w.a.slug
    assert (await client.put(f"{grants_url}/nobody-here", headers=w.a.auth())).status_code == 422
    assert (await client.put(f"{grants_url}/Bad_Slug", headers=w.a.auth())).status_code == 422
    assert (await client.post(f"{grants_url}/nobody-here/revoke", headers=w.a.auth())).status_code == 404
    # Another county's grants and the city's stay their own.
    assert (await client.get(f"{w.b.base}/oversight/grants", headers=w.b.auth())).json() == []


async def test_an_overseer_has_a_province_or_city_code_and_no_plugin(make_tenant: MakeTenant) -> None:
    for code, kind in [("370900", "province"), ("370000", "city"), ("370902", "city")]:
        with pytest.raises(ValidationFailed):
            await make_tenant(division_code=code, kind=kind)
    with pytest.raises(ValidationFailed):
        await make_tenant(plugin="taian", kind="city")


async def test_an_overseers_refusals_answer_in_the_language_asked(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """Provisioning a city or province with a county's code, or with a plugin: the problem's
    detail and field message in Chinese when asked (Accept-Language), in English otherwise
    (the machine API's default, the words its clients were written against)."""
    city = (
        "市级租户的区划代码是六位数字，形如 NNNN00（不能是 NN0000）",
        "a city's division code is six digits NNNN00 (not NN0000)",
    )
    cases = [
        ({"kind": "province", "division_code": "370900"}, "division_code", "省级租户的区划代码是六位数字，形如 NN0000",
         "a province's division code is six digits NN0000"),
        ({"kind": "city", "division_code": "370000"}, "division_code", *city),
        ({"kind": "city", "division_code": "370902"}, "division_code", *city),
        ({"kind": "city", "plugin": "taian"}, "plugin", "市、省租户监督各县（区），不使用插件",
         "a city or province tenant oversees counties; it takes no plugin"),
        ({"kind": "province"}, "division_code", "未指定插件时必须填写", "required when no plugin is named"),
    ]  # fmt: skip
    platform = tenant.auth(tenant.platform)
    for given, field, chinese, english in cases:
        body = {"slug": "overseer-refused", "name": "山东省", **given}
        for language, headers, message in [
            ("zh-CN", {**platform, "Accept-Language": "zh-CN,zh;q=0.9"}, chinese),
            ("en", {**platform, "Accept-Language": "en"}, english),
            ("en", platform, english),
        ]:
            response = await client.post("/api/v1/tenants", json=body, headers=headers)
            assert response.status_code == 422, (given, response.text)
            assert response.headers["content-language"] == language, (given, headers)
            problem = response.json()
            assert problem["code"] == "validation-failed"
            assert problem["errors"] == [{"field": field, "message": message}], problem
            assert problem["detail"] == (f"{field}：{message}" if language == "zh-CN" else f"{field}: {message}")
    assert await find_tenant("overseer-refused") is None


async def test_the_rules_hold_for_a_county_with_a_catalog_only(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    """The same rules without published township lists: this one also runs on a Citus cluster
    (``QINGDAN_TEST_CITUS=1``), where publishing a township list fails on main today (its spans
    are written by an ``INSERT … SELECT`` that Citus turns into a COPY, refused under row-level
    security) — grants read across shards, the county's reads routed to its worker, the role's
    column and write refusals on the worker, revocation on the next request."""
    a, b = await make_tenant(), await make_tenant()
    await build_county(client, a)
    await add_items(client, a, DOMAIN, PATROL)
    await publish(client, a)
    province = await make_tenant(division_code="370000", kind="province")
    assert (await client.put(f"{a.base}/oversight/grants/{province.slug}", headers=a.auth())).status_code == 200
    base, h = f"{province.base}/oversight/counties", province.auth()
    assert [c["slug"] for c in (await client.get(base, headers=h)).json()] == [a.slug]
    for path in ("", "/townships", "/catalog/versions", "/catalog/versions/1/items", f"/indicators?as_of={AS_OF}"):
        assert (await client.get(f"{base}/{a.slug}{path}", headers=h)).status_code == 200, path
        assert (await client.get(f"{base}/{b.slug}{path}", headers=h)).status_code == 404, path
    assert (await client.get(f"{province.base}/oversight/comparison", headers=h)).status_code == 200
    county, overseer = await find_tenant(a.slug), await find_tenant(province.slug)
    assert county and overseer
    async with oversight_transaction(overseer.id) as conn:
        await oversee(conn, [county.id], 1)
        assert await conn.fetchval("SELECT count(*) FROM catalog_items WHERE tenant_id = $1", county.id) == 2
    for sql in (
        "SELECT contact FROM township_entry_spans WHERE tenant_id = $1",
        "UPDATE jurisdictions SET name = 'x' WHERE tenant_id = $1",
    ):
        async with oversight_transaction(overseer.id) as conn:
            await oversee(conn, [county.id], 1)
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql, county.id)
    assert (await client.post(f"{a.base}/oversight/grants/{province.slug}/revoke", headers=a.auth())).status_code == 200
    assert (await client.get(f"{base}/{a.slug}/catalog/versions", headers=h)).status_code == 404


# --- the typed GraphQL results are the REST bodies ---------------------------------------------

FIGURES = (
    "townships townshipsWithList basic cooperating recovered other total basicPerTownship cooperatingPerTownship"
    " recoveredPerTownship totalPerTownship basicRatio cooperatingRatio recoveredRatio totalRatio"
)
INDICATOR = "code label count base share items { code title townships reason note }"
INDICATOR_FIELDS = f"""
  tenantId countyName divisionCode asOf computedAt
  national {{ basic cooperating recovered total }}
  county {{ {FIGURES} }}
  townships {{ code name townshipType townshipTypeLabel listVersion effectiveDate district figures {{ {FIGURES} }} }}
  districts {{ code name unit figures {{ {FIGURES} }} }}
  townshipTypes {{ townshipType label figures {{ {FIGURES} }} }}
  kinds {{ kind label role entries items }}
  pushDown {{ {INDICATOR} }} withoutAdmission {{ {INDICATOR} }}
  inactiveRecovered {{ {INDICATOR} }} evaluationOnCountyItems {{ {INDICATOR} }}
  callPeriod {{ start end }}
  departments {{
    unitCode unitName unitKind received signedOnTime signedOnTimeRate answered answeredOnTime answeredOnTimeRate
    sentBack sendBackRate rerouted rerouteRate rated satisfactionRate
  }}
"""
DUTY = "tenantId unit countyName side items { code title role side townships }"
CONTRAST = f"label documentId article countyLevel {{ {DUTY} }} townshipLevel {{ {DUTY} }}"
TYPED = (
    "query($t: String!, $c: String!, $d: String!, $day: Date!) { tenant(slug: $t) {"
    f" overseenCounty(slug: $c) {{ indicators(asOf: $day) {{ {INDICATOR_FIELDS} }} }}"
    " oversightComparison(counties: [$c, $d], asOf: $day) {"
    f" counties units shared {{ documentId documentTitle article label counties {{ {DUTY} }} }}"
    f" contrasts {{ {CONTRAST} }} }}"
    f" oversightContrasts(countyLevel: $d, townshipLevel: $c, asOf: $day) {{ {CONTRAST} }} }} }}"
)

INDICATORS_ONLY = (
    "query($t: String!, $c: String!, $day: Date!) { tenant(slug: $t) {"
    f" overseenCounty(slug: $c) {{ indicators(asOf: $day) {{ {INDICATOR_FIELDS} }} }} }} }}"
)


def snake(value: Any) -> Any:
    """A GraphQL answer with REST's field names (``townshipsWithList`` → ``townships_with_list``)."""
    if isinstance(value, list):
        return [snake(v) for v in value]
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): snake(v) for k, v in value.items()}
    return value


async def test_graphql_answers_the_rest_bodies_field_for_field(
    client: httpx.AsyncClient, tenant: TenantFixture, make_tenant: MakeTenant
) -> None:
    """A county whose every indicator has items behind it and whose calls make department
    statistics (tests/oversight_fixtures.py), and a county that keeps one of its duties at the
    county level: every field of the REST answers is a typed GraphQL field with the same value."""
    await build_oversight_county(client, tenant)
    keeper = await make_tenant()
    await build_county(client, keeper)
    await add_items(client, keeper, DOMAIN, {**RECOVERED, "citations": PATROL["citations"]})
    await publish(client, keeper)
    province = await make_tenant(division_code="370000", kind="province")
    for county in (tenant, keeper):
        granted = await client.put(f"{county.base}/oversight/grants/{province.slug}", headers=county.auth())
        assert granted.status_code == 200, granted.text
    day = str(datetime.datetime.now(CHINA).date())  # today: the call is in the period
    h = province.auth(province.reader)
    base = f"{province.base}/oversight"
    rest_indicators = (await client.get(f"{base}/counties/{tenant.slug}/indicators?as_of={day}", headers=h)).json()
    compared = await client.get(
        f"{base}/comparison?counties={tenant.slug}&counties={keeper.slug}&as_of={day}", headers=h
    )
    contrasts = await client.get(
        f"{base}/contrasts?county_level={keeper.slug}&township_level={tenant.slug}&as_of={day}", headers=h
    )
    assert compared.status_code == contrasts.status_code == 200, (compared.text, contrasts.text)

    body = await gql(client, province.reader, TYPED, t=province.slug, c=tenant.slug, d=keeper.slug, day=day)
    assert not body.get("errors"), body
    node = snake(body["data"]["tenant"])
    indicators = node["overseen_county"]["indicators"]
    # The same instant; REST writes UTC as Z, GraphQL's DateTime as +00:00.
    for answer in (indicators, rest_indicators):
        answer["computed_at"] = datetime.datetime.fromisoformat(answer["computed_at"])
    assert indicators == rest_indicators
    for name in ("push_down", "without_admission", "inactive_recovered", "evaluation_on_county_items"):
        assert indicators[name]["items"], name  # the fixture puts items behind every indicator
    assert [d["received"] for d in indicators["departments"] if d["unit_code"] == EMERGENCY] == [1]

    # Statements (indicators now stored): the GraphQL fields cost what the REST reads do — the
    # county's field reads the grant as GET …/counties/{county} does; the types add none.
    async def statements(*reads: Any) -> int:
        before = queries.count
        for read in reads:
            await read
        return queries.count - before

    county_url = f"{base}/counties/{tenant.slug}"
    rest = await statements(
        client.get(county_url, headers=h), client.get(f"{county_url}/indicators?as_of={day}", headers=h)
    )
    typed = await statements(
        gql(client, province.reader, INDICATORS_ONLY, t=province.slug, c=tenant.slug, day=day),
    )
    print(f"statements: REST county + indicators {rest}, GraphQL overseenCounty {{ indicators }} {typed}")
    assert typed == rest
    assert node["oversight_comparison"] == compared.json()
    assert node["oversight_contrasts"] == contrasts.json()
    [contrast] = node["oversight_contrasts"]
    assert contrast["label"] == "《安全生产法》第九条"
    assert [d["side"] for d in contrast["county_level"] + contrast["township_level"]] == ["county", "township"]
