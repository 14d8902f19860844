"""The catalog and township lists over GraphQL, sent as a client would: reading items with
their responsibilities (and units) and legal bases, the whole list lifecycle, typed problems,
tenant isolation, a constant number of statements, and agreement with REST."""

from __future__ import annotations

import re
from typing import Any

import httpx
import msgspec
import pytest

from core.platform.db import queries
from tests.catalog_fixtures import (
    DOMAIN,
    PATROL,
    PERMIT,
    RECOVERED,
    add_items,
    build_county,
    publish,
)
from tests.conftest import TenantFixture, issue_key
from tests.test_graphql import assert_problem, gql, warm

LIUCHENG, GONGPING = "510115001000", "510115002000"
WHY = {"reasonKind": "law_changed", "reason": "依据修订"}

ITEM = """
  code version title level kinds townshipScope parentCode category itemKind description
  highFrequency process extra status withdrawnReason successorCode contentHash changedIn revision
  recovery { receivingUnit workingMethod reason }
  responsibilities { party role duty financialShare }
  legalBases { raw resolved documentId documentTitle article paragraph item label text problem }
"""
LIST = f"""
  townshipCode townshipName status catalogVersion revision publishedNumber reviewNote version
  effectiveDate counts
  provisions {{ documentId article paragraph item label text }}
  entries {{
    item {{ {ITEM} }}
    origin justification responsibleOffice post contact note state changeNote reviewComment
  }}
"""
PROBLEM = "... on Problem { type status title detail errors { field message } }"
# ``status`` is a string on lists and items and a number on Problem: clients alias it.
LIST_RESULT = f"""
  __typename
  ... on TownshipList {{
    listStatus: status revision version reviewNote
    entries {{ item {{ code }} state origin justification responsibleOffice reviewComment }}
  }}
  {PROBLEM}
"""
ITEM_RESULT = f"""
  __typename
  ... on CatalogItem {{
    code version title category revision itemStatus: status successorCode parent {{ code }}
  }}
  {PROBLEM}
"""
VERSION_RESULT = f"""
  __typename
  ... on CatalogVersion {{ number versionStatus: status effectiveDate itemCount revision }}
  {PROBLEM}
"""

WORKING = f"""
query($s: String!, $code: String!) {{
  tenant(slug: $s) {{ townshipList(code: $code) {{ {LIST} }} }}
}}"""
PUBLISHED = f"""
query($s: String!, $code: String!, $asOf: Date, $version: Int) {{
  tenant(slug: $s) {{ publishedList(code: $code, asOf: $asOf, version: $version) {{ {LIST} }} }}
}}"""
CLAIM = f"""
mutation($t: String!, $ts: String!, $item: String!, $why: String!) {{
  claimItem(tenant: $t, township: $ts, itemCode: $item, justification: $why) {{ {LIST_RESULT} }}
}}"""
WITHDRAW_CLAIM = f"""
mutation($t: String!, $ts: String!, $item: String!) {{
  withdrawClaim(tenant: $t, township: $ts, itemCode: $item) {{ {LIST_RESULT} }}
}}"""
UPDATE_ENTRY = f"""
mutation($t: String!, $ts: String!, $item: String!, $rev: Int!, $input: EntryPatch!) {{
  updateListEntry(tenant: $t, township: $ts, itemCode: $item, revision: $rev, input: $input) {{
    {LIST_RESULT}
  }}
}}"""
SUBMIT = f"""
mutation($t: String!, $ts: String!, $rev: Int) {{
  submitList(tenant: $t, township: $ts, revision: $rev) {{ {LIST_RESULT} }}
}}"""
RETURN = f"""
mutation($t: String!, $ts: String!, $note: String!, $comments: [EntryCommentInput!]) {{
  returnList(tenant: $t, township: $ts, note: $note, comments: $comments) {{ {LIST_RESULT} }}
}}"""
FILE = f"""
mutation($t: String!, $ts: String!) {{ fileList(tenant: $t, township: $ts) {{ {LIST_RESULT} }} }}"""
PUBLISH_LIST = f"""
mutation($t: String!, $ts: String!, $date: Date!) {{
  publishList(tenant: $t, township: $ts, effectiveDate: $date) {{ {LIST_RESULT} }}
}}"""
CREATE_ITEM = f"""
mutation($t: String!, $input: CatalogItemInput!) {{
  createCatalogItem(tenant: $t, input: $input) {{ {ITEM_RESULT} }}
}}"""
UPDATE_ITEM = f"""
mutation($t: String!, $code: String!, $rev: Int!, $input: CatalogItemPatch!) {{
  updateCatalogItem(tenant: $t, code: $code, revision: $rev, input: $input) {{ {ITEM_RESULT} }}
}}"""
WITHDRAW_ITEM = f"""
mutation($t: String!, $code: String!, $input: WithdrawalInput!) {{
  withdrawCatalogItem(tenant: $t, code: $code, input: $input) {{ {ITEM_RESULT} }}
}}"""
PUBLISH_CATALOG = f"""
mutation($t: String!, $date: Date!, $rev: Int!, $note: String! = "") {{
  publishCatalog(tenant: $t, effectiveDate: $date, revision: $rev, note: $note) {{
    {VERSION_RESULT}
  }}
}}"""
DRAFT_REVISION = """
query($s: String!) { tenant(slug: $s) { catalogVersions { number status revision } } }"""


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    return tenant


def codes(body: dict[str, Any], state: str = "active") -> list[str]:
    return [e["item"]["code"] for e in body["entries"] if e["state"] == state]


def snake(value: Any) -> Any:
    """GraphQL's camelCase keys as REST's snake_case (data keys here are lower-case)."""
    if isinstance(value, list):
        return [snake(v) for v in value]
    if isinstance(value, dict):
        return {re.sub(r"[A-Z]", lambda m: "_" + m[0].lower(), k): snake(v) for k, v in value.items()}
    return value


async def working(client: httpx.AsyncClient, t: TenantFixture, township: str) -> dict[str, Any]:
    return (await gql(client, t.admin, WORKING, s=t.slug, code=township))["tenant"]["townshipList"]


async def draft_revision(client: httpx.AsyncClient, t: TenantFixture) -> int:
    versions = (await gql(client, t.admin, DRAFT_REVISION, s=t.slug))["tenant"]["catalogVersions"]
    return next(v["revision"] for v in versions if v["status"] == "draft")


# Reading the catalog --------------------------------------------------------------------------

ITEMS = """
query($s: String!) {
  tenant(slug: $s) {
    catalogVersions { number status effectiveDate itemCount withdrawnCount contentHash }
    catalogItems(kind: "basic") {
      nextCursor
      items {
        code title townshipScope
        parent { code title }
        children { code }
        responsibilities { party role duty financialShare unit { code name kind } }
        legalBases { raw resolved documentTitle article text }
      }
    }
    recovered: catalogItem(code: "SAF-02") {
      kinds recovery { receivingUnit workingMethod unit { name } }
      responsibilities { party unit { code name } }
    }
    missing: catalogItem(code: "NOPE") { code }
    catalogAdjustments(version: 1) { kind itemCode reasonKind reasonLabel initiator item { code } }
    listStructure
  }
}"""


async def test_items_with_responsibilities_units_and_legal_bases(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    tenant = (await gql(client, county.reader, ITEMS, s=county.slug))["tenant"]

    [version] = tenant["catalogVersions"]
    assert version["number"] == 1 and version["status"] == "published"
    assert version["itemCount"] == 4 and len(version["contentHash"]) == 64
    page = tenant["catalogItems"]
    assert page["nextCursor"] is None
    assert [i["code"] for i in page["items"]] == ["SAF", "SAF-01"]
    domain, patrol = page["items"]
    assert domain["parent"] is None
    assert domain["children"] == [{"code": "SAF-01"}, {"code": "SAF-02"}]
    assert patrol["parent"] == {"code": "SAF", "title": "安全生产"} and patrol["children"] == []
    assert patrol["responsibilities"] == [
        {
            "party": "township",
            "role": "primary",
            "duty": "开展辖区安全生产检查",
            "financialShare": None,
            "unit": None,
        },
        {
            "party": "emergency-bureau",
            "role": "cooperating",
            "duty": "业务指导",
            "financialShare": None,
            "unit": {"code": "emergency-bureau", "name": "区应急管理局", "kind": "department"},
        },
    ]
    [basis] = patrol["legalBases"]
    assert basis["resolved"] and basis["documentTitle"] == "中华人民共和国安全生产法"
    assert basis["article"] == 9 and "安全生产" in basis["text"]

    recovered = tenant["recovered"]
    assert recovered["kinds"] == ["recovered"]
    assert recovered["recovery"]["receivingUnit"] == "emergency-bureau"
    assert recovered["recovery"]["unit"] == {"name": "区应急管理局"}
    assert recovered["responsibilities"] == [
        {"party": "emergency-bureau", "unit": {"code": "emergency-bureau", "name": "区应急管理局"}}
    ]
    assert tenant["missing"] is None

    adjustments = tenant["catalogAdjustments"]
    assert [(a["kind"], a["itemCode"], a["item"]["code"]) for a in adjustments] == [
        ("add", c, c) for c in ("SAF", "SAF-01", "CON-01", "SAF-02")
    ]
    assert adjustments[0]["reasonKind"] == "initial" and adjustments[0]["initiator"]["role"] == "admin"
    assert [k["code"] for k in tenant["listStructure"]["kinds"]][-2:] == ["differentiated", "core"]


async def test_catalog_mutations_adjust_the_draft_and_publish(client: httpx.AsyncClient, county: TenantFixture) -> None:
    t = county.slug
    new = {
        "code": "SAF-03",
        "title": "汛期安全巡查",
        "level": "item",
        "kinds": ["basic"],
        "category": "safety",
        "parentCode": "SAF",
        "itemKind": "service",
        "citations": PATROL["citations"],
        "responsibilities": [
            {"party": "township", "role": "primary", "duty": "巡查", "financialShare": 60},
            {"party": "planning-bureau", "role": "cooperating", "financialShare": 40},
        ],
    }
    unexplained = (await gql(client, county.admin, CREATE_ITEM, t=t, input=new))["createCatalogItem"]
    assert_problem(unexplained, 422, "adjustment")
    created = await gql(client, county.admin, CREATE_ITEM, t=t, input={**new, "adjustment": WHY})
    item = created["createCatalogItem"]
    assert item["__typename"] == "CatalogItem", item
    assert (item["code"], item["version"], item["revision"], item["parent"]) == (
        "SAF-03",
        2,
        1,
        {"code": "SAF"},
    )

    # An explicit null clears a nullable field; omitted fields stay.
    cleared = await gql(
        client,
        county.admin,
        UPDATE_ITEM,
        t=t,
        code="SAF-03",
        rev=1,
        input={"category": None, "adjustment": WHY},
    )
    assert cleared["updateCatalogItem"]["category"] is None
    assert cleared["updateCatalogItem"]["title"] == "汛期安全巡查"
    assert cleared["updateCatalogItem"]["revision"] == 2
    stale = await gql(
        client,
        county.admin,
        UPDATE_ITEM,
        t=t,
        code="SAF-03",
        rev=1,
        input={"title": "x", "adjustment": WHY},
    )
    assert_problem(stale["updateCatalogItem"], 412)
    no_title = await gql(
        client,
        county.admin,
        UPDATE_ITEM,
        t=t,
        code="SAF-03",
        rev=2,
        input={"title": None, "adjustment": WHY},
    )
    assert_problem(no_title["updateCatalogItem"], 400, "title")

    withdrawn = await gql(
        client,
        county.admin,
        WITHDRAW_ITEM,
        t=t,
        code="CON-01",
        input={
            "reasonKind": "township_cannot_perform",
            "reason": "乡镇无法承接",
            "successorCode": "SAF-03",
        },
    )
    assert withdrawn["withdrawCatalogItem"]["itemStatus"] == "withdrawn"
    assert withdrawn["withdrawCatalogItem"]["successorCode"] == "SAF-03"

    revision = await draft_revision(client, county)
    refused = await gql(client, county.reader, PUBLISH_CATALOG, t=t, date="2025-06-01", rev=revision)
    assert_problem(refused["publishCatalog"], 403)
    late = await gql(client, county.admin, PUBLISH_CATALOG, t=t, date="2025-06-01", rev=revision - 1)
    assert_problem(late["publishCatalog"], 412)
    published = await gql(client, county.admin, PUBLISH_CATALOG, t=t, date="2025-06-01", rev=revision, note="第二版")
    version = published["publishCatalog"]
    assert version == {
        "__typename": "CatalogVersion",
        "number": 2,
        "versionStatus": "published",
        "effectiveDate": "2025-06-01",
        "itemCount": 4,
        "revision": revision,
    }

    query = """query($s: String!) { tenant(slug: $s) {
      catalogAdjustments(version: 2) { kind itemCode }
      old: catalogItem(code: "CON-01", version: "1") { status }
      now: catalogItem(code: "CON-01") { status withdrawnReason successor { code } }
    } }"""
    seen = (await gql(client, county.reader, query, s=t))["tenant"]
    assert [(a["kind"], a["itemCode"]) for a in seen["catalogAdjustments"]] == [
        ("add", "SAF-03"),
        ("modify", "SAF-03"),
        ("remove", "CON-01"),
    ]
    assert seen["old"] == {"status": "active"}
    assert seen["now"] == {
        "status": "withdrawn",
        "withdrawnReason": "乡镇无法承接",
        "successor": {"code": "SAF-03"},
    }


# The township list lifecycle ------------------------------------------------------------------


async def test_the_whole_lifecycle_over_graphql(client: httpx.AsyncClient, county: TenantFixture) -> None:
    township = await issue_key(county, client, "township", LIUCHENG)
    t, ts = county.slug, LIUCHENG

    first = (await gql(client, township, WORKING, s=t, code=ts))["tenant"]["townshipList"]
    assert first["townshipName"] == "柳城街道" and first["status"] == "draft"
    assert codes(first) == ["SAF", "SAF-01", "SAF-02"]
    assert first["counts"] == {"total": 3, "basic": 2, "recovered": 1}

    claimed = await gql(client, township, CLAIM, t=t, ts=ts, item="CON-01", why="辖区内有农村建房需求")
    result = claimed["claimItem"]
    assert result["__typename"] == "TownshipList", result
    assert codes(result) == ["CON-01", "SAF", "SAF-01", "SAF-02"]
    assert result["revision"] == first["revision"] + 1
    twice = await gql(client, township, CLAIM, t=t, ts=ts, item="CON-01", why="再次认领")
    assert_problem(twice["claimItem"], 409)

    detailed = await gql(
        client,
        township,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="SAF-01",
        rev=result["revision"],
        input={"responsibleOffice": "平安法治办公室", "post": "安全员", "contact": "028-82700001"},
    )
    entry = next(e for e in detailed["updateListEntry"]["entries"] if e["item"]["code"] == "SAF-01")
    assert entry["responsibleOffice"] == "平安法治办公室"

    submitted = (await gql(client, township, SUBMIT, t=t, ts=ts))["submitList"]
    assert submitted["listStatus"] == "submitted"
    locked = await gql(
        client,
        township,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="SAF-01",
        rev=submitted["revision"],
        input={"post": "x"},
    )
    assert_problem(locked["updateListEntry"], 409)
    not_yours = await gql(client, township, RETURN, t=t, ts=ts, note="自己退回")
    assert_problem(not_yours["returnList"], 403)

    returned = await gql(
        client,
        county.admin,
        RETURN,
        t=t,
        ts=ts,
        note="请补充联系方式",
        comments=[{"itemCode": "CON-01", "comment": "请填写责任科室"}],
    )
    back = returned["returnList"]
    assert back["listStatus"] == "returned" and back["reviewNote"] == "请补充联系方式"
    comment = next(e for e in back["entries"] if e["item"]["code"] == "CON-01")["reviewComment"]
    assert comment == "请填写责任科室"

    fixed = await gql(
        client,
        township,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="CON-01",
        rev=back["revision"],
        input={"responsibleOffice": "规划建设办公室"},
    )
    assert fixed["updateListEntry"]["__typename"] == "TownshipList"
    again = (await gql(client, township, SUBMIT, t=t, ts=ts, rev=fixed["updateListEntry"]["revision"]))["submitList"]
    assert again["listStatus"] == "submitted"
    assert_problem((await gql(client, township, FILE, t=t, ts=ts))["fileList"], 403)
    filed = (await gql(client, county.admin, FILE, t=t, ts=ts))["fileList"]
    assert filed["listStatus"] == "filed"
    published = await gql(client, county.admin, PUBLISH_LIST, t=t, ts=ts, date="2025-02-01")
    v1 = published["publishList"]
    assert (v1["listStatus"], v1["version"]) == ("published", 1)
    assert codes(v1) == ["CON-01", "SAF", "SAF-01", "SAF-02"]

    read = await gql(client, county.reader, PUBLISHED, s=t, code=ts)
    readable = read["tenant"]["publishedList"]
    assert readable["version"] == 1 and readable["effectiveDate"] == "2025-02-01"
    office = next(e for e in readable["entries"] if e["item"]["code"] == "SAF-01")["responsibleOffice"]
    assert office == "平安法治办公室"
    claimants = """query($s: String!) { tenant(slug: $s) {
      claimants(itemCode: "CON-01") {
        townshipCode townshipName justification state township { name }
      }
    } }"""
    assert (await gql(client, county.reader, claimants, s=t))["tenant"]["claimants"] == [
        {
            "townshipCode": ts,
            "townshipName": "柳城街道",
            "justification": "辖区内有农村建房需求",
            "state": "active",
            "township": {"name": "柳城街道"},
        }
    ]

    # A second cycle: the catalog changes, the list follows and is published again.
    patrol = await gql(
        client,
        county.admin,
        UPDATE_ITEM,
        t=t,
        code="SAF-01",
        rev=1,
        input={"description": "每季度检查", "adjustment": WHY},
    )
    assert patrol["updateCatalogItem"]["version"] == 2
    await gql(
        client,
        county.admin,
        WITHDRAW_ITEM,
        t=t,
        code="SAF-02",
        input={"reasonKind": "institution_changed", "reason": "职能划转至区应急局"},
    )
    revision = await draft_revision(client, county)
    await gql(client, county.admin, PUBLISH_CATALOG, t=t, date="2025-06-01", rev=revision)
    followed = (await gql(client, township, WORKING, s=t, code=ts))["tenant"]["townshipList"]
    assert followed["catalogVersion"] == 2 and followed["status"] == "draft"
    assert codes(followed, "removed") == ["SAF-02"]
    unclaimed = await gql(client, township, WITHDRAW_CLAIM, t=t, ts=ts, item="CON-01")
    assert codes(unclaimed["withdrawClaim"]) == ["SAF", "SAF-01"]
    for step in (SUBMIT, FILE):
        done = await gql(client, county.admin, step, t=t, ts=ts)
        assert next(iter(done.values()))["__typename"] == "TownshipList", done
    v2 = (await gql(client, county.admin, PUBLISH_LIST, t=t, ts=ts, date="2025-07-01"))["publishList"]
    assert v2["version"] == 2

    history = """query($s: String!, $code: String!) { tenant(slug: $s) {
      listVersions(code: $code) { number catalogVersion effectiveDate entryCount contentHash }
      listDiff(code: $code, from: 1, to: 2) {
        fromVersion toVersion added removed
        changed { itemCode title changes { field before after } }
      }
    } }"""
    seen = (await gql(client, county.reader, history, s=t, code=ts))["tenant"]
    assert [(v["number"], v["catalogVersion"], v["entryCount"]) for v in seen["listVersions"]] == [
        (1, 1, 4),
        (2, 2, 2),
    ]
    diff = seen["listDiff"]
    assert (diff["fromVersion"], diff["toVersion"]) == (1, 2)
    assert diff["added"] == [] and diff["removed"] == ["CON-01", "SAF-02"]
    assert diff["changed"] == [
        {
            "itemCode": "SAF-01",
            "title": "生产经营单位安全生产检查",
            "changes": [{"field": "item.description", "before": "", "after": "每季度检查"}],
        }
    ]
    as_of = await gql(client, county.reader, PUBLISHED, s=t, code=ts, asOf="2025-03-15")
    assert as_of["tenant"]["publishedList"]["version"] == 1
    before = await gql(client, county.reader, PUBLISHED, s=t, code=ts, asOf="2024-12-31")
    assert before["tenant"]["publishedList"] is None
    by_number = await gql(client, county.reader, PUBLISHED, s=t, code=ts, version=2)
    assert codes(by_number["tenant"]["publishedList"]) == ["SAF", "SAF-01"]


# Problems -------------------------------------------------------------------------------------


async def test_problems_for_bad_input_change_nothing(client: httpx.AsyncClient, county: TenantFixture) -> None:
    t, ts = county.slug, LIUCHENG
    before = await working(client, county, ts)

    common = await gql(client, county.admin, CLAIM, t=t, ts=ts, item="SAF-01", why="想要")
    assert_problem(common["claimItem"], 422, "itemCode")
    assert "applies to every township" in common["claimItem"]["detail"]
    unknown = await gql(client, county.admin, CLAIM, t=t, ts=ts, item="NOPE", why="想要")
    assert_problem(unknown["claimItem"], 422, "itemCode")
    short = await gql(client, county.admin, CLAIM, t=t, ts=ts, item="CON-01", why="")
    assert_problem(short["claimItem"], 400, "justification")
    stale = await gql(
        client,
        county.admin,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="SAF-01",
        rev=before["revision"] + 5,
        input={"post": "x"},
    )
    assert_problem(stale["updateListEntry"], 412)
    missing = await gql(
        client,
        county.admin,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="CON-01",
        rev=before["revision"],
        input={"post": "x"},
    )
    assert_problem(missing["updateListEntry"], 404)
    nulled = await gql(
        client,
        county.admin,
        UPDATE_ENTRY,
        t=t,
        ts=ts,
        item="SAF-01",
        rev=before["revision"],
        input={"post": None},
    )
    assert_problem(nulled["updateListEntry"], 400, "post")
    not_submitted = await gql(client, county.admin, FILE, t=t, ts=ts)
    assert_problem(not_submitted["fileList"], 409)
    bad_comment = await gql(
        client,
        county.admin,
        RETURN,
        t=t,
        ts=ts,
        note="",
        comments=[{"itemCode": "SAF", "comment": "x"}],
    )
    assert_problem(bad_comment["returnList"], 400, "note")
    no_township = await gql(client, county.admin, SUBMIT, t=t, ts="510115999000")
    assert_problem(no_township["submitList"], 404)

    reader = county.reader
    refused = [
        (await gql(client, reader, PUBLISH_CATALOG, t=t, date="2025-06-01", rev=1))["publishCatalog"],
        (await gql(client, reader, PUBLISH_LIST, t=t, ts=ts, date="2025-06-01"))["publishList"],
        (await gql(client, reader, CLAIM, t=t, ts=ts, item="CON-01", why="想要"))["claimItem"],
        (await gql(client, reader, CREATE_ITEM, t=t, input={**DOMAIN, "code": "NEW"}))["createCatalogItem"],
    ]
    for result in refused:
        assert_problem(result, 403)
    bad_code = await gql(
        client,
        county.admin,
        CREATE_ITEM,
        t=t,
        input={**DOMAIN, "code": "有空格 的编码", "adjustment": WHY},
    )
    assert_problem(bad_code["createCatalogItem"], 400, "code")
    unknown_unit = {
        **DOMAIN,
        "code": "SAF-09",
        "adjustment": WHY,
        "responsibilities": [{"party": "no-such-bureau", "role": "primary"}],
    }
    bad_party = await gql(client, county.admin, CREATE_ITEM, t=t, input=unknown_unit)
    assert_problem(bad_party["createCatalogItem"], 422, "responsibilities[0].party")

    # Reads refuse as REST does: a reader gets no working copy; a missing list is null.
    denied = await client.post(
        "/graphql",
        json={"query": WORKING, "variables": {"s": t, "code": ts}},
        headers=county.auth(county.reader),
    )
    body = denied.json()
    assert body["errors"] and "may not read the working list" in body["errors"][0]["message"]
    assert await gql(client, county.admin, WORKING, s=t, code="510115999000") == {"tenant": {"townshipList": None}}

    assert await working(client, county, ts) == before
    versions = (await gql(client, county.admin, DRAFT_REVISION, s=t))["tenant"]["catalogVersions"]
    assert [v["number"] for v in versions] == [1]


# Tenant isolation -----------------------------------------------------------------------------


async def test_another_tenant_sees_null_and_changes_nothing(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    t, ts = county.slug, LIUCHENG
    before = await working(client, county, ts)
    intruder = other.admin

    assert await gql(client, intruder, WORKING, s=t, code=ts) == {"tenant": None}
    assert await gql(client, other.reader, ITEMS, s=t) == {"tenant": None}

    results = [
        (await gql(client, intruder, CLAIM, t=t, ts=ts, item="CON-01", why="想要"))["claimItem"],
        (await gql(client, intruder, WITHDRAW_CLAIM, t=t, ts=ts, item="CON-01"))["withdrawClaim"],
        (
            await gql(
                client,
                intruder,
                UPDATE_ENTRY,
                t=t,
                ts=ts,
                item="SAF-01",
                rev=before["revision"],
                input={"post": "x"},
            )
        )["updateListEntry"],
        (await gql(client, intruder, SUBMIT, t=t, ts=ts))["submitList"],
        (await gql(client, intruder, RETURN, t=t, ts=ts, note="x"))["returnList"],
        (await gql(client, intruder, FILE, t=t, ts=ts))["fileList"],
        (await gql(client, intruder, PUBLISH_LIST, t=t, ts=ts, date="2025-01-01"))["publishList"],
        (
            await gql(
                client,
                intruder,
                CREATE_ITEM,
                t=t,
                input={**DOMAIN, "code": "X-1", "adjustment": WHY},
            )
        )["createCatalogItem"],
        (
            await gql(
                client,
                intruder,
                UPDATE_ITEM,
                t=t,
                code="SAF-01",
                rev=1,
                input={"title": "x", "adjustment": WHY},
            )
        )["updateCatalogItem"],
        (
            await gql(
                client,
                intruder,
                WITHDRAW_ITEM,
                t=t,
                code="SAF-01",
                input={"reasonKind": "other", "reason": "x"},
            )
        )["withdrawCatalogItem"],
        (await gql(client, intruder, PUBLISH_CATALOG, t=t, date="2025-01-01", rev=1))["publishCatalog"],
    ]
    for result in results:
        assert_problem(result, 404)
        assert result["type"] == "not-found" and t in result["detail"]

    assert await working(client, county, ts) == before
    catalog = (await gql(client, county.admin, ITEMS, s=t))["tenant"]
    assert [v["number"] for v in catalog["catalogVersions"]] == [1]  # no draft was started
    assert len(catalog["catalogAdjustments"]) == 4
    # The intruder's own tenant has no catalog and no township lists.
    own = await gql(client, intruder, WORKING, s=other.slug, code=ts)
    assert own == {"tenant": {"townshipList": None}}


# A constant number of statements --------------------------------------------------------------

HEAVY = """
query($s: String!, $code: String!) {
  tenant(slug: $s) {
    townshipList(code: $code) {
      township { name }
      entries {
        state
        item {
          code
          responsibilities { party role unit { code name } }
          recovery { unit { name } }
          legalBases { raw resolved documentTitle documentId article paragraph item text }
        }
      }
      provisions { documentId article paragraph item label text }
    }
  }
}"""


async def _statements(client: httpx.AsyncClient, t: TenantFixture, township: str) -> tuple[int, Any]:
    await warm(client, t.admin)
    before = queries.count
    data = await gql(client, t.admin, HEAVY, s=t.slug, code=township)
    listed = data["tenant"]["townshipList"]
    return queries.count - before, listed["entries"], listed["provisions"]


async def test_reading_a_list_uses_a_constant_number_of_statements(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    t = county.slug
    more = [
        {
            "code": f"CON-{n:02d}",
            "title": f"差异化事项{n}",
            "level": "domain",
            "kinds": ["differentiated"],
            "category": "construction",
            "responsibilities": [
                {"party": "township", "role": "primary", "duty": "承办"},
                {"party": ("planning-bureau", "emergency-bureau")[n % 2], "role": "cooperating"},
            ],
            "citations": [
                "《中华人民共和国城乡规划法》第四十一条",
                "《中华人民共和国安全生产法》第九条",
            ],
            "adjustment": {"reason_kind": "admission_approved", "reason": "准入审批通过"},
        }
        for n in range(2, 9)
    ]
    await add_items(client, county, *more)
    await publish(client, county, "2025-03-01")
    for item in ["CON-01", *(m["code"] for m in more)]:
        claimed = await gql(client, county.admin, CLAIM, t=t, ts=LIUCHENG, item=item, why="辖区需要")
        assert claimed["claimItem"]["__typename"] == "TownshipList", claimed

    await _statements(client, county, GONGPING)  # warm the key and tenant caches
    few_count, few, _ = await _statements(client, county, GONGPING)
    many_count, many, provisions = await _statements(client, county, LIUCHENG)

    assert len(few) == 3 and len(many) == 11
    units = {r["unit"]["name"] for e in many for r in e["item"]["responsibilities"] if r["unit"]}
    assert units == {"区规划和自然资源局", "区应急管理局"}
    bases = [b for e in many for b in e["item"]["legalBases"]]
    # Each cited provision's text comes once, for the list; the bases refer to it.
    assert len(bases) == 16 and all(b["resolved"] and b["text"] is None for b in bases)
    texts = {(p["documentId"], p["article"], p["paragraph"], p["item"]): p["text"] for p in provisions}
    assert len(texts) == len(provisions) == 2 and all(texts.values())
    assert all(texts[b["documentId"], b["article"], b["paragraph"], b["item"]] for b in bases)
    print(f"statements: 3 entries -> {few_count}, 11 entries -> {many_count}")
    assert few_count == many_count, (few_count, many_count)
    # Three transactions — the list (its row, a custom-plan setting, its entries with their
    # provisions, the township's district counterparts (core.jurisdictions.counterparts), the
    # content generation its item views are kept at for a publication's answer,
    # core.lists.item_views), the units, the townships — each BEGIN+SET, its statements and COMMIT.
    assert many_count == 3 * 2 + 7, many_count


# GraphQL and REST agree -----------------------------------------------------------------------


async def test_graphql_and_rest_return_the_same_list(client: httpx.AsyncClient, county: TenantFixture) -> None:
    base = f"{county.base}/townships/{LIUCHENG}/list"
    claimed = await client.post(
        f"{base}/claims",
        json={"item_code": "CON-01", "justification": "需要"},
        headers=county.auth(),
    )
    assert claimed.status_code == 201, claimed.text
    etag = claimed.headers["etag"]
    detail = {"responsible_office": "平安法治办公室", "post": "安全员", "note": "每月一次"}
    patched = await client.patch(f"{base}/entries/SAF-01", json=detail, headers={**county.auth(), "If-Match": etag})
    assert patched.status_code == 200, patched.text

    rest = (await client.get(base, headers=county.auth())).json()
    graph = await working(client, county, LIUCHENG)
    assert snake(graph) == rest
    assert f'"{graph["revision"]}"' == (await client.get(base, headers=county.auth())).headers["etag"]

    # A GraphQL write with the revision REST moved past is stale there too.
    stale = await gql(
        client,
        county.admin,
        UPDATE_ENTRY,
        t=county.slug,
        ts=LIUCHENG,
        item="SAF-01",
        rev=int(etag.strip('"')),
        input={"post": "乙"},
    )
    assert_problem(stale["updateListEntry"], 412)

    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=county.auth())).status_code == 200
    await gql(client, county.admin, PUBLISH_LIST, t=county.slug, ts=LIUCHENG, date="2025-02-01")
    rest_published = (await client.get(f"{base}/published", headers=county.auth(county.reader))).json()
    graph_published = await gql(client, county.reader, PUBLISHED, s=county.slug, code=LIUCHENG)
    assert snake(graph_published["tenant"]["publishedList"]) == rest_published
    assert rest_published["version"] == 1 and len(rest_published["entries"]) == 4

    # Read again: the completed entries and provisions were kept beside the stored body (the
    # objects let go) and are sent as they are, without decoding the body again.
    from core.lists.service import published_cache
    from core.security.tenancy import find_tenant

    found = await find_tenant(county.slug)
    assert found is not None
    kept = [b for k, b in published_cache._entries.items() if k[0] == found.id and b.renderings]
    assert len(kept) == 1 and kept[0].decoded is None
    # Named by the shape of the selection (core.publication.renderings): entries and provisions.
    shown = [msgspec.json.decode(data) for data in kept[0].renderings.values()]
    assert all(n.startswith("shape:") for n in kept[0].renderings)
    assert sorted(len(rows) for rows in shown) == sorted(
        [len(graph_published["tenant"]["publishedList"][p]) for p in ("entries", "provisions")]
    )
    again = await gql(client, county.reader, PUBLISHED, s=county.slug, code=LIUCHENG)
    assert again == graph_published and kept[0].decoded is None


async def test_item_relations_use_a_constant_number_of_statements(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    await build_county(client, tenant)
    extra = [{**PATROL, "code": f"SAF-1{n}", "title": f"检查{n}", "citations": []} for n in range(4)]
    await add_items(client, tenant, DOMAIN, PATROL, RECOVERED, *extra)
    query = """query($s: String!, $n: Int!) { tenant(slug: $s) { catalogItems(first: $n, level: "item") {
      items { code parent { code children { code } } successor { code } } } } }"""

    async def count(first: int) -> tuple[int, list[Any]]:
        await warm(client, tenant.admin)
        before = queries.count
        data = await gql(client, tenant.admin, query, s=tenant.slug, n=first)
        return queries.count - before, data["tenant"]["catalogItems"]["items"]

    await count(1)  # warm the key and tenant caches
    few, few_items = await count(1)
    many, many_items = await count(6)
    assert len(few_items) == 1 and len(many_items) == 6
    assert all(i["parent"]["code"] == "SAF" and len(i["parent"]["children"]) == 6 for i in many_items)
    assert few == many, (few, many)


# Safe retries ----------------------------------------------------------------------------------

CLAIM_ONCE = f"""
mutation($t: String!, $ts: String!, $item: String!, $why: String!, $once: String) {{
  claimItem(tenant: $t, township: $ts, itemCode: $item, justification: $why, idempotencyKey: $once) {{ {LIST_RESULT} }}
}}"""
SUBMIT_ONCE = f"""
mutation($t: String!, $ts: String!, $once: String) {{
  submitList(tenant: $t, township: $ts, idempotencyKey: $once) {{ {LIST_RESULT} }}
}}"""


async def test_claims_and_submissions_retry_safely_with_an_idempotency_key(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    t, admin = county.slug, county.admin
    claim = {"t": t, "ts": LIUCHENG, "item": "CON-01", "why": "辖区需要", "once": "claim-con-01"}
    first = (await gql(client, admin, CLAIM_ONCE, **claim))["claimItem"]
    again = (await gql(client, admin, CLAIM_ONCE, **claim))["claimItem"]
    assert first["__typename"] == again["__typename"] == "TownshipList"
    assert again == first  # the stored answer, not "already claimed"
    # The key is shared with REST: the same request there replays too.
    rest = await client.post(
        f"{county.base}/townships/{LIUCHENG}/list/claims",
        json={"item_code": "CON-01", "justification": "辖区需要"},
        headers={**county.auth(), "Idempotency-Key": "claim-con-01"},
    )
    assert rest.status_code == 201 and rest.headers["idempotent-replayed"] == "true"
    # Without a key a second claim is the clear 409 it always was.
    assert_problem((await gql(client, admin, CLAIM, t=t, ts=LIUCHENG, item="CON-01", why="辖区需要"))["claimItem"], 409)
    # A key reused for another request is refused and nothing is written.
    reused = await gql(client, admin, CLAIM_ONCE, **{**claim, "ts": GONGPING})
    assert_problem(reused["claimItem"], 422, "Idempotency-Key")
    gongping = await gql(client, admin, WORKING, s=t, code=GONGPING)
    assert "CON-01" not in [e["item"]["code"] for e in gongping["tenant"]["townshipList"]["entries"]]

    submitted = (await gql(client, admin, SUBMIT_ONCE, t=t, ts=LIUCHENG, once="submit-1"))["submitList"]
    resubmitted = (await gql(client, admin, SUBMIT_ONCE, t=t, ts=LIUCHENG, once="submit-1"))["submitList"]
    assert submitted["listStatus"] == resubmitted["listStatus"] == "submitted"
    assert resubmitted == submitted
    # Another tenant's key cannot replay (or even see) this tenant's answer.
    replayed = (await gql(client, other.admin, SUBMIT_ONCE, t=t, ts=LIUCHENG, once="submit-1"))["submitList"]
    assert_problem(replayed, 404)
