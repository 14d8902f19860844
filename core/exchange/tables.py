"""Reading an uploaded .xlsx or .csv into a header and numbered rows, safely.

Limits are checked before anything is parsed: the upload size (the route's body limit); for
a workbook, what it unpacks to, its compression ratio and where its cells lie
(:mod:`core.exchange.unpack`: a zip bomb or a sheet spread to row 1,048,576 is refused, not
inflated); then rows and columns as they are read. The limits are settings
(``QINGDAN_WORKBOOK_*``, :func:`configure`). Anything unreadable is an :class:`InvalidInput`
(400) naming the problem, never a 500.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import io
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from python_calamine import CalamineWorkbook

from core.exchange.formulas import Formula, formula_cells
from core.exchange.headers import HEADER_SCAN, find_header
from core.exchange.unpack import WorkbookLimits, check_workbook
from core.platform.errors import InvalidInput, ValidationFailed
from core.platform.messages import Text

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
#: Workbooks one process reads at once: each may hold a few times its uncompressed size while
#: it is read, so parallel uploads queue here instead of adding up.
PARALLEL_READS = 2
_reading = threading.BoundedSemaphore(PARALLEL_READS)
_limits = WorkbookLimits()


def configure(limits: WorkbookLimits) -> None:
    """Set this process's limits (the app does, from its settings)."""
    global _limits
    _limits = limits


def limits() -> WorkbookLimits:
    return _limits


CSV_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}


@dataclass
class Table:
    """A sheet: header cells, and each non-empty row below them with its 1-based row number in
    the file; ``size``: the bytes it was read from (a workbook's uncompressed size);
    ``formulas``: the sheet's formula cells by (row number, 0-based column) — their values in
    ``rows`` are the results the file stores, empty where it stores none."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]
    size: int = 0
    header_row: int = 1
    formulas: dict[tuple[int, int], Formula] = field(default_factory=dict)


def _split(found: list[tuple[int, list[Any]]], bounds: WorkbookLimits, size: int) -> Table:
    """The header row (:func:`core.exchange.headers.find_header`: title rows above it are
    dropped) and the rows under it."""
    at = find_header(found)
    number, values = found[at]
    rows = found[at + 1 :]
    if len(rows) > bounds.max_rows:
        raise _too_many(bounds.max_rows)
    return Table(["" if v is None else _header_text(v) for v in values], rows, size, number)


def read_table(
    data: bytes, content_type: str | None = None, *, max_rows: int | None = None, max_bytes: int | None = None
) -> Table:
    """An .xlsx (by its zip signature) or a CSV (UTF-8, UTF-8 with BOM, or GB18030).

    ``max_rows`` and ``max_bytes`` lower the configured limits (what is left of them when
    several files are read for one merge)."""
    if not data:
        raise InvalidInput.said(Text("file.empty"), field="file")
    bounds = _limits
    if max_rows is not None:
        bounds = replace(bounds, max_rows=min(max_rows, bounds.max_rows))
    if max_bytes is not None:
        bounds = replace(bounds, max_uncompressed_bytes=min(max_bytes, bounds.max_uncompressed_bytes))
    media = (content_type or "").split(";")[0].strip().lower()
    if data[:4] == b"PK\x03\x04":
        with _reading:
            try:
                return _read_xlsx(data, bounds)
            finally:
                _release_memory()
    if media and media not in CSV_TYPES and media != "application/octet-stream":
        raise InvalidInput.said(Text("file.wrong-type", {"media": media}), field="file")
    if b"\x00" in data[:4096]:
        raise InvalidInput.said(Text("file.binary"), field="file")
    return _read_csv(data, bounds)


def _load_malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_malloc_trim = _load_malloc_trim()


def _release_memory() -> None:
    """Hand the heap freed after a read back to the system. The reader allocates in a worker
    thread, whose glibc arena otherwise keeps it: after four parallel 20,000-row reads the
    process kept 239 MB, 159 MB with this."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _too_many(max_rows: int) -> ValidationFailed:
    return ValidationFailed.said(Text("file.too-many-rows", {"limit": max_rows}), field="file")


def _too_wide(values: list[Any], max_columns: int) -> bool:
    """Whether a row has a value right of the last column read (trailing empty cells are fine)."""
    return len(values) > max_columns and any(v not in (None, "") for v in values[max_columns:])


def _header_text(value: Any) -> str:
    return str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()


def _read_xlsx(data: bytes, bounds: WorkbookLimits) -> Table:
    """Values of the first sheet (a formula gives its cached result: nothing is evaluated).

    Read with calamine (Rust): several times faster than openpyxl on thousands of rows. It
    builds the whole sheet in memory, so :func:`check_workbook` first makes sure that the
    sheet is no larger than the limits allow.
    """
    size = check_workbook(data, bounds)
    found: list[tuple[int, list[Any]]] = []
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as wb:
            if not wb.sheet_names:
                raise InvalidInput.said(Text("file.no-sheet"), field="file")
            sheet = wb.get_sheet_by_index(0)
            top = sheet.start[0] if sheet.start else 0
            grid = [list(values) for values in sheet.iter_rows()]
            _fill_merged(grid, top, sheet.merged_cell_ranges or [])
            for number, values in enumerate(grid, start=top + 1):
                if not any(v not in (None, "") for v in values):
                    continue
                if _too_wide(values, bounds.max_columns):
                    raise _too_wide_error(bounds.max_columns)
                if len(found) > bounds.max_rows + HEADER_SCAN:
                    raise _too_many(bounds.max_rows)
                found.append((number, values))
        formulas = formula_cells(data)
    except (InvalidInput, ValidationFailed):
        raise
    except Exception as exc:  # calamine raises its own errors on damaged workbooks
        why = f"{type(exc).__name__}: {exc}"
        raise InvalidInput.said(Text("file.unreadable", {"why": why}), field="file") from exc
    if not found:
        raise InvalidInput.said(Text("file.empty-sheet"), field="file")
    table = _split(found, bounds, size)
    table.formulas = formulas
    return table


def _fill_merged(grid: list[list[Any]], top: int, ranges: list[Any]) -> None:
    """A cell merged down over several rows (one 责任部门 for three items) holds its value only
    in its first row: give it to every row of the range. Merges within one row (a title, a
    heading row) stay as they are."""
    for (r0, c0), (r1, c1) in ranges:
        if r1 <= r0:
            continue
        first = r0 - top
        if not 0 <= first < len(grid) or c0 >= len(grid[first]):
            continue
        value = grid[first][c0]
        for r in range(first + 1, min(r1 - top, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] in (None, ""):
                    row[c] = value


def _too_wide_error(max_columns: int) -> ValidationFailed:
    return ValidationFailed.said(Text("file.too-wide", {"limit": max_columns}), field="file")


def _read_csv(data: bytes, bounds: WorkbookLimits) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InvalidInput.said(Text("file.encoding"), field="file")
    found: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        last = 0
        for values in reader:
            start, last = last + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if _too_wide(values, bounds.max_columns):
                raise _too_wide_error(bounds.max_columns)
            if len(found) > bounds.max_rows + HEADER_SCAN:
                raise _too_many(bounds.max_rows)
            found.append((start, values))
    except csv.Error as exc:
        raise InvalidInput.said(Text("file.bad-csv", {"why": str(exc)}), field="file") from exc
    if not found:
        raise InvalidInput.said(Text("file.empty-csv"), field="file")
    return _split(found, bounds, len(data))
