"""Bulk import of the catalog items' legal citations from a spreadsheet, all or nothing."""

from __future__ import annotations

import base64
import csv
import io
import zipfile

import msgspec
import openpyxl

from core.catalog.editing import update_item
from core.catalog.reading import REASON_KINDS, AdjustmentNote, ItemUpdate
from core.legal import queries
from core.legal.library import resolve_citations
from core.legal.model import CitationImport, CitationImportReport, ImportProblem, ItemCitationChange
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, ValidationFailed
from core.platform.messages import Text
from core.security.access import Access
from core.security.permissions import require_admin

_HEADER_NAMES = {"reference_code", "code", "item_code", "编码", "事项编码", "参考编码"}
MAX_IMPORT_ROWS = 10_000


def _records(data: CitationImport) -> list[list[str]]:
    """The table's rows as text cells, from CSV or from the first sheet of a workbook."""
    if (data.csv is None) == (data.xlsx_base64 is None):
        raise ValidationFailed.on("csv", Text("field.send-table-as-csv"))
    if data.csv is not None:
        return list(csv.reader(io.StringIO(data.csv.lstrip("\ufeff"))))
    encoded = data.xlsx_base64
    assert encoded is not None  # exactly one of the two was sent (checked above)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(encoded, validate=True)), read_only=True)
    except (ValueError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValidationFailed.on("xlsx_base64", Text("field.not-base64-encoded-xlsx", exc=exc)) from exc
    sheet = workbook.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _table_rows(records: list[list[str]]) -> tuple[list[tuple[int, str, str]], list[ImportProblem]]:
    rows: list[tuple[int, str, str]] = []
    problems: list[ImportProblem] = []
    for n, record in enumerate(records, start=1):
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if n == 1 and cells[0].lower() in _HEADER_NAMES:
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            problems.append(ImportProblem(n, "row", f"more than {MAX_IMPORT_ROWS} rows; split the file"))
            break
        if any(cells[2:]):
            problems.append(ImportProblem(n, "row", "more than two columns: reference code, citation"))
            continue
        code = cells[0]
        citation = cells[1] if len(cells) > 1 else ""
        if not code:
            problems.append(ImportProblem(n, "reference_code", "empty"))
        if not citation:
            problems.append(ImportProblem(n, "citation", "empty: give the citation text"))
        if code and citation:
            rows.append((n, code, citation))
    return rows, problems


async def import_citations(access: Access, data: CitationImport) -> CitationImportReport:
    """Set the draft items' citations from CSV, all or nothing (see :class:`CitationImport`).

    Every citation must resolve to a document of the library and name a provision its current
    version has. ``replace`` makes the CSV's citations the item's; ``append`` adds them after
    the item's own (repeats skipped). A dry run reports and writes nothing; so does a run with
    any problem (422, each problem with its row and column). Each changed item goes through
    :func:`core.catalog.editing.update_item`, so it is validated, versioned and adjusted like any edit.
    """
    require_admin(access, "import citations")
    if data.adjustment is not None and data.adjustment.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("adjustment.reason_kind", Text("field.use-one", value=list(REASON_KINDS)))
    rows, problems = _table_rows(_records(data))
    note = data.adjustment or AdjustmentNote(reason_kind="other", reason="批量导入法律依据（CSV）")
    async with tenant_transaction(access.tenant.id) as conn:
        number = await conn.fetchval(queries.LATEST_CATALOG_VERSION, access.tenant.id)
        codes = list(dict.fromkeys(code for _, code, _ in rows))
        items = {r.code: r for r in await queries.import_items(conn, access.tenant.id, number, codes)}
        for n, code, _ in rows:
            if code not in items:
                problems.append(ImportProblem(n, "reference_code", f"no item {code} in the catalog"))
            elif items[code].status != "active":
                problems.append(ImportProblem(n, "reference_code", f"{code} is withdrawn"))
        resolved: dict[str, list[str]] = {}
        refs: dict[str, set[str]] = {}
        for c in await resolve_citations(access, [text for _, _, text in rows]):
            resolved.setdefault(c.raw, [])
            if c.problem:
                resolved[c.raw].append(c.problem)
            key = (c.document_id, c.article, c.paragraph, c.item)
            refs.setdefault(c.raw, set()).add("/".join("" if k is None else str(k) for k in key))
        for n, _, text in rows:
            for problem in resolved.get(text, ["names no document"]):
                problems.append(ImportProblem(n, "citation", problem))
        changed, unchanged = _citation_changes(rows, items, refs, data.mode)
        valid = not problems
        report = CitationImportReport(
            dry_run=data.dry_run,
            mode=data.mode,
            valid=valid,
            written=False,
            rows=len(rows),
            items=len(codes),
            changed=changed,
            unchanged=unchanged,
            problems=sorted(problems, key=lambda p: (p.row, p.column)),
        )
        if data.dry_run:
            return report
        if not valid:
            shown = report.problems[:100]
            raise ValidationFailed(
                Text("validation-failed.problem-s-csv-nothing", value=len(report.problems)),
                errors=[FieldError(f"rows[{p.row}].{p.column}", p.problem) for p in shown],
                extra={"problems": msgspec.to_builtins(report.problems)},
            )
        for change in changed:
            await update_item(
                access,
                change.code,
                ItemUpdate(citations=change.after, adjustment=note),
                items[change.code].revision,
            )
        report.written = bool(changed)
    return report


def _citation_changes(
    rows: list[tuple[int, str, str]], items: dict[str, queries.ImportItemRow], refs: dict[str, set[str]], mode: str
) -> tuple[list[ItemCitationChange], list[str]]:
    """Each listed item's citations before and after. Appending skips a text the item has,
    or whose provisions it cites already (《安全生产法》第十条 after
    《中华人民共和国安全生产法》第十条)."""
    wanted: dict[str, list[str]] = {}
    for _, code, text in rows:
        if code in items:
            wanted.setdefault(code, [])
            if text not in wanted[code]:
                wanted[code].append(text)
    changed, unchanged = [], []
    for code, texts in wanted.items():
        before = list(dict.fromkeys(items[code].raws))
        if mode == "replace":
            after = texts
        else:
            after, cited = list(before), set(items[code].refs)
            for t in texts:
                if t not in after and not refs.get(t, {t}) <= cited:
                    after.append(t)
                    cited |= refs.get(t, set())
        if after == before:
            unchanged.append(code)
        else:
            changed.append(ItemCitationChange(code, before, after))
    return changed, unchanged
