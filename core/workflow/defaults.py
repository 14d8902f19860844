"""Core's workflows for tenants whose plugin supplies none of a kind (the national default)."""

from __future__ import annotations

from core.workflow.definition import WorkflowDefinition
from core.workflow.templates import adjustment_workflow, admission_workflow, call_workflow

DEFAULTS: tuple[WorkflowDefinition, ...] = (
    admission_workflow(
        "admission",
        "职责准入",
        reviewers=("department",),  # any department key gives its opinion; the 编办 moves on
        description="部门申请 → 编办受理 → 有关部门合法性合理性审查 → 征求乡镇(街道)意见 → 县委编委审定",
    ),
    adjustment_workflow(
        "adjustment",
        "清单动态调整",
        description="乡镇(街道)自下而上申请 → 部门联合会商 → 县级在时限内审定",
    ),
    call_workflow("call", "乡呼县应"),
)
