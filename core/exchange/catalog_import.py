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
from core.exchange.layout import (
    LOCAL_COLUMNS,
    NO,
    TOWNSHIP_ALIASES,
    TOWNSHIP_PARTY,
    YES,
    Column,
    catalog_columns,
    lines,
    parse_responsibility,
    split_list,
    text_of,
)
from core.exchange.tables import Table, read_table
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, ValidationFailed
from core.plugin_api.types import ListStructure
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

REQUIRED = ("code", "title", "level", "kinds")
#: Other headers county files use for the same columns.
ALIASES = {
    "名称": "title",
    "事项": "title",
    "实施依据": "citations",
    "设定依据": "citations",
    "依据": "citations",
    "法律法规依据": "citations",
    "上级事项编码": "parent_code",
    "主体责任单位": "primary",
    "配合责任单位": "cooperating",
    "配合单位": "cooperating",
}
_AT = re.compile(r"at `\$\.([^`]+)`")


class RowProblem(msgspec.Struct):
    """One problem of one row: the row number in the file, the column header, what is wrong."""

    row: int
    column: str
    problem: str
    code: str | None = None


class ItemChange(msgspec.Struct):
    row: int
    code: str
    fields: list[str]


class ImportReport(msgspec.Struct):
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    applied: bool
    rows: int
    base_version: int | None
    draft_version: int | None
    added: list[str]
    changed: list[ItemChange]
    unchanged: int
    errors: list[RowProblem]


class Header:
    """Which column of the file holds which field, by header text or English key."""

    def __init__(self, table: Table, structure: ListStructure) -> None:
        columns = catalog_columns(structure) + list(LOCAL_COLUMNS)
        known: dict[str, Column] = {}
        for c in columns:
            known[c.header] = c
            known[c.key] = c
            if c.key.startswith("extra."):
                known[c.key[6:]] = c
        for alias, key in ALIASES.items():
            known.setdefault(alias, next(c for c in columns if c.key == key))
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {c.key: c.header for c in columns}
        unknown, twice = [], []
        for i, text in enumerate(table.header):
            if not text:
                continue
            column = known.get(text) or known.get(re.sub(r"\s+", "", text))
            if column is None:
                unknown.append(text)
            elif column.key in self.index:
                twice.append(text)
            else:
                self.index[column.key] = i
                self.headers[column.key] = text
        problems = [FieldError(f"columns.{t}", "unknown column") for t in unknown]
        problems += [FieldError(f"columns.{t}", "appears twice") for t in twice]
        problems += [
            FieldError(f"columns.{self.headers[k]}", "required column missing") for k in REQUIRED if k not in self.index
        ]
        if problems:
            named = "、".join(unknown)
            detail = (
                f"unknown columns: {named}; use the headers of an exported workbook"
                if unknown
                else "; ".join(f"{p.field}: {p.message}" for p in problems)
            )
            raise ValidationFailed(detail, errors=problems)

    def value(self, key: str, values: list[Any]) -> Any:
        i = self.index.get(key)
        return values[i] if i is not None and i < len(values) else None


class _Codes:
    """Label or code → code, for each coded field of the structure and for units."""

    def __init__(self, structure: ListStructure, units: dict[str, str]) -> None:
        def both(pairs: list[tuple[str, str]]) -> dict[str, str]:
            found = {label: code for code, label in pairs}
            found.update({code: code for code, _ in pairs})
            return found

        self.levels = both([(lv.code, lv.label) for lv in structure.levels])
        self.kinds = both([(k.code, k.label) for k in structure.kinds])
        self.categories = both([(c.code, c.label) for c in structure.categories])
        self.item_kinds = both([(c.code, c.label) for c in structure.item_kinds])
        self.units = both(list(units.items()))
        self.extra = {f.name: f for f in structure.extra_fields}

    def party(self, text: str) -> str:
        return TOWNSHIP_PARTY if text in TOWNSHIP_ALIASES else self.units.get(text, text)


def _row_item(
    number: int, values: list[Any], header: Header, codes: _Codes
) -> tuple[ItemCreate | None, list[RowProblem]]:
    """One row as an :class:`ItemCreate`, or the problems that stop it becoming one."""
    problems: list[RowProblem] = []

    def text(key: str, *, strip: bool = False) -> str:
        raw = header.value(key, values)
        value = text_of(raw)
        if isinstance(raw, str) and raw.startswith("="):
            problems.append(RowProblem(number, header.headers[key], "a formula; enter the value itself"))
            return ""
        return value.strip() if strip else value

    code = text("code", strip=True)
    doc: dict[str, Any] = {
        "code": code,
        "title": text("title").strip(),
        "level": codes.levels.get(text("level", strip=True), text("level", strip=True)),
        "kinds": [codes.kinds.get(k, k) for k in split_list(text("kinds"))],
        "parent_code": text("parent_code", strip=True) or None,
        "category": codes.categories.get(c, c) if (c := text("category", strip=True)) else None,
        "item_kind": codes.item_kinds.get(k, k) if (k := text("item_kind", strip=True)) else None,
        "description": text("description"),
        "process": text("process"),
        "citations": list(dict.fromkeys(lines(text("citations")))),
    }
    flag = text("high_frequency", strip=True).lower()
    if flag in YES or flag in NO:
        doc["high_frequency"] = flag in YES
    else:
        problems.append(RowProblem(number, header.headers["high_frequency"], f"{flag!r}: write 是 or 否", code))
    duties = []
    for role in ("primary", "cooperating"):
        for line in lines(text(role)):
            party, duty, share = parse_responsibility(line)
            if not party:
                problems.append(RowProblem(number, header.headers[role], f"{line!r} names no unit", code))
                continue
            duties.append({"party": codes.party(party), "role": role, "duty": duty, "financial_share": share})
    doc["responsibilities"] = duties
    unit, method, reason = text("recovery_unit", strip=True), text("recovery_method"), text("recovery_reason")
    if unit or method or reason:
        doc["recovery"] = {"receiving_unit": codes.party(unit), "working_method": method, "reason": reason}
    extra: dict[str, Any] = {}
    for name, field in codes.extra.items():
        key = f"extra.{name}"
        raw = header.value(key, values)
        if raw is None or raw == "":
            continue
        value = _extra_value(raw, field.type)
        if isinstance(value, RowProblem):
            problems.append(RowProblem(number, header.headers[key], value.problem, code))
        elif value not in ("", []):
            extra[name] = value
    doc["extra"] = extra
    if problems:
        return None, problems
    try:
        return msgspec.convert(doc, ItemCreate), []
    except msgspec.ValidationError as exc:
        match = _AT.search(str(exc))
        path = match[1] if match else "code"
        column = _column_of(path, doc.get("responsibilities", []), header)
        return None, [RowProblem(number, column, str(exc).split(" - at ")[0], code)]
    except ValidationFailed as exc:  # a name with a control or invisible character (core.platform.inputs)
        error = exc.errors[0]
        column = _column_of(error.field, doc.get("responsibilities", []), header)
        return None, [RowProblem(number, column, error.message, code)]


def _extra_value(raw: Any, kind: str) -> Any:
    if kind == "list":
        return split_list(text_of(raw))
    if kind == "boolean":
        flag = text_of(raw).strip().lower()
        if flag in YES or flag in NO:
            return flag in YES
        return RowProblem(0, "", f"{flag!r}: write 是 or 否")
    if kind == "number":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw
        try:
            number = float(text_of(raw).strip())
        except ValueError:
            return RowProblem(0, "", f"{text_of(raw)!r} is not a number")
        return int(number) if number.is_integer() else number
    return text_of(raw).strip() if kind in ("choice", "date") else text_of(raw)


def _column_of(field: str, duties: list[Any], header: Header) -> str:
    """The column header a problem on ``field`` (e.g. ``responsibilities[2].party``) belongs to."""
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    if head == "responsibilities":
        match = re.match(r"responsibilities\[(\d+)\]", field)
        role = "primary"
        if match and int(match[1]) < len(duties):
            duty = duties[int(match[1])]
            role = duty["role"] if isinstance(duty, dict) else duty.role
        return header.headers[role]
    if head == "recovery":
        part = field.split(".", 1)[1] if "." in field else "receiving_unit"
        return header.headers[
            {"working_method": "recovery_method", "reason": "recovery_reason"}.get(part, "recovery_unit")
        ]
    if head == "extra":
        key = field.split("[")[0]
        return header.headers.get(key, key)
    return header.headers.get(head, head)


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


async def _plan(
    conn: asyncpg.Connection, access: Access, structure: ListStructure, table: Table, dry_run: bool
) -> _Plan:
    """Parse and check every row against the draft (or latest published version)."""
    units = await queries.unit_names(conn, access.tenant.id)
    header = Header(table, structure)
    codes = _Codes(structure, units)
    published, draft = await version_numbers(conn, access)
    base_number = draft if draft is not None else published
    base: dict[str, ItemView] = {}
    if base_number is not None:
        base = {view.code: view for view in await read_items(conn, access, base_number)}
    errors: list[RowProblem] = []
    parsed: list[tuple[int, ItemCreate]] = []
    for number, values in table.rows:
        item, row_errors = _row_item(number, values, header, codes)
        errors += row_errors
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
    plan = _Plan(report, [], [])
    unit_codes = set(units)
    for number, item in parsed:
        column = header.headers
        if first_row[item.code] != number:
            errors.append(
                RowProblem(number, column["code"], f"{item.code} also on row {first_row[item.code]}", item.code)
            )
            continue
        old = base.get(item.code)
        found: list[FieldError] = []
        if old is None and item.code in reserved:
            found.append(FieldError("code", f"{item.code} was used before; codes are never reused"))
        found += item_problems(
            structure,
            item,
            parent=known.get(item.parent_code or ""),
            units=unit_codes,
            cycle=_cycle(item.code, parents),
        )
        found = found or plugin_problems(access, item)
        fields = _changes(item, old) if old is not None else None
        if not found and old is not None and old.status == "withdrawn" and fields:
            found.append(FieldError("code", f"{item.code} is withdrawn; withdrawn items do not change"))
        errors += [
            RowProblem(number, _column_of(p.field, item.responsibilities, header), p.message, item.code) for p in found
        ]
        if found:
            continue
        if old is None:
            report.added.append(item.code)
            plan.new.append(item)
        elif fields:
            report.changed.append(ItemChange(number, item.code, [column.get(f, f) for f in _field_headers(fields)]))
            plan.changed.append((item, old))
        else:
            report.unchanged += 1
    errors.sort(key=lambda e: e.row)
    return plan


def _field_headers(fields: list[str]) -> list[str]:
    """Item fields → the layout keys their columns carry."""
    keys = {"responsibilities": "primary", "recovery": "recovery_unit"}
    return list(dict.fromkeys(keys.get(f, f) for f in fields))


async def import_catalog(
    access: Access,
    data: bytes,
    content_type: str | None = None,
    *,
    dry_run: bool = False,
    note: AdjustmentNote | None = None,
    max_rows: int | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, apply) a catalog file. Raises 422 with every row problem."""
    require_admin(access, "import the catalog")
    if note is not None and note.reason_kind not in REASON_KINDS:
        raise ValidationFailed.on("reason_kind", f"use one of {', '.join(REASON_KINDS)}")
    table = await anyio.to_thread.run_sync(lambda: read_table(data, content_type, max_rows=max_rows))
    structure = await load_structure(access)
    async with tenant_transaction(access.tenant.id) as conn:
        plan = await _plan(conn, access, structure, table, dry_run)
        report = plan.report
        if dry_run:
            return report
        if report.errors:
            shown = report.errors[:200]
            raise ValidationFailed(
                f"{len(report.errors)} problems in {len({e.row for e in report.errors})} rows; nothing was imported",
                errors=[FieldError(f"row {e.row}: {e.column}", e.problem) for e in shown],
                extra={"report": msgspec.to_builtins(report)},
            )
        if not plan.new and not plan.changed:
            report.applied = True
            return report
        number, adjusting = await open_draft(conn, access)
        if adjusting and note is None:
            raise ValidationFailed.on(
                "reason_kind", "the catalog has been published: say why it changes (reason_kind, reason)"
            )
        depth = {lv.code: lv.depth for lv in structure.levels}
        if plan.new:
            # Parents before children, as the bulk path wants them.
            ordered = sorted(plan.new, key=lambda i: depth.get(i.level, 0))
            await import_items(access, ordered, note)
        if plan.changed:
            await _apply_changes(conn, access, structure, number, plan.changed, note)
        report.applied = True
        report.draft_version = number
        await audit.record(
            access,
            "catalog_version",
            str(number),
            "import_file",
            after={"added": len(plan.new), "changed": len(plan.changed), "unchanged": report.unchanged},
        )
    return report


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
