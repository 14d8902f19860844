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

import math
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import asyncpg
import numpy as np

from core.legal import queries
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


def _intersection(arrays: list[np.ndarray]) -> np.ndarray:
    arrays.sort(key=len)
    found = arrays[0]
    for a in arrays[1:]:
        if not len(found):
            break
        found = np.intersect1d(found, a, assume_unique=True)
    return found


class _Known:
    """What searches read of the index, kept in process for one generation of the shared
    library (``library_generation``: every write to the library and its index moves it, in the
    writer's transaction): bigrams' posting lists, bounded by their total length, and each
    indexed article's region and level, so that candidates a tenant cannot see or a level
    filter drops are set aside before any is read. A 2,000-article page of a common bigram is
    otherwise fetched again by every search naming it, and a region's regulations — read and
    dropped by the statement for every tenant outside it — made a second, four times larger
    round of reads the rule rather than the exception."""

    MAX_ORDINALS = 4_000_000  # 16 MB of posting lists

    def __init__(self, library: str, generation: int) -> None:
        self.library, self.generation = library, generation
        self.postings: OrderedDict[str, tuple[np.ndarray, frozenset[int]]] = OrderedDict()
        self.size = 0
        self.groups: list[queries.OrdinalGroupRow] | None = None
        self._masks: dict[tuple[str, str | None], np.ndarray] = {}

    def holds(self, keys: list[str]) -> bool:
        """Whether a search by these bigrams can do without reading the index."""
        return bool(keys) and self.groups is not None and all(k in self.postings for k in keys)

    def kept(self, keys: list[str]) -> list[tuple[np.ndarray, frozenset[int]]]:
        for k in keys:
            self.postings.move_to_end(k)
        return [self.postings[k] for k in keys]

    def keep(self, bigram: str, ordered: np.ndarray, appended: frozenset[int]) -> None:
        self.postings[bigram] = (ordered, appended)
        self.size += len(ordered)
        while self.size > self.MAX_ORDINALS and len(self.postings) > 1:
            _, (dropped, _) = self.postings.popitem(last=False)
            self.size -= len(dropped)

    def visible(self, division_code: str, level: str | None) -> np.ndarray:
        """Per ordinal, whether its article may be a hit for the tenant's region and the level."""
        key = (division_code, level)
        mask = self._masks.get(key)
        if mask is None:
            assert self.groups is not None, "the groups are read first"
            size = max((max(g.ordinals) for g in self.groups if g.ordinals), default=0) + 1
            mask = np.zeros(size, dtype=bool)
            for g in self.groups:
                if (g.region_code is None or division_code.startswith(g.region_code)) and level in (None, g.level):
                    mask[g.ordinals] = True
            if len(self._masks) >= 256:
                self._masks.clear()
            self._masks[key] = mask
        return mask


_known = _Known("", -1)


async def _read_postings(conn: asyncpg.Connection, keys: list[str]) -> list[tuple[np.ndarray, frozenset[int]]]:
    """Each bigram's ordered and appended ordinals, from the process's copy when it is of the
    library's current generation (read with the bigrams it lacks, in the same statement)."""
    global _known
    missing = [k for k in keys if k not in _known.postings]
    rows = await queries.postings(conn, missing)
    if (rows[0].library, rows[0].generation) != (_known.library, _known.generation):
        _known = _Known(rows[0].library, rows[0].generation)
        if len(missing) < len(keys):
            rows = await queries.postings(conn, keys)
    for r in rows:
        if r.bigram is not None:
            _known.keep(r.bigram, np.frombuffer(r.ordinals or b"", dtype="<u4"), frozenset(r.appended or ()))
    if _known.groups is None:
        _known.groups = await queries.ordinal_groups(conn)
    return _known.kept(keys)


def _visible(ordinals: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The ordinals the mask keeps (one past its end, appended meanwhile: kept, the statement decides)."""
    if not len(ordinals) or int(ordinals.max()) >= len(mask):
        return ordinals
    return ordinals[mask[ordinals]]


async def _candidates(
    conn: asyncpg.Connection,
    words: list[str],
    after: tuple[str, uuid.UUID, int] | None,
    document_id: uuid.UUID | None,
    division_code: str,
    level: str | None,
    keys: list[str],
    known: _Known | None,
) -> tuple[np.ndarray, list[int]]:
    """Ordered candidates (ascending, after the cursor's position, within the document if one
    is named: its articles are a run of ordinals; of the tenant's region and the level) and
    appended ones; from ``known`` when given (its generation is checked afterwards)."""
    if not keys:  # only one-character words: every article is a candidate
        every = await queries.all_ordinals(conn)
        ordered = np.array(every.ordered or [], dtype=np.uint32)
        appended = every.appended or []
    else:
        lists = known.kept(keys) if known is not None else await _read_postings(conn, keys)
        ordered = _intersection([o for o, _ in lists])
        appended = sorted(frozenset.intersection(*(a for _, a in lists)))
        mask = (known or _known).visible(division_code, level)
        ordered = _visible(ordered, mask)
        appended = _visible(np.array(appended, dtype=np.uint32), mask).tolist()
    if after is not None and len(ordered):
        ordered = ordered[ordered > await queries.ordinal_before(conn, after)]
    if document_id is not None and len(ordered):
        lo, hi = await queries.document_ordinals(conn, document_id)
        ordered = ordered[(ordered >= lo) & (ordered <= hi)]
    return ordered, appended


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
) -> list[queries.ProvisionHitRow]:
    """The first ``limit`` matching articles after ``after``, in (title, document, article) order.

    The ordered candidates are checked a slice at a time from the smallest: once ``limit`` of
    them match, no later one can come before them, so the page is complete; otherwise the slice
    grows by the share that matched so far (fourfold when none did). Appended candidates and
    the tenant's own articles are checked every time (they are few) and merged by the
    statement's order. When the process holds every bigram of the words, the index is not read:
    the statement says which generation of the library it read, and a search made from an older
    copy is made again."""
    global _known
    keys = sorted(set().union(*(bigrams(w) for w in words)))
    known = _known if _known.holds(keys) else None
    ordered, appended = await _candidates(conn, words, after, document_id, division_code, level, keys, known)
    # Words of two characters are their own bigram: each candidate of the tenant's region and
    # level is a match (but for a superseded version), so the first page needs no more than
    # ``limit`` of them; longer words may miss (安全 and 全生 without 安全生).
    exact = all(len(w) == 2 for w in words) and bool(words)
    end = min(len(ordered), limit if exact else limit + limit // 2 + 10)
    while True:
        rows = await queries.provision_hits(
            conn,
            tenant_id,
            patterns=patterns,
            ordered=ordered[:end].tolist(),
            appended=appended,
            level=level,
            document_id=document_id,
            after=after,
            limit=limit,
            division_code=division_code,
        )
        hits = rows[0].ordered_hits if rows else 0
        if end >= len(ordered) or hits >= limit:
            break
        end = min(len(ordered), max(end + limit // 2, math.ceil(end * limit / hits * 1.25)) if hits else end * 4)
    if known is not None:
        state = (rows[0].library, rows[0].generation) if rows else await queries.library_state(conn)
        if state != (known.library, known.generation):
            if _known is known:
                _known = _Known(*state)
            return await search(
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
    return rows
