"""Recorded changes of the law, read back with their impact on catalogs and township lists."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

import asyncpg
import msgspec

from core.legal import queries
from core.legal.documents import is_shared
from core.legal.following import followed
from core.legal.model import (
    CHANGE_KINDS,
    AffectedItem,
    ChangeView,
    CitedProvision,
    ImpactReport,
    ProvisionChange,
    TenantImpact,
    TownshipImpact,
    VersionRef,
)
from core.legal.published_entries import PublishedCodes, latest_published
from core.platform.db import platform_transaction, tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.messages import Text
from core.platform.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of
from core.security.access import Access, Role
from core.security.permissions import require_admin

if TYPE_CHECKING:
    from core.legal.recording import Affected


def _change_view(row: queries.ChangeRow) -> ChangeView:
    def ref(vid: uuid.UUID | None, day: datetime.date | None, effective: datetime.date | None) -> VersionRef | None:
        if vid is None:
            return None
        assert day is not None, "a version has a date"
        return VersionRef(str(vid), day, effective)

    return ChangeView(
        id=str(row.id),
        shared=is_shared(row),
        document_id=str(row.document_id),
        document_title=row.document_title,
        kind=row.kind,
        kind_label=CHANGE_KINDS[row.kind],
        effective_date=row.effective_date,
        from_version=ref(row.from_version_id, row.from_date, row.from_effective),
        to_version=ref(row.to_version_id, row.to_date, row.to_effective),
        successor_id=str(row.successor_id) if row.successor_id else None,
        successor_title=row.successor_title,
        recorded_by=msgspec.json.decode(row.recorded_by),
        created_at=row.created_at,
    )


async def list_changes(
    access: Access,
    *,
    document_id: uuid.UUID | None = None,
    kind: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ChangeView]:
    """Recorded changes visible to the tenant (national ones and its own), newest first."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, TimeAndId)
    if kind is not None and kind not in CHANGE_KINDS:
        raise ValidationFailed.on("kind", Text("field.amend-repeal"))
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.change_page(
            conn, access.tenant.id, document_id=document_id, kind=kind, after=after, limit=limit + 1
        )
    views = [_change_view(r) for r in records]
    return page_of(views, limit, key=lambda c: [c.created_at.isoformat(), c.id])


async def change_row(conn: asyncpg.Connection, tenant_id: uuid.UUID, change_id: uuid.UUID) -> queries.ChangeRow:
    """A change of the tenant or of the shared library; NotFound otherwise."""
    row = await queries.change_row(conn, tenant_id, change_id)
    if row is None:
        raise NotFound(Text("not-found.no-recorded-change", change_id=change_id))
    return row


async def get_change(access: Access, change_id: uuid.UUID) -> ChangeView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _change_view(await change_row(conn, access.tenant.id, change_id))


async def impact_report(access: Access, change_id: uuid.UUID) -> ImpactReport:
    """The items and township entries a change affects, by tenant and township. A platform
    key sees a national change across every tenant; everyone else sees their own tenant."""
    require_admin(access, "read impact reports")
    async with tenant_transaction(access.tenant.id) as conn:
        change = await change_row(conn, access.tenant.id, change_id)
        if not (is_shared(change) and access.role is Role.PLATFORM):
            return await impact_of(conn, change)
    async with platform_transaction() as conn:
        return await impact_of(conn, change)


async def impact_of(conn: asyncpg.Connection, change: queries.ChangeRow) -> ImpactReport:
    """The report of a recorded change: the adjustments it opened, their townships' entries."""
    provisions = await _provision_changes(conn, change)
    records = await queries.change_adjustments(conn, change.id)
    items = [
        (
            r.tenant_id,
            r.slug,
            r.tenant_name,
            AffectedItem(
                code=r.item_code,
                title=r.title,
                catalog_version=r.version,
                provisions=_CITED_DECODER.decode(r.provisions) if r.provisions else [],
                adjustment_id=str(r.id),
                adjustment_state=r.state,
            ),
        )
        for r in records
    ]
    return await _assemble(conn, change, provisions, items)


async def _provision_changes(conn: asyncpg.Connection, change: queries.ChangeRow) -> list[ProvisionChange]:
    """An amendment's articles as they correspond between the versions (all but unchanged)."""
    if change.kind != "amend" or change.from_version_id is None or change.to_version_id is None:
        return []
    return (await followed(conn, change.tenant_id, change.from_version_id, change.to_version_id)).provision_changes()


async def impact_preview(conn: asyncpg.Connection, change: queries.ChangeRow, affected: Affected) -> ImpactReport:
    """The report of a change not recorded: items as found, adjustments as they would open."""
    tenants = {r.id: r for r in await queries.tenant_names(conn, list(affected))}
    existing = {(r.tenant_id, r.item_code): r for r in await queries.opened_adjustments(conn, change.id)}
    items = []
    for tenant_id, hits in sorted(affected.items(), key=lambda kv: tenants[kv[0]].slug):
        t = tenants[tenant_id]
        for code, hit in sorted(hits.items()):
            done = existing.get((tenant_id, code))
            item = AffectedItem(
                code=code,
                title=hit.title,
                catalog_version=done.version if done else hit.draft_version,
                provisions=hit.provisions,
                adjustment_id=str(done.id) if done else None,
                adjustment_state=done.state if done else "would_open",
            )
            items.append((tenant_id, t.slug, t.name, item))
    return await _assemble(conn, change, await _provision_changes(conn, change), items)


async def _townships(
    conn: asyncpg.Connection, codes: dict[uuid.UUID, list[str]]
) -> tuple[list[tuple[uuid.UUID, queries.WorkingEntriesRow]], list[tuple[uuid.UUID, PublishedCodes]]]:
    """Working-copy and latest published entries of the items, per tenant and township."""
    working: list[tuple[uuid.UUID, queries.WorkingEntriesRow]] = []
    published: list[tuple[uuid.UUID, PublishedCodes]] = []
    if codes:
        await conn.execute(queries.CUSTOM_PLANS)
    for tenant_id, tenant_codes in codes.items():  # one plan per tenant: its arrays, its rows
        working += [(tenant_id, r) for r in await queries.working_entries(conn, tenant_id, tenant_codes)]
        published += [(tenant_id, p) for p in await latest_published(conn, tenant_id, tenant_codes)]
    return working, published


_CITED_DECODER = msgspec.json.Decoder(list[CitedProvision])


class _Codes:
    """Joined item codes as sorted lists, each distinct string split and sorted once: the
    townships of a county mostly hold the same affected items (the catalog's defaults), read
    in the same order, so 40 townships' 80,000 codes are often one sort of 2,000."""

    def __init__(self) -> None:
        self._seen: dict[str, list[str]] = {}

    def __call__(self, joined: str) -> list[str]:
        codes = self._seen.get(joined)
        if codes is None:
            codes = self._seen[joined] = queries.codes_of(joined)
        return list(codes)  # a list of its own per township


async def _assemble(
    conn: asyncpg.Connection,
    change: queries.ChangeRow,
    provisions: list[ProvisionChange],
    items: list[tuple[uuid.UUID, str, str, AffectedItem]],
) -> ImpactReport:
    tenants: dict[uuid.UUID, TenantImpact] = {}
    codes: dict[uuid.UUID, list[str]] = {}
    for tenant_id, slug, name, item in items:
        if tenant_id not in tenants:
            tenants[tenant_id] = TenantImpact(slug, name, [], [])
        tenants[tenant_id].items.append(item)
        codes.setdefault(tenant_id, []).append(item.code)
    working, published = await _townships(conn, codes)
    split = _Codes()
    townships: dict[tuple[uuid.UUID, str], TownshipImpact] = {}
    for tenant_id, w in working:
        townships[(tenant_id, w.township_code)] = TownshipImpact(
            w.township_code, w.name, split(w.codes), split(w.waiting), None, []
        )
    for tenant_id, p in published:
        key = (tenant_id, p.township_code)
        if key not in townships:
            townships[key] = TownshipImpact(p.township_code, p.name, [], [], None, [])
        townships[key].published_version = p.number
        townships[key].published_item_codes = p.codes
    for (tenant_id, _), township in sorted(townships.items(), key=lambda kv: kv[0][1]):
        if tenant_id in tenants:
            tenants[tenant_id].townships.append(township)
    return ImpactReport(
        change=_change_view(change),
        provisions=provisions,
        item_count=len(items),
        township_count=len(townships),
        township_entry_count=sum(len(t.working_copy_item_codes) for t in townships.values()),
        tenants=sorted(tenants.values(), key=lambda t: t.tenant),
    )
