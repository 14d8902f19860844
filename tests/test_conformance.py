"""The conformance kit on the five in-tree plugins, and on a plugin that breaks the rules."""

from __future__ import annotations

import types

import pytest

from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import CatalogItem, JurisdictionInfo, Responsibility, SeedCatalog
from tenants.testing import assert_conformant, assert_provisionable, check_plugin
from tests.plugin_fixtures import tiny_county

IN_TREE = ["wenjiang", "longsha", "taian", "lanshan", "dongshan"]


@pytest.mark.parametrize("name", IN_TREE)
def test_in_tree_plugins_are_conformant(name: str) -> None:
    report = assert_conformant(name)
    assert report.divisions > 5 and report.units > 5


@pytest.mark.parametrize("name", IN_TREE)
async def test_in_tree_plugins_are_provisionable(name: str, database_url: str) -> None:
    await assert_provisionable(name)


def _plugin(items: tuple[CatalogItem, ...]) -> types.ModuleType:
    module = types.ModuleType("kit_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return tiny_county("kit")

    @hookimpl
    def qingdan_seed_catalog() -> SeedCatalog:
        return SeedCatalog(items=items)

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_seed_catalog = qingdan_seed_catalog  # type: ignore[attr-defined]
    return module


def test_the_kit_names_what_is_wrong() -> None:
    bad = (
        CatalogItem("A", "领域", "domain", ("basic",)),
        CatalogItem(
            "A-1",
            "事项",
            "item",
            ("imaginary",),
            parent_code="A",
            responsibilities=(Responsibility("ghost", "primary"),),
        ),
        CatalogItem("B-1", "孤儿事项", "item", ("basic",), parent_code="B"),
    )
    plugins.register_module("kit-bad", _plugin(bad))
    report = check_plugin("kit-bad")
    joined = "\n".join(report.problems)
    assert "items[1] (A-1).kinds[0]" in joined and "ghost" in joined and "items[2] (B-1).parent_code" in joined
    with pytest.raises(AssertionError, match="not conformant"):
        assert_conformant("kit-bad")


async def test_a_minimal_plugin_is_conformant_and_provisionable(database_url: str) -> None:
    good = (CatalogItem("A", "领域", "domain", ("basic",), citations=("《中华人民共和国安全生产法》第九条",)),)
    plugins.register_module("kit-good", _plugin(good))
    assert assert_conformant("kit-good").items == 1
    await assert_provisionable("kit-good")


def test_every_hookspec_is_documented_with_an_example() -> None:
    import inspect

    from core.plugin_api import hookspecs

    specs = [f for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("qingdan_")]
    assert len(specs) >= 4
    for spec in specs:
        doc = inspect.getdoc(spec) or ""
        assert len(doc) > 200 and "Example" in doc, spec.__name__
        assert hasattr(spec, "qingdan_spec"), spec.__name__
