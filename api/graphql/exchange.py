"""GraphQL face of Excel exchange and 多单合一: export links, import dry run / apply, merges.

Same services as REST (:mod:`core.exchange`), same storage. Files travel base64-encoded
(GraphQL has no file type); the request body limit applies, so large workbooks go through
REST's ``POST …/catalog/import`` instead.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Annotated

import msgspec
import strawberry
from strawberry.scalars import JSON

from api.graphql.context import GqlInfo
from api.graphql.handbooks import app_storage
from api.graphql.types import Problem, attempt
from core.catalog.reading import AdjustmentNote
from core.exchange import catalog_import, excel, merge, template
from core.platform.errors import FieldError, InvalidInput, ValidationFailed
from core.platform.messages import ZH, Text, negotiate
from core.security.access import Access


@strawberry.type(description="A stored export and its signed download link (expires at expires_at).")
class ExportLink:
    url: str
    key: str
    filename: str
    content_type: str
    size: int
    rows: int
    expires_at: datetime.datetime

    @classmethod
    def of(cls, link: excel.ExportLink) -> ExportLink:
        return cls(**msgspec.structs.asdict(link))


@strawberry.type(
    description="One problem of one row of an imported file: row number, column header, what to do (in the"
    " language of Accept-Language, Chinese by default), a stable key and the labels probably meant."
)
class RowProblem:
    row: int
    column: str
    problem: str
    code: str | None
    key: str
    suggestions: list[str]
    message: str


@strawberry.type(description="A problem of an import as a whole (such as a missing reason), by request field.")
class FileProblem:
    field: str
    problem: str
    key: str


@strawberry.type(description="Items of an import whose content changes, with the columns that differ.")
class ItemChange:
    row: int
    code: str
    fields: list[str]


@strawberry.type(description="What an import did or, in a dry run, would do.")
class ImportReport:
    dry_run: bool
    applied: bool
    rows: int
    base_version: int | None
    draft_version: int | None
    added: list[str]
    changed: list[ItemChange]
    unchanged: int
    errors: list[RowProblem]
    file_errors: list[FileProblem]

    @classmethod
    def of(cls, report: catalog_import.ImportReport) -> ImportReport:
        return cls(
            **{
                **msgspec.structs.asdict(report),
                "changed": [ItemChange(**msgspec.structs.asdict(c)) for c in report.changed],
                "errors": [RowProblem(**msgspec.structs.asdict(e)) for e in report.errors],
                "file_errors": [FileProblem(**msgspec.structs.asdict(e)) for e in report.file_errors],
            }
        )


@strawberry.type(description="A 多单合一 merge to review: merged items with provenance, typed relations.")
class MergeReport:
    rule: str
    sources: JSON
    rows: int
    merged_items: int
    overlapping_groups: int
    relations: JSON
    digest: str = strawberry.field(description="pass it to applyMerge to apply exactly this report")
    items: JSON = strawberry.field(description="merged items, each with its provenance (list, row, relation)")
    pairs: JSON

    @classmethod
    def of(cls, report: merge.MergeReport) -> MergeReport:
        return cls(**msgspec.to_builtins(report))


@strawberry.type
class MergeApplied:
    merge_id: str
    draft_version: int
    added: list[str]
    provenance_rows: int
    digest: str


@strawberry.input(description="One source list: its name and its file, base64-encoded.")
class SourceListInput:
    name: str
    content_base64: str
    content_type: str | None = None


ExportLinkResult = Annotated[ExportLink | Problem, strawberry.union("ExportLinkResult")]
ImportReportResult = Annotated[ImportReport | Problem, strawberry.union("ImportReportResult")]
MergeReportResult = Annotated[MergeReport | Problem, strawberry.union("MergeReportResult")]
MergeAppliedResult = Annotated[MergeApplied | Problem, strawberry.union("MergeAppliedResult")]


def _decode(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            Text("invalid-request.not-base64", field=field),
            errors=[FieldError.said(field, Text("field.not-base64"))],
        ) from exc


def _note(reason_kind: str | None, reason: str | None) -> AdjustmentNote | None:
    if reason_kind is None and reason is None:
        return None
    if not reason_kind or not reason:
        raise ValidationFailed.on("reason", Text("field.give-reasonkind-reason-together"))
    return AdjustmentNote(reason_kind=reason_kind, reason=reason)


def _options(
    code_prefix: str, level: str | None, kinds: list[str] | None, parent_code: str | None, priority: list[str] | None
) -> merge.MergeOptions:
    return merge.MergeOptions(code_prefix, level, kinds or [], parent_code, merge.MIN_CONFIDENCE, priority or [])


@strawberry.type
class ExchangeMutations:
    """Exports (stored, with a signed link), imports and merges through the REST services."""

    @strawberry.mutation(description="A catalog version (number, draft or published) as .xlsx behind a signed link.")
    async def export_catalog(self, info: GqlInfo, tenant: str, version: str = "published") -> ExportLinkResult:
        async def act(access: Access) -> ExportLink:
            export = await excel.catalog_export(access, version)
            return ExportLink.of(await excel.store_export(access, app_storage(info), export))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="A published township list (latest without version) as .xlsx.")
    async def export_township_list(
        self, info: GqlInfo, tenant: str, township: str, version: int | None = None
    ) -> ExportLinkResult:
        async def act(access: Access) -> ExportLink:
            export = await excel.township_export(access, township, version)
            return ExportLink.of(await excel.store_export(access, app_storage(info), export))

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="The tenant's import template (.xlsx with dropdowns of its levels, kinds, categories and units)"
        " behind a signed link."
    )
    async def catalog_template(self, info: GqlInfo, tenant: str) -> ExportLinkResult:
        async def act(access: Access) -> ExportLink:
            export = await template.catalog_template(access)
            return ExportLink.of(await excel.store_export(access, app_storage(info), export))

        return await attempt(info, tenant, act, negotiate(info.context.accept_language, ZH))

    @strawberry.mutation(
        description="Import catalog items from .xlsx or .csv (county layouts too); dryRun runs the import and rolls"
        " it back. Problems speak the language of Accept-Language (Chinese by default)."
    )
    async def import_catalog(
        self,
        info: GqlInfo,
        tenant: str,
        content_base64: str,
        dry_run: bool,
        content_type: str | None = None,
        reason_kind: str | None = None,
        reason: str | None = None,
    ) -> ImportReportResult:
        language = negotiate(info.context.accept_language, ZH)

        async def act(access: Access) -> ImportReport:
            data = _decode(content_base64, "contentBase64")
            report = await catalog_import.import_catalog(
                access, data, content_type, dry_run=dry_run, note=_note(reason_kind, reason), language=language
            )
            return ImportReport.of(report)

        return await attempt(info, tenant, act, language)

    @strawberry.mutation(description="多单合一: merge source lists into a report to review; writes nothing.")
    async def merge_source_lists(
        self,
        info: GqlInfo,
        tenant: str,
        lists: list[SourceListInput],
        code_prefix: str = "MERGED-",
        level: str | None = None,
        kinds: list[str] | None = None,
        parent_code: str | None = None,
        priority: list[str] | None = None,
    ) -> MergeReportResult:
        async def act(access: Access) -> MergeReport:
            files = [(s.name, _decode(s.content_base64, f"lists[{i}]"), s.content_type) for i, s in enumerate(lists)]
            options = _options(code_prefix, level, kinds, parent_code, priority)
            return MergeReport.of(await merge.merge_report(access, files, options))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Apply a reviewed merge (same lists and options, the report's digest).")
    async def apply_merge(
        self,
        info: GqlInfo,
        tenant: str,
        lists: list[SourceListInput],
        digest: str,
        code_prefix: str = "MERGED-",
        level: str | None = None,
        kinds: list[str] | None = None,
        parent_code: str | None = None,
        priority: list[str] | None = None,
        reason_kind: str | None = None,
        reason: str | None = None,
    ) -> MergeAppliedResult:
        async def act(access: Access) -> MergeApplied:
            files = [(s.name, _decode(s.content_base64, f"lists[{i}]"), s.content_type) for i, s in enumerate(lists)]
            options = _options(code_prefix, level, kinds, parent_code, priority)
            done = await merge.apply_merge(access, files, options, digest=digest, note=_note(reason_kind, reason))
            return MergeApplied(**msgspec.structs.asdict(done))

        return await attempt(info, tenant, act)
