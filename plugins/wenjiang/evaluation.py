"""成都市温江区 evaluation keyed to the list — seed 000, scenario 3.

The district's performance centre builds the towns' target tasks on the list ("依清单职责
考评问效"): a town's indicator rests on a list item, and work belonging to a district
department may never be split off to the towns as their target ("对属于区级部门的工作，一律不得
分解给镇(街道)"). Towns evaluate district departments bottom-up. Weights are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import EvaluationScheme, Indicator, IndicatorContext, Problem, Relation

RELATIONS = (
    Relation("county_township", "区对镇(街道)目标绩效考评", "county", "township", 1.0),
    Relation("county_department", "区级部门目标绩效考评", "county", "department", 0.7),
    Relation("township_department", "镇(街道)对区级部门评价", "township", "department", 0.3),
)

INDICATORS = (
    Indicator("ct-elections", "指导居民委员会换届选举", "county_township", 20, item_code="WJ-M01-T01-W01-R01"),
    Indicator("ct-statistics", "组织实施辖区统计调查", "county_township", 20, item_code="WJ-M02-T04-W05"),
    Indicator("ct-relief", "特困人员供养申请受理和主动发现", "county_township", 30, item_code="WJ-M03-T06-W09-S06"),
    Indicator("ct-garbage", "生活垃圾分类宣传和投放管理", "county_township", 30, item_code="WJ-M04-T09-W16-R10"),
    Indicator("cd-work", "部门目标任务完成情况", "county_department", 100),
    Indicator("td-list", "照清单履职、依清单办事", "township_department", 60),
    Indicator("td-satisfaction", "镇(街道)满意度", "township_department", 40, tags=("satisfaction",)),
)

SCHEME = EvaluationScheme(relations=RELATIONS, indicators=INDICATORS, note="依清单职责考评问效（示例权重）")


def check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    if context.relation.evaluatee != "township":
        return []
    item = context.item
    if item is None:
        return [Problem("item_code", "温江：镇(街道)目标考核任务应依据清单事项制定（指标未关联清单事项）")]
    leads = [r.party for r in item.responsibilities if r.role == "primary" and r.party != "township"]
    if leads and not any(r.party == "township" and r.role == "primary" for r in item.responsibilities):
        return [
            Problem(
                "item_code",
                f"温江：{item.code} {item.title} 是区级部门（{'、'.join(leads)}）的工作，"
                "一律不得分解给镇(街道)作为考核任务",
            )
        ]
    return []
