"""Every SQL statement of the calls context, and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns, built by :mod:`core.platform.rows`), a
list of them, or a plain value; writes whose result is not read are constants the service modules
execute. Every statement names the tenant (``tests/test_tenant_keyed_sql.py``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, row_as, rows_as

# --------------------------------------------------------------------------- rows


class CallRow(msgspec.Struct, frozen=True):
    """A call with its township's name (:func:`call_row`, :func:`call_page`)."""

    id: uuid.UUID
    township_code: str
    township_name: str
    village_code: str | None
    grid_code: str | None
    subject: str
    description: str
    call_class: str
    item_code: str | None
    state: str
    raised_at: datetime.datetime
    raised_by: str
    sign_deadline: datetime.datetime | None
    answer_deadline: datetime.datetime | None
    signed_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolved: bool | None
    satisfaction: str | None
    follow_up_note: str
    redo_count: int
    send_back_count: int
    revision: int


class NewCallRow(msgspec.Struct, frozen=True):
    """What raising a call returns (:func:`insert_call`): enough to dispatch it."""

    id: uuid.UUID
    call_class: str
    raised_at: datetime.datetime
    state: str


class DispatchRow(msgspec.Struct, frozen=True):
    """A dispatch to a unit, with the unit's name; ``extension`` is the jsonb text."""

    call_id: uuid.UUID
    unit_code: str
    unit_name: str
    role: str
    item_code: str | None
    state: str
    dispatched_at: datetime.datetime
    sign_deadline: datetime.datetime
    answer_deadline: datetime.datetime
    signed_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    feedback: str
    sent_back_at: datetime.datetime | None
    send_back_reason: str | None
    extension: str | None


class LiveDispatchRow(msgspec.Struct, frozen=True):
    state: str
    signed_at: datetime.datetime | None
    answered_at: datetime.datetime | None


class MovedDispatchRow(msgspec.Struct, frozen=True):
    """A dispatch just moved (:func:`move_dispatch`): was the move late, and the deadlines."""

    late_sign: bool | None
    late_answer: bool | None
    sign_deadline: datetime.datetime
    answer_deadline: datetime.datetime


class ExtensionStateRow(msgspec.Struct, frozen=True):
    state: str
    extension: str | None


class ExtensionDeadlineRow(msgspec.Struct, frozen=True):
    answer_deadline: datetime.datetime
    extension: str | None


class StepRow(msgspec.Struct, frozen=True):
    """One step of a call's history; ``data`` is the jsonb text."""

    seq: int
    at: datetime.datetime
    action: str
    unit_code: str | None
    from_state: str | None
    to_state: str | None
    actor_role: str
    actor_name: str
    comment: str
    data: str


class PlaceRow(msgspec.Struct, frozen=True):
    code: str
    kind: str
    parent_code: str | None


class AttachmentRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    call_id: uuid.UUID
    step_seq: int | None
    unit_code: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    uploaded_by: str
    object_key: str


class ViolationRow(msgspec.Struct, frozen=True):
    call_id: uuid.UUID
    subject: str
    township_code: str
    call_class: str
    unit_code: str
    unit_name: str
    kind: str
    stage: str
    deadline: datetime.datetime | None
    at: datetime.datetime | None


class StatisticsRow(msgspec.Struct, frozen=True):
    """The aggregates of :data:`_AGGREGATES`; times in hours."""

    received: int
    signed_on_time: int
    closed: int
    closed_on_time: int
    sent_back: int
    redone: int
    overdue: int
    mean_response: float | None
    p90_response: float | None
    mean_resolution: float | None
    p90_resolution: float | None
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


class GroupStatisticsRow(StatisticsRow, frozen=True):
    """The aggregates of one township or unit (``key``)."""

    key: str


# --------------------------------------------------------------------------- calls

_CALL_COLUMNS = (
    "c.id, c.township_code, j.name AS township_name, c.village_code, c.grid_code, c.subject, c.description,"
    " c.call_class, c.item_code, c.state, c.raised_at, c.raised_by, c.sign_deadline, c.answer_deadline,"
    " c.signed_at, c.answered_at, c.closed_at, c.resolved, c.satisfaction, c.follow_up_note, c.redo_count,"
    " c.send_back_count, c.revision"
)
_FROM_CALLS = "FROM calls c JOIN jurisdictions j ON j.tenant_id = c.tenant_id AND j.code = c.township_code"
_DISPATCH_COLUMNS = (
    "d.call_id, d.unit_code, u.name AS unit_name, d.role, d.item_code, d.state, d.dispatched_at, d.sign_deadline,"
    " d.answer_deadline, d.signed_at, d.answered_at, d.feedback, d.sent_back_at, d.send_back_reason, d.extension"
)


async def call_row(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, *, lock: bool = False
) -> CallRow | None:
    """The call, locked for the transaction with ``lock``."""
    row = await conn.fetchrow(
        # j pinned to the tenant too: Citus locks (FOR UPDATE) only in a statement routed to one shard.
        f"SELECT {_CALL_COLUMNS} {_FROM_CALLS} WHERE c.tenant_id = $1 AND j.tenant_id = $1 AND c.id = $2"
        + (" FOR UPDATE OF c" if lock else ""),
        tenant_id,
        call_id,
    )
    return maybe_row_as(CallRow, row)


def _touch_call(call_id: str) -> str:
    """A CTE marking the call (of tenant $1, id the parameter ``call_id``) as changed; the row
    trigger sets ``updated_at``."""
    return f"touched AS (UPDATE calls SET updated_at = now() WHERE tenant_id = $1 AND id = {call_id})"


async def call_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    township: str | None,
    unit: str | None,
    state: str | None,
    call_class: str | None,
    after_at: datetime.datetime | None,
    after_id: uuid.UUID | None,
    limit: int,
    updated_since: datetime.datetime | None = None,
) -> list[CallRow]:
    """Newest first, after the cursor ``(after_at, after_id)``; filters left ``None`` match all."""
    rows = await conn.fetch(
        f"SELECT {_CALL_COLUMNS} {_FROM_CALLS}"
        " WHERE c.tenant_id = $1 AND ($2::text IS NULL OR c.township_code = $2)"
        " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM call_dispatches d"
        "      WHERE d.tenant_id = c.tenant_id AND d.call_id = c.id AND d.unit_code = $3))"
        " AND ($4::text IS NULL OR c.state = $4) AND ($5::text IS NULL OR c.call_class = $5)"
        " AND ($9::timestamptz IS NULL OR c.updated_at >= $9)"
        " AND ($6::timestamptz IS NULL OR (c.raised_at, c.id) < ($6, $7::uuid))"
        " ORDER BY c.raised_at DESC, c.id DESC LIMIT $8",
        tenant_id,
        township,
        unit,
        state,
        call_class,
        after_at,
        after_id,
        limit,
        updated_since,
    )
    return rows_as(CallRow, rows)


async def insert_call(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    township_code: str,
    village_code: str | None,
    grid_code: str | None,
    subject: str,
    description: str,
    call_class: str,
    item_code: str | None,
    raised_at: datetime.datetime,
    raised_by: str,
    sign_deadline: datetime.datetime,
    answer_deadline: datetime.datetime,
) -> NewCallRow:
    row = await conn.fetchrow(
        "INSERT INTO calls (tenant_id, township_code, village_code, grid_code, subject, description, call_class,"
        " item_code, raised_at, raised_by, sign_deadline, answer_deadline)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id, call_class, raised_at, state",
        tenant_id,
        township_code,
        village_code,
        grid_code,
        subject,
        description,
        call_class,
        item_code,
        raised_at,
        raised_by,
        sign_deadline,
        answer_deadline,
    )
    assert row is not None  # INSERT … RETURNING returns the row it inserted
    return row_as(NewCallRow, row)


async def on_published_list(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str) -> bool:
    """Whether the item is on the township's published list (its newest version: an open span)."""
    return bool(
        await conn.fetchval(
            "SELECT true FROM township_entry_spans WHERE tenant_id = $1 AND township_code = $2"
            " AND item_code = $3 AND valid_until IS NULL",
            tenant_id,
            township,
            item_code,
        )
    )


# A call's new state (from its live dispatches): $3 state, $4 signed_at, $5 answered_at.
UPDATE_CALL_STATE = (
    "UPDATE calls SET state = $3, signed_at = COALESCE(signed_at, $4), answered_at = $5, revision = revision + 1"
    " WHERE tenant_id = $1 AND id = $2"
)
COUNT_SEND_BACK = "UPDATE calls SET send_back_count = send_back_count + 1 WHERE tenant_id = $1 AND id = $2"
# $3 the later answer deadline an approved extension gave one unit
EXTEND_CALL = (
    "UPDATE calls SET answer_deadline = GREATEST(answer_deadline, $3), revision = revision + 1"
    " WHERE tenant_id = $1 AND id = $2"
)
# $3 closed_at, $4 satisfaction, $5 follow-up note
CLOSE_CALL = (
    "UPDATE calls SET state = 'closed', closed_at = $3, resolved = true, satisfaction = $4,"
    " follow_up_note = $5, revision = revision + 1 WHERE tenant_id = $1 AND id = $2"
)
# $3 satisfaction, $4 follow-up note
REDO_CALL = (
    "UPDATE calls SET state = 'redo', resolved = false, satisfaction = $3, follow_up_note = $4,"
    " answered_at = NULL, redo_count = redo_count + 1, revision = revision + 1"
    " WHERE tenant_id = $1 AND id = $2"
)
ARCHIVE_CALL = "UPDATE calls SET state = 'archived', revision = revision + 1 WHERE tenant_id = $1 AND id = $2"


# --------------------------------------------------------------------------- dispatches


async def dispatch_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_ids: Sequence[uuid.UUID]
) -> list[DispatchRow]:
    """The dispatches of the calls, primary first, then by dispatch time."""
    rows = await conn.fetch(
        f"SELECT {_DISPATCH_COLUMNS} FROM call_dispatches d"
        " JOIN units u ON u.tenant_id = d.tenant_id AND u.code = d.unit_code"
        " WHERE d.tenant_id = $1 AND d.call_id = ANY($2::uuid[])"
        " ORDER BY d.call_id, d.role <> 'primary', d.dispatched_at, d.unit_code",
        tenant_id,
        list(call_ids),
    )
    return rows_as(DispatchRow, rows)


async def dispatched_units(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[str]:
    """Every unit the call was dispatched to (sent back or not)."""
    rows = await conn.fetch(
        "SELECT unit_code, state FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2", tenant_id, call_id
    )
    return [unit_code for unit_code, _state in rows]


async def sent_back_units(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch(
        "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state = 'sent_back'",
        tenant_id,
        call_id,
    )
    return [unit_code for (unit_code,) in rows]


async def live_units(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[str]:
    """The units still holding the call (not sent back)."""
    rows = await conn.fetch(
        "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state <> 'sent_back'",
        tenant_id,
        call_id,
    )
    return [unit_code for (unit_code,) in rows]


async def answered_units(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch(
        "SELECT unit_code FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND state = 'answered'",
        tenant_id,
        call_id,
    )
    return [unit_code for (unit_code,) in rows]


async def live_dispatch_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID
) -> list[LiveDispatchRow]:
    rows = await conn.fetch(
        "SELECT state, signed_at, answered_at FROM call_dispatches"
        " WHERE tenant_id = $1 AND call_id = $2 AND state <> 'sent_back'",
        tenant_id,
        call_id,
    )
    return rows_as(LiveDispatchRow, rows)


async def dispatch_state(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str) -> str | None:
    """The state of the call's dispatch to ``unit``; ``None`` when it was not dispatched there."""
    state: str | None = await conn.fetchval(
        "SELECT state FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
        tenant_id,
        call_id,
        unit,
    )
    return state


async def was_dispatched(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
            tenant_id,
            call_id,
            unit,
        )
    )


async def has_live_dispatch(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str) -> bool:
    """Whether ``unit`` holds the call (dispatched and not sent back)."""
    return bool(
        await conn.fetchval(
            "SELECT true FROM call_dispatches"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3 AND state <> 'sent_back'",
            tenant_id,
            call_id,
            unit,
        )
    )


async def move_dispatch(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    call_id: uuid.UUID,
    unit: str,
    target: str,
    sets: str,
    *args: object,
) -> MovedDispatchRow | None:
    """Move the dispatch to ``target``; ``sets`` (code, never input) sets more columns from ``$5`` on."""
    row = await conn.fetchrow(
        f"UPDATE call_dispatches SET state = $4{sets} WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3"
        " RETURNING signed_at > sign_deadline AS late_sign, answered_at > answer_deadline AS late_answer,"
        " sign_deadline, answer_deadline",
        tenant_id,
        call_id,
        unit,
        target,
        *args,
    )
    return maybe_row_as(MovedDispatchRow, row)


async def take_off(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str, at: datetime.datetime, reason: str
) -> bool:
    """Send the unit's live dispatch back (转派 by the county office); whether there was one."""
    return bool(
        await conn.fetchval(
            "UPDATE call_dispatches SET state = 'sent_back', sent_back_at = $4, send_back_reason = $5"
            " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3 AND state <> 'sent_back' RETURNING true",
            tenant_id,
            call_id,
            unit,
            at,
            reason,
        )
    )


async def extension_state(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str
) -> ExtensionStateRow | None:
    row = await conn.fetchrow(
        "SELECT state, extension FROM call_dispatches WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
        tenant_id,
        call_id,
        unit,
    )
    return maybe_row_as(ExtensionStateRow, row)


async def extension_deadline(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, unit: str
) -> ExtensionDeadlineRow | None:
    row = await conn.fetchrow(
        "SELECT answer_deadline, extension FROM call_dispatches"
        " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3",
        tenant_id,
        call_id,
        unit,
    )
    return maybe_row_as(ExtensionDeadlineRow, row)


# One row per unit ($3 …): a dispatch, or a fresh one over a unit's earlier (sent back) dispatch.
UPSERT_DISPATCHES = (
    "INSERT INTO call_dispatches (tenant_id, call_id, unit_code, role, item_code, raised_at, dispatched_at,"
    " sign_deadline, answer_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " ON CONFLICT (tenant_id, call_id, unit_code) DO UPDATE SET state = 'dispatched', role = EXCLUDED.role,"
    " dispatched_at = EXCLUDED.dispatched_at, sign_deadline = EXCLUDED.sign_deadline,"
    " answer_deadline = EXCLUDED.answer_deadline, signed_at = NULL, answered_at = NULL, feedback = '',"
    " sent_back_at = NULL, send_back_reason = NULL, extension = NULL"
)
# $3 unit, $4 sent_back_at, $5 reason
SEND_BACK_DISPATCH = (
    "UPDATE call_dispatches SET state = 'sent_back', sent_back_at = $4, send_back_reason = $5"
    " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3"
)
# $3 unit, $4 the extension (jsonb text)
SET_EXTENSION = (
    "UPDATE call_dispatches SET extension = $4::jsonb WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3"
)
# $3 unit, $4 the decided extension (jsonb text), $5 the answer deadline
DECIDE_EXTENSION = (
    "UPDATE call_dispatches SET extension = $4::jsonb, answer_deadline = $5"
    " WHERE tenant_id = $1 AND call_id = $2 AND unit_code = $3"
)
# $3 the new answer deadline of every unit that answered
REDO_DISPATCHES = (
    "UPDATE call_dispatches SET state = 'in_progress', answered_at = NULL, answer_deadline = $3"
    " WHERE tenant_id = $1 AND call_id = $2 AND state = 'answered'"
)


# --------------------------------------------------------------------------- steps


async def insert_step(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    call_id: uuid.UUID,
    at: datetime.datetime,
    action: str,
    unit: str | None,
    from_state: str | None,
    to_state: str | None,
    actor_role: str,
    actor_key: uuid.UUID | None,
    actor_name: str,
    comment: str,
    data: str,
) -> int:
    """Append a step (the next ``seq``; the caller holds the call's lock); returns its ``seq``.
    Every action on a call leaves a step, so the step also stamps the call as changed
    (``updated_at``, for ``updated_since``) even when only a unit's part of it changed."""
    seq: int = await conn.fetchval(
        f"WITH {_touch_call('$2')} INSERT INTO call_steps (tenant_id, call_id, seq, at, action, unit_code,"
        " from_state, to_state, actor_role, actor_key, actor_name, comment, data)"
        " SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb"
        " FROM call_steps WHERE tenant_id = $1 AND call_id = $2 RETURNING seq",
        tenant_id,
        call_id,
        at,
        action,
        unit,
        from_state,
        to_state,
        actor_role,
        actor_key,
        actor_name,
        comment,
        data,
    )
    return seq


async def step_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[StepRow]:
    rows = await conn.fetch(
        "SELECT seq, at, action, unit_code, from_state, to_state, actor_role, actor_name, comment, data"
        " FROM call_steps WHERE tenant_id = $1 AND call_id = $2 ORDER BY seq",
        tenant_id,
        call_id,
    )
    return rows_as(StepRow, rows)


async def has_step(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID, seq: int) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT true FROM call_steps WHERE tenant_id = $1 AND call_id = $2 AND seq = $3",
            tenant_id,
            call_id,
            seq,
        )
    )


# --------------------------------------------------------------------------- places and units


async def place_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[PlaceRow]:
    rows = await conn.fetch(
        "SELECT code, kind, parent_code FROM jurisdictions WHERE tenant_id = $1 AND code = ANY($2::text[])",
        tenant_id,
        codes,
    )
    return rows_as(PlaceRow, rows)


async def unit_names(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> dict[str, str]:
    """Code → name of the units among ``codes`` that exist."""
    rows = await conn.fetch(
        "SELECT code, name FROM units WHERE tenant_id = $1 AND code = ANY($2::text[])", tenant_id, codes
    )
    return {code: name for code, name in rows}


# --------------------------------------------------------------------------- attachments


async def insert_attachment(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    attachment_id: uuid.UUID,
    call_id: uuid.UUID,
    step: int | None,
    unit: str | None,
    filename: str,
    object_key: str,
    content_type: str,
    size: int,
    sha256: str,
    uploaded_by: str,
) -> AttachmentRow:
    row = await conn.fetchrow(
        f"WITH {_touch_call('$3')} INSERT INTO call_attachments (tenant_id, id, call_id, step_seq, unit_code,"
        " filename, object_key, content_type, size, sha256, uploaded_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " RETURNING id, call_id, step_seq, unit_code, filename, content_type, size, sha256, uploaded_at,"
        " uploaded_by, object_key",
        tenant_id,
        attachment_id,
        call_id,
        step,
        unit,
        filename,
        object_key,
        content_type,
        size,
        sha256,
        uploaded_by,
    )
    assert row is not None  # INSERT … RETURNING returns the row it inserted
    return row_as(AttachmentRow, row)


async def attachment_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, call_id: uuid.UUID) -> list[AttachmentRow]:
    rows = await conn.fetch(
        "SELECT id, call_id, step_seq, unit_code, filename, content_type, size, sha256, uploaded_at,"
        " uploaded_by, object_key FROM call_attachments WHERE tenant_id = $1 AND call_id = $2"
        " ORDER BY uploaded_at, id",
        tenant_id,
        call_id,
    )
    return rows_as(AttachmentRow, rows)


# --------------------------------------------------------------------------- violations

_VIOLATIONS = """
WITH d AS (
  SELECT d.call_id, d.unit_code, u.name AS unit_name, c.subject, c.township_code, c.call_class,
         d.sign_deadline, d.signed_at, d.answer_deadline, d.answered_at, d.state, c.state AS call_state
  FROM call_dispatches d
  JOIN calls c ON c.tenant_id = d.tenant_id AND c.id = d.call_id
  JOIN units u ON u.tenant_id = d.tenant_id AND u.code = d.unit_code
  WHERE d.tenant_id = $6 AND c.raised_at >= $1 AND c.raised_at < $2
    AND ($3::text IS NULL OR c.township_code = $3) AND ($4::text IS NULL OR d.unit_code = $4)
)
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'no_response' AS kind, 'sign' AS stage, sign_deadline AS deadline, NULL::timestamptz AS at
FROM d WHERE state = 'dispatched' AND signed_at IS NULL AND sign_deadline < $5
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'no_response', 'answer', answer_deadline, NULL
FROM d WHERE state IN ('signed_for', 'in_progress') AND answer_deadline < $5
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'late_response', 'sign', sign_deadline, signed_at
FROM d WHERE signed_at > sign_deadline
UNION ALL
SELECT call_id, subject, township_code, call_class, unit_code, unit_name,
       'late_response', 'answer', answer_deadline, answered_at
FROM d WHERE answered_at > answer_deadline
UNION ALL
SELECT s.call_id, c.subject, c.township_code, c.call_class, x.unit_code, u.name,
       'response_without_action', 'follow_up', NULL, s.at
FROM call_steps s
JOIN calls c ON c.tenant_id = s.tenant_id AND c.id = s.call_id
CROSS JOIN LATERAL jsonb_array_elements_text(s.data -> 'units') AS x(unit_code)
JOIN units u ON u.tenant_id = s.tenant_id AND u.code = x.unit_code
WHERE s.tenant_id = $6 AND s.action = 'follow_up' AND s.data ->> 'resolved' = 'false'
  AND c.raised_at >= $1 AND c.raised_at < $2
  AND ($3::text IS NULL OR c.township_code = $3) AND ($4::text IS NULL OR x.unit_code = $4)
ORDER BY unit_code, deadline NULLS LAST, call_id
"""


async def violation_rows(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    lower: datetime.datetime,
    upper: datetime.datetime,
    township: str | None,
    unit: str | None,
    at: datetime.datetime,
) -> list[ViolationRow]:
    """Violations of the calls raised in ``[lower, upper)``, as of ``at``."""
    return rows_as(ViolationRow, await conn.fetch(_VIOLATIONS, lower, upper, township, unit, at, tenant_id))


# --------------------------------------------------------------------------- statistics

_AGGREGATES = """
  count(*) AS received,
  count(*) FILTER (WHERE signed_at <= sign_deadline) AS signed_on_time,
  count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed,
  count(*) FILTER (WHERE closed_at IS NOT NULL AND answered_at <= answer_deadline) AS closed_on_time,
  count(*) FILTER (WHERE sent_back) AS sent_back,
  count(*) FILTER (WHERE redone) AS redone,
  count(*) FILTER (WHERE NOT sent_back AND (COALESCE(signed_at, $4) > sign_deadline
                                            OR COALESCE(answered_at, $4) > answer_deadline)) AS overdue,
  avg(response) AS mean_response,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY response) AS p90_response,
  avg(resolution) AS mean_resolution,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution) AS p90_resolution,
  count(*) FILTER (WHERE satisfaction = 'satisfied') AS satisfied,
  count(*) FILTER (WHERE satisfaction = 'basically_satisfied') AS basically_satisfied,
  count(*) FILTER (WHERE satisfaction = 'dissatisfied') AS dissatisfied
"""

# One row per call; times in hours. ``closed_at`` marks both closed and archived calls.
_CALL_ROWS = """
SELECT township_code AS key, sign_deadline, signed_at, answer_deadline, answered_at, closed_at,
       send_back_count > 0 AS sent_back, redo_count > 0 AS redone,
       date_part('epoch', signed_at - raised_at) / 3600 AS response,
       date_part('epoch', closed_at - raised_at) / 3600 AS resolution,
       CASE WHEN closed_at IS NOT NULL THEN satisfaction END AS satisfaction
FROM calls
WHERE tenant_id = $5 AND raised_at >= $1 AND raised_at < $2 AND ($3::text IS NULL OR township_code = $3)
"""

# One row per dispatch to a unit: the unit's own times, the call's outcome.
_UNIT_ROWS = """
SELECT d.unit_code AS key, d.sign_deadline, d.signed_at, d.answer_deadline, d.answered_at,
       CASE WHEN d.state <> 'sent_back' THEN c.closed_at END AS closed_at,
       d.state = 'sent_back' AS sent_back, c.redo_count > 0 AND d.state <> 'sent_back' AS redone,
       date_part('epoch', d.signed_at - d.dispatched_at) / 3600 AS response,
       date_part('epoch', d.answered_at - d.dispatched_at) / 3600 AS resolution,
       CASE WHEN d.state <> 'sent_back' AND c.closed_at IS NOT NULL THEN c.satisfaction END AS satisfaction
FROM call_dispatches d
JOIN calls c ON c.tenant_id = d.tenant_id AND c.id = d.call_id
WHERE d.tenant_id = $5 AND d.raised_at >= $1 AND d.raised_at < $2 AND ($3::text IS NULL OR d.unit_code = $3)
"""

# One unit: its dispatches by (tenant_id, unit_code, raised_at), each call fetched by its key
# (a hash join would scan every call of the tenant for a unit's share of them).
_ONE_UNIT_ROWS = _UNIT_ROWS.replace(
    "JOIN calls c ON c.tenant_id = d.tenant_id AND c.id = d.call_id",
    "CROSS JOIN LATERAL (SELECT closed_at, satisfaction, redo_count FROM calls"
    " WHERE calls.tenant_id = d.tenant_id AND calls.id = d.call_id OFFSET 0) c",
)


async def statistics_row(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    lower: datetime.datetime,
    upper: datetime.datetime,
    township: str | None,
    unit: str | None,
    at: datetime.datetime,
) -> StatisticsRow:
    """The aggregates over the tenant's calls, one township's, or one unit's dispatches."""
    rows_sql = _ONE_UNIT_ROWS if unit else _CALL_ROWS
    row = await conn.fetchrow(
        f"SELECT {_AGGREGATES} FROM ({rows_sql}) r", lower, upper, unit or township, at, tenant_id
    )
    assert row is not None  # an aggregate without GROUP BY returns one row
    return row_as(StatisticsRow, row)


async def statistics_rows_by(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    lower: datetime.datetime,
    upper: datetime.datetime,
    by_unit: bool,
    at: datetime.datetime,
) -> list[GroupStatisticsRow]:
    """The aggregates per township (or per unit with ``by_unit``), ordered by its code."""
    rows_sql = _UNIT_ROWS if by_unit else _CALL_ROWS
    # the grouped sort holds every row of the period (~13 MB for 150,000 dispatches)
    await conn.execute("SET LOCAL work_mem = '32MB'")
    rows = await conn.fetch(
        f"SELECT key, {_AGGREGATES} FROM ({rows_sql}) r GROUP BY key ORDER BY key",
        lower,
        upper,
        None,
        at,
        tenant_id,
    )
    return rows_as(GroupStatisticsRow, rows)


class OverdueDispatchRow(msgspec.Struct, frozen=True):
    """A live dispatch past the deadline of its state (报到 for ``dispatched``, the answer
    otherwise) in an open call; ``escalated``: escalated already for this very deadline."""

    call_id: uuid.UUID
    subject: str
    unit_code: str
    state: str
    due_at: datetime.datetime
    escalated: bool


async def overdue_dispatch_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, at: datetime.datetime, limit: int
) -> list[OverdueDispatchRow]:
    """Open calls' live dispatches whose deadline passed before ``at``, oldest deadline first.
    A deadline moved by an approved extension, or a new dispatch, is a new deadline."""
    records = await conn.fetch(
        """
        SELECT d.call_id, c.subject, d.unit_code, d.state, x.due_at,
               EXISTS (SELECT 1 FROM call_steps s WHERE s.tenant_id = $1 AND s.call_id = d.call_id
                       AND s.action = 'escalate' AND s.unit_code = d.unit_code
                       AND (s.data->>'due_at')::timestamptz = x.due_at) AS escalated
          FROM call_dispatches d
          JOIN calls c ON c.tenant_id = d.tenant_id AND c.id = d.call_id
         CROSS JOIN LATERAL (SELECT CASE WHEN d.state = 'dispatched' THEN d.sign_deadline
                                         ELSE d.answer_deadline END AS due_at) x
         WHERE d.tenant_id = $1 AND c.closed_at IS NULL
           AND d.state IN ('dispatched', 'signed_for', 'in_progress') AND x.due_at < $2
         ORDER BY x.due_at, d.call_id, d.unit_code
         LIMIT $3
        """,
        tenant_id,
        at,
        limit,
    )
    return rows_as(OverdueDispatchRow, records)
