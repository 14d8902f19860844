"""Sample reference catalog of 成都市温江区: the "大清单" in its four handbook levels.

Six 柳城街道-style 三定 mandates (one per main function of a 镇(街道)), the duty tasks under
them, the work items under those (each carries the district department's handling office
shown on its QR page), and at the leaves the merged powers, public services and
territorial items, each remembering the upstream lists it came from. Codes are
``WJ-M01`` → ``WJ-M01-T01`` → ``WJ-M01-T01-W01`` → ``WJ-M01-T01-W01-R01`` (P power,
S service, R territorial). Illustrative data shaped on the seed, not the official list.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Recovery, Responsibility, SeedCatalog, also_of_kind

#: Citations of laws deliberately absent from the legal library, to show how core reports an
#: unresolved citation.
UNRESOLVED_BY_DESIGN: tuple[str, ...] = ("中华人民共和国社会保险法",)

PREFIX = "WJ-"
TOWNSHIP = "township"

# Upstream lists (see structure.SOURCE_LISTS).
SP, GP, TD, DT, PS, KA = (
    "statutory_powers",
    "granted_powers",
    "territorial_duties",
    "duty_tasks",
    "public_services",
    "key_area_divisions",
)

# Laws, as people write them.
ANQUAN = "《中华人民共和国安全生产法》"
TUFA = "《中华人民共和国突发事件应对法》"
TUDI = "《中华人民共和国土地管理法》"
TUDI_RULES = "《中华人民共和国土地管理法实施条例》"
GUIHUA = "《中华人民共和国城乡规划法》"
CHENGBAO = "《中华人民共和国农村土地承包法》"
DONGFANG = "《中华人民共和国动物防疫法》"
JIUZHU = "《社会救助暂行办法》"
SHIRONG = "《城市市容和环境卫生管理条例》"
DAQI = "《中华人民共和国大气污染防治法》"
GUFEI = "《中华人民共和国固体废物污染环境防治法》"


def _node(level: str, suffix: str, fields: dict[str, object], children: tuple) -> tuple:
    return (level, suffix, fields, children)


def _mandate(suffix: str, title: str, category: str, description: str, *children: tuple) -> tuple:
    """A 三定 mandate: the township bears it as a whole."""
    fields = {"title": title, "category": category, "description": description}
    return _node("mandate", suffix, fields, children)


def _task(suffix: str, title: str, description: str, *children: tuple, **fields: object) -> tuple:
    """A duty task (职责任务); all of them come from the 269 duty tasks."""
    fields = {"title": title, "description": description, **fields}
    return _node("duty_task", suffix, fields, children)


def _work(suffix: str, title: str, office: str, duty: str, *children: tuple, **fields: object) -> tuple:
    """A work item (工作事项): the township's duty and the district's handling office."""
    fields = {"title": title, "office": office, "duty": duty, **fields}
    return _node("work_item", suffix, fields, children)


def _matter(
    suffix: str, item_kind: str, title: str, sources: tuple[str, ...], *citations: str, **fields: object
) -> tuple:
    """A leaf: a power (P), public service (S) or territorial item (R)."""
    fields = {"title": title, "item_kind": item_kind, "sources": sources, "citations": citations, **fields}
    return _node("matter", suffix, fields, ())


def _responsibilities(fields: dict) -> tuple[Responsibility, ...]:
    lead, lead_duty, duty = fields.get("lead"), fields.get("lead_duty", ""), fields.get("duty", "")
    recovery = fields.get("recovery")
    if recovery is not None:
        return (Responsibility(recovery.receiving_unit, "primary", lead_duty),)
    if lead:
        return (Responsibility(lead, "primary", lead_duty), Responsibility(TOWNSHIP, "cooperating", duty))
    return (Responsibility(TOWNSHIP, "primary", duty),) if duty else ()


def _kinds(fields: dict) -> tuple[str, ...]:
    if fields.get("recovery") is not None:
        return ("recovered",)
    return ("cooperating",) if fields.get("lead") else ("basic",)


def _flatten(node: tuple, parent: str | None, category: str | None) -> list[CatalogItem]:
    level, suffix, fields, children = node
    code = f"{parent}-{suffix}" if parent else f"{PREFIX}{suffix}"
    category = fields.get("category", category)
    extra: dict[str, object] = {}
    if level == "duty_task":
        extra["source_lists"] = [DT]
    if "sources" in fields:
        extra["source_lists"] = list(fields["sources"])
    if fields.get("power_type"):
        extra["power_type"] = fields["power_type"]
    if fields.get("office"):
        extra["handling_office"] = fields["office"]
    item = CatalogItem(
        code=code,
        title=fields["title"],
        level=level,
        kinds=_kinds(fields),
        parent_code=parent,
        category=category,
        item_kind=fields.get("item_kind"),
        description=fields.get("description", ""),
        high_frequency=bool(fields.get("high_frequency", False)),
        responsibilities=_responsibilities(fields),
        recovery=fields.get("recovery"),
        citations=tuple(fields.get("citations", ())),
        extra=extra,
    )
    items = [item]
    for child in children:
        items.extend(_flatten(child, code, category))
    return items


TREE: tuple[tuple, ...] = (
    _mandate(
        "M01",
        "加强党的建设",
        "party_building",
        "三定：坚持和加强党的全面领导，负责辖区党的政治建设、思想建设、组织建设、"
        "作风建设和纪律建设，统筹推进社区（村）和“两新”组织党建工作。",
        _task(
            "T01",
            "基层党组织建设",
            "抓好社区（村）党组织建设，指导群众自治组织依法换届，加强党员教育管理。",
            _work(
                "W01",
                "指导社区（村）“两委”换届选举",
                "区委社会工作部基层政权建设科",
                "制定换届工作方案，指导选举委员会依法主持选举，做好换届风险排查",
                _matter(
                    "R01",
                    "territorial",
                    "指导居民委员会换届选举",
                    (TD, DT),
                    "《中华人民共和国城市居民委员会组织法》第二条",
                    "《中华人民共和国城市居民委员会组织法》第八条",
                    duty="指导居民委员会依法选举产生主任、副主任和委员",
                ),
                _matter(
                    "R02",
                    "territorial",
                    "指导村民委员会换届选举",
                    (TD,),
                    "《中华人民共和国村民委员会组织法》第五条",
                    "《中华人民共和国村民委员会组织法》第十二条",
                    duty="指导村民选举委员会依法主持选举，不干预村民自治范围内的事项",
                ),
            ),
            _work(
                "W02",
                "党员组织关系转接和党员服务",
                "区委组织部组织科",
                "办理党员组织关系转接，做好流动党员和困难党员服务",
                _matter("S01", "service", "党员组织关系转接", (PS,), duty="审核介绍信并办理转入转出，及时更新党员信息"),
            ),
        ),
        _task(
            "T02",
            "精神文明和群团建设",
            "统筹新时代文明实践站（所）建设，指导工会、共青团、妇联等群团工作。",
            _work(
                "W03",
                "新时代文明实践站建设",
                "区委宣传部精神文明建设科",
                "建设新时代文明实践所（站），组织志愿服务",
                _matter(
                    "S02", "service", "新时代文明实践志愿服务", (PS, DT), duty="招募和管理志愿者，组织开展志愿服务活动"
                ),
            ),
        ),
    ),
    _mandate(
        "M02",
        "统筹经济发展",
        "economy",
        "三定：负责辖区经济发展统筹，服务辖区企业和重大项目，组织开展统计调查，配合做好土地征收和乡村振兴相关工作。",
        _task(
            "T03",
            "服务企业和重大项目",
            "为辖区企业和重大项目做好服务保障，配合做好项目用地征收。",
            _work(
                "W04",
                "配合重大项目土地征收",
                "区规划和自然资源局征地事务科",
                "配合开展土地现状调查、入户宣传、补偿登记和社会稳定风险评估",
                _matter(
                    "R03",
                    "territorial",
                    "配合开展拟征收土地现状调查和社会稳定风险评估",
                    (TD, KA),
                    f"{TUDI}第四十七条",
                    f"{TUDI_RULES}第二十六条",
                    f"{TUDI_RULES}第二十八条",
                    lead="natural-resources-bureau",
                    lead_duty="发布征收土地预公告，拟定并公告征地补偿安置方案，组织实施征收",
                    duty="配合入户调查、张贴公告、组织补偿登记，做好群众工作",
                ),
            ),
        ),
        _task(
            "T04",
            "统计调查",
            "组织实施辖区统计调查和各类普查，保障统计数据真实准确。",
            _work(
                "W05",
                "组织实施辖区统计调查",
                "区统计局综合科",
                "设置统计工作岗位，组织“四上”企业联网直报和各类普查",
                _matter(
                    "R04",
                    "territorial",
                    "组织辖区统计调查和经济普查",
                    (DT, TD),
                    "《中华人民共和国统计法》第二十三条",
                    "《中华人民共和国统计法》第三十条",
                    duty="设置统计工作岗位，建立统计资料保存管理制度，按时报送调查数据",
                ),
            ),
        ),
        _task(
            "T05",
            "农业农村发展",
            "负责农村土地承包、宅基地和乡村建设管理，做好动物防疫和农产品质量安全属地工作。",
            _work(
                "W06",
                "农村土地承包经营管理",
                "区农业农村局农村经营管理科",
                "负责农村土地承包经营及承包经营合同管理，调解承包纠纷",
                _matter(
                    "S03",
                    "service",
                    "农村土地承包经营合同管理和备案",
                    (PS, DT),
                    f"{CHENGBAO}第十二条",
                    duty="管理承包合同，办理承包经营权流转合同备案",
                ),
                _matter(
                    "S04",
                    "service",
                    "农村土地承包经营纠纷调解",
                    (PS, TD),
                    f"{CHENGBAO}第五十五条",
                    duty="受理承包经营纠纷调解申请，组织双方调解",
                ),
            ),
            _work(
                "W07",
                "农村宅基地和乡村建设管理",
                "区规划和自然资源局村镇规划科",
                "审批农村村民宅基地，受理乡村建设规划许可，制止乡村违法建设",
                _matter(
                    "P01",
                    "power",
                    "农村村民宅基地审批",
                    (SP, GP),
                    f"{TUDI}第六十二条",
                    f"{TUDI_RULES}第三十四条",
                    power_type="licensing",
                    high_frequency=True,
                    duty="受理经村集体讨论、公示的宅基地申请，实地踏勘后审核批准",
                ),
                _matter(
                    "P02",
                    "power",
                    "乡村建设规划许可证核发",
                    (GP,),
                    f"{GUIHUA}第四十一条",
                    power_type="licensing",
                    duty="受理乡镇企业、乡村公共设施和公益事业建设的规划许可申请并依授权核发",
                ),
                _matter(
                    "P03",
                    "power",
                    "乡村违法建设责令停止建设、限期改正",
                    (SP, KA),
                    f"{GUIHUA}第六十五条",
                    power_type="coercion",
                    duty="对未取得或未按乡村建设规划许可证建设的，责令停止建设、限期改正；逾期不改正的依法拆除",
                ),
            ),
            _work(
                "W08",
                "动物防疫和农产品质量安全",
                "区农业农村局畜牧兽医科",
                "组织群众做好动物疫病预防控制，落实农产品质量安全属地监管",
                _matter(
                    "R05",
                    "territorial",
                    "组织动物疫病预防控制和强制免疫",
                    (TD, KA),
                    f"{DONGFANG}第八条",
                    lead="agriculture-rural-bureau",
                    lead_duty="制定强制免疫计划，供应疫苗，开展监测和监督检查",
                    duty="组织饲养户做好强制免疫，协助监督检查，发现疫情及时报告",
                ),
                _matter(
                    "R06",
                    "territorial",
                    "农产品质量安全属地监管",
                    (TD,),
                    "《中华人民共和国农产品质量安全法》第六条",
                    lead="agriculture-rural-bureau",
                    lead_duty="开展农产品质量安全监督抽查和执法",
                    duty="落实属地监管责任，开展巡查和快速检测，协助上级部门监督检查",
                ),
                _matter(
                    "R07",
                    "territorial",
                    "乡村公共场所死亡畜禽收集处理",
                    (TD,),
                    f"{DONGFANG}第五十八条",
                    duty="组织收集、无害化处理在乡村和城市公共场所发现的死亡畜禽并溯源",
                ),
            ),
        ),
    ),
    _mandate(
        "M03",
        "组织公共服务",
        "public_service",
        "三定：负责辖区社会救助、养老助残、退役军人服务、社会保障、教育卫生和人口服务等公共服务，"
        "推进便民服务中心建设。",
        _task(
            "T06",
            "社会救助",
            "负责最低生活保障、特困人员供养、临时救助和医疗救助的申请受理与调查审核。",
            _work(
                "W09",
                "最低生活保障和特困人员供养",
                "区民政局社会救助科",
                "受理申请，入户调查、邻里访问，组织民主评议和公示",
                _matter(
                    "S05",
                    "service",
                    "最低生活保障申请受理和调查审核",
                    (PS, SP),
                    f"{JIUZHU}第四条",
                    f"{JIUZHU}第十一条",
                    high_frequency=True,
                    duty="受理书面申请，入户调查核对家庭收入财产，提出审核意见并公示",
                ),
                _matter(
                    "S06",
                    "service",
                    "特困人员供养申请受理和主动发现",
                    (PS,),
                    f"{JIUZHU}第十六条",
                    f"{JIUZHU}第十七条",
                    duty="受理供养申请，主动发现并为符合条件的人员办理供养",
                ),
            ),
            _work(
                "W10",
                "临时救助和医疗救助",
                "区民政局社会救助科",
                "受理临时救助和医疗救助申请，小额临时救助依委托审批",
                _matter(
                    "P04",
                    "power",
                    "临时救助审批（小额）",
                    (GP, PS),
                    f"{JIUZHU}第四十八条",
                    power_type="payment",
                    duty="受理申请并审核公示，救助金额在委托额度内的直接审批",
                ),
                _matter(
                    "S07",
                    "service",
                    "医疗救助申请受理和审核公示",
                    (PS,),
                    f"{JIUZHU}第三十条",
                    lead="medical-security-bureau",
                    lead_duty="审批医疗救助，直接办理低保和特困人员医疗救助",
                    duty="受理申请，审核并公示后报区医疗保障局",
                ),
            ),
        ),
        _task(
            "T07",
            "养老助残和退役军人服务",
            "落实高龄津贴、残疾人两项补贴，建设退役军人服务站。",
            _work(
                "W11",
                "高龄津贴和残疾人补贴",
                "区民政局养老服务科",
                "受理高龄津贴、残疾人两项补贴申请，开展资格复核",
                _matter(
                    "S08",
                    "service",
                    "高龄津贴申请受理",
                    (PS,),
                    "《中华人民共和国老年人权益保障法》第三十三条",
                    duty="受理申请，核实年龄和户籍信息后报区民政局",
                ),
                _matter(
                    "S09",
                    "service",
                    "困难残疾人生活补贴和重度残疾人护理补贴申请受理",
                    (PS,),
                    "《中华人民共和国残疾人保障法》第四十八条",
                    duty="受理申请，初审残疾等级和家庭经济状况后报送",
                ),
            ),
            _work(
                "W12",
                "退役军人服务站建设和服务",
                "区退役军人事务局服务中心",
                "建设镇(街道)退役军人服务站，做好接待、帮扶和优待证申领",
                _matter(
                    "S10",
                    "service",
                    "退役军人接待、帮扶援助和优待证申领",
                    (PS, DT),
                    "《中华人民共和国退役军人保障法》第六十五条",
                    duty="接待退役军人来访，受理帮扶援助和优待证申请",
                ),
            ),
        ),
        _task(
            "T08",
            "社会保障、教育和人口服务",
            "做好城乡居民医保参保服务、控辍保学和计划生育家庭扶助。",
            _work(
                "W13",
                "城乡居民基本医疗保险参保服务",
                "区医疗保障局待遇保障科",
                "宣传参保政策，协助办理参保登记和缴费",
                # 社会保险法 is not in the legal library: unresolved by design.
                _matter(
                    "S11",
                    "service",
                    "城乡居民基本医疗保险参保登记和缴费服务",
                    (PS,),
                    "《中华人民共和国社会保险法》第二十五条",
                    lead="medical-security-bureau",
                    lead_duty="负责参保登记、缴费核定和待遇保障",
                    duty="宣传政策，协助居民办理参保登记和缴费",
                ),
            ),
            _work(
                "W14",
                "控辍保学",
                "区教育局基础教育科",
                "组织和督促适龄儿童、少年入学，防止辍学",
                _matter(
                    "R08",
                    "territorial",
                    "组织和督促适龄儿童、少年入学，防止辍学",
                    (TD, DT),
                    "《中华人民共和国义务教育法》第十三条",
                    duty="摸排适龄儿童、少年入学情况，劝返失学辍学学生",
                ),
            ),
            _work(
                "W15",
                "计划生育家庭扶助",
                "区卫生健康局人口家庭科",
                "受理计划生育家庭特别扶助申请，做好人口监测",
                _matter(
                    "S12",
                    "service",
                    "计划生育家庭特别扶助申请受理",
                    (PS,),
                    "《中华人民共和国人口与计划生育法》第十条",
                    "《中华人民共和国人口与计划生育法》第三十二条",
                    duty="受理申请，核实独生子女伤残、死亡情况后报区卫生健康局",
                ),
            ),
        ),
    ),
    _mandate(
        "M04",
        "实施公共管理",
        "construction",
        "三定：负责辖区市容环境卫生、违法建设治理、物业管理指导和生态环境保护，依法行使赋予的行政执法权。",
        _task(
            "T09",
            "市容环境和城市管理",
            "组织街巷保洁和垃圾分类，依法行使赋予的市容管理处罚权。",
            _work(
                "W16",
                "辖区环境卫生保洁",
                "区综合行政执法局环境卫生科",
                "组织居住区、街巷清扫保洁，推进生活垃圾分类",
                _matter(
                    "R09",
                    "territorial",
                    "组织居住区、街巷清扫保洁",
                    (TD, KA),
                    f"{SHIRONG}第二十三条",
                    duty="组织专人清扫保洁，督促责任单位落实门前责任",
                ),
                _matter(
                    "R10",
                    "territorial",
                    "生活垃圾分类宣传和投放管理",
                    (KA,),
                    f"{GUFEI}第四十九条",
                    duty="宣传分类知识，督促单位、家庭在指定地点分类投放",
                ),
            ),
            _work(
                "W17",
                "市容秩序执法",
                "区综合行政执法局法制科",
                "依法行使赋予镇(街道)的市容管理行政处罚权",
                _matter(
                    "P05",
                    "power",
                    "对擅自在街道两侧和公共场地堆放物料、搭建设施的处罚",
                    (GP, SP),
                    f"{SHIRONG}第十四条",
                    f"{SHIRONG}第三十六条",
                    "《中华人民共和国行政处罚法》第二十四条",
                    power_type="penalty",
                    high_frequency=True,
                    duty="责令停止违法行为、限期清理拆除，依法处以罚款",
                ),
                _matter(
                    "P06",
                    "power",
                    "对随地吐痰、乱扔废弃物等影响市容环境卫生行为的处罚",
                    (GP,),
                    f"{SHIRONG}第三十四条",
                    power_type="penalty",
                    duty="责令纠正违法行为，依法给予警告、罚款",
                ),
                _matter(
                    "P07",
                    "power",
                    "对露天焚烧秸秆、落叶等产生烟尘污染物质的处罚",
                    (GP,),
                    f"{DAQI}第一百一十九条",
                    power_type="penalty",
                    description="评估发现镇(街道)取证和执法力量不足，收回区级部门行使。",
                    lead_duty="直接立案查处，镇(街道)发现后经智慧治理平台推送线索",
                    recovery=Recovery(
                        "enforcement-bureau",
                        "区综合行政执法局直接立案查处；镇(街道)网格员发现线索后经智慧治理平台推送",
                        "专业性强，镇(街道)难以承接",
                    ),
                ),
            ),
            _work(
                "W18",
                "违法建设治理",
                "区综合行政执法局违法建设治理科",
                "巡查发现、劝阻和报告城镇违法建设，配合依法拆除",
                _matter(
                    "R11",
                    "territorial",
                    "城镇违法建设巡查发现、劝阻和报告",
                    (TD, KA),
                    f"{GUIHUA}第六十四条",
                    f"{GUIHUA}第六十八条",
                    lead="enforcement-bureau",
                    lead_duty="依法查处违法建设，组织实施强制拆除",
                    duty="网格巡查发现、第一时间劝阻制止并报告，配合拆除和秩序维护",
                ),
            ),
        ),
        _task(
            "T10",
            "物业管理指导",
            "指导成立业主大会和选举业主委员会，协调物业服务纠纷。",
            _work(
                "W19",
                "指导成立业主大会",
                "区住房和城乡建设局物业管理科",
                "指导业主成立业主大会、选举业主委员会",
                _matter(
                    "R12",
                    "territorial",
                    "指导成立业主大会、选举业主委员会",
                    (TD, DT),
                    "《物业管理条例》第十条",
                    duty="指导筹备组工作，监督业主大会会议和业主委员会选举",
                ),
            ),
        ),
        _task(
            "T11",
            "生态环境保护",
            "落实秸秆禁烧、农村人居环境整治和畜禽散养污染防治属地责任。",
            _work(
                "W20",
                "秸秆禁烧",
                "成都市温江生态环境局大气环境科",
                "落实网格化巡查，宣传和制止露天焚烧",
                _matter(
                    "R13",
                    "territorial",
                    "秸秆禁烧网格巡查和制止",
                    (KA, TD),
                    f"{DAQI}第七十七条",
                    duty="划片包干巡查，发现焚烧及时制止、扑灭并报告",
                ),
            ),
            _work(
                "W21",
                "农村人居环境整治",
                "区农业农村局农村社会事业科",
                "组织农村生活垃圾收运和村庄环境综合整治，组织畜禽散养粪污处理",
                _matter(
                    "R14",
                    "territorial",
                    "农村生活垃圾收运和村庄环境综合整治",
                    (TD,),
                    f"{GUFEI}第四十六条",
                    "《中华人民共和国环境保护法》第三十三条",
                    duty="组织村（社区）收集转运生活垃圾，开展村庄清洁行动",
                ),
                _matter(
                    "R15",
                    "territorial",
                    "畜禽散养粪便污水分户收集、集中处理",
                    (KA,),
                    "《中华人民共和国水污染防治法》第五十六条",
                    duty="组织散养密集区分户收集、集中处理畜禽粪便污水",
                ),
            ),
            category="ecology",
        ),
    ),
    _mandate(
        "M05",
        "加强社区发展治理",
        "governance",
        "三定：负责指导社区（村）居（村）民委员会工作，推进社区发展治理和村务公开，化解矛盾纠纷，"
        "做好信访和未成年人保护工作。",
        _task(
            "T12",
            "指导基层群众自治",
            "指导、支持和帮助居（村）民委员会工作，监督农村集体经济组织。",
            _work(
                "W22",
                "指导居（村）民委员会工作",
                "区委社会工作部社区治理科",
                "指导、支持和帮助居（村）民委员会，指导村务公开和民主管理",
                _matter(
                    "R16",
                    "territorial",
                    "对居民委员会、村民委员会工作给予指导、支持和帮助",
                    (TD, DT),
                    "《中华人民共和国城市居民委员会组织法》第二条",
                    "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》第八十七条",
                    duty="指导居（村）民委员会依法开展自治，不干预自治范围内的事项",
                ),
                _matter(
                    "R17",
                    "territorial",
                    "指导村务公开和民主管理",
                    (TD,),
                    "《中华人民共和国村民委员会组织法》第三十条",
                    "《中华人民共和国乡村振兴促进法》第四十五条",
                    duty="督促村民委员会按期公布村务、财务，健全民主决策机制",
                ),
            ),
            _work(
                "W23",
                "农村集体经济组织监督管理",
                "区农业农村局农村经营管理科",
                "对农村集体经济组织开展定期审计和专项审计",
                _matter(
                    "R18",
                    "territorial",
                    "农村集体经济组织定期审计和专项审计",
                    (DT, TD),
                    "《中华人民共和国农村集体经济组织法》第四十七条",
                    duty="组织开展定期审计、专项审计，督促整改审计发现的问题",
                ),
            ),
        ),
        _task(
            "T13",
            "矛盾纠纷化解和信访",
            "排查化解矛盾纠纷，调处个人之间的权属争议，办理信访事项。",
            _work(
                "W24",
                "矛盾纠纷调解和权属争议处理",
                "区司法局人民参与和促进法治科",
                "设立人民调解委员会调解民间纠纷，处理个人之间的土地、林木权属争议",
                _matter(
                    "S13",
                    "service",
                    "民间纠纷人民调解",
                    (PS, KA),
                    "《中华人民共和国人民调解法》第三十四条",
                    lead="justice-bureau",
                    lead_duty="指导人民调解工作，培训调解员",
                    duty="设立人民调解委员会，排查调处矛盾纠纷",
                ),
                _matter(
                    "P08",
                    "power",
                    "个人之间土地、林木林地权属争议的处理",
                    (SP,),
                    f"{TUDI}第十四条",
                    "《中华人民共和国森林法》第二十二条",
                    power_type="adjudication",
                    duty="受理个人之间、个人与单位之间的权属争议，调查后作出处理决定",
                ),
            ),
            _work(
                "W25",
                "信访事项办理",
                "区信访局办信科",
                "登记、受理和办理信访事项，录入信访信息系统",
                _matter(
                    "R19",
                    "territorial",
                    "信访事项登记、受理和办理",
                    (DT, TD),
                    "《信访工作条例》第六条",
                    "《信访工作条例》第二十一条",
                    duty="畅通信访渠道，及时登记录入、办理答复信访事项",
                ),
            ),
        ),
        _task(
            "T14",
            "未成年人保护",
            "设立未成年人保护工作站，及时办理未成年人相关事务。",
            _work(
                "W26",
                "未成年人保护工作站",
                "区民政局儿童福利科",
                "设立未成年人保护工作站或指定专门人员",
                _matter(
                    "S14",
                    "service",
                    "未成年人保护工作站事务办理",
                    (PS,),
                    "《中华人民共和国未成年人保护法》第八十一条",
                    duty="及时办理未成年人相关事务，指导居（村）设立专人专岗",
                ),
            ),
        ),
    ),
    _mandate(
        "M06",
        "维护公共安全",
        "governance",
        "三定：负责辖区安全生产、应急管理、防灾减灾、消防安全、社会治安综合治理和国防动员工作。",
        _task(
            "T15",
            "安全生产",
            "按照职责对辖区生产经营单位安全生产状况进行监督检查。",
            _work(
                "W27",
                "安全生产属地监管",
                "区应急管理局安全生产综合协调科",
                "明确安全生产监管机构，开展检查，协助有关部门履行监管职责",
                _matter(
                    "R20",
                    "territorial",
                    "辖区生产经营单位安全生产检查",
                    (TD, KA),
                    f"{ANQUAN}第九条",
                    high_frequency=True,
                    duty="按照职责对辖区生产经营单位开展检查，发现隐患督促整改并报告",
                ),
                _matter(
                    "P09",
                    "power",
                    "对生产经营单位主要负责人未履行安全生产管理职责的处罚",
                    (GP,),
                    f"{ANQUAN}第九十四条",
                    power_type="penalty",
                    lead_duty="依法立案查处，镇(街道)检查中发现的线索移送查处",
                    recovery=Recovery(
                        "emergency-management-bureau",
                        "区应急管理局执法大队直接立案查处；镇(街道)检查发现的线索书面移送",
                        "专业技术性强，镇(街道)难以承接",
                    ),
                ),
            ),
        ),
        _task(
            "T16",
            "应急管理和防灾减灾",
            "明确应急工作力量，做好预案、演练、信息报送、防汛和森林防火。",
            _work(
                "W28",
                "突发事件应对",
                "区应急管理局应急指挥中心",
                "明确专门工作力量，制定预案、组建队伍、开展演练、报送信息",
                _matter(
                    "R21",
                    "territorial",
                    "明确专门工作力量，制定突发事件应急预案",
                    (TD, DT),
                    f"{TUFA}第二十二条",
                    f"{ANQUAN}第八十条",
                    "《生产安全事故应急条例》第五条",
                    duty="明确应急工作力量，制定并修订镇(街道)综合应急预案和专项预案",
                ),
                _matter(
                    "R22",
                    "territorial",
                    "建立基层应急救援队伍，开展应急知识宣传和演练",
                    (KA,),
                    f"{TUFA}第三十九条",
                    f"{TUFA}第四十二条",
                    "《中华人民共和国防震减灾法》第四十四条",
                    duty="组建基层应急救援队伍，每年组织应急演练和宣传",
                ),
                _matter(
                    "R23",
                    "territorial",
                    "突发事件信息报送",
                    (TD,),
                    f"{TUFA}第六十一条",
                    duty="按规定及时、客观、真实报送突发事件信息，不迟报、谎报、瞒报、漏报",
                ),
            ),
            _work(
                "W29",
                "防汛减灾和森林防火",
                "区应急管理局防汛抗旱科",
                "排查防汛隐患、组织抢险转移，做好森林防火宣传和巡护",
                _matter(
                    "R24",
                    "territorial",
                    "辖区防汛隐患排查和抢险转移",
                    (KA, TD),
                    "《中华人民共和国防洪法》第三十八条",
                    duty="落实行政首长负责制，排查隐患，组织危险区域群众转移",
                ),
                _matter(
                    "R25",
                    "territorial",
                    "森林防火宣传、巡护和火情报告",
                    (KA,),
                    "《中华人民共和国森林法》第三十四条",
                    duty="组织护林员巡护，宣传防火知识，发现火情立即报告并先期处置",
                ),
            ),
            _work(
                "W30",
                "消防安全",
                "区应急管理局火灾防治管理科",
                "指导、支持和帮助居（村）民委员会开展群众性消防工作",
                _matter(
                    "R26",
                    "territorial",
                    "指导社区（村）开展群众性消防工作",
                    (TD,),
                    "《中华人民共和国消防法》第三十二条",
                    duty="指导居（村）确定消防安全管理人、制定防火公约、开展防火检查",
                ),
            ),
        ),
        _task(
            "T17",
            "社会治安和国防动员",
            "做好流浪犬猫控制处置和兵役登记、征兵工作。",
            _work(
                "W31",
                "流浪犬、猫控制处置",
                "成都市公安局温江区分局治安管理大队",
                "组织协调居（村）民委员会控制和处置流浪犬、猫",
                _matter(
                    "R27",
                    "territorial",
                    "组织控制和处置流浪犬、猫",
                    (KA,),
                    f"{DONGFANG}第三十条",
                    lead="public-security-bureau",
                    lead_duty="负责养犬登记和违法养犬查处",
                    duty="组织居（村）民委员会发现、报告并协助收容流浪犬、猫",
                ),
            ),
            _work(
                "W32",
                "兵役登记和征兵",
                "区人民武装部动员科",
                "组织初次兵役登记，宣传发动并组织应征公民初审初检",
                _matter(
                    "R28",
                    "territorial",
                    "组织初次兵役登记和征兵宣传、初审初检",
                    (DT, TD),
                    "《中华人民共和国兵役法》第十五条",
                    "《征兵工作条例》第十一条",
                    duty="组织适龄男性公民进行初次兵役登记，开展征兵宣传和初步核查",
                ),
            ),
        ),
    ),
)

ITEMS = tuple(item for node in TREE for item in _flatten(node, None, None))

#: Rural duties (差异化事项) with everything under them: rural land, homesteads and village
#: planning, animal epidemics, straw burning, village environment, collective economies. The
#: towns (和盛镇 …) claim them; the streets (柳城街道 …) have no such duties.
RURAL_BRANCHES = ("WJ-M02-T05", "WJ-M04-T11-W20", "WJ-M04-T11-W21", "WJ-M05-T12-W23")
RURAL = frozenset(i.code for i in ITEMS if i.code.startswith(RURAL_BRANCHES))


#: Provenance: the seed (000) names the six source lists and their sizes, no single item; every
#: item was written by the project from the legal library's texts.
SEED_NAMED: dict[str, str] = {}

CATALOG = SeedCatalog(
    items=also_of_kind(ITEMS, RURAL, "differentiated"),
    sample=True,
    note="示例数据：依据温江区“多单合一”报道（种子 000）整理的大清单四级结构示意，非官方清单原文；"
    "法条引用取自项目法律库。",
)
