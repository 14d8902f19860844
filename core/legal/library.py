"""The legal-basis library in the database (依据库): documents, versions, provisions, and
turning the citations people write into references that rest on them.

National laws and regulations are shared by every tenant: they belong to the all-zero
tenant :data:`SHARED_TENANT`, which every tenant's policy lets it read and none write. A
tenant adds its own local and normative documents under its own id.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg
import msgspec

from core.legal import queries, search_index
from core.legal.citations import (
    CitationRef,
    Library,
    Resolved,
    TitleEntry,
    Unparsed,
    Unresolved,
    parse_citations,
    resolve,
)
from core.legal.lawtext import LawText
from core.legal.numerals import article_label, item_label, paragraph_label
from core.legal.queries import SHARED_TENANT
from core.platform import generations
from core.platform.db import tenant_transaction
from core.security.access import Access


class StoredCitation(msgspec.Struct, frozen=True):
    """A citation as stored on an item: resolved, or kept with the reason it is not.
    (A Struct: a resolution builds one per citation, 10,000 in a large import.)"""

    raw: str
    document_tenant: uuid.UUID | None = None
    document_id: uuid.UUID | None = None
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    problem: str | None = None


async def resolve_citations(access: Access, raws: list[str]) -> list[StoredCitation]:
    """Parse and resolve citation strings against the library visible to the tenant.

    Nothing is dropped: an unparsable or unresolvable citation is kept with its reason,
    and so is a reference to an article the document's latest version does not have.
    """
    if not raws:
        return []
    async with tenant_transaction(access.tenant.id) as conn:
        library = await citable_library(conn, access.tenant.id, access.tenant.division_code)
        return await check_provisions(conn, resolve_texts(raws, library))


async def citable_library(conn: asyncpg.Connection, tenant_id: uuid.UUID, division_code: str) -> Library:
    """The documents a tenant may cite, for resolution: its own, the national ones, and the
    local ones of its region (GB/T 2260 prefix of its division code); other regions' local
    documents are kept invisible, only to say why a citation of them does not resolve."""
    rows = await queries.citable_titles(conn, tenant_id)
    return Library(
        TitleEntry(
            title=r.title,
            key=f"{r.tenant_id}/{r.id}",
            level=r.level,
            region_code=r.region_code,
            own=r.tenant_id == tenant_id,
            abbreviations=tuple(r.abbreviations),
            visible=r.tenant_id == tenant_id or in_region(r.region_code, division_code),
            region_name=r.issuer.removesuffix("人民代表大会常务委员会") if r.region_code else "",
        )
        for r in rows
    )


def in_region(region_code: str | None, division_code: str) -> bool:
    """Whether a document of ``region_code`` (None: national) applies in ``division_code``."""
    return region_code is None or division_code.startswith(region_code)


def resolve_texts(raws: list[str], titles: Mapping[str, str] | Library) -> list[StoredCitation]:
    """Parse citation strings and resolve them against the library (or plain ``titles``,
    title → document key), without the database. The title index is built once and each distinct document title
    looked up once, however many citations name it (a resolution depends on the title only).
    """
    parsed = {raw: parse_citations(raw) for raw in dict.fromkeys(raws)}
    first: dict[str, CitationRef] = {}
    for refs in parsed.values():
        for ref in refs:
            if isinstance(ref, CitationRef):
                first.setdefault(ref.document_title, ref)
    looked = dict(zip(first, resolve(list(first.values()), titles), strict=True))
    found: list[StoredCitation] = []
    for raw, refs in parsed.items():
        for ref in refs:
            if isinstance(ref, Unparsed):
                found.append(_stored(raw, ref))
                continue
            hit = looked[ref.document_title]
            if isinstance(hit, Resolved):
                result: Resolved | Unresolved = Resolved(ref, hit.document_key, hit.document_title, hit.match)
            else:
                assert isinstance(hit, Unresolved)
                result = Unresolved(ref, hit.reason, hit.candidates)
            found.append(_stored(raw, result))
    return found


def _stored(raw: str, result: Resolved | Unresolved | Unparsed) -> StoredCitation:
    if isinstance(result, Unparsed):
        return StoredCitation(raw=raw, problem=result.reason)
    ref = result.ref
    if isinstance(result, Unresolved):
        return StoredCitation(raw, None, None, ref.article, ref.paragraph, ref.item, result.reason)
    tenant, document = _key_ids(result.document_key)
    return StoredCitation(raw, tenant, document, ref.article, ref.paragraph, ref.item)


@functools.lru_cache(maxsize=4096)
def _key_ids(key: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A document key's tenant and document ids (10,000 citations name a thousand documents)."""
    tenant, document = key.split("/")
    return uuid.UUID(tenant), uuid.UUID(document)


async def check_provisions(conn: asyncpg.Connection, citations: list[StoredCitation]) -> list[StoredCitation]:
    """Check cited articles exist in each document's latest version (one query, each document
    and each distinct provision sent once)."""
    documents: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    provisions: dict[tuple[int, int | None, int | None, int | None], int] = {}
    at: list[int] = []  # per citation, its provision's position (-1: not resolved)
    for c in citations:
        if c.document_tenant is None or c.document_id is None:
            at.append(-1)
            continue
        doc = documents.setdefault((c.document_tenant, c.document_id), len(documents) + 1)
        at.append(provisions.setdefault((doc, c.article, c.paragraph, c.item), len(provisions)))
    if not provisions:
        return list(citations)
    keys = list(provisions)
    rows = await queries.checked_citations(
        conn,
        [t for t, _ in documents],
        [d for _, d in documents],
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        [k[3] for k in keys],
    )
    found: list[queries.CheckedCitationRow | None] = [None] * len(provisions)
    for row in rows:
        found[row.n - 1] = row
    checked = list(citations)
    for i, (c, k) in enumerate(zip(citations, at, strict=True)):
        checked_row = found[k] if k >= 0 else None
        if checked_row is None:
            continue
        if not checked_row.present:
            last = checked_row.last
            span = f" (it has {article_label(1)}–{article_label(last)})" if last else ""
            checked[i] = msgspec.structs.replace(c, problem=f"{_label(c)} does not exist in the current version{span}")
        elif c.item is not None and c.paragraph is None and checked_row.paragraph:
            checked[i] = msgspec.structs.replace(c, paragraph=checked_row.paragraph)
    return checked


def _label(c: StoredCitation) -> str:
    label = article_label(c.article) if c.article else "the document"
    if c.paragraph:
        label += paragraph_label(c.paragraph)
    if c.item:
        label += item_label(c.item)
    return label


# --- importing -------------------------------------------------------------------------------


def provision_rows(law: LawText) -> list[tuple[int, int, int, str, str | None, str]]:
    """(article, paragraph, item, label, chapter, text): the article whole (paragraph 0),
    each paragraph (item 0), each item."""
    out = []
    for a in law.articles:
        whole = "\n".join(_paragraph_text(p) for p in a.paragraphs)
        out.append((a.number, 0, 0, a.label, a.chapter, whole))
        for p in a.paragraphs:
            label = a.label + paragraph_label(p.number)
            out.append((a.number, p.number, 0, label, a.chapter, _paragraph_text(p)))
            for it in p.items:
                label = a.label + paragraph_label(p.number) + item_label(it.number)
                out.append((a.number, p.number, it.number, label, a.chapter, it.text))
    return out


def _paragraph_text(p: Any) -> str:
    return "\n".join([p.text, *(f"{item_label(i.number).strip('第项')} {i.text}" for i in p.items)])


async def store_law(conn: asyncpg.Connection, tenant_id: uuid.UUID, law: LawText, source: str) -> bool:
    """Insert one version of a law (its document on first sight). False if already there."""
    document_id = await conn.fetchval(
        queries.UPSERT_LAW_DOCUMENT,
        tenant_id,
        law.title,
        law.short_title,
        law.level,
    )
    await generations.bump(conn, tenant_id)
    return await store_version(conn, tenant_id, document_id, law, source) is not None


async def store_version(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    law: LawText,
    source: str,
    effective_date: date | None = None,
) -> uuid.UUID | None:
    """Insert ``law`` as a version of an existing document, with its provisions.

    Returns the new version's id, or None when the document already has a version of that
    date (nothing is written then).
    """
    version_id: uuid.UUID | None = await conn.fetchval(
        queries.INSERT_VERSION,
        tenant_id,
        document_id,
        law.version_date,
        effective_date,
        msgspec.json.encode([{"date": h.date, "text": h.text} for h in law.history]).decode(),
        source,
    )
    if version_id is None:
        return None
    await generations.bump(conn, tenant_id)  # for the version and its provisions
    rows = provision_rows(law)
    if not rows:
        return version_id
    if tenant_id == SHARED_TENANT:
        await search_index.append(conn, document_id, law.title, version_id, rows)
    articles, paragraphs, items, labels, chapters, texts = zip(*rows, strict=True)
    await conn.execute(
        queries.INSERT_PROVISIONS,
        tenant_id,
        version_id,
        articles,
        paragraphs,
        items,
        labels,
        chapters,
        texts,
    )
    return version_id
