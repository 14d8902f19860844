"""Laying out a handbook (工作手册 / 口袋书) as a PDF with reportlab, in one pass.

A5 pages (a pocket book): a cover; the contents by category with page numbers; then per
category every entry with its levels, kinds, responsibilities, legal bases, local details
and a QR code opening the entry's portal page. The CJK font is embedded as a subset.

The contents come before the entries but their page numbers are only known once the
entries are laid out. Rather than laying everything out twice (platypus' ``multiBuild``),
the contents pages are reserved up front — their number follows from the number of lines,
one line per category and per entry — and each shows a PDF form XObject that is filled in
at the end, when every entry's page is known. One layout pass keeps a 500-entry handbook
to about two seconds.

QR codes are vector paths (one rectangle per run of dark modules), so they stay sharp at
any print resolution.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.publication.handbook.fonts import FontSpec, register
from core.publication.handbook.model import HandbookDocument, HandbookEntry

PAGE_W, PAGE_H = A5
MARGIN_X = 12 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 14 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
QR_SIZE = 24 * mm
TOC_LINE = 5.2 * mm
TOC_TITLE_LINES = 3

INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#59636e")
ACCENT = colors.HexColor("#a4262c")
RULE = colors.HexColor("#d0d7de")

Progress = Callable[[int], None]


@dataclass
class _State:
    """Shared by the flowables and the canvas during one build."""

    toc_pages: list[list[tuple[int, str, str]]]  # per page: (level, text, anchor key)
    pages: dict[str, int] = field(default_factory=dict)  # anchor key → page number
    toc_shown: int = 0
    entries_done: int = 0
    progress: Progress | None = None


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=12.5, textColor=INK, wordWrap="CJK")
    return {
        "section": ParagraphStyle(
            "section", parent=base, fontSize=15, leading=20, textColor=ACCENT, spaceAfter=4 * mm, spaceBefore=0
        ),
    }


@dataclass(frozen=True)
class TextStyle:
    size: float
    leading: float
    space_before: float = 0.0


META = TextStyle(7, 9.5)
TITLE = TextStyle(11, 14.5, 1)
CHAIN = TextStyle(7, 9.5)
FIELD = TextStyle(8.5, 12.5, 1.5)

Segment = tuple[str, Any]  # (text, colour)

# Break opportunities: between CJK characters, around Latin words and numbers (kept whole).
_TOKEN = re.compile(r"\n|[A-Za-z0-9][A-Za-z0-9.,:;/_@#%&+()\-]*|.", re.S)
# Closing punctuation never starts a line: it hangs at the end of the previous one.
_NO_LINE_START = set("，。、；：！？）》」』】〕”’,.;:!?)]}%·…")


_WIDTHS: dict[tuple[str, str], float] = {}  # (font, character) → width at size 1


class TextBlock(Flowable):
    """Plain text in one font, in coloured runs, wrapped for CJK and split across pages.

    Used instead of platypus' ``Paragraph`` (mark-up parsing and ``wordWrap="CJK"``), which
    took about half of a handbook's layout time: a handbook needs neither mark-up nor
    several fonts, so lines are broken here with cached character widths.
    """

    def __init__(
        self, segments: list[Segment], font: str, style: TextStyle, lines: list[list[Segment]] | None = None
    ) -> None:
        super().__init__()
        self.segments, self.font, self.style = segments, font, style
        self._lines = lines
        self._for_width: float | None = None if lines is None else -1.0

    def _width(self, text: str) -> float:
        widths, font = _WIDTHS, self.font
        total = 0.0
        for ch in text:
            w = widths.get((font, ch))
            if w is None:
                w = widths[(font, ch)] = stringWidth(ch, font, 1)
            total += w
        return total * self.style.size

    def _break(self, width: float) -> list[list[Segment]]:
        lines: list[list[Segment]] = []
        line: list[list[Any]] = []
        used = 0.0

        def flush() -> None:
            nonlocal line, used
            lines.append([(text, colour) for text, colour in line])
            line, used = [], 0.0

        def put(token: str, colour: Any, w: float) -> None:
            nonlocal used
            if line and line[-1][1] is colour:
                line[-1][0] += token
            else:
                line.append([token, colour])
            used += w

        for text, colour in self.segments:
            for token in _TOKEN.findall(text):
                if token == "\n":
                    flush()
                    continue
                w = self._width(token)
                if used + w > width and line and token not in _NO_LINE_START:
                    flush()
                    if token.isspace():
                        continue
                if w > width and len(token) > 1:  # a Latin run longer than a line
                    for ch in token:
                        cw = self._width(ch)
                        if used + cw > width and line:
                            flush()
                        put(ch, colour, cw)
                    continue
                put(token, colour, w)
        if line or not lines:
            flush()
        return lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._for_width != -1.0 and (self._lines is None or self._for_width != avail_width):
            self._lines, self._for_width = self._break(avail_width), avail_width
        assert self._lines is not None
        self.width, self.height = avail_width, len(self._lines) * self.style.leading
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return self.style.space_before

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        assert self._lines is not None
        fits = int(avail_height // self.style.leading)
        if fits <= 0:
            return []
        if fits >= len(self._lines):
            return [self]
        head, tail = self._lines[:fits], self._lines[fits:]
        return [
            TextBlock(self.segments, self.font, self.style, head),
            TextBlock(self.segments, self.font, TextStyle(self.style.size, self.style.leading), tail),
        ]

    def draw(self) -> None:
        assert self._lines is not None
        text = self.canv.beginText()
        text.setFont(self.font, self.style.size, self.style.leading)
        y = self.height - self.style.size
        for line in self._lines:
            text.setTextOrigin(0, y)
            for run, colour in line:
                text.setFillColor(colour)
                text.textOut(run)
            y -= self.style.leading
        self.canv.drawText(text)


def _p(text: str) -> str:
    """Escape data for reportlab's paragraph mark-up."""
    return escape(text)


class _Anchor(Flowable):
    """Zero-height marker: records its page, adds an outline entry, reports progress."""

    def __init__(self, state: _State, key: str, title: str, level: int, *, entry: bool) -> None:
        super().__init__()
        self.state, self.key, self.title, self.level, self.entry = state, key, title, level, entry

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        self.state.pages[self.key] = canv.getPageNumber()
        canv.bookmarkPage(self.key)
        canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level == 0)
        if self.entry:
            self.state.entries_done += 1
            if self.state.progress is not None:
                self.state.progress(self.state.entries_done)


class _Blank(Flowable):
    """A 1-point flowable that makes a page exist (platypus skips empty pages)."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 1

    def draw(self) -> None:
        pass


_DARK_RUN = re.compile(rb"\x01+")


class QRCode(Flowable):
    """A QR code as one vector path (a rectangle per run of dark modules), with a caption.

    The mask is fixed (0) rather than chosen by scoring all eight: any mask is valid for a
    reader, and scoring is most of segno's pure-Python encoding time (about 30 ms of 36 per
    code — 15 s for a 500-entry handbook).
    """

    def __init__(self, url: str, size: float, font: str, caption: str = "扫码查看") -> None:
        super().__init__()
        self.url, self.size, self.font, self.caption = url, size, font, caption

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size + 9

    def draw(self) -> None:
        matrix = segno.make_qr(self.url, error="m", mask=0, boost_error=False).matrix
        n = len(matrix)
        canv = self.canv
        canv.saveState()
        # Module coordinates: x right, y down from the top-left module; rows overlap by a
        # hair so that renderers leave no seams between them.
        module = self.size / n
        ops = [f"0 g {module:.4f} 0 0 {-module:.4f} 0 {9 + self.size:.4f} cm"]
        for r, row in enumerate(matrix):
            y = f"{r - 0.04:g}"
            ops.extend(f"{m.start()} {y} {m.end() - m.start()} 1.08 re" for m in _DARK_RUN.finditer(bytes(row)))
        ops.append("f")
        canv.addLiteral("\n".join(ops))
        canv.restoreState()
        canv.setFont(self.font, 6)
        canv.setFillColor(MUTED)
        canv.drawCentredString(self.size / 2, 2, self.caption)


class _HandbookCanvas(Canvas):
    """Fills the contents forms in just before the file is written."""

    def __init__(self, *args: Any, state: _State, font: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hb_state, self._hb_font = state, font

    def save(self) -> None:
        for index, lines in enumerate(self._hb_state.toc_pages):
            self.beginForm(f"toc{index}")
            _draw_toc_page(self, self._hb_font, index, lines, self._hb_state.pages)
            self.endForm()
        super().save()


def _draw_toc_page(
    canv: Canvas, font: str, index: int, lines: list[tuple[int, str, str]], pages: dict[str, int]
) -> None:
    y = PAGE_H - MARGIN_TOP - TOC_LINE
    if index == 0:
        canv.setFont(font, 15)
        canv.setFillColor(ACCENT)
        canv.drawString(MARGIN_X, y - 2 * mm, "目　录")
        y -= TOC_TITLE_LINES * TOC_LINE
    right = PAGE_W - MARGIN_X
    for level, text, key in lines:
        size = 9 if level == 0 else 7.5
        x = MARGIN_X + (0 if level == 0 else 2.5 * mm * level)
        number = str(pages.get(key, ""))
        canv.setFont(font, size)
        canv.setFillColor(ACCENT if level == 0 else INK)
        canv.drawString(x, y, text)
        canv.setFillColor(INK)
        canv.drawRightString(right, y, number)
        end = x + stringWidth(text, font, size) + 1.5 * mm
        start = right - stringWidth(number, font, size) - 1.5 * mm
        if start > end:
            canv.setStrokeColor(RULE)
            canv.setDash(0.6, 1.8)
            canv.setLineWidth(0.6)
            canv.line(end, y + 0.6 * mm, start, y + 0.6 * mm)
            canv.setDash()
        y -= TOC_LINE


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` on one line."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _toc(doc: HandbookDocument, font: str) -> list[list[tuple[int, str, str]]]:
    """The contents lines, split into pages (the first page also carries the title)."""
    lines: list[tuple[int, str, str]] = []
    width = FRAME_W - 12 * mm
    number = 0
    for s, section in enumerate(doc.sections):
        lines.append((0, _fit(f"{section.label}（{len(section.entries)}项）", font, 9, width), f"c{s}"))
        for entry in section.entries:
            number += 1
            level = min(entry.depth, 4)
            text = _fit(f"{entry.code}　{entry.title}", font, 7.5, width - 2.5 * mm * level)
            lines.append((level, text, f"e{number}"))
    per_page = int(FRAME_H // TOC_LINE)
    pages: list[list[tuple[int, str, str]]] = []
    first = per_page - TOC_TITLE_LINES
    pages.append(lines[:first])
    rest = lines[first:]
    while rest:
        pages.append(rest[:per_page])
        rest = rest[per_page:]
    return pages


def _entry_flowables(
    state: _State, entry: HandbookEntry, number: int, styles: dict[str, ParagraphStyle], font: str
) -> list[Flowable]:
    meta = [entry.code, entry.level_label, *entry.kind_labels]
    if entry.item_kind_label:
        meta.append(entry.item_kind_label)
    head: list[Flowable] = [
        TextBlock([("　·　".join(meta), MUTED)], font, META),
        TextBlock([(entry.title, INK)], font, TITLE),
    ]
    if entry.chain:
        head.append(TextBlock([("上级：" + " → ".join(entry.chain), MUTED)], font, CHAIN))
    table = Table(
        [[head, QRCode(entry.url, QR_SIZE, font)]],
        colWidths=[FRAME_W - QR_SIZE - 3 * mm, QR_SIZE + 3 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 3 * mm),
            ]
        ),
    )

    def field(label: str, *text: str) -> TextBlock:
        return TextBlock([(label + "　", ACCENT), ("\n".join(text), INK)], font, FIELD)

    out: list[Flowable] = []
    if entry.description:
        out.append(field("事项说明", entry.description))
    if entry.duties:
        lines = []
        for d in entry.duties:
            share = f"（经费分担 {d.financial_share:g}%）" if d.financial_share is not None else ""
            lines.append(f"【{d.role_label}】{d.party}{share}" + (f"：{d.duty}" if d.duty else ""))
        out.append(field("职责分工", "", *lines))
    if entry.recovery:
        r = entry.recovery
        out.append(
            field("收回情况", f"承接部门：{r.receiving_unit}；工作方式：{r.working_method}；收回原因：{r.reason}")
        )
    if entry.legal_bases:
        out.append(field("法律依据", "", *(f"{i}. {b}" for i, b in enumerate(entry.legal_bases, 1))))
    if entry.process:
        out.append(field("办理流程", entry.process))
    local = [
        (label, value)
        for label, value in (("责任科室", entry.responsible_office), ("岗位", entry.post), ("联系方式", entry.contact))
        if value
    ]
    if local:
        segments: list[Segment] = []
        for label, value in local:
            segments += [(label + "　", ACCENT), (value + "　", INK)]
        out.append(TextBlock(segments, font, FIELD))
    for label, value in entry.extras:
        out.append(field(label, value))
    if entry.note:
        out.append(field("备注", entry.note))
    # The heading, its QR code and the first detail stay on one page.
    anchor = _Anchor(state, f"e{number}", f"{entry.code} {entry.title}", 1, entry=True)
    return [KeepTogether([anchor, table, *out[:1]]), *out[1:], _Rule()]


class _Rule(Flowable):
    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 5 * mm

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 2.5 * mm, self.width, 2.5 * mm)


def _cover(canv: Canvas, doc: HandbookDocument, font: str) -> None:
    canv.saveState()
    canv.setFillColor(ACCENT)
    canv.rect(0, PAGE_H - 22 * mm, PAGE_W, 22 * mm, stroke=0, fill=1)
    canv.setFillColor(colors.white)
    canv.setFont(font, 10)
    canv.drawString(MARGIN_X, PAGE_H - 13 * mm, doc.county_name)
    canv.setFillColor(INK)
    canv.setFont(font, 24)
    canv.drawCentredString(PAGE_W / 2, PAGE_H * 0.62, doc.township_name)
    canv.setFont(font, 15)
    canv.drawCentredString(PAGE_W / 2, PAGE_H * 0.62 - 12 * mm, "履职事项清单工作手册")
    canv.setFont(font, 9)
    canv.setFillColor(MUTED)
    lines = [
        f"第 {doc.version} 版　·　{doc.effective_date.isoformat()} 起施行",
        f"共 {doc.entry_count} 项：" + "，".join(f"{label} {n} 项" for label, n in doc.kind_counts if n),
        f"区划代码 {doc.township_code}　·　参考目录第 {doc.catalog_version} 版",
    ]
    y = PAGE_H * 0.62 - 26 * mm
    for line in lines:
        canv.drawCentredString(PAGE_W / 2, y, _fit(line, font, 9, FRAME_W))
        y -= 6 * mm
    canv.setFont(font, 7.5)
    canv.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM, f"{doc.tenant_name}　·　{doc.generated_at:%Y-%m-%d} 印制")
    canv.drawCentredString(
        PAGE_W / 2, MARGIN_BOTTOM - 4.5 * mm, "每个事项旁的二维码可打开其网上页面（办理流程、依据、分工、联系人）"
    )
    canv.restoreState()


def _page_furniture(canv: Canvas, doc: HandbookDocument, font: str) -> None:
    canv.saveState()
    canv.setFont(font, 7)
    canv.setFillColor(MUTED)
    canv.drawString(MARGIN_X, PAGE_H - 9 * mm, f"{doc.township_name}履职事项清单工作手册")
    canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 9 * mm, f"第 {doc.version} 版")
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN_X, PAGE_H - 10.5 * mm, PAGE_W - MARGIN_X, PAGE_H - 10.5 * mm)
    canv.drawCentredString(PAGE_W / 2, 7 * mm, f"— {canv.getPageNumber()} —")
    canv.restoreState()


def render_handbook(doc: HandbookDocument, font_spec: FontSpec, progress: Progress | None = None) -> bytes:
    """The handbook as PDF bytes. ``progress(n)`` is called after each of the n entries is
    laid out (from the calling thread)."""
    font = register(font_spec)
    registerFontFamily(font, normal=font, bold=font, italic=font, boldItalic=font)
    styles = _styles(font)
    state = _State(toc_pages=_toc(doc, font), progress=progress)

    def cover(canv: Canvas, _doc: Any) -> None:
        _cover(canv, doc, font)

    def contents(canv: Canvas, _doc: Any) -> None:
        _page_furniture(canv, doc, font)
        canv.doForm(f"toc{state.toc_shown}")
        state.toc_shown += 1

    def body(canv: Canvas, _doc: Any) -> None:
        _page_furniture(canv, doc, font)

    frame = Frame(
        MARGIN_X, MARGIN_BOTTOM, FRAME_W, FRAME_H, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A5,
        title=f"{doc.township_name}履职事项清单工作手册（第{doc.version}版）",
        author=doc.tenant_name,
        subject="乡镇(街道)履职事项清单",
        creator="Qingdan",
        pageTemplates=[
            PageTemplate("cover", frames=[frame], onPage=cover),
            PageTemplate("contents", frames=[frame], onPage=contents),
            PageTemplate("body", frames=[frame], onPage=body),
        ],
    )
    story: list[Flowable] = [_Blank(), NextPageTemplate("contents"), PageBreak()]
    for page in range(len(state.toc_pages)):
        story.append(_Blank())
        story.append(NextPageTemplate("body" if page == len(state.toc_pages) - 1 else "contents"))
        story.append(PageBreak())
    number = 0
    for s, section in enumerate(doc.sections):
        if s:
            story.append(PageBreak())
        story.append(_Anchor(state, f"c{s}", f"{section.label}（{len(section.entries)}项）", 0, entry=False))
        story.append(Paragraph(_p(section.label), styles["section"]))
        for entry in section.entries:
            number += 1
            story.extend(_entry_flowables(state, entry, number, styles, font))
    if not doc.sections:
        story.append(Spacer(1, 1))
    template.build(story, canvasmaker=functools.partial(_HandbookCanvas, state=state, font=font))
    return buffer.getvalue()
