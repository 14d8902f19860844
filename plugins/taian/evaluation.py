"""泰安市 two-way evaluation (双向考评) and accountability — seed 002.

Relations and shares from the seed: the townships' (bottom-up) evaluation makes about 1/3 of a
county department's performance weight (``township_department`` 1/3, the top-down assessment
2/3); the township's evaluation makes at least 60% of a dispatched agency's assessment
(``township_agency`` 0.6, the sending department 0.4). An agency set up by area is rated by
each township it serves with a share of the weight and summed by the host township
(:data:`AREA_AGENCY_SHARES`, illustrative ratios); an agency its township did not rate
excellent cannot be rated excellent by its department. Indicators rest on the list's items;
names and weights are illustrative, shaped on the seed.
"""

from __future__ import annotations

from core.plugin_api.types import (
    EvaluationRule,
    EvaluationScheme,
    Indicator,
    Problem,
    Relation,
    ResultDraft,
    RuleEffect,
    Subject,
)

MANZHUANG = "370911106000"  # 满庄镇, host of the 满庄夏张 squad
XIAZHANG = "370911107000"  # 夏张镇

#: An area agency's evaluators and their shares; the first township is the host that sums.
AREA_AGENCY_SHARES: dict[str, dict[str, float]] = {
    "manzhuang-xiazhang-enforcement-squad": {MANZHUANG: 0.6, XIAZHANG: 0.4},
}

RELATIONS = (
    Relation("county_township", "县(市、区)对乡镇(街道)综合考核", "county", "township", 1.0),
    Relation("county_department", "县级职能部门综合考核(自上而下)", "county", "department", 2 / 3),
    Relation(
        "township_department",
        "乡镇(街道)对县级职能部门评价(自下而上)",
        "township",
        "department",
        1 / 3,
        "评价结果一般应占被考核部门绩效权重的1/3左右",
    ),
    Relation("department_agency", "职能部门对派驻机构考核", "department", "dispatched_agency", 0.4),
    Relation(
        "township_agency",
        "乡镇(街道)对派驻机构履职评价",
        "township",
        "dispatched_agency",
        0.6,
        "应占派驻机构考核权重的60%以上；按区域设置的由相关乡镇各占一定权重、驻地乡镇汇总",
    ),
)

INDICATORS = (
    Indicator("ct-emergency", "突发事件先期处置和信息报送", "county_township", 30, item_code="TA-YJ-003"),
    Indicator("ct-relief", "社会救助申请受理和调查审核", "county_township", 25, item_code="TA-ZD-001"),
    Indicator("ct-disputes", "矛盾纠纷排查化解", "county_township", 25, item_code="TA-ZD-004"),
    Indicator("ct-garbage", "农村生活垃圾治理", "county_township", 20, item_code="TA-ST-003"),
    Indicator("cd-list", "依照《清单》履职情况", "county_department", 60),
    Indicator("cd-admission", "职责下沉事项准入执行情况", "county_department", 40),
    Indicator("td-list", "依照《清单》履职情况", "township_department", 40),
    Indicator("td-calls", "“乡呼县应、上下联动”执行情况", "township_department", 30),
    Indicator("td-satisfaction", "“呼叫”事项办理结果满意度", "township_department", 30, tags=("satisfaction",)),
    Indicator("da-work", "业务工作完成情况", "department_agency", 100),
    Indicator("ta-duty", "履行属地职责情况", "township_agency", 60),
    Indicator("ta-coordination", "服从乡镇(街道)统筹协调情况", "township_agency", 20),
    Indicator("ta-satisfaction", "群众满意度", "township_agency", 20, tags=("satisfaction",)),
)

SCHEME = EvaluationScheme(relations=RELATIONS, indicators=INDICATORS, note="示例指标，权重依据泰安市实施意见")


def _share(scheme: EvaluationScheme, code: str) -> float | None:
    return next((r.share for r in scheme.relations if r.code == code), None)


def check_third(scheme: EvaluationScheme) -> list[Problem]:
    share = _share(scheme, "township_department")
    if share is None or not 0.30 <= share <= 0.37:
        return [
            Problem(
                "relations.township_department.share",
                f"泰安：乡镇(街道)对县级职能部门的评价结果一般应占被考核部门绩效权重的1/3左右（现为 {share}）",
            )
        ]
    return []


def check_sixty(scheme: EvaluationScheme) -> list[Problem]:
    share = _share(scheme, "township_agency")
    if share is None or share < 0.6:
        return [
            Problem(
                "relations.township_agency.share",
                f"泰安：乡镇(街道)对派驻机构履职评价应占派驻机构考核权重的60%以上（现为 {share}）",
            )
        ]
    return []


def area_shares(subject: Subject, relation: str) -> dict[str, float] | None:
    if relation != "township_agency":
        return None
    return AREA_AGENCY_SHARES.get(subject.code)


def not_excellent(draft: ResultDraft, grades: tuple) -> list[RuleEffect]:
    part = draft.relations.get("township_agency")
    if draft.subject.kind != "dispatched_agency" or part is None:
        return []
    if draft.grade == "excellent" and part.grade != "excellent":
        below = next((g.code for g in grades if g.min_score < grades[0].min_score), draft.grade)
        return [
            RuleEffect(
                "agency-not-excellent",
                "grade",
                draft.grade,
                below,
                f"泰安：乡镇(街道)对派驻机构评价未评为优秀（{part.grade}），上级职能部门不得将其评为优秀",
            )
        ]
    return []


RULES = (
    EvaluationRule("township-third", "乡镇评价约占部门绩效权重1/3", check_scheme=check_third),
    EvaluationRule("agency-sixty", "乡镇评价占派驻机构考核权重60%以上", check_scheme=check_sixty),
    EvaluationRule(
        "area-agency", "按区域设置的派驻机构由相关乡镇按权重评价、驻地乡镇汇总", evaluator_shares=area_shares
    ),
    EvaluationRule("agency-not-excellent", "乡镇未评为优秀的派驻机构不得评为优秀", adjust=not_excellent),
)
