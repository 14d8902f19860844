"""漳州市东山县 evaluation — seed 004.

Only basic duties are the towns' evaluation content; recovered items and items outside
the list may not be township indicators (the 2025 county-to-town rules were checked against
the recovered list, and 城乡居民基本医疗保险参保扩面 had to be withdrawn); cooperating and
recovered items are the county departments' evaluation content. Weights are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import EvaluationScheme, Indicator, IndicatorContext, Problem, Relation

RELATIONS = (
    Relation("county_township", "县对镇绩效考评", "county", "township", 1.0),
    Relation("county_department", "县直部门年度业绩考核", "county", "department", 1.0),
)

INDICATORS = (
    Indicator("ct-party", "基层党组织建设", "county_township", 30, item_code="DS-B-001"),
    Indicator("ct-disputes", "矛盾纠纷排查调解", "county_township", 25, item_code="DS-B-004"),
    Indicator("ct-emergency", "应急知识宣传和应急演练", "county_township", 20, item_code="DS-B-005-02"),
    Indicator("ct-construction", "乡村违法建设查处", "county_township", 25, item_code="DS-B-008"),
    Indicator("cd-fire", "消防安全检查（配合事项）", "county_department", 30, item_code="DS-C-001"),
    Indicator("cd-insurance", "基本医疗保险参保扩面（收回事项）", "county_department", 40, item_code="DS-R-013"),
    Indicator("cd-equipment", "特种设备安全监督检查（收回事项）", "county_department", 30, item_code="DS-R-014"),
)

SCHEME = EvaluationScheme(relations=RELATIONS, indicators=INDICATORS, note="基本履职事项作为乡镇考核主要内容")


def check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    item = context.item
    if context.relation.evaluatee == "township":
        if item is None:
            named = f"（{indicator.item_code} 不在清单中）" if indicator.item_code else "（未关联清单事项）"
            return [Problem("item_code", f"东山：清单外事项不得作为乡镇考核指标{named}")]
        if "recovered" in item.kinds:
            unit = item.recovery.receiving_unit if item.recovery else "县直部门"
            return [
                Problem(
                    "item_code",
                    f"东山：收回事项不得作为乡镇考核指标：{item.code} {item.title} 已由 {unit} 收回，"
                    "应作为县直部门考核内容",
                )
            ]
        if "basic" not in item.kinds:
            return [
                Problem(
                    "item_code",
                    f"东山：{item.code} {item.title} 是配合事项，是县直部门的考核内容，不得作为乡镇考核指标",
                )
            ]
    elif context.relation.evaluatee == "department" and item is not None and item.kinds == ("basic",):
        return [Problem("item_code", f"东山：{item.code} {item.title} 是乡镇基本履职事项，是乡镇的考核内容")]
    return []
