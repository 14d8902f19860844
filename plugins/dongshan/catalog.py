"""Sample town list of 漳州市东山县: basic, cooperating and recovered items.

``DS-B-NNN`` basic duties (a few with sub-items ``DS-B-NNN-NN``), ``DS-C-NNN`` cooperating
duties led by county departments, ``DS-R-NNN`` items recovered by county departments with
the receiving department, its working method and the reason (e.g. penalties for unlicensed
mining and illegal land occupation, fire-safety inspection, and the medical-insurance
enrolment indicator withdrawn from the towns' evaluation). Illustrative data shaped on the
seed, not the official list. The seed reports 118 recovered items (106 of the 155 enforcement
items once delegated) and names four (:data:`SEED_NAMED`); ``DS-R-016`` on are penalties
written from the legal library — one per offence the article describes, received by the
department the article names — the kind of enforcement powers counties delegated to towns.
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

# Laws and receiving units of the items written from the law (016–).
SENLIN = "《中华人民共和国森林法》"
SENLIN_SS = "《中华人民共和国森林法实施条例》"
FANGHUO = "《森林防火条例》"
TUDI_SS = "《中华人民共和国土地管理法实施条例》"
KUANGCHAN = "《中华人民共和国矿产资源法》"
JIANZHU = "《中华人民共和国建筑法》"
WUYE = "《物业管理条例》"
SHIRONG = "《城市市容和环境卫生管理条例》"
GUFEI = "《中华人民共和国固体废物污染环境防治法》"
SHUIWU = "《中华人民共和国水污染防治法》"
HUANPING = "《中华人民共和国环境影响评价法》"
YEBAO = "《中华人民共和国野生动物保护法》"
NONGCHAN = "《中华人民共和国农产品质量安全法》"
XIAOFANG = "《中华人民共和国消防法》"
WENWU = "《中华人民共和国文物保护法》"
BINZANG = "《殡葬管理条例》"
ANQUAN = "《中华人民共和国安全生产法》"
SHIPIN = "《中华人民共和国食品安全法》"
JIAOTONG = "《中华人民共和国道路交通安全法》"
CHUANRAN = "《中华人民共和国传染病防治法》"

NR, UM, HC, EE, OF = (
    "natural-resources-bureau",
    "urban-management-bureau",
    "housing-construction-bureau",
    "ecology-environment-bureau",
    "ocean-fisheries-bureau",
)
MR, AR, FR, EM, CT, CA, TR, PS, HL = (
    "market-regulation-bureau",
    "agriculture-rural-bureau",
    "fire-rescue-brigade",
    "emergency-management-bureau",
    "culture-tourism-bureau",
    "civil-affairs-bureau",
    "transport-bureau",
    "public-security-bureau",
    "health-bureau",
)
# How each receiving department now works the items it took back (the town reports clues and
# assists on site: the _recovered default duty).
FOREST = "县自然资源局（林业）执法人员直接立案查处，乡镇护林员巡护发现后报告"
LAND = "县自然资源局执法大队直接立案查处，不再由属地乡镇兜底"
MINING = "县自然资源局直接立案查处，乡镇只负责发现报告"
URBAN = "县城市管理和综合执法局立案查处，乡镇发现后移送"
BUILD = "县住房和城乡建设局直接检查并立案查处"
PROPERTY = "县住房和城乡建设局（房地产管理）受理投诉并查处"
ECO = "漳州市东山生态环境局执法大队检测取证并立案查处"
FISHERY = "县海洋与渔业局执法大队直接立案查处"
MARKET = "县市场监督管理局及其市场监管所直接检查并立案查处"
ANIMAL = "县农业农村局（动物卫生监督）直接立案查处"
AGRI = "县农业农村局（农产品质量安全监管）抽检并立案查处"
FIRE = "县消防救援大队直接下沉检查并立案查处，不再委托乡镇"
SAFETY = "县应急管理局执法大队直接检查并立案查处"
RELICS = "县文体旅游局（文物）直接立案查处，乡镇文物安全巡查员发现报告"
HEALTH = "县卫生健康局（卫生监督）检测并立案查处"

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


# --- 016–: written from the legal library's texts (the seed gives no more names) ----------
# (title, category, receiving unit, working method, reason, citation); all are penalties (行政处罚)
_FROM_LAW: tuple[tuple[str, str, str, str, str, str], ...] = (
    # 林业 (县自然资源局)
    ("对擅自改变林地用途的处罚", "ecology", NR, FOREST, TECHNICAL, f"{SENLIN}第七十三条"),
    ("对开垦、采石、采砂、采土等造成林木或者林地毁坏的处罚", "ecology", NR, FOREST, DIFFICULT, f"{SENLIN}第七十四条"),
    ("对盗伐、滥伐林木的处罚", "ecology", NR, FOREST, TECHNICAL, f"{SENLIN}第七十六条"),
    ("对伪造、变造、买卖、租借采伐许可证的处罚", "ecology", NR, FOREST, RARE, f"{SENLIN}第七十七条"),
    ("对收购、加工、运输明知是非法来源林木的处罚", "ecology", NR, FOREST, TECHNICAL, f"{SENLIN}第七十八条"),
    ("对未完成更新造林任务的处罚", "ecology", NR, FOREST, DIFFICULT, f"{SENLIN}第七十九条"),
    (
        "对毁林采种或者违规采脂、挖笋、掘根、剥树皮及过度修枝致使林木受到毁坏的处罚",
        "ecology",
        NR,
        FOREST,
        TECHNICAL,
        f"{SENLIN_SS}第四十一条",
    ),
    ("对擅自将防护林和特种用途林改变为其他林种的处罚", "ecology", NR, FOREST, RARE, f"{SENLIN_SS}第四十六条"),
    (
        "对森林、林木、林地经营单位或者个人未履行森林防火责任的处罚",
        "ecology",
        NR,
        FOREST,
        TECHNICAL,
        f"{FANGHUO}第四十八条",
    ),
    (
        "对拒绝接受森林防火检查或者逾期不消除森林火灾隐患的处罚",
        "ecology",
        NR,
        FOREST,
        TECHNICAL,
        f"{FANGHUO}第四十九条",
    ),
    ("对森林防火期内未经批准擅自在森林防火区内野外用火的处罚", "ecology", NR, FOREST, DIFFICULT, f"{FANGHUO}第五十条"),
    (
        "对森林防火期内未经批准在森林防火区内进行实弹演习、爆破等活动的处罚",
        "ecology",
        NR,
        FOREST,
        RARE,
        f"{FANGHUO}第五十一条",
    ),
    (
        "对未设置森林防火警示宣传标志、进入森林防火区的机动车辆未安装防火装置或者擅自进入森林高火险区的处罚",
        "ecology",
        NR,
        FOREST,
        RARE,
        f"{FANGHUO}第五十二条",
    ),
    # 土地和矿产 (县自然资源局)
    ("对买卖或者以其他形式非法转让土地的处罚", "construction", NR, LAND, DIFFICULT, f"{TUDI}第七十四条"),
    ("对拒不履行土地复垦义务的处罚", "construction", NR, LAND, TECHNICAL, f"{TUDI}第七十六条"),
    (
        "对临时使用土地期满拒不归还或者不按批准用途使用国有土地的处罚",
        "construction",
        NR,
        LAND,
        DIFFICULT,
        f"{TUDI}第八十一条",
    ),
    ("对擅自将农民集体所有的土地用于非农业建设的处罚", "construction", NR, LAND, DIFFICULT, f"{TUDI}第八十二条"),
    ("对在临时使用的土地上修建永久性建筑物的处罚", "construction", NR, LAND, DIFFICULT, f"{TUDI_SS}第五十二条"),
    ("对未取得探矿权勘查矿产资源的处罚", "ecology", NR, MINING, TECHNICAL, f"{KUANGCHAN}第六十三条"),
    (
        "对不按批准方案勘查开采或者采取不合理开采方法造成矿产资源破坏的处罚",
        "ecology",
        NR,
        MINING,
        TECHNICAL,
        f"{KUANGCHAN}第六十八条",
    ),
    ("对采矿权人不履行矿区生态修复义务的处罚", "ecology", NR, MINING, NO_OBJECT, f"{KUANGCHAN}第七十一条"),
    (
        "对占用、损害自然岸线或者在严格保护岸线范围内开采海砂的处罚",
        "ocean",
        NR,
        "县自然资源局（海洋）直接立案查处，乡镇发现报告",
        TECHNICAL,
        f"{HAIYANG}第九十七条",
    ),
    # 规划、建设和物业 (县城市管理和综合执法局、县住房和城乡建设局)
    (
        "对未经批准或者未按批准内容进行临时建设、临时建筑物超期不拆除的处罚",
        "construction",
        UM,
        URBAN,
        DIFFICULT,
        f"{GUIHUA}第六十六条",
    ),
    (
        "对未取得施工许可证或者开工报告未经批准擅自施工的处罚",
        "construction",
        HC,
        BUILD,
        TECHNICAL,
        f"{JIANZHU}第六十四条",
    ),
    (
        "对擅自施工涉及建筑主体或者承重结构变动的装修工程的处罚",
        "construction",
        HC,
        BUILD,
        TECHNICAL,
        f"{JIANZHU}第七十条",
    ),
    (
        "对建筑施工企业不采取措施消除建筑安全事故隐患的处罚",
        "construction",
        HC,
        BUILD,
        TECHNICAL,
        f"{JIANZHU}第七十一条",
    ),
    (
        "对施工工地未采取防尘降尘措施或者建筑土方、渣土未及时清运遮盖的处罚",
        "ecology",
        HC,
        BUILD,
        TECHNICAL,
        f"{DAQI}第一百一十五条",
    ),
    (
        "对建设单位擅自处分属于业主的物业共用部位、共用设施设备的处罚",
        "construction",
        HC,
        PROPERTY,
        NO_OBJECT,
        f"{WUYE}第五十七条",
    ),
    ("对挪用住宅专项维修资金的处罚", "construction", HC, PROPERTY, TECHNICAL, f"{WUYE}第六十条"),
    ("对未经业主大会同意擅自改变物业管理用房用途的处罚", "construction", HC, PROPERTY, RARE, f"{WUYE}第六十二条"),
    # 市容环卫 (县城市管理和综合执法局)
    (
        "对运输散装、流体物料的车辆未采取密闭措施防止物料遗撒的处罚",
        "ecology",
        UM,
        URBAN,
        DIFFICULT,
        f"{DAQI}第一百一十六条",
    ),
    (
        "对随地吐痰、乱扔废弃物、乱涂写张贴或者不按规定倾倒垃圾等影响市容环境卫生行为的处罚",
        "construction",
        UM,
        URBAN,
        DIFFICULT,
        f"{SHIRONG}第三十四条",
    ),
    ("对饲养家畜家禽影响市容和环境卫生的处罚", "construction", UM, URBAN, RARE, f"{SHIRONG}第三十五条"),
    (
        "对擅自设置大型户外广告或者在街道两侧和公共场地堆放物料、搭建设施影响市容的处罚",
        "construction",
        UM,
        URBAN,
        DIFFICULT,
        f"{SHIRONG}第三十六条",
    ),
    ("对损坏环境卫生设施及其附属设施的处罚", "construction", UM, URBAN, RARE, f"{SHIRONG}第三十八条"),
    # 生态环境 (漳州市东山生态环境局)
    (
        "对未密闭或者未覆盖易产生扬尘物料、装卸物料未控制扬尘的处罚",
        "ecology",
        EE,
        ECO,
        TECHNICAL,
        f"{DAQI}第一百一十七条",
    ),
    ("对服装干洗和机动车维修未设置异味和废气处理装置的处罚", "ecology", EE, ECO, TECHNICAL, f"{DAQI}第一百二十条"),
    (
        "对在禁燃区内新建、扩建燃用高污染燃料设施或者未按规定停止燃用的处罚",
        "ecology",
        EE,
        ECO,
        NO_OBJECT,
        f"{DAQI}第一百零七条",
    ),
    ("对单位燃用不符合质量标准的煤炭、石油焦的处罚", "ecology", EE, ECO, NO_OBJECT, f"{DAQI}第一百零五条"),
    (
        "对畜禽规模养殖未及时收集、贮存、利用或者处置畜禽粪污的处罚",
        "ecology",
        EE,
        ECO,
        TECHNICAL,
        f"{GUFEI}第一百零七条",
    ),
    (
        "对向水体排放油类、倾倒废弃物或者在岸坡堆放固体废弃物的处罚",
        "ecology",
        EE,
        ECO,
        TECHNICAL,
        f"{SHUIWU}第八十五条",
    ),
    ("对在饮用水水源保护区内设置排污口的处罚", "ecology", EE, ECO, RARE, f"{SHUIWU}第八十四条"),
    (
        "对在饮用水水源保护区内违法建设或者从事网箱养殖、垂钓等活动的处罚",
        "ecology",
        EE,
        ECO,
        TECHNICAL,
        f"{SHUIWU}第九十一条",
    ),
    ("对违反规定设置入海排污口的处罚", "ocean", EE, ECO, TECHNICAL, f"{HAIYANG}第九十九条"),
    ("对建设单位未依法报批环境影响评价文件擅自开工建设的处罚", "ecology", EE, ECO, TECHNICAL, f"{HUANPING}第三十一条"),
    ("对生产经营者未遵守限制商品过度包装强制性标准的处罚", "ecology", MR, MARKET, NO_OBJECT, f"{GUFEI}第一百零五条"),
    # 海洋渔业 (县海洋与渔业局)
    (
        "对违反禁养区、限养区、养殖密度或者投饵、投肥、药物使用规定的处罚",
        "ocean",
        OF,
        FISHERY,
        TECHNICAL,
        f"{HAIYANG}第九十八条",
    ),
    ("对造成珊瑚礁等海洋生态系统或者自然保护地破坏的处罚", "ocean", OF, FISHERY, TECHNICAL, f"{HAIYANG}第九十六条"),
    # 野生动物
    (
        "对以食用为目的猎捕、交易、运输野外国家重点保护野生动物的处罚",
        "ecology",
        NR,
        FOREST,
        TECHNICAL,
        f"{YEBAO}第五十条",
    ),
    ("对将从境外引进的野生动物放生、丢弃的处罚", "ecology", NR, FOREST, RARE, f"{YEBAO}第五十九条"),
    (
        "对为违法出售、购买、食用野生动物及其制品提供展示、交易、消费服务的处罚",
        "ecology",
        MR,
        MARKET,
        TECHNICAL,
        f"{YEBAO}第五十五条",
    ),
    ("对食用或者为食用非法购买保护野生动物及其制品的处罚", "ecology", MR, MARKET, DIFFICULT, f"{YEBAO}第五十三条"),
    (
        "对未经批准或者未附专用标识出售、购买、利用、运输国家重点保护野生动物及其制品的处罚",
        "ecology",
        NR,
        FOREST,
        TECHNICAL,
        f"{YEBAO}第五十二条",
    ),
    # 动物防疫和农产品质量安全 (县农业农村局)
    (
        "对发现动物染疫、疑似染疫未报告或者未采取隔离等控制措施的处罚",
        "rural",
        AR,
        ANIMAL,
        TECHNICAL,
        f"{DONGFANG}第一百零八条",
    ),
    (
        "对动物运载工具、垫料、包装物、容器不符合动物防疫要求的处罚",
        "rural",
        AR,
        ANIMAL,
        TECHNICAL,
        f"{DONGFANG}第九十四条",
    ),
    ("对未按规定处置染疫动物及其排泄物、染疫动物产品的处罚", "rural", AR, ANIMAL, TECHNICAL, f"{DONGFANG}第九十五条"),
    (
        "对患有人畜共患传染病的人员直接从事动物诊疗、饲养、屠宰等活动的处罚",
        "rural",
        AR,
        ANIMAL,
        RARE,
        f"{DONGFANG}第九十六条",
    ),
    (
        "对屠宰、经营、运输依法禁止的动物或者生产经营依法禁止的动物产品的处罚",
        "rural",
        AR,
        ANIMAL,
        TECHNICAL,
        f"{DONGFANG}第九十七条",
    ),
    ("对屠宰、经营、运输的动物或者动物产品未附有检疫证明的处罚", "rural", AR, ANIMAL, TECHNICAL, f"{DONGFANG}第一百条"),
    ("对转让、伪造或者变造检疫证明、检疫标志或者畜禽标识的处罚", "rural", AR, ANIMAL, RARE, f"{DONGFANG}第一百零三条"),
    ("对未取得动物诊疗许可证从事动物诊疗活动的处罚", "rural", AR, ANIMAL, NO_OBJECT, f"{DONGFANG}第一百零五条"),
    ("对未经执业兽医备案从事经营性动物诊疗活动的处罚", "rural", AR, ANIMAL, NO_OBJECT, f"{DONGFANG}第一百零六条"),
    (
        "对在特定农产品禁止生产区域种植、养殖、捕捞、采集特定农产品的处罚",
        "rural",
        AR,
        AGRI,
        TECHNICAL,
        f"{NONGCHAN}第六十六条",
    ),
    ("对未建立、保存或者伪造农产品生产记录的处罚", "rural", AR, AGRI, TECHNICAL, f"{NONGCHAN}第六十九条"),
    (
        "对销售农药兽药残留等不符合农产品质量安全标准的农产品的处罚",
        "rural",
        AR,
        AGRI,
        TECHNICAL,
        f"{NONGCHAN}第七十一条",
    ),
    (
        "对农产品生产企业未建立农产品质量安全管理制度或者未配备管理技术人员的处罚",
        "rural",
        AR,
        AGRI,
        NO_OBJECT,
        f"{NONGCHAN}第六十八条",
    ),
    ("对冒用农产品质量标志的处罚", "rural", AR, AGRI, RARE, f"{NONGCHAN}第七十四条"),
    ("对违反农产品质量安全追溯规定的处罚", "rural", AR, AGRI, TECHNICAL, f"{NONGCHAN}第七十五条"),
    # 消防 (县消防救援大队)
    (
        "对消防设施器材配置不符合标准、占用堵塞疏散通道或者消防车通道的处罚",
        "governance",
        FR,
        FIRE,
        TECHNICAL,
        f"{XIAOFANG}第六十条",
    ),
    (
        "对易燃易爆危险品场所与居住场所设置在同一建筑物内的处罚",
        "governance",
        FR,
        FIRE,
        TECHNICAL,
        f"{XIAOFANG}第六十一条",
    ),
    (
        "对电器产品、燃气用具的安装使用不符合消防技术标准的处罚",
        "governance",
        FR,
        FIRE,
        TECHNICAL,
        f"{XIAOFANG}第六十六条",
    ),
    (
        "对消防技术服务机构不具备从业条件或者出具虚假文件的处罚",
        "governance",
        FR,
        FIRE,
        NO_OBJECT,
        f"{XIAOFANG}第六十九条",
    ),
    # 文物、殡葬
    (
        "对擅自在文物保护单位保护范围内进行建设工程或者爆破、钻探、挖掘等作业的处罚",
        "public_service",
        CT,
        RELICS,
        TECHNICAL,
        f"{WENWU}第八十三条",
    ),
    ("对未经许可擅自从事文物商业经营活动的处罚", "public_service", CT, RELICS, NO_OBJECT, f"{WENWU}第八十九条"),
    (
        "对墓穴占地面积超过规定标准的处罚",
        "public_service",
        CA,
        "县民政局责令限期改正并处罚，乡镇配合殡葬改革宣传",
        DIFFICULT,
        f"{BINZANG}第十九条",
    ),
    (
        "对制造、销售不符合国家技术标准的殡葬设备的处罚",
        "public_service",
        CA,
        "县民政局会同县市场监管局查处",
        NO_OBJECT,
        f"{BINZANG}第二十二条",
    ),
    # 生活垃圾、建筑垃圾 (县城市管理和综合执法局)
    (
        "对工程施工单位未编制建筑垃圾处理方案或者擅自倾倒、堆放建筑垃圾的处罚",
        "ecology",
        UM,
        URBAN,
        DIFFICULT,
        f"{GUFEI}第一百一十一条",
    ),
    # 安全生产 (县应急管理局)
    ("对生产经营单位不保证安全生产所必需资金投入的处理", "governance", EM, SAFETY, TECHNICAL, f"{ANQUAN}第九十三条"),
    (
        "对生产经营单位其他负责人和安全生产管理人员未履行安全生产管理职责的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第九十六条",
    ),
    (
        "对未按规定设置安全生产管理机构、配备安全生产管理人员或者未进行安全生产教育培训的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第九十七条",
    ),
    (
        "对未设置安全警示标志或者安全设备不符合标准、未经常性维护检测的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第九十九条",
    ),
    (
        "对危险物品未建立专门安全管理制度或者重大危险源未登记建档的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第一百零一条",
    ),
    ("对生产经营单位未采取措施消除事故隐患的处罚", "governance", EM, SAFETY, TECHNICAL, f"{ANQUAN}第一百零二条"),
    (
        "对将生产经营项目、场所、设备发包或者出租给不具备安全生产条件的单位或者个人的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第一百零三条",
    ),
    (
        "对同一作业区域内的生产经营单位未签订安全生产管理协议的处罚",
        "governance",
        EM,
        SAFETY,
        RARE,
        f"{ANQUAN}第一百零四条",
    ),
    (
        "对危险物品车间、仓库与员工宿舍在同一建筑内或者封堵疏散通道的处罚",
        "governance",
        EM,
        SAFETY,
        TECHNICAL,
        f"{ANQUAN}第一百零五条",
    ),
    (
        "对高危行业生产经营单位未投保安全生产责任保险的处罚",
        "governance",
        EM,
        SAFETY,
        NO_OBJECT,
        f"{ANQUAN}第一百零九条",
    ),
    # 食品安全 (县市场监督管理局; 特种设备: DS-R-014, its supervision taken back as a whole)
    (
        "对用非食品原料生产食品或者在食品中添加非食用化学物质的处罚",
        "public_service",
        MR,
        MARKET,
        TECHNICAL,
        f"{SHIPIN}第一百二十三条",
    ),
    (
        "对生产经营污染物质含量超过食品安全标准限量的食品的处罚",
        "public_service",
        MR,
        MARKET,
        TECHNICAL,
        f"{SHIPIN}第一百二十四条",
    ),
    (
        "对生产经营被污染的食品或者无标签的预包装食品的处罚",
        "public_service",
        MR,
        MARKET,
        TECHNICAL,
        f"{SHIPIN}第一百二十五条",
    ),
    (
        "对食品生产经营者未建立食品安全管理制度或者进货查验记录制度的处罚",
        "public_service",
        MR,
        MARKET,
        TECHNICAL,
        f"{SHIPIN}第一百二十六条",
    ),
    (
        "对集中交易市场开办者、柜台出租者未履行入场食品经营者审查和报告义务的处罚",
        "public_service",
        MR,
        MARKET,
        TECHNICAL,
        f"{SHIPIN}第一百三十条",
    ),
    ("对未按要求进行食品贮存、运输和装卸的处罚", "public_service", MR, MARKET, TECHNICAL, f"{SHIPIN}第一百三十二条"),
    # 道路 (县交通运输局、县公安局)
    (
        "对未经批准擅自挖掘道路、占用道路施工的处罚",
        "construction",
        TR,
        "县交通运输局责令停止违法行为、恢复原状并处罚，乡镇发现报告",
        DIFFICULT,
        f"{JIAOTONG}第一百零四条",
    ),
    (
        "对在道路两侧种植树木或者设置广告牌、管线遮挡交通信号、交通标志的处罚",
        "governance",
        PS,
        "县公安局交通管理部门责令排除妨碍并处罚，乡镇发现报告",
        RARE,
        f"{JIAOTONG}第一百零六条",
    ),
    # 动物防疫和农产品质量安全 (县农业农村局)
    (
        "对未取得动物防疫条件合格证开办养殖、屠宰场所或者未经备案从事动物运输的处罚",
        "rural",
        AR,
        ANIMAL,
        TECHNICAL,
        f"{DONGFANG}第九十八条",
    ),
    (
        "对擅自发布动物疫情或者藏匿、转移、盗掘已被依法隔离封存处理的动物和动物产品的处罚",
        "rural",
        AR,
        ANIMAL,
        RARE,
        f"{DONGFANG}第一百零四条",
    ),
    (
        "对使用国家禁止使用的农业投入品或者销售病死、毒死、死因不明动物及其产品的处罚",
        "rural",
        AR,
        AGRI,
        TECHNICAL,
        f"{NONGCHAN}第七十条",
    ),
    (
        "对违规使用保鲜剂、防腐剂、添加剂或者将农产品与有毒有害物质一同储存运输的处罚",
        "rural",
        AR,
        AGRI,
        TECHNICAL,
        f"{NONGCHAN}第七十二条",
    ),
    ("对未按规定开具或者收取、保存承诺达标合格证的处罚", "rural", AR, AGRI, TECHNICAL, f"{NONGCHAN}第七十三条"),
    # 卫生健康 (县卫生健康局)
    (
        "对饮用水供水单位供应的饮用水不符合国家卫生标准和卫生规范的处罚",
        "public_service",
        HL,
        HEALTH,
        TECHNICAL,
        f"{CHUANRAN}第七十三条",
    ),
    (
        "对在自然疫源地兴建大型建设项目未经卫生调查进行施工的处罚",
        "public_service",
        HL,
        HEALTH,
        RARE,
        f"{CHUANRAN}第七十六条",
    ),
    # 建设工程消防 (县住房和城乡建设局)
    (
        "对建设工程未经消防设计审查擅自施工或者未经消防验收擅自投入使用的处罚",
        "construction",
        HC,
        BUILD,
        TECHNICAL,
        f"{XIAOFANG}第五十八条",
    ),
    (
        "对伪造、变造、买卖、转让、租借野生动物有关证件、专用标识或者批准文件的处罚",
        "ecology",
        NR,
        FOREST,
        RARE,
        f"{YEBAO}第六十条",
    ),
    (
        "对建设单位未在竣工验收后六个月内报送竣工验收资料的处罚",
        "construction",
        UM,
        URBAN,
        NO_OBJECT,
        f"{GUIHUA}第六十七条",
    ),
)


RECOVERED_FROM_LAW = tuple(
    _recovered(f"DS-R-{n:03d}", title, category, "power", unit, method, reason, citation)
    for n, (title, category, unit, method, reason, citation) in enumerate(_FROM_LAW, start=16)
)

#: Provenance: the items whose names the seed (004) gives, with the seed's words. Every other
#: item was written by the project from the legal library's texts.
SEED_NAMED: dict[str, str] = {
    "DS-R-001": "擅自采矿处罚",
    "DS-R-002": "非法占有土地处罚",
    "DS-R-004": "消防安全检查",
    "DS-R-013": "城乡居民基本医疗保险参保扩面",
    "DS-C-008": "共享单车乱停乱放、停车收费、占道经营",
}

CATALOG = SeedCatalog(
    items=BASIC + COOPERATING + RECOVERED + RECOVERED_FROM_LAW,
    sample=True,
    note="示例数据：依据东山县乡镇履职事项清单报道（种子 004）整理的基本、配合、收回三部分示意，"
    "非官方清单原文；法条引用取自项目法律库。",
)
