"""Every SQL statement of the catalog context (reading, editing, structure), and the typed rows they return.

Reads (and writes that return something) are small functions returning an ``XRow`` (a frozen
msgspec Struct whose fields are the statement's columns in order, built by
:mod:`core.platform.rows`), a list of them, or a plain value; writes whose result is not read are
constants the service modules execute. Every statement names the tenant
(``tests/test_tenant_keyed_sql.py``).

Items are the exception: :data:`ITEM_SELECT` and :func:`items_for` feed
:func:`core.catalog.reading.item_view` their records directly. ``items_for`` reads whole lists
(hundreds to thousands of rows a request) with the caller's selection columns in front, one shape
per caller, and ``item_view`` already builds one Struct per item; an ``ItemRow`` in between would
be a second Struct per row on the hottest read of the product.
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform.db import bulk_insert
from core.platform.rows import maybe_row_as, row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


class VersionNumbersRow(_Row, frozen=True):
    published: int | None
    draft: int | None


class VersionRow(_Row, frozen=True):
    """A version with its item counts (the columns of ``VersionView``, in its order)."""

    number: int
    status: str
    effective_date: datetime.date | None
    published_at: datetime.datetime | None
    content_hash: str | None
    revision: int
    note: str
    item_count: int
    withdrawn_count: int


class AdjustmentRow(_Row, frozen=True):
    """An adjustment; ``initiator`` and ``changes`` are jsonb text."""

    id: str
    version: int
    state: str
    law_change_id: str | None
    kind: str
    reason_kind: str
    reason: str
    item_code: str
    effective_date: datetime.date | None
    initiator: str
    changes: str
    created_at: datetime.datetime
    resolution_reason: str | None
    resolved_at: datetime.datetime | None


class ItemFactsRow(_Row, frozen=True):
    """What an item's rules need from the draft: its parent's ``[level, status]``, which of the
    named units exist, and whether the parent lies below the item."""

    parent: list[str] | None
    units: list[str] | None
    cycle: bool | None


class ItemStateRow(_Row, frozen=True):
    code: str
    level: str
    status: str


class DraftRow(_Row, frozen=True):
    number: int
    revision: int


class ItemHashRow(_Row, frozen=True):
    code: str
    content_hash: str


# --------------------------------------------------------------------------- items (records, see above)

# Every statement using it has the tenant as $1; the subqueries name $1 rather than i.tenant_id,
# so that Citus routes them with the item (inside the item page's CTEs too).
ITEM_SELECT = """
SELECT i.code, i.version, i.title, i.level, i.kinds, i.township_scope, i.parent_code, i.category,
       i.item_kind, i.description, i.high_frequency, i.process, i.extra, i.recovery, i.status,
       i.withdrawn_reason, i.successor_code, i.content_hash, i.changed_in, i.revision,
       coalesce((SELECT json_agg(json_build_object('party', r.party, 'role', r.role, 'duty', r.duty,
                 'financial_share', r.financial_share) ORDER BY r.position)
          FROM catalog_responsibilities r WHERE r.tenant_id = $1 AND r.version = i.version
          AND r.item_code = i.code), '[]') AS responsibilities,
       coalesce((SELECT json_agg(json_build_object('raw', c.raw, 'resolved', c.document_id IS NOT NULL
                 AND c.problem IS NULL, 'document_id', c.document_id, 'document_title', d.title,
                 'article', c.article, 'paragraph', c.paragraph, 'item', c.item,
                 'label', p.label, 'text', p.text, 'problem', c.problem) ORDER BY c.position)
          FROM item_citations c
          LEFT JOIN legal_documents d ON d.tenant_id = c.document_tenant AND d.id = c.document_id
          LEFT JOIN LATERAL (
            SELECT pv.label, pv.text FROM legal_versions lv JOIN provisions pv
              ON pv.tenant_id = lv.tenant_id AND pv.version_id = lv.id
             WHERE lv.tenant_id = c.document_tenant AND lv.document_id = c.document_id
               AND pv.article = c.article AND pv.paragraph = coalesce(c.paragraph, 0)
               AND pv.item = coalesce(c.item, 0)
             ORDER BY lv.version_date DESC LIMIT 1) p ON true
          WHERE c.tenant_id = $1 AND c.version = i.version AND c.item_code = i.code),
         '[]') AS legal_bases
FROM catalog_items i
"""


def _cited(selection: str) -> str:
    """CTEs over the items a ``sel`` CTE names: ``cd`` the distinct citation targets, ``p``
    each distinct cited provision with its label and text in the document's latest version,
    ``dt`` each cited document's title.

    They are MATERIALIZED: computed once whatever the planner thinks of their size. With
    several tenants in the database the selection of one list is often estimated at one row
    (actual: hundreds); inlined, these parts and the aggregates were re-run inside nested
    loops, once per entry (a 340-entry list took 270-530 ms instead of 15). ``cd`` probes each
    selected item's citations by key (the subquery's ``OFFSET 0`` keeps it a per-row probe):
    joined, the planner could read the whole table instead when it looked small (it did in
    full-suite runs once bitmap scans were off for whole-list reads, core.lists.queries)."""
    return f"""
WITH sel AS MATERIALIZED ({selection}),
cd AS MATERIALIZED (SELECT DISTINCT c.document_tenant, c.document_id, c.article, coalesce(c.paragraph, 0) AS paragraph,
             coalesce(c.item, 0) AS item
        FROM sel CROSS JOIN LATERAL (SELECT * FROM item_citations c
         WHERE c.tenant_id = $1 AND c.version = sel.version AND c.item_code = sel.code
           AND c.document_id IS NOT NULL OFFSET 0) c),
p AS MATERIALIZED (SELECT k.*, x.label, x.text FROM cd k JOIN LATERAL (
        SELECT pv.label, pv.text FROM legal_versions lv JOIN provisions pv
          ON pv.tenant_id = lv.tenant_id AND pv.version_id = lv.id
         WHERE lv.tenant_id = k.document_tenant AND lv.document_id = k.document_id
           AND pv.article = k.article AND pv.paragraph = k.paragraph AND pv.item = k.item
         ORDER BY lv.version_date DESC LIMIT 1) x ON true WHERE k.article IS NOT NULL),
dt AS MATERIALIZED (SELECT d.tenant_id, d.id, d.title FROM legal_documents d
        WHERE (d.tenant_id, d.id) IN (SELECT document_tenant, document_id FROM cd))"""


def items_for(selection: str, *, provisions: bool = False) -> str:
    """A statement reading the items a ``sel`` CTE names, with responsibilities and legal
    bases: the columns of :data:`ITEM_SELECT` plus the selection's own, for reading hundreds
    of items at once.

    Legal bases carry no provision text here: hundreds of items cite the same few articles
    (a 500-entry list repeated 324 KiB of text, 9 KiB of it distinct), so whole-list reads
    add each cited provision once (``provisions``, below).

    ``selection`` is a SELECT yielding ``version, code`` and any extra columns, of
    the tenant ``$1``: every table is filtered by ``$1`` itself, not through ``sel``, which is
    what lets Citus route the statement to the tenant's worker.

    The plan must not depend on estimates (tests/test_plans.py): every per-item part is a
    LATERAL probe by the tenant-leading primary key of its table, driven by ``sel``, so the
    work grows linearly with the entries whatever the planner believes their number is. The
    catalog row itself is a LATERAL behind ``OFFSET 0`` (not flattened), for the same reason:
    a join the planner may reorder put the whole catalog of a version on the outer side.
    Run it with a custom plan (``plan_cache_mode``).

    With ``provisions`` the statement adds a column ``provisions``: on the first row, the
    provisions the items cite, each once, as one JSON array of :class:`CitedProvision` (null
    on the others) — in the one statement: a second one selected the entries and their
    citations again (two statements until issue 13). It is a scalar subquery of the output, not
    a column of ``m`` joined to every row: joined, the array (~9 KiB) was copied into each of the
    rows the final sort holds (4 MB for 340 entries, a sixth of the statement's CPU).
    """
    also = f",\n         ({_PROVISIONS}) AS provisions" if provisions else ""
    first = (
        ",\n       CASE WHEN row_number() OVER (ORDER BY sel.code) = 1"
        " THEN (SELECT provisions FROM m) END AS provisions"
        if provisions
        else ""
    )
    return f"""{_cited(selection)},
m AS MATERIALIZED (
  SELECT (SELECT jsonb_object_agg(id::text, title) FROM dt) AS titles,
         (SELECT jsonb_object_agg(concat_ws(':', document_id, article, paragraph, item), label) FROM p) AS labels{also})
SELECT sel.*, i.title, i.level, i.kinds, i.township_scope, i.parent_code, i.category, i.item_kind,
       i.description, i.high_frequency, i.process, i.extra, i.recovery, i.status, i.withdrawn_reason,
       i.successor_code, i.content_hash, i.changed_in, i.revision,
       coalesce(rs.duties, '[]') AS responsibilities, coalesce(lb.bases, '[]') AS legal_bases{first}
  FROM sel CROSS JOIN m
  JOIN LATERAL (SELECT * FROM catalog_items i WHERE i.tenant_id = $1 AND i.version = sel.version
                   AND i.code = sel.code OFFSET 0) i ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('party', r.party, 'role', r.role, 'duty', r.duty,
             'financial_share', r.financial_share) ORDER BY r.position) AS duties
      FROM catalog_responsibilities r
     WHERE r.tenant_id = $1 AND r.version = sel.version AND r.item_code = sel.code) rs ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('raw', c.raw, 'resolved', c.document_id IS NOT NULL AND c.problem IS NULL,
             'document_id', c.document_id, 'document_title', m.titles ->> c.document_id::text,
             'article', c.article, 'paragraph', c.paragraph, 'item', c.item,
             'label', m.labels ->> concat_ws(':', c.document_id, c.article, coalesce(c.paragraph, 0),
                                             coalesce(c.item, 0)),
             'problem', c.problem) ORDER BY c.position) AS bases
      FROM item_citations c
     WHERE c.tenant_id = $1 AND c.version = sel.version AND c.item_code = sel.code) lb ON true
 ORDER BY sel.code
"""


_PROVISIONS = """SELECT coalesce(json_agg(json_build_object('document_id', p.document_id, 'article', p.article,
         'paragraph', nullif(p.paragraph, 0), 'item', nullif(p.item, 0), 'label', p.label, 'text', p.text)
         ORDER BY p.document_id, p.article, p.paragraph, p.item), '[]') FROM p"""


# --------------------------------------------------------------------------- reading


async def version_numbers(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> VersionNumbersRow:
    """(latest published number, draft number); the aggregate always yields one row."""
    record = await conn.fetchrow(
        "SELECT max(number) FILTER (WHERE status = 'published') AS published,"
        " max(number) FILTER (WHERE status = 'draft') AS draft"
        " FROM catalog_versions WHERE tenant_id = $1",
        tenant_id,
    )
    assert record is not None, "an aggregate without GROUP BY returns one row"
    return row_as(VersionNumbersRow, record)


async def version_exists(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> bool:
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM catalog_versions WHERE tenant_id = $1 AND number = $2", tenant_id, number
    )
    return found is not None


async def item_page(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    number: int,
    kind: str | None,
    category: str | None,
    level: str | None,
    parent_code: str | None,
    unit: str | None,
    status: str | None,
    q: str | None,
    after: str | None,
    limit: int,
    updated_since: datetime.datetime | None = None,
) -> list[asyncpg.Record]:
    """Items of a version in code order after ``after`` (``limit`` rows); filters left ``None`` match all."""
    return await conn.fetch(
        ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2"
        " AND ($3::text IS NULL OR $3 = ANY(i.kinds))"
        " AND ($4::text IS NULL OR i.category = $4)"
        " AND ($5::text IS NULL OR i.level = $5)"
        " AND ($6::text IS NULL OR i.parent_code = $6)"
        " AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM catalog_responsibilities r"
        "  WHERE r.tenant_id = $1 AND r.version = i.version AND r.item_code = i.code"
        "  AND r.party = $7))"
        " AND ($8::text IS NULL OR i.status = $8)"
        " AND ($9::text IS NULL OR strpos(i.title, $9) > 0 OR strpos(i.description, $9) > 0)"
        " AND ($12::timestamptz IS NULL OR i.updated_at >= $12)"
        " AND ($10::text IS NULL OR i.code > $10) ORDER BY i.code LIMIT $11",
        tenant_id,
        number,
        kind,
        category,
        level,
        parent_code,
        unit,
        status,
        q,
        after,
        limit,
        updated_since,
    )


async def item_record(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, code: str) -> asyncpg.Record | None:
    return await conn.fetchrow(
        ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2 AND i.code = $3",
        tenant_id,
        number,
        code,
    )


async def items_at(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, versions: list[int], codes: list[str], draft: int, is_admin: bool
) -> list[asyncpg.Record]:
    """Items by ``(version, code)`` pairs; the draft ``draft`` only for an admin."""
    return await conn.fetch(
        ITEM_SELECT + " JOIN unnest($2::int[], $3::text[]) AS k(v, c) ON i.version = k.v"
        " AND i.code = k.c WHERE i.tenant_id = $1 AND (i.version <> $4 OR $5)",
        tenant_id,
        versions,
        codes,
        draft,
        is_admin,
    )


async def children_at(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, versions: list[int], codes: list[str], draft: int, is_admin: bool
) -> list[asyncpg.Record]:
    """Direct children of ``(version, code)`` pairs in code order; the draft only for an admin."""
    return await conn.fetch(
        ITEM_SELECT + " JOIN unnest($2::int[], $3::text[]) AS k(v, c) ON i.version = k.v"
        " AND i.parent_code = k.c WHERE i.tenant_id = $1 AND (i.version <> $4 OR $5)"
        " ORDER BY i.code",
        tenant_id,
        versions,
        codes,
        draft,
        is_admin,
    )


async def version_rows(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[VersionRow]:
    records = await conn.fetch(
        "SELECT v.number, v.status, v.effective_date, v.published_at, v.content_hash, v.revision,"
        " v.note, count(i.code) FILTER (WHERE i.status = 'active') AS item_count,"
        " count(i.code) FILTER (WHERE i.status = 'withdrawn') AS withdrawn_count"
        " FROM catalog_versions v LEFT JOIN catalog_items i ON i.tenant_id = v.tenant_id"
        " AND i.version = v.number WHERE v.tenant_id = $1 GROUP BY v.tenant_id, v.number"
        " ORDER BY v.number",
        tenant_id,
    )
    return rows_as(VersionRow, records)


async def unit_exists(conn: asyncpg.Connection, tenant_id: uuid.UUID, unit_code: str) -> bool:
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2", tenant_id, unit_code
    )
    return found is not None


async def unit_items(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, unit_code: str
) -> list[asyncpg.Record]:
    """Active items the unit has a responsibility for or took back, in code order."""
    return await conn.fetch(
        ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2 AND i.status = 'active' AND ("
        " EXISTS (SELECT 1 FROM catalog_responsibilities r WHERE r.tenant_id = $1"
        "  AND r.version = i.version AND r.item_code = i.code AND r.party = $3)"
        " OR i.recovery->>'receiving_unit' = $3) ORDER BY i.code",
        tenant_id,
        number,
        unit_code,
    )


async def unresolved_count(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM item_citations WHERE tenant_id = $1 AND version = $2 AND problem IS NOT NULL",
        tenant_id,
        number,
    )
    return count


async def adjustment_rows(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    version: int | None,
    item_code: str | None,
    state: str | None,
    adjustment_id: uuid.UUID | None = None,
) -> list[AdjustmentRow]:
    records = await conn.fetch(
        "SELECT id::text, version, state, law_change_id::text, kind, reason_kind, reason, item_code,"
        " effective_date, initiator,"
        " changes, created_at, resolution_reason, resolved_at FROM catalog_adjustments WHERE tenant_id = $1"
        " AND ($2::int IS NULL OR version = $2) AND ($3::text IS NULL OR item_code = $3)"
        " AND ($4::text IS NULL OR state = $4) AND ($5::uuid IS NULL OR id = $5)"
        " ORDER BY created_at, id",
        tenant_id,
        version,
        item_code,
        state,
        adjustment_id,
    )
    return rows_as(AdjustmentRow, records)


# --------------------------------------------------------------------------- editing

#: $1 tenant, $2 number
INSERT_DRAFT = "INSERT INTO catalog_versions (tenant_id, number, status) VALUES ($1, $2, 'draft')"

_COPIED = (
    (
        "catalog_items",
        "code, parent_code, level, title, description, category, item_kind, kinds, township_scope,"
        " high_frequency, process, extra, recovery, status, withdrawn_reason, successor_code,"
        " content_hash, changed_in, revision",
    ),
    ("catalog_responsibilities", "item_code, position, party, role, duty, financial_share"),
    (
        "item_citations",
        "item_code, position, document_tenant, document_id, article, paragraph, item, raw, problem",
    ),
)


async def copy_version(conn: asyncpg.Connection, tenant_id: uuid.UUID, published: int, number: int) -> None:
    """Start draft ``number`` as a copy of version ``published`` (items, responsibilities, citations)."""
    for table, columns in _COPIED:
        await conn.execute(
            f"INSERT INTO {table} (tenant_id, version, {columns})"
            f" SELECT tenant_id, $3, {columns} FROM {table} WHERE tenant_id = $1 AND version = $2",
            tenant_id,
            published,
            number,
        )


async def item_facts(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, parent_code: str | None, units: list[str], code: str
) -> ItemFactsRow:
    record = await conn.fetchrow(
        "SELECT (SELECT array[level, status] FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        "  AND code = $3) AS parent,"
        " (SELECT array_agg(code) FROM units WHERE tenant_id = $1 AND code = ANY($4)) AS units,"
        " (WITH RECURSIVE up(code, parent) AS ("
        "   SELECT code, parent_code FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        "   AND code = $3"
        "   UNION SELECT i.code, i.parent_code FROM catalog_items i JOIN up ON i.code = up.parent"
        "   WHERE i.tenant_id = $1 AND i.version = $2)"
        "  SELECT $5 = ANY(array_agg(code)) FROM up) AS cycle",
        tenant_id,
        number,
        parent_code,
        units,
        code,
    )
    assert record is not None, "a SELECT of scalar subqueries returns one row"
    return row_as(ItemFactsRow, record)


async def delete_item_parts(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, codes: list[str]) -> None:
    """Remove the responsibilities and citations of ``codes`` in the draft (``_store`` writes them anew)."""
    for table in ("catalog_responsibilities", "item_citations"):
        await conn.execute(
            f"DELETE FROM {table} WHERE tenant_id = $1 AND version = $2 AND item_code = ANY($3)",
            tenant_id,
            number,
            codes,
        )


#: $1 tenant, $2 draft, $3..$20 the 18 column arrays. Text arrays carry every column; kinds
#: travel as JSON so that arrays of arrays are not needed.
UPSERT_ITEMS = (
    "INSERT INTO catalog_items (tenant_id, version, code, parent_code, level, title, description,"
    " category, item_kind, kinds, township_scope, high_frequency, process, extra, recovery,"
    " status, withdrawn_reason, successor_code, content_hash, changed_in, revision)"
    " SELECT $1, $2, c, pc, lv, t, de, ca, ik, ARRAY(SELECT jsonb_array_elements_text(k::jsonb)),"
    " sc, hf, pr, ex::jsonb, rc::jsonb, st, wr, sx, h, $2, rv FROM unnest($3::text[], $4::text[],"
    " $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
    " $12::bool[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],"
    " $19::text[], $20::int[]) AS x(c, pc, lv, t, de, ca, ik, k, sc, hf, pr, ex, rc, st, wr, sx, h, rv)"
    " ON CONFLICT (tenant_id, version, code) DO UPDATE SET parent_code = excluded.parent_code,"
    " level = excluded.level, title = excluded.title, description = excluded.description,"
    " category = excluded.category, item_kind = excluded.item_kind, kinds = excluded.kinds,"
    " township_scope = excluded.township_scope, high_frequency = excluded.high_frequency,"
    " process = excluded.process, extra = excluded.extra, recovery = excluded.recovery,"
    " status = excluded.status, withdrawn_reason = excluded.withdrawn_reason,"
    " successor_code = excluded.successor_code, content_hash = excluded.content_hash,"
    " changed_in = excluded.changed_in, revision = excluded.revision"
)
#: $1 tenant, $2 draft, $3..$8 item codes, positions, parties, roles, duties, shares
INSERT_RESPONSIBILITIES = bulk_insert(
    "INSERT INTO catalog_responsibilities (tenant_id, version, item_code, position, party, role,"
    " duty, financial_share) SELECT $1, $2, c, p, a, r, d, s FROM unnest($3::text[], $4::int[],"
    " $5::text[], $6::text[], $7::text[], $8::numeric[]) AS t(c, p, a, r, d, s)"
)
#: $1 tenant, $2 draft, $3..$11 item codes, positions, document tenants and ids, article, paragraph, item, raw, problem
INSERT_CITATIONS = bulk_insert(
    "INSERT INTO item_citations (tenant_id, version, item_code, position, document_tenant,"
    " document_id, article, paragraph, item, raw, problem) SELECT $1, $2, c, p, dt, di, a, pa, it, r,"
    " pr FROM unnest($3::text[], $4::int[], $5::uuid[], $6::uuid[], $7::int[], $8::int[],"
    " $9::int[], $10::text[], $11::text[]) AS t(c, p, dt, di, a, pa, it, r, pr)"
)
#: $1 tenant, $2 version, $3 kind, $4 reason kind, $5 reason, $6 item code, $7 effective date,
#: $8 initiator (json text), $9 changes (json text)
INSERT_ADJUSTMENT = (
    "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
    " effective_date, initiator, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)"
)
#: $1 tenant, $2 version, $3 reason kind, $4 reason, $5 effective date, $6 initiator (json text), $7 item codes
INSERT_ADDITIONS = bulk_insert(
    "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
    " effective_date, initiator, changes) SELECT $1, $2, 'add', $3, $4, c, $5, $6::jsonb, '{}'"
    " FROM unnest($7::text[]) AS c"
)
#: $1 tenant, $2 version
BUMP_REVISION = "UPDATE catalog_versions SET revision = revision + 1 WHERE tenant_id = $1 AND number = $2"
#: $1 tenant, $2 code
INSERT_REFERENCE_CODE = "INSERT INTO reference_codes (tenant_id, code) VALUES ($1, $2)"
#: $1 tenant, $2 codes
INSERT_REFERENCE_CODES = bulk_insert("INSERT INTO reference_codes (tenant_id, code) SELECT $1, unnest($2::text[])")
#: $1 tenant, $2 number, $3 effective date, $4 content hash, $5 note
PUBLISH_VERSION = (
    "UPDATE catalog_versions SET status = 'published', published_at = now(), effective_date = $3,"
    " content_hash = $4, note = $5 WHERE tenant_id = $1 AND number = $2"
)


async def code_taken(conn: asyncpg.Connection, tenant_id: uuid.UUID, code: str) -> bool:
    found: int | None = await conn.fetchval(
        "SELECT 1 FROM reference_codes WHERE tenant_id = $1 AND code = $2", tenant_id, code
    )
    return found is not None


async def lock_item(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, code: str) -> bool:
    """Lock the draft item's row until the transaction ends; false when there is none."""
    found: bool | None = await conn.fetchval(
        "SELECT true FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3 FOR UPDATE",
        tenant_id,
        number,
        code,
    )
    return bool(found)


async def active_children(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, code: str) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        " AND parent_code = $3 AND status = 'active'",
        tenant_id,
        number,
        code,
    )
    return count


async def item_status(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int, code: str) -> str | None:
    status: str | None = await conn.fetchval(
        "SELECT status FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3",
        tenant_id,
        number,
        code,
    )
    return status


async def item_states(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> list[ItemStateRow]:
    records = await conn.fetch(
        "SELECT code, level, status FROM catalog_items WHERE tenant_id = $1 AND version = $2",
        tenant_id,
        number,
    )
    return rows_as(ItemStateRow, records)


async def reserved_codes(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[str]:
    records = await conn.fetch(
        "SELECT code FROM reference_codes WHERE tenant_id = $1 AND code = ANY($2)",
        tenant_id,
        codes,
    )
    return [code for (code,) in records]


async def unit_codes(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> list[str]:
    return [code for (code,) in await conn.fetch("SELECT code FROM units WHERE tenant_id = $1", tenant_id)]


async def draft_for_update(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> DraftRow | None:
    record = await conn.fetchrow(
        "SELECT number, revision FROM catalog_versions WHERE tenant_id = $1 AND status = 'draft' FOR UPDATE",
        tenant_id,
    )
    return maybe_row_as(DraftRow, record)


async def item_hashes(conn: asyncpg.Connection, tenant_id: uuid.UUID, number: int) -> list[ItemHashRow]:
    records = await conn.fetch(
        "SELECT code, content_hash FROM catalog_items WHERE tenant_id = $1 AND version = $2 ORDER BY code",
        tenant_id,
        number,
    )
    return rows_as(ItemHashRow, records)


# --------------------------------------------------------------------------- structure

#: $1 tenant, $2 the structure document (json text)
SAVE_STRUCTURE = (
    "INSERT INTO list_structures (tenant_id, document) VALUES ($1, $2::jsonb)"
    " ON CONFLICT (tenant_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at"
)


async def structure_document(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> str | None:
    """The saved structure's jsonb text, None until one is saved."""
    document: str | None = await conn.fetchval("SELECT document FROM list_structures WHERE tenant_id = $1", tenant_id)
    return document


# An open adjustment (a change of the law proposed it) becomes applied or dismissed, once.
RESOLVE_ADJUSTMENT = (
    "UPDATE catalog_adjustments SET state = $3, resolution_reason = $4, resolved_at = now(),"
    " resolved_by = $5::jsonb WHERE tenant_id = $1 AND id = $2 AND state = 'open' RETURNING id"
)

ADJUSTMENT_STATE = "SELECT state FROM catalog_adjustments WHERE tenant_id = $1 AND id = $2"

OPEN_ADJUSTMENTS = "SELECT count(*) FROM catalog_adjustments WHERE tenant_id = $1 AND state = 'open'"
