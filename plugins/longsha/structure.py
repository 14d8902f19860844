"""List structure of 齐齐哈尔市龙沙区: a reference catalog the streets claim from ("1466").

Four lists: 共性清单 (every street has it), 差异化清单 (a street claims the items that fit it,
"一街一单"), and the street's 行政权力清单和责任清单 and 政务服务事项清单, printed as their own
sections. Two levels follow the legal-basis index "清单 → 事项 → 任务 → 法条": an item and
its tasks, each task either the district department's (部门职责任务) or the street's
(街道职责任务).
"""

from __future__ import annotations

from core.plugin_api.types import ExtraField, ItemLevel, Label, ListKind, ListStructure

TASK_SIDES = ("department", "street")

#: The five classes of the street power list (权责清单 5 类).
POWER_TYPES: tuple[tuple[str, str], ...] = (
    ("penalty", "行政处罚"),
    ("inspection", "行政检查"),
    ("payment", "行政给付"),
    ("confirmation", "行政确认"),
    ("other", "其他行政权力"),
)

#: The six classes of the street government-service list (政务服务事项 6 类).
SERVICE_CLASSES: tuple[tuple[str, str], ...] = (
    ("social_assistance", "社会救助"),
    ("elderly", "养老服务"),
    ("disability", "残疾人服务"),
    ("veterans", "退役军人服务"),
    ("family_planning", "计划生育服务"),
    ("social_security", "就业和社会保险"),
)

STRUCTURE = ListStructure(
    kinds=(
        ListKind("common", "共性清单", "common", "all", True, "各街道共有的职责任务", role="basic"),
        ListKind(
            "differentiated",
            "差异化清单",
            "differentiated",
            "claim",
            True,
            "民政、交通、农业农村、自然资源等领域，街道结合实际认领",
            role="basic",
        ),
        ListKind(
            "power_responsibility",
            "行政权力清单和责任清单",
            "power and responsibility",
            "all",
            True,
            "街道权责清单（5类），含承接的行政处罚权",
            role="basic",
        ),
        ListKind(
            "government_service",
            "政务服务事项清单",
            "government services",
            "all",
            True,
            "街道政务服务事项（6类），在便民服务中心办理",
            role="basic",
        ),
    ),
    levels=(
        ItemLevel("item", "事项", 1),
        ItemLevel("task", "职责任务", 2),
    ),
    categories=(
        Label("party_building", "党的建设"),
        Label("economy", "经济发展"),
        Label("civil_affairs", "民政"),
        Label("transport", "交通运输"),
        Label("agriculture", "农业农村"),
        Label("natural_resources", "自然资源"),
        Label("safety", "平安建设"),
        Label("emergency", "应急管理"),
        Label("urban_management", "城市管理"),
        Label("health", "卫生健康"),
        Label("social_security", "人力资源和社会保障"),
        Label("veterans", "退役军人和国防动员"),
        Label("market", "市场监管"),
    ),
    item_kinds=(
        Label("duty", "职责事项"),
        Label("power", "行政权力"),
        Label("service", "政务服务"),
    ),
    extra_fields=(
        ExtraField(
            "task_side",
            "任务归属",
            "choice",
            choices=TASK_SIDES,
            choice_labels=(Label("department", "部门职责任务"), Label("street", "街道职责任务")),
            description="department 部门职责任务 / street 街道职责任务",
        ),
        ExtraField(
            "power_type",
            "权力类别",
            "choice",
            choices=tuple(code for code, _ in POWER_TYPES),
            choice_labels=tuple(Label(code, label) for code, label in POWER_TYPES),
            description="；".join(f"{code} {label}" for code, label in POWER_TYPES),
        ),
        ExtraField(
            "service_class",
            "服务类别",
            "choice",
            choices=tuple(code for code, _ in SERVICE_CLASSES),
            choice_labels=tuple(Label(code, label) for code, label in SERVICE_CLASSES),
            description="；".join(f"{code} {label}" for code, label in SERVICE_CLASSES),
        ),
        ExtraField(
            "admission_note",
            "准入记录",
            description="经职责准入程序纳入清单的事项：申请单位、审查和审议经过",
        ),
    ),
)
