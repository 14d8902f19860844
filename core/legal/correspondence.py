"""Which article of a new version corresponds to which of the old one, by what they say.

An amendment renumbers: the 2024 突发事件应对法 inserts a chapter early on, so the old 第二十条 is
now the 第二十六条 with the same words. Comparing by number reports it "changed" (and the 26th
"added"); comparing by text tells that it only moved. :func:`correspond` matches articles by
text similarity — character bigrams, Dice coefficient, after dropping whitespace and
punctuation — and classifies each correspondence:

- ``unchanged``: same number, same text;
- ``moved``: another number, same text (content unchanged: no adjustment);
- ``changed``: one old to one new with different text (same or another number);
- ``split``: one old article whose text now lies in several new ones;
- ``merged``: several old articles whose texts now lie in one new one;
- ``removed`` / ``added``: no counterpart.

One-to-one pairs are taken greedily, most similar first (≥ ``MATCH``), which keeps an article
that only moved from being claimed by a near neighbour. Splits and merges are found among what is
left by containment: how much of the smaller text's bigrams the larger one holds (≥ ``CONTAIN``).
Pure Python; the database layer feeds it the two versions' article texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

MATCH = 0.45  # Dice similarity for a one-to-one correspondence
CONTAIN = 0.6  # share of a part's bigrams its whole holds, for splits and merges
_NOISE = re.compile(r"[\s\u3000，。；：、！？“”‘’（）()《》,.;:!?\"'—\-]")

CONTENT_CHANGES = frozenset({"changed", "split", "merged", "removed"})


@dataclass(frozen=True)
class Correspondence:
    """Old article numbers → new article numbers, what happened, and how alike they are."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    kind: str
    similarity: float

    @property
    def content_changed(self) -> bool:
        return self.kind in CONTENT_CHANGES


def _bigrams(text: str) -> frozenset[str]:
    t = _NOISE.sub("", text)
    return frozenset(t[i : i + 2] for i in range(len(t) - 1)) if len(t) > 1 else frozenset({t})


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def correspond(old: Mapping[int, str], new: Mapping[int, str]) -> list[Correspondence]:
    """Every article of ``old`` and ``new`` (number → text) in exactly one correspondence,
    ordered by the old number (added ones by their new number, after)."""
    grams_old = {n: _bigrams(t) for n, t in old.items()}
    grams_new = {n: _bigrams(t) for n, t in new.items()}
    found: list[Correspondence] = []
    left_old, left_new = set(old), set(new)

    # Identical texts first (cheap and certain), nearest number first for repeated texts.
    by_text: dict[str, list[int]] = {}
    for n in sorted(new):
        by_text.setdefault(_squash(new[n]), []).append(n)
    for n in sorted(old):
        same = [m for m in by_text.get(_squash(old[n]), []) if m in left_new]
        if same:
            m = min(same, key=lambda m: abs(m - n))
            found.append(Correspondence((n,), (m,), "unchanged" if m == n else "moved", 1.0))
            left_old.discard(n)
            left_new.discard(m)

    # Then one-to-one by similarity, most similar pairs first; an inverted index of bigrams
    # keeps the comparison to articles that share words.
    index: dict[str, set[int]] = {}
    for m in left_new:
        for g in grams_new[m]:
            index.setdefault(g, set()).add(m)
    pairs: list[tuple[float, int, int]] = []
    for n in left_old:
        shared: dict[int, int] = {}
        for g in grams_old[n]:
            for m in index.get(g, ()):
                shared[m] = shared.get(m, 0) + 1
        for m, count in shared.items():
            score = 2 * count / (len(grams_old[n]) + len(grams_new[m]))
            if score >= MATCH:
                pairs.append((score, n, m))
    pairs.sort(key=lambda p: (-p[0], abs(p[1] - p[2]), p[1]))
    for score, n, m in pairs:
        if n in left_old and m in left_new:
            found.append(Correspondence((n,), (m,), "changed", round(score, 3)))
            left_old.discard(n)
            left_new.discard(m)

    # Splits: an old article whose bigrams lie mostly in two or more remaining new articles;
    # merges: a new article holding most of two or more remaining old ones.
    for n in sorted(left_old):
        parts = [m for m in sorted(left_new) if _held(grams_new[m], grams_old[n])]
        if len(parts) >= 2:
            found.append(Correspondence((n,), tuple(parts), "split", _joint(grams_old[n], grams_new, parts)))
            left_old.discard(n)
            left_new.difference_update(parts)
    for m in sorted(left_new):
        parts = [n for n in sorted(left_old) if _held(grams_old[n], grams_new[m])]
        if len(parts) >= 2:
            found.append(Correspondence(tuple(parts), (m,), "merged", _joint(grams_new[m], grams_old, parts)))
            left_new.discard(m)
            left_old.difference_update(parts)

    # An article left over whose text lies in the counterpart of a one-to-one pair joins it: an
    # old one was merged into that new article (the 2007 第九条 into the 2024 第十九条, with the
    # 第八条), a new one was split from that old article.
    left_old -= _attach(found, left_old, grams_old, grams_new, merged=True)
    left_new -= _attach(found, left_new, grams_new, grams_old, merged=False)

    found += [Correspondence((n,), (), "removed", 0.0) for n in sorted(left_old)]
    found += [Correspondence((), (m,), "added", 0.0) for m in sorted(left_new)]
    found.sort(key=lambda c: (c.old[0] if c.old else 10**9, c.new[0] if c.new else 0))
    return found


def _attach(
    found: list[Correspondence],
    leftover: set[int],
    grams_part: Mapping[int, frozenset[str]],
    grams_whole: Mapping[int, frozenset[str]],
    *,
    merged: bool,
) -> set[int]:
    """Join leftover articles (old ones when ``merged``, else new ones) to the one-to-one pair
    whose other side holds their text; returns the articles joined."""
    single = {(c.new if merged else c.old)[0]: i for i, c in enumerate(found) if len(c.old) == len(c.new) == 1}
    joined: set[int] = set()
    for n in sorted(leftover):
        host = next((h for h in sorted(single) if _held(grams_part[n], grams_whole[h])), None)
        if host is None:
            continue
        i = single[host]
        parts = tuple(sorted((*(found[i].old if merged else found[i].new), n)))
        score = _joint(grams_whole[host], grams_part, list(parts))
        found[i] = (
            Correspondence(parts, (host,), "merged", score)
            if merged
            else Correspondence((host,), parts, "split", score)
        )
        joined.add(n)
    return joined


def _held(part: frozenset[str], whole: frozenset[str]) -> bool:
    """Whether most of ``part`` lies in ``whole`` (and ``part`` is not trivially short)."""
    return len(part) >= 8 and len(part & whole) / len(part) >= CONTAIN


def _joint(whole: frozenset[str], grams: Mapping[int, frozenset[str]], parts: list[int]) -> float:
    union = frozenset().union(*(grams[p] for p in parts))
    return round(_dice(whole, union), 3)


def follow(correspondences: list[Correspondence]) -> dict[int, Correspondence]:
    """Old article number → its correspondence (every old article has one)."""
    return {n: c for c in correspondences for n in c.old}
