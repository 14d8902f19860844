"""The GraphQL face at /graphql: queries, DataLoaders (no N+1), mutations with typed
problems, tenant isolation, authentication and the query limits — sent as a client would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.platform.db import queries
from tests.conftest import MakeTenant, TenantFixture

LIUCHENG, GONGPING, WANCHUN = "510115001000", "510115002000", "510115105000"
HESHENG, SHOUAN = "510115101000", "510115106000"
TOWNSHIPS = [
    LIUCHENG,
    GONGPING,
    "510115003000",
    "510115004000",
    "510115005000",
    "510115006000",
    HESHENG,
    WANCHUN,
    SHOUAN,
]

JURISDICTION_FIELDS = """
    __typename
    ... on Jurisdiction { code name kind kindLabel level parentCode attributes version }
    ... on Problem { type status title detail errors { field message } }
"""
UNIT_FIELDS = """
    __typename
    ... on Unit {
      code name kind kindLabel jurisdictionCode parentUnitCode hostTownshipCodes version
      contacts { name phone role }
    }
    ... on Problem { type status title detail errors { field message } }
"""
DELETE_FIELDS = """
    __typename
    ... on Deleted { code }
    ... on Problem { type status detail errors { field message } }
"""
CREATE_JURISDICTION = f"""
mutation($tenant: String!, $input: JurisdictionInput!) {{
  createJurisdiction(tenant: $tenant, input: $input) {{ {JURISDICTION_FIELDS} }}
}}"""
UPDATE_JURISDICTION = f"""
mutation($tenant: String!, $code: String!, $version: Int!, $input: JurisdictionPatch!) {{
  updateJurisdiction(tenant: $tenant, code: $code, version: $version, input: $input) {{
    {JURISDICTION_FIELDS}
  }}
}}"""
DELETE_JURISDICTION = f"""
mutation($tenant: String!, $code: String!, $version: Int) {{
  deleteJurisdiction(tenant: $tenant, code: $code, version: $version) {{ {DELETE_FIELDS} }}
}}"""
CREATE_UNIT = f"""
mutation($tenant: String!, $input: UnitInput!) {{
  createUnit(tenant: $tenant, input: $input) {{ {UNIT_FIELDS} }}
}}"""
UPDATE_UNIT = f"""
mutation($tenant: String!, $code: String!, $version: Int!, $input: UnitPatch!) {{
  updateUnit(tenant: $tenant, code: $code, version: $version, input: $input) {{ {UNIT_FIELDS} }}
}}"""
DELETE_UNIT = f"""
mutation($tenant: String!, $code: String!, $version: Int) {{
  deleteUnit(tenant: $tenant, code: $code, version: $version) {{ {DELETE_FIELDS} }}
}}"""
READ_JURISDICTION = """
query($slug: String!, $code: String!) {
  tenant(slug: $slug) { jurisdiction(code: $code) { code name version parentCode } }
}"""
READ_UNIT = """
query($slug: String!, $code: String!) {
  tenant(slug: $slug) {
    unit(code: $code) { code name version parentUnitCode hostTownshipCodes contacts { name } }
  }
}"""
STREET = {"code": "510115001000", "name": "柳城街道", "kind": "street", "parentCode": "510115"}


async def post(client: httpx.AsyncClient, key: str | None, query: str, **variables: Any) -> Any:
    """The raw response of one GraphQL request."""
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


async def gql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    """``data`` of a request that must succeed without errors."""
    response = await post(client, key, query, **variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


async def gql_errors(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> str:
    """The error messages of a request that must be refused, joined."""
    response = await post(client, key, query, **variables)
    body = response.json()
    assert body.get("errors"), body
    assert not (body.get("data") or {}).get("tenant"), body
    return " ".join(e["message"] for e in body["errors"])


async def read_jurisdiction(client: httpx.AsyncClient, t: TenantFixture, code: str) -> dict[str, Any] | None:
    data = await gql(client, t.admin, READ_JURISDICTION, slug=t.slug, code=code)
    return data["tenant"]["jurisdiction"]


async def read_unit(client: httpx.AsyncClient, t: TenantFixture, code: str) -> dict[str, Any] | None:
    return (await gql(client, t.admin, READ_UNIT, slug=t.slug, code=code))["tenant"]["unit"]


async def jurisdiction_codes(client: httpx.AsyncClient, t: TenantFixture) -> list[str]:
    query = "query($s: String!) { tenant(slug: $s) { jurisdictions(first: 500) "
    query += "{ items { code } } } }"
    data = await gql(client, t.admin, query, s=t.slug)
    return [j["code"] for j in data["tenant"]["jurisdictions"]["items"]]


async def unit_codes(client: httpx.AsyncClient, t: TenantFixture) -> list[str]:
    query = "query($s: String!) { tenant(slug: $s) { units(first: 500) { items { code } } } }"
    data = await gql(client, t.admin, query, s=t.slug)
    return [u["code"] for u in data["tenant"]["units"]["items"]]


async def warm(client: httpx.AsyncClient, key: str) -> None:
    """Resolve the key just before a measurement, so that a key or tenant cache entry
    expiring mid-test does not add its lookup to the statements counted."""
    await gql(client, key, "{ tenants { slug } }")


def assert_problem(result: dict[str, Any], status: int, field: str | None = None) -> None:
    assert result["__typename"] == "Problem", result
    assert result["status"] == status, result
    assert result["type"] and result["detail"], result
    if field is not None:
        assert [e["field"] for e in result["errors"]][:1] == [field], result


@pytest.fixture
async def wenjiang(make_tenant: MakeTenant) -> TenantFixture:
    """A tenant provisioned from the wenjiang plugin: 9 townships, villages, grids, units."""
    return await make_tenant(plugin="wenjiang")


# Queries ------------------------------------------------------------------------------------

LIST = """
query($slug: String!, $kind: String, $level: Int, $parent: String, $q: String,
      $first: Int! = 50, $after: String) {
  tenant(slug: $slug) {
    slug name divisionCode plugin
    jurisdictions(kind: $kind, level: $level, parentCode: $parent, q: $q, first: $first,
                  after: $after) {
      items { code name kind kindLabel level parentCode }
      nextCursor
    }
  }
}"""


async def test_tenant_jurisdictions_filter(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    async def codes(**filters: Any) -> list[str]:
        data = await gql(client, wenjiang.reader, LIST, slug=wenjiang.slug, **filters)
        page = data["tenant"]["jurisdictions"]
        assert page["nextCursor"] is None
        return [j["code"] for j in page["items"]]

    data = await gql(client, wenjiang.reader, LIST, slug=wenjiang.slug, level=2)
    tenant = data["tenant"]
    assert tenant["slug"] == wenjiang.slug and tenant["divisionCode"] == "510115"
    assert tenant["plugin"] == "wenjiang"
    assert tenant["jurisdictions"]["items"] == [
        {"code": "510115", "name": "温江区", "kind": "district", "kindLabel": "区", "level": 2, "parentCode": None}
    ]
    assert await codes(level=3) == TOWNSHIPS
    assert await codes(kind="town") == [HESHENG, WANCHUN, SHOUAN]
    assert await codes(parent=WANCHUN) == ["510115105001", "510115105201", "510115105202"]
    assert await codes(q="社区") == ["510115001001", "510115001002", "510115001003", "510115105001"]
    assert await codes(kind="grid", parent="510115001001") == ["510115001001001", "510115001001002"]
    assert await codes(level=4, q="村") == ["510115105201", "510115105202"]
    assert await codes(q="没有这个名字") == []


async def test_jurisdictions_paginate_by_cursor(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    pages, cursor = [], None
    while True:
        data = await gql(client, wenjiang.admin, LIST, slug=wenjiang.slug, level=3, first=4, after=cursor)
        page = data["tenant"]["jurisdictions"]
        pages.append([j["code"] for j in page["items"]])
        cursor = page["nextCursor"]
        if cursor is None:
            break
        assert len(pages) < 5, pages
    assert [len(p) for p in pages] == [4, 4, 1]
    assert [code for page in pages for code in page] == TOWNSHIPS

    bad = await gql_errors(client, wenjiang.admin, LIST, slug=wenjiang.slug, after="???")
    assert "cursor" in bad


async def test_jurisdiction_with_parent_children_and_units(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    query = """
    query($slug: String!) {
      tenant(slug: $slug) {
        community: jurisdiction(code: "510115001001") {
          name kindLabel
          parent { code name parent { code kind parent { code } } }
          children { code name kind level parentCode }
          units { code }
        }
        street: jurisdiction(code: "510115001000") {
          children { code }
          units { code kind }
        }
        missing: jurisdiction(code: "510115999000") { code }
      }
    }"""
    tenant = (await gql(client, wenjiang.reader, query, slug=wenjiang.slug))["tenant"]
    community = tenant["community"]
    assert community["name"] == "和平社区" and community["kindLabel"] == "社区"
    assert community["parent"] == {
        "code": LIUCHENG,
        "name": "柳城街道",
        "parent": {"code": "510115", "kind": "district", "parent": None},
    }
    assert [c["code"] for c in community["children"]] == ["510115001001001", "510115001001002"]
    assert {(c["kind"], c["level"], c["parentCode"]) for c in community["children"]} == {("grid", 5, "510115001001")}
    assert community["units"] == []
    street = tenant["street"]
    assert [c["code"] for c in street["children"]] == ["510115001001", "510115001002", "510115001003"]
    assert [u["code"] for u in street["units"]] == [
        "liucheng-community-office",
        "liucheng-enforcement-office",
        "liucheng-justice-office",
        "liucheng-market-office",
        "liucheng-party-office",
        "liucheng-safety-law-office",
        "liucheng-social-affairs-office",
    ]
    kinds = {u["code"]: u["kind"] for u in street["units"]}
    assert kinds["liucheng-justice-office"] == "dispatched_agency"
    assert kinds["liucheng-party-office"] == "township_office"
    assert tenant["missing"] is None


async def test_units_with_parent_unit_host_townships_and_jurisdiction(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    query = """
    query($slug: String!) {
      tenant(slug: $slug) {
        agencies: units(kind: "dispatched_agency", first: 50) {
          items {
            code kindLabel jurisdictionCode hostTownshipCodes
            jurisdiction { code name }
            parentUnit { code name kind parentUnit { code } }
            hostTownships { code name kind }
          }
          nextCursor
        }
        hosted: units(hostTownshipCode: "510115101000") { items { code } }
        sent: units(parentUnitCode: "justice-bureau", first: 2) { items { code } nextCursor }
        named: units(q: "司法") { items { code } }
        unit(code: "justice-bureau") {
          kind jurisdictionCode contacts { name phone } parentUnit { code } hostTownships { code }
        }
      }
    }"""
    tenant = (await gql(client, wenjiang.reader, query, slug=wenjiang.slug))["tenant"]
    agencies = {u["code"]: u for u in tenant["agencies"]["items"]}
    assert len(agencies) == 7 and tenant["agencies"]["nextCursor"] is None
    squad = agencies["shouan-hesheng-enforcement-squad"]
    assert squad["kindLabel"] == "派驻机构"
    assert squad["jurisdictionCode"] == SHOUAN
    assert squad["jurisdiction"] == {"code": SHOUAN, "name": "寿安镇"}
    assert squad["parentUnit"] == {
        "code": "enforcement-bureau",
        "name": "区综合行政执法局",
        "kind": "department",
        "parentUnit": None,
    }
    assert squad["hostTownshipCodes"] == [HESHENG, SHOUAN]
    assert squad["hostTownships"] == [
        {"code": HESHENG, "name": "和盛镇", "kind": "town"},
        {"code": SHOUAN, "name": "寿安镇", "kind": "town"},
    ]
    justice = agencies["liucheng-justice-office"]
    assert justice["parentUnit"]["code"] == "justice-bureau"
    assert [h["code"] for h in justice["hostTownships"]] == [LIUCHENG]

    assert [u["code"] for u in tenant["hosted"]["items"]] == ["shouan-hesheng-enforcement-squad"]
    assert [u["code"] for u in tenant["sent"]["items"]] == ["gongping-justice-office", "liucheng-justice-office"]
    assert tenant["sent"]["nextCursor"] is not None
    assert {u["code"] for u in tenant["named"]["items"]} == {
        "justice-bureau",
        "liucheng-justice-office",
        "gongping-justice-office",
        "wanchun-justice-office",
    }
    assert tenant["unit"] == {
        "kind": "department",
        "jurisdictionCode": "510115",
        "contacts": [{"name": "值班室", "phone": "028-82712003"}],
        "parentUnit": None,
        "hostTownships": [],
    }


async def test_tenants_lists_only_the_keys_own_unless_platform(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    query = "{ tenants { slug divisionCode plugin } }"
    own = (await gql(client, tenant.admin, query))["tenants"]
    assert own == [{"slug": tenant.slug, "divisionCode": "510115", "plugin": None}]
    as_reader = (await gql(client, other.reader, query))["tenants"]
    assert [t["slug"] for t in as_reader] == [other.slug]

    everything = [t["slug"] for t in (await gql(client, tenant.platform, query))["tenants"]]
    assert {tenant.slug, other.slug} <= set(everything)
    assert everything == sorted(everything)

    both = """query($a: String!, $b: String!) {
      a: tenant(slug: $a) { slug jurisdictions { items { code } } }
      b: tenant(slug: $b) { slug jurisdictions { items { code } } }
    }"""
    data = await gql(client, tenant.platform, both, a=tenant.slug, b=other.slug)
    assert data["a"]["slug"] == tenant.slug and data["b"]["slug"] == other.slug
    assert data["a"]["jurisdictions"]["items"] == [{"code": "510115"}]


# No N+1 -------------------------------------------------------------------------------------

TREE = """
query($slug: String!, $first: Int!) {
  tenant(slug: $slug) {
    jurisdictions(level: 3, first: $first) {
      items {
        code
        children { code }
        units { code parentUnit { code } hostTownships { code } }
      }
    }
  }
}"""


async def _statements(client: httpx.AsyncClient, t: TenantFixture, first: int) -> tuple[int, Any]:
    await warm(client, t.reader)
    before = queries.count
    data = await gql(client, t.reader, TREE, slug=t.slug, first=first)
    return queries.count - before, data["tenant"]["jurisdictions"]["items"]


async def test_nested_relations_use_a_constant_number_of_statements(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    await _statements(client, wenjiang, 1)  # warm the key and tenant caches
    few_count, few = await _statements(client, wenjiang, 2)
    all_count, everything = await _statements(client, wenjiang, 9)

    assert [j["code"] for j in few] == [LIUCHENG, GONGPING]
    assert [j["code"] for j in everything] == TOWNSHIPS
    by_code = {j["code"]: j for j in everything}
    assert len(by_code[WANCHUN]["children"]) == 3 and len(by_code[WANCHUN]["units"]) == 8
    assert by_code[HESHENG]["units"] == []
    agency = next(u for u in by_code[SHOUAN]["units"] if u["code"].endswith("squad"))
    assert agency["parentUnit"] == {"code": "enforcement-bureau"}
    assert agency["hostTownships"] == [{"code": HESHENG}, {"code": SHOUAN}]
    rows = sum(len(j["units"]) + len(j["children"]) for j in everything)
    assert rows == 24  # 6 villages and communities, 18 units: enough for an N+1 to show

    # One page query plus one batch each for children, units, parent units and host
    # townships — whatever the number of items on the page.
    print(f"statements: first 2 -> {few_count}, first 9 -> {all_count}")
    assert few_count == all_count, (few_count, all_count)
    # Each transaction: BEGIN+SET, SELECT, COMMIT (the pool skips asyncpg's reset query).
    assert all_count == 5 * 3, all_count


# Mutations: jurisdictions -------------------------------------------------------------------


async def test_jurisdiction_create_update_delete(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    created = await gql(
        client,
        tenant.admin,
        CREATE_JURISDICTION,
        tenant=tenant.slug,
        input={**STREET, "code": "510115001", "attributes": {"area_km2": 31.5}},
    )
    street = created["createJurisdiction"]
    assert street["__typename"] == "Jurisdiction", street
    assert street["code"] == "510115001000" and street["version"] == 1
    assert street["kindLabel"] == "街道" and street["level"] == 3
    assert street["parentCode"] == "510115" and street["attributes"] == {"area_km2": 31.5}

    updated = await gql(
        client,
        tenant.admin,
        UPDATE_JURISDICTION,
        tenant=tenant.slug,
        code="510115001000",
        version=1,
        input={"name": "柳城街道办事处"},
    )
    street = updated["updateJurisdiction"]
    assert street["__typename"] == "Jurisdiction", street
    assert street["version"] == 2 and street["name"] == "柳城街道办事处"
    assert street["attributes"] == {"area_km2": 31.5}  # not given, not changed
    assert (await read_jurisdiction(client, tenant, "510115001000")) == {
        "code": "510115001000",
        "name": "柳城街道办事处",
        "version": 2,
        "parentCode": "510115",
    }

    deleted = await gql(
        client,
        tenant.admin,
        DELETE_JURISDICTION,
        tenant=tenant.slug,
        code="510115001000",
        version=2,
    )
    assert deleted["deleteJurisdiction"] == {"__typename": "Deleted", "code": "510115001000"}
    assert await read_jurisdiction(client, tenant, "510115001000") is None

    audit = await client.get(
        f"{tenant.base}/audit-events",
        params={"entity": "jurisdiction", "key": "510115001000"},
        headers=tenant.auth(),
    )
    assert [e["action"] for e in audit.json()["items"]] == ["delete", "update", "create"]


async def test_jurisdiction_mutation_problems_change_nothing(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    async def create(key: str, **changes: Any) -> dict[str, Any]:
        data = await gql(client, key, CREATE_JURISDICTION, tenant=tenant.slug, input={**STREET, **changes})
        return data["createJurisdiction"]

    first = await create(tenant.admin)
    assert first["__typename"] == "Jurisdiction", first
    before = await jurisdiction_codes(client, tenant)
    assert before == ["510115", "510115001000"]

    bad_code = await create(tenant.admin, code="51011500100", name="乙")
    assert_problem(bad_code, 422, "code")
    assert "12 digits" in bad_code["detail"]
    assert_problem(await create(tenant.admin, code="5101150020AB"), 422, "code")
    assert_problem(await create(tenant.admin, code="520115002000"), 422, "code")
    assert_problem(await create(tenant.admin, code="510115002000", kind="hamlet"), 422, "kind")
    unknown_parent = await create(tenant.admin, code="510115002000", parentCode="510199")
    assert_problem(unknown_parent, 422, "parentCode")
    assert "510199" in unknown_parent["detail"]
    duplicate = await create(tenant.admin)
    assert_problem(duplicate, 409, "code")
    reader = await create(tenant.reader, code="510115002000")
    assert_problem(reader, 403)
    assert reader["type"] == "forbidden"
    assert await jurisdiction_codes(client, tenant) == before

    async def update(key: str, code: str, version: int) -> dict[str, Any]:
        data = await gql(
            client,
            key,
            UPDATE_JURISDICTION,
            tenant=tenant.slug,
            code=code,
            version=version,
            input={"name": "改名"},
        )
        return data["updateJurisdiction"]

    stale = await update(tenant.admin, "510115001000", 7)
    assert_problem(stale, 412)
    assert "version 7" in stale["detail"] and stale["type"] == "precondition-failed"
    assert_problem(await update(tenant.reader, "510115001000", 1), 403)
    assert_problem(await update(tenant.admin, "510115009000", 1), 404)
    level_change = await gql(
        client,
        tenant.admin,
        UPDATE_JURISDICTION,
        tenant=tenant.slug,
        code="510115001000",
        version=1,
        input={"kind": "village"},
    )
    assert_problem(level_change["updateJurisdiction"], 422, "kind")

    async def delete(key: str, code: str, version: int | None = None) -> dict[str, Any]:
        data = await gql(client, key, DELETE_JURISDICTION, tenant=tenant.slug, code=code, version=version)
        return data["deleteJurisdiction"]

    assert_problem(await delete(tenant.admin, "510115001000", 3), 412)
    assert_problem(await delete(tenant.reader, "510115001000"), 403)
    assert_problem(await delete(tenant.admin, "510115"), 409)  # it has a child
    assert_problem(await delete(tenant.admin, "510115009000"), 404)

    assert await jurisdiction_codes(client, tenant) == before
    assert await read_jurisdiction(client, tenant, "510115001000") == {
        "code": "510115001000",
        "name": "柳城街道",
        "version": 1,
        "parentCode": "510115",
    }


# Mutations: units ---------------------------------------------------------------------------

DEPARTMENT = {
    "code": "justice-bureau",
    "name": "区司法局",
    "kind": "department",
    "jurisdictionCode": "510115",
    "contacts": [{"name": "值班室", "phone": "028-82712003"}],
}
AGENCY = {
    "code": "liucheng-justice-office",
    "name": "柳城司法所",
    "kind": "dispatched_agency",
    "jurisdictionCode": LIUCHENG,
    "parentUnitCode": "justice-bureau",
    "hostTownshipCodes": [LIUCHENG],
}


async def _with_streets(client: httpx.AsyncClient, t: TenantFixture) -> None:
    for code, name in ((LIUCHENG, "柳城街道"), (GONGPING, "公平街道")):
        created = await gql(
            client,
            t.admin,
            CREATE_JURISDICTION,
            tenant=t.slug,
            input={**STREET, "code": code, "name": name},
        )
        assert created["createJurisdiction"]["__typename"] == "Jurisdiction", created


async def test_unit_create_update_delete(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await _with_streets(client, tenant)
    department = (await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=DEPARTMENT))["createUnit"]
    assert department["__typename"] == "Unit", department
    assert department["kindLabel"] == "县直部门" and department["version"] == 1
    assert department["contacts"] == [{"name": "值班室", "phone": "028-82712003", "role": ""}]

    agency = (await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=AGENCY))["createUnit"]
    assert agency["__typename"] == "Unit", agency
    assert agency["parentUnitCode"] == "justice-bureau"
    assert agency["hostTownshipCodes"] == [LIUCHENG]

    updated = await gql(
        client,
        tenant.admin,
        UPDATE_UNIT,
        tenant=tenant.slug,
        code=AGENCY["code"],
        version=1,
        input={
            "name": "柳城公平司法所",
            "hostTownshipCodes": [GONGPING, LIUCHENG],
            "contacts": [{"name": "所长", "role": "负责人"}],
        },
    )
    agency = updated["updateUnit"]
    assert agency["__typename"] == "Unit", agency
    assert agency["version"] == 2 and agency["name"] == "柳城公平司法所"
    assert agency["hostTownshipCodes"] == [LIUCHENG, GONGPING]
    assert agency["parentUnitCode"] == "justice-bureau"  # not given, not changed
    assert agency["contacts"] == [{"name": "所长", "phone": "", "role": "负责人"}]
    assert await read_unit(client, tenant, AGENCY["code"]) == {
        "code": AGENCY["code"],
        "name": "柳城公平司法所",
        "version": 2,
        "parentUnitCode": "justice-bureau",
        "hostTownshipCodes": [LIUCHENG, GONGPING],
        "contacts": [{"name": "所长"}],
    }
    hosted = await client.get(f"{tenant.base}/units", params={"host": GONGPING}, headers=tenant.auth())
    assert [u["code"] for u in hosted.json()["items"]] == [AGENCY["code"]]

    deleted = await gql(client, tenant.admin, DELETE_UNIT, tenant=tenant.slug, code=AGENCY["code"], version=2)
    assert deleted["deleteUnit"] == {"__typename": "Deleted", "code": AGENCY["code"]}
    assert await read_unit(client, tenant, AGENCY["code"]) is None
    assert await unit_codes(client, tenant) == ["justice-bureau"]


async def test_unit_mutation_problems_change_nothing(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await _with_streets(client, tenant)
    for body in (DEPARTMENT, AGENCY):
        created = await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=body)
        assert created["createUnit"]["__typename"] == "Unit", created
    before = await unit_codes(client, tenant)

    async def create(key: str, **changes: Any) -> dict[str, Any]:
        data = await gql(
            client,
            key,
            CREATE_UNIT,
            tenant=tenant.slug,
            input={**AGENCY, "code": "gongping-justice-office", **changes},
        )
        return data["createUnit"]

    assert_problem(await create(tenant.admin, code="Bad Code!"), 400, "code")
    assert_problem(await create(tenant.admin, kind="office"), 422, "kind")
    assert_problem(await create(tenant.admin, jurisdictionCode="510115999000"), 422, "jurisdictionCode")
    assert_problem(await create(tenant.admin, parentUnitCode="no-such-bureau"), 422, "parentUnitCode")
    assert_problem(await create(tenant.admin, parentUnitCode=AGENCY["code"]), 422, "parentUnitCode")
    assert_problem(await create(tenant.admin, hostTownshipCodes=["510115999000"]), 422, "hostTownshipCodes[0]")
    assert_problem(await create(tenant.admin, hostTownshipCodes=[]), 422, "hostTownshipCodes")
    assert_problem(await create(tenant.admin, code=AGENCY["code"]), 409, "code")
    reader = await create(tenant.reader)
    assert_problem(reader, 403)
    assert reader["type"] == "forbidden"
    assert await unit_codes(client, tenant) == before

    async def update(key: str, version: int, **patch: Any) -> dict[str, Any]:
        data = await gql(
            client,
            key,
            UPDATE_UNIT,
            tenant=tenant.slug,
            code=AGENCY["code"],
            version=version,
            input={"name": "改名", **patch},
        )
        return data["updateUnit"]

    assert_problem(await update(tenant.admin, 5), 412)
    assert_problem(await update(tenant.reader, 1), 403)
    assert_problem(await update(tenant.admin, 1, parentUnitCode="no-such-bureau"), 422, "parentUnitCode")
    assert_problem(await update(tenant.admin, 1, hostTownshipCodes=["510115"]), 422, "hostTownshipCodes[0]")
    delete_stale = await gql(client, tenant.admin, DELETE_UNIT, tenant=tenant.slug, code=AGENCY["code"], version=9)
    assert_problem(delete_stale["deleteUnit"], 412)
    delete_reader = await gql(client, tenant.reader, DELETE_UNIT, tenant=tenant.slug, code=AGENCY["code"])
    assert_problem(delete_reader["deleteUnit"], 403)
    missing = await gql(client, tenant.admin, DELETE_UNIT, tenant=tenant.slug, code="nothing")
    assert_problem(missing["deleteUnit"], 404)

    assert await unit_codes(client, tenant) == before
    assert await read_unit(client, tenant, AGENCY["code"]) == {
        "code": AGENCY["code"],
        "name": "柳城司法所",
        "version": 1,
        "parentUnitCode": "justice-bureau",
        "hostTownshipCodes": [LIUCHENG],
        "contacts": [],
    }


async def test_schema_validation_problems_name_the_field(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    bad_code = await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input={**DEPARTMENT, "code": "Bad!"})
    assert_problem(bad_code["createUnit"], 400, "code")
    empty_name = await gql(
        client,
        tenant.admin,
        CREATE_JURISDICTION,
        tenant=tenant.slug,
        input={**STREET, "name": ""},
    )
    assert_problem(empty_name["createJurisdiction"], 400, "name")


async def test_update_unit_can_clear_the_parent_unit(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=DEPARTMENT)
    committee = {
        "code": "mediation-committee",
        "name": "人民调解委员会",
        "kind": "committee",
        "jurisdictionCode": "510115",
        "parentUnitCode": "justice-bureau",
    }
    created = await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=committee)
    assert created["createUnit"]["parentUnitCode"] == "justice-bureau", created
    cleared = await gql(
        client,
        tenant.admin,
        UPDATE_UNIT,
        tenant=tenant.slug,
        code="mediation-committee",
        version=1,
        input={"parentUnitCode": None},
    )
    assert cleared["updateUnit"]["__typename"] == "Unit", cleared
    assert cleared["updateUnit"]["parentUnitCode"] is None
    assert (await read_unit(client, tenant, "mediation-committee"))["parentUnitCode"] is None


# Tenant isolation ---------------------------------------------------------------------------


async def test_another_tenant_sees_null_and_changes_nothing(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    await _with_streets(client, tenant)
    await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=DEPARTMENT)
    before_jurisdictions = await jurisdiction_codes(client, tenant)
    before_units = await unit_codes(client, tenant)

    for key in (other.admin, other.reader):
        seen = await gql(client, key, LIST, slug=tenant.slug)
        assert seen == {"tenant": None}
    nobody = await gql(client, other.admin, LIST, slug="no-such-tenant")
    assert nobody == {"tenant": None}

    intruder, slug = other.admin, tenant.slug
    results = [
        (await gql(client, intruder, CREATE_JURISDICTION, tenant=slug, input={**STREET, "code": "510115003000"}))[
            "createJurisdiction"
        ],
        (await gql(client, intruder, UPDATE_JURISDICTION, tenant=slug, code=LIUCHENG, version=1, input={"name": "x"}))[
            "updateJurisdiction"
        ],
        (await gql(client, intruder, DELETE_JURISDICTION, tenant=slug, code=GONGPING))["deleteJurisdiction"],
        (await gql(client, intruder, CREATE_UNIT, tenant=slug, input={**DEPARTMENT, "code": "other-bureau"}))[
            "createUnit"
        ],
        (await gql(client, intruder, UPDATE_UNIT, tenant=slug, code="justice-bureau", version=1, input={"name": "x"}))[
            "updateUnit"
        ],
        (await gql(client, intruder, DELETE_UNIT, tenant=slug, code="justice-bureau"))["deleteUnit"],
    ]
    for result in results:
        assert_problem(result, 404)
        assert result["type"] == "not-found"
        assert slug in result["detail"] and "510115" not in result["detail"]
    # A missing tenant answers the same way as someone else's.
    missing = await gql(client, intruder, DELETE_UNIT, tenant="no-such-tenant", code="x")
    assert missing["deleteUnit"]["status"] == 404

    assert await jurisdiction_codes(client, tenant) == before_jurisdictions
    assert await unit_codes(client, tenant) == before_units
    assert (await read_jurisdiction(client, tenant, LIUCHENG))["version"] == 1
    assert (await read_unit(client, tenant, "justice-bureau"))["version"] == 1
    assert await jurisdiction_codes(client, other) == ["510115"]
    assert await unit_codes(client, other) == []


async def test_rest_and_graphql_agree(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    created = await gql(client, tenant.admin, CREATE_JURISDICTION, tenant=tenant.slug, input=STREET)
    assert created["createJurisdiction"]["__typename"] == "Jurisdiction", created
    url = f"{tenant.base}/jurisdictions/{LIUCHENG}"
    rest = await client.get(url, headers=tenant.auth(tenant.reader))
    assert rest.status_code == 200, rest.text
    assert rest.headers["etag"] == '"1"'
    body = rest.json()
    assert body["name"] == "柳城街道" and body["parent_code"] == "510115"
    assert body["kind_label"] == created["createJurisdiction"]["kindLabel"]

    patched = await client.patch(url, json={"name": "柳城街道办事处"}, headers={**tenant.auth(), "If-Match": '"1"'})
    assert patched.status_code == 200, patched.text
    assert await read_jurisdiction(client, tenant, LIUCHENG) == {
        "code": LIUCHENG,
        "name": "柳城街道办事处",
        "version": 2,
        "parentCode": "510115",
    }
    # A GraphQL write with the version REST has moved past is stale there too.
    stale = await gql(
        client,
        tenant.admin,
        UPDATE_JURISDICTION,
        tenant=tenant.slug,
        code=LIUCHENG,
        version=1,
        input={"name": "乙"},
    )
    assert_problem(stale["updateJurisdiction"], 412)

    await gql(client, tenant.admin, CREATE_UNIT, tenant=tenant.slug, input=DEPARTMENT)
    unit = await client.get(f"{tenant.base}/units/justice-bureau", headers=tenant.auth())
    assert unit.status_code == 200, unit.text
    assert unit.json()["contacts"][0]["phone"] == "028-82712003"
    await gql(client, tenant.admin, DELETE_UNIT, tenant=tenant.slug, code="justice-bureau")
    gone = await client.get(f"{tenant.base}/units/justice-bureau", headers=tenant.auth())
    assert gone.status_code == 404


# Authentication -----------------------------------------------------------------------------


async def test_missing_or_bad_key_is_401(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    query = "query($s: String!) { tenant(slug: $s) { slug } }"
    for key in (None, "qd_not-a-real-key", "not-even-shaped-like-one", ""):
        response = await post(client, key, query, s=tenant.slug)
        assert response.status_code == 401, (key, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["status"] == 401 and problem["detail"], problem
        assert "data" not in problem
    basic = await client.post(
        "/graphql",
        json={"query": "{ tenants { slug } }"},
        headers={"Authorization": f"Basic {tenant.admin}"},
    )
    assert basic.status_code == 401
    mutation = await post(client, None, CREATE_JURISDICTION, tenant=tenant.slug, input=STREET)
    assert mutation.status_code == 401
    assert await jurisdiction_codes(client, tenant) == ["510115"]


# Limits -------------------------------------------------------------------------------------


async def test_too_deep_a_query_is_refused(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    def nested(depth: int) -> str:
        return "parent { " * depth + "code" + " }" * depth

    grid = '"510115001001001"'
    ok = "query($s: String!) { tenant(slug: $s) { jurisdiction(code: %s) { %s } } }"
    shallow = await gql(client, wenjiang.admin, ok % (grid, nested(3)), s=wenjiang.slug)
    assert shallow["tenant"]["jurisdiction"]["parent"]["parent"]["parent"] == {"code": "510115"}

    before = queries.count
    message = await gql_errors(client, wenjiang.admin, ok % (grid, nested(10)), s=wenjiang.slug)
    assert "depth" in message.lower(), message
    assert queries.count - before <= 1  # refused before any resolver touched the data


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    def aliased(n: int) -> str:
        fields = " ".join(f"a{i}: tenant(slug: $s) {{ slug }}" for i in range(n))
        return f"query($s: String!) {{ {fields} }}"

    allowed = await gql(client, tenant.admin, aliased(15), s=tenant.slug)
    assert len(allowed) == 15
    message = await gql_errors(client, tenant.admin, aliased(16), s=tenant.slug)
    assert "alias" in message.lower(), message


async def test_oversized_page_is_refused(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for first in (100000, 0, -1):
        message = await gql_errors(client, tenant.admin, LIST, slug=tenant.slug, first=first)
        assert message == "first: must be between 1 and 500", message  # the GraphQL argument, not REST's limit
    units = "query($s: String!) { tenant(slug: $s) { units(first: 100000) { items { code } } } }"
    assert "first" in await gql_errors(client, tenant.admin, units, s=tenant.slug)
    largest = await gql(client, tenant.admin, LIST, slug=tenant.slug, first=500)
    assert largest["tenant"]["jurisdictions"]["items"] == [
        {"code": "510115", "name": "测试县", "kind": "county", "kindLabel": "县", "level": 2, "parentCode": None}
    ]
