"""States of a call and of each dispatch, who may move them, and the call classes.

The call follows what dispatch platforms use: received (待受理) → dispatched (已派单) →
signed_for (已签收) → in_progress (办理中) → answered (已答复) → follow-up (回访) → closed
(办结) or redo (重办) → archived (归档). Each unit's dispatch has its own state:
dispatched → signed_for (报到) → in_progress → answered, or sent_back (退回). The call's
state while units work is derived from its dispatches (:func:`call_state_of`).

This module is the one place that knows the transitions; the service asks it.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.platform.errors import Conflict, PermissionDenied
from core.platform.messages import CATALOGUE, EN, ZH, Choices, Text, label
from core.security.access import Access, Role, role_text
from core.security.permissions import said
from core.workflow import registry as workflow
from core.workflow.definition import CallClass

CALL_STATES = {
    "received": "待受理",
    "dispatched": "已派单",
    "signed_for": "已签收",
    "in_progress": "办理中",
    "answered": "已答复",
    "closed": "办结",
    "redo": "重办",
    "archived": "归档",
}
DISPATCH_STATES = {
    "dispatched": "已派单",
    "signed_for": "已报到",
    "in_progress": "办理中",
    "answered": "已反馈",
    "sent_back": "已退回",
}

# The states as a message names them (``label("call-state", state)``), from the names above.
CATALOGUE.update({f"call-state.{s}": {ZH: zh, EN: s.replace("_", " ")} for s, zh in CALL_STATES.items()})
CATALOGUE.update({f"dispatch-state.{s}": {ZH: zh, EN: s.replace("_", " ")} for s, zh in DISPATCH_STATES.items()})

#: dispatch action → (states it may start from, state it leads to)
DISPATCH_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "sign_for": (("dispatched",), "signed_for"),
    "start": (("signed_for",), "in_progress"),
    "answer": (("signed_for", "in_progress"), "answered"),
    "send_back": (("dispatched", "signed_for", "in_progress"), "sent_back"),
    "request_extension": (("signed_for", "in_progress"), ""),
}
OPEN_CALL = ("dispatched", "signed_for", "in_progress", "redo")


def call_classes(access: Access) -> dict[str, CallClass]:
    """The tenant's call classes: those of its plugin's call workflow (the workflow engine
    adds core's default definition when the plugin has none)."""
    return {c.code: c for c in workflow.call_classes(access)}


def check_dispatch_move(action: str, state: str) -> str:
    starts, target = DISPATCH_MOVES[action]
    if state not in starts:
        allowed = [a for a, (s, _) in DISPATCH_MOVES.items() if state in s]
        verb = action.replace("_", " ")
        raise Conflict(
            Text(
                "conflict.cannot-dispatch-allowed-now",
                verb=said(verb),
                state=label("dispatch-state", state),
                value=Choices(said(a.replace("_", " ")) for a in allowed) or Text("word.none"),
            ),
            extra={"state": state, "allowed": allowed},
        )
    return target


def require_call_state(action: str, state: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if state not in allowed:
        raise Conflict(
            Text(
                "conflict.cannot-call-only-call",
                action=said(action.replace("_", " ")),
                state=label("call-state", state),
                value=Choices(label("call-state", s) for s in allowed),
            ),
            extra={"state": state, "allowed_states": list(allowed)},
        )


def call_state_of(dispatch_states: Iterable[str], *, redo: bool = False) -> str:
    """The call's state while its units work, from the states of its live dispatches."""
    live = [s for s in dispatch_states if s != "sent_back"]
    if not live:
        return "received"
    if all(s == "answered" for s in live):
        return "answered"
    if redo:
        return "redo"
    if any(s in ("in_progress", "answered") for s in live):
        return "in_progress"
    if all(s == "signed_for" for s in live):
        return "signed_for"
    return "dispatched"


# --------------------------------------------------------------------------- roles


def may_act_for_unit(access: Access, unit_code: str) -> bool:
    return access.is_admin or (access.role is Role.DEPARTMENT and access.principal.scope_code == unit_code)


def require_unit_actor(access: Access, unit_code: str, action: str) -> None:
    if not may_act_for_unit(access, unit_code):
        raise PermissionDenied(
            Text("forbidden.key-may-not", value=role_text(access.role), action=said(action), unit_code=unit_code)
        )


def require_township_actor(access: Access, township_code: str, action: str) -> None:
    if access.is_admin:
        return
    if access.role is Role.TOWNSHIP and access.principal.scope_code == township_code:
        return
    raise PermissionDenied(
        Text(
            "forbidden.key-may-not-township",
            value=role_text(access.role),
            action=said(action),
            township_code=township_code,
        )
    )


def require_county_office(access: Access, action: str) -> None:
    if not access.is_admin:
        raise PermissionDenied(
            Text("forbidden.only-county-office-admin", action=said(action), value=role_text(access.role))
        )
