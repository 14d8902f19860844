"""List structure of 漳州市东山县: the national three-part list, closest to the letter.

Basic duties (the town's own, and its evaluation content), cooperating duties (a county
department leads; evaluated at the department) and items recovered by county departments
(the receiving department and its working method are named). Two levels, 事项 → 子项.
An item a town itself applied for (乡镇自主申请) also has the kind ``town_applied``: towns claim it.
``township_indicator`` marks the items used as indicators in the county's evaluation of
towns; only basic duties may be (recovered and out-of-list items may not).
"""

from __future__ import annotations

from core.plugin_api.types import ExtraField, ItemLevel, Label, ListKind, ListStructure

#: The reasons a county department takes an item back (收回理由).
RECOVERY_REASONS: tuple[str, ...] = (
    "专业技术性强，乡镇难以承接",
    "乡镇无监管对象",
    "乡镇实际发生频次低",
    "不宜作为乡镇考核内容",
    "乡镇实施难度大",
)

POWER_TYPES: tuple[tuple[str, str], ...] = (
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("coercion", "行政强制"),
    ("payment", "行政给付"),
    ("inspection", "行政检查"),
    ("confirmation", "行政确认"),
    ("other", "其他行政权力"),
)

STRUCTURE = ListStructure(
    kinds=(
        ListKind(
            "basic", "基本履职事项", "basic", "all", True, "乡镇自身履行、承担全部责任，作为乡镇考核内容", role="basic"
        ),
        ListKind(
            "cooperating",
            "配合履职事项",
            "cooperating",
            "all",
            True,
            "县直部门主责、乡镇配合，作为县直部门考核内容",
            role="cooperating",
        ),
        ListKind(
            "recovered",
            "上级部门收回事项",
            "recovered",
            "all",
            True,
            "县直部门收回并明确承接内设机构和工作方式，不得作为乡镇考核指标",
            role="recovered",
        ),
        # A town's own application (乡镇自主申请, seed 004) adds an item for that town: it carries
        # this kind besides its part, so towns claim it instead of all receiving it.
        ListKind(
            "town_applied",
            "乡镇自主申请事项",
            "town_applied",
            "claim",
            False,
            "经动态调整审定增加、由申请乡镇认领列入本镇清单的事项（情况相同的乡镇亦可认领）",
            role="other",
        ),
    ),
    levels=(
        ItemLevel("item", "事项", 1),
        ItemLevel("sub_item", "子项", 2),
    ),
    categories=(
        Label("party_building", "党的建设"),
        Label("economy", "经济发展"),
        Label("public_service", "民生服务"),
        Label("governance", "平安法治"),
        Label("ecology", "生态环保"),
        Label("construction", "城乡建设"),
        Label("rural", "乡村振兴"),
        Label("ocean", "海洋渔业"),
        Label("support", "综合保障"),
    ),
    item_kinds=(
        Label("power", "行政权力"),
        Label("service", "公共服务"),
        Label("territorial", "属地事项"),
    ),
    extra_fields=(
        ExtraField(
            "power_type",
            "事项类型",
            "choice",
            choices=tuple(code for code, _ in POWER_TYPES),
            choice_labels=tuple(Label(code, label) for code, label in POWER_TYPES),
            description="；".join(f"{code} {label}" for code, label in POWER_TYPES),
        ),
        ExtraField(
            "township_indicator",
            "乡镇考核指标",
            "boolean",
            description="列入县对镇绩效考评细则的事项；只有基本履职事项可以",
        ),
    ),
)
