"""The citation index: which catalog items and township lists cite which provisions."""

from __future__ import annotations

import uuid

from core.legal import queries
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


async def citations(access: Access, document_id: uuid.UUID, ref: str | None = None) -> CitationIndex:
    """Every catalog item (any version) and township-list entry (working copies and published
    versions) resting on a document or one of its provisions. The draft catalog and working
    copies are for admins; other roles see published versions only."""
    article = paragraph = item = None
    if ref is not None:
        article, paragraph, item = parse_ref(ref)
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await document_row(conn, access.tenant.id, document_id)
        label = None
        if article is not None:
            label = await queries.provision_label(conn, doc.tenant_id, document_id, article, paragraph, item)
            if label is None:
                current = await find_version(conn, doc, None)
                raise await missing_document(conn, doc, current, ref_label(article, paragraph, item))
        cited = await queries.citing_items(conn, access.tenant.id, doc, article, paragraph, item, access.is_admin)
        by_version: dict[int, list[str]] = {}
        for r in cited:
            by_version.setdefault(r.version, []).append(r.item_code)
        working: list[queries.WorkingEntriesRow] = []
        published: list[queries.PublishedEntriesRow] = []
        for version, codes in by_version.items():
            distinct = list(dict.fromkeys(codes))
            if access.is_admin:
                working += await queries.working_entries_of_version(conn, access.tenant.id, distinct, version)
            published += await queries.published_entries(conn, access.tenant.id, distinct, version)
    return CitationIndex(
        document_id=str(document_id),
        document_title=doc.title,
        provision=label,
        catalog=_by_catalog_version(cited),
        townships=_by_township(working, published),
    )


def _by_catalog_version(records: list[queries.CitingRow]) -> list[CatalogVersionCitations]:
    versions: dict[int, CatalogVersionCitations] = {}
    for r in records:
        group = versions.get(r.version)
        if group is None:
            group = versions[r.version] = CatalogVersionCitations(r.version, r.version_status, [])
        if not group.items or group.items[-1].code != r.item_code:
            group.items.append(CitingItem(r.item_code, r.title, r.status, []))
        group.items[-1].citations.append(
            CitedAs(
                raw=r.raw,
                label=ref_label(r.article, r.paragraph, r.item),
                article=r.article,
                paragraph=r.paragraph,
                item=r.item,
            )
        )
    return list(versions.values())


def _by_township(
    working: list[queries.WorkingEntriesRow], published: list[queries.PublishedEntriesRow]
) -> list[TownshipCitations]:
    townships: dict[str, TownshipCitations] = {}

    def township(code: str, name: str) -> TownshipCitations:
        if code not in townships:
            townships[code] = TownshipCitations(code, name, None, [], [], [])
        return townships[code]

    for w in working:
        t = township(w.township_code, w.name)
        t.working_copy_catalog_version = w.catalog_version
        t.working_copy_item_codes = queries.codes_of(w.codes)
        t.awaiting_confirmation = queries.codes_of(w.waiting)
    for p in sorted(published, key=lambda p: p.number):
        township(p.township_code, p.name).published.append(
            PublishedEntries(p.number, p.effective_date, p.catalog_version, sorted(p.codes))
        )
    return [townships[k] for k in sorted(townships)]
