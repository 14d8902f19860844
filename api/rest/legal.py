"""``/api/v1/tenants/{tenant}/legal`` — the legal-basis library (依据库): documents, versions,
provisions, search, the citation index, changes of the law and their impact; and
``/catalog/citations/import``, bulk citations for catalog items from CSV."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, Limit
from core.legal import service
from core.legal.service import (
    AmendmentCreate,
    ArticleView,
    ChangeView,
    CitationImport,
    CitationImportReport,
    CitationIndex,
    CitationResolution,
    CitationResolve,
    DocumentCreate,
    DocumentCreated,
    DocumentView,
    ImpactReport,
    ProvisionHit,
    ProvisionView,
    RecordedChange,
    RepealCreate,
    VersionView,
)
from core.platform.pagination import Page
from core.security.access import Access

DOCUMENT = "/legal/documents/{document_id:uuid}"
Level = Annotated[
    str | None,
    Parameter(
        description="law, administrative_regulation, local_regulation, departmental_rule,"
        " local_government_rule, normative_document, other (or the Chinese label, e.g. 法律)"
    ),
]
Query = Annotated[
    str | None,
    Parameter(description="words to find (each must match; traditional characters match too), e.g. 安全生产 检查"),
]
VersionQuery = Annotated[
    str | None,
    Parameter(description="a version id or version date (YYYY-MM-DD); default: the current one"),
]
Provision = Annotated[
    str,
    Parameter(description="77, 62.1.3 (article.paragraph.item) or 第六十二条第一款第（三）项"),
]
NATIONAL_NOTE = (
    " For a national document (shared by every tenant) only a platform key may record it, with any"
    " tenant's slug in the path: the change is stored once, nationally, and its impact spans every"
    " tenant. A tenant's own document: its admin (or a platform key on its slug), its tenant only."
    " Answers 201 when recorded, 200 when the same change was already recorded (only adjustments"
    " still missing are opened). dry_run: true runs the same checks and analysis and answers"
    " 200 with the report, writing nothing."
)


def _recorded(result: RecordedChange) -> Response[RecordedChange]:
    return Response(result, status_code=201 if result.created else 200)


class LegalController(Controller):
    path = TENANT_PATH
    tags = ("legal library",)

    @get(
        "/legal/documents",
        operation_id="listLegalDocuments",
        summary="National and own legal documents: filter by level, status, words",
    )
    async def documents(
        self,
        access: NamedDependency[Access],
        level: Level = None,
        status: Annotated[
            str | None,
            Parameter(
                description="in_force, amended (has a superseded version), repealed, not_yet_effective — as of today"
            ),
        ] = None,
        q: Query = None,
        shared: Annotated[
            bool | None,
            Parameter(description="true: national documents only; false: the tenant's own only"),
        ] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[DocumentView]:
        return await service.list_documents(
            access, level=level, status=status, q=q, shared=shared, limit=limit, cursor=cursor
        )

    @post(
        "/legal/documents",
        operation_id="createLegalDocument",
        summary="Add the tenant's own document (text as published, or metadata and articles)",
    )
    async def create(
        self,
        access: NamedDependency[Access],
        data: JSONBody[DocumentCreate],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[DocumentCreated]:
        work = partial(service.create_document, access, data)
        view, replayed = await create_once(access, idempotency_key, "createLegalDocument", work, DocumentCreated, data)
        return created(view, replayed)

    @get(DOCUMENT, operation_id="getLegalDocument", summary="One document, with its status")
    async def document(self, access: NamedDependency[Access], document_id: FromPath[uuid.UUID]) -> DocumentView:
        return await service.get_document(access, document_id)

    @get(
        f"{DOCUMENT}/versions",
        operation_id="listLegalVersions",
        summary="A document's versions, oldest first (each amendment is a version)",
    )
    async def versions(self, access: NamedDependency[Access], document_id: FromPath[uuid.UUID]) -> list[VersionView]:
        return await service.list_versions(access, document_id)

    @get(
        f"{DOCUMENT}/versions/{{version:str}}/provisions",
        operation_id="listLegalProvisions",
        summary="A version's articles with paragraphs and items (version: id, date or current)",
    )
    async def provisions(
        self,
        access: NamedDependency[Access],
        document_id: FromPath[uuid.UUID],
        version: FromPath[str],
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[ArticleView]:
        return await service.list_provisions(access, document_id, version, limit=limit, cursor=cursor)

    @get(
        f"{DOCUMENT}/provisions/{{provision:str}}",
        operation_id="getLegalProvision",
        summary="One article, paragraph or item by number or label",
    )
    async def provision(
        self,
        access: NamedDependency[Access],
        document_id: FromPath[uuid.UUID],
        provision: Provision,
        version: VersionQuery = None,
    ) -> ProvisionView:
        return await service.get_provision(access, document_id, provision, version)

    @get(
        f"{DOCUMENT}/citations",
        operation_id="listLegalDocumentCitations",
        summary="Catalog items (by version) and township-list entries resting on the document",
        description="Drafts and working copies are shown to admins only.",
    )
    async def document_citations(
        self, access: NamedDependency[Access], document_id: FromPath[uuid.UUID]
    ) -> CitationIndex:
        return await service.citations(access, document_id)

    @get(
        f"{DOCUMENT}/provisions/{{provision:str}}/citations",
        operation_id="listLegalProvisionCitations",
        summary="Catalog items and township-list entries resting on one provision",
        description="A citation rests on a provision when they overlap: it cites the whole"
        " document, the article, or that paragraph / item. Drafts and working copies are shown"
        " to admins only.",
    )
    async def provision_citations(
        self,
        access: NamedDependency[Access],
        document_id: FromPath[uuid.UUID],
        provision: Provision,
    ) -> CitationIndex:
        return await service.citations(access, document_id, provision)

    @post(
        f"{DOCUMENT}/amendments",
        operation_id="recordLegalAmendment",
        summary="Record an amendment (stored or uploaded version) and open its adjustments",
        description="Affected: active items of each tenant's latest catalog citing provisions"
        " whose text changed or disappeared between the two versions; each gets one open"
        " law_changed adjustment in the draft." + NATIONAL_NOTE,
    )
    async def amend(
        self,
        access: NamedDependency[Access],
        document_id: FromPath[uuid.UUID],
        data: JSONBody[AmendmentCreate],
    ) -> Response[RecordedChange]:
        return _recorded(await service.record_amendment(access, document_id, data))

    @post(
        f"{DOCUMENT}/repeal",
        operation_id="recordLegalRepeal",
        summary="Record a repeal (effective date, optional successor) and open its adjustments",
        description="Affected: active items of each tenant's latest catalog citing the document;"
        " each gets one open law_changed adjustment in the draft." + NATIONAL_NOTE,
    )
    async def repeal(
        self,
        access: NamedDependency[Access],
        document_id: FromPath[uuid.UUID],
        data: JSONBody[RepealCreate],
    ) -> Response[RecordedChange]:
        return _recorded(await service.record_repeal(access, document_id, data))

    @get(
        "/legal/provisions",
        operation_id="searchLegalProvisions",
        summary="Articles of current versions containing the words (simplified or traditional)",
    )
    async def search(
        self,
        access: NamedDependency[Access],
        q: Query = None,
        level: Level = None,
        document: Annotated[uuid.UUID | None, Parameter(description="one document's id")] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[ProvisionHit]:
        return await service.search_provisions(
            access, q=q, level=level, document_id=document, limit=limit, cursor=cursor
        )

    @get(
        "/legal/changes",
        operation_id="listLegalChanges",
        summary="Recorded amendments and repeals (national and own), newest first",
    )
    async def changes(
        self,
        access: NamedDependency[Access],
        document: Annotated[uuid.UUID | None, Parameter(description="one document's id")] = None,
        kind: Annotated[str | None, Parameter(description="amend or repeal")] = None,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[ChangeView]:
        return await service.list_changes(access, document_id=document, kind=kind, limit=limit, cursor=cursor)

    @get(
        "/legal/changes/{change_id:uuid}",
        operation_id="getLegalChange",
        summary="One recorded change",
    )
    async def change(self, access: NamedDependency[Access], change_id: FromPath[uuid.UUID]) -> ChangeView:
        return await service.get_change(access, change_id)

    @get(
        "/legal/changes/{change_id:uuid}/impact",
        operation_id="getLegalChangeImpact",
        summary="Impact report: affected items and township entries by tenant and township",
        description="Admins see their tenant; a platform key sees a national change across every tenant.",
    )
    async def impact(self, access: NamedDependency[Access], change_id: FromPath[uuid.UUID]) -> ImpactReport:
        return await service.impact_report(access, change_id)

    @post(
        "/legal/citations/resolve",
        operation_id="resolveLegalCitations",
        status_code=200,
        summary="Resolve citations as the tenant's items would: document, level, status, region, or why not",
        description="Against the national library (laws, regulations, rules), the local documents of"
        " the tenant's region (GB/T 2260 prefix of its division code) and its own documents."
        " Abbreviations (《民法典》, 《食安法》, a local regulation without its region) resolve; between"
        " several candidates the tenant's own wins, then the most local, then the higher level."
        " Nothing is written.",
    )
    async def resolve(self, access: NamedDependency[Access], data: JSONBody[CitationResolve]) -> CitationResolution:
        return await service.resolve(access, data)

    @post(
        "/catalog/citations/import",
        operation_id="importCatalogCitations",
        status_code=200,
        summary="Bulk citations for draft items from CSV (reference code, citation text)",
        description="All or nothing. dry_run (the default) reports each problem with its row"
        " and column and writes nothing; send dry_run false to write. mode replace (default)"
        " makes the file's citations the item's; append adds them after the item's own.",
    )
    async def import_citations(
        self, access: NamedDependency[Access], data: JSONBody[CitationImport]
    ) -> CitationImportReport:
        return await service.import_citations(access, data)
