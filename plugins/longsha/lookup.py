"""Northeastern (东北话) wording of appeals in 龙沙区 for the responsibility lookup (hook
``qingdan_lookup_synonyms``): a winter city's words and the dialect's names of things, read as
the list's vocabulary. Plain data; fillers (咋整, 嘎哈, 老鼻子) are stopwords."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "冰溜子": ("清冰雪",),
    "冰坨子": ("清冰雪",),
    "冰包": ("清冰雪",),
    "大冰坡": ("清冰雪",),
    "苞米": ("玉米",),
    "苞米秆": ("秸秆",),
    "苞米杆子": ("秸秆",),
    "柴火垛": ("秸秆", "堆放"),
    "烧炉子": ("高污染燃料", "散煤"),
    "烧炕": ("取暖",),
    "大鹅": ("家禽",),
    "笨鸡": ("家禽",),
    "旮旯": ("背街小巷",),
    "老埋汰": ("环境卫生",),
    "闹挺": ("扰民",),
}
