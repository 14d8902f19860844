"""List structure of 临沂市兰山区: three power lists ("1+X" 事权改革) and a negative list.

《兰山区区级统筹的核心事权清单》 (district-level core powers: not township duties at
all), 《兰山区区镇共有重要事权清单》 (shared powers, each with a primary and a cooperating
party and their financial shares, 财权分配占比) and 《兰山区区级调整下放事权清单》 (powers
delegated to towns), plus 《村社区干部“负面清单”二十条》: red lines for village and
community cadres, each with its accountability situation (问责情形). One level of items.
"""

from __future__ import annotations

from core.plugin_api.types import DIFFERENTIATED_KIND, ExtraField, ItemLevel, Label, ListKind, ListStructure

POWER_TYPES: tuple[tuple[str, str], ...] = (
    ("licensing", "行政许可"),
    ("penalty", "行政处罚"),
    ("coercion", "行政强制"),
    ("payment", "行政给付"),
    ("adjudication", "行政裁决"),
    ("confirmation", "行政确认"),
    ("other", "其他行政权力"),
)

STRUCTURE = ListStructure(
    kinds=(
        ListKind(
            "core",
            "区级核心权力",
            "district core powers",
            "none",
            True,
            "《区级统筹的核心事权清单》：发展规划、产业布局、片区开发、项目审批等，由区级统筹",
            role="other",
        ),
        ListKind(
            "shared",
            "区镇共享重要权力",
            "district-town shared powers",
            "all",
            True,
            "《区镇共有重要事权清单》：逐项明确主体责任、配合责任和财权分配占比",
            role="other",
        ),
        ListKind(
            "delegated",
            "下放镇街权力",
            "powers delegated to towns",
            "all",
            True,
            "《区级调整下放事权清单》：直接面向基层、服务群众的行政权力和公共服务事项",
            role="basic",
        ),
        ListKind(
            "negative",
            "村(社区)干部负面清单",
            "negative list for village cadres",
            "all",
            True,
            "《村社区干部“负面清单”二十条》：重点工作的红线底线和问责情形",
            role="other",
        ),
        DIFFERENTIATED_KIND,
    ),
    levels=(ItemLevel("item", "事项", 1),),
    categories=(
        Label("planning", "规划"),
        Label("industry", "产业发展"),
        Label("development", "片区开发"),
        Label("project", "项目审批建设"),
        Label("urban_management", "城市管理"),
        Label("sanitation", "城乡环卫"),
        Label("roads", "道路交通"),
        Label("safety", "安全生产和应急"),
        Label("ecology", "生态环保"),
        Label("land", "土地管理"),
        Label("civil_affairs", "民政"),
        Label("market", "市场监管"),
        Label("health", "卫生健康"),
        Label("agriculture", "农业农村"),
        Label("anti_crime", "扫黑除恶"),
        Label("village_affairs", "村务管理"),
        Label("clean_governance", "廉洁纪律"),
        Label("petition", "信访维稳"),
    ),
    item_kinds=(
        Label("power", "行政权力"),
        Label("service", "公共服务"),
        Label("red_line", "负面清单红线"),
    ),
    extra_fields=(
        ExtraField(
            "accountability_situation",
            "问责情形",
            description="负面清单事项必填：触碰红线后的问责情形和方式",
        ),
        ExtraField(
            "power_type",
            "事项类型",
            "choice",
            choices=tuple(code for code, _ in POWER_TYPES),
            choice_labels=tuple(Label(code, label) for code, label in POWER_TYPES),
            description="；".join(f"{code} {label}" for code, label in POWER_TYPES),
        ),
    ),
)
