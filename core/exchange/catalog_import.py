"""Importing a catalog from .xlsx or .csv in the export layout, row by row, all or nothing.

The file is parsed and every row checked against the same rules as every other catalog
write (:func:`core.catalog.editing.item_problems` and the plugin's own check), with each
problem reported as (row, column, problem). Rows are compared with the draft (or, with no
draft, the latest published version): a new code is added, a known code whose content
differs is changed, an identical row is left alone — so re-importing an export changes
nothing.

A dry run does all of this and reports what would change, and writes nothing (it reads in
a transaction and never opens a draft). Applying re-parses the file, checks again, and
writes everything in one transaction through the bulk path of
:mod:`core.catalog.editing` — any problem, and nothing is written.
"""

from __future__ import annotations

import re
from typing import Any

import anyio.to_thread
import asyncpg
import msgspec

from core.catalog.editing import (
    Prepared,
    _as_create,
    _initiator,
    _store,
    import_items,
    item_problems,
    open_draft,
    plugin_problems,
)
from core.catalog.reading import REASON_KINDS, AdjustmentNote, ItemCreate, ItemView, version_numbers
from core.catalog.structure import load_structure, township_scope
from core.exchange import queries
from core.exchange.excel import read_items
from core.exchange.headers import normal
from core.exchange.rows import (
    Codes,
    Header,
    RowProblem,
    Sections,
    Speaker,
    column_of,
    explain,
    read_row,
    to_item,
)
from core.exchange.tables import Table, read_table
from core.legal.bases import bases_in
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, ValidationFailed
from core.platform.messages import ZH, Text, render
from core.plugin_api.types import ListStructure
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

#: Codes given to rows that name none (and match no item of the catalog by title).
NEW_CODE_PREFIX = "IMP-"


class FileProblem(msgspec.Struct):
    """A problem of the import as a whole (not of one row): ``field`` is the request
    parameter to change, ``key`` its stable name."""

    field: str
    problem: str
    key: str


class ItemChange(msgspec.Struct):
    row: int
    code: str
    fields: list[str]


class ImportReport(msgspec.Struct):
    """What an import did (or, in a dry run, would do). ``errors``: each row's problems;
    ``file_errors``: problems of the import as a whole (a missing reason). With either, an
    import writes nothing."""

    dry_run: bool
    applied: bool
    rows: int
    base_version: int | None
    draft_version: int | None
    added: list[str]
    changed: list[ItemChange]
    unchanged: int
    errors: list[RowProblem]
    file_errors: list[FileProblem] = []


def _comparable(item: ItemCreate) -> dict[str, Any]:
    doc = msgspec.to_builtins(item)
    doc.pop("adjustment", None)
    doc["responsibilities"] = sorted(doc["responsibilities"], key=lambda r: r["role"] != "primary")
    doc["citations"] = list(dict.fromkeys(doc["citations"]))
    doc["extra"] = {k: v for k, v in doc["extra"].items() if v not in (None, "", [])}
    return doc


def _changes(new: ItemCreate, old: ItemView) -> list[str]:
    a, b = _comparable(new), _comparable(_as_create(old))
    return [k for k in a if a[k] != b.get(k)]


def _cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen = {code}
    current = parents.get(code)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


class _Plan(msgspec.Struct):
    report: ImportReport
    new: list[ItemCreate]
    changed: list[tuple[ItemCreate, ItemView]]
    rows: dict[str, int]  # code → its row in the file
    header: Header  # which column holds which field, to name a problem's column


class _DryRunDone(Exception):
    """Raised at the end of a dry run so that its transaction rolls back everything it wrote."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


async def _new_codes(conn: asyncpg.Connection, access: Access, taken: set[str], count: int) -> list[str]:
    """``count`` unused codes ``IMP-0001`` …, after every one used before (codes are never reused)."""
    if not count:
        return []
    used = taken | await queries.codes_starting(conn, access.tenant.id, NEW_CODE_PREFIX)
    tails = [c[len(NEW_CODE_PREFIX) :] for c in used if c.startswith(NEW_CODE_PREFIX)]
    numbers = [int(tail) for tail in tails if tail.isdigit()]
    first = max(numbers, default=0) + 1
    return [f"{NEW_CODE_PREFIX}{n:04d}" for n in range(first, first + count)]


async def _plan(
    conn: asyncpg.Connection,
    access: Access,
    structure: ListStructure,
    table: Table,
    dry_run: bool,
    note: AdjustmentNote | None,
    speak: Speaker,
) -> _Plan:
    """Parse and check every row against the draft (or latest published version)."""
    units = await queries.unit_names(conn, access.tenant.id)
    header = Header(table, structure)
    codes = Codes(structure, units)
    published, draft = await version_numbers(conn, access)
    base_number = draft if draft is not None else published
    base: dict[str, ItemView] = {}
    if base_number is not None:
        base = {view.code: view for view in await read_items(conn, access, base_number)}
    levels = {code: view.level for code, view in base.items()}
    by_title: dict[tuple[str, str | None], str] = {}
    for view in base.values():
        by_title.setdefault((normal(view.title), view.parent_code), view.code)
    errors: list[RowProblem] = []
    docs: list[tuple[int, dict[str, Any]]] = []
    sections = Sections()
    for number, values in table.rows:
        heading = sections.read(number, values, header, codes, speak)
        if isinstance(heading, RowProblem):
            errors.append(heading)
            continue
        if heading:
            continue
        doc, row_errors = read_row(number, values, header, codes, sections, speak, table.formulas, levels.get)
        errors += row_errors
        if doc is not None:
            docs.append((number, doc))
            if doc["code"]:
                levels[doc["code"]] = doc["level"]
    # Rows without a code: the catalog's item of the same title and parent, else a new code.
    first_title: dict[tuple[str, str | None], int] = {}
    unnamed: list[dict[str, Any]] = []
    kept: list[tuple[int, dict[str, Any]]] = []
    for number, doc in docs:
        key = (normal(doc["title"]), doc["parent_code"])
        if not doc["code"] and key in first_title:
            errors.append(
                speak.row(
                    number, header.headers["title"], "duplicate-title", other=first_title[key], title=doc["title"]
                )
            )
            continue
        first_title.setdefault(key, number)
        if not doc["code"]:
            if key in by_title:
                doc["code"] = by_title[key]
            else:
                unnamed.append(doc)
        kept.append((number, doc))
    taken = set(base) | {doc["code"] for _, doc in kept if doc["code"]}
    for doc, code in zip(unnamed, await _new_codes(conn, access, taken, len(unnamed)), strict=True):
        doc["code"] = code
    parsed: list[tuple[int, ItemCreate]] = []
    for number, doc in kept:
        item, shape = to_item(number, doc, header, speak)
        errors += shape
        if item is not None:
            parsed.append((number, item))
    file_codes = [item.code for _, item in parsed]
    reserved = await queries.reserved_codes(conn, access.tenant.id, file_codes)
    known = {code: (view.level, view.status) for code, view in base.items()}
    parents = {code: view.parent_code for code, view in base.items()}
    first_row: dict[str, int] = {}
    for number, item in parsed:
        if item.code in first_row:
            continue
        first_row[item.code] = number
        known[item.code] = (item.level, base[item.code].status if item.code in base else "active")
        parents[item.code] = item.parent_code
    report = ImportReport(
        dry_run=dry_run,
        applied=False,
        rows=len(table.rows),
        base_version=base_number,
        draft_version=draft,
        added=[],
        changed=[],
        unchanged=0,
        errors=errors,
    )
    plan = _Plan(report, [], [], {}, header)
    unit_codes = set(units)
    # The plugin's rules see the citations resolved, as in catalog editing (core.legal.bases).
    bases = await bases_in(conn, access, [c for _, i in parsed for c in i.citations]) if access.tenant.plugin else None
    for number, item in parsed:
        column = header.headers
        if first_row[item.code] != number:
            errors.append(
                speak.row(
                    number, column["code"], "duplicate-code", item.code, code=item.code, other=first_row[item.code]
                )
            )
            continue
        old = base.get(item.code)
        found: list[FieldError] = []
        if old is None and item.code in reserved:
            found.append(FieldError.said("code", Text("field.was-used-before-codes", code=item.code)))
        found += item_problems(
            structure,
            item,
            parent=known.get(item.parent_code or ""),
            units=unit_codes,
            cycle=_cycle(item.code, parents),
        )
        found = found or plugin_problems(access, item, bases)
        fields = _changes(item, old) if old is not None else None
        if not found and old is not None and old.status == "withdrawn" and fields:
            errors.append(speak.row(number, column["code"], "withdrawn", item.code, code=item.code))
            continue
        errors += [explain(number, p, item, header, codes, speak) for p in found]
        if found:
            continue
        plan.rows[item.code] = number
        if old is None:
            report.added.append(item.code)
            plan.new.append(item)
        elif fields:
            report.changed.append(ItemChange(number, item.code, [column.get(f, f) for f in _field_headers(fields)]))
            plan.changed.append((item, old))
        else:
            report.unchanged += 1
    errors.sort(key=lambda e: e.row)
    if published is not None and note is None and (plan.new or plan.changed):
        kinds = [f"{code}（{label}）" for code, label in REASON_KINDS.items()]
        report.file_errors.append(
            FileProblem("reason_kind", render("import.reason-needed", speak.language, kinds=kinds), "reason-needed")
        )
    return plan


def _field_headers(fields: list[str]) -> list[str]:
    """Item fields → the layout keys their columns carry."""
    keys = {"responsibilities": "primary", "recovery": "recovery_unit"}
    return list(dict.fromkeys(keys.get(f, f) for f in fields))


def _refusal(report: ImportReport, language: str) -> ValidationFailed:
    """An import with problems: 422 naming each (the report rides along)."""
    shown = report.errors[:200]
    count = len(report.errors) + len(report.file_errors)
    rows = len({e.row for e in report.errors})
    errors = [FieldError(f.field, f.problem) for f in report.file_errors]
    # The report speaks ``language`` already; so does where each problem is (第5行「责任部门」).
    errors += [FieldError(render("row.field", language, row=e.row, column=e.column), e.message) for e in shown]
    text = Text("import.problems", {"count": count, "rows": rows})
    return ValidationFailed(text.render("en"), errors=errors, extra={"report": msgspec.to_builtins(report)}, text=text)


def _check_note(note: AdjustmentNote | None) -> None:
    if note is not None and note.reason_kind not in REASON_KINDS:
        kinds = [f"{code}（{label}）" for code, label in REASON_KINDS.items()]
        text = Text("import.reason-kind", {"value": note.reason_kind, "kinds": kinds})
        raise ValidationFailed.said(text, field="reason_kind")


async def import_catalog(
    access: Access,
    data: bytes,
    content_type: str | None = None,
    *,
    dry_run: bool = False,
    note: AdjustmentNote | None = None,
    max_rows: int | None = None,
    language: str = ZH,
) -> ImportReport:
    """Check (and unless ``dry_run``, apply) a catalog file. Raises 422 with every problem.

    A dry run is the import itself, rolled back: every row is checked, and the writes run as
    they would (through the bulk path and its checks) inside the transaction, which then rolls
    back — so a dry run that passes means the import passes. Row problems speak ``language``.
    """
    require_admin(access, "import the catalog")
    _check_note(note)
    table = await anyio.to_thread.run_sync(lambda: read_table(data, content_type, max_rows=max_rows))
    structure = await load_structure(access)
    speak = Speaker(language)
    try:
        async with tenant_transaction(access.tenant.id) as conn:
            plan = await _plan(conn, access, structure, table, dry_run, note, speak)
            report = plan.report
            if not report.errors and not report.file_errors and (plan.new or plan.changed):
                await _write(conn, access, structure, plan, note, speak)
            if dry_run:
                raise _DryRunDone(report)
            if report.errors or report.file_errors:
                raise _refusal(report, language)
            report.applied = True
            if plan.new or plan.changed:
                await audit.record(
                    access,
                    "catalog_version",
                    str(report.draft_version),
                    "import_file",
                    after={"added": len(plan.new), "changed": len(plan.changed), "unchanged": report.unchanged},
                )
    except _DryRunDone as done:
        return done.report
    return report


async def _write(
    conn: asyncpg.Connection,
    access: Access,
    structure: ListStructure,
    plan: _Plan,
    note: AdjustmentNote | None,
    speak: Speaker,
) -> None:
    """The import's writes (a dry run's too, rolled back after). A problem only the bulk path
    finds becomes the row's problem."""
    report = plan.report
    draft = report.draft_version
    number, _adjusting = await open_draft(conn, access)
    depth = {lv.code: lv.depth for lv in structure.levels}
    try:
        if plan.new:
            # Parents before children, as the bulk path wants them.
            ordered = sorted(plan.new, key=lambda i: depth.get(i.level, 0))
            try:
                await import_items(access, ordered, note)
            except ValidationFailed as exc:
                for error in exc.errors:
                    match = re.match(r"items\[(\d+)\]\.?(.*)", error.field)
                    item = ordered[int(match[1])] if match else None
                    row = plan.rows.get(item.code, 0) if item else 0
                    where = match[2] if item and match and match[2] else "title"
                    column = column_of(where, item.responsibilities if item else [], plan.header)
                    said = error.text or error.message
                    report.errors.append(speak.row(row, column, "rule", item.code if item else None, message=said))
                return
        if plan.changed:
            await _apply_changes(conn, access, structure, number, plan.changed, note)
    finally:
        report.draft_version = draft if report.dry_run else number


async def _apply_changes(
    conn: asyncpg.Connection,
    access: Access,
    structure: ListStructure,
    number: int,
    changed: list[tuple[ItemCreate, ItemView]],
    note: AdjustmentNote | None,
) -> None:
    """Changed rows: stored in bulk, one ``modify`` adjustment each, in a fixed number of statements."""
    prepared = [
        Prepared(item, township_scope(structure, item.kinds), revision=old.revision + 1) for item, old in changed
    ]
    await _store(conn, access, number, prepared)
    note = note or AdjustmentNote(reason_kind="initial", reason="初始建立参考目录")
    await conn.execute(
        queries.RECORD_MODIFIED,
        access.tenant.id,
        number,
        note.reason_kind,
        note.reason,
        note.effective_date,
        msgspec.json.encode(_initiator(access)).decode(),
        [item.code for item, _ in changed],
        [msgspec.json.encode({"fields": _changes(item, old)}).decode() for item, old in changed],
    )
    await conn.execute(queries.BUMP_VERSION, access.tenant.id, number)
    await generations.bump(conn, access.tenant.id)
