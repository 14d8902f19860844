"""Sample items of 泰安市县乡"属地管理"事项主体责任和配合责任清单.

Every item names the county department's duty, the township's duty and its legal basis;
one of the two bears the primary responsibility (主体责任), the other cooperates (配合责任).
``process`` holds the workflow ("施工图") and instructions ("说明书"). City departments stand
in for the county departments of the six counties and districts. Codes ``TA-<category>-NNN``
(ZR 自然资源, ST 生态环境, CX 城乡建设, YJ 应急管理, SC 市场监管, ZF 综合执法, ZD 重点工作,
NY 农业农村). Illustrative data shaped on the seed, not the official list.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Responsibility, SeedCatalog, also_of_kind

#: Citations of laws deliberately absent from the legal library, to show how core reports an
#: unresolved citation.
UNRESOLVED_BY_DESIGN: tuple[str, ...] = ("中华人民共和国社会保险法",)

TOWNSHIP = "township"
CIRCLED = "①②③④⑤⑥⑦⑧"
CALLS = {
    "may_call": "复杂事项可呼叫",
    "should_call": "重点事项要呼叫",
    "must_call": "应急事项必呼叫",
}

TUDI = "《中华人民共和国土地管理法》"
GUIHUA = "《中华人民共和国城乡规划法》"
DAQI = "《中华人民共和国大气污染防治法》"
SHIRONG = "《城市市容和环境卫生管理条例》"
TUFA = "《中华人民共和国突发事件应对法》"
ANQUAN = "《中华人民共和国安全生产法》"
DONGFANG = "《中华人民共和国动物防疫法》"


def _item(
    code: str,
    category: str,
    title: str,
    lead: str,
    unit: str,
    unit_duty: str,
    town_duty: str,
    citations: tuple[str, ...],
    steps: tuple[str, ...],
    *,
    call: str = "may_call",
    boundary: str = "",
    also: tuple[tuple[str, str], ...] = (),
) -> CatalogItem:
    """One list item; ``lead`` says who bears the primary responsibility."""
    department = Responsibility(unit, "primary" if lead == "department" else "cooperating", unit_duty)
    township = Responsibility(TOWNSHIP, "primary" if lead == "township" else "cooperating", town_duty)
    others = tuple(Responsibility(u, "cooperating", d) for u, d in also)
    first, second = ("乡镇(街道)", "县级部门") if lead == "township" else ("县级部门", "乡镇(街道)")
    process = (
        "施工图："
        + "→".join(f"{CIRCLED[i]}{s}" for i, s in enumerate(steps))
        + f"。说明书：{first}承担主体责任，{second}承担配合责任；{CALLS[call]}，"
        "通过平台“乡呼县应”；失职依单追责、尽职依单免责。"
    )
    extra: dict[str, object] = {"call_level": call}
    if boundary:
        extra["boundary"] = boundary
    return CatalogItem(
        code=code,
        title=title,
        level="item",
        kinds=("basic",) if lead == "township" else ("cooperating",),
        category=category,
        process=process,
        responsibilities=(department, township, *others) if lead == "department" else (township, department, *others),
        citations=citations,
        extra=extra,
    )


NATURAL_RESOURCES = (
    _item(
        "TA-ZR-001",
        "natural_resources",
        "耕地和永久基本农田保护",
        "department",
        "natural-resources-bureau",
        "划定永久基本农田并落实到地块，开展耕地保护监督检查和执法",
        "公告永久基本农田位置、范围，设立保护标志，日常巡查发现占用及时制止并报告",
        (f"{TUDI}第三十四条",),
        ("县级部门划定并建库", "乡镇公告、设标", "网格员日常巡查", "发现占用即时制止并报告", "县级部门查处并反馈"),
        call="should_call",
        boundary="划定、执法在县级部门；公告、巡查、制止报告在乡镇",
    ),
    _item(
        "TA-ZR-002",
        "natural_resources",
        "违法占地查处",
        "department",
        "natural-resources-bureau",
        "依法查处非法占用土地行为，责令退还、限期拆除",
        "日常巡查，发现违法占地及时劝阻、报告，配合查处和拆除",
        (f"{TUDI}第七十七条", f"{TUDI}第八十三条"),
        ("乡镇巡查发现", "劝阻制止并拍照取证", "2小时内上报县级部门", "县级部门立案查处", "乡镇配合执行并反馈"),
        call="should_call",
        boundary="发现、劝阻、报告在乡镇；立案、处罚、强制在县级部门",
    ),
    _item(
        "TA-ZR-003",
        "natural_resources",
        "农村村民宅基地审批",
        "township",
        "agriculture-rural-bureau",
        "指导宅基地分配、使用和审批管理，开展监督检查",
        "受理经村集体讨论、公示的申请，组织实地踏勘，审核批准并开展批后监管",
        (f"{TUDI}第六十二条", "《中华人民共和国土地管理法实施条例》第三十四条"),
        ("农户向村集体申请", "村集体讨论并公示", "乡镇受理、联审和踏勘", "乡镇审批", "批后放线和竣工验收"),
    ),
    _item(
        "TA-ZR-004",
        "natural_resources",
        "非法采矿查处",
        "department",
        "natural-resources-bureau",
        "依法查处未取得采矿权开采矿产资源行为，没收违法所得并处罚款",
        "巡查发现非法采矿，及时劝阻、报告，配合查处和现场管控",
        ("《中华人民共和国矿产资源法》第六十四条",),
        ("乡镇巡查、群众举报", "劝阻并报告", "县级部门立案查处", "乡镇配合现场管控", "结果反馈"),
        call="should_call",
        boundary="查处在县级部门；发现、报告、配合管控在乡镇",
    ),
    _item(
        "TA-ZR-005",
        "natural_resources",
        "个人之间土地权属争议处理",
        "township",
        "natural-resources-bureau",
        "处理单位之间的争议，指导乡镇调处并提供地籍资料",
        "受理个人之间、个人与单位之间的土地权属争议，调查调解并作出处理决定",
        (f"{TUDI}第十四条",),
        ("当事人申请", "乡镇受理并调查", "组织调解", "调解不成作出处理决定", "告知诉讼权利"),
    ),
    _item(
        "TA-ZR-006",
        "natural_resources",
        "个人之间林木林地权属争议处理",
        "township",
        "natural-resources-bureau",
        "处理单位之间的林权争议，提供林权登记资料",
        "受理个人之间、个人与单位之间的林木林地权属争议，调查调解并作出处理决定",
        ("《中华人民共和国森林法》第二十二条",),
        ("当事人申请", "乡镇受理并现场勘查", "组织调解", "作出处理决定", "告知诉讼权利"),
    ),
    _item(
        "TA-ZR-007",
        "natural_resources",
        "土地征收组织实施",
        "department",
        "natural-resources-bureau",
        "发布征收土地预公告，拟定并公告征地补偿安置方案，组织实施",
        "配合开展土地现状调查、入户宣传、补偿登记和社会稳定风险评估",
        (
            f"{TUDI}第四十七条",
            "《中华人民共和国土地管理法实施条例》第二十六条",
            "《中华人民共和国土地管理法实施条例》第二十八条",
        ),
        (
            "县级部门发布预公告",
            "乡镇配合现状调查",
            "社会稳定风险评估",
            "补偿安置方案公告",
            "乡镇组织补偿登记",
            "县级部门组织实施",
        ),
        call="should_call",
    ),
)

ECOLOGY = (
    _item(
        "TA-ST-001",
        "ecology",
        "秸秆禁烧",
        "township",
        "ecology-environment-bureau",
        "卫星遥感监测火点，依法查处露天焚烧行为",
        "落实网格化巡查，宣传禁烧，发现焚烧及时制止、扑灭并报告",
        (f"{DAQI}第七十七条", f"{DAQI}第一百一十九条"),
        ("划片包干", "网格员巡查", "发现火点立即扑灭", "报告县级部门", "县级部门查处"),
    ),
    _item(
        "TA-ST-002",
        "ecology",
        "企业违法排污查处",
        "department",
        "ecology-environment-bureau",
        "依法查处违法排污，必要时查封、扣押造成污染的设施设备",
        "巡查发现异常排放及时报告，配合现场检查和群众工作",
        ("《中华人民共和国环境保护法》第二十五条",),
        ("乡镇巡查或群众举报", "报告县级部门", "县级部门现场检查", "依法查处", "结果反馈乡镇"),
        call="should_call",
        boundary="执法检查、处罚在县级部门；发现报告在乡镇",
    ),
    _item(
        "TA-ST-003",
        "ecology",
        "农村生活垃圾治理",
        "township",
        "housing-construction-bureau",
        "制定城乡环卫一体化标准，指导转运处理设施建设",
        "组织村庄保洁和生活垃圾收集转运，开展村庄清洁行动",
        ("《中华人民共和国固体废物污染环境防治法》第四十六条",),
        ("村收集", "乡镇转运", "县处理", "乡镇检查考核"),
    ),
    _item(
        "TA-ST-004",
        "ecology",
        "畜禽散养污染防治",
        "township",
        "agriculture-rural-bureau",
        "指导畜禽粪污资源化利用，开展技术服务",
        "组织散养密集区分户收集、集中处理畜禽粪便污水",
        ("《中华人民共和国水污染防治法》第五十六条",),
        ("摸清散养户底数", "分户收集", "集中处理", "巡查整改"),
        also=(("ecology-environment-bureau", "监测水环境质量，查处违法排放"),),
    ),
    _item(
        "TA-ST-005",
        "ecology",
        "农村环境综合整治",
        "township",
        "ecology-environment-bureau",
        "制定整治标准，开展监测和技术指导",
        "推动村庄环境综合整治，提高农村环境保护公共服务水平",
        ("《中华人民共和国环境保护法》第三十三条",),
        ("制定年度整治计划", "组织实施", "县级部门技术指导", "验收评估"),
    ),
    _item(
        "TA-ST-006",
        "ecology",
        "餐饮服务业油烟污染治理",
        "department",
        "enforcement-bureau",
        "依法查处超标排放油烟行为",
        "巡查发现油烟扰民问题及时劝导、报告，配合执法",
        (f"{DAQI}第一百一十八条",),
        ("群众投诉或巡查发现", "乡镇劝导并报告", "县级部门检测、查处", "回访群众"),
    ),
)

CONSTRUCTION = (
    _item(
        "TA-CX-001",
        "construction",
        "乡村建设规划许可",
        "department",
        "natural-resources-bureau",
        "审查并核发乡村建设规划许可证",
        "受理乡镇企业、乡村公共设施和公益事业建设申请，初审后报送",
        (f"{GUIHUA}第四十一条",),
        ("建设单位或个人向乡镇申请", "乡镇初审报送", "县级部门审查核发", "乡镇批后监管"),
    ),
    _item(
        "TA-CX-002",
        "construction",
        "乡村违法建设查处",
        "township",
        "enforcement-bureau",
        "提供执法指导，配合组织拆除",
        "对未取得或未按乡村建设规划许可证建设的，责令停止建设、限期改正，逾期不改正的依法拆除",
        (f"{GUIHUA}第六十五条",),
        ("巡查发现", "责令停止建设、限期改正", "逾期不改正依法拆除", "复查归档"),
        call="should_call",
    ),
    _item(
        "TA-CX-003",
        "construction",
        "城镇违法建设查处",
        "department",
        "enforcement-bureau",
        "依法查处城镇违法建设，责令停止建设、限期拆除",
        "巡查发现、劝阻制止并报告，配合强制拆除和秩序维护",
        (f"{GUIHUA}第六十四条", f"{GUIHUA}第六十八条"),
        ("巡查发现", "乡镇劝阻并报告", "县级部门立案查处", "政府责成强制拆除", "乡镇配合秩序维护"),
        call="should_call",
        boundary="查处、强拆在县级；发现、劝阻、报告、配合在乡镇",
    ),
    _item(
        "TA-CX-004",
        "construction",
        "物业管理活动指导",
        "township",
        "housing-construction-bureau",
        "监督管理物业服务企业，查处违规行为",
        "指导成立业主大会、选举业主委员会，协调物业纠纷",
        ("《物业管理条例》第十条", "《物业管理条例》第五条"),
        ("业主申请", "乡镇指导成立筹备组", "召开首次业主大会", "选举业主委员会", "备案"),
    ),
    _item(
        "TA-CX-005",
        "construction",
        "建筑工程未批先建监管",
        "department",
        "housing-construction-bureau",
        "核发施工许可证，查处未取得施工许可擅自施工",
        "巡查发现未批先建的建筑工程及时报告",
        ("《中华人民共和国建筑法》第七条",),
        ("乡镇巡查发现", "报告县级部门", "县级部门核查查处", "结果反馈"),
    ),
    _item(
        "TA-CX-006",
        "construction",
        "乡规划和村庄规划编制",
        "township",
        "natural-resources-bureau",
        "提供技术指导，组织审查",
        "组织编制乡规划、村庄规划，经村民会议或村民代表会议讨论同意后报批",
        (f"{GUIHUA}第二十二条",),
        ("乡镇组织编制", "村民会议讨论", "县级部门技术审查", "报上一级政府审批", "公布实施"),
    ),
)

EMERGENCY = (
    _item(
        "TA-YJ-001",
        "emergency",
        "生产经营单位安全生产属地检查",
        "township",
        "emergency-management-bureau",
        "制定年度监督检查计划，指导乡镇开展检查，依法查处违法行为",
        "按照职责对辖区生产经营单位开展检查，督促隐患整改，重大隐患及时报告",
        (f"{ANQUAN}第九条",),
        ("建立企业台账", "乡镇分类检查", "督促隐患整改", "重大隐患报县级部门", "闭环销号"),
    ),
    _item(
        "TA-YJ-002",
        "emergency",
        "生产安全事故应急救援预案",
        "township",
        "emergency-management-bureau",
        "指导预案编制，组织备案和演练评估",
        "制定乡镇生产安全事故应急救援预案，协助做好应急救援",
        (f"{ANQUAN}第八十条", "《生产安全事故应急条例》第五条"),
        ("风险辨识评估", "编制预案", "县级部门指导", "公布并演练", "定期修订"),
    ),
    _item(
        "TA-YJ-003",
        "emergency",
        "突发事件先期处置和信息报送",
        "township",
        "emergency-management-bureau",
        "统筹指挥应急处置，接收信息并向上级报告",
        "明确专门工作力量，开展先期处置，及时、客观、真实报送突发事件信息",
        (f"{TUFA}第二十二条", f"{TUFA}第六十一条"),
        ("发现或接报", "乡镇先期处置", "即时报告", "县级部门到场指挥", "配合善后"),
        call="must_call",
    ),
    _item(
        "TA-YJ-004",
        "emergency",
        "辖区防汛抢险",
        "township",
        "emergency-management-bureau",
        "组织指挥防汛抗洪，调度抢险力量和物资",
        "落实防汛责任，排查隐患，组织危险区域群众转移",
        ("《中华人民共和国防洪法》第三十八条",),
        ("汛前隐患排查", "预警信息传达到户", "组织转移避险", "先期抢险并报告", "县级部门调度支援"),
        call="must_call",
    ),
    _item(
        "TA-YJ-005",
        "emergency",
        "森林防火",
        "township",
        "emergency-management-bureau",
        "组织森林火灾预防和扑救，调度专业扑火力量",
        "组织护林员巡护、宣传防火，发现火情立即报告并先期扑救",
        ("《中华人民共和国森林法》第三十四条",),
        ("防火期巡护", "火源管控", "发现火情立即报告", "先期扑救", "县级部门调度扑救"),
        call="must_call",
        also=(("natural-resources-bureau", "开展森林防火宣传和防火设施建设"),),
    ),
    _item(
        "TA-YJ-006",
        "emergency",
        "应急知识宣传和应急演练",
        "township",
        "emergency-management-bureau",
        "制定宣传演练计划，提供培训和技术指导",
        "组织面向群众的应急和地震应急知识宣传普及及必要的演练",
        (f"{TUFA}第四十二条", "《中华人民共和国防震减灾法》第四十四条"),
        ("制定年度计划", "进村入户宣传", "组织演练", "评估改进"),
    ),
    _item(
        "TA-YJ-007",
        "emergency",
        "群众性消防工作",
        "township",
        "emergency-management-bureau",
        "统筹消防安全专项整治，指导乡镇开展工作",
        "指导、支持和帮助村（居）民委员会开展群众性消防工作",
        ("《中华人民共和国消防法》第三十二条",),
        ("确定村（居）消防安全管理人", "制定防火公约", "开展防火检查", "隐患报告"),
    ),
    _item(
        "TA-YJ-008",
        "emergency",
        "安全生产违法行为查处",
        "department",
        "emergency-management-bureau",
        "依法开展安全生产行政执法，查处违法行为",
        "检查中发现的违法线索及时移送，配合执法",
        (f"{ANQUAN}第六十五条",),
        ("乡镇检查发现", "书面移送", "县级部门立案查处", "结果反馈"),
    ),
)

MARKET = (
    _item(
        "TA-SC-001",
        "market",
        "食品安全协助监管",
        "department",
        "market-regulation-bureau",
        "通过派出的市场监管所开展食品安全监督检查和执法",
        "支持、协助市场监管部门及其派出机构开展监管，做好隐患排查和信息报告",
        ("《中华人民共和国食品安全法实施条例》第四条", "《中华人民共和国食品安全法》第六条"),
        ("乡镇网格排查", "报告派出机构", "市场监管所检查处置", "结果反馈"),
    ),
    _item(
        "TA-SC-002",
        "market",
        "食品小作坊和食品摊贩综合治理",
        "department",
        "market-regulation-bureau",
        "对小作坊、摊贩加强监督管理",
        "配合划定临时经营区域和时段，引导摊贩入场入市经营",
        ("《中华人民共和国食品安全法》第三十六条",),
        ("摸底建档", "乡镇配合划定区域时段", "县级部门监督检查", "整改复查"),
    ),
    _item(
        "TA-SC-003",
        "market",
        "无证从事食品生产经营查处",
        "department",
        "market-regulation-bureau",
        "依法查处未取得许可从事食品生产经营行为",
        "巡查发现无证经营线索及时报告，配合查处",
        ("《中华人民共和国食品安全法》第一百二十二条",),
        ("巡查发现", "报告县级部门", "立案查处", "结果反馈"),
    ),
    _item(
        "TA-SC-004",
        "market",
        "特种设备安全监管",
        "department",
        "market-regulation-bureau",
        "对辖区特种设备安全实施监督管理",
        "排查发现农村和小微企业在用特种设备隐患并报告",
        ("《中华人民共和国特种设备安全法》第五条",),
        ("乡镇排查", "报告县级部门", "县级部门检查处置", "整改销号"),
    ),
)

ENFORCEMENT = (
    _item(
        "TA-ZF-001",
        "enforcement",
        "占道经营和擅自堆放物料、搭建设施查处",
        "department",
        "enforcement-bureau",
        "依法查处占道经营、擅自堆物搭建行为",
        "巡查劝导，发现问题及时制止并报告，配合执法",
        (f"{SHIRONG}第十四条", f"{SHIRONG}第三十六条"),
        ("巡查劝导", "报告执法部门", "依法查处", "回访"),
    ),
    _item(
        "TA-ZF-002",
        "enforcement",
        "户外广告设置管理",
        "department",
        "enforcement-bureau",
        "审查大型户外广告设置，查处违规设置",
        "巡查发现违规设置及时报告，督促设置单位维修或拆除",
        (f"{SHIRONG}第十一条",),
        ("巡查发现", "报告县级部门", "责令整改或拆除", "复查"),
    ),
    _item(
        "TA-ZF-003",
        "enforcement",
        "乱涂写刻画和违规张贴查处",
        "department",
        "enforcement-bureau",
        "依法查处乱涂写刻画、违规张贴行为",
        "组织清理，发现违法线索及时报告",
        (f"{SHIRONG}第十七条", f"{SHIRONG}第三十四条"),
        ("巡查清理", "线索报告", "依法查处", "回访"),
    ),
    _item(
        "TA-ZF-004",
        "enforcement",
        "随意倾倒、堆放生活垃圾查处",
        "department",
        "enforcement-bureau",
        "依法查处随意倾倒、抛撒、堆放生活垃圾行为",
        "督促分类投放，发现违法行为及时劝阻、报告",
        (
            "《中华人民共和国固体废物污染环境防治法》第四十九条",
            "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
        ),
        ("宣传督导", "巡查劝阻", "报告执法部门", "依法查处"),
    ),
    _item(
        "TA-ZF-005",
        "enforcement",
        "违法建设强制拆除",
        "department",
        "enforcement-bureau",
        "依政府决定组织实施查封施工现场、强制拆除",
        "做好群众工作，配合清障和现场秩序维护",
        (f"{GUIHUA}第六十八条", f"{TUDI}第八十三条"),
        ("作出限期拆除决定", "催告", "政府责成强制拆除", "乡镇配合秩序维护", "归档"),
        call="should_call",
    ),
)

KEY_WORK = (
    _item(
        "TA-ZD-001",
        "key_work",
        "社会救助申请受理和调查审核",
        "township",
        "civil-affairs-bureau",
        "审批救助申请，开展抽查和动态管理",
        "统一受理低保、特困、临时救助申请，入户调查并提出审核意见",
        ("《社会救助暂行办法》第四条", "《社会救助暂行办法》第十一条"),
        ("受理申请", "入户调查", "民主评议和公示", "报县级部门审批", "动态复核"),
    ),
    _item(
        "TA-ZD-002",
        "key_work",
        "城乡居民基本医疗保险参保扩面",
        "department",
        "medical-security-bureau",
        "负责参保登记、缴费核定和待遇保障",
        "宣传参保政策，协助居民办理参保登记和缴费",
        # 社会保险法 is not in the legal library: unresolved by design.
        ("《中华人民共和国社会保险法》第二十五条",),
        ("县级部门制定参保方案", "乡镇宣传发动", "协助登记缴费", "县级部门核定"),
    ),
    _item(
        "TA-ZD-003",
        "key_work",
        "人口与计划生育服务",
        "township",
        "health-commission",
        "负责人口与计划生育实施方案的日常工作",
        "负责本辖区人口与计划生育工作，做好人口监测和家庭服务",
        ("《中华人民共和国人口与计划生育法》第十条",),
        ("人口监测", "政策宣传", "扶助申请受理", "报县级部门审核"),
    ),
    _item(
        "TA-ZD-004",
        "key_work",
        "矛盾纠纷排查化解",
        "township",
        "justice-bureau",
        "指导人民调解工作，培训调解员",
        "设立人民调解委员会，定期排查、调处矛盾纠纷",
        ("《中华人民共和国人民调解法》第三十四条", "《中华人民共和国人民调解法》第五条"),
        ("网格排查", "分级调处", "疑难纠纷呼叫县级部门", "回访归档"),
        also=(("taishan-justice-bureau", "指导泰山区派驻司法所参与调解"),),
    ),
    _item(
        "TA-ZD-005",
        "key_work",
        "传染病防控",
        "department",
        "health-commission",
        "组织传染病监测、预警和处置",
        "组织村（居）开展群防群控、宣传教育和疫情报告",
        ("《中华人民共和国传染病防治法》第九条",),
        ("县级部门发布防控要求", "乡镇组织群防群控", "发现病例报告", "配合流调处置"),
        call="must_call",
    ),
)

AGRICULTURE = (
    _item(
        "TA-NY-001",
        "agriculture",
        "动物疫病预防控制和强制免疫",
        "township",
        "agriculture-rural-bureau",
        "制定强制免疫计划，供应疫苗，开展监测和监督检查",
        "组织饲养户做好强制免疫，协助监督检查，发现疫情及时报告",
        (f"{DONGFANG}第八条",),
        ("摸底建档", "组织免疫", "县级部门抽检", "发现疫情立即报告"),
    ),
    _item(
        "TA-NY-002",
        "agriculture",
        "乡村死亡畜禽收集处理",
        "township",
        "agriculture-rural-bureau",
        "指导无害化处理并溯源",
        "组织收集、处理在乡村和城市公共场所发现的死亡畜禽并溯源",
        (f"{DONGFANG}第五十八条",),
        ("发现报告", "乡镇组织收集", "无害化处理", "溯源"),
    ),
    _item(
        "TA-NY-003",
        "agriculture",
        "农村土地承包经营合同管理",
        "township",
        "agriculture-rural-bureau",
        "指导承包经营和合同管理",
        "负责承包经营及承包经营合同管理，调解承包纠纷",
        ("《中华人民共和国农村土地承包法》第十二条", "《中华人民共和国农村土地承包法》第五十五条"),
        ("合同签订指导", "合同备案", "纠纷调解", "档案管理"),
    ),
    _item(
        "TA-NY-004",
        "agriculture",
        "农产品质量安全监管",
        "department",
        "agriculture-rural-bureau",
        "开展农产品质量安全监督抽查和执法",
        "落实属地监管责任，开展巡查和快速检测，协助上级部门监督检查",
        ("《中华人民共和国农产品质量安全法》第六条",),
        ("乡镇巡查和快检", "发现问题报告", "县级部门抽检执法", "结果反馈"),
    ),
    _item(
        "TA-NY-005",
        "agriculture",
        "农村集体经济组织审计",
        "township",
        "agriculture-rural-bureau",
        "制定审计计划，指导审计工作",
        "对农村集体经济组织开展定期审计和专项审计，督促整改",
        ("《中华人民共和国农村集体经济组织法》第四十七条",),
        ("制定审计计划", "开展审计", "反馈问题", "督促整改"),
    ),
    _item(
        "TA-NY-006",
        "agriculture",
        "农村地区饲养犬只防疫管理",
        "township",
        "agriculture-rural-bureau",
        "组织狂犬病免疫，指导犬只防疫管理",
        "组织村（居）做好饲养犬只防疫和流浪犬、猫控制处置",
        (f"{DONGFANG}第三十条",),
        ("摸底登记", "组织免疫", "流浪犬控制", "巡查"),
    ),
)

#: Rural duties (差异化事项): farmland, homesteads, mines, straw, loose livestock, village
#: planning and rural land — the towns and 乡 claim them; the urban streets (岱庙街道 …) do not.
RURAL = frozenset(
    {
        "TA-ZR-001",
        "TA-ZR-003",
        "TA-ZR-004",
        "TA-ZR-006",
        "TA-ST-001",
        "TA-ST-003",
        "TA-ST-004",
        "TA-ST-005",
        "TA-CX-001",
        "TA-CX-002",
        "TA-CX-006",
        "TA-NY-002",
        "TA-NY-003",
        "TA-NY-005",
    }
)

CATALOG = SeedCatalog(
    items=also_of_kind(
        NATURAL_RESOURCES + ECOLOGY + CONSTRUCTION + EMERGENCY + MARKET + ENFORCEMENT + KEY_WORK + AGRICULTURE,
        RURAL,
        "differentiated",
    ),
    sample=True,
    note="示例数据：依据泰安市“1+1+6”报道（种子 002）整理的主体责任和配合责任清单示意，"
    "非官方清单原文；法条引用取自项目法律库。",
)
