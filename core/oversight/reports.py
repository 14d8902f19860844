"""A county's burden report: a printable PDF with charts, and an Excel workbook.

Both read one :class:`~core.oversight.model.BurdenIndicators` (computed, or read back from the
stored results) and print labels, not codes: list kinds, township types, reasons and
departments by their Chinese names; items by name with their reference code beside it, so a
reader can find them in the county's list. The PDF is set with reportlab and the handbook's
bundled CJK font (:mod:`core.publication.handbook.fonts`), charts drawn by reportlab's own
graphics (no plotting library); the workbook by openpyxl, as the county's exports are, its
text cells escaped so that no cell becomes a formula. Neither holds personal data: the
indicators carry none.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exchange.layout import escape as cell_text
from core.oversight.comparison import Contrast
from core.oversight.model import ROLE_LABELS, BurdenIndicators, Figures, Indicator
from core.oversight.public import Chart, calls_chart, indicators_chart, kinds_chart, townships_chart
from core.publication.handbook.fonts import FontSpec, find_font, register

INK = colors.HexColor("#1f2328")
MUTED = colors.HexColor("#59636e")
ACCENT = colors.HexColor("#a4262c")
RULE = colors.HexColor("#d0d7de")
SERIES_COLOURS = [colors.HexColor(c) for c in ("#a4262c", "#8c959f", "#0969da", "#1a7f37", "#9a6700")]
FRAME_W = A4[0] - 36 * mm
UNIT_KINDS = {"department": "县级部门", "dispatched_agency": "派驻机构", "committee": "议事协调机构"}

TITLE = "乡镇(街道)减负监测报告"


def _number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _ratio(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.2f}"


def figure_rows(f: Figures) -> list[tuple[str, str, str, str]]:
    """(kind, entries, per township, ratio to the national average) per role, then the total."""
    return [
        (ROLE_LABELS["basic"], str(f.basic), _number(f.basic_per_township), _ratio(f.basic_ratio)),
        (
            ROLE_LABELS["cooperating"],
            str(f.cooperating),
            _number(f.cooperating_per_township),
            _ratio(f.cooperating_ratio),
        ),
        (ROLE_LABELS["recovered"], str(f.recovered), _number(f.recovered_per_township), _ratio(f.recovered_ratio)),
        (ROLE_LABELS["other"], str(f.other), "", ""),
        ("合计", str(f.total), _number(f.total_per_township), _ratio(f.total_ratio)),
    ]


TOWNSHIP_HEADER = ("乡镇(街道)", "类型", "清单版本", "基本", "配合", "收回", "其他", "合计", "合计/全国平均")
ITEM_HEADER = ("事项名称", "事项编码", "涉及乡镇数", "说明")
CALLS_HEADER = ("部门", "类别", "收到", "按时签收率", "按时答复率", "退回率", "转派率", "满意率")


#: A group of townships (a township type, a district) by its means per township (PDF) ...
MEANS_HEADER = ("乡镇数", "每乡镇基本", "每乡镇配合", "每乡镇收回", "每乡镇合计", "合计/全国平均")
MEANS_WIDTHS = (0.22, 0.1, 0.13, 0.13, 0.13, 0.13, 0.16)
#: ... and by its counts (workbook).
COUNTS_HEADER = ("乡镇数", "基本", "配合", "收回", "其他", "合计", "每乡镇合计")
COUNTS_WIDTHS = (20, 10, 8, 8, 8, 8, 8, 12)


def mean_rows(groups: Iterable[tuple[str, Figures]]) -> list[tuple[Any, ...]]:
    return [
        (
            label,
            f.townships,
            _number(f.basic_per_township),
            _number(f.cooperating_per_township),
            _number(f.recovered_per_township),
            _number(f.total_per_township),
            _ratio(f.total_ratio),
        )
        for label, f in groups
    ]


def count_rows(groups: Iterable[tuple[str, Figures]]) -> list[tuple[Any, ...]]:
    return [
        (label, f.townships, f.basic, f.cooperating, f.recovered, f.other, f.total, f.total_per_township)
        for label, f in groups
    ]


def township_rows(ind: BurdenIndicators) -> list[tuple[Any, ...]]:
    return [
        (
            t.name,
            t.township_type_label,
            "无现行清单" if t.list_version is None else f"第{t.list_version}版",
            t.figures.basic,
            t.figures.cooperating,
            t.figures.recovered,
            t.figures.other,
            t.figures.total,
            _ratio(t.figures.total_ratio),
        )
        for t in ind.townships
    ]


def item_rows(indicator: Indicator) -> list[tuple[Any, ...]]:
    return [(i.title, i.code, i.townships, i.note) for i in indicator.items]


def calls_rows(ind: BurdenIndicators) -> list[tuple[Any, ...]]:
    return [
        (
            d.unit_name,
            UNIT_KINDS.get(d.unit_kind, d.unit_kind),
            d.received,
            _percent(d.signed_on_time_rate),
            _percent(d.answered_on_time_rate),
            _percent(d.send_back_rate),
            _percent(d.reroute_rate),
            _percent(d.satisfaction_rate),
        )
        for d in ind.departments
    ]


def indicator_summary(indicator: Indicator) -> str:
    share = "" if indicator.share is None else f"，占 {_percent(indicator.share)}"
    return f"{indicator.count} 项（基数 {indicator.base}{share}）"


# --------------------------------------------------------------------------- PDF


def chart_drawing(chart: Chart, font: str, *, stacked: bool = False) -> Drawing:
    """A horizontal bar chart of ``chart`` (categories down the left, one bar per series, or
    one stacked bar), its title above and a legend below; sized to its categories."""
    label_w, bar = 62 * mm, 3.2 * mm
    per_category = bar * (1 if stacked else len(chart.series)) + 2.5 * mm
    plot_h = max(20 * mm, per_category * max(len(chart.categories), 1))
    legend_h = 6 * mm * ((len(chart.series) + 2) // 3)
    height = plot_h + legend_h + 16 * mm
    drawing = Drawing(FRAME_W, height)
    drawing.add(
        String(0, height - 5 * mm, chart.title + f"（{chart.unit}）", fontName=font, fontSize=10, fillColor=INK)
    )
    bars: Any = HorizontalBarChart()  # reportlab's stubs type its attributes too narrowly
    bars.x, bars.y = label_w, legend_h + 6 * mm
    bars.width, bars.height = FRAME_W - label_w - 8 * mm, plot_h
    # reportlab draws the first category at the bottom: reverse, so the list reads top-down
    bars.data = [list(reversed(s.values)) for s in chart.series] or [[0.0]]
    bars.categoryAxis.categoryNames = [_short(c) for c in reversed(chart.categories)]
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -2
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    top = max((v for series in chart.series for v in series.values if v is not None), default=0.0)
    if chart.unit == "%":
        bars.valueAxis.valueMax, bars.valueAxis.valueStep = 100, 20
    elif top <= 5:  # whole items: no 0.5 ticks on a small count
        bars.valueAxis.valueMax, bars.valueAxis.valueStep = max(1, math.ceil(top)), 1
    bars.categoryAxis.style = "stacked" if stacked else "parallel"
    bars.barLabelFormat = None
    for n in range(len(chart.series)):
        bars.bars[n].fillColor = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        bars.bars[n].strokeColor = None
    drawing.add(bars)
    legend: Any = Legend()
    legend.x, legend.y = label_w, legend_h
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1 if len(chart.series) <= 3 else 2
    legend.colorNamePairs = [(SERIES_COLOURS[n % len(SERIES_COLOURS)], s.label) for n, s in enumerate(chart.series)]
    drawing.add(legend)
    return drawing


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


class _Pdf:
    """The report's flowables, in one font."""

    def __init__(self, font: str) -> None:
        self.font = font
        base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13, textColor=INK, wordWrap="CJK")
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=10)
        self.muted = ParagraphStyle("muted", parent=base, fontSize=8, leading=11, textColor=MUTED)
        self.h1 = ParagraphStyle("h1", parent=base, fontSize=18, leading=24, textColor=ACCENT, spaceAfter=3 * mm)
        self.heading = ParagraphStyle(
            "h2", parent=base, fontSize=12.5, leading=17, textColor=ACCENT, spaceBefore=5 * mm, spaceAfter=2 * mm
        )
        self.flow: list[Any] = []

    def p(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.flow.append(Paragraph(xml_escape(text), style or self.body))

    def h2(self, text: str) -> None:
        self.flow.append(Paragraph(xml_escape(text), self.heading))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]) -> None:
        if not rows:
            self.p("（无）", self.muted)
            return
        cells = [[Paragraph(xml_escape(str(v)), self.small) for v in row] for row in [header, *rows]]
        table = Table(cells, colWidths=[w * FRAME_W for w in widths], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, RULE),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.flow.append(table)

    def chart(self, chart: Chart, *, stacked: bool = False) -> None:
        if not chart.categories:
            return
        # a heading right before the chart moves with it: no heading alone at a page's foot
        heading = [self.flow.pop()] if self.flow and getattr(self.flow[-1], "style", None) is self.heading else []
        self.flow.append(KeepTogether([*heading, Spacer(1, 2 * mm), chart_drawing(chart, self.font, stacked=stacked)]))


def render_pdf(ind: BurdenIndicators, *, contrasts: Sequence[Contrast] = (), font: FontSpec | None = None) -> bytes:
    """The county's burden report as an A4 PDF; ``contrasts``: the comparison's duties this
    county and others place on different levels (:func:`core.oversight.comparison.compare`)."""
    doc = _Pdf(register(font or find_font()))
    doc.flow.append(Paragraph(xml_escape(f"{ind.county_name}{TITLE}"), doc.h1))
    doc.p(
        f"截至 {ind.as_of:%Y年%m月%d日}，按各乡镇(街道)当日现行的已发布清单计算；"
        f"全国平均：每个乡镇(街道)约 {ind.national.total} 项，其中基本履职事项 {ind.national.basic} 项、"
        f"配合履职事项 {ind.national.cooperating} 项、上级部门收回事项 {ind.national.recovered} 项。",
        doc.muted,
    )
    c = ind.county
    doc.h2("一、清单规模")
    doc.p(f"乡镇(街道) {c.townships} 个，其中有现行清单的 {c.townships_with_list} 个。")
    doc.table(
        ("类别", "事项条数（各乡镇合计）", "每乡镇平均", "与全国平均之比"), figure_rows(c), (0.34, 0.24, 0.2, 0.22)
    )
    doc.chart(kinds_chart(ind))
    if len(ind.districts) > 1:  # a tenant keeping several districts' lists: each district is a county
        doc.p("按县（区）：")
        doc.table(("县（区）", *MEANS_HEADER), mean_rows((d.name, d.figures) for d in ind.districts), MEANS_WIDTHS)
    doc.h2("二、按乡镇类型")
    doc.table(("乡镇类型", *MEANS_HEADER), mean_rows((t.label, t.figures) for t in ind.township_types), MEANS_WIDTHS)
    doc.h2("三、各乡镇(街道)")
    doc.chart(townships_chart(ind), stacked=True)
    doc.table(TOWNSHIP_HEADER, township_rows(ind), (0.2, 0.13, 0.11, 0.08, 0.08, 0.08, 0.08, 0.09, 0.15))
    doc.h2("四、减负监测指标")
    doc.chart(indicators_chart(ind))
    for n, indicator in enumerate(ind.indicators, start=1):
        doc.flow.append(Paragraph(xml_escape(f"{n}. {indicator.label}：{indicator_summary(indicator)}"), doc.body))
        doc.table(ITEM_HEADER, item_rows(indicator), (0.3, 0.15, 0.12, 0.43))
        doc.flow.append(Spacer(1, 3 * mm))
    doc.h2("五、乡呼县应：部门响应")
    doc.p(f"统计期：{ind.call_period.start:%Y年%m月%d日} 至 {ind.call_period.end:%Y年%m月%d日} 发起的呼叫。", doc.muted)
    doc.chart(calls_chart(ind))
    doc.table(CALLS_HEADER, calls_rows(ind), (0.24, 0.1, 0.08, 0.12, 0.12, 0.1, 0.1, 0.14))
    if contrasts:
        doc.h2("六、与其他县比较：同一法定职责的承担层级")
        doc.table(("法律依据", "县级承担", "下沉乡镇"), contrast_rows(contrasts), (0.3, 0.35, 0.35))
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{ind.county_name}{TITLE}",
        author="Qingdan",
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.setFont(doc.font, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(A4[0] / 2, 9 * mm, f"{ind.county_name}{TITLE} · 第 {canvas.getPageNumber()} 页")

    template.build(doc.flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def contrast_rows(contrasts: Sequence[Contrast]) -> list[tuple[str, str, str]]:
    def side(duties: Sequence[Any]) -> str:
        return "；".join(f"{d.county_name}：{'、'.join(i.title for i in d.items)}" for d in duties)

    return [(c.label, side(c.county_level), side(c.township_level)) for c in contrasts]


# --------------------------------------------------------------------------- Excel

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F6F8FA")


def _sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> None:
    ws = wb.create_sheet(title)
    ws.append([cell_text(h) for h in header])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in rows:
        ws.append([cell_text(v) if isinstance(v, str) else v for v in row])
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"


def render_workbook(ind: BurdenIndicators, *, contrasts: Sequence[Contrast] = ()) -> bytes:
    """The county's burden indicators as an .xlsx: 概况, 乡镇, 乡镇类型 (县（区） for several), 清单类型, 指标事项,
    部门呼叫 (and 跨县比较 with ``contrasts``). Numbers are numbers; rates are fractions
    formatted as percentages by the reader's own choice (shown as text in the PDF)."""
    wb = Workbook()
    for sheet in list(wb.worksheets):  # the default empty sheet
        wb.remove(sheet)
    c = ind.county
    summary = [
        ("县（市、区）", ind.county_name),
        ("行政区划代码", ind.division_code),
        ("截至日期", ind.as_of.isoformat()),
        ("乡镇(街道)数", c.townships),
        ("有现行清单的乡镇(街道)数", c.townships_with_list),
        *((f"{label}（每乡镇平均 / 与全国平均之比）", f"{per} / {ratio}") for label, _, per, ratio in figure_rows(c)),
        *((indicator.label, indicator.count) for indicator in ind.indicators),
        ("呼叫统计期", f"{ind.call_period.start.isoformat()} 至 {ind.call_period.end.isoformat()}"),
    ]
    _sheet(wb, "概况", ("项目", "数值"), summary, (44, 40))
    _sheet(wb, "乡镇", TOWNSHIP_HEADER, township_rows(ind), (20, 14, 12, 8, 8, 8, 8, 8, 14))
    types = count_rows((t.label, t.figures) for t in ind.township_types)
    _sheet(wb, "乡镇类型", ("乡镇类型", *COUNTS_HEADER), types, COUNTS_WIDTHS)
    if len(ind.districts) > 1:
        districts = count_rows((d.name, d.figures) for d in ind.districts)
        _sheet(wb, "县（区）", ("县（区）", *COUNTS_HEADER), districts, COUNTS_WIDTHS)
    _sheet(
        wb,
        "清单类型",
        ("清单类型", "归类", "事项数", "各乡镇条数合计"),
        [(k.label, ROLE_LABELS[k.role], k.items, k.entries) for k in ind.kinds],
        (24, 20, 10, 16),
    )
    _sheet(
        wb,
        "指标事项",
        ("指标", *ITEM_HEADER),
        [(indicator.label, *row) for indicator in ind.indicators for row in item_rows(indicator)],
        (40, 30, 16, 12, 60),
    )
    _sheet(
        wb,
        "部门呼叫",
        CALLS_HEADER,
        calls_rows(ind),
        (28, 12, 8, 12, 12, 10, 10, 10),
    )
    if contrasts:
        _sheet(wb, "跨县比较", ("法律依据", "县级承担", "下沉乡镇"), contrast_rows(contrasts), (36, 50, 50))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
