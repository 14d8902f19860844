"""Wenjiang's workflows: admission (no duty pushed down by documents, meetings, letters,
funding, projects or evaluations), dynamic adjustment settled by the joint meeting, and the
online-appeal dispatch loop."""

from __future__ import annotations

from core.plugin_api.types import WorkflowDefinition, adjustment_workflow, admission_workflow, call_workflow

ADMISSION = admission_workflow(
    "wenjiang_admission",
    "温江区职责准入",
    reviewers=("unit:justice-bureau",),
    decision_label="区委编委审定",
    description="不得以文件、会议、责任书、资金、项目审批、考核等方式变相下放：申请 → 审查 → 征求镇(街道)意见 → 审定",
)

ADJUSTMENT = adjustment_workflow(
    "wenjiang_adjustment",
    "温江区清单动态调整",
    consultation_label="联席会议会商",
    decision_label="区级审定",
    consultation_days=10,
    decision_days=20,
    description="镇(街道)申请增加、取消或调整责任主体 → 联席会议会商 → 区级审定",
)

CALL = call_workflow("wenjiang_call", "网上诉求精准派单")

WORKFLOWS: tuple[WorkflowDefinition, ...] = (ADMISSION, ADJUSTMENT, CALL)
