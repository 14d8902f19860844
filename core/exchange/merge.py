"""多单合一: merging several source lists into one catalog, with provenance.

Source lists (权力清单, 公共服务事项清单, 属地管理事项清单, 职责任务清单 …) arrive as
spreadsheets in the catalog layout; only 事项名称 is required. The merge:

1. **Normalises** each title (NFKC, punctuation and spaces removed) and describes each row
   by its *features*: the title's character bigrams, its responsible units and its legal
   bases.
2. **Finds candidate pairs without comparing every pair**: an inverted index from bigram to
   rows; bigrams shared by more than :data:`COMMON_BIGRAM_SHARE` of all rows (``管理``,
   ``工作``) are too common to block on. Only rows sharing a rarer bigram are scored.
3. **Scores** a pair: title similarity is 1 for equal normalised titles, 0.95 when one
   contains the other (``X`` / ``X工作`` / ``负责X``), else the Dice coefficient of the bigrams
   (``2|A∩B| / (|A|+|B|)``); below :data:`TITLE_GATE` (0.85) the rows are different items
   (``指导居民委员会换届选举`` vs ``指导村民委员会换届选举`` scores 0.8). The confidence
   weighs in the Jaccard overlap of the responsible units where both rows name units,
   ``0.75·title + 0.25·units`` (``0.9·title`` otherwise); disjoint units need an equal title;
   rows that both cite law but no law in common lose a fifth. Pairs at or above
   :data:`MIN_CONFIDENCE` (0.75) relate.
4. **Types** the relation on the feature sets: ``equal`` (same normalised title, same units
   and bases), ``subset`` (every feature of A is in B, B has more), ``superset``, or
   ``overlapping``.
5. **Groups** related rows (union-find) into one merged item, by the declared rule
   :data:`RULE`: the most specific title (the longest once list padding such as ``负责``/
   ``工作`` is set aside; the first listed on a tie); the
   union of responsibilities (a party that is primary anywhere is primary); the union of
   legal bases and of list kinds; other fields from the first row that has them. Every
   merged item keeps its provenance: each source list and row it came from.

The report is computed from the files alone, so it is the same every time; its
``digest`` lets a client apply exactly the report it reviewed (apply with another digest
is refused). Applying adds the merged items to the draft catalog through the bulk import
path (same checks, all or nothing) and stores the provenance in
``catalog_item_provenance``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from typing import Any, Literal

import anyio.to_thread
import msgspec

from core.catalog.editing import import_items
from core.catalog.reading import REASON_KINDS, AdjustmentNote, ItemCreate
from core.catalog.structure import load_structure
from core.exchange import queries, tables
from core.exchange.headers import synonyms
from core.exchange.layout import catalog_columns, lines, parse_responsibility, split_list, text_of
from core.exchange.rows import Codes, extra_value
from core.exchange.tables import Table, read_table
from core.platform import decoding
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, ContentTooLarge, FieldError, InvalidInput, NotFound, ValidationFailed
from core.platform.messages import Text as MessageText
from core.plugin_api.types import ListStructure
from core.security.access import Access
from core.security.permissions import require_admin

MIN_CONFIDENCE = 0.75
TITLE_GATE = 0.85
COMMON_BIGRAM_SHARE = 0.05
MAX_SOURCES = 12
RULE = (
    "标题取最具体者（去掉“负责”“工作”等套语后最长；并列取先列出者）；主体责任、配合责任取并集"
    "（任一来源为主体即为主体）；法律依据、清单类型及列表型扩展字段取并集；其余字段取第一个有值的来源。"
    " Title: the most specific (longest without padding such as 负责/工作; first listed on a tie);"
    " responsibilities: union (primary anywhere wins); legal bases, list kinds and list-valued extra"
    " fields: union; other fields: from the first source row that has them."
)
Relation = Literal["equal", "subset", "superset", "overlapping"]
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
#: How lists pad a title without making it more specific (``负责X``, ``X工作``).
_GENERIC = re.compile(r"^(负责|做好)|(工作|事项)$")


class SourceRow(msgspec.Struct):
    source_list: str
    row: int
    title: str
    code: str | None = None
    parent_code: str | None = None
    level: str | None = None
    kinds: list[str] = []
    category: str | None = None
    item_kind: str | None = None
    description: str = ""
    responsibilities: list[dict[str, Any]] = []
    citations: list[str] = []
    recovery: dict[str, str] | None = None
    extra: dict[str, Any] = {}


class SourceRef(msgspec.Struct):
    source_list: str
    row: int
    title: str
    code: str | None
    relation: str  # representative, or its relation to the representative
    confidence: float


class PairRelation(msgspec.Struct):
    a: SourceRef
    b: SourceRef
    relation: Relation
    confidence: float


class MergedItem(msgspec.Struct):
    group: int
    code: str
    title: str
    parent_code: str | None
    level: str | None
    kinds: list[str]
    category: str | None
    item_kind: str | None
    description: str
    responsibilities: list[dict[str, Any]]
    citations: list[str]
    recovery: dict[str, str] | None
    extra: dict[str, Any]
    provenance: list[SourceRef]


class MergeReport(msgspec.Struct):
    rule: str
    sources: dict[str, int]
    rows: int
    merged_items: int
    overlapping_groups: int
    relations: dict[str, int]
    items: list[MergedItem]
    pairs: list[PairRelation]
    digest: str


class MergeOptions(msgspec.Struct, forbid_unknown_fields=True):
    code_prefix: str = "MERGED-"
    level: str | None = None
    kinds: list[str] = []
    parent_code: str | None = None
    min_confidence: float = MIN_CONFIDENCE
    #: Source lists in order of precedence (ties of the rule go to the earlier list); lists
    #: not named follow in name order.
    priority: list[str] = []


class MergeApplied(msgspec.Struct):
    merge_id: str
    draft_version: int
    added: list[str]
    provenance_rows: int
    digest: str


# --- reading the sources ---------------------------------------------------------------------


def _source_rows(name: str, table: Table, structure: ListStructure, codes: Codes) -> list[SourceRow]:
    columns = catalog_columns(structure)
    keys = {c.key for c in columns}
    known = (
        {k: v for k, v in synonyms().items() if v in keys} | {c.header: c.key for c in columns} | {k: k for k in keys}
    )
    index: dict[str, int] = {}
    unknown = []
    for i, text in enumerate(table.header):
        key = known.get(re.sub(r"\s+", "", text)) if text else None
        if text and key is None:
            unknown.append(text)
        elif key is not None and key not in index:
            index[key] = i
    if unknown:
        examples = ["事项名称", "清单类型", "主体责任", "法律依据"]
        raise ValidationFailed(
            f"{name}: unknown columns: {'、'.join(unknown)}",
            errors=[FieldError.said(f"{name}.columns.{t}", MessageText("field.unknown-column")) for t in unknown],
            text=MessageText(
                "merge.in-list",
                {
                    "name": name,
                    "text": MessageText("import.unknown-columns", {"columns": unknown, "examples": examples}),
                },
            ),
        )
    if "title" not in index:
        raise ValidationFailed(
            f"{name}.columns.事项名称: required column missing",
            errors=[FieldError.said(f"{name}.columns.事项名称", MessageText("field.required-column-missing"))],
            text=MessageText(
                "merge.in-list", {"name": name, "text": MessageText("import.column-missing", {"column": "事项名称"})}
            ),
        )

    def cell(values: list[Any], key: str) -> str:
        i = index.get(key)
        return text_of(values[i]).strip() if i is not None and i < len(values) else ""

    rows = []
    for number, values in table.rows:
        title = cell(values, "title")
        if not title:
            continue
        duties = []
        for role in ("primary", "cooperating"):
            for line in lines(cell(values, role)):
                party, duty, share = parse_responsibility(line)
                if party:
                    duties.append(
                        {"party": codes.party(party) or party, "role": role, "duty": duty, "financial_share": share}
                    )
        level, category, item_kind = cell(values, "level"), cell(values, "category"), cell(values, "item_kind")
        unit, method, reason = (
            cell(values, "recovery_unit"),
            cell(values, "recovery_method"),
            cell(values, "recovery_reason"),
        )
        extra = {}
        for field_name, field in codes.extra.items():
            raw = cell(values, f"extra.{field_name}")
            value = extra_value(raw, field.type) if raw else None
            if value not in (None, "", []) and not isinstance(value, MessageText):
                extra[field_name] = value
        rows.append(
            SourceRow(
                source_list=name,
                row=number,
                title=title,
                code=cell(values, "code") or None,
                parent_code=cell(values, "parent_code") or None,
                level=codes.levels.get(level, level) or None,
                kinds=[codes.kinds.get(k, k) for k in split_list(cell(values, "kinds"))],
                category=codes.categories.get(category, category) or None,
                item_kind=codes.item_kinds.get(item_kind, item_kind) or None,
                description=cell(values, "description"),
                responsibilities=duties,
                citations=list(dict.fromkeys(lines(cell(values, "citations")))),
                recovery={"receiving_unit": codes.party(unit) or unit, "working_method": method, "reason": reason}
                if unit or method or reason
                else None,
                extra=extra,
            )
        )
    return rows


# --- matching --------------------------------------------------------------------------------


def normalise(title: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", title)).lower()


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset({text})


class _Row:
    __slots__ = ("grams", "laws", "norm", "source", "units")

    def __init__(self, source: SourceRow) -> None:
        self.source = source
        self.norm = normalise(source.title)
        self.grams = bigrams(self.norm)
        self.units = frozenset(r["party"] for r in source.responsibilities)
        self.laws = frozenset(normalise(c) for c in source.citations)


def title_similarity(a: _Row, b: _Row) -> float:
    """1 for the same normalised title; 0.95 when one contains the other (``X`` and ``X工作``,
    ``负责X``); otherwise the Dice coefficient of the bigrams."""
    if a.norm == b.norm:
        return 1.0
    shorter, longer = sorted((a.norm, b.norm), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return 0.95
    return 2 * len(a.grams & b.grams) / (len(a.grams) + len(b.grams))


def _score(a: _Row, b: _Row) -> tuple[float, Relation] | None:
    title = title_similarity(a, b)
    if title < TITLE_GATE:
        return None
    if a.units and b.units:
        units = len(a.units & b.units) / len(a.units | b.units)
        if not units and title < 1:
            return None
        confidence = 0.75 * title + 0.25 * units
    else:
        confidence = 0.9 * title
    if a.laws and b.laws and not a.laws & b.laws:
        confidence *= 0.8  # both cite law, and not the same law: probably different items
    fa = {("t", g) for g in a.grams} | {("u", u) for u in a.units} | {("l", x) for x in a.laws}
    fb = {("t", g) for g in b.grams} | {("u", u) for u in b.units} | {("l", x) for x in b.laws}
    if a.norm == b.norm and fa == fb:
        relation: Relation = "equal"
    elif fa < fb:
        relation = "subset"
    elif fb < fa:
        relation = "superset"
    else:
        relation = "overlapping"
    return round(confidence, 3), relation


def _candidate_pairs(rows: list[_Row]) -> set[tuple[int, int]]:
    """Pairs of rows sharing at least one bigram that is not too common to tell rows apart."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for g in r.grams:
            postings[g].append(i)
    limit = max(20, int(COMMON_BIGRAM_SHARE * len(rows)))
    pairs: set[tuple[int, int]] = set()
    for i, r in enumerate(rows):
        hits: Counter[int] = Counter()
        for g in r.grams:
            posting = postings[g]
            if len(posting) <= limit:
                hits.update(j for j in posting if j > i)
        # Dice ≥ MIN_CONFIDENCE/0.9 needs about half the bigrams shared; the exact check follows.
        need = max(1, int(0.3 * len(r.grams)))
        pairs.update((i, j) for j, n in hits.items() if n >= need)
    return pairs


def _merge_rows(sources: list[list[SourceRow]], options: MergeOptions) -> MergeReport:
    rows = [_Row(s) for source in sources for s in source]
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    scored: list[tuple[int, int, float, Relation]] = []
    for i, j in sorted(_candidate_pairs(rows)):
        found = _score(rows[i], rows[j])
        if found and found[0] >= options.min_confidence:
            scored.append((i, j, *found))
            parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    ordered = sorted(groups.values(), key=lambda g: g[0])
    items: list[MergedItem] = []
    relations: Counter[str] = Counter()
    used_codes: set[str] = set()
    for number, members in enumerate(ordered, start=1):
        lead = max(members, key=lambda i: (len(_GENERIC.sub("", rows[i].norm)), -i))
        refs = []
        for i in members:
            if i == lead:
                refs.append(_ref(rows[i], "representative", 1.0))
                continue
            found = _score(rows[i], rows[lead])
            confidence, relation = found if found else (0.0, "overlapping")
            relations[relation] += 1
            refs.append(_ref(rows[i], relation, confidence))
        items.append(_merged(number, [rows[i].source for i in members], rows[lead].source, refs, options, used_codes))
    pairs = [
        PairRelation(_ref(rows[i], "", 1.0), _ref(rows[j], "", 1.0), relation, confidence)
        for i, j, confidence, relation in scored
    ]
    body = msgspec.json.encode([items, options], order="sorted")
    return MergeReport(
        rule=RULE,
        sources={s[0].source_list: len(s) for s in sources if s},
        rows=len(rows),
        merged_items=len(items),
        overlapping_groups=sum(1 for g in ordered if len(g) > 1),
        relations=dict(relations),
        items=items,
        pairs=pairs,
        digest=hashlib.sha256(body).hexdigest()[:32],
    )


def _ref(row: _Row, relation: str, confidence: float) -> SourceRef:
    s = row.source
    return SourceRef(s.source_list, s.row, s.title, s.code, relation, confidence)


def _first(values: list[Any]) -> Any:
    return next((v for v in values if v), None)


def _union_extra(extras: list[dict[str, Any]]) -> dict[str, Any]:
    """Lists are unioned in order; any other value comes from the first row that has one."""
    merged: dict[str, Any] = {}
    for extra in extras:
        for key, value in extra.items():
            if isinstance(value, list):
                merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
            else:
                merged.setdefault(key, value)
    return merged


def _merged(
    number: int,
    members: list[SourceRow],
    lead: SourceRow,
    refs: list[SourceRef],
    options: MergeOptions,
    used: set[str],
) -> MergedItem:
    duties: dict[str, dict[str, Any]] = {}
    for m in members:
        for r in m.responsibilities:
            seen = duties.get(r["party"])
            if seen is None:
                duties[r["party"]] = dict(r)
            else:
                if r["role"] == "primary":
                    seen["role"] = "primary"
                seen["duty"] = seen["duty"] or r["duty"]
    code = _first([m.code for m in members if m.code not in used])
    if code is None:
        code = f"{options.code_prefix}{number:04d}"
    used.add(code)
    ordered = sorted(duties.values(), key=lambda r: r["role"] != "primary")
    return MergedItem(
        group=number,
        code=code,
        title=lead.title,
        parent_code=_first([m.parent_code for m in members]) or options.parent_code,
        level=_first([m.level for m in members]) or options.level,
        kinds=list(dict.fromkeys(k for m in members for k in m.kinds)) or list(options.kinds),
        category=_first([m.category for m in members]),
        item_kind=_first([m.item_kind for m in members]),
        description=_first([m.description for m in members]) or "",
        responsibilities=ordered,
        citations=list(dict.fromkeys(c for m in members for c in m.citations)),
        recovery=_first([m.recovery for m in members]),
        extra=_union_extra([m.extra for m in members]),
        provenance=refs,
    )


# --- services --------------------------------------------------------------------------------


async def merge_report(
    access: Access, files: list[tuple[str, bytes, str | None]], options: MergeOptions | None = None
) -> MergeReport:
    """The merge of ``files`` — (list name, bytes, content type) — to review; writes nothing."""
    require_admin(access, "merge source lists")
    options = options or MergeOptions()
    if not 0 < options.min_confidence <= 1:
        raise ValidationFailed.on("min_confidence", MessageText("field.between-0-exclusive-1"))
    if not files:
        raise InvalidInput(
            MessageText("invalid-request.send-at-least-one"),
            errors=[FieldError.said("files", MessageText("field.none-sent"))],
        )
    if len(files) > MAX_SOURCES:
        raise ValidationFailed.on("files", MessageText("field.at-most-source-lists", MAX_SOURCES=MAX_SOURCES))
    names = [name for name, _, _ in files]
    if len(set(names)) != len(names):
        raise ValidationFailed.on("files", MessageText("field.every-source-list-needs"))
    stray = [p for p in options.priority if p not in names]
    if stray:
        raise ValidationFailed.on("priority", MessageText("field.no-source-list-named", value=stray))
    rank = {name: i for i, name in enumerate(options.priority)}
    files = sorted(files, key=lambda f: (rank.get(f[0], len(rank)), f[0]))
    structure = await load_structure(access)
    async with tenant_transaction(access.tenant.id) as conn:
        units = await queries.unit_names(conn, access.tenant.id)
    codes = Codes(structure, units)

    def work() -> MergeReport:
        sources, total, size = [], 0, 0
        bounds = tables.limits()  # for all the files together
        for name, data, content_type in files:
            try:
                left = bounds.max_uncompressed_bytes - size
                table = read_table(data, content_type, max_rows=bounds.max_rows - total, max_bytes=left)
            except (InvalidInput, ValidationFailed, ContentTooLarge) as exc:
                raise type(exc)(
                    f"{name}: {exc.detail}",
                    errors=[FieldError(f"{name}.{e.field}", e.message, e.text) for e in exc.errors],
                    text=MessageText("merge.in-list", {"name": name, "text": exc.text}) if exc.text else None,
                ) from exc
            total += len(table.rows)
            size += table.size
            sources.append(_source_rows(name, table, structure, codes))
        return _merge_rows(sources, options)

    return await anyio.to_thread.run_sync(work)


async def apply_merge(
    access: Access,
    files: list[tuple[str, bytes, str | None]],
    options: MergeOptions | None = None,
    *,
    digest: str | None = None,
    note: AdjustmentNote | None = None,
) -> MergeApplied:
    """Add the merged items to the draft catalog, all or nothing, with their provenance."""
    report = await merge_report(access, files, options)
    if digest is not None and digest != report.digest:
        raise Conflict(
            MessageText("conflict.files-options-differ-from"),
            errors=[FieldError.said("digest", MessageText("field.report-now-has-digest", digest=report.digest))],
        )
    if note is not None and note.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("reason_kind", MessageText("field.use-one", value=list(REASON_KINDS)))
    items, problems = [], []
    for m in report.items:
        doc = {
            "code": m.code,
            "title": m.title,
            "level": m.level or "",
            "kinds": m.kinds,
            "parent_code": m.parent_code,
            "category": m.category,
            "item_kind": m.item_kind,
            "description": m.description,
            "responsibilities": m.responsibilities,
            "citations": m.citations,
            "recovery": m.recovery,
            "extra": m.extra,
        }
        try:
            items.append(msgspec.convert(doc, ItemCreate))
        except msgspec.ValidationError as exc:
            problems.append(
                FieldError.said(
                    f"items[{m.group - 1}]",
                    MessageText("field.message-4", value=_rows_of(m), exc=decoding.text(str(exc))),
                )
            )
        except ValidationFailed as exc:  # a name with a control or invisible character (core.platform.inputs)
            problems.append(
                FieldError.said(
                    f"items[{m.group - 1}]",
                    MessageText("field.message-5", value=_rows_of(m), detail=exc.text or exc.detail),
                )
            )
    if problems:
        raise ValidationFailed(
            MessageText("validation-failed.merged-items-are-not", value=len(problems)), errors=problems
        )
    structure = await load_structure(access)
    depth = {lv.code: lv.depth for lv in structure.levels}
    order = sorted(range(len(items)), key=lambda i: depth.get(items[i].level, 0))
    merge_id = uuid.uuid4()
    async with tenant_transaction(access.tenant.id) as conn:
        try:
            await import_items(access, [items[i] for i in order], note)
        except ValidationFailed as exc:
            raise ValidationFailed(
                MessageText("validation-failed.merged-items-break-catalog", value=exc.text or exc.detail[:300]),
                errors=[_locate(e, order, report) for e in exc.errors],
            ) from exc
        number = await queries.draft_number(conn, access.tenant.id)
        if number is None:  # pragma: no cover - import_items opened it
            raise NotFound(MessageText("not-found.no-draft"))
        prov = [(m.code, p, ref) for m in report.items for p, ref in enumerate(m.provenance)]
        await conn.execute(
            queries.RECORD_PROVENANCE,
            access.tenant.id,
            merge_id,
            [c for c, _, _ in prov],
            [p for _, p, _ in prov],
            [r.source_list for _, _, r in prov],
            [r.row for _, _, r in prov],
            [r.title for _, _, r in prov],
            [r.code for _, _, r in prov],
            [r.relation for _, _, r in prov],
            [r.confidence for _, _, r in prov],
        )
    return MergeApplied(str(merge_id), number, [i.code for i in items], len(prov), report.digest)


def _rows_of(m: MergedItem) -> str:
    return "、".join(f"{p.source_list} 第{p.row}行" for p in m.provenance)


def _locate(error: FieldError, order: list[int], report: MergeReport) -> FieldError:
    """``items[3].kinds[0]`` of the import → the merged group and its source rows."""
    match = re.match(r"items\[(\d+)\]\.?(.*)", error.field)
    if not match:
        return error
    m = report.items[order[int(match[1])]]
    return FieldError.said(
        f"items[{m.group - 1}].{match[2]}",
        MessageText("field.message-3", value=_rows_of(m), message=error.text or error.message),
    )


class ProvenanceView(msgspec.Struct):
    item_code: str
    merge_id: str
    source_list: str
    source_row: int
    source_title: str
    source_code: str | None
    relation: str
    confidence: float
    merged_at: Any


async def provenance(access: Access, item_code: str) -> list[ProvenanceView]:
    """Where a merged item came from (empty for items that were not merged; 404 for no item)."""
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.provenance_rows(conn, access.tenant.id, item_code)
    if rows is None:
        raise NotFound(MessageText("not-found.no-catalog-item", item_code=item_code))
    return [
        ProvenanceView(
            item_code=r.item_code,
            merge_id=r.merge_id,
            source_list=r.source_list,
            source_row=r.source_row,
            source_title=r.source_title,
            source_code=r.source_code,
            relation=r.relation,
            confidence=r.confidence,
            merged_at=r.merged_at,
        )
        for r in rows
    ]
