"""齐齐哈尔市龙沙区 evaluation and accountability — seed 001.

Streets evaluate dispatched agencies (司法所, 市场监管所, 城管中队) on their territorial
duties and the public's satisfaction with 60% of the weight ("双重管理、以街道为主"); the
streets' weight in evaluating district departments was raised and their satisfaction with
the departments counts (区直部门满意度评价). The accountability system names 7 situations of
not performing by the list and 6 methods; the seed gives the counts, the wording here is an
illustrative reading of them. 7 notices (依单履职告知书) were issued.
"""

from __future__ import annotations

from core.plugin_api.types import (
    AccountabilityRules,
    EvaluationRule,
    EvaluationScheme,
    Indicator,
    Label,
    Problem,
    Relation,
)

RELATIONS = (
    Relation("county_township", "区对街道考核", "county", "township", 1.0),
    Relation("county_department", "区直部门综合考核", "county", "department", 0.7),
    Relation("township_department", "街道对区直部门考核评价", "township", "department", 0.3, "街道评价权重调增"),
    Relation("department_agency", "区直部门对派驻机构考核", "department", "dispatched_agency", 0.4),
    Relation("township_agency", "街道对派驻机构考评", "township", "dispatched_agency", 0.6, "评价权重达60%"),
)

INDICATORS = (
    Indicator("ct-party", "党建引领基层治理", "county_township", 30, item_code="LS-C-001"),
    Indicator("ct-grid", "网格划分和网格员管理", "county_township", 20, item_code="LS-C-002-T1"),
    Indicator("ct-petitions", "信访事项登记、受理和办理", "county_township", 25, item_code="LS-C-004-T1"),
    Indicator("ct-safety", "辖区生产经营单位安全检查", "county_township", 25, item_code="LS-C-005-T2"),
    Indicator("cd-work", "部门重点工作完成情况", "county_department", 100),
    Indicator("td-list", "依单履职和“吹哨报到”响应", "township_department", 50),
    Indicator("td-satisfaction", "街道满意度评价", "township_department", 50, tags=("satisfaction",)),
    Indicator("da-work", "业务工作完成情况", "department_agency", 100),
    Indicator("ta-duty", "履行属地职责情况", "township_agency", 60),
    Indicator("ta-satisfaction", "群众满意度", "township_agency", 40, tags=("satisfaction",)),
)

SCHEME = EvaluationScheme(relations=RELATIONS, indicators=INDICATORS, note="示例指标；派驻机构街道评价权重60%")


def _share(scheme: EvaluationScheme, code: str) -> float | None:
    return next((r.share for r in scheme.relations if r.code == code), None)


def agency_sixty(scheme: EvaluationScheme) -> list[Problem]:
    share = _share(scheme, "township_agency")
    if share is None or share < 0.6:
        return [Problem("relations.township_agency.share", f"龙沙：街道对派驻机构的评价权重应达60%（现为 {share}）")]
    return []


def satisfaction_counts(scheme: EvaluationScheme) -> list[Problem]:
    if not any(
        i.relation == "township_department" and "satisfaction" in i.tags and i.weight > 0 for i in scheme.indicators
    ):
        return [Problem("indicators", "龙沙：街道对区直部门的满意度评价必须计入考核（缺少 satisfaction 指标）")]
    return []


RULES = (
    EvaluationRule("agency-sixty", "街道对派驻机构评价权重60%", check_scheme=agency_sixty),
    EvaluationRule("street-satisfaction", "街道对区直部门满意度评价计入考核", check_scheme=satisfaction_counts),
)

ACCOUNTABILITY = AccountabilityRules(
    situations=(
        Label("refused", "拒不履行清单职责"),
        Label("shirked", "推诿扯皮、敷衍塞责"),
        Label("late", "未在规定时限内履职"),
        Label("improper", "履职不规范、不到位造成不良影响"),
        Label("pushed_down", "违规向街道转嫁清单外事项"),
        Label("no_response", "对街道“吹哨”不响应、迟响应或响应不作为"),
        Label("false_report", "虚报、瞒报履职情况"),
    ),
    methods=(
        Label("reminder", "提醒谈话"),
        Label("interview", "约谈"),
        Label("rectification", "责令整改"),
        Label("written_review", "责令书面检查"),
        Label("circular", "通报批评"),
        Label("referral", "移送纪检监察机关处理"),
    ),
    note="七种不依单履职情形、六种监管问责方式（数目出自龙沙区报告，表述为示例）",
)
