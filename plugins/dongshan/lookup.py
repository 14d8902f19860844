"""Local wording of appeals in 东山县 for the responsibility lookup (hook
``qingdan_lookup_synonyms``): an island county's coastal vocabulary and a few Minnan words,
mapped to the wording of its list. Plain data."""

from __future__ import annotations

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
