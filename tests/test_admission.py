"""Admission (准入) through HTTP and GraphQL: Longsha's real steps end to end, rejection,
Tai'an's resources, roles, bad input, tenant isolation and the "without admission" list."""

from __future__ import annotations

from typing import Any

import httpx

from tests.catalog_fixtures import publish
from tests.conftest import MakeTenant, TenantFixture, issue_key

WULONG, NANHANG = "230202001000", "230202006000"
LONGSHA_STREETS = [f"230202{n:03d}000" for n in range(1, 8)]


def draft_item(code: str = "LS-ADM-001") -> dict[str, Any]:
    return {
        "code": code,
        "title": "计划生育家庭奖励扶助对象初审",
        "level": "item",
        "kinds": ["common"],
        "category": "health",
        "responsibilities": [
            {"party": "township", "role": "primary", "duty": "受理申请、入户核查、初审公示"},
            {"party": "family-planning-association", "role": "cooperating", "duty": "业务指导、复核"},
        ],
    }


def application(code: str = "LS-ADM-001", **extra: Any) -> dict[str, Any]:
    return {
        "item": draft_item(code),
        "justification": "计生协会拟将奖励扶助初审交由街道办理，需经准入程序",
        **extra,
    }


class Longsha:
    def __init__(self, t: TenantFixture, keys: dict[str, str]) -> None:
        self.t, self.keys = t, keys

    def auth(self, who: str) -> dict[str, str]:
        return self.t.auth(self.keys.get(who) or self.t.admin)


async def longsha(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Longsha:
    t = await make_tenant("longsha")
    keys = {
        "association": await issue_key(t, client, "department", "family-planning-association"),
        "justice": await issue_key(t, client, "department", "justice-bureau"),
        "business": await issue_key(t, client, "department", "business-environment-bureau"),
        "civil": await issue_key(t, client, "department", "civil-affairs-bureau"),
        "wulong": await issue_key(t, client, "township", WULONG),
        "nanhang": await issue_key(t, client, "township", NANHANG),
    }
    return Longsha(t, keys)


async def step(
    client: httpx.AsyncClient, ls: Longsha, aid: str, who: str, transition: str, status: int = 200, **inputs: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{ls.t.base}/admissions/{aid}/transitions",
        json={"transition": transition, "inputs": inputs},
        headers=ls.auth(who),
    )
    assert response.status_code == status, response.text
    return response.json()


async def test_longsha_admission_runs_its_real_steps_and_the_item_enters_the_next_version(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    ls = await longsha(client, make_tenant)
    base = ls.t.base
    created = await client.post(f"{base}/admissions", json=application(), headers=ls.auth("association"))
    assert created.status_code == 201, created.text
    adm = created.json()
    aid = adm["id"]
    assert adm["definition"] == "longsha_admission" and adm["state"] == "applied"
    assert adm["applicant"]["scope"] == "family-planning-association" and adm["due_at"]
    assert adm["allowed_transitions"] == ["withdraw"]  # the applicant may only withdraw

    # The 编办 opens the procedure.
    adm = await step(client, ls, aid, "admin", "open", opinion="符合准入申请条件，启动准入程序")
    assert adm["state"] == "review"
    # Consulting the streets waits for both reviews (司法局 and 营商局).
    problem = await step(client, ls, aid, "admin", "consult_townships", 409)
    assert "justice-bureau" in problem["detail"] and "business-environment-bureau" in problem["detail"]
    # Another department may not review: 403 naming who may, and what it may do (nothing).
    problem = await step(client, ls, aid, "civil", "review", 403, opinion="x", conclusion="pass")
    assert "unit:justice-bureau" in problem["detail"] and "you may take now: none" in problem["detail"]
    await step(client, ls, aid, "justice", "review", opinion="有法律依据，合法", conclusion="pass")
    await step(client, ls, aid, "justice", "review", 409, opinion="again", conclusion="pass")  # once per reviewer
    adm = await step(client, ls, aid, "business", "review", opinion="不增加街道负担，合理", conclusion="pass")
    assert set(adm["data"]["contributions"]["review"]) == {"justice-bureau", "business-environment-bureau"}

    # Streets consulted: two of them; each street's opinion recorded.
    adm = await step(client, ls, aid, "admin", "consult_townships", townships=[WULONG, NANHANG])
    assert adm["state"] == "township_consultation" and adm["data"]["consulted"] == [WULONG, NANHANG]
    await step(client, ls, aid, "wulong", "give_opinion", opinion="同意，街道可承接", position="agree")
    problem = await step(client, ls, aid, "admin", "finish_consultation", 409)
    assert NANHANG in problem["detail"]
    await step(client, ls, aid, "nanhang", "give_opinion", opinion="同意，需配备培训", position="agree")
    adm = await step(client, ls, aid, "admin", "finish_consultation")
    assert adm["state"] == "decision"
    assert adm["data"]["contributions"]["give_opinion"][NANHANG]["opinion"] == "同意，需配备培训"

    # Wrong state: approving is only possible in the decision; here a second finish is 409 naming the allowed.
    problem = await step(client, ls, aid, "admin", "finish_consultation", 409)
    assert "approve" in problem["detail"] and problem["allowed"] == ["approve", "reject", "withdraw"]
    # Missing input: 422 naming it.
    problem = await step(client, ls, aid, "admin", "approve", 422)
    assert problem["errors"][0]["field"] == "inputs.decision_text"
    problem = await step(client, ls, aid, "admin", "approve", 422, decision_text="同意", minutes="../../etc/passwd")
    assert problem["errors"][0]["field"] == "inputs.minutes" and "'..'" in problem["errors"][0]["message"]
    adm = await step(
        client,
        ls,
        aid,
        "admin",
        "approve",
        decision_text="区委常委会第12次会议审定同意",
        minutes="admissions/2026/常委会纪要.pdf",
    )
    assert adm["state"] == "approved" and adm["outcome"] == "approved" and adm["closed_at"]
    assert adm["data"]["catalog"]["item_code"] == "LS-ADM-001"
    # Closed: no more transitions.
    problem = await step(client, ls, aid, "admin", "reject", 409, reason="x")
    assert "closed" in problem["detail"]

    # The whole history, actor by actor.
    history = (await client.get(f"{base}/admissions/{aid}/history", headers=ls.auth("wulong"))).json()
    assert [s["transition"] for s in history] == [
        "start",
        "open",
        "review",
        "review",
        "consult_townships",
        "give_opinion",
        "give_opinion",
        "finish_consultation",
        "approve",
    ]
    assert history[2]["actor"]["scope"] == "justice-bureau" and history[2]["inputs"]["conclusion"] == "pass"
    assert history[5]["actor"] == {**history[5]["actor"], "role": "township", "scope": WULONG}

    # The draft carries the item with an admission adjustment; publishing puts it in the next version.
    adjustments = (await client.get(f"{base}/catalog/adjustments?item=LS-ADM-001", headers=ls.auth("admin"))).json()
    assert any(a["reason_kind"] == "admission_approved" for a in _items(adjustments))
    version = await publish(client, ls.t, "2026-12-01")
    assert version["number"] == 2
    item = await client.get(f"{base}/catalog/items/LS-ADM-001?version=2", headers=ls.auth("wulong"))
    assert item.status_code == 200 and item.json()["title"] == "计划生育家庭奖励扶助对象初审"
    # A common item: every street's working list now carries it.
    working = await client.get(f"{base}/townships/{WULONG}/list", headers=ls.auth("wulong"))
    assert "LS-ADM-001" in working.text, working.text[:500]
    # Admitted, so not on the "without admission" list.
    without = (await client.get(f"{base}/admissions/without-admission", headers=ls.auth("admin"))).json()
    assert "LS-ADM-001" not in [w["code"] for w in without]


def _items(body: Any) -> list[dict[str, Any]]:
    return body["items"] if isinstance(body, dict) else body


async def test_rejection_records_the_reason_and_adds_nothing(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    ls = await longsha(client, make_tenant)
    aid = (
        await client.post(f"{ls.t.base}/admissions", json=application("LS-ADM-002"), headers=ls.auth("association"))
    ).json()["id"]
    await step(client, ls, aid, "admin", "open", opinion="受理")
    await step(client, ls, aid, "justice", "review", opinion="无法律法规依据", conclusion="fail")
    adm = await step(client, ls, aid, "admin", "reject", reason="无法律法规依据，属部门职责，不予准入")
    assert adm["outcome"] == "rejected" and adm["data"]["rejection_reason"].startswith("无法律法规依据")
    item = await client.get(f"{ls.t.base}/catalog/items/LS-ADM-002?version=draft", headers=ls.auth("admin"))
    assert item.status_code == 404
    # The code is free again for a new application.
    again = await client.post(f"{ls.t.base}/admissions", json=application("LS-ADM-002"), headers=ls.auth("association"))
    assert again.status_code == 201


async def test_bad_applications_are_refused_naming_the_field(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    ls = await longsha(client, make_tenant)
    url = f"{ls.t.base}/admissions"
    bad = await client.post(url, json=application(temporary=True), headers=ls.auth("association"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "until"
    bad = await client.post(url, json=application(temporary=True, until="2020-01-01"), headers=ls.auth("association"))
    assert bad.status_code == 422 and "not in the future" in bad.text
    item = {**draft_item(), "kinds": ["nonsense"]}
    bad = await client.post(url, json={"item": item, "justification": "理由充分"}, headers=ls.auth("association"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("item.kinds")
    bad = await client.post(
        url, json={"item": draft_item(), "justification": "x" * 2, "x": 1}, headers=ls.auth("admin")
    )
    assert bad.status_code == 400
    taken = await client.post(url, json=application("LS-C-001"), headers=ls.auth("association"))
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "item.code"
    # A township may not apply for admission (it is not in who_may_start); readers neither.
    denied = await client.post(url, json=application(), headers=ls.auth("wulong"))
    assert denied.status_code == 403 and "department" in denied.json()["detail"]
    denied = await client.post(url, json=application(), headers=ls.t.auth(ls.t.reader))
    assert denied.status_code == 403
    listed = (await client.get(url, headers=ls.auth("admin"))).json()
    assert listed["items"] == []  # nothing written


async def test_taian_admission_requires_the_resources(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    item = {
        "code": "TA-ADM-001",
        "title": "农村危房改造初审",
        "level": "item",
        "kinds": ["key_work"],
        "responsibilities": [
            {"party": "township", "role": "cooperating", "duty": "摸排上报"},
            {"party": "housing-construction-bureau", "role": "primary", "duty": "组织鉴定和改造"},
        ],
        "citations": ["《中华人民共和国城乡规划法》第四十一条"],
    }
    body = {"item": item, "justification": "阶段性工作", "phased": True, "until": "2030-12-31"}
    bad = await client.post(f"{t.base}/admissions", json=body, headers=t.auth())
    assert bad.status_code == 422, bad.text
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"resources.funding", "resources.staff", "resources.technology", "resources.training"} <= fields
    resources = {k: "随事项下沉" for k in ("funding", "staff", "technology", "training", "guidance")}
    good = await client.post(f"{t.base}/admissions", json={**body, "resources": resources}, headers=t.auth())
    if good.status_code == 422:  # the plugin's own item rules; show them if the sample item misses one
        assert "item." in good.text and "resources" not in good.text, good.text
    else:
        assert good.status_code == 201, good.text
        assert good.json()["definition"] == "taian_admission" and good.json()["data"]["until"] == "2030-12-31"


async def test_another_tenant_sees_nothing(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    ls = await longsha(client, make_tenant)
    aid = (await client.post(f"{ls.t.base}/admissions", json=application(), headers=ls.auth("association"))).json()[
        "id"
    ]
    for path in (
        f"{ls.t.base}/admissions/{aid}",
        f"{ls.t.base}/admissions",
        f"{ls.t.base}/admissions/without-admission",
    ):
        assert (await client.get(path, headers=other.auth())).status_code == 404
    # Another tenant's key on its own tenant path does not find the instance either.
    assert (await client.get(f"{other.base}/admissions/{aid}", headers=other.auth())).status_code == 404
    assert (await client.get(f"{other.base}/workflows/{aid}/history", headers=other.auth())).status_code == 404
    moved = await client.post(
        f"{other.base}/admissions/{aid}/transitions",
        json={"transition": "open", "inputs": {"opinion": "x"}},
        headers=other.auth(),
    )
    assert moved.status_code == 404
    still = (await client.get(f"{ls.t.base}/admissions/{aid}", headers=ls.auth("admin"))).json()
    assert still["state"] == "applied" and still["version"] == 1


async def test_items_added_without_admission_are_listed(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    ls = await longsha(client, make_tenant)
    base = ls.t.base
    item = {**draft_item("LS-BACKDOOR-1"), "adjustment": {"reason_kind": "other", "reason": "领导交办"}}
    created = await client.post(f"{base}/catalog/items", json=item, headers=ls.auth("admin"))
    assert created.status_code == 201, created.text
    # Not yet published: not on any township list yet.
    assert (await client.get(f"{base}/admissions/without-admission", headers=ls.auth("admin"))).json() == []
    await publish(client, ls.t, "2026-12-01")
    without = (await client.get(f"{base}/admissions/without-admission", headers=ls.auth("wulong"))).json()
    assert [w["code"] for w in without] == ["LS-BACKDOOR-1"]
    assert without[0]["reason_kind"] == "other" and without[0]["added_in_version"] == 2
    assert without[0]["township_scope"] == "all"


async def test_longsha_admission_end_to_end_over_graphql(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    ls = await longsha(client, make_tenant)
    mutation = """
      mutation($tenant: String!, $input: AdmissionInput!) {
        applyAdmission(tenant: $tenant, input: $input) {
          __typename
          ... on WorkflowInstance { id state definition allowedTransitions }
          ... on Problem { status detail errors { field message } }
        }
      }"""
    data = await _gql(
        client, ls.t, mutation, {"tenant": ls.t.slug, "input": application("LS-GQL-1")}, ls.keys["association"]
    )
    adm = data["applyAdmission"]
    assert adm["__typename"] == "WorkflowInstance" and adm["state"] == "applied", adm
    transition = """
      mutation($tenant: String!, $id: ID!, $name: String!, $inputs: JSON) {
        transitionWorkflow(tenant: $tenant, id: $id, transition: $name, inputs: $inputs) {
          __typename
          ... on WorkflowInstance { state version outcome }
          ... on Problem { status detail }
        }
      }"""

    async def take(who: str, name: str, **inputs: Any) -> dict[str, Any]:
        variables = {"tenant": ls.t.slug, "id": adm["id"], "name": name, "inputs": inputs}
        return (await _gql(client, ls.t, transition, variables, ls.keys.get(who, ls.t.admin)))["transitionWorkflow"]

    assert (await take("wulong", "open", opinion="受理"))["status"] == 403
    assert await take("admin", "open", opinion="受理") == {
        "__typename": "WorkflowInstance",
        "state": "review",
        "version": 2,
        "outcome": None,
    }
    assert (await take("admin", "approve", decision_text="x"))["status"] == 409
    await take("justice", "review", opinion="合法", conclusion="pass")
    await take("business", "review", opinion="合理", conclusion="pass")
    await take("admin", "consult_townships", townships=[WULONG])
    assert (await take("nanhang", "give_opinion", opinion="x", position="agree"))["status"] == 403  # not consulted
    await take("wulong", "give_opinion", opinion="同意", position="agree")
    await take("admin", "finish_consultation")
    missing = await take("admin", "approve")
    assert missing["status"] == 422 and "decision_text" in missing["detail"]
    done = await take("admin", "approve", decision_text="区委常委会审定同意")
    assert done["state"] == "approved" and done["outcome"] == "approved"

    query = """
      query($slug: String!, $id: ID!) {
        tenant(slug: $slug) {
          workflowDefinitions(kind: "admission") { name kind states { name label } }
          workflow(id: $id) { state history { transition actor { role scope } } }
          workflows(kind: "admission") { items { id state } }
          catalogVersions { status revision }
        }
      }"""
    data = await _gql(client, ls.t, query, {"slug": ls.t.slug, "id": adm["id"]}, ls.t.admin)
    tenant = data["tenant"]
    assert tenant["workflowDefinitions"][0]["name"] == "longsha_admission"
    assert [h["transition"] for h in tenant["workflow"]["history"]] == [
        "start",
        "open",
        "review",
        "review",
        "consult_townships",
        "give_opinion",
        "finish_consultation",
        "approve",
    ]
    assert tenant["workflows"]["items"][0]["id"] == adm["id"]
    publish = """
      mutation($tenant: String!, $revision: Int!) {
        publishCatalog(tenant: $tenant, effectiveDate: "2026-12-01", revision: $revision) {
          __typename ... on CatalogVersion { number } ... on Problem { detail }
        }
      }"""
    revision = next(v["revision"] for v in tenant["catalogVersions"] if v["status"] == "draft")
    published = await _gql(client, ls.t, publish, {"tenant": ls.t.slug, "revision": revision}, ls.t.admin)
    assert published["publishCatalog"] == {"__typename": "CatalogVersion", "number": 2}
    item = await _gql(
        client,
        ls.t,
        'query($slug: String!) { tenant(slug: $slug) { catalogItem(code: "LS-GQL-1", version: "2") { title } } }',
        {"slug": ls.t.slug},
        ls.keys["wulong"],
    )
    assert item["tenant"]["catalogItem"] == {"title": "计划生育家庭奖励扶助对象初审"}


async def _gql(
    client: httpx.AsyncClient, t: TenantFixture, query: str, variables: dict[str, Any], key: str
) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=t.auth(key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]
