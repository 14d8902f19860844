"""The versioned reference catalog (参考目录) and its dynamic adjustment (动态调整).

A tenant has numbered catalog versions. The draft is the one being edited; publishing
freezes it (immutable, with an effective date and a content hash) and township lists follow
it. The next draft starts as a copy of the last published version, made on the first edit.
Once a version has been published, every change to the draft is a recorded adjustment
with its kind, reason, initiator and effective date. Items are never deleted: a removed
item stays, withdrawn, with its reason and its successor where it was folded into another.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Annotated, Any, Literal

import msgspec

from core import audit, plugins
from core.access import Access, Role
from core.db import tenant_transaction
from core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from core.legal.library import resolve_citations
from core.pagination import Page, check_limit, decode_cursor, page_of
from core.permissions import require_admin
from core.plugin_types import CatalogItem, ListStructure, Recovery, Responsibility
from core.structure import check_item_fields, load_structure, township_scope
from core.versioning import check_version

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
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300, examples=["乡村建设规划许可证核发"])]


class ResponsibilityData(msgspec.Struct, forbid_unknown_fields=True):
    party: Annotated[str, msgspec.Meta(examples=["township", "natural-resources-bureau"])]
    role: Literal["primary", "cooperating"]
    duty: Text = ""
    financial_share: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None


class RecoveryData(msgspec.Struct, forbid_unknown_fields=True):
    receiving_unit: str
    working_method: Text
    reason: Text


class AdjustmentNote(msgspec.Struct, forbid_unknown_fields=True):
    """Why the catalog changes; required once any version has been published."""

    reason_kind: str
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    effective_date: datetime.date | None = None


class ItemCreate(msgspec.Struct, forbid_unknown_fields=True):
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


class ItemUpdate(msgspec.Struct, forbid_unknown_fields=True):
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


class Withdrawal(msgspec.Struct, forbid_unknown_fields=True):
    reason_kind: str
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    successor_code: str | None = None
    effective_date: datetime.date | None = None


class PublishRequest(msgspec.Struct, forbid_unknown_fields=True):
    effective_date: datetime.date
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    revision: int | None = None


class LegalBase(msgspec.Struct):
    raw: str
    resolved: bool
    document_id: str | None = None
    document_title: str | None = None
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    label: str | None = None
    text: str | None = None
    problem: str | None = None


class ItemView(msgspec.Struct):
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

_ITEM_DECODER = msgspec.json.Decoder(list[ResponsibilityData])
_BASES_DECODER = msgspec.json.Decoder(list[LegalBase])


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


async def _version_numbers(conn: Any, access: Access) -> tuple[int | None, int | None]:
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
    published, draft = await _version_numbers(conn, access)
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
    after = decode_cursor(cursor)
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
        _, draft = await _version_numbers(conn, access)
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
        _, draft = await _version_numbers(conn, access)
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
    _published, draft = await _version_numbers(conn, access)
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


# --- writing -----------------------------------------------------------------------------


async def open_draft(conn: Any, access: Access) -> tuple[int, bool]:
    """The draft's number, starting one from the last published version if needed.

    Returns ``(number, adjusting)``: ``adjusting`` is true once any version has been
    published, when every change must say why.
    """
    published, draft = await _version_numbers(conn, access)
    if draft is not None:
        return draft, published is not None
    number = (published or 0) + 1
    await conn.execute(
        "INSERT INTO catalog_versions (tenant_id, number, status) VALUES ($1, $2, 'draft')",
        access.tenant.id,
        number,
    )
    if published is not None:
        for table, columns in _COPIED:
            await conn.execute(
                f"INSERT INTO {table} (tenant_id, version, {columns})"
                f" SELECT tenant_id, $3, {columns} FROM {table} WHERE tenant_id = $1 AND version = $2",
                access.tenant.id,
                published,
                number,
            )
    return number, published is not None


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


def _content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(msgspec.json.encode(fields, order="sorted")).hexdigest()[:32]


def _as_plugin_item(data: ItemCreate) -> CatalogItem:
    return CatalogItem(
        code=data.code,
        title=data.title,
        level=data.level,
        kinds=tuple(data.kinds),
        parent_code=data.parent_code,
        category=data.category,
        item_kind=data.item_kind,
        description=data.description,
        high_frequency=data.high_frequency,
        process=data.process,
        responsibilities=tuple(
            Responsibility(r.party, r.role, r.duty, r.financial_share) for r in data.responsibilities
        ),
        recovery=Recovery(**msgspec.structs.asdict(data.recovery)) if data.recovery else None,
        citations=tuple(data.citations),
        extra=dict(data.extra),
    )


def item_problems(
    structure: ListStructure,
    data: ItemCreate,
    *,
    parent: tuple[str, str] | None,
    units: set[str],
    cycle: bool = False,
) -> list[FieldError]:
    """Core's rules for one item. ``parent`` is the parent's (level, status) if it exists."""
    problems = check_item_fields(
        structure,
        level=data.level,
        kinds=data.kinds,
        category=data.category,
        item_kind=data.item_kind,
        extra=data.extra,
    )
    depth = {lv.code: lv.depth for lv in structure.levels}
    if data.parent_code is not None:
        if data.parent_code == data.code or cycle:
            problems.append(
                FieldError("parent_code", f"{data.parent_code} lies below {data.code}: that would make a cycle")
            )
        elif parent is None:
            problems.append(FieldError("parent_code", f"no item {data.parent_code} in the draft"))
        elif parent[1] == "withdrawn":
            problems.append(FieldError("parent_code", f"{data.parent_code} is withdrawn"))
        elif data.level in depth and depth.get(parent[0], 0) != depth[data.level] - 1:
            problems.append(FieldError("level", f"a {data.level} item cannot sit under a {parent[0]} item"))
    elif data.level in depth and depth[data.level] != 1:
        problems.append(FieldError("parent_code", f"a {data.level} item needs a parent"))
    for i, r in enumerate(data.responsibilities):
        if r.party != "township" and r.party not in units:
            problems.append(
                FieldError(f"responsibilities[{i}].party", f"no unit {r.party}; use a unit code or township")
            )
    shares = [r.financial_share for r in data.responsibilities]
    if any(s is not None for s in shares):
        if any(s is None for s in shares):
            problems.append(FieldError("responsibilities", "give every party a financial share, or none"))
        elif abs(sum(s for s in shares if s is not None) - 100) > 0.001:
            total = sum(s for s in shares if s is not None)
            problems.append(FieldError("responsibilities", f"financial shares must sum to 100, not {total:g}"))
    if data.recovery and data.recovery.receiving_unit not in units:
        problems.append(FieldError("recovery.receiving_unit", f"no unit {data.recovery.receiving_unit}"))
    if "recovered" in data.kinds and data.recovery is None:
        problems.append(
            FieldError("recovery", "a recovered item names the receiving department, how the work runs now and why")
        )
    return problems


def plugin_problems(access: Access, data: ItemCreate) -> list[FieldError]:
    if not access.tenant.plugin:
        return []
    found = plugins.call(access.tenant.plugin, "qingdan_check_item", item=_as_plugin_item(data))
    return [FieldError(p.field, p.message) for p in (found or [])]


def _raise(problems: list[FieldError]) -> None:
    if problems:
        shown = problems[:100]
        raise ValidationFailed("; ".join(f"{p.field}: {p.message}" for p in shown), errors=shown)


async def _check_item(conn: Any, access: Access, number: int, data: ItemCreate) -> str:
    """Every rule an item must pass; returns its township scope. Raises naming each field."""
    structure = await load_structure(access)
    facts = await conn.fetchrow(
        "SELECT (SELECT array[level, status] FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        "  AND code = $3) AS parent,"
        " (SELECT array_agg(code) FROM units WHERE tenant_id = $1 AND code = ANY($4)) AS units,"
        " (WITH RECURSIVE up(code, parent) AS ("
        "   SELECT code, parent_code FROM catalog_items WHERE tenant_id = $1 AND version = $2"
        "   AND code = $3"
        "   UNION SELECT i.code, i.parent_code FROM catalog_items i JOIN up ON i.code = up.parent"
        "   WHERE i.tenant_id = $1 AND i.version = $2)"
        "  SELECT $5 = ANY(array_agg(code)) FROM up) AS cycle",
        access.tenant.id,
        number,
        data.parent_code,
        [r.party for r in data.responsibilities] + ([data.recovery.receiving_unit] if data.recovery else []),
        data.code,
    )
    parent = tuple(facts["parent"]) if facts["parent"] else None
    problems = item_problems(
        structure,
        data,
        parent=parent,
        units=set(facts["units"] or []),
        cycle=bool(facts["cycle"]),  # type: ignore[arg-type]
    )
    _raise(problems or plugin_problems(access, data))
    return township_scope(structure, data.kinds)


class Prepared(msgspec.Struct):
    """An item ready to store in the draft."""

    data: ItemCreate
    scope: str
    status: str = "active"
    withdrawn_reason: str | None = None
    successor_code: str | None = None
    revision: int = 1


async def _store(conn: Any, access: Access, number: int, items: list[Prepared]) -> None:
    """Write items with their responsibilities and citations: a fixed number of statements."""
    by_raw: dict[str, list[Any]] = {}
    for c in await resolve_citations(access, [raw for p in items for raw in p.data.citations]):
        by_raw.setdefault(c.raw, []).append(c)
    rows, duties, cites = [], [], []
    for p in items:
        d = p.data
        fields = {
            **msgspec.to_builtins(d),
            "adjustment": None,
            "status": p.status,
            "withdrawn_reason": p.withdrawn_reason,
            "successor_code": p.successor_code,
        }
        rows.append(
            (
                d.code,
                d.parent_code,
                d.level,
                d.title,
                d.description,
                d.category,
                d.item_kind,
                d.kinds,
                p.scope,
                d.high_frequency,
                d.process,
                msgspec.json.encode(d.extra).decode(),
                msgspec.json.encode(d.recovery).decode() if d.recovery else None,
                p.status,
                p.withdrawn_reason,
                p.successor_code,
                _content_hash(fields),
                p.revision,
            )
        )
        duties += [(d.code, i, r.party, r.role, r.duty, r.financial_share) for i, r in enumerate(d.responsibilities)]
        found = [c for raw in dict.fromkeys(d.citations) for c in by_raw.get(raw, [])]
        cites += [
            (d.code, i, c.document_tenant, c.document_id, c.article, c.paragraph, c.item, c.raw, c.problem)
            for i, c in enumerate(found)
        ]
    codes = [p.data.code for p in items]
    for table in ("catalog_responsibilities", "item_citations"):
        await conn.execute(
            f"DELETE FROM {table} WHERE tenant_id = $1 AND version = $2 AND item_code = ANY($3)",
            access.tenant.id,
            number,
            codes,
        )
    # Text arrays carry every column; kinds travel as JSON so that arrays of arrays are not needed.
    await conn.execute(
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
        " changed_in = excluded.changed_in, revision = excluded.revision",
        access.tenant.id,
        number,
        *_columns([(*r[:7], msgspec.json.encode(r[7]).decode(), *r[8:]) for r in rows], 18),
    )
    await conn.execute(
        "INSERT INTO catalog_responsibilities (tenant_id, version, item_code, position, party, role,"
        " duty, financial_share) SELECT $1, $2, c, p, a, r, d, s FROM unnest($3::text[], $4::int[],"
        " $5::text[], $6::text[], $7::text[], $8::numeric[]) AS t(c, p, a, r, d, s)",
        access.tenant.id,
        number,
        *_columns(duties, 6),
    )
    await conn.execute(
        "INSERT INTO item_citations (tenant_id, version, item_code, position, document_tenant,"
        " document_id, article, paragraph, item, raw, problem) SELECT $1, $2, c, p, dt, di, a, pa, it, r,"
        " pr FROM unnest($3::text[], $4::int[], $5::uuid[], $6::uuid[], $7::int[], $8::int[],"
        " $9::int[], $10::text[], $11::text[]) AS t(c, p, dt, di, a, pa, it, r, pr)",
        access.tenant.id,
        number,
        *_columns(cites, 9),
    )


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows to the column lists ``unnest`` takes."""
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def _initiator(access: Access) -> dict[str, Any]:
    p = access.principal
    return {"key_id": str(p.key_id) if p.key_id else None, "role": p.role.value, "scope": p.scope_code, "name": p.name}


async def _record_adjustment(
    conn: Any,
    access: Access,
    number: int,
    kind: str,
    item_code: str,
    note: AdjustmentNote | Withdrawal | None,
    adjusting: bool,
    changes: dict[str, Any],
) -> None:
    if note is None:
        if adjusting:
            raise ValidationFailed.on(
                "adjustment",
                "the catalog has been published: say why it changes (reason_kind, reason)",
            )
        note = AdjustmentNote(reason_kind="initial", reason="初始建立参考目录")
    if note.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("adjustment.reason_kind", f"use one of {', '.join(REASON_KINDS)}")
    await conn.execute(
        "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
        " effective_date, initiator, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)",
        access.tenant.id,
        number,
        kind,
        note.reason_kind,
        note.reason,
        item_code,
        note.effective_date,
        msgspec.json.encode(_initiator(access)).decode(),
        msgspec.json.encode(changes).decode(),
    )
    await conn.execute(
        "UPDATE catalog_versions SET revision = revision + 1 WHERE tenant_id = $1 AND number = $2",
        access.tenant.id,
        number,
    )


async def create_item(access: Access, data: ItemCreate) -> ItemView:
    require_admin(access, "edit the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        number, adjusting = await open_draft(conn, access)
        taken = await conn.fetchval(
            "SELECT 1 FROM reference_codes WHERE tenant_id = $1 AND code = $2", access.tenant.id, data.code
        )
        if taken:
            raise Conflict(
                f"reference code {data.code} is already used; codes are never reused",
                errors=[FieldError("code", "already used")],
            )
        scope = await _check_item(conn, access, number, data)
        await conn.execute("INSERT INTO reference_codes (tenant_id, code) VALUES ($1, $2)", access.tenant.id, data.code)
        await _store(conn, access, number, [Prepared(data, scope)])
        await _record_adjustment(
            conn, access, number, "add", data.code, data.adjustment, adjusting, {"title": data.title}
        )
        view = await get_item(access, data.code, number)
        await audit.record(access, "catalog_item", data.code, "create", after=view)
    return view


def _as_create(view: ItemView) -> ItemCreate:
    return ItemCreate(
        code=view.code,
        title=view.title,
        level=view.level,
        kinds=view.kinds,
        parent_code=view.parent_code,
        category=view.category,
        item_kind=view.item_kind,
        description=view.description,
        high_frequency=view.high_frequency,
        process=view.process,
        responsibilities=view.responsibilities,
        recovery=view.recovery,
        citations=list(dict.fromkeys(b.raw for b in view.legal_bases)),
        extra=view.extra,
    )


async def update_item(access: Access, code: str, data: ItemUpdate, if_match: int | None) -> ItemView:
    require_admin(access, "edit the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        number, adjusting = await open_draft(conn, access)
        before = await get_item(access, code, number)
        check_version(before.revision, if_match, data.revision, field="revision")
        if before.status == "withdrawn":
            raise Conflict(f"{code} is withdrawn; withdrawn items do not change")
        changes = {
            k: v
            for k, v in msgspec.structs.asdict(data).items()
            if v is not msgspec.UNSET and k not in ("revision", "adjustment")
        }
        if not changes:
            raise ValidationFailed.on("body", "nothing to change")
        merged = msgspec.structs.replace(_as_create(before), **changes)
        merged = msgspec.convert(msgspec.to_builtins(merged), ItemCreate)
        scope = await _check_item(conn, access, number, merged)
        await _store(conn, access, number, [Prepared(merged, scope, revision=before.revision + 1)])
        kind = "reassign" if set(changes) <= {"responsibilities", "recovery"} else "modify"
        await _record_adjustment(
            conn, access, number, kind, code, data.adjustment, adjusting, msgspec.to_builtins(changes)
        )
        after = await get_item(access, code, number)
        await audit.record(access, "catalog_item", code, "update", before=before, after=after)
    return after


async def withdraw_item(access: Access, code: str, data: Withdrawal) -> ItemView:
    """Remove an item from the catalog: it stays, withdrawn, with reason and successor."""
    require_admin(access, "edit the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        number, _adjusting = await open_draft(conn, access)
        before = await get_item(access, code, number)
        if before.status == "withdrawn":
            raise Conflict(f"{code} is already withdrawn")
        children = await conn.fetchval(
            "SELECT count(*) FROM catalog_items WHERE tenant_id = $1 AND version = $2"
            " AND parent_code = $3 AND status = 'active'",
            access.tenant.id,
            number,
            code,
        )
        if children:
            raise Conflict(f"{code} still has {children} active child items; withdraw or move them first")
        if data.successor_code is not None:
            successor = await conn.fetchval(
                "SELECT status FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3",
                access.tenant.id,
                number,
                data.successor_code,
            )
            if successor != "active" or data.successor_code == code:
                raise ValidationFailed.on("successor_code", f"{data.successor_code} is not an active item")
        withdrawn = Prepared(
            _as_create(before),
            before.township_scope,
            "withdrawn",
            data.reason,
            data.successor_code,
            before.revision + 1,
        )
        await _store(conn, access, number, [withdrawn])
        await _record_adjustment(
            conn,
            access,
            number,
            "remove",
            code,
            data,
            True,
            {"successor_code": data.successor_code} if data.successor_code else {},
        )
        after = await get_item(access, code, number)
        await audit.record(access, "catalog_item", code, "withdraw", before=before, after=after)
    return after


async def import_items(access: Access, items: list[ItemCreate], note: AdjustmentNote | None = None) -> int:
    """Add many items to the draft at once, all or nothing, in a fixed number of statements.

    Parents may come earlier in ``items`` or already be in the draft. Every problem of
    every item is reported (field names carry the item's position: ``items[3].kinds[0]``).
    """
    require_admin(access, "edit the catalog")
    structure = await load_structure(access)
    async with tenant_transaction(access.tenant.id) as conn:
        number, adjusting = await open_draft(conn, access)
        codes = [i.code for i in items]
        drafted = {
            r["code"]: (r["level"], r["status"])
            for r in await conn.fetch(
                "SELECT code, level, status FROM catalog_items WHERE tenant_id = $1 AND version = $2",
                access.tenant.id,
                number,
            )
        }
        reserved = {
            r["code"]
            for r in await conn.fetch(
                "SELECT code FROM reference_codes WHERE tenant_id = $1 AND code = ANY($2)",
                access.tenant.id,
                codes,
            )
        }
        units = {r["code"] for r in await conn.fetch("SELECT code FROM units WHERE tenant_id = $1", access.tenant.id)}
        problems: list[FieldError] = []
        known = dict(drafted)
        prepared = []
        for i, item in enumerate(items):
            found = (
                []
                if item.code not in reserved and item.code not in known
                else [FieldError("code", f"{item.code} is already used; codes are never reused")]
            )
            found += item_problems(structure, item, parent=known.get(item.parent_code or ""), units=units)
            found = found or plugin_problems(access, item)
            problems += [FieldError(f"items[{i}].{p.field}", f"{item.code}: {p.message}") for p in found]
            known[item.code] = (item.level, "active")
            prepared.append(Prepared(item, township_scope(structure, item.kinds)))
        _raise(problems)
        await conn.execute(
            "INSERT INTO reference_codes (tenant_id, code) SELECT $1, unnest($2::text[])",
            access.tenant.id,
            codes,
        )
        await _store(conn, access, number, prepared)
        if note is None and adjusting:
            raise ValidationFailed.on("adjustment", "the catalog has been published: say why it changes")
        note = note or AdjustmentNote(reason_kind="initial", reason="初始建立参考目录")
        if note.reason_kind not in REASON_KINDS:
            raise ValidationFailed.on("adjustment.reason_kind", f"use one of {', '.join(REASON_KINDS)}")
        await conn.execute(
            "INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code,"
            " effective_date, initiator, changes) SELECT $1, $2, 'add', $3, $4, c, $5, $6::jsonb, '{}'"
            " FROM unnest($7::text[]) AS c",
            access.tenant.id,
            number,
            note.reason_kind,
            note.reason,
            note.effective_date,
            msgspec.json.encode(_initiator(access)).decode(),
            codes,
        )
        await conn.execute(
            "UPDATE catalog_versions SET revision = revision + 1 WHERE tenant_id = $1 AND number = $2",
            access.tenant.id,
            number,
        )
        await audit.record(access, "catalog_version", str(number), "import", after={"items": len(items)})
    return len(items)


async def publish(access: Access, data: PublishRequest, if_match: int | None) -> VersionView:
    """Freeze the draft as the next published version; township lists follow it."""
    from core.township_lists import follow_catalog

    require_admin(access, "publish the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        draft = await conn.fetchrow(
            "SELECT number, revision FROM catalog_versions WHERE tenant_id = $1 AND status = 'draft' FOR UPDATE",
            access.tenant.id,
        )
        if draft is None:
            raise Conflict("there is no draft to publish; edit the catalog first")
        check_version(draft["revision"], if_match, data.revision, field="revision")
        rows = await conn.fetch(
            "SELECT code, content_hash FROM catalog_items WHERE tenant_id = $1 AND version = $2 ORDER BY code",
            access.tenant.id,
            draft["number"],
        )
        if not any(True for _ in rows):
            raise ValidationFailed.on("draft", "an empty catalog cannot be published")
        digest = hashlib.sha256("\n".join(f"{r['code']}:{r['content_hash']}" for r in rows).encode()).hexdigest()
        await conn.execute(
            "UPDATE catalog_versions SET status = 'published', published_at = now(), effective_date = $3,"
            " content_hash = $4, note = $5 WHERE tenant_id = $1 AND number = $2",
            access.tenant.id,
            draft["number"],
            data.effective_date,
            digest,
            data.note,
        )
        followed = await follow_catalog(conn, access, draft["number"])
        await audit.record(
            access,
            "catalog_version",
            str(draft["number"]),
            "publish",
            after={"content_hash": digest, "effective_date": data.effective_date, "township_lists": followed},
        )
    return await get_version(access, draft["number"])
