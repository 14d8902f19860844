"""Division tree and units of 泰安市 (Tai'an city), sample tenant data.

Codes: the city and its six county-level divisions are GB/T 2260; the townships of 泰山区
and 岱岳区 carry their 国家统计局 统计用区划代码 (9 digits, padded with ``000``). The
townships of the four counties / county-level cities are not listed yet. Village and
community numbers and names, grid numbers and duty-desk phone numbers are illustrative.
"""

from __future__ import annotations

from core.plugin_api.types import Contact, Division, JurisdictionInfo, Unit, dispatched_agency

ROOT = "370900"

# County-level divisions (GB/T 2260); county-level cities use kind ``county``.
TAISHAN = "370902"  # 泰山区
DAIYUE = "370911"  # 岱岳区
NINGYANG = "370921"  # 宁阳县
DONGPING = "370923"  # 东平县
XINTAI = "370982"  # 新泰市
FEICHENG = "370983"  # 肥城市

# Townships referred to below — statistical codes.
DAIMIAO = "370902001000"  # 岱庙街道
SHENGZHUANG = "370902100000"  # 省庄镇
QIUJIADIAN = "370902101000"  # 邱家店镇
MANZHUANG = "370911106000"  # 满庄镇
XIAZHANG = "370911107000"  # 夏张镇
DAWENKOU = "370911110000"  # 大汶口镇

DIVISIONS: tuple[Division, ...] = (
    Division(ROOT, "泰安市", "city"),
    Division(TAISHAN, "泰山区", "district", parent_code=ROOT),
    Division(DAIYUE, "岱岳区", "district", parent_code=ROOT),
    Division(NINGYANG, "宁阳县", "county", parent_code=ROOT),
    Division(DONGPING, "东平县", "county", parent_code=ROOT),
    Division(XINTAI, "新泰市", "county", parent_code=ROOT),
    Division(FEICHENG, "肥城市", "county", parent_code=ROOT),
    # 泰山区: 5 streets, 2 towns, 1 township.
    Division(DAIMIAO, "岱庙街道", "street", parent_code=TAISHAN),
    Division("370902002000", "财源街道", "street", parent_code=TAISHAN),
    Division("370902003000", "泰前街道", "street", parent_code=TAISHAN),
    Division("370902004000", "上高街道", "street", parent_code=TAISHAN),
    Division("370902005000", "徐家楼街道", "street", parent_code=TAISHAN),
    Division(SHENGZHUANG, "省庄镇", "town", parent_code=TAISHAN),
    Division(QIUJIADIAN, "邱家店镇", "town", parent_code=TAISHAN),
    Division("370902202000", "大津口乡", "township", parent_code=TAISHAN),
    # 岱岳区: 3 streets, 14 towns, 1 township.
    Division("370911001000", "粥店街道", "street", parent_code=DAIYUE),
    Division("370911002000", "天平街道", "street", parent_code=DAIYUE),
    Division("370911003000", "北集坡街道", "street", parent_code=DAIYUE),
    Division("370911100000", "山口镇", "town", parent_code=DAIYUE),
    Division("370911101000", "祝阳镇", "town", parent_code=DAIYUE),
    Division("370911102000", "范镇", "town", parent_code=DAIYUE),
    Division("370911103000", "角峪镇", "town", parent_code=DAIYUE),
    Division("370911104000", "徂徕镇", "town", parent_code=DAIYUE),
    Division(MANZHUANG, "满庄镇", "town", parent_code=DAIYUE),
    Division(XIAZHANG, "夏张镇", "town", parent_code=DAIYUE),
    Division("370911108000", "道朗镇", "town", parent_code=DAIYUE),
    Division("370911109000", "黄前镇", "town", parent_code=DAIYUE),
    Division(DAWENKOU, "大汶口镇", "town", parent_code=DAIYUE),
    Division("370911111000", "马庄镇", "town", parent_code=DAIYUE),
    Division("370911112000", "房村镇", "town", parent_code=DAIYUE),
    Division("370911113000", "良庄镇", "town", parent_code=DAIYUE),
    Division("370911114000", "下港镇", "town", parent_code=DAIYUE),
    Division("370911201000", "化马湾乡", "township", parent_code=DAIYUE),
    # Communities and villages: numbers and names illustrative (001– 社区, 2xx 村).
    Division("370902001001", "东岳社区", "community", parent_code=DAIMIAO),
    Division("370902001002", "岱宗社区", "community", parent_code=DAIMIAO),
    Division("370902001003", "通天街社区", "community", parent_code=DAIMIAO),
    Division("370911110201", "山西街村", "village", parent_code=DAWENKOU),
    Division("370911110202", "卫驾庄村", "village", parent_code=DAWENKOU),
    # Grids (网格) of 东岳社区 — illustrative; Tai'an merges all grids into one.
    Division("370902001001001", "第一网格", "grid", parent_code="370902001001"),
    Division("370902001001002", "第二网格", "grid", parent_code="370902001001"),
)


def _department(code: str, name: str, seat: str, phone: str, city: str | None = None) -> Unit:
    """A city or district department, seated at ``seat``, with its duty desk (值班室).
    ``city``: for a district department, the city department it is the district's counterpart
    of — the catalog names the city department; a township of that district reads its list,
    Excel export and portal pages with the district's, and the lookup and calls route to it
    (市 → 区 where the district is responsible; core.jurisdictions.counterparts)."""
    return Unit(code, name, "department", seat, parent_unit_code=city, contacts=(Contact("值班室", phone),))


# Departments (县级职能部门). The catalog is city-wide and names the city departments; in
# 泰山区 and 岱岳区 the district bureau (or the city bureau's district branch, 分局) is
# responsible for the townships of the district, so each is recorded as the counterpart of its
# city department and the townships' lists name it. Phone numbers are illustrative.
_DISTRICT_COUNTERPARTS = (
    # (city department, 泰山区 name, 岱岳区 name, phone suffix)
    ("justice-bureau", "泰山区司法局", "岱岳区司法局", "001"),
    ("market-regulation-bureau", "泰山区市场监督管理局", "岱岳区市场监督管理局", "002"),
    ("enforcement-bureau", "泰山区综合行政执法局", "岱岳区综合行政执法局", "003"),
    ("natural-resources-bureau", "泰安市自然资源和规划局泰山分局", "泰安市自然资源和规划局岱岳分局", "004"),
    ("ecology-environment-bureau", "泰安市生态环境局泰山分局", "泰安市生态环境局岱岳分局", "005"),
    ("housing-construction-bureau", "泰山区住房和城乡建设局", "岱岳区住房和城乡建设局", "006"),
    ("emergency-management-bureau", "泰山区应急管理局", "岱岳区应急管理局", "007"),
    ("civil-affairs-bureau", "泰山区民政局", "岱岳区民政局", "008"),
    ("health-commission", "泰山区卫生健康局", "岱岳区卫生健康局", "009"),
    ("agriculture-rural-bureau", "泰山区农业农村局", "岱岳区农业农村局", "010"),
    ("medical-security-bureau", "泰安市医疗保障局泰山分局", "泰安市医疗保障局岱岳分局", "011"),
)


def _district_code(city: str) -> str:
    # taishan-justice-bureau and friends keep their codes (agencies and the catalog name them)
    return city.removesuffix("-bureau").removesuffix("-commission")


DEPARTMENTS: tuple[Unit, ...] = (
    _department("establishment-office", "市委编办", ROOT, "0538-6201001"),
    _department("justice-bureau", "市司法局", ROOT, "0538-6201002"),
    _department("market-regulation-bureau", "市市场监督管理局", ROOT, "0538-6201003"),
    _department("natural-resources-bureau", "市自然资源和规划局", ROOT, "0538-6201004"),
    _department("ecology-environment-bureau", "市生态环境局", ROOT, "0538-6201005"),
    _department("housing-construction-bureau", "市住房和城乡建设局", ROOT, "0538-6201006"),
    _department("emergency-management-bureau", "市应急管理局", ROOT, "0538-6201007"),
    _department("enforcement-bureau", "市综合行政执法局", ROOT, "0538-6201008"),
    _department("civil-affairs-bureau", "市民政局", ROOT, "0538-6201009"),
    _department("health-commission", "市卫生健康委员会", ROOT, "0538-6201010"),
    _department("agriculture-rural-bureau", "市农业农村局", ROOT, "0538-6201011"),
    _department("medical-security-bureau", "市医疗保障局", ROOT, "0538-6201012"),
    _department("finance-bureau", "市财政局", ROOT, "0538-6201013"),
    *(
        _department(f"{district}-{_district_code(city)}-bureau", name, seat, f"0538-620{n}{suffix}", city)
        for city, taishan, daiyue, suffix in _DISTRICT_COUNTERPARTS
        for district, name, seat, n in (("taishan", taishan, TAISHAN, 2), ("daiyue", daiyue, DAIYUE, 3))
    ),
)


# Agencies stationed in townships (派驻机构), under dual leadership; the township's rating
# is at least 60% of their assessment.
DISPATCHED_AGENCIES: tuple[Unit, ...] = (
    dispatched_agency("shengzhuang-justice-office", "省庄司法所", "taishan-justice-bureau", SHENGZHUANG),
    dispatched_agency(
        "shengzhuang-market-office",
        "省庄市场监督管理所",
        "taishan-market-regulation-bureau",
        SHENGZHUANG,
    ),
    dispatched_agency("qiujiadian-justice-office", "邱家店司法所", "taishan-justice-bureau", QIUJIADIAN),
    dispatched_agency(
        "qiujiadian-market-office",
        "邱家店市场监督管理所",
        "taishan-market-regulation-bureau",
        QIUJIADIAN,
    ),
    dispatched_agency("dawenkou-justice-office", "大汶口司法所", "daiyue-justice-bureau", DAWENKOU),
    dispatched_agency(
        "dawenkou-market-office",
        "大汶口市场监督管理所",
        "daiyue-market-regulation-bureau",
        DAWENKOU,
    ),
    # Set up by area (按区域设置): both towns rate it with a share of the weight and the
    # host town 满庄镇 sums the result.
    dispatched_agency(
        "manzhuang-xiazhang-enforcement-squad",
        "岱岳区综合行政执法局满庄夏张中队",
        "daiyue-enforcement-bureau",
        MANZHUANG,
        XIAZHANG,
    ),
)

# Township offices (科室) of 省庄镇 and 岱庙街道, arranged around the four platforms
# (综治工作, 市场监管, 综合执法, 便民服务).
TOWNSHIP_OFFICES: tuple[Unit, ...] = (
    Unit("shengzhuang-party-office", "党政办公室", "township_office", SHENGZHUANG),
    Unit("shengzhuang-economic-office", "经济发展办公室", "township_office", SHENGZHUANG),
    Unit("shengzhuang-social-affairs-office", "社会事务办公室", "township_office", SHENGZHUANG),
    Unit("shengzhuang-governance-center", "社会治理服务中心", "township_office", SHENGZHUANG),
    Unit("shengzhuang-enforcement-office", "综合行政执法办公室", "township_office", SHENGZHUANG),
    Unit("shengzhuang-service-center", "便民服务中心", "township_office", SHENGZHUANG),
    Unit("daimiao-party-office", "党政办公室", "township_office", DAIMIAO),
    Unit("daimiao-social-affairs-office", "社会事务办公室", "township_office", DAIMIAO),
    Unit("daimiao-urban-management-office", "城市管理办公室", "township_office", DAIMIAO),
    Unit("daimiao-safety-office", "平安建设办公室", "township_office", DAIMIAO),
    Unit("daimiao-service-center", "便民服务中心", "township_office", DAIMIAO),
)

JURISDICTION = JurisdictionInfo(
    slug="taian",
    name="泰安市",
    division_code=ROOT,
    divisions=DIVISIONS,
    units=DEPARTMENTS + DISPATCHED_AGENCIES + TOWNSHIP_OFFICES,
    sample=True,
    sources=(
        "002_23ea2c2156002a1f.txt",
        "GB/T 2260 / 国家统计局统计用区划代码",
    ),
)
