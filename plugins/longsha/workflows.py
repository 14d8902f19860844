"""Longsha's workflows: admission (职责准入), adjustment (动态调整) and the whistle loop
(吹哨—派发—办理—反馈).

Admission follows the seed's example: the 编办 opens the procedure → the 司法局 and the
营商局 (区营商环境建设监督局) review legality and reasonableness, each giving its opinion →
the streets are consulted, each street's opinion recorded → the district standing committee
(区委常委会) decides, and the item enters the list. Time limits are this sample's choice.
"""

from __future__ import annotations

from core.plugin_api.types import CallClass, WorkflowDefinition, adjustment_workflow, admission_workflow, call_workflow

ADMISSION = admission_workflow(
    "longsha_admission",
    "龙沙区职责准入",
    reviewers=("unit:justice-bureau", "unit:business-environment-bureau"),
    review_label="司法局、营商局合法性合理性审查",
    consult_townships=True,
    decision_label="区委常委会审定",
    review_days=10,
    consultation_days=5,
    decision_days=20,
    description="编办启动准入程序 → 司法局、营商局合法性合理性审查 → 征求街道意见 → 区委常委会审定 → 纳入清单",
)

ADJUSTMENT = adjustment_workflow(
    "longsha_adjustment",
    "龙沙区清单动态调整",
    consultation_label="区街联动会商",
    decision_label="区委编办审核报批",
    description="街道申请 → 区直部门会商(区街联动) → 区级审定；法律法规立改废时一一对应调整",
)

CALL = call_workflow(
    "longsha_call",
    "吹哨—派发—办理—反馈",
    (
        CallClass("routine", "一般事项", "may", sign_working_days=1, answer_working_days=5),
        CallClass("complex", "复杂事项", "should", sign_working_days=1, answer_working_days=3),
        CallClass("emergency", "紧急事项", "must", sign_hours=1, answer_hours=24),
    ),
    description="街道吹哨 → 平台派发 → 部门报到办理 → 反馈 → 回访评价",
)

WORKFLOWS: tuple[WorkflowDefinition, ...] = (ADMISSION, ADJUSTMENT, CALL)
