"""The shared library's indexed articles kept in process, for legal search.

A search's hits of the shared library are checked here rather than by reading each candidate
article from the database: reading and checking some 50–90 articles under the tenant's policy
and planning that statement were most of a search's cost (about 2.5 ms of the server's CPU per
search, the request's whole budget at 16 callers on two cores). What a process keeps, for one
generation of the library (``library_generation``, moved in the writer's transaction by every
write to the library and its index):

- every indexed article's text **as ``ILIKE`` compares it**: ``lower(text)`` computed by the
  database (its collation's case mapping, not Python's), joined into one string, so that a word
  is matched with ``str.find`` between an article's bounds — exactly ``text ILIKE '%word%'``,
  the search words being lowered by the same database in the search's statement; the original
  text of the few articles whose lowered text differs (for display);
- each article's position in result order (title, document, article — the database's order,
  computed by it), its document, version, label and chapter; each version's date and whether it
  is its document's current one; each document's title, level and region;
- the whole bigram index (every bigram's ordered articles, concatenated, found through a sorted
  array of the bigrams; the appended articles' bigrams), so that no search reads a posting list
  — a query's first run costs what its repeat does — and per tenant region and level which
  articles may be hits.

About 50 MB for the national corpus (70,000 articles, 8 million characters: 17 MB of lowered
texts; 6 million indexed numbers: 24 MB), read in one go by the first search of a generation
(0.7–3.7 s measured on 2 cores at load 5–7; concurrent searches wait for that one read). Only
the shared library is kept: a tenant's own documents are read by the search's statement under
its policy, and a region's regulations are set aside for tenants outside the region before any
check.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
import weakref
from dataclasses import dataclass

import asyncpg
import numpy as np

from core.legal import queries


@dataclass(frozen=True, slots=True)
class CopiedVersion:
    """A shared version as a hit shows it (ids as the API writes them)."""

    document_id: str
    title: str
    level: str
    region_code: str | None
    version_id: str
    version_date: datetime.date
    current: bool


@dataclass(frozen=True, slots=True)
class Found:
    """An article a search found (the shared library's or the tenant's own)."""

    document_id: str
    title: str
    level: str
    version_id: str
    version_date: datetime.date
    article: int
    label: str
    chapter: str | None
    text: str


class LibraryCopy:
    """One generation of the shared library's indexed articles (see the module's docstring).

    Arrays are indexed by ordinal (``legal_search_articles``; 0 and gaps are no article)."""

    def __init__(
        self,
        library: str,
        generation: int,
        articles: list[queries.CopiedArticleRow],
        versions: list[queries.CopiedVersionRow],
        postings: queries.CopiedPostingsRow,
    ) -> None:
        self.library, self.generation = library, generation
        self.versions: list[CopiedVersion] = []
        index: dict[uuid.UUID, int] = {}
        documents: dict[uuid.UUID, int] = {}
        self.document_of_version: list[int] = []
        for v in versions:
            if v.version_id is None:
                continue
            assert v.document_id is not None and v.title is not None and v.level is not None
            assert v.version_date is not None
            index[v.version_id] = len(self.versions)
            self.versions.append(
                CopiedVersion(
                    str(v.document_id),
                    v.title,
                    v.level,
                    v.region_code,
                    str(v.version_id),
                    v.version_date,
                    bool(v.current),
                )
            )
            self.document_of_version.append(documents.setdefault(v.document_id, len(documents)))
        self.documents = documents
        rows = sorted(articles, key=lambda a: a.ordinal)
        size = max((a.ordinal for a in rows), default=0) + 1
        self.present = np.zeros(size, dtype=bool)
        self.ordered = np.zeros(size, dtype=bool)
        self.version = np.full(size, -1, dtype=np.int32)
        self.article = np.zeros(size, dtype=np.int32)
        self.position = np.zeros(size, dtype=np.int64)
        self.start = np.zeros(size, dtype=np.int64)
        self.end = np.zeros(size, dtype=np.int64)
        self.labels: list[str] = [""] * size
        self.chapters: list[str | None] = [None] * size
        self.originals: dict[int, str] = {}  # text where lower(text) differs from it
        chapters: dict[str, str] = {}
        pieces: list[str] = []
        at = 0
        for a in rows:
            o = a.ordinal
            lowered = a.text if a.lowered is None else a.lowered
            if a.lowered is not None:
                self.originals[o] = a.text
            self.present[o] = True
            self.ordered[o] = a.ordered
            self.version[o] = index.get(a.version_id, -1)
            self.article[o] = a.article
            self.position[o] = a.position
            self.start[o], self.end[o] = at, at + len(lowered)
            self.labels[o] = a.label
            self.chapters[o] = None if a.chapter is None else chapters.setdefault(a.chapter, a.chapter)
            pieces.append(lowered)
            at += len(lowered) + 1
        # A line break between articles: a search word holds no whitespace, so no match spans two.
        self.lowered = "\n".join(pieces)
        self._ordinals = np.array([a.ordinal for a in rows], dtype=np.int64)  # where each text starts
        self._starts = self.start[self._ordinals]
        self.document = np.array([*self.document_of_version, -1], dtype=np.int32)[self.version]
        self.present &= self.version >= 0
        unordered = np.flatnonzero(self.present & ~self.ordered)
        #: Appended articles have the highest ordinals, after every ordered one.
        self.first_appended = int(unordered[0]) if len(unordered) else size
        # The index: bigram keys (first char << 21 | second), ascending, and where each one's
        # ordinals start in the concatenated lists; the appended articles' bigrams.
        bigrams = postings.bigrams or []
        keys = np.array([_key(b) for b in bigrams], dtype=np.uint64)
        counts = np.array(postings.counts or [], dtype=np.int64)
        ends = np.cumsum(counts)
        order = np.argsort(keys, kind="stable")  # the database's order (C collation) is this one already
        self._keys, self._starts_of, self._ends_of = keys[order], (ends - counts)[order], ends[order]
        self._lists = np.frombuffer(postings.ordinals or b"", dtype="<u4")
        self._appended: dict[str, set[int]] = {}
        for b, o in zip(postings.appended_bigrams or [], postings.appended or [], strict=True):
            self._appended.setdefault(b, set()).add(o)
        self._masks: dict[tuple[str, str | None], np.ndarray] = {}

    # --- posting lists ------------------------------------------------------------------------

    def holding(self, bigram: str) -> np.ndarray:
        """The ascending ordered ordinals of the articles holding ``bigram`` (a view)."""
        key = np.uint64(_key(bigram))  # a Python int would make numpy compare as float, copying the keys
        at = int(np.searchsorted(self._keys, key))
        if at >= len(self._keys) or self._keys[at] != key:
            return self._lists[:0]
        return self._lists[self._starts_of[at] : self._ends_of[at]]

    def appended_holding(self, bigram: str) -> set[int]:
        """The appended ordinals of the articles holding ``bigram``."""
        return self._appended.get(bigram, set())

    # --- what a tenant may find ----------------------------------------------------------------

    def visible(self, division_code: str, level: str | None) -> np.ndarray:
        """Per ordinal, whether its article may be a hit: of a current version, of a document
        national or of the tenant's region, of the level asked."""
        key = (division_code, level)
        mask = self._masks.get(key)
        if mask is None:
            by_version = np.array(
                [
                    v.current
                    and (v.region_code is None or division_code.startswith(v.region_code))
                    and level in (None, v.level)
                    for v in self.versions
                ]
                + [False],
                dtype=bool,
            )
            mask = self.present & by_version[self.version]
            if len(self._masks) >= 256:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def matches(self, ordinal: int, lowered: list[str]) -> bool:
        """Whether the article holds every (lowered) word: ``text ILIKE ALL('%word%', …)``."""
        start, end = int(self.start[ordinal]), int(self.end[ordinal])
        text = self.lowered
        return all(text.find(w, start, end) >= 0 for w in lowered)

    def occurrences(self, word: str, first: int, last: int) -> list[int]:
        """Ordinals from ``first`` to ``last`` of the articles holding ``word`` (lowered), at most
        256 (a caller wanting more asks again after the last): the lowered texts read from the
        first such article on, jumping from match to match."""
        found: list[int] = []
        if first >= len(self.start) or last < first:
            return found
        at = int(np.searchsorted(self._ordinals, first))
        if at >= len(self._ordinals):
            return found
        pos, text = int(self._starts[at]), self.lowered
        while len(found) < 256:
            pos = text.find(word, pos)
            if pos < 0:
                break
            o = int(self._ordinals[int(np.searchsorted(self._starts, pos, side="right")) - 1])
            if o > last:
                break
            found.append(o)
            pos = int(self.end[o]) + 1
        return found

    def found(self, ordinal: int) -> Found:
        text = self.originals.get(ordinal)
        if text is None:
            text = self.lowered[int(self.start[ordinal]) : int(self.end[ordinal])]
        v = self.versions[int(self.version[ordinal])]
        return Found(
            v.document_id,
            v.title,
            v.level,
            v.version_id,
            v.version_date,
            int(self.article[ordinal]),
            self.labels[ordinal],
            self.chapters[ordinal],
            text,
        )


def _key(bigram: str) -> int:
    return ord(bigram[0]) << 21 | ord(bigram[1])


_copy: LibraryCopy | None = None
_loading: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def current(library: str, generation: int) -> LibraryCopy | None:
    """The process's copy if it is of this library and generation."""
    if _copy is not None and (_copy.library, _copy.generation) == (library, generation):
        return _copy
    return None


async def load(conn: asyncpg.Connection, library: str, generation: int) -> LibraryCopy | None:
    """The copy of ``generation``, read now unless another search of the process just did.
    ``None`` when the library has moved on meanwhile (the caller searches again)."""
    global _copy
    loop = asyncio.get_running_loop()
    lock = _loading.setdefault(loop, asyncio.Lock())
    async with lock:  # concurrent searches of a new generation read it once
        found = current(library, generation)
        if found is not None:
            return found
        articles = await queries.copied_articles(conn)
        versions = await queries.copied_versions(conn)
        postings = await queries.copied_postings(conn)
        # Written meanwhile? Each statement sees the library as it starts, and generations only
        # grow: the articles read after this generation and before the last two statements.
        read = {a.generation for a in articles[:1]} | {versions[0].generation, postings.generation}
        if read != {generation}:
            return None
        _copy = LibraryCopy(library, generation, articles, versions, postings)
        return _copy
