"""GraphQL types for the reference catalog and township lists, mirroring REST's resources.

Every root field calls the same service as its REST operation (same permission checks).
Relations go through per-request DataLoaders: units and townships by code, catalog items
and their children by ``(version, code)``. Plain fields are copied from the service's view
once, in ``of()``, so that large lists are not slowed by a resolver per field.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import GqlInfo
from api.graphql.execution import Frozen
from api.graphql.sync import UpdatedSince
from core.catalog import reading as catalog
from core.catalog import structure
from core.catalog.reading import AdjustmentView, ItemView, VersionView
from core.jurisdictions import tree as jurisdictions
from core.jurisdictions import units
from core.lists import service as township_lists
from core.lists.service import Claimant as ClaimantView
from core.lists.service import Entry as EntryView
from core.lists.service import ListDiff as ListDiffView
from core.lists.service import ListVersion as ListVersionView
from core.lists.service import PublishedParts
from core.lists.service import TownshipList as TownshipListView
from core.platform.errors import NotFound
from core.security.access import Access

if TYPE_CHECKING:
    from api.graphql.types import Jurisdiction, Unit

TOWNSHIP = "township"
ItemKey = tuple[int, str]


# --- loaders -------------------------------------------------------------------------------
# core.catalog.reading has no batch read by codes or by parent codes (as units.get_units and
# jurisdictions.children_of are), so these call the single-item services once per key.


async def _unit(info: GqlInfo, access: Access, code: str) -> Unit | None:
    from api.graphql.types import Unit

    view = await info.context.loader("unit", access, units.get_units).load(code)
    return Unit.of(view, access) if view else None


async def _township(info: GqlInfo, access: Access, code: str) -> Jurisdiction | None:
    from api.graphql.types import Jurisdiction

    loader = info.context.loader("jurisdiction", access, jurisdictions.get_jurisdictions)
    view = await loader.load(code)
    return Jurisdiction.of(view, access) if view else None


LazyUnit = Annotated["Unit", strawberry.lazy("api.graphql.types")]
LazyJurisdiction = Annotated["Jurisdiction", strawberry.lazy("api.graphql.types")]


# --- catalog -------------------------------------------------------------------------------


@strawberry.type(description="Who carries an item: the township or a unit, leading or cooperating.")
class Responsibility:
    party: str = strawberry.field(description="A unit code, or `township`.")
    role: str = strawberry.field(description="primary or cooperating")
    duty: str
    financial_share: float | None
    access: strawberry.Private[Access]

    @strawberry.field(description="The unit; null when the party is the township.")
    async def unit(self, info: GqlInfo) -> LazyUnit | None:
        return None if self.party == TOWNSHIP else await _unit(info, self.access, self.party)


@strawberry.type(description="A recovered item: who took it back, how the work runs now, why.")
class Recovery:
    receiving_unit: str
    working_method: str
    reason: str
    access: strawberry.Private[Access]

    @strawberry.field(description="The receiving unit.")
    async def unit(self, info: GqlInfo) -> LazyUnit | None:
        return await _unit(info, self.access, self.receiving_unit)


@strawberry.type(description="A cited legal basis, resolved to a provision of the legal library where possible.")
class LegalBase:
    raw: str
    resolved: bool
    document_id: str | None
    document_title: str | None
    article: int | None
    paragraph: int | None
    item: int | None
    label: str | None
    text: str | None = strawberry.field(
        description="The provision's text; null in whole lists, which carry `provisions`."
    )
    problem: str | None


@strawberry.type(
    description="A cited provision's text, given once per list; legal bases refer to it by document, article,"
    " paragraph and item."
)
class CitedProvision:
    document_id: str
    article: int
    paragraph: int | None
    item: int | None
    label: str
    text: str


@strawberry.type(description="A duty item of one catalog version (参考目录事项).")
class CatalogItem:
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
    extra: JSON
    recovery: Recovery | None
    status: str
    withdrawn_reason: str | None
    successor_code: str | None
    content_hash: str
    changed_in: int
    revision: int
    responsibilities: list[Responsibility]
    legal_bases: list[LegalBase]
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: ItemView, access: Access) -> CatalogItem:
        recovery = view.recovery
        return cls(
            code=view.code,
            version=view.version,
            title=view.title,
            level=view.level,
            kinds=view.kinds,
            township_scope=view.township_scope,
            parent_code=view.parent_code,
            category=view.category,
            item_kind=view.item_kind,
            description=view.description,
            high_frequency=view.high_frequency,
            process=view.process,
            extra=view.extra,
            recovery=Recovery(
                receiving_unit=recovery.receiving_unit,
                working_method=recovery.working_method,
                reason=recovery.reason,
                access=access,
            )
            if recovery
            else None,
            status=view.status,
            withdrawn_reason=view.withdrawn_reason,
            successor_code=view.successor_code,
            content_hash=view.content_hash,
            changed_in=view.changed_in,
            revision=view.revision,
            responsibilities=[
                Responsibility(
                    party=r.party,
                    role=r.role,
                    duty=r.duty,
                    financial_share=r.financial_share,
                    access=access,
                )
                for r in view.responsibilities
            ],
            legal_bases=[
                LegalBase(
                    raw=b.raw,
                    resolved=b.resolved,
                    document_id=b.document_id,
                    document_title=b.document_title,
                    article=b.article,
                    paragraph=b.paragraph,
                    item=b.item,
                    label=b.label,
                    text=b.text,
                    problem=b.problem,
                )
                for b in view.legal_bases
            ],
            access=access,
        )

    async def _item(self, info: GqlInfo, code: str | None) -> CatalogItem | None:
        if code is None:
            return None
        loader = info.context.loader("catalog_item", self.access, catalog.items_by_key)
        view = await loader.load((self.version, code))
        return CatalogItem.of(view, self.access) if view else None

    @strawberry.field(description="The parent item, in the same version.")
    async def parent(self, info: GqlInfo) -> CatalogItem | None:
        return await self._item(info, self.parent_code)

    @strawberry.field(description="The item a withdrawn item was folded into, in the same version.")
    async def successor(self, info: GqlInfo) -> CatalogItem | None:
        return await self._item(info, self.successor_code)

    @strawberry.field(description="Direct children in the same version, in code order (not paginated).")
    async def children(self, info: GqlInfo) -> list[CatalogItem]:
        loader = info.context.loader("catalog_children", self.access, catalog.children_by_key, default=[])
        views = await loader.load((self.version, self.code))
        return [CatalogItem.of(v, self.access) for v in views]


@strawberry.type
class CatalogItemPage:
    items: list[CatalogItem]
    next_cursor: str | None


@strawberry.type(description="A numbered catalog version: the draft, or a published, frozen one.")
class CatalogVersion:
    number: int
    status: str
    effective_date: datetime.date | None
    published_at: datetime.datetime | None
    content_hash: str | None
    revision: int
    note: str
    item_count: int
    withdrawn_count: int
    warnings: list[str] = strawberry.field(description="On publishing: law-change adjustments still open, etc.")

    @classmethod
    def of(cls, view: VersionView) -> CatalogVersion:
        return cls(
            number=view.number,
            status=view.status,
            effective_date=view.effective_date,
            published_at=view.published_at,
            content_hash=view.content_hash,
            revision=view.revision,
            note=view.note,
            item_count=view.item_count,
            withdrawn_count=view.withdrawn_count,
            warnings=view.warnings,
        )


@strawberry.type(description="A recorded change of the catalog (动态调整): kind, reason, initiator.")
class Adjustment:
    id: strawberry.ID
    version: int
    state: str = strawberry.field(
        description="applied; or open (proposed by a law change, not yet acted on) or dismissed"
    )
    law_change_id: str | None = strawberry.field(description="The law change that proposed it, if one did.")
    kind: str
    reason_kind: str
    reason_label: str
    reason: str
    item_code: str
    effective_date: datetime.date | None
    initiator: JSON
    changes: JSON
    created_at: datetime.datetime
    resolution_reason: str | None = strawberry.field(description="Why it was applied or dismissed.")
    resolved_at: datetime.datetime | None
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: AdjustmentView, access: Access) -> Adjustment:
        return cls(
            id=strawberry.ID(view.id),
            version=view.version,
            state=view.state,
            law_change_id=view.law_change_id,
            kind=view.kind,
            reason_kind=view.reason_kind,
            reason_label=view.reason_label,
            reason=view.reason,
            item_code=view.item_code,
            effective_date=view.effective_date,
            initiator=view.initiator,
            changes=view.changes,
            created_at=view.created_at,
            resolution_reason=view.resolution_reason,
            resolved_at=view.resolved_at,
            access=access,
        )

    @strawberry.field(description="The item as it is in the adjustment's version (null if you may not read it).")
    async def item(self, info: GqlInfo) -> CatalogItem | None:
        view = await info.context.loader("catalog_item", self.access, catalog.items_by_key).load(
            (self.version, self.item_code)
        )
        return CatalogItem.of(view, self.access) if view else None


# --- township lists ------------------------------------------------------------------------


@strawberry.type(description="An item on a township's list, with the township's local details.")
class Entry:
    item: CatalogItem
    origin: str = strawberry.field(description="automatic or claimed")
    justification: str
    responsible_office: str
    post: str
    contact: str
    note: str
    state: str = strawberry.field(description="active, needs_confirmation or removed")
    change_note: str
    review_comment: str

    @classmethod
    def of(cls, view: EntryView, access: Access) -> Entry:
        # Copies only, the item's nested objects too: a published list's entries are shown as
        # ``Frozen(..., same_fields=True)`` and transcoded from the views (api.graphql.execution).
        return cls(
            item=CatalogItem.of(view.item, access),
            origin=view.origin,
            justification=view.justification,
            responsible_office=view.responsible_office,
            post=view.post,
            contact=view.contact,
            note=view.note,
            state=view.state,
            change_note=view.change_note,
            review_comment=view.review_comment,
        )


@strawberry.type(description="A township's list (一街一单): the working copy or a published version.")
class TownshipList:
    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    review_note: str
    version: int | None = strawberry.field(description="The published version; null for the working copy.")
    effective_date: datetime.date | None
    entries: list[Entry]
    counts: JSON = strawberry.field(description="Entries in force: total and per list kind.")
    provisions: list[CitedProvision] = strawberry.field(description="The provisions the entries cite, each once.")
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: TownshipListView, access: Access) -> TownshipList:
        return cls(
            township_code=view.township_code,
            township_name=view.township_name,
            status=view.status,
            catalog_version=view.catalog_version,
            revision=view.revision,
            published_number=view.published_number,
            review_note=view.review_note,
            version=view.version,
            effective_date=view.effective_date,
            entries=Frozen(view.entries, partial(Entry.of, access=access), same_fields=True)  # type: ignore[arg-type]
            if view.version is not None  # published: immutable (see api.graphql.execution)
            else [Entry.of(e, access) for e in view.entries],
            counts=view.counts,
            provisions=view.provisions,  # type: ignore[arg-type]  # same fields, read by attribute
            access=access,
        )

    @classmethod
    def published(cls, header: TownshipListView, parts: PublishedParts, access: Access) -> TownshipList:
        """A published version whose body is decoded only if a selection is not kept already
        (api.graphql.execution: completed selections are kept beside the stored body)."""
        shown = cls.of(header, access)
        shown.entries = Frozen(  # type: ignore[assignment]
            lambda: parts.body().entries, partial(Entry.of, access=access), parts, "entries", same_fields=True
        )
        shown.provisions = Frozen(lambda: parts.body().provisions, _same, parts, "provisions", same_fields=True)  # type: ignore[assignment]
        shown.counts = parts.counts()  # type: ignore[assignment]
        return shown

    @strawberry.field
    async def township(self, info: GqlInfo) -> LazyJurisdiction | None:
        return await _township(info, self.access, self.township_code)


def _same(view: Any) -> Any:
    """Provisions are shown as they are (same fields, read by attribute)."""
    return view


@strawberry.type(description="A published version of a township's list.")
class ListVersion:
    number: int
    catalog_version: int
    published_at: datetime.datetime
    effective_date: datetime.date
    content_hash: str
    entry_count: int

    @classmethod
    def of(cls, view: ListVersionView) -> ListVersion:
        return cls(
            number=view.number,
            catalog_version=view.catalog_version,
            published_at=view.published_at,
            effective_date=view.effective_date,
            content_hash=view.content_hash,
            entry_count=view.entry_count,
        )


@strawberry.type
class FieldChange:
    field: str = strawberry.field(description="A local field, or `item.<field>` of the catalog item.")
    before: JSON | None
    after: JSON | None


@strawberry.type
class EntryChange:
    item_code: str
    title: str
    changes: list[FieldChange]


@strawberry.type(description="Entries added, removed and changed between two published versions.")
class ListDiff:
    township_code: str
    from_version: int
    to_version: int
    added: list[str]
    removed: list[str]
    changed: list[EntryChange]

    @classmethod
    def of(cls, view: ListDiffView) -> ListDiff:
        return cls(
            township_code=view.township_code,
            from_version=view.from_version,
            to_version=view.to_version,
            added=view.added,
            removed=view.removed,
            changed=[
                EntryChange(
                    item_code=c.item_code,
                    title=c.title,
                    changes=[FieldChange(field=f.field, before=f.before, after=f.after) for f in c.changes],
                )
                for c in view.changed
            ],
        )


@strawberry.type(description="A township that claimed an item, and why.")
class Claimant:
    township_code: str
    township_name: str
    justification: str
    state: str
    claimed_at: datetime.datetime | None
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: ClaimantView, access: Access) -> Claimant:
        return cls(
            township_code=view.township_code,
            township_name=view.township_name,
            justification=view.justification,
            state=view.state,
            claimed_at=view.claimed_at,
            access=access,
        )

    @strawberry.field
    async def township(self, info: GqlInfo) -> LazyJurisdiction | None:
        return await _township(info, self.access, self.township_code)


# --- root fields (TenantNode inherits them) ------------------------------------------------


@strawberry.type
class CatalogQueries:
    """Single-object lookups answer null for "not found", as ``tenant`` and ``unit`` do;
    other refusals (a reader asking for a working copy, a bad version) are errors."""

    access: strawberry.Private[Access]

    @strawberry.field(description="Catalog versions, oldest first.")
    async def catalog_versions(self) -> list[CatalogVersion]:
        return [CatalogVersion.of(v) for v in await catalog.list_versions(self.access)]

    @strawberry.field(
        description="Items of a version, filtered. version: a number, `draft` or `published` "
        "(default: latest published; the draft for admins). unit: items a unit (or `township`) "
        "is responsible for."
    )
    async def catalog_items(
        self,
        version: str | None = None,
        kind: str | None = None,
        category: str | None = None,
        level: str | None = None,
        parent_code: str | None = None,
        unit: str | None = None,
        status: str | None = None,
        q: str | None = None,
        first: int = 50,
        after: str | None = None,
        updated_since: UpdatedSince = None,
    ) -> CatalogItemPage:
        page = await catalog.list_items(
            self.access,
            version=version,
            kind=kind,
            category=category,
            level=level,
            parent_code=parent_code,
            unit=unit,
            status=status,
            q=q,
            limit=first,
            cursor=after,
            updated_since=updated_since,
        )
        return CatalogItemPage(items=[CatalogItem.of(v, self.access) for v in page.items], next_cursor=page.next_cursor)

    @strawberry.field(description="One item (null when the version has no such item).")
    async def catalog_item(self, code: str, version: str | None = None) -> CatalogItem | None:
        try:
            return CatalogItem.of(await catalog.get_item(self.access, code, version), self.access)
        except NotFound:
            return None

    @strawberry.field(description="Dynamic adjustments (动态调整), oldest first. item: a reference code.")
    async def catalog_adjustments(self, version: int | None = None, item: str | None = None) -> list[Adjustment]:
        views = await catalog.list_adjustments(self.access, version=version, item_code=item)
        return [Adjustment.of(v, self.access) for v in views]

    @strawberry.field(description="List kinds, levels, categories and extra fields (REST's document).")
    async def list_structure(self) -> JSON:
        return structure.to_document(await structure.load_structure(self.access))

    @strawberry.field(description="A township's working copy (county admin and the township); null if none.")
    async def township_list(self, code: str) -> TownshipList | None:
        try:
            return TownshipList.of(await township_lists.get_working_list(self.access, code), self.access)
        except NotFound:
            return None

    @strawberry.field(
        description="A published list: version, or the one in force as of a date, or the latest; null if there is none."
    )
    async def published_list(
        self, code: str, as_of: datetime.date | None = None, version: int | None = None
    ) -> TownshipList | None:
        try:
            header, parts = await township_lists.get_published_parts(self.access, code, number=version, as_of=as_of)
        except NotFound:
            return None
        return TownshipList.published(header, parts, self.access)

    @strawberry.field(description="Published versions of a township's list.")
    async def list_versions(self, code: str) -> list[ListVersion]:
        return [ListVersion.of(v) for v in await township_lists.list_versions(self.access, code)]

    @strawberry.field(description="Entries added, removed, changed between two published versions.")
    async def list_diff(
        self,
        code: str,
        from_version: Annotated[int, strawberry.argument(name="from")],
        to_version: Annotated[int, strawberry.argument(name="to")],
    ) -> ListDiff:
        return ListDiff.of(await township_lists.diff_versions(self.access, code, from_version, to_version))

    @strawberry.field(description="Townships that claimed an item.")
    async def claimants(self, item_code: str) -> list[Claimant]:
        return [Claimant.of(c, self.access) for c in await township_lists.claimants(self.access, item_code)]


# --- inputs --------------------------------------------------------------------------------


@strawberry.input
class ResponsibilityInput:
    party: str = strawberry.field(description="A unit code, or `township`.")
    role: str = strawberry.field(description="primary or cooperating")
    duty: str = ""
    financial_share: float | None = None


@strawberry.input
class RecoveryInput:
    receiving_unit: str
    working_method: str
    reason: str


@strawberry.input(description="Why the catalog changes; required once a version has been published.")
class AdjustmentInput:
    reason_kind: str
    reason: str
    effective_date: datetime.date | None = None


@strawberry.input
class CatalogItemInput:
    code: str
    title: str
    level: str
    kinds: list[str]
    parent_code: str | None = None
    category: str | None = None
    item_kind: str | None = None
    description: str = ""
    high_frequency: bool = False
    process: str = ""
    responsibilities: list[ResponsibilityInput] | None = None
    recovery: RecoveryInput | None = None
    citations: list[str] | None = None
    extra: JSON | None = None
    adjustment: AdjustmentInput | None = None


@strawberry.input(description="Only the fields given change; an explicit null clears a nullable field.")
class CatalogItemPatch:
    title: str | None = strawberry.UNSET
    level: str | None = strawberry.UNSET
    kinds: list[str] | None = strawberry.UNSET
    parent_code: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    item_kind: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    high_frequency: bool | None = strawberry.UNSET
    process: str | None = strawberry.UNSET
    responsibilities: list[ResponsibilityInput] | None = strawberry.UNSET
    recovery: RecoveryInput | None = strawberry.UNSET
    citations: list[str] | None = strawberry.UNSET
    extra: JSON | None = strawberry.UNSET
    adjustment: AdjustmentInput | None = strawberry.UNSET


@strawberry.input
class WithdrawalInput:
    reason_kind: str
    reason: str
    successor_code: str | None = None
    effective_date: datetime.date | None = None


@strawberry.input(description="Local details of an entry; only the fields given change.")
class EntryPatch:
    responsible_office: str | None = strawberry.UNSET
    post: str | None = strawberry.UNSET
    contact: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    justification: str | None = strawberry.field(
        default=strawberry.UNSET, description="A claimed entry's justification (认领理由)."
    )
    confirm: bool = strawberry.field(default=False, description="Re-confirm a changed claimed item.")


@strawberry.input
class EntryCommentInput:
    item_code: str
    comment: str


def plain(value: Any) -> Any:
    """A GraphQL input value as the plain data msgspec converts (nested inputs included)."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(type(value), "__strawberry_definition__"):
        return {k: plain(v) for k, v in vars(value).items() if v is not strawberry.UNSET and v is not None}
    return value
