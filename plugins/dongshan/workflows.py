"""Dongshan's workflows: adjustment linked with admission, and 乡镇吹哨、部门报到.

Adjustment and admission share "unified situations, time limits, items and procedure":
townships apply bottom-up, the departments concerned consult jointly, and the county
approves. The seed gives no figures for the time limits; this sample uses 3 working days to
accept, 10 to consult and 15 for the county's decision (escalated to the 编办 when late).
"""

from __future__ import annotations

from core.plugin_api.types import WorkflowDefinition, adjustment_workflow, admission_workflow, call_workflow

ADJUSTMENT = adjustment_workflow(
    "dongshan_adjustment",
    "东山县清单动态调整(自下而上)",
    consultation_label="职能部门联合会商",
    decision_label="县委、县政府审定",
    acceptance_days=3,
    consultation_days=10,
    decision_days=15,
    description="乡镇自下而上提出申请 → 有关职能部门联合会商 → 呈报县委、县政府审定(时限内)",
)

ADMISSION = admission_workflow(
    "dongshan_admission",
    "东山县职责准入",
    reviewers=("unit:justice-bureau",),
    decision_label="县委、县政府审定",
    description="上级交办或动议拟增加的事项纳入职责准入：审核把关 → 征求乡镇意见 → 县委、县政府按程序审定",
)

CALL = call_workflow("dongshan_call", "乡镇吹哨、部门报到")

WORKFLOWS: tuple[WorkflowDefinition, ...] = (ADMISSION, ADJUSTMENT, CALL)
