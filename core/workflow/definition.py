"""Workflow definitions: plain data a jurisdiction plugin supplies (``qingdan_workflows``).

A definition is a small state machine — states, an initial state, final states with an
outcome, and named transitions — plus what the engine needs to run it for a county: who may
take each transition, which inputs each step requires, and each state's deadline with what
happens when it passes. Plugins import these types from :mod:`core.plugin_api.types`, which
re-exports them; core validates them when the plugin loads
(:func:`core.workflow.validation.check_definitions`) and runs them (:mod:`core.workflow.engine`).

Who may take a transition (``Transition.who``) is a tuple of tokens, any of which suffices:

* a role of :class:`core.security.access.Role` — ``"admin"`` (the 编办), ``"department"``,
  ``"township"``, ``"platform"``;
* ``"unit:<code>"`` — a department key scoped to that unit (``"unit:justice-bureau"``);
* ``"unit_kind:<kind>"`` — a department key whose unit is of that kind (``"unit_kind:committee"``);
* ``"applicant"`` — the key's role and scope equal the applicant's (the department or township
  that started the instance);
* ``"consulted_township"`` — a township key whose township is among the instance's consulted
  townships (input ``townships`` of an earlier step, else every township of the tenant);
* ``"consulted_unit"`` — a department key whose unit is among the units an earlier step named
  (an input of kind ``units``: the departments of a joint consultation, 联合会商). A step that
  ``requires_all`` such a per-actor step waits for each of them; taken by the engine when the
  deadline passes, it records each missing one's silence (逾期未反馈) instead.

Example (a two-step admission)::

    WorkflowDefinition(
        name="admission", kind="admission", label="职责准入",
        initial="review",
        states=(
            State("review", "合法性合理性审查", Deadline(working_days=10)),
            State("approved", "准入", final=True, outcome="approved"),
            State("rejected", "不予准入", final=True, outcome="rejected"),
        ),
        transitions=(
            Transition("approve", "批准", ("review",), "approved", who=("admin",),
                       inputs=(StepInput("opinion", "text", "审查意见"),)),
            Transition("reject", "不予准入", ("review",), "rejected", who=("admin",),
                       inputs=(StepInput("reason", "text", "理由"),)),
        ),
    )
"""

from __future__ import annotations

from dataclasses import dataclass

#: The kinds of workflow core knows how to act on when they end.
KINDS = {"admission": "职责准入", "adjustment": "动态调整", "call": "乡呼县应"}

#: Input kinds: free text (an opinion, a reason), a decision among ``choices``, an attachment
#: (a file id from ``/files``), a list of township codes, a date, a number, a list of unit codes
#: (the tenant's departments and agencies: who is consulted).
INPUT_KINDS = ("text", "decision", "attachment", "townships", "date", "number", "units")

#: What happens when a state's deadline passes: it is only reported (``mark_overdue``), it is
#: reported and the instance escalated to ``escalate_to`` (a role or ``unit:<code>``), or the
#: engine takes ``transition`` on the county's behalf (``auto_transition``).
EXPIRY_ACTIONS = ("mark_overdue", "escalate", "auto_transition")

OUTCOMES = ("approved", "rejected", "withdrawn", "closed")

OBLIGATIONS = ("may", "should", "must")


@dataclass(frozen=True)
class Deadline:
    """How long an instance may stay in a state: working days (tenant calendar) or hours.

    ``hours`` are wall-clock hours and may be fractional (``0.5``: 30 minutes); holidays do
    not stop the clock. ``working_days`` are whole days."""

    working_days: int | None = None
    hours: float | None = None
    on_expiry: str = "mark_overdue"
    transition: str | None = None  # for auto_transition
    escalate_to: str | None = None  # for escalate: a role or unit:<code>


@dataclass(frozen=True)
class State:
    name: str
    label: str
    deadline: Deadline | None = None
    final: bool = False
    outcome: str | None = None  # final states: approved / rejected / withdrawn / closed


@dataclass(frozen=True)
class StepInput:
    """One input a step takes; a required one missing is a 422 naming it."""

    name: str
    kind: str
    label: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transition:
    """A named step from one of ``sources`` to ``target`` (None: it stays in its state —
    an opinion, an extension request, urging).

    ``per_actor``: the step records one contribution per actor (each consulted township's
    opinion) and may be taken once by each; ``requires_all`` names such a per-actor step whose
    contributions must all be in before this one may be taken.
    """

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None
    who: tuple[str, ...]
    inputs: tuple[StepInput, ...] = ()
    per_actor: bool = False
    requires_all: str | None = None


@dataclass(frozen=True)
class CallClass:
    """A class of call (Tai'an: complex → may call, key → should call, emergency → must
    call) with its deadlines to sign for (报到) and to answer: whole working days, or wall-clock
    hours, which may be fractional (``sign_hours=0.5``: 报到 within 30 minutes)."""

    code: str
    label: str
    obligation: str
    sign_working_days: int | None = None
    sign_hours: float | None = None
    answer_working_days: int | None = None
    answer_hours: float | None = None


@dataclass(frozen=True)
class WorkflowDefinition:
    """One workflow of a jurisdiction. ``name`` is unique per plugin; ``kind`` says what core
    does when an instance ends (an approved admission adds the item to the draft catalog, an
    approved adjustment records the catalog adjustment). ``deadlines_required``: every
    non-final state must carry a deadline (the county's time limit). ``requires_resources``
    (admission): the application must name funding, staff, technology, training and guidance
    (Tai'an). ``who_may_start``: actor tokens (as in ``Transition.who``) that may apply.
    ``call_classes``: for ``call`` definitions."""

    name: str
    kind: str
    label: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    description: str = ""
    who_may_start: tuple[str, ...] = ("admin",)
    deadlines_required: bool = False
    requires_resources: bool = False
    call_classes: tuple[CallClass, ...] = ()

    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states if s.final)
