"""Checking workflow definitions when a plugin loads, and compiling them for the engine.

The graph checks (unreachable states, final states with outgoing transitions, non-final
states with no way out) and the table of transitions allowed in each state come from
python-statemachine: each definition is turned into a machine class at load time (states and
events named ``s_<n>`` / ``t_<n>`` so that any name is safe), which validates the graph; one
instance per state gives the allowed events. The engine itself never runs the library's
machine: instances live in PostgreSQL and the rules about who and what inputs are data.
Everything else (names, unknown states, deadlines, inputs, who-tokens) is checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from statemachine import State as MachineState
from statemachine import StateMachine
from statemachine.exceptions import InvalidDefinition
from statemachine.factory import StateMachineMetaclass
from statemachine.transition_list import TransitionList

from core.security.access import Role
from core.workflow.definition import (
    EXPIRY_ACTIONS,
    INPUT_KINDS,
    KINDS,
    OBLIGATIONS,
    OUTCOMES,
    CallClass,
    WorkflowDefinition,
)

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROLES = {r.value for r in Role} - {"reader"}


@dataclass(frozen=True)
class DefinitionProblem:
    field: str
    message: str


@dataclass(frozen=True)
class Compiled:
    """A checked definition with the transitions allowed in each state."""

    definition: WorkflowDefinition
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _who_problems(who: Iterable[str], where: str, units: set[str] | None) -> list[DefinitionProblem]:
    found: list[DefinitionProblem] = []
    tokens = tuple(who)
    if not tokens:
        found.append(DefinitionProblem(where, "names nobody: give at least one role, unit or applicant"))
    for token in tokens:
        kind, _, value = token.partition(":")
        if token in ROLES or token in ("applicant", "consulted_township", "consulted_unit"):
            continue
        if kind == "unit" and value:
            if units is not None and value not in units:
                found.append(DefinitionProblem(where, f"{token}: no unit {value!r} in the jurisdiction"))
            continue
        if kind == "unit_kind" and value:
            continue
        found.append(
            DefinitionProblem(
                where,
                f"unknown actor {token!r}: use a role ({', '.join(sorted(ROLES))}), unit:<code>,"
                " unit_kind:<kind>, applicant, consulted_township or consulted_unit",
            )
        )
    return found


def _deadline_problems(d: WorkflowDefinition, where: str, deadline: object) -> list[DefinitionProblem]:
    found: list[DefinitionProblem] = []
    wd, hours = getattr(deadline, "working_days", None), getattr(deadline, "hours", None)
    if (wd is None) == (hours is None):
        found.append(DefinitionProblem(where, "give exactly one of working_days or hours"))
    found += _amount_problems(where, "working_days", wd, "hours", hours)
    action = getattr(deadline, "on_expiry", None)
    if action not in EXPIRY_ACTIONS:
        found.append(DefinitionProblem(f"{where}.on_expiry", f"use one of {', '.join(EXPIRY_ACTIONS)}"))
    if action == "auto_transition":
        transition = getattr(deadline, "transition", None)
        t = d.transition(transition) if transition else None
        if t is None:
            found.append(
                DefinitionProblem(f"{where}.transition", f"auto_transition names no known transition ({transition!r})")
            )
    if action == "escalate" and not getattr(deadline, "escalate_to", None):
        found.append(DefinitionProblem(f"{where}.escalate_to", "escalate needs escalate_to (a role or unit:<code>)"))
    return found


def _call_class_problems(classes: tuple[CallClass, ...]) -> list[DefinitionProblem]:
    found: list[DefinitionProblem] = []
    seen: set[str] = set()
    for i, c in enumerate(classes):
        where = f"call_classes[{i}]"
        if not isinstance(c, CallClass):
            found.append(DefinitionProblem(where, f"expected CallClass, got {type(c).__name__}"))
            continue
        if c.code in seen:
            found.append(DefinitionProblem(f"{where}.code", f"{c.code!r} appears twice"))
        seen.add(c.code)
        if c.obligation not in OBLIGATIONS:
            found.append(DefinitionProblem(f"{where}.obligation", f"use one of {', '.join(OBLIGATIONS)}"))
        for step in ("sign", "answer"):
            wd, hours = getattr(c, f"{step}_working_days"), getattr(c, f"{step}_hours")
            if (wd is None) == (hours is None):
                found.append(
                    DefinitionProblem(f"{where} ({c.code})", f"give exactly one of {step}_working_days or {step}_hours")
                )
            found += _amount_problems(where, f"{step}_working_days", wd, f"{step}_hours", hours)
    return found


def _amount_problems(
    where: str, days_name: str, days: object, hours_name: str, hours: object
) -> list[DefinitionProblem]:
    """Working days are positive whole numbers; hours positive numbers, fractions allowed (0.5)."""
    found: list[DefinitionProblem] = []
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 1):
        found.append(DefinitionProblem(f"{where}.{days_name}", "must be a positive whole number"))
    if hours is not None and not (isinstance(hours, int | float) and not isinstance(hours, bool) and hours > 0):
        found.append(DefinitionProblem(f"{where}.{hours_name}", "must be a positive number of hours (0.5: 30 minutes)"))
    return found


def definition_problems(d: WorkflowDefinition, units: set[str] | None = None) -> list[DefinitionProblem]:
    """Every problem of one definition (names are relative to the definition)."""
    if not isinstance(d, WorkflowDefinition):
        return [DefinitionProblem("(definition)", f"expected WorkflowDefinition, got {type(d).__name__}")]
    found: list[DefinitionProblem] = []
    if not NAME.match(d.name or ""):
        found.append(DefinitionProblem("name", "lower-case letters, digits and _ (e.g. longsha_admission)"))
    if d.kind not in KINDS:
        found.append(DefinitionProblem("kind", f"use one of {', '.join(KINDS)}"))
    states: dict[str, int] = {}
    for i, s in enumerate(d.states):
        if not NAME.match(s.name or ""):
            found.append(DefinitionProblem(f"states[{i}].name", "lower-case letters, digits and _"))
        if s.name in states:
            found.append(DefinitionProblem(f"states[{i}].name", f"state {s.name!r} appears twice"))
        states[s.name] = i
        if s.final and s.outcome not in OUTCOMES:
            found.append(
                DefinitionProblem(f"states[{i}].outcome", f"a final state says its outcome: {', '.join(OUTCOMES)}")
            )
        if not s.final and s.outcome is not None:
            found.append(DefinitionProblem(f"states[{i}].outcome", "only final states have an outcome"))
        if s.final and s.deadline is not None:
            found.append(DefinitionProblem(f"states[{i}].deadline", "a final state has no deadline"))
        if s.deadline is not None:
            found += _deadline_problems(d, f"states[{i}].deadline", s.deadline)
        elif d.deadlines_required and not s.final:
            found.append(
                DefinitionProblem(f"states[{i}].deadline", f"state {s.name!r} needs a deadline (deadlines_required)")
            )
    found += [
        DefinitionProblem("who_may_start", p.message)
        for p in _who_problems(d.who_may_start, "who_may_start", units)
        if "consulted_township" not in p.message
    ]
    if {"applicant", "consulted_township", "consulted_unit"} & set(d.who_may_start):
        found.append(
            DefinitionProblem(
                "who_may_start", "applicant, consulted_township and consulted_unit exist only once started"
            )
        )
    if d.initial not in states:
        found.append(DefinitionProblem("initial", f"unknown state {d.initial!r}"))
    if not any(s.final for s in d.states):
        found.append(DefinitionProblem("states", "no final state: an instance could never end"))
    names: set[str] = set()
    per_actor = {t.name for t in d.transitions if t.per_actor}
    for i, t in enumerate(d.transitions):
        where = f"transitions[{i}]"
        if not NAME.match(t.name or ""):
            found.append(DefinitionProblem(f"{where}.name", "lower-case letters, digits and _"))
        if t.name in names:
            found.append(DefinitionProblem(f"{where}.name", f"transition {t.name!r} appears twice"))
        names.add(t.name)
        if not t.sources:
            found.append(DefinitionProblem(f"{where}.sources", "names no source state"))
        for source in t.sources:
            if source not in states:
                found.append(DefinitionProblem(f"{where}.sources", f"{t.name}: unknown state {source!r}"))
            elif d.states[states[source]].final:
                found.append(DefinitionProblem(f"{where}.sources", f"{t.name}: leaves final state {source!r}"))
        if t.target is not None and t.target not in states:
            found.append(DefinitionProblem(f"{where}.target", f"{t.name}: unknown state {t.target!r}"))
        found += _who_problems(t.who, f"{where}.who", units)
        inputs: set[str] = set()
        for j, inp in enumerate(t.inputs):
            if inp.kind not in INPUT_KINDS:
                found.append(DefinitionProblem(f"{where}.inputs[{j}].kind", f"use one of {', '.join(INPUT_KINDS)}"))
            if inp.kind == "decision" and not inp.choices:
                found.append(DefinitionProblem(f"{where}.inputs[{j}].choices", "a decision lists its choices"))
            if inp.name in inputs or inp.name == "comment":
                found.append(DefinitionProblem(f"{where}.inputs[{j}].name", f"{inp.name!r} is taken"))
            inputs.add(inp.name)
        if t.requires_all is not None and t.requires_all not in per_actor:
            found.append(
                DefinitionProblem(f"{where}.requires_all", f"{t.requires_all!r} is not a per_actor transition")
            )
        if t.per_actor and t.target is not None:
            found.append(DefinitionProblem(f"{where}.per_actor", "a per-actor step stays in its state (target None)"))
    if d.kind == "call":
        if not d.call_classes:
            found.append(DefinitionProblem("call_classes", "a call workflow defines its call classes"))
        found += _call_class_problems(d.call_classes)
    elif d.call_classes:
        found.append(DefinitionProblem("call_classes", "only call workflows have call classes"))
    return found


def compile_definition(d: WorkflowDefinition) -> tuple[Compiled | None, list[DefinitionProblem]]:
    """Check ``d`` and build its table of allowed transitions (graph checks by python-statemachine)."""
    found = definition_problems(d)
    if found:
        return None, found
    index = {s.name: i for i, s in enumerate(d.states)}
    states = [
        MachineState(s.label or s.name, value=s.name, initial=s.name == d.initial, final=s.final) for s in d.states
    ]
    attrs: dict[str, object] = {f"s_{i}": state for i, state in enumerate(states)}
    for j, t in enumerate(d.transitions):
        group: TransitionList | None = None
        for source in t.sources:
            one = states[index[source]].to(states[index[t.target or source]])
            group = one if group is None else group | one
        attrs[f"t_{j}"] = group
    try:
        machine = StateMachineMetaclass(f"Workflow_{d.name}", (StateMachine,), attrs)
    except InvalidDefinition as exc:
        names = {f"s_{i}": s.name for i, s in enumerate(d.states)}
        message = re.sub(r"\bs_\d+\b", lambda m: names.get(m.group(0), m.group(0)), str(exc))
        return None, [DefinitionProblem("states", message)]
    allowed: dict[str, tuple[str, ...]] = {}
    for s in d.states:
        if s.final:
            allowed[s.name] = ()
            continue
        events = machine(start_value=s.name).allowed_events
        allowed[s.name] = tuple(d.transitions[int(e.id[2:])].name for e in events)
    return Compiled(d, allowed), []


def check_definitions(
    definitions: Iterable[WorkflowDefinition], units: set[str] | None = None
) -> tuple[dict[str, Compiled], list[DefinitionProblem]]:
    """Compile every definition; problems carry ``<name>.<field>``. Names are unique."""
    compiled: dict[str, Compiled] = {}
    problems: list[DefinitionProblem] = []
    for i, d in enumerate(definitions):
        label = f"workflows[{i}]" if not isinstance(d, WorkflowDefinition) else f"{d.name}"
        if isinstance(d, WorkflowDefinition) and d.name in compiled:
            problems.append(DefinitionProblem(f"{label}.name", f"definition {d.name!r} appears twice"))
            continue
        found = definition_problems(d, units) if units is not None else []
        if not found:
            c, found = compile_definition(d)
            if c is not None:
                compiled[d.name] = c
        problems += [DefinitionProblem(f"{label}.{p.field}", p.message) for p in found]
    return compiled, problems
