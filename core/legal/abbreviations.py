"""The names documents are cited by besides their titles (简称).

Stored with each shared document (``legal_documents.abbreviations``) when the corpus loads, and
tried by resolution before any guessing: a listed abbreviation names its document even where the
subsequence rule (《环评法》 → 环境影响评价法) would find several.

Two sources: the customary short names county documents use (below, by short title), and a local
regulation's title without the region that made it — 山东省安全生产条例 is cited 《安全生产条例》
in Shandong; resolution prefers the most local document of the tenant's region for such a name.
"""

from __future__ import annotations

#: Customary abbreviations, by the document's short title (without 中华人民共和国).
CUSTOMARY: dict[str, tuple[str, ...]] = {
    "食品安全法": ("食安法",),
    "环境保护法": ("环保法",),
    "环境影响评价法": ("环评法",),
    "道路交通安全法": ("道交法", "道路交通法"),
    "劳动合同法": ("劳合法",),
    "消费者权益保护法": ("消法", "消保法"),
    "未成年人保护法": ("未保法",),
    "妇女权益保障法": ("妇保法",),
    "老年人权益保障法": ("老年法",),
    "固体废物污染环境防治法": ("固废法",),
    "大气污染防治法": ("大气法",),
    "水污染防治法": ("水污法",),
    "土地管理法": ("土管法",),
    "城乡规划法": ("城规法",),
    "治安管理处罚法": ("治安处罚法", "治安法"),
    "行政诉讼法": ("行诉法",),
    "民事诉讼法": ("民诉法",),
    "刑事诉讼法": ("刑诉法",),
    "行政复议法": ("行复法",),
    "行政许可法": ("行许法",),
    "行政处罚法": ("行罚法",),
    "个人信息保护法": ("个保法",),
    "数据安全法": ("数安法",),
    "网络安全法": ("网安法",),
    "安全生产法": ("安生法",),
    "突发事件应对法": ("突发法",),
    "传染病防治法": ("传染病法",),
    "野生动物保护法": ("野保法",),
    "农产品质量安全法": ("农安法",),
    "社会保险法": ("社保法",),
    "村民委员会组织法": ("村委会组织法",),
    "城市居民委员会组织法": ("居委会组织法",),
}


def abbreviations_of(title: str, short_title: str, region_name: str | None = None) -> list[str]:
    """The abbreviations to store for a document (its title and short title are matched anyway)."""
    out = list(CUSTOMARY.get(short_title, ()))
    if region_name and title.startswith(region_name) and len(title) > len(region_name) + 1:
        out.append(title[len(region_name) :])
    return out
