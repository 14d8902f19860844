"""List structure of 成都市温江区: one "大清单" merged from six upstream lists (多单合一).

The national three parts (basic / cooperating / recovered) stay as the list kinds; the
hierarchy is the handbook's four levels, simple to detailed: 三定规定 → 职责任务 → 工作事项
→ the matching administrative power, public service or territorial item. Each merged item
remembers the upstream lists it came from in ``source_lists`` (several where they overlapped).
"""

from __future__ import annotations

from core.plugin_api.types import DIFFERENTIATED_KIND, ExtraField, ItemLevel, Label, ListKind, ListStructure

#: The six lists handed down by the province and city, with their sizes in the seed.
SOURCE_LISTS: tuple[tuple[str, str, int], ...] = (
    ("statutory_powers", "法定行政权力", 119),
    ("granted_powers", "赋予镇(街道)县级行政权力", 30),
    ("territorial_duties", "属地责任事项", 109),
    ("duty_tasks", "职责任务", 269),
    ("public_services", "公共服务事项", 126),
    ("key_area_divisions", "属地管理重点领域责任分工", 97),
)

#: Types of administrative power (事项类型), for ``power_type``.
POWER_TYPES: tuple[tuple[str, str], ...] = (
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("coercion", "行政强制"),
    ("levy", "行政征收"),
    ("payment", "行政给付"),
    ("adjudication", "行政裁决"),
    ("confirmation", "行政确认"),
    ("reward", "行政奖励"),
    ("inspection", "行政检查"),
    ("other", "其他行政权力"),
)

STRUCTURE = ListStructure(
    kinds=(
        ListKind("basic", "基本履职事项", "basic", "all", True, "镇(街道)自身履行、承担全部责任", role="basic"),
        ListKind(
            "cooperating", "配合履职事项", "cooperating", "all", True, "区级部门牵头、镇(街道)配合", role="cooperating"
        ),
        ListKind(
            "recovered",
            "上级部门收回事项",
            "recovered",
            "all",
            True,
            "镇(街道)办不了、办不好，经评估由区级部门收回",
            role="recovered",
        ),
        DIFFERENTIATED_KIND,
    ),
    levels=(
        ItemLevel("mandate", "三定规定", 1),
        ItemLevel("duty_task", "职责任务", 2),
        ItemLevel("work_item", "工作事项", 3),
        ItemLevel("matter", "行政权力/公共服务/属地事项", 4, ("power", "service", "territorial")),
    ),
    categories=(
        Label("party_building", "党的建设"),
        Label("economy", "经济发展"),
        Label("public_service", "民生服务"),
        Label("governance", "平安法治"),
        Label("ecology", "生态环保"),
        Label("construction", "城乡建设"),
        Label("rural", "乡村振兴"),
        Label("support", "综合保障"),
    ),
    item_kinds=(
        Label("power", "行政权力"),
        Label("service", "公共服务"),
        Label("territorial", "属地事项"),
    ),
    extra_fields=(
        ExtraField(
            "source_lists",
            "来源清单",
            "list",
            choices=tuple(code for code, _, _ in SOURCE_LISTS),
            choice_labels=tuple(Label(code, label) for code, label, _ in SOURCE_LISTS),
            description="合并进大清单前所在的省市清单（可多项）："
            + "；".join(f"{code} {label}（{n}）" for code, label, n in SOURCE_LISTS),
        ),
        ExtraField(
            "power_type",
            "事项类型",
            "choice",
            choices=tuple(code for code, _ in POWER_TYPES),
            choice_labels=tuple(Label(code, label) for code, label in POWER_TYPES),
            description="行政权力的类型：" + "；".join(f"{c} {label}" for c, label in POWER_TYPES),
        ),
        ExtraField(
            "handling_office",
            "区级部门承办科室",
            description="工作手册二维码页面列出的区级部门承办科室",
        ),
    ),
)
