"""Sample reference catalog of 齐齐哈尔市龙沙区 (《街道职责任务清单参考目录（试行）》 style).

Common items (``LS-C-…``) every street has, differentiated items (``LS-D-…``) in civil
affairs, transport, agriculture and natural resources that a street claims, each split
into department tasks and street tasks (``…-T1``) that carry the clauses ("照事项找任务、
照任务找法条"); and single-level items of the street power list (``LS-P-…``) and
government-service list (``LS-G-…``). Some items are flagged as the high-frequency items
added in review; one (``LS-C-015``) entered through the admission procedure. Illustrative
data shaped on the seed, not the official catalog.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Responsibility, SeedCatalog

#: Citations of laws deliberately absent from the legal library, to show how core reports an
#: unresolved citation.
UNRESOLVED_BY_DESIGN: tuple[str, ...] = ("中华人民共和国社会保险法", "中华人民共和国公路法")

TOWNSHIP = "township"

TUFA = "《中华人民共和国突发事件应对法》"
JIUZHU = "《社会救助暂行办法》"
SHIRONG = "《城市市容和环境卫生管理条例》"
DAQI = "《中华人民共和国大气污染防治法》"
TUDI = "《中华人民共和国土地管理法》"
RENKOU = "《中华人民共和国人口与计划生育法》"


def _dept(unit: str, title: str, duty: str, *citations: str) -> tuple:
    """A department task (部门职责任务)."""
    return ("department", unit, title, duty, citations)


def _street(title: str, duty: str, *citations: str) -> tuple:
    """A street task (街道职责任务)."""
    return ("street", TOWNSHIP, title, duty, citations)


def _listed(
    code: str,
    title: str,
    category: str,
    kind: str,
    *tasks: tuple,
    high_frequency: bool = False,
    description: str = "",
    extra: dict | None = None,
) -> list[CatalogItem]:
    """A common or differentiated item followed by its tasks."""
    street = [t for t in tasks if t[0] == "street"]
    responsibilities = [Responsibility(TOWNSHIP, "primary", "；".join(t[3] for t in street))]
    responsibilities += [Responsibility(t[1], "cooperating", t[3]) for t in tasks if t[0] == "department"]
    items = [
        CatalogItem(
            code=code,
            title=title,
            level="item",
            kinds=(kind,),
            category=category,
            item_kind="duty",
            description=description,
            high_frequency=high_frequency,
            responsibilities=tuple(responsibilities),
            extra=dict(extra or {}),
        )
    ]
    for n, (side, party, task_title, duty, citations) in enumerate(tasks, start=1):
        items.append(
            CatalogItem(
                code=f"{code}-T{n}",
                title=task_title,
                level="task",
                kinds=(kind,),
                parent_code=code,
                category=category,
                description=duty,
                responsibilities=(Responsibility(party, "primary", duty),),
                citations=citations,
                extra={"task_side": side},
            )
        )
    return items


def _power(
    code: str,
    title: str,
    category: str,
    power_type: str,
    duty: str,
    unit: str,
    unit_duty: str,
    *citations: str,
    high_frequency: bool = False,
) -> list[CatalogItem]:
    """An item of the street power and responsibility list."""
    return [
        CatalogItem(
            code=code,
            title=title,
            level="item",
            kinds=("power_responsibility",),
            category=category,
            item_kind="power",
            high_frequency=high_frequency,
            responsibilities=(
                Responsibility(TOWNSHIP, "primary", duty),
                Responsibility(unit, "cooperating", unit_duty),
            ),
            citations=citations,
            extra={"power_type": power_type},
        )
    ]


def _service(
    code: str, title: str, category: str, service_class: str, duty: str, unit: str, unit_duty: str, *citations: str
) -> list[CatalogItem]:
    """An item of the street government-service list, handled at the service centre."""
    return [
        CatalogItem(
            code=code,
            title=title,
            level="item",
            kinds=("government_service",),
            category=category,
            item_kind="service",
            responsibilities=(
                Responsibility(TOWNSHIP, "primary", duty),
                Responsibility(unit, "cooperating", unit_duty),
            ),
            citations=citations,
            extra={"service_class": service_class},
        )
    ]


COMMON: list[CatalogItem] = [
    *_listed(
        "LS-C-001",
        "党建引领基层治理",
        "party_building",
        "common",
        _street("落实街道党工委统筹协调职责", "统筹辖区党建工作，推行“党建+清单+网格”模式，组织在职党员到社区报到"),
    ),
    *_listed(
        "LS-C-002",
        "网格化管理服务",
        "safety",
        "common",
        _street("网格划分和网格员管理", "划分网格、配备专兼职网格员，巡查采集并上报网格内事件"),
        _street("“吹哨—派发—办理—反馈”闭环", "对网格内无法解决的事项“吹哨”，跟踪部门办理并反馈群众"),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-003",
        "矛盾纠纷排查调处",
        "safety",
        "common",
        _dept(
            "justice-bureau",
            "指导人民调解工作",
            "指导街道人民调解委员会，培训调解员",
            "《中华人民共和国人民调解法》第五条",
        ),
        _street(
            "设立人民调解委员会调解纠纷",
            "设立人民调解委员会，定期排查、调处矛盾纠纷",
            "《中华人民共和国人民调解法》第三十四条",
        ),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-004",
        "信访事项受理办理",
        "safety",
        "common",
        _street(
            "登记、受理和办理信访事项",
            "畅通信访渠道，及时登记录入信访信息系统并办理答复",
            "《信访工作条例》第六条",
            "《信访工作条例》第二十一条",
        ),
    ),
    *_listed(
        "LS-C-005",
        "安全生产属地监督检查",
        "emergency",
        "common",
        _dept(
            "emergency-management-bureau",
            "安全生产行政执法",
            "依法开展安全生产行政执法，查处违法行为",
            "《中华人民共和国安全生产法》第六十五条",
        ),
        _street(
            "辖区生产经营单位安全检查",
            "明确安全生产监管机构，对辖区生产经营单位开展检查，督促隐患整改",
            "《中华人民共和国安全生产法》第九条",
        ),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-006",
        "突发事件应对",
        "emergency",
        "common",
        _dept("emergency-management-bureau", "指导应急预案体系建设", "指导街道应急预案编制和演练", f"{TUFA}第二十七条"),
        _street(
            "明确应急工作力量并报送信息",
            "明确专门工作力量，按规定报送突发事件信息",
            f"{TUFA}第二十二条",
            f"{TUFA}第六十一条",
        ),
        _street(
            "基层应急救援队伍和演练",
            "建立基层应急救援队伍，组织应急知识宣传和演练",
            f"{TUFA}第三十九条",
            f"{TUFA}第四十二条",
        ),
    ),
    *_listed(
        "LS-C-007",
        "消防安全群防群治",
        "emergency",
        "common",
        _dept(
            "emergency-management-bureau",
            "组织消防安全专项检查",
            "火灾多发季节和重大节假日组织消防宣传和检查",
            "《中华人民共和国消防法》第三十一条",
        ),
        _street(
            "指导社区开展群众性消防工作",
            "指导社区确定消防安全管理人、制定防火公约、开展防火检查",
            "《中华人民共和国消防法》第三十二条",
        ),
    ),
    *_listed(
        "LS-C-008",
        "最低生活保障",
        "civil_affairs",
        "common",
        _dept(
            "civil-affairs-bureau",
            "低保审批和动态管理",
            "审批最低生活保障申请，组织抽查和动态管理",
            f"{JIUZHU}第十一条",
        ),
        _street(
            "低保申请受理和调查审核",
            "受理申请，入户调查、邻里访问，提出审核意见并公示",
            f"{JIUZHU}第四条",
            f"{JIUZHU}第十一条",
        ),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-009",
        "特困人员供养",
        "civil_affairs",
        "common",
        _street(
            "特困供养申请受理和主动发现",
            "受理申请，主动发现符合条件人员并为其办理供养",
            f"{JIUZHU}第十六条",
            f"{JIUZHU}第十七条",
        ),
    ),
    *_listed(
        "LS-C-010",
        "临时救助",
        "civil_affairs",
        "common",
        _dept("civil-affairs-bureau", "临时救助审批", "审批临时救助，委托街道审批小额救助", f"{JIUZHU}第四十八条"),
        _street("临时救助受理和审核", "受理申请并审核公示，紧急情况先行救助", f"{JIUZHU}第四十八条"),
    ),
    *_listed(
        "LS-C-011",
        "指导居民委员会工作",
        "civil_affairs",
        "common",
        _street(
            "指导、支持和帮助居民委员会",
            "指导居民委员会依法自治、依法协助街道开展工作",
            "《中华人民共和国城市居民委员会组织法》第二条",
            "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》第八十七条",
        ),
    ),
    *_listed(
        "LS-C-012",
        "生活垃圾分类",
        "urban_management",
        "common",
        _dept(
            "urban-management-bureau",
            "生活垃圾违法行为查处",
            "查处随意倾倒、抛撒、堆放生活垃圾行为",
            "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
        ),
        _street(
            "分类投放宣传和督导",
            "宣传分类知识，组织社区督导单位、家庭分类投放",
            "《中华人民共和国固体废物污染环境防治法》第四十九条",
        ),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-013",
        "街巷环境卫生保洁",
        "urban_management",
        "common",
        _dept(
            "urban-management-bureau", "划分卫生责任区", "划分卫生责任区，监督检查清扫保洁质量", f"{SHIRONG}第二十五条"
        ),
        _street("组织居住区、街巷清扫保洁", "组织专人清扫保洁居住区、街巷", f"{SHIRONG}第二十三条"),
    ),
    *_listed(
        "LS-C-014",
        "物业管理指导",
        "urban_management",
        "common",
        _dept(
            "housing-construction-bureau",
            "物业管理活动监督管理",
            "监督管理物业服务企业，查处违规行为",
            "《物业管理条例》第五条",
        ),
        _street("指导成立业主大会", "指导成立业主大会、选举业主委员会，协调物业纠纷", "《物业管理条例》第十条"),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-015",
        "协助政府做好人口与计划生育工作，促进人口长期均衡发展",
        "health",
        "common",
        _dept(
            "health-bureau",
            "人口与计划生育实施方案日常工作",
            "负责实施方案日常工作，落实奖励扶助政策",
            f"{RENKOU}第十条",
        ),
        _dept(
            "family-planning-association",
            "计生协会协助开展工作",
            "组织计生协会开展宣传倡导和计生家庭帮扶",
            f"{RENKOU}第七条",
        ),
        _street("街道人口与计划生育工作", "负责本辖区人口与计划生育工作，做好人口监测和家庭服务", f"{RENKOU}第十条"),
        extra={
            "admission_note": "区计生协申请；区委编办启动职责准入程序，区司法局、区营商局审查合法性、"
            "合理性并征求街道意见，区委常委会议审议通过后纳入清单"
        },
    ),
    *_listed(
        "LS-C-016",
        "流浪犬、猫控制和处置",
        "urban_management",
        "common",
        _street(
            "组织控制和处置流浪犬、猫", "组织协调居民委员会控制和处置流浪犬、猫", "《中华人民共和国动物防疫法》第三十条"
        ),
        high_frequency=True,
    ),
    *_listed(
        "LS-C-017",
        "兵役登记和征兵",
        "veterans",
        "common",
        _street(
            "组织初次兵役登记和征兵初审",
            "组织适龄男性公民进行初次兵役登记，开展征兵宣传和初步核查",
            "《中华人民共和国兵役法》第十五条",
            "《征兵工作条例》第十一条",
        ),
    ),
    *_listed(
        "LS-C-018",
        "未成年人保护",
        "civil_affairs",
        "common",
        _street(
            "未成年人保护工作站",
            "设立未成年人保护工作站或指定专门人员，及时办理未成年人相关事务",
            "《中华人民共和国未成年人保护法》第八十一条",
        ),
    ),
    *_listed(
        "LS-C-019",
        "退役军人服务站",
        "veterans",
        "common",
        _street(
            "退役军人服务站建设和服务",
            "建设街道、社区退役军人服务站点，做好接待和帮扶",
            "《中华人民共和国退役军人保障法》第六十五条",
        ),
    ),
    *_listed(
        "LS-C-020",
        "食品安全协助监管",
        "market",
        "common",
        _dept(
            "market-regulation-bureau",
            "食品安全监督管理",
            "通过派出的市场监管所开展食品安全监督检查",
            "《中华人民共和国食品安全法》第六条",
        ),
        _street(
            "支持、协助食品安全监管",
            "支持、协助区市场监管局及其派出机构开展监管，做好隐患排查和信息报告",
            "《中华人民共和国食品安全法实施条例》第四条",
        ),
    ),
    *_listed(
        "LS-C-021",
        "传染病防控群防群控",
        "health",
        "common",
        _street(
            "组织群防群控", "组织社区开展传染病防治宣传、疫情报告和志愿服务", "《中华人民共和国传染病防治法》第九条"
        ),
    ),
    *_listed(
        "LS-C-022",
        "慈善捐赠款物分配协助",
        "civil_affairs",
        "common",
        _street(
            "捐赠款物分配送达", "为捐赠款物分配送达、信息统计提供力所能及的帮助", "《中华人民共和国慈善法》第七十四条"
        ),
    ),
    *_listed(
        "LS-C-023",
        "统计调查",
        "economy",
        "common",
        _street(
            "组织辖区统计调查", "设置统计工作岗位，组织辖区单位和个体户统计调查", "《中华人民共和国统计法》第三十条"
        ),
    ),
    *_listed(
        "LS-C-024",
        "城乡居民基本医疗保险参保服务",
        "social_security",
        "common",
        _dept(
            "medical-security-bureau",
            "参保登记和待遇保障",
            "负责参保登记、缴费核定和待遇保障",
            # 社会保险法 is not in the legal library: unresolved by design.
            "《中华人民共和国社会保险法》第二十五条",
        ),
        _street("参保宣传和协助登记", "宣传参保政策，协助居民办理参保登记和缴费"),
    ),
    *_listed(
        "LS-C-025",
        "住房救助申请受理",
        "civil_affairs",
        "common",
        _dept("housing-construction-bureau", "审核实施住房救助", "审核住房困难情况，实施住房救助", f"{JIUZHU}第四十条"),
        _street("受理并调查核实住房救助申请", "受理城镇家庭住房救助申请，调查核实后转报", f"{JIUZHU}第四十条"),
    ),
    *_listed(
        "LS-C-026",
        "社会救助家庭情况调查核查",
        "civil_affairs",
        "common",
        _dept(
            "civil-affairs-bureau", "家庭经济状况信息核对", "开展社会救助家庭经济状况信息核对", f"{JIUZHU}第五十九条"
        ),
        _street(
            "调查核查家庭情况",
            "依法查阅、记录、复制与社会救助事项有关的资料，询问有关单位和个人",
            f"{JIUZHU}第五十九条",
        ),
    ),
    *_listed(
        "LS-C-027",
        "社区居家养老服务",
        "civil_affairs",
        "common",
        _dept("civil-affairs-bureau", "养老服务扶持和监管", "制定社区养老服务扶持政策，监督养老服务机构"),
        _street(
            "发展社区养老服务",
            "整合社区资源，为居家老年人提供生活照料、紧急救援、医疗护理、精神慰藉等服务",
            "《中华人民共和国老年人权益保障法》第三十七条",
        ),
    ),
    *_listed(
        "LS-C-028",
        "老年人赡养纠纷调解",
        "civil_affairs",
        "common",
        _street(
            "调解赡养扶养纠纷并督促履行",
            "组织调解老年人与家庭成员因赡养、扶养、住房、财产发生的纠纷，督促赡养人履行义务",
            "《中华人民共和国老年人权益保障法》第七十五条",
            "《中华人民共和国老年人权益保障法》第二十四条",
        ),
    ),
    *_listed(
        "LS-C-029",
        "残疾人社区康复",
        "civil_affairs",
        "common",
        _dept("health-bureau", "康复技术指导", "指导医疗预防保健机构开展社区康复"),
        _street(
            "组织社区康复服务",
            "组织和指导社区服务组织、残疾人组织为残疾人提供康复服务",
            "《中华人民共和国残疾人保障法》第十七条",
        ),
    ),
    *_listed(
        "LS-C-030",
        "委托照护未成年人关爱",
        "civil_affairs",
        "common",
        _street(
            "掌握委托照护情况并帮扶",
            "指导社区掌握父母外出的未成年人委托照护情况，督促监护人履行职责",
            "《中华人民共和国未成年人保护法》第二十三条",
            "《中华人民共和国未成年人保护法》第四十三条",
        ),
    ),
    *_listed(
        "LS-C-031",
        "社区慈善和志愿服务",
        "civil_affairs",
        "common",
        _dept("civil-affairs-bureau", "慈善组织登记和监管", "慈善组织登记、认定和监督管理"),
        _street(
            "培育社区慈善组织和志愿者队伍",
            "培育社区慈善组织，组织社区志愿者开展互助服务",
            "《中华人民共和国慈善法》第九十六条",
        ),
    ),
    *_listed(
        "LS-C-032",
        "居民公约备案",
        "civil_affairs",
        "common",
        _street(
            "受理居民公约备案",
            "受理居民会议制定的居民公约备案，审查是否与法律法规相抵触",
            "《中华人民共和国城市居民委员会组织法》第十五条",
        ),
    ),
    *_listed(
        "LS-C-033",
        "社区居民委员会设立和规模调整",
        "civil_affairs",
        "common",
        _dept(
            "civil-affairs-bureau",
            "审核报区政府决定",
            "审核方案并报区政府决定",
            "《中华人民共和国城市居民委员会组织法》第六条",
        ),
        _street(
            "提出设立、撤销、规模调整方案",
            "按照便于居民自治的原则提出社区居民委员会设立、撤销、规模调整方案",
            "《中华人民共和国城市居民委员会组织法》第六条",
        ),
    ),
    *_listed(
        "LS-C-034",
        "社区居民委员会选举指导",
        "civil_affairs",
        "common",
        _street(
            "指导居民委员会选举",
            "指导社区居民委员会依法选举主任、副主任和委员",
            "《中华人民共和国城市居民委员会组织法》第八条",
        ),
    ),
    *_listed(
        "LS-C-035",
        "社区工作经费和社区工作者补贴保障",
        "civil_affairs",
        "common",
        _dept(
            "finance-bureau",
            "经费保障",
            "按标准安排社区工作经费和补贴资金",
            "《中华人民共和国城市居民委员会组织法》第十七条",
        ),
        _street(
            "落实社区工作经费和补贴",
            "落实居民委员会工作经费和成员生活补贴的拨付和管理",
            "《中华人民共和国城市居民委员会组织法》第十七条",
        ),
    ),
    *_listed(
        "LS-C-036",
        "社区协助事项准入",
        "civil_affairs",
        "common",
        _dept(
            "establishment-office",
            "社区工作事项清单管理",
            "编制社区工作事项清单，审核新增协助事项",
            "《中华人民共和国城市居民委员会组织法》第二十条",
        ),
        _street(
            "统一安排部门需社区协助的工作",
            "区直部门需要居民委员会协助的工作须经街道同意并统一安排，未经同意不得摊派",
            "《中华人民共和国城市居民委员会组织法》第二十条",
        ),
    ),
    *_listed(
        "LS-C-037",
        "居民列席有关会议",
        "civil_affairs",
        "common",
        _street(
            "建立居民列席会议制度",
            "根据实际情况邀请居民代表列席街道有关会议",
            "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》第八十八条",
        ),
    ),
    *_listed(
        "LS-C-038",
        "生产安全事故应急预案和演练",
        "emergency",
        "common",
        _dept("emergency-management-bureau", "预案编制和演练指导", "指导预案编制和演练评估"),
        _street(
            "制定预案并组织演练",
            "针对可能发生的生产安全事故制定应急救援预案，至少每2年组织1次演练",
            "《生产安全事故应急条例》第五条",
            "《生产安全事故应急条例》第八条",
        ),
    ),
    *_listed(
        "LS-C-039",
        "事故隐患和安全生产违法行为报告受理",
        "emergency",
        "common",
        _dept(
            "emergency-management-bureau",
            "核查处理",
            "核查报告事项并依法处理",
            "《中华人民共和国安全生产法》第六十五条",
        ),
        _street(
            "受理社区报告并转交",
            "受理社区发现的事故隐患和安全生产违法行为报告，及时转交有关部门",
            "《中华人民共和国安全生产法》第七十五条",
        ),
    ),
    *_listed(
        "LS-C-040",
        "防汛排涝",
        "emergency",
        "common",
        _dept(
            "emergency-management-bureau",
            "防汛指挥调度",
            "统一指挥调度抢险力量和物资",
            "《中华人民共和国防洪法》第三十八条",
        ),
        _street(
            "落实防汛责任和易涝点巡查",
            "落实街道行政首长防汛责任制，巡查易涝点，组织转移受威胁群众",
            "《中华人民共和国防洪法》第三十八条",
        ),
    ),
    *_listed(
        "LS-C-041",
        "志愿消防队建设指导",
        "emergency",
        "common",
        _street(
            "指导社区建立志愿消防队",
            "指导社区建立志愿消防队等消防组织，开展群众性自防自救",
            "《中华人民共和国消防法》第四十一条",
        ),
    ),
    *_listed(
        "LS-C-042",
        "地震应急知识宣传和演练",
        "emergency",
        "common",
        _dept("emergency-management-bureau", "地震应急指导", "指导地震应急预案和演练"),
        _street(
            "组织宣传和演练",
            "组织开展地震应急知识宣传普及和必要的地震应急救援演练",
            "《中华人民共和国防震减灾法》第四十四条",
        ),
    ),
    *_listed(
        "LS-C-043",
        "烟花爆竹禁放宣传和巡查",
        "urban_management",
        "common",
        _street("禁放宣传和巡查", "在禁止的时段和区域开展禁放宣传和巡查，发现燃放及时劝阻并报告", f"{DAQI}第八十二条"),
    ),
    *_listed(
        "LS-C-044",
        "露天烧烤和油烟扰民巡查",
        "urban_management",
        "common",
        _dept("urban-management-bureau", "依法查处", "依法查处违法露天烧烤和油烟超标排放", f"{DAQI}第一百一十八条"),
        _street("巡查劝阻", "巡查禁止区域内露天烧烤食品和餐饮油烟扰民，劝阻并报告", f"{DAQI}第八十一条"),
    ),
    *_listed(
        "LS-C-045",
        "施工扬尘巡查",
        "urban_management",
        "common",
        _dept(
            "housing-construction-bureau", "施工扬尘监管", "监督施工单位落实扬尘防治措施并查处", f"{DAQI}第一百一十五条"
        ),
        _street("巡查工地扬尘", "巡查辖区施工工地围挡、覆盖、洒水等防尘措施，发现问题督促并报告", f"{DAQI}第六十九条"),
    ),
    *_listed(
        "LS-C-046",
        "渣土运输车辆遗撒巡查",
        "urban_management",
        "common",
        _dept("urban-management-bureau", "查处遗撒", "依法查处未密闭运输造成遗撒的行为", f"{DAQI}第一百一十六条"),
        _street("巡查并报告", "巡查辖区道路渣土、砂石运输车辆遗撒，发现及时报告并组织清理", f"{DAQI}第七十条"),
    ),
    *_listed(
        "LS-C-047",
        "婴幼儿活动场所和托育服务",
        "health",
        "common",
        _dept(
            "health-bureau",
            "托育服务体系建设",
            "推动普惠托育服务体系，指导托育机构",
            "《中华人民共和国人口与计划生育法》第二十八条",
        ),
        _street(
            "推动社区婴幼儿活动场所建设",
            "在社区建设改造中推动建设婴幼儿活动场所和托育配套服务设施",
            "《中华人民共和国人口与计划生育法》第二十九条",
        ),
    ),
    *_listed(
        "LS-C-048",
        "食品安全宣传教育",
        "market",
        "common",
        _street("普及食品安全知识", "组织社区开展食品安全法律法规和知识宣传", "《中华人民共和国食品安全法》第十条"),
    ),
    *_listed(
        "LS-C-049",
        "食品摊贩综合治理",
        "market",
        "common",
        _dept(
            "market-regulation-bureau",
            "小作坊和摊贩监管",
            "依法对食品小作坊、摊贩加强监督管理",
            "《中华人民共和国食品安全法》第三十六条",
        ),
        _street(
            "摊贩疏导和规范经营",
            "会同有关部门划定临时经营区域和时段，规范食品摊贩经营",
            "《中华人民共和国食品安全法》第三十六条",
        ),
    ),
    *_listed(
        "LS-C-050",
        "业主委员会备案",
        "urban_management",
        "common",
        _dept(
            "housing-construction-bureau", "备案和履职指导", "受理备案并指导业主委员会履职", "《物业管理条例》第十六条"
        ),
        _street("受理业主委员会备案", "受理业主委员会选举产生后30日内的备案", "《物业管理条例》第十六条"),
    ),
    *_listed(
        "LS-C-051",
        "业主大会、业主委员会违法决定纠正",
        "urban_management",
        "common",
        _street(
            "责令限期改正或撤销",
            "对业主大会、业主委员会违反法律法规的决定责令限期改正或者撤销并通告全体业主",
            "《物业管理条例》第十九条",
        ),
    ),
    *_listed(
        "LS-C-052",
        "物业管理区域治安协作",
        "safety",
        "common",
        _street(
            "组织协作维护治安",
            "组织业主委员会、物业服务企业与社区配合公安机关做好物业管理区域治安工作",
            "《物业管理条例》第二十条",
        ),
    ),
    *_listed(
        "LS-C-053",
        "临街建筑阳台吊挂和外立面整洁",
        "urban_management",
        "common",
        _dept(
            "urban-management-bureau",
            "依法查处",
            "依法查处临街阳台窗外堆放、吊挂有碍市容物品的行为",
            f"{SHIRONG}第三十四条",
        ),
        _street("巡查劝导", "巡查临街建筑阳台窗外堆放吊挂有碍市容物品，督促保持建筑物整洁美观", f"{SHIRONG}第十条"),
    ),
    *_listed(
        "LS-C-054",
        "户外广告和招牌巡查",
        "urban_management",
        "common",
        _dept(
            "urban-management-bureau",
            "大型户外广告审批和查处",
            "审批大型户外广告并查处擅自设置行为",
            f"{SHIRONG}第三十六条",
        ),
        _street("巡查户外广告招牌", "巡查户外广告、招牌的设置和安全，督促定期维修、拆除", f"{SHIRONG}第十一条"),
    ),
    *_listed(
        "LS-C-055",
        "垃圾容器和果皮箱设置",
        "urban_management",
        "common",
        _street("协调设置垃圾容器", "协调在居住区、人流密集地区设置封闭式垃圾容器和果皮箱", f"{SHIRONG}第二十一条"),
    ),
    *_listed(
        "LS-C-056",
        "城市公共场所死亡畜禽收集处理",
        "urban_management",
        "common",
        _dept("agriculture-rural-bureau", "无害化处理指导", "指导无害化处理和疫病溯源"),
        _street(
            "组织收集处理并溯源",
            "组织收集、处理在城市公共场所发现的死亡畜禽并溯源",
            "《中华人民共和国动物防疫法》第五十八条",
        ),
    ),
]

DIFFERENTIATED: list[CatalogItem] = [
    *_listed(
        "LS-D-001",
        "农村土地承包经营及承包合同管理",
        "agriculture",
        "differentiated",
        _dept(
            "agriculture-rural-bureau",
            "承包经营和合同管理指导",
            "指导承包经营和合同管理，开展承包经营权确权",
            "《中华人民共和国农村土地承包法》第十二条",
        ),
        _street(
            "承包合同管理和纠纷调解",
            "管理承包合同，调解土地承包经营纠纷",
            "《中华人民共和国农村土地承包法》第十二条",
            "《中华人民共和国农村土地承包法》第五十五条",
        ),
    ),
    *_listed(
        "LS-D-002",
        "动物疫病预防控制和强制免疫",
        "agriculture",
        "differentiated",
        _dept(
            "agriculture-rural-bureau",
            "强制免疫计划和监督",
            "制定强制免疫计划，组织监测和监督检查",
            "《中华人民共和国动物防疫法》第八条",
        ),
        _street(
            "组织群众做好强制免疫", "组织饲养户做好强制免疫，发现疫情及时报告", "《中华人民共和国动物防疫法》第八条"
        ),
    ),
    *_listed(
        "LS-D-003",
        "农村集体经济组织审计监督",
        "agriculture",
        "differentiated",
        _street(
            "定期审计和专项审计",
            "对农村集体经济组织开展定期审计、专项审计",
            "《中华人民共和国农村集体经济组织法》第四十七条",
        ),
    ),
    *_listed(
        "LS-D-004",
        "秸秆禁烧",
        "agriculture",
        "differentiated",
        _dept(
            "ecology-environment-bureau",
            "秸秆禁烧监测和查处",
            "卫星遥感监测火点，依法查处露天焚烧",
            f"{DAQI}第一百一十九条",
        ),
        _street("禁烧巡查和制止", "划片包干巡查，发现焚烧及时制止并报告", f"{DAQI}第七十七条"),
    ),
    *_listed(
        "LS-D-005",
        "永久基本农田保护",
        "natural_resources",
        "differentiated",
        _dept(
            "natural-resources-bureau",
            "划定永久基本农田",
            "会同农业农村部门划定永久基本农田并落实到地块",
            f"{TUDI}第三十四条",
        ),
        _street("公告位置范围并设立保护标志", "公告永久基本农田位置、范围，设立保护标志并巡查", f"{TUDI}第三十四条"),
    ),
    *_listed(
        "LS-D-006",
        "农村村民宅基地审核",
        "natural_resources",
        "differentiated",
        _street(
            "宅基地申请审核批准",
            "受理经集体讨论、公示的宅基地申请，审核批准",
            f"{TUDI}第六十二条",
            "《中华人民共和国土地管理法实施条例》第三十四条",
        ),
    ),
    *_listed(
        "LS-D-007",
        "个人之间土地权属争议处理",
        "natural_resources",
        "differentiated",
        _dept("natural-resources-bureau", "单位之间争议处理", "承办区政府处理单位之间土地权属争议", f"{TUDI}第十四条"),
        _street("个人之间争议调处", "调处个人之间、个人与单位之间的土地权属争议", f"{TUDI}第十四条"),
    ),
    *_listed(
        "LS-D-008",
        "农村公益性墓地审核",
        "civil_affairs",
        "differentiated",
        _dept(
            "civil-affairs-bureau", "公益性墓地审批", "审批农村公益性墓地，监督殡葬设施建设", "《殡葬管理条例》第八条"
        ),
        _street("公益性墓地审核", "审核村民设置公益性墓地的申请", "《殡葬管理条例》第八条"),
    ),
    *_listed(
        "LS-D-009",
        "指导村民委员会工作",
        "civil_affairs",
        "differentiated",
        _street(
            "指导、支持和帮助村民委员会",
            "指导村民委员会工作，不干预村民自治范围内的事项",
            "《中华人民共和国村民委员会组织法》第五条",
        ),
    ),
    *_listed(
        "LS-D-010",
        "乡道建设和养护",
        "transport",
        "differentiated",
        _dept("transport-bureau", "乡道养护技术指导", "制定农村公路养护标准，开展技术指导和检查"),
        _street(
            "乡道建设养护",
            "负责辖区乡道的建设和养护",
            # 公路法 is not in the legal library: unresolved by design.
            "《中华人民共和国公路法》第八条",
        ),
    ),
    *_listed(
        "LS-D-011",
        "村民自治章程、村规民约备案",
        "civil_affairs",
        "differentiated",
        _dept("civil-affairs-bureau", "指导村规民约制定修订", "指导村（居）制定修订村规民约，开展示范创建"),
        _street(
            "受理备案并审查",
            "审查村民自治章程、村规民约是否与法律法规和国家政策相抵触，责令改正违法内容",
            "《中华人民共和国村民委员会组织法》第二十七条",
        ),
    ),
    *_listed(
        "LS-D-012",
        "村务公开监督",
        "civil_affairs",
        "differentiated",
        _street(
            "调查核实并责令公布",
            "受理村民反映，调查核实村务公开情况，责令依法公布",
            "《中华人民共和国村民委员会组织法》第三十一条",
        ),
    ),
    *_listed(
        "LS-D-013",
        "村民委员会换届工作移交监督",
        "civil_affairs",
        "differentiated",
        _dept("civil-affairs-bureau", "指导换届选举", "指导村民委员会换届选举工作"),
        _street("监督工作移交", "监督新老村民委员会在十日内完成工作移交", "《中华人民共和国村民委员会组织法》第二十条"),
    ),
    *_listed(
        "LS-D-014",
        "违规埋葬遗体、建造坟墓治理",
        "civil_affairs",
        "differentiated",
        _dept(
            "civil-affairs-bureau", "责令限期改正", "对违规埋葬遗体、建造坟墓的责令限期改正", "《殡葬管理条例》第二十条"
        ),
        _street(
            "巡查发现和劝导", "巡查耕地、林地等禁止区域内的乱埋乱葬，劝导当事人改正并报告", "《殡葬管理条例》第十条"
        ),
    ),
    *_listed(
        "LS-D-015",
        "农村集体经济组织成员身份和收益分配纠纷调解",
        "agriculture",
        "differentiated",
        _dept("agriculture-rural-bureau", "指导调解和仲裁衔接", "指导调解工作，调解不成的引导申请仲裁"),
        _street(
            "受理并调解纠纷",
            "受理调解请求，调解成员身份确认和收益分配纠纷",
            "《中华人民共和国农村集体经济组织法》第五十六条",
        ),
    ),
    *_listed(
        "LS-D-016",
        "三类动物疫病防治",
        "agriculture",
        "differentiated",
        _dept("agriculture-rural-bureau", "技术指导和疫情监测", "开展疫情监测，提供防治技术指导"),
        _street("组织防治", "发生三类动物疫病时组织饲养户开展防治", "《中华人民共和国动物防疫法》第四十一条"),
    ),
    *_listed(
        "LS-D-017",
        "农产品质量安全宣传和生产指导",
        "agriculture",
        "differentiated",
        _dept(
            "agriculture-rural-bureau",
            "日常检查和抽检",
            "对农产品生产开展日常检查和监督抽检",
            "《中华人民共和国农产品质量安全法》第五十二条",
        ),
        _street(
            "宣传和指导生产经营者",
            "宣传农产品质量安全知识，指导生产经营者加强质量安全管理",
            "《中华人民共和国农产品质量安全法》第十一条",
        ),
    ),
    *_listed(
        "LS-D-018",
        "畜禽散养粪便污水治理",
        "agriculture",
        "differentiated",
        _dept("ecology-environment-bureau", "养殖污染监督", "监督畜禽养殖场污染防治设施运行，查处违法排放"),
        _street(
            "分户收集、集中处理",
            "组织散养密集区对畜禽粪便污水分户收集、集中处理利用",
            "《中华人民共和国水污染防治法》第五十六条",
        ),
    ),
    *_listed(
        "LS-D-019",
        "乡村建设规划许可申请受理",
        "natural_resources",
        "differentiated",
        _dept(
            "natural-resources-bureau",
            "核发乡村建设规划许可证",
            "审查并核发乡村建设规划许可证",
            "《中华人民共和国城乡规划法》第四十一条",
        ),
        _street(
            "受理申请并报送",
            "受理乡、村庄规划区内建设申请，审核后报区规划主管部门",
            "《中华人民共和国城乡规划法》第四十一条",
        ),
    ),
    *_listed(
        "LS-D-020",
        "乡、村庄规划区内违法建设查处",
        "natural_resources",
        "differentiated",
        _dept("urban-management-bureau", "配合拆除", "对逾期不改正的配合组织拆除"),
        _street(
            "责令停止建设、限期改正",
            "巡查发现未取得乡村建设规划许可的建设，责令停止建设、限期改正，逾期不改正的依法拆除",
            "《中华人民共和国城乡规划法》第六十五条",
        ),
    ),
    *_listed(
        "LS-D-021",
        "农村村民非法占用土地建住宅治理",
        "natural_resources",
        "differentiated",
        _dept(
            "agriculture-rural-bureau",
            "责令退还并限期拆除",
            "责令退还非法占用的土地，限期拆除新建房屋",
            f"{TUDI}第七十八条",
        ),
        _street("巡查发现和报告", "巡查发现未经批准占地建房，劝阻制止并报告", f"{TUDI}第六十二条"),
    ),
]

POWERS: list[CatalogItem] = [
    *_power(
        "LS-P-001",
        "对擅自在街道两侧和公共场地堆放物料、搭建设施的处罚",
        "urban_management",
        "penalty",
        "依授权责令清理、拆除并处以罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第十四条",
        f"{SHIRONG}第三十六条",
        "《中华人民共和国行政处罚法》第二十四条",
        high_frequency=True,
    ),
    *_power(
        "LS-P-002",
        "对随地吐痰、乱扔废弃物的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-003",
        "对在建筑物、设施上乱涂写刻画、张贴宣传品的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第十七条",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-004",
        "对露天焚烧落叶等产生烟尘污染物质的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款",
        "ecology-environment-bureau",
        "提供监测数据和业务指导",
        f"{DAQI}第一百一十九条",
    ),
    *_power(
        "LS-P-005",
        "对餐饮服务业经营者超标排放油烟的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款",
        "ecology-environment-bureau",
        "提供油烟检测和业务指导",
        f"{DAQI}第一百一十八条",
    ),
    *_power(
        "LS-P-006",
        "对随意倾倒、抛撒、堆放生活垃圾的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
    ),
    *_power(
        "LS-P-007",
        "生产经营单位安全生产检查",
        "emergency",
        "inspection",
        "按照职责开展检查并督促隐患整改",
        "emergency-management-bureau",
        "制定检查计划，接收移交线索并查处",
        "《中华人民共和国安全生产法》第九条",
    ),
    *_power(
        "LS-P-008",
        "临时救助审批（委托小额）",
        "civil_affairs",
        "payment",
        "依委托审批小额临时救助",
        "civil-affairs-bureau",
        "确定委托额度并监督",
        f"{JIUZHU}第四十八条",
    ),
    *_power(
        "LS-P-009",
        "对临街建筑物阳台和窗外堆放、吊挂有碍市容物品的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第十条",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-010",
        "对不按规定的时间、地点、方式倾倒垃圾、粪便的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-011",
        "对不履行卫生责任区清扫保洁义务的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-012",
        "对运输液体、散装货物不作密封、包扎、覆盖造成泄漏、遗撒的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正、采取补救措施并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-013",
        "对临街工地不设置护栏或者不作遮挡、停工场地不及时整理覆盖的处罚",
        "urban_management",
        "penalty",
        "依授权责令纠正并给予警告、罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十四条",
    ),
    *_power(
        "LS-P-014",
        "对饲养家畜家禽影响市容和环境卫生的处罚",
        "urban_management",
        "penalty",
        "依授权责令限期处理或者予以没收，并可处以罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十五条",
    ),
    *_power(
        "LS-P-015",
        "对擅自设置大型户外广告影响市容的处罚",
        "urban_management",
        "penalty",
        "依授权责令停止违法行为、限期拆除，并可处以罚款",
        "urban-management-bureau",
        "大型户外广告设置审批和业务指导",
        f"{SHIRONG}第十一条",
        f"{SHIRONG}第三十六条",
    ),
    *_power(
        "LS-P-016",
        "对未经批准擅自拆除环境卫生设施的处罚",
        "urban_management",
        "penalty",
        "依授权责令停止违法行为、采取补救措施，并可处以罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十六条",
    ),
    *_power(
        "LS-P-017",
        "对损坏环境卫生设施及其附属设施的处罚",
        "urban_management",
        "penalty",
        "依授权责令恢复原状，并可处以罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{SHIRONG}第三十八条",
    ),
    *_power(
        "LS-P-018",
        "对不符合城市容貌标准的建筑物、设施责令限期改造或者拆除",
        "urban_management",
        "other",
        "依授权责令有关单位和个人限期改造或者拆除",
        "urban-management-bureau",
        "会同规划部门认定并组织强制拆除",
        f"{SHIRONG}第三十七条",
    ),
    *_power(
        "LS-P-019",
        "对在禁止的时段和区域内露天烧烤食品或者提供场地的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正，没收烧烤工具和违法所得并处罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{DAQI}第八十一条",
        f"{DAQI}第一百一十八条",
    ),
    *_power(
        "LS-P-020",
        "对在居民住宅楼等新建、改建、扩建产生油烟的餐饮服务项目的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正，拒不改正的予以关闭并处罚款",
        "ecology-environment-bureau",
        "提供油烟检测和业务指导",
        f"{DAQI}第八十一条",
        f"{DAQI}第一百一十八条",
    ),
    *_power(
        "LS-P-021",
        "对在人口集中地区焚烧沥青、塑料、垃圾等产生有毒有害烟尘物质的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款",
        "ecology-environment-bureau",
        "提供监测数据和业务指导",
        f"{DAQI}第八十二条",
        f"{DAQI}第一百一十九条",
    ),
    *_power(
        "LS-P-022",
        "对在禁止的时段和区域内燃放烟花爆竹的处罚",
        "urban_management",
        "penalty",
        "依授权依法予以处罚",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{DAQI}第八十二条",
        f"{DAQI}第一百一十九条",
    ),
    *_power(
        "LS-P-023",
        "对运输散装、流体物料的车辆未采取密闭措施造成遗撒的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        f"{DAQI}第七十条",
        f"{DAQI}第一百一十六条",
    ),
    *_power(
        "LS-P-024",
        "对施工工地未采取有效防尘降尘措施的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正并处罚款，拒不改正的责令停工整治",
        "housing-construction-bureau",
        "施工扬尘监督和业务指导",
        f"{DAQI}第六十九条",
        f"{DAQI}第一百一十五条",
    ),
    *_power(
        "LS-P-025",
        "对工程施工单位擅自倾倒、抛撒或者堆放建筑垃圾的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正、处以罚款并没收违法所得",
        "urban-management-bureau",
        "业务指导和法制审核",
        "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
    ),
    *_power(
        "LS-P-026",
        "对未在指定的地点分类投放生活垃圾的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正，情节严重的处以罚款",
        "urban-management-bureau",
        "业务指导和法制审核",
        "《中华人民共和国固体废物污染环境防治法》第四十九条",
        "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
    ),
    *_power(
        "LS-P-027",
        "对在运输过程中沿途丢弃、遗撒生活垃圾的处罚",
        "urban_management",
        "penalty",
        "依授权责令改正、处以罚款并没收违法所得",
        "urban-management-bureau",
        "业务指导和法制审核",
        "《中华人民共和国固体废物污染环境防治法》第一百一十一条",
    ),
    *_power(
        "LS-P-028",
        "对占用、堵塞、封闭消防车通道的处罚",
        "emergency",
        "penalty",
        "依授权责令改正，对个人处警告或者罚款，拒不改正的强制执行",
        "emergency-management-bureau",
        "消防救援机构业务指导和联合执法",
        "《中华人民共和国消防法》第六十条",
    ),
    *_power(
        "LS-P-029",
        "对饲养的犬只未按照规定定期进行狂犬病免疫接种的处罚",
        "agriculture",
        "penalty",
        "依授权责令限期改正并可处罚款",
        "agriculture-rural-bureau",
        "业务指导和法制审核",
        "《中华人民共和国动物防疫法》第三十条",
        "《中华人民共和国动物防疫法》第九十二条",
    ),
    *_power(
        "LS-P-030",
        "重点时段消防安全检查",
        "emergency",
        "inspection",
        "在农业收获季节、火灾多发季节和重大节假日组织消防宣传和消防安全检查",
        "emergency-management-bureau",
        "制定检查计划，接收移交线索并查处",
        "《中华人民共和国消防法》第三十一条",
    ),
]

SERVICES: list[CatalogItem] = [
    *_service(
        "LS-G-001",
        "最低生活保障申请受理",
        "civil_affairs",
        "social_assistance",
        "便民服务中心受理，入户调查后提出审核意见",
        "civil-affairs-bureau",
        "审批",
        f"{JIUZHU}第十一条",
    ),
    *_service(
        "LS-G-002",
        "特困人员供养申请受理",
        "civil_affairs",
        "social_assistance",
        "受理申请并调查审核",
        "civil-affairs-bureau",
        "审批",
        f"{JIUZHU}第十六条",
    ),
    *_service(
        "LS-G-003",
        "医疗救助申请受理",
        "civil_affairs",
        "social_assistance",
        "受理申请，审核并公示",
        "medical-security-bureau",
        "审批并支付",
        f"{JIUZHU}第三十条",
    ),
    *_service(
        "LS-G-004",
        "高龄津贴申请",
        "civil_affairs",
        "elderly",
        "受理申请并核实",
        "civil-affairs-bureau",
        "审核发放",
        "《中华人民共和国老年人权益保障法》第三十三条",
    ),
    *_service(
        "LS-G-005",
        "困难残疾人生活补贴和重度残疾人护理补贴申请",
        "civil_affairs",
        "disability",
        "受理申请并初审",
        "civil-affairs-bureau",
        "审核发放",
        "《中华人民共和国残疾人保障法》第四十八条",
    ),
    *_service(
        "LS-G-006",
        "失业登记和就业困难人员认定申请",
        "social_security",
        "social_security",
        "受理失业登记和就业困难人员认定申请，推荐就业岗位",
        "human-resources-bureau",
        "认定就业困难人员并落实就业援助",
    ),
    *_service(
        "LS-G-007",
        "独生子女父母光荣证和特别扶助申请",
        "health",
        "family_planning",
        "受理申请并核实",
        "health-bureau",
        "审核并发放扶助金",
        f"{RENKOU}第三十一条",
        f"{RENKOU}第三十二条",
    ),
    *_service(
        "LS-G-008",
        "城乡居民基本医疗保险参保登记",
        "social_security",
        "social_security",
        "受理参保登记和信息变更",
        "medical-security-bureau",
        "核定缴费并保障待遇",
        # 社会保险法 is not in the legal library: unresolved by design.
        "《中华人民共和国社会保险法》第二十五条",
    ),
]


#: Provenance: the items whose names the seed (001) gives, with the seed's words. Every other
#: item was written by the project from the legal library's texts (the seed gives only the
#: counts and the fields: 112 common items, 21 differentiated ones in 民政、交通、农业农村、自然资源).
SEED_NAMED: dict[str, str] = {
    "LS-C-015": "协助政府做好人口与计划生育工作，促进人口长期均衡发展",
}

CATALOG = SeedCatalog(
    items=tuple(COMMON + DIFFERENTIATED + POWERS + SERVICES),
    sample=True,
    note="示例数据：依据龙沙区“1466”清单报道（种子 001）整理的参考目录示意，非官方目录原文；法条引用取自项目法律库。",
)
