"""Hours are decimals: a 30-minute 报到 rule (``sign_hours=0.5``) is valid plugin data, shown by
GraphQL, and ``GET /calendar/deadline?hours=0.5`` answers; whole working days stay whole."""

from __future__ import annotations

import types
import uuid
from dataclasses import replace

import httpx

from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import CallClass, JurisdictionInfo, call_workflow
from core.workflow.definition import Deadline, State, WorkflowDefinition
from core.workflow.validation import check_definitions
from tests.conftest import MakeTenant, TenantFixture
from tests.plugin_fixtures import tiny_county
from tests.test_graphql import gql

HALF_HOUR = CallClass("emergency", "应急事项", "must", sign_hours=0.5, answer_hours=2.5)


def _problems(*definitions: WorkflowDefinition) -> list[str]:
    return [f"{p.field}: {p.message}" for p in check_definitions(list(definitions))[1]]


def test_fractional_hours_are_valid_and_bad_amounts_are_named() -> None:
    assert _problems(call_workflow("anxi_call", "乡呼县应", (HALF_HOUR,))) == []
    bad = call_workflow(
        "anxi_call",
        "乡呼县应",
        (CallClass("emergency", "应急事项", "must", sign_hours=0, answer_working_days=1.5),),  # type: ignore[arg-type]
    )
    problems = _problems(bad)
    assert any(p.startswith("anxi_call.call_classes[0].sign_hours: must be a positive number") for p in problems)
    assert any(
        p.startswith("anxi_call.call_classes[0].answer_working_days: must be a positive whole") for p in problems
    )
    call = call_workflow("anxi_call", "乡呼县应", (HALF_HOUR,))
    states = tuple(State(s.name, s.label, Deadline(hours=0.25)) if s.name == "received" else s for s in call.states)
    assert _problems(replace(call, states=states)) == []


async def test_half_an_hour_over_rest_and_graphql(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    url = f"{tenant.base}/calendar/deadline"
    start = "2026-10-01T08:00:00+08:00"
    half = await client.get(url, params={"start": start, "hours": 0.5}, headers=tenant.auth(tenant.reader))
    assert half.status_code == 200, half.text
    assert half.json()["deadline"] == "2026-10-01T08:30:00+08:00" and half.json()["hours"] == 0.5
    zero = await client.get(url, params={"start": start, "hours": 0}, headers=tenant.auth(tenant.reader))
    assert zero.status_code in (400, 422) and "hours" in zero.text
    data = await gql(
        client,
        tenant.reader,
        'query($slug: String!) { tenant(slug: $slug) { deadline(start: "2026-10-01T08:00:00+08:00", hours: 0.5)'
        " { hours deadline } } }",
        slug=tenant.slug,
    )
    assert data["tenant"]["deadline"] == {"hours": 0.5, "deadline": "2026-10-01T08:30:00+08:00"}


async def test_a_half_hour_call_class_is_shown_by_graphql(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    module = types.ModuleType("half_hour_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return tiny_county("half")

    @hookimpl
    def qingdan_workflows() -> tuple[WorkflowDefinition, ...]:
        return (call_workflow("half_call", "乡呼县应", (HALF_HOUR,)),)

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_workflows = qingdan_workflows  # type: ignore[attr-defined]
    name = f"half-{uuid.uuid4().hex[:6]}"
    plugins.register_module(name, module)
    t = await make_tenant(name)
    data = await gql(
        client,
        t.reader,
        'query($slug: String!) { tenant(slug: $slug) { workflowDefinitions(kind: "call")'
        " { name callClasses { code signHours answerHours } } } }",
        slug=t.slug,
    )
    [definition] = data["tenant"]["workflowDefinitions"]
    assert definition["callClasses"] == [{"code": "emergency", "signHours": 0.5, "answerHours": 2.5}]
