"""Central Shandong (鲁中) wording of appeals in 泰安 for the responsibility lookup (hook
``qingdan_lookup_synonyms``): how villagers around Mount Tai name crops, fields and markets.
Plain data; 俺, 咋, 夜来 are stopwords."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "棒子": ("玉米",),
    "棒子秸": ("秸秆",),
    "棒子秸子": ("秸秆",),
    "坡里": ("耕地",),
    "泊里": ("耕地",),
    "庄户人": ("农村村民",),
    "山上的树": ("林木",),
    "看山的": ("护林",),
}
