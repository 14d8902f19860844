"""The citation index: which catalog items and township lists cite which provisions."""

from __future__ import annotations

import uuid
from typing import Any

from core.legal.documents import document_row, find_version, missing_document, parse_ref, ref_label
from core.legal.model import (
    CatalogVersionCitations,
    CitationIndex,
    CitedAs,
    CitingItem,
    PublishedEntries,
    TownshipCitations,
)
from core.platform.db import tenant_transaction
from core.security.access import Access

# $2 document tenant, $3 document, $4..$6 article / paragraph / item (NULL: any). A citation
# rests on a provision when they overlap: the whole document, the article, or the same part.
_MATCH = (
    "c.document_tenant = $2 AND c.document_id = $3 AND ($4::int IS NULL OR c.article IS NULL"
    " OR (c.article = $4 AND ($5::int IS NULL OR c.paragraph IS NULL OR c.paragraph = $5)"
    " AND ($6::int IS NULL OR c.item IS NULL OR c.item = $6)))"
)


async def citations(access: Access, document_id: uuid.UUID, ref: str | None = None) -> CitationIndex:
    """Every catalog item (any version) and township-list entry (working copies and published
    versions) resting on a document or one of its provisions. The draft catalog and working
    copies are for admins; other roles see published versions only."""
    article = paragraph = item = None
    if ref is not None:
        article, paragraph, item = parse_ref(ref)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await document_row(conn, document_id)
        label = None
        if article is not None:
            label = await conn.fetchval(
                "SELECT p.label FROM legal_versions v"
                " JOIN provisions p ON p.tenant_id = v.tenant_id"
                " AND p.version_id = v.id WHERE v.tenant_id = $1 AND v.document_id = $2"
                " AND p.article = $3 AND ($4::int IS NULL OR p.paragraph = $4)"
                " AND p.item = coalesce($5, 0) ORDER BY v.version_date DESC, p.paragraph LIMIT 1",
                doc["tenant_id"],
                document_id,
                article,
                paragraph,
                item,
            )
            if label is None:
                current = await find_version(conn, doc, None)
                raise await missing_document(conn, doc, current, ref_label(article, paragraph, item))
        cited = await conn.fetch(
            "SELECT c.version, v.status AS version_status, c.item_code, i.title, i.status, c.raw,"
            " c.article, c.paragraph, c.item FROM item_citations c"
            " JOIN catalog_versions v ON v.tenant_id = c.tenant_id AND v.number = c.version"
            " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
            "  AND i.code = c.item_code"
            f" WHERE c.tenant_id = $1 AND {_MATCH} AND ($7 OR v.status = 'published')"
            " ORDER BY c.version, c.item_code, c.position",
            access.tenant.id,
            doc["tenant_id"],
            document_id,
            article,
            paragraph,
            item,
            access.is_admin,
        )
        by_version: dict[int, list[str]] = {}
        for r in cited:
            by_version.setdefault(r["version"], []).append(r["item_code"])
        working: list[Any] = []
        published: list[Any] = []
        for version, codes in by_version.items():
            if access.is_admin:
                working += await conn.fetch(
                    working_sql(by_version=True),
                    access.tenant.id,
                    list(dict.fromkeys(codes)),
                    version,
                )
            published += await conn.fetch(
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
                access.tenant.id,
                list(dict.fromkeys(codes)),
                version,
            )
    return CitationIndex(
        document_id=str(document_id),
        document_title=doc["title"],
        provision=label,
        catalog=_by_catalog_version(cited),
        townships=_by_township(working, published),
    )


def _by_catalog_version(records: list[Any]) -> list[CatalogVersionCitations]:
    versions: dict[int, CatalogVersionCitations] = {}
    for r in records:
        group = versions.get(r["version"])
        if group is None:
            group = versions[r["version"]] = CatalogVersionCitations(r["version"], r["version_status"], [])
        if not group.items or group.items[-1].code != r["item_code"]:
            group.items.append(CitingItem(r["item_code"], r["title"], r["status"], []))
        group.items[-1].citations.append(
            CitedAs(
                raw=r["raw"],
                label=ref_label(r["article"], r["paragraph"], r["item"]),
                article=r["article"],
                paragraph=r["paragraph"],
                item=r["item"],
            )
        )
    return list(versions.values())


def _by_township(working: list[Any], published: list[Any]) -> list[TownshipCitations]:
    townships: dict[str, TownshipCitations] = {}

    def township(code: str, name: str) -> TownshipCitations:
        if code not in townships:
            townships[code] = TownshipCitations(code, name, None, [], [], [])
        return townships[code]

    for r in working:
        t = township(r["township_code"], r["name"])
        t.working_copy_catalog_version = r["catalog_version"]
        t.working_copy_item_codes = sorted(r["codes"])
        t.awaiting_confirmation = sorted(r["waiting"])
    for r in sorted(published, key=lambda r: r["number"]):
        township(r["township_code"], r["name"]).published.append(
            PublishedEntries(r["number"], r["effective_date"], r["catalog_version"], sorted(r["codes"]))
        )
    return [townships[k] for k in sorted(townships)]


# Entries of a tenant's working copies ($1) for items ($2), by township; optionally only of
# lists following one catalog version ($3). Arrays unordered (sorted in Python: ordered
# aggregates sort every entry, several times slower at 80,000 entries).
def working_sql(by_version: bool = False) -> str:
    return (
        "WITH e AS (SELECT township_code, array_agg(item_code) AS codes,"
        " coalesce(array_agg(item_code) FILTER (WHERE state = 'needs_confirmation'), '{}')"
        " AS waiting FROM township_entries WHERE tenant_id = $1 AND item_code = ANY($2::text[])"
        " AND state <> 'removed'"
        + (
            " AND township_code IN (SELECT township_code FROM township_lists WHERE tenant_id = $1"
            " AND catalog_version = $3)"
            if by_version
            else ""
        )
        + " GROUP BY township_code)"
        " SELECT e.township_code, e.codes, e.waiting, j.name, l.catalog_version FROM e"
        " JOIN township_lists l ON l.tenant_id = $1 AND l.township_code = e.township_code"
        " JOIN jurisdictions j ON j.tenant_id = $1 AND j.code = e.township_code"
    )
