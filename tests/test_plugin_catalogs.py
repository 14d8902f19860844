"""The five plugins' list structures, seed catalogs and item rules (no database, no core loader).

Each plugin's ``qingdan_list_structure``, ``qingdan_seed_catalog`` and ``qingdan_check_item``
hooks are called directly (and once through pluggy). Items are checked against their
structure, their hierarchy, the plugin's units and the plugin's own rules; every cited
article is looked up in the law texts of the reference library by a plain scan for
``第…条`` at the start of a line.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType

import pluggy
import pytest

from core.catalog.structure import township_scope
from core.plugin_api import hookspecs
from core.plugin_api.types import (
    CatalogItem,
    ListStructure,
    Problem,
    Recovery,
    Responsibility,
    SeedCatalog,
)

REPO = Path(__file__).resolve().parent.parent
PLUGINS = ("wenjiang", "longsha", "taian", "lanshan", "dongshan")
PREFIX = {"wenjiang": "WJ-", "longsha": "LS-", "taian": "TA-", "lanshan": "LAN-", "dongshan": "DS-"}
ITEM_CODE = re.compile(r"^[A-Z]{2,4}-[A-Z0-9-]{1,24}$")
TOWNSHIP = "township"
ROLES = {"primary", "cooperating"}
FIELD_TYPES = {"string", "number", "boolean", "date", "choice", "list"}
CITATION = re.compile(
    r"^《(?P<title>[^《》]+)》第(?P<article>[零一二三四五六七八九十百千]+)条"
    r"(第[一二三四五六七八九十]+款)?(第[一二三四五六七八九十]+项)?$"
)
#: The two laws the library holds in two versions that every plugin cites at least once, so
#: that an amendment's impact on the catalogs can be shown.
AMENDED_LAWS = {"中华人民共和国突发事件应对法", "中华人民共和国矿产资源法"}

WENJIANG_SOURCES = {
    "statutory_powers",
    "granted_powers",
    "territorial_duties",
    "duty_tasks",
    "public_services",
    "key_area_divisions",
}


# --- helpers -----------------------------------------------------------------------------


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"plugins.{name}")


def _catalog_module(name: str) -> ModuleType:
    return importlib.import_module(f"plugins.{name}.catalog")


def _structure(name: str) -> ListStructure:
    structure = _module(name).qingdan_list_structure()
    assert isinstance(structure, ListStructure)
    return structure


def _catalog(name: str) -> SeedCatalog:
    catalog = _module(name).qingdan_seed_catalog()
    assert isinstance(catalog, SeedCatalog)
    return catalog


def _items(name: str) -> tuple[CatalogItem, ...]:
    return _catalog(name).items


def _check(name: str, item: CatalogItem) -> list[Problem]:
    problems = _module(name).qingdan_check_item(item=item)
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    return problems


def _unit_kinds(name: str) -> dict[str, str]:
    return {u.code: u.kind for u in _module(name).qingdan_jurisdiction().units}


_DIGITS = dict(zip("零一二三四五六七八九", range(10), strict=True))
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 一百一十九 → 119, 一百零三 → 103."""
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


def test_chinese_number() -> None:
    cases = {
        "一": 1,
        "十": 10,
        "十二": 12,
        "二十": 20,
        "九十四": 94,
        "一百零三": 103,
        "一百一十九": 119,
        "一百五十四": 154,
    }
    assert {k: chinese_number(k) for k in cases} == cases


def _laws_dir() -> Path:
    shared = Path("/work/shared/laws")
    return shared if shared.is_dir() else REPO / "core" / "legal" / "data" / "laws"


@cache
def law_articles() -> dict[str, frozenset[int]]:
    """Full title → the article numbers of its latest version in the library."""
    latest: dict[str, tuple[str, Path]] = {}
    for path in _laws_dir().glob("*/*.md"):
        title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("#").strip()
        date = re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name)
        version = date.group(1) if date else ""
        if title not in latest or version > latest[title][0]:
            latest[title] = (version, path)
    articles: dict[str, frozenset[int]] = {}
    for title, (_, path) in latest.items():
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"^第([零一二三四五六七八九十百千]+)条", text, flags=re.MULTILINE)
        articles[title] = frozenset(chinese_number(n) for n in found)
    return articles


def test_law_library_is_there() -> None:
    articles = law_articles()
    assert len(articles) >= 50
    assert 9 in articles["中华人民共和国安全生产法"]
    assert 41 in articles["中华人民共和国城乡规划法"]
    # The 2024 version of the emergency response law is the one used (106 articles).
    assert max(articles["中华人民共和国突发事件应对法"]) == 106


@pytest.fixture(params=PLUGINS)
def name(request: pytest.FixtureRequest) -> str:
    return request.param


# --- registration ------------------------------------------------------------------------


def test_hooks_run_through_pluggy(name: str) -> None:
    module = _module(name)
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(module, name=name)
    assert pm.hook.qingdan_list_structure() == module.qingdan_list_structure()
    assert pm.hook.qingdan_seed_catalog() == module.qingdan_seed_catalog()
    item = _items(name)[0]
    assert pm.hook.qingdan_check_item(item=item) == [[]]


def test_catalog_is_marked_as_sample(name: str) -> None:
    catalog = _catalog(name)
    assert catalog.sample is True
    assert catalog.note.startswith("示例数据")


# --- structure ---------------------------------------------------------------------------


def test_structure_codes_are_unique(name: str) -> None:
    s = _structure(name)
    assert s.kinds and s.levels and s.categories and s.extra_fields
    for group in (
        [k.code for k in s.kinds],
        [lv.code for lv in s.levels],
        [c.code for c in s.categories],
        [c.code for c in s.item_kinds],
        [f.name for f in s.extra_fields],
    ):
        assert [c for c, n in Counter(group).items() if n > 1] == []


def test_structure_is_sound(name: str) -> None:
    s = _structure(name)
    assert [lv.depth for lv in s.levels] == list(range(1, len(s.levels) + 1))
    known = {c.code for c in s.item_kinds}
    for lv in s.levels:
        assert set(lv.item_kinds) <= known, lv.code
    for kind in s.kinds:
        assert kind.township in {"all", "claim", "none"}, kind.code
        assert kind.label and kind.label_en
    for f in s.extra_fields:
        assert f.type in FIELD_TYPES, f.name
        if f.type == "choice":
            assert f.choices, f.name


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("wenjiang", {"basic": "all", "cooperating": "all", "recovered": "all", "differentiated": "claim"}),
        ("dongshan", {"basic": "all", "cooperating": "all", "recovered": "all", "town_applied": "claim"}),
        ("taian", {"basic": "all", "cooperating": "all", "recovered": "all", "differentiated": "claim"}),
        (
            "longsha",
            {
                "common": "all",
                "differentiated": "claim",
                "power_responsibility": "all",
                "government_service": "all",
            },
        ),
        (
            "lanshan",
            {"core": "none", "shared": "all", "delegated": "all", "negative": "all", "differentiated": "claim"},
        ),
    ],
)
def test_list_kinds(name: str, kinds: dict[str, str]) -> None:
    s = _structure(name)
    assert {k.code: k.township for k in s.kinds} == kinds
    # Every part is a section; the claimed kinds that mark items of the parts (Dongshan's
    # town_applied, the rural differentiated items) are none. Longsha's 差异化清单 is a part.
    marks = {"dongshan": ["town_applied"], "longsha": []}.get(name, ["differentiated"])
    assert [k.code for k in s.kinds if not k.section] == marks


def test_urban_streets_have_no_rural_duties() -> None:
    """Rural duties are claimed (差异化), so 柳城街道 and 岱庙街道 do not receive them."""
    for name, titles in (
        ("wenjiang", {"农村村民宅基地审批", "秸秆禁烧", "畜禽散养粪便污水分户收集、集中处理"}),
        ("taian", {"非法采矿查处", "耕地和永久基本农田保护", "农村村民宅基地审批"}),
        ("lanshan", {"秸秆禁烧", "农村村民宅基地审批"}),
    ):
        s = _structure(name)
        claimed = {i.title for i in _items(name) if township_scope(s, list(i.kinds)) == "claim"}
        assert titles <= claimed, name


def test_wenjiang_levels_and_source_lists() -> None:
    s = _structure("wenjiang")
    assert [lv.code for lv in s.levels] == ["mandate", "duty_task", "work_item", "matter"]
    assert set(s.levels[-1].item_kinds) == {"power", "service", "territorial"}
    fields = {f.name: f for f in s.extra_fields}
    assert fields["source_lists"].type == "list"
    assert set(fields["source_lists"].choices) == WENJIANG_SOURCES


def test_taian_has_eight_categories() -> None:
    codes = {c.code for c in _structure("taian").categories}
    assert len(codes) == 8
    assert {"natural_resources", "ecology", "construction", "emergency", "market", "enforcement", "key_work"} <= codes


# --- items against the structure ---------------------------------------------------------


def test_enough_items(name: str) -> None:
    assert len(_items(name)) >= 40


def test_item_codes(name: str) -> None:
    codes = [i.code for i in _items(name)]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    for code in codes:
        assert ITEM_CODE.match(code), code
        assert code.startswith(PREFIX[name]), code


def test_items_fit_the_structure(name: str) -> None:
    s = _structure(name)
    levels = {lv.code: lv for lv in s.levels}
    kinds = {k.code for k in s.kinds}
    categories = {c.code for c in s.categories}
    item_kinds = {c.code for c in s.item_kinds}
    for item in _items(name):
        assert item.level in levels, item.code
        assert item.kinds and set(item.kinds) <= kinds, item.code
        assert len(set(item.kinds)) == len(item.kinds), item.code
        assert item.category is None or item.category in categories, item.code
        assert item.item_kind is None or item.item_kind in item_kinds, item.code
        allowed = levels[item.level].item_kinds
        if allowed:
            assert item.item_kind in allowed, f"{item.code}: {item.item_kind} at {item.level}"
        assert item.title.strip() == item.title and item.title, item.code


def test_extra_fields_are_valid(name: str) -> None:
    fields = {f.name: f for f in _structure(name).extra_fields}
    for item in _items(name):
        for key, value in item.extra.items():
            assert key in fields, f"{item.code}: {key}"
            f = fields[key]
            match f.type:
                case "string":
                    assert isinstance(value, str) and value, item.code
                case "boolean":
                    assert isinstance(value, bool), item.code
                case "choice":
                    assert value in f.choices, f"{item.code}: {key}={value}"
                case "list":
                    assert isinstance(value, list) and value, item.code
                    assert all(v in f.choices for v in value), f"{item.code}: {value}"
                    assert len(set(value)) == len(value), item.code
                case _:
                    pytest.fail(f"{item.code}: untested field type {f.type}")
        for f in fields.values():
            if f.required:
                assert f.name in item.extra, f"{item.code}: {f.name}"


def test_parents_precede_children_one_level_up(name: str) -> None:
    depth = {lv.code: lv.depth for lv in _structure(name).levels}
    seen: dict[str, CatalogItem] = {}
    for item in _items(name):
        if item.parent_code is None:
            assert depth[item.level] == 1, f"{item.code} has no parent"
        else:
            parent = seen.get(item.parent_code)
            assert parent is not None, f"{item.code}: parent {item.parent_code} not before it"
            assert depth[item.level] == depth[parent.level] + 1, item.code
            assert item.code.startswith(parent.code + "-"), item.code
        seen[item.code] = item


def test_responsibilities_name_known_units(name: str) -> None:
    units = _unit_kinds(name)
    for item in _items(name):
        for r in item.responsibilities:
            assert isinstance(r, Responsibility)
            assert r.role in ROLES, f"{item.code}: {r.role}"
            if r.party != TOWNSHIP:
                assert units.get(r.party) in {"department", "dispatched_agency"}, f"{item.code}: {r.party}"
        if item.recovery is not None:
            assert isinstance(item.recovery, Recovery)
            assert units.get(item.recovery.receiving_unit) == "department", item.code
            assert item.recovery.working_method and item.recovery.reason, item.code


def test_recovered_items_have_a_recovery(name: str) -> None:
    for item in _items(name):
        assert ("recovered" in item.kinds) == (item.recovery is not None), item.code


# --- citations ---------------------------------------------------------------------------


def test_citations_are_written_as_people_write_them(name: str) -> None:
    for item in _items(name):
        assert len(set(item.citations)) == len(item.citations), item.code
        for citation in item.citations:
            assert re.search(r"《[^《》]+》", citation), f"{item.code}: {citation}"
            assert re.search(r"第[零一二三四五六七八九十百千]+条", citation), citation
            assert CITATION.match(citation), f"{item.code}: {citation}"


def test_cited_articles_exist(name: str) -> None:
    articles = law_articles()
    unresolved = set(_catalog_module(name).UNRESOLVED_BY_DESIGN)
    assert len(unresolved) <= 2
    cited: set[str] = set()
    for item in _items(name):
        for citation in item.citations:
            m = CITATION.match(citation)
            assert m, citation
            title = m.group("title")
            cited.add(title)
            if title in unresolved:
                assert title not in articles, f"{title} is in the library after all"
                continue
            assert title in articles, f"{item.code}: {title} is not in the library"
            number = chinese_number(m.group("article"))
            assert number in articles[title], f"{item.code}: {citation} does not exist"
    # Every law marked unresolved is really cited, and the amended laws are cited.
    assert unresolved <= cited
    assert cited & AMENDED_LAWS, name


# --- the plugins' own rules --------------------------------------------------------------


def test_every_seed_item_passes_the_plugin_rules(name: str) -> None:
    for item in _items(name):
        assert _check(name, item) == [], item.code


def _first(name: str, predicate) -> CatalogItem:  # type: ignore[no-untyped-def]
    return next(i for i in _items(name) if predicate(i))


def _fields(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


def test_wenjiang_rules() -> None:
    leaf = _first("wenjiang", lambda i: i.level == "matter")
    broken = dataclasses.replace(leaf, extra={})
    assert _fields(_check("wenjiang", broken)) == {"extra.source_lists"}
    recovered = _first("wenjiang", lambda i: "recovered" in i.kinds)
    assert _fields(_check("wenjiang", dataclasses.replace(recovered, recovery=None))) == {"recovery"}


def test_longsha_rules() -> None:
    common = _first("longsha", lambda i: i.kinds == ("common",))
    both = dataclasses.replace(common, kinds=("common", "differentiated"))
    assert _fields(_check("longsha", both)) == {"kinds"}
    task = _first("longsha", lambda i: i.level == "task")
    assert _fields(_check("longsha", dataclasses.replace(task, extra={}))) == {"extra.task_side"}
    power = _first("longsha", lambda i: "power_responsibility" in i.kinds)
    assert _fields(_check("longsha", dataclasses.replace(power, citations=()))) == {"citations"}


def test_taian_rules() -> None:
    item = _items("taian")[0]
    no_basis = dataclasses.replace(item, citations=())
    assert _fields(_check("taian", no_basis)) == {"citations"}
    no_department = dataclasses.replace(
        item, responsibilities=tuple(r for r in item.responsibilities if r.party == TOWNSHIP)
    )
    problems = _check("taian", no_department)
    assert "responsibilities" in _fields(problems)
    assert any("县级部门" in p.message for p in problems)
    no_township_duty = dataclasses.replace(
        item,
        responsibilities=tuple(
            dataclasses.replace(r, duty="") if r.party == TOWNSHIP else r for r in item.responsibilities
        ),
    )
    problems = _check("taian", no_township_duty)
    assert _fields(problems) == {"responsibilities"}
    assert any("乡镇" in p.message for p in problems)
    basic = _first("taian", lambda i: i.kinds == ("basic",))
    mislabelled = dataclasses.replace(basic, kinds=("cooperating",))
    assert _fields(_check("taian", mislabelled)) == {"kinds"}


def test_taian_items_state_both_duties_basis_and_process() -> None:
    for item in _items("taian"):
        township = [r for r in item.responsibilities if r.party == TOWNSHIP]
        department = [r for r in item.responsibilities if r.party != TOWNSHIP]
        assert township and all(r.duty for r in township), item.code
        assert department and all(r.duty for r in department), item.code
        assert [r.role for r in item.responsibilities].count("primary") == 1, item.code
        assert item.citations, item.code
        assert "施工图" in item.process and "说明书" in item.process, item.code
    categories = {i.category for i in _items("taian")}
    assert categories == {c.code for c in _structure("taian").categories}


def test_lanshan_rules() -> None:
    shared = _first("lanshan", lambda i: "shared" in i.kinds)
    off = dataclasses.replace(
        shared,
        responsibilities=tuple(
            dataclasses.replace(r, financial_share=(r.financial_share or 0) + 5) for r in shared.responsibilities
        ),
    )
    assert _fields(_check("lanshan", off)) == {"responsibilities.financial_share"}
    no_shares = dataclasses.replace(
        shared,
        responsibilities=tuple(dataclasses.replace(r, financial_share=None) for r in shared.responsibilities),
    )
    assert _fields(_check("lanshan", no_shares)) == {"responsibilities.financial_share"}
    primary_only = dataclasses.replace(shared, responsibilities=shared.responsibilities[:1])
    assert "responsibilities" in _fields(_check("lanshan", primary_only))
    core = _first("lanshan", lambda i: "core" in i.kinds and i.responsibilities[0].financial_share)
    core_off = dataclasses.replace(
        core,
        responsibilities=tuple(dataclasses.replace(r, financial_share=10.0) for r in core.responsibilities),
    )
    assert _fields(_check("lanshan", core_off)) == {"responsibilities.financial_share"}
    negative = _first("lanshan", lambda i: "negative" in i.kinds)
    assert _fields(_check("lanshan", dataclasses.replace(negative, extra={}))) == {"extra.accountability_situation"}


def test_lanshan_shared_powers_split_their_finances() -> None:
    shared = [i for i in _items("lanshan") if "shared" in i.kinds]
    assert len(shared) >= 10
    for item in shared:
        roles = Counter(r.role for r in item.responsibilities)
        assert roles["primary"] >= 1 and roles["cooperating"] >= 1, item.code
        shares = [r.financial_share for r in item.responsibilities]
        assert all(s is not None for s in shares), item.code
        assert sum(s for s in shares if s is not None) == pytest.approx(100), item.code
    core = [i for i in _items("lanshan") if "core" in i.kinds]
    assert len(core) == 10
    assert any(r.financial_share is not None for i in core for r in i.responsibilities)


def test_lanshan_has_twenty_red_lines() -> None:
    negative = [i for i in _items("lanshan") if "negative" in i.kinds]
    assert len(negative) == 20
    for item in negative:
        situation = item.extra.get("accountability_situation")
        assert isinstance(situation, str) and len(situation) >= 10, item.code
        assert item.title.startswith("不得"), item.code
    assert not any("accountability_situation" in i.extra for i in _items("lanshan") if "negative" not in i.kinds)


def test_dongshan_rules() -> None:
    recovered = _first("dongshan", lambda i: "recovered" in i.kinds)
    both = dataclasses.replace(recovered, kinds=("basic", "recovered"))
    assert "kinds" in _fields(_check("dongshan", both))
    assert _fields(_check("dongshan", dataclasses.replace(recovered, recovery=None))) == {"recovery"}
    assert recovered.recovery is not None
    unknown = dataclasses.replace(
        recovered, recovery=dataclasses.replace(recovered.recovery, receiving_unit="township")
    )
    assert _fields(_check("dongshan", unknown)) == {"recovery.receiving_unit"}
    vague = dataclasses.replace(recovered, recovery=dataclasses.replace(recovered.recovery, reason="其他"))
    assert _fields(_check("dongshan", vague)) == {"recovery.reason"}
    extra = {**recovered.extra, "township_indicator": True}
    indicator = dataclasses.replace(recovered, extra=extra)
    assert _fields(_check("dongshan", indicator)) == {"extra.township_indicator"}


def test_dongshan_has_all_three_parts() -> None:
    kinds = Counter(k for i in _items("dongshan") for k in i.kinds)
    assert kinds["basic"] >= 10 and kinds["cooperating"] >= 10 and kinds["recovered"] >= 10
    reasons = {i.recovery.reason for i in _items("dongshan") if i.recovery is not None}
    assert len(reasons) >= 4
    receivers = {i.recovery.receiving_unit for i in _items("dongshan") if i.recovery}
    expected = {"natural-resources-bureau", "fire-rescue-brigade", "medical-security-bureau"}
    assert expected <= receivers


# --- jurisdiction specifics --------------------------------------------------------------


def test_wenjiang_hierarchy_and_leaves() -> None:
    items = _items("wenjiang")
    levels = Counter(i.level for i in items)
    assert levels["mandate"] >= 5 and levels["duty_task"] >= 10
    assert levels["work_item"] >= 20 and levels["matter"] >= 40
    parents = {i.parent_code for i in items}
    for item in items:
        if item.level == "matter":
            sources = item.extra.get("source_lists")
            assert sources and set(sources) <= WENJIANG_SOURCES, item.code
            assert item.code not in parents, item.code
        elif item.level in {"mandate", "duty_task", "work_item"}:
            assert item.code in parents, f"{item.code} has no children"
    leaves = [i for i in items if i.level == "matter"]
    assert {i.item_kind for i in leaves} == {"power", "service", "territorial"}
    assert any(len(i.extra["source_lists"]) >= 2 for i in leaves), "no merged overlap shown"
    assert set().union(*(i.extra["source_lists"] for i in leaves)) == WENJIANG_SOURCES


def test_longsha_common_differentiated_and_sections() -> None:
    items = _items("longsha")
    kinds = Counter(k for i in items for k in i.kinds)
    for kind in ("common", "differentiated", "power_responsibility", "government_service"):
        assert kinds[kind] >= 5, kind
    differentiated = {i.category for i in items if "differentiated" in i.kinds}
    assert {"civil_affairs", "transport", "agriculture", "natural_resources"} <= differentiated
    assert sum(i.high_frequency for i in items) >= 5
    tasks = [i for i in items if i.level == "task"]
    assert {i.extra["task_side"] for i in tasks} == {"department", "street"}
    assert any("admission_note" in i.extra for i in items)


# --- the seeds' counts -------------------------------------------------------------------

#: What each seed reports of its county's list, per kind of the plugin's structure (items, not
#: tasks: 龙沙's 389/333 and 99/74 tasks are not counts of catalog items). 温江's seed gives the
#: six source lists' sizes before merging (119 + 30 + 109 + 269 + 126 + 97, overlaps merged), no
#: size of the merged list, so it has none here.
SEED_COUNTS: dict[str, dict[str, int]] = {
    # 001: 参考目录 112 项; 差异化参考目录 21 项; 街道权责清单 5 类 46 项; 政务服务事项清单 6 类 56 项
    "longsha": {"common": 112, "differentiated": 21, "power_responsibility": 46, "government_service": 56},
    # 002: 8 大类 52 项 (basic and cooperating items together)
    "taian": {"basic+cooperating": 52},
    # 003: 核心事权 10 项; 第一批共有事权 18 项; 下放事权 54 项; 负面清单二十条
    "lanshan": {"core": 10, "shared": 18, "delegated": 54, "negative": 20},
    # 004: 收回事项 118 项
    "dongshan": {"recovered": 118},
}
#: Counts the sample catalogs do not reach yet (each a known gap, docs/plugins.md "Seed counts");
#: none at present. An entry marks its count ``xfail(strict=True)``, so reaching it turns red.
SHORT_OF_THE_SEED: set[tuple[str, str]] = set()


@pytest.mark.parametrize(
    ("name", "kinds", "count"),
    [
        pytest.param(
            name,
            kinds,
            count,
            id=f"{name}-{kinds}",
            marks=[pytest.mark.xfail(strict=True, reason="known gap")] if (name, kinds) in SHORT_OF_THE_SEED else [],
        )
        for name, counts in SEED_COUNTS.items()
        for kinds, count in counts.items()
    ],
)
def test_catalog_meets_the_seed_counts(name: str, kinds: str, count: int) -> None:
    """Items (level ``item``) of any of the kinds (``a+b``) number at least what the seed reports."""
    wanted = set(kinds.split("+"))
    items = [i for i in _items(name) if i.level == "item" and wanted & set(i.kinds)]
    assert len(items) >= count, f"{name} {kinds}: {len(items)} items, the seed reports {count}"


def test_seed_named_items_are_in_the_catalog(name: str) -> None:
    """The provenance record: codes whose names the seed gives exist; all others were written
    from the law (see each catalog module's ``SEED_NAMED``)."""
    named = _catalog_module(name).SEED_NAMED
    codes = {i.code for i in _items(name)}
    assert set(named) <= codes, sorted(set(named) - codes)


def test_longsha_service_list_spans_the_seeds_six_classes() -> None:
    """001: "政务服务事项清单6类56项" — every one of the structure's six service classes holds items."""
    services = [i for i in _items("longsha") if "government_service" in i.kinds]
    classes = Counter(i.extra["service_class"] for i in services)
    assert len(classes) == 6 and min(classes.values()) >= 5, classes
    assert len({i.title for i in services}) == len(services)


def test_longsha_power_list_holds_the_seeds_penalty_powers() -> None:
    """001: "将街道承接的25项行政处罚权力事项全部纳入清单" — at least 25 penalty powers, each with
    its legal basis (the power list's rule), none listed twice."""
    penalties = [
        i for i in _items("longsha") if "power_responsibility" in i.kinds and i.extra.get("power_type") == "penalty"
    ]
    assert len(penalties) >= 25, len(penalties)
    assert all(i.citations for i in penalties)
    assert len({i.title for i in penalties}) == len(penalties)
