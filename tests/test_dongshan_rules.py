"""Dongshan's rules as seed 004 states them (issue 20, item 6), over REST and GraphQL:

- a town's own (bottom-up) addition is for that town: it becomes claimable, not every town's;
- the joint consultation needs each consulted department's opinion, or its silence recorded when
  the consultation closes at its deadline;
- an evaluation indicator names the items it rests on, and one worded like a recovered item is
  refused whatever it is linked to (城乡居民基本医疗保险参保扩面率 on 党建 item DS-B-001);
- a call not signed for within its (short) deadline is escalated by process-deadlines, once;
- the county has its 公安局.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import time
import types
import uuid
from typing import Any

import httpx

import plugins.dongshan as dongshan_plugin
from core.platform.db import platform_transaction
from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import CallClass, WorkflowDefinition
from plugins.dongshan.jurisdiction import XIPU, ZHANGTANG
from plugins.dongshan.workflows import ADJUSTMENT, ADMISSION, CALL
from tests.call_fixtures import publish_list
from tests.catalog_fixtures import publish
from tests.conftest import MakeTenant, TenantFixture, issue_key
from tests.test_graphql import gql
from tests.test_workflows import REASSIGN, dongshan, move

NEW_ITEM = {
    "code": "DS-ADD-9",
    "title": "渔港避风锚地秩序巡查",
    "level": "item",
    "kinds": ["basic"],
    "category": "ocean",
    "responsibilities": [{"party": "township", "role": "primary", "duty": "组织渔港避风锚地日常巡查"}],
}
ADD = {"action": "add", "item": NEW_ITEM, "reason_kind": "other", "reason": "西埔镇有渔港避风锚地，申请增加本镇事项"}


def codes(body: dict[str, Any]) -> set[str]:
    return {e["item"]["code"] for e in body["entries"] if e["state"] == "active"}


# --- bottom-up addition ------------------------------------------------------------------------


async def test_a_towns_addition_is_for_that_town(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    base = c.t.base
    created = await client.post(f"{base}/adjustments", json=ADD, headers=c.auth("xipu"))
    assert created.status_code == 201, created.text
    app = created.json()
    assert app["data"]["item"]["kinds"] == ["basic", "town_applied"] and app["data"]["claimable_by"] == XIPU
    path = f"adjustments/{app['id']}"
    await move(client, c, path, "admin", "open_consultation", units=["justice-bureau"])
    await move(client, c, path, "justice", "consult", opinion="无异议", position="agree")
    await move(client, c, path, "admin", "finish_consultation")
    await move(client, c, path, "admin", "approve", decision_text="县委、县政府审定同意")
    draft = (await client.get(f"{base}/catalog/items/DS-ADD-9?version=draft", headers=c.auth("admin"))).json()
    assert draft["township_scope"] == "claim"
    await publish(client, c.t, "2026-12-01")

    xipu_list = f"{base}/townships/{XIPU}/list"
    assert "DS-ADD-9" not in codes((await client.get(xipu_list, headers=c.auth("xipu"))).json())
    zhangtang = (await client.get(f"{base}/townships/{ZHANGTANG}/list", headers=c.auth("zhangtang"))).json()
    assert "DS-ADD-9" not in codes(zhangtang)  # not pushed onto the other towns
    claimed = await client.post(
        f"{xipu_list}/claims",
        json={"item_code": "DS-ADD-9", "justification": "经动态调整审定增加的本镇事项"},
        headers=c.auth("xipu"),
    )
    assert claimed.status_code == 201, claimed.text
    assert "DS-ADD-9" in codes(claimed.json())

    # The county itself adds for every town: the item's kinds decide.
    county_add = {**ADD, "item": {**NEW_ITEM, "code": "DS-ADD-10"}, "reason": "新法施行，各镇均需履行"}
    by_county = await client.post(f"{base}/adjustments", json=county_add, headers=c.auth("admin"))
    assert by_county.status_code == 201 and by_county.json()["data"]["item"]["kinds"] == ["basic"]


async def test_a_town_cannot_add_where_nothing_is_claimable(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    # The county makes every kind reach every township: its rural (differentiated) kind too.
    document = (await client.get(f"{t.base}/catalog/structure", headers=t.auth())).json()
    for kind in document["kinds"]:
        kind["township"] = "all"
    saved = await client.put(f"{t.base}/catalog/structure", json=document, headers=t.auth())
    assert saved.status_code == 200, saved.text
    town = await issue_key(t, client, "township", "370902100000")
    item = {**NEW_ITEM, "code": "TA-ADD-1", "category": None}
    refused = await client.post(f"{t.base}/adjustments", json={**ADD, "item": item}, headers=t.auth(town))
    assert refused.status_code == 422, refused.text
    assert "item.kinds" in [e["field"] for e in refused.json()["errors"]]
    assert (await client.get(f"{t.base}/adjustments", headers=t.auth())).json()["items"] == []
    mutation = """mutation($tenant: String!, $input: AdjustmentApplicationInput!) {
      applyAdjustment(tenant: $tenant, input: $input) { __typename ... on Problem { status errors { field } } } }"""
    variables = {
        "action": "add",
        "reasonKind": "other",
        "reason": ADD["reason"],
        "item": {"code": "TA-ADD-1", "title": NEW_ITEM["title"], "level": "item", "kinds": ["basic"]},
    }
    data = await gql(client, town, mutation, tenant=t.slug, input=variables)
    assert data["applyAdjustment"]["status"] == 422
    assert {"field": "item.kinds"} in data["applyAdjustment"]["errors"]


async def test_a_towns_addition_over_graphql(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    mutation = """mutation($tenant: String!, $input: AdjustmentApplicationInput!) {
      applyAdjustment(tenant: $tenant, input: $input) { __typename ... on WorkflowInstance { id data } } }"""
    variables = {
        "action": "add",
        "reasonKind": "other",
        "reason": ADD["reason"],
        "item": {
            "code": "DS-ADD-9",
            "title": NEW_ITEM["title"],
            "level": "item",
            "kinds": ["basic"],
            "responsibilities": [{"party": "township", "role": "primary", "duty": "组织巡查"}],
        },
    }
    data = await gql(client, c.keys["zhangtang"], mutation, tenant=c.t.slug, input=variables)
    result = data["applyAdjustment"]
    assert result["__typename"] == "WorkflowInstance", result
    assert result["data"]["claimable_by"] == ZHANGTANG and "town_applied" in result["data"]["item"]["kinds"]


# --- the joint consultation ----------------------------------------------------------------------


async def _expire(instance_id: str) -> None:
    """Move an instance's deadline into the past (what ten working days would do)."""
    async with platform_transaction() as conn:
        await conn.execute(
            "UPDATE workflow_instances SET due_at = now() - interval '1 hour' WHERE id = $1", uuid.UUID(instance_id)
        )


async def test_each_consulted_department_answers_or_its_silence_is_recorded(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    c = await dongshan(client, make_tenant)
    app = (await client.post(f"{c.t.base}/adjustments", json=REASSIGN, headers=c.auth("xipu"))).json()
    path = f"adjustments/{app['id']}"
    units = ["emergency-management-bureau", "justice-bureau"]
    bad = await move(client, c, path, "admin", "open_consultation", 422, units=["no-such-bureau"])
    assert "no-such-bureau" in bad["detail"]
    await move(client, c, path, "admin", "open_consultation", units=units)
    unasked = await issue_key(c.t, client, "department", "finance-bureau")
    refused = await client.post(
        f"{c.t.base}/{path}/transitions",
        json={"transition": "consult", "inputs": {"opinion": "我也说两句", "position": "agree"}},
        headers=c.t.auth(unasked),
    )
    assert refused.status_code == 403  # only the departments consulted give opinions
    await move(client, c, path, "emergency", "consult", opinion="同意，执法由我局承担", position="agree")

    # Not before every opinion is in — over GraphQL too.
    mutation = """mutation($tenant: String!, $id: ID!) {
      transitionWorkflow(tenant: $tenant, id: $id, transition: "finish_consultation") {
        __typename ... on Problem { status detail } ... on WorkflowInstance { state } } }"""
    early = await gql(client, c.t.admin, mutation, tenant=c.t.slug, id=app["id"])
    assert early["transitionWorkflow"]["status"] == 409 and "justice-bureau" in early["transitionWorkflow"]["detail"]
    foreign = await gql(client, other.admin, mutation, tenant=c.t.slug, id=app["id"])
    assert foreign["transitionWorkflow"]["status"] == 404

    # The deadline passes: the consultation closes, the silent department on record.
    await _expire(app["id"])
    processed = await client.post(f"{c.t.base}/workflows/process-deadlines", headers=c.auth("admin"))
    assert processed.status_code == 200 and app["id"] in [o["id"] for o in processed.json()]
    moved = (await client.get(f"{c.t.base}/{path}", headers=c.auth("admin"))).json()
    assert moved["state"] == "decision"
    consult = moved["data"]["contributions"]["consult"]
    assert consult["emergency-management-bureau"]["position"] == "agree"
    assert consult["justice-bureau"] == {"silence": True, "opinion": "逾期未反馈意见，视为无意见"}
    last = (await client.get(f"{c.t.base}/{path}/history", headers=c.auth("admin"))).json()[-1]
    assert last["transition"] == "finish_consultation" and last["automatic"]
    assert last["inputs"]["silent"] == ["justice-bureau"]


# --- evaluation indicators -------------------------------------------------------------------------


REPLACE_SCHEME = """
mutation($tenant: String!, $scheme: JSON!, $revision: Int!) {
  replaceEvaluationScheme(tenant: $tenant, scheme: $scheme, revision: $revision) {
    __typename ... on EvaluationScheme { revision scheme } ... on Problem { status errors { field message } }
  }
}"""


def _with(scheme: dict[str, Any], indicator: dict[str, Any]) -> dict[str, Any]:
    """The scheme with ``indicator`` in place of ct-construction (weights still sum to 100)."""
    changed = copy.deepcopy(scheme)
    changed["indicators"] = [i for i in changed["indicators"] if i["code"] != "ct-construction"]
    changed["indicators"].append({"relation": "county_township", "weight": 25, **indicator})
    return changed


async def test_an_indicator_worded_like_a_recovered_item_is_refused(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    t = await make_tenant("dongshan")
    url = f"{t.base}/evaluations/scheme"
    scheme = (await client.get(url, headers=t.auth())).json()["scheme"]
    emergency = next(i for i in scheme["indicators"] if i["code"] == "ct-emergency")
    assert emergency["item_codes"] == ["DS-B-005-01", "DS-B-005-02"]  # an indicator names its items

    disguised = _with(
        scheme, {"code": "ct-insurance", "label": "城乡居民基本医疗保险参保扩面率", "item_codes": ["DS-B-001"]}
    )
    refused = await client.put(url, json={"scheme": disguised, "revision": 0}, headers=t.auth())
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"].endswith(".label") and "DS-R-013" in error["message"]
    assert "收回事项" in error["message"] and "medical-security-bureau" in error["message"]

    cooperating = _with(scheme, {"code": "ct-fire", "label": "消防工作", "item_codes": ["DS-B-004", "DS-C-001"]})
    refused = await client.put(url, json={"scheme": cooperating, "revision": 0}, headers=t.auth())
    assert refused.status_code == 422 and "DS-C-001" in refused.text and "配合事项" in refused.text
    outside = _with(scheme, {"code": "ct-x", "label": "招商引资", "item_codes": ["DS-B-004", "DS-NOPE"]})
    refused = await client.put(url, json={"scheme": outside, "revision": 0}, headers=t.auth())
    assert refused.status_code == 422 and "DS-NOPE" in refused.text
    assert (await client.get(url, headers=t.auth())).json()["revision"] == 0  # nothing written

    fine = _with(scheme, {"code": "ct-villages", "label": "村务公开和民主管理", "item_codes": ["DS-B-002", "DS-B-021"]})
    saved = await client.put(url, json={"scheme": fine, "revision": 0}, headers=t.auth())
    assert saved.status_code == 200, saved.text
    assert saved.json()["scheme"]["indicators"][-1]["item_codes"] == ["DS-B-002", "DS-B-021"]

    # GraphQL: the same refusal as a typed Problem; another tenant gets not found.
    data = await gql(client, t.admin, REPLACE_SCHEME, tenant=t.slug, scheme=disguised, revision=1)
    problem = data["replaceEvaluationScheme"]
    assert problem["__typename"] == "Problem" and problem["status"] == 422
    assert "DS-R-013" in problem["errors"][0]["message"]
    foreign = await gql(client, other.admin, REPLACE_SCHEME, tenant=t.slug, scheme=fine, revision=1)
    assert foreign["replaceEvaluationScheme"]["status"] == 404


# --- call escalation with a short deadline -------------------------------------------------------

DRILL = CallClass("drill", "演练事项", "must", sign_hours=0.0005, answer_hours=0.002)  # 1.8 s to sign for


def _dongshan_with_a_drill() -> str:
    """Dongshan, with a call class whose 报到 deadline passes in under two seconds."""
    module = types.ModuleType("dongshan_drill")
    for name in dir(dongshan_plugin):
        if name.startswith("qingdan_") and name != "qingdan_workflows":
            setattr(module, name, getattr(dongshan_plugin, name))

    @hookimpl
    def qingdan_workflows() -> tuple[WorkflowDefinition, ...]:
        return (ADMISSION, ADJUSTMENT, dataclasses.replace(CALL, call_classes=(*CALL.call_classes, DRILL)))

    module.qingdan_workflows = qingdan_workflows  # type: ignore[attr-defined]
    name = f"dongshan-drill-{uuid.uuid4().hex[:6]}"
    plugins.register_module(name, module)
    return name


async def _escalations(client: httpx.AsyncClient, t: TenantFixture, call_id: str) -> list[dict[str, Any]]:
    history = await client.get(f"{t.base}/calls/{call_id}/history", headers=t.auth())
    assert history.status_code == 200, history.text
    return [s for s in history.json() if s["action"] == "escalate"]


async def test_a_call_not_signed_for_in_time_is_escalated(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    t = await make_tenant(_dongshan_with_a_drill())
    await publish_list(client, t, XIPU)
    town = await issue_key(t, client, "township", XIPU)
    body = {
        "township_code": XIPU,
        "subject": "金銮大道占道经营",
        "description": "节假日金銮大道两侧占道经营、共享单车乱停放，请求城管执法集中整治。",
        "call_class": "drill",
        "item_code": "DS-C-008",
    }
    raised = await client.post(f"{t.base}/calls", json=body, headers=t.auth(town))
    assert raised.status_code == 201, raised.text
    call = raised.json()
    assert [d["unit_code"] for d in call["dispatches"]] == ["urban-management-bureau"]

    # Nothing is late yet; then poll (with a deadline) until the 报到 deadline has passed.
    url = f"{t.base}/workflows/process-deadlines"
    deadline = time.monotonic() + 30
    late: list[dict[str, Any]] = []
    while not late:
        processed = await client.post(url, headers=t.auth())
        assert processed.status_code == 200, processed.text
        late = [o for o in processed.json() if o["kind"] == "call" and o["id"] == call["id"]]
        if not late:
            assert time.monotonic() < deadline, "the call never became overdue"
            await asyncio.sleep(0.2)
    assert late == [
        {
            "id": call["id"],
            "definition": "dongshan_call",
            "kind": "call",
            "subject": "金銮大道占道经营",
            "state": "dispatched",
            "due_at": late[0]["due_at"],
            "on_expiry": "escalate",
            "escalated_to": "admin",
            "unit_code": "urban-management-bureau",
        }
    ]
    [step] = await _escalations(client, t, call["id"])
    assert step["unit_code"] == "urban-management-bureau" and step["actor_role"] == "admin"
    assert step["comment"] == "超过报到时限未签收，提请县级督办"
    assert step["data"]["deadline"] == "sign" and step["data"]["escalated_to"] == "admin"
    events = (await client.get(f"{t.base}/events?limit=500", headers=t.auth())).json()["items"]
    assert any(e["type"] == "call.escalate" and e["subject"] == f"calls/{call['id']}" for e in events)

    # Once per deadline: processing again reports it, escalates nothing more. Another tenant's
    # key can neither process this tenant's deadlines nor read the call.
    again = await client.post(url, headers=t.auth())
    assert call["id"] in [o["id"] for o in again.json()]
    assert len(await _escalations(client, t, call["id"])) == 1
    assert (await client.post(url, headers=other.auth())).status_code == 404
    assert (await client.get(f"{t.base}/calls/{call['id']}/history", headers=other.auth())).status_code == 404
    assert [
        o for o in (await client.post(f"{other.base}/workflows/process-deadlines", headers=other.auth())).json()
    ] == []

    # GraphQL: the same operation, same answer, and a Problem for another tenant.
    mutation = """mutation($tenant: String!) { processWorkflowDeadlines(tenant: $tenant) { __typename
        ... on ProcessedDeadlines { overdue { id kind unitCode escalatedTo } } ... on Problem { status } } }"""
    data = (await gql(client, t.admin, mutation, tenant=t.slug))["processWorkflowDeadlines"]
    assert {"id": call["id"], "kind": "call", "unitCode": "urban-management-bureau", "escalatedTo": "admin"} in data[
        "overdue"
    ]
    assert (await gql(client, other.admin, mutation, tenant=t.slug))["processWorkflowDeadlines"]["status"] == 404
    reader = await gql(client, t.reader, mutation, tenant=t.slug)
    assert reader["processWorkflowDeadlines"]["status"] == 403
    assert len(await _escalations(client, t, call["id"])) == 1


# --- the county's police ------------------------------------------------------------------------


async def test_dongshan_has_its_public_security_bureau(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("dongshan")
    unit = await client.get(f"{t.base}/units/public-security-bureau", headers=t.auth(t.reader))
    assert unit.status_code == 200 and unit.json()["name"] == "县公安局"
    duties = (await client.get(f"{t.base}/units/public-security-bureau/duties", headers=t.auth(t.reader))).json()
    # 道路交通安全: the police lead, towns help; and a penalty they took back (遮挡交通标志)
    assert [i["code"] for i in duties["leads"]] == ["DS-C-015", "DS-R-110"]
    query = 'query($slug: String!) { tenant(slug: $slug) { unit(code: "public-security-bureau") { name } } }'
    assert (await gql(client, t.reader, query, slug=t.slug))["tenant"]["unit"] == {"name": "县公安局"}
