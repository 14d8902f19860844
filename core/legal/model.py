"""The legal library's shapes: what clients send and read back, and the codes of levels, statuses and changes."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

import msgspec

from core.catalog.reading import AdjustmentNote
from core.platform.inputs import NAME, Checked

LEVELS = {
    "constitution": "宪法",
    "law": "法律",
    "administrative_regulation": "行政法规",
    "local_regulation": "地方性法规",
    "departmental_rule": "部门规章",
    "local_government_rule": "地方政府规章",
    "normative_document": "规范性文件",
    "party_regulation": "党内法规",
    "other": "其他",
}

LEVEL_CODES = {label: code for code, label in LEVELS.items()}

#: The levels a tenant adds itself; laws and administrative regulations are national (shared).
TENANT_LEVELS = (
    "local_regulation",
    "departmental_rule",
    "local_government_rule",
    "normative_document",
    "party_regulation",
)

STATUSES = {
    "in_force": "现行有效",
    "amended": "已修改",
    "repealed": "已废止",
    "not_yet_effective": "尚未生效",
}

CHANGE_KINDS = {"amend": "修改", "repeal": "废止"}

PROVISION_CHANGES = {
    "changed": "内容修改",
    "moved": "条文移动（内容未变）",
    "split": "拆分",
    "merged": "合并",
    "removed": "已删除",
    "added": "新增",
    "repealed": "废止",
}

WHOLE_DOCUMENT = "全文"

Level = Literal[
    "law",
    "administrative_regulation",
    "local_regulation",
    "departmental_rule",
    "local_government_rule",
    "normative_document",
    "party_regulation",
]

LongText = Annotated[str, msgspec.Meta(min_length=1, max_length=2_000_000)]

ProvisionText = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]

DocumentTitle = Annotated[
    str, msgspec.Meta(min_length=2, max_length=200, examples=["成都市温江区农村村民建房管理办法"]), NAME
]

VersionSelector = Annotated[
    str, msgspec.Meta(max_length=40, examples=["2024-06-28"], description="a version id or date")
]


class ParagraphData(msgspec.Struct, forbid_unknown_fields=True):
    """A paragraph (款): its text and the items (项) listed under it."""

    text: ProvisionText
    items: list[ProvisionText] = []


class ArticleData(msgspec.Struct, forbid_unknown_fields=True):
    """An article (条) by number, with its paragraphs in order."""

    number: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
    paragraphs: Annotated[list[ParagraphData], msgspec.Meta(min_length=1)]
    chapter: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class DocumentCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """A tenant's own document: its text as published (``# 标题``, history lines,
    ``<!-- INFO END -->``, ``第一条 …``) or its metadata and articles."""

    text: LongText | None = None
    articles: Annotated[list[ArticleData], msgspec.Meta(min_length=1)] | None = None
    title: DocumentTitle | None = None
    level: Level | None = None
    issuer: Annotated[str, msgspec.Meta(max_length=200, examples=["成都市温江区人民政府"]), NAME] = ""
    doc_number: Annotated[str, msgspec.Meta(max_length=100, examples=["温府发〔2024〕3号"]), NAME] = ""
    version_date: datetime.date | None = None
    effective_date: datetime.date | None = None


class AmendmentCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """An amendment: the version it leads to (a stored one, or its text / articles now), the
    version it replaces (default: the one before), and when it takes effect."""

    effective_date: datetime.date
    to_version: VersionSelector | None = None
    from_version: VersionSelector | None = None
    text: LongText | None = None
    articles: Annotated[list[ArticleData], msgspec.Meta(min_length=1)] | None = None
    version_date: datetime.date | None = None
    dry_run: bool = False


class RepealCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date
    successor_id: uuid.UUID | None = None
    dry_run: bool = False


class CitationImport(msgspec.Struct, forbid_unknown_fields=True):
    """A table with two columns, reference code and citation text (one citation text per row;
    an item may have several rows), as CSV text or as an Excel workbook (.xlsx, base64; its
    first sheet is read). A first row naming the columns is skipped."""

    csv: (
        Annotated[
            str,
            msgspec.Meta(
                min_length=1,
                max_length=5_000_000,
                examples=["reference_code,citation\nSAF-01,《中华人民共和国安全生产法》第九条\n"],
            ),
        ]
        | None
    ) = None
    xlsx_base64: Annotated[str, msgspec.Meta(min_length=1, max_length=7_000_000)] | None = None
    mode: Literal["replace", "append"] = "replace"
    dry_run: bool = True
    adjustment: AdjustmentNote | None = None


CitationText = Annotated[str, msgspec.Meta(min_length=1, max_length=500, examples=["《民法典》第一千零四十条"]), NAME]


class CitationResolve(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Citation strings as people write them, to resolve against the tenant's library."""

    citations: Annotated[
        list[CitationText],
        msgspec.Meta(
            min_length=1,
            max_length=1000,
            examples=[["《民法典》第一千零四十条", "《安全生产条例》第十条", "《食安法》第三十六条第一款"]],
        ),
    ]


class LegalBasisView(msgspec.Struct):
    """One cited provision as resolved: the document (title, level, status as of today,
    region), the provision, or the reason it did not resolve."""

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


class CitationResolution(msgspec.Struct):
    bases: list[LegalBasisView]
    resolved: int
    unresolved: int


class VersionSummary(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None
    status: str


class RepealInfo(msgspec.Struct):
    change_id: str
    effective_date: datetime.date
    successor_id: str | None
    successor_title: str | None


class DocumentView(msgspec.Struct):
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
    current_version: VersionSummary | None
    repeal: RepealInfo | None
    created_at: datetime.datetime
    region_code: str | None = None  # GB/T 2260 prefix of a local document's region; None: national
    abbreviations: list[str] = []  # names it is cited by besides its title and short title
    amends_id: str | None = None  # an amending document (刑法修正案): the document it amends


class DocumentCreated(DocumentView):
    warnings: list[str] = []


class HistoryLine(msgspec.Struct):
    date: datetime.date
    text: str


class VersionView(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None
    status: str
    status_label: str
    current: bool
    article_count: int
    history: list[HistoryLine]
    source: str


class ProvisionItem(msgspec.Struct):
    item: int
    label: str
    text: str


class ParagraphView(msgspec.Struct):
    paragraph: int
    label: str
    text: str
    items: list[ProvisionItem]


class ArticleView(msgspec.Struct):
    article: int
    label: str
    chapter: str | None
    text: str
    paragraphs: list[ParagraphView]


class ProvisionView(msgspec.Struct):
    document_id: str
    document_title: str
    version_id: str
    version_date: datetime.date
    article: int
    paragraph: int | None
    item: int | None
    label: str
    chapter: str | None
    text: str


class ProvisionHit(msgspec.Struct):
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


class CitedAs(msgspec.Struct):
    raw: str
    label: str
    article: int | None
    paragraph: int | None
    item: int | None


class CitingItem(msgspec.Struct):
    code: str
    title: str
    status: str
    citations: list[CitedAs]


class CatalogVersionCitations(msgspec.Struct):
    version: int
    status: str
    items: list[CitingItem]


class PublishedEntries(msgspec.Struct):
    number: int
    effective_date: datetime.date
    catalog_version: int
    item_codes: list[str]


class TownshipCitations(msgspec.Struct):
    """A township's entries resting on the document: in its working copy (which follows
    ``working_copy_catalog_version``; those waiting for re-confirmation listed again in
    ``awaiting_confirmation``) and in each of its published versions."""

    township_code: str
    township_name: str
    working_copy_catalog_version: int | None
    working_copy_item_codes: list[str]
    awaiting_confirmation: list[str]
    published: list[PublishedEntries]


class CitationIndex(msgspec.Struct):
    document_id: str
    document_title: str
    provision: str | None
    catalog: list[CatalogVersionCitations]
    townships: list[TownshipCitations]


class VersionRef(msgspec.Struct):
    id: str
    version_date: datetime.date
    effective_date: datetime.date | None


class ChangeView(msgspec.Struct):
    id: str
    shared: bool
    document_id: str
    document_title: str
    kind: str
    kind_label: str
    effective_date: datetime.date
    from_version: VersionRef | None
    to_version: VersionRef | None
    successor_id: str | None
    successor_title: str | None
    recorded_by: dict[str, Any]
    created_at: datetime.datetime


class ProvisionChange(msgspec.Struct):
    """How an article of the old version corresponds to the new one (matched by text, so a
    renumbered article is ``moved``, not ``changed``); ``article`` is the old number (the new one
    for an added article)."""

    article: int
    label: str
    change: str
    change_label: str
    from_articles: list[int] = []
    to_articles: list[int] = []
    similarity: float | None = None


class CitedProvision(msgspec.Struct):
    label: str
    change: str


class AffectedItem(msgspec.Struct):
    """An affected item, the provisions it cites that the change touches, and its adjustment
    (in a dry run: the draft it would open in, ``adjustment_state`` ``would_open`` and no id,
    unless the change was recorded already)."""

    code: str
    title: str | None
    catalog_version: int
    provisions: list[CitedProvision]
    adjustment_id: str | None
    adjustment_state: str


class TownshipImpact(msgspec.Struct):
    """A township's entries of affected items: in its working copy (those waiting for
    re-confirmation listed again in ``awaiting_confirmation``) and in its latest published
    version."""

    township_code: str
    township_name: str
    working_copy_item_codes: list[str]
    awaiting_confirmation: list[str]
    published_version: int | None
    published_item_codes: list[str]


class TenantImpact(msgspec.Struct):
    tenant: str
    tenant_name: str
    items: list[AffectedItem]
    townships: list[TownshipImpact]


class ImpactReport(msgspec.Struct):
    change: ChangeView
    provisions: list[ProvisionChange]
    item_count: int
    township_count: int
    township_entry_count: int
    tenants: list[TenantImpact]


class RecordedChange(msgspec.Struct):
    """``created``: the change is new; ``opened``: adjustments opened now. A dry run writes
    nothing (its change id is provisional unless the change was recorded already)."""

    created: bool
    opened: int
    dry_run: bool
    report: ImpactReport


class ImportProblem(msgspec.Struct):
    row: int
    column: str
    problem: str


class ItemCitationChange(msgspec.Struct):
    code: str
    before: list[str]
    after: list[str]


class CitationImportReport(msgspec.Struct):
    dry_run: bool
    mode: str
    valid: bool
    written: bool
    rows: int
    items: int
    changed: list[ItemCitationChange]
    unchanged: list[str]
    problems: list[ImportProblem]
