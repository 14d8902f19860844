"""Workflow builders take a county's extra step inputs (``extra_inputs``); a built call
workflow honours a half-hour 报到 rule and requires the county's input, end to end."""

from __future__ import annotations

import datetime
import types
import uuid
from typing import Any

import httpx
import pytest

from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (
    CallClass,
    Division,
    JurisdictionInfo,
    StepInput,
    Unit,
    adjustment_workflow,
    admission_workflow,
    call_workflow,
)
from core.workflow.definition import WorkflowDefinition
from core.workflow.validation import check_definitions
from tests.conftest import MakeTenant, issue_key

TOWN = "350626100000"
MEETING = StepInput("meeting_no", "text", "编委会议文号")
ON_SITE = StepInput("on_site", "decision", "是否到场处置", choices=("yes", "no"))


def test_every_builder_adds_extra_inputs_to_the_named_steps() -> None:
    built = (
        admission_workflow("anxi_admission", "职责准入", extra_inputs={"approve": (MEETING,)}),
        adjustment_workflow("anxi_adjustment", "动态调整", extra_inputs={"approve": (MEETING,)}),
        call_workflow("anxi_call", "乡呼县应", extra_inputs={"answer": (ON_SITE,)}),
    )
    assert check_definitions(list(built))[1] == []
    plain = (
        admission_workflow("anxi_admission", "职责准入"),
        adjustment_workflow("anxi_adjustment", "动态调整"),
        call_workflow("anxi_call", "乡呼县应"),
    )
    steps = ("approve", "approve", "answer")
    for definition, before, step, extra in zip(built, plain, steps, (MEETING, MEETING, ON_SITE), strict=True):
        added, original = definition.transition(step), before.transition(step)
        assert added is not None and original is not None
        assert added.inputs == (*original.inputs, extra)
        others = [t for t in definition.transitions if t.name != step]
        assert others == [t for t in before.transitions if t.name != step]  # nothing else changed


def test_an_unknown_step_is_named_with_the_steps_there_are() -> None:
    with pytest.raises(ValueError, match=r"anxi_call: extra_inputs for unknown steps \['reply'\] \(steps: .*answer"):
        call_workflow("anxi_call", "乡呼县应", extra_inputs={"reply": (ON_SITE,)})


def _county() -> types.ModuleType:
    module = types.ModuleType("builder_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return JurisdictionInfo(
            slug="builder",
            name="测试县",
            division_code="350626",
            divisions=(Division("350626", "测试县", "county"), Division(TOWN, "测试镇", "town", parent_code="350626")),
            units=(Unit("emergency-bureau", "县应急管理局", "department", "350626"),),
        )

    @hookimpl
    def qingdan_workflows() -> tuple[WorkflowDefinition, ...]:
        half_hour = CallClass("emergency", "应急事项", "must", sign_hours=0.5, answer_hours=2.5)
        return (call_workflow("builder_call", "乡呼县应", (half_hour,), extra_inputs={"answer": (ON_SITE,)}),)

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_workflows = qingdan_workflows  # type: ignore[attr-defined]
    return module


async def test_a_built_call_honours_half_an_hour_and_requires_the_extra_input(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    name = f"builder-{uuid.uuid4().hex[:6]}"
    plugins.register_module(name, _county())
    t = await make_tenant(name)
    keys = {
        "town": await issue_key(t, client, "township", TOWN),
        "dept": await issue_key(t, client, "department", "emergency-bureau"),
        "admin": t.admin,
    }

    async def move(path: str, who: str, transition: str, status: int = 200, **inputs: Any) -> dict[str, Any]:
        response = await client.post(
            f"{t.base}/{path}/transitions", json={"transition": transition, "inputs": inputs}, headers=t.auth(keys[who])
        )
        assert response.status_code == status, response.text
        return response.json()

    started = await client.post(
        f"{t.base}/workflows",
        json={"definition": "builder_call", "subject": "化工企业泄漏", "data": {"call_class": "emergency"}},
        headers=t.auth(keys["town"]),
    )
    assert started.status_code == 201, started.text
    path = f"workflows/{started.json()['id']}"
    dispatched = await move(path, "admin", "dispatch")
    due = datetime.datetime.fromisoformat(dispatched["due_at"])
    since = datetime.datetime.fromisoformat(dispatched["state_since"])
    assert due - since == datetime.timedelta(minutes=30)
    await move(path, "dept", "sign_for")
    missing = await move(path, "dept", "answer", 422, feedback="已处置")
    assert missing["errors"][0]["field"] == "inputs.on_site", missing
    answered = await move(path, "dept", "answer", feedback="已处置", on_site="yes")
    assert answered["state"] == "answered"
