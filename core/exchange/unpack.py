"""Checking an .xlsx before a reader inflates it: sizes, ratios and where its cells lie.

A workbook is a zip of XML. Its reader (calamine) inflates the members it needs whole and
builds a *dense* grid from the first to the last cell of a sheet, so three kinds of upload
cost far more memory than their size:

- a zip bomb — 250 KB of repeated text that unpacks to 250 MB (the zip directory's declared
  sizes and the compression ratio give it away; a directory can lie, so every member is
  also inflated here, in bounded chunks, and refused as soon as it passes what it declared);
- a sparse sheet — two cells, ``A1`` and ``XFD1048576``: 2 KB of XML, a grid of 17 billion
  cells (calamine's allocation of 512 GB aborts the whole process);
- plenty of plain cells or shared strings — bounded by the uncompressed size.

:func:`check_workbook` finds all three by streaming the archive once (a few MB of memory
whatever the upload) and raises before the reader starts. It reads every member, not only
the first sheet: the reader finds sheets through relationship files, and guessing that
resolution differently from it would leave a way around the check.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZIP_STORED, BadZipFile, ZipFile, ZipInfo

from core.platform.errors import ContentTooLarge, InvalidInput, ValidationFailed
from core.platform.messages import Text

#: Header rows, title rows above them and blank rows a sheet may have besides its items.
ROW_SLACK = 100
#: Members a workbook may have (Excel writes about ten, plus two or three per sheet or image).
MAX_MEMBERS = 5_000
#: The compression ratio is only judged on members at least this large (small XML files
#: compress unevenly).
RATIO_FLOOR = 1024 * 1024
_CHUNK = 256 * 1024  # compressed bytes fed to the inflater at once
_OUT = 1024 * 1024  # at most this much inflated output held at once


@dataclass(frozen=True)
class WorkbookLimits:
    """What an import reads at most; see the QINGDAN_WORKBOOK_* settings."""

    max_uncompressed_bytes: int = 64 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 20_000
    max_columns: int = 100


def _too_large(text: Text) -> ContentTooLarge:
    return ContentTooLarge.said(text, field="file")


def check_workbook(data: bytes, limits: WorkbookLimits) -> int:
    """Refuse a workbook that would unpack or spread beyond ``limits``; the bytes it unpacks to."""
    _check_member_count(data)
    try:
        with ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (BadZipFile, ValueError, struct.error) as exc:
        raise InvalidInput.said(Text("file.damaged-zip", {"why": str(exc)}), field="file") from exc
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        text = Text("file.unpacks-too-large", {"size": declared, "limit": limits.max_uncompressed_bytes})
        raise _too_large(text)
    for member in members:
        _check_declaration(member, limits)
    scanner = _CellScanner(limits)
    for member in members:
        scanner.scan(member.filename, partial(_inflate, data, member))
    return declared


def _check_member_count(data: bytes) -> None:
    """Count the members from the end-of-directory record before the zip module builds an
    object for each (a 16 MB upload could hold 300,000 empty members)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise InvalidInput.said(Text("file.damaged-zip", {"why": "no zip directory"}), field="file")
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count > MAX_MEMBERS:  # 0xFFFF (a ZIP64 archive) is refused here too
        raise _too_large(Text("file.too-many-parts", {"count": count, "limit": MAX_MEMBERS}))


def _check_declaration(member: ZipInfo, limits: WorkbookLimits) -> None:
    if member.flag_bits & 0x1:
        raise InvalidInput.said(Text("file.encrypted"), field="file")
    if member.compress_type not in (ZIP_STORED, ZIP_DEFLATED):
        text = Text("file.compression", {"part": member.filename})
        raise InvalidInput.said(text, field="file")
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size >= RATIO_FLOOR and ratio > limits.max_ratio:
        params = {"part": member.filename, "ratio": ratio, "size": member.file_size, "limit": limits.max_ratio}
        raise _too_large(Text("file.ratio", params))


def _inflate(data: bytes, member: ZipInfo) -> Iterator[bytes]:
    """The member's bytes in chunks, refused as soon as they pass its declared size; checked
    against its CRC at the end. Reads the archive's raw stream (not :mod:`zipfile`'s reader,
    which stops at the declared size instead of noticing that the stream goes on)."""
    offset = member.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04":
        raise _damaged(member, Text("file.no-local-header"))
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + member.compress_size]
    produced, crc = 0, 0
    inflater = zlib.decompressobj(-15) if member.compress_type == ZIP_DEFLATED else None
    for i in range(0, len(raw), _CHUNK):
        pending = bytes(raw[i : i + _CHUNK])
        while True:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, _OUT)
                except zlib.error as exc:
                    raise _damaged(member, str(exc)) from exc
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > member.file_size:
                text = Text("file.lying-size", {"part": member.filename, "size": member.file_size})
                raise _too_large(text)
            crc = zlib.crc32(out, crc)
            if out:
                yield out
            if not pending and len(out) < _OUT:  # input used up and nothing held back
                break
    if produced != member.file_size or crc != member.CRC or (inflater is not None and not inflater.eof):
        raise _damaged(member, Text("file.checksum"))


def _damaged(member: ZipInfo, why: Text | str) -> InvalidInput:
    text = Text("file.damaged-part", {"part": member.filename, "why": why})
    return InvalidInput.said(text, field="file")


# --- where the cells lie ---------------------------------------------------------------------


def _letters_above(limit: int) -> str:
    """A regex for column names (``A``…``XFD``, any case) of columns after column ``limit``."""
    name = ""
    while limit:
        limit, rest = divmod(limit - 1, 26)
        name = chr(65 + rest) + name
    options = [f"[A-Za-z]{{{len(name) + 1},}}"]  # more letters is always further right
    for i, letter in enumerate(name):
        if letter != "Z":
            after = chr(ord(letter) + 1)
            same = "".join(f"[{c}{c.lower()}]" for c in name[:i])
            options.append(f"{same}[{after}-Z{after.lower()}-z][A-Za-z]{{{len(name) - i - 1}}}")
    return "|".join(options)


def _number_above(limit: int) -> str:
    """A regex for decimal numbers (no leading zeros) greater than ``limit``."""
    digits = str(limit)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}")
    return "|".join(options)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


#: A cell element that is not written ``<c r="…"`` (no reference, another attribute first,
#: single quotes) or that has a namespace prefix: the exact walk below handles those.
_UNUSUAL = re.compile(rb'<c(?=[\s/>])(?! r=")')  # two searches: each has a literal prefix, which
_PREFIXED = re.compile(rb":c[\s/>]")  # makes it several times faster than one alternation
#: Any element named ``c`` or ``row`` (with or without prefix), start or end.
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)0*([0-9]*)""")


class _CellScanner:
    """Refuses a cell beyond the last row or column the limits allow (so the reader's grid stays
    within ``rows × columns``), member by member, over chunks of inflated XML.

    Sheets written by Excel, WPS, LibreOffice and openpyxl give every cell its reference
    first (``<c r="B7" …>``); for those two regular-expression searches per chunk decide.
    Anything else is walked tag by tag the way the reader places cells: a cell without a
    reference goes right of the previous one, a row without one below the previous row.
    Empty cells (``<c …/>``) are ignored, as the reader ignores them.
    """

    def __init__(self, limits: WorkbookLimits) -> None:
        self.limits = limits
        self.last_row = limits.max_rows + ROW_SLACK
        beyond = f"(?:{_letters_above(limits.max_columns)})[0-9]|[A-Za-z]+0*(?:{_number_above(self.last_row)})[\"']"
        self._beyond = re.compile(f'<c r="(?:{beyond})'.encode())

    def scan(self, name: str, chunks: Callable[[], Iterator[bytes]]) -> None:
        """``chunks()`` yields the member's bytes (called again for the exact walk)."""
        for tag in _tags(chunks()):
            unusual = _UNUSUAL.search(tag) or _PREFIXED.search(tag)
            if unusual or any(not _empty_cell(tag, m.end()) for m in self._beyond.finditer(tag)):
                self._walk(name, chunks())  # exact, and names the row or column
                return

    def _walk(self, name: str, chunks: Iterator[bytes]) -> None:
        row = column = 0  # zero-based, as the reader counts
        for tag in _tags(chunks):
            for closing, element, attributes in _TOKEN.findall(tag):
                empty = attributes.endswith(b"/")
                if element == b"row":
                    if closing or empty:
                        row, column = row + 1, 0
                    if not closing and (ref := _REFERENCE.search(attributes)) and ref[2]:
                        row = int(ref[2]) - 1
                    continue
                if closing:
                    continue
                at_row = row
                if (ref := _REFERENCE.search(attributes)) and ref[1]:
                    column = _column_number(ref[1]) - 1
                    at_row = int(ref[2]) - 1 if ref[2] else row
                if not empty:
                    self._check(name, at_row, column)
                column += 1

    def _check(self, name: str, row: int, column: int) -> None:
        if column >= self.limits.max_columns:
            text = Text("file.column-beyond", {"part": name, "column": column + 1, "limit": self.limits.max_columns})
            raise ValidationFailed.said(text, field="file")
        if row >= self.last_row:
            params = {"part": name, "row": row + 1, "limit": self.limits.max_rows, "slack": ROW_SLACK}
            text = Text("file.row-beyond", params)
            raise ValidationFailed.said(text, field="file")


def _empty_cell(tag: bytes, start: int) -> bool:
    end = tag.find(b">", start)
    return end > 0 and tag[end - 1 : end] == b"/"


def _tags(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, each cut after its last complete tag (the rest goes with the next one), so
    that no tag is split between two."""
    carry = b""
    for chunk in chunks:
        chunk = carry + chunk if carry else chunk
        cut = chunk.rfind(b"<")
        if cut >= 0 and chunk.find(b">", cut) < 0:
            carry, chunk = chunk[cut:], chunk[:cut]
            if len(carry) > _OUT:
                raise InvalidInput.said(Text("file.long-tag"), field="file")
        else:
            carry = b""
        yield chunk
    if carry:
        yield carry
