"""The legal library's SQL statements and the typed rows they return (issue 16, item 3).

Every statement of the legal context lives here; the section modules (documents, changes,
recording, citation_index, citation_import, library) call these functions and read rows by
attribute. A row Struct's fields are exactly its statement's columns (``core.platform.rows``).

Reads of the library see a tenant's own documents and the shared national library (the
all-zero tenant, :data:`SHARED_TENANT`): they name both, ``tenant_id IN ($n, SHARED)``, which
is what the tenant's row-level security policy lets it see, so the key changes no result.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as

SHARED_TENANT = uuid.UUID(int=0)
# SHARED_TENANT as an SQL literal (the tenant-keyed SQL test accepts `tenant_id IN ($n, '…')`).
_SHARED = "'00000000-0000-0000-0000-000000000000'"


class _Row(msgspec.Struct, frozen=True):
    pass


# --- documents -------------------------------------------------------------------------------


class DocumentRow(_Row, frozen=True):
    """A document with its current version, counts, repeal and computed status."""

    tenant_id: uuid.UUID
    id: uuid.UUID
    title: str
    short_title: str
    level: str
    issuer: str
    doc_number: str
    created_at: datetime.datetime
    today: datetime.date
    first_promulgated: datetime.date | None
    version_count: int
    in_force_count: int
    cur_id: uuid.UUID | None
    cur_date: datetime.date | None
    cur_effective: datetime.date | None
    repeal_id: uuid.UUID | None
    repeal_date: datetime.date | None
    successor_id: uuid.UUID | None
    successor_title: str | None
    status: str
    region_code: str | None
    abbreviations: list[str]
    amends_id: uuid.UUID | None


# A shared local document is offered to the tenants of its region only (GB/T 2260 prefix of
# the tenant's division code); national ones (no region) and the tenant's own to all.
_IN_REGION = "(d.region_code IS NULL OR starts_with({div}, d.region_code))"


# `own`: the parameter naming the reading tenant; the successor is its or a shared document.
def _documents(own: str) -> str:
    return f"""
SELECT d.tenant_id, d.id, d.title, d.short_title, d.level, d.issuer, d.doc_number, d.created_at,
       CURRENT_DATE AS today, s.first_promulgated, s.version_count, s.in_force_count,
       cur.id AS cur_id, cur.version_date AS cur_date, cur.effective_date AS cur_effective,
       r.id AS repeal_id, r.effective_date AS repeal_date, r.successor_id,
       (SELECT sd.title FROM legal_documents sd WHERE sd.tenant_id IN ({own}, {_SHARED})
         AND sd.id = r.successor_id LIMIT 1) AS successor_title,
       CASE WHEN r.effective_date <= CURRENT_DATE THEN 'repealed'
            WHEN s.in_force_count = 0 THEN 'not_yet_effective' ELSE 'in_force' END AS status,
       d.region_code, d.abbreviations, d.amends_id
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


async def document_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> DocumentRow | None:
    """A document of ``tenant_id`` or of the shared library, by id."""
    record = await conn.fetchrow(
        _documents("$2") + f" WHERE d.id = $1 AND d.tenant_id IN ($2, {_SHARED})", document_id, tenant_id
    )
    return maybe_row_as(DocumentRow, record)


async def document_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, document_ids: list[uuid.UUID]
) -> list[DocumentRow]:
    """Documents of ``tenant_id`` or of the shared library, by ids (any order)."""
    records = await conn.fetch(
        _documents("$2") + f" WHERE d.id = ANY($1::uuid[]) AND d.tenant_id IN ($2, {_SHARED})", document_ids, tenant_id
    )
    return rows_as(DocumentRow, records)


async def document_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    level: str | None,
    shared: bool | None,
    patterns: list[str] | None,
    status: str | None,
    after: tuple[str, uuid.UUID] | None,
    limit: int,
    division_code: str,
) -> list[DocumentRow]:
    """The tenant's and the shared documents, by title; ``patterns`` match the title or an
    article of the current version (all of them)."""
    records = await conn.fetch(
        "SELECT x.tenant_id, x.id, x.title, x.short_title, x.level, x.issuer, x.doc_number, x.created_at,"
        " x.today, x.first_promulgated, x.version_count, x.in_force_count, x.cur_id, x.cur_date,"
        " x.cur_effective, x.repeal_id, x.repeal_date, x.successor_id, x.successor_title, x.status,"
        " x.region_code, x.abbreviations, x.amends_id"
        " FROM (" + _documents("$9") + f" WHERE d.tenant_id IN ($9, {_SHARED}) AND {_IN_REGION.format(div='$10')}"
        " AND ($1::text IS NULL OR d.level = $1)"
        " AND ($2::bool IS NULL OR $2 = (d.tenant_id = $3))"
        " AND ($4::text[] IS NULL OR d.title ILIKE ALL($4)"
        " OR EXISTS (SELECT 1 FROM provisions p"
        "  WHERE p.tenant_id = d.tenant_id AND p.version_id = cur.id AND p.paragraph = 0"
        "  AND p.item = 0 AND p.text ILIKE ALL($4)))) x"
        " WHERE ($5::text IS NULL OR x.status = $5"
        " OR ($5 = 'amended' AND x.in_force_count > 1))"
        " AND ($6::text IS NULL OR (x.title, x.id) > ($6, $7::uuid))"
        " ORDER BY x.title, x.id LIMIT $8",
        level,
        shared,
        SHARED_TENANT,
        patterns,
        status,
        after[0] if after else None,
        after[1] if after else None,
        limit,
        tenant_id,
        division_code,
    )
    return rows_as(DocumentRow, records)


class TitleClashRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    title: str


async def title_clash(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, title: str, short_title: str
) -> TitleClashRow | None:
    """A document of the tenant or the shared library with this title or short title (own first)."""
    record = await conn.fetchrow(
        f"SELECT tenant_id, title FROM legal_documents WHERE tenant_id IN ($4, {_SHARED})"
        " AND (title = $1 OR short_title = $2)"
        " ORDER BY tenant_id = $3 DESC LIMIT 1",
        title,
        short_title,
        SHARED_TENANT,
        tenant_id,
    )
    return maybe_row_as(TitleClashRow, record)


INSERT_DOCUMENT = (
    "INSERT INTO legal_documents (tenant_id, title, short_title, level, issuer, doc_number)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
)

# A law of the shipped library by title: its document, created on first sight.
UPSERT_LAW_DOCUMENT = (
    "INSERT INTO legal_documents (tenant_id, title, short_title, level) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (tenant_id, title) DO UPDATE SET short_title = excluded.short_title"
    " RETURNING id"
)


class DocumentTitleRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    id: uuid.UUID
    title: str
    level: str
    region_code: str | None
    abbreviations: list[str]
    issuer: str


async def citable_titles(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[DocumentTitleRow]:
    """Every title a tenant may cite — its own and the shared library's, local documents of
    every region (resolution offers only its region's, and names the others when cited)."""
    records = await conn.fetch(
        "SELECT tenant_id, id, title, level, region_code, abbreviations, issuer FROM legal_documents"
        f" WHERE tenant_id IN ($1, {_SHARED})",
        tenant_id,
    )
    return rows_as(DocumentTitleRow, records)


class LibraryVersionRow(_Row, frozen=True):
    title: str
    version_date: datetime.date


async def library_versions(conn: asyncpg.Connection) -> list[LibraryVersionRow]:
    """The versions the shared library holds (title, date)."""
    records = await conn.fetch(
        "SELECT d.title, v.version_date FROM legal_documents d JOIN legal_versions v"
        " ON v.tenant_id = d.tenant_id AND v.document_id = d.id WHERE d.tenant_id = $1",
        SHARED_TENANT,
    )
    return rows_as(LibraryVersionRow, records)


class SuccessorRow(_Row, frozen=True):
    tenant_id: uuid.UUID


async def successor(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> SuccessorRow | None:
    """A document that may succeed a repealed one of ``tenant_id``: its own or a shared one."""
    record = await conn.fetchrow(
        f"SELECT tenant_id FROM legal_documents WHERE id = $1 AND tenant_id IN ($2, {_SHARED})",
        document_id,
        tenant_id,
    )
    return maybe_row_as(SuccessorRow, record)


LOCK_DOCUMENT = "SELECT 1 FROM legal_documents WHERE tenant_id = $1 AND id = $2 FOR UPDATE"

MARK_REPEALED = "UPDATE legal_documents SET status = 'repealed', successor_id = $3 WHERE tenant_id = $1 AND id = $2"


# --- versions and provisions -----------------------------------------------------------------


class VersionRow(_Row, frozen=True):
    id: uuid.UUID
    version_date: datetime.date
    effective_date: datetime.date | None


async def versions(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> list[VersionRow]:
    """A document's versions, oldest first."""
    records = await conn.fetch(
        "SELECT id, version_date, effective_date FROM legal_versions WHERE tenant_id = $1"
        " AND document_id = $2 ORDER BY version_date",
        tenant_id,
        document_id,
    )
    return rows_as(VersionRow, records)


_VERSION = "SELECT id, version_date, effective_date FROM legal_versions WHERE tenant_id = $1 AND document_id = $2"


async def latest_version(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> VersionRow | None:
    record = await conn.fetchrow(_VERSION + " ORDER BY version_date DESC LIMIT 1", tenant_id, document_id)
    return maybe_row_as(VersionRow, record)


async def version_by_id(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID, version_id: uuid.UUID
) -> VersionRow | None:
    record = await conn.fetchrow(_VERSION + " AND id = $3", tenant_id, document_id, version_id)
    return maybe_row_as(VersionRow, record)


async def version_by_date(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID, version_date: datetime.date
) -> VersionRow | None:
    record = await conn.fetchrow(_VERSION + " AND version_date = $3", tenant_id, document_id, version_date)
    return maybe_row_as(VersionRow, record)


class VersionListRow(_Row, frozen=True):
    id: uuid.UUID
    version_date: datetime.date
    effective_date: datetime.date | None
    history: str
    source: str
    article_count: int


async def version_list(conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID) -> list[VersionListRow]:
    records = await conn.fetch(
        "SELECT v.id, v.version_date, v.effective_date, v.history, v.source,"
        " (SELECT count(*) FROM provisions p WHERE p.tenant_id = v.tenant_id"
        "  AND p.version_id = v.id AND p.paragraph = 0 AND p.item = 0) AS article_count"
        " FROM legal_versions v WHERE v.tenant_id = $1 AND v.document_id = $2"
        " ORDER BY v.version_date",
        tenant_id,
        document_id,
    )
    return rows_as(VersionListRow, records)


INSERT_VERSION = (
    "INSERT INTO legal_versions (tenant_id, document_id, version_date, effective_date, history,"
    " source) VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING RETURNING id"
)

SET_VERSION_EFFECTIVE = "UPDATE legal_versions SET effective_date = $3 WHERE tenant_id = $1 AND id = $2"

INSERT_PROVISIONS = (
    "INSERT INTO provisions (tenant_id, version_id, article, paragraph, item, label, chapter,"
    " text) SELECT $1, $2, a, p, i, l, c, t FROM unnest($3::int[], $4::int[], $5::int[],"
    " $6::text[], $7::text[], $8::text[]) AS x(a, p, i, l, c, t) ON CONFLICT DO NOTHING"
)


class ProvisionRow(_Row, frozen=True):
    article: int
    paragraph: int
    item: int
    label: str
    chapter: str | None
    text: str


async def provision_page(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, version_id: uuid.UUID, after: int | None, limit: int
) -> list[ProvisionRow]:
    """Up to ``limit`` articles after ``after``, each with its paragraphs and items, in order."""
    records = await conn.fetch(
        "SELECT article, paragraph, item, label, chapter, text FROM provisions"
        " WHERE tenant_id = $1 AND version_id = $2"
        " AND article IN (SELECT article FROM provisions"
        "  WHERE tenant_id = $1 AND version_id = $2 AND paragraph = 0 AND item = 0"
        "  AND ($3::int IS NULL OR article > $3) ORDER BY article LIMIT $4)"
        " ORDER BY article, paragraph, item",
        tenant_id,
        version_id,
        after,
        limit,
    )
    return rows_as(ProvisionRow, records)


async def provision_parts(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    version_id: uuid.UUID,
    article: int,
    paragraph: int | None,
    item: int | None,
) -> list[ProvisionRow]:
    """The article, paragraph or item named; an item without its paragraph: one per paragraph."""
    records = await conn.fetch(
        "SELECT article, paragraph, item, label, chapter, text FROM provisions"
        " WHERE tenant_id = $1 AND version_id = $2 AND article = $3"
        " AND (paragraph = $4 OR ($4::int IS NULL AND (paragraph = 0) = ($5::int IS NULL)))"
        " AND item = coalesce($5, 0) ORDER BY paragraph",
        tenant_id,
        version_id,
        article,
        paragraph,
        item,
    )
    return rows_as(ProvisionRow, records)


LAST_ARTICLE = "SELECT max(article) FROM provisions WHERE tenant_id = $1 AND version_id = $2"


class ProvisionTextRow(_Row, frozen=True):
    article: int
    paragraph: int
    item: int
    text: str


async def provision_texts(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, version_id: uuid.UUID
) -> list[ProvisionTextRow]:
    records = await conn.fetch(
        "SELECT article, paragraph, item, text FROM provisions WHERE tenant_id = $1"
        " AND version_id = $2 ORDER BY article, paragraph, item",
        tenant_id,
        version_id,
    )
    return rows_as(ProvisionTextRow, records)


class OwnHitRow(_Row, frozen=True):
    """One row of :func:`own_hits`: the library's state, the words as ILIKE lowers them, the
    cursor's place among the shared articles, and one of the tenant's own matching articles
    (its columns null when none matches)."""

    library: str  # _LIBRARY
    generation: int
    lowered: list[str]
    cursor_ordinal: int | None
    document_id: uuid.UUID | None
    title: str | None
    level: str | None
    version_id: uuid.UUID | None
    version_date: datetime.date | None
    article: int | None
    label: str | None
    chapter: str | None
    text: str | None
    before: int | None


async def own_hits(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    words: list[str],
    patterns: list[str],
    level: str | None,
    document_id: uuid.UUID | None,
    after: tuple[str, uuid.UUID, int] | None,
    limit: int,
    division_code: str,
) -> list[OwnHitRow]:
    """What a search needs of the database besides the shared library kept in process
    (:mod:`core.legal.search_copy`), in one statement: the library's identity and generation
    (which copy the shared hits may come from), ``words`` lowered as ``ILIKE`` lowers them (the
    copy's texts are lowered by the same ``lower``), the last shared article at or before the
    cursor, and the tenant's own articles of current versions matching every pattern, in
    result order, each with ``before``: the last shared article ordered before it (null: none),
    so that the caller merges them into the shared hits without comparing titles itself (the
    database's collation orders them). Always at least one row.

    Run it in a transaction with generic plans (``tenant_transaction(generic_plans=True)``):
    planning it cost 0.7 ms of the server's CPU per search, running it 0.2 ms, and its plan —
    key lookups, the tenant's own articles by its key — does not depend on the values."""
    records = await conn.fetch(
        f"SELECT {_LIBRARY} AS library, g.generation,"
        " (SELECT array_agg(lower(w) ORDER BY n) FROM unnest($1::text[]) WITH ORDINALITY AS x(w, n)) AS lowered,"
        " (SELECT a.ordinal FROM legal_search_articles a"
        "  WHERE (a.title, a.document_id, a.article) <= ($2, $3::uuid, $4::int)"
        "  ORDER BY a.title DESC, a.document_id DESC, a.article DESC LIMIT 1) AS cursor_ordinal,"
        " h.document_id, h.title, h.level, h.version_id, h.version_date, h.article, h.label, h.chapter, h.text,"
        " h.before"
        " FROM library_generation g LEFT JOIN LATERAL ("
        "  SELECT row_number() OVER (ORDER BY d.title, d.id, p.article) AS n,"
        "   d.id AS document_id, d.title, d.level, cur.id AS version_id, cur.version_date, p.article, p.label,"
        "   p.chapter, p.text, (SELECT a.ordinal FROM legal_search_articles a"
        "    WHERE (a.title, a.document_id, a.article) < (d.title, d.id, p.article)"
        "    ORDER BY a.title DESC, a.document_id DESC, a.article DESC LIMIT 1) AS before"
        "  FROM provisions p"
        "  JOIN legal_versions cur ON cur.tenant_id = p.tenant_id AND cur.id = p.version_id"
        "  JOIN legal_documents d ON d.tenant_id = cur.tenant_id AND d.id = cur.document_id"
        "  WHERE p.tenant_id = $5 AND p.paragraph = 0 AND p.item = 0 AND p.text ILIKE ALL($6)"
        f"  AND {_IN_REGION.format(div='$7')} AND ($8::text IS NULL OR d.level = $8)"
        "  AND ($9::uuid IS NULL OR d.id = $9)"
        "  AND NOT EXISTS (SELECT 1 FROM legal_versions later WHERE later.tenant_id = cur.tenant_id"
        "   AND later.document_id = cur.document_id AND later.version_date > cur.version_date)"
        "  AND ($2::text IS NULL OR (d.title, d.id, p.article) > ($2, $3::uuid, $4::int))"
        "  ORDER BY d.title, d.id, p.article LIMIT $10) h ON true"
        " ORDER BY h.n",
        words,
        after[0] if after else None,
        after[1] if after else None,
        after[2] if after else None,
        tenant_id,
        patterns,
        division_code,
        level,
        document_id,
        limit,
    )
    return rows_as(OwnHitRow, records)


# --- the shared library's search index (core.legal.search_index) -------------------------------

SEARCH_INDEX_LOCK = "SELECT pg_advisory_xact_lock(1901190119)"  # one writer of the index at a time

# The shared library's current articles in search-result order (a rebuild numbers them so).
SHARED_CURRENT_ARTICLES = (
    "SELECT d.id AS document_id, v.id AS version_id, p.article, d.title, p.text FROM legal_documents d"
    " CROSS JOIN LATERAL (SELECT v.id FROM legal_versions v WHERE v.tenant_id = $1"
    "  AND v.document_id = d.id ORDER BY v.version_date DESC LIMIT 1) v"
    " JOIN provisions p ON p.tenant_id = $1 AND p.version_id = v.id AND p.paragraph = 0 AND p.item = 0"
    " WHERE d.tenant_id = $1 ORDER BY d.title, d.id, p.article"
)

SEARCH_INDEX_MISSING = (
    "SELECT NOT EXISTS (SELECT 1 FROM legal_search_articles)"
    " AND EXISTS (SELECT 1 FROM legal_versions WHERE tenant_id = $1)"
)

CLEAR_SEARCH_INDEX = "TRUNCATE legal_search_appended, legal_search_postings, legal_search_articles"

NEXT_SEARCH_ORDINAL = "SELECT coalesce(max(ordinal), 0) + 1 FROM legal_search_articles"

APPEND_SEARCH_ARTICLES = (
    "INSERT INTO legal_search_articles (ordinal, document_id, version_id, article, title, ordered)"
    " SELECT o, $2, $3, a, $4, false FROM unnest($1::int[], $5::int[]) AS x(o, a)"
)

APPEND_SEARCH_BIGRAMS = (
    "INSERT INTO legal_search_appended (bigram, ordinal) SELECT b, o FROM unnest($1::text[], $2::int[]) AS x(b, o)"
)


# The database a process reads the shared library from (and its server's start): with the
# library's generation, what a copy of the search index kept in process is of (tests run
# several databases in one process; their generations may coincide).
_LIBRARY = "current_database() || ' ' || pg_postmaster_start_time()"


class CopiedPostingsRow(_Row, frozen=True):
    generation: int
    bigrams: list[str] | None  # ascending (C collation: by code point)
    counts: list[int] | None  # how many ordinals each holds
    ordinals: bytes | None  # every list, packed and concatenated in that order
    appended_bigrams: list[str] | None
    appended: list[int] | None


async def copied_postings(conn: asyncpg.Connection) -> CopiedPostingsRow:
    """The whole search index: every bigram's ordered articles, concatenated (24 MB for the
    national corpus, read as one value), and the appended articles' bigrams."""
    record = await conn.fetchrow(
        "SELECT g.generation,"
        " (SELECT array_agg(bigram ORDER BY bigram) FROM legal_search_postings) AS bigrams,"
        " (SELECT array_agg(n ORDER BY bigram) FROM legal_search_postings) AS counts,"
        " (SELECT string_agg(ordinals, ''::bytea ORDER BY bigram) FROM legal_search_postings) AS ordinals,"
        " (SELECT array_agg(bigram ORDER BY bigram, ordinal) FROM legal_search_appended) AS appended_bigrams,"
        " (SELECT array_agg(ordinal ORDER BY bigram, ordinal) FROM legal_search_appended) AS appended"
        " FROM library_generation g"
    )
    assert record is not None, "library_generation has its row"
    return CopiedPostingsRow(*record)


class CopiedArticleRow(_Row, frozen=True):
    generation: int  # every row: the library's generation the statement read
    ordinal: int
    ordered: bool
    version_id: uuid.UUID
    article: int
    label: str
    chapter: str | None
    text: str
    lowered: str | None  # lower(text) where it differs from the text
    position: int


async def copied_articles(conn: asyncpg.Connection) -> list[CopiedArticleRow]:
    """Every indexed article of the shared library (in no order), with its text and its text as
    ``ILIKE`` lowers it, and its position in result order (title, document, article) among all
    of them: an ordered article's ordinal (a rebuild numbers them in that order) times 2²⁰; an
    appended one's (few, numbered as they came) the last ordered article before it times 2²⁰
    plus its rank among the appended ones. Ranking all 70,000 by title, or sorting them with
    their texts, took seconds (a sort of 30 MB spills to disk)."""
    records = await conn.fetch(
        "SELECT (SELECT generation FROM library_generation) AS generation,"
        " a.ordinal, a.ordered, a.version_id, a.article, p.label, p.chapter, p.text,"
        " nullif(lower(p.text), p.text) AS lowered,"
        " CASE WHEN a.ordered THEN a.ordinal::bigint << 20 ELSE (coalesce(ap.before, 0)::bigint << 20) + ap.rank END"
        "  AS position"
        " FROM legal_search_articles a JOIN provisions p ON p.tenant_id = $1 AND p.version_id = a.version_id"
        "  AND p.article = a.article AND p.paragraph = 0 AND p.item = 0"
        " LEFT JOIN (SELECT x.ordinal, rank() OVER (ORDER BY x.title, x.document_id, x.article) AS rank,"
        "  (SELECT b.ordinal FROM legal_search_articles b"
        "   WHERE b.ordered AND (b.title, b.document_id, b.article) < (x.title, x.document_id, x.article)"
        "   ORDER BY b.title DESC, b.document_id DESC, b.article DESC LIMIT 1) AS before"
        "  FROM legal_search_articles x WHERE NOT x.ordered) ap ON ap.ordinal = a.ordinal",
        SHARED_TENANT,
    )
    return rows_as(CopiedArticleRow, records)


class CopiedVersionRow(_Row, frozen=True):
    generation: int
    version_id: uuid.UUID | None
    version_date: datetime.date | None
    current: bool | None  # no later version of its document
    document_id: uuid.UUID | None
    title: str | None
    level: str | None
    region_code: str | None


async def copied_versions(conn: asyncpg.Connection) -> list[CopiedVersionRow]:
    """Every version of the shared library with its document (a few thousand rows)."""
    records = await conn.fetch(
        "SELECT g.generation, x.* FROM library_generation g LEFT JOIN LATERAL ("
        " SELECT v.id AS version_id, v.version_date, NOT EXISTS (SELECT 1 FROM legal_versions later"
        "  WHERE later.tenant_id = v.tenant_id AND later.document_id = v.document_id"
        "  AND later.version_date > v.version_date) AS current,"
        "  d.id AS document_id, d.title, d.level, d.region_code"
        " FROM legal_versions v JOIN legal_documents d ON d.tenant_id = v.tenant_id AND d.id = v.document_id"
        " WHERE v.tenant_id = $1) x ON true",
        SHARED_TENANT,
    )
    return rows_as(CopiedVersionRow, records)


class CheckedCitationRow(_Row, frozen=True):
    n: int
    present: bool
    paragraph: int | None
    last: int | None


async def checked_citations(
    conn: asyncpg.Connection,
    tenants: Sequence[uuid.UUID],
    documents: Sequence[uuid.UUID],
    cited: Sequence[int],
    articles: Sequence[int | None],
    paragraphs: Sequence[int | None],
    items: Sequence[int | None],
) -> list[CheckedCitationRow]:
    """Per cited provision (1-based ``n``; ``cited`` is its document's 1-based position in
    ``tenants``/``documents``): whether the document's latest version has the provision, the
    paragraph an item without one is in, the last article."""
    # Each document once (10,000 citations name about 1,000), its latest version once; each
    # provision once, by its document's number rather than two uuids; the last article only
    # where the cited one is missing (it is for the message).
    records = await conn.fetch(
        "WITH d AS MATERIALIZED (SELECT d.n, d.t, lv.id FROM unnest($1::uuid[], $2::uuid[])"
        "  WITH ORDINALITY AS d(t, d, n)"
        "  CROSS JOIN LATERAL (SELECT v.id FROM legal_versions v WHERE v.tenant_id = d.t"
        "  AND v.document_id = d.d ORDER BY v.version_date DESC LIMIT 1) lv),"
        " q AS (SELECT * FROM unnest($3::int[], $4::int[], $5::int[], $6::int[])"
        "  WITH ORDINALITY AS q(doc, article, paragraph, item, n))"
        " SELECT q.n, q.article IS NULL OR p.article IS NOT NULL AS present, p.paragraph,"
        " CASE WHEN q.article IS NOT NULL AND p.article IS NULL THEN"
        " (SELECT max(m.article) FROM provisions m WHERE m.tenant_id = d.t AND m.version_id = d.id"
        "  AND m.paragraph = 0 AND m.item = 0) END AS last"
        " FROM q LEFT JOIN d ON d.n = q.doc"
        " LEFT JOIN LATERAL (SELECT pv.article, pv.paragraph FROM provisions pv"
        "  WHERE pv.tenant_id = d.t AND pv.version_id = d.id AND pv.article = q.article"
        "  AND pv.item = coalesce(q.item, 0) AND (pv.paragraph = q.paragraph"
        "   OR (q.paragraph IS NULL AND (q.item IS NOT NULL OR pv.paragraph = 0)))"
        "  ORDER BY pv.paragraph LIMIT 1) p ON true",
        tenants,
        documents,
        cited,
        articles,
        paragraphs,
        items,
    )
    return rows_as(CheckedCitationRow, records)


# --- recorded changes --------------------------------------------------------------------------


class ChangeRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    kind: str
    effective_date: datetime.date
    from_version_id: uuid.UUID | None
    from_date: datetime.date | None
    from_effective: datetime.date | None
    to_version_id: uuid.UUID | None
    to_date: datetime.date | None
    to_effective: datetime.date | None
    successor_id: uuid.UUID | None
    successor_title: str | None
    recorded_by: str
    created_at: datetime.datetime


# `own`: the parameter naming the reading tenant (a change's successor is its or a shared document).
def _changes(own: str) -> str:
    return f"""
SELECT c.tenant_id, c.id, c.document_id, d.title AS document_title, c.kind, c.effective_date,
       c.from_version_id, fv.version_date AS from_date, fv.effective_date AS from_effective,
       c.to_version_id, tv.version_date AS to_date, tv.effective_date AS to_effective,
       c.successor_id,
       (SELECT sd.title FROM legal_documents sd WHERE sd.tenant_id IN ({own}, {_SHARED})
         AND sd.id = c.successor_id LIMIT 1) AS successor_title,
       c.recorded_by, c.created_at
  FROM legal_changes c
  JOIN legal_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
  LEFT JOIN legal_versions fv ON fv.tenant_id = c.tenant_id AND fv.id = c.from_version_id
  LEFT JOIN legal_versions tv ON tv.tenant_id = c.tenant_id AND tv.id = c.to_version_id
"""


async def change_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    document_id: uuid.UUID | None,
    kind: str | None,
    after: tuple[datetime.datetime, uuid.UUID] | None,
    limit: int,
) -> list[ChangeRow]:
    """The tenant's and the shared library's changes, newest first."""
    records = await conn.fetch(
        _changes("$6") + f" WHERE c.tenant_id IN ($6, {_SHARED})"
        " AND ($1::uuid IS NULL OR c.document_id = $1)"
        " AND ($2::text IS NULL OR c.kind = $2)"
        " AND ($3::timestamptz IS NULL OR (c.created_at, c.id) < ($3, $4::uuid))"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT $5",
        document_id,
        kind,
        after[0] if after else None,
        after[1] if after else None,
        limit,
        tenant_id,
    )
    return rows_as(ChangeRow, records)


async def change_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, change_id: uuid.UUID) -> ChangeRow | None:
    """A change of ``tenant_id`` or of the shared library, by id."""
    record = await conn.fetchrow(
        _changes("$2") + f" WHERE c.id = $1 AND c.tenant_id IN ($2, {_SHARED})", change_id, tenant_id
    )
    return maybe_row_as(ChangeRow, record)


class RecordedAmendmentRow(_Row, frozen=True):
    id: uuid.UUID
    from_version_id: uuid.UUID
    effective_date: datetime.date


async def recorded_amendment(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID, to_version_id: uuid.UUID
) -> RecordedAmendmentRow | None:
    record = await conn.fetchrow(
        "SELECT id, from_version_id, effective_date FROM legal_changes WHERE tenant_id = $1"
        " AND document_id = $2 AND kind = 'amend' AND to_version_id = $3",
        tenant_id,
        document_id,
        to_version_id,
    )
    return maybe_row_as(RecordedAmendmentRow, record)


class RecordedRepealRow(_Row, frozen=True):
    id: uuid.UUID
    effective_date: datetime.date
    successor_id: uuid.UUID | None


async def recorded_repeal(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> RecordedRepealRow | None:
    record = await conn.fetchrow(
        "SELECT id, effective_date, successor_id FROM legal_changes WHERE tenant_id = $1"
        " AND document_id = $2 AND kind = 'repeal'",
        tenant_id,
        document_id,
    )
    return maybe_row_as(RecordedRepealRow, record)


REPEAL_DATE = "SELECT effective_date FROM legal_changes WHERE tenant_id = $1 AND document_id = $2 AND kind = 'repeal'"

INSERT_AMENDMENT = (
    "INSERT INTO legal_changes (tenant_id, document_id, kind, effective_date,"
    " from_version_id, to_version_id, recorded_by) VALUES ($1, $2, 'amend', $3, $4, $5,"
    " $6::jsonb) RETURNING id"
)

INSERT_REPEAL = (
    "INSERT INTO legal_changes (tenant_id, document_id, kind, effective_date,"
    " successor_id, recorded_by) VALUES ($1, $2, 'repeal', $3, $4, $5::jsonb)"
    " RETURNING id"
)


class AffectedRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    item_code: str
    article: int | None
    paragraph: int | None
    item: int | None
    change: str
    label: str | None
    title: str
    draft_version: int


def _affected(diff: str, touched: str) -> str:
    return (
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
        " ORDER BY c.tenant_id, c.item_code, c.position"
    )


async def cited_citations(conn: asyncpg.Connection, change: ChangeRow) -> list[AffectedRow]:
    """Per tenant citing the changed document, the citations of the active items of its latest
    catalog version (the draft, else the last published); whether an amendment touches each is
    for :mod:`core.legal.following` (run as the owner for a shared law: every tenant)."""
    records = await conn.fetch(
        _affected("", "CROSS JOIN LATERAL (SELECT 'cited'::text AS change, NULL::text AS label) h"),
        change.tenant_id,
        change.document_id,
    )
    return rows_as(AffectedRow, records)


class VersionPartRow(_Row, frozen=True):
    article: int
    paragraph: int
    item: int
    text: str


async def version_parts(conn: asyncpg.Connection, tenant_id: uuid.UUID, version_id: uuid.UUID) -> list[VersionPartRow]:
    """Every provision of a version (articles, paragraphs, items) with its text."""
    records = await conn.fetch(
        "SELECT article, paragraph, item, text FROM provisions WHERE tenant_id = $1 AND version_id = $2",
        tenant_id,
        version_id,
    )
    return rows_as(VersionPartRow, records)


async def repealed_citations(conn: asyncpg.Connection, change: ChangeRow) -> list[AffectedRow]:
    """Every citation of a repealed document (as :func:`cited_citations`, marked repealed)."""
    records = await conn.fetch(
        _affected("", "CROSS JOIN LATERAL (SELECT 'repealed'::text AS change, NULL::text AS label) h"),
        change.tenant_id,
        change.document_id,
    )
    return rows_as(AffectedRow, records)


# --- impact: adjustments and township lists ---------------------------------------------------


class ImpactAdjustmentRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    slug: str
    tenant_name: str
    id: uuid.UUID
    item_code: str
    version: int
    state: str
    provisions: str | None
    title: str | None


async def change_adjustments(conn: asyncpg.Connection, change_id: uuid.UUID) -> list[ImpactAdjustmentRow]:
    """The adjustments a change opened, in every tenant the connection sees."""
    records = await conn.fetch(
        "SELECT a.tenant_id, t.slug, t.name AS tenant_name, a.id, a.item_code, a.version, a.state,"
        " a.changes->'provisions' AS provisions, i.title FROM catalog_adjustments a"
        " JOIN tenants t ON t.id = a.tenant_id"
        " LEFT JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = a.version"
        "  AND i.code = a.item_code"
        " WHERE a.law_change_id = $1 ORDER BY t.slug, a.item_code",
        change_id,
    )
    return rows_as(ImpactAdjustmentRow, records)


class TenantNameRow(_Row, frozen=True):
    id: uuid.UUID
    slug: str
    name: str


async def tenant_names(conn: asyncpg.Connection, tenant_ids: list[uuid.UUID]) -> list[TenantNameRow]:
    records = await conn.fetch("SELECT id, slug, name FROM tenants WHERE id = ANY($1)", tenant_ids)
    return rows_as(TenantNameRow, records)


async def tenant_records(conn: asyncpg.Connection, tenant_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
    """Tenants as records, for :func:`core.security.tenancy.tenant_from_row`."""
    return await conn.fetch(
        "SELECT id, slug, name, division_code, plugin, settings, created_at, kind FROM tenants WHERE id = ANY($1)",
        tenant_ids,
    )


class OpenedAdjustmentRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    item_code: str
    id: uuid.UUID
    version: int
    state: str


async def opened_adjustments(conn: asyncpg.Connection, change_id: uuid.UUID) -> list[OpenedAdjustmentRow]:
    """The adjustments a change opened so far, in every tenant the connection sees."""
    records = await conn.fetch(
        "SELECT tenant_id, item_code, id, version, state FROM catalog_adjustments WHERE law_change_id = $1",
        change_id,
    )
    return rows_as(OpenedAdjustmentRow, records)


async def adjusted_codes(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, change_id: uuid.UUID, codes: list[str]
) -> set[str]:
    """The items of ``codes`` the change already opened an adjustment for in the tenant."""
    records = await conn.fetch(
        "SELECT item_code FROM catalog_adjustments WHERE tenant_id = $1 AND law_change_id = $2 AND item_code = ANY($3)",
        tenant_id,
        change_id,
        codes,
    )
    return {code for (code,) in records}


OPEN_ADJUSTMENTS = (
    "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
    " effective_date, initiator, changes, state, law_change_id)"
    " SELECT $1, $2, 'modify', 'law_changed', r, c, $3, $4::jsonb, ch::jsonb, 'open', $5"
    " FROM unnest($6::text[], $7::text[], $8::text[]) AS x(c, r, ch)"
    " ON CONFLICT (tenant_id, law_change_id, item_code) WHERE law_change_id IS NOT NULL"
    " DO NOTHING RETURNING item_code"
)


class WorkingEntriesRow(_Row, frozen=True):
    township_code: str
    codes: str  # item codes joined by spaces (see JOINED_CODES)
    waiting: str
    name: str
    catalog_version: int


# An impact analysis lists every entry of every affected item: 2,000 items cited in 40 townships
# are 80,000 codes per read. They come back as one string per township (item codes hold no
# space: catalog_items' check), split and sorted in Python (codes_of): an array of 2,000 texts
# is decoded element by element, and an ordered aggregate sorts every entry, both several times
# slower. Items are matched against the array of codes hashed, once per entry.
# For the rest of an impact analysis's transaction: plan each statement for its own arrays of
# item codes. After five runs PostgreSQL may keep a generic plan, which cannot tell 2,000 codes
# from 10: the published entries of 40 townships then took 700–830 ms instead of about 200.
CUSTOM_PLANS = "SET LOCAL plan_cache_mode = force_custom_plan"


def codes_of(joined: str) -> list[str]:
    """The item codes of a ``string_agg(item_code, ' ')``, sorted."""
    return sorted(joined.split(" ")) if joined else []


def _working(by_version: str) -> str:
    """Entries of a tenant's working copies ($1) for items ($2), by township; optionally only
    of lists following one catalog version ($3)."""
    return (
        "WITH e AS (SELECT township_code, string_agg(item_code, ' ') AS codes,"
        " coalesce(string_agg(item_code, ' ') FILTER (WHERE state = 'needs_confirmation'), '')"
        " AS waiting FROM township_entries WHERE tenant_id = $1 AND item_code = ANY($2::text[])"
        f" AND state <> 'removed'{by_version}"
        " GROUP BY township_code)"
        " SELECT e.township_code, e.codes, e.waiting, j.name, l.catalog_version FROM e"
        " JOIN township_lists l ON l.tenant_id = $1 AND l.township_code = e.township_code"
        " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = e.township_code"
    )


async def working_entries(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[WorkingEntriesRow]:
    records = await conn.fetch(_working(""), tenant_id, codes)
    return rows_as(WorkingEntriesRow, records)


async def working_entries_of_version(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str], catalog_version: int
) -> list[WorkingEntriesRow]:
    records = await conn.fetch(
        _working(
            " AND township_code IN (SELECT township_code FROM township_lists WHERE tenant_id = $1"
            " AND catalog_version = $3)"
        ),
        tenant_id,
        codes,
        catalog_version,
    )
    return rows_as(WorkingEntriesRow, records)


class LatestPublishedVersionRow(_Row, frozen=True):
    library: str  # _LIBRARY: a kept copy of a version's entries is of this database's version
    township_code: str
    number: int
    name: str


async def latest_published_versions(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[LatestPublishedVersionRow]:
    """Each township's latest published list version."""
    records = await conn.fetch(
        f"SELECT {_LIBRARY} AS library, v.township_code, max(v.number) AS number, j.name"
        " FROM township_list_versions v JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = v.township_code"
        " WHERE v.tenant_id = $1 GROUP BY v.township_code, j.name",
        tenant_id,
    )
    return rows_as(LatestPublishedVersionRow, records)


class LatestPublishedRow(_Row, frozen=True):
    township_code: str
    number: int
    codes: str  # joined, as WorkingEntriesRow's


async def latest_published_entries(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, townships: list[str]
) -> list[LatestPublishedRow]:
    """Every entry of these townships' latest published list versions: the open spans
    (``valid_until IS NULL`` is exactly "on the township's newest version", migration 0010),
    read from the spans alone rather than through the per-version view, which joins every
    span to the versions it covers; with the version's number, read in the same snapshot."""
    records = await conn.fetch(
        "WITH s AS (SELECT township_code, string_agg(item_code, ' ') AS codes"
        "  FROM township_entry_spans WHERE tenant_id = $1 AND valid_until IS NULL"
        "  AND township_code = ANY($2::text[]) GROUP BY township_code),"
        " latest AS (SELECT township_code, max(number) AS number"
        "  FROM township_list_versions WHERE tenant_id = $1 AND township_code = ANY($2::text[])"
        "  GROUP BY township_code)"
        " SELECT l.township_code, l.number, coalesce(s.codes, '') AS codes FROM latest l"
        " LEFT JOIN s ON s.township_code = l.township_code",
        tenant_id,
        townships,
    )
    return rows_as(LatestPublishedRow, records)


# --- the citation index ------------------------------------------------------------------------


async def provision_label(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    article: int,
    paragraph: int | None,
    item: int | None,
) -> str | None:
    """The label of a provision in the latest version that has it."""
    label: str | None = await conn.fetchval(
        "SELECT p.label FROM legal_versions v"
        " JOIN provisions p ON p.tenant_id = v.tenant_id"
        " AND p.version_id = v.id WHERE v.tenant_id = $1 AND v.document_id = $2"
        " AND p.article = $3 AND ($4::int IS NULL OR p.paragraph = $4)"
        " AND p.item = coalesce($5, 0) ORDER BY v.version_date DESC, p.paragraph LIMIT 1",
        tenant_id,
        document_id,
        article,
        paragraph,
        item,
    )
    return label


class CitingRow(_Row, frozen=True):
    version: int
    version_status: str
    item_code: str
    title: str
    status: str
    raw: str
    article: int | None
    paragraph: int | None
    item: int | None


async def citing_items(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    doc: DocumentRow,
    article: int | None,
    paragraph: int | None,
    item: int | None,
    with_drafts: bool,
) -> list[CitingRow]:
    """The tenant's item citations resting on the document or provision: a citation rests on
    it when they overlap (the whole document, the article, or the same part)."""
    records = await conn.fetch(
        "SELECT c.version, v.status AS version_status, c.item_code, i.title, i.status, c.raw,"
        " c.article, c.paragraph, c.item FROM item_citations c"
        " JOIN catalog_versions v ON v.tenant_id = c.tenant_id AND v.number = c.version"
        " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
        "  AND i.code = c.item_code"
        " WHERE c.tenant_id = $1"
        " AND c.document_tenant = $2 AND c.document_id = $3 AND ($4::int IS NULL OR c.article IS NULL"
        " OR (c.article = $4 AND ($5::int IS NULL OR c.paragraph IS NULL OR c.paragraph = $5)"
        " AND ($6::int IS NULL OR c.item IS NULL OR c.item = $6)))"
        " AND ($7 OR v.status = 'published')"
        " ORDER BY c.version, c.item_code, c.position",
        tenant_id,
        doc.tenant_id,
        doc.id,
        article,
        paragraph,
        item,
        with_drafts,
    )
    return rows_as(CitingRow, records)


class PublishedEntriesRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    township_code: str
    name: str
    number: int
    effective_date: datetime.date
    catalog_version: int
    codes: list[str]


async def published_entries(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str], catalog_version: int
) -> list[PublishedEntriesRow]:
    """Published township-list versions following ``catalog_version`` with entries among ``codes``."""
    records = await conn.fetch(
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
        tenant_id,
        codes,
        catalog_version,
    )
    return rows_as(PublishedEntriesRow, records)


# --- citation import ---------------------------------------------------------------------------

LATEST_CATALOG_VERSION = "SELECT max(number) FROM catalog_versions WHERE tenant_id = $1"


class ImportItemRow(_Row, frozen=True):
    code: str
    status: str
    revision: int
    raws: list[str]
    refs: list[str]


async def import_items(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int, codes: list[str]
) -> list[ImportItemRow]:
    """Items of a catalog version with their citations: as written, and as references."""
    records = await conn.fetch(
        "SELECT i.code, i.status, i.revision, coalesce((SELECT array_agg(c.raw ORDER BY"
        " c.position) FROM item_citations c WHERE c.tenant_id = i.tenant_id"
        " AND c.version = i.version AND c.item_code = i.code), '{}') AS raws,"
        " coalesce((SELECT array_agg(concat(c.document_id, '/', c.article, '/',"
        " c.paragraph, '/', c.item)) FROM item_citations c WHERE c.tenant_id = i.tenant_id"
        " AND c.version = i.version AND c.item_code = i.code"
        " AND c.document_id IS NOT NULL), '{}') AS refs"
        " FROM catalog_items i WHERE i.tenant_id = $1 AND i.version = $2"
        " AND i.code = ANY($3)",
        tenant_id,
        version,
        codes,
    )
    return rows_as(ImportItemRow, records)


# --- loading the national corpus (core.legal.corpus_load) -------------------------------------

LOADED_DIGEST = "SELECT digest FROM legal_library_loads WHERE source = $1"

RECORD_LOAD = (
    "INSERT INTO legal_library_loads (source, digest, documents, versions) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (source) DO UPDATE SET digest = $2, documents = $3, versions = $4, loaded_at = now()"
)

SHARED_VERSION_HASHES = "SELECT document_id, version_date, content_hash FROM legal_versions WHERE tenant_id = $1"

# COPY into a row-level-secured table is refused (even to its owner under FORCE): the load
# copies into a temporary table and moves the rows with one INSERT … SELECT.
CREATE_PROVISIONS_LOAD = "CREATE TEMPORARY TABLE provisions_load (LIKE provisions INCLUDING DEFAULTS) ON COMMIT DROP"

MOVE_PROVISIONS_LOAD = "INSERT INTO provisions SELECT * FROM provisions_load"

ANALYZE_LIBRARY = "ANALYZE legal_documents, legal_versions, provisions, legal_search_articles, legal_search_postings"

SHARED_TITLES = "SELECT title FROM legal_documents WHERE tenant_id = $1"

# Documents by title: created on first sight; the corpus's metadata refreshes them after.
UPSERT_CORPUS_DOCUMENTS = (
    "INSERT INTO legal_documents (tenant_id, title, short_title, level, issuer, region_code, abbreviations)"
    " SELECT $1, t, s, l, i, r, ARRAY(SELECT jsonb_array_elements_text(a::jsonb))"
    " FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(t, s, l, i, r, a)"
    " ON CONFLICT (tenant_id, title) DO UPDATE SET short_title = excluded.short_title, level = excluded.level,"
    " issuer = excluded.issuer, region_code = excluded.region_code, abbreviations = excluded.abbreviations"
    " RETURNING id, title"
)

SET_AMENDS = (
    "UPDATE legal_documents d SET amends_id = target.id"
    " FROM unnest($2::uuid[], $3::text[]) AS x(doc, amended)"
    " JOIN legal_documents target ON target.tenant_id = $1 AND target.title = x.amended"
    " WHERE d.tenant_id = $1 AND d.id = x.doc"
)

INSERT_CORPUS_VERSIONS = (
    "INSERT INTO legal_versions (tenant_id, document_id, version_date, history, source, content_hash)"
    " SELECT $1, d, v, h::jsonb, s, c FROM unnest($2::uuid[], $3::date[], $4::text[], $5::text[], $6::text[])"
    " AS x(d, v, h, s, c) ON CONFLICT DO NOTHING RETURNING id, document_id, version_date"
)
