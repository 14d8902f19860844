"""Formula cells of a workbook's first sheet, and whether each carries its last result.

The reader (calamine) gives a formula cell's *cached* value — the result Excel or WPS stored
when the file was last saved — and nothing is evaluated here. A file written by a program
(openpyxl among them) stores formulas without results: the reader then sees an empty cell,
and ``=1+1`` in 事项描述 would import as ``''``. :func:`formula_cells` finds those cells in
the sheet's XML so that the import reports each one instead of storing a blank (the same
file opened and saved once in Excel or WPS has its results).

openpyxl's ``data_only=True`` reads the same cached values; it is not used because it is
several times slower than calamine and adds nothing here.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

_FORMULA = re.compile(rb"<f(?=[\s/>])")
_REF = re.compile(rb'\br="([A-Za-z]+)([0-9]+)"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_F_TEXT = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_V_TEXT = re.compile(rb"<v\s*/>|<v\b[^>]*>(.*?)</v>", re.S)
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")


@dataclass(frozen=True)
class Formula:
    """A formula cell: its text as written (``=1+1``) and whether the file stores its result."""

    text: str
    cached: bool


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number - 1


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part the reader opens as the first sheet: workbook.xml's first ``<sheet>`` through
    the workbook's relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relationships = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = _SHEET.search(workbook)
    if first is None:
        return None
    for tag in _RELATIONSHIP.findall(relationships):
        if f'Id="{first[1].decode()}"'.encode() in tag and (target := re.search(rb'Target="([^"]+)"', tag)):
            path = target[1].decode()
            return path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join("xl", path))
    return None


def formula_cells(data: bytes) -> dict[tuple[int, int], Formula]:
    """(1-based row, 0-based column) → formula, for every formula cell of the first sheet.

    Called only on a workbook :func:`core.exchange.unpack.check_workbook` has accepted, so
    the sheet's size is bounded."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        name = _first_sheet(archive)
        if name is None or name not in archive.namelist():
            return {}
        xml = archive.read(name)
    found: dict[tuple[int, int], Formula] = {}
    for match in _FORMULA.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, match.start()), xml.rfind(b"<c\t", 0, match.start()))
        end = xml.find(b"</c>", match.start())
        if start < 0 or end < 0:
            continue
        tag_end = xml.find(b">", start)
        tag = xml[start:tag_end]
        ref = _REF.search(tag)
        if ref is None:
            continue
        body = xml[tag_end + 1 : end]
        f = _F_TEXT.search(body)
        text = html.unescape(f[1].decode("utf-8", "replace")) if f and f[1] else ""
        v = _V_TEXT.search(body)
        kind = _TYPE.search(tag)
        # An empty <v> is a stored empty-string result only in a string-typed cell.
        cached = v is not None and (bool(v[1]) or (kind is not None and kind[1] == b"str"))
        found[(int(ref[2]), _column(ref[1]))] = Formula("=" + text if text else "=（共享公式）", cached)
    return found
