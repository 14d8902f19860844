"""docs/plugins.md documents every hook of core/plugin_api/hookspecs.py (datasette's rule), and the
guide's examples of the evaluation hooks run as written against core's checks."""

from __future__ import annotations

import inspect
import re
import types
import uuid
from pathlib import Path

import pytest

from core.evaluation.schemes import accountability_rules
from core.plugin_api import hookspecs
from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.testing import check_plugin
from core.plugin_api.types import (
    CatalogItem,
    Division,
    ItemLevel,
    JurisdictionInfo,
    ListKind,
    ListStructure,
    Problem,
    Responsibility,
    SeedCatalog,
    Unit,
)

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")
SPECS = {name: f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(f, "qingdan_spec")}


def _section(hook: str) -> str:
    """The guide's section of one hook: from its heading to the next heading."""
    found = re.search(rf"^### `{hook}\(.*?(?=^##)", GUIDE, flags=re.M | re.S)
    assert found, f"docs/plugins.md has no section '### `{hook}(…)`'"
    return found.group(0)


def test_there_are_hookspecs() -> None:
    assert len(SPECS) >= 10


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_every_hookspec_is_documented_in_the_guide(hook: str) -> None:
    section = _section(hook)
    heading = section.splitlines()[0]
    for argument in inspect.signature(SPECS[hook]).parameters:
        assert f"{argument}:" in heading, f"{hook}: the heading does not show argument {argument!r}"
    assert "```python" in section, f"{hook}: the section has no example"


def test_the_guides_evaluation_examples_run_as_written() -> None:
    module = types.ModuleType("guide_county")
    namespace: dict[str, object] = {"hookimpl": hookimpl, "Problem": Problem}
    for hook in (
        "qingdan_evaluation_scheme",
        "qingdan_evaluation_rules",
        "qingdan_check_indicator",
        "qingdan_accountability_situations",
    ):
        for block in re.findall(r"```python\n(.*?)```", _section(hook), flags=re.S):
            exec(block, namespace)  # the guide's own example code
        module.__dict__[hook] = namespace[hook]

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return JurisdictionInfo(
            slug="guide",
            name="安溪县",
            division_code="350524",
            divisions=(
                Division("350524", "安溪县", "county"),
                Division("350524100000", "凤城镇", "town", parent_code="350524"),
            ),
            units=(Unit("emergency-bureau", "县应急管理局", "department", "350524"),),
        )

    @hookimpl
    def qingdan_list_structure() -> ListStructure:
        return ListStructure(
            kinds=(ListKind("basic", "基本履职事项", "basic"),), levels=(ItemLevel("item", "事项", 1),)
        )

    @hookimpl
    def qingdan_seed_catalog() -> SeedCatalog:
        return SeedCatalog(
            items=(
                CatalogItem(
                    "AX-001",
                    "安全生产监督检查",
                    "item",
                    ("basic",),
                    responsibilities=(Responsibility("township", "primary", "日常检查"),),
                    citations=("《中华人民共和国安全生产法》第九条",),
                ),
            )
        )

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_seed_catalog = qingdan_seed_catalog  # type: ignore[attr-defined]
    module.qingdan_list_structure = qingdan_list_structure  # type: ignore[attr-defined]
    name = f"guide-{uuid.uuid4().hex[:6]}"
    info = plugins.register_module(name, module)
    assert {"qingdan_evaluation_scheme", "qingdan_check_indicator"} <= set(info.hooks)
    report = check_plugin(name)
    assert report.problems == [] and report.items == 1
    rules = accountability_rules(name)
    assert [s.code for s in rules.situations] == ["refused", "shifted"]
    assert plugins.call(name, "qingdan_evaluation_rules")[1].code == "cap"
