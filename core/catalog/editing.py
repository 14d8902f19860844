"""Changing the catalog: the draft, item rules, adjustments (动态调整), publication.

Until a version has been published the county builds the catalog freely; afterwards every
change to the draft is a recorded adjustment with its kind, reason, initiator and effective
date. Writes happen in a fixed number of statements whatever their size (:func:`_store`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import asyncpg
import msgspec

from core.catalog import queries
from core.catalog.adjustments import open_adjustment_warnings
from core.catalog.reading import (
    REASON_KINDS,
    AdjustmentNote,
    ItemCreate,
    ItemUpdate,
    ItemView,
    PublishRequest,
    VersionView,
    Withdrawal,
    get_item,
    get_version,
    version_numbers,
)
from core.catalog.structure import check_item_fields, kinds_with_role, load_structure, township_scope
from core.events import service as events
from core.legal.bases import bases_in, item_bases
from core.legal.library import resolve_citations
from core.platform import generations
from core.platform.db import BULK_TABLES, refresh_statistics, tenant_transaction
from core.platform.errors import Conflict, FieldError, NotFound, ValidationFailed
from core.platform.messages import ZH, Text
from core.platform.versioning import Expected, check_version, stale
from core.plugin_api import registry as plugins
from core.plugin_api.types import CatalogItem, LegalBasis, ListStructure, Recovery, Responsibility
from core.publication import search
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin


async def open_draft(conn: asyncpg.Connection, access: Access) -> tuple[int, bool]:
    """The draft's number, starting one from the last published version if needed.

    Returns ``(number, adjusting)``: ``adjusting`` is true once any version has been
    published, when every change must say why.
    """
    published, draft = await version_numbers(conn, access)
    if draft is not None:
        return draft, published is not None
    number = (published or 0) + 1
    await conn.execute(queries.INSERT_DRAFT, access.tenant.id, number)
    await generations.bump(conn, access.tenant.id)
    if published is not None:
        await queries.copy_version(conn, access.tenant.id, published, number)
    return number, published is not None


def _content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(msgspec.json.encode(fields, order="sorted")).hexdigest()[:32]


def item_create_of(item: CatalogItem) -> ItemCreate:
    """A plugin's catalog item as the body core validates (what core resolved is not input)."""
    fields = dataclasses.asdict(item)
    fields.pop("legal_bases", None)
    return msgspec.convert(fields, ItemCreate)


def _as_plugin_item(data: ItemCreate, bases: Mapping[str, tuple[LegalBasis, ...]] | None) -> CatalogItem:
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
        legal_bases=None if bases is None else item_bases(data.citations, bases),
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
                FieldError.said(
                    "parent_code",
                    Text("field.lies-below-would-make", parent_code=data.parent_code, code=data.code),
                )
            )
        elif parent is None:
            problems.append(FieldError.said("parent_code", Text("field.no-item-draft", parent_code=data.parent_code)))
        elif parent[1] == "withdrawn":
            problems.append(FieldError.said("parent_code", Text("field.withdrawn-2", parent_code=data.parent_code)))
        elif data.level in depth and depth.get(parent[0], 0) != depth[data.level] - 1:
            problems.append(
                FieldError.said("level", Text("field.item-cannot-sit-under", level=data.level, value=parent[0]))
            )
    elif data.level in depth and depth[data.level] != 1:
        problems.append(FieldError.said("parent_code", Text("field.item-needs-parent", level=data.level)))
    for i, r in enumerate(data.responsibilities):
        if r.party != "township" and r.party not in units:
            problems.append(
                FieldError.said(f"responsibilities[{i}].party", Text("field.no-unit-use-unit", party=r.party))
            )
    shares = [r.financial_share for r in data.responsibilities]
    if any(s is not None for s in shares):
        if any(s is None for s in shares):
            problems.append(FieldError.said("responsibilities", Text("field.give-every-party-financial")))
        elif abs(sum(s for s in shares if s is not None) - 100) > 0.001:
            total = sum(s for s in shares if s is not None)
            problems.append(FieldError.said("responsibilities", Text("field.financial-shares-must-sum", total=total)))
    if data.recovery and data.recovery.receiving_unit not in units:
        problems.append(
            FieldError.said(
                "recovery.receiving_unit", Text("field.no-unit", receiving_unit=data.recovery.receiving_unit)
            )
        )
    recovered = sorted(kinds_with_role(structure, "recovered") & set(data.kinds))
    if recovered and data.recovery is None:
        problems.append(
            FieldError.said(
                "recovery",
                Text("field.item-recovered-item-name", value=recovered[0]),
            )
        )
    return problems


def plugin_problems(
    access: Access, data: ItemCreate, bases: Mapping[str, tuple[LegalBasis, ...]] | None = None
) -> list[FieldError]:
    """The tenant's plugin's rules for an item; ``bases`` (from :func:`core.legal.bases.bases_by_raw`)
    gives it the resolved legal bases, else it sees ``legal_bases`` None."""
    if not access.tenant.plugin:
        return []
    found = plugins.call(access.tenant.plugin, "qingdan_check_item", item=_as_plugin_item(data, bases))
    return [FieldError(p.field, p.message, p.text()) for p in (found or [])]


def _raise(problems: list[FieldError]) -> None:
    if problems:
        shown = problems[:100]
        raise ValidationFailed.listing(shown)


async def _check_item(conn: asyncpg.Connection, access: Access, number: int, data: ItemCreate) -> str:
    """Every rule an item must pass; returns its township scope. Raises naming each field."""
    structure = await load_structure(access)
    facts = await queries.item_facts(
        conn,
        access.tenant.id,
        number,
        data.parent_code,
        [r.party for r in data.responsibilities] + ([data.recovery.receiving_unit] if data.recovery else []),
        data.code,
    )
    problems = item_problems(
        structure,
        data,
        parent=(facts.parent[0], facts.parent[1]) if facts.parent else None,
        units=set(facts.units or []),
        cycle=bool(facts.cycle),
    )
    if not problems and access.tenant.plugin:
        problems = plugin_problems(access, data, await bases_in(conn, access, data.citations))
    _raise(problems)
    return township_scope(structure, data.kinds)


class Prepared(msgspec.Struct):
    """An item ready to store in the draft."""

    data: ItemCreate
    scope: str
    status: str = "active"
    withdrawn_reason: str | None = None
    successor_code: str | None = None
    revision: int = 1


async def _store(conn: asyncpg.Connection, access: Access, number: int, items: list[Prepared]) -> None:
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
    await queries.delete_item_parts(conn, access.tenant.id, number, codes)
    await conn.execute(
        queries.UPSERT_ITEMS,
        access.tenant.id,
        number,
        *_columns([(*r[:7], msgspec.json.encode(r[7]).decode(), *r[8:]) for r in rows], 18),
    )
    await conn.execute(queries.INSERT_RESPONSIBILITIES, access.tenant.id, number, *_columns(duties, 6))
    await conn.execute(queries.INSERT_CITATIONS, access.tenant.id, number, *_columns(cites, 9))


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Rows to the column lists ``unnest`` takes."""
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def _initiator(access: Access) -> dict[str, Any]:
    p = access.principal
    return {"key_id": str(p.key_id) if p.key_id else None, "role": p.role.value, "scope": p.scope_code, "name": p.name}


async def _record_adjustment(
    conn: asyncpg.Connection,
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
                Text("field.catalog-has-been-published"),
            )
        note = AdjustmentNote(reason_kind="initial", reason="初始建立参考目录")
    if note.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("adjustment.reason_kind", Text("field.use-one", value=list(REASON_KINDS)))
    await conn.execute(
        queries.INSERT_ADJUSTMENT,
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
    await conn.execute(queries.BUMP_REVISION, access.tenant.id, number)
    await generations.bump(conn, access.tenant.id)


async def create_item(access: Access, data: ItemCreate) -> ItemView:
    require_admin(access, "edit the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        number, adjusting = await open_draft(conn, access)
        if await queries.code_taken(conn, access.tenant.id, data.code):
            raise Conflict(
                Text("conflict.reference-code-already-used", code=data.code),
                errors=[FieldError.said("code", Text("field.already-used"))],
            )
        scope = await _check_item(conn, access, number, data)
        await conn.execute(queries.INSERT_REFERENCE_CODE, access.tenant.id, data.code)
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


async def _lock_item(conn: asyncpg.Connection, access: Access, number: int, code: str) -> None:
    """Hold the draft item's row until the transaction ends, so that a concurrent edit with the
    same revision waits and then meets the new one (412) instead of overwriting it."""
    if not await queries.lock_item(conn, access.tenant.id, number, code):
        raise NotFound(Text("not-found.no-catalog-item-version", code=code, number=number))


async def update_item(access: Access, code: str, data: ItemUpdate, if_match: Expected) -> ItemView:
    require_admin(access, "edit the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        number, adjusting = await open_draft(conn, access)
        await _lock_item(conn, access, number, code)
        before = await get_item(access, code, number)
        check_version(before.revision, if_match, data.revision, field="revision")
        if before.status == "withdrawn":
            raise Conflict(Text("conflict.withdrawn-withdrawn-items-do", code=code))
        changes = {
            k: v
            for k, v in msgspec.structs.asdict(data).items()
            if v is not msgspec.UNSET and k not in ("revision", "adjustment")
        }
        if not changes:
            raise ValidationFailed.on("body", Text("field.nothing-change"))
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
        await _lock_item(conn, access, number, code)
        before = await get_item(access, code, number)
        if before.status == "withdrawn":
            raise Conflict(Text("conflict.already-withdrawn", code=code))
        children = await queries.active_children(conn, access.tenant.id, number, code)
        if children:
            raise Conflict(Text("conflict.still-has-active-child", code=code, children=children))
        if data.successor_code is not None:
            successor = await queries.item_status(conn, access.tenant.id, number, data.successor_code)
            if successor != "active" or data.successor_code == code:
                raise ValidationFailed.on(
                    "successor_code", Text("field.not-active-item", successor_code=data.successor_code)
                )
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
        drafted = {r.code: (r.level, r.status) for r in await queries.item_states(conn, access.tenant.id, number)}
        reserved = set(await queries.reserved_codes(conn, access.tenant.id, codes))
        units = set(await queries.unit_codes(conn, access.tenant.id))
        problems: list[FieldError] = []
        known = dict(drafted)
        prepared = []
        bases = await bases_in(conn, access, [c for i in items for c in i.citations]) if access.tenant.plugin else None
        for i, item in enumerate(items):
            found = (
                []
                if item.code not in reserved and item.code not in known
                else [FieldError.said("code", Text("field.already-used-codes-are", code=item.code))]
            )
            found += item_problems(structure, item, parent=known.get(item.parent_code or ""), units=units)
            found = found or plugin_problems(access, item, bases)
            problems += [
                FieldError.said(f"items[{i}].{p.field}", Text("field.message", code=item.code, message=said))
                for p in found
                for said in [p.text or p.message]
            ]
            known[item.code] = (item.level, "active")
            prepared.append(Prepared(item, township_scope(structure, item.kinds)))
        _raise(problems)
        await conn.execute(queries.INSERT_REFERENCE_CODES, access.tenant.id, codes)
        await _store(conn, access, number, prepared)
        if note is None and adjusting:
            raise ValidationFailed.on("adjustment", Text("field.catalog-has-been-published-2"))
        note = note or AdjustmentNote(reason_kind="initial", reason="初始建立参考目录")
        if note.reason_kind not in REASON_KINDS:
            raise ValidationFailed.on("adjustment.reason_kind", Text("field.use-one", value=list(REASON_KINDS)))
        await conn.execute(
            queries.INSERT_ADDITIONS,
            access.tenant.id,
            number,
            note.reason_kind,
            note.reason,
            note.effective_date,
            msgspec.json.encode(_initiator(access)).decode(),
            codes,
        )
        await conn.execute(queries.BUMP_REVISION, access.tenant.id, number)
        await generations.bump(conn, access.tenant.id)
        await audit.record(access, "catalog_version", str(number), "import", after={"items": len(items)})
    return len(items)


#: What brings the township lists along when a catalog version is published: registered by
#: :mod:`core.lists.service` (lists depend on the catalog, not the other way round); returns
#: how many lists followed.
Follower = Callable[[asyncpg.Connection, Access, int], Awaitable[int]]
_registered: dict[str, Follower] = {}


def register_follower(follower: Follower) -> None:
    _registered["lists"] = follower


def _follower() -> Follower:
    if "lists" not in _registered:
        # publishing without the lists following would leave every township on the old version
        raise RuntimeError("catalog publication needs core.lists.service imported (core.wiring does it)")
    return _registered["lists"]


async def publish(access: Access, data: PublishRequest, if_match: Expected, language: str = ZH) -> VersionView:
    """Freeze the draft as the next published version; township lists follow it (in the same
    transaction, through the follower :mod:`core.lists.service` registers). ``warnings`` are
    said in ``language`` (Chinese unless the caller asks otherwise: the 编办 reads them)."""
    require_admin(access, "publish the catalog")
    async with tenant_transaction(access.tenant.id) as conn:
        draft = await queries.draft_for_update(conn, access.tenant.id)
        named = if_match if if_match is not None else data.revision
        if draft is None and isinstance(named, int):  # the draft it named was published meanwhile
            stale(named, "published")
        if draft is None:
            raise Conflict(Text("conflict.there-no-draft-publish"))
        check_version(draft.revision, if_match, data.revision, field="revision")
        rows = await queries.item_hashes(conn, access.tenant.id, draft.number)
        if not rows:
            raise ValidationFailed.on("draft", Text("field.empty-catalog-cannot-published"))
        warnings = await open_adjustment_warnings(conn, access)
        digest = hashlib.sha256("\n".join(f"{r.code}:{r.content_hash}" for r in rows).encode()).hexdigest()
        await conn.execute(
            queries.PUBLISH_VERSION, access.tenant.id, draft.number, data.effective_date, digest, data.note
        )
        await generations.bump(conn, access.tenant.id)
        # The items' texts are analysed for search in a thread while PostgreSQL brings the
        # township lists along; the documents are stored after.
        indexing = await search.start_catalog_version(conn, access, draft.number)
        followed = await _follower()(conn, access, draft.number)
        await refresh_statistics(conn, *BULK_TABLES)
        await indexing.finish(conn)
        await audit.record(
            access,
            "catalog_version",
            str(draft.number),
            "publish",
            after={"content_hash": digest, "effective_date": data.effective_date, "township_lists": followed},
        )
        await events.emit(
            conn,
            access.tenant.id,
            "catalog.published",
            f"catalog/versions/{draft.number}",
            {
                "version": draft.number,
                "effective_date": data.effective_date,
                "content_hash": digest,
                "township_lists": followed,
            },
        )
    view = await get_version(access, draft.number)
    view.warnings = [w.render(language) for w in warnings]
    return view
