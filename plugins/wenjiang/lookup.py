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
    "耗儿": ("病媒生物防制",),
    "偷油婆": ("病媒生物防制",),
    "猪儿": ("畜禽",),
    "鸡儿": ("家禽",),
    "鸭儿": ("家禽",),
    "狗儿": ("犬只",),
    "茅斯": ("人居环境", "环境卫生设施"),
    "茅厕": ("人居环境", "环境卫生设施"),
    "街沿": ("街道两侧",),
    "坝坝宴": ("农村集体聚餐",),
    "九大碗": ("农村集体聚餐",),
    "火炮": ("烟花爆竹",),
    "渣渣": ("垃圾",),
    "乱甩": ("乱扔废弃物",),
    "老汉儿": ("老年人",),
    "婆婆大爷": ("老年人",),
    "孤老子": ("特困人员",),
}
