"""Division tree and units of 齐齐哈尔市龙沙区 (Longsha district), sample tenant data.

Codes: the district code is GB/T 2260; the seven streets carry their 国家统计局 统计用区划代码
(9 digits, padded with ``000``). The statistical list also has 230202579 齐齐哈尔局直, a
reclamation-bureau unit rather than a street, which is left out. Community numbers and
names, grid numbers and the duty-desk phone numbers are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import Contact, Division, JurisdictionInfo, Unit, dispatched_agency

ROOT = "230202"

# Streets (街道) — statistical codes.
WULONG = "230202001000"  # 五龙街道
HUBIN = "230202002000"  # 湖滨街道
JIANGAN = "230202003000"  # 江安街道
ZHENGYANG = "230202004000"  # 正阳街道
CAIHONG = "230202005000"  # 彩虹街道
NANHANG = "230202006000"  # 南航街道
DAMIN = "230202007000"  # 大民街道

DIVISIONS: tuple[Division, ...] = (
    Division(ROOT, "龙沙区", "district"),
    Division(WULONG, "五龙街道", "street", parent_code=ROOT),
    Division(HUBIN, "湖滨街道", "street", parent_code=ROOT),
    Division(JIANGAN, "江安街道", "street", parent_code=ROOT),
    Division(ZHENGYANG, "正阳街道", "street", parent_code=ROOT),
    Division(CAIHONG, "彩虹街道", "street", parent_code=ROOT),
    Division(NANHANG, "南航街道", "street", parent_code=ROOT),
    # 大民街道 lies on the city's edge with farmland and villages: it claims the rural
    # differentiated items (township type for the demo's 一街一单; illustrative).
    Division(DAMIN, "大民街道", "street", parent_code=ROOT, attributes={"township_type": "agricultural_town"}),
    # Communities: numbers and names illustrative.
    Division("230202001001", "光荣社区", "community", parent_code=WULONG),
    Division("230202001002", "永安社区", "community", parent_code=WULONG),
    Division("230202006001", "南航社区", "community", parent_code=NANHANG),
    Division("230202006002", "东升社区", "community", parent_code=NANHANG),
    Division("230202006003", "新航社区", "community", parent_code=NANHANG),
    # Grids (网格) of 南航社区 — illustrative (the district has 363 grids in all).
    Division("230202006001001", "第一网格", "grid", parent_code="230202006001"),
    Division("230202006001002", "第二网格", "grid", parent_code="230202006001"),
)


def _department(code: str, name: str, phone: str) -> Unit:
    """A district department with its duty desk (值班室)."""
    return Unit(code, name, "department", ROOT, contacts=(Contact("值班室", phone),))


# District departments (区直部门). Phone numbers are illustrative. The 营商局 and the
# family-planning association appear in the seed's admission example (职责准入).
DEPARTMENTS: tuple[Unit, ...] = (
    _department("establishment-office", "区委编办", "0452-2410101"),
    _department("justice-bureau", "区司法局", "0452-2410102"),
    _department("business-environment-bureau", "区营商环境建设监督局", "0452-2410103"),
    _department("market-regulation-bureau", "区市场监督管理局", "0452-2410104"),
    _department("natural-resources-bureau", "齐齐哈尔市自然资源局龙沙分局", "0452-2410105"),
    _department("housing-construction-bureau", "区住房和城乡建设局", "0452-2410106"),
    _department("emergency-management-bureau", "区应急管理局", "0452-2410107"),
    _department("civil-affairs-bureau", "区民政局", "0452-2410108"),
    _department("health-bureau", "区卫生健康局", "0452-2410109"),
    _department("ecology-environment-bureau", "齐齐哈尔市生态环境局龙沙分局", "0452-2410110"),
    _department("agriculture-rural-bureau", "区农业农村局", "0452-2410111"),
    _department("urban-management-bureau", "区城市管理综合执法局", "0452-2410112"),
    _department("medical-security-bureau", "区医疗保障局", "0452-2410113"),
    _department("human-resources-bureau", "区人力资源和社会保障局", "0452-2410114"),
    _department("transport-bureau", "区交通运输局", "0452-2410115"),
    _department("finance-bureau", "区财政局", "0452-2410116"),
    _department("family-planning-association", "区计划生育协会", "0452-2410117"),
)


# Agencies stationed in streets (派驻机构): 司法所, 市场监管所 and 城管中队, under "dual
# management, street first"; the streets' rating weighs 60% in their assessment.
DISPATCHED_AGENCIES: tuple[Unit, ...] = (
    dispatched_agency("wulong-justice-office", "五龙司法所", "justice-bureau", WULONG),
    dispatched_agency("wulong-market-office", "五龙市场监督管理所", "market-regulation-bureau", WULONG),
    dispatched_agency("hubin-justice-office", "湖滨司法所", "justice-bureau", HUBIN),
    dispatched_agency("hubin-market-office", "湖滨市场监督管理所", "market-regulation-bureau", HUBIN),
    dispatched_agency("nanhang-justice-office", "南航司法所", "justice-bureau", NANHANG),
    dispatched_agency("nanhang-market-office", "南航市场监督管理所", "market-regulation-bureau", NANHANG),
    # Set up by area: one squad serves two neighbouring streets and sits in 彩虹街道.
    dispatched_agency(
        "caihong-damin-urban-squad",
        "区城市管理综合执法局彩虹大民中队",
        "urban-management-bureau",
        CAIHONG,
        DAMIN,
    ),
)

# Street offices (科室) of 五龙街道 and 南航街道.
TOWNSHIP_OFFICES: tuple[Unit, ...] = (
    Unit("wulong-party-office", "党政办公室", "township_office", WULONG),
    Unit("wulong-party-building-office", "党建工作办公室", "township_office", WULONG),
    Unit("wulong-social-affairs-office", "社会事务办公室", "township_office", WULONG),
    Unit("wulong-safety-office", "平安建设办公室", "township_office", WULONG),
    Unit("wulong-enforcement-office", "综合行政执法办公室", "township_office", WULONG),
    Unit("nanhang-party-office", "党政办公室", "township_office", NANHANG),
    Unit("nanhang-party-building-office", "党建工作办公室", "township_office", NANHANG),
    Unit("nanhang-social-affairs-office", "社会事务办公室", "township_office", NANHANG),
    Unit("nanhang-safety-office", "平安建设办公室", "township_office", NANHANG),
    Unit("nanhang-service-center", "便民服务中心", "township_office", NANHANG),
)

JURISDICTION = JurisdictionInfo(
    slug="longsha",
    name="齐齐哈尔市龙沙区",
    division_code=ROOT,
    divisions=DIVISIONS,
    units=DEPARTMENTS + DISPATCHED_AGENCIES + TOWNSHIP_OFFICES,
    sample=True,
    sources=(
        "001_e5dc8ad0e24e46a2.txt",
        "GB/T 2260 / 国家统计局统计用区划代码",
    ),
)
