"""The versioned reference catalog (参考目录): its shapes and how it is read.

A tenant has numbered catalog versions. The draft is the one being edited; publishing
freezes it (immutable, with an effective date and a content hash) and township lists follow
it. The next draft starts as a copy of the last published version, made on the first edit.
Items are never deleted: a removed item stays, withdrawn, with its reason and its successor
where it was folded into another. Changing the catalog is :mod:`core.catalog.editing`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import asyncpg
import msgspec

from core.catalog import queries
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import NAME, Checked, check_int, stored_number
from core.platform.messages import Text as MessageText
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.platform.sync import parse_since
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
    # On publishing: what the county should know, e.g. law-change adjustments still open.
    warnings: list[str] = []


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
    resolution_reason: str | None = None  # why it was applied or dismissed
    resolved_at: datetime.datetime | None = None


# --- reading -----------------------------------------------------------------------------


def decode_provisions(document: str) -> list[CitedProvision]:
    return _PROVISIONS_DECODER.decode(document)


_ITEM_DECODER = msgspec.json.Decoder(list[ResponsibilityData])
_BASES_DECODER = msgspec.json.Decoder(list[LegalBase])
_PROVISIONS_DECODER = msgspec.json.Decoder(list[CitedProvision])


def item_view(row: asyncpg.Record) -> ItemView:
    """An item from a record of :data:`~core.catalog.queries.ITEM_SELECT` or
    :func:`~core.catalog.queries.items_for` (records, not an ``ItemRow``:
    ``items_for`` rows carry their caller's selection columns too, and whole-list reads build one
    Struct per item here already; see :mod:`core.catalog.queries`)."""
    return item_views_of([row])[0]


def item_views_of(records: Sequence[asyncpg.Record]) -> list[ItemView]:
    """:func:`item_view` of every record of one statement (a whole list: hundreds of items). The
    columns' positions are looked up once, in the first record (every record of a statement has
    the same columns), and each view is built from positions: finding 22 columns by name in each
    record and passing them as keywords was a third of building a 340-entry list's views."""
    if not records:
        return []
    at = {name: i for i, name in enumerate(records[0].keys())}
    (code, version, title, level, kinds, scope, parent, category, kind, description, frequent, process, extra,
     recovery, status, withdrawn, successor, content_hash, changed_in, revision, duties, bases) = (
        at[name] for name in ItemView.__struct_fields__
    )  # fmt: skip
    duties_of, bases_of = _ITEM_DECODER.decode, _BASES_DECODER.decode
    return [
        ItemView(
            r[code],
            r[version],
            r[title],
            r[level],
            list(r[kinds]),
            r[scope],
            r[parent],
            r[category],
            r[kind],
            r[description],
            r[frequent],
            r[process],
            msgspec.json.decode(r[extra]) if isinstance(r[extra], str) else r[extra],
            msgspec.json.decode(r[recovery], type=RecoveryData) if r[recovery] else None,
            r[status],
            r[withdrawn],
            r[successor],
            r[content_hash],
            r[changed_in],
            r[revision],
            duties_of(r[duties]),
            bases_of(r[bases]),
        )
        for r in records
    ]


async def version_numbers(conn: asyncpg.Connection, access: Access) -> tuple[int | None, int | None]:
    """(latest published number, draft number)."""
    numbers = await queries.version_numbers(conn, access.tenant.id)
    return numbers.published, numbers.draft


async def resolve_version(conn: asyncpg.Connection, access: Access, version: int | str | None) -> int:
    """A version selector (a number, ``draft``, ``published``/None = latest published)."""
    published, draft = await version_numbers(conn, access)
    if version in (None, "published", "latest"):
        if published is None:
            if draft is None:
                raise NotFound(MessageText("not-found.catalog-empty-nothing-has"))
            raise NotFound(MessageText("not-found.no-catalog-version-published"))
        return published
    if version == "draft":
        if draft is None:
            raise NotFound(MessageText("not-found.there-no-draft-next"))
        return draft
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed.on("version", MessageText("field.version-number-draft-published")) from None
    stored_number(number, "catalog version")
    if not await queries.version_exists(conn, access.tenant.id, number):
        raise NotFound(MessageText("not-found.no-catalog-version", number=number))
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
    updated_since: str | datetime.datetime | None = None,
) -> Page[ItemView]:
    """Items of a version in code order; ``updated_since``: changed (withdrawals included) at or
    after it. A new version is a new set of rows: pull it whole when the version changes."""
    limit = check_limit(limit)
    since = parse_since(updated_since)
    after = decode_cursor(cursor, str)
    async with tenant_transaction(access.tenant.id) as conn:
        number = await _readable_version(conn, access, version)
        records = await queries.item_page(
            conn, access.tenant.id, number, kind, category, level, parent_code, unit, status, q, after, limit + 1, since
        )
    return page_of([item_view(r) for r in records], limit, key=lambda i: i.code)


async def get_item(access: Access, code: str, version: int | str | None = None) -> ItemView:
    async with tenant_transaction(access.tenant.id) as conn:
        number = await _readable_version(conn, access, version)
        row = await queries.item_record(conn, access.tenant.id, number, code)
    if row is None:
        raise NotFound(MessageText("not-found.no-catalog-item-version", code=code, number=number))
    return item_view(row)


async def items_by_key(access: Access, keys: list[tuple[int, str]]) -> dict[tuple[int, str], ItemView]:
    """Items by ``(version, code)`` in one query (for DataLoaders); unreadable ones left out."""
    async with tenant_transaction(access.tenant.id) as conn:
        _, draft = await version_numbers(conn, access)
        records = await queries.items_at(
            conn, access.tenant.id, [v for v, _ in keys], [c for _, c in keys], draft or 0, access.is_admin
        )
    views = [item_view(r) for r in records]
    return {(v.version, v.code): v for v in views}


async def children_by_key(access: Access, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[ItemView]]:
    """Direct children of each ``(version, code)``, in code order, in one query."""
    async with tenant_transaction(access.tenant.id) as conn:
        _, draft = await version_numbers(conn, access)
        records = await queries.children_at(
            conn, access.tenant.id, [v for v, _ in keys], [c for _, c in keys], draft or 0, access.is_admin
        )
    found: dict[tuple[int, str], list[ItemView]] = {key: [] for key in keys}
    for r in records:
        child = item_view(r)
        assert child.parent_code is not None, "children were joined on their parent_code"
        found[(child.version, child.parent_code)].append(child)
    return found


async def _readable_version(conn: asyncpg.Connection, access: Access, version: int | str | None) -> int:
    """Without a version: the draft for an admin, the latest published for everyone else."""
    _published, draft = await version_numbers(conn, access)
    if version is None and access.is_admin and draft is not None:
        return draft
    number = await resolve_version(conn, access, version)
    if number == draft and not access.is_admin:
        raise PermissionDenied(MessageText("forbidden.draft-catalog-county-admin"))
    return number


async def list_versions(access: Access) -> list[VersionView]:
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.version_rows(conn, access.tenant.id)
    return [VersionView(*msgspec.structs.astuple(r)) for r in records]


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
        raise PermissionDenied(MessageText("forbidden.department-key-reads-own", unit_code=unit_code))
    async with tenant_transaction(access.tenant.id) as conn:
        if not await queries.unit_exists(conn, access.tenant.id, unit_code):
            raise NotFound(MessageText("not-found.no-unit", unit_code=unit_code))
        number = await _readable_version(conn, access, version)
        records = await queries.unit_items(conn, access.tenant.id, number, unit_code)
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
        return await queries.unresolved_count(conn, access.tenant.id, number)


async def list_adjustments(
    access: Access,
    *,
    version: int | None = None,
    item_code: str | None = None,
    state: str | None = None,
    adjustment_id: uuid.UUID | None = None,
) -> list[AdjustmentView]:
    check_int("version", version, 1)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.adjustment_rows(conn, access.tenant.id, version, item_code, state, adjustment_id)
    return [
        AdjustmentView(
            id=r.id,
            version=r.version,
            state=r.state,
            law_change_id=r.law_change_id,
            kind=r.kind,
            reason_kind=r.reason_kind,
            reason_label=REASON_KINDS.get(r.reason_kind, r.reason_kind),
            reason=r.reason,
            item_code=r.item_code,
            effective_date=r.effective_date,
            initiator=msgspec.json.decode(r.initiator),
            changes=msgspec.json.decode(r.changes),
            created_at=r.created_at,
            resolution_reason=r.resolution_reason,
            resolved_at=r.resolved_at,
        )
        for r in records
    ]
