"""Tai'an's workflows: admission with resources, adjustment, and 乡呼县应 in three classes.

County departments may not hand their own duties to townships; a temporary or phased
handover needs the approval of a joint meeting (联席会议) and comes with funding, staff,
technology, training and guidance — so the admission requires every resource. Calls: complex
matters may call, key matters should call, emergencies must call (deadlines in hours).
"""

from __future__ import annotations

from core.plugin_api.types import CallClass, WorkflowDefinition, adjustment_workflow, admission_workflow, call_workflow

ADMISSION = admission_workflow(
    "taian_admission",
    "泰安市职责准入",
    reviewers=("unit:justice-bureau",),
    review_label="司法局合法性审查",
    consult_townships=True,
    decision_label="联席会议审定",
    requires_resources=True,
    description="部门申请(须明确经费、人员、技术、培训、指导) → 合法性审查 → 征求乡镇(街道)意见 → 联席会议审定",
)

ADJUSTMENT = adjustment_workflow("taian_adjustment", "泰安市清单动态调整", decision_label="联席会议审定")

CLASSES = (
    CallClass("complex", "复杂事项", "may", sign_working_days=1, answer_working_days=5),
    CallClass("key", "重点事项", "should", sign_working_days=1, answer_working_days=3),
    CallClass("emergency", "应急事项", "must", sign_hours=1, answer_hours=12),
)

CALL = call_workflow(
    "taian_call",
    "乡呼县应",
    CLASSES,
    description="乡镇呼叫 → 县级指挥中心派单并督办 → 部门报到办理 → 答复 → 乡镇评价；不响应、迟响应、响应不作为通报",
)

WORKFLOWS: tuple[WorkflowDefinition, ...] = (ADMISSION, ADJUSTMENT, CALL)
