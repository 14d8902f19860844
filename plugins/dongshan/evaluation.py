"""漳州市东山县 evaluation — seed 004.

Only basic duties are the towns' evaluation content; recovered items and items outside
the list may not be township indicators (the 2025 county-to-town rules were checked against
the recovered list, and 城乡居民基本医疗保险参保扩面 had to be withdrawn); cooperating and
recovered items are the county departments' evaluation content. An indicator names the items it
rests on (``item_codes``); a town's indicator is refused when any of them is not a basic duty, and
when its wording is that of a recovered item, whatever it is linked to. Weights are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, EvaluationScheme, Indicator, IndicatorContext, Problem, Relation

RELATIONS = (
    Relation("county_township", "县对镇绩效考评", "county", "township", 1.0),
    Relation("county_department", "县直部门年度业绩考核", "county", "department", 1.0),
)

INDICATORS = (
    Indicator("ct-party", "基层党组织建设", "county_township", 30, item_code="DS-B-001"),
    Indicator("ct-disputes", "矛盾纠纷排查调解", "county_township", 25, item_code="DS-B-004"),
    Indicator(
        "ct-emergency", "应急知识宣传和应急演练", "county_township", 20, item_codes=("DS-B-005-01", "DS-B-005-02")
    ),
    Indicator("ct-construction", "乡村违法建设查处", "county_township", 25, item_code="DS-B-008"),
    Indicator("cd-fire", "消防安全检查（配合事项）", "county_department", 30, item_code="DS-C-001"),
    Indicator("cd-insurance", "基本医疗保险参保扩面（收回事项）", "county_department", 40, item_code="DS-R-013"),
    Indicator("cd-equipment", "特种设备安全监督检查（收回事项）", "county_department", 30, item_code="DS-R-014"),
)

SCHEME = EvaluationScheme(relations=RELATIONS, indicators=INDICATORS, note="基本履职事项作为乡镇考核主要内容")


def _recovered(item: CatalogItem) -> str:
    unit = item.recovery.receiving_unit if item.recovery else "县直部门"
    return f"{item.code} {item.title} 已由 {unit} 收回，应作为县直部门考核内容"


def _township_problems(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    """A town's indicator rests on basic duties only, and says nothing a recovered item covers."""
    if not context.items:
        named = f"（{'、'.join(context.missing)} 不在清单中）" if context.missing else "（未关联清单事项）"
        return [Problem("item_code", f"东山：清单外事项不得作为乡镇考核指标{named}")]
    problems = [
        Problem("item_code", f"东山：清单外事项不得作为乡镇考核指标（{c} 不在清单中）") for c in context.missing
    ]
    for item in context.items:
        if "recovered" in item.kinds:
            problems.append(Problem("item_code", f"东山：收回事项不得作为乡镇考核指标：{_recovered(item)}"))
        elif "basic" not in item.kinds:
            problems.append(
                Problem(
                    "item_code",
                    f"东山：{item.code} {item.title} 是配合事项，是县直部门的考核内容，不得作为乡镇考核指标",
                )
            )
    # The wording, whatever the linked items: 2025's enrolment indicator was withdrawn for what it
    # measured (seed 004), and linking it to a basic item would not have changed that.
    named = {item.code for item in context.items}
    for item in context.similar:
        if "recovered" in item.kinds and item.code not in named:
            problems.append(
                Problem(
                    "label",
                    f"东山：指标“{indicator.label}”考核的是收回事项的内容，不得作为乡镇考核指标：{_recovered(item)}",
                )
            )
    return problems


def check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    if context.relation.evaluatee == "township":
        return _township_problems(indicator, context)
    if context.relation.evaluatee == "department":
        return [
            Problem("item_code", f"东山：{item.code} {item.title} 是乡镇基本履职事项，是乡镇的考核内容")
            for item in context.items
            if "basic" in item.kinds
        ]
    return []
