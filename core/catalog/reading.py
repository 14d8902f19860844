"""The versioned reference catalog (参考目录): its shapes and how it is read.

A tenant has numbered catalog versions. The draft is the one being edited; publishing
freezes it (immutable, with an effective date and a content hash) and township lists follow
it. The next draft starts as a copy of the last published version, made on the first edit.
Items are never deleted: a removed item stays, withdrawn, with its reason and its successor
where it was folded into another. Changing the catalog is :mod:`core.catalog.editing`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

import msgspec

from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import NAME, Checked, check_int, stored_number
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.security.access import Access, Role

REASON_KINDS = {
    "law_changed": "法律法规立改废",
    "institution_changed": "机构职能调整",
    "township_cannot_perform": "乡镇(街道)无法承接",
    "admission_approved": "准入审批通过",
    "evaluation_finding": "评估发现",
    "initial": "初始建立",
    "other": "其他",
}
ItemCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$", examples=["WJ-M01-T02"])]
Text = Annotated[str, msgspec.Meta(max_length=20000)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300, examples=["乡村建设规划许可证核发"]), NAME]


class ResponsibilityData(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    party: Annotated[str, msgspec.Meta(examples=["township", "natural-resources-bureau"])]
    role: Literal["primary", "cooperating"]
    duty: Text = ""
    financial_share: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None


class RecoveryData(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    receiving_unit: str
    working_method: Text
    reason: Text


class AdjustmentNote(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Why the catalog changes; required once any version has been published."""

    reason_kind: str
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    effective_date: datetime.date | None = None


class ItemCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    code: ItemCode
    title: Title
    level: str
    kinds: Annotated[list[str], msgspec.Meta(min_length=1)]
    parent_code: str | None = None
    category: str | None = None
    item_kind: str | None = None
    description: Text = ""
    high_frequency: bool = False
    process: Text = ""
    responsibilities: list[ResponsibilityData] = []
    recovery: RecoveryData | None = None
    citations: list[Annotated[str, msgspec.Meta(max_length=500)]] = []
    extra: dict[str, Any] = {}
    adjustment: AdjustmentNote | None = None


class ItemUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    level: str | msgspec.UnsetType = msgspec.UNSET
    kinds: list[str] | msgspec.UnsetType = msgspec.UNSET
    parent_code: str | msgspec.UnsetType | None = msgspec.UNSET
    category: str | msgspec.UnsetType | None = msgspec.UNSET
    item_kind: str | msgspec.UnsetType | None = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    high_frequency: bool | msgspec.UnsetType = msgspec.UNSET
    process: Text | msgspec.UnsetType = msgspec.UNSET
    responsibilities: list[ResponsibilityData] | msgspec.UnsetType = msgspec.UNSET
    recovery: RecoveryData | msgspec.UnsetType | None = msgspec.UNSET
    citations: list[str] | msgspec.UnsetType = msgspec.UNSET
    extra: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    revision: int | msgspec.UnsetType = msgspec.UNSET
    adjustment: AdjustmentNote | None = None


class Withdrawal(msgspec.Struct, Checked, forbid_unknown_fields=True):
    reason_kind: str
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    successor_code: str | None = None
    effective_date: datetime.date | None = None


class PublishRequest(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    revision: int | None = None


class CitedProvision(msgspec.Struct, gc=False):
    """A cited provision's text, given once per whole-list read; legal bases refer to it by
    ``document_id``, ``article``, ``paragraph`` and ``item``."""

    document_id: str
    article: int
    paragraph: int | None
    item: int | None
    label: str
    text: str


class LegalBase(msgspec.Struct, gc=False):
    raw: str
    resolved: bool
    document_id: str | None = None
    document_title: str | None = None
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    label: str | None = None
    text: str | None = None  # None in whole-list reads, which give each provision once
    problem: str | None = None


class ItemView(msgspec.Struct, gc=False):
    code: str
    version: int
    title: str
    level: str
    kinds: list[str]
    township_scope: str
    parent_code: str | None
    category: str | None
    item_kind: str | None
    description: str
    high_frequency: bool
    process: str
    extra: dict[str, Any]
    recovery: RecoveryData | None
    status: str
    withdrawn_reason: str | None
    successor_code: str | None
    content_hash: str
    changed_in: int
    revision: int
    responsibilities: list[ResponsibilityData]
    legal_bases: list[LegalBase]


class VersionView(msgspec.Struct):
    number: int
    status: str
    effective_date: datetime.date | None
    published_at: datetime.datetime | None
    content_hash: str | None
    revision: int
    note: str
    item_count: int
    withdrawn_count: int


class AdjustmentView(msgspec.Struct):
    id: str
    version: int
    state: str  # applied, or open (proposed by a law change and not yet acted on), dismissed
    law_change_id: str | None
    kind: str
    reason_kind: str
    reason_label: str
    reason: str
    item_code: str
    effective_date: datetime.date | None
    initiator: dict[str, Any]
    changes: dict[str, Any]
    created_at: datetime.datetime


# --- reading -----------------------------------------------------------------------------

ITEM_SELECT = """
SELECT i.code, i.version, i.title, i.level, i.kinds, i.township_scope, i.parent_code, i.category,
       i.item_kind, i.description, i.high_frequency, i.process, i.extra, i.recovery, i.status,
       i.withdrawn_reason, i.successor_code, i.content_hash, i.changed_in, i.revision,
       coalesce((SELECT json_agg(json_build_object('party', r.party, 'role', r.role, 'duty', r.duty,
                 'financial_share', r.financial_share) ORDER BY r.position)
          FROM catalog_responsibilities r WHERE r.tenant_id = i.tenant_id AND r.version = i.version
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
          WHERE c.tenant_id = i.tenant_id AND c.version = i.version AND c.item_code = i.code),
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
    loops, once per entry (a 340-entry list took 270-530 ms instead of 15)."""
    return f"""
WITH sel AS MATERIALIZED ({selection}),
cd AS MATERIALIZED (SELECT DISTINCT c.document_tenant, c.document_id, c.article, coalesce(c.paragraph, 0) AS paragraph,
             coalesce(c.item, 0) AS item
        FROM sel JOIN item_citations c
          ON c.tenant_id = sel.tenant_id AND c.version = sel.version AND c.item_code = sel.code
       WHERE c.document_id IS NOT NULL),
p AS MATERIALIZED (SELECT k.*, x.label, x.text FROM cd k JOIN LATERAL (
        SELECT pv.label, pv.text FROM legal_versions lv JOIN provisions pv
          ON pv.tenant_id = lv.tenant_id AND pv.version_id = lv.id
         WHERE lv.tenant_id = k.document_tenant AND lv.document_id = k.document_id
           AND pv.article = k.article AND pv.paragraph = k.paragraph AND pv.item = k.item
         ORDER BY lv.version_date DESC LIMIT 1) x ON true WHERE k.article IS NOT NULL),
dt AS MATERIALIZED (SELECT d.tenant_id, d.id, d.title FROM legal_documents d
        WHERE (d.tenant_id, d.id) IN (SELECT document_tenant, document_id FROM cd))"""


def items_for(selection: str) -> str:
    """A statement reading the items a ``sel`` CTE names, with responsibilities and legal
    bases: the columns of :data:`ITEM_SELECT` plus the selection's own, for reading hundreds
    of items at once.

    Legal bases carry no provision text here: hundreds of items cite the same few articles
    (a 500-entry list repeated 324 KiB of text, 9 KiB of it distinct), so whole-list reads
    add each cited provision once, from :func:`provisions_for`.

    ``selection`` is a SELECT yielding ``tenant_id, version, code`` and any extra columns.

    The plan must not depend on estimates (tests/test_plans.py): every per-item part is a
    LATERAL probe by the tenant-leading primary key of its table, driven by ``sel``, so the
    work grows linearly with the entries whatever the planner believes their number is. The
    catalog row itself is a LATERAL behind ``OFFSET 0`` (not flattened), for the same reason:
    a join the planner may reorder put the whole catalog of a version on the outer side.
    Run it with a custom plan (``plan_cache_mode``).
    """
    return f"""{_cited(selection)},
m AS MATERIALIZED (
  SELECT (SELECT jsonb_object_agg(id::text, title) FROM dt) AS titles,
         (SELECT jsonb_object_agg(concat_ws(':', document_id, article, paragraph, item), label) FROM p) AS labels)
SELECT sel.*, i.title, i.level, i.kinds, i.township_scope, i.parent_code, i.category, i.item_kind,
       i.description, i.high_frequency, i.process, i.extra, i.recovery, i.status, i.withdrawn_reason,
       i.successor_code, i.content_hash, i.changed_in, i.revision,
       coalesce(rs.duties, '[]') AS responsibilities, coalesce(lb.bases, '[]') AS legal_bases
  FROM sel CROSS JOIN m
  JOIN LATERAL (SELECT * FROM catalog_items i WHERE i.tenant_id = sel.tenant_id AND i.version = sel.version
                   AND i.code = sel.code OFFSET 0) i ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('party', r.party, 'role', r.role, 'duty', r.duty,
             'financial_share', r.financial_share) ORDER BY r.position) AS duties
      FROM catalog_responsibilities r
     WHERE r.tenant_id = sel.tenant_id AND r.version = sel.version AND r.item_code = sel.code) rs ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('raw', c.raw, 'resolved', c.document_id IS NOT NULL AND c.problem IS NULL,
             'document_id', c.document_id, 'document_title', m.titles ->> c.document_id::text,
             'article', c.article, 'paragraph', c.paragraph, 'item', c.item,
             'label', m.labels ->> concat_ws(':', c.document_id, c.article, coalesce(c.paragraph, 0),
                                             coalesce(c.item, 0)),
             'problem', c.problem) ORDER BY c.position) AS bases
      FROM item_citations c
     WHERE c.tenant_id = sel.tenant_id AND c.version = sel.version AND c.item_code = sel.code) lb ON true
 ORDER BY sel.code
"""


def provisions_for(selection: str) -> str:
    """The provisions the items of ``sel`` cite, each once, as one JSON array of
    :class:`CitedProvision` (the companion of :func:`items_for`, with the same parameters)."""
    return f"""{_cited(selection)}
SELECT coalesce(json_agg(json_build_object('document_id', p.document_id, 'article', p.article,
         'paragraph', nullif(p.paragraph, 0), 'item', nullif(p.item, 0), 'label', p.label, 'text', p.text)
         ORDER BY p.document_id, p.article, p.paragraph, p.item), '[]') FROM p
"""


def decode_provisions(document: str) -> list[CitedProvision]:
    return _PROVISIONS_DECODER.decode(document)


_ITEM_DECODER = msgspec.json.Decoder(list[ResponsibilityData])
_BASES_DECODER = msgspec.json.Decoder(list[LegalBase])
_PROVISIONS_DECODER = msgspec.json.Decoder(list[CitedProvision])


def item_view(row: Any) -> ItemView:
    recovery = row["recovery"]
    extra = row["extra"]
    return ItemView(
        code=row["code"],
        version=row["version"],
        title=row["title"],
        level=row["level"],
        kinds=list(row["kinds"]),
        township_scope=row["township_scope"],
        parent_code=row["parent_code"],
        category=row["category"],
        item_kind=row["item_kind"],
        description=row["description"],
        high_frequency=row["high_frequency"],
        process=row["process"],
        extra=msgspec.json.decode(extra) if isinstance(extra, str) else extra,
        recovery=msgspec.json.decode(recovery, type=RecoveryData) if recovery else None,
        status=row["status"],
        withdrawn_reason=row["withdrawn_reason"],
        successor_code=row["successor_code"],
        content_hash=row["content_hash"],
        changed_in=row["changed_in"],
        revision=row["revision"],
        responsibilities=_ITEM_DECODER.decode(row["responsibilities"]),
        legal_bases=_BASES_DECODER.decode(row["legal_bases"]),
    )


async def version_numbers(conn: Any, access: Access) -> tuple[int | None, int | None]:
    """(latest published number, draft number)."""
    row = await conn.fetchrow(
        "SELECT max(number) FILTER (WHERE status = 'published') AS published,"
        " max(number) FILTER (WHERE status = 'draft') AS draft"
        " FROM catalog_versions WHERE tenant_id = $1",
        access.tenant.id,
    )
    return row["published"], row["draft"]


async def resolve_version(conn: Any, access: Access, version: int | str | None) -> int:
    """A version selector (a number, ``draft``, ``published``/None = latest published)."""
    published, draft = await version_numbers(conn, access)
    if version in (None, "published", "latest"):
        if published is None:
            if draft is None:
                raise NotFound("the catalog is empty: nothing has been created yet")
            raise NotFound("no catalog version is published yet; ask for version=draft")
        return published
    if version == "draft":
        if draft is None:
            raise NotFound("there is no draft: the next edit starts one")
        return draft
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed.on("version", "a version number, draft or published") from None
    stored_number(number, "catalog version")
    exists = await conn.fetchval(
        "SELECT 1 FROM catalog_versions WHERE tenant_id = $1 AND number = $2", access.tenant.id, number
    )
    if not exists:
        raise NotFound(f"no catalog version {number}")
    return number


async def list_items(
    access: Access,
    *,
    version: int | str | None = None,
    kind: str | None = None,
    category: str | None = None,
    level: str | None = None,
    parent_code: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    q: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ItemView]:
    limit = check_limit(limit)
    after = decode_cursor(cursor, str)
    async with tenant_transaction(access.tenant.id) as conn:
        number = await _readable_version(conn, access, version)
        records = await conn.fetch(
            ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2"
            " AND ($3::text IS NULL OR $3 = ANY(i.kinds))"
            " AND ($4::text IS NULL OR i.category = $4)"
            " AND ($5::text IS NULL OR i.level = $5)"
            " AND ($6::text IS NULL OR i.parent_code = $6)"
            " AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM catalog_responsibilities r"
            "  WHERE r.tenant_id = i.tenant_id AND r.version = i.version AND r.item_code = i.code"
            "  AND r.party = $7))"
            " AND ($8::text IS NULL OR i.status = $8)"
            " AND ($9::text IS NULL OR strpos(i.title, $9) > 0 OR strpos(i.description, $9) > 0)"
            " AND ($10::text IS NULL OR i.code > $10) ORDER BY i.code LIMIT $11",
            access.tenant.id,
            number,
            kind,
            category,
            level,
            parent_code,
            unit,
            status,
            q,
            after,
            limit + 1,
        )
    return page_of([item_view(r) for r in records], limit, key=lambda i: i.code)


async def get_item(access: Access, code: str, version: int | str | None = None) -> ItemView:
    async with tenant_transaction(access.tenant.id) as conn:
        number = await _readable_version(conn, access, version)
        row = await conn.fetchrow(
            ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2 AND i.code = $3",
            access.tenant.id,
            number,
            code,
        )
    if row is None:
        raise NotFound(f"no catalog item {code} in version {number}")
    return item_view(row)


async def items_by_key(access: Access, keys: list[tuple[int, str]]) -> dict[tuple[int, str], ItemView]:
    """Items by ``(version, code)`` in one query (for DataLoaders); unreadable ones left out."""
    async with tenant_transaction(access.tenant.id) as conn:
        _, draft = await version_numbers(conn, access)
        records = await conn.fetch(
            ITEM_SELECT + " JOIN unnest($2::int[], $3::text[]) AS k(v, c) ON i.version = k.v"
            " AND i.code = k.c WHERE i.tenant_id = $1 AND (i.version <> $4 OR $5)",
            access.tenant.id,
            [v for v, _ in keys],
            [c for _, c in keys],
            draft or 0,
            access.is_admin,
        )
    return {(r["version"], r["code"]): item_view(r) for r in records}


async def children_by_key(access: Access, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[ItemView]]:
    """Direct children of each ``(version, code)``, in code order, in one query."""
    async with tenant_transaction(access.tenant.id) as conn:
        _, draft = await version_numbers(conn, access)
        records = await conn.fetch(
            ITEM_SELECT + " JOIN unnest($2::int[], $3::text[]) AS k(v, c) ON i.version = k.v"
            " AND i.parent_code = k.c WHERE i.tenant_id = $1 AND (i.version <> $4 OR $5)"
            " ORDER BY i.code",
            access.tenant.id,
            [v for v, _ in keys],
            [c for _, c in keys],
            draft or 0,
            access.is_admin,
        )
    found: dict[tuple[int, str], list[ItemView]] = {key: [] for key in keys}
    for r in records:
        found[(r["version"], r["parent_code"])].append(item_view(r))
    return found


async def _readable_version(conn: Any, access: Access, version: int | str | None) -> int:
    """Without a version: the draft for an admin, the latest published for everyone else."""
    _published, draft = await version_numbers(conn, access)
    if version is None and access.is_admin and draft is not None:
        return draft
    number = await resolve_version(conn, access, version)
    if number == draft and not access.is_admin:
        raise PermissionDenied("the draft catalog is for the county admin; read a published version")
    return number


async def list_versions(access: Access) -> list[VersionView]:
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            "SELECT v.number, v.status, v.effective_date, v.published_at, v.content_hash, v.revision,"
            " v.note, count(i.code) FILTER (WHERE i.status = 'active') AS item_count,"
            " count(i.code) FILTER (WHERE i.status = 'withdrawn') AS withdrawn_count"
            " FROM catalog_versions v LEFT JOIN catalog_items i ON i.tenant_id = v.tenant_id"
            " AND i.version = v.number WHERE v.tenant_id = $1 GROUP BY v.tenant_id, v.number"
            " ORDER BY v.number",
            access.tenant.id,
        )
    return [VersionView(**dict(r)) for r in records]


async def get_version(access: Access, version: int | str) -> VersionView:
    async with tenant_transaction(access.tenant.id) as conn:
        number = await resolve_version(conn, access, version)
    return next(v for v in await list_versions(access) if v.number == number)


class UnitDuties(msgspec.Struct):
    """A unit's view of the catalog: what it leads, what it cooperates on, what townships
    cooperate with it on, and what it took back from townships (the last two read-only)."""

    unit_code: str
    version: int
    leads: list[ItemView]
    cooperates: list[ItemView]
    townships_cooperate: list[ItemView]
    taken_back: list[ItemView]


async def unit_duties(access: Access, unit_code: str, version: int | str | None = None) -> UnitDuties:
    if access.role is Role.DEPARTMENT and access.principal.scope_code != unit_code:
        raise PermissionDenied(f"a department key reads its own unit's duties, not {unit_code}'s")
    async with tenant_transaction(access.tenant.id) as conn:
        if not await conn.fetchval(
            "SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2", access.tenant.id, unit_code
        ):
            raise NotFound(f"no unit {unit_code}")
        number = await _readable_version(conn, access, version)
        records = await conn.fetch(
            ITEM_SELECT + " WHERE i.tenant_id = $1 AND i.version = $2 AND i.status = 'active' AND ("
            " EXISTS (SELECT 1 FROM catalog_responsibilities r WHERE r.tenant_id = i.tenant_id"
            "  AND r.version = i.version AND r.item_code = i.code AND r.party = $3)"
            " OR i.recovery->>'receiving_unit' = $3) ORDER BY i.code",
            access.tenant.id,
            number,
            unit_code,
        )
    items = [item_view(r) for r in records]

    def role_of(item: ItemView, party: str) -> set[str]:
        return {r.role for r in item.responsibilities if r.party == party}

    return UnitDuties(
        unit_code=unit_code,
        version=number,
        leads=[i for i in items if "primary" in role_of(i, unit_code)],
        cooperates=[i for i in items if "cooperating" in role_of(i, unit_code)],
        townships_cooperate=[
            i for i in items if "primary" in role_of(i, unit_code) and "cooperating" in role_of(i, "township")
        ],
        taken_back=[i for i in items if i.recovery and i.recovery.receiving_unit == unit_code],
    )


async def unresolved_citations(access: Access, version: int | str | None = None) -> int:
    """How many citations of a version could not be resolved (reported, never dropped)."""
    async with tenant_transaction(access.tenant.id) as conn:
        number = await _readable_version(conn, access, version)
        return await conn.fetchval(
            "SELECT count(*) FROM item_citations WHERE tenant_id = $1 AND version = $2 AND problem IS NOT NULL",
            access.tenant.id,
            number,
        )


async def list_adjustments(
    access: Access, *, version: int | None = None, item_code: str | None = None, state: str | None = None
) -> list[AdjustmentView]:
    check_int("version", version, 1)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            "SELECT id::text, version, state, law_change_id::text, kind, reason_kind, reason, item_code,"
            " effective_date, initiator,"
            " changes, created_at FROM catalog_adjustments WHERE tenant_id = $1"
            " AND ($2::int IS NULL OR version = $2) AND ($3::text IS NULL OR item_code = $3)"
            " AND ($4::text IS NULL OR state = $4)"
            " ORDER BY created_at, id",
            access.tenant.id,
            version,
            item_code,
            state,
        )
    return [
        AdjustmentView(
            **{
                **dict(r),
                "reason_label": REASON_KINDS.get(r["reason_kind"], r["reason_kind"]),
                "initiator": msgspec.json.decode(r["initiator"]),
                "changes": msgspec.json.decode(r["changes"]),
            }
        )
        for r in records
    ]
