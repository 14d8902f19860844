"""临沂市兰山区 differentiated evaluation (精准差异考核) — seed 003.

"底线考核、差异区别": every town and street is evaluated on common indicators (party
building, poverty relief, environment, safety); on top of them each township type has its
own indicators and weights — modern-service-led (城市经济, 片区征收, 城市管理), industry-led
(工业转型, 创新发展, the "二十一条", 企业入园, 技术改造, 飞地经济) and agriculture-led (乡村振兴,
现代农业, 乡村旅游). A township's type is its division attribute ``township_type``.
Weights are illustrative; the types and their contents are the seed's.
"""

from __future__ import annotations

from core.plugin_api.types import EvaluationRule, EvaluationScheme, Indicator, Label, Problem, Relation

MODERN_SERVICE, INDUSTRY, AGRICULTURE = "modern_service", "industry", "agriculture"

TYPES = (
    Label(MODERN_SERVICE, "现代服务业主导型"),
    Label(INDUSTRY, "工业主导型"),
    Label(AGRICULTURE, "农业主导型"),
)

RELATIONS = (Relation("county_township", "区对镇街综合考核", "county", "township", 1.0),)


def _typed(code: str, label: str, weight: float, township_type: str) -> Indicator:
    return Indicator(code, label, "county_township", weight, township_types=(township_type,))


INDICATORS = (
    # Common indicators (普遍考核).
    Indicator("party-building", "党的建设", "county_township", 15),
    Indicator("poverty", "脱贫攻坚", "county_township", 10),
    Indicator("environment", "生态环保（秸秆禁烧等）", "county_township", 10, item_code="LAN-S-06"),
    Indicator("safety", "安全生产和防汛抗旱", "county_township", 10, item_code="LAN-S-09"),
    # 现代服务业主导型 — the four city streets.
    _typed("urban-economy", "城市经济", 25, MODERN_SERVICE),
    _typed("area-expropriation", "片区征收", 15, MODERN_SERVICE),
    _typed("city-management", "城市管理", 15, MODERN_SERVICE),
    # 工业主导型.
    _typed("industrial-upgrade", "工业转型（“二十一条”意见落实）", 20, INDUSTRY),
    _typed("innovation", "创新发展（企业技术改造）", 15, INDUSTRY),
    _typed("park-entry", "企业入园和“飞地经济”", 20, INDUSTRY),
    # 农业主导型.
    _typed("rural-revitalisation", "乡村振兴", 20, AGRICULTURE),
    _typed("modern-agriculture", "现代农业", 20, AGRICULTURE),
    _typed("rural-tourism", "乡村旅游", 15, AGRICULTURE),
)

SCHEME = EvaluationScheme(
    relations=RELATIONS,
    indicators=INDICATORS,
    township_types=TYPES,
    note="差异化考核：共性指标 45 分，类型指标 55 分（示例权重）",
)


def every_type_has_its_own(scheme: EvaluationScheme) -> list[Problem]:
    problems = []
    for township_type in scheme.township_types:
        if not any(township_type.code in i.township_types for i in scheme.indicators):
            problems.append(
                Problem("indicators", f"兰山：{township_type.label}没有自己的考核指标（差异化考核要求分类设置）")
            )
    return problems


RULES = (EvaluationRule("typed-indicators", "分类型设置考核指标及权重", check_scheme=every_type_has_its_own),)
