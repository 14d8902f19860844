"""GraphQL face of the legal-basis library: documents, provisions, and the index from a
document or provision to every catalog item and township-list entry resting on it."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry

from api.graphql.inputs import convert
from core.legal import service
from core.legal.service import CitationIndex as CitationIndexView
from core.legal.service import CitationResolve, DocumentView, ProvisionHit
from core.platform.errors import NotFound
from core.security.access import Access


@strawberry.type
class CitedAs:
    raw: str
    label: str
    article: int | None
    paragraph: int | None
    item: int | None


@strawberry.type
class CitingItem:
    code: str
    title: str
    status: str
    citations: list[CitedAs]


@strawberry.type
class CatalogVersionCitations:
    version: int
    status: str
    items: list[CitingItem]


@strawberry.type
class PublishedEntries:
    number: int
    effective_date: datetime.date
    catalog_version: int
    item_codes: list[str]


@strawberry.type
class TownshipCitations:
    township_code: str
    township_name: str
    working_copy_catalog_version: int | None
    working_copy_item_codes: list[str]
    awaiting_confirmation: list[str]
    published: list[PublishedEntries]


@strawberry.type(description="Everything resting on a document or one of its provisions.")
class CitationIndex:
    document_id: str
    document_title: str
    provision: str | None
    catalog: list[CatalogVersionCitations]
    townships: list[TownshipCitations]

    @classmethod
    def of(cls, view: CitationIndexView) -> CitationIndex:
        return cls(
            document_id=view.document_id,
            document_title=view.document_title,
            provision=view.provision,
            catalog=[
                CatalogVersionCitations(
                    version=c.version,
                    status=c.status,
                    items=[
                        CitingItem(
                            code=i.code,
                            title=i.title,
                            status=i.status,
                            citations=[CitedAs(**vars_of(x)) for x in i.citations],
                        )
                        for i in c.items
                    ],
                )
                for c in view.catalog
            ],
            townships=[
                TownshipCitations(
                    **{k: v for k, v in vars_of(t).items() if k != "published"},
                    published=[PublishedEntries(**vars_of(p)) for p in t.published],
                )
                for t in view.townships
            ],
        )


def vars_of(struct: object) -> dict[str, Any]:
    return {f: getattr(struct, f) for f in struct.__struct_fields__}  # type: ignore[attr-defined]


@strawberry.type(description="A version of a legal document (the date it was promulgated or amended).")
class LegalVersionSummary:
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None
    status: str


@strawberry.type(description="How a document was repealed, and what replaced it, if anything.")
class LegalRepeal:
    change_id: str
    effective_date: datetime.date
    successor_id: str | None
    successor_title: str | None


@strawberry.type(description="A law, regulation, rule or normative document (national or the tenant's own).")
class LegalDocument:
    id: str
    shared: bool
    title: str
    short_title: str
    level: str
    level_label: str
    issuer: str
    doc_number: str
    status: str
    status_label: str
    promulgation_date: datetime.date | None
    effective_date: datetime.date | None
    first_promulgated: datetime.date | None
    version_count: int
    current_version_date: datetime.date | None = strawberry.field(
        description="currentVersion.versionDate (kept for clients that read it here)"
    )
    current_version: LegalVersionSummary | None
    repeal: LegalRepeal | None
    created_at: datetime.datetime
    region_code: str | None = strawberry.field(description="GB/T 2260 prefix of a local document's region")
    abbreviations: list[str] = strawberry.field(description="names it is cited by besides its titles")
    amends_id: str | None = strawberry.field(description="an amending document: the document it amends")
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: DocumentView, access: Access) -> LegalDocument:
        derived = ("current_version_date", "current_version", "repeal", "access")
        fields = {f: getattr(view, f) for f in cls.__annotations__ if f not in derived}
        current, repeal = view.current_version, view.repeal
        return cls(
            **fields,
            current_version_date=current.version_date if current else None,
            current_version=LegalVersionSummary(**vars_of(current)) if current else None,
            repeal=LegalRepeal(**vars_of(repeal)) if repeal else None,
            access=access,
        )

    @strawberry.field(description="Items and township entries resting on it; provision: e.g. `77` or `62.1.3`.")
    async def citations(self, provision: str | None = None) -> CitationIndex:
        return CitationIndex.of(await service.citations(self.access, uuid.UUID(self.id), provision))


@strawberry.type
class LegalDocumentPage:
    items: list[LegalDocument]
    next_cursor: str | None


@strawberry.type(description="An article of a document's current version that matched a search.")
class Provision:
    document_id: str
    document_title: str
    level: str
    level_label: str
    version_id: str
    version_date: datetime.date
    article: int
    label: str
    chapter: str | None
    text: str


@strawberry.type
class ProvisionPage:
    items: list[Provision]
    next_cursor: str | None


def _provision(hit: ProvisionHit) -> Provision:
    return Provision(**vars_of(hit))


@strawberry.type(description="One cited provision as resolved against the tenant's library, or why not.")
class LegalBasis:
    raw: str
    resolved: bool
    document_id: str | None
    document_title: str | None
    shared: bool | None
    level: str | None
    level_label: str | None
    status: str | None
    status_label: str | None
    region_code: str | None
    article: int | None
    paragraph: int | None
    item: int | None
    label: str
    problem: str | None


@strawberry.type
class LegalQueries:
    """Root fields of the legal library (TenantNode inherits them)."""

    access: strawberry.Private[Access]

    @strawberry.field(description="National and own documents; q matches titles and article texts.")
    async def legal_documents(
        self,
        level: str | None = None,
        status: str | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> LegalDocumentPage:
        page = await service.list_documents(self.access, level=level, status=status, q=q, limit=first, cursor=after)
        return LegalDocumentPage(
            items=[LegalDocument.of(d, self.access) for d in page.items], next_cursor=page.next_cursor
        )

    @strawberry.field(description="One document by id; null when it does not exist or is not visible.")
    async def legal_document(self, id: strawberry.ID) -> LegalDocument | None:
        try:
            return LegalDocument.of(await service.get_document(self.access, uuid.UUID(str(id))), self.access)
        except (NotFound, ValueError):
            return None

    @strawberry.field(
        description="Citation strings resolved as the tenant's items would resolve them (REST:"
        " resolveLegalCitations); one entry per cited provision."
    )
    async def resolve_citations(self, citations: list[str]) -> list[LegalBasis]:
        found = await service.resolve(self.access, convert({"citations": citations}, CitationResolve))
        return [LegalBasis(**vars_of(b)) for b in found.bases]

    @strawberry.field(description="Articles containing every word of q (simplified or traditional).")
    async def legal_provisions(self, q: str, first: int = 50, after: str | None = None) -> ProvisionPage:
        page = await service.search_provisions(self.access, q=q, limit=first, cursor=after)
        return ProvisionPage(items=[_provision(h) for h in page.items], next_cursor=page.next_cursor)
