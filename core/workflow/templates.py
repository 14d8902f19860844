"""Builders for the usual shapes of workflow, public like :mod:`core.workflow.definition`.

Plugins may spell a definition out state by state (Longsha's admission does) or build one
of the usual shapes with their own names, units and time limits here; core's defaults for
tenants without a plugin are built the same way (:mod:`core.workflow.defaults`).

Every builder takes ``extra_inputs``: ``{transition name: (StepInput, …)}`` adds a county's
own inputs to the named steps, after the builder's (``{"approve": (StepInput("meeting_no",
"text", "编委会议文号"),)}``). A name that is not a step of the shape raises ``ValueError``
naming the steps there are. Anything else may be changed on the result with
``dataclasses.replace`` (it is a frozen dataclass); core checks the result when it loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from core.workflow.definition import (
    CallClass,
    Deadline,
    State,
    StepInput,
    Transition,
    WorkflowDefinition,
)

OPINION = StepInput("opinion", "text", "意见")
REASON = StepInput("reason", "text", "理由")
POSITION = StepInput("position", "decision", "是否同意", choices=("agree", "disagree"))


def admission_workflow(
    name: str,
    label: str,
    *,
    reviewers: tuple[str, ...] = ("unit:justice-bureau",),
    review_label: str = "合法性合理性审查",
    consult_townships: bool = True,
    decision_label: str = "县委编委审定",
    requires_resources: bool = False,
    review_days: int = 10,
    consultation_days: int = 7,
    decision_days: int = 20,
    description: str = "",
    extra_inputs: Mapping[str, tuple[StepInput, ...]] | None = None,
) -> WorkflowDefinition:
    """applied → review (each reviewer's opinion) → [townships consulted] → decision."""
    states = [
        State("applied", "待受理", Deadline(working_days=3)),
        State("review", review_label, Deadline(working_days=review_days, on_expiry="escalate", escalate_to="admin")),
    ]
    transitions = [
        Transition("open", "编办受理", ("applied",), "review", who=("admin",), inputs=(OPINION,)),
        Transition(
            "review",
            "审查意见",
            ("review",),
            None,
            who=reviewers,
            per_actor=True,
            inputs=(OPINION, StepInput("conclusion", "decision", "审查结论", choices=("pass", "fail"))),
        ),
    ]
    if consult_townships:
        states.append(
            State(
                "township_consultation",
                "征求乡镇(街道)意见",
                Deadline(working_days=consultation_days, on_expiry="auto_transition", transition="finish_consultation"),
            )
        )
        transitions += [
            Transition(
                "consult_townships",
                "征求乡镇(街道)意见",
                ("review",),
                "township_consultation",
                who=("admin",),
                requires_all="review",
                inputs=(StepInput("townships", "townships", "征求意见的乡镇(街道)", required=False),),
            ),
            Transition(
                "give_opinion",
                "乡镇(街道)意见",
                ("township_consultation",),
                None,
                who=("consulted_township",),
                per_actor=True,
                inputs=(OPINION, POSITION),
            ),
            Transition(
                "finish_consultation",
                "汇总乡镇(街道)意见",
                ("township_consultation",),
                "decision",
                who=("admin",),
                requires_all="give_opinion",
            ),
        ]
    else:
        transitions.append(
            Transition("submit_decision", "提交审定", ("review",), "decision", who=("admin",), requires_all="review")
        )
    states += [
        State("decision", decision_label, Deadline(working_days=decision_days)),
        State("approved", "准入", final=True, outcome="approved"),
        State("rejected", "不予准入", final=True, outcome="rejected"),
        State("withdrawn", "已撤回", final=True, outcome="withdrawn"),
    ]
    open_states = tuple(s.name for s in states if not s.final)
    transitions += [
        Transition(
            "approve",
            "批准准入",
            ("decision",),
            "approved",
            who=("admin",),
            inputs=(
                StepInput("decision_text", "text", "审定意见(会议纪要)"),
                StepInput("minutes", "attachment", "会议纪要附件", required=False),
            ),
        ),
        Transition("reject", "不予准入", open_states, "rejected", who=("admin",), inputs=(REASON,)),
        Transition("withdraw", "申请人撤回", open_states, "withdrawn", who=("applicant",), inputs=(REASON,)),
    ]
    return _with_inputs(
        WorkflowDefinition(
            name=name,
            kind="admission",
            label=label,
            initial="applied",
            states=tuple(states),
            transitions=tuple(transitions),
            description=description,
            who_may_start=("admin", "department"),
            requires_resources=requires_resources,
        ),
        extra_inputs,
    )


def adjustment_workflow(
    name: str,
    label: str,
    *,
    consultation_label: str = "部门联合会商",
    decision_label: str = "县级审定",
    acceptance_days: int = 3,
    consultation_days: int = 10,
    decision_days: int = 15,
    description: str = "",
    extra_inputs: Mapping[str, tuple[StepInput, ...]] | None = None,
) -> WorkflowDefinition:
    """A township applies (add / remove / reassign) → the departments the county names consult
    jointly, each giving its opinion (at the deadline the consultation closes with the silent ones
    on record) → the county decides within its time limit (every open state has a deadline)."""
    states = (
        State("applied", "乡镇申请", Deadline(working_days=acceptance_days)),
        State(
            "consultation",
            consultation_label,
            Deadline(working_days=consultation_days, on_expiry="auto_transition", transition="finish_consultation"),
        ),
        State(
            "decision", decision_label, Deadline(working_days=decision_days, on_expiry="escalate", escalate_to="admin")
        ),
        State("approved", "同意调整", final=True, outcome="approved"),
        State("rejected", "不予调整", final=True, outcome="rejected"),
        State("withdrawn", "已撤回", final=True, outcome="withdrawn"),
    )
    open_states = ("applied", "consultation", "decision")
    transitions = (
        Transition(
            "open_consultation",
            "受理并组织会商",
            ("applied",),
            "consultation",
            who=("admin",),
            inputs=(StepInput("units", "units", "参与会商的部门"),),
        ),
        Transition(
            "consult",
            "部门会商意见",
            ("consultation",),
            None,
            who=("consulted_unit",),
            per_actor=True,
            inputs=(OPINION, POSITION),
        ),
        Transition(
            "finish_consultation",
            "会商结束",
            ("consultation",),
            "decision",
            who=("admin",),
            requires_all="consult",
        ),
        Transition(
            "approve",
            "同意调整",
            ("decision",),
            "approved",
            who=("admin",),
            inputs=(StepInput("decision_text", "text", "审定意见"),),
        ),
        Transition("reject", "不予调整", open_states, "rejected", who=("admin",), inputs=(REASON,)),
        Transition("withdraw", "申请人撤回", open_states, "withdrawn", who=("applicant",), inputs=(REASON,)),
    )
    return _with_inputs(
        WorkflowDefinition(
            name=name,
            kind="adjustment",
            label=label,
            initial="applied",
            states=states,
            transitions=transitions,
            description=description,
            who_may_start=("township", "admin"),
            deadlines_required=True,
        ),
        extra_inputs,
    )


#: Tai'an's three classes (complex may call, key should call, emergencies must call); the
#: national default too.
DEFAULT_CALL_CLASSES = (
    CallClass("complex", "复杂事项", "may", sign_working_days=1, answer_working_days=5),
    CallClass("key", "重点事项", "should", sign_working_days=1, answer_working_days=3),
    CallClass("emergency", "应急事项", "must", sign_hours=1, answer_hours=24),
)


def call_workflow(
    name: str,
    label: str,
    classes: tuple[CallClass, ...] = DEFAULT_CALL_CLASSES,
    *,
    dispatch_days: int = 1,
    sign_days: int = 1,
    answer_days: int = 5,
    follow_up_days: int = 3,
    description: str = "",
    extra_inputs: Mapping[str, tuple[StepInput, ...]] | None = None,
) -> WorkflowDefinition:
    """received → dispatched → signed for → in progress → answered → follow-up → closed or
    redo → archived, with sending back (退回), extension requests and supervision/urging.
    The per-class deadlines in ``classes`` replace the state deadlines for a call of that class."""
    states = (
        State("received", "待受理", Deadline(working_days=dispatch_days, on_expiry="escalate", escalate_to="admin")),
        State("dispatched", "已派单", Deadline(working_days=sign_days, on_expiry="escalate", escalate_to="admin")),
        State("signed_for", "已签收", Deadline(working_days=answer_days)),
        State("in_progress", "办理中", Deadline(working_days=answer_days)),
        State("answered", "已答复", Deadline(working_days=follow_up_days)),
        State(
            "follow_up",
            "回访",
            Deadline(working_days=follow_up_days, on_expiry="auto_transition", transition="close"),
        ),
        State("redo", "重办", Deadline(working_days=answer_days)),
        State("closed", "办结", Deadline(working_days=30, on_expiry="auto_transition", transition="archive")),
        State("archived", "归档", final=True, outcome="closed"),
    )
    working = ("signed_for", "in_progress", "redo")
    transitions = (
        Transition("dispatch", "派单", ("received",), "dispatched", who=("admin",)),
        Transition("sign_for", "签收(报到)", ("dispatched",), "signed_for", who=("department",)),
        Transition(
            "send_back",
            "退回",
            ("dispatched", *working),
            "received",
            who=("department",),
            inputs=(REASON, StepInput("item_code", "text", "依据的清单事项")),
        ),
        Transition("start", "开始办理", ("signed_for", "redo"), "in_progress", who=("department",)),
        Transition(
            "request_extension",
            "延期申请",
            working,
            None,
            who=("department",),
            inputs=(REASON, StepInput("until", "date", "申请延期至")),
        ),
        Transition("urge", "督办/催办", ("dispatched", *working), None, who=("admin",), inputs=(OPINION,)),
        Transition(
            "answer",
            "答复",
            working,
            "answered",
            who=("department",),
            inputs=(StepInput("feedback", "text", "办理结果"),),
        ),
        Transition("follow_up", "回访", ("answered",), "follow_up", who=("applicant", "admin")),
        Transition(
            "close",
            "办结",
            ("follow_up",),
            "closed",
            who=("applicant", "admin"),
            inputs=(
                StepInput(
                    "satisfaction", "decision", "满意度", choices=("satisfied", "basically_satisfied", "dissatisfied")
                ),
            ),
        ),
        Transition("redo", "重办", ("follow_up",), "redo", who=("applicant", "admin"), inputs=(REASON,)),
        Transition("archive", "归档", ("closed",), "archived", who=("admin",)),
    )
    return _with_inputs(
        WorkflowDefinition(
            name=name,
            kind="call",
            label=label,
            initial="received",
            states=states,
            transitions=transitions,
            description=description,
            who_may_start=("township", "admin"),
            call_classes=classes,
        ),
        extra_inputs,
    )


def _with_inputs(
    definition: WorkflowDefinition, extra: Mapping[str, tuple[StepInput, ...]] | None
) -> WorkflowDefinition:
    """``definition`` with ``extra`` inputs appended to the named transitions."""
    if not extra:
        return definition
    names = [t.name for t in definition.transitions]
    unknown = sorted(set(extra) - set(names))
    if unknown:
        raise ValueError(f"{definition.name}: extra_inputs for unknown steps {unknown} (steps: {', '.join(names)})")
    return replace(
        definition,
        transitions=tuple(
            replace(t, inputs=(*t.inputs, *extra[t.name])) if t.name in extra else t for t in definition.transitions
        ),
    )
