"""The workflow context's SQL statements and the typed rows they return (issue 16, item 3).

Every statement of the engine, admission and bottom-up adjustment lives here; reads return
frozen Structs whose fields are the statement's columns (``core.platform.rows``). JSON
columns are read as text (``applicant::text``) and decoded by the caller into its own types.
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


# --- instances ---------------------------------------------------------------------------------


class InstanceRow(_Row, frozen=True):
    id: uuid.UUID
    definition: str
    kind: str
    subject: str
    state: str
    outcome: str | None
    applicant: str
    data: str
    item_code: str | None
    state_since: datetime.datetime
    due_at: datetime.datetime | None
    escalated_to: str | None
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    version: int
    overdue: bool


_INSTANCE = (
    "SELECT id, definition, kind, subject, state, outcome, applicant::text, data::text, item_code, state_since,"
    " due_at, escalated_to, started_at, closed_at, version, (due_at IS NOT NULL AND due_at < now()) AS overdue"
    " FROM workflow_instances"
)


async def instance_row(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, instance_id: uuid.UUID, *, lock: bool = False
) -> InstanceRow | None:
    record = await conn.fetchrow(
        _INSTANCE + " WHERE tenant_id = $1 AND id = $2" + (" FOR UPDATE" if lock else ""),
        tenant_id,
        instance_id,
    )
    return maybe_row_as(InstanceRow, record)


async def instance_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    kind: str | None,
    definition: str | None,
    state: str | None,
    open_only: bool,
    after: tuple[datetime.datetime, uuid.UUID] | None,
    limit: int,
) -> list[InstanceRow]:
    """Instances, newest first."""
    records = await conn.fetch(
        _INSTANCE + " WHERE tenant_id = $1 AND ($2::text IS NULL OR kind = $2)"
        " AND ($3::text IS NULL OR definition = $3) AND ($4::text IS NULL OR state = $4)"
        " AND (NOT $5 OR closed_at IS NULL)"
        " AND ($6::timestamptz IS NULL OR (started_at, id) < ($6, $7::uuid))"
        " ORDER BY started_at DESC, id DESC LIMIT $8",
        tenant_id,
        kind,
        definition,
        state,
        open_only,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows_as(InstanceRow, records)


class OverdueRow(_Row, frozen=True):
    id: uuid.UUID
    definition: str
    kind: str
    subject: str
    state: str
    due_at: datetime.datetime
    escalated_to: str | None


async def overdue_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, at: datetime.datetime | None, kind: str | None, limit: int
) -> list[OverdueRow]:
    """Open instances past their deadline (at ``at``, default now), oldest deadline first."""
    records = await conn.fetch(
        "SELECT id, definition, kind, subject, state, due_at, escalated_to FROM workflow_instances"
        " WHERE tenant_id = $1 AND closed_at IS NULL AND due_at < coalesce($2::timestamptz, now())"
        " AND ($3::text IS NULL OR kind = $3) ORDER BY due_at, id LIMIT $4",
        tenant_id,
        at,
        kind,
        limit,
    )
    return rows_as(OverdueRow, records)


NOW = "SELECT now()"

INSERT_INSTANCE = (
    "INSERT INTO workflow_instances (tenant_id, definition, kind, subject, state, applicant, data, item_code,"
    " due_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) RETURNING id"
)

# $8 the transaction's now() (:data:`NOW`), passed in: Citus refuses now() inside CASE.
MOVE_INSTANCE = (
    "UPDATE workflow_instances SET state = $3, data = $4::jsonb, version = version + 1,"
    " state_since = CASE WHEN $5 THEN $8::timestamptz ELSE state_since END, due_at = $6,"
    " escalated_to = CASE WHEN $5 THEN NULL ELSE escalated_to END,"
    " outcome = $7, closed_at = CASE WHEN $7::text IS NULL THEN NULL ELSE $8::timestamptz END"
    " WHERE tenant_id = $1 AND id = $2"
)

ESCALATE_INSTANCE = (
    "UPDATE workflow_instances SET escalated_to = $3, version = version + 1 WHERE tenant_id = $1 AND id = $2"
)

# An open application of a kind for an item (admission, adjustment).
PENDING_ADJUSTMENT = (
    "SELECT 1 FROM workflow_instances WHERE tenant_id = $1 AND kind = 'adjustment' AND item_code = $2"
    " AND closed_at IS NULL"
)


# --- steps -----------------------------------------------------------------------------------


class GivenRow(_Row, frozen=True):
    instance_id: uuid.UUID
    transition: str
    who: str


async def given_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> list[GivenRow]:
    """Who (scope, or role for unscoped keys) took which transition of the instances."""
    records = await conn.fetch(
        "SELECT instance_id, transition, coalesce(actor_scope, actor_role) AS who FROM workflow_steps"
        " WHERE tenant_id = $1 AND instance_id = ANY($2::uuid[])",
        tenant_id,
        ids,
    )
    return rows_as(GivenRow, records)


class StepRow(_Row, frozen=True):
    instance_id: uuid.UUID
    definition: str
    seq: int
    transition: str
    from_state: str | None
    to_state: str
    actor_key_id: str | None
    actor_role: str
    actor_scope: str | None
    actor_name: str
    automatic: bool
    inputs: str
    comment: str
    at: datetime.datetime
    due_at: datetime.datetime | None
    late: bool


async def step_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> list[StepRow]:
    """The steps of the instances, by instance and sequence."""
    records = await conn.fetch(
        "SELECT s.instance_id, i.definition, s.seq, s.transition, s.from_state, s.to_state,"
        " s.actor_key_id::text, s.actor_role, s.actor_scope, s.actor_name, s.automatic, s.inputs::text,"
        " s.comment, s.at, s.due_at, s.late FROM workflow_steps s"
        " JOIN workflow_instances i ON i.tenant_id = s.tenant_id AND i.id = s.instance_id"
        " WHERE s.tenant_id = $1 AND s.instance_id = ANY($2::uuid[]) ORDER BY s.instance_id, s.seq",
        tenant_id,
        ids,
    )
    return rows_as(StepRow, records)


NEXT_SEQ = "SELECT coalesce(max(seq), 0) + 1 FROM workflow_steps WHERE tenant_id = $1 AND instance_id = $2"

INSERT_STEP = (
    "INSERT INTO workflow_steps (tenant_id, instance_id, seq, transition, from_state, to_state, actor_key_id,"
    " actor_role, actor_scope, actor_name, automatic, inputs, comment, due_at, late)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14,"
    " $14::timestamptz IS NOT NULL AND now() > $14::timestamptz)"
)


# --- who may act -----------------------------------------------------------------------------

UNIT_KIND = "SELECT kind FROM units WHERE tenant_id = $1 AND code = $2"


async def consultable_units(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[str]:
    """Those of ``codes`` that are the tenant's departments or agencies (not township offices)."""
    records = await conn.fetch(
        "SELECT code FROM units WHERE tenant_id = $1 AND code = ANY($2::text[]) AND kind <> 'township_office'",
        tenant_id,
        codes,
    )
    return [code for (code,) in records]


async def township_codes(conn: asyncpg.Connection, tenant_id: uuid.UUID, kinds: list[str]) -> list[str]:
    """The codes of the tenant's divisions of ``kinds`` (its townships), in order."""
    records = await conn.fetch(
        "SELECT code FROM jurisdictions WHERE tenant_id = $1 AND kind = ANY($2::text[]) ORDER BY code",
        tenant_id,
        kinds,
    )
    return [code for (code,) in records]


# --- admission ---------------------------------------------------------------------------------

TODAY_IN_CHINA = "SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date"


class DraftItemFactsRow(_Row, frozen=True):
    parent: list[str] | None
    units: list[str] | None
    taken: bool
    pending: bool


async def draft_item_facts(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    version: int,
    parent_code: str | None,
    unit_codes: list[str],
    code: str,
) -> DraftItemFactsRow:
    """What checking a proposed item needs: its parent's level and status, which of its units
    exist, whether its code was ever used, whether an admission for it is open."""
    record = await conn.fetchrow(
        "SELECT (SELECT array[level, status] FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        "  AND code = $3) AS parent,"
        " (SELECT array_agg(code) FROM units WHERE tenant_id = $1 AND code = ANY($4)) AS units,"
        " EXISTS (SELECT 1 FROM reference_codes WHERE tenant_id = $1 AND code = $5) AS taken,"
        " EXISTS (SELECT 1 FROM workflow_instances WHERE tenant_id = $1 AND kind = 'admission'"
        "  AND item_code = $5 AND closed_at IS NULL) AS pending",
        tenant_id,
        version,
        parent_code,
        unit_codes,
        code,
    )
    facts = maybe_row_as(DraftItemFactsRow, record)
    assert facts is not None, "a SELECT without FROM returns one row"
    return facts


class WithoutAdmissionRow(_Row, frozen=True):
    code: str
    title: str
    added_in_version: int
    reason_kind: str
    reason: str
    added_at: datetime.datetime
    initiator: str
    township_scope: str
    townships: int


_WITHOUT = """
WITH versions AS (
  SELECT min(number) AS baseline, max(number) AS latest FROM catalog_versions
  WHERE tenant_id = $1 AND status = 'published'
)
SELECT a.item_code AS code, i.title, a.version AS added_in_version, a.reason_kind, a.reason,
       a.created_at AS added_at, a.initiator::text AS initiator, i.township_scope,
       (SELECT count(DISTINCT e.township_code) FROM township_entries e
         WHERE e.tenant_id = $1 AND e.item_code = a.item_code AND e.state <> 'removed') AS townships
FROM catalog_adjustments a
CROSS JOIN versions v
JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = v.latest AND i.code = a.item_code
WHERE a.tenant_id = $1 AND a.kind = 'add' AND a.version > v.baseline
  AND i.status = 'active' AND i.township_scope <> 'none'
  AND (i.township_scope = 'all' OR EXISTS (
        SELECT 1 FROM township_entries e WHERE e.tenant_id = $1 AND e.item_code = a.item_code AND e.state <> 'removed'))
  AND NOT EXISTS (
        SELECT 1 FROM workflow_instances w WHERE w.tenant_id = $1 AND w.outcome = 'approved'
        AND w.item_code = a.item_code
        AND (w.kind = 'admission' OR (w.kind = 'adjustment' AND w.data->>'action' = 'add')))
ORDER BY a.created_at, a.item_code
"""


async def without_admission(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[WithoutAdmissionRow]:
    return rows_as(WithoutAdmissionRow, await conn.fetch(_WITHOUT, tenant_id))


# --- bottom-up adjustment ----------------------------------------------------------------------


class ItemStatusRow(_Row, frozen=True):
    title: str
    status: str


async def item_status(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int, code: str) -> ItemStatusRow | None:
    record = await conn.fetchrow(
        "SELECT title, status FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3",
        tenant_id,
        version,
        code,
    )
    return maybe_row_as(ItemStatusRow, record)
