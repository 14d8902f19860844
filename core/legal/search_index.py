"""The shared library's search index: which articles hold each pair of adjacent characters.

Legal search (``search_provisions``) matches words with ``ILIKE '%word%'``. A two-character word
(消防, 征用) has no trigram, so no trigram index can narrow it, and under row-level security
PostgreSQL would not use one for the application role anyway (``ILIKE`` is not leakproof). This
index (migration 0014) holds, for every character bigram of the shared library's current
articles, the ordered list of the articles holding it. A word of two or more characters is in
an article only if all its bigrams are, so intersecting their lists gives a superset of the
matching articles; each candidate is then read by key and checked with the same ``ILIKE``, so
the index can only narrow, never decide, what matches.

- **Ordinals in result order.** A rebuild numbers the articles as the search orders its results
  (title, document, article), so the first page's hits are the smallest candidates: a search
  checks a few times the page size, however common the word (规定 is in most articles), and
  continues with more only when too few of them match (a level, region or document filter).
- **Built with arrays** (numpy): the corpus's 70,000 articles are 8 million characters; the
  bigrams and their lists are one sort of 64-bit keys, about a second, where a Python loop
  per bigram took 12 s on the loaded test machine.
- **Kept current**: the corpus load rebuilds it (:func:`rebuild`); a version stored in the shared
  library otherwise (an amendment recorded through the API) is appended (:func:`append`) with
  higher, unordered numbers and found by the same search through ``legal_search_appended``.
  A superseded version's articles stay listed; the search keeps only current versions.
- The tenant's own articles are few and are read under its policy in the same statement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np

from core.legal import queries, search_copy
from core.platform import generations

__all__ = ["append", "bigrams", "rebuild", "search"]

# Characters str.split() splits at: a search word contains none, so no bigram with one is kept.
_SPACES = np.array([c for c in range(0x3001) if chr(c).isspace()] + [0], dtype=np.uint32)  # U+3000 is the last
_ORDINAL_BITS = 22  # a key is (first char << 21 | second char) << 22 | ordinal
_CHAR_BITS = 21


def bigrams(word: str) -> set[str]:
    """The bigrams the index keys a word's articles by (lower-cased, as ILIKE compares)."""
    w = word.lower()
    return {w[i : i + 2] for i in range(len(w) - 1)}


def _postings(texts: Sequence[str], first: int = 1) -> tuple[list[str], list[np.ndarray]]:
    """For articles numbered ``first``, ``first + 1``, … holding ``texts``: each bigram and the
    ascending ordinals of the articles holding it."""
    if not texts:
        return [], []
    if first + len(texts) >= 1 << _ORDINAL_BITS:
        raise ValueError(f"{first + len(texts)} articles: the search index numbers at most {1 << _ORDINAL_BITS}")
    # NUL separates the articles: PostgreSQL text never contains it, and a bigram with it is dropped.
    codes = np.frombuffer("\0".join(texts).lower().encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    ordinal = np.cumsum(codes == 0, dtype=np.uint64) + np.uint64(first)
    left, right = codes[:-1], codes[1:]
    keep = ~(np.isin(left, _SPACES) | np.isin(right, _SPACES))
    keys = ((left << np.uint64(_CHAR_BITS)) | right) << np.uint64(_ORDINAL_BITS) | ordinal[:-1]
    keys = np.unique(keys[keep])  # sorted: by bigram, then ordinal; one key per (bigram, article)
    pairs = keys >> np.uint64(_ORDINAL_BITS)
    ordinals = (keys & np.uint64((1 << _ORDINAL_BITS) - 1)).astype("<u4")
    starts = np.flatnonzero(np.diff(pairs)) + 1
    mask = (1 << _CHAR_BITS) - 1
    heads = pairs[np.concatenate(([0], starts))].tolist()
    names = [chr(p >> _CHAR_BITS) + chr(p & mask) for p in heads]
    return names, np.split(ordinals, starts)


async def rebuild(conn: asyncpg.Connection) -> int:
    """Number the shared library's current articles in result order and index them afresh
    (the corpus load, as the owner). Returns how many articles are indexed."""
    await conn.execute(queries.SEARCH_INDEX_LOCK)
    await generations.bump(conn, queries.SHARED_TENANT)  # searches' kept copies are of the old index
    rows = await conn.fetch(queries.SHARED_CURRENT_ARTICLES, queries.SHARED_TENANT)
    await conn.execute(queries.CLEAR_SEARCH_INDEX)
    if not rows:
        return 0
    await conn.copy_records_to_table(
        "legal_search_articles",
        records=[(n, r["document_id"], r["version_id"], r["article"], r["title"], True) for n, r in enumerate(rows, 1)],
        columns=["ordinal", "document_id", "version_id", "article", "title", "ordered"],
    )
    names, lists = _postings([r["text"] for r in rows])
    await conn.copy_records_to_table(
        "legal_search_postings",
        records=[(b, o.tobytes(), len(o)) for b, o in zip(names, lists, strict=True)],
        columns=["bigram", "ordinals", "n"],
    )
    return len(rows)


async def append(
    conn: asyncpg.Connection, document_id: uuid.UUID, title: str, version_id: uuid.UUID, articles: Sequence[Any]
) -> None:
    """Index a version just stored in the shared library: ``articles`` are its provision rows
    (article, paragraph, item, label, chapter, text); the whole articles are appended."""
    whole = [(r[0], r[5]) for r in articles if r[1] == 0 and r[2] == 0]
    if not whole:
        return
    await conn.execute(queries.SEARCH_INDEX_LOCK)
    first: int = await conn.fetchval(queries.NEXT_SEARCH_ORDINAL)
    ordinals = list(range(first, first + len(whole)))
    await conn.execute(queries.APPEND_SEARCH_ARTICLES, ordinals, document_id, version_id, title, [a for a, _ in whole])
    names, lists = _postings([t for _, t in whole], first)
    flat = [(b, int(o)) for b, os in zip(names, lists, strict=True) for o in os]
    await conn.execute(queries.APPEND_SEARCH_BIGRAMS, [b for b, _ in flat], [o for _, o in flat])


def _in_all(candidates: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """The candidates that every one of the (ascending) lists holds."""
    for other in others:
        if not len(candidates):
            break
        at = np.searchsorted(other, candidates)
        candidates = candidates[other[np.minimum(at, len(other) - 1)] == candidates]
    return candidates


class _Scope:
    """Which shared articles a search may return: of the tenant's region, current, of the level
    and document asked, after the cursor."""

    def __init__(
        self,
        copy: search_copy.LibraryCopy,
        division_code: str,
        level: str | None,
        document_id: uuid.UUID | None,
        cursor_ordinal: int | None,
    ) -> None:
        self.copy = copy
        self.mask = copy.visible(division_code, level)
        self.document = -1 if document_id is None else copy.documents.get(document_id, -2)
        self.after = 0 if cursor_ordinal is None else int(copy.position[cursor_ordinal])

    def keep(self, ordinals: np.ndarray) -> np.ndarray:
        ordinals = ordinals[ordinals < len(self.mask)].astype(np.int64)
        keep = self.mask[ordinals]
        if self.document != -1:
            keep &= self.copy.document[ordinals] == self.document
        if self.after:
            keep &= self.copy.position[ordinals] > self.after
        return ordinals[keep]


def _first_matches(
    copy: search_copy.LibraryCopy, scope: _Scope, lists: list[np.ndarray], lowered: list[str], limit: int
) -> list[int]:
    """The first ``limit`` articles (ascending ordinals) of the scope in every list holding every
    word. The shortest list is walked a slice at a time, each slice narrowed by the others and
    then checked: a common bigram's list is not intersected beyond the page (规定 is in a third
    of all articles; a whole intersection of two such lists took milliseconds)."""
    lists = sorted(lists, key=len)
    shortest, others = lists[0], lists[1:]
    found: list[int] = []
    at, step = 0, max(limit * 2, 64)
    while at < len(shortest):
        candidates = _in_all(scope.keep(shortest[at : at + step]), others)
        for o in candidates.tolist():
            if copy.matches(o, lowered):
                found.append(o)
                if len(found) >= limit:
                    return found
        at, step = at + step, step * 2
    return found


def _scanned(
    copy: search_copy.LibraryCopy, scope: _Scope, lowered: list[str], first: int, last: int, limit: int
) -> list[int]:
    """Without a bigram to narrow by (words of one character): the first ``limit`` articles
    from ordinal ``first`` to ``last`` holding every word, found by reading the lowered texts
    for the longest word."""
    longest = max(lowered, key=len)
    found: list[int] = []
    while first <= last and len(found) < limit:
        batch = copy.occurrences(longest, first, last)
        if not batch:
            break
        kept = scope.keep(np.array(batch, dtype=np.int64)).tolist()
        found += [o for o in kept if copy.matches(o, lowered)][: limit - len(found)]
        first = batch[-1] + 1
    return found


async def search(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    *,
    words: list[str],
    patterns: list[str],
    level: str | None,
    document_id: uuid.UUID | None,
    after: tuple[str, uuid.UUID, int] | None,
    limit: int,
    division_code: str,
) -> list[search_copy.Found]:
    """The first ``limit`` matching articles after ``after``, in (title, document, article) order.

    One statement (:func:`queries.own_hits`) reads the library's generation, the words lowered
    as ``ILIKE`` lowers them, the cursor's place and the tenant's own hits; the shared
    library's hits come from the process's copy of that generation (read first if it has
    another), its candidates from the bigrams' posting lists (those not kept read in a second
    statement). The ordered candidates are checked from the smallest: once ``limit`` of them
    match, no later one can come before them. Appended candidates (few) are all checked, and
    everything is merged by the positions the database computed."""
    keys = sorted(set().union(*(bigrams(w) for w in words)))
    while True:
        rows = await queries.own_hits(
            conn,
            tenant_id,
            words=words,
            patterns=patterns,
            level=level,
            document_id=document_id,
            after=after,
            limit=limit,
            division_code=division_code,
        )
        head = rows[0]
        copy = search_copy.current(head.library, head.generation) or await search_copy.load(
            conn, head.library, head.generation
        )
        if copy is None:
            continue  # the library moved on while it was read
        scope = _Scope(copy, division_code, level, document_id, head.cursor_ordinal if after is not None else None)
        lowered = head.lowered
        if keys:
            ordered = _first_matches(copy, scope, [copy.holding(k) for k in keys], lowered, limit)
            candidates = np.array(sorted(set.intersection(*(copy.appended_holding(k) for k in keys))), dtype=np.int64)
            appended = [o for o in scope.keep(candidates).tolist() if copy.matches(o, lowered)]
        else:
            size = len(copy.present)
            ordered = _scanned(copy, scope, lowered, 1, copy.first_appended - 1, limit)
            appended = _scanned(copy, scope, lowered, copy.first_appended, size - 1, size)
        return _merged(copy, rows, ordered + appended, limit)


def _merged(
    copy: search_copy.LibraryCopy, rows: list[queries.OwnHitRow], shared: list[int], limit: int
) -> list[search_copy.Found]:
    """Shared and own hits in result order: a shared article at its position, an own one right
    after the shared article the database placed it after (own ones in the statement's order)."""
    keyed: list[tuple[tuple[int, ...], int, queries.OwnHitRow | None]] = [
        ((int(copy.position[o]),), o, None) for o in shared
    ]
    for i, r in enumerate(rows):
        if r.document_id is not None:
            before = 0 if r.before is None else int(copy.position[r.before])
            keyed.append(((before, 1, i), 0, r))
    keyed.sort(key=lambda k: k[0])
    found: list[search_copy.Found] = []
    for _, o, own in keyed[:limit]:
        if own is None:
            found.append(copy.found(o))
        else:
            assert own.title is not None and own.level is not None and own.version_id is not None
            assert own.version_date is not None and own.article is not None and own.text is not None
            found.append(
                search_copy.Found(
                    str(own.document_id),
                    own.title,
                    own.level,
                    str(own.version_id),
                    own.version_date,
                    own.article,
                    own.label or "",
                    own.chapter,
                    own.text,
                )
            )
    return found
