"""Every SQL statement of the publication context (portal, search, lookup, published bodies,
handbooks), and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants the service modules execute. Every statement names the tenant
(``tests/test_tenant_keyed_sql.py``).

Hot reads keep their records, read in the service without a Struct per row:
- :func:`catalog_items` (a catalog version's items for the lookup index: ``item_view`` builds one
  ``ItemView`` per item already, as for whole lists — see :mod:`core.catalog.queries`);
- :func:`list_contacts` (a list's entries, unpacked by position into the lookup's own entries);
- :func:`search_page` (a page of hits; the lists statement adds a row of counts whose page
  columns are NULL when the page is empty, a shape a Struct would have to make all-optional);
- :func:`item_texts` and :func:`insert_documents` (every item of a catalog version being
  published, analysed in a worker thread).
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.catalog.queries import ITEM_SELECT, items_for
from core.platform.db import on_citus
from core.platform.generations import GENERATION
from core.platform.rows import maybe_row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


# --------------------------------------------------------------------------- rows


class PublishedTownshipRow(_Row, frozen=True):
    """A township with its latest published version (the columns of the portal's ``PublishedTownship``)."""

    code: str
    name: str
    kind: str
    version: int
    effective_date: datetime.date
    entry_count: int


class ItemPageRow(_Row, frozen=True):
    """The item page's one row: the version, then JSON texts (None where there is nothing)."""

    name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    structure: str | None
    entry: str | None
    item: str | None
    family: str | None
    others: str | None
    units: str | None


class LocationRow(_Row, frozen=True):
    """Where a division lies: the division asked for (``origin``), its township, and the
    township's version in force (None without one)."""

    origin: str
    origin_kind: str
    code: str
    name: str
    number: int | None
    catalog_version: int | None
    content_hash: str | None
    generation: int  # the tenant's content generation (core.platform.generations)


class VersionInForceRow(_Row, frozen=True):
    township_code: str
    name: str
    number: int
    catalog_version: int
    content_hash: str


class HolderRow(_Row, frozen=True):
    score: float
    township_code: str
    number: int
    catalog_version: int
    content_hash: str
    name: str


class HoldingsRow(_Row, frozen=True):
    """The townships holding an item content (:func:`holdings`)."""

    n: int  # the item's place in the arguments, from 1
    townships: list[str] | None  # None: no open span in the range
    names: list[str] | None
    generation: int


class UnitHostsRow(_Row, frozen=True):
    """A unit and the townships it is stationed in (``hosts``, for dispatched agencies)."""

    code: str
    name: str
    kind: str
    parent_unit_code: str | None
    jurisdiction_code: str
    hosts: list[str]


class DivisionRow(_Row, frozen=True):
    """A division of the tenant's tree and its ``aliases`` attribute (jsonb text; a list of names
    when a plugin or an admin set one)."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    aliases: str


class AssignmentRow(_Row, frozen=True):
    """Who holds an entry of a township's list (岗位分解): leader, office, A and B posts."""

    item_code: str
    leader: str
    office_code: str
    office_name: str | None
    a_post: str
    a_name: str | None
    a_holder: str | None
    b_post: str | None
    b_name: str | None
    b_holder: str | None


class HandbookRow(_Row, frozen=True):
    id: uuid.UUID
    township_code: str
    list_version: int
    status: str
    progress_done: int
    progress_total: int
    error: str | None
    storage_key: str | None
    size_bytes: int | None
    sha256: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class ActiveHandbookRow(_Row, frozen=True):
    id: uuid.UUID
    owner: str | None
    stale: bool


class PlaceRow(_Row, frozen=True):
    """A division and how many versions its list has published (0 without a list)."""

    kind: str
    name: str
    published: int


class PrintedVersionRow(_Row, frozen=True):
    number: int
    total: int


# --------------------------------------------------------------------------- portal

# The latest published version of each list, as get_published_list picks it.
_LATEST = (
    "SELECT DISTINCT ON (v.township_code) v.township_code, v.number, v.effective_date"
    " FROM township_list_versions v WHERE v.tenant_id = $1"
    " ORDER BY v.township_code, v.effective_date DESC, v.number DESC"
)


async def published_townships(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[PublishedTownshipRow]:
    """The townships whose lists are published, with their latest version, in code order."""
    records = await conn.fetch(
        f"WITH latest AS ({_LATEST})"
        " SELECT j.code, j.name, j.kind, latest.number AS version, latest.effective_date,"
        " (SELECT count(*) FROM township_version_entries e WHERE e.tenant_id = $1"
        "  AND e.township_code = latest.township_code AND e.number = latest.number) AS entry_count"
        " FROM latest JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = latest.township_code"
        " ORDER BY j.code",
        tenant_id,
    )
    return rows_as(PublishedTownshipRow, records)


async def structure_text(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> str | None:
    """The tenant's list structure as JSON text, None until one is saved."""
    document: str | None = await conn.fetchval(
        "SELECT document::text FROM list_structures WHERE tenant_id = $1", tenant_id
    )
    return document


class PortalFooterRow(_Row, frozen=True):
    sponsor: str
    organizer: str
    site_code: str
    icp_record: str
    contact: str
    revision: int
    updated_at: datetime.datetime | None


async def portal_footer(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, *, lock: bool = False
) -> PortalFooterRow | None:
    """The tenant's portal footer, None until its admin sets one."""
    record = await conn.fetchrow(
        "SELECT sponsor, organizer, site_code, icp_record, contact, revision, updated_at FROM portal_footers"
        " WHERE tenant_id = $1" + (" FOR UPDATE" if lock else ""),
        tenant_id,
    )
    return maybe_row_as(PortalFooterRow, record)


async def save_portal_footer(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, values: tuple[str, str, str, str, str], revision: int
) -> PortalFooterRow | None:
    """Insert or replace the footer, one revision up; None when its revision is no longer
    ``revision`` (a first footer written meanwhile by another request)."""
    record = await conn.fetchrow(
        "INSERT INTO portal_footers AS f (tenant_id, sponsor, organizer, site_code, icp_record, contact)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id) DO UPDATE SET sponsor = excluded.sponsor,"
        " organizer = excluded.organizer, site_code = excluded.site_code, icp_record = excluded.icp_record,"
        " contact = excluded.contact, revision = f.revision + 1, updated_at = excluded.updated_at"
        " WHERE f.revision = $7"
        " RETURNING sponsor, organizer, site_code, icp_record, contact, revision, updated_at",
        tenant_id,
        *values,
        revision,
    )
    return maybe_row_as(PortalFooterRow, record)


# The whole item page in one statement (one round trip): the township's latest published
# version, the item as ITEM_SELECT reads it (responsibilities and legal bases aggregated),
# this township's entry, the parent chain and the children (each marked whether it is on this
# version), the same item on the other townships' latest versions, and the units it names with
# their district counterparts in the township's district (``counterpart_of``: the named unit;
# the rule of core.jurisdictions.counterparts).
_ITEM_PAGE = f"""
WITH RECURSIVE head AS (
  SELECT j.name, v.number, v.catalog_version, v.effective_date
    FROM jurisdictions j JOIN township_list_versions v ON v.tenant_id = $1 AND v.township_code = j.code
   WHERE j.tenant_id = $1 AND j.code = $2
   ORDER BY v.effective_date DESC, v.number DESC LIMIT 1
), entry AS (
  SELECT e.origin, e.responsible_office, e.post, e.contact, e.note
    FROM head JOIN township_version_entries e ON e.tenant_id = $1 AND e.township_code = $2
     AND e.number = head.number AND e.item_code = $3
), up AS (
  SELECT i.code, i.title, i.level, i.parent_code, 1 AS depth FROM head JOIN catalog_items i
      ON i.tenant_id = $1 AND i.version = head.catalog_version AND i.code = $3
  UNION ALL
  SELECT p.code, p.title, p.level, p.parent_code, up.depth + 1 FROM up JOIN catalog_items p
      ON p.tenant_id = $1 AND p.version = (SELECT catalog_version FROM head) AND p.code = up.parent_code
   WHERE up.depth < 20
), fam AS (
  SELECT 'up' AS rel, code, title, level, depth FROM up WHERE depth > 1
  UNION ALL
  SELECT 'down', c.code, c.title, c.level, 0 FROM head JOIN catalog_items c
      ON c.tenant_id = $1 AND c.version = head.catalog_version AND c.parent_code = $3 AND c.status = 'active'
), latest AS ({_LATEST}), others AS (
  SELECT j.code, j.name, e.responsible_office, e.post, e.contact, latest.number
    FROM latest JOIN township_version_entries e ON e.tenant_id = $1
     AND e.township_code = latest.township_code AND e.number = latest.number AND e.item_code = $3
    JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = latest.township_code
   WHERE latest.township_code <> $2
), item AS (
  {ITEM_SELECT} JOIN head ON true WHERE i.tenant_id = $1 AND i.version = head.catalog_version AND i.code = $3
), named AS (
  SELECT r.party AS code FROM head JOIN catalog_responsibilities r ON r.tenant_id = $1
     AND r.version = head.catalog_version AND r.item_code = $3
  UNION SELECT i.recovery->>'receiving_unit' FROM head JOIN catalog_items i ON i.tenant_id = $1
     AND i.version = head.catalog_version AND i.code = $3
)
SELECT head.name, head.number, head.catalog_version, head.effective_date,
       (SELECT document::text FROM list_structures s WHERE s.tenant_id = $1) AS structure,
       (SELECT row_to_json(entry)::text FROM entry) AS entry,
       (SELECT row_to_json(item)::text FROM item) AS item,
       (SELECT json_agg(json_build_object('code', fam.code, 'title', fam.title, 'level', fam.level,
                'on_list', EXISTS (SELECT 1 FROM township_version_entries e WHERE e.tenant_id = $1
                  AND e.township_code = $2 AND e.number = head.number AND e.item_code = fam.code),
                'rel', fam.rel) ORDER BY fam.rel DESC, fam.depth DESC, fam.code)::text FROM fam) AS family,
       (SELECT json_agg(others ORDER BY others.code)::text FROM others) AS others,
       (SELECT json_agg(json_build_object('code', u.code, 'name', u.name, 'kind', u.kind, 'contacts', u.contacts,
                'version', u.version, 'counterpart_of', CASE WHEN u.code IN (SELECT code FROM named) THEN NULL
                ELSE u.parent_unit_code END) ORDER BY u.code)::text
          FROM units u WHERE u.tenant_id = $1 AND (u.code IN (SELECT code FROM named)
            OR (u.kind = 'department' AND u.jurisdiction_code = left($2, 6)
                AND u.parent_unit_code IN (SELECT code FROM named)
                AND EXISTS (SELECT 1 FROM units p WHERE p.tenant_id = $1 AND p.code = u.parent_unit_code
                             AND p.kind = 'department' AND p.jurisdiction_code <> left($2, 6))))) AS units
  FROM head
"""

_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan"
_CUSTOM_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan"  # on Citus (see db.on_citus)


async def item_page(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, code: str) -> ItemPageRow | None:
    """Everything the item page shows; None when the township has no published list.

    Planning this statement costs 3–15 ms, running it about 1 ms; its plan (key lookups
    only) does not depend on the values, so the generic plan is kept and reused."""
    await conn.execute(_CUSTOM_PLAN if on_citus() else _GENERIC_PLAN)
    return maybe_row_as(ItemPageRow, await conn.fetchrow(_ITEM_PAGE, tenant_id, township, code))


# Every document a citation of an item on a township's latest published list links to (the
# links the item pages show: resolved, without a problem) — the tenant's own and national ones.
_CITED = f"""
WITH latest AS ({_LATEST})
SELECT DISTINCT c.document_id
  FROM latest
  JOIN township_list_versions v ON v.tenant_id = $1 AND v.township_code = latest.township_code
   AND v.number = latest.number
  JOIN township_version_entries e ON e.tenant_id = $1 AND e.township_code = latest.township_code
   AND e.number = latest.number
  JOIN item_citations c ON c.tenant_id = $1 AND c.version = v.catalog_version AND c.item_code = e.item_code
 WHERE c.document_id IS NOT NULL AND c.problem IS NULL
"""


async def cited_documents(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[uuid.UUID]:
    return [document_id for (document_id,) in await conn.fetch(_CITED, tenant_id)]


# --------------------------------------------------------------------------- search: the index

# Every table is filtered by the tenant ($1) itself, not through the correlation: Citus routes
# a statement to one worker only when each distributed table in it is pinned to the tenant.
_ITEM_TEXT = """
SELECT i.tenant_id, i.code, i.content_hash, i.title, i.level, i.category, i.item_kind, i.kinds,
       i.description, i.process, coalesce(i.extra->>'handling_office', '') AS handling_office,
       coalesce(i.recovery->>'working_method', '') AS working_method,
       coalesce((SELECT string_agg(r.duty, ' ' ORDER BY r.position) FROM catalog_responsibilities r
                  WHERE r.tenant_id = $1 AND r.version = i.version AND r.item_code = i.code), '')
         AS duties,
       coalesce((SELECT string_agg(u.name, ' ' ORDER BY r.position) FROM catalog_responsibilities r
                  JOIN units u ON u.tenant_id = $1 AND u.code = r.party
                  WHERE r.tenant_id = $1 AND r.version = i.version AND r.item_code = i.code), '')
         AS unit_names
  FROM catalog_items i
 WHERE {where}
   AND NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.tenant_id = $1
                   AND d.item_code = i.code AND d.content_hash = i.content_hash)
"""


async def item_texts(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int) -> list[asyncpg.Record]:
    """The texts of the items of ``version`` whose content is not indexed yet (records: every
    item of a version, read by column name in a worker thread)."""
    return await conn.fetch(_ITEM_TEXT.format(where="i.tenant_id = $1 AND i.version = $2"), tenant_id, version)


_INSERT_DOCUMENTS = """
INSERT INTO search_documents (tenant_id, item_code, content_hash, title, level, category, item_kind,
                              kinds, document)
SELECT t, c, h, ti, lv, ca, ik, string_to_array(ks, chr(31)), doc::tsvector
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::text[], $9::text[]) AS x(t, c, h, ti, lv, ca, ik, ks, doc)
ON CONFLICT DO NOTHING
"""


async def insert_documents(conn: asyncpg.Connection, columns: list[list[object]]) -> list[asyncpg.Record]:
    """Insert analysed documents (``columns``: the nine column arrays, each row's tenant first);
    the inserted ones' ``(tenant_id, item_code, content_hash, id)`` — records, unpacked by position."""
    return await conn.fetch(_INSERT_DOCUMENTS + " RETURNING tenant_id, item_code, content_hash, id", *columns)


# A document stored after spans pointing at its content were opened (none is, by the order of
# catalog publication, but the count must not depend on it) starts with their count; documents
# without open spans keep the default 0 and are not rewritten.
#: $1 tenant, $2 item codes and $3 content hashes of the documents just stored
HOLDERS_OF_NEW = """
UPDATE search_documents d SET holders = c.n
  FROM (SELECT s.item_code, s.item_hash, count(*)::integer AS n
          FROM unnest($2::text[], $3::text[]) AS x(code, hash)
          JOIN township_entry_spans s ON s.tenant_id = $1 AND s.item_code = x.code AND s.item_hash = x.hash
                                     AND s.valid_until IS NULL
         GROUP BY s.item_code, s.item_hash) c
 WHERE d.tenant_id = $1 AND d.item_code = c.item_code AND d.content_hash = c.item_hash
"""


# The documents' ids (and their ranks for the lexeme) are appended to each lexeme's posting
# list; one row per (tenant, lexeme), ids and ranks as array literals.
#: $1 tenants, $2 lexemes, $3 document ids and $4 ranks (array literals)
UPSERT_POSTINGS = """
INSERT INTO search_postings (tenant_id, lexeme, documents, ranks, n)
SELECT t, l, d::integer[], r::real[], cardinality(d::integer[])
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS x(t, l, d, r)
ON CONFLICT (tenant_id, lexeme) DO UPDATE
SET documents = search_postings.documents || excluded.documents,
    ranks = search_postings.ranks || excluded.ranks, n = search_postings.n + excluded.n
"""


# --------------------------------------------------------------------------- search: queries

_FILTERS = " AND ($3::text IS NULL OR $3 = ANY(d.kinds)) AND ($4::text IS NULL OR d.category = $4)"

# The candidate documents: each query lexeme's posting count (an index probe by ``BETWEEN``:
# leakproof, so an index condition under the policy); per alternative its rarest lexeme; the
# term whose alternatives promise the fewest documents; their posting lists, concatenated.
# $8–$11: PostingKeys (term, alternative, lo, hi). A query of one lexeme ranks each document
# as its posting does, so with {best} = k only the documents ranked at least as high as the
# k-th best are candidates (the top k by rank and reference code are among them); worth it
# only when there are many more than k.
_CANDIDATES = """
keys AS (
  SELECT k.term, k.alternative, k.lo, k.hi,
         (SELECT coalesce(sum(p.n), 0) FROM search_postings p
           WHERE p.tenant_id = $1 AND p.lexeme BETWEEN k.lo AND k.hi) AS n
    FROM unnest($8::int[], $9::int[], $10::text[], $11::text[]) AS k(term, alternative, lo, hi)),
drivers AS (SELECT DISTINCT ON (term, alternative) term, lo, hi, n FROM keys ORDER BY term, alternative, n),
postings AS (
  SELECT search_concat(p.documents) AS ids, search_concat(p.ranks) FILTER (WHERE {best}::int IS NOT NULL) AS ranks
    FROM drivers JOIN search_postings p ON p.tenant_id = $1 AND p.lexeme BETWEEN drivers.lo AND drivers.hi
   WHERE drivers.term = (SELECT term FROM drivers GROUP BY term ORDER BY sum(n), term LIMIT 1)),
candidates AS MATERIALIZED (
  SELECT CASE WHEN {best} IS NULL OR cardinality(c.ids) <= 8 * {best} THEN c.ids ELSE ARRAY(
           SELECT x.id FROM unnest(c.ids, c.ranks) AS x(id, rank)
            WHERE x.rank >= coalesce((SELECT r FROM unnest(c.ranks) AS r ORDER BY r DESC OFFSET {best} - 1 LIMIT 1),
                                     '-infinity')) END AS ids
    FROM postings c)
"""

# Only the candidates are read (by id: an index condition), checked (``@@``, unless the
# postings are exact: $12) and ranked; in rank order, each one's entries are fetched through
# an index in township order only until the page is full; township names are joined to the
# page alone. Ties in rank go by reference code in byte order ("C": cheap, and the same as
# code-point order).
_DOCUMENTS = f"""
SELECT d.item_code, d.content_hash, d.title, d.level, d.category, d.item_kind, d.kinds,
       ts_rank(d.document, $2::tsquery) AS rank
  FROM search_documents d
 WHERE d.tenant_id = $1 AND d.id = ANY(CAST((SELECT ids FROM candidates) AS integer[]))
   {_FILTERS} AND ($12::bool OR d.document @@ $2::tsquery)
"""

# A page needs at most offset + limit + 1 documents when each has an entry, so only that many
# are kept from the ranking ($13: a bounded top-N sort, not a sort of every candidate; and
# $14, see _CANDIDATES).
# ``ranked`` (on every row, and on a row of its own when the page is empty) says how many
# were kept: when the bound was reached and the page is still short, documents without
# entries took places, and :func:`search` asks again without the bound ($13 NULL).
# ``township_known``: whether the township filter ($5) names a division of the tenant. The
# entries are filtered by a range, $15–$16 (the township, or '' … '9' × 16 for all: division
# codes are 6 to 15 digits): a plain comparison with parameters is an index condition under
# the policy, where "$5 IS NULL OR …" or a coalesce() would only filter.
_SEARCH_LISTS = f"""
WITH {_CANDIDATES.format(best="$14")},
hits AS MATERIALIZED ({_DOCUMENTS} ORDER BY rank DESC, d.item_code COLLATE "C" LIMIT $13::int)
SELECT page.*, j.name AS township_name, ranked.n AS ranked, ranked.township_known, ranked.generation,
       ranked.today
  FROM (SELECT count(*) AS n, {GENERATION} AS generation, current_date AS today,
               $5::text IS NULL OR EXISTS (SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $5)
                 AS township_known
          FROM hits) ranked
  LEFT JOIN (
  SELECT hits.item_code, hits.content_hash, hits.title, hits.level, hits.category, hits.item_kind, hits.kinds,
         hits.rank, s.township_code
    FROM (SELECT * FROM hits ORDER BY rank DESC, item_code COLLATE "C") hits
    JOIN LATERAL (SELECT s.township_code FROM township_entry_spans s
                   WHERE s.tenant_id = $1 AND s.item_code = hits.item_code AND s.item_hash = hits.content_hash
                     AND s.valid_until IS NULL AND s.township_code BETWEEN $15::text AND $16::text
                   ORDER BY s.township_code LIMIT $6::int + $7::int) s ON true
   ORDER BY hits.rank DESC, hits.item_code COLLATE "C", s.township_code
  OFFSET $6 LIMIT $7) page ON true
  LEFT JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = page.township_code
ORDER BY page.rank DESC, page.item_code COLLATE "C", page.township_code
"""

_SEARCH_CATALOG = f"""
WITH {_CANDIDATES.format(best="$13")},
hits AS ({_DOCUMENTS}),
-- Once, not once per hit: a plan with undercounted hits re-ran the aggregate inside its loop.
cur AS MATERIALIZED (SELECT max(number) AS number FROM catalog_versions WHERE tenant_id = $1 AND status = 'published')
SELECT hits.item_code, hits.content_hash, hits.title, hits.level, hits.category, hits.item_kind, hits.kinds,
       hits.rank, NULL AS township_code, NULL AS township_name
  FROM hits CROSS JOIN cur
  JOIN catalog_items i ON i.tenant_id = $1 AND i.version = cur.number AND i.code = hits.item_code
   AND i.content_hash = hits.content_hash AND i.status = 'active'
 WHERE $5::text IS NULL
 ORDER BY hits.rank DESC, hits.item_code COLLATE "C"
 OFFSET $6 LIMIT $7
"""


# Hits grouped by item: every matching document some published list holds (holders > 0, kept
# by publishing, migration 0019: no probe of the spans per document; the per-entry search
# keeps every document, its candidates being cut to the best k by posting rank, held or not;
# with a township, $5, one index probe each for that township's, $13–$14), how many there are, and
# the page's items ($6 offset, $7 limit) with their content hash. The counts row comes even
# when the page is empty. Only what ranks and orders every hit is carried along (id, code,
# rank); the page's 50 documents are read again by id for the rest. The townships holding
# each item are not read here: they are the same for every query finding it until the
# generation moves, so :mod:`core.publication.search_holdings` keeps them and reads only the
# ones it lacks (:data:`_HOLDINGS`). Reading them here cost more than the rest of the search
# (2,500 index tuples, names and paths for a page of 50 items held by 50 townships).
_SEARCH_ITEMS = f"""
WITH {_CANDIDATES.format(best="NULL")},
held AS MATERIALIZED (
  SELECT d.id, d.item_code, ts_rank(d.document, $2::tsquery) AS rank
    FROM search_documents d
   WHERE d.tenant_id = $1 AND d.id = ANY(CAST((SELECT ids FROM candidates) AS integer[]))
     {_FILTERS} AND ($12::bool OR d.document @@ $2::tsquery) AND d.holders > 0
     AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM township_entry_spans s
                  WHERE s.tenant_id = $1 AND s.item_code = d.item_code AND s.item_hash = d.content_hash
                    AND s.valid_until IS NULL AND s.township_code BETWEEN $13::text AND $14::text)))
SELECT counts.total, counts.township_known, counts.generation, counts.today, d.item_code, d.content_hash,
       d.title, d.level, d.category, d.item_kind, d.kinds, page.rank
  FROM (SELECT count(*) AS total, {GENERATION} AS generation, current_date AS today,
               $5::text IS NULL OR EXISTS (SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $5)
                 AS township_known
          FROM held) counts
  LEFT JOIN (SELECT * FROM held ORDER BY rank DESC, item_code COLLATE "C" OFFSET $6 LIMIT $7) page ON true
  LEFT JOIN search_documents d ON d.tenant_id = $1 AND d.id = page.id
 ORDER BY page.rank DESC, page.item_code COLLATE "C"
"""

# The townships holding items ($2 codes, $3 content hashes: the open spans pointing at that
# content), in code order, within the range $4–$5 (a township, or all: see _SEARCH_LISTS), with
# their names; n numbers the items as given. An index-only scan per item (the open spans'
# index holds the township after the item and its hash). ``generation``: the moment read at.
_HOLDINGS = f"""
SELECT x.n, t.townships, t.names, {GENERATION} AS generation
  FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(item_code, content_hash, n)
  CROSS JOIN LATERAL (
    SELECT array_agg(s.township_code ORDER BY s.township_code) AS townships,
           array_agg(j.name ORDER BY s.township_code) AS names
      FROM township_entry_spans s JOIN jurisdictions j ON j.tenant_id = s.tenant_id AND j.code = s.township_code
     WHERE s.tenant_id = $1 AND s.item_code = x.item_code AND s.item_hash = x.content_hash
       AND s.valid_until IS NULL AND s.township_code BETWEEN $4::text AND $5::text) t
"""


async def search_items(conn: asyncpg.Connection, *args: object) -> list[asyncpg.Record]:
    """A page of item hits and the total (records read by name; one row with NULL item
    columns when the page is empty)."""
    return await conn.fetch(_SEARCH_ITEMS, *args)


async def holdings(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, items: list[str], hashes: list[str], lo: str, hi: str
) -> list[HoldingsRow]:
    """The townships (codes and names) holding each item content, as :data:`_HOLDINGS`."""
    return rows_as(HoldingsRow, await conn.fetch(_HOLDINGS, tenant_id, items, hashes, lo, hi))


async def search_page(conn: asyncpg.Connection, scope: str, *args: object) -> list[asyncpg.Record]:
    """A page of hits of scope ``lists`` or ``catalog`` (parameters as the statements above
    number them): records, see the module's docstring."""
    return await conn.fetch(_SEARCH_LISTS if scope == "lists" else _SEARCH_CATALOG, *args)


# --------------------------------------------------------------------------- lookup


async def catalog_items(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int) -> list[asyncpg.Record]:
    """Every item of catalog ``version`` as :func:`core.catalog.queries.items_for` reads them (records)."""
    await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
    return await conn.fetch(
        items_for("SELECT tenant_id, version, code FROM catalog_items WHERE tenant_id = $1 AND version = $2"),
        tenant_id,
        version,
    )


async def list_contacts(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, number: int
) -> list[asyncpg.Record]:
    """``(item_code, responsible_office, post, contact)`` of each entry of a published version
    (records, unpacked by position: every entry of a list)."""
    return await conn.fetch(
        "SELECT item_code, responsible_office, post, contact FROM township_version_entries"
        " WHERE tenant_id = $1 AND township_code = $2 AND number = $3",
        tenant_id,
        township,
        number,
    )


async def locations(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, value: str, township_kinds: list[str]
) -> list[LocationRow]:
    """The township (and its version in force today) that the division with code or exact name
    ``value`` lies in; two rows when the name is ambiguous. ``loc.*`` is the CTE's own four
    columns (``origin, origin_kind, code, name``), not a table's."""
    records = await conn.fetch(
        "WITH RECURSIVE start AS (SELECT code, name, kind, parent_code FROM jurisdictions"
        "  WHERE tenant_id = $1 AND (code = $2 OR name = $2) ORDER BY code LIMIT 2),"
        " up AS (SELECT code, name, kind, parent_code, code AS origin, kind AS origin_kind, 0 AS depth FROM start"
        "  UNION ALL SELECT j.code, j.name, j.kind, j.parent_code, up.origin, up.origin_kind, up.depth + 1"
        "  FROM jurisdictions j JOIN up ON j.tenant_id = $1 AND j.code = up.parent_code"
        "  WHERE NOT (up.kind = ANY($3)) AND up.depth < 4),"
        " loc AS (SELECT origin, origin_kind, code, name FROM up WHERE kind = ANY($3)),"
        " ver AS (SELECT DISTINCT ON (v.township_code) v.township_code, v.number, v.catalog_version,"
        "  v.content_hash FROM township_list_versions v WHERE v.tenant_id = $1"
        "  AND v.township_code IN (SELECT code FROM loc) AND v.effective_date <= current_date"
        "  ORDER BY v.township_code, v.effective_date DESC, v.number DESC)"
        f" SELECT loc.*, ver.number, ver.catalog_version, ver.content_hash, {GENERATION} AS generation FROM loc"
        " LEFT JOIN ver ON ver.township_code = loc.code",
        tenant_id,
        value,
        township_kinds,
    )
    return rows_as(LocationRow, records)


async def versions_in_force(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str | None
) -> list[VersionInForceRow]:
    """The published list version in force today of one township, or of every township."""
    records = await conn.fetch(
        "SELECT DISTINCT ON (v.township_code) v.township_code, j.name, v.number, v.catalog_version,"
        " v.content_hash FROM township_list_versions v JOIN jurisdictions j ON j.tenant_id = v.tenant_id"
        " AND j.code = v.township_code WHERE v.tenant_id = $1 AND ($2::text IS NULL OR v.township_code = $2)"
        " AND v.effective_date <= current_date"
        " ORDER BY v.township_code, v.effective_date DESC, v.number DESC",
        tenant_id,
        township,
    )
    return rows_as(VersionInForceRow, records)


#: ``lv`` (a row of township_list_versions) is its township's version in force today: in
#: effect, and no later one is (latest effective date, then number). Checked per row through
#: the primary key, so a statement can start from the entries' item index and stop early.
_IN_FORCE = """lv.effective_date <= current_date AND NOT EXISTS (
  SELECT 1 FROM township_list_versions w WHERE w.tenant_id = lv.tenant_id AND w.township_code = lv.township_code
     AND w.effective_date <= current_date AND (w.effective_date, w.number) > (lv.effective_date, lv.number))"""

#: The catalog versions of the lists in force: each township's version in force found in one
#: ordered pass (not ``_IN_FORCE`` per row, whose anti-join was planned as a re-read of the
#: tenant's versions per version whenever the statistics undercounted them).
_CATALOGS_IN_FORCE = """SELECT DISTINCT catalog_version FROM (
  SELECT DISTINCT ON (township_code) catalog_version FROM township_list_versions
   WHERE tenant_id = $1 AND effective_date <= current_date
   ORDER BY township_code, effective_date DESC, number DESC) in_force
 ORDER BY 1"""

#: Entries of lists in force holding item ``c.code`` of catalog version ``c.k``: from the index
#: township_entry_spans_item (tenant, item, township, valid_from), in township order, each
#: span joined to the versions it is valid in (a range of the versions' primary key).
_HOLDING = (
    """township_entry_spans e JOIN township_list_versions lv ON lv.tenant_id = e.tenant_id
   AND lv.township_code = e.township_code AND lv.number >= e.valid_from
   AND (e.valid_until IS NULL OR lv.number < e.valid_until)
 WHERE e.tenant_id = $1 AND e.item_code = c.code AND lv.catalog_version = c.k AND """
    + _IN_FORCE
)

#: Of the (catalog version, item, score) triples, those some list in force holds (each stops
#: at its first holder: a LATERAL … LIMIT 1, which the planner cannot turn into a semi-join
#: over every entry of the tenant — it did, 1.4 million rows, for a chunk of 190 items); of
#: those with the best score, the first townships (by code) holding
#: one — per item the first ``$5`` in index order, then merged.
_BEST_HOLDERS = f"""
WITH held AS MATERIALIZED (
  SELECT c.k, c.code, c.score FROM unnest($2::int[], $3::text[], $4::float8[]) AS c(k, code, score)
   CROSS JOIN LATERAL (SELECT 1 FROM {_HOLDING} LIMIT 1) AS first_holder
), top AS (SELECT k, code, score FROM held WHERE score = (SELECT max(score) FROM held))
SELECT h.score, h.township_code, h.number, h.catalog_version, h.content_hash,
       (SELECT j.name FROM jurisdictions j WHERE j.tenant_id = $1 AND j.code = h.township_code) AS name FROM (
  SELECT DISTINCT ON (x.township_code) x.* FROM top c CROSS JOIN LATERAL (
    SELECT c.score, e.township_code, lv.number, lv.catalog_version, lv.content_hash FROM {_HOLDING}
     ORDER BY e.township_code LIMIT $5) x
   ORDER BY x.township_code LIMIT $5) h
 ORDER BY h.township_code
"""


async def best_holders(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    versions: list[int],
    codes: list[str],
    scores: list[float],
    limit: int,
) -> list[HolderRow]:
    return rows_as(HolderRow, await conn.fetch(_BEST_HOLDERS, tenant_id, versions, codes, scores, limit))


async def generation_today(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> tuple[int, datetime.date]:
    """The tenant's content generation and the database's date (one row, always)."""
    record = await conn.fetchrow(f"SELECT {GENERATION}, current_date", tenant_id)
    assert record is not None, "a SELECT without FROM returns one row"
    generation, today = record
    return generation, today


async def catalogs_in_force(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[int]:
    """The catalog versions the lists in force today were published against."""
    return [version for (version,) in await conn.fetch(_CATALOGS_IN_FORCE, tenant_id)]


async def units_with_hosts(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[UnitHostsRow]:
    records = await conn.fetch(
        "SELECT u.code, u.name, u.kind, u.parent_unit_code, u.jurisdiction_code,"
        " ARRAY(SELECT h.township_code FROM unit_hosts h WHERE h.tenant_id = u.tenant_id"
        " AND h.unit_code = u.code ORDER BY h.township_code) AS hosts"
        " FROM units u WHERE u.tenant_id = $1 ORDER BY u.code",
        tenant_id,
    )
    return rows_as(UnitHostsRow, records)


async def divisions(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[DivisionRow]:
    """Every division of the tenant (the lookup reads places from their names)."""
    records = await conn.fetch(
        "SELECT code, name, kind, parent_code, COALESCE(attributes -> 'aliases', '[]'::jsonb)::text AS aliases"
        " FROM jurisdictions WHERE tenant_id = $1 ORDER BY code",
        tenant_id,
    )
    return rows_as(DivisionRow, records)


async def assignments(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> list[AssignmentRow]:
    """The post assignments of ``township``'s list entries, with office and post names."""
    records = await conn.fetch(
        "SELECT a.item_code, a.leader, a.office_code, o.name AS office_name, a.a_post, pa.name AS a_name,"
        " pa.holder AS a_holder, a.b_post, pb.name AS b_name, pb.holder AS b_holder FROM entry_assignments a"
        " LEFT JOIN units o ON o.tenant_id = a.tenant_id AND o.code = a.office_code"
        " LEFT JOIN posts pa ON pa.tenant_id = a.tenant_id AND pa.township_code = a.township_code"
        " AND pa.code = a.a_post"
        " LEFT JOIN posts pb ON pb.tenant_id = a.tenant_id AND pb.township_code = a.township_code"
        " AND pb.code = a.b_post"
        " WHERE a.tenant_id = $1 AND a.township_code = $2",
        tenant_id,
        township,
    )
    return rows_as(AssignmentRow, records)


# --------------------------------------------------------------------------- published bodies

_READ = (
    "SELECT gzip FROM published_list_bodies"
    " WHERE tenant_id = $1 AND township_code = $2 AND number = $3 AND generation = $4"
)

#: $1 tenant, $2 township, $3 number, $4 generation, $5 the body as a gzip member (core.publication.gzipped)
WRITE_BODY = (
    "INSERT INTO published_list_bodies AS b (tenant_id, township_code, number, generation, gzip)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, township_code, number)"
    " DO UPDATE SET generation = excluded.generation, gzip = excluded.gzip"
    " WHERE b.generation < excluded.generation"
)


async def stored_body(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, number: int, generation: int
) -> bytes | None:
    """The version's body stored at ``generation``, a gzip member of its JSON after the opening
    brace (:func:`core.publication.gzipped.member`); None when there is none."""
    body: bytes | None = await conn.fetchval(_READ, tenant_id, township, number, generation)
    return body


# --------------------------------------------------------------------------- published renderings


class RenderingRow(_Row, frozen=True):
    selection: bytes
    deflated: bytes


_READ_RENDERINGS = (
    "SELECT selection, deflated FROM published_list_renderings"
    " WHERE tenant_id = $1 AND township_code = $2 AND number = $3 AND generation = $4 AND selection = ANY($5::bytea[])"
)

#: $1 tenant, $2 township, $3 number, $4 selection digest, $5 generation, $6 the rendering deflated
#: (core.publication.renderings). Nothing when the version's body or the selection is gone (a
#: publication or a pruning in between): a rendering lives only as long as both.
WRITE_RENDERING = (
    "INSERT INTO published_list_renderings AS r (tenant_id, township_code, number, selection, generation, deflated)"
    " SELECT $1, $2, $3, $4, $5, $6"
    " WHERE EXISTS (SELECT 1 FROM published_list_bodies b"
    "                WHERE b.tenant_id = $1 AND b.township_code = $2 AND b.number = $3)"
    "   AND EXISTS (SELECT 1 FROM rendering_selections s WHERE s.tenant_id = $1 AND s.selection = $4)"
    " ON CONFLICT (tenant_id, township_code, number, selection)"
    " DO UPDATE SET generation = excluded.generation, deflated = excluded.deflated"
    " WHERE r.generation < excluded.generation"
)

#: $1 tenant, $2 selection digest, $3 part, $4 shape (JSON), $5 when (a parameter: Citus refuses
#: now() in ON CONFLICT … SET)
RECORD_SELECTION = (
    "INSERT INTO rendering_selections AS s (tenant_id, selection, part, shape, last_used)"
    " VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (tenant_id, selection) DO UPDATE SET last_used = excluded.last_used"
    " WHERE s.last_used < excluded.last_used"
)

#: $1 tenant, $2 part, $3 how many to keep: the least recently used selections beyond them go
#: (their renderings with them, ON DELETE CASCADE).
PRUNE_SELECTIONS = (
    "DELETE FROM rendering_selections WHERE tenant_id = $1 AND part = $2 AND selection NOT IN"
    " (SELECT selection FROM rendering_selections WHERE tenant_id = $1 AND part = $2"
    "   ORDER BY last_used DESC, selection LIMIT $3)"
)

_RECENT_SELECTIONS = (
    "SELECT shape FROM rendering_selections WHERE tenant_id = $1 AND last_used >= $2 ORDER BY part, last_used DESC"
)


async def stored_renderings(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, number: int, generation: int, digests: list[bytes]
) -> list[RenderingRow]:
    """The version's renderings stored at ``generation`` for the selections ``digests``."""
    records = await conn.fetch(_READ_RENDERINGS, tenant_id, township, number, generation, digests)
    return rows_as(RenderingRow, records)


async def recent_selections(conn: asyncpg.Connection, tenant_id: uuid.UUID, since: datetime.datetime) -> list[bytes]:
    """The shapes (JSON) of the tenant's selections used since ``since``."""
    return [r[0] for r in await conn.fetch(_RECENT_SELECTIONS, tenant_id, since)]


# --------------------------------------------------------------------------- handbooks

_HANDBOOK_COLUMNS = (
    "id, township_code, list_version, status, progress_done, progress_total, error, storage_key,"
    " size_bytes, sha256, created_at, started_at, finished_at"
)

_ACTIVE = "status IN ('queued', 'running')"
#: $1 tenant, $2 job ids, $3 error
FAIL_HANDBOOKS = (
    f"UPDATE handbooks SET status = 'failed', error = $3, finished_at = now() WHERE tenant_id = $1 AND {_ACTIVE}"
    " AND id = ANY($2::uuid[])"
)


async def active_handbooks(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, where: str, value: object, stale_after: datetime.timedelta
) -> list[ActiveHandbookRow]:
    """The active jobs matching ``where`` (``$2`` is ``value``), each with whether its heartbeat is stale."""
    records = await conn.fetch(
        f"SELECT id, owner, heartbeat_at < now() - $3::interval AS stale FROM handbooks"
        f" WHERE tenant_id = $1 AND {where} AND {_ACTIVE}",
        tenant_id,
        value,
        stale_after,
    )
    return rows_as(ActiveHandbookRow, records)


async def insert_handbook(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    township: str,
    number: int,
    total: int,
    requested_by: uuid.UUID | None,
    requested_role: str,
    job_owner: str,
) -> HandbookRow | None:
    """The new job; None when one for this version is being made already."""
    record = await conn.fetchrow(
        "INSERT INTO handbooks (tenant_id, township_code, list_version, progress_total, requested_by,"
        f" requested_role, owner) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING"
        f" RETURNING {_HANDBOOK_COLUMNS}",
        tenant_id,
        township,
        number,
        total,
        requested_by,
        requested_role,
        job_owner,
    )
    return maybe_row_as(HandbookRow, record)


async def active_handbook(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, number: int
) -> HandbookRow | None:
    record = await conn.fetchrow(
        f"SELECT {_HANDBOOK_COLUMNS} FROM handbooks WHERE tenant_id = $1 AND township_code = $2"
        " AND list_version = $3 AND status IN ('queued', 'running')",
        tenant_id,
        township,
        number,
    )
    return maybe_row_as(HandbookRow, record)


async def handbook(conn: asyncpg.Connection, tenant_id: uuid.UUID, job_id: uuid.UUID) -> HandbookRow | None:
    record = await conn.fetchrow(
        f"SELECT {_HANDBOOK_COLUMNS} FROM handbooks WHERE tenant_id = $1 AND id = $2", tenant_id, job_id
    )
    return maybe_row_as(HandbookRow, record)


async def place(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> PlaceRow | None:
    record = await conn.fetchrow(
        "SELECT j.kind, j.name, coalesce(l.published_number, 0) AS published FROM jurisdictions j"
        " LEFT JOIN township_lists l ON l.tenant_id = j.tenant_id AND l.township_code = j.code"
        " WHERE j.tenant_id = $1 AND j.code = $2",
        tenant_id,
        code,
    )
    return maybe_row_as(PlaceRow, record)


async def printed_version(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, wanted: int | None
) -> PrintedVersionRow | None:
    """The version to print (``wanted``, or the latest) with its entry count."""
    record = await conn.fetchrow(
        "SELECT v.number, (SELECT count(*) FROM township_version_entries e WHERE e.tenant_id = v.tenant_id"
        " AND e.township_code = v.township_code AND e.number = v.number) AS total"
        " FROM township_list_versions v WHERE v.tenant_id = $1 AND v.township_code = $2"
        " AND ($3::int IS NULL OR v.number = $3) ORDER BY v.effective_date DESC, v.number DESC LIMIT 1",
        tenant_id,
        township,
        wanted,
    )
    return maybe_row_as(PrintedVersionRow, record)


async def update_handbook(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, job_id: uuid.UUID, assignments: str, *args: object
) -> None:
    """``SET heartbeat_at = now(), <assignments>`` on the job; ``args`` are ``$3`` and after."""
    await conn.execute(
        f"UPDATE handbooks SET heartbeat_at = now(), {assignments} WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        job_id,
        *args,
    )
