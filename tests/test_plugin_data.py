"""Consistency of the five jurisdiction plugins' metadata (no database, no core loader).

Each plugin's ``qingdan_jurisdiction`` hook is called directly (and once through pluggy)
and its division tree and units are checked against the rules of the division codes
(GB/T 2260 / 国家统计局统计用区划代码) and of the unit references.
"""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType

import pluggy
import pytest

from core.plugin_api import hookspecs
from core.plugin_api.types import Division, JurisdictionInfo, Unit

REPO = Path(__file__).resolve().parent.parent

# plugin -> (root code, root kind, seed number, telephone area code)
PLUGINS: dict[str, tuple[str, str, str, str]] = {
    "wenjiang": ("510115", "district", "000", "028"),
    "longsha": ("230202", "district", "001", "0452"),
    "taian": ("370900", "city", "002", "0538"),
    "lanshan": ("371302", "district", "003", "0539"),
    "dongshan": ("350626", "county", "004", "0596"),
}

COUNTY_KINDS = {"city", "county", "district"}
TOWNSHIP_KINDS = {"town", "township", "street", "development_zone"}
VILLAGE_KINDS = {"village", "community"}
CODE_LENGTH = {
    **dict.fromkeys(COUNTY_KINDS, 6),
    **dict.fromkeys(TOWNSHIP_KINDS, 12),
    **dict.fromkeys(VILLAGE_KINDS, 12),
    "grid": 15,
}
# child kind -> (allowed parent kinds, length of the parent code prefix the child repeats)
PARENT_RULE: dict[str, tuple[set[str], int]] = {
    "county": ({"city"}, 4),
    "district": ({"city"}, 4),
    **dict.fromkeys(TOWNSHIP_KINDS, ({"county", "district"}, 6)),
    **dict.fromkeys(VILLAGE_KINDS, (TOWNSHIP_KINDS, 9)),
    "grid": (VILLAGE_KINDS, 12),
}
UNIT_KINDS = {"department", "township_office", "dispatched_agency", "committee"}
UNIT_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ALLOWED_IMPORTS = {"__future__", "core.plugin_api.hookspecs", "core.plugin_api.types"}
SEED_FILE = re.compile(r"^(\d{3})_[0-9a-f]{16}\.txt$")
GB_SOURCE = "GB/T 2260 / 国家统计局统计用区划代码"


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"plugins.{name}")


def _info(name: str) -> JurisdictionInfo:
    info = _module(name).qingdan_jurisdiction()
    assert isinstance(info, JurisdictionInfo)
    return info


def _by_code(info: JurisdictionInfo) -> dict[str, Division]:
    return {d.code: d for d in info.divisions}


def _units(info: JurisdictionInfo) -> dict[str, Unit]:
    return {u.code: u for u in info.units}


def _of_kind(info: JurisdictionInfo, kinds: set[str]) -> list[Division]:
    return [d for d in info.divisions if d.kind in kinds]


@pytest.fixture(params=sorted(PLUGINS))
def name(request: pytest.FixtureRequest) -> str:
    return request.param


# --- registration and packaging -------------------------------------------------------


def test_entry_points_name_the_packages() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    group = project["project"]["entry-points"][hookspecs.ENTRY_POINT_GROUP]
    assert {n: group.get(n) for n in PLUGINS} == {n: f"plugins.{n}" for n in PLUGINS}


def test_hooks_are_specified_and_run_through_pluggy(name: str) -> None:
    module = _module(name)
    marker = f"{hookspecs.PROJECT}_impl"
    impls = {attr for attr in dir(module) if hasattr(getattr(module, attr), marker)}
    required = {"qingdan_jurisdiction", "qingdan_list_structure", "qingdan_seed_catalog", "qingdan_check_item"}
    specified = {n for n in dir(hookspecs) if n.startswith("qingdan_")}
    assert required <= impls <= specified, impls - specified
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(module, name=name)
    assert pm.hook.qingdan_jurisdiction() == module.qingdan_jurisdiction()


def test_plugin_imports_only_the_public_core_modules(name: str) -> None:
    package = REPO / "plugins" / name
    files = sorted(package.rglob("*.py"))
    assert package / "__init__.py" in files and package / "jurisdiction.py" in files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                bad = [a.name for a in node.names if a.name not in ALLOWED_IMPORTS]
                assert not bad, f"{path.name} imports {bad}"
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module in ALLOWED_IMPORTS, f"{path.name} imports {node.module}"


def test_metadata(name: str) -> None:
    root, _, seed, _ = PLUGINS[name]
    info = _info(name)
    assert info.slug == name
    assert info.name
    assert info.division_code == root
    assert info.sample is True
    seeds = [m.group(1) for s in info.sources if (m := SEED_FILE.match(s))]
    assert seeds == [seed]
    assert GB_SOURCE in info.sources


# --- division tree ----------------------------------------------------------------------


def test_division_codes_are_unique(name: str) -> None:
    codes = Counter(d.code for d in _info(name).divisions)
    assert [c for c, n in codes.items() if n > 1] == []


def test_root_is_the_only_parentless_division(name: str) -> None:
    root, root_kind, _, _ = PLUGINS[name]
    info = _info(name)
    roots = [d for d in info.divisions if d.parent_code is None]
    assert [(d.code, d.kind) for d in roots] == [(root, root_kind)]


def test_parents_are_listed_before_children(name: str) -> None:
    # The core loader checks a tree in one pass, so a parent must come first.
    info = _info(name)
    seen: set[str] = set()
    for d in info.divisions:
        assert d.parent_code is None or d.parent_code in seen, f"{d.code} before its parent"
        seen.add(d.code)
    seen = set()
    for u in info.units:
        assert u.parent_unit_code is None or u.parent_unit_code in seen, u.code
        seen.add(u.code)


def test_code_length_matches_kind(name: str) -> None:
    for d in _info(name).divisions:
        assert d.kind in CODE_LENGTH, f"{d.code}: unknown kind {d.kind}"
        assert d.code.isdigit() and d.code.isascii(), d.code
        assert len(d.code) == CODE_LENGTH[d.kind], f"{d.code} {d.name} ({d.kind})"
        assert d.name.strip() == d.name and d.name


def test_child_code_extends_parent_code(name: str) -> None:
    info = _info(name)
    divisions = _by_code(info)
    for d in info.divisions:
        if d.parent_code is None:
            continue
        parent = divisions.get(d.parent_code)
        assert parent is not None, f"{d.code}: parent {d.parent_code} missing"
        kinds, prefix = PARENT_RULE[d.kind]
        assert parent.kind in kinds, f"{d.code} ({d.kind}) under {parent.kind}"
        assert d.code[:prefix] == parent.code[:prefix], f"{d.code} not under {parent.code}"


def test_level_padding(name: str) -> None:
    for d in _info(name).divisions:
        if d.kind == "city":
            assert d.code.endswith("00"), d.code
        elif d.kind in {"county", "district"}:
            assert not d.code.endswith("00"), d.code
        elif d.kind in TOWNSHIP_KINDS:
            assert d.code.endswith("000") and d.code[6:9] != "000", d.code
        elif d.kind in VILLAGE_KINDS or d.kind == "grid":
            assert not d.code.endswith("000"), d.code


def test_tree_has_sample_villages_and_grids(name: str) -> None:
    info = _info(name)
    divisions = _by_code(info)
    townships = _of_kind(info, TOWNSHIP_KINDS)
    villages = _of_kind(info, VILLAGE_KINDS)
    grids = _of_kind(info, {"grid"})
    assert len(townships) >= 7
    per_township = Counter(v.parent_code for v in villages)
    assert len(per_township) >= 2 and min(per_township.values()) >= 2, per_township
    per_village = Counter(g.parent_code for g in grids)
    assert per_village and min(per_village.values()) >= 2, per_village
    assert any(divisions[code].kind == "community" for code in per_village)


# --- units -------------------------------------------------------------------------------


def test_unit_codes_are_slugs_and_unique(name: str) -> None:
    info = _info(name)
    codes = Counter(u.code for u in info.units)
    assert [c for c, n in codes.items() if n > 1] == []
    for u in info.units:
        assert UNIT_CODE.match(u.code), u.code
        assert u.kind in UNIT_KINDS, f"{u.code}: {u.kind}"
        assert u.name


def test_unit_references_resolve(name: str) -> None:
    info = _info(name)
    divisions = _by_code(info)
    units = _units(info)
    for u in info.units:
        assert u.jurisdiction_code in divisions, f"{u.code}: {u.jurisdiction_code}"
        if u.parent_unit_code is not None:
            assert u.parent_unit_code in units, f"{u.code}: {u.parent_unit_code}"
            assert u.parent_unit_code != u.code
        for host in u.host_township_codes:
            assert host in divisions, f"{u.code}: host {host}"


def test_departments(name: str) -> None:
    root, _, _, area_code = PLUGINS[name]
    info = _info(name)
    divisions = _by_code(info)
    departments = [u for u in info.units if u.kind == "department"]
    assert 12 <= len(departments) <= 40
    assert sum(u.jurisdiction_code == root for u in departments) >= 12
    units = _units(info)
    codes = {u.code for u in departments}
    assert {"justice-bureau", "market-regulation-bureau", "establishment-office"} <= codes
    phone = re.compile(rf"^{area_code}-\d{{7,8}}$")
    for u in departments:
        assert divisions[u.jurisdiction_code].kind in COUNTY_KINDS, u.code
        assert u.host_township_codes == ()
        if u.parent_unit_code is not None:  # a district's counterpart of a city department (Tai'an)
            city = units[u.parent_unit_code]
            assert city.kind == "department" and city.jurisdiction_code == root, u.code
            assert divisions[u.jurisdiction_code].parent_code == root, u.code
        assert len(u.contacts) == 1, u.code
        assert u.contacts[0].name == "值班室"
        assert phone.match(u.contacts[0].phone), u.contacts[0].phone


def test_dispatched_agencies(name: str) -> None:
    info = _info(name)
    divisions = _by_code(info)
    units = _units(info)
    agencies = [u for u in info.units if u.kind == "dispatched_agency"]
    for u in agencies:
        assert u.parent_unit_code is not None, u.code
        parent = units[u.parent_unit_code]
        assert parent.kind == "department", u.code
        assert len(u.host_township_codes) >= 1, u.code
        assert len(set(u.host_township_codes)) == len(u.host_township_codes), u.code
        assert u.jurisdiction_code in u.host_township_codes, u.code
        # Every host lies inside the parent department's city, district or county.
        parent_division = divisions[parent.jurisdiction_code]
        prefix = parent_division.code[: 4 if parent_division.kind == "city" else 6]
        for host in u.host_township_codes:
            assert divisions[host].kind in TOWNSHIP_KINDS, f"{u.code}: {host}"
            assert host.startswith(prefix), f"{u.code}: {host} outside {parent.code}"
    for suffix, bureau in (
        ("-justice-office", "justice-bureau"),
        ("-market-office", "market-regulation-bureau"),
    ):
        offices = [u for u in agencies if u.code.endswith(suffix)]
        assert all((u.parent_unit_code or "").endswith(bureau) for u in offices), suffix
        assert all(len(u.host_township_codes) == 1 for u in offices), suffix
        assert 3 <= len({u.jurisdiction_code for u in offices}) <= 6, suffix
    shared = [u for u in agencies if len(u.host_township_codes) == 2]
    assert len(shared) == 1


def test_township_offices(name: str) -> None:
    info = _info(name)
    divisions = _by_code(info)
    offices = [u for u in info.units if u.kind == "township_office"]
    per_township = Counter(u.jurisdiction_code for u in offices)
    assert len(per_township) >= 2
    assert all(4 <= n <= 6 for n in per_township.values()), per_township
    for u in offices:
        assert divisions[u.jurisdiction_code].kind in TOWNSHIP_KINDS, u.code
        assert u.parent_unit_code is None and u.host_township_codes == ()


# --- jurisdiction specifics --------------------------------------------------------------


def test_lanshan_township_types() -> None:
    info = _info("lanshan")
    townships = _of_kind(info, TOWNSHIP_KINDS)
    kinds = Counter(d.kind for d in townships)
    assert kinds["development_zone"] == 1
    assert kinds["town"] + kinds["street"] + kinds["township"] == 11
    types = Counter(d.attributes.get("township_type") for d in townships)
    assert set(types) == {"modern_service", "industry", "agriculture"}, types
    # The four city streets are modern-service-led.
    streets = [d for d in townships if d.kind == "street"]
    assert len(streets) == 4
    assert all(d.attributes["township_type"] == "modern_service" for d in streets)


def test_township_type_only_where_it_belongs(name: str) -> None:
    info = _info(name)
    typed = [d for d in info.divisions if "township_type" in d.attributes]
    if name in ("lanshan", "longsha"):  # 兰山's evaluation types; 龙沙's 大民街道 with farmland
        assert typed and all(d.kind in TOWNSHIP_KINDS for d in typed)
    else:
        assert typed == []


def test_taian_covers_its_counties_and_two_districts() -> None:
    info = _info("taian")
    counties = {d.code: d.kind for d in _of_kind(info, {"county", "district"})}
    assert counties == {
        "370902": "district",
        "370911": "district",
        "370921": "county",
        "370923": "county",
        "370982": "county",
        "370983": "county",
    }
    townships = _of_kind(info, TOWNSHIP_KINDS)
    by_county = Counter(d.parent_code for d in townships)
    assert by_county["370902"] >= 5 and by_county["370911"] >= 10


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wenjiang", {"柳城街道", "公平街道", "天府街道", "涌泉街道", "金马街道", "永宁街道"}),
        ("longsha", {"五龙街道", "湖滨街道", "正阳街道", "彩虹街道", "南航街道", "大民街道"}),
        ("dongshan", {"铜陵镇", "西埔镇", "康美镇", "杏陈镇", "陈城镇", "前楼镇", "樟塘镇"}),
        ("lanshan", {"兰山街道", "银雀山街道", "金雀山街道", "柳青街道", "义堂镇"}),
        ("taian", {"岱庙街道", "省庄镇", "大津口乡", "粥店街道", "大汶口镇", "化马湾乡"}),
    ],
)
def test_known_townships_are_present(name: str, expected: set[str]) -> None:
    names = {d.name for d in _of_kind(_info(name), TOWNSHIP_KINDS)}
    assert expected <= names, expected - names


def test_township_kind_matches_its_name(name: str) -> None:
    suffix = {"street": "街道", "town": "镇", "township": "乡", "development_zone": "开发区"}
    for d in _of_kind(_info(name), TOWNSHIP_KINDS):
        assert d.name.endswith(suffix[d.kind]), f"{d.name} is {d.kind}"
