"""List structure of 泰安市: 县乡"属地管理"事项主体责任和配合责任清单.

One level of items in 8 categories (the seed names seven: natural resources, ecology and
environment, urban-rural construction, emergency management, market regulation,
comprehensive law enforcement and key work; agriculture and rural affairs is assumed as the
eighth). The national parts carry the split of responsibility: an item whose primary
responsibility lies with the township is ``basic``, one led by a county department with
the township cooperating is ``cooperating``. Every item states both duties, its legal basis
and its workflow ("施工图") and instructions ("说明书") in ``process``.
"""

from __future__ import annotations

from core.plugin_api.types import DIFFERENTIATED_KIND, ExtraField, ItemLevel, Label, ListKind, ListStructure

#: "复杂事项可呼叫、重点事项要呼叫、应急事项必呼叫" (乡呼县应).
CALL_LEVELS: tuple[tuple[str, str], ...] = (
    ("may_call", "复杂事项可呼叫"),
    ("should_call", "重点事项要呼叫"),
    ("must_call", "应急事项必呼叫"),
)

STRUCTURE = ListStructure(
    kinds=(
        ListKind("basic", "基本履职事项", "basic", "all", True, "乡镇(街道)承担主体责任，县级部门配合", role="basic"),
        ListKind(
            "cooperating",
            "配合履职事项",
            "cooperating",
            "all",
            True,
            "县级部门承担主体责任，乡镇(街道)承担配合责任",
            role="cooperating",
        ),
        ListKind(
            "recovered",
            "上级部门收回事项",
            "recovered",
            "all",
            True,
            "县级部门收回，乡镇(街道)不再承担",
            role="recovered",
        ),
        DIFFERENTIATED_KIND,
    ),
    levels=(ItemLevel("item", "事项", 1),),
    categories=(
        Label("natural_resources", "自然资源"),
        Label("ecology", "生态环境"),
        Label("construction", "城乡建设"),
        Label("emergency", "应急管理"),
        Label("market", "市场监管"),
        Label("enforcement", "综合执法"),
        Label("key_work", "重点工作"),
        Label("agriculture", "农业农村"),
    ),
    extra_fields=(
        ExtraField(
            "call_level",
            "乡呼县应",
            "choice",
            choices=tuple(code for code, _ in CALL_LEVELS),
            description="；".join(f"{code} {label}" for code, label in CALL_LEVELS),
        ),
        ExtraField("boundary", "职责边界", description="县乡两级职责的分界点"),
    ),
)
