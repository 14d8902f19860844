"""Ranking duty items for an appeal: BM25 over the items' words, and a bounded cache.

No database here: :mod:`core.publication.lookup` feeds this module the items of one published catalog
version and asks it to rank them for a query already read by :func:`core.publication.lexicon.understand`.

Terms are words (:mod:`core.publication.words`: jieba segmentation, dictionary words inside long
words, bigrams of unknown characters), never single characters — except for a query whose
content is one character, which matches the characters of the items' titles.

Ranking. Okapi BM25 (k1 = 1.2, b = 0.75) over one document per item: its title (three
times — the title is what the list says the item is), its parent's title, category and
item-kind labels, description, every party's duty text, process and recovery text. Term
statistics are those of the whole catalog version, so one index serves every township
list drawn from that version; a township's list is a subset of item codes. Each term's
contribution per item is computed when the index is built, so a query costs one pass over
the postings of its own terms. Ties are broken by item code: the same text gives the same
answer every time. The best :data:`RERANK_DEPTH` of the catalog are then re-ranked by
learned weights of a few features (:data:`FEATURES`, ``ranker.json``, fitted on the dev sets
by ``bench/fit_ranker.py``; docs/lookup.md). A query word the catalog does not know is read as the catalog's words that
sound the same (pinyin, :meth:`Index.typos`): 森林放火 finds 森林防火.

Caching. Published catalog versions and published township-list versions never change, so
an index is built once per (tenant, catalog version) and kept in a small LRU cache
(:class:`LRU`); nothing needs invalidating, an entry is only ever evicted.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from core.publication import words
from core.publication.lexicon import Lexicon

K1, B = 1.2, 0.75
#: The learned re-ranking weights (bench/fit_ranker.py writes them).
RANKER_FILE = Path(__file__).with_name("ranker.json")
TITLE_REPEAT = 3
#: A word read as a catalog word that sounds the same weighs this much of the word itself.
TYPO_WEIGHT = 0.7

#: How many of the best BM25 items the learned weights re-rank.
RERANK_DEPTH = 20
#: The features the learned re-ranking weighs (:meth:`Index.features`), in order.
FEATURES = (
    "title_coverage",  # share of the query's cues (weight × idf) its title matches
    "coverage",  # share of the query's cues it matches anywhere
    "title_share",  # share of its score from terms of its title
    "literal_share",  # share of its score from the appeal's own words (not lexicon readings or sound-alikes)
    "title_length",  # log(1 + words of its title)
    "phrase",  # longest appeal word found verbatim in its title (characters, up to 4) / 4
    "relative",  # its score / the best score
    "top_cue",  # it matches the query's most informative cue
    "title_precision",  # share of its title's words (by idf) the query has
    "title_cues",  # share of the query's cues its title matches, by count
    "parent_share",  # share of its score from its parent's title words (not its own title's)
    "child",  # it has a parent item
)


def cue_is_word(term: str, weight: float, groups: dict[str, str] | None) -> bool:
    """An appeal's own word (not a part, bigram, reading or sound-alike) of two or more characters."""
    return weight >= words.WORD and len(term) > 1 and not (groups and term in groups)


@dataclass(frozen=True)
class Ranker:
    """Learned weights of :data:`FEATURES` (empty: plain BM25)."""

    weights: tuple[float, ...] = ()


def load_ranker(path: Path = RANKER_FILE) -> Ranker:
    if not path.exists():
        return Ranker()
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return Ranker()  # fitted for other features: refit (bench/fit_ranker.py)
    return Ranker(tuple(float(w) for w in data["weights"]))


RANKER = load_ranker()

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Document:
    """The text of one item, by field (see the module docstring for the weights)."""

    code: str
    title: str
    context: list[str] = field(default_factory=list)  # parent title, labels, duties, process …
    parent: str = ""  # the parent item's title (also in ``context``), for the re-ranking features
    parties: tuple[str, ...] = ()  # its parties' codes, the leading one first (the fit's unit figures)

    def token_counts(self, stopwords: frozenset[str]) -> dict[str, float]:
        counts: dict[str, float] = {}
        title = words.terms(self.title, stopwords)
        title.update(words.characters(self.title))  # only one-character queries use these
        for tok, w in title.items():
            counts[tok] = counts.get(tok, 0.0) + w * TITLE_REPEAT
        for text in self.context:
            for tok, w in words.terms(text, stopwords).items():
                counts[tok] = counts.get(tok, 0.0) + w
        return counts


@dataclass(frozen=True)
class Hit:
    code: str
    score: float


class Index:
    """BM25 postings of a set of documents, each term's contribution precomputed."""

    def __init__(self, documents: Iterable[Document], lexicon: Lexicon) -> None:
        docs = list(documents)
        self.codes: list[str] = [d.code for d in docs]
        self._position = {code: i for i, code in enumerate(self.codes)}
        counts = [d.token_counts(lexicon.stopwords) for d in docs]
        lengths = [sum(c.values()) for c in counts]
        n = len(docs)
        avg = (sum(lengths) / n) if n else 1.0
        df: dict[str, int] = {}
        for c in counts:
            for tok in c:
                df[tok] = df.get(tok, 0) + 1
        self.idf = {tok: math.log(1 + (n - f + 0.5) / (f + 0.5)) for tok, f in df.items()}
        building: dict[str, tuple[list[int], list[float]]] = {}
        for i, c in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[i] / avg) if avg else K1
            for tok, tf in c.items():
                positions, contributions = building.setdefault(tok, ([], []))
                positions.append(i)
                contributions.append(self.idf[tok] * tf * (K1 + 1) / (tf + norm))
        # Per term, the items' positions (ascending) and their contributions, as two packed
        # arrays: 12 bytes a posting instead of ~100 in a dict of floats, so the indexes of 200
        # tenants' catalogs fit one process's cache (5 MB → 0.7 MB for 380 items).
        self.postings: dict[str, tuple[array[int], array[float]]] = {
            tok: (array("i", p), array("d", c)) for tok, (p, c) in building.items()
        }
        self._sounds: dict[str, list[str]] | None = None
        # the words of each item's title and the title itself, for the re-ranking features
        self.titles: list[str] = [d.title for d in docs]
        self.title_terms: list[frozenset[str]] = [frozenset(words.terms(d.title, lexicon.stopwords)) for d in docs]
        self.parent_terms: list[frozenset[str]] = [
            frozenset(words.terms(d.parent, lexicon.stopwords)) if d.parent else frozenset() for d in docs
        ]
        self.parties: list[tuple[str, ...]] = [d.parties for d in docs]

    def typos(self, query: dict[str, float]) -> dict[str, tuple[str, float]]:
        """For each word of ``query`` (two or more Chinese characters, full weight) the catalog
        does not know: the catalog's words that sound the same, with the word they replace
        and the weight (:data:`TYPO_WEIGHT`) — 放火 → 防火."""
        unknown = [t for t, w in query.items() if w >= words.WORD and t not in self.postings and len(t) > 1]
        if not unknown:
            return {}
        if self._sounds is None:  # built on the first typo, not with the index: most queries need none
            sounds: dict[str, list[str]] = {}
            for term in self.postings:
                if len(term) > 1 and not term.startswith(words.CHAR):
                    sounds.setdefault(words.pinyin_key(term), []).append(term)
            self._sounds = sounds
        found: dict[str, tuple[str, float]] = {}
        for t in unknown:
            for alike in self._sounds.get(words.pinyin_key(t), ()):
                found.setdefault(alike, (t, query[t] * TYPO_WEIGHT))
        return found

    def __len__(self) -> int:
        return len(self.codes)

    def estimated_bytes(self) -> int:
        """About what the index takes in memory: 12 bytes a posting (packed), ~400 a term (its
        string, two arrays, two dict slots, an idf float), ~150 an item code."""
        postings = sum(len(p[0]) for p in self.postings.values())
        return 12 * postings + 400 * len(self.postings) + 150 * len(self.codes)

    def rank(
        self,
        query: dict[str, float],
        allowed: frozenset[str] | set[str] | None = None,
        k: int | None = None,
        groups: dict[str, str] | None = None,
    ) -> list[Hit]:
        """Items with a positive score, best first (ties by code): every one, or the best
        ``k``; ``allowed`` restricts the ranking to those item codes. ``groups`` maps terms
        that are alternatives of one another (the readings of one lexicon entry, the
        sound-alikes of one word) to a shared key: an item scores the best of a group's
        terms it contains, not their sum (着火 read as 消防, 火灾, 失火 is one cue, not three)."""
        scores: dict[int, float] = {}
        get = scores.get
        best: dict[tuple[int, str], float] = {}
        for tok, weight in query.items():
            posting = self.postings.get(tok)
            if not posting:
                continue
            group = groups.get(tok) if groups else None
            for i, contribution in zip(*posting, strict=True):
                if group is None:
                    scores[i] = get(i, 0.0) + weight * contribution
                elif weight * contribution > best.get((i, group), 0.0):
                    best[(i, group)] = weight * contribution
        for (i, _), value in best.items():
            scores[i] = get(i, 0.0) + value
        codes = self.codes
        pairs = [(-score, codes[i]) for i, score in scores.items()]
        if RANKER.weights and len(pairs) > 1:
            # over every scored item, before ``allowed``: an item's score must not depend on
            # which list it is ranked in (a lookup without a place ranks the whole catalog and
            # must agree with every township's own lookup; tests/test_lookup_everywhere.py)
            pairs = self._rerank(pairs, query, groups)
        if allowed is not None:
            pairs = [p for p in pairs if p[1] in allowed]
        pairs = heapq.nsmallest(k, pairs) if k is not None else sorted(pairs)
        return [Hit(code, round(-score, 4)) for score, code in pairs]

    def _rerank(
        self, pairs: list[tuple[float, str]], query: dict[str, float], groups: dict[str, str] | None
    ) -> list[tuple[float, str]]:
        """The best :data:`RERANK_DEPTH` of ``pairs`` (−score, code) with each score × exp(w · f),
        the learned weights of :data:`RANKER` over :meth:`features`, scaled so that the first
        keeps the best BM25 score (scores stay on the scale the parent/child shares and the
        answer's ``score`` have always used); the rest after them, unchanged but never above."""
        top = heapq.nsmallest(RERANK_DEPTH, pairs)
        cues = self.cues(query, groups)
        best = -top[0][0]
        w = RANKER.weights
        logs = [
            math.log(-neg)
            + sum(
                a * b
                for a, b in zip(w, self.features(query, groups, cues, self._position[code], -neg, best), strict=True)
            )
            for neg, code in top
        ]
        high = max(logs)
        out = [(-best * math.exp(v - high), code) for v, (_, code) in zip(logs, top, strict=True)]
        if len(pairs) > RERANK_DEPTH:
            chosen = {code for _, code in top}
            floor = max(neg for neg, _ in out)
            out += [(max(neg, floor), code) for neg, code in pairs if code not in chosen]
        return out

    def cues(self, query: dict[str, float], groups: dict[str, str] | None) -> dict[str, float]:
        """The query's cues (a group of alternative terms is one cue) and the information
        (weight × idf) of each: the best of its terms the catalog knows."""
        cues: dict[str, float] = {}
        for t, w in query.items():
            if t in self.idf:
                cue = groups.get(t, t) if groups else t
                cues[cue] = max(cues.get(cue, 0.0), w * self.idf[t])
        return cues

    def features(
        self,
        query: dict[str, float],
        groups: dict[str, str] | None,
        cues: dict[str, float],
        i: int,
        score: float,
        best: float,
    ) -> list[float]:
        """What the learned re-ranking weighs for item ``i`` (see :data:`FEATURES`)."""
        total = sum(cues.values()) or 1.0
        top_cue = max(cues, key=lambda c: (cues[c], c)) if cues else None
        title = self.title_terms[i]
        got: dict[str, float] = {}
        in_title: dict[str, float] = {}
        from_title = from_parent = literal = whole = 0.0
        parent = self.parent_terms[i]
        for t, w in query.items():
            posting = self.postings.get(t)
            if not posting:
                continue
            c = self._contribution(posting, i)
            if c is None:
                continue
            cue = groups.get(t, t) if groups else t
            info = w * self.idf[t]
            got[cue] = max(got.get(cue, 0.0), info)
            whole += w * c
            if t in title:
                in_title[cue] = max(in_title.get(cue, 0.0), info)
                from_title += w * c
            elif t in parent:
                from_parent += w * c
            if cue == t:
                literal += w * c
        whole = whole or 1.0
        text = self.titles[i]
        phrase = max((len(t) for t, w in query.items() if cue_is_word(t, w, groups) and t in text), default=0)
        return [
            sum(in_title.values()) / total,
            sum(got.values()) / total,
            from_title / whole,
            literal / whole,
            math.log1p(len(title)),
            min(phrase, 4) / 4,
            score / best if best else 0.0,
            1.0 if top_cue is not None and top_cue in got else 0.0,
            sum(self.idf.get(t, 0.0) for t in title if t in query) / (sum(self.idf.get(t, 0.0) for t in title) or 1.0),
            len(in_title) / len(cues) if cues else 0.0,
            from_parent / whole,
            1.0 if parent else 0.0,
        ]

    def terms(self, query: dict[str, float], code: str) -> list[str]:
        """The query's tokens that item ``code`` matched, strongest first."""
        i = self._position[code]
        parts = []
        for t, w in query.items():
            posting = self.postings.get(t)
            if posting:
                contribution = self._contribution(posting, i)
                if contribution is not None:
                    parts.append((w * contribution, t))
        return [t for _, t in sorted(parts, key=lambda p: (-p[0], p[1]))]

    @staticmethod
    def _contribution(posting: tuple[array[int], array[float]], i: int) -> float | None:
        positions, contributions = posting
        j = bisect.bisect_left(positions, i)
        return contributions[j] if j < len(positions) and positions[j] == i else None

    def coverage(self, query: dict[str, float], code: str) -> float:
        """Share of the query's information (weight × idf of its known tokens) that item
        ``code`` matched: 0 … 1, a plain-language confidence."""
        useful = [(t, w) for t, w in query.items() if t in self.idf]
        total = sum(w * self.idf[t] for t, w in useful)
        if not total:
            return 0.0
        got = sum(query[t] * self.idf[t] for t in self.terms(query, code))
        return round(min(1.0, got / total), 4)


class LRU(Generic[K, V]):
    """A small least-recently-used map (asyncio code: no locking needed)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is None:
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class SizedLRU(Generic[K, V]):
    """Least-recently-used values bounded by their (estimated) bytes overall and per tenant.

    Keys are tuples starting with the tenant id. A tenant over ``tenant_share`` of the budget
    evicts its own least-recently-used values first, so one national tenant looking up in
    thousands of townships cannot push every county's catalog index out (which made a
    lookup rebuild its index — ~90 ms — on every request with 200 tenants in rotation)."""

    def __init__(self, max_bytes: int, tenant_share: float = 0.25) -> None:
        self.max_bytes = max_bytes
        self.tenant_share = tenant_share
        self._data: OrderedDict[K, tuple[int, V]] = OrderedDict()
        self._tenant_bytes: dict[object, int] = {}
        self.total_bytes = 0

    def get(self, key: K) -> V | None:
        found = self._data.get(key)
        if found is None:
            return None
        self._data.move_to_end(key)
        return found[1]

    def put(self, key: K, value: V, size: int) -> None:
        self._drop(key)
        limit = int(self.max_bytes * self.tenant_share)
        if size > limit:
            return
        tenant = self._tenant(key)
        self._data[key] = (size, value)
        self._tenant_bytes[tenant] = self._tenant_bytes.get(tenant, 0) + size
        self.total_bytes += size
        if self._tenant_bytes[tenant] > limit:
            for old in [k for k in self._data if self._tenant(k) == tenant]:
                if self._tenant_bytes.get(tenant, 0) <= limit:
                    break
                self._drop(old)
        while self.total_bytes > self.max_bytes:
            self._drop(next(iter(self._data)))

    @staticmethod
    def _tenant(key: K) -> object:
        return key[0] if isinstance(key, tuple) else key

    def _drop(self, key: K) -> None:
        found = self._data.pop(key, None)
        if found is None:
            return
        tenant = self._tenant(key)
        self.total_bytes -= found[0]
        left = self._tenant_bytes[tenant] - found[0]
        if left:
            self._tenant_bytes[tenant] = left
        else:
            del self._tenant_bytes[tenant]

    def tenant_usage(self, tenant: object) -> int:
        return self._tenant_bytes.get(tenant, 0)

    def clear(self) -> None:
        self._data.clear()
        self._tenant_bytes.clear()
        self.total_bytes = 0

    def __len__(self) -> int:
        return len(self._data)
