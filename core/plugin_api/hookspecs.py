"""The hooks a jurisdiction plugin may implement (pluggy project ``qingdan``).

Every hook is synchronous and returns plain data from :mod:`core.plugin_api.types`; core
validates what comes back and does all database and storage work itself. Call hooks
with keyword arguments only. A plugin registers through the entry-point group
``qingdan.jurisdictions`` (see ``docs/plugins.md``, which must document every hook here).

Core gives each plugin its own ``pluggy.PluginManager`` (:mod:`core.plugin_api.registry`), so a hook
call reaches only the tenant's county; an implementation may declare fewer arguments than
its spec. To retire a hook, mark it ``@hookspec(warn_on_impl=DeprecationWarning("…"))`` for
a release before removing it; add arguments freely (existing implementations keep working).
"""

from __future__ import annotations

import pluggy

from core.plugin_api.types import (
    AccountabilityRules,
    CatalogItem,
    EvaluationRule,
    EvaluationScheme,
    Indicator,
    IndicatorContext,
    JurisdictionInfo,
    Landmark,
    LegalDocument,
    ListStructure,
    Problem,
    SeedCatalog,
)
from core.workflow.definition import WorkflowDefinition

PROJECT = "qingdan"
ENTRY_POINT_GROUP = "qingdan.jurisdictions"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def qingdan_jurisdiction() -> JurisdictionInfo:  # type: ignore[empty-body]
    """Describe the jurisdiction: its division tree and its units.

    Required. Return one :class:`~core.plugin_api.types.JurisdictionInfo`. Core checks every
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

    Optional: without it a tenant gets :data:`core.catalog.structure.NATIONAL`, the national
    three-part list (basic / cooperating / recovered) with a three-level hierarchy. Core
    checks that codes are unique, levels are numbered 1…n, and extra-field types are known.
    Each kind declares its ``role`` (``basic``, ``cooperating``, ``recovered``, ``other``):
    core's rules follow the role, never the code (a kind ``unable`` with ``role="recovered"``
    gets the recovered-item rules).

    Example::

        @hookimpl
        def qingdan_list_structure():
            return ListStructure(
                kinds=(ListKind("common", "共性清单", "common", role="basic"),
                       ListKind("differentiated", "差异化清单", "differentiated", township="claim",
                                role="basic")),
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

    ``item.legal_bases`` holds what core made of its citations — each cited provision with
    whether it resolved, the document's level (法律 …), status (``in_force``, ``repealed`` …)
    and region — so a county can require a basis that resolves and is in force; it is None
    where an item is checked without the library (the conformance kit's offline pass).

    Example::

        @hookimpl
        def qingdan_check_item(item):
            if not item.citations:
                return [Problem("citations", "泰安: every item states its legal basis")]
            if item.legal_bases is not None and not any(b.resolved for b in item.legal_bases):
                return [Problem("citations", "泰安: at least one legal basis must be in the library")]
            return []
    """


@hookspec
def qingdan_legal_documents() -> tuple[LegalDocument, ...]:  # type: ignore[empty-body]
    """Local documents the county ships with its plugin (规范性文件, 地方政府规章 …).

    Optional. Each is stored as the tenant's own document when the tenant is provisioned —
    before the seed catalog, so its items can cite it — and skipped when the tenant already has
    a document of that title (provisioning again changes nothing). National laws, regulations
    and the province's local regulations come from the shared library; ship only what it lacks.
    A text that does not parse fails provisioning, naming the document.

    Example::

        @hookimpl
        def qingdan_legal_documents():
            return (LegalDocument(text=(Path(__file__).parent / "data" / "办法.md").read_text("utf-8"),
                                  level="规范性文件", issuer="某县人民政府"),)
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


@hookspec(firstresult=True)
def qingdan_evaluation_scheme() -> EvaluationScheme:  # type: ignore[empty-body]
    """The jurisdiction's two-way evaluation scheme (双向考评): relations, indicators, grades.

    Optional: without it a tenant starts with core's default (the county evaluates its
    townships on common indicators; townships evaluate county departments). The scheme is
    copied into the tenant on first use, where the county admin may change it; every change
    is checked again (weights, score ranges, :func:`qingdan_check_indicator`, the rules'
    ``check_scheme``). A period freezes the scheme it was opened with.

    Example::

        @hookimpl
        def qingdan_evaluation_scheme():
            return EvaluationScheme(
                relations=(Relation("county_township", "县对乡镇考核", "county", "township"),),
                indicators=(
                    Indicator("party", "党的建设", "county_township", 40, item_code="AX-001"),
                    Indicator("safety", "安全生产", "county_township", 60),
                ),
            )
    """


@hookspec
def qingdan_evaluation_rules() -> tuple[EvaluationRule, ...]:  # type: ignore[empty-body]
    """The jurisdiction's evaluation rules: scheme checks, evaluator shares, result adjustments.

    Optional. Each :class:`~core.plugin_api.types.EvaluationRule` may check a scheme (Tai'an: the
    townships' share of a dispatched agency's assessment is at least 60%), give the shares
    of several evaluators (an agency serving several townships) and adjust a computed result
    (an agency its township did not rate excellent cannot be excellent). Core applies every
    effect and records it, with the reason, in the result's explanation.

    Example::

        def not_excellent(draft, grades):
            part = draft.relations.get("township_agency")
            if part and part.grade != "excellent" and draft.grade == "excellent":
                return [RuleEffect("cap", "grade", "excellent", "good", "乡镇未评为优秀")]
            return []

        @hookimpl
        def qingdan_evaluation_rules():
            return (EvaluationRule("cap", "乡镇未评优秀的不得评为优秀", adjust=not_excellent),)
    """


@hookspec
def qingdan_check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:  # type: ignore[empty-body]
    """The jurisdiction's rules for one evaluation indicator; return the problems found.

    Optional. Called for every indicator of a scheme when it is loaded or changed, with the
    relation and the list item the indicator rests on (None when it names none or an item
    not in the catalog). Dongshan, for instance, rejects a township indicator resting on a
    recovered or out-of-list item (扩大基本医疗保险参保 was withdrawn for that reason).

    Example::

        @hookimpl
        def qingdan_check_indicator(indicator, context):
            if context.relation.evaluatee == "township" and context.item is not None:
                if "recovered" in context.item.kinds:
                    return [Problem("item_code", "收回事项不得作为乡镇考核指标")]
            return []
    """


@hookspec(firstresult=True)
def qingdan_accountability_situations() -> AccountabilityRules:  # type: ignore[empty-body]
    """Situations of not performing by the list (不依单履职情形) and accountability methods.

    Optional: without it core's default situations and methods apply. An accountability
    case names one situation code; an outcome that holds the party accountable may name one
    method code. Longsha defines 7 situations and 6 methods.

    Example::

        @hookimpl
        def qingdan_accountability_situations():
            return AccountabilityRules(
                situations=(Label("refused", "拒不履行清单职责"),),
                methods=(Label("talk", "约谈"), Label("notice", "通报批评")),
            )
    """


@hookspec(firstresult=True)
def qingdan_landmarks() -> tuple[Landmark, ...]:  # type: ignore[empty-body]
    """Landmarks of the jurisdiction, for reading the place of a citizen appeal.

    Optional. Citizens name a market, a school, a scenic spot or a bay more often than their
    township; the responsibility lookup recognises these names in an appeal's text beside the
    division tree's own names (full names, short forms such as 涌泉 for 涌泉街道, and the
    ``aliases`` attribute of a division) and routes to the township the landmark lies in.
    Return :class:`~core.plugin_api.types.Landmark` entries; one naming a division the tenant
    does not have is ignored.

    Example::

        @hookimpl
        def qingdan_landmarks():
            return (Landmark("风动石", "350626106000", "scenic_spot"),
                    Landmark("马銮湾", "350626102201", "bay"))
    """


@hookspec(firstresult=True)
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:  # type: ignore[empty-body]
    """Local wording of citizen appeals for the responsibility lookup (依清单派单).

    Optional. The plugin's part of the domain lexicon. Return ``{phrase: (expansion, …)}``:
    when ``phrase`` occurs in an appeal or a search query, the lookup and the searches also read
    each expansion (list vocabulary). Core's lexicon (``core/publication/lexicon.json``:
    违建 ↔ 违法建设, 低保 ↔ 最低生活保障, 烧烤 → 餐饮服务业油烟污染 …) always applies; a plugin adds
    the words of its region (dialect, local names of things). Expansions add to the core's for
    the same phrase. Plain data: no code runs per lookup.

    Example::

        @hookimpl
        def qingdan_lookup_synonyms():
            return {"海漂垃圾": ("海洋垃圾",), "渔排": ("海水养殖",)}
    """
