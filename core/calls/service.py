"""Calls (乡呼县应 / 吹哨报到): raise, dispatch by the list, respond, re-route, close.

Every operation is one tenant transaction that locks the call row, checks the caller's role
and the state (:mod:`core.calls.states`), writes the change and appends a step to the call's
history (``call_steps``) with who, when, why and what — so re-routing (转派), send-backs
(退回), extension requests, supervision and urging (督办/催办) are all on record — and emits
an event when the event outbox is installed.

Roles: a township key raises, urges and follows up calls of its own township; a department
key sees and answers the dispatches to its own unit; the admin key (the county office)
sees everything, dispatches and re-routes, decides extensions and supervises. A call the
caller may not see answers 404; an action its role may not take on a visible call, 403.

This module gathers the operations for the API; the code lives in :mod:`.reading`, :mod:`.steps`,
:mod:`.raising`, :mod:`.responses`, :mod:`.closing` and :mod:`.violations`.
"""

from core.calls.closing import archive, follow_up
from core.calls.raising import dispatch, proposal, raise_call
from core.calls.reading import call_history, get_call, list_calls
from core.calls.responses import answer, decide_extension, request_extension, reroute, send_back, sign_for, start, urge
from core.calls.violations import violations

__all__ = [
    "answer",
    "archive",
    "call_history",
    "decide_extension",
    "dispatch",
    "follow_up",
    "get_call",
    "list_calls",
    "proposal",
    "raise_call",
    "request_extension",
    "reroute",
    "send_back",
    "sign_for",
    "start",
    "urge",
    "violations",
]
