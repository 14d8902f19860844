"""The evaluation context's SQL statements and the typed rows they return (issue 16, item 3).

Statements of the evaluation service (scheme, periods, scores, results) and of
accountability (cases, notices, the list as of a date). Reads return frozen Structs whose
fields are the statement's columns (``core.platform.rows``); JSON columns are read as text
and decoded by the caller. One exception: the score reduction (:func:`reduced_scores`) returns
its ~10⁴ records as they come, unpacked positionally by the caller, since it is the hot read
of computing a period.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


# --- the scheme --------------------------------------------------------------------------------


class SchemeRow(_Row, frozen=True):
    document: str
    origin: str
    revision: int


async def scheme_row(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> SchemeRow | None:
    record = await conn.fetchrow(
        "SELECT document::text, origin, revision FROM evaluation_schemes WHERE tenant_id = $1", tenant_id
    )
    return maybe_row_as(SchemeRow, record)


#: $3 the revision the writer read (NULL: any): compared in the write itself, so of two writers
#: that read the same revision one gets no row back (412), even with no row to lock before
REPLACE_SCHEME = (
    "INSERT INTO evaluation_schemes (tenant_id, document, origin, revision) VALUES ($1, $2::jsonb, 'tenant', 1)"
    " ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document, origin = 'tenant',"
    " revision = evaluation_schemes.revision + 1, updated_at = excluded.updated_at"
    " WHERE $3::int IS NULL OR evaluation_schemes.revision = $3::int"
    " RETURNING revision"
)

# First use of a plugin's scheme: the tenant keeps it from now on (revision 0).
KEEP_SCHEME = (
    "INSERT INTO evaluation_schemes (tenant_id, document, origin, revision) VALUES ($1, $2::jsonb, $3, 0)"
    " ON CONFLICT (tenant_id) DO NOTHING"
)


# --- periods -----------------------------------------------------------------------------------


class PeriodRow(_Row, frozen=True):
    code: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    state: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    computed_at: datetime.datetime | None


class PeriodSchemeRow(PeriodRow, frozen=True):
    """A period with its frozen scheme (JSON text)."""

    scheme: str


_PERIOD_COLUMNS = "code, kind, starts_on, ends_on, state, created_at, closed_at, computed_at"

PERIOD_EXISTS = "SELECT 1 FROM evaluation_periods WHERE tenant_id = $1 AND code = $2"


async def insert_period(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    code: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    scheme: str,
) -> PeriodRow:
    record = await conn.fetchrow(
        "INSERT INTO evaluation_periods (tenant_id, code, kind, starts_on, ends_on, scheme)"
        f" VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING {_PERIOD_COLUMNS}",
        tenant_id,
        code,
        kind,
        starts_on,
        ends_on,
        scheme,
    )
    assert record is not None, "INSERT … RETURNING returns the row it inserted"
    return row_as(PeriodRow, record)


async def periods(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[PeriodRow]:
    records = await conn.fetch(
        f"SELECT {_PERIOD_COLUMNS} FROM evaluation_periods WHERE tenant_id = $1 ORDER BY code", tenant_id
    )
    return rows_as(PeriodRow, records)


async def period_row(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str, *, lock: bool = False
) -> PeriodSchemeRow | None:
    record = await conn.fetchrow(
        f"SELECT {_PERIOD_COLUMNS}, scheme::text FROM evaluation_periods WHERE tenant_id = $1 AND code = $2"
        + (" FOR UPDATE" if lock else ""),
        tenant_id,
        code,
    )
    return maybe_row_as(PeriodSchemeRow, record)


async def close_period(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> PeriodRow | None:
    record = await conn.fetchrow(
        "UPDATE evaluation_periods SET state = 'closed', closed_at = now() WHERE tenant_id = $1 AND code = $2"
        f" RETURNING {_PERIOD_COLUMNS}",
        tenant_id,
        code,
    )
    return maybe_row_as(PeriodRow, record)


SET_COMPUTED_AT = "UPDATE evaluation_periods SET computed_at = $3 WHERE tenant_id = $1 AND code = $2"


# --- subjects ----------------------------------------------------------------------------------


class TownshipSubjectRow(_Row, frozen=True):
    code: str
    name: str
    township_type: str | None


async def township_subjects(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, kinds: list[str], type_attribute: str
) -> list[TownshipSubjectRow]:
    records = await conn.fetch(
        "SELECT code, name, attributes->>$3 AS township_type FROM jurisdictions"
        " WHERE tenant_id = $1 AND kind = ANY($2) ORDER BY code",
        tenant_id,
        kinds,
        type_attribute,
    )
    return rows_as(TownshipSubjectRow, records)


class UnitSubjectRow(_Row, frozen=True):
    code: str
    name: str
    kind: str
    parent_unit_code: str | None
    jurisdiction_code: str | None
    hosts: list[str]


async def unit_subjects(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[UnitSubjectRow]:
    """Departments and dispatched agencies, each with its host townships (its own first)."""
    records = await conn.fetch(
        "SELECT u.code, u.name, u.kind, u.parent_unit_code, u.jurisdiction_code,"
        " ARRAY(SELECT h.township_code FROM unit_hosts h WHERE h.tenant_id = u.tenant_id AND h.unit_code = u.code"
        "  ORDER BY h.township_code <> u.jurisdiction_code, h.township_code) AS hosts"
        " FROM units u WHERE u.tenant_id = $1 AND u.kind IN ('department', 'dispatched_agency') ORDER BY u.code",
        tenant_id,
    )
    return rows_as(UnitSubjectRow, records)


# --- scores ------------------------------------------------------------------------------------

UPSERT_SCORES = (
    "INSERT INTO evaluation_scores (tenant_id, period, relation, evaluator, evaluatee, indicator, score,"
    " note, entered_by) SELECT $1, $2, r, e, s, i, v, n, $9 FROM unnest($3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::float8[], $8::text[]) AS x(r, e, s, i, v, n)"
    " ON CONFLICT (tenant_id, period, relation, evaluatee, evaluator, indicator) DO UPDATE"
    " SET score = excluded.score, note = excluded.note, entered_by = excluded.entered_by,"
    " entered_at = excluded.entered_at"
)


class ScoreRow(_Row, frozen=True):
    relation: str
    evaluator: str
    evaluatee: str
    indicator: str
    score: float
    note: str
    entered_at: datetime.datetime


async def scores(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    period: str,
    evaluatee: str | None,
    evaluator: str | None,
    scope: str | None,
) -> list[ScoreRow]:
    """A period's scores, optionally of one evaluatee or evaluator; ``scope``: only those it gave or got."""
    records = await conn.fetch(
        "SELECT relation, evaluator, evaluatee, indicator, score, note, entered_at FROM evaluation_scores"
        " WHERE tenant_id = $1 AND period = $2 AND ($3::text IS NULL OR evaluatee = $3)"
        " AND ($4::text IS NULL OR evaluator = $4) AND ($5::text IS NULL OR evaluator = $5 OR evaluatee = $5)"
        " ORDER BY relation, evaluatee, evaluator, indicator",
        tenant_id,
        period,
        evaluatee,
        evaluator,
        scope,
    )
    return rows_as(ScoreRow, records)


# One scan, two groupings: per (relation, subject, indicator) the share-weighted mean raw score,
# per (relation, subject, evaluator) Σ weight × normalised score. Shares come from the rules
# (shares of evaluators a rule does not name are 0); without rules every share is 1.
_REDUCE = """
SELECT GROUPING(s.indicator) = 0 AS mean, s.relation, s.evaluatee, coalesce(s.indicator, s.evaluator) AS key,
       CASE WHEN GROUPING(s.indicator) = 0 THEN sum({share} * s.score) / nullif(sum({share}), 0)
            ELSE sum(i.weight * (s.score - i.lo) / (i.hi - i.lo)) * 100 / $8 END AS value,
       count(*)::int AS n
  FROM evaluation_scores s
  JOIN unnest($3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[]) AS i(relation, code, weight, lo, hi)
    ON i.relation = s.relation AND i.code = s.indicator
  {joins}
 WHERE s.tenant_id = $1 AND s.period = $2
 GROUP BY GROUPING SETS ((s.relation, s.evaluatee, s.indicator), (s.relation, s.evaluatee, s.evaluator))
"""
_PLAIN = _REDUCE.format(share="1.0", joins="")
_RULED = _REDUCE.format(
    share="CASE WHEN r.relation IS NULL THEN 1.0 ELSE coalesce(x.share, 0) END",
    joins="LEFT JOIN (SELECT DISTINCT relation, evaluatee FROM unnest($9::text[], $10::text[])"
    " AS r(relation, evaluatee)) r ON r.relation = s.relation AND r.evaluatee = s.evaluatee"
    " LEFT JOIN unnest($9::text[], $10::text[], $11::text[], $12::float8[]) AS x(relation, evaluatee, evaluator, share)"
    " ON x.relation = s.relation AND x.evaluatee = s.evaluatee AND x.evaluator = s.evaluator",
)

# Fresh score tables have no statistics yet: keep the planner on hashing, not on sorting to disk.
_HASHING = "SET LOCAL work_mem = '64MB'; SET LOCAL enable_sort = off"
_NO_HASHING = "RESET enable_sort; RESET work_mem"


async def reduced_scores(conn: asyncpg.Connection, args: list[Any], ruled: bool) -> list[asyncpg.Record]:
    """(mean, relation, evaluatee, key, value, n) records: ``args`` are $1..$8, and $9..$12
    (the evaluator shares) when ``ruled``."""
    await conn.execute(_HASHING)
    records = await conn.fetch(_RULED if ruled else _PLAIN, *args)
    await conn.execute(_NO_HASHING)
    return records


# --- results -----------------------------------------------------------------------------------

DELETE_RESULTS = "DELETE FROM evaluation_results WHERE tenant_id = $1 AND period = $2"

INSERT_RESULTS = (
    "INSERT INTO evaluation_results (tenant_id, period, subject, subject_kind, subject_name, score, grade,"
    " complete, explanation) SELECT $1, $2, s, k, n, v, g, c, x::jsonb FROM unnest($3::text[], $4::text[],"
    " $5::text[], $6::float8[], $7::text[], $8::bool[], $9::text[]) AS t(s, k, n, v, g, c, x)"
    " RETURNING computed_at"
)


class ResultRow(_Row, frozen=True):
    period: str
    subject: str
    subject_kind: str
    subject_name: str
    score: float
    grade: str
    complete: bool
    explanation: str
    computed_at: datetime.datetime


_RESULT_COLUMNS = "period, subject, subject_kind, subject_name, score, grade, complete, explanation::text, computed_at"


async def result_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    period: str,
    subject_kind: str | None,
    scope: str | None,
    after: str | None,
    limit: int,
) -> list[ResultRow]:
    records = await conn.fetch(
        f"SELECT {_RESULT_COLUMNS} FROM evaluation_results WHERE tenant_id = $1 AND period = $2"
        " AND ($3::text IS NULL OR subject_kind = $3) AND ($4::text IS NULL OR subject = $4)"
        " AND ($5::text IS NULL OR subject > $5) ORDER BY subject LIMIT $6",
        tenant_id,
        period,
        subject_kind,
        scope,
        after,
        limit,
    )
    return rows_as(ResultRow, records)


async def result_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, period: str, subject: str) -> ResultRow | None:
    record = await conn.fetchrow(
        f"SELECT {_RESULT_COLUMNS} FROM evaluation_results WHERE tenant_id = $1 AND period = $2 AND subject = $3",
        tenant_id,
        period,
        subject,
    )
    return maybe_row_as(ResultRow, record)


# --- accountability: the list as of a date ------------------------------------------------------


class TownshipAsOfRow(_Row, frozen=True):
    party_name: str | None
    ever: bool
    number: int | None
    catalog_version: int | None
    effective_date: datetime.date | None
    listed: bool
    title: str | None
    kinds: list[str] | None
    roles: list[str] | None
    primary_parties: list[str] | None


_TOWNSHIP_AS_OF = """
WITH v AS (
  SELECT number, catalog_version, effective_date FROM township_list_versions
   WHERE tenant_id = $1 AND township_code = $2 AND effective_date <= $4
   ORDER BY effective_date DESC, number DESC LIMIT 1)
SELECT
  (SELECT name FROM jurisdictions WHERE tenant_id = $1 AND code = $2) AS party_name,
  EXISTS (SELECT 1 FROM township_entry_spans WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3)
  OR EXISTS (SELECT 1 FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3)
    AS ever,
  v.number, v.catalog_version, v.effective_date,
  EXISTS (SELECT 1 FROM township_version_entries e WHERE e.tenant_id = $1 AND e.township_code = $2
          AND e.number = v.number AND e.item_code = $3) AS listed,
  i.title, i.kinds,
  (SELECT array_agg(r.role ORDER BY r.role DESC) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.catalog_version AND r.item_code = $3 AND r.party = 'township') AS roles,
  (SELECT array_agg(r.party) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.catalog_version AND r.item_code = $3 AND r.role = 'primary') AS primary_parties
FROM (SELECT 1) one
LEFT JOIN v ON true
LEFT JOIN catalog_items i ON i.tenant_id = $1 AND i.version = v.catalog_version AND i.code = $3
"""


async def township_as_of(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item: str, day: datetime.date
) -> TownshipAsOfRow:
    """The township's list in force on ``day`` and the item on it (one row, even for an unknown township)."""
    record = await conn.fetchrow(_TOWNSHIP_AS_OF, tenant_id, township, item, day)
    assert record is not None, "a SELECT from (SELECT 1) returns one row"
    return row_as(TownshipAsOfRow, record)


class UnitAsOfRow(_Row, frozen=True):
    party_name: str
    kind: str
    parent_unit_code: str | None
    ever: bool
    catalog_version: int | None
    effective_date: datetime.date | None
    title: str | None
    kinds: list[str] | None
    status: str | None
    receiving_unit: str | None
    duties: list[str] | None


_UNIT_AS_OF = """
WITH v AS (
  SELECT number, effective_date FROM catalog_versions
   WHERE tenant_id = $1 AND status = 'published' AND effective_date <= $4
   ORDER BY effective_date DESC, number DESC LIMIT 1),
u AS (SELECT code, name, kind, parent_unit_code FROM units WHERE tenant_id = $1 AND code = $2)
SELECT u.name AS party_name, u.kind, u.parent_unit_code,
  EXISTS (SELECT 1 FROM catalog_responsibilities r WHERE r.tenant_id = $1 AND r.item_code = $3
          AND r.party IN (u.code, u.parent_unit_code))
  OR EXISTS (SELECT 1 FROM catalog_items i WHERE i.tenant_id = $1 AND i.code = $3
             AND i.recovery->>'receiving_unit' IN (u.code, u.parent_unit_code)) AS ever,
  v.number AS catalog_version, v.effective_date, i.title, i.kinds, i.status,
  i.recovery->>'receiving_unit' AS receiving_unit,
  (SELECT array_agg(r.party || ':' || r.role) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.number AND r.item_code = $3) AS duties
FROM u
LEFT JOIN v ON true
LEFT JOIN catalog_items i ON i.tenant_id = $1 AND i.version = v.number AND i.code = $3
"""


async def unit_as_of(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, unit: str, item: str, day: datetime.date
) -> UnitAsOfRow | None:
    """The catalog in force on ``day`` and the unit's duties for the item (None: no such unit)."""
    return maybe_row_as(UnitAsOfRow, await conn.fetchrow(_UNIT_AS_OF, tenant_id, unit, item, day))


class PostAssignmentRow(_Row, frozen=True):
    name: str
    is_a: bool | None
    leader: str | None
    office_code: str | None


_POST_ASSIGNMENT = """
SELECT p.name, a.a_post = $3 AS is_a, a.leader, a.office_code
  FROM posts p LEFT JOIN entry_assignments a ON a.tenant_id = p.tenant_id AND a.township_code = p.township_code
   AND a.item_code = $4 AND $3 IN (a.a_post, a.b_post)
 WHERE p.tenant_id = $1 AND p.township_code = $2 AND p.code = $3
"""


async def post_assignment(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, post: str, item: str
) -> PostAssignmentRow | None:
    """A township's post and how it holds the item's entry (A, B, or not: ``is_a`` None)."""
    return maybe_row_as(PostAssignmentRow, await conn.fetchrow(_POST_ASSIGNMENT, tenant_id, township, post, item))


# --- accountability: cases and notices ----------------------------------------------------------

# Numbers are per tenant and gapless: taken under this lock ($1: "cases:<tenant>" or "notices:<tenant>").
NUMBER_LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))"


class CaseRow(_Row, frozen=True):
    number: int
    party_kind: str
    party: str
    township_code: str | None
    item_code: str
    situation: str
    facts: str
    facts_date: datetime.date
    performed: bool
    responsibility: str
    outcome: str
    method: str | None
    basis: str
    created_at: datetime.datetime


_CASE_COLUMNS = (
    "number, party_kind, party, township_code, item_code, situation, facts, facts_date, performed,"
    " responsibility, outcome, method, basis::text, created_at"
)


async def insert_case(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    party_kind: str,
    party: str,
    township_code: str | None,
    item_code: str,
    situation: str,
    facts: str,
    facts_date: datetime.date,
    performed: bool,
    responsibility: str,
    outcome: str,
    method: str | None,
    basis: str,
    created_by: uuid.UUID | None,
) -> CaseRow:
    """A case numbered next in its tenant (under :data:`NUMBER_LOCK`)."""
    record = await conn.fetchrow(
        "INSERT INTO accountability_cases (tenant_id, number, party_kind, party, township_code, item_code,"
        " situation, facts, facts_date, performed, responsibility, outcome, method, basis, created_by)"
        " SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14"
        f" FROM accountability_cases WHERE tenant_id = $1 RETURNING {_CASE_COLUMNS}",
        tenant_id,
        party_kind,
        party,
        township_code,
        item_code,
        situation,
        facts,
        facts_date,
        performed,
        responsibility,
        outcome,
        method,
        basis,
        created_by,
    )
    assert record is not None, "INSERT … SELECT of an aggregate inserts exactly one row"
    return row_as(CaseRow, record)


async def cases(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, party: str | None, item_code: str | None, scope: str | None
) -> list[CaseRow]:
    records = await conn.fetch(
        f"SELECT {_CASE_COLUMNS} FROM accountability_cases WHERE tenant_id = $1"
        " AND ($2::text IS NULL OR party = $2) AND ($3::text IS NULL OR item_code = $3)"
        " AND ($4::text IS NULL OR party = $4 OR township_code = $4) ORDER BY number",
        tenant_id,
        party,
        item_code,
        scope,
    )
    return rows_as(CaseRow, records)


async def case_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> CaseRow | None:
    record = await conn.fetchrow(
        f"SELECT {_CASE_COLUMNS} FROM accountability_cases WHERE tenant_id = $1 AND number = $2",
        tenant_id,
        number,
    )
    return maybe_row_as(CaseRow, record)


CASE_EXISTS = "SELECT 1 FROM accountability_cases WHERE tenant_id = $1 AND number = $2"
TOWNSHIP_EXISTS = "SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $2 AND kind = ANY($3)"
UNIT_EXISTS = "SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2"


class NoticeRow(_Row, frozen=True):
    number: int
    recipient_kind: str
    recipient: str
    case_number: int | None
    item_code: str | None
    content: str
    issued_on: datetime.date
    created_at: datetime.datetime


_NOTICE_COLUMNS = "number, recipient_kind, recipient, case_number, item_code, content, issued_on, created_at"


async def insert_notice(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    recipient_kind: str,
    recipient: str,
    case_number: int | None,
    item_code: str | None,
    content: str,
    issued_on: datetime.date,
) -> NoticeRow:
    """A notice numbered next in its tenant (under :data:`NUMBER_LOCK`)."""
    record = await conn.fetchrow(
        "INSERT INTO accountability_notices (tenant_id, number, recipient_kind, recipient, case_number,"
        " item_code, content, issued_on) SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7"
        f" FROM accountability_notices WHERE tenant_id = $1 RETURNING {_NOTICE_COLUMNS}",
        tenant_id,
        recipient_kind,
        recipient,
        case_number,
        item_code,
        content,
        issued_on,
    )
    assert record is not None, "INSERT … SELECT of an aggregate inserts exactly one row"
    return row_as(NoticeRow, record)


async def notices(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, recipient: str | None, scope: str | None
) -> list[NoticeRow]:
    records = await conn.fetch(
        f"SELECT {_NOTICE_COLUMNS} FROM accountability_notices WHERE tenant_id = $1"
        " AND ($2::text IS NULL OR recipient = $2) AND ($3::text IS NULL OR recipient = $3) ORDER BY number",
        tenant_id,
        recipient,
        scope,
    )
    return rows_as(NoticeRow, records)


async def active_item_titles(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int) -> dict[str, str]:
    """Code → title of every active item of a catalog version (what indicator wording is
    compared with)."""
    records = await conn.fetch(
        "SELECT code, title FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND status = 'active'",
        tenant_id,
        version,
    )
    return {code: title for code, title in records}
