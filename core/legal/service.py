"""The legal-basis library (依据库) as a service: documents and their versions, provisions,
keyword search, the citation index, recorded changes of the law with their impact, and bulk
citation import for the catalog.

National laws and regulations live under the all-zero tenant (:data:`SHARED_TENANT`): every
tenant reads them, only the platform operator records their changes, and such a change's
impact spans every tenant. A tenant's own documents (local regulations, rules, normative
documents) are its own: its admin adds them and records their changes.

Statuses are computed as of today from the dates, never stored stale: a version is
``not_yet_effective`` before its effective date (its version date when none is recorded),
``amended`` once a later version is in force, ``repealed`` once a recorded repeal has taken
effect, else ``in_force``; a document has the status of its latest version in force.

Recording a change (an amendment from one stored version to another, or a repeal) opens one
``law_changed`` adjustment per affected catalog item, in the draft of the item's tenant, linked
to the change (``catalog_adjustments.law_change_id``) and left ``open`` for the county.
Recording the same change again runs the analysis again and opens only what is missing (so
nothing, if nothing changed meanwhile).
"""

from __future__ import annotations

import base64
import csv
import datetime
import io
import re
import uuid
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import msgspec
import openpyxl

from core import audit
from core.access import Access, Role
from core.catalog import REASON_KINDS, AdjustmentNote, ItemUpdate
from core.catalog_editing import open_draft, update_item
from core.db import acting_as_tenant, platform_transaction, tenant_transaction
from core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from core.inputs import NAME, Checked, check_day, check_name
from core.legal.citations import CitationRef, normalize_title, parse_citations, to_simplified
from core.legal.lawtext import Article, Item, LawText, Paragraph, parse_law, short_title
from core.legal.library import SHARED_TENANT, provision_rows, resolve_citations, store_version
from core.legal.numerals import article_label, item_label, paragraph_label
from core.pagination import Page, SmallPosition, TimeAndId, check_limit, decode_cursor, page_of
from core.permissions import require_admin
from core.tenancy import tenant_from_row

LEVELS = {
    "law": "法律",
    "administrative_regulation": "行政法规",
    "local_regulation": "地方性法规",
    "departmental_rule": "部门规章",
    "local_government_rule": "地方政府规章",
    "normative_document": "规范性文件",
    "other": "其他",
}
LEVEL_CODES = {label: code for code, label in LEVELS.items()}
#: The levels a tenant adds itself; laws and administrative regulations are national (shared).
TENANT_LEVELS = (
    "local_regulation",
    "departmental_rule",
    "local_government_rule",
    "normative_document",
)
STATUSES = {
    "in_force": "现行有效",
    "amended": "已修改",
    "repealed": "已废止",
    "not_yet_effective": "尚未生效",
}
CHANGE_KINDS = {"amend": "修改", "repeal": "废止"}
PROVISION_CHANGES = {
    "changed": "内容修改",
    "removed": "已删除",
    "added": "新增",
    "repealed": "废止",
}
WHOLE_DOCUMENT = "全文"

Level = Literal[
    "law",
    "administrative_regulation",
    "local_regulation",
    "departmental_rule",
    "local_government_rule",
    "normative_document",
]
LongText = Annotated[str, msgspec.Meta(min_length=1, max_length=2_000_000)]
ProvisionText = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
DocumentTitle = Annotated[
    str, msgspec.Meta(min_length=2, max_length=200, examples=["成都市温江区农村村民建房管理办法"]), NAME
]
VersionSelector = Annotated[
    str, msgspec.Meta(max_length=40, examples=["2024-06-28"], description="a version id or date")
]


# --- shapes ------------------------------------------------------------------------------


class ParagraphData(msgspec.Struct, forbid_unknown_fields=True):
    """A paragraph (款): its text and the items (项) listed under it."""

    text: ProvisionText
    items: list[ProvisionText] = []


class ArticleData(msgspec.Struct, forbid_unknown_fields=True):
    """An article (条) by number, with its paragraphs in order."""

    number: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
    paragraphs: Annotated[list[ParagraphData], msgspec.Meta(min_length=1)]
    chapter: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class DocumentCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """A tenant's own document: its text as published (``# 标题``, history lines,
    ``<!-- INFO END -->``, ``第一条 …``) or its metadata and articles."""

    text: LongText | None = None
    articles: Annotated[list[ArticleData], msgspec.Meta(min_length=1)] | None = None
    title: DocumentTitle | None = None
    level: Level | None = None
    issuer: Annotated[str, msgspec.Meta(max_length=200, examples=["成都市温江区人民政府"]), NAME] = ""
    doc_number: Annotated[str, msgspec.Meta(max_length=100, examples=["温府发〔2024〕3号"]), NAME] = ""
    version_date: datetime.date | None = None
    effective_date: datetime.date | None = None


class AmendmentCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """An amendment: the version it leads to (a stored one, or its text / articles now), the
    version it replaces (default: the one before), and when it takes effect."""

    effective_date: datetime.date
    to_version: VersionSelector | None = None
    from_version: VersionSelector | None = None
    text: LongText | None = None
    articles: Annotated[list[ArticleData], msgspec.Meta(min_length=1)] | None = None
    version_date: datetime.date | None = None
    dry_run: bool = False


class RepealCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date
    successor_id: uuid.UUID | None = None
    dry_run: bool = False


class CitationImport(msgspec.Struct, forbid_unknown_fields=True):
    """A table with two columns, reference code and citation text (one citation text per row;
    an item may have several rows), as CSV text or as an Excel workbook (.xlsx, base64; its
    first sheet is read). A first row naming the columns is skipped."""

    csv: (
        Annotated[
            str,
            msgspec.Meta(
                min_length=1,
                max_length=5_000_000,
                examples=["reference_code,citation\nSAF-01,《中华人民共和国安全生产法》第九条\n"],
            ),
        ]
        | None
    ) = None
    xlsx_base64: Annotated[str, msgspec.Meta(min_length=1, max_length=7_000_000)] | None = None
    mode: Literal["replace", "append"] = "replace"
    dry_run: bool = True
    adjustment: AdjustmentNote | None = None


class VersionSummary(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None
    status: str


class RepealInfo(msgspec.Struct):
    change_id: str
    effective_date: datetime.date
    successor_id: str | None
    successor_title: str | None


class DocumentView(msgspec.Struct):
    id: str
    shared: bool
    title: str
    short_title: str
    level: str
    level_label: str
    issuer: str
    doc_number: str
    status: str
    status_label: str
    promulgation_date: datetime.date | None
    effective_date: datetime.date | None
    first_promulgated: datetime.date | None
    version_count: int
    current_version: VersionSummary | None
    repeal: RepealInfo | None
    created_at: datetime.datetime


class DocumentCreated(DocumentView):
    warnings: list[str] = []


class HistoryLine(msgspec.Struct):
    date: datetime.date
    text: str


class VersionView(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None
    status: str
    status_label: str
    current: bool
    article_count: int
    history: list[HistoryLine]
    source: str


class ProvisionItem(msgspec.Struct):
    item: int
    label: str
    text: str


class ParagraphView(msgspec.Struct):
    paragraph: int
    label: str
    text: str
    items: list[ProvisionItem]


class ArticleView(msgspec.Struct):
    article: int
    label: str
    chapter: str | None
    text: str
    paragraphs: list[ParagraphView]


class ProvisionView(msgspec.Struct):
    document_id: str
    document_title: str
    version_id: str
    version_date: datetime.date
    article: int
    paragraph: int | None
    item: int | None
    label: str
    chapter: str | None
    text: str


class ProvisionHit(msgspec.Struct):
    document_id: str
    document_title: str
    level: str
    level_label: str
    version_id: str
    version_date: datetime.date
    article: int
    label: str
    chapter: str | None
    text: str


class CitedAs(msgspec.Struct):
    raw: str
    label: str
    article: int | None
    paragraph: int | None
    item: int | None


class CitingItem(msgspec.Struct):
    code: str
    title: str
    status: str
    citations: list[CitedAs]


class CatalogVersionCitations(msgspec.Struct):
    version: int
    status: str
    items: list[CitingItem]


class PublishedEntries(msgspec.Struct):
    number: int
    effective_date: datetime.date
    catalog_version: int
    item_codes: list[str]


class TownshipCitations(msgspec.Struct):
    """A township's entries resting on the document: in its working copy (which follows
    ``working_copy_catalog_version``; those waiting for re-confirmation listed again in
    ``awaiting_confirmation``) and in each of its published versions."""

    township_code: str
    township_name: str
    working_copy_catalog_version: int | None
    working_copy_item_codes: list[str]
    awaiting_confirmation: list[str]
    published: list[PublishedEntries]


class CitationIndex(msgspec.Struct):
    document_id: str
    document_title: str
    provision: str | None
    catalog: list[CatalogVersionCitations]
    townships: list[TownshipCitations]


class VersionRef(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None


class ChangeView(msgspec.Struct):
    id: str
    shared: bool
    document_id: str
    document_title: str
    kind: str
    kind_label: str
    effective_date: datetime.date
    from_version: VersionRef | None
    to_version: VersionRef | None
    successor_id: str | None
    successor_title: str | None
    recorded_by: dict[str, Any]
    created_at: datetime.datetime


class ProvisionChange(msgspec.Struct):
    article: int
    label: str
    change: str
    change_label: str


class CitedProvision(msgspec.Struct):
    label: str
    change: str


class AffectedItem(msgspec.Struct):
    """An affected item, the provisions it cites that the change touches, and its adjustment
    (in a dry run: the draft it would open in, ``adjustment_state`` ``would_open`` and no id,
    unless the change was recorded already)."""

    code: str
    title: str | None
    catalog_version: int
    provisions: list[CitedProvision]
    adjustment_id: str | None
    adjustment_state: str


class TownshipImpact(msgspec.Struct):
    """A township's entries of affected items: in its working copy (those waiting for
    re-confirmation listed again in ``awaiting_confirmation``) and in its latest published
    version."""

    township_code: str
    township_name: str
    working_copy_item_codes: list[str]
    awaiting_confirmation: list[str]
    published_version: int | None
    published_item_codes: list[str]


class TenantImpact(msgspec.Struct):
    tenant: str
    tenant_name: str
    items: list[AffectedItem]
    townships: list[TownshipImpact]


class ImpactReport(msgspec.Struct):
    change: ChangeView
    provisions: list[ProvisionChange]
    item_count: int
    township_count: int
    township_entry_count: int
    tenants: list[TenantImpact]


class RecordedChange(msgspec.Struct):
    """``created``: the change is new; ``opened``: adjustments opened now. A dry run writes
    nothing (its change id is provisional unless the change was recorded already)."""

    created: bool
    opened: int
    dry_run: bool
    report: ImpactReport


class ImportProblem(msgspec.Struct):
    row: int
    column: str
    problem: str


class ItemCitationChange(msgspec.Struct):
    code: str
    before: list[str]
    after: list[str]


class CitationImportReport(msgspec.Struct):
    dry_run: bool
    mode: str
    valid: bool
    written: bool
    rows: int
    items: int
    changed: list[ItemCitationChange]
    unchanged: list[str]
    problems: list[ImportProblem]


# --- small helpers -----------------------------------------------------------------------


def _level_value(level: str | None) -> str | None:
    """A level filter (code or Chinese label) as stored; None for no filter."""
    if level is None:
        return None
    if level in LEVELS:
        return LEVELS[level]
    if level in LEVEL_CODES:
        return level
    raise ValidationFailed.on("level", f"use one of {', '.join(LEVELS)}")


def _ref_label(article: int | None, paragraph: int | None, item: int | None) -> str:
    if article is None:
        return WHOLE_DOCUMENT
    label = article_label(article)
    if paragraph:
        label += paragraph_label(paragraph)
    if item:
        label += item_label(item)
    return label


def _patterns(q: str | None) -> list[str] | None:
    """ILIKE patterns, one per word of ``q`` (traditional characters made simplified)."""
    if q is None:
        return None
    words = to_simplified(q).split()
    if not words:
        raise ValidationFailed.on("q", "give at least one word to search for")
    if len(words) > 10 or any(len(w) > 100 for w in words):
        raise ValidationFailed.on("q", "at most 10 words of at most 100 characters")
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return [f"%{w}%" for w in escaped]


_REF_NUMBERS = re.compile(r"^(\d{1,5})(?:[.-](\d{1,3}))?(?:[.-](\d{1,3}))?$")


def parse_ref(ref: str) -> tuple[int, int | None, int | None]:
    """``77``, ``62.1.3`` or a label (``第六十二条第一款第（三）项``) → (article, paragraph,
    item)."""
    m = _REF_NUMBERS.match(ref.strip())
    if m:
        a, p, i = (int(g) if g else None for g in m.groups())
        if a and p != 0 and i != 0:
            return a, p, i
    found = [r for r in parse_citations(ref, default_title="本文件") if isinstance(r, CitationRef)]
    if len(found) == 1 and found[0].article is not None and found[0].raw.strip() == ref.strip():
        return found[0].article, found[0].paragraph, found[0].item
    raise ValidationFailed.on(
        "provision",
        f"{ref!r} names no single provision: use 77, 62.1.3 or 第六十二条第一款第（三）项",
    )


def _initiator(access: Access) -> dict[str, Any]:
    p = access.principal
    return {
        "key_id": str(p.key_id) if p.key_id else None,
        "role": p.role.value,
        "scope": p.scope_code,
        "name": p.name,
        "tenant": access.tenant.slug,
    }


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _is_shared(row: Any) -> bool:
    return row["tenant_id"] == SHARED_TENANT


# --- documents ---------------------------------------------------------------------------

_DOCUMENTS = """
SELECT d.tenant_id, d.id, d.title, d.short_title, d.level, d.issuer, d.doc_number, d.created_at,
       CURRENT_DATE AS today, s.first_promulgated, s.version_count, s.in_force_count,
       cur.id AS cur_id, cur.version_date AS cur_date, cur.effective_date AS cur_effective,
       r.id AS repeal_id, r.effective_date AS repeal_date, r.successor_id,
       (SELECT sd.title FROM legal_documents sd WHERE sd.id = r.successor_id LIMIT 1)
         AS successor_title,
       CASE WHEN r.effective_date <= CURRENT_DATE THEN 'repealed'
            WHEN s.in_force_count = 0 THEN 'not_yet_effective' ELSE 'in_force' END AS status
  FROM legal_documents d
  CROSS JOIN LATERAL (
    SELECT min(v.version_date) AS first_promulgated, count(*) AS version_count,
           count(*) FILTER (WHERE coalesce(v.effective_date, v.version_date) <= CURRENT_DATE)
             AS in_force_count
      FROM legal_versions v WHERE v.tenant_id = d.tenant_id AND v.document_id = d.id) s
  LEFT JOIN LATERAL (
    SELECT v.id, v.version_date, v.effective_date FROM legal_versions v
     WHERE v.tenant_id = d.tenant_id AND v.document_id = d.id
     ORDER BY v.version_date DESC LIMIT 1) cur ON true
  LEFT JOIN legal_changes r ON r.tenant_id = d.tenant_id AND r.document_id = d.id
   AND r.kind = 'repeal'
"""


def _version_status(
    effective: datetime.date, superseded: bool, repeal: datetime.date | None, today: datetime.date
) -> str:
    if effective > today:
        return "not_yet_effective"
    if superseded:
        return "amended"
    if repeal is not None and repeal <= today:
        return "repealed"
    return "in_force"


def _document_view(row: Any) -> DocumentView:
    current = None
    if row["cur_id"] is not None:
        effective = row["cur_effective"] or row["cur_date"]
        current = VersionSummary(
            id=str(row["cur_id"]),
            version_date=row["cur_date"],
            effective_date=row["cur_effective"],
            status=_version_status(effective, False, row["repeal_date"], row["today"]),
        )
    repeal = None
    if row["repeal_id"] is not None:
        repeal = RepealInfo(
            change_id=str(row["repeal_id"]),
            effective_date=row["repeal_date"],
            successor_id=str(row["successor_id"]) if row["successor_id"] else None,
            successor_title=row["successor_title"],
        )
    level = LEVEL_CODES.get(row["level"], "other")
    return DocumentView(
        id=str(row["id"]),
        shared=_is_shared(row),
        title=row["title"],
        short_title=row["short_title"],
        level=level,
        level_label=LEVELS[level],
        issuer=row["issuer"],
        doc_number=row["doc_number"],
        status=row["status"],
        status_label=STATUSES[row["status"]],
        promulgation_date=row["cur_date"],
        effective_date=row["cur_effective"],
        first_promulgated=row["first_promulgated"],
        version_count=row["version_count"],
        current_version=current,
        repeal=repeal,
        created_at=row["created_at"],
    )


async def _document_row(conn: Any, document_id: uuid.UUID) -> Any:
    row = await conn.fetchrow(_DOCUMENTS + " WHERE d.id = $1", document_id)
    if row is None:
        raise NotFound(f"no legal document {document_id}")
    return row


async def list_documents(
    access: Access,
    *,
    level: str | None = None,
    status: str | None = None,
    q: str | None = None,
    shared: bool | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[DocumentView]:
    """National and own documents, by title; ``q`` matches the title or an article of the
    current version (every word must match)."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, tuple[str, uuid.UUID])
    if status is not None and status not in STATUSES:
        raise ValidationFailed.on("status", f"use one of {', '.join(STATUSES)}")
    level_value = _level_value(level)
    patterns = _patterns(q)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            "SELECT * FROM (" + _DOCUMENTS + " WHERE ($1::text IS NULL OR d.level = $1)"
            " AND ($2::bool IS NULL OR $2 = (d.tenant_id = $3))"
            " AND ($4::text[] IS NULL OR d.title ILIKE ALL($4)"
            " OR EXISTS (SELECT 1 FROM provisions p"
            "  WHERE p.tenant_id = d.tenant_id AND p.version_id = cur.id AND p.paragraph = 0"
            "  AND p.item = 0 AND p.text ILIKE ALL($4)))) x"
            " WHERE ($5::text IS NULL OR x.status = $5"
            " OR ($5 = 'amended' AND x.in_force_count > 1))"
            " AND ($6::text IS NULL OR (x.title, x.id) > ($6, $7::uuid))"
            " ORDER BY x.title, x.id LIMIT $8",
            level_value,
            shared,
            SHARED_TENANT,
            patterns,
            status,
            after[0] if after else None,
            after[1] if after else None,
            limit + 1,
        )
    return page_of([_document_view(r) for r in records], limit, key=lambda d: [d.title, d.id])


async def get_document(access: Access, document_id: uuid.UUID) -> DocumentView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _document_view(await _document_row(conn, document_id))


def _articles_law(title: str, version_date: datetime.date, level: str, articles: list[ArticleData]) -> LawText:
    seen: set[int] = set()
    previous = 0
    problems = []
    for n, a in enumerate(articles):
        if a.number in seen or a.number <= previous:
            problems.append(FieldError(f"articles[{n}].number", f"{a.number} is out of order or repeated"))
        seen.add(a.number)
        previous = max(previous, a.number)
    if problems:
        raise ValidationFailed("; ".join(f"{p.field}: {p.message}" for p in problems), errors=problems)
    built = tuple(
        Article(
            number=a.number,
            label=article_label(a.number),
            chapter=a.chapter,
            section=None,
            paragraphs=tuple(
                Paragraph(k, p.text, tuple(Item(j, t) for j, t in enumerate(p.items, start=1)))
                for k, p in enumerate(a.paragraphs, start=1)
            ),
        )
        for a in articles
    )
    return LawText(title, short_title(title), version_date, level, (), built)


def _one_source(text: str | None, articles: list[ArticleData] | None) -> None:
    if (text is None) == (articles is None):
        raise ValidationFailed.on("text", "send the text as published, or the articles — one of them")


def _parsed(text: str) -> LawText:
    law = parse_law(text)
    if not law.articles:
        hint = "; ".join(law.warnings[:3])
        raise ValidationFailed.on("text", f"no articles found (第一条 … at the start of a line): {hint}")
    return law


def _new_document(data: DocumentCreate) -> tuple[LawText, str]:
    """The law to store and its level code, or a 422 naming the field."""
    _one_source(data.text, data.articles)
    parsed = _parsed(data.text) if data.text is not None else None
    title = data.title or (parsed.title if parsed and parsed.title != "(untitled)" else None)
    if title is None:
        raise ValidationFailed.on("title", "the document's full title is required")
    check_name("title", title)  # also when read from the text
    version_date = data.version_date or (parsed.version_date if parsed else None)
    check_day("version_date", version_date)
    if version_date is None:
        raise ValidationFailed.on("version_date", "the date of this version (公布日期) is required")
    if data.level in ("law", "administrative_regulation"):
        raise ValidationFailed.on(
            "level",
            "laws and administrative regulations are national and shared by every tenant; "
            f"a tenant adds {', '.join(TENANT_LEVELS)}",
        )
    level = data.level or (LEVEL_CODES.get(parsed.level) if parsed else None)
    if level not in TENANT_LEVELS:
        raise ValidationFailed.on("level", f"say which level: {', '.join(TENANT_LEVELS)}")
    if data.effective_date is not None and data.effective_date < version_date:
        raise ValidationFailed.on("effective_date", f"{data.effective_date} is before the version date {version_date}")
    if parsed is not None:
        law = LawText(
            title,
            short_title(title),
            version_date,
            LEVELS[level],
            parsed.history,
            parsed.articles,
            parsed.warnings,
        )
    else:
        assert data.articles is not None
        law = _articles_law(title, version_date, LEVELS[level], data.articles)
    return law, level


async def create_document(access: Access, data: DocumentCreate) -> DocumentCreated:
    """A tenant's own document with its first version (admin)."""
    require_admin(access, "add legal documents")
    law, level = _new_document(data)
    async with tenant_transaction(access.tenant.id) as conn:
        clash = await conn.fetchrow(
            "SELECT tenant_id, title FROM legal_documents WHERE title = $1 OR short_title = $2"
            " ORDER BY tenant_id = $3 DESC LIMIT 1",
            law.title,
            law.short_title,
            SHARED_TENANT,
        )
        if clash is not None:
            whose = "a national document" if _is_shared(clash) else "this tenant's document"
            raise Conflict(
                f"title: {whose} 《{clash['title']}》 has this title; record a new version of it"
                " as an amendment instead",
                errors=[FieldError("title", "already used")],
            )
        document_id = await conn.fetchval(
            "INSERT INTO legal_documents (tenant_id, title, short_title, level, issuer, doc_number)"
            " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            access.tenant.id,
            law.title,
            law.short_title,
            LEVELS[level],
            data.issuer,
            data.doc_number,
        )
        await store_version(conn, access.tenant.id, document_id, law, _source(access), data.effective_date)
        view = _document_view(await _document_row(conn, document_id))
        await audit.record(access, "legal_document", view.id, "create", after=view)
    return DocumentCreated(**msgspec.structs.asdict(view), warnings=list(law.warnings))


def _source(access: Access) -> str:
    return f"uploaded by {access.principal.name or access.role.value} ({access.tenant.slug})"


# --- versions and provisions -------------------------------------------------------------


async def list_versions(access: Access, document_id: uuid.UUID) -> list[VersionView]:
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await _document_row(conn, document_id)
        records = await conn.fetch(
            "SELECT v.id, v.version_date, v.effective_date, v.history, v.source,"
            " (SELECT count(*) FROM provisions p WHERE p.tenant_id = v.tenant_id"
            "  AND p.version_id = v.id AND p.paragraph = 0 AND p.item = 0) AS article_count"
            " FROM legal_versions v WHERE v.tenant_id = $1 AND v.document_id = $2"
            " ORDER BY v.version_date",
            doc["tenant_id"],
            document_id,
        )
    today = doc["today"]
    effective = [r["effective_date"] or r["version_date"] for r in records]
    views = []
    for n, r in enumerate(records):
        superseded = any(e <= today for e in effective[n + 1 :])
        status = _version_status(effective[n], superseded, doc["repeal_date"], today)
        views.append(
            VersionView(
                id=str(r["id"]),
                version_date=r["version_date"],
                effective_date=r["effective_date"],
                status=status,
                status_label=STATUSES[status],
                current=r["id"] == doc["cur_id"],
                article_count=r["article_count"],
                history=msgspec.json.decode(r["history"], type=list[HistoryLine]),
                source=r["source"],
            )
        )
    return views


async def _find_version(conn: Any, doc: Any, selector: str | None) -> Any:
    """A version of ``doc`` by id, by version date, or (None / ``current``) the latest."""
    query = "SELECT id, version_date, effective_date FROM legal_versions WHERE tenant_id = $1 AND document_id = $2"
    if selector in (None, "current", "latest"):
        row = await conn.fetchrow(query + " ORDER BY version_date DESC LIMIT 1", doc["tenant_id"], doc["id"])
    else:
        try:
            key: Any = uuid.UUID(selector)
            column = "id"
        except ValueError:
            try:
                key = datetime.date.fromisoformat(selector)
            except ValueError:
                raise ValidationFailed.on(
                    "version", f"{selector!r}: a version id, a version date (YYYY-MM-DD) or current"
                ) from None
            column = "version_date"
        row = await conn.fetchrow(query + f" AND {column} = $3", doc["tenant_id"], doc["id"], key)
    if row is None:
        raise NotFound(f"《{doc['title']}》 has no version {selector}")
    return row


async def list_provisions(
    access: Access,
    document_id: uuid.UUID,
    version: str | None = None,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ArticleView]:
    """A version's articles in order, each with its paragraphs and items."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, SmallPosition)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await _document_row(conn, document_id)
        found = await _find_version(conn, doc, version)
        records = await conn.fetch(
            "SELECT article, paragraph, item, label, chapter, text FROM provisions"
            " WHERE tenant_id = $1 AND version_id = $2"
            " AND article IN (SELECT article FROM provisions"
            "  WHERE tenant_id = $1 AND version_id = $2 AND paragraph = 0 AND item = 0"
            "  AND ($3::int IS NULL OR article > $3) ORDER BY article LIMIT $4)"
            " ORDER BY article, paragraph, item",
            doc["tenant_id"],
            found["id"],
            after,
            limit + 1,
        )
    articles: list[ArticleView] = []
    for r in records:
        if r["paragraph"] == 0:
            articles.append(ArticleView(r["article"], r["label"], r["chapter"], r["text"], []))
        elif r["item"] == 0:
            articles[-1].paragraphs.append(ParagraphView(r["paragraph"], r["label"], r["text"], []))
        else:
            articles[-1].paragraphs[-1].items.append(ProvisionItem(r["item"], r["label"], r["text"]))
    return page_of(articles, limit, key=lambda a: a.article)


async def _missing(conn: Any, doc: Any, version: Any, label: str) -> NotFound:
    last = await conn.fetchval(
        "SELECT max(article) FROM provisions WHERE tenant_id = $1 AND version_id = $2",
        doc["tenant_id"],
        version["id"],
    )
    span = f"{article_label(1)}–{article_label(last)}" if last else "no articles"
    return NotFound(f"《{doc['title']}》 ({version['version_date']}) has no {label} (it has {span})")


async def get_provision(access: Access, document_id: uuid.UUID, ref: str, version: str | None = None) -> ProvisionView:
    """One article, paragraph or item of a version (default: the current one)."""
    article, paragraph, item = parse_ref(ref)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await _document_row(conn, document_id)
        found = await _find_version(conn, doc, version)
        rows = await conn.fetch(
            "SELECT article, paragraph, item, label, chapter, text FROM provisions"
            " WHERE tenant_id = $1 AND version_id = $2 AND article = $3"
            " AND (paragraph = $4 OR ($4::int IS NULL AND (paragraph = 0) = ($5::int IS NULL)))"
            " AND item = coalesce($5, 0) ORDER BY paragraph",
            doc["tenant_id"],
            found["id"],
            article,
            paragraph,
            item,
        )
        if not rows:
            raise await _missing(conn, doc, found, _ref_label(article, paragraph, item))
    if len(rows) > 1:
        raise ValidationFailed.on(
            "provision",
            f"{_ref_label(article, None, item)} is ambiguous: items are listed in "
            f"{len(rows)} paragraphs; name the paragraph too",
        )
    r = rows[0]
    return ProvisionView(
        document_id=str(doc["id"]),
        document_title=doc["title"],
        version_id=str(found["id"]),
        version_date=found["version_date"],
        article=r["article"],
        paragraph=r["paragraph"] or None,
        item=r["item"] or None,
        label=r["label"],
        chapter=r["chapter"],
        text=r["text"],
    )


async def search_provisions(
    access: Access,
    *,
    q: str | None,
    level: str | None = None,
    document_id: uuid.UUID | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ProvisionHit]:
    """Articles of the current versions containing every word of ``q``."""
    if q is None:
        raise ValidationFailed.on("q", "give the words to search for")
    patterns = _patterns(q)
    limit = check_limit(limit)
    after = decode_cursor(cursor, tuple[str, uuid.UUID, SmallPosition])
    level_value = _level_value(level)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            "SELECT d.id AS document_id, d.title, d.level, cur.id AS version_id, cur.version_date,"
            " p.article, p.label, p.chapter, p.text"
            " FROM legal_documents d"
            " CROSS JOIN LATERAL (SELECT v.id, v.version_date FROM legal_versions v"
            "  WHERE v.tenant_id = d.tenant_id AND v.document_id = d.id"
            "  ORDER BY v.version_date DESC LIMIT 1) cur"
            " JOIN provisions p ON p.tenant_id = d.tenant_id AND p.version_id = cur.id"
            "  AND p.paragraph = 0 AND p.item = 0"
            " WHERE p.text ILIKE ALL($1) AND ($2::text IS NULL OR d.level = $2)"
            " AND ($3::uuid IS NULL OR d.id = $3)"
            " AND ($4::text IS NULL OR (d.title, d.id, p.article) > ($4, $5::uuid, $6::int))"
            " ORDER BY d.title, d.id, p.article LIMIT $7",
            patterns,
            level_value,
            document_id,
            after[0] if after else None,
            after[1] if after else None,
            after[2] if after else None,
            limit + 1,
        )
    hits = [
        ProvisionHit(
            document_id=str(r["document_id"]),
            document_title=r["title"],
            level=LEVEL_CODES.get(r["level"], "other"),
            level_label=r["level"],
            version_id=str(r["version_id"]),
            version_date=r["version_date"],
            article=r["article"],
            label=r["label"],
            chapter=r["chapter"],
            text=r["text"],
        )
        for r in records
    ]
    return page_of(hits, limit, key=lambda h: [h.document_title, h.document_id, h.article])


# --- the citation index ------------------------------------------------------------------

# $2 document tenant, $3 document, $4..$6 article / paragraph / item (NULL: any). A citation
# rests on a provision when they overlap: the whole document, the article, or the same part.
_MATCH = (
    "c.document_tenant = $2 AND c.document_id = $3 AND ($4::int IS NULL OR c.article IS NULL"
    " OR (c.article = $4 AND ($5::int IS NULL OR c.paragraph IS NULL OR c.paragraph = $5)"
    " AND ($6::int IS NULL OR c.item IS NULL OR c.item = $6)))"
)


async def citations(access: Access, document_id: uuid.UUID, ref: str | None = None) -> CitationIndex:
    """Every catalog item (any version) and township-list entry (working copies and published
    versions) resting on a document or one of its provisions. The draft catalog and working
    copies are for admins; other roles see published versions only."""
    article = paragraph = item = None
    if ref is not None:
        article, paragraph, item = parse_ref(ref)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await _document_row(conn, document_id)
        label = None
        if article is not None:
            label = await conn.fetchval(
                "SELECT p.label FROM legal_versions v"
                " JOIN provisions p ON p.tenant_id = v.tenant_id"
                " AND p.version_id = v.id WHERE v.tenant_id = $1 AND v.document_id = $2"
                " AND p.article = $3 AND ($4::int IS NULL OR p.paragraph = $4)"
                " AND p.item = coalesce($5, 0) ORDER BY v.version_date DESC, p.paragraph LIMIT 1",
                doc["tenant_id"],
                document_id,
                article,
                paragraph,
                item,
            )
            if label is None:
                current = await _find_version(conn, doc, None)
                raise await _missing(conn, doc, current, _ref_label(article, paragraph, item))
        cited = await conn.fetch(
            "SELECT c.version, v.status AS version_status, c.item_code, i.title, i.status, c.raw,"
            " c.article, c.paragraph, c.item FROM item_citations c"
            " JOIN catalog_versions v ON v.tenant_id = c.tenant_id AND v.number = c.version"
            " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
            "  AND i.code = c.item_code"
            f" WHERE c.tenant_id = $1 AND {_MATCH} AND ($7 OR v.status = 'published')"
            " ORDER BY c.version, c.item_code, c.position",
            access.tenant.id,
            doc["tenant_id"],
            document_id,
            article,
            paragraph,
            item,
            access.is_admin,
        )
        by_version: dict[int, list[str]] = {}
        for r in cited:
            by_version.setdefault(r["version"], []).append(r["item_code"])
        working: list[Any] = []
        published: list[Any] = []
        for version, codes in by_version.items():
            if access.is_admin:
                working += await conn.fetch(
                    _working_sql(by_version=True),
                    access.tenant.id,
                    list(dict.fromkeys(codes)),
                    version,
                )
            published += await conn.fetch(
                "SELECT lv.tenant_id, lv.township_code, j.name, lv.number, lv.effective_date,"
                " lv.catalog_version, array_agg(ve.item_code) AS codes"
                " FROM township_list_versions lv"
                " JOIN township_version_entries ve ON ve.tenant_id = lv.tenant_id"
                "  AND ve.township_code = lv.township_code AND ve.number = lv.number"
                " JOIN jurisdictions j ON j.tenant_id = lv.tenant_id AND j.code = lv.township_code"
                " WHERE lv.tenant_id = $1 AND lv.catalog_version = $3"
                " AND ve.item_code = ANY($2::text[])"
                " GROUP BY lv.tenant_id, lv.township_code, j.name, lv.number, lv.effective_date,"
                " lv.catalog_version",
                access.tenant.id,
                list(dict.fromkeys(codes)),
                version,
            )
    return CitationIndex(
        document_id=str(document_id),
        document_title=doc["title"],
        provision=label,
        catalog=_by_catalog_version(cited),
        townships=_by_township(working, published),
    )


def _by_catalog_version(records: list[Any]) -> list[CatalogVersionCitations]:
    versions: dict[int, CatalogVersionCitations] = {}
    for r in records:
        group = versions.get(r["version"])
        if group is None:
            group = versions[r["version"]] = CatalogVersionCitations(r["version"], r["version_status"], [])
        if not group.items or group.items[-1].code != r["item_code"]:
            group.items.append(CitingItem(r["item_code"], r["title"], r["status"], []))
        group.items[-1].citations.append(
            CitedAs(
                raw=r["raw"],
                label=_ref_label(r["article"], r["paragraph"], r["item"]),
                article=r["article"],
                paragraph=r["paragraph"],
                item=r["item"],
            )
        )
    return list(versions.values())


def _by_township(working: list[Any], published: list[Any]) -> list[TownshipCitations]:
    townships: dict[str, TownshipCitations] = {}

    def township(code: str, name: str) -> TownshipCitations:
        if code not in townships:
            townships[code] = TownshipCitations(code, name, None, [], [], [])
        return townships[code]

    for r in working:
        t = township(r["township_code"], r["name"])
        t.working_copy_catalog_version = r["catalog_version"]
        t.working_copy_item_codes = sorted(r["codes"])
        t.awaiting_confirmation = sorted(r["waiting"])
    for r in sorted(published, key=lambda r: r["number"]):
        township(r["township_code"], r["name"]).published.append(
            PublishedEntries(r["number"], r["effective_date"], r["catalog_version"], sorted(r["codes"]))
        )
    return [townships[k] for k in sorted(townships)]


# Entries of a tenant's working copies ($1) for items ($2), by township; optionally only of
# lists following one catalog version ($3). Arrays unordered (sorted in Python: ordered
# aggregates sort every entry, several times slower at 80,000 entries).
def _working_sql(by_version: bool = False) -> str:
    return (
        "WITH e AS (SELECT township_code, array_agg(item_code) AS codes,"
        " coalesce(array_agg(item_code) FILTER (WHERE state = 'needs_confirmation'), '{}')"
        " AS waiting FROM township_entries WHERE tenant_id = $1 AND item_code = ANY($2::text[])"
        " AND state <> 'removed'"
        + (
            " AND township_code IN (SELECT township_code FROM township_lists WHERE tenant_id = $1"
            " AND catalog_version = $3)"
            if by_version
            else ""
        )
        + " GROUP BY township_code)"
        " SELECT e.township_code, e.codes, e.waiting, j.name, l.catalog_version FROM e"
        " JOIN township_lists l ON l.tenant_id = $1 AND l.township_code = e.township_code"
        " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = e.township_code"
    )


# --- changes of the law ------------------------------------------------------------------

_CHANGES = """
SELECT c.tenant_id, c.id, c.document_id, d.title AS document_title, c.kind, c.effective_date,
       c.from_version_id, fv.version_date AS from_date, fv.effective_date AS from_effective,
       c.to_version_id, tv.version_date AS to_date, tv.effective_date AS to_effective,
       c.successor_id,
       (SELECT sd.title FROM legal_documents sd WHERE sd.id = c.successor_id LIMIT 1)
         AS successor_title,
       c.recorded_by, c.created_at
  FROM legal_changes c
  JOIN legal_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
  LEFT JOIN legal_versions fv ON fv.tenant_id = c.tenant_id AND fv.id = c.from_version_id
  LEFT JOIN legal_versions tv ON tv.tenant_id = c.tenant_id AND tv.id = c.to_version_id
"""


def _change_view(row: Any) -> ChangeView:
    def ref(prefix: str) -> VersionRef | None:
        vid = row[f"{prefix}_version_id"]
        if vid is None:
            return None
        return VersionRef(str(vid), row[f"{prefix}_date"], row[f"{prefix}_effective"])

    return ChangeView(
        id=str(row["id"]),
        shared=_is_shared(row),
        document_id=str(row["document_id"]),
        document_title=row["document_title"],
        kind=row["kind"],
        kind_label=CHANGE_KINDS[row["kind"]],
        effective_date=row["effective_date"],
        from_version=ref("from"),
        to_version=ref("to"),
        successor_id=str(row["successor_id"]) if row["successor_id"] else None,
        successor_title=row["successor_title"],
        recorded_by=msgspec.json.decode(row["recorded_by"]),
        created_at=row["created_at"],
    )


async def list_changes(
    access: Access,
    *,
    document_id: uuid.UUID | None = None,
    kind: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ChangeView]:
    """Recorded changes visible to the tenant (national ones and its own), newest first."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, TimeAndId)
    if kind is not None and kind not in CHANGE_KINDS:
        raise ValidationFailed.on("kind", "amend or repeal")
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            _CHANGES + " WHERE ($1::uuid IS NULL OR c.document_id = $1)"
            " AND ($2::text IS NULL OR c.kind = $2)"
            " AND ($3::timestamptz IS NULL OR (c.created_at, c.id) < ($3, $4::uuid))"
            " ORDER BY c.created_at DESC, c.id DESC LIMIT $5",
            document_id,
            kind,
            after[0] if after else None,
            after[1] if after else None,
            limit + 1,
        )
    views = [_change_view(r) for r in records]
    return page_of(views, limit, key=lambda c: [c.created_at.isoformat(), c.id])


async def _change_row(conn: Any, change_id: uuid.UUID) -> Any:
    row = await conn.fetchrow(_CHANGES + " WHERE c.id = $1", change_id)
    if row is None:
        raise NotFound(f"no recorded change {change_id}")
    return row


async def get_change(access: Access, change_id: uuid.UUID) -> ChangeView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _change_view(await _change_row(conn, change_id))


async def impact_report(access: Access, change_id: uuid.UUID) -> ImpactReport:
    """The items and township entries a change affects, by tenant and township. A platform
    key sees a national change across every tenant; everyone else sees their own tenant."""
    require_admin(access, "read impact reports")
    async with tenant_transaction(access.tenant.id) as conn:
        change = await _change_row(conn, change_id)
        if not (_is_shared(change) and access.role is Role.PLATFORM):
            return await _report(conn, change)
    async with platform_transaction() as conn:
        return await _report(conn, change)


def _diff_sql(tenant: str, old: str, new: str) -> str:
    """Provisions whose text differs between two versions (whitespace ignored), or that
    exist in one only."""
    return (
        "SELECT coalesce(a.article, b.article) AS article, coalesce(a.paragraph, b.paragraph)"
        " AS paragraph, coalesce(a.item, b.item) AS item, coalesce(b.label, a.label) AS label,"
        " CASE WHEN b.article IS NULL THEN 'removed' WHEN a.article IS NULL THEN 'added'"
        " ELSE 'changed' END AS change"
        f" FROM (SELECT * FROM provisions WHERE tenant_id = {tenant} AND version_id = {old}) a"
        f" FULL JOIN (SELECT * FROM provisions WHERE tenant_id = {tenant} AND version_id = {new}) b"
        " ON a.article = b.article AND a.paragraph = b.paragraph AND a.item = b.item"
        " WHERE (a.article IS NULL OR b.article IS NULL"
        r" OR regexp_replace(a.text, '\s', '', 'g') <> regexp_replace(b.text, '\s', '', 'g'))"
    )


async def _report(conn: Any, change: Any) -> ImpactReport:
    """The report of a recorded change: the adjustments it opened, their townships' entries."""
    provisions = await _provision_changes(conn, change)
    records = await conn.fetch(
        "SELECT a.tenant_id, t.slug, t.name AS tenant_name, a.id, a.item_code, a.version, a.state,"
        " a.changes->'provisions' AS provisions, i.title FROM catalog_adjustments a"
        " JOIN tenants t ON t.id = a.tenant_id"
        " LEFT JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = a.version"
        "  AND i.code = a.item_code"
        " WHERE a.law_change_id = $1 ORDER BY t.slug, a.item_code",
        change["id"],
    )
    items = [
        (
            r["tenant_id"],
            r["slug"],
            r["tenant_name"],
            AffectedItem(
                code=r["item_code"],
                title=r["title"],
                catalog_version=r["version"],
                provisions=_CITED_DECODER.decode(r["provisions"]) if r["provisions"] else [],
                adjustment_id=str(r["id"]),
                adjustment_state=r["state"],
            ),
        )
        for r in records
    ]
    return await _assemble(conn, change, provisions, items)


async def _provision_changes(conn: Any, change: Any) -> list[ProvisionChange]:
    """An amendment's changed, removed and added articles."""
    if change["kind"] != "amend":
        return []
    rows = await conn.fetch(
        _diff_sql("$1", "$2", "$3") + " AND coalesce(a.paragraph, b.paragraph) = 0"
        " AND coalesce(a.item, b.item) = 0 ORDER BY 1",
        change["tenant_id"],
        change["from_version_id"],
        change["to_version_id"],
    )
    return [ProvisionChange(r["article"], r["label"], r["change"], PROVISION_CHANGES[r["change"]]) for r in rows]


async def _preview(conn: Any, change: Any, affected: Affected) -> ImpactReport:
    """The report of a change not recorded: items as found, adjustments as they would open."""
    tenants = {
        r["id"]: r for r in await conn.fetch("SELECT id, slug, name FROM tenants WHERE id = ANY($1)", list(affected))
    }
    existing = {
        (r["tenant_id"], r["item_code"]): r
        for r in await conn.fetch(
            "SELECT tenant_id, item_code, id, version, state FROM catalog_adjustments WHERE law_change_id = $1",
            change["id"],
        )
    }
    items = []
    for tenant_id, hits in sorted(affected.items(), key=lambda kv: tenants[kv[0]]["slug"]):
        t = tenants[tenant_id]
        for code, hit in sorted(hits.items()):
            done = existing.get((tenant_id, code))
            item = AffectedItem(
                code=code,
                title=hit.title,
                catalog_version=done["version"] if done else hit.draft_version,
                provisions=hit.provisions,
                adjustment_id=str(done["id"]) if done else None,
                adjustment_state=done["state"] if done else "would_open",
            )
            items.append((tenant_id, t["slug"], t["name"], item))
    return await _assemble(conn, change, await _provision_changes(conn, change), items)


async def _townships(conn: Any, codes: dict[uuid.UUID, list[str]]) -> tuple[list[Any], list[Any]]:
    """Working-copy and latest published entries of the items, per tenant and township."""
    working: list[Any] = []
    published: list[Any] = []
    for tenant_id, tenant_codes in codes.items():  # one plan per tenant: its arrays, its rows
        working += [(tenant_id, r) for r in await conn.fetch(_working_sql(), tenant_id, tenant_codes)]
        published += [
            (tenant_id, r)
            for r in await conn.fetch(
                "WITH latest AS (SELECT township_code, max(number) AS number"
                "  FROM township_list_versions WHERE tenant_id = $1 GROUP BY township_code),"
                " v AS (SELECT ve.township_code, ve.number, array_agg(ve.item_code) AS codes"
                "  FROM latest l JOIN township_version_entries ve ON ve.tenant_id = $1"
                "  AND ve.township_code = l.township_code AND ve.number = l.number"
                "  WHERE ve.item_code = ANY($2::text[]) GROUP BY ve.township_code, ve.number)"
                " SELECT v.township_code, v.number, v.codes, j.name FROM v"
                " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = v.township_code",
                tenant_id,
                tenant_codes,
            )
        ]
    return working, published


_CITED_DECODER = msgspec.json.Decoder(list[CitedProvision])


async def _assemble(
    conn: Any,
    change: Any,
    provisions: list[ProvisionChange],
    items: list[tuple[uuid.UUID, str, str, AffectedItem]],
) -> ImpactReport:
    tenants: dict[uuid.UUID, TenantImpact] = {}
    codes: dict[uuid.UUID, list[str]] = {}
    for tenant_id, slug, name, item in items:
        if tenant_id not in tenants:
            tenants[tenant_id] = TenantImpact(slug, name, [], [])
        tenants[tenant_id].items.append(item)
        codes.setdefault(tenant_id, []).append(item.code)
    working, published = await _townships(conn, codes)
    townships: dict[tuple[uuid.UUID, str], TownshipImpact] = {}
    for tenant_id, r in working:
        townships[(tenant_id, r["township_code"])] = TownshipImpact(
            r["township_code"], r["name"], sorted(r["codes"]), sorted(r["waiting"]), None, []
        )
    for tenant_id, r in published:
        key = (tenant_id, r["township_code"])
        if key not in townships:
            townships[key] = TownshipImpact(r["township_code"], r["name"], [], [], None, [])
        townships[key].published_version = r["number"]
        townships[key].published_item_codes = sorted(r["codes"])
    for (tenant_id, _), township in sorted(townships.items(), key=lambda kv: kv[0][1]):
        if tenant_id in tenants:
            tenants[tenant_id].townships.append(township)
    return ImpactReport(
        change=_change_view(change),
        provisions=provisions,
        item_count=len(items),
        township_count=len(townships),
        township_entry_count=sum(len(t.working_copy_item_codes) for t in townships.values()),
        tenants=sorted(tenants.values(), key=lambda t: t.tenant),
    )


# --- recording changes -------------------------------------------------------------------


async def _document_for_change(access: Access, document_id: uuid.UUID) -> Any:
    """The document, if visible to the tenant and the caller may record its changes."""
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await _document_row(conn, document_id)
    if _is_shared(doc):
        if access.role is not Role.PLATFORM:
            raise PermissionDenied(
                f"《{doc['title']}》 is national and shared by every tenant: only a platform key"
                f" records its amendments and repeals (this is a {access.role.value} key)"
            )
    else:
        require_admin(access, "record changes of the tenant's legal documents")
    return doc


@asynccontextmanager
async def _change_scope(access: Access, doc: Any) -> AsyncIterator[Any]:
    """National documents: the owner's transaction (spans tenants). Own: the tenant's."""
    if _is_shared(doc):
        async with platform_transaction() as conn:
            yield conn
    else:
        async with tenant_transaction(access.tenant.id) as conn:
            yield conn


async def _lock_versions(conn: Any, doc: Any) -> list[Any]:
    await conn.execute(
        "SELECT 1 FROM legal_documents WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
        doc["tenant_id"],
        doc["id"],
    )
    return await conn.fetch(
        "SELECT id, version_date, effective_date FROM legal_versions WHERE tenant_id = $1"
        " AND document_id = $2 ORDER BY version_date",
        doc["tenant_id"],
        doc["id"],
    )


def _pick(versions: list[Any], selector: str, field: str) -> Any:
    for v in versions:
        if selector in (str(v["id"]), v["version_date"].isoformat()):
            return v
    raise ValidationFailed.on(field, f"the document has no version {selector} (give an id or a date)")


def _uploaded_law(doc: Any, data: AmendmentCreate) -> LawText:
    _one_source(data.text, data.articles)
    if data.text is not None:
        parsed = _parsed(data.text)
        if parsed.title != "(untitled)" and normalize_title(parsed.title) not in (
            normalize_title(doc["title"]),
            normalize_title(doc["short_title"]),
        ):
            raise ValidationFailed.on("text", f"the text is 《{parsed.title}》, not 《{doc['title']}》")
        version_date = data.version_date or parsed.version_date
        if version_date is None:
            raise ValidationFailed.on("version_date", "the date of the new version is required")
        return LawText(
            doc["title"],
            doc["short_title"],
            version_date,
            doc["level"],
            parsed.history,
            parsed.articles,
            parsed.warnings,
        )
    if data.version_date is None:
        raise ValidationFailed.on("version_date", "the date of the new version is required")
    assert data.articles is not None
    return _articles_law(doc["title"], data.version_date, doc["level"], data.articles)


async def _store_upload(conn: Any, access: Access, doc: Any, law: LawText, versions: list[Any]) -> Any:
    """The uploaded version, stored; an identical upload of a stored version is that version."""
    assert law.version_date is not None
    same_date = next((v for v in versions if v["version_date"] == law.version_date), None)
    if same_date is not None:
        stored = await conn.fetch(
            "SELECT article, paragraph, item, text FROM provisions WHERE tenant_id = $1"
            " AND version_id = $2 ORDER BY article, paragraph, item",
            doc["tenant_id"],
            same_date["id"],
        )
        uploaded = sorted((a, p, i, t) for a, p, i, _label, _chapter, t in provision_rows(law))
        if [tuple(r) for r in stored] != uploaded:
            raise Conflict(
                f"version_date: 《{doc['title']}》 already has a different version dated"
                f" {law.version_date}; name it with to_version, or give the new version's date",
                errors=[FieldError("version_date", "a different version has this date")],
            )
        return same_date
    version_id = await store_version(conn, doc["tenant_id"], doc["id"], law, _source(access))
    return {"id": version_id, "version_date": law.version_date, "effective_date": None}


async def record_amendment(access: Access, document_id: uuid.UUID, data: AmendmentCreate) -> RecordedChange:
    """Record that ``document_id`` was amended: from a stored version to another (stored, or
    uploaded now), taking effect on ``effective_date``; open the adjustments it calls for.
    With ``dry_run`` the same checks and analysis run and nothing is written."""
    try:
        return await _record_amendment(access, document_id, data)
    except _DryRun as preview:
        return preview.result


async def _record_amendment(access: Access, document_id: uuid.UUID, data: AmendmentCreate) -> RecordedChange:
    doc = await _document_for_change(access, document_id)
    uploading = data.text is not None or data.articles is not None
    if uploading and data.to_version is not None:
        raise ValidationFailed.on("to_version", "name a stored version or send a new one, not both")
    law = _uploaded_law(doc, data) if uploading else None
    async with _change_scope(access, doc) as conn:
        versions = await _lock_versions(conn, doc)
        if law is not None:
            target = await _store_upload(conn, access, doc, law, versions)
            if all(v["id"] != target["id"] for v in versions):
                versions = sorted([*versions, target], key=lambda v: v["version_date"])
        elif data.to_version is not None:
            target = _pick(versions, data.to_version, "to_version")
        else:
            raise ValidationFailed.on(
                "to_version", "name the new version (its id or date), or send its text or articles"
            )
        if data.from_version is not None:
            source = _pick(versions, data.from_version, "from_version")
        else:
            older = [v for v in versions if v["version_date"] < target["version_date"]]
            if not older:
                raise ValidationFailed.on(
                    "from_version",
                    f"《{doc['title']}》 has no version before {target['version_date']}",
                )
            source = older[-1]
        if source["version_date"] >= target["version_date"]:
            raise ValidationFailed.on(
                "from_version",
                f"the amended version ({source['version_date']}) must be older than the new one"
                f" ({target['version_date']})",
            )
        existing = await conn.fetchrow(
            "SELECT id, from_version_id, effective_date FROM legal_changes WHERE tenant_id = $1"
            " AND document_id = $2 AND kind = 'amend' AND to_version_id = $3",
            doc["tenant_id"],
            doc["id"],
            target["id"],
        )
        if existing is not None:
            if existing["from_version_id"] != source["id"] or existing["effective_date"] != data.effective_date:
                raise Conflict(
                    f"this amendment of 《{doc['title']}》 is already recorded, effective"
                    f" {existing['effective_date']}, change {existing['id']}"
                )
            change_id, created = existing["id"], False
        else:
            await _check_amendable(conn, doc, target, data.effective_date)
            change_id = await conn.fetchval(
                "INSERT INTO legal_changes (tenant_id, document_id, kind, effective_date,"
                " from_version_id, to_version_id, recorded_by) VALUES ($1, $2, 'amend', $3, $4, $5,"
                " $6::jsonb) RETURNING id",
                doc["tenant_id"],
                doc["id"],
                data.effective_date,
                source["id"],
                target["id"],
                _json(_initiator(access)),
            )
            created = True
        return await _apply(conn, access, doc, change_id, created, data.dry_run)


async def _check_amendable(conn: Any, doc: Any, target: Any, effective_date: datetime.date) -> None:
    repeal = await conn.fetchval(
        "SELECT effective_date FROM legal_changes WHERE tenant_id = $1 AND document_id = $2 AND kind = 'repeal'",
        doc["tenant_id"],
        doc["id"],
    )
    if repeal is not None:
        raise Conflict(f"《{doc['title']}》 is repealed (effective {repeal}); a repealed document is not amended")
    if effective_date < target["version_date"]:
        raise ValidationFailed.on(
            "effective_date",
            f"{effective_date} is before the new version's date {target['version_date']}",
        )
    if target["effective_date"] is not None and target["effective_date"] != effective_date:
        raise ValidationFailed.on(
            "effective_date",
            f"the version of {target['version_date']} is recorded as effective {target['effective_date']}",
        )
    await conn.execute(
        "UPDATE legal_versions SET effective_date = $3 WHERE tenant_id = $1 AND id = $2",
        doc["tenant_id"],
        target["id"],
        effective_date,
    )


async def record_repeal(access: Access, document_id: uuid.UUID, data: RepealCreate) -> RecordedChange:
    """Record that ``document_id`` is repealed from ``effective_date`` (optionally succeeded by
    another document); open the adjustments it calls for. With ``dry_run`` the same checks
    and analysis run and nothing is written."""
    try:
        return await _record_repeal(access, document_id, data)
    except _DryRun as preview:
        return preview.result


async def _record_repeal(access: Access, document_id: uuid.UUID, data: RepealCreate) -> RecordedChange:
    doc = await _document_for_change(access, document_id)
    async with _change_scope(access, doc) as conn:
        versions = await _lock_versions(conn, doc)
        existing = await conn.fetchrow(
            "SELECT id, effective_date, successor_id FROM legal_changes WHERE tenant_id = $1"
            " AND document_id = $2 AND kind = 'repeal'",
            doc["tenant_id"],
            doc["id"],
        )
        if existing is not None:
            if existing["effective_date"] != data.effective_date or existing["successor_id"] != data.successor_id:
                raise Conflict(
                    f"《{doc['title']}》 is already recorded as repealed, effective"
                    f" {existing['effective_date']} (change {existing['id']})"
                )
            change_id, created = existing["id"], False
        else:
            await _check_repeal(conn, doc, versions, data)
            change_id = await conn.fetchval(
                "INSERT INTO legal_changes (tenant_id, document_id, kind, effective_date,"
                " successor_id, recorded_by) VALUES ($1, $2, 'repeal', $3, $4, $5::jsonb)"
                " RETURNING id",
                doc["tenant_id"],
                doc["id"],
                data.effective_date,
                data.successor_id,
                _json(_initiator(access)),
            )
            await conn.execute(
                "UPDATE legal_documents SET status = 'repealed', successor_id = $3 WHERE tenant_id = $1 AND id = $2",
                doc["tenant_id"],
                doc["id"],
                data.successor_id,
            )
            created = True
        return await _apply(conn, access, doc, change_id, created, data.dry_run)


async def _check_repeal(conn: Any, doc: Any, versions: list[Any], data: RepealCreate) -> None:
    first, last = versions[0], versions[-1]
    if data.effective_date < first["version_date"]:
        raise ValidationFailed.on(
            "effective_date",
            f"{data.effective_date} is before 《{doc['title']}》 was promulgated ({first['version_date']})",
        )
    latest = last["effective_date"] or last["version_date"]
    if data.effective_date < latest:
        raise ValidationFailed.on(
            "effective_date",
            f"{data.effective_date} is before its latest version ({last['version_date']}, effective {latest})",
        )
    if data.successor_id is None:
        return
    if data.successor_id == doc["id"]:
        raise ValidationFailed.on("successor_id", "a document does not succeed itself")
    successor = await conn.fetchrow(
        "SELECT tenant_id FROM legal_documents WHERE id = $1 AND tenant_id = ANY($2)",
        data.successor_id,
        [SHARED_TENANT, doc["tenant_id"]],
    )
    if successor is None:
        scope = "national" if _is_shared(doc) else "national or this tenant's"
        raise ValidationFailed.on("successor_id", f"no {scope} document {data.successor_id}")


class _DryRun(Exception):
    """Raised with a dry run's result so that its transaction rolls back."""

    def __init__(self, result: RecordedChange) -> None:
        super().__init__("dry run")
        self.result = result


async def _apply(
    conn: Any, access: Access, doc: Any, change_id: uuid.UUID, created: bool, dry_run: bool
) -> RecordedChange:
    """Analyse the change, open the adjustments still missing, and report. A dry run raises
    :class:`_DryRun` with the report, so that nothing it wrote stays."""
    change = await _change_row(conn, change_id)
    affected = await _affected(conn, change)
    if dry_run:
        report = await _preview(conn, change, affected)
        raise _DryRun(RecordedChange(created=False, opened=0, dry_run=True, report=report))
    opened = await _open_adjustments(conn, access, change, affected)
    if created and not _is_shared(doc):  # national changes are audited in each tenant opened
        await audit.record(
            access,
            "legal_change",
            str(change_id),
            change["kind"],
            after={"document": doc["title"], "effective_date": change["effective_date"]},
        )
    report = await _report(conn, change)
    return RecordedChange(created=created, opened=opened, dry_run=False, report=report)


class _Hit(msgspec.Struct):
    """An affected item: its title, the draft its adjustment goes to, what it cites."""

    title: str
    draft_version: int
    provisions: list[CitedProvision]


Affected = dict[uuid.UUID, dict[str, _Hit]]


async def _affected(conn: Any, change: Any) -> Affected:
    """Per tenant, the active items of its latest catalog version (the draft, else the last
    published) citing what the change touches, with the cited provisions."""
    if change["kind"] == "amend":
        touched = (
            "CROSS JOIN LATERAL (SELECT d.change, d.label FROM diff d WHERE c.article IS NULL"
            " OR (d.article = c.article AND d.paragraph = coalesce(c.paragraph, 0)"
            " AND d.item = CASE WHEN c.paragraph IS NULL THEN 0 ELSE coalesce(c.item, 0) END)"
            " ORDER BY d.article, d.paragraph, d.item LIMIT 1) h"
        )
        diff = f"diff AS ({_diff_sql('$1', '$3', '$4')}),"
        args = [
            change["tenant_id"],
            change["document_id"],
            change["from_version_id"],
            change["to_version_id"],
        ]
    else:
        touched = "CROSS JOIN LATERAL (SELECT 'repealed'::text AS change, NULL::text AS label) h"
        diff = ""
        args = [change["tenant_id"], change["document_id"]]
    rows = await conn.fetch(
        f"WITH {diff} latest AS (SELECT v.tenant_id, max(v.number) AS number,"
        "  bool_or(v.status = 'draft') AS drafting"
        "  FROM catalog_versions v WHERE v.tenant_id IN (SELECT x.tenant_id FROM item_citations x"
        "  WHERE x.document_id = $2 AND x.document_tenant = $1) GROUP BY v.tenant_id)"
        " SELECT c.tenant_id, c.item_code, c.article, c.paragraph, c.item, h.change, h.label,"
        " i.title, CASE WHEN l.drafting THEN l.number ELSE l.number + 1 END AS draft_version"
        " FROM latest l"
        " JOIN item_citations c ON c.tenant_id = l.tenant_id AND c.version = l.number"
        " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
        "  AND i.code = c.item_code"
        f" {touched}"
        " WHERE c.document_tenant = $1 AND c.document_id = $2 AND i.status = 'active'"
        " ORDER BY c.tenant_id, c.item_code, c.position",
        *args,
    )
    affected: Affected = {}
    for r in rows:
        label = (
            r["label"]
            if r["article"] is not None and r["label"]
            else _ref_label(r["article"], r["paragraph"], r["item"])
        )
        hits = affected.setdefault(r["tenant_id"], {})
        if r["item_code"] not in hits:
            hits[r["item_code"]] = _Hit(r["title"], r["draft_version"], [])
        cited = hits[r["item_code"]].provisions
        if all(c.label != label for c in cited):
            cited.append(CitedProvision(label, r["change"]))
    return affected


def _reason(change: Any, cited: list[CitedProvision]) -> str:
    title = change["document_title"]
    labels = "、".join(c.label for c in cited[:20]) + ("等" if len(cited) > 20 else "")
    if change["kind"] == "repeal":
        successor = f"，由《{change['successor_title']}》替代" if change["successor_title"] else ""
        return f"《{title}》自{change['effective_date']}起废止{successor}；本事项依据其{labels}，请调整法律依据或事项"
    parts = "、".join(sorted({PROVISION_CHANGES[c.change] for c in cited}))
    return (
        f"《{title}》修改（{change['to_date']}版，自{change['effective_date']}起施行）："
        f"本事项引用的{labels}{parts}，请复核"
    )


async def _open_adjustments(conn: Any, access: Access, change: Any, affected: Affected) -> int:
    """One open ``law_changed`` adjustment per affected item and change, in each tenant's draft."""
    if not affected:
        return 0
    if not _is_shared(change):
        return await _open_for_tenant(conn, access, change, affected.get(access.tenant.id, {}))
    records = await conn.fetch(
        "SELECT id, slug, name, division_code, plugin, settings, created_at FROM tenants WHERE id = ANY($1)",
        list(affected),
    )
    opened = 0
    for record in records:
        tenant = tenant_from_row(record)
        acting = Access(tenant=tenant, principal=access.principal, request_id=access.request_id)
        async with acting_as_tenant(tenant.id) as tenant_conn:
            opened += await _open_for_tenant(tenant_conn, acting, change, affected[tenant.id])
    return opened


async def _open_for_tenant(conn: Any, access: Access, change: Any, items: dict[str, _Hit]) -> int:
    done = {
        r["item_code"]
        for r in await conn.fetch(
            "SELECT item_code FROM catalog_adjustments WHERE tenant_id = $1 AND law_change_id = $2"
            " AND item_code = ANY($3)",
            access.tenant.id,
            change["id"],
            list(items),
        )
    }
    todo = {code: hit.provisions for code, hit in items.items() if code not in done}
    if not todo:
        return 0
    number, _ = await open_draft(conn, access)
    base = {
        "law_change_id": str(change["id"]),
        "document_id": str(change["document_id"]),
        "document_title": change["document_title"],
        "change": change["kind"],
        "effective_date": change["effective_date"].isoformat(),
    }
    codes = list(todo)
    inserted = await conn.fetch(
        "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
        " effective_date, initiator, changes, state, law_change_id)"
        " SELECT $1, $2, 'modify', 'law_changed', r, c, $3, $4::jsonb, ch::jsonb, 'open', $5"
        " FROM unnest($6::text[], $7::text[], $8::text[]) AS x(c, r, ch)"
        " ON CONFLICT (tenant_id, law_change_id, item_code) WHERE law_change_id IS NOT NULL"
        " DO NOTHING RETURNING item_code",
        access.tenant.id,
        number,
        change["effective_date"],
        _json(_initiator(access)),
        change["id"],
        codes,
        [_reason(change, todo[c]) for c in codes],
        [_json({**base, "provisions": todo[c]}) for c in codes],
    )
    await audit.record(
        access,
        "legal_change",
        str(change["id"]),
        "open_adjustments",
        after={
            "document": change["document_title"],
            "kind": change["kind"],
            "catalog_version": number,
            "items": len(inserted),
        },
    )
    return len(inserted)


# --- bulk citation import ----------------------------------------------------------------

_HEADER_NAMES = {"reference_code", "code", "item_code", "编码", "事项编码", "参考编码"}
MAX_IMPORT_ROWS = 10_000


def _records(data: CitationImport) -> list[list[str]]:
    """The table's rows as text cells, from CSV or from the first sheet of a workbook."""
    if (data.csv is None) == (data.xlsx_base64 is None):
        raise ValidationFailed.on("csv", "send the table as csv or as xlsx_base64, one of the two")
    if data.csv is not None:
        return list(csv.reader(io.StringIO(data.csv.lstrip("\ufeff"))))
    encoded = data.xlsx_base64
    assert encoded is not None  # exactly one of the two was sent (checked above)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(encoded, validate=True)), read_only=True)
    except (ValueError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed.on("xlsx_base64", f"not a base64-encoded .xlsx workbook ({exc})") from exc
    sheet = workbook.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _table_rows(records: list[list[str]]) -> tuple[list[tuple[int, str, str]], list[ImportProblem]]:
    rows: list[tuple[int, str, str]] = []
    problems: list[ImportProblem] = []
    for n, record in enumerate(records, start=1):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if n == 1 and cells[0].lower() in _HEADER_NAMES:
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            problems.append(ImportProblem(n, "row", f"more than {MAX_IMPORT_ROWS} rows; split the file"))
            break
        if any(cells[2:]):
            problems.append(ImportProblem(n, "row", "more than two columns: reference code, citation"))
            continue
        code = cells[0]
        citation = cells[1] if len(cells) > 1 else ""
        if not code:
            problems.append(ImportProblem(n, "reference_code", "empty"))
        if not citation:
            problems.append(ImportProblem(n, "citation", "empty: give the citation text"))
        if code and citation:
            rows.append((n, code, citation))
    return rows, problems


async def import_citations(access: Access, data: CitationImport) -> CitationImportReport:
    """Set the draft items' citations from CSV, all or nothing (see :class:`CitationImport`).

    Every citation must resolve to a document of the library and name a provision its current
    version has. ``replace`` makes the CSV's citations the item's; ``append`` adds them after
    the item's own (repeats skipped). A dry run reports and writes nothing; so does a run with
    any problem (422, each problem with its row and column). Each changed item goes through
    :func:`core.catalog_editing.update_item`, so it is validated, versioned and adjusted like any edit.
    """
    require_admin(access, "import citations")
    if data.adjustment is not None and data.adjustment.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("adjustment.reason_kind", f"use one of {', '.join(REASON_KINDS)}")
    rows, problems = _table_rows(_records(data))
    note = data.adjustment or AdjustmentNote(reason_kind="other", reason="批量导入法律依据（CSV）")
    async with tenant_transaction(access.tenant.id) as conn:
        number = await conn.fetchval("SELECT max(number) FROM catalog_versions WHERE tenant_id = $1", access.tenant.id)
        codes = list(dict.fromkeys(code for _, code, _ in rows))
        items = {
            r["code"]: r
            for r in await conn.fetch(
                "SELECT i.code, i.status, i.revision, coalesce((SELECT array_agg(c.raw ORDER BY"
                " c.position) FROM item_citations c WHERE c.tenant_id = i.tenant_id"
                " AND c.version = i.version AND c.item_code = i.code), '{}') AS raws,"
                " coalesce((SELECT array_agg(concat(c.document_id, '/', c.article, '/',"
                " c.paragraph, '/', c.item)) FROM item_citations c WHERE c.tenant_id = i.tenant_id"
                " AND c.version = i.version AND c.item_code = i.code"
                " AND c.document_id IS NOT NULL), '{}') AS refs"
                " FROM catalog_items i WHERE i.tenant_id = $1 AND i.version = $2"
                " AND i.code = ANY($3)",
                access.tenant.id,
                number,
                codes,
            )
        }
        for n, code, _ in rows:
            if code not in items:
                problems.append(ImportProblem(n, "reference_code", f"no item {code} in the catalog"))
            elif items[code]["status"] != "active":
                problems.append(ImportProblem(n, "reference_code", f"{code} is withdrawn"))
        resolved: dict[str, list[str]] = {}
        refs: dict[str, set[str]] = {}
        for c in await resolve_citations(access, [text for _, _, text in rows]):
            resolved.setdefault(c.raw, [])
            if c.problem:
                resolved[c.raw].append(c.problem)
            key = (c.document_id, c.article, c.paragraph, c.item)
            refs.setdefault(c.raw, set()).add("/".join("" if k is None else str(k) for k in key))
        for n, _, text in rows:
            for problem in resolved.get(text, ["names no document"]):
                problems.append(ImportProblem(n, "citation", problem))
        changed, unchanged = _citation_changes(rows, items, refs, data.mode)
        valid = not problems
        report = CitationImportReport(
            dry_run=data.dry_run,
            mode=data.mode,
            valid=valid,
            written=False,
            rows=len(rows),
            items=len(codes),
            changed=changed,
            unchanged=unchanged,
            problems=sorted(problems, key=lambda p: (p.row, p.column)),
        )
        if data.dry_run:
            return report
        if not valid:
            shown = report.problems[:100]
            raise ValidationFailed(
                f"{len(report.problems)} problem(s) in the CSV; nothing was written",
                errors=[FieldError(f"rows[{p.row}].{p.column}", p.problem) for p in shown],
                extra={"problems": msgspec.to_builtins(report.problems)},
            )
        for change in changed:
            await update_item(
                access,
                change.code,
                ItemUpdate(citations=change.after, adjustment=note),
                items[change.code]["revision"],
            )
        report.written = bool(changed)
    return report


def _citation_changes(
    rows: list[tuple[int, str, str]], items: dict[str, Any], refs: dict[str, set[str]], mode: str
) -> tuple[list[ItemCitationChange], list[str]]:
    """Each listed item's citations before and after. Appending skips a text the item has,
    or whose provisions it cites already (《安全生产法》第十条 after
    《中华人民共和国安全生产法》第十条)."""
    wanted: dict[str, list[str]] = {}
    for _, code, text in rows:
        if code in items:
            wanted.setdefault(code, [])
            if text not in wanted[code]:
                wanted[code].append(text)
    changed, unchanged = [], []
    for code, texts in wanted.items():
        before = list(dict.fromkeys(items[code]["raws"]))
        if mode == "replace":
            after = texts
        else:
            after, cited = list(before), set(items[code]["refs"])
            for t in texts:
                if t not in after and not refs.get(t, {t}) <= cited:
                    after.append(t)
                    cited |= refs.get(t, set())
        if after == before:
            unchanged.append(code)
        else:
            changed.append(ItemCitationChange(code, before, after))
    return changed, unchanged
