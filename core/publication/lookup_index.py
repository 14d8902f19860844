"""Free-text matching of citizen appeals against duty items: tokens, BM25, a bounded cache.

No database here: :mod:`core.publication.lookup` feeds this module the items of one published catalog
version and asks it to rank them for a text.

Tokens. Text is normalised (NFKC, traditional → simplified, lower case) and cut into runs
of Chinese characters and runs of letters/digits. A Chinese run yields its character
bigrams (the usual segmentation-free unit for short Chinese texts: "占道经营" → 占道, 道经,
经营) and, at a lower weight, its single characters; a bigram or character made of
function words (的, 了, 很 …) is dropped. Letters/digits give one token per run.

Colloquial wording. Citizens write "摊贩太多" where the list says "占道经营"; a synonym
table maps such phrases to list vocabulary. It is data (``lookup_synonyms.json`` beside
this module, extended per tenant by the tenant setting ``lookup_synonyms``), applied to the
query only: a phrase found in the appeal adds the tokens of its expansions.

Ranking. Okapi BM25 (k1 = 1.2, b = 0.75) over one document per item: its title (three
times — the title is what the list says the item is), its parent's title, category and
item-kind labels, description, every party's duty text, process and recovery text. Term
statistics are those of the whole catalog version, so one index serves every township
list drawn from that version; a township's list is a subset of item codes. Each term's
contribution per item is computed when the index is built, so a query costs one pass over
the postings of its own tokens. Ties are broken by item code: the same text gives the same
answer every time.

Caching. Published catalog versions and published township-list versions never change, so
an index is built once per (tenant, catalog version) and kept in a small LRU cache
(:class:`LRU`); nothing needs invalidating, an entry is only ever evicted.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import math
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

from core.legal.citations import to_simplified

K1, B = 1.2, 0.75
TITLE_REPEAT = 3
UNIGRAM_WEIGHT = 0.25
SYNONYM_WEIGHT = 1.0

#: Function words and fillers of colloquial Chinese: a token made only of these says nothing.
STOP_CHARS = frozenset(
    "的了吗呢啊吧呀哦哈嘛么很太都也就还又再是在有没不我你他她它们这那个些和与及或被把给让对从到为着过得地呗哎"
)
_SYNONYMS_FILE = Path(__file__).with_name("lookup_synonyms.json")

K = TypeVar("K")
V = TypeVar("V")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), traditional → simplified, lower case."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def runs(text: str) -> list[str]:
    """Runs of Chinese characters and runs of letters/digits of normalised ``text``."""
    found: list[str] = []
    current: list[str] = []
    kind = 0  # 1: Chinese, 2: letters/digits
    for ch in text:
        k = 1 if _is_cjk(ch) else 2 if ch.isalnum() else 0
        if k != kind and current:
            found.append("".join(current))
            current = []
        kind = k
        if k:
            current.append(ch)
    if current:
        found.append("".join(current))
    return found


def has_words(text: str) -> bool:
    """True when the text holds at least one Chinese character, letter or digit."""
    return bool(runs(normalise(text)))


def tokens(text: str, *, normalised: bool = False) -> dict[str, float]:
    """Weighted tokens of ``text``: bigrams 1.0, single characters :data:`UNIGRAM_WEIGHT`,
    letter/digit runs 1.0 (weights add up over repeats)."""
    out: dict[str, float] = {}
    for run in runs(text if normalised else normalise(text)):
        if not _is_cjk(run[0]):
            out[run] = out.get(run, 0.0) + 1.0
            continue
        for ch in run:
            if ch not in STOP_CHARS:
                out[ch] = out.get(ch, 0.0) + UNIGRAM_WEIGHT
        for a, b in itertools.pairwise(run):
            if a in STOP_CHARS or b in STOP_CHARS:
                continue  # "的摊", "营的": a function word glued to a content word is noise
            gram = a + b
            out[gram] = out.get(gram, 0.0) + 1.0
    return out


@cache
def default_synonyms() -> dict[str, tuple[str, ...]]:
    """The shipped colloquial-phrase table (``lookup_synonyms.json``)."""
    raw = json.loads(_SYNONYMS_FILE.read_text(encoding="utf-8"))
    return {normalise(k): tuple(v) for k, v in raw["phrases"].items()}


def merged_synonyms(extra: dict[str, list[str]] | None) -> dict[str, tuple[str, ...]]:
    table = dict(default_synonyms())
    for phrase, expansions in (extra or {}).items():
        key = normalise(phrase)
        table[key] = tuple(dict.fromkeys((*table.get(key, ()), *expansions)))
    return table


def query_tokens(text: str, synonyms: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """Tokens of an appeal plus those of the expansions of every synonym phrase in it."""
    norm = normalise(text)
    # a repeated word in an appeal ("天天", "管管") is emphasis, not more evidence
    weighted = {t: min(w, UNIGRAM_WEIGHT if len(t) == 1 else 1.0) for t, w in tokens(norm, normalised=True).items()}
    for phrase, expansions in synonyms.items():
        if phrase in norm:
            for expansion in expansions:
                for tok, w in tokens(expansion).items():
                    weighted[tok] = max(weighted.get(tok, 0.0), w * SYNONYM_WEIGHT)
    return weighted


@dataclass
class Document:
    """The text of one item, by field (see the module docstring for the weights)."""

    code: str
    title: str
    context: list[str] = field(default_factory=list)  # parent title, labels, duties, process …

    def token_counts(self) -> dict[str, float]:
        counts: dict[str, float] = {}
        for _ in range(TITLE_REPEAT):
            for tok, w in tokens(self.title).items():
                counts[tok] = counts.get(tok, 0.0) + w
        for text in self.context:
            for tok, w in tokens(text).items():
                counts[tok] = counts.get(tok, 0.0) + w
        return counts


@dataclass(frozen=True)
class Hit:
    code: str
    score: float


class Index:
    """BM25 postings of a set of documents, each term's contribution precomputed."""

    def __init__(self, documents: Iterable[Document]) -> None:
        docs = list(documents)
        self.codes: list[str] = [d.code for d in docs]
        self._position = {code: i for i, code in enumerate(self.codes)}
        counts = [d.token_counts() for d in docs]
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

    def __len__(self) -> int:
        return len(self.codes)

    def estimated_bytes(self) -> int:
        """About what the index takes in memory: 12 bytes a posting (packed), ~400 a term (its
        string, two arrays, two dict slots, an idf float), ~150 an item code."""
        postings = sum(len(p[0]) for p in self.postings.values())
        return 12 * postings + 400 * len(self.postings) + 150 * len(self.codes)

    def rank(
        self, query: dict[str, float], allowed: frozenset[str] | set[str] | None = None, k: int | None = None
    ) -> list[Hit]:
        """Items with a positive score, best first (ties by code): every one, or the best
        ``k``; ``allowed`` restricts the ranking to those item codes."""
        scores: dict[int, float] = {}
        get = scores.get
        crowded = len(self.codes) / 3
        for tok, weight in query.items():
            posting = self.postings.get(tok)
            # a single character found in a third of the items or more tells nothing apart
            if posting and (len(tok) > 1 or len(posting[0]) < crowded):
                for i, contribution in zip(*posting, strict=True):
                    scores[i] = get(i, 0.0) + weight * contribution
        codes = self.codes
        pairs = [(-score, codes[i]) for i, score in scores.items()]
        if allowed is not None:
            pairs = [p for p in pairs if p[1] in allowed]
        pairs = heapq.nsmallest(k, pairs) if k is not None else sorted(pairs)
        return [Hit(code, round(-score, 4)) for score, code in pairs]

    def terms(self, query: dict[str, float], code: str) -> list[str]:
        """The query's tokens that item ``code`` matched, strongest first."""
        i = self._position[code]
        crowded = len(self.codes) / 3
        parts = []
        for t, w in query.items():
            posting = self.postings.get(t)
            if posting and (len(t) > 1 or len(posting[0]) < crowded):
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
        crowded = len(self.codes) / 3
        useful = [
            (t, w) for t, w in query.items() if t in self.idf and (len(t) > 1 or len(self.postings[t][0]) < crowded)
        ]
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
