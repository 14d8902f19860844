"""Every SQL statement of the lists context (working copies, publication, posts), and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants the service modules execute. Every statement names the tenant
(``tests/test_tenant_keyed_sql.py``).

Whole-list reads (:func:`working_entries`, :func:`published_entries`) return asyncpg records:
hundreds to thousands of rows a request, each turned into an ``Entry`` (with its ``ItemView``) by
the service at once; a Struct per row in between would be a second object per entry on the
hottest read. :func:`digest_records` likewise (every entry of a batch of lists, read by position).
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.catalog.queries import items_for
from core.platform.generations import GENERATION
from core.platform.rows import children_as, maybe_row_as, row_as, rows_as, under_parent


class _Row(msgspec.Struct, frozen=True):
    pass


class ListRow(_Row, frozen=True):
    """A township's working list with its township's name."""

    tenant_id: uuid.UUID
    township_code: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    review_note: str
    updated_at: datetime.datetime
    township_name: str


class PublishedHeadRow(_Row, frozen=True):
    """The list's row with its chosen published version (``number`` and after are None when there
    is none) and the content generation."""

    revision: int
    published_number: int
    township_name: str
    number: int | None
    catalog_version: int | None
    effective_date: datetime.date | None
    generation: int


class ListVersionRow(_Row, frozen=True):
    number: int
    catalog_version: int
    published_at: datetime.datetime
    effective_date: datetime.date
    content_hash: str
    entry_count: int


class ClaimantRow(_Row, frozen=True):
    township_code: str
    township_name: str
    justification: str
    state: str
    claimed_at: datetime.datetime | None


class ItemScopeRow(_Row, frozen=True):
    status: str
    township_scope: str


class EntryRow(_Row, frozen=True):
    """One working entry's local details and state."""

    responsible_office: str
    post: str
    contact: str
    note: str
    state: str
    change_note: str
    origin: str
    justification: str


class EntryCountsRow(_Row, frozen=True):
    active: int
    pending: int


class FiledListRow(_Row, frozen=True):
    township_code: str
    number: int
    catalog_version: int


# --------------------------------------------------------------------------- working copies

_LIST_COLUMNS = (
    "l.tenant_id, l.township_code, l.status, l.catalog_version, l.revision, l.published_number,"
    " l.review_note, l.updated_at"
)


async def list_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, *, lock: bool) -> ListRow | None:
    record = await conn.fetchrow(
        f"SELECT {_LIST_COLUMNS}, j.name AS township_name FROM township_lists l JOIN jurisdictions j"
        " ON j.tenant_id = l.tenant_id AND j.code = l.township_code"
        " WHERE l.tenant_id = $1 AND l.township_code = $2" + (" FOR UPDATE OF l" if lock else ""),
        tenant_id,
        township,
    )
    return maybe_row_as(ListRow, record)


async def jurisdiction_kind(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> str | None:
    kind: str | None = await conn.fetchval(
        "SELECT kind FROM jurisdictions WHERE tenant_id = $1 AND code = $2", tenant_id, code
    )
    return kind


#: $1 tenant, $2 township, $3 whether a published or filed list becomes a draft
TOUCH = (
    "UPDATE township_lists SET revision = revision + 1, updated_at = now(),"
    " status = CASE WHEN $3 AND status IN ('published', 'filed') THEN 'draft' ELSE status END"
    " WHERE tenant_id = $1 AND township_code = $2"
)

#: $1 tenant, $2 catalog version, $3 the township kinds
CREATE_LISTS = (
    "INSERT INTO township_lists (tenant_id, township_code, catalog_version)"
    " SELECT tenant_id, code, $2 FROM jurisdictions WHERE tenant_id = $1 AND kind = ANY($3)"
    " ON CONFLICT DO NOTHING"
)


async def follow(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int, note: str) -> list[str]:
    """Bring every working copy's entries to catalog ``version``; the townships whose list changed.

    Right after a bulk import the tables have no statistics; the planner then takes the
    two catalog versions for one row each and joins them in nested loops (over a minute
    for 5,000 items). Hash joins are right at every size here.

    New entries are inserted in primary-key order: the index's leaf pages then fill one after
    the other instead of at random (a first version for 400 townships, 136,000 rows: the
    statement took 2.4 s instead of 2.9 s, docs/scale.md).
    """
    await conn.execute("SET LOCAL enable_nestloop = off")
    changed = await conn.fetch(
        """
        WITH cur AS (
          SELECT code, title, status, township_scope, content_hash, withdrawn_reason, successor_code
            FROM catalog_items WHERE tenant_id = $1 AND version = $2
        ), prev AS (
          SELECT code, content_hash FROM catalog_items WHERE tenant_id = $1 AND version = $2 - 1
        ), removed AS (
          UPDATE township_entries e SET state = 'removed',
                 change_note = $3 || '：已撤销 — ' || coalesce(cur.withdrawn_reason, '不再属于乡镇(街道)清单')
                   || coalesce('（并入 ' || cur.successor_code || '）', '')
            FROM cur WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.state <> 'removed'
             AND (cur.status = 'withdrawn' OR cur.township_scope = 'none')
          RETURNING e.township_code
        ), reconfirm AS (
          UPDATE township_entries e SET state = 'needs_confirmation',
                 change_note = $3 || '：认领事项内容已变更，请重新确认'
            FROM cur JOIN prev ON prev.code = cur.code
           WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.origin = 'claimed'
             AND e.state = 'active' AND cur.status = 'active' AND cur.content_hash <> prev.content_hash
          RETURNING e.township_code
        ), updated AS (
          UPDATE township_entries e SET change_note = $3 || '：事项内容已更新'
            FROM cur JOIN prev ON prev.code = cur.code
           WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.origin = 'automatic'
             AND e.state = 'active' AND cur.status = 'active' AND cur.township_scope = 'all'
             AND cur.content_hash <> prev.content_hash
          RETURNING e.township_code
        ), revived AS (
          UPDATE township_entries e SET state = 'active', change_note = $3 || '：恢复'
            FROM cur WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.state = 'removed'
             AND e.origin = 'automatic' AND cur.status = 'active' AND cur.township_scope = 'all'
          RETURNING e.township_code
        ), added AS (
          INSERT INTO township_entries (tenant_id, township_code, item_code, origin, change_note)
          SELECT $1, l.township_code, cur.code, 'automatic', $3 || '：新增'
            FROM township_lists l CROSS JOIN cur
           WHERE l.tenant_id = $1 AND cur.status = 'active' AND cur.township_scope = 'all'
             AND NOT EXISTS (SELECT 1 FROM township_entries e WHERE e.tenant_id = $1
                             AND e.township_code = l.township_code AND e.item_code = cur.code)
           ORDER BY l.township_code, cur.code
          RETURNING township_code
        )
        SELECT township_code FROM removed UNION SELECT township_code FROM reconfirm
        UNION SELECT township_code FROM updated UNION SELECT township_code FROM revived
        UNION SELECT township_code FROM added
        """,
        tenant_id,
        version,
        note,
    )
    await conn.execute("SET LOCAL enable_nestloop = on")
    return [code for (code,) in changed]


#: $1 tenant, $2 catalog version, $3 the townships whose list changed
MOVE_LISTS = (
    "UPDATE township_lists SET catalog_version = $2, revision = revision + 1, updated_at = now(),"
    " status = CASE WHEN township_code = ANY($3) AND status IN ('published', 'filed') THEN 'draft'"
    " ELSE status END WHERE tenant_id = $1"
)

# --------------------------------------------------------------------------- whole lists (records)

# The selections of whole lists name no tenant column: items_for filters every table by $1 itself,
# and a tenant id per row was decoded 340 times a read for nothing.
# A whole list is read by one set-based statement (core.catalog.queries.items_for); its generic plan,
# which PostgreSQL may switch to for a prepared statement, is far slower than a custom one. Its
# per-item probes of an item's two or three responsibilities were bitmap scans, each building a
# bitmap for two rows: 340 of them were a fifth of the statement's CPU; index scans are as robust.
_CUSTOM_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_bitmapscan = off"

_ENTRY_COLUMNS = (
    "e.origin, e.justification, e.responsible_office, e.post, e.contact, e.note, e.state,"
    " e.change_note, e.review_comment"
)
_WORKING = (
    f"SELECT $2::int AS version, e.item_code AS code, {_ENTRY_COLUMNS}"
    " FROM township_entries e WHERE e.tenant_id = $1 AND e.township_code = $3"
)
_PUBLISHED = (
    "SELECT $2::int AS version, e.item_code AS code, e.origin, e.justification,"
    " e.responsible_office, e.post, e.contact, e.note, 'active' AS state, '' AS change_note,"
    " '' AS review_comment FROM township_version_entries e WHERE e.tenant_id = $1"
    " AND e.township_code = $3 AND e.number = $4"
)


_WORKING_LIST = items_for(_WORKING, provisions=True)
_PUBLISHED_LIST = items_for(_PUBLISHED, provisions=True)


def _provisions(records: list[asyncpg.Record]) -> str:
    """The JSON text of the provisions a whole-list statement gives on its first row."""
    return records[0]["provisions"] if records else "[]"


async def working_entries(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, catalog_version: int, township: str
) -> tuple[list[asyncpg.Record], str]:
    """The working copy's entries (item columns, then the entry's) and the JSON text of the
    provisions they cite."""
    await conn.execute(_CUSTOM_PLAN)
    records = await conn.fetch(_WORKING_LIST, tenant_id, catalog_version, township)
    return records, _provisions(records)


async def published_entries(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, catalog_version: int, township: str, number: int
) -> tuple[list[asyncpg.Record], str]:
    """A published version's entries, as :func:`working_entries` reads the working copy's."""
    await conn.execute(_CUSTOM_PLAN)
    records = await conn.fetch(_PUBLISHED_LIST, tenant_id, catalog_version, township, number)
    return records, _provisions(records)


#: The latest version (or by number, or as of a date) and the content generation, with
#: the list's own row: everything a cached published list needs checked, in one statement.
_PUBLISHED_HEAD = f"""
SELECT l.revision, l.published_number, j.name AS township_name, v.number, v.catalog_version,
       v.effective_date, {GENERATION} AS generation
  FROM township_lists l
  JOIN jurisdictions j ON j.tenant_id = l.tenant_id AND j.code = l.township_code
  LEFT JOIN LATERAL (
    SELECT number, catalog_version, effective_date FROM township_list_versions
     WHERE tenant_id = l.tenant_id AND township_code = l.township_code
       AND ($3::int IS NULL OR number = $3) AND ($4::date IS NULL OR effective_date <= $4)
     ORDER BY effective_date DESC, number DESC LIMIT 1) v ON true
 WHERE l.tenant_id = $1 AND l.township_code = $2
"""


async def published_head(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    township: str,
    number: int | None,
    as_of: datetime.date | None,
) -> PublishedHeadRow | None:
    """None when the township has no list (or is no township)."""
    return maybe_row_as(PublishedHeadRow, await conn.fetchrow(_PUBLISHED_HEAD, tenant_id, township, number, as_of))


async def list_version_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> list[ListVersionRow]:
    records = await conn.fetch(
        "SELECT v.number, v.catalog_version, v.published_at, v.effective_date, v.content_hash,"
        " (SELECT count(*) FROM township_version_entries e WHERE e.tenant_id = v.tenant_id"
        "  AND e.township_code = v.township_code AND e.number = v.number) AS entry_count"
        " FROM township_list_versions v WHERE v.tenant_id = $1 AND v.township_code = $2"
        " ORDER BY v.number",
        tenant_id,
        township,
    )
    return rows_as(ListVersionRow, records)


_CLAIMANTS = under_parent(
    "SELECT 1 FROM catalog_items WHERE tenant_id = $1 AND code = $2",
    "SELECT e.township_code, j.name AS township_name, e.justification, e.state, e.claimed_at"
    " FROM township_entries e JOIN jurisdictions j ON j.tenant_id = e.tenant_id"
    " AND j.code = e.township_code WHERE e.tenant_id = $1 AND e.item_code = $2 AND e.origin = 'claimed'",
    "c.township_code",
)


async def claimant_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, item_code: str) -> list[ClaimantRow] | None:
    """The townships that claimed the item; None when no catalog version has the item."""
    return children_as(ClaimantRow, await conn.fetch(_CLAIMANTS, tenant_id, item_code))


# --------------------------------------------------------------------------- changing the working copy


async def item_scope(conn: asyncpg.Connection, tenant_id: uuid.UUID, version: int, code: str) -> ItemScopeRow | None:
    record = await conn.fetchrow(
        "SELECT status, township_scope FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3",
        tenant_id,
        version,
        code,
    )
    return maybe_row_as(ItemScopeRow, record)


async def insert_claim(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str, justification: str
) -> bool:
    """Claim an item (or revive a removed claim); false when it is claimed already."""
    inserted: int | None = await conn.fetchval(
        "INSERT INTO township_entries (tenant_id, township_code, item_code, origin, justification,"
        " claimed_at) VALUES ($1, $2, $3, 'claimed', $4, now())"
        " ON CONFLICT (tenant_id, township_code, item_code) DO UPDATE SET state = 'active',"
        " justification = excluded.justification, claimed_at = excluded.claimed_at, change_note = ''"
        " WHERE township_entries.state = 'removed' RETURNING 1",
        tenant_id,
        township,
        item_code,
        justification,
    )
    return bool(inserted)


async def withdraw_claim(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str, note: str
) -> EntryRow | None:
    """Take a claimed entry off the list (state ``removed``, like an item the catalog withdrew),
    keeping its local details for a later claim (:func:`insert_claim` revives them); the entry as
    it was, None when the township has no such claim on its list."""
    record = await conn.fetchrow(
        "WITH old AS (SELECT responsible_office, post, contact, note, state, change_note, origin, justification"
        " FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3"
        " AND origin = 'claimed' AND state <> 'removed' FOR UPDATE)"
        " UPDATE township_entries e SET state = 'removed', change_note = $4, review_comment = ''"
        " FROM old WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.item_code = $3 RETURNING old.*",
        tenant_id,
        township,
        item_code,
        note,
    )
    return maybe_row_as(EntryRow, record)


async def entry_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str) -> EntryRow | None:
    record = await conn.fetchrow(
        "SELECT responsible_office, post, contact, note, state, change_note, origin, justification"
        " FROM township_entries"
        " WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3",
        tenant_id,
        township,
        item_code,
    )
    return maybe_row_as(EntryRow, record)


#: $1 tenant, $2 township, $3 item code, $4 office, $5 post, $6 contact, $7 note, $8 justification,
#: $9 state, $10 confirm
UPDATE_ENTRY = (
    "UPDATE township_entries SET responsible_office = $4, post = $5, contact = $6, note = $7,"
    " justification = $8, state = $9, change_note = CASE WHEN $10 THEN '' ELSE change_note END"
    " WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3"
)


async def entry_counts(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> EntryCountsRow:
    record = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE state = 'active') AS active,"
        " count(*) FILTER (WHERE state = 'needs_confirmation') AS pending"
        " FROM township_entries WHERE tenant_id = $1 AND township_code = $2",
        tenant_id,
        township,
    )
    assert record is not None, "an aggregate without GROUP BY returns one row"
    return row_as(EntryCountsRow, record)


#: $1 tenant, $2 township, $3 status, $4 review note
SET_STATUS = (
    "UPDATE township_lists SET status = $3, review_note = $4, revision = revision + 1,"
    " updated_at = now() WHERE tenant_id = $1 AND township_code = $2"
)


async def entries_named(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, codes: list[str]) -> int:
    """How many of ``codes`` are on the township's working list."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = ANY($3)",
        tenant_id,
        township,
        codes,
    )
    return count


#: $1 tenant, $2 township
CLEAR_COMMENTS = "UPDATE township_entries SET review_comment = '' WHERE tenant_id = $1 AND township_code = $2"
#: $1 tenant, $2 township, $3 item codes, $4 comments
SET_COMMENTS = (
    "UPDATE township_entries e SET review_comment = c.comment"
    " FROM unnest($3::text[], $4::text[]) AS c(item_code, comment)"
    " WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.item_code = c.item_code"
)

# --------------------------------------------------------------------------- publishing


async def filed_lists(conn: asyncpg.Connection, tenant_id: uuid.UUID, townships: list[str]) -> list[FiledListRow]:
    """The filed lists among ``townships``, locked, in code order, with their next version number."""
    records = await conn.fetch(
        "SELECT township_code, published_number + 1 AS number, catalog_version FROM township_lists"
        " WHERE tenant_id = $1 AND township_code = ANY($2::text[]) AND status = 'filed'"
        " ORDER BY township_code FOR UPDATE",
        tenant_id,
        townships,
    )
    return rows_as(FiledListRow, records)


#: executemany: $1 tenant, $2 township, $3 number, $4 catalog version, $5 effective date, $6 content hash
INSERT_VERSION = (
    "INSERT INTO township_list_versions (tenant_id, township_code, number, catalog_version,"
    " effective_date, content_hash) VALUES ($1, $2, $3, $4, $5, $6)"
)
# Publishing writes only what changed (migration 0010): the newest version's entries are the
# open spans (valid_until NULL); an entry the new version drops or changes has its span closed
# at the new number, an entry it adds or changes gets a new open span. ``l.published_number + 1``
# is the new version's number (MARK_PUBLISHED runs after these).
#: The entries of the filed lists as the new version holds them: active, with the item's hash
#: in the list's catalog version (``l`` the list, ``e`` the entry, ``i`` the item).
_PUBLISHING = (
    " FROM township_lists l JOIN township_entries e ON e.tenant_id = l.tenant_id"
    " AND e.township_code = l.township_code"
    " JOIN catalog_items i ON i.tenant_id = l.tenant_id AND i.version = l.catalog_version AND i.code = e.item_code"
    " WHERE l.tenant_id = $1 AND l.township_code = ANY($2::text[]) AND e.tenant_id = $1 AND i.tenant_id = $1"
    " AND e.state = 'active'"
)
_SPAN_CONTENT = "origin, justification, responsible_office, post, contact, note, item_hash"
_OPEN_CONTENT = "s.origin, s.justification, s.responsible_office, s.post, s.contact, s.note, s.item_hash"
_ENTRY_CONTENT = "e.origin, e.justification, e.responsible_office, e.post, e.contact, e.note, i.content_hash"
#: $1 tenant, $2 townships. "No such entry" is a count, not NOT EXISTS: a count subquery stays a
#: key probe per row, where NOT EXISTS may become an anti-join (on stale statistics such an
#: anti-join re-read a list's 340 open spans for each of its 340 entries: 57,630 rows for one list).
# Each search document counts the open spans pointing at its content (``holders``, migration
# 0019), so a grouped search reads "held by a published list" without probing the spans: the
# spans a publication closes (-1) and opens (+1) move it, in the same statements (their
# RETURNING rows, grouped by content; no second read of the spans).
_MOVE_HOLDERS = (
    "UPDATE search_documents d SET holders = d.holders {sign} c.n"
    " FROM (SELECT item_code, item_hash, count(*)::integer AS n FROM {spans} GROUP BY item_code, item_hash) c"
    " WHERE d.tenant_id = $1 AND d.item_code = c.item_code AND d.content_hash = c.item_hash"
)
CLOSE_SPANS = (
    "WITH closed AS ("
    "UPDATE township_entry_spans s SET valid_until = l.published_number + 1 FROM township_lists l"
    " WHERE l.tenant_id = $1 AND l.township_code = ANY($2::text[]) AND s.tenant_id = $1"
    " AND s.township_code = l.township_code AND s.valid_until IS NULL AND ("
    "SELECT count(*) FROM township_entries e JOIN catalog_items i ON i.tenant_id = e.tenant_id"
    " AND i.version = l.catalog_version AND i.code = e.item_code"
    " WHERE e.tenant_id = $1 AND e.township_code = s.township_code AND e.item_code = s.item_code"
    f" AND e.state = 'active' AND ({_ENTRY_CONTENT}) = ({_OPEN_CONTENT})) = 0"
    " RETURNING s.item_code, s.item_hash) " + _MOVE_HOLDERS.format(sign="-", spans="closed")
)
#: $1 tenant, $2 townships (after CLOSE_SPANS: an entry without an open span is new or changed).
#: The entries are read first (MATERIALIZED, the plan of digest_records), then inserted unless an
#: open span holds their key: ``ON CONFLICT`` on the open spans' unique index, a probe of that index
#: whatever the statistics say. (A count subquery per row was planned as a sequential scan while the
#: table's statistics said it was empty — a new database — and re-read the growing table for every
#: row: a first bulk publication of 400 lists took 172 s. With the probe in the join, its tiny row
#: estimate turned the join into a loop over the lists re-read per catalog item.) Written as
#: ``bulk_insert`` writes (the materialized CTE keeps Citus from pushing the insert down to the
#: shard, so it would COPY under row-level security), its RETURNING rows also moving the
#: documents' holders.
OPEN_SPANS = (
    "WITH written AS (WITH publishing AS MATERIALIZED ("
    f"SELECT e.tenant_id, e.township_code, e.item_code, l.published_number + 1 AS number, {_ENTRY_CONTENT}"
    + _PUBLISHING
    + f") INSERT INTO township_entry_spans (tenant_id, township_code, item_code, valid_from, {_SPAN_CONTENT})"
    " SELECT * FROM publishing ON CONFLICT (tenant_id, township_code, item_code) WHERE valid_until IS NULL"
    " DO NOTHING RETURNING item_code, item_hash), "
    "held AS (" + _MOVE_HOLDERS.format(sign="+", spans="written") + " RETURNING 1) SELECT count(*) FROM written"
)
#: $1 tenant, $2 townships: the stored bodies of their older versions (a cache of the newest
#: version only, see core.publication.bodies)
FORGET_BODIES = "DELETE FROM published_list_bodies WHERE tenant_id = $1 AND township_code = ANY($2::text[])"
#: $1 tenant, $2 townships
MARK_PUBLISHED = (
    "UPDATE township_lists SET status = 'published', published_number = published_number + 1,"
    " revision = revision + 1, review_note = '', updated_at = now()"
    " WHERE tenant_id = $1 AND township_code = ANY($2::text[])"
)
#: $1 tenant, $2 townships. Only the entries that carry a note: rewriting all of them doubled the write.
CLEAR_NOTES = (
    "UPDATE township_entries SET review_comment = '', change_note = ''"
    " WHERE tenant_id = $1 AND township_code = ANY($2::text[]) AND (review_comment <> '' OR change_note <> '')"
)


async def digest_records(conn: asyncpg.Connection, tenant_id: uuid.UUID, townships: list[str]) -> list[asyncpg.Record]:
    """Active entries of the lists (township, item code, item hash, office, post, contact, note,
    origin, justification) in code order; records, read by position (every entry of a batch of
    lists). The last two are not hashed: they let a publication answer with the new version."""
    return await conn.fetch(
        "SELECT e.township_code, e.item_code, i.content_hash, e.responsible_office, e.post, e.contact, e.note,"
        " e.origin, e.justification" + _PUBLISHING + " ORDER BY e.township_code, e.item_code",
        tenant_id,
        townships,
    )


# --------------------------------------------------------------------------- posts (岗位) and assignments


class PostRow(_Row, frozen=True):
    """A post with its office's name and the entries it holds (``entries``: JSON text of
    ``[{item_code, title, role, leader}]``)."""

    township_code: str
    code: str
    name: str
    office_code: str
    office_name: str
    holder: str
    standards: str
    updated_at: datetime.datetime
    entries: str


class PostOfficeRow(_Row, frozen=True):
    code: str
    office_code: str


class AssignmentRow(_Row, frozen=True):
    """Who does an entry: the columns of ``AssignmentView``, in its order."""

    township_code: str
    item_code: str
    title: str
    leader: str
    office_code: str
    office_name: str
    a_post: str
    a_post_name: str
    a_holder: str
    b_post: str | None
    b_post_name: str | None
    b_holder: str | None


class EntryAssignedRow(_Row, frozen=True):
    item_code: str
    title: str
    kinds: list[str]
    assigned: bool


async def is_township(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str, kinds: list[str]) -> bool:
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $2 AND kind = ANY($3)",
        tenant_id,
        code,
        kinds,
    )
    return found is not None


async def is_office_of(conn: asyncpg.Connection, tenant_id: uuid.UUID, office: str, township: str) -> bool:
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2 AND kind = 'township_office'"
        " AND jurisdiction_code = $3",
        tenant_id,
        office,
        township,
    )
    return found is not None


_POST_SELECT = """
SELECT p.township_code, p.code, p.name, p.office_code, o.name AS office_name, p.holder, p.standards, p.updated_at,
  coalesce((SELECT json_agg(json_build_object('item_code', a.item_code, 'title', coalesce(i.title, a.item_code),
      'role', CASE WHEN a.a_post = p.code THEN 'A' ELSE 'B' END, 'leader', a.leader)
      ORDER BY a.a_post <> p.code, a.item_code)
    FROM entry_assignments a
    JOIN township_lists l ON l.tenant_id = a.tenant_id AND l.township_code = a.township_code
    LEFT JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = l.catalog_version AND i.code = a.item_code
   WHERE a.tenant_id = p.tenant_id AND a.township_code = p.township_code AND p.code IN (a.a_post, a.b_post)),
   '[]')::text AS entries
FROM posts p JOIN units o ON o.tenant_id = p.tenant_id AND o.code = p.office_code
WHERE p.tenant_id = $1 AND p.township_code = $2
"""


async def post_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, code: str) -> PostRow | None:
    return maybe_row_as(PostRow, await conn.fetchrow(_POST_SELECT + " AND p.code = $3", tenant_id, township, code))


async def post_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> list[PostRow]:
    return rows_as(PostRow, await conn.fetch(_POST_SELECT + " ORDER BY p.office_code, p.code", tenant_id, township))


#: $1 tenant, $2 township, $3 code, $4 name, $5 office code, $6 holder, $7 standards
SAVE_POST = (
    "INSERT INTO posts (tenant_id, township_code, code, name, office_code, holder, standards)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, township_code, code) DO UPDATE"
    " SET name = excluded.name, office_code = excluded.office_code, holder = excluded.holder,"
    " standards = excluded.standards, updated_at = excluded.updated_at"
)


async def on_list(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str) -> bool:
    """Whether ``item_code`` is an entry (not removed) of the township's working list."""
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3"
        " AND state <> 'removed'",
        tenant_id,
        township,
        item_code,
    )
    return found is not None


async def post_offices(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, codes: list[str]
) -> list[PostOfficeRow]:
    records = await conn.fetch(
        "SELECT code, office_code FROM posts WHERE tenant_id = $1 AND township_code = $2 AND code = ANY($3)",
        tenant_id,
        township,
        codes,
    )
    return rows_as(PostOfficeRow, records)


#: $1 tenant, $2 township, $3 item code, $4 leader, $5 office code, $6 A post, $7 B post
ASSIGN = (
    "INSERT INTO entry_assignments (tenant_id, township_code, item_code, leader, office_code, a_post, b_post)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, township_code, item_code) DO UPDATE"
    " SET leader = excluded.leader, office_code = excluded.office_code, a_post = excluded.a_post,"
    " b_post = excluded.b_post, updated_at = excluded.updated_at"
)

_ASSIGNMENT_SELECT = """
SELECT a.township_code, a.item_code, coalesce(i.title, a.item_code) AS title, a.leader, a.office_code,
       o.name AS office_name, a.a_post, pa.name AS a_post_name, pa.holder AS a_holder,
       a.b_post, pb.name AS b_post_name, pb.holder AS b_holder
  FROM entry_assignments a
  JOIN units o ON o.tenant_id = a.tenant_id AND o.code = a.office_code
  JOIN posts pa ON pa.tenant_id = a.tenant_id AND pa.township_code = a.township_code AND pa.code = a.a_post
  LEFT JOIN posts pb ON pb.tenant_id = a.tenant_id AND pb.township_code = a.township_code AND pb.code = a.b_post
  JOIN township_lists l ON l.tenant_id = a.tenant_id AND l.township_code = a.township_code
  LEFT JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = l.catalog_version AND i.code = a.item_code
 WHERE a.tenant_id = $1 AND a.township_code = $2
"""


async def assignment_row(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, item_code: str
) -> AssignmentRow | None:
    record = await conn.fetchrow(_ASSIGNMENT_SELECT + " AND a.item_code = $3", tenant_id, township, item_code)
    return maybe_row_as(AssignmentRow, record)


_ASSIGNMENTS = under_parent(
    "SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $2 AND kind = ANY($3)",
    _ASSIGNMENT_SELECT,
    "c.item_code",
)


async def assignment_rows(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str, kinds: list[str]
) -> list[AssignmentRow] | None:
    """The township's assignments; None when ``township`` is no jurisdiction of ``kinds``."""
    return children_as(AssignmentRow, await conn.fetch(_ASSIGNMENTS, tenant_id, township, kinds))


async def entries_assigned(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> list[EntryAssignedRow]:
    """The township's entries (not removed) in code order, each with whether it is assigned."""
    records = await conn.fetch(
        "SELECT e.item_code, i.title, i.kinds, a.item_code IS NOT NULL AS assigned"
        " FROM township_entries e JOIN township_lists l ON l.tenant_id = e.tenant_id"
        " AND l.township_code = e.township_code"
        " JOIN catalog_items i ON i.tenant_id = e.tenant_id AND i.version = l.catalog_version"
        " AND i.code = e.item_code"
        " LEFT JOIN entry_assignments a ON a.tenant_id = e.tenant_id AND a.township_code = e.township_code"
        " AND a.item_code = e.item_code"
        " WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.state <> 'removed' ORDER BY e.item_code",
        tenant_id,
        township,
    )
    return rows_as(EntryAssignedRow, records)


# --------------------------------------------------------------------------- bulk publication jobs


class JobRow(_Row, frozen=True):
    """A bulk publication job; ``skipped`` is jsonb text."""

    id: uuid.UUID
    status: str
    effective_date: datetime.date
    townships: list[str] | None
    progress_done: int
    progress_total: int
    filed: int
    published: int
    skipped: str
    error: str | None
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


class ActiveJobRow(_Row, frozen=True):
    id: uuid.UUID
    owner: str | None
    stale: bool


class ListStatusRow(_Row, frozen=True):
    township_code: str
    status: str


_JOB_COLUMNS = (
    "id, status, effective_date, townships, progress_done, progress_total, filed, published, skipped, error,"
    " created_at, started_at, finished_at"
)
_ACTIVE = "status IN ('queued', 'running')"


async def active_jobs(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, stale_after: datetime.timedelta
) -> list[ActiveJobRow]:
    records = await conn.fetch(
        f"SELECT id, owner, heartbeat_at < now() - $2::interval AS stale FROM publication_jobs"
        f" WHERE tenant_id = $1 AND {_ACTIVE}",
        tenant_id,
        stale_after,
    )
    return rows_as(ActiveJobRow, records)


#: $1 tenant, $2 job ids, $3 error
FAIL_JOBS = (
    "UPDATE publication_jobs SET status = 'failed', error = $3, finished_at = now()"
    f" WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND {_ACTIVE}"
)


async def list_statuses(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, selection: list[str] | None
) -> list[ListStatusRow]:
    """The status of each township list (of ``selection``, or all), in code order."""
    records = await conn.fetch(
        "SELECT township_code, status FROM township_lists WHERE tenant_id = $1"
        " AND ($2::text[] IS NULL OR township_code = ANY($2::text[])) ORDER BY township_code",
        tenant_id,
        selection,
    )
    return rows_as(ListStatusRow, records)


async def insert_job(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    effective_date: datetime.date,
    selection: list[str] | None,
    total: int,
    skipped: str,
    requested_by: uuid.UUID | None,
    requested_role: str,
    job_owner: str,
) -> JobRow | None:
    """The new job; None while another job of the tenant is active (one at a time)."""
    record = await conn.fetchrow(
        "INSERT INTO publication_jobs (tenant_id, effective_date, townships, progress_total, skipped,"
        " requested_by, requested_role, owner) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)"
        f" ON CONFLICT DO NOTHING RETURNING {_JOB_COLUMNS}",
        tenant_id,
        effective_date,
        selection,
        total,
        skipped,
        requested_by,
        requested_role,
        job_owner,
    )
    return maybe_row_as(JobRow, record)


async def active_job_id(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> uuid.UUID | None:
    job_id: uuid.UUID | None = await conn.fetchval(
        f"SELECT id FROM publication_jobs WHERE tenant_id = $1 AND {_ACTIVE}", tenant_id
    )
    return job_id


async def job_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, job_id: uuid.UUID) -> JobRow | None:
    record = await conn.fetchrow(
        f"SELECT {_JOB_COLUMNS} FROM publication_jobs WHERE tenant_id = $1 AND id = $2", tenant_id, job_id
    )
    return maybe_row_as(JobRow, record)


async def update_job(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, job_id: uuid.UUID, assignments: str, *args: object
) -> None:
    """``SET heartbeat_at = now(), <assignments>`` on the job; ``args`` are ``$3`` and after."""
    await conn.execute(
        f"UPDATE publication_jobs SET heartbeat_at = now(), {assignments} WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        job_id,
        *args,
    )


async def file_submitted(conn: asyncpg.Connection, tenant_id: uuid.UUID, townships: list[str]) -> list[str]:
    """File (审核备案) the submitted lists among ``townships``; the townships filed."""
    records = await conn.fetch(
        "UPDATE township_lists SET status = 'filed', review_note = '', revision = revision + 1, updated_at = now()"
        " WHERE tenant_id = $1 AND township_code = ANY($2::text[]) AND status = 'submitted' RETURNING township_code",
        tenant_id,
        townships,
    )
    return [code for (code,) in records]


#: $1 tenant, $2 job, $3 lists handled, $4 filed, $5 published
COUNT_BATCH = (
    "UPDATE publication_jobs SET heartbeat_at = now(), progress_done = progress_done + $3,"
    " filed = filed + $4, published = published + $5 WHERE tenant_id = $1 AND id = $2"
)


# --------------------------------------------------------------------------- the lists collection


class ListSummaryRow(_Row, frozen=True):
    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    updated_at: datetime.datetime


async def list_summaries(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    township: str | None,
    published_only: bool,
    status: str | None,
    updated_since: datetime.datetime | None,
    after: str | None,
    limit: int,
) -> list[ListSummaryRow]:
    """The tenant's township lists in township-code order after ``after``; filters left
    ``None`` match all."""
    records = await conn.fetch(
        "SELECT l.township_code, j.name AS township_name, l.status, l.catalog_version, l.revision,"
        " l.published_number, l.updated_at FROM township_lists l"
        " JOIN jurisdictions j ON j.tenant_id = l.tenant_id AND j.code = l.township_code"
        " WHERE l.tenant_id = $1 AND ($2::text IS NULL OR l.township_code = $2)"
        " AND (NOT $3::boolean OR l.published_number > 0) AND ($4::text IS NULL OR l.status = $4)"
        " AND ($5::timestamptz IS NULL OR l.updated_at >= $5)"
        " AND ($6::text IS NULL OR l.township_code > $6) ORDER BY l.township_code LIMIT $7",
        tenant_id,
        township,
        published_only,
        status,
        updated_since,
        after,
        limit,
    )
    return rows_as(ListSummaryRow, records)
