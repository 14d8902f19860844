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
    "柴禾垛": ("秸秆", "堆放"),
    "麦秸垛": ("秸秆", "堆放"),
    "茅房": ("人居环境", "环境卫生设施"),
    "炸鞭": ("烟花爆竹",),
    "放鞭": ("燃放烟花爆竹",),
    "长虫": ("野生动物",),
    "庄里": ("村庄",),
    "嫚儿": ("儿童",),
}
