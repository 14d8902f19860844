"""Southern Shandong (鲁南, 临沂) wording of appeals in 兰山区 for the responsibility lookup
(hook ``qingdan_lookup_synonyms``): the names villagers give to crops, fields and fairs.
Plain data; 俺, 咋, 啥 are stopwords."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "棒槌秸": ("秸秆",),
    "麦穰": ("秸秆",),
    "豆秸": ("秸秆",),
    "湖里": ("耕地",),
    "地头": ("耕地",),
    "逢集": ("集市",),
    "大集": ("集市",),
    "柴禾垛": ("秸秆", "堆放"),
    "茅房": ("人居环境", "环境卫生设施"),
    "放鞭": ("燃放烟花爆竹",),
    "长虫": ("野生动物",),
    "庄里": ("村庄",),
    "小嫚": ("儿童",),
}
