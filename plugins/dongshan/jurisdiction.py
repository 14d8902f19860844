"""Division tree and units of 漳州市东山县 (Dongshan county), sample tenant data.

Codes: the county code is GB/T 2260; its seven towns carry their 国家统计局 统计用区划代码
(9 digits, padded with ``000``). Village and community numbers, grid numbers and duty-desk
phone numbers are illustrative; the community and village names are real places as far as
known but their numbering is not.
"""

from __future__ import annotations

from core.plugin_api.types import Contact, Division, JurisdictionInfo, Unit, dispatched_agency

ROOT = "350626"

# Towns (镇) — statistical codes.
XIPU = "350626100000"  # 西埔镇 (county seat)
ZHANGTANG = "350626101000"  # 樟塘镇
KANGMEI = "350626102000"  # 康美镇
XINGCHEN = "350626103000"  # 杏陈镇
CHENCHENG = "350626104000"  # 陈城镇
QIANLOU = "350626105000"  # 前楼镇
TONGLING = "350626106000"  # 铜陵镇

DIVISIONS: tuple[Division, ...] = (
    Division(ROOT, "东山县", "county"),
    Division(XIPU, "西埔镇", "town", parent_code=ROOT),
    Division(ZHANGTANG, "樟塘镇", "town", parent_code=ROOT),
    Division(KANGMEI, "康美镇", "town", parent_code=ROOT),
    Division(XINGCHEN, "杏陈镇", "town", parent_code=ROOT),
    Division(CHENCHENG, "陈城镇", "town", parent_code=ROOT),
    Division(QIANLOU, "前楼镇", "town", parent_code=ROOT),
    Division(TONGLING, "铜陵镇", "town", parent_code=ROOT),
    # Communities and villages: numbers illustrative (001– 社区, 2xx 村).
    Division("350626106001", "岵嵝社区", "community", parent_code=TONGLING),
    Division("350626106002", "演武社区", "community", parent_code=TONGLING),
    Division("350626106003", "大澳社区", "community", parent_code=TONGLING),
    Division("350626102201", "马銮村", "village", parent_code=KANGMEI),
    Division("350626102202", "铜钵村", "village", parent_code=KANGMEI),
    # Grids (网格) of 岵嵝社区 — illustrative.
    Division("350626106001001", "第一网格", "grid", parent_code="350626106001"),
    Division("350626106001002", "第二网格", "grid", parent_code="350626106001"),
)


def _department(code: str, name: str, phone: str) -> Unit:
    """A county department with its duty desk (值班室)."""
    return Unit(code, name, "department", ROOT, contacts=(Contact("值班室", phone),))


# County departments (县直部门). 医保局 had to withdraw an enrolment indicator from the
# township evaluation; 消防救援大队 now inspects enterprises directly; 文体旅游局, 市场监管局
# and 城管执法局 answer the towns' whistle on the tourist-market clean-up. Phone numbers are
# illustrative.
DEPARTMENTS: tuple[Unit, ...] = (
    _department("establishment-office", "县委编办", "0596-5881001"),
    _department("justice-bureau", "县司法局", "0596-5881002"),
    _department("market-regulation-bureau", "县市场监督管理局", "0596-5881003"),
    _department("natural-resources-bureau", "县自然资源局", "0596-5881004"),
    _department("ecology-environment-bureau", "漳州市东山生态环境局", "0596-5881005"),
    _department("housing-construction-bureau", "县住房和城乡建设局", "0596-5881006"),
    _department("emergency-management-bureau", "县应急管理局", "0596-5881007"),
    _department("fire-rescue-brigade", "县消防救援大队", "0596-5881008"),
    _department("urban-management-bureau", "县城市管理和综合执法局", "0596-5881009"),
    _department("civil-affairs-bureau", "县民政局", "0596-5881010"),
    _department("health-bureau", "县卫生健康局", "0596-5881011"),
    _department("medical-security-bureau", "县医疗保障局", "0596-5881012"),
    _department("human-resources-bureau", "县人力资源和社会保障局", "0596-5881013"),
    _department("agriculture-rural-bureau", "县农业农村局", "0596-5881014"),
    _department("ocean-fisheries-bureau", "县海洋与渔业局", "0596-5881015"),
    _department("culture-tourism-bureau", "县文体旅游局", "0596-5881016"),
    _department("transport-bureau", "县交通运输局", "0596-5881017"),
    _department("finance-bureau", "县财政局", "0596-5881018"),
    # The police: traffic safety on the towns' roads, and the whistle's joint action (seed 004).
    _department("public-security-bureau", "县公安局", "0596-5881019"),
)


# Agencies stationed in towns (派驻机构).
DISPATCHED_AGENCIES: tuple[Unit, ...] = (
    dispatched_agency("xipu-justice-office", "西埔司法所", "justice-bureau", XIPU),
    dispatched_agency("xipu-market-office", "西埔市场监督管理所", "market-regulation-bureau", XIPU),
    dispatched_agency("tongling-justice-office", "铜陵司法所", "justice-bureau", TONGLING),
    dispatched_agency("tongling-market-office", "铜陵市场监督管理所", "market-regulation-bureau", TONGLING),
    dispatched_agency("zhangtang-justice-office", "樟塘司法所", "justice-bureau", ZHANGTANG),
    dispatched_agency("zhangtang-market-office", "樟塘市场监督管理所", "market-regulation-bureau", ZHANGTANG),
    # Set up by area: one squad serves two neighbouring towns and sits in 康美镇.
    dispatched_agency(
        "kangmei-chencheng-enforcement-squad",
        "县城市管理和综合执法局康美陈城中队",
        "urban-management-bureau",
        KANGMEI,
        CHENCHENG,
    ),
)

# Township offices (科室) of 铜陵镇 (whose pocket book, 口袋书, the seed cites) and 樟塘镇
# (whose "一日一事项" study routine it cites).
TOWNSHIP_OFFICES: tuple[Unit, ...] = (
    Unit("tongling-party-office", "党政办公室", "township_office", TONGLING),
    Unit("tongling-economic-office", "经济发展办公室", "township_office", TONGLING),
    Unit("tongling-social-affairs-office", "社会事务办公室", "township_office", TONGLING),
    Unit("tongling-safety-law-office", "平安法治办公室", "township_office", TONGLING),
    Unit("tongling-rural-office", "乡村振兴办公室", "township_office", TONGLING),
    Unit("tongling-enforcement-office", "综合行政执法办公室", "township_office", TONGLING),
    Unit("zhangtang-party-office", "党政办公室", "township_office", ZHANGTANG),
    Unit("zhangtang-economic-office", "经济发展办公室", "township_office", ZHANGTANG),
    Unit("zhangtang-social-affairs-office", "社会事务办公室", "township_office", ZHANGTANG),
    Unit("zhangtang-safety-law-office", "平安法治办公室", "township_office", ZHANGTANG),
    Unit("zhangtang-enforcement-office", "综合行政执法办公室", "township_office", ZHANGTANG),
)

JURISDICTION = JurisdictionInfo(
    slug="dongshan",
    name="漳州市东山县",
    division_code=ROOT,
    divisions=DIVISIONS,
    units=DEPARTMENTS + DISPATCHED_AGENCIES + TOWNSHIP_OFFICES,
    sample=True,
    sources=(
        "004_2db1e28a8c3f47ad.txt",
        "GB/T 2260 / 国家统计局统计用区划代码",
    ),
)
