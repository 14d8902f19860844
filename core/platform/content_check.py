"""What a file's bytes are, whatever its name or declared type says.

:func:`verify` is called by :meth:`core.platform.storage.Storage.put` for every object written, so an
upload is stored — and later served — with the type its content was checked to be, never one
guessed from a file name: a ``.html`` file declared ``text/plain`` is text (served as text with
``nosniff``); HTML itself, declared as text, is refused. :func:`sniff` names what the bytes are
for error messages ("the content is a PNG image") and for objects stored before this check.

Checks per declared type: PDF starts ``%PDF-``, PNG and JPEG by their signatures, .xlsx is a
ZIP holding ``[Content_Types].xml`` and an ``xl/`` part, text and CSV decode as UTF-8 without
NUL and are not HTML or SVG markup, JSON parses. SVG is **not** in the default allow-list (it
is a document that can carry scripts); an operator who adds ``image/svg+xml`` gets SVGs
checked by :func:`_svg_problem`: no DTD, no script or foreignObject (or other embedding)
elements, no ``on…`` event attributes, no ``javascript:``, no references outside the file
(``href`` other than ``#…`` or an embedded raster ``data:`` image, CSS ``url()``/``@import``,
stylesheet processing instructions). An allow-listed type without a check of its own is
accepted unless the bytes are recognisably something else (markup, an executable, another
known format).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable, Collection
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

import msgspec

from core.platform.messages import CATALOGUE, EN, Text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Types a browser may show in the page (no script can run in them); everything else is
#: served as an attachment. PDF is not among them: browsers' PDF viewers refuse the sandboxed
#: documents our downloads are, and a downloaded PDF opens outside our origin.
INLINE_TYPES = frozenset({"image/png", "image/jpeg"})


class ContentProblem(ValueError):
    """The bytes are not what the declared type says: ``text`` says what they are, in the
    language a person asks for (:mod:`core.platform.messages`); ``str()`` is its English."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.render(EN))
        self.text = text


# --------------------------------------------------------------------------- sniffing

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
_MARKUP = re.compile(rb"\s*<(!doctype\s+html|html|head|body|script|iframe|svg|\?xml)[\s>/]", re.I)
_MARKUP_TYPES = {b"!doctype": "text/html", b"html": "text/html", b"head": "text/html", b"body": "text/html"}


def _described(media_type: str) -> bool:
    """Whether messages can name the type in words (``media.<type>`` in the catalogue)."""
    return f"media.{media_type}" in CATALOGUE


def describe(media_type: str) -> Text | str:
    """``'image/png'`` → "a PNG image (image/png)" / "PNG 图片（image/png）", for messages."""
    if not _described(media_type):
        return media_type
    return Text("content.described", what=Text(f"media.{media_type}"), type=media_type)


def _utf8(data: bytes) -> str | None:
    """The text, if ``data`` is UTF-8 (a BOM allowed) without NUL characters."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _markup(data: bytes) -> str | None:
    """``text/html``, ``image/svg+xml`` or ``application/xml`` when the text starts as markup."""
    head = data[:1024].removeprefix(codecs.BOM_UTF8)
    found = _MARKUP.match(head)
    if found is None:
        return None
    tag = found.group(1).lower().split()[0]
    if tag in (b"svg",) or (tag == b"?xml" and b"<svg" in data[:4096].lower()):
        return "image/svg+xml"
    if tag == b"?xml":
        return "application/xml"
    return _MARKUP_TYPES.get(tag, "text/html")


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()  # the central directory only: nothing is inflated
    except (zipfile.BadZipFile, ValueError, OSError):
        return "application/octet-stream"
    if "[Content_Types].xml" in names:
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return "application/zip"


def sniff(data: bytes) -> str:
    """What the bytes are, as a media type (``application/octet-stream`` when unknown)."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    text = _utf8(data)
    if text is None:
        return "application/octet-stream"
    markup = _markup(data)
    if markup is not None:
        return markup
    if text.lstrip()[:1] in ("{", "["):
        try:
            msgspec.json.decode(text)
            return "application/json"
        except (msgspec.DecodeError, RecursionError):
            pass
    return "text/plain"


# --------------------------------------------------------------------------- checks


def _not(declared: str, data: bytes, hint: Text | None = None, allowed: Collection[str] = ()) -> ContentProblem:
    actual = sniff(data)
    if hint is not None:
        advice = hint
    elif actual in allowed:
        advice = Text("content.declare", actual=actual)
    else:
        advice = Text("content.not-accepted", accepted=", ".join(allowed) or Text("word.none"))
    return ContentProblem(Text("content.not-declared", actual=describe(actual), declared=declared, advice=advice))


Check = Callable[[str, bytes, Collection[str]], str]


def _signature(signature: bytes) -> Check:
    def check(declared: str, data: bytes, allowed: Collection[str]) -> str:
        if not data.startswith(signature):
            raise _not(declared, data, allowed=allowed)
        return declared

    return check


def _xlsx(declared: str, data: bytes, allowed: Collection[str]) -> str:
    if sniff(data) != XLSX:
        raise _not(declared, data, Text("content.hint-xlsx"))
    return XLSX


def _text(declared: str, data: bytes, allowed: Collection[str]) -> str:
    if _utf8(data) is None:
        unknown = sniff(data) == "application/octet-stream"
        raise _not(declared, data, Text("content.hint-utf8") if unknown else None, allowed)
    markup = _markup(data)
    if markup is not None:
        raise ContentProblem(Text("content.markup", actual=describe(markup), declared=declared))
    return f"{declared}; charset=utf-8"


def _json(declared: str, data: bytes, allowed: Collection[str]) -> str:
    text = _utf8(data)
    if text is None:
        raise _not(declared, data, Text("content.hint-json-utf8"))
    try:
        msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ContentProblem(Text("content.bad-json", detail=detail)) from None
    return "application/json"


def _svg(declared: str, data: bytes, allowed: Collection[str]) -> str:
    problem = _svg_problem(data)
    if problem is not None:
        raise ContentProblem(Text("content.svg", problem=problem))
    return "image/svg+xml"


_CHECKS: dict[str, Check] = {
    "application/pdf": _signature(b"%PDF-"),
    "image/png": _signature(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": _signature(b"\xff\xd8\xff"),
    XLSX: _xlsx,
    "text/plain": _text,
    "text/csv": _text,
    "application/json": _json,
    "image/svg+xml": _svg,
}
_GENERIC = frozenset({"application/octet-stream", "text/plain", "application/zip"})
_NEVER_UNCHECKED = frozenset(
    {
        "text/html",
        "image/svg+xml",
        "application/xml",
        "application/x-msdownload",
        "application/x-executable",
    }
)


def verify(media_type: str, data: bytes, allowed: Collection[str] = ()) -> str:
    """The content type to store ``data`` under, declared as ``media_type`` (lower case, no
    parameters); raises :class:`ContentProblem` when the bytes are something else. ``allowed``
    (the allow-list) only shapes the advice in the message."""
    check = _CHECKS.get(media_type)
    if check is not None:
        return check(media_type, data, allowed)
    actual = sniff(data)
    # An allow-listed type we have no check for: refuse what is recognisably another thing.
    if actual in _NEVER_UNCHECKED or (_described(actual) and actual not in _GENERIC and actual != media_type):
        raise _not(media_type, data, allowed=allowed)
    return media_type


# --------------------------------------------------------------------------- SVG

_SVG = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "audio", "video", "frame"}
)
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\(|javascript:", re.I)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _svg_problem(data: bytes) -> Text | None:
    """Why this SVG could run code or fetch anything when opened; ``None`` when it cannot."""
    text = _utf8(data)
    if text is None:
        return Text("content.svg-not-utf8")
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.I):
        return Text("content.svg-dtd")
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "pi"))
    try:
        parser.feed(text)
        parser.close()
    except ParseError as exc:
        return Text("content.svg-not-xml", detail=str(exc))
    root_seen = False
    for event in parser.read_events():
        if event[0] == "pi":
            return Text("content.svg-processing-instruction")
        element = event[-1]
        assert isinstance(element, Element)  # a "start" event is (name, element)
        tag = _local(element.tag)
        if not root_seen:
            root_seen = True
            if tag != "svg":
                return Text("content.svg-root", tag=tag)
        if tag in _FORBIDDEN_ELEMENTS:
            return Text("content.svg-element", tag=tag)
        if tag == "style" and element.text and _CSS_URL.search(element.text):
            return Text("content.svg-stylesheet-outside")
        for name, value in element.attrib.items():
            attr = _local(name)
            if attr.startswith("on"):
                return Text("content.svg-handler", attr=attr)
            if "javascript:" in value.lower().replace(" ", ""):
                return Text("content.svg-javascript", attr=attr)
            if attr == "href" and not (value.startswith("#") or _RASTER_DATA.match(value)):
                return Text("content.svg-href-outside")
            if attr == "style" and _CSS_URL.search(value):
                return Text("content.svg-style-outside")
            if attr == "attributename" and (value.lower().endswith("href") or value.lower().startswith("on")):
                return Text("content.svg-animates")
    return None
