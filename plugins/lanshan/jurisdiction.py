"""Division tree and units of 临沂市兰山区 (Lanshan district), sample tenant data.

Codes: the district code is GB/T 2260; its 4 streets and 7 towns carry their 国家统计局
统计用区划代码 (9 digits, padded with ``000``). The provincial development zone
(兰山经济开发区) has no township code of its own in the statistical list; 371302400 is
illustrative (the 4xx range is where such zones are numbered). Village and community
numbers and names, grid numbers and duty-desk phone numbers are illustrative.

Every township-level division carries ``attributes["township_type"]`` for the seed's
differentiated evaluation: ``modern_service`` (现代服务业主导型), ``industry`` (工业主导型)
or ``agriculture`` (农业主导型). The four city streets are modern-service-led per the seed;
the split of the towns is a plausible assignment, not taken from the source.
"""

from __future__ import annotations

from core.plugin_api.types import Contact, Division, JurisdictionInfo, Unit, dispatched_agency

ROOT = "371302"

# Township types of the differentiated evaluation (差异化考核).
MODERN_SERVICE = "modern_service"  # 现代服务业主导型
INDUSTRY = "industry"  # 工业主导型
AGRICULTURE = "agriculture"  # 农业主导型

# Streets, towns and the development zone — statistical codes (the zone's illustrative).
LANSHAN = "371302001000"  # 兰山街道
YINQUESHAN = "371302002000"  # 银雀山街道
JINQUESHAN = "371302003000"  # 金雀山街道
LIUQING = "371302004000"  # 柳青街道
BAISHABU = "371302101000"  # 白沙埠镇
ZAOYUAN = "371302102000"  # 枣园镇
BANCHENG = "371302103000"  # 半程镇
YITANG = "371302105000"  # 义堂镇
LIGUAN = "371302107000"  # 李官镇
FANGCHENG = "371302109000"  # 方城镇
WANGGOU = "371302110000"  # 汪沟镇
DEVELOPMENT_ZONE = "371302400000"  # 兰山经济开发区 (number illustrative)


def _township(code: str, name: str, kind: str, township_type: str) -> Division:
    """A town, street or zone of the district with its evaluation type."""
    return Division(code, name, kind, parent_code=ROOT, attributes={"township_type": township_type})


DIVISIONS: tuple[Division, ...] = (
    Division(ROOT, "兰山区", "district"),
    _township(LANSHAN, "兰山街道", "street", MODERN_SERVICE),
    _township(YINQUESHAN, "银雀山街道", "street", MODERN_SERVICE),
    _township(JINQUESHAN, "金雀山街道", "street", MODERN_SERVICE),
    _township(LIUQING, "柳青街道", "street", MODERN_SERVICE),
    _township(BAISHABU, "白沙埠镇", "town", INDUSTRY),
    _township(ZAOYUAN, "枣园镇", "town", AGRICULTURE),
    _township(BANCHENG, "半程镇", "town", INDUSTRY),
    _township(YITANG, "义堂镇", "town", INDUSTRY),
    _township(LIGUAN, "李官镇", "town", AGRICULTURE),
    _township(FANGCHENG, "方城镇", "town", AGRICULTURE),
    _township(WANGGOU, "汪沟镇", "town", AGRICULTURE),
    _township(DEVELOPMENT_ZONE, "兰山经济开发区", "development_zone", INDUSTRY),
    # Communities and villages: numbers and names illustrative (001– 社区, 2xx 村).
    Division("371302001001", "胜利社区", "community", parent_code=LANSHAN),
    Division("371302001002", "新华社区", "community", parent_code=LANSHAN),
    Division("371302001003", "沂州社区", "community", parent_code=LANSHAN),
    Division("371302107201", "李官村", "village", parent_code=LIGUAN),
    Division("371302107202", "朱陈村", "village", parent_code=LIGUAN),
    # Grids (网格) of 胜利社区 — illustrative (the district has 1401 basic grids).
    Division("371302001001001", "第一网格", "grid", parent_code="371302001001"),
    Division("371302001001002", "第二网格", "grid", parent_code="371302001001"),
)


def _department(code: str, name: str, phone: str) -> Unit:
    """A district department with its duty desk (值班室)."""
    return Unit(code, name, "department", ROOT, contacts=(Contact("值班室", phone),))


# District departments (区直部门). 发改局 and 自然资源和规划局 hold core powers kept at
# district level; 行政审批服务局 runs the 54 items delegated to towns; 财政局 settles the
# financial shares of the district–town shared powers. Phone numbers are illustrative.
DEPARTMENTS: tuple[Unit, ...] = (
    _department("establishment-office", "区委编办", "0539-8311001"),
    _department("development-reform-bureau", "区发展和改革局", "0539-8311002"),
    _department("administrative-approval-bureau", "区行政审批服务局", "0539-8311003"),
    _department("justice-bureau", "区司法局", "0539-8311004"),
    _department("market-regulation-bureau", "区市场监督管理局", "0539-8311005"),
    _department("natural-resources-bureau", "区自然资源和规划局", "0539-8311006"),
    _department("housing-construction-bureau", "区住房和城乡建设局", "0539-8311007"),
    _department("emergency-management-bureau", "区应急管理局", "0539-8311008"),
    _department("civil-affairs-bureau", "区民政局", "0539-8311009"),
    _department("health-bureau", "区卫生健康局", "0539-8311010"),
    _department("ecology-environment-bureau", "临沂市生态环境局兰山区分局", "0539-8311011"),
    _department("agriculture-rural-bureau", "区农业农村局", "0539-8311012"),
    _department("enforcement-bureau", "区综合行政执法局", "0539-8311013"),
    _department("medical-security-bureau", "区医疗保障局", "0539-8311014"),
    _department("human-resources-bureau", "区人力资源和社会保障局", "0539-8311015"),
    _department("transport-bureau", "区交通运输局", "0539-8311016"),
    _department("finance-bureau", "区财政局", "0539-8311017"),
)


# Agencies stationed in towns and streets (派驻机构).
DISPATCHED_AGENCIES: tuple[Unit, ...] = (
    dispatched_agency("lanshan-justice-office", "兰山司法所", "justice-bureau", LANSHAN),
    dispatched_agency("lanshan-market-office", "兰山市场监督管理所", "market-regulation-bureau", LANSHAN),
    dispatched_agency("yitang-justice-office", "义堂司法所", "justice-bureau", YITANG),
    dispatched_agency("yitang-market-office", "义堂市场监督管理所", "market-regulation-bureau", YITANG),
    dispatched_agency("liguan-justice-office", "李官司法所", "justice-bureau", LIGUAN),
    dispatched_agency("liguan-market-office", "李官市场监督管理所", "market-regulation-bureau", LIGUAN),
    # Set up by area: one squad serves two neighbouring towns and sits in 方城镇.
    dispatched_agency(
        "fangcheng-wanggou-enforcement-squad",
        "区综合行政执法局方城汪沟中队",
        "enforcement-bureau",
        FANGCHENG,
        WANGGOU,
    ),
)

# Township offices (科室) of 兰山街道 and 义堂镇.
TOWNSHIP_OFFICES: tuple[Unit, ...] = (
    Unit("lanshan-party-office", "党政办公室", "township_office", LANSHAN),
    Unit("lanshan-urban-economy-office", "城市经济办公室", "township_office", LANSHAN),
    Unit("lanshan-social-affairs-office", "社会事务办公室", "township_office", LANSHAN),
    Unit("lanshan-safety-law-office", "平安法治办公室", "township_office", LANSHAN),
    Unit("lanshan-enforcement-office", "综合行政执法办公室", "township_office", LANSHAN),
    Unit("yitang-party-office", "党政办公室", "township_office", YITANG),
    Unit("yitang-economic-office", "经济发展办公室", "township_office", YITANG),
    Unit("yitang-social-affairs-office", "社会事务办公室", "township_office", YITANG),
    Unit("yitang-safety-law-office", "平安法治办公室", "township_office", YITANG),
    Unit("yitang-enforcement-office", "综合行政执法办公室", "township_office", YITANG),
    Unit("yitang-service-center", "便民服务中心", "township_office", YITANG),
)

JURISDICTION = JurisdictionInfo(
    slug="lanshan",
    name="临沂市兰山区",
    division_code=ROOT,
    divisions=DIVISIONS,
    units=DEPARTMENTS + DISPATCHED_AGENCIES + TOWNSHIP_OFFICES,
    sample=True,
    sources=(
        "003_f0c26da996e9cb89.txt",
        "GB/T 2260 / 国家统计局统计用区划代码",
    ),
)
