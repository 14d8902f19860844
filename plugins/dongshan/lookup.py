"""Local wording and landmarks of appeals in 东山县 for the responsibility lookup (hooks
``qingdan_lookup_synonyms`` and ``qingdan_landmarks``): an island county's coastal vocabulary
and a few Minnan words, mapped to the wording of its list, and the places people name. Plain data."""

from __future__ import annotations

from core.plugin_api.types import Landmark

SYNONYMS: dict[str, tuple[str, ...]] = {
    "海漂垃圾": ("海洋垃圾",),
    "海上垃圾": ("海洋垃圾",),
    "沙滩垃圾": ("海洋垃圾",),
    "渔排": ("海水养殖",),
    "网箱": ("海水养殖",),
    "蚝排": ("海水养殖",),
    "鲍鱼池": ("海水养殖",),
    "讨海": ("海洋",),
    "防台": ("防台风防汛",),
    "风灾": ("防台风防汛",),
    "厝": ("住宅",),  # 闽南话: house
    "起厝": ("建住宅", "宅基地"),
    "铜陵古城": ("文物保护单位",),
    "风动石": ("文物保护单位", "旅游"),
    "木麻黄": ("沿海防护林",),
    "防护林": ("沿海防护林森林防火",),
}


#: Places islanders name instead of their town (hook ``qingdan_landmarks``): the scenic spots
#: and bays of the demo towns. Sample data.
LANDMARKS: tuple[Landmark, ...] = (
    Landmark("风动石", "350626106000", "scenic_spot"),  # 铜陵镇
    Landmark("铜陵古城", "350626106000", "scenic_spot"),
    Landmark("东门屿", "350626106000", "island"),
    Landmark("马銮湾", "350626102201", "bay"),  # 康美镇马銮村
    Landmark("金銮湾", "350626104000", "bay"),  # 陈城镇
)
