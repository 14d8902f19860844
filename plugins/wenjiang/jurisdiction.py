"""Division tree and units of 成都市温江区 (Wenjiang district), sample tenant data.

Codes: the district code is GB/T 2260; the township codes are the 国家统计局 统计用区划代码
(9 digits, padded with ``000``) of the current 6 streets and 3 towns. Village/community and
grid numbers, the community names and the duty-desk phone numbers are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import Contact, Division, JurisdictionInfo, Unit, dispatched_agency

ROOT = "510115"

# Townships (镇/街道) — statistical codes.
LIUCHENG = "510115001000"  # 柳城街道
GONGPING = "510115002000"  # 公平街道
YONGQUAN = "510115003000"  # 涌泉街道
TIANFU = "510115004000"  # 天府街道
JINMA = "510115005000"  # 金马街道
YONGNING = "510115006000"  # 永宁街道
HESHENG = "510115101000"  # 和盛镇
WANCHUN = "510115105000"  # 万春镇
SHOUAN = "510115106000"  # 寿安镇

DIVISIONS: tuple[Division, ...] = (
    Division(ROOT, "温江区", "district"),
    Division(LIUCHENG, "柳城街道", "street", parent_code=ROOT),
    Division(GONGPING, "公平街道", "street", parent_code=ROOT),
    Division(YONGQUAN, "涌泉街道", "street", parent_code=ROOT),
    Division(TIANFU, "天府街道", "street", parent_code=ROOT),
    Division(JINMA, "金马街道", "street", parent_code=ROOT),
    Division(YONGNING, "永宁街道", "street", parent_code=ROOT),
    Division(HESHENG, "和盛镇", "town", parent_code=ROOT),
    Division(WANCHUN, "万春镇", "town", parent_code=ROOT),
    Division(SHOUAN, "寿安镇", "town", parent_code=ROOT),
    # Communities and villages: last three digits illustrative (001– 社区, 2xx 村).
    Division("510115001001", "和平社区", "community", parent_code=LIUCHENG),
    Division("510115001002", "光华社区", "community", parent_code=LIUCHENG),
    Division("510115001003", "凤溪社区", "community", parent_code=LIUCHENG),
    Division("510115105001", "天乡路社区", "community", parent_code=WANCHUN),
    Division("510115105201", "幸福村", "village", parent_code=WANCHUN),
    Division("510115105202", "踏水村", "village", parent_code=WANCHUN),
    # Grids (网格) of 和平社区 — illustrative.
    Division("510115001001001", "第一网格", "grid", parent_code="510115001001"),
    Division("510115001001002", "第二网格", "grid", parent_code="510115001001"),
)


def _department(code: str, name: str, phone: str) -> Unit:
    """A district department with its duty desk (值班室)."""
    return Unit(code, name, "department", ROOT, contacts=(Contact("值班室", phone),))


# District departments (区级部门). Phone numbers are illustrative.
DEPARTMENTS: tuple[Unit, ...] = (
    _department("establishment-office", "区委编办", "028-82712001"),
    _department("community-governance-department", "区委社会工作部", "028-82712002"),
    _department("justice-bureau", "区司法局", "028-82712003"),
    _department("public-security-bureau", "成都市公安局温江区分局", "028-82712004"),
    _department("market-regulation-bureau", "区市场监督管理局", "028-82712005"),
    _department("natural-resources-bureau", "区规划和自然资源局", "028-82712006"),
    _department("housing-construction-bureau", "区住房和城乡建设局", "028-82712007"),
    _department("emergency-management-bureau", "区应急管理局", "028-82712008"),
    _department("civil-affairs-bureau", "区民政局", "028-82712009"),
    _department("health-bureau", "区卫生健康局", "028-82712010"),
    _department("ecology-environment-bureau", "成都市温江生态环境局", "028-82712011"),
    _department("agriculture-rural-bureau", "区农业农村局", "028-82712012"),
    _department("enforcement-bureau", "区综合行政执法局", "028-82712013"),
    _department("medical-security-bureau", "区医疗保障局", "028-82712014"),
    _department("human-resources-bureau", "区人力资源和社会保障局", "028-82712015"),
    _department("transport-bureau", "区交通运输局", "028-82712016"),
    _department("finance-bureau", "区财政局", "028-82712017"),
)


# Agencies stationed in townships (派驻机构).
DISPATCHED_AGENCIES: tuple[Unit, ...] = (
    dispatched_agency("liucheng-justice-office", "柳城司法所", "justice-bureau", LIUCHENG),
    dispatched_agency("liucheng-market-office", "柳城市场监督管理所", "market-regulation-bureau", LIUCHENG),
    dispatched_agency("gongping-justice-office", "公平司法所", "justice-bureau", GONGPING),
    dispatched_agency("gongping-market-office", "公平市场监督管理所", "market-regulation-bureau", GONGPING),
    dispatched_agency("wanchun-justice-office", "万春司法所", "justice-bureau", WANCHUN),
    dispatched_agency("wanchun-market-office", "万春市场监督管理所", "market-regulation-bureau", WANCHUN),
    # Set up by area: one squad serves two neighbouring towns and sits in 寿安镇.
    dispatched_agency(
        "shouan-hesheng-enforcement-squad",
        "区综合行政执法局寿安和盛中队",
        "enforcement-bureau",
        SHOUAN,
        HESHENG,
    ),
)

# Township offices (科室) of 柳城街道 and 万春镇.
TOWNSHIP_OFFICES: tuple[Unit, ...] = (
    Unit("liucheng-party-office", "党政办公室", "township_office", LIUCHENG),
    Unit("liucheng-community-office", "社区发展治理办公室", "township_office", LIUCHENG),
    Unit("liucheng-social-affairs-office", "社会事务办公室", "township_office", LIUCHENG),
    Unit("liucheng-safety-law-office", "平安法治办公室", "township_office", LIUCHENG),
    Unit("liucheng-enforcement-office", "综合行政执法办公室", "township_office", LIUCHENG),
    Unit("wanchun-party-office", "党政办公室", "township_office", WANCHUN),
    Unit("wanchun-economic-office", "经济发展办公室", "township_office", WANCHUN),
    Unit("wanchun-rural-office", "农业农村办公室", "township_office", WANCHUN),
    Unit("wanchun-social-affairs-office", "社会事务办公室", "township_office", WANCHUN),
    Unit("wanchun-safety-law-office", "平安法治办公室", "township_office", WANCHUN),
    Unit("wanchun-enforcement-office", "综合行政执法办公室", "township_office", WANCHUN),
)

JURISDICTION = JurisdictionInfo(
    slug="wenjiang",
    name="成都市温江区",
    division_code=ROOT,
    divisions=DIVISIONS,
    units=DEPARTMENTS + DISPATCHED_AGENCIES + TOWNSHIP_OFFICES,
    sample=True,
    sources=(
        "000_bb78533276331fb1.txt",
        "GB/T 2260 / 国家统计局统计用区划代码",
    ),
)
