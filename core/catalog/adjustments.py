"""The lifecycle of adjustments a change of the law opened: applied or dismissed, with a reason.

A recorded amendment or repeal opens one ``law_changed`` adjustment per affected item, ``open``
(:mod:`core.legal.recording`). The county then applies it (the item was edited to follow the
law, or needs nothing more) or dismisses it, saying why; either happens once. Publishing the
catalog warns while some are open, and refuses when the deployment says so
(``QINGDAN_PUBLISH_OPEN_ADJUSTMENTS=refuse``).
"""

from __future__ import annotations

import os
import uuid
from typing import Annotated, Literal

import asyncpg
import msgspec

from core.catalog import queries
from core.catalog.reading import AdjustmentView, list_adjustments
from core.legal.documents import initiator, json_param
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, NotFound, ValidationFailed
from core.platform.inputs import Checked
from core.platform.messages import CATALOGUE, Text
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin


class AdjustmentResolve(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Apply or dismiss an open adjustment; a dismissal says why."""

    state: Literal["applied", "dismissed"]
    reason: Annotated[str, msgspec.Meta(max_length=2000, examples=["第二十二条仅条文序号变化，事项无需调整"])] = ""


async def resolve_adjustment(access: Access, adjustment_id: uuid.UUID, data: AdjustmentResolve) -> AdjustmentView:
    require_admin(access, "apply or dismiss adjustments")
    reason = data.reason.strip()
    if data.state == "dismissed" and not reason:
        raise ValidationFailed.on("reason", Text("field.say-why-adjustment-dismissed"))
    async with tenant_transaction(access.tenant.id) as conn:
        done = await conn.fetchval(
            queries.RESOLVE_ADJUSTMENT,
            access.tenant.id,
            adjustment_id,
            data.state,
            reason,
            json_param(initiator(access)),
        )
        if done is None:
            state = await conn.fetchval(queries.ADJUSTMENT_STATE, access.tenant.id, adjustment_id)
            if state is None:
                raise NotFound(Text("not-found.no-adjustment", adjustment_id=adjustment_id))
            raise Conflict(Text("conflict.adjustment-already-resolved", state=_state(state)))
        await audit.record(access, "catalog_adjustment", str(adjustment_id), data.state, after={"reason": reason})
    [view] = await list_adjustments(access, adjustment_id=adjustment_id)
    return view


def refuses_open_adjustments() -> bool:
    """Whether publishing refuses while law-change adjustments are open (else it warns)."""
    return os.environ.get("QINGDAN_PUBLISH_OPEN_ADJUSTMENTS", "warn").strip().lower() == "refuse"


async def open_adjustment_warnings(conn: asyncpg.Connection, access: Access) -> list[Text]:
    """The warning publishing gives (or, when refusing, the Conflict it raises) for open adjustments."""
    count = await conn.fetchval(queries.OPEN_ADJUSTMENTS, access.tenant.id)
    if not count:
        return []
    if refuses_open_adjustments():
        raise Conflict(Text("conflict.publishing-refused-open-adjustments", count=count))
    return [Text("warning.open-adjustments", count=count)]


def _state(state: str) -> Text | str:
    """A resolved adjustment's state as people name it (``applied`` → 采纳)."""
    key = f"adjustment-state.{state}"
    return Text(key) if key in CATALOGUE else state
