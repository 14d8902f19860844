"""Sichuanese wording of appeals in 温江区 for the responsibility lookup (hook
``qingdan_lookup_synonyms``): words callers use for what the list names otherwise. Plain data;
the dialect's fillers (啥子, 咋个, 晓得, 屋头) are core's stopwords."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "娃儿": ("儿童",),
    "田坎": ("农田",),
    "馆子": ("餐饮服务业",),
    "苍蝇馆子": ("餐饮服务业",),
    "棚棚": ("搭建设施",),
    "摊摊": ("占道经营", "摊贩"),
    "老辈子": ("老年人",),
    "打堆堆": ("堆放",),
}
