"""Legal documents, their versions and provisions: reading, adding, keyword search over provisions."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import asyncpg
import msgspec

from core.legal import queries, search_index
from core.legal.citations import CitationRef, parse_citations, to_simplified
from core.legal.lawtext import Article, Item, LawText, Paragraph, parse_law, short_title
from core.legal.library import store_version
from core.legal.model import (
    LEVEL_CODES,
    LEVELS,
    STATUSES,
    TENANT_LEVELS,
    WHOLE_DOCUMENT,
    ArticleData,
    ArticleView,
    DocumentCreate,
    DocumentCreated,
    DocumentView,
    HistoryLine,
    ParagraphView,
    ProvisionHit,
    ProvisionItem,
    ProvisionView,
    RepealInfo,
    VersionSummary,
    VersionView,
)
from core.legal.numerals import article_label, item_label, paragraph_label
from core.legal.queries import SHARED_TENANT
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from core.platform.inputs import check_day, check_name
from core.platform.messages import Text
from core.platform.pagination import Page, SmallPosition, check_limit, decode_cursor, page_of
from core.plugin_api.registry import PluginError
from core.plugin_api.types import LegalDocument as PluginDocument
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin


def _level_value(level: str | None) -> str | None:
    """A level filter (code or Chinese label) as stored; None for no filter."""
    if level is None:
        return None
    if level in LEVELS:
        return LEVELS[level]
    if level in LEVEL_CODES:
        return level
    raise ValidationFailed.on("level", Text("field.use-one", value=list(LEVELS)))


def ref_label(article: int | None, paragraph: int | None, item: int | None) -> str:
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
        raise ValidationFailed.on("q", Text("field.give-at-least-one"))
    if len(words) > 10 or any(len(w) > 100 for w in words):
        raise ValidationFailed.on("q", Text("field.at-most-10-words"))
    words = sorted(words, key=len, reverse=True)  # the longest first: the most selective ILIKE first
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
        Text("field.names-no-single-provision", ref=ref),
    )


def initiator(access: Access) -> dict[str, Any]:
    p = access.principal
    return {
        "key_id": str(p.key_id) if p.key_id else None,
        "role": p.role.value,
        "scope": p.scope_code,
        "name": p.name,
        "tenant": access.tenant.slug,
    }


def json_param(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def is_shared(row: queries.DocumentRow | queries.ChangeRow | queries.TitleClashRow) -> bool:
    return row.tenant_id == SHARED_TENANT


# --- documents ---------------------------------------------------------------------------


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


def _document_view(row: queries.DocumentRow) -> DocumentView:
    current = None
    if row.cur_id is not None:
        assert row.cur_date is not None, "a current version has a date"
        effective = row.cur_effective or row.cur_date
        current = VersionSummary(
            id=str(row.cur_id),
            version_date=row.cur_date,
            effective_date=row.cur_effective,
            status=_version_status(effective, False, row.repeal_date, row.today),
        )
    repeal = None
    if row.repeal_id is not None:
        assert row.repeal_date is not None, "a recorded repeal has an effective date"
        repeal = RepealInfo(
            change_id=str(row.repeal_id),
            effective_date=row.repeal_date,
            successor_id=str(row.successor_id) if row.successor_id else None,
            successor_title=row.successor_title,
        )
    level = LEVEL_CODES.get(row.level, "other")
    return DocumentView(
        id=str(row.id),
        shared=is_shared(row),
        title=row.title,
        short_title=row.short_title,
        level=level,
        level_label=LEVELS[level],
        issuer=row.issuer,
        doc_number=row.doc_number,
        status=row.status,
        status_label=STATUSES[row.status],
        promulgation_date=row.cur_date,
        effective_date=row.cur_effective,
        first_promulgated=row.first_promulgated,
        version_count=row.version_count,
        current_version=current,
        repeal=repeal,
        created_at=row.created_at,
        region_code=row.region_code,
        abbreviations=list(row.abbreviations),
        amends_id=str(row.amends_id) if row.amends_id else None,
    )


async def document_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> queries.DocumentRow:
    """A document of the tenant or of the shared library; NotFound otherwise."""
    row = await queries.document_row(conn, tenant_id, document_id)
    if row is None:
        raise NotFound(Text("not-found.no-legal-document", document_id=document_id))
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
        raise ValidationFailed.on("status", Text("field.use-one", value=list(STATUSES)))
    level_value = _level_value(level)
    patterns = _patterns(q)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.document_page(
            conn,
            access.tenant.id,
            level=level_value,
            shared=shared,
            patterns=patterns,
            status=status,
            after=after,
            limit=limit + 1,
            division_code=access.tenant.division_code,
        )
    return page_of([_document_view(r) for r in records], limit, key=lambda d: [d.title, d.id])


async def get_document(access: Access, document_id: uuid.UUID) -> DocumentView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _document_view(await document_row(conn, access.tenant.id, document_id))


def articles_law(title: str, version_date: datetime.date, level: str, articles: list[ArticleData]) -> LawText:
    seen: set[int] = set()
    previous = 0
    problems = []
    for n, a in enumerate(articles):
        if a.number in seen or a.number <= previous:
            problems.append(FieldError.said(f"articles[{n}].number", Text("field.out-order-repeated", number=a.number)))
        seen.add(a.number)
        previous = max(previous, a.number)
    if problems:
        raise ValidationFailed.listing(problems)
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


def one_source(text: str | None, articles: list[ArticleData] | None) -> None:
    if (text is None) == (articles is None):
        raise ValidationFailed.on("text", Text("field.send-text-as-published"))


def parsed_text(text: str) -> LawText:
    law = parse_law(text)
    if not law.articles:
        hint = "; ".join(law.warnings[:3])
        raise ValidationFailed.on("text", Text("field.no-articles-found-at", hint=hint))
    return law


def _new_document(data: DocumentCreate) -> tuple[LawText, str]:
    """The law to store and its level code, or a 422 naming the field."""
    one_source(data.text, data.articles)
    parsed = parsed_text(data.text) if data.text is not None else None
    title = data.title or (parsed.title if parsed and parsed.title != "(untitled)" else None)
    if title is None:
        raise ValidationFailed.on("title", Text("field.document-s-full-title"))
    check_name("title", title)  # also when read from the text
    version_date = data.version_date or (parsed.version_date if parsed else None)
    check_day("version_date", version_date)
    if version_date is None:
        raise ValidationFailed.on("version_date", Text("field.date-version-required"))
    if data.level in ("law", "administrative_regulation"):
        raise ValidationFailed.on(
            "level",
            Text("field.laws-administrative-regulations-are", value=list(TENANT_LEVELS)),
        )
    level = data.level or (LEVEL_CODES.get(parsed.level) if parsed else None)
    if level not in TENANT_LEVELS:
        raise ValidationFailed.on("level", Text("field.say-which-level", value=list(TENANT_LEVELS)))
    if data.effective_date is not None and data.effective_date < version_date:
        raise ValidationFailed.on(
            "effective_date",
            Text("field.before-version-date", effective_date=data.effective_date, version_date=version_date),
        )
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
        law = articles_law(title, version_date, LEVELS[level], data.articles)
    return law, level


async def create_document(access: Access, data: DocumentCreate) -> DocumentCreated:
    """A tenant's own document with its first version (admin)."""
    require_admin(access, "add legal documents")
    law, level = _new_document(data)
    async with tenant_transaction(access.tenant.id) as conn:
        clash = await queries.title_clash(conn, access.tenant.id, law.title, law.short_title)
        if clash is not None:
            whose = "a national document" if is_shared(clash) else "this tenant's document"
            raise Conflict(
                Text("conflict.title-has-title-record", whose=whose, title=clash.title),
                errors=[FieldError.said("title", Text("field.already-used"))],
            )
        document_id = await conn.fetchval(
            queries.INSERT_DOCUMENT,
            access.tenant.id,
            law.title,
            law.short_title,
            LEVELS[level],
            data.issuer,
            data.doc_number,
        )
        await generations.bump(conn, access.tenant.id)
        await store_version(conn, access.tenant.id, document_id, law, source_of(access), data.effective_date)
        view = _document_view(await document_row(conn, access.tenant.id, document_id))
        await audit.record(access, "legal_document", view.id, "create", after=view)
    return DocumentCreated(**msgspec.structs.asdict(view), warnings=list(law.warnings))


def source_of(access: Access) -> str:
    return f"uploaded by {access.principal.name or access.role.value} ({access.tenant.slug})"


# --- versions and provisions -------------------------------------------------------------


async def list_versions(access: Access, document_id: uuid.UUID) -> list[VersionView]:
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await document_row(conn, access.tenant.id, document_id)
        records = await queries.version_list(conn, doc.tenant_id, document_id)
    today = doc.today
    effective = [r.effective_date or r.version_date for r in records]
    views = []
    for n, r in enumerate(records):
        superseded = any(e <= today for e in effective[n + 1 :])
        status = _version_status(effective[n], superseded, doc.repeal_date, today)
        views.append(
            VersionView(
                id=str(r.id),
                version_date=r.version_date,
                effective_date=r.effective_date,
                status=status,
                status_label=STATUSES[status],
                current=r.id == doc.cur_id,
                article_count=r.article_count,
                history=msgspec.json.decode(r.history, type=list[HistoryLine]),
                source=r.source,
            )
        )
    return views


async def find_version(conn: asyncpg.Connection, doc: queries.DocumentRow, selector: str | None) -> queries.VersionRow:
    """A version of ``doc`` by id, by version date, or (None / ``current``) the latest."""
    if selector is None or selector in ("current", "latest"):
        row = await queries.latest_version(conn, doc.tenant_id, doc.id)
    else:
        try:
            version_id = uuid.UUID(selector)
        except ValueError:
            try:
                day = datetime.date.fromisoformat(selector)
            except ValueError:
                raise ValidationFailed.on("version", Text("field.version-id-version-date", selector=selector)) from None
            row = await queries.version_by_date(conn, doc.tenant_id, doc.id, day)
        else:
            row = await queries.version_by_id(conn, doc.tenant_id, doc.id, version_id)
    if row is None:
        raise NotFound(Text("not-found.has-no-version", title=doc.title, selector=selector))
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
        doc = await document_row(conn, access.tenant.id, document_id)
        found = await find_version(conn, doc, version)
        records = await queries.provision_page(conn, doc.tenant_id, found.id, after, limit + 1)
    articles: list[ArticleView] = []
    for r in records:
        if r.paragraph == 0:
            articles.append(ArticleView(r.article, r.label, r.chapter, r.text, []))
        elif r.item == 0:
            articles[-1].paragraphs.append(ParagraphView(r.paragraph, r.label, r.text, []))
        else:
            articles[-1].paragraphs[-1].items.append(ProvisionItem(r.item, r.label, r.text))
    return page_of(articles, limit, key=lambda a: a.article)


async def missing_document(
    conn: asyncpg.Connection, doc: queries.DocumentRow, version: queries.VersionRow, label: str
) -> NotFound:
    last = await conn.fetchval(queries.LAST_ARTICLE, doc.tenant_id, version.id)
    span = f"{article_label(1)}–{article_label(last)}" if last else "no articles"
    return NotFound(
        Text("not-found.has-no-has", title=doc.title, version_date=version.version_date, label=label, span=span)
    )


async def get_provision(access: Access, document_id: uuid.UUID, ref: str, version: str | None = None) -> ProvisionView:
    """One article, paragraph or item of a version (default: the current one)."""
    article, paragraph, item = parse_ref(ref)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await document_row(conn, access.tenant.id, document_id)
        found = await find_version(conn, doc, version)
        rows = await queries.provision_parts(conn, doc.tenant_id, found.id, article, paragraph, item)
        if not rows:
            raise await missing_document(conn, doc, found, ref_label(article, paragraph, item))
    if len(rows) > 1:
        raise ValidationFailed.on(
            "provision",
            Text("field.ambiguous-items-are-listed", value=ref_label(article, None, item), value2=len(rows)),
        )
    r = rows[0]
    return ProvisionView(
        document_id=str(doc.id),
        document_title=doc.title,
        version_id=str(found.id),
        version_date=found.version_date,
        article=r.article,
        paragraph=r.paragraph or None,
        item=r.item or None,
        label=r.label,
        chapter=r.chapter,
        text=r.text,
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
        raise ValidationFailed.on("q", Text("field.give-words-search"))
    patterns = _patterns(q)
    assert patterns is not None, "q is given"
    limit = check_limit(limit)
    after = decode_cursor(cursor, tuple[str, uuid.UUID, SmallPosition])
    level_value = _level_value(level)
    async with tenant_transaction(access.tenant.id, read_only=True, generic_plans=True) as conn:
        found = await search_index.search(
            conn,
            access.tenant.id,
            words=to_simplified(q).split(),
            patterns=patterns,
            level=level_value,
            document_id=document_id,
            after=after,
            limit=limit + 1,
            division_code=access.tenant.division_code,
        )
    hits = [
        ProvisionHit(
            document_id=f.document_id,
            document_title=f.title,
            level=LEVEL_CODES.get(f.level, "other"),
            level_label=f.level,
            version_id=f.version_id,
            version_date=f.version_date,
            article=f.article,
            label=f.label,
            chapter=f.chapter,
            text=f.text,
        )
        for f in found
    ]
    return page_of(hits, limit, key=lambda h: [h.document_title, h.document_id, h.article])


async def add_shipped(access: Access, shipped: list[PluginDocument]) -> int:
    """A plugin's local documents stored as the tenant's own (provisioning); a title the tenant
    already has is skipped. Returns how many were added. A text that does not parse is a
    :class:`PluginError` naming it."""
    added = 0
    for i, doc in enumerate(shipped):
        if not isinstance(doc, PluginDocument):
            raise PluginError(access.tenant.plugin or "", "qingdan_legal_documents", f"[{i}]", "expected LegalDocument")
        level = LEVEL_CODES.get(doc.level, doc.level)
        try:
            body = DocumentCreate(text=doc.text, level=level, issuer=doc.issuer, doc_number=doc.doc_number)  # type: ignore[arg-type]
            law, _ = _new_document(body)
        except ValidationFailed as exc:
            raise PluginError(access.tenant.plugin or "", "qingdan_legal_documents", f"[{i}]", exc.detail) from exc
        async with tenant_transaction(access.tenant.id) as conn:
            if await queries.title_clash(conn, access.tenant.id, law.title, law.short_title):
                continue
        await create_document(access, body)
        added += 1
    return added
