"""Recorded changes of the law, read back with their impact on catalogs and township lists."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import msgspec

from core.legal.citation_index import working_sql
from core.legal.documents import is_shared
from core.legal.model import (
    CHANGE_KINDS,
    PROVISION_CHANGES,
    AffectedItem,
    ChangeView,
    CitedProvision,
    ImpactReport,
    ProvisionChange,
    TenantImpact,
    TownshipImpact,
    VersionRef,
)
from core.platform.db import platform_transaction, tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of
from core.security.access import Access, Role
from core.security.permissions import require_admin

if TYPE_CHECKING:
    from core.legal.recording import Affected

_CHANGES = """
SELECT c.tenant_id, c.id, c.document_id, d.title AS document_title, c.kind, c.effective_date,
       c.from_version_id, fv.version_date AS from_date, fv.effective_date AS from_effective,
       c.to_version_id, tv.version_date AS to_date, tv.effective_date AS to_effective,
       c.successor_id,
       (SELECT sd.title FROM legal_documents sd WHERE sd.id = c.successor_id LIMIT 1)
         AS successor_title,
       c.recorded_by, c.created_at
  FROM legal_changes c
  JOIN legal_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
  LEFT JOIN legal_versions fv ON fv.tenant_id = c.tenant_id AND fv.id = c.from_version_id
  LEFT JOIN legal_versions tv ON tv.tenant_id = c.tenant_id AND tv.id = c.to_version_id
"""


def _change_view(row: Any) -> ChangeView:
    def ref(prefix: str) -> VersionRef | None:
        vid = row[f"{prefix}_version_id"]
        if vid is None:
            return None
        return VersionRef(str(vid), row[f"{prefix}_date"], row[f"{prefix}_effective"])

    return ChangeView(
        id=str(row["id"]),
        shared=is_shared(row),
        document_id=str(row["document_id"]),
        document_title=row["document_title"],
        kind=row["kind"],
        kind_label=CHANGE_KINDS[row["kind"]],
        effective_date=row["effective_date"],
        from_version=ref("from"),
        to_version=ref("to"),
        successor_id=str(row["successor_id"]) if row["successor_id"] else None,
        successor_title=row["successor_title"],
        recorded_by=msgspec.json.decode(row["recorded_by"]),
        created_at=row["created_at"],
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
        raise ValidationFailed.on("kind", "amend or repeal")
    async with tenant_transaction(access.tenant.id) as conn:
        records = await conn.fetch(
            _CHANGES + " WHERE ($1::uuid IS NULL OR c.document_id = $1)"
            " AND ($2::text IS NULL OR c.kind = $2)"
            " AND ($3::timestamptz IS NULL OR (c.created_at, c.id) < ($3, $4::uuid))"
            " ORDER BY c.created_at DESC, c.id DESC LIMIT $5",
            document_id,
            kind,
            after[0] if after else None,
            after[1] if after else None,
            limit + 1,
        )
    views = [_change_view(r) for r in records]
    return page_of(views, limit, key=lambda c: [c.created_at.isoformat(), c.id])


async def change_row(conn: Any, change_id: uuid.UUID) -> Any:
    row = await conn.fetchrow(_CHANGES + " WHERE c.id = $1", change_id)
    if row is None:
        raise NotFound(f"no recorded change {change_id}")
    return row


async def get_change(access: Access, change_id: uuid.UUID) -> ChangeView:
    async with tenant_transaction(access.tenant.id) as conn:
        return _change_view(await change_row(conn, change_id))


async def impact_report(access: Access, change_id: uuid.UUID) -> ImpactReport:
    """The items and township entries a change affects, by tenant and township. A platform
    key sees a national change across every tenant; everyone else sees their own tenant."""
    require_admin(access, "read impact reports")
    async with tenant_transaction(access.tenant.id) as conn:
        change = await change_row(conn, change_id)
        if not (is_shared(change) and access.role is Role.PLATFORM):
            return await impact_of(conn, change)
    async with platform_transaction() as conn:
        return await impact_of(conn, change)


def diff_sql(tenant: str, old: str, new: str) -> str:
    """Provisions whose text differs between two versions (whitespace ignored), or that
    exist in one only."""
    return (
        "SELECT coalesce(a.article, b.article) AS article, coalesce(a.paragraph, b.paragraph)"
        " AS paragraph, coalesce(a.item, b.item) AS item, coalesce(b.label, a.label) AS label,"
        " CASE WHEN b.article IS NULL THEN 'removed' WHEN a.article IS NULL THEN 'added'"
        " ELSE 'changed' END AS change"
        f" FROM (SELECT * FROM provisions WHERE tenant_id = {tenant} AND version_id = {old}) a"
        f" FULL JOIN (SELECT * FROM provisions WHERE tenant_id = {tenant} AND version_id = {new}) b"
        " ON a.article = b.article AND a.paragraph = b.paragraph AND a.item = b.item"
        " WHERE (a.article IS NULL OR b.article IS NULL"
        r" OR regexp_replace(a.text, '\s', '', 'g') <> regexp_replace(b.text, '\s', '', 'g'))"
    )


async def impact_of(conn: Any, change: Any) -> ImpactReport:
    """The report of a recorded change: the adjustments it opened, their townships' entries."""
    provisions = await _provision_changes(conn, change)
    records = await conn.fetch(
        "SELECT a.tenant_id, t.slug, t.name AS tenant_name, a.id, a.item_code, a.version, a.state,"
        " a.changes->'provisions' AS provisions, i.title FROM catalog_adjustments a"
        " JOIN tenants t ON t.id = a.tenant_id"
        " LEFT JOIN catalog_items i ON i.tenant_id = a.tenant_id AND i.version = a.version"
        "  AND i.code = a.item_code"
        " WHERE a.law_change_id = $1 ORDER BY t.slug, a.item_code",
        change["id"],
    )
    items = [
        (
            r["tenant_id"],
            r["slug"],
            r["tenant_name"],
            AffectedItem(
                code=r["item_code"],
                title=r["title"],
                catalog_version=r["version"],
                provisions=_CITED_DECODER.decode(r["provisions"]) if r["provisions"] else [],
                adjustment_id=str(r["id"]),
                adjustment_state=r["state"],
            ),
        )
        for r in records
    ]
    return await _assemble(conn, change, provisions, items)


async def _provision_changes(conn: Any, change: Any) -> list[ProvisionChange]:
    """An amendment's changed, removed and added articles."""
    if change["kind"] != "amend":
        return []
    rows = await conn.fetch(
        diff_sql("$1", "$2", "$3") + " AND coalesce(a.paragraph, b.paragraph) = 0"
        " AND coalesce(a.item, b.item) = 0 ORDER BY 1",
        change["tenant_id"],
        change["from_version_id"],
        change["to_version_id"],
    )
    return [ProvisionChange(r["article"], r["label"], r["change"], PROVISION_CHANGES[r["change"]]) for r in rows]


async def impact_preview(conn: Any, change: Any, affected: Affected) -> ImpactReport:
    """The report of a change not recorded: items as found, adjustments as they would open."""
    tenants = {
        r["id"]: r for r in await conn.fetch("SELECT id, slug, name FROM tenants WHERE id = ANY($1)", list(affected))
    }
    existing = {
        (r["tenant_id"], r["item_code"]): r
        for r in await conn.fetch(
            "SELECT tenant_id, item_code, id, version, state FROM catalog_adjustments WHERE law_change_id = $1",
            change["id"],
        )
    }
    items = []
    for tenant_id, hits in sorted(affected.items(), key=lambda kv: tenants[kv[0]]["slug"]):
        t = tenants[tenant_id]
        for code, hit in sorted(hits.items()):
            done = existing.get((tenant_id, code))
            item = AffectedItem(
                code=code,
                title=hit.title,
                catalog_version=done["version"] if done else hit.draft_version,
                provisions=hit.provisions,
                adjustment_id=str(done["id"]) if done else None,
                adjustment_state=done["state"] if done else "would_open",
            )
            items.append((tenant_id, t["slug"], t["name"], item))
    return await _assemble(conn, change, await _provision_changes(conn, change), items)


async def _townships(conn: Any, codes: dict[uuid.UUID, list[str]]) -> tuple[list[Any], list[Any]]:
    """Working-copy and latest published entries of the items, per tenant and township."""
    working: list[Any] = []
    published: list[Any] = []
    for tenant_id, tenant_codes in codes.items():  # one plan per tenant: its arrays, its rows
        working += [(tenant_id, r) for r in await conn.fetch(working_sql(), tenant_id, tenant_codes)]
        published += [
            (tenant_id, r)
            for r in await conn.fetch(
                "WITH latest AS (SELECT township_code, max(number) AS number"
                "  FROM township_list_versions WHERE tenant_id = $1 GROUP BY township_code),"
                " v AS (SELECT ve.township_code, ve.number, array_agg(ve.item_code) AS codes"
                "  FROM latest l JOIN township_version_entries ve ON ve.tenant_id = $1"
                "  AND ve.township_code = l.township_code AND ve.number = l.number"
                "  WHERE ve.item_code = ANY($2::text[]) GROUP BY ve.township_code, ve.number)"
                " SELECT v.township_code, v.number, v.codes, j.name FROM v"
                " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = v.township_code",
                tenant_id,
                tenant_codes,
            )
        ]
    return working, published


_CITED_DECODER = msgspec.json.Decoder(list[CitedProvision])


async def _assemble(
    conn: Any,
    change: Any,
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
    townships: dict[tuple[uuid.UUID, str], TownshipImpact] = {}
    for tenant_id, r in working:
        townships[(tenant_id, r["township_code"])] = TownshipImpact(
            r["township_code"], r["name"], sorted(r["codes"]), sorted(r["waiting"]), None, []
        )
    for tenant_id, r in published:
        key = (tenant_id, r["township_code"])
        if key not in townships:
            townships[key] = TownshipImpact(r["township_code"], r["name"], [], [], None, [])
        townships[key].published_version = r["number"]
        townships[key].published_item_codes = sorted(r["codes"])
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
