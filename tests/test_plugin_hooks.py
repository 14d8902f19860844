"""Hooks dispatched through pluggy: one plugin manager per county, pluggy's argument matching,
``firstresult`` meaning what it says, collecting hooks joined, and the deprecation path."""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable

import pluggy
import pytest

from core.evaluation.schemes import check_plugin_scheme
from core.plugin_api import hookspecs
from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.testing import check_plugin
from core.plugin_api.types import (
    CatalogItem,
    Indicator,
    ItemLevel,
    JurisdictionInfo,
    ListKind,
    ListStructure,
    Problem,
)
from tests.plugin_fixtures import tiny_county

hookspec = pluggy.HookspecMarker(hookspecs.PROJECT)


def _name() -> str:
    return f"hooks-{uuid.uuid4().hex[:6]}"


def _county(**hooks: Callable[..., object]) -> types.ModuleType:
    """A module plugin with a tiny jurisdiction plus the given hook implementations."""
    module = types.ModuleType("hooks_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return tiny_county("hooks", "钩子县")

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    for hook, impl in hooks.items():
        setattr(module, hook, hookimpl(impl))
    return module


def test_an_implementation_with_fewer_arguments_than_the_spec_is_called() -> None:
    seen: list[str] = []

    def qingdan_check_indicator(indicator: Indicator) -> list[Problem]:  # the spec also offers context
        seen.append(indicator.code)
        return [Problem("label", "钩子县: no satisfaction surveys")] if "satisfaction" in indicator.tags else []

    def qingdan_check_item() -> list[Problem]:  # no arguments at all
        return [Problem("title", "钩子县: always")]

    name = _name()
    plugins.register_module(
        name, _county(qingdan_check_indicator=qingdan_check_indicator, qingdan_check_item=qingdan_check_item)
    )
    problems = check_plugin_scheme(name, {})
    assert seen and any("no satisfaction surveys" in p.message for p in problems), problems
    assert plugins.call(name, "qingdan_check_item", item=CatalogItem("A", "事项", "item", ("basic",))) == [
        Problem("title", "钩子县: always")
    ]


def test_firstresult_takes_the_first_answer_and_none_falls_through() -> None:
    national = ListStructure(kinds=(ListKind("basic", "基本", "basic"),), levels=(ItemLevel("item", "事项", 1),))
    pack = types.SimpleNamespace()  # a shared rule pack registered behind the county

    @hookimpl
    def qingdan_list_structure() -> ListStructure:
        return national

    @hookimpl
    def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
        return {"渔排": ("海水养殖",)}

    @hookimpl
    def qingdan_check_item(item: CatalogItem) -> list[Problem]:
        return [Problem("code", f"pack: {item.code}")]

    pack.qingdan_list_structure = qingdan_list_structure
    pack.qingdan_lookup_synonyms = qingdan_lookup_synonyms
    pack.qingdan_check_item = qingdan_check_item

    def county_structure() -> ListStructure | None:
        return None  # "no answer": the pack's answers

    def county_synonyms() -> dict[str, tuple[str, ...]]:
        return {"摊贩": ("占道经营",)}

    def county_check(item: CatalogItem) -> list[Problem]:
        return [Problem("title", f"county: {item.code}")]

    name = _name()
    info = plugins.register_module(
        name,
        _county(
            qingdan_list_structure=county_structure,
            qingdan_lookup_synonyms=county_synonyms,
            qingdan_check_item=county_check,
        ),
        pack,
    )
    assert plugins.structure(name) is national
    assert plugins.call(name, "qingdan_lookup_synonyms") == {"摊贩": ("占道经营",)}  # the county's wins
    # A collecting hook joins every implementation's problems (the county's first).
    found = plugins.call(name, "qingdan_check_item", item=CatalogItem("A", "事项", "item", ("basic",)))
    assert found == [Problem("title", "county: A"), Problem("code", "pack: A")]
    assert "qingdan_list_structure" in info.hooks and "qingdan_check_item" in info.hooks
    # Another county never sees this one's implementations.
    other = _name()
    plugins.register_module(other, _county())
    assert plugins.call(other, "qingdan_lookup_synonyms") is None
    assert plugins.call(other, "qingdan_check_item", item=CatalogItem("A", "事项", "item", ("basic",))) is None


def test_a_collecting_hook_that_returns_a_non_list_names_plugin_and_hook() -> None:
    name = _name()
    plugins.register_module(name, _county(qingdan_check_item=lambda item: Problem("x", "not a list")))
    with pytest.raises(plugins.PluginError) as raised:
        plugins.call(name, "qingdan_check_item", item=CatalogItem("A", "事项", "item", ("basic",)))
    assert raised.value.plugin == name and raised.value.hook == "qingdan_check_item"
    assert raised.value.field == "(result)" and "expected a list" in raised.value.detail


def test_a_hook_no_spec_knows_or_an_argument_the_spec_lacks_is_refused_at_load() -> None:
    with pytest.raises(plugins.PluginError) as unknown:
        plugins.register_module(_name(), _county(qingdan_check_items=lambda item: []))
    assert unknown.value.hook == "qingdan_check_items" and "no such hook" in unknown.value.detail

    def qingdan_check_item(item: CatalogItem, tenant: str) -> list[Problem]:
        return []

    with pytest.raises(plugins.PluginError) as extra:
        plugins.register_module(_name(), _county(qingdan_check_item=qingdan_check_item))
    assert extra.value.hook == "qingdan_check_item" and "tenant" in extra.value.detail


# --- evolving the hookspecs, shown on throwaway specs ---------------------------------------


class _GrownSpecs:
    """``qingdan_probe`` as it is after a release added ``context``; ``qingdan_old`` retired."""

    @hookspec(firstresult=True)
    def qingdan_probe(self, item: str, context: str) -> str:  # type: ignore[empty-body]
        """Throwaway spec."""

    @hookspec(warn_on_impl=DeprecationWarning("qingdan_old is retired; implement qingdan_probe instead"))
    def qingdan_old(self) -> str:  # type: ignore[empty-body]
        """Throwaway spec."""


@pytest.fixture
def grown_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plugins, "SPEC_MODULES", (*plugins.SPEC_MODULES, _GrownSpecs))


@pytest.mark.usefixtures("grown_specs")
def test_adding_an_argument_to_a_spec_keeps_older_plugins_working() -> None:
    def qingdan_probe(item: str) -> str:  # written against the spec before ``context`` was added
        return f"probed {item}"

    name = _name()
    plugins.register_module(name, _county(qingdan_probe=qingdan_probe))
    assert plugins.call(name, "qingdan_probe", item="A", context="new") == "probed A"


@pytest.mark.usefixtures("grown_specs")
def test_implementing_a_retired_hook_warns_and_the_kit_reports_it() -> None:
    name = _name()
    with pytest.warns(DeprecationWarning, match="qingdan_old is retired"):
        info = plugins.register_module(name, _county(qingdan_old=lambda: "old"))
    assert any(name in w and "qingdan_old is retired" in w for w in info.warnings)
    assert any("qingdan_old is retired" in w for w in check_plugin(name).warnings)
