"""The county's burden report as a PDF with charts and as a workbook, and the public figures'
JSON, from the indicators of the small county of tests/oversight_fixtures.py."""

from __future__ import annotations

import datetime
import io
import uuid

import httpx
import msgspec
import pypdfium2
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from api.portal.routes import _env as portal_templates  # autoescape, StrictUndefined
from core.oversight.comparison import Contrast, CountyDuty, ProvisionItem
from core.oversight.indicators import compute
from core.oversight.model import BurdenIndicators
from core.oversight.public import PUBLISHABLE, public_figures
from core.oversight.reports import render_pdf, render_workbook
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from tests.conftest import TenantFixture
from tests.oversight_fixtures import build_oversight_county


@pytest.fixture
async def indicators(client: httpx.AsyncClient, tenant: TenantFixture) -> BurdenIndicators:
    tenant_id = await build_oversight_county(client, tenant)
    async with tenant_transaction(tenant_id) as conn:
        return await compute(conn, tenant_id, datetime.date.today() + datetime.timedelta(days=1))


BURNING = Contrast(
    label="《大气污染防治法》第一百一十九条",
    document_id=uuid.uuid4(),
    article=119,
    county_level=[
        CountyDuty(
            uuid.uuid4(),
            "dongshan",
            "东山县",
            "county",
            [ProvisionItem("DS-R-1", "对露天焚烧秸秆的处罚", "recovered", "county", 0)],
        )
    ],
    township_level=[
        CountyDuty(
            uuid.uuid4(),
            "longsha",
            "龙沙区",
            "township",
            [ProvisionItem("LS-1", "秸秆禁烧监测和查处", "basic", "township", 9)],
        )
    ],
)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_pdf_opens_and_shows_chinese_labels_and_the_items_behind_each_indicator(
    indicators: BurdenIndicators,
) -> None:
    pdf = render_pdf(indicators, contrasts=[BURNING])
    document = pypdfium2.PdfDocument(pdf)  # a second reader: the file opens and every page renders
    try:
        assert len(document) >= 2
        for page in document:
            assert page.render(scale=0.5).to_pil().size[0] > 0
    finally:
        document.close()
    text = pdf_text(pdf).replace(" ", "")
    for label in (
        "测试县乡镇(街道)减负监测报告",
        "基本履职事项",
        "配合履职事项",
        "上级部门收回事项",
        "以配合之名下推的事项",
        "城镇燃气安全隐患排查",  # C-02, behind the push-down indicator
        "牵头部门职责仅为督促、指导乡镇(街道)",
        "生活垃圾分类督导",  # B-02, added without admission
        "危险化学品经营许可",
        "区应急管理局",
        "每个乡镇(街道)平均事项数与全国平均",  # a chart's title, drawn by the chart
        "全国平均",
        "柳城街道",
        "《大气污染防治法》第一百一十九条",
        "秸秆禁烧监测和查处",
    ):
        assert label in text, label
    assert "lead_duty_only_directs" not in text and "street" not in text  # labels, not codes


async def test_the_workbook_reads_back_with_labels(indicators: BurdenIndicators) -> None:
    wb = load_workbook(io.BytesIO(render_workbook(indicators, contrasts=[BURNING])))
    assert wb.sheetnames == ["概况", "乡镇", "乡镇类型", "清单类型", "指标事项", "部门呼叫", "跨县比较"]
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["乡镇(街道)数"] == 3 and summary["有现行清单的乡镇(街道)数"] == 3
    assert summary["以配合之名下推的事项（部门不履行自身职责）"] == 2
    townships = list(wb["乡镇"].iter_rows(values_only=True))
    assert townships[0][0] == "乡镇(街道)" and len(townships) == 4
    liucheng = next(r for r in townships if r[0] == "柳城街道")
    assert liucheng[1] == "街道" and liucheng[2] == "第2版" and liucheng[7] == 7
    items = list(wb["指标事项"].iter_rows(min_row=2, values_only=True))
    assert (
        "以配合之名下推的事项（部门不履行自身职责）",
        "防汛物资储备配合",
        "C-03",
        3,
        "没有县级部门承担主体责任",
    ) in items
    calls = list(wb["部门呼叫"].iter_rows(min_row=2, values_only=True))
    assert calls == [("区应急管理局", "县级部门", 1, "0.0%", "—", "0.0%", "0.0%", "—")]
    compared = list(wb["跨县比较"].iter_rows(min_row=2, values_only=True))
    assert compared == [
        ("《大气污染防治法》第一百一十九条", "东山县：对露天焚烧秸秆的处罚", "龙沙区：秸秆禁烧监测和查处")
    ]


async def test_public_figures_are_the_charts_the_county_chose(indicators: BurdenIndicators) -> None:
    figures = public_figures(indicators, ["calls", "kinds"])
    assert [c.code for c in figures.charts] == ["kinds", "calls"]  # the portal's order
    kinds = figures.charts[0]
    assert kinds.categories == ["基本履职事项", "配合履职事项", "上级部门收回事项", "合计"]
    assert kinds.series[1].label == "全国平均" and kinds.series[1].values == [117.0, 99.0, 124.0, 340.0]
    assert kinds.series[0].values == [2.0, 3.0, 1.0, round(19 / 3, 2)]
    assert figures.charts[1].categories == ["区应急管理局"]
    assert msgspec.json.decode(msgspec.json.encode(figures))["charts"][1]["unit"] == "%"
    with pytest.raises(ValidationFailed):
        public_figures(indicators, ["kinds", "names"])
    assert set(PUBLISHABLE) == {"kinds", "townships", "indicators", "calls"}


async def test_the_portal_draws_the_published_charts_as_inline_svg(indicators: BurdenIndicators) -> None:
    figures = public_figures(indicators, list(PUBLISHABLE))
    page = portal_templates.get_template("figures.html").render(figures=figures)
    assert page.count("<svg") == 4 and "<script" not in page and "style=" not in page
    assert "每个乡镇(街道)平均事项数与全国平均" in page and "全国平均" in page and "区应急管理局" in page
    assert 'width="360.0"' in page  # the national total (340) is the kinds chart's longest bar
    assert portal_templates.get_template("figures.html").render().strip() == ""  # nothing chosen: nothing shown
