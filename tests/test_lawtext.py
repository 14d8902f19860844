"""Chinese numerals and the law-text parser, on made-up texts and the shipped library (no DB)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.legal.lawtext import (
    LIBRARY_DIR,
    LawText,
    guess_level,
    iter_library,
    load_law_file,
    parse_law,
    short_title,
)
from core.legal.numerals import (
    article_label,
    item_label,
    paragraph_label,
    parse_number,
    to_chinese,
)

# --- numerals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("七十七", 77),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百二十三", 123),
        ("两百", 200),
        ("一千零一", 1001),
        ("三千二百", 3200),
        ("一万零五", 10005),
        ("〇", 0),
        ("二〇二四", 2024),
        ("3", 3),
        ("１２３", 123),
        (" 五 十 三 ", 53),
    ],
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "百", "十十", "一二十", "一十百", "条", "x1", "万"])
def test_parse_number_rejects_non_numerals(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_to_chinese_renders_legal_style_and_round_trips() -> None:
    assert [to_chinese(n) for n in (0, 10, 12, 20, 77, 105, 110, 119, 1010)] == [
        "零",
        "十",
        "十二",
        "二十",
        "七十七",
        "一百零五",
        "一百一十",
        "一百一十九",
        "一千零一十",
    ]
    assert all(parse_number(to_chinese(n)) == n for n in range(0, 20001))
    assert article_label(77) == "第七十七条"
    assert paragraph_label(2) == "第二款"
    assert item_label(3) == "第（三）项"
    with pytest.raises(ValueError):
        to_chinese(-1)


# --- parser on made-up texts ----------------------------------------------------------------

IRREGULAR = """\
# 中华人民共和国测试法

2001年1月1日 第九届全国人民代表大会常务委员会第一次会议通过
2010年6月30日 第十一届全国人民代表大会常务委员会第二次会议《关于修改〈中华人民共和国

测试法〉的决定》修正）

<!-- INFO END -->

##  第一章　总 则

第一条\u3000为了测试，制定本法。

第 二 条
县级人民政府履行下列职责：
(一) 甲；
（二）乙；

前款规定以外的事项，由乡镇人民政府办理。
第二条规定的事项不适用本法。\u200b

### 第一节 一般规定
第四条 跳过了第三条。
第四条 重复。
（一）一
（三）三
"""


def test_parse_irregular_text() -> None:
    law = parse_law(IRREGULAR, "测试法(2010-06-30).md")
    assert law.title == "中华人民共和国测试法"
    assert law.short_title == "测试法"
    assert law.level == "法律"
    assert law.version_date == date(2010, 6, 30)
    assert [h.date for h in law.history] == [date(2001, 1, 1), date(2010, 6, 30)]
    # the wrapped history line is joined and the stray ） dropped
    assert law.history[1].text.endswith("〈中华人民共和国测试法〉的决定》修正")

    assert [a.number for a in law.articles] == [1, 2, 4, 4]
    first = law.articles[0]
    assert first.label == "第一条"
    assert first.chapter == "第一章 总则"
    assert first.section is None
    assert [p.text for p in first.paragraphs] == ["为了测试，制定本法。"]

    second = law.article(2)
    assert second is not None and second.label == "第二条"
    # label alone on its line: the next line is the first paragraph; items in both styles
    assert [p.text for p in second.paragraphs] == [
        "县级人民政府履行下列职责：",
        "前款规定以外的事项，由乡镇人民政府办理。",
        "第二条规定的事项不适用本法。",  # a cross-reference at a line start is no new article
    ]
    assert [(i.number, i.text) for i in second.paragraphs[0].items] == [(1, "甲；"), (2, "乙；")]

    fourth = law.article(4)
    assert fourth is not None and fourth.section == "第一节 一般规定"
    assert fourth.paragraphs[0].text == "跳过了第三条。"  # the first of duplicates wins

    joined = "\n".join(law.warnings)
    assert "jumps from 第二条 to 第四条" in joined
    assert "第四条 appears more than once" in joined
    assert "item 2 is numbered （3）" in joined


def test_parse_without_header_marker_title_or_articles_never_raises() -> None:
    law = parse_law("第一条 只有一条。\n第五条规定")
    assert law.title == "(untitled)"
    assert [a.number for a in law.articles] == [1]
    assert law.article(1) is not None
    assert law.article(1).paragraphs[-1].text == "第五条规定"  # type: ignore[union-attr]
    assert law.version_date is None
    assert any("no version date" in w for w in law.warnings)

    # without a space after the label, only the next expected number starts an article
    assert [a.number for a in parse_law("第一条 甲\n第二条乙\n第九条丙").articles] == [1, 2]

    empty = parse_law("", "空白(2020-01-01).md")
    assert empty.articles == () and empty.title == "空白"
    assert empty.version_date == date(2020, 1, 1)
    assert "no articles found" in empty.warnings


def test_version_date_from_history_ignores_entry_into_force() -> None:
    text = "# 某条例\n2008年12月1日 国务院令公布\n2009年1月1日 施行\n<!-- INFO END -->\n第一条 x"
    law = parse_law(text)
    assert law.version_date == date(2008, 12, 1)
    assert law.level == "行政法规"


def test_guess_level_and_short_title() -> None:
    assert guess_level("中华人民共和国消防法") == "法律"
    assert guess_level("中华人民共和国土地管理法实施条例") == "行政法规"
    by_state_council = parse_law("# x\n2014年2月21日 国务院令第649号公布\n").history
    assert guess_level("社会救助暂行办法", by_state_council) == "行政法规"
    by_congress = parse_law("# x\n2016年1月1日 某省人民代表大会常务委员会通过\n").history
    assert guess_level("某省人口与计划生育条例", by_congress) == "地方性法规"
    assert guess_level("关于全面建立乡镇（街道）履行职责事项清单的意见") == "其他"
    assert short_title("中华人民共和国安全生产法") == "安全生产法"
    assert short_title("城市市容和环境卫生管理条例") == "城市市容和环境卫生管理条例"


# --- the shipped library ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> list[LawText]:
    return list(iter_library())


def test_library_is_shipped_with_its_provenance() -> None:
    readme = (LIBRARY_DIR / "README.md").read_text(encoding="utf-8")
    assert "LawRefBook/Laws" in readme
    assert "2f4c5c23716267af9dbebbbbd6cbbf732b101981" in readme
    files = [p for p in LIBRARY_DIR.rglob("*.md") if p.name != "README.md"]
    assert len(files) == 68
    assert {p.parent.name for p in files} == {
        "宪法相关法",
        "民法商法",
        "社会法",
        "经济法",
        "行政法",
        "行政法规",
        "诉讼与非诉讼程序法",
    }


def test_every_shipped_law_parses_with_sane_numbering(library: list[LawText]) -> None:
    assert len(library) == 68
    for law in library:
        numbers = [a.number for a in law.articles]
        assert numbers, law.source_name
        assert numbers == list(range(1, len(numbers) + 1)), law.source_name
        assert all(a.paragraphs and a.paragraphs[0].text for a in law.articles), law.source_name
        assert law.version_date is not None and law.history, law.source_name
        assert law.source_name and law.version_date.isoformat() in law.source_name
        assert law.title.endswith(law.short_title)
        assert law.warnings == (), (law.source_name, law.warnings)
    assert sum(len(law.articles) for law in library) == 5410
    # the ten laws present in two versions
    titles = [law.title for law in library]
    assert len(set(titles)) == 58
    assert sum(1 for t in set(titles) if titles.count(t) == 2) == 10


def test_levels_of_the_library(library: list[LawText]) -> None:
    by_level: dict[str, int] = {}
    for law in library:
        by_level[law.level] = by_level.get(law.level, 0) + 1
    assert by_level == {"法律": 55, "行政法规": 13}
    levels = {law.short_title: law.level for law in library}
    assert levels["社会救助暂行办法"] == "行政法规"
    assert levels["土地管理法实施条例"] == "行政法规"


def _law(library: list[LawText], short: str, year: int) -> LawText:
    found = [x for x in library if x.short_title == short and x.version_date and x.version_date.year == year]
    assert len(found) == 1, (short, year)
    return found[0]


def test_real_text_work_safety_law(library: list[LawText]) -> None:
    law = _law(library, "安全生产法", 2021)
    assert law.title == "中华人民共和国安全生产法"
    assert law.version_date == date(2021, 6, 10)
    assert len(law.articles) == 119
    assert [h.date.year for h in law.history] == [2002, 2009, 2014, 2021]
    assert law.history[-1].text.endswith("第三次修正")
    art77 = law.article(77)
    assert art77 is not None
    assert art77.chapter == "第四章 安全生产的监督管理"
    assert art77.paragraphs[0].text.startswith("新闻、出版、广播、电影、电视等单位有进行安全生产公益宣传教育的义务")
    art21 = law.article(21)
    assert art21 is not None and len(art21.paragraphs) == 1
    items = art21.paragraphs[0].items
    assert [i.number for i in items] == list(range(1, 8))
    assert items[6].text == "及时、如实报告生产安全事故。"
    assert law.chapters[0] == "第一章 总则" and law.chapters[-1] == "第七章 附则"


def test_provisions_are_flattened_in_document_order(library: list[LawText]) -> None:
    law = _law(library, "安全生产法", 2021)
    provisions = list(law.provisions())
    paragraphs = sum(len(a.paragraphs) for a in law.articles)
    items = sum(len(p.items) for a in law.articles for p in a.paragraphs)
    assert len(provisions) == len(law.articles) + paragraphs + items
    labels = {p.label: p for p in provisions}
    item = labels["第二十一条第一款第（七）项"]
    assert (item.article, item.paragraph, item.item) == (21, 1, 7)
    assert item.text == "及时、如实报告生产安全事故。"
    whole = labels["第二十一条"]
    assert whole.paragraph is None and whole.text.endswith("（七）及时、如实报告生产安全事故。")


def test_real_text_fire_law_paragraphs(library: list[LawText]) -> None:
    art53 = _law(library, "消防法", 2021).article(53)
    assert art53 is not None and len(art53.paragraphs) == 2
    assert art53.paragraphs[1].text == ("消防救援机构、公安派出所的工作人员进行消防监督检查，应当出示证件。")


def test_two_versions_differ(library: list[LawText]) -> None:
    old = _law(library, "突发事件应对法", 2007)
    new = _law(library, "突发事件应对法", 2024)
    assert (len(old.articles), len(new.articles)) == (70, 106)
    assert old.title == new.title
    assert [h.date.year for h in new.history] == [2007, 2024]
    assert _law(library, "征兵工作条例", 2001).article(74) is None
    assert _law(library, "征兵工作条例", 2023).article(74) is not None


def test_sections_and_wrapped_title_of_local_government_law(library: list[LawText]) -> None:
    law = _law(library, "地方各级人民代表大会和地方各级人民政府组织法", 2022)
    assert law.warnings == ()  # the title printed again over two lines is no stray text
    assert len(law.history) == 9
    assert "〈中华人民共和国全国人民代表大会和地方各级人民代表大会代表法〉的决定》第五次修正" in (law.history[7].text)
    sectioned = [a for a in law.articles if a.section]
    assert sectioned and sectioned[0].chapter == "第二章 地方各级人民代表大会"


def test_load_law_file_reads_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "消防法(2021-04-29).md"
    source = LIBRARY_DIR / "行政法" / "消防法(2021-04-29).md"
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    law = load_law_file(path)
    assert law.title == "中华人民共和国消防法" and len(law.articles) == 74
    assert law.articles == load_law_file(source).articles
