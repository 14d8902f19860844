"""Reading an uploaded .xlsx or .csv into a header and numbered rows, safely.

Limits are checked before anything is parsed: the upload size (the route's body limit), the
uncompressed size of a workbook (a zip bomb is refused, not inflated) and the number of
rows. Anything unreadable is an :class:`InvalidInput` (400) naming the problem, never a 500.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from core.errors import FieldError, InvalidInput, ValidationFailed

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_ROWS = 20_000
XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "application/octet-stream",
}
CSV_TYPES = {"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}


@dataclass
class Table:
    """A sheet: header cells, and each non-empty row with its 1-based row number in the file."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]


def read_table(data: bytes, content_type: str | None = None, *, max_rows: int = MAX_ROWS) -> Table:
    """An .xlsx (by its zip signature) or a CSV (UTF-8, UTF-8 with BOM, or GB18030)."""
    if not data:
        raise InvalidInput("the file is empty", errors=[_file("empty")])
    media = (content_type or "").split(";")[0].strip().lower()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, max_rows)
    if media and media not in CSV_TYPES and media != "application/octet-stream":
        raise InvalidInput(
            f"a {media} body is not a readable .xlsx workbook; send an .xlsx or a CSV file",
            errors=[_file("not an .xlsx workbook or CSV")],
        )
    if b"\x00" in data[:4096]:
        raise InvalidInput("the file is neither an .xlsx workbook nor CSV text", errors=[_file("binary data")])
    return _read_csv(data, max_rows)


def _file(message: str) -> FieldError:
    return FieldError("file", message)


def _too_many(max_rows: int) -> ValidationFailed:
    return ValidationFailed.on("file", f"more than {max_rows:,} rows; split the file (at most {max_rows:,} per import)")


def _header_text(value: Any) -> str:
    return str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    """Values of the first sheet (a formula gives its cached result: nothing is evaluated).

    Read with calamine (Rust): several times faster than openpyxl on thousands of rows.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput(f"not a readable .xlsx workbook: {exc}", errors=[_file("damaged zip archive")]) from exc
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise ValidationFailed.on(
            "file", f"the workbook unpacks to {inflated:,} bytes; at most {MAX_UNCOMPRESSED_BYTES:,} are read"
        )
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not wb.sheet_names:
            raise InvalidInput("the workbook has no sheet", errors=[_file("no sheet")])
        sheet = wb.get_sheet_by_index(0)
        first = (sheet.start[0] + 1) if sheet.start else 1
        for number, values in enumerate(sheet.iter_rows(), start=first):
            if not any(v not in (None, "") for v in values):
                continue
            if header is None:
                header = ["" if v is None else _header_text(v) for v in values]
                continue
            if len(rows) >= max_rows:
                raise _too_many(max_rows)
            rows.append((number, list(values)))
    except (InvalidInput, ValidationFailed):
        raise
    except Exception as exc:  # calamine raises its own errors on damaged workbooks
        raise InvalidInput(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", errors=[_file("not an .xlsx workbook")]
        ) from exc
    if header is None:
        raise InvalidInput("the sheet is empty: the first row names the columns", errors=[_file("no header row")])
    return Table(header, rows)


def _read_csv(data: bytes, max_rows: int) -> Table:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InvalidInput("the CSV is neither UTF-8 nor GB18030 text", errors=[_file("unknown encoding")])
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        last = 0
        for values in reader:
            start, last = last + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [v.strip() for v in values]
                continue
            if len(rows) >= max_rows:
                raise _too_many(max_rows)
            rows.append((start, values))
    except csv.Error as exc:
        raise InvalidInput(f"not readable as CSV: {exc}", errors=[_file(str(exc))]) from exc
    if header is None:
        raise InvalidInput("the CSV is empty: the first row names the columns", errors=[_file("no header row")])
    return Table(header, rows)
