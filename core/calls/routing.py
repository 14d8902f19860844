"""Who a call goes to: the responsible units from the township's published list.

The responsibility lookup (:func:`core.publication.lookup.propose_units`) finds the list item — the one
the call names, or the best match for its text — and returns the item's primary and
cooperating parties. Units that already sent this call back are left out, so a send-back
(退回) re-proposes from the list without them.
"""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from core.calls.model import Proposal
from core.platform.errors import NotFound, ValidationFailed
from core.publication.lookup import ProposedUnit, propose_units
from core.security.access import Access


async def propose(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    *,
    text: str | None,
    item_code: str | None,
    exclude: Iterable[str] = (),
    limit: int = 5,
) -> list[Proposal]:
    """Units to dispatch to, primary first, one row per unit (its strongest role)."""
    excluded = set(exclude)
    try:
        found = await propose_units(
            conn, access, township, text=text, item_code=item_code, limit=min(20, limit + len(excluded) + 1)
        )
    except NotFound:  # the township has no published list yet: the county office routes the call
        return []
    except ValidationFailed:
        if item_code is not None:
            raise
        return []  # a text with nothing to match on the list: likewise
    proposals = [_adapt(p) for p in found if p.kind != "township"]
    best: dict[str, Proposal] = {}
    for p in proposals:
        if p.unit_code in excluded or p.unit_code == "township":
            continue
        held = best.get(p.unit_code)
        if held is None or (p.role == "primary" and held.role != "primary"):
            best[p.unit_code] = p
    ranked = sorted(best.values(), key=lambda p: (p.role != "primary", -p.score, p.unit_code))
    return ranked[:limit]


def _adapt(p: ProposedUnit) -> Proposal:
    return Proposal(unit_code=p.code, unit_name=p.name, role=p.role, item_code=p.item_code, item_title="", score=0.0)
