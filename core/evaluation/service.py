"""Evaluation operations: the scheme, periods, scores, computing and reading results.

Role rules (the same for REST and GraphQL): the county admin (编办) manages the scheme and
periods, computes results and may enter any score; a township key enters only scores where
its township is the evaluator and the relation lets a township evaluate that unit (a
dispatched agency only where the township hosts it); a department key only scores where it
is the evaluator (its own dispatched agencies). Everyone of the tenant reads the scheme and
periods; results and scores are read by the admin and reader keys, by a township for itself
and by a department for itself. A closed period takes no scores and is not recomputed.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from typing import Annotated, Any, Literal

import asyncpg
import msgspec

from core.catalog.reading import items_by_key, version_numbers
from core.evaluation import queries, sources, wording
from core.evaluation.compute import Aggregates, compute, evaluator_shares
from core.evaluation.schemes import (
    SchemeDoc,
    core_problems,
    plugin_item,
    plugin_problems,
    plugin_rules,
    plugin_scheme,
)
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import Checked, check_year
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.platform.versioning import ANY, Expected, check_version, stale
from core.plugin_api.types import Subject
from core.security import audit
from core.security.access import Access, Role, role_text
from core.security.permissions import deny, require_admin

TOWNSHIP_KINDS = ("town", "township", "street", "development_zone")
PeriodCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}(-Q[1-4])?$", examples=["2026", "2026-Q3"])]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


class SchemeView(msgspec.Struct):
    origin: str  # plugin | default | tenant
    revision: int
    scheme: SchemeDoc
    sources: list[dict[str, Any]]


class SchemeUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    scheme: SchemeDoc
    # the revision you read; If-Match is the alternative (core.platform.versioning)
    revision: int | msgspec.UnsetType = msgspec.UNSET


class PeriodCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: PeriodCode
    kind: Literal["year", "quarter"]


class PeriodView(msgspec.Struct):
    code: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    state: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    computed_at: datetime.datetime | None


class ScoreIn(msgspec.Struct, forbid_unknown_fields=True):
    relation: str
    evaluator: str
    evaluatee: str
    indicator: str
    score: float
    note: Note = ""


class ScoresIn(msgspec.Struct, forbid_unknown_fields=True):
    scores: Annotated[list[ScoreIn], msgspec.Meta(min_length=1, max_length=50000)]


class ScoresWritten(msgspec.Struct):
    period: str
    written: int


class ScoreView(msgspec.Struct):
    relation: str
    evaluator: str
    evaluatee: str
    indicator: str
    score: float
    note: str
    entered_at: datetime.datetime


class ComputeSummary(msgspec.Struct):
    period: str
    results: int
    incomplete: int
    by_kind: dict[str, int]
    by_grade: dict[str, int]
    computed_at: datetime.datetime
    elapsed_ms: float


class ResultView(msgspec.Struct):
    period: str
    subject: str
    subject_kind: str
    subject_name: str
    score: float
    grade: str
    complete: bool
    explanation: dict[str, Any]
    computed_at: datetime.datetime


# --- the scheme ----------------------------------------------------------------------------


async def _stored_scheme(conn: asyncpg.Connection, access: Access) -> tuple[SchemeDoc, str, int]:
    row = await queries.scheme_row(conn, access.tenant.id)
    if row is None:
        doc, origin = plugin_scheme(access.tenant.plugin)
        return doc, origin, 0
    return msgspec.json.decode(row.document, type=SchemeDoc), row.origin, row.revision


async def get_scheme(access: Access) -> SchemeView:
    async with tenant_transaction(access.tenant.id) as conn:
        doc, origin, revision = await _stored_scheme(conn, access)
    return SchemeView(origin=origin, revision=revision, scheme=doc, sources=sources.describe())


async def scheme_problems(access: Access, doc: SchemeDoc) -> list[FieldError]:
    """Core's and the jurisdiction's rules for a scheme: the items indicators rest on, and the
    items their wording names, looked up in the latest published catalog (two queries)."""
    problems = core_problems(doc, sources={n: sources.get(n).fields for n in sources.names()})
    named = sorted({code for i in doc.indicators for code in i.rests_on})
    items: dict[str, Any] = {}
    titles: dict[str, str] = {}
    async with tenant_transaction(access.tenant.id) as conn:
        published, _ = await version_numbers(conn, access)
        if published is not None:
            titles = await queries.active_item_titles(conn, access.tenant.id, published)
    if published is not None:
        worded = {c for i in doc.indicators for c in wording.similar(i.label, ((t, c) for c, t in titles.items()))}
        wanted = sorted((set(named) | worded) & set(titles))
        found = await items_by_key(access, [(published, c) for c in wanted]) if wanted else {}
        items = {code: plugin_item(view) for (_, code), view in found.items() if view.status == "active"}
    for n, ind in enumerate(doc.indicators):
        outside = [code for code in ind.rests_on if code not in items]
        if outside:
            problems.append(
                FieldError.said(
                    f"indicators[{n}].{'item_codes' if ind.item_codes else 'item_code'}",
                    Text("field.not-item-published-catalog", code=ind.code, label=ind.label, value="、".join(outside)),
                )
            )
    problems += plugin_problems(access.tenant.plugin, doc, items, titles)
    return problems


def _raise(problems: list[FieldError], what: Text) -> None:
    if problems:
        shown = problems[:100]
        fields = [Text("field", field=p.field, message=p.text or p.message) for p in shown]
        raise ValidationFailed(Text("validation-failed.what-fields", what=what, fields=fields), errors=shown)


async def replace_scheme(access: Access, data: SchemeUpdate, if_match: Expected = None) -> SchemeView:
    """Replace the tenant's scheme (admin); checked whole, nothing written on a problem."""
    require_admin(access, "change the evaluation scheme")
    _raise(await scheme_problems(access, data.scheme), Text("evaluation.scheme-breaks-rule"))
    async with tenant_transaction(access.tenant.id) as conn:
        _, _, revision = await _stored_scheme(conn, access)
        check_version(revision, if_match, data.revision, field="revision")
        expected = None if if_match == ANY else revision
        document = msgspec.json.encode(data.scheme).decode()
        if await conn.fetchval(queries.REPLACE_SCHEME, access.tenant.id, document, expected) is None:
            stale(revision, "newer")
        await audit.record(access, "evaluation_scheme", access.tenant.slug, "replace", after={"revision": revision + 1})
    return await get_scheme(access)


# --- periods -------------------------------------------------------------------------------


def period_dates(code: str, kind: str) -> tuple[datetime.date, datetime.date]:
    year = int(code[:4])
    check_year("code", year)
    if kind == "year":
        if "-Q" in code:
            raise ValidationFailed.on("code", Text("field.year-period-named-year"))
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if "-Q" not in code:
        raise ValidationFailed.on("code", Text("field.quarter-named-like-2026"))
    quarter = int(code[-1])
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


async def create_period(access: Access, data: PeriodCreate) -> PeriodView:
    """Open a period with a frozen copy of the tenant's scheme (checked first)."""
    require_admin(access, "open evaluation periods")
    starts_on, ends_on = period_dates(data.code, data.kind)
    async with tenant_transaction(access.tenant.id) as conn:
        doc, origin, revision = await _stored_scheme(conn, access)
    _raise(await scheme_problems(access, doc), Text("evaluation.tenant-scheme-breaks-rule"))
    async with tenant_transaction(access.tenant.id) as conn:
        if await conn.fetchval(queries.PERIOD_EXISTS, access.tenant.id, data.code):
            raise Conflict(Text("conflict.period-exists-already", code=data.code))
        document = msgspec.json.encode(doc).decode()
        if revision == 0:  # first use: the tenant keeps the plugin's scheme from now on
            await conn.execute(queries.KEEP_SCHEME, access.tenant.id, document, origin)
        row = await queries.insert_period(conn, access.tenant.id, data.code, data.kind, starts_on, ends_on, document)
        await audit.record(access, "evaluation_period", data.code, "create", after={"kind": data.kind})
    return _view(row)


async def list_periods(access: Access) -> list[PeriodView]:
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.periods(conn, access.tenant.id)
    return [_view(r) for r in rows]


async def _period(
    conn: asyncpg.Connection, access: Access, code: str, *, lock: bool = False
) -> queries.PeriodSchemeRow:
    row = await queries.period_row(conn, access.tenant.id, code, lock=lock)
    if row is None:
        raise NotFound(Text("not-found.no-evaluation-period", code=code))
    return row


def _view(row: queries.PeriodRow) -> PeriodView:
    return PeriodView(
        code=row.code,
        kind=row.kind,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        state=row.state,
        created_at=row.created_at,
        closed_at=row.closed_at,
        computed_at=row.computed_at,
    )


async def get_period(access: Access, code: str) -> PeriodView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _view(await _period(conn, access, code))


async def close_period(access: Access, code: str) -> PeriodView:
    require_admin(access, "close evaluation periods")
    async with tenant_transaction(access.tenant.id) as conn:
        period = await _period(conn, access, code, lock=True)
        if period.state == "closed":
            raise Conflict(Text("conflict.period-closed-already", code=code))
        closed = await queries.close_period(conn, access.tenant.id, code)
        assert closed is not None, "the period is locked"
        await audit.record(access, "evaluation_period", code, "close")
    return _view(closed)


def _open(row: queries.PeriodRow) -> None:
    if row.state != "open":
        raise Conflict(Text("conflict.period-closed-takes-no", code=row.code))


# --- subjects -------------------------------------------------------------------------------


async def load_subjects(conn: asyncpg.Connection, access: Access, doc: SchemeDoc) -> dict[str, Subject]:
    """Every township, department and dispatched agency of the tenant (two statements)."""
    townships = await queries.township_subjects(
        conn, access.tenant.id, list(TOWNSHIP_KINDS), doc.township_type_attribute
    )
    units = await queries.unit_subjects(conn, access.tenant.id)
    found = {t.code: Subject(t.code, "township", t.name, township_type=t.township_type) for t in townships}
    for u in units:
        found[u.code] = Subject(u.code, u.kind, u.name, tuple(u.hosts), u.parent_unit_code)
    return found


async def evaluation_context(access: Access, period: str) -> tuple[SchemeDoc, list[Subject]]:
    """The period's frozen scheme and every subject it may evaluate."""
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _period(conn, access, period)
        doc = msgspec.json.decode(row.scheme, type=SchemeDoc)
        return doc, list((await load_subjects(conn, access, doc)).values())


# --- scores --------------------------------------------------------------------------------


def _may_enter(access: Access, evaluator: str) -> bool:
    if access.is_admin:
        return True
    return access.role in (Role.TOWNSHIP, Role.DEPARTMENT) and access.principal.scope_code == evaluator


def score_problems(
    access: Access, doc: SchemeDoc, subjects: dict[str, Subject], scores: list[ScoreIn]
) -> tuple[list[FieldError], bool]:
    """Problems of a batch of scores, and whether one is a role problem (→ 403)."""
    relations = {r.code: r for r in doc.relations}
    indicators = {i.code: i for i in doc.indicators}
    root = access.tenant.division_code
    problems: list[FieldError] = []
    forbidden = False
    for n, s in enumerate(scores):
        at = f"scores[{n}]"
        relation = relations.get(s.relation)
        if relation is None:
            problems.append(FieldError.said(f"{at}.relation", Text("field.no-relation-period-s", relation=s.relation)))
            continue
        if not _may_enter(access, s.evaluator):
            forbidden = True
            problems.append(
                FieldError.said(
                    f"{at}.evaluator",
                    Text("field.key-may-not-score", value=role_text(access.role), evaluator=s.evaluator),
                )
            )
            continue
        evaluatee = subjects.get(s.evaluatee)
        if evaluatee is None or evaluatee.kind != relation.evaluatee:
            problems.append(
                FieldError.said(
                    f"{at}.evaluatee",
                    Text("field.not-tenant", evaluatee=s.evaluatee, evaluatee2=relation.evaluatee),
                )
            )
            continue
        if relation.evaluator == "county":
            if s.evaluator != root:
                problems.append(
                    FieldError.said(
                        f"{at}.evaluator", Text("field.relation-scored-county", code=relation.code, root=root)
                    )
                )
        else:
            evaluator = subjects.get(s.evaluator)
            if evaluator is None or evaluator.kind != relation.evaluator:
                problems.append(
                    FieldError.said(
                        f"{at}.evaluator",
                        Text("field.not-2", evaluator=s.evaluator, evaluator2=relation.evaluator),
                    )
                )
            elif evaluatee.kind == "dispatched_agency" and relation.evaluator == "township":
                if s.evaluator not in evaluatee.hosts:
                    forbidden = forbidden or access.role is Role.TOWNSHIP
                    problems.append(
                        FieldError.said(
                            f"{at}.evaluatee",
                            Text("field.not-stationed-may-not", evaluatee=s.evaluatee, evaluator=s.evaluator),
                        )
                    )
            elif evaluatee.kind == "dispatched_agency" and evaluatee.parent_unit != s.evaluator:
                forbidden = forbidden or access.role is Role.DEPARTMENT
                problems.append(
                    FieldError.said(
                        f"{at}.evaluatee", Text("field.not-agency", evaluatee=s.evaluatee, evaluator=s.evaluator)
                    )
                )
        indicator = indicators.get(s.indicator)
        if indicator is None or indicator.relation != relation.code:
            problems.append(
                FieldError.said(
                    f"{at}.indicator",
                    Text("field.no-indicator-relation", indicator=s.indicator, code=relation.code),
                )
            )
            continue
        if indicator.source != "manual":
            problems.append(
                FieldError.said(
                    f"{at}.indicator",
                    Text("field.comes-from-not-entered", indicator=s.indicator, source=indicator.source),
                )
            )
        if indicator.township_types and evaluatee.township_type not in indicator.township_types:
            problems.append(
                FieldError.said(
                    f"{at}.indicator",
                    Text(
                        "field.applies-township-types-not",
                        indicator=s.indicator,
                        value=list(indicator.township_types),
                        evaluatee=s.evaluatee,
                        township_type=evaluatee.township_type,
                    ),
                )
            )
        if not indicator.min_score <= s.score <= indicator.max_score:
            problems.append(
                FieldError.said(
                    f"{at}.score",
                    Text(
                        "field.outside-s-range",
                        score=s.score,
                        indicator=s.indicator,
                        min_score=indicator.min_score,
                        max_score=indicator.max_score,
                    ),
                )
            )
    return problems, forbidden


async def enter_scores(access: Access, period: str, data: ScoresIn) -> ScoresWritten:
    """Write a batch of scores (upserted); any problem refuses the whole batch."""
    if access.role is Role.READER:
        raise deny(access, "enter evaluation scores")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _period(conn, access, period, lock=True)
        _open(row)
        doc = msgspec.json.decode(row.scheme, type=SchemeDoc)
        subjects = await load_subjects(conn, access, doc)
        problems, forbidden = score_problems(access, doc, subjects, data.scores)
        if forbidden:
            said = [Text("field", field=p.field, message=p.text or p.message) for p in problems[:20]]
            raise PermissionDenied(Text("fields", fields=said), errors=problems[:100])
        _raise(problems, Text("evaluation.scores-refused"))
        keys = {(s.relation, s.evaluatee, s.evaluator, s.indicator) for s in data.scores}
        if len(keys) != len(data.scores):
            raise ValidationFailed.on("scores", Text("field.same-relation-evaluator-evaluatee"))
        await conn.execute(
            queries.UPSERT_SCORES,
            access.tenant.id,
            period,
            [s.relation for s in data.scores],
            [s.evaluator for s in data.scores],
            [s.evaluatee for s in data.scores],
            [s.indicator for s in data.scores],
            [s.score for s in data.scores],
            [s.note for s in data.scores],
            access.principal.key_id,
        )
        await audit.record(access, "evaluation_scores", period, "enter", after={"count": len(data.scores)})
    return ScoresWritten(period=period, written=len(data.scores))


def _own_scope(access: Access) -> str | None:
    """None for keys that read everything; the township or unit code otherwise."""
    if access.is_admin or access.role is Role.READER:
        return None
    return access.principal.scope_code


async def list_scores(
    access: Access, period: str, *, evaluatee: str | None = None, evaluator: str | None = None
) -> list[ScoreView]:
    scope = _own_scope(access)
    async with tenant_transaction(access.tenant.id) as conn:
        await _period(conn, access, period)
        rows = await queries.scores(conn, access.tenant.id, period, evaluatee, evaluator, scope)
    return [
        ScoreView(
            relation=r.relation,
            evaluator=r.evaluator,
            evaluatee=r.evaluatee,
            indicator=r.indicator,
            score=r.score,
            note=r.note,
            entered_at=r.entered_at,
        )
        for r in rows
    ]


# --- computing and results -------------------------------------------------------------------


async def _sourced(access: Access, doc: SchemeDoc, start: datetime.date, end: datetime.date) -> dict:
    """Scores from data sources, fetched once per (source, subject kind)."""
    wanted: dict[tuple[str, str], list[Any]] = defaultdict(list)
    kinds = {r.code: r.evaluatee for r in doc.relations}
    for ind in doc.indicators:
        if ind.source != "manual":
            wanted[(ind.source, kinds[ind.relation])].append(ind)
    found: dict[tuple[str, str], float] = {}
    for (name, kind), indicators in wanted.items():
        source = sources.get(name)
        assert source.fetch is not None
        values = await source.fetch(access, kind, sorted({i.source_field for i in indicators}), start, end)
        for ind in indicators:
            for (subject, field), value in values.items():
                if field == ind.source_field:
                    found[(ind.code, subject)] = ind.min_score + value * (ind.max_score - ind.min_score)
    return found


async def reduce_scores(
    conn: asyncpg.Connection,
    access: Access,
    period: str,
    doc: SchemeDoc,
    shares: dict[tuple[str, str], dict[str, float]],
) -> Aggregates:
    """Every score of the period reduced in PostgreSQL, one statement: per (relation,
    subject, indicator) the share-weighted mean, per (relation, subject, evaluator) the
    weighted subtotal. A county's ~10⁵ scores come back as ~10⁴ rows."""
    flat = [(r, s, e, v) for (r, s), per in shares.items() for e, v in per.items()]
    args: list[Any] = [
        access.tenant.id,
        period,
        [i.relation for i in doc.indicators],
        [i.code for i in doc.indicators],
        [i.weight for i in doc.indicators],
        [i.min_score for i in doc.indicators],
        [i.max_score for i in doc.indicators],
        doc.weight_total,
    ]
    if flat:
        args += [[f[0] for f in flat], [f[1] for f in flat], [f[2] for f in flat], [f[3] for f in flat]]
    rows = await queries.reduced_scores(conn, args, ruled=bool(flat))
    means: dict[tuple[str, str], dict[str, tuple[float | None, int]]] = defaultdict(dict)
    subtotals: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for mean, relation, evaluatee, key, value, n in rows:
        if mean:
            means[(relation, evaluatee)][key] = (value, n)
        else:
            subtotals[(relation, evaluatee)][key] = value
    return Aggregates(dict(means), dict(subtotals))


async def compute_period(access: Access, period: str) -> ComputeSummary:
    """Compute every result of an open period, replacing the previous ones."""
    require_admin(access, "compute evaluation results")
    started = time.perf_counter()
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _period(conn, access, period)
        _open(row)
    doc = msgspec.json.decode(row.scheme, type=SchemeDoc)
    sourced = await _sourced(access, doc, row.starts_on, row.ends_on)
    rules = plugin_rules(access.tenant.plugin)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _period(conn, access, period, lock=True)
        _open(row)
        subjects = await load_subjects(conn, access, doc)
        listed = list(subjects.values())
        shares = evaluator_shares(doc, listed, rules)
        reduced = await reduce_scores(conn, access, period, doc, shares)
        computed = compute(doc, listed, reduced, shares=shares, rules=rules, sourced=sourced)
        encode = msgspec.json.encode
        await conn.execute(queries.DELETE_RESULTS, access.tenant.id, period)
        now = await conn.fetchval(
            queries.INSERT_RESULTS,
            access.tenant.id,
            period,
            [c.subject for c in computed],
            [c.subject_kind for c in computed],
            [c.subject_name for c in computed],
            [c.score for c in computed],
            [c.grade for c in computed],
            [c.complete for c in computed],
            [encode(c.explanation).decode() for c in computed],
        ) or datetime.datetime.now(datetime.UTC)
        await conn.execute(queries.SET_COMPUTED_AT, access.tenant.id, period, now)
        await audit.record(access, "evaluation_results", period, "compute", after={"results": len(computed)})
    by_kind: dict[str, int] = defaultdict(int)
    by_grade: dict[str, int] = defaultdict(int)
    for c in computed:
        by_kind[c.subject_kind] += 1
        by_grade[c.grade] += 1
    return ComputeSummary(
        period=period,
        results=len(computed),
        incomplete=sum(not c.complete for c in computed),
        by_kind=dict(by_kind),
        by_grade=dict(by_grade),
        computed_at=now,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def _result(row: queries.ResultRow) -> ResultView:
    return ResultView(
        period=row.period,
        subject=row.subject,
        subject_kind=row.subject_kind,
        subject_name=row.subject_name,
        score=row.score,
        grade=row.grade,
        complete=row.complete,
        explanation=msgspec.json.decode(row.explanation),
        computed_at=row.computed_at,
    )


async def list_results(
    access: Access,
    period: str,
    *,
    subject_kind: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ResultView]:
    limit = check_limit(limit)
    after = decode_cursor(cursor, str)
    scope = _own_scope(access)
    async with tenant_transaction(access.tenant.id) as conn:
        await _period(conn, access, period)
        rows = await queries.result_page(conn, access.tenant.id, period, subject_kind, scope, after, limit + 1)
    return page_of([_result(r) for r in rows], limit, lambda r: r.subject)


async def get_result(access: Access, period: str, subject: str) -> ResultView:
    scope = _own_scope(access)
    if scope is not None and scope != subject:
        raise deny(access, Text("action.read-result-own", subject=subject, role=role_text(access.role)))
    async with tenant_transaction(access.tenant.id) as conn:
        await _period(conn, access, period)
        row = await queries.result_row(conn, access.tenant.id, period, subject)
    if row is None:
        raise NotFound(Text("not-found.no-result-period-compute", subject=subject, period=period))
    return _result(row)
