"""Post assignment (岗位分解, AB角) through HTTP and GraphQL: leader → office → post, one
statement per question, unassigned entries, role rules, bad input, tenant isolation."""

from __future__ import annotations

import httpx
import pytest

from core.platform import db
from tests.conftest import MakeTenant, TenantFixture, issue_key
from tests.test_accountability import publish_list
from tests.test_graphql import gql

SHENGZHUANG, DAIMIAO = "370902100000", "370902001000"
GOVERNANCE, SOCIAL = "shengzhuang-governance-center", "shengzhuang-social-affairs-office"
EMERGENCY = "TA-YJ-003"


@pytest.fixture
async def taian(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant("taian")


async def put_post(client: httpx.AsyncClient, t: TenantFixture, code: str, name: str, office: str, holder: str = ""):
    return await client.put(
        f"{t.base}/townships/{SHENGZHUANG}/posts/{code}",
        json={"name": name, "office_code": office, "holder": holder},
        headers=t.auth(),
    )


async def test_decomposition_and_questions(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    base = f"{taian.base}/townships/{SHENGZHUANG}"
    assert (await put_post(client, taian, "emergency-officer", "应急管理岗", GOVERNANCE, "张三")).status_code == 200
    assert (await put_post(client, taian, "emergency-backup", "综合治理岗", GOVERNANCE, "李四")).status_code == 200
    assert (await put_post(client, taian, "relief-officer", "社会救助岗", SOCIAL, "王五")).status_code == 200

    before = (await client.get(f"{base}/assignments/unassigned", headers=taian.auth())).json()
    assert before["assigned"] == 0 and before["entries"] == len(before["unassigned"]) > 20

    assigned = await client.put(
        f"{base}/assignments/{EMERGENCY}",
        json={
            "leader": "副镇长 刘某",
            "office_code": GOVERNANCE,
            "a_post": "emergency-officer",
            "b_post": "emergency-backup",
        },
        headers=taian.auth(),
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json() == {
        "township_code": SHENGZHUANG,
        "item_code": EMERGENCY,
        "title": "突发事件先期处置和信息报送",
        "leader": "副镇长 刘某",
        "office_code": GOVERNANCE,
        "office_name": "社会治理服务中心",
        "a_post": "emergency-officer",
        "a_post_name": "应急管理岗",
        "a_holder": "张三",
        "b_post": "emergency-backup",
        "b_post_name": "综合治理岗",
        "b_holder": "李四",
    }
    relief = await client.put(
        f"{base}/assignments/TA-ZD-001",
        json={"leader": "副镇长 陈某", "office_code": SOCIAL, "a_post": "relief-officer", "b_post": None},
        headers=taian.auth(),
    )
    assert relief.status_code == 200, relief.text

    # One statement each (plus the transaction's BEGIN and COMMIT), however many entries.
    await client.get(f"{base}/assignments/{EMERGENCY}", headers=taian.auth(taian.reader))  # warm the key cache
    await client.get(f"{base}/posts/emergency-backup", headers=taian.auth())
    db.queries.count = 0
    who = await client.get(f"{base}/assignments/{EMERGENCY}", headers=taian.auth(taian.reader))
    assert who.status_code == 200 and who.json()["b_holder"] == "李四"
    assert db.queries.count <= 3
    db.queries.count = 0
    backup = await client.get(f"{base}/posts/emergency-backup", headers=taian.auth())
    assert db.queries.count <= 3
    post = backup.json()
    assert post["entries"] == [
        {"item_code": EMERGENCY, "title": "突发事件先期处置和信息报送", "role": "B", "leader": "副镇长 刘某"}
    ]
    assert post["description"] == "社会治理服务中心 综合治理岗（李四）：突发事件先期处置和信息报送（协办B角）"

    after = (await client.get(f"{base}/assignments/unassigned", headers=taian.auth())).json()
    assert after["assigned"] == 2 and EMERGENCY not in [e["item_code"] for e in after["unassigned"]]
    assert len((await client.get(f"{base}/posts", headers=taian.auth())).json()) == 3
    assert len((await client.get(f"{base}/assignments", headers=taian.auth())).json()) == 2

    # A case against the B post resolves through the township's role as of the date.
    await publish_list(client, taian, SHENGZHUANG, "2027-01-01")
    case = await client.post(
        f"{taian.base}/accountability/cases",
        json={
            "party_kind": "post",
            "party": "emergency-backup",
            "township": SHENGZHUANG,
            "item_code": EMERGENCY,
            "situation": "not_performed",
            "facts": "A角休假期间B角未代为处置",
            "facts_date": "2027-02-01",
        },
        headers=taian.auth(),
    )
    assert case.status_code == 201, case.text
    assert case.json()["responsibility"] == "primary" and case.json()["basis"]["post_role"] == "B"
    never = await client.post(
        f"{taian.base}/accountability/cases",
        json={
            "party_kind": "post",
            "party": "relief-officer",
            "township": SHENGZHUANG,
            "item_code": EMERGENCY,
            "situation": "not_performed",
            "facts": "不是该岗位的事项",
            "facts_date": "2027-02-01",
        },
        headers=taian.auth(),
    )
    assert never.status_code == 422 and "never held item TA-YJ-003" in never.text


async def test_bad_input_roles_and_isolation(
    client: httpx.AsyncClient, taian: TenantFixture, other: TenantFixture
) -> None:
    base = f"{taian.base}/townships/{SHENGZHUANG}"
    await put_post(client, taian, "emergency-officer", "应急管理岗", GOVERNANCE)
    await put_post(client, taian, "relief-officer", "社会救助岗", SOCIAL)

    def body(**more: object) -> dict[str, object]:
        return {"leader": "副镇长 刘某", "office_code": GOVERNANCE, "a_post": "emergency-officer", **more}

    off_list = await client.put(f"{base}/assignments/NOT-ON-LIST", json=body(), headers=taian.auth())
    assert off_list.status_code == 422 and "NOT-ON-LIST is not an entry" in off_list.text
    same = await client.put(
        f"{base}/assignments/{EMERGENCY}", json=body(b_post="emergency-officer"), headers=taian.auth()
    )
    assert same.status_code == 422 and same.json()["errors"][0]["field"] == "b_post"
    foreign_office = await client.put(
        f"{base}/assignments/{EMERGENCY}", json=body(office_code="daimiao-party-office"), headers=taian.auth()
    )
    assert foreign_office.status_code == 422 and foreign_office.json()["errors"][0]["field"] == "office_code"
    ghost = await client.put(f"{base}/assignments/{EMERGENCY}", json=body(b_post="ghost"), headers=taian.auth())
    assert ghost.status_code == 422 and "no post ghost" in ghost.text
    mismatch = await client.put(
        f"{base}/assignments/{EMERGENCY}", json=body(a_post="relief-officer"), headers=taian.auth()
    )
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["field"] == "a_post"
    bad_post = await put_post(client, taian, "Bad Code", "岗位", GOVERNANCE)
    assert bad_post.status_code == 422 and bad_post.json()["errors"][0]["field"] == "code"
    assert (await client.get(f"{base}/assignments", headers=taian.auth())).json() == []

    own = await issue_key(taian, client, "township", SHENGZHUANG)
    neighbour = await issue_key(taian, client, "township", DAIMIAO)
    department = await issue_key(taian, client, "department", "emergency-management-bureau")
    assert (
        await client.put(f"{base}/assignments/{EMERGENCY}", json=body(), headers=taian.auth(own))
    ).status_code == 200
    assert (
        await client.put(f"{base}/assignments/{EMERGENCY}", json=body(), headers=taian.auth(neighbour))
    ).status_code == 403
    assert (await client.get(f"{base}/posts", headers=taian.auth(neighbour))).status_code == 403
    assert (await client.get(f"{base}/posts", headers=taian.auth(department))).status_code == 403
    assert (await client.get(f"{base}/posts", headers=taian.auth(taian.reader))).status_code == 200
    assert (
        await client.put(f"{base}/assignments/{EMERGENCY}", json=body(), headers=taian.auth(taian.reader))
    ).status_code == 403

    for path in ("/posts", "/assignments", "/assignments/unassigned", f"/assignments/{EMERGENCY}"):
        assert (await client.get(f"{base}{path}", headers=other.auth())).status_code == 404
    assert (await client.put(f"{base}/assignments/{EMERGENCY}", json=body(), headers=other.auth())).status_code == 404
    post = {"name": "岗位", "office_code": GOVERNANCE}
    assert (await client.put(f"{base}/posts/intruder", json=post, headers=other.auth())).status_code == 404
    assert (await client.get(f"{base}/posts/intruder", headers=taian.auth())).status_code == 404


ASSIGN = """
mutation($tenant: String!, $township: String!, $item: String!, $input: AssignmentInput!) {
  assignEntry(tenant: $tenant, township: $township, itemCode: $item, input: $input) {
    __typename ... on Assignment { aPostName bPost } ... on Problem { status detail errors { field } }
  }
}
"""

SAVE_POST = """
mutation($tenant: String!, $township: String!, $code: String!, $input: PostInput!) {
  savePost(tenant: $tenant, township: $township, code: $code, input: $input) {
    __typename ... on Post { code officeName } ... on Problem { status detail }
  }
}
"""

READ = """
query($slug: String!, $township: String!, $item: String!) {
  tenant(slug: $slug) {
    whoDoes(township: $township, itemCode: $item) { leader aPost aHolder officeName }
    posts(township: $township) { code description entries { itemCode role } }
    unassignedEntries(township: $township) { assigned unassignedCodes }
  }
}
"""


async def test_over_graphql(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    post = {"name": "应急管理岗", "officeCode": GOVERNANCE, "holder": "张三"}
    saved = (
        await gql(
            client,
            taian.admin,
            SAVE_POST,
            tenant=taian.slug,
            township=SHENGZHUANG,
            code="emergency-officer",
            input=post,
        )
    )["savePost"]
    assert saved == {"__typename": "Post", "code": "emergency-officer", "officeName": "社会治理服务中心"}
    entry = {"leader": "副镇长 刘某", "officeCode": GOVERNANCE, "aPost": "emergency-officer"}
    done = (
        await gql(client, taian.admin, ASSIGN, tenant=taian.slug, township=SHENGZHUANG, item=EMERGENCY, input=entry)
    )["assignEntry"]
    assert done == {"__typename": "Assignment", "aPostName": "应急管理岗", "bPost": None}
    refused = (
        await gql(client, taian.admin, ASSIGN, tenant=taian.slug, township=SHENGZHUANG, item="NOPE", input=entry)
    )["assignEntry"]
    assert (
        refused["__typename"] == "Problem" and refused["status"] == 422 and refused["errors"][0]["field"] == "itemCode"
    )

    data = (await gql(client, taian.reader, READ, slug=taian.slug, township=SHENGZHUANG, item=EMERGENCY))["tenant"]
    assert data["whoDoes"] == {
        "leader": "副镇长 刘某",
        "aPost": "emergency-officer",
        "aHolder": "张三",
        "officeName": "社会治理服务中心",
    }
    assert data["posts"][0]["entries"] == [{"itemCode": EMERGENCY, "role": "A"}]
    assert data["unassignedEntries"]["assigned"] == 1 and EMERGENCY not in data["unassignedEntries"]["unassignedCodes"]
    missing = (await gql(client, taian.reader, READ, slug=taian.slug, township=SHENGZHUANG, item="TA-ZD-001"))["tenant"]
    assert missing["whoDoes"] is None
