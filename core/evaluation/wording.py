"""Whether an indicator's wording names a list item (Dongshan: 收回事项不得作为乡镇考核指标).

An indicator is written as a measure of the work (“城乡居民基本医疗保险参保扩面率”, “消防安全检查
完成情况”) while the item is written as the work (“城乡居民基本医疗保险参保扩面”). The check is on
the words, not on the item the indicator was linked to: Dongshan's 2025 rules had to withdraw the
enrolment indicator because of what it measured. So: both texts lose spaces, punctuation and the
measure words at their end (率, 情况, 完成率 …); then an item title of four characters or more
contained in the indicator's (or the reverse) is a match, and so is a high share of common
character pairs (Dice ≥ 0.8 on bigrams: “城乡居民医保参保扩面率” against the item).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TypeVar

#: Measure words an indicator adds to the work it measures, longest first.
_MEASURES = (
    "完成率",
    "覆盖率",
    "达标率",
    "知晓率",
    "满意度",
    "完成情况",
    "工作情况",
    "开展情况",
    "落实情况",
    "情况",
    "工作",
    "任务",
    "指标",
    "考核",
    "率",
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MIN_CONTAINED = 4
MIN_DICE = 0.8

T = TypeVar("T")


# Cached: the same item titles are compared with every indicator of a scheme (and, for the
# oversight indicators, of every county), which made this the costliest step of a computation.
@functools.lru_cache(maxsize=8192)
def core_words(text: str) -> str:
    """``text`` without punctuation, spaces and trailing measure words."""
    words = _NOISE.sub("", text)
    changed = True
    while changed:
        changed = False
        for measure in _MEASURES:
            if words.endswith(measure) and len(words) > len(measure) + 1:
                words = words[: -len(measure)]
                changed = True
                break
    return words


@functools.lru_cache(maxsize=8192)
def _pairs(words: str) -> frozenset[str]:
    return frozenset(words[i : i + 2] for i in range(len(words) - 1))


def same_work(indicator_label: str, item_title: str) -> bool:
    """Whether the indicator's label names the work of the item titled ``item_title``."""
    a, b = core_words(indicator_label), core_words(item_title)
    if not a or not b:
        return False
    if min(len(a), len(b)) >= MIN_CONTAINED and (a in b or b in a):
        return True
    pa, pb = _pairs(a), _pairs(b)
    return bool(pa and pb) and 2 * len(pa & pb) / (len(pa) + len(pb)) >= MIN_DICE


def similar(indicator_label: str, items: Iterable[tuple[str, T]]) -> list[T]:
    """The values of ``items`` (title, value) whose title the label names, in the order given."""
    return [value for title, value in items if same_work(indicator_label, title)]
