"""Excel export and import of the catalog and township lists, and 多单合一 merges.

Exports answer with a signed, expiring download link to the workbook kept in object
storage; ``…/workbook.xlsx`` answers the workbook itself (so does ``?download=true`` on the
export, kept for scripts: a client generated from the contract types one answer per status,
so the file needs an operation of its own). Imports take the file as the raw request body
(``Content-Type`` an .xlsx or ``text/csv``) or as the one file part of a
``multipart/form-data`` form (a browser's upload); ``?dry_run=true`` runs the import and rolls
it back, reporting what would change row by row; without it the same checks run and the import
is applied, all or nothing. Import reports and their problems speak the language of
``Accept-Language``, Chinese by default (``opt={"language": "zh-CN"}``, see
:mod:`core.platform.messages`). The template (``catalog/template.xlsx``) is the import layout
with the tenant's dropdowns. Merges take several files as ``multipart/form-data``, one part per
source list (the part's name is the list's name).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from api.errors import language
from api.rest.params import TENANT_PATH
from core.catalog.reading import AdjustmentNote
from core.exchange import catalog_import, excel, merge, template
from core.exchange.tables import MAX_UPLOAD_BYTES
from core.platform.errors import FieldError, InvalidInput, ValidationFailed
from core.platform.messages import ZH, Text
from core.security.access import Access

Download = Parameter(
    default=False,
    description="true: the workbook itself instead of a signed link to it. Deprecated: generated clients read "
    "this operation's answer as the link; use the `…/workbook.xlsx` operation for the file",
)
DryRun = Parameter(default=False, description="true: report what would change and write nothing")
ReasonKind = Parameter(
    default=None, description="why the catalog changes (required once a version is published), e.g. other"
)
Priority = Parameter(default=None, description="source list names in order of precedence (ties go to the earlier list)")
Reason = Parameter(default=None, description="the reason in words, e.g. 按2026年县级部门清单更新")


#: People read what these routes answer: Chinese unless Accept-Language asks otherwise.
PEOPLE = {"language": ZH}


def _note(reason_kind: str | None, reason: str | None) -> AdjustmentNote | None:
    if reason_kind is None and reason is None:
        return None
    if not reason_kind or not reason:
        raise ValidationFailed.on("reason", Text("import.reason-pair"))
    return AdjustmentNote(reason_kind=reason_kind, reason=reason)


def _workbook(export: excel.Export) -> Response[bytes]:
    return Response(
        export.data,
        media_type=excel.XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(export.filename, safe='')}"},
    )


async def _answer(request: Request[Any, Any, Any], access: Access, export: excel.Export, download: bool) -> Any:
    if download:
        return _workbook(export)
    return await excel.store_export(access, request.app.state.storage, export)


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str | None]:
    """The file of an import: the raw body, or the one file part of a multipart form."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.body(), request.headers.get("content-type")
    parts = await _files(request)
    if len(parts) != 1:
        text = Text("import.multipart-many", {"count": len(parts)}) if parts else Text("import.multipart-no-file")
        raise InvalidInput.said(text, field="file")
    _name, data, content_type = parts[0]
    return data, content_type


async def _files(request: Request[Any, Any, Any]) -> list[tuple[str, bytes, str | None]]:
    """Each uploaded part: (source list name, bytes, content type)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput(Text("invalid-request.send-source-lists-as"))
    try:
        form = await request.form()
    except UnicodeDecodeError as exc:  # a part without a filename is read as text (litestar)
        raise InvalidInput(
            Text("invalid-request.send-each-source-list"),
            errors=[FieldError.said("body", Text("field.form-field-not-utf", reason=exc.reason))],
        ) from exc
    found: list[tuple[str, bytes, str | None]] = []
    for name, value in form.multi_items():
        if isinstance(value, str):  # a part without a filename: its text is the list (CSV), checked like any file
            found.append((name, value.encode(), None))
            continue
        filename = getattr(value, "filename", "") or ""
        if name in ("file", "files") and filename:
            name = filename.rsplit(".", 1)[0]
        found.append((name, await value.read(), getattr(value, "content_type", None)))
    return found


class ExchangeController(Controller):
    path = TENANT_PATH
    tags = ["exchange"]

    @get(
        "/catalog/versions/{version:str}/export.xlsx",
        operation_id="exportCatalogVersion",
        summary="A catalog version as .xlsx (signed link, or the file with download=true)",
    )
    async def export_catalog(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        version: FromPath[str],
        download: bool = Download,
    ) -> excel.ExportLink:
        return await _answer(request, access, await excel.catalog_export(access, version), download)

    @get(
        "/townships/{township:str}/list/versions/{number:int}/export.xlsx",
        operation_id="exportTownshipListVersion",
        summary="A published township list version as .xlsx",
    )
    async def export_township(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        township: FromPath[str],
        number: FromPath[int],
        download: bool = Download,
    ) -> excel.ExportLink:
        return await _answer(request, access, await excel.township_export(access, township, number), download)

    @get(
        "/townships/{township:str}/list/published/export.xlsx",
        operation_id="exportPublishedTownshipList",
        summary="The latest published township list as .xlsx",
    )
    async def export_published(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        township: FromPath[str],
        download: bool = Download,
    ) -> excel.ExportLink:
        return await _answer(request, access, await excel.township_export(access, township), download)

    @get(
        "/catalog/versions/{version:str}/workbook.xlsx",
        operation_id="downloadCatalogWorkbook",
        summary="A catalog version's workbook (.xlsx) itself",
    )
    async def catalog_workbook(self, access: NamedDependency[Access], version: FromPath[str]) -> Response[bytes]:
        return _workbook(await excel.catalog_export(access, version))

    @get(
        "/townships/{township:str}/list/versions/{number:int}/workbook.xlsx",
        operation_id="downloadTownshipListVersionWorkbook",
        summary="A published township list version's workbook (.xlsx) itself",
    )
    async def township_workbook(
        self, access: NamedDependency[Access], township: FromPath[str], number: FromPath[int]
    ) -> Response[bytes]:
        return _workbook(await excel.township_export(access, township, number))

    @get(
        "/townships/{township:str}/list/published/workbook.xlsx",
        operation_id="downloadPublishedTownshipListWorkbook",
        summary="The latest published township list's workbook (.xlsx) itself",
    )
    async def published_workbook(self, access: NamedDependency[Access], township: FromPath[str]) -> Response[bytes]:
        return _workbook(await excel.township_export(access, township))

    @post(
        "/catalog/import",
        operation_id="importCatalog",
        status_code=200,
        summary="Import catalog items from .xlsx or .csv (raw body or multipart); dry_run=true only reports",
        description="Reads county workbooks as they are: a title row and blank rows above the header, county"
        " headers (责任部门, 具体内容 …), heading rows such as 一、基本履职事项 that set the list kind or category"
        " of the rows below, formula cells by their stored result. Problems name the row and the column header,"
        " say what to do and suggest the labels probably meant, in the language of Accept-Language (zh-CN by"
        " default, en). The dry run is the import rolled back: it passes exactly when the import does.",
        request_max_body_size=MAX_UPLOAD_BYTES,
        opt=PEOPLE,
    )
    async def import_catalog(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        dry_run: bool = DryRun,
        reason_kind: str | None = ReasonKind,
        reason: str | None = Reason,
    ) -> catalog_import.ImportReport:
        note = _note(reason_kind, reason)
        data, content_type = await _upload(request)
        return await catalog_import.import_catalog(
            access, data, content_type, dry_run=dry_run, note=note, language=language(request)
        )

    @get(
        "/catalog/template.xlsx",
        operation_id="getCatalogTemplate",
        summary="The tenant's import template: the import layout with dropdowns of its levels, kinds, categories"
        " and units (signed link, or the file with download=true)",
        opt=PEOPLE,
    )
    async def catalog_template(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], download: bool = Download
    ) -> excel.ExportLink:
        return await _answer(request, access, await template.catalog_template(access), download)

    @post(
        "/catalog/merge",
        operation_id="mergeSourceLists",
        status_code=200,
        summary="多单合一: merge several source lists (multipart, one file per list) into a report to review",
        request_max_body_size=MAX_UPLOAD_BYTES,
        opt=PEOPLE,
    )
    async def merge_report(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        code_prefix: str = Parameter(default="MERGED-", description="codes for merged items without one"),
        level: str | None = Parameter(default=None, description="level for rows that name none"),
        kinds: list[str] | None = Parameter(default=None, description="list kinds for rows that name none"),
        parent_code: str | None = Parameter(default=None, description="parent for rows that name none"),
        min_confidence: float = Parameter(default=merge.MIN_CONFIDENCE, gt=0, le=1),
        priority: list[str] | None = Priority,
    ) -> merge.MergeReport:
        options = merge.MergeOptions(code_prefix, level, kinds or [], parent_code, min_confidence, priority or [])
        return await merge.merge_report(access, await _files(request), options)

    @post(
        "/catalog/merge/apply",
        operation_id="applyMerge",
        status_code=201,
        summary="Apply a reviewed merge (same files and options; digest of the report reviewed)",
        request_max_body_size=MAX_UPLOAD_BYTES,
        opt=PEOPLE,
    )
    async def merge_apply(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        digest: str | None = Parameter(default=None, description="digest of the report you reviewed"),
        code_prefix: str = Parameter(default="MERGED-"),
        level: str | None = Parameter(default=None),
        kinds: list[str] | None = Parameter(default=None),
        parent_code: str | None = Parameter(default=None),
        min_confidence: float = Parameter(default=merge.MIN_CONFIDENCE, gt=0, le=1),
        reason_kind: str | None = ReasonKind,
        priority: list[str] | None = Priority,
        reason: str | None = Reason,
    ) -> merge.MergeApplied:
        options = merge.MergeOptions(code_prefix, level, kinds or [], parent_code, min_confidence, priority or [])
        return await merge.apply_merge(
            access, await _files(request), options, digest=digest, note=_note(reason_kind, reason)
        )

    @get(
        "/catalog/items/{code:str}/provenance",
        operation_id="getItemProvenance",
        summary="Which source lists and rows a merged item came from",
    )
    async def item_provenance(self, access: NamedDependency[Access], code: FromPath[str]) -> list[merge.ProvenanceView]:
        return await merge.provenance(access, code)
