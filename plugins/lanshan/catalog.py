"""Sample items of 临沂市兰山区's power lists and its negative list for village cadres.

``LAN-C-NN`` district core powers (10), ``LAN-S-NN`` district–town shared powers (a first
batch, each with a primary and a cooperating party and their financial shares summing to
100), ``LAN-X-NN`` powers delegated to towns and ``LAN-N-NN`` the twenty red lines for
village and community cadres, each with its accountability situation. Illustrative data
shaped on the seed, not the official lists.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Responsibility, SeedCatalog, also_of_kind

#: Citations of laws deliberately absent from the legal library, to show how core reports an
#: unresolved citation.
UNRESOLVED_BY_DESIGN: tuple[str, ...] = ("中华人民共和国公路法", "市场主体登记管理条例")

TOWNSHIP = "township"

TUDI = "《中华人民共和国土地管理法》"
GUIHUA = "《中华人民共和国城乡规划法》"
SHIRONG = "《城市市容和环境卫生管理条例》"
JIUZHU = "《社会救助暂行办法》"
CUNWEI = "《中华人民共和国村民委员会组织法》"
DAQI = "《中华人民共和国大气污染防治法》"


def _core(
    code: str,
    title: str,
    category: str,
    unit: str,
    duty: str,
    town_duty: str,
    *citations: str,
    shares: tuple[float, float] | None = None,
) -> CatalogItem:
    """A district core power: a district unit leads, towns at most cooperate."""
    unit_share, town_share = shares if shares else (None, None)
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("core",),
        category=category,
        item_kind="power",
        responsibilities=(
            Responsibility(unit, "primary", duty, unit_share),
            Responsibility(TOWNSHIP, "cooperating", town_duty, town_share),
        ),
        citations=citations,
    )


def _shared(
    code: str,
    title: str,
    category: str,
    primary: tuple[str, str, float],
    cooperating: tuple[str, str, float],
    *citations: str,
) -> CatalogItem:
    """A shared power: (party, duty, financial share) for the primary and cooperating side."""
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("shared",),
        category=category,
        item_kind="power",
        responsibilities=(
            Responsibility(primary[0], "primary", primary[1], primary[2]),
            Responsibility(cooperating[0], "cooperating", cooperating[1], cooperating[2]),
        ),
        citations=citations,
    )


def _delegated(
    code: str,
    title: str,
    category: str,
    item_kind: str,
    power_type: str | None,
    duty: str,
    unit: str,
    unit_duty: str,
    *citations: str,
) -> CatalogItem:
    """A power or service delegated to towns; the district department guides."""
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("delegated",),
        category=category,
        item_kind=item_kind,
        responsibilities=(Responsibility(TOWNSHIP, "primary", duty), Responsibility(unit, "cooperating", unit_duty)),
        citations=citations,
        extra={"power_type": power_type} if power_type else {},
    )


SUPERVISION = "镇街党（工）委、纪（工）委监督村（社区）干部守住红线，发现问题依规处理"


def _red_line(n: int, title: str, category: str, task: str, accountability: str, *citations: str) -> CatalogItem:
    """A red line of the negative list; the town's party committee supervises it."""
    return CatalogItem(
        code=f"LAN-N-{n:02d}",
        title=title,
        level="item",
        kinds=("negative",),
        category=category,
        item_kind="red_line",
        description=task,
        responsibilities=(Responsibility(TOWNSHIP, "primary", SUPERVISION),),
        citations=citations,
        extra={"accountability_situation": accountability},
    )


CORE = (
    _core(
        "LAN-C-01",
        "全区经济社会发展规划编制",
        "planning",
        "development-reform-bureau",
        "统筹编制全区发展规划，做好顶层设计",
        "提出本镇街发展需求和意见建议",
    ),
    _core(
        "LAN-C-02",
        "国土空间规划和土地利用总体规划",
        "planning",
        "natural-resources-bureau",
        "全域统筹、多规合一编制国土空间规划和片区规划",
        "配合开展基础调查，提出用地需求",
        f"{TUDI}第十八条",
    ),
    _core(
        "LAN-C-03",
        "产业布局和企业入园管理",
        "industry",
        "development-reform-bureau",
        "统一产业布局，审核企业是否符合入园标准",
        "做好企业服务，引导企业向园区集聚",
    ),
    _core(
        "LAN-C-04",
        "片区开发和棚户区改造",
        "development",
        "housing-construction-bureau",
        "片区开发、棚户区改造收归区级统一运作、统一推进",
        "配合征收入户调查和群众工作",
        f"{TUDI}第四十七条",
        shares=(80.0, 20.0),
    ),
    _core(
        "LAN-C-05",
        "项目联合审批",
        "project",
        "administrative-approval-bureau",
        "联合审批小组审核项目是否符合规划、发展方向和产业布局",
        "组成项目推进服务小组，帮助企业解决难题",
        "《中华人民共和国环境影响评价法》第二十二条",
        "《中华人民共和国建筑法》第七条",
    ),
    _core(
        "LAN-C-06",
        "招商引资和“飞地经济”政策",
        "industry",
        "development-reform-bureau",
        "制定招商引资、入园标准和“飞地经济”政策，统一招商",
        "提供招商线索，做好落地服务",
    ),
    _core(
        "LAN-C-07",
        "土地增减挂钩",
        "land",
        "natural-resources-bureau",
        "制定土地增减挂钩工作流程，统一组织实施",
        "组织农村集体经济组织实施土地整理",
        f"{TUDI}第四十二条",
        "《中华人民共和国土地管理法实施条例》第十条",
    ),
    _core(
        "LAN-C-08",
        "学校、医院、道路、地下管网等基础设施规划",
        "planning",
        "development-reform-bureau",
        "统筹编制教育、卫生、交通、管网等基础设施规划",
        "反映基础设施欠账和群众需求",
    ),
    _core(
        "LAN-C-09",
        "政府投资项目和国有融资平台运作",
        "project",
        "finance-bureau",
        "依托区城投公司等平台统筹政府投资项目融资",
        "配合项目建设协调",
        shares=(100.0, 0.0),
    ),
    _core(
        "LAN-C-10",
        "旧城旧村征收和建设工程施工手续办理流程",
        "development",
        "natural-resources-bureau",
        "制定征收征地和施工手续办理流程，确保项目合法依规",
        "配合入户宣传和征收协议签订",
        "《中华人民共和国土地管理法实施条例》第二十八条",
    ),
)

SHARED = (
    _shared(
        "LAN-S-01",
        "城市管理综合执法",
        "urban_management",
        ("enforcement-bureau", "依法查处市容秩序违法行为，统筹执法力量", 60.0),
        (TOWNSHIP, "巡查发现、劝导制止和报告，配合联合执法", 40.0),
        f"{SHIRONG}第十四条",
        f"{SHIRONG}第三十六条",
    ),
    _shared(
        "LAN-S-02",
        "城市道路维护",
        "roads",
        ("housing-construction-bureau", "负责主次干道维修养护和技术标准", 70.0),
        (TOWNSHIP, "负责背街小巷日常巡查和小修，发现病害及时报告", 30.0),
    ),
    _shared(
        "LAN-S-03",
        "农村公路（乡道）建设和养护",
        "roads",
        (TOWNSHIP, "负责辖区乡道的建设和日常养护", 40.0),
        ("transport-bureau", "制定养护标准，安排养护资金，开展技术指导", 60.0),
        # 公路法 is not in the legal library: unresolved by design.
        "《中华人民共和国公路法》第八条",
    ),
    _shared(
        "LAN-S-04",
        "城乡环卫一体化",
        "sanitation",
        ("enforcement-bureau", "统筹城乡环卫作业标准，负责垃圾转运处理和考核", 50.0),
        (TOWNSHIP, "组织村居保洁和生活垃圾收集，监督保洁质量", 50.0),
        "《中华人民共和国固体废物污染环境防治法》第四十六条",
        f"{SHIRONG}第二十三条",
    ),
    _shared(
        "LAN-S-05",
        "违法建设治理",
        "urban_management",
        (TOWNSHIP, "巡查发现、制止乡村违法建设，依法责令停止建设、限期改正或拆除", 50.0),
        ("enforcement-bureau", "查处城镇违法建设，组织联合拆除", 50.0),
        f"{GUIHUA}第六十四条",
        f"{GUIHUA}第六十五条",
        f"{GUIHUA}第六十八条",
    ),
    _shared(
        "LAN-S-06",
        "秸秆禁烧",
        "ecology",
        (TOWNSHIP, "划片包干巡查，宣传禁烧，发现焚烧及时制止", 70.0),
        ("ecology-environment-bureau", "火点遥感监测，依法查处露天焚烧", 30.0),
        f"{DAQI}第七十七条",
        f"{DAQI}第一百一十九条",
    ),
    _shared(
        "LAN-S-07",
        "安全生产监管",
        "safety",
        ("emergency-management-bureau", "依法开展安全生产行政执法", 60.0),
        (TOWNSHIP, "按照职责检查辖区生产经营单位，督促隐患整改", 40.0),
        "《中华人民共和国安全生产法》第九条",
        "《中华人民共和国安全生产法》第六十五条",
    ),
    _shared(
        "LAN-S-08",
        "食品安全监管",
        "market",
        ("market-regulation-bureau", "通过市场监管所开展监督检查和执法", 70.0),
        (TOWNSHIP, "支持、协助监管，做好农村集体聚餐指导和隐患报告", 30.0),
        "《中华人民共和国食品安全法实施条例》第四条",
    ),
    _shared(
        "LAN-S-09",
        "防汛抗旱",
        "safety",
        (TOWNSHIP, "落实防汛责任，排查隐患，组织群众转移", 50.0),
        ("emergency-management-bureau", "组织指挥防汛抗旱，调度抢险力量和物资", 50.0),
        "《中华人民共和国防洪法》第三十八条",
    ),
    _shared(
        "LAN-S-10",
        "畜禽养殖污染治理",
        "ecology",
        ("ecology-environment-bureau", "监测和查处养殖场违法排放", 60.0),
        (TOWNSHIP, "组织散养密集区分户收集、集中处理粪便污水", 40.0),
        "《中华人民共和国水污染防治法》第五十六条",
    ),
    _shared(
        "LAN-S-11",
        "征地拆迁",
        "land",
        ("natural-resources-bureau", "发布征收公告，拟定补偿安置方案并组织实施", 80.0),
        (TOWNSHIP, "入户调查、补偿登记和群众工作", 20.0),
        f"{TUDI}第四十七条",
        "《中华人民共和国土地管理法实施条例》第二十六条",
    ),
    _shared(
        "LAN-S-12",
        "动物防疫",
        "agriculture",
        ("agriculture-rural-bureau", "制定免疫计划，供应疫苗，开展监测和监督", 60.0),
        (TOWNSHIP, "组织饲养户做好强制免疫和疫情报告", 40.0),
        "《中华人民共和国动物防疫法》第八条",
    ),
    _shared(
        "LAN-S-13",
        "农村人居环境整治",
        "ecology",
        (TOWNSHIP, "组织村庄清洁行动和环境综合整治", 60.0),
        ("agriculture-rural-bureau", "制定整治标准，安排奖补资金并考核", 40.0),
        "《中华人民共和国环境保护法》第三十三条",
    ),
    _shared(
        "LAN-S-14",
        "城市园林绿化养护",
        "urban_management",
        ("housing-construction-bureau", "负责主干道和公园绿地养护", 65.0),
        (TOWNSHIP, "负责背街小巷和社区绿地日常管护", 35.0),
    ),
)

DELEGATED = (
    _delegated(
        "LAN-X-01",
        "个体工商户登记",
        "market",
        "power",
        "licensing",
        "便民服务中心受理并办理个体工商户设立、变更、注销登记",
        "administrative-approval-bureau",
        "业务培训和系统授权",
        # 市场主体登记管理条例 is not in the legal library: unresolved by design.
        "《市场主体登记管理条例》第三条",
    ),
    _delegated(
        "LAN-X-02",
        "食品经营许可（小餐饮、食品销售）",
        "market",
        "power",
        "licensing",
        "受理并审查小餐饮、食品销售经营许可申请",
        "administrative-approval-bureau",
        "制定审查标准，监督指导",
        "《中华人民共和国食品安全法》第三十五条",
    ),
    _delegated(
        "LAN-X-03",
        "公共场所卫生许可",
        "health",
        "power",
        "licensing",
        "受理并审查住宿、沐浴、美容美发等公共场所卫生许可申请",
        "health-bureau",
        "制定卫生规范，监督检查",
    ),
    _delegated(
        "LAN-X-04",
        "乡村建设规划许可",
        "land",
        "power",
        "licensing",
        "受理并审核乡村建设规划许可申请",
        "natural-resources-bureau",
        "核发许可证并监督",
        f"{GUIHUA}第四十一条",
    ),
    _delegated(
        "LAN-X-05",
        "农村村民宅基地审批",
        "land",
        "power",
        "licensing",
        "审核批准宅基地申请，开展批后监管",
        "agriculture-rural-bureau",
        "指导和监督",
        f"{TUDI}第六十二条",
        "《中华人民共和国土地管理法实施条例》第三十四条",
    ),
    _delegated(
        "LAN-X-06",
        "临时救助审批",
        "civil_affairs",
        "power",
        "payment",
        "受理审核并依委托审批临时救助",
        "civil-affairs-bureau",
        "确定委托额度并监督",
        f"{JIUZHU}第四十八条",
    ),
    _delegated(
        "LAN-X-07",
        "最低生活保障申请受理",
        "civil_affairs",
        "service",
        None,
        "受理申请，入户调查并提出审核意见",
        "civil-affairs-bureau",
        "审批和动态管理",
        f"{JIUZHU}第十一条",
    ),
    _delegated(
        "LAN-X-08",
        "特困人员供养申请受理",
        "civil_affairs",
        "service",
        None,
        "受理申请并主动发现符合条件人员",
        "civil-affairs-bureau",
        "审批",
        f"{JIUZHU}第十六条",
        f"{JIUZHU}第十七条",
    ),
    _delegated(
        "LAN-X-09",
        "高龄津贴申请受理",
        "civil_affairs",
        "service",
        None,
        "受理申请并核实",
        "civil-affairs-bureau",
        "审核发放",
        "《中华人民共和国老年人权益保障法》第三十三条",
    ),
    _delegated(
        "LAN-X-10",
        "困难残疾人生活补贴和重度残疾人护理补贴申请受理",
        "civil_affairs",
        "service",
        None,
        "受理申请并初审",
        "civil-affairs-bureau",
        "审核发放",
        "《中华人民共和国残疾人保障法》第四十八条",
    ),
    _delegated(
        "LAN-X-11",
        "医疗救助申请受理",
        "civil_affairs",
        "service",
        None,
        "受理申请，审核并公示",
        "medical-security-bureau",
        "审批并支付",
        f"{JIUZHU}第三十条",
    ),
    _delegated(
        "LAN-X-12",
        "对擅自在街道两侧和公共场地堆放物料、搭建设施的处罚",
        "urban_management",
        "power",
        "penalty",
        "依授权责令清理、拆除并处罚款",
        "enforcement-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十六条",
        "《中华人民共和国行政处罚法》第二十四条",
    ),
    _delegated(
        "LAN-X-13",
        "乡村违法建设责令停止建设、限期改正",
        "urban_management",
        "power",
        "coercion",
        "责令停止建设、限期改正，逾期不改正的依法拆除",
        "enforcement-bureau",
        "执法指导，配合拆除",
        f"{GUIHUA}第六十五条",
    ),
    _delegated(
        "LAN-X-14",
        "农村土地承包经营合同管理",
        "agriculture",
        "service",
        None,
        "管理承包合同，调解承包纠纷",
        "agriculture-rural-bureau",
        "指导和监督",
        "《中华人民共和国农村土地承包法》第十二条",
    ),
    _delegated(
        "LAN-X-15",
        "农村公益性墓地审核",
        "civil_affairs",
        "power",
        "other",
        "审核村民设置公益性墓地的申请",
        "civil-affairs-bureau",
        "审批并监督",
        "《殡葬管理条例》第八条",
    ),
    _delegated(
        "LAN-X-16",
        "个人之间林木林地权属争议处理",
        "agriculture",
        "power",
        "adjudication",
        "调查调解并作出处理决定",
        "natural-resources-bureau",
        "提供林权资料",
        "《中华人民共和国森林法》第二十二条",
    ),
    _delegated(
        "LAN-X-17",
        "计划生育家庭特别扶助申请受理",
        "health",
        "service",
        None,
        "受理申请并核实",
        "health-bureau",
        "审核并发放扶助金",
        "《中华人民共和国人口与计划生育法》第三十二条",
    ),
)

NEGATIVE = (
    _red_line(
        1,
        "不得充当黑恶势力“保护伞”，不得对涉黑涉恶线索隐瞒不报",
        "anti_crime",
        "发现涉黑涉恶线索第一时间向镇街和公安机关报告，不得包庇纵容",
        "充当“保护伞”的移交纪检监察机关严肃处理，涉嫌犯罪的移送司法机关；对线索隐瞒不报的，予以诫勉谈话或党纪政务处分",
    ),
    _red_line(
        2,
        "不得虚报冒领、截留挪用征地补偿费用",
        "land",
        "征地补偿费用收支向集体经济组织成员公布，专款专用",
        "责令退赔，依规依纪给予处分并依法罢免或撤销职务；构成犯罪的依法追究刑事责任",
        f"{TUDI}第四十九条",
        f"{TUDI}第八十条",
    ),
    _red_line(
        3,
        "不得组织、默许村民违法占地建房",
        "land",
        "村民建房一户一宅，先批后建，发现违法占地及时制止并报告",
        "视情节给予批评教育、诫勉谈话、停职检查，情节严重的依法罢免或撤销职务",
        f"{TUDI}第六十二条",
        f"{TUDI}第七十八条",
    ),
    _red_line(
        4,
        "不得对违法建设知情不报、纵容包庇",
        "urban_management",
        "网格内违法建设“早发现、早制止、早报告”",
        "对知情不报、纵容包庇的，给予通报批评或诫勉谈话；造成拆除困难和损失的，给予党纪政务处分",
        f"{GUIHUA}第六十五条",
    ),
    _red_line(
        5,
        "不得默许、纵容露天焚烧秸秆和垃圾",
        "ecology",
        "落实禁烧包片责任，发现火点立即扑灭并报告",
        "辖区发生火点未及时处置的，约谈村（社区）党组织书记；屡次发生的，取消年度评先资格并通报",
        f"{DAQI}第七十七条",
    ),
    _red_line(
        6,
        "不得纵容非法采砂采矿、偷排偷放",
        "ecology",
        "发现非法开采矿产资源、偷排偷放线索及时报告",
        "对参与或纵容的，依规依纪严肃处理；收受好处的移交纪检监察机关",
        "《中华人民共和国矿产资源法》第六十四条",
        "《中华人民共和国环境保护法》第六条",
    ),
    _red_line(
        7,
        "不得对安全生产隐患隐瞒不报",
        "safety",
        "网格内安全隐患及时发现、报告，督促整改",
        "对隐瞒不报导致事故的，依规依纪从严追责；构成犯罪的依法追究刑事责任",
        "《中华人民共和国安全生产法》第九条",
    ),
    _red_line(
        8,
        "不得对突发事件迟报、谎报、瞒报、漏报",
        "safety",
        "担任信息报告员，发现突发事件或异常情况立即报告",
        "对迟报、谎报、瞒报、漏报的，给予通报批评或诫勉谈话；造成严重后果的给予党纪政务处分",
        "《中华人民共和国突发事件应对法》第六十条",
    ),
    _red_line(
        9,
        "不得违规发包、出租、处置集体资产资源",
        "village_affairs",
        "集体资产资源发包、出租、处置须经成员大会（代表会议）决定并公开",
        "责令限期改正，追回损失；情节严重的依法给予处分，造成集体财产损失的依法赔偿",
        "《中华人民共和国农村集体经济组织法》第三十五条",
        "《中华人民共和国农村集体经济组织法》第五十八条",
    ),
    _red_line(
        10,
        "不得未经村民会议讨论决定擅自处理涉及村民利益的事项",
        "village_affairs",
        "集体经济所得收益使用、公益事业兴办等事项经村民会议讨论决定",
        "决定无效并责令纠正；对直接责任人给予批评教育或诫勉谈话，情节严重的依法罢免",
        f"{CUNWEI}第二十四条",
    ),
    _red_line(
        11,
        "不得拒不公开或虚假公开村务、财务",
        "village_affairs",
        "按时公布村务、财务，接受村民监督",
        "责令限期公布；拒不公布或虚假公布的，对直接责任人依法给予处分",
        f"{CUNWEI}第三十条",
    ),
    _red_line(
        12,
        "不得优亲厚友、违规确定低保和特困供养对象",
        "civil_affairs",
        "救助对象经入户调查、民主评议和公示确定，近亲属申请须备案",
        "责令改正，追回违规发放资金；对直接责任人依法给予处分",
        f"{JIUZHU}第六十六条",
    ),
    _red_line(
        13,
        "不得利用职务便利吃拿卡要、索取收受财物",
        "clean_governance",
        "办理群众事项不得索取、收受任何财物和好处",
        "视情节给予诫勉谈话、党纪政务处分；涉嫌违法犯罪的移交有关机关",
    ),
    _red_line(
        14,
        "不得违规插手干预村级工程项目招投标",
        "clean_governance",
        "村级工程项目按规定公开招投标或民主议定",
        "对插手干预的，给予党纪政务处分；造成损失的责令赔偿",
    ),
    _red_line(
        15,
        "不得在换届选举中拉票贿选、破坏选举",
        "village_affairs",
        "依法参加选举，不以暴力、威胁、欺骗、贿赂等不正当手段当选",
        "当选无效；依法给予处分，构成违反治安管理行为或犯罪的依法处理",
        f"{CUNWEI}第十七条",
    ),
    _red_line(
        16,
        "不得推诿敷衍群众诉求、压制阻挠群众信访",
        "petition",
        "群众诉求及时受理、答复，不得打击报复信访人",
        "责令改正并通报；造成严重后果的依规依纪依法严肃处理",
        "《信访工作条例》第四十六条",
    ),
    _red_line(
        17,
        "不得违规收费、乱摊派",
        "clean_governance",
        "向群众收取费用须有依据并公开，不得搭车收费",
        "责令退还违规收取的费用，对直接责任人给予批评教育或处分",
    ),
    _red_line(
        18,
        "不得参与赌博或为赌博提供条件",
        "clean_governance",
        "带头抵制赌博等不良风气",
        "依法给予治安管理处罚，依规依纪给予处分，情节严重的依法罢免",
        "《中华人民共和国治安管理处罚法》第七十条",
    ),
    _red_line(
        19,
        "不得违规出具证明、弄虚作假",
        "village_affairs",
        "出具证明须经核实、登记并留存依据",
        "责令收回证明，给予批评教育或诫勉谈话；造成后果的给予处分",
    ),
    _red_line(
        20,
        "不得在统计调查中虚报、瞒报、伪造篡改统计资料",
        "village_affairs",
        "如实提供统计资料，不迟报、拒报",
        "依法追究直接责任人员责任，给予通报批评或处分",
        "《中华人民共和国统计法》第七条",
        "《中华人民共和国统计法》第八条",
    ),
)

#: Rural duties (差异化事项) the agriculture- and industry-led towns claim; the modern-service
#: streets (兰山街道 …) have no straw, loose livestock, homesteads or village planning.
RURAL = frozenset(
    {
        "LAN-S-03",
        "LAN-S-06",
        "LAN-S-10",
        "LAN-S-12",
        "LAN-S-13",
        "LAN-X-04",
        "LAN-X-05",
        "LAN-X-13",
        "LAN-X-14",
        "LAN-X-15",
        "LAN-X-16",
    }
)

CATALOG = SeedCatalog(
    items=also_of_kind(CORE + SHARED + DELEGATED + NEGATIVE, RURAL, "differentiated"),
    sample=True,
    note="示例数据：依据兰山区“1+X”事权改革报道（种子 003）整理的三张事权清单和负面清单示意，"
    "非官方清单原文；法条引用取自项目法律库。",
)
