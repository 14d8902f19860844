"""Sample town list of 漳州市东山县: basic, cooperating and recovered items.

``DS-B-NNN`` basic duties (a few with sub-items ``DS-B-NNN-NN``), ``DS-C-NNN`` cooperating
duties led by county departments, ``DS-R-NNN`` items recovered by county departments with
the receiving department, its working method and the reason (e.g. penalties for unlicensed
mining and illegal land occupation, fire-safety inspection, and the medical-insurance
enrolment indicator withdrawn from the towns' evaluation). Illustrative data shaped on the
seed, not the official list.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Recovery, Responsibility, SeedCatalog

#: Citations of laws deliberately absent from the legal library, to show how core reports an
#: unresolved citation.
UNRESOLVED_BY_DESIGN: tuple[str, ...] = ("中华人民共和国社会保险法",)

TOWNSHIP = "township"

JIUZHU = "《社会救助暂行办法》"
TUFA = "《中华人民共和国突发事件应对法》"
TUDI = "《中华人民共和国土地管理法》"
GUIHUA = "《中华人民共和国城乡规划法》"
DAQI = "《中华人民共和国大气污染防治法》"
HAIYANG = "《中华人民共和国海洋环境保护法》"
DONGFANG = "《中华人民共和国动物防疫法》"

# Recovery reasons (structure.RECOVERY_REASONS).
TECHNICAL, NO_OBJECT, RARE, UNFIT, DIFFICULT = (
    "专业技术性强，乡镇难以承接",
    "乡镇无监管对象",
    "乡镇实际发生频次低",
    "不宜作为乡镇考核内容",
    "乡镇实施难度大",
)


def _basic(
    code: str,
    title: str,
    category: str,
    item_kind: str | None,
    duty: str,
    *citations: str,
    parent: str | None = None,
    unit: str | None = None,
    unit_duty: str = "",
    power_type: str | None = None,
    indicator: bool | None = None,
) -> CatalogItem:
    """A basic duty: the town bears it, a county department may guide."""
    responsibilities = [Responsibility(TOWNSHIP, "primary", duty)]
    if unit:
        responsibilities.append(Responsibility(unit, "cooperating", unit_duty))
    extra: dict[str, object] = {}
    if power_type:
        extra["power_type"] = power_type
    if indicator is not None:
        extra["township_indicator"] = indicator
    return CatalogItem(
        code=code,
        title=title,
        level="sub_item" if parent else "item",
        kinds=("basic",),
        parent_code=parent,
        category=category,
        item_kind=item_kind,
        responsibilities=tuple(responsibilities),
        citations=citations,
        extra=extra,
    )


def _cooperating(
    code: str, title: str, category: str, item_kind: str, unit: str, unit_duty: str, duty: str, *citations: str
) -> CatalogItem:
    """A cooperating duty: the county department leads, the town helps."""
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("cooperating",),
        category=category,
        item_kind=item_kind,
        responsibilities=(Responsibility(unit, "primary", unit_duty), Responsibility(TOWNSHIP, "cooperating", duty)),
        citations=citations,
    )


def _recovered(
    code: str,
    title: str,
    category: str,
    item_kind: str,
    unit: str,
    method: str,
    reason: str,
    *citations: str,
    power_type: str | None = "penalty",
    duty: str = "发现线索及时报告，配合现场管控",
) -> CatalogItem:
    """An item a county department took back; the town at most reports and assists."""
    extra: dict[str, object] = {"township_indicator": False}
    if power_type:
        extra["power_type"] = power_type
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("recovered",),
        category=category,
        item_kind=item_kind,
        responsibilities=(Responsibility(unit, "primary", method), Responsibility(TOWNSHIP, "cooperating", duty)),
        recovery=Recovery(unit, method, reason),
        citations=citations,
        extra=extra,
    )


BASIC = (
    _basic(
        "DS-B-001",
        "基层党组织建设",
        "party_building",
        None,
        "抓好村（社区）党组织建设，落实“三会一课”，加强党员教育管理",
        indicator=True,
    ),
    _basic(
        "DS-B-002",
        "指导村（居）民委员会工作",
        "governance",
        "territorial",
        "指导、支持和帮助村（居）民委员会依法自治，不干预自治范围内的事项",
        "《中华人民共和国村民委员会组织法》第五条",
        "《中华人民共和国城市居民委员会组织法》第二条",
    ),
    _basic(
        "DS-B-003",
        "社会救助申请受理和调查审核",
        "public_service",
        "service",
        "统一受理社会救助申请，调查审核，具体工作由经办人员承担",
        f"{JIUZHU}第四条",
        unit="civil-affairs-bureau",
        unit_duty="审批并开展抽查",
        indicator=True,
    ),
    _basic(
        "DS-B-003-01",
        "最低生活保障申请受理和调查审核",
        "public_service",
        "service",
        "受理书面申请，入户调查、邻里访问，提出审核意见并公示",
        f"{JIUZHU}第十一条",
        parent="DS-B-003",
    ),
    _basic(
        "DS-B-003-02",
        "特困人员供养申请受理和主动发现",
        "public_service",
        "service",
        "受理供养申请，主动发现符合条件人员并为其办理",
        f"{JIUZHU}第十六条",
        f"{JIUZHU}第十七条",
        parent="DS-B-003",
    ),
    _basic(
        "DS-B-003-03",
        "临时救助审核及小额审批",
        "public_service",
        "power",
        "受理审核临时救助申请，依委托审批小额救助",
        f"{JIUZHU}第四十八条",
        parent="DS-B-003",
        power_type="payment",
    ),
    _basic(
        "DS-B-004",
        "矛盾纠纷排查调解",
        "governance",
        "territorial",
        "设立人民调解委员会，排查调处矛盾纠纷",
        "《中华人民共和国人民调解法》第三十四条",
        unit="justice-bureau",
        unit_duty="指导人民调解工作",
    ),
    _basic(
        "DS-B-005",
        "突发事件应对",
        "governance",
        "territorial",
        "明确专门工作力量负责突发事件应对，及时报送突发事件信息",
        f"{TUFA}第二十二条",
        f"{TUFA}第六十一条",
        indicator=True,
    ),
    _basic(
        "DS-B-005-01",
        "建立基层应急救援队伍",
        "governance",
        "territorial",
        "建立基层应急救援队伍，及时、就近开展应急救援",
        f"{TUFA}第三十九条",
        parent="DS-B-005",
    ),
    _basic(
        "DS-B-005-02",
        "应急知识宣传和应急演练",
        "governance",
        "territorial",
        "组织面向群众的应急和地震应急知识宣传普及和必要的演练",
        f"{TUFA}第四十二条",
        "《中华人民共和国防震减灾法》第四十四条",
        parent="DS-B-005",
    ),
    _basic(
        "DS-B-006",
        "防台风防汛",
        "governance",
        "territorial",
        "落实防台防汛责任，排查隐患，组织渔船回港、人员上岸和危险区域群众转移",
        "《中华人民共和国防洪法》第三十八条",
        unit="emergency-management-bureau",
        unit_duty="组织指挥防台防汛，调度抢险力量",
        indicator=True,
    ),
    _basic(
        "DS-B-007",
        "沿海防护林森林防火",
        "ecology",
        "territorial",
        "组织护林员巡护，宣传防火，发现火情立即报告并先期处置",
        "《中华人民共和国森林法》第三十四条",
    ),
    _basic(
        "DS-B-008",
        "乡村违法建设责令停止建设、限期改正",
        "construction",
        "power",
        "对未取得或未按乡村建设规划许可证建设的，责令停止建设、限期改正，逾期不改正的依法拆除",
        f"{GUIHUA}第六十五条",
        power_type="coercion",
    ),
    _basic(
        "DS-B-009",
        "农村村民宅基地审批",
        "construction",
        "power",
        "审核批准宅基地申请，开展批后监管",
        f"{TUDI}第六十二条",
        "《中华人民共和国土地管理法实施条例》第三十四条",
        power_type="licensing",
    ),
    _basic(
        "DS-B-010",
        "永久基本农田公告和保护标志",
        "rural",
        "territorial",
        "公告永久基本农田位置、范围，设立保护标志",
        f"{TUDI}第三十四条",
    ),
    _basic(
        "DS-B-011",
        "农村土地承包合同管理和纠纷调解",
        "rural",
        "service",
        "管理承包经营合同，调解承包纠纷",
        "《中华人民共和国农村土地承包法》第十二条",
        "《中华人民共和国农村土地承包法》第五十五条",
    ),
    _basic(
        "DS-B-012",
        "农村生活垃圾治理",
        "ecology",
        "territorial",
        "组织村庄保洁和生活垃圾收集转运",
        "《中华人民共和国固体废物污染环境防治法》第四十六条",
        indicator=True,
    ),
    _basic(
        "DS-B-013",
        "组织动物疫病预防控制",
        "rural",
        "territorial",
        "组织群众做好动物疫病预防控制和强制免疫",
        f"{DONGFANG}第八条",
        unit="agriculture-rural-bureau",
        unit_duty="制定免疫计划并监督",
    ),
    _basic(
        "DS-B-014",
        "兵役登记和征兵",
        "support",
        "territorial",
        "组织初次兵役登记，开展征兵宣传和初步核查",
        "《中华人民共和国兵役法》第十五条",
        "《征兵工作条例》第十一条",
    ),
    _basic(
        "DS-B-015",
        "控辍保学",
        "public_service",
        "territorial",
        "组织和督促适龄儿童、少年入学，防止辍学",
        "《中华人民共和国义务教育法》第十三条",
    ),
    _basic(
        "DS-B-016",
        "退役军人服务站",
        "public_service",
        "service",
        "建设镇、村（社区）退役军人服务站点，做好接待帮扶",
        "《中华人民共和国退役军人保障法》第六十五条",
    ),
    _basic(
        "DS-B-017",
        "未成年人保护工作站",
        "public_service",
        "service",
        "设立未成年人保护工作站或指定专门人员，及时办理未成年人相关事务",
        "《中华人民共和国未成年人保护法》第八十一条",
    ),
    _basic(
        "DS-B-018",
        "统计调查",
        "economy",
        "territorial",
        "设置统计工作岗位，组织辖区统计调查",
        "《中华人民共和国统计法》第三十条",
    ),
    _basic(
        "DS-B-019",
        "农村集体经济组织审计",
        "rural",
        "territorial",
        "对农村集体经济组织开展定期审计和专项审计",
        "《中华人民共和国农村集体经济组织法》第四十七条",
    ),
    _basic(
        "DS-B-020",
        "指导村（居）开展群众性消防工作",
        "governance",
        "territorial",
        "指导村（居）确定消防安全管理人、制定防火公约、开展防火检查",
        "《中华人民共和国消防法》第三十二条",
    ),
    _basic(
        "DS-B-021",
        "村务公开和民主管理指导",
        "governance",
        "territorial",
        "督促村民委员会按期公布村务、财务",
        "《中华人民共和国村民委员会组织法》第三十条",
    ),
    _basic(
        "DS-B-022",
        "辖区生产经营单位安全生产检查",
        "governance",
        "territorial",
        "按照职责检查辖区生产经营单位，督促隐患整改",
        "《中华人民共和国安全生产法》第九条",
        unit="emergency-management-bureau",
        unit_duty="制定检查计划并指导",
        indicator=True,
    ),
)

COOPERATING = (
    _cooperating(
        "DS-C-001",
        "消防安全检查配合协调",
        "governance",
        "territorial",
        "fire-rescue-brigade",
        "直接下沉企业开展消防监督检查",
        "提供场所底数，配合协调，不再联合执法或受托执法",
        "《中华人民共和国消防法》第五十三条",
    ),
    _cooperating(
        "DS-C-002",
        "安全生产行政执法配合",
        "governance",
        "territorial",
        "emergency-management-bureau",
        "依法开展安全生产行政执法",
        "检查中发现的违法线索书面移送，配合执法",
        "《中华人民共和国安全生产法》第六十五条",
    ),
    _cooperating(
        "DS-C-003",
        "食品安全协助监管",
        "public_service",
        "territorial",
        "market-regulation-bureau",
        "通过市场监管所开展食品安全监督检查",
        "支持、协助监管，做好隐患排查和信息报告",
        "《中华人民共和国食品安全法实施条例》第四条",
    ),
    _cooperating(
        "DS-C-004",
        "农产品质量安全监管",
        "rural",
        "territorial",
        "agriculture-rural-bureau",
        "开展监督抽查和执法",
        "落实属地监管责任，开展巡查和快速检测",
        "《中华人民共和国农产品质量安全法》第六条",
    ),
    _cooperating(
        "DS-C-005",
        "海洋垃圾清理",
        "ocean",
        "territorial",
        "ocean-fisheries-bureau",
        "建立海洋垃圾监测、清理制度，统筹接收转运处理设施",
        "组织岸滩、港湾垃圾清理，配合监测",
        f"{HAIYANG}第五十七条",
    ),
    _cooperating(
        "DS-C-006",
        "海水养殖禁养区清理",
        "ocean",
        "territorial",
        "ocean-fisheries-bureau",
        "划定禁养区、限养区和养殖区，组织清理",
        "摸排禁养区内养殖户，做好群众工作，配合清理",
        f"{HAIYANG}第四十四条",
    ),
    _cooperating(
        "DS-C-007",
        "土地征收配合",
        "economy",
        "territorial",
        "natural-resources-bureau",
        "发布征收公告，拟定补偿安置方案并组织实施",
        "配合开展土地现状调查、补偿登记和群众工作",
        f"{TUDI}第四十七条",
    ),
    _cooperating(
        "DS-C-008",
        "共享单车乱停放、占道经营整治",
        "construction",
        "territorial",
        "urban-management-bureau",
        "集中执法力量开展专项整治",
        "“乡镇吹哨”召集部门，配合现场整治和劝导",
        "《城市市容和环境卫生管理条例》第十四条",
    ),
    _cooperating(
        "DS-C-009",
        "旅游市场秩序整治",
        "economy",
        "territorial",
        "culture-tourism-bureau",
        "牵头旅游市场秩序专项整治",
        "配合金銮大道等区域整治，受理群众投诉并转办",
    ),
    _cooperating(
        "DS-C-010",
        "文物保护单位安全巡查",
        "support",
        "territorial",
        "culture-tourism-bureau",
        "划定保护范围，设立标志，明确专人管理",
        "配合日常巡查，发现险情及时报告",
        "《中华人民共和国文物保护法》第二十六条",
    ),
    _cooperating(
        "DS-C-011",
        "传染病群防群控",
        "public_service",
        "territorial",
        "health-bureau",
        "组织监测、预警和处置",
        "组织村（居）开展群防群控和疫情报告",
        "《中华人民共和国传染病防治法》第九条",
    ),
    _cooperating(
        "DS-C-012",
        "农村公益性墓地审核",
        "public_service",
        "power",
        "civil-affairs-bureau",
        "审批农村公益性墓地",
        "审核村民设置公益性墓地的申请",
        "《殡葬管理条例》第八条",
    ),
    _cooperating(
        "DS-C-013",
        "城镇违法建设查处配合",
        "construction",
        "territorial",
        "urban-management-bureau",
        "依法查处城镇违法建设，组织拆除",
        "巡查发现、劝阻并报告，配合拆除",
        f"{GUIHUA}第六十四条",
        f"{GUIHUA}第六十八条",
    ),
    _cooperating(
        "DS-C-014",
        "动物防疫违法行为查处配合",
        "rural",
        "territorial",
        "agriculture-rural-bureau",
        "依法查处不履行强制免疫等违法行为",
        "发现违法线索及时报告",
        f"{DONGFANG}第九十二条",
    ),
    _cooperating(
        "DS-C-015",
        "道路交通安全隐患排查和交通安全劝导",
        "governance",
        "territorial",
        "public-security-bureau",
        "县公安局交通管理部门负责道路交通安全管理，依法查处交通违法行为",
        "组织村(居)开展交通安全宣传劝导，排查报告道路交通安全隐患",
        "《中华人民共和国道路交通安全法》第五条",
    ),
)

RECOVERED = (
    _recovered(
        "DS-R-001",
        "对未取得采矿权擅自开采矿产资源的处罚",
        "ecology",
        "power",
        "natural-resources-bureau",
        "县自然资源局执法大队直接立案查处，乡镇只负责发现报告",
        TECHNICAL,
        "《中华人民共和国矿产资源法》第六十四条",
    ),
    _recovered(
        "DS-R-002",
        "对非法占用土地的处罚",
        "construction",
        "power",
        "natural-resources-bureau",
        "县自然资源局直接立案查处，不再由属地乡镇兜底",
        DIFFICULT,
        f"{TUDI}第七十七条",
    ),
    _recovered(
        "DS-R-003",
        "对农村村民非法占用土地建住宅的处理",
        "construction",
        "power",
        "agriculture-rural-bureau",
        "县农业农村局直接责令退还、限期拆除",
        DIFFICULT,
        f"{TUDI}第七十八条",
        power_type="coercion",
    ),
    _recovered(
        "DS-R-004",
        "消防监督检查",
        "governance",
        "power",
        "fire-rescue-brigade",
        "县消防救援大队直接下沉企业检查，不再委托乡镇或联合执法",
        TECHNICAL,
        "《中华人民共和国消防法》第五十三条",
        power_type="inspection",
    ),
    _recovered(
        "DS-R-005",
        "对露天焚烧秸秆、落叶的处罚",
        "ecology",
        "power",
        "urban-management-bureau",
        "县城市管理和综合执法局立案查处",
        TECHNICAL,
        f"{DAQI}第一百一十九条",
    ),
    _recovered(
        "DS-R-006",
        "对餐饮服务业超标排放油烟的处罚",
        "ecology",
        "power",
        "urban-management-bureau",
        "县城市管理和综合执法局检测并查处",
        RARE,
        f"{DAQI}第一百一十八条",
    ),
    _recovered(
        "DS-R-007",
        "对未取得食品经营许可从事食品经营的处罚",
        "public_service",
        "power",
        "market-regulation-bureau",
        "县市场监管局及派出所直接查处",
        TECHNICAL,
        "《中华人民共和国食品安全法》第一百二十二条",
    ),
    _recovered(
        "DS-R-008",
        "对随意倾倒、抛撒、堆放生活垃圾的处罚",
        "ecology",
        "power",
        "urban-management-bureau",
        "县城市管理和综合执法局立案查处",
        DIFFICULT,
        "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
    ),
    _recovered(
        "DS-R-009",
        "对未取得建设工程规划许可证进行建设的处罚",
        "construction",
        "power",
        "urban-management-bureau",
        "县城市管理和综合执法局立案查处",
        TECHNICAL,
        f"{GUIHUA}第六十四条",
    ),
    _recovered(
        "DS-R-010",
        "对生产经营单位主要负责人未履行安全生产管理职责的处罚",
        "governance",
        "power",
        "emergency-management-bureau",
        "县应急管理局执法大队立案查处",
        TECHNICAL,
        "《中华人民共和国安全生产法》第九十四条",
    ),
    _recovered(
        "DS-R-011",
        "对违法猎捕野生动物的处罚",
        "ecology",
        "power",
        "natural-resources-bureau",
        "县自然资源局（林业）直接查处",
        RARE,
        "《中华人民共和国野生动物保护法》第四十八条",
    ),
    _recovered(
        "DS-R-012",
        "对不履行动物疫病强制免疫义务的处罚",
        "rural",
        "power",
        "agriculture-rural-bureau",
        "县农业农村局立案查处",
        TECHNICAL,
        f"{DONGFANG}第九十二条",
    ),
    _recovered(
        "DS-R-013",
        "城乡居民基本医疗保险参保扩面",
        "public_service",
        "service",
        "medical-security-bureau",
        "县医疗保障局负责参保扩面，撤出县对镇绩效考评细则，乡镇只做政策宣传",
        UNFIT,
        # 社会保险法 is not in the legal library: unresolved by design.
        "《中华人民共和国社会保险法》第二十五条",
        power_type=None,
        duty="配合宣传参保政策",
    ),
    _recovered(
        "DS-R-014",
        "特种设备安全监督检查",
        "governance",
        "power",
        "market-regulation-bureau",
        "县市场监管局直接检查",
        NO_OBJECT,
        "《中华人民共和国特种设备安全法》第五条",
        power_type="inspection",
    ),
    _recovered(
        "DS-R-015",
        "对擅自兴建殡葬设施的处罚",
        "public_service",
        "power",
        "civil-affairs-bureau",
        "县民政局会同有关部门取缔",
        RARE,
        "《殡葬管理条例》第十八条",
    ),
)


#: Provenance: the items whose names the seed (004) gives, with the seed's words. Every other
#: item was written by the project from the legal library's texts.
SEED_NAMED: dict[str, str] = {
    "DS-R-013": "城乡居民基本医疗保险参保扩面",
    "DS-C-008": "共享单车乱停乱放、停车收费、占道经营",
}

CATALOG = SeedCatalog(
    items=BASIC + COOPERATING + RECOVERED,
    sample=True,
    note="示例数据：依据东山县乡镇履职事项清单报道（种子 004）整理的基本、配合、收回三部分示意，"
    "非官方清单原文；法条引用取自项目法律库。",
)
