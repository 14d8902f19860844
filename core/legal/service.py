"""The legal-basis library (依据库) as a service: documents and their versions, provisions,
keyword search, the citation index, recorded changes of the law with their impact, and bulk
citation import for the catalog.

National laws and regulations live under the all-zero tenant (:data:`SHARED_TENANT`): every
tenant reads them, only the platform operator records their changes, and such a change's
impact spans every tenant. A tenant's own documents (local regulations, rules, normative
documents) are its own: its admin adds them and records their changes.

Statuses are computed as of today from the dates, never stored stale: a version is
``not_yet_effective`` before its effective date (its version date when none is recorded),
``amended`` once a later version is in force, ``repealed`` once a recorded repeal has taken
effect, else ``in_force``; a document has the status of its latest version in force.

Recording a change (an amendment from one stored version to another, or a repeal) opens one
``law_changed`` adjustment per affected catalog item, in the draft of the item's tenant, linked
to the change (``catalog_adjustments.law_change_id``) and left ``open`` for the county.
Recording the same change again runs the analysis again and opens only what is missing (so
nothing, if nothing changed meanwhile).

This module gathers the operations for the API; the code lives in :mod:`.model`, :mod:`.documents`,
:mod:`.citation_index`, :mod:`.changes`, :mod:`.recording` and :mod:`.citation_import`.
"""

from core.legal.bases import resolve
from core.legal.changes import get_change, impact_report, list_changes
from core.legal.citation_import import MAX_IMPORT_ROWS, import_citations
from core.legal.citation_index import citations
from core.legal.documents import (
    create_document,
    get_document,
    get_provision,
    list_documents,
    list_provisions,
    list_versions,
    parse_ref,
    search_provisions,
)
from core.legal.model import (
    CHANGE_KINDS,
    LEVEL_CODES,
    LEVELS,
    PROVISION_CHANGES,
    STATUSES,
    TENANT_LEVELS,
    WHOLE_DOCUMENT,
    AffectedItem,
    AmendmentCreate,
    ArticleData,
    ArticleView,
    CatalogVersionCitations,
    ChangeView,
    CitationImport,
    CitationImportReport,
    CitationIndex,
    CitationResolution,
    CitationResolve,
    CitedAs,
    CitedProvision,
    CitingItem,
    DocumentCreate,
    DocumentCreated,
    DocumentTitle,
    DocumentView,
    HistoryLine,
    ImpactReport,
    ImportProblem,
    ItemCitationChange,
    Level,
    LongText,
    ParagraphData,
    ParagraphView,
    ProvisionChange,
    ProvisionHit,
    ProvisionItem,
    ProvisionText,
    ProvisionView,
    PublishedEntries,
    RecordedChange,
    RepealCreate,
    RepealInfo,
    TenantImpact,
    TownshipCitations,
    TownshipImpact,
    VersionRef,
    VersionSelector,
    VersionSummary,
    VersionView,
)
from core.legal.recording import record_amendment, record_repeal

__all__ = [
    "CHANGE_KINDS",
    "LEVELS",
    "LEVEL_CODES",
    "MAX_IMPORT_ROWS",
    "PROVISION_CHANGES",
    "STATUSES",
    "TENANT_LEVELS",
    "WHOLE_DOCUMENT",
    "AffectedItem",
    "AmendmentCreate",
    "ArticleData",
    "ArticleView",
    "CatalogVersionCitations",
    "ChangeView",
    "CitationImport",
    "CitationImportReport",
    "CitationIndex",
    "CitationResolution",
    "CitationResolve",
    "CitedAs",
    "CitedProvision",
    "CitingItem",
    "DocumentCreate",
    "DocumentCreated",
    "DocumentTitle",
    "DocumentView",
    "HistoryLine",
    "ImpactReport",
    "ImportProblem",
    "ItemCitationChange",
    "Level",
    "LongText",
    "ParagraphData",
    "ParagraphView",
    "ProvisionChange",
    "ProvisionHit",
    "ProvisionItem",
    "ProvisionText",
    "ProvisionView",
    "PublishedEntries",
    "RecordedChange",
    "RepealCreate",
    "RepealInfo",
    "TenantImpact",
    "TownshipCitations",
    "TownshipImpact",
    "VersionRef",
    "VersionSelector",
    "VersionSummary",
    "VersionView",
    "citations",
    "create_document",
    "get_change",
    "get_document",
    "get_provision",
    "impact_report",
    "import_citations",
    "list_changes",
    "list_documents",
    "list_provisions",
    "list_versions",
    "parse_ref",
    "record_amendment",
    "record_repeal",
    "resolve",
    "search_provisions",
]
