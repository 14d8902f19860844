"""What an amendment touches, following articles across renumbering (issue 19, item 4).

The two versions' articles are matched by text (:mod:`core.legal.correspondence`); a citation
of the old version is touched only when the content it cites changed: an article that only
moved (第二十条 → 第二十六条, same words) opens no adjustment, and neither does an unchanged
paragraph or item of a changed article (its text is found again in the article(s) that follow it).
"""

from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

import asyncpg

from core.legal import queries
from core.legal.correspondence import Correspondence, correspond, follow
from core.legal.model import PROVISION_CHANGES, ProvisionChange
from core.legal.numerals import article_label


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@dataclass
class Followed:
    """An amendment's correspondences, and the texts needed to judge a cited paragraph or item."""

    correspondences: list[Correspondence]
    old_parts: dict[tuple[int, int, int], str] = field(default_factory=dict)
    new_parts: dict[int, set[str]] = field(default_factory=dict)  # new article → its parts' texts

    def __post_init__(self) -> None:
        self._by_old = follow(self.correspondences)

    def touched(self, article: int | None, paragraph: int | None, item: int | None) -> str | None:
        """The change a citation of the old version meets (changed, split, merged, removed), or
        None when what it cites reads the same in the new version."""
        if article is None:
            changed = [c for c in self.correspondences if c.kind not in ("unchanged", "moved")]
            return "changed" if changed else None
        c = self._by_old.get(article)
        if c is None or not c.content_changed:
            return None
        if (paragraph is None and item is None) or c.kind == "removed":
            return c.kind
        old = self.old_parts.get((article, paragraph or 0, item or 0))
        if old is None:
            return c.kind
        followed = set().union(*(self.new_parts.get(n, set()) for n in c.new))
        return None if _squash(old) in followed else c.kind

    def provision_changes(self) -> list[ProvisionChange]:
        """Every correspondence but ``unchanged``, for the impact report."""
        out = []
        for c in self.correspondences:
            if c.kind == "unchanged":
                continue
            number = c.old[0] if c.old else c.new[0]
            label = "、".join(article_label(n) for n in c.old) or article_label(c.new[0])
            if c.old and c.new and c.new != c.old:
                label += " → " + "、".join(article_label(n) for n in c.new)
            out.append(
                ProvisionChange(
                    number, label, c.kind, PROVISION_CHANGES[c.kind], list(c.old), list(c.new), c.similarity
                )
            )
        return out


# A stored version's provisions never change (a corrected text is refused, not taken), so the
# correspondence of two versions, by id, holds for good: an analysis needs it twice (what is
# touched, then the report's provisions), and a change is often previewed, then recorded.
_FOLLOWED: OrderedDict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], Followed] = OrderedDict()
_FOLLOWED_KEPT = 16


async def followed(conn: asyncpg.Connection, tenant_id: uuid.UUID, old: uuid.UUID, new: uuid.UUID) -> Followed:
    """The correspondence between two stored versions of a document (two queries, the first time)."""
    key = (tenant_id, old, new)
    known = _FOLLOWED.get(key)
    if known is not None:
        _FOLLOWED.move_to_end(key)
        return known
    old_rows = await queries.version_parts(conn, tenant_id, old)
    new_rows = await queries.version_parts(conn, tenant_id, new)
    old_articles = {r.article: r.text for r in old_rows if r.paragraph == 0 and r.item == 0}
    new_articles = {r.article: r.text for r in new_rows if r.paragraph == 0 and r.item == 0}
    result = Followed(correspond(old_articles, new_articles))
    result.old_parts = {(r.article, r.paragraph, r.item): r.text for r in old_rows}
    for r in new_rows:
        result.new_parts.setdefault(r.article, set()).add(_squash(r.text))
    _FOLLOWED[key] = result
    if len(_FOLLOWED) > _FOLLOWED_KEPT:
        _FOLLOWED.popitem(last=False)
    return result
