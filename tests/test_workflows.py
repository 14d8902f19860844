"""The workflow engine: definition checks when a plugin loads, bottom-up adjustment in Dongshan,
a call workflow's deadlines, overdue detection and expiry rules, roles, bad input and tenant
isolation — through HTTP and GraphQL."""

from __future__ import annotations

import asyncio
import datetime
import types
import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest

from core.platform import db
from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import JurisdictionInfo
from core.workflow import registry as workflow
from core.workflow.definition import Deadline, State, StepInput, Transition, WorkflowDefinition
from core.workflow.templates import adjustment_workflow, call_workflow
from core.workflow.validation import check_definitions
from tenants.testing import check_plugin
from tests.catalog_fixtures import publish
from tests.conftest import MakeTenant, TenantFixture, issue_key
from tests.plugin_fixtures import tiny_county

XIPU, ZHANGTANG = "350626100000", "350626101000"


# --------------------------------------------------------------------------- definitions


def _tiny(**changes: Any) -> WorkflowDefinition:
    d = WorkflowDefinition(
        name="tiny",
        kind="admission",
        label="小流程",
        initial="applied",
        states=(
            State("applied", "申请", Deadline(working_days=3)),
            State("approved", "通过", final=True, outcome="approved"),
        ),
        transitions=(Transition("approve", "批准", ("applied",), "approved", who=("admin",)),),
    )
    return replace(d, **changes)


def _problems(d: WorkflowDefinition, units: set[str] | None = None) -> list[str]:
    return [f"{p.field}: {p.message}" for p in check_definitions([d], units)[1]]


def test_a_well_formed_definition_compiles_with_the_allowed_transitions() -> None:
    compiled, problems = check_definitions([_tiny()])
    assert problems == [] and compiled["tiny"].allowed == {"applied": ("approve",), "approved": ()}


def test_definition_checks_name_the_problem() -> None:
    orphan = _tiny(states=(*_tiny().states, State("limbo", "悬置", Deadline(working_days=1))))
    orphan = replace(
        orphan, transitions=(*orphan.transitions, Transition("out", "出", ("limbo",), "approved", who=("admin",)))
    )
    assert any("unreachable" in p and "limbo" in p for p in _problems(orphan))

    unknown = _tiny(transitions=(Transition("approve", "批准", ("applied",), "heaven", who=("admin",)),))
    assert "tiny.transitions[0].target: approve: unknown state 'heaven'" in _problems(unknown)

    leaving = _tiny(
        transitions=(*_tiny().transitions, Transition("undo", "撤销", ("approved",), "applied", who=("admin",)))
    )
    assert "tiny.transitions[1].sources: undo: leaves final state 'approved'" in _problems(leaving)

    undated = _tiny(deadlines_required=True, states=(State("applied", "申请"), _tiny().states[1]))
    assert "tiny.states[0].deadline: state 'applied' needs a deadline (deadlines_required)" in _problems(undated)

    twice = _tiny(transitions=(*_tiny().transitions, *_tiny().transitions))
    assert "tiny.transitions[1].name: transition 'approve' appears twice" in _problems(twice)

    stranger = _tiny(transitions=(Transition("approve", "批准", ("applied",), "approved", who=("mayor",)),))
    assert any("unknown actor 'mayor'" in p for p in _problems(stranger))
    ghost = _tiny(transitions=(Transition("approve", "批准", ("applied",), "approved", who=("unit:ghost",)),))
    assert any("no unit 'ghost'" in p for p in _problems(ghost, units={"justice-bureau"}))

    auto = _tiny(
        states=(State("applied", "申请", Deadline(working_days=3, on_expiry="auto_transition")), _tiny().states[1])
    )
    assert any("auto_transition names no known transition" in p for p in _problems(auto))
    both = _tiny(states=(State("applied", "申请", Deadline(working_days=3, hours=4)), _tiny().states[1]))
    assert "tiny.states[0].deadline: give exactly one of working_days or hours" in _problems(both)
    missing_input_kind = _tiny(
        transitions=(
            Transition(
                "approve", "批准", ("applied",), "approved", who=("admin",), inputs=(StepInput("x", "video", "x"),)
            ),
        )
    )
    assert any("inputs[0].kind" in p for p in _problems(missing_input_kind))
    call = replace(call_workflow("c", "呼叫"), call_classes=())
    assert "c.call_classes: a call workflow defines its call classes" in _problems(call)
    duplicated = check_definitions([_tiny(), _tiny()])[1]
    assert duplicated[0].field == "tiny.name" and "appears twice" in duplicated[0].message


def test_no_way_out_of_a_state_is_refused() -> None:
    stuck = _tiny(
        states=(*_tiny().states, State("stuck", "卡住", Deadline(working_days=1))),
        transitions=(*_tiny().transitions, Transition("park", "搁置", ("applied",), "stuck", who=("admin",))),
    )
    assert any("no outgoing transition" in p and "stuck" in p for p in _problems(stuck))


def _plugin_with(definitions: tuple[WorkflowDefinition, ...]) -> types.ModuleType:
    module = types.ModuleType("kit_workflows")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return tiny_county("kitwf")

    @hookimpl
    def qingdan_workflows() -> tuple[WorkflowDefinition, ...]:
        return definitions

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_workflows = qingdan_workflows  # type: ignore[attr-defined]
    return module


def test_a_plugin_with_a_bad_workflow_fails_to_load_and_the_kit_says_why() -> None:
    name = f"kit-wf-{uuid.uuid4().hex[:6]}"
    bad = _tiny(transitions=(Transition("approve", "批准", ("applied",), "nowhere", who=("admin",)),))
    plugins.register_module(name, _plugin_with((bad,)))
    with pytest.raises(plugins.PluginError) as raised:
        workflow.definitions(name)
    assert raised.value.plugin == name and raised.value.hook == "qingdan_workflows"
    assert "tiny.transitions[0].target" in raised.value.detail
    report = check_plugin(name)
    assert any("workflows: tiny.transitions[0].target" in p for p in report.problems)
    good = f"kit-wf-{uuid.uuid4().hex[:6]}"
    plugins.register_module(good, _plugin_with((_tiny(),)))
    report = check_plugin(good)
    assert report.workflows == 1 and not report.problems
    assert any("no call workflow" in w for w in report.warnings)
    # Kinds the plugin lacks come from core's defaults.
    assert {c.definition.kind for c in workflow.definitions(good).values()} == {"admission", "adjustment", "call"}


@pytest.mark.parametrize("name", ["wenjiang", "longsha", "taian", "lanshan", "dongshan"])
def test_every_in_tree_plugin_supplies_admission_adjustment_and_call(name: str) -> None:
    report = check_plugin(name)
    assert report.workflows == 3 and not report.problems
    kinds = {c.definition.kind for c in workflow.definitions(name).values() if c.definition.name.startswith(name)}
    assert kinds == {"admission", "adjustment", "call"}


def test_dongshan_adjustment_has_the_county_time_limits() -> None:
    d = workflow.definitions("dongshan")["dongshan_adjustment"].definition
    assert d.deadlines_required and all(s.deadline for s in d.states if not s.final)
    assert d.state("decision").deadline == Deadline(working_days=15, on_expiry="escalate", escalate_to="admin")
    assert adjustment_workflow("x", "x").deadlines_required


# --------------------------------------------------------------------------- bottom-up adjustment


class County:
    def __init__(self, t: TenantFixture, keys: dict[str, str]) -> None:
        self.t, self.keys = t, keys

    def auth(self, who: str) -> dict[str, str]:
        return self.t.auth(self.keys.get(who) or self.t.admin)


async def dongshan(client: httpx.AsyncClient, make_tenant: MakeTenant) -> County:
    t = await make_tenant("dongshan")
    keys = {
        "xipu": await issue_key(t, client, "township", XIPU),
        "zhangtang": await issue_key(t, client, "township", ZHANGTANG),
        "emergency": await issue_key(t, client, "department", "emergency-management-bureau"),
        "justice": await issue_key(t, client, "department", "justice-bureau"),
        "reader": t.reader,
    }
    return County(t, keys)


REASSIGN = {
    "action": "reassign",
    "item_code": "DS-C-002",
    "reason_kind": "township_cannot_perform",
    "reason": "乡镇无执法力量，线索移送后由县应急管理局执法，乡镇只配合",
    "responsibilities": [
        {"party": "emergency-management-bureau", "role": "primary", "duty": "依法开展安全生产行政执法"},
        {"party": "township", "role": "cooperating", "duty": "发现违法线索书面移送"},
    ],
}


async def move(
    client: httpx.AsyncClient, c: County, path: str, who: str, transition: str, status: int = 200, **inputs: Any
) -> dict[str, Any]:
    response = await client.post(
        f"{c.t.base}/{path}/transitions", json={"transition": transition, "inputs": inputs}, headers=c.auth(who)
    )
    assert response.status_code == status, response.text
    return response.json()


async def test_dongshan_bottom_up_adjustment(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    base = c.t.base
    # Only townships (and the county) apply; a department key is refused naming who may.
    denied = await client.post(f"{base}/adjustments", json=REASSIGN, headers=c.auth("emergency"))
    assert denied.status_code == 403 and "township" in denied.json()["detail"]
    created = await client.post(f"{base}/adjustments", json=REASSIGN, headers=c.auth("xipu"))
    assert created.status_code == 201, created.text
    app = created.json()
    aid = f"adjustments/{app['id']}"
    assert app["definition"] == "dongshan_adjustment" and app["data"]["township_code"] == XIPU
    assert app["due_at"] is not None  # the county's time limit starts at once
    again = await client.post(f"{base}/adjustments", json=REASSIGN, headers=c.auth("zhangtang"))
    assert again.status_code == 409  # one adjustment of an item at a time

    units = ["emergency-management-bureau", "justice-bureau"]
    await move(client, c, aid, "xipu", "open_consultation", 403, units=units)
    await move(client, c, aid, "admin", "open_consultation", 422)  # the departments consulted are named
    await move(client, c, aid, "admin", "open_consultation", units=units)
    await move(client, c, aid, "emergency", "consult", opinion="同意，执法由我局承担", position="agree")
    waiting = await move(client, c, aid, "admin", "finish_consultation", 409)
    assert waiting["waiting_for"] == ["justice-bureau"]  # each consulted department's opinion first
    await move(client, c, aid, "justice", "consult", opinion="符合法律规定", position="agree")
    await move(client, c, aid, "justice", "consult", 409, opinion="again", position="agree")
    # The township may not decide; the decision waits for its state.
    problem = await move(client, c, aid, "admin", "approve", 409, decision_text="x")
    assert problem["allowed"] == ["consult", "finish_consultation", "reject", "withdraw"]
    decided = await move(client, c, aid, "admin", "finish_consultation")
    assert decided["state"] == "decision" and decided["due_at"] != app["due_at"]
    problem = await move(client, c, aid, "xipu", "approve", 403, decision_text="x")
    assert "taken by: admin" in problem["detail"] and "withdraw" in problem["detail"]
    done = await move(client, c, aid, "admin", "approve", decision_text="县委、县政府审定同意")
    assert done["outcome"] == "approved" and done["data"]["catalog"]["kind"] == "reassign"

    # The approval opened the catalog adjustment: a reassignment with the township's reason.
    adjustments = (await client.get(f"{base}/catalog/adjustments?item=DS-C-002", headers=c.auth("admin"))).json()
    rows = adjustments["items"] if isinstance(adjustments, dict) else adjustments
    assert any(a["kind"] == "reassign" and a["reason_kind"] == "township_cannot_perform" for a in rows), rows
    item = (await client.get(f"{base}/catalog/items/DS-C-002?version=draft", headers=c.auth("admin"))).json()
    assert item["responsibilities"][1]["duty"] == "发现违法线索书面移送"
    await publish(client, c.t, "2026-12-01")
    history = (await client.get(f"{base}/{aid}/history", headers=c.auth("zhangtang"))).json()
    assert [h["transition"] for h in history] == [
        "start",
        "open_consultation",
        "consult",
        "consult",
        "finish_consultation",
        "approve",
    ]
    assert history[0]["actor"]["scope"] == XIPU and history[2]["actor"]["scope"] == "emergency-management-bureau"


async def test_adjustment_bad_input(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    url = f"{c.t.base}/adjustments"
    cases = [
        ({**REASSIGN, "reason_kind": "whim"}, "reason_kind"),
        ({**REASSIGN, "item_code": "DS-NOPE"}, "item_code"),
        ({**REASSIGN, "responsibilities": None}, "responsibilities"),
        ({**REASSIGN, "township_code": ZHANGTANG}, "township_code"),
        ({"action": "add", "reason_kind": "law_changed", "reason": "新法施行"}, "item"),
    ]
    for body, field in cases:
        response = await client.post(url, json=body, headers=c.auth("xipu"))
        assert response.status_code == 422, (field, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], response.text
    assert (await client.post(url, json={**REASSIGN, "action": "merge"}, headers=c.auth("xipu"))).status_code == 400
    assert (await client.get(url, headers=c.auth("admin"))).json()["items"] == []  # nothing written


async def test_adjustment_over_graphql(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    mutation = """
      mutation($tenant: String!, $input: AdjustmentApplicationInput!) {
        applyAdjustment(tenant: $tenant, input: $input) {
          __typename
          ... on WorkflowInstance { id definition state dueAt applicant { role scope } }
          ... on Problem { status detail }
        }
      }"""
    variables = {
        "tenant": c.t.slug,
        "input": {
            "action": "remove",
            "itemCode": "DS-C-001",
            "reasonKind": "township_cannot_perform",
            "reason": "消防监督检查已由消防救援大队直接下沉企业",
        },
    }
    response = await client.post("/graphql", json={"query": mutation, "variables": variables}, headers=c.auth("xipu"))
    result = response.json()["data"]["applyAdjustment"]
    assert result["__typename"] == "WorkflowInstance", result
    assert result["definition"] == "dongshan_adjustment" and result["applicant"] == {"role": "township", "scope": XIPU}
    denied = await client.post(
        "/graphql", json={"query": mutation, "variables": variables}, headers=c.auth("emergency")
    )
    assert denied.json()["data"]["applyAdjustment"]["status"] in (403, 409)


# --------------------------------------------------------------------------- calls, deadlines, overdue


async def test_a_call_workflow_uses_its_class_deadlines(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    township = "370902001000"
    keys = {
        "town": await issue_key(t, client, "township", township),
        "dept": await issue_key(t, client, "department", "emergency-management-bureau"),
    }
    c = County(t, keys)
    started = await client.post(
        f"{t.base}/workflows",
        json={"definition": "taian_call", "subject": "化工企业泄漏", "data": {"call_class": "emergency"}},
        headers=c.auth("town"),
    )
    assert started.status_code == 201, started.text
    call = started.json()
    path = f"workflows/{call['id']}"
    await move(client, c, path, "admin", "dispatch")
    signed = await move(client, c, path, "dept", "sign_for")
    due = datetime.datetime.fromisoformat(signed["due_at"])
    since = datetime.datetime.fromisoformat(signed["state_since"])
    assert datetime.timedelta(hours=11, minutes=59) < due - since < datetime.timedelta(hours=12, minutes=1)

    # Bad input: unknown transition 422 naming the allowed; a date in the past; unknown inputs; stale version.
    problem = await move(client, c, path, "dept", "teleport", 422)
    assert "answer" in problem["detail"] and problem["errors"][0]["field"] == "transition"
    problem = await move(client, c, path, "dept", "request_extension", 422, reason="需要检测", until="2020-01-01")
    assert problem["errors"][0]["field"] == "inputs.until" and "in the past" in problem["errors"][0]["message"]
    problem = await move(client, c, path, "dept", "answer", 422, feedback="已处置", colour="red")
    assert problem["errors"][0]["field"] == "inputs.colour"
    stale = await client.post(
        f"{t.base}/{path}/transitions",
        json={"transition": "start"},
        headers={**c.auth("dept"), "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    # A reader reads but may not move it.
    assert (await client.get(f"{t.base}/{path}", headers=c.t.auth(c.t.reader))).status_code == 200
    await move(client, c, path, "reader", "start", 403)
    answered = await move(client, c, path, "dept", "answer", feedback="已协调处置完毕")
    assert answered["state"] == "answered"
    history = (await client.get(f"{t.base}/{path}/history", headers=c.auth("admin"))).json()
    assert [h["transition"] for h in history] == ["start", "dispatch", "sign_for", "answer"]
    assert history[-1]["inputs"] == {"feedback": "已协调处置完毕"}
    # Admission and adjustment are not started generically.
    generic = await client.post(
        f"{t.base}/workflows", json={"definition": "taian_admission", "subject": "x"}, headers=c.auth("admin")
    )
    assert generic.status_code == 422 and "/admissions" in generic.text


async def _age(instance_id: str, hours: int = 1) -> None:
    """Move an instance's deadline into the past (what time passing would do)."""
    async with db.platform_transaction() as conn:
        await conn.execute(
            "UPDATE workflow_instances SET due_at = now() - make_interval(hours => $2) WHERE id = $1",
            uuid.UUID(instance_id),
            hours,
        )


async def test_overdue_detection_and_expiry_rules(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    from tests.test_admission import application, longsha, step

    ls = await longsha(client, make_tenant)
    base = ls.t.base
    first = (
        await client.post(f"{base}/admissions", json=application("LS-OD-1"), headers=ls.auth("association"))
    ).json()
    second = (
        await client.post(f"{base}/admissions", json=application("LS-OD-2"), headers=ls.auth("association"))
    ).json()
    for a in (first, second):
        await step(client, ls, a["id"], "admin", "open", opinion="受理")
    # First: reviews in, streets consulted; second: stays in review.
    await step(client, ls, first["id"], "justice", "review", opinion="合法", conclusion="pass")
    await step(client, ls, first["id"], "business", "review", opinion="合理", conclusion="pass")
    await step(client, ls, first["id"], "admin", "consult_townships", townships=["230202001000"])
    assert (await client.get(f"{base}/workflows/overdue", headers=ls.auth("admin"))).json() == []
    await _age(first["id"])
    await _age(second["id"])
    overdue = (await client.get(f"{base}/workflows/overdue?kind=admission", headers=ls.auth("admin"))).json()
    assert {(o["id"], o["state"], o["on_expiry"]) for o in overdue} == {
        (first["id"], "township_consultation", "auto_transition"),
        (second["id"], "review", "escalate"),
    }
    assert (await client.get(f"{base}/admissions/{first['id']}", headers=ls.auth("admin"))).json()["overdue"] is True
    denied = await client.post(f"{base}/workflows/process-deadlines", headers=ls.auth("justice"))
    assert denied.status_code == 403
    processed = await client.post(f"{base}/workflows/process-deadlines", headers=ls.auth("admin"))
    assert processed.status_code == 200 and len(processed.json()) == 2
    moved = (await client.get(f"{base}/admissions/{first['id']}", headers=ls.auth("admin"))).json()
    assert moved["state"] == "decision" and moved["overdue"] is False  # consultation closed at its deadline
    last = (await client.get(f"{base}/admissions/{first['id']}/history", headers=ls.auth("admin"))).json()[-1]
    assert last["transition"] == "finish_consultation" and last["automatic"] and last["late"]
    assert last["actor"]["role"] == "system"
    escalated = (await client.get(f"{base}/admissions/{second['id']}", headers=ls.auth("admin"))).json()
    assert escalated["state"] == "review" and escalated["escalated_to"] == "admin"
    # Processing again changes nothing more (escalation happens once).
    again = (await client.post(f"{base}/workflows/process-deadlines", headers=ls.auth("admin"))).json()
    assert [o["id"] for o in again] == [second["id"]]
    feed = (await client.get(f"{base}/workflows?kind=admission&open=true", headers=ls.auth("admin"))).json()
    assert {i["id"] for i in feed["items"]} == {first["id"], second["id"]}


async def test_workflow_endpoints_are_tenant_isolated(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    c = await dongshan(client, make_tenant)
    aid = (await client.post(f"{c.t.base}/adjustments", json=REASSIGN, headers=c.auth("xipu"))).json()["id"]
    for path in (
        f"{c.t.base}/workflows",
        f"{c.t.base}/workflows/{aid}",
        f"{c.t.base}/workflows/{aid}/history",
        f"{c.t.base}/workflows/definitions",
        f"{c.t.base}/workflows/overdue",
        f"{c.t.base}/adjustments/{aid}",
        f"{c.t.base}/adjustments",
    ):
        assert (await client.get(path, headers=other.auth())).status_code == 404, path
    for path in (f"{other.base}/workflows/{aid}", f"{other.base}/adjustments/{aid}", f"{other.base}/admissions/{aid}"):
        assert (await client.get(path, headers=other.auth())).status_code == 404, path
    for base in (c.t.base, other.base):
        moved = await client.post(
            f"{base}/workflows/{aid}/transitions", json={"transition": "open_consultation"}, headers=other.auth()
        )
        assert moved.status_code == 404
    for path, body in (
        (f"{c.t.base}/workflows", {"definition": "dongshan_call", "subject": "x", "data": {"call_class": "key"}}),
        (f"{c.t.base}/adjustments", REASSIGN),
        (
            f"{c.t.base}/admissions",
            {"item": {"code": "X-1", "title": "x", "level": "item", "kinds": ["basic"]}, "justification": "理由"},
        ),
        (f"{c.t.base}/workflows/process-deadlines", None),
    ):
        response = await client.post(path, json=body, headers=other.auth())
        assert response.status_code == 404, (path, response.text)
    # GraphQL: the other tenant's key sees no such tenant and cannot move the instance.
    query = """query($slug: String!, $id: ID!) { tenant(slug: $slug) { workflow(id: $id) { state } } }"""
    seen = await client.post(
        "/graphql", json={"query": query, "variables": {"slug": c.t.slug, "id": aid}}, headers=other.auth()
    )
    assert seen.json()["data"]["tenant"] is None
    seen = await client.post(
        "/graphql", json={"query": query, "variables": {"slug": other.slug, "id": aid}}, headers=other.auth()
    )
    assert seen.json()["data"]["tenant"]["workflow"] is None
    mutation = """mutation($tenant: String!, $id: ID!) {
        transitionWorkflow(tenant: $tenant, id: $id, transition: "open_consultation") {
          __typename ... on Problem { status } } }"""
    for slug in (c.t.slug, other.slug):
        moved = await client.post(
            "/graphql", json={"query": mutation, "variables": {"tenant": slug, "id": aid}}, headers=other.auth()
        )
        assert moved.json()["data"]["transitionWorkflow"] == {"__typename": "Problem", "status": 404}
    # A definition of another tenant's plugin is unknown here; the instance did not move.
    assert (
        await client.get(f"{other.base}/workflows/definitions/dongshan_adjustment", headers=other.auth())
    ).status_code == 404
    assert (await client.get(f"{c.t.base}/workflows/{aid}", headers=c.auth("admin"))).json()["version"] == 1
    # An admission path does not reach an adjustment.
    assert (await client.get(f"{c.t.base}/admissions/{aid}", headers=c.auth("admin"))).status_code == 404
    assert (await client.get(f"{c.t.base}/workflows/{uuid.uuid4()}", headers=c.auth("admin"))).status_code == 404


async def test_definitions_are_readable_over_rest_and_graphql(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    listed = (await client.get(f"{tenant.base}/workflows/definitions", headers=tenant.auth(tenant.reader))).json()
    assert {d["name"] for d in listed} == {"admission", "adjustment", "call"}  # core's defaults
    call = next(d for d in listed if d["kind"] == "call")
    assert [c["code"] for c in call["call_classes"]] == ["complex", "key", "emergency"]
    assert call["allowed"]["follow_up"] == ["close", "redo"]
    query = """query($slug: String!) { tenant(slug: $slug) {
        workflowDefinitions(kind: "call") { name callClasses { code obligation answerHours } } } }"""
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"slug": tenant.slug}}, headers=tenant.auth()
    )
    defs = response.json()["data"]["tenant"]["workflowDefinitions"]
    assert defs[0]["callClasses"][2] == {"code": "emergency", "obligation": "must", "answerHours": 24}


async def test_listing_instances_takes_the_same_statements_for_any_number(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    from tests.test_admission import application, longsha

    ls = await longsha(client, make_tenant)
    url = f"{ls.t.base}/admissions"

    query = """query($slug: String!) { tenant(slug: $slug) {
        workflows(kind: "admission") { items { id state allowedTransitions history { transition actor { role } } } }
    } }"""

    async def statements() -> tuple[int, int]:
        await client.get(url, headers=ls.auth("wulong"))  # warm the key cache
        db.queries.count = 0
        response = await client.get(url, headers=ls.auth("wulong"))
        assert response.status_code == 200
        rest = db.queries.count
        db.queries.count = 0
        response = await client.post(
            "/graphql", json={"query": query, "variables": {"slug": ls.t.slug}}, headers=ls.auth("wulong")
        )
        assert not response.json().get("errors"), response.text
        return rest, db.queries.count

    await client.post(url, json=application("LS-N-1"), headers=ls.auth("association"))
    one = await statements()
    for i in range(2, 6):
        await client.post(url, json=application(f"LS-N-{i}"), headers=ls.auth("association"))
    assert len((await client.get(url, headers=ls.auth("wulong"))).json()["items"]) == 5
    assert await statements() == one


async def test_a_call_needs_a_known_class(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    body = {"definition": "call", "subject": "占道经营", "data": {"call_class": "whatever"}}
    response = await client.post(f"{tenant.base}/workflows", json=body, headers=tenant.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "data.call_class"
    assert "complex, key, emergency" in response.text
    unknown = await client.post(f"{tenant.base}/workflows", json={**body, "definition": "nope"}, headers=tenant.auth())
    assert unknown.status_code == 404 and "adjustment, admission, call" in unknown.text


async def test_retried_writes_happen_once(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    url = f"{c.t.base}/adjustments"
    headers = {**c.auth("xipu"), "Idempotency-Key": "xipu-2026-001"}
    first = await client.post(url, json=REASSIGN, headers=headers)
    again = await client.post(url, json=REASSIGN, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true" and again.json()["id"] == first.json()["id"]
    assert len((await client.get(url, headers=c.auth("admin"))).json()["items"]) == 1
    other_body = await client.post(url, json={**REASSIGN, "reason": "另一个理由"}, headers=headers)
    assert other_body.status_code == 422  # the same key for a different request
    path = f"{url}/{first.json()['id']}/transitions"
    move_headers = {**c.auth("admin"), "Idempotency-Key": "open-1"}
    body = {"transition": "open_consultation", "inputs": {"units": ["justice-bureau"]}}
    moved = await client.post(path, json=body, headers=move_headers)
    retried = await client.post(path, json=body, headers=move_headers)
    assert moved.status_code == retried.status_code == 200 and retried.headers.get("idempotent-replayed") == "true"
    history = (await client.get(f"{url}/{first.json()['id']}/history", headers=c.auth("admin"))).json()
    assert [h["transition"] for h in history] == ["start", "open_consultation"]


async def test_bottom_up_add_and_remove_change_the_draft(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    c = await dongshan(client, make_tenant)
    base = c.t.base
    new_item = {
        "code": "DS-ADD-1",
        "title": "海漂垃圾清理配合",
        "level": "item",
        "kinds": ["cooperating"],
        "responsibilities": [
            {"party": "ocean-fisheries-bureau", "role": "primary", "duty": "组织清理"},
            {"party": "township", "role": "cooperating", "duty": "巡查上报"},
        ],
    }
    add = {"action": "add", "item": new_item, "reason_kind": "law_changed", "reason": "新修订的海洋环境保护法施行"}
    remove = {
        "action": "remove",
        "item_code": "DS-C-001",
        "reason_kind": "township_cannot_perform",
        "reason": "消防监督检查由消防救援大队直接下沉企业，乡镇不再承担",
    }
    for body, who in ((add, "xipu"), (remove, "zhangtang")):
        created = await client.post(f"{base}/adjustments", json=body, headers=c.auth(who))
        assert created.status_code == 201, created.text
        path = f"adjustments/{created.json()['id']}"
        await move(client, c, path, "admin", "open_consultation", units=["justice-bureau"])
        await move(client, c, path, "justice", "consult", opinion="无异议", position="agree")
        await move(client, c, path, "admin", "finish_consultation")
        done = await move(client, c, path, "admin", "approve", decision_text="同意")
        assert done["outcome"] == "approved"
    added = await client.get(f"{base}/catalog/items/DS-ADD-1?version=draft", headers=c.auth("admin"))
    assert added.status_code == 200 and added.json()["title"] == "海漂垃圾清理配合"
    removed = (await client.get(f"{base}/catalog/items/DS-C-001?version=draft", headers=c.auth("admin"))).json()
    assert removed["status"] == "withdrawn"
    adjustments = (await client.get(f"{base}/catalog/adjustments", headers=c.auth("admin"))).json()
    rows = adjustments["items"] if isinstance(adjustments, dict) else adjustments
    kinds = {(a["item_code"], a["kind"], a["reason_kind"]) for a in rows}
    assert {("DS-ADD-1", "add", "law_changed"), ("DS-C-001", "remove", "township_cannot_perform")} <= kinds
    # Added at the townships' own request (an approved bottom-up add), so not pushed down by the
    # back door; an item the county adds directly is.
    backdoor = {**new_item, "code": "DS-ADD-2", "adjustment": {"reason_kind": "other", "reason": "会议交办"}}
    assert (await client.post(f"{base}/catalog/items", json=backdoor, headers=c.auth("admin"))).status_code == 201
    await publish(client, c.t, "2026-12-01")
    without = (await client.get(f"{base}/admissions/without-admission", headers=c.auth("admin"))).json()
    assert [w["code"] for w in without] == ["DS-ADD-2"]


async def test_a_tenant_without_a_plugin_runs_core_default_admission(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    item = {"code": "GEN-1", "title": "通用准入事项", "level": "domain", "kinds": ["basic"]}
    created = await client.post(
        f"{tenant.base}/admissions", json={"item": item, "justification": "县级部门申请"}, headers=tenant.auth()
    )
    assert created.status_code == 201, created.text
    aid = created.json()["id"]
    assert created.json()["definition"] == "admission"
    for name, inputs in (
        ("open", {"opinion": "受理"}),
        ("consult_townships", {}),
        ("finish_consultation", {}),
        ("approve", {"decision_text": "审定同意"}),
    ):
        response = await client.post(
            f"{tenant.base}/admissions/{aid}/transitions",
            json={"transition": name, "inputs": inputs},
            headers=tenant.auth(),
        )
        assert response.status_code == 200, (name, response.text)
    assert response.json()["outcome"] == "approved"
    draft = await client.get(f"{tenant.base}/catalog/items/GEN-1?version=draft", headers=tenant.auth())
    assert draft.status_code == 200


async def test_the_app_sweep_applies_expired_deadlines_of_every_tenant(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    from tenants.deadlines import DeadlineSweeper, sweep
    from tests.test_admission import application, longsha, step

    ls = await longsha(client, make_tenant)
    base = ls.t.base
    applied = (
        await client.post(f"{base}/admissions", json=application("LS-SW-1"), headers=ls.auth("association"))
    ).json()
    await step(client, ls, applied["id"], "admin", "open", opinion="受理")
    await step(client, ls, applied["id"], "justice", "review", opinion="合法", conclusion="pass")
    await step(client, ls, applied["id"], "business", "review", opinion="合理", conclusion="pass")
    await step(client, ls, applied["id"], "admin", "consult_townships", townships=["230202001000"])
    await _age(applied["id"])

    sweeper = DeadlineSweeper(seconds=3600)  # one sweep at start, then it waits
    sweeper.start()
    for _ in range(100):
        moved = (await client.get(f"{base}/admissions/{applied['id']}", headers=ls.auth("admin"))).json()
        if moved["state"] == "decision":
            break
        await asyncio.sleep(0.05)
    await sweeper.stop()
    assert moved["state"] == "decision" and moved["overdue"] is False
    last = (await client.get(f"{base}/admissions/{applied['id']}/history", headers=ls.auth("admin"))).json()[-1]
    assert last["transition"] == "finish_consultation" and last["automatic"]
    overdue = (await client.get(f"{base}/workflows/overdue", headers=ls.auth("admin"))).json()
    assert applied["id"] not in [o["id"] for o in overdue]
    await sweep()  # nothing left to do for it
    again = (await client.get(f"{base}/admissions/{applied['id']}", headers=ls.auth("admin"))).json()
    assert again["state"] == "decision"
