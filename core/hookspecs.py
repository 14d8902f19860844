"""The hooks a jurisdiction plugin may implement (pluggy project ``qingdan``).

Every hook is synchronous and returns plain data from :mod:`core.plugin_types`; core
validates what comes back and does all database and storage work itself. Call hooks
with keyword arguments only. A plugin registers through the entry-point group
``qingdan.jurisdictions`` (see ``docs/plugins.md``).
"""

from __future__ import annotations

import pluggy

from core.plugin_types import CatalogItem, JurisdictionInfo, ListStructure, Problem, SeedCatalog
from core.workflow.definition import WorkflowDefinition

PROJECT = "qingdan"
ENTRY_POINT_GROUP = "qingdan.jurisdictions"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def qingdan_jurisdiction() -> JurisdictionInfo:  # type: ignore[empty-body]
    """Describe the jurisdiction: its division tree and its units.

    Required. Return one :class:`~core.plugin_types.JurisdictionInfo`. Core checks every
    division code (digits, length, consistency with the parent's code), that every unit
    names a known division, parent unit and host townships, and that codes are unique;
    a tenant created with ``qingdan tenant create --plugin NAME`` gets exactly this tree.

    Example::

        @hookimpl
        def qingdan_jurisdiction():
            return JurisdictionInfo(
                slug="wenjiang", name="成都市温江区", division_code="510115",
                divisions=(
                    Division("510115", "温江区", "district"),
                    Division("510115001000", "柳城街道", "street", parent_code="510115"),
                ),
                units=(Unit("justice-bureau", "区司法局", "department", "510115"),),
            )
    """


@hookspec(firstresult=True)
def qingdan_list_structure() -> ListStructure:  # type: ignore[empty-body]
    """Describe the jurisdiction's list structure.

    Optional: without it a tenant gets :data:`core.structure.NATIONAL`, the national
    three-part list (basic / cooperating / recovered) with a three-level hierarchy. Core
    checks that codes are unique, levels are numbered 1…n, and extra-field types are known.

    Example::

        @hookimpl
        def qingdan_list_structure():
            return ListStructure(
                kinds=(ListKind("common", "共性清单", "common"),
                       ListKind("differentiated", "差异化清单", "differentiated", township="claim")),
                levels=(ItemLevel("item", "事项", 1),),
                categories=(Label("civil", "民政"),),
            )
    """


@hookspec(firstresult=True)
def qingdan_seed_catalog() -> SeedCatalog:  # type: ignore[empty-body]
    """Sample catalog items loaded when a tenant is provisioned from the plugin.

    Optional. The items are imported into the tenant's first draft and published as
    version 1. Every item must pass core's checks against the list structure and the
    plugin's own :func:`qingdan_check_item`, or provisioning fails naming the item and
    field. Citations are resolved against the legal library; one that does not resolve is
    kept with the reason and reported, not dropped. List parents before their children.

    Example::

        @hookimpl
        def qingdan_seed_catalog():
            return SeedCatalog(items=(
                CatalogItem("AX-001", "安全生产监督检查", "item", ("basic",),
                            responsibilities=(Responsibility("township", "primary", "日常检查"),),
                            citations=("《中华人民共和国安全生产法》第九条",)),
            ), note="示例数据")
    """


@hookspec
def qingdan_check_item(item: CatalogItem) -> list[Problem]:  # type: ignore[empty-body]
    """The jurisdiction's own rules for one catalog item; return the problems found.

    Optional. Called for every item written to the tenant's catalog (seeded, created or
    changed), after core's own checks. Tai'an, for instance, requires a county-department
    duty, a township duty and a legal basis on every item.

    Example::

        @hookimpl
        def qingdan_check_item(item):
            if not item.citations:
                return [Problem("citations", "泰安: every item states its legal basis")]
            return []
    """


@hookspec(firstresult=True)
def qingdan_workflows() -> tuple[WorkflowDefinition, ...]:  # type: ignore[empty-body]
    """The jurisdiction's workflow definitions: admission (准入), adjustment (动态调整), call (乡呼县应).

    Optional: core's default applies for every kind the plugin does not supply
    (:mod:`core.workflow.defaults`). Definitions are data (:mod:`core.workflow.definition`;
    builders for the usual shapes in :mod:`core.workflow.templates`). Core checks them when the
    plugin loads: unique names, known states and actors, reachable states, no transition out
    of a final state, deadlines where the definition requires them, call classes for a call
    workflow — and names the definition and field of the first problem.

    Example::

        @hookimpl
        def qingdan_workflows():
            return (
                admission_workflow("anxi_admission", "职责准入", reviewers=("unit:justice-bureau",)),
                adjustment_workflow("anxi_adjustment", "动态调整", decision_days=20),
                call_workflow("anxi_call", "乡呼县应"),
            )
    """
