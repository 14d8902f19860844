"""Citation parsing, resolution against the shipped library and article checks (no DB)."""

from __future__ import annotations

import pytest

from core.legal import citations
from core.legal.citations import (
    CitationRef,
    Resolved,
    Unparsed,
    Unresolved,
    check_article,
    normalize_title,
    parse_citations,
    resolve,
    to_simplified,
)
from core.legal.lawtext import LawText, iter_library


def refs(text: str, **kwargs: str) -> list[tuple[str, int | None, int | None, int | None]]:
    """(title, article, paragraph, item) of every parsed reference; fails on Unparsed."""
    out = []
    for r in parse_citations(text, **kwargs):
        assert isinstance(r, CitationRef), r
        out.append((r.document_title, r.article, r.paragraph, r.item))
    return out


# --- parsing ------------------------------------------------------------------------------


def test_full_title_and_article() -> None:
    [ref] = parse_citations("《中华人民共和国安全生产法》第七十七条")
    assert ref == CitationRef("中华人民共和国安全生产法", 77, None, None, "《中华人民共和国安全生产法》第七十七条")
    assert ref.label == "第七十七条"
    assert str(ref) == "《中华人民共和国安全生产法》第七十七条"


def test_short_title_article_and_paragraph() -> None:
    assert refs("《消防法》第五十三条第二款") == [("消防法", 53, 2, None)]
    assert refs("《消防法》第五十三条第二款、第三款") == [
        ("消防法", 53, 2, None),
        ("消防法", 53, 3, None),
    ]


def test_two_articles_and_raw_parts() -> None:
    result = parse_citations("《城乡规划法》第四十一条、第四十二条")
    assert [(r.article, r.raw) for r in result if isinstance(r, CitationRef)] == [
        (41, "《城乡规划法》第四十一条"),
        (42, "第四十二条"),
    ]


def test_ranges() -> None:
    assert refs("《城乡规划法》第四十一条至第四十三条") == [("城乡规划法", n, None, None) for n in (41, 42, 43)]
    assert [n for _, n, _, _ in refs("《消防法》第四十一至四十三条、第五十条")] == [41, 42, 43, 50]
    assert refs("第四十一条至第四十三条", default_title="城乡规划法") == [
        ("城乡规划法", n, None, None) for n in (41, 42, 43)
    ]
    ranged = parse_citations("《城乡规划法》第四十一条至第四十三条")
    assert ranged[-1].raw == "第四十一条至第四十三条"
    assert [p for _, _, p, _ in refs("《消防法》第五条第一款至第三款")] == [1, 2, 3]


def test_range_without_a_document_is_reported_not_dropped() -> None:
    assert parse_citations("第四十一条至第四十三条") == [Unparsed("第四十一条至第四十三条", "no document named")]


def test_items() -> None:
    assert refs("《土地管理法》第六十二条第一款第（三）项") == [("土地管理法", 62, 1, 3)]
    assert refs("《土地管理法》第六十二条第一款第(一)、(二)项") == [
        ("土地管理法", 62, 1, 1),
        ("土地管理法", 62, 1, 2),
    ]
    assert refs("《安全生产法》第二十一条第（七）项") == [("安全生产法", 21, None, 7)]
    [ref] = parse_citations("《土地管理法》第六十二条第一款第（三）项")
    assert isinstance(ref, CitationRef) and ref.label == "第六十二条第一款第（三）项"


def test_arabic_and_full_width_numbers() -> None:
    assert refs("《消防法》第3条") == [("消防法", 3, None, None)]
    assert refs("《消防法》第５３条第２款") == [("消防法", 53, 2, None)]
    assert refs("《消防法》第5-7条") == [("消防法", n, None, None) for n in (5, 6, 7)]


def test_several_laws_in_one_string() -> None:
    text = (
        "《消防法》第五条；《安全生产法》第七条;《土地管理法》第六十二条，"
        "《城乡规划法》第四十一条\n《草原法》第五十二条"
    )
    assert refs(text) == [
        ("消防法", 5, None, None),
        ("安全生产法", 7, None, None),
        ("土地管理法", 62, None, None),
        ("城乡规划法", 41, None, None),
        ("草原法", 52, None, None),
    ]


def test_continuing_the_previous_document() -> None:
    assert refs("《消防法》第一条，第三条") == [
        ("消防法", 1, None, None),
        ("消防法", 3, None, None),
    ]
    assert refs("《消防法》第一条、《安全生产法》第二条和第三条") == [
        ("消防法", 1, None, None),
        ("安全生产法", 2, None, None),
        ("安全生产法", 3, None, None),
    ]


def test_whole_documents() -> None:
    [ref] = parse_citations("《城市市容和环境卫生管理条例》")
    assert isinstance(ref, CitationRef) and ref.article is None and ref.label == ""
    assert refs("《消防法》、《安全生产法》第七条") == [
        ("消防法", None, None, None),
        ("安全生产法", 7, None, None),
    ]


def test_traditional_characters_full_width_and_stray_spaces() -> None:
    assert refs("《中華人民共和國安全生產法》第七十七條") == [("中华人民共和国安全生产法", 77, None, None)]
    assert refs(" 《 消防法 》 第 五十三 条 第 二 款 ") == [("消防法", 53, 2, None)]
    assert refs("《城鄉規劃法》第四十一條第一款") == [("城乡规划法", 41, 1, None)]
    [ref] = parse_citations("《中華人民共和國安全生產法》第七十七條")
    assert ref.raw == "《中華人民共和國安全生產法》第七十七條"  # raw is as written


def test_traditional_without_opencc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "_opencc_converter", lambda: None)
    text = "《中華人民共和國城鄉規劃法》第四十一條；《城市市容和環境衛生管理條例》第十一條"
    assert to_simplified(text) == ("《中华人民共和国城乡规划法》第四十一条；《城市市容和环境卫生管理条例》第十一条")
    assert refs("《土地管理法實施條例》第三十四條、第三十五條") == [
        ("土地管理法实施条例", 34, None, None),
        ("土地管理法实施条例", 35, None, None),
    ]
    for law in iter_library():  # the table leaves simplified titles alone
        assert to_simplified(law.title) == law.title


def test_simplified_titles_are_left_alone() -> None:
    for law in iter_library():
        assert normalize_title(f"《{law.title}》") == law.title


def test_titles_without_brackets() -> None:
    assert refs("依据中华人民共和国土地管理法第六十二条") == [("中华人民共和国土地管理法", 62, None, None)]
    assert refs("省人口与计划生育条例") == [("省人口与计划生育条例", None, None, None)]


def test_version_annotation_after_the_title() -> None:
    [ref] = parse_citations("《中华人民共和国土地管理法》（2019年修正）第六十二条")
    assert isinstance(ref, CitationRef)
    assert (ref.article, ref.version_year) == (62, 2019)


@pytest.mark.parametrize(
    "text",
    [
        "《关于修改《中华人民共和国统计法》的决定》第一条",
        "《关于修改〈中华人民共和国统计法〉的决定》第一条",
        "《关于修改<中华人民共和国统计法>的决定》第一条",
        "《 关于修改〈中华人民共和国统计法〉的决定 》第一条",
    ],
)
def test_a_title_naming_another_document_inside(text: str) -> None:
    # The inner marks are kept, written as the corpus writes them (《》), however they were typed.
    assert refs(text) == [("关于修改《中华人民共和国统计法》的决定", 1, None, None)]


def test_nested_titles_next_to_plain_ones() -> None:
    assert refs("依据《实施〈反外国制裁法〉的规定》第三条和《消防法》第五条、《关于批准《巴黎协定》的决定》") == [
        ("实施《反外国制裁法》的规定", 3, None, None),
        ("消防法", 5, None, None),
        ("关于批准《巴黎协定》的决定", None, None, None),
    ]
    # an outer title left open is reported; the complete inner one still parses
    result = parse_citations("《关于修改《统计法》第一条")
    assert result[0] == Unparsed("《关于修改", "《 without a closing 》")
    assert result[1] == CitationRef("统计法", 1, None, None, "《统计法》第一条")
    assert normalize_title("关于批准《巴黎协定》") == "关于批准《巴黎协定》"  # a title ending in an inner mark keeps it


def test_nested_titles_resolve_against_the_corpus_form() -> None:
    known = {
        "实施《中华人民共和国反外国制裁法》的规定": "rules",
        "中华人民共和国反外国制裁法": "law",
        "国家机关、事业单位贯彻《国务院关于职工工作时间的规定》的实施办法": "hours",
    }
    cited = (
        "《实施〈中华人民共和国反外国制裁法〉的规定》第三条；《实施《中华人民共和国反外国制裁法》的规定》第三条；"
        "《实施〈反外国制裁法〉的规定》第三条；《反外国制裁法》第一条；"
        "《国家机关、事业单位贯彻〈国务院关于职工工作时间的规定〉的实施办法》"
    )
    results = resolve(parse_citations(cited), known)
    assert all(isinstance(r, Resolved) for r in results), results
    assert [r.document_key for r in results if isinstance(r, Resolved)] == ["rules", "rules", "rules", "law", "hours"]


def test_the_one_article_shortcut_reads_as_the_token_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.legal import citation_strings

    texts = [
        *citation_strings(2000),
        *(f"《{t}》第{n}条" for t in ("消防法", "民法典", "关于修改<统计法>的决定") for n in ("一", "十", "一千零一")),
        *("《消防法》第零条", "《消防法》第１０条", "《 消防法》第十条", "《消防法》第十条 ", "《消防法》第99999条"),
        *("《關於消防法》第十條", "《消防法》第十条之一", "《消防法》第一〇条", "《消防法》第十条第二款"),
    ]
    quick = [parse_citations(t) for t in texts]
    monkeypatch.setattr(citations, "_one_article", lambda *_: None)
    assert [parse_citations(t) for t in texts] == quick


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("依据有关规定", "no document named"),
        ("违反本法第五条", "no document named"),
        ("第3条", "no document named"),
        ("《消防法》第X条", "unreadable article number 'X'"),
        ("《消防法》第十条之一", "supplementary articles (第…条之…) cannot be addressed by number"),
        ("《消防法》第五条至第三条", "range 5–3 runs backwards or is too long"),
        ("《消防法第五条", "《 without a closing 》"),
        ("《》第五条", "empty document title 《》"),
    ],
)
def test_unparsed_with_reasons(text: str, reason: str) -> None:
    result = parse_citations(text)
    assert reason in [r.reason for r in result if isinstance(r, Unparsed)], result


def test_garbage_next_to_citations_is_reported_in_order() -> None:
    result = parse_citations("依据《消防法》第五条的规定，参照执行")
    assert result == [
        CitationRef("消防法", 5, None, None, "《消防法》第五条"),
        Unparsed("参照执行", "no document named"),
    ]
    assert parse_citations("") == []


# --- resolution against the shipped library -----------------------------------------------------


@pytest.fixture(scope="module")
def library() -> list[LawText]:
    return list(iter_library())


@pytest.fixture(scope="module")
def titles(library: list[LawText]) -> dict[str, str]:
    """What the database layer would pass: library title → document key."""
    return {law.title: f"doc:{law.short_title}" for law in library}


@pytest.mark.parametrize(
    ("citation", "key", "match"),
    [
        ("《中华人民共和国安全生产法》第七十七条", "doc:安全生产法", "exact"),
        ("《消防法》第五十三条第二款", "doc:消防法", "short"),
        ("《中華人民共和國安全生產法》第七十七條", "doc:安全生产法", "exact"),
        ("《中华人民共和国城市市容和环境卫生管理条例》第十一条", "doc:城市市容和环境卫生管理条例", "short"),
        ("《森林法》第一条", "doc:森林法", "short"),
        ("《森林法实施条例》第一条", "doc:森林法实施条例", "short"),
        ("《环评法》第五条", "doc:环境影响评价法", "abbreviation"),
        ("《环保法》第六条", "doc:环境保护法", "abbreviation"),
        ("《道交法》第一条", "doc:道路交通安全法", "abbreviation"),
        ("《土地法》第二条", "doc:土地管理法", "abbreviation"),
        ("《社会救助办法》", "doc:社会救助暂行办法", "abbreviation"),
    ],
)
def test_resolve(citation: str, key: str, match: str, titles: dict[str, str]) -> None:
    [result] = resolve(parse_citations(citation), titles)
    assert isinstance(result, Resolved), result
    assert (result.document_key, result.match) == (key, match)
    assert result.document_title in titles


def test_resolve_ambiguous_and_unknown(titles: dict[str, str]) -> None:
    result = resolve(
        parse_citations("《安全法》第一条；《刑法》第一条；省人口与计划生育条例；依据有关规定"),
        titles,
    )
    assert [type(r) for r in result] == [Unresolved, Unresolved, Unresolved, Unparsed]
    ambiguous, unknown, provincial, garbage = result
    assert isinstance(ambiguous, Unresolved) and ambiguous.reason.startswith("ambiguous")
    assert set(ambiguous.candidates) == {
        "中华人民共和国农产品质量安全法",
        "中华人民共和国特种设备安全法",
        "中华人民共和国道路交通安全法",
        "中华人民共和国食品安全法",
    }
    assert "《中华人民共和国食品安全法》" in ambiguous.reason
    assert isinstance(unknown, Unresolved)
    assert unknown.reason == "unknown document 《刑法》: not in the library"
    assert isinstance(provincial, Unresolved) and provincial.reason.startswith("unknown")
    assert garbage == Unparsed("依据有关规定", "no document named")


def test_resolve_prefers_the_exact_title_over_containment() -> None:
    known = {"中华人民共和国环境保护法": "env", "中华人民共和国海洋环境保护法": "sea"}
    [result] = resolve(parse_citations("《环境保护法》"), known)
    assert isinstance(result, Resolved) and result.document_key == "env"
    [result] = resolve(parse_citations("《保护法》"), known)
    assert isinstance(result, Unresolved) and result.candidates == tuple(sorted(known))


def test_every_library_title_resolves_to_itself(library: list[LawText], titles: dict[str, str]) -> None:
    for law in library:
        for written in (law.title, law.short_title):
            [result] = resolve(parse_citations(f"《{written}》第一条"), titles)
            assert isinstance(result, Resolved) and result.document_title == law.title, written


# --- article checks ----------------------------------------------------------------------------


def _law(library: list[LawText], short: str, year: int) -> LawText:
    return next(x for x in library if x.short_title == short and x.version_date and x.version_date.year == year)


def _ref(text: str) -> CitationRef:
    [ref] = parse_citations(text)
    assert isinstance(ref, CitationRef)
    return ref


def test_check_article(library: list[LawText]) -> None:
    land = _law(library, "土地管理法", 2019)
    assert check_article(_ref("《土地管理法》第六十二条"), land) is None
    assert check_article(_ref("《土地管理法》"), land) is None
    assert check_article(_ref("《土地管理法》第六十二条第七款"), land) is None
    assert check_article(_ref("《土地管理法》第九十九条"), land) == (
        "中华人民共和国土地管理法 (2019-08-26) has no 第九十九条 (articles: 第一条–第八十七条)"
    )
    reason = check_article(_ref("《土地管理法》第六十二条第八款"), land)
    assert reason is not None and "has no 第八款" in reason and "7 paragraph(s)" in reason
    reason = check_article(_ref("《土地管理法》第六十二条第一款第（三）项"), land)
    assert reason is not None and "第六十二条第一款 has no 第（三）项" in reason

    safety = _law(library, "安全生产法", 2021)
    assert check_article(_ref("《安全生产法》第二十一条第（七）项"), safety) is None
    assert check_article(_ref("《安全生产法》第二十一条第一款第（七）项"), safety) is None
    reason = check_article(_ref("《安全生产法》第二十一条第（八）项"), safety)
    assert reason is not None and "7 item(s)" in reason


def test_check_article_between_versions(library: list[LawText]) -> None:
    ref = _ref("《突发事件应对法》第一百条")
    assert check_article(ref, _law(library, "突发事件应对法", 2024)) is None
    reason = check_article(ref, _law(library, "突发事件应对法", 2007))
    assert reason is not None and "(2007-08-30) has no 第一百条" in reason


# --- forty and more citation forms as county staff write them --------------------------------

REAL_WORLD = [
    ("《中华人民共和国安全生产法》第七十七条", [("中华人民共和国安全生产法", 77, None, None)]),
    ("《安全生产法》第九条", [("安全生产法", 9, None, None)]),
    ("《消防法》第五十三条第二款", [("消防法", 53, 2, None)]),
    ("《中华人民共和国城乡规划法》第四十一条", [("中华人民共和国城乡规划法", 41, None, None)]),
    ("《中华人民共和国土地管理法》第六十二条", [("中华人民共和国土地管理法", 62, None, None)]),
    ("《城市市容和环境卫生管理条例》第十一条", [("城市市容和环境卫生管理条例", 11, None, None)]),
    ("《中华人民共和国草原法》第五十二条", [("中华人民共和国草原法", 52, None, None)]),
    ("《中华人民共和国农村土地承包法》第二十八条", [("中华人民共和国农村土地承包法", 28, None, None)]),
    ("《城乡规划法》第四十一条、第四十二条", [("城乡规划法", 41, None, None), ("城乡规划法", 42, None, None)]),
    ("《城乡规划法》第四十一条，第四十二条", [("城乡规划法", 41, None, None), ("城乡规划法", 42, None, None)]),
    ("《城乡规划法》第四十一条至第四十三条", [("城乡规划法", n, None, None) for n in (41, 42, 43)]),
    ("《消防法》第四十一至四十三条", [("消防法", n, None, None) for n in (41, 42, 43)]),
    ("《消防法》第五十三条第二款、第三款", [("消防法", 53, 2, None), ("消防法", 53, 3, None)]),
    ("《土地管理法》第六十二条第一款第（三）项", [("土地管理法", 62, 1, 3)]),
    ("《土地管理法》第六十二条第一款第(三)项", [("土地管理法", 62, 1, 3)]),
    ("《安全生产法》第3条", [("安全生产法", 3, None, None)]),
    ("《安全生产法》第７７条", [("安全生产法", 77, None, None)]),
    ("《安全生产法》第 七十七 条", [("安全生产法", 77, None, None)]),
    ("《中華人民共和國安全生產法》第七十七條", [("中华人民共和国安全生产法", 77, None, None)]),
    ("《中华人民共和国突发事件应对法》第二十一条", [("中华人民共和国突发事件应对法", 21, None, None)]),
    ("《突发事件应对法》第一百零五条", [("突发事件应对法", 105, None, None)]),
    ("《中华人民共和国矿产资源法》第六十四条", [("中华人民共和国矿产资源法", 64, None, None)]),
    ("《村民委员会组织法》第二条", [("村民委员会组织法", 2, None, None)]),
    ("《中华人民共和国村民委员会组织法》第二十四条第一款", [("中华人民共和国村民委员会组织法", 24, 1, None)]),
    ("《城市居民委员会组织法》第三条第（五）项", [("城市居民委员会组织法", 3, None, 5)]),
    ("《社会救助暂行办法》第十一条", [("社会救助暂行办法", 11, None, None)]),
    ("《中华人民共和国动物防疫法》第八条", [("中华人民共和国动物防疫法", 8, None, None)]),
    ("《中华人民共和国大气污染防治法》第一百一十九条", [("中华人民共和国大气污染防治法", 119, None, None)]),
    ("《中华人民共和国防洪法》第三十八条", [("中华人民共和国防洪法", 38, None, None)]),
    ("《物业管理条例》第二十条", [("物业管理条例", 20, None, None)]),
    ("《征兵工作条例》第十条", [("征兵工作条例", 10, None, None)]),
    ("《中华人民共和国兵役法》第三十五条", [("中华人民共和国兵役法", 35, None, None)]),
    ("《中华人民共和国统计法》第七条", [("中华人民共和国统计法", 7, None, None)]),
    ("《中华人民共和国慈善法》第九十五条", [("中华人民共和国慈善法", 95, None, None)]),
    ("《中华人民共和国文物保护法》第九条", [("中华人民共和国文物保护法", 9, None, None)]),
    ("依据《消防法》第五条的规定", [("消防法", 5, None, None)]),
    ("根据《中华人民共和国安全生产法》第九条第二款", [("中华人民共和国安全生产法", 9, 2, None)]),
    (
        "《安全生产法》第九条；《消防法》第三十一条",
        [("安全生产法", 9, None, None), ("消防法", 31, None, None)],
    ),
    (
        "《安全生产法》第九条;《消防法》第三十一条",
        [("安全生产法", 9, None, None), ("消防法", 31, None, None)],
    ),
    (
        "《安全生产法》第九条\n《消防法》第三十一条",
        [("安全生产法", 9, None, None), ("消防法", 31, None, None)],
    ),
    ("《城市市容和环境卫生管理条例》", [("城市市容和环境卫生管理条例", None, None, None)]),
    ("《中华人民共和国森林法》第二十条第二款", [("中华人民共和国森林法", 20, 2, None)]),
    ("＜＜消防法＞＞第五条", [("消防法", 5, None, None)]),
    ("《消防法》第一百条", [("消防法", 100, None, None)]),
]


@pytest.mark.parametrize(("text", "expected"), REAL_WORLD, ids=[t for t, _ in REAL_WORLD])
def test_real_world_citation_forms(text: str, expected: list[tuple[str, int | None, int | None, int | None]]) -> None:
    assert refs(text) == expected


def test_the_table_covers_forty_forms() -> None:
    assert len(REAL_WORLD) >= 40
