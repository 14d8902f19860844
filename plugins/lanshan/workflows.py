"""Lanshan's workflows: admission, adjustment and 平台指令、众人响应 (towns call district
departments on complex matters or emergencies)."""

from __future__ import annotations

from core.plugin_api.types import CallClass, WorkflowDefinition, adjustment_workflow, admission_workflow, call_workflow

ADMISSION = admission_workflow(
    "lanshan_admission", "兰山区职责准入", reviewers=("unit:justice-bureau",), decision_label="区委编委审定"
)

ADJUSTMENT = adjustment_workflow("lanshan_adjustment", "兰山区清单动态调整")

CALL = call_workflow(
    "lanshan_call",
    "平台指令、众人响应",
    (
        CallClass("complex", "复杂事项", "should", sign_working_days=1, answer_working_days=5),
        CallClass("emergency", "突发事件", "must", sign_hours=1, answer_hours=24),
    ),
)

WORKFLOWS: tuple[WorkflowDefinition, ...] = (ADMISSION, ADJUSTMENT, CALL)
