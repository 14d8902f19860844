"""The domain lexicon: how citizens say what the lists say, and back.

Data, not code: ``lexicon.json`` beside this module holds general Chinese usage (no county's
data) — groups of **equivalent** words read in both directions (违建 ↔ 违法建设, 低保 ↔
最低生活保障), one-way **phrases** that read a colloquial phrase into list vocabulary (烧烤 →
餐饮服务业油烟污染, 娃娃 → 儿童), and **stopwords** (fillers, question words, pronouns, dialect
ones included: 咋个, 啥子, 晓得, 咋整, 俺). A plugin adds its region's words with the hook
``qingdan_lookup_synonyms`` and a tenant its own under the setting ``lookup_synonyms`` (both
``{phrase: [reading, …]}``, one way). **Settings** (小区 → 居住区, 路边 → 街道两侧) say where
rather than what and are read at half the weight of a phrase.

:func:`understand` is the one reading of a query that the lookup and every search use: the
terms of its words (:func:`core.publication.words.terms`), plus the terms of the readings of
every lexicon entry found in it, each term remembering which words of the text brought it in.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.publication import words

_FILE = Path(__file__).with_name("lexicon.json")
#: A term read in through the lexicon weighs this much of a word of the text itself.
READING_WEIGHT = 0.8


@dataclass(frozen=True)
class Lexicon:
    readings: Mapping[str, tuple[str, ...]]  # a word or phrase (normalised) → what it reads as
    stopwords: frozenset[str]
    settings: frozenset[str] = frozenset()  # words of place or setting (小区, 路边): read at half weight
    # The keys by their first character: an appeal is tested only against the keys that start
    # with one of its characters (~60 of 1,228), not against every one.
    _by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # The terms of each reading as :func:`understand` reads them, filled on first use: the
    # lexicon and the segmenter's dictionary never change in a process, so neither do they.
    _brought: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls, readings: Mapping[str, Sequence[str]], stopwords: frozenset[str], settings: frozenset[str] = frozenset()
    ) -> Lexicon:
        table = {k: tuple(dict.fromkeys(v)) for k, v in readings.items() if k}
        by_first: dict[str, list[str]] = {}
        for k in table:
            by_first.setdefault(k[0], []).append(k)
        first = {ch: tuple(keys) for ch, keys in by_first.items()}
        return cls(table, stopwords, settings, first)

    def merged(self, extra: Mapping[str, Sequence[str]] | None) -> Lexicon:
        """This lexicon with ``extra`` one-way readings added (a plugin's or a tenant's)."""
        if not extra:
            return self
        table = dict(self.readings)
        for phrase, readings in extra.items():
            key = words.normalise(phrase)
            table[key] = tuple(dict.fromkeys((*table.get(key, ()), *readings)))
        return Lexicon.of(table, self.stopwords, self.settings)

    def vocabulary(self) -> set[str]:
        """Every word or phrase the lexicon names (kept whole by the segmenter)."""
        found = set(self.readings)
        for readings in self.readings.values():
            found.update(words.normalise(r) for r in readings)
        return found

    def found(self, norm: str) -> list[tuple[str, tuple[str, ...]]]:
        """The entries whose word or phrase occurs in normalised ``norm``, longest first."""
        hits = {k for i, ch in enumerate(norm) for k in self._by_first.get(ch, ()) if norm.startswith(k, i)}
        return [(k, self.readings[k]) for k in sorted(hits, key=_longest_first)]

    def brought(self, reading: str) -> dict[str, float]:
        """The whole words of ``reading`` (no parts, no bigrams), stopwords left out; read once."""
        found = self._brought.get(reading)
        if found is None:
            found = self._brought[reading] = words.terms(reading, self.stopwords, parts=False)
        return found


def _longest_first(key: str) -> tuple[int, str]:
    return (-len(key), key)


@functools.cache
def core_lexicon() -> Lexicon:
    """The shipped lexicon (``lexicon.json``): equivalents in both directions, phrases one way."""
    raw = json.loads(_FILE.read_text(encoding="utf-8"))
    table: dict[str, list[str]] = {}
    for group in raw["equivalents"]:
        normalised = [words.normalise(w) for w in group]
        for w in normalised:
            table.setdefault(w, []).extend(o for o in normalised if o != w)
    for phrase, readings in (*raw["phrases"].items(), *raw["settings"].items()):
        table.setdefault(words.normalise(phrase), []).extend(readings)
    settings = frozenset(words.normalise(w) for w in raw["settings"])
    return Lexicon.of(table, frozenset(words.normalise(w) for w in raw["stopwords"]), settings)


@dataclass
class Understanding:
    """A query as the lookup and the searches read it."""

    text: str  # normalised
    terms: dict[str, float]  # term → weight
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # term → (the text's words, how)

    def source(self, term: str) -> tuple[str, str]:
        """Which words of the text brought ``term`` in, and how (``word``, ``lexicon``, ``pinyin``)."""
        return self.sources.get(term, (term, "word"))


def understand(text: str, lexicon: Lexicon, *, normalised: bool = False) -> Understanding:
    """The terms of ``text`` (see :func:`core.publication.words.terms`; a repeated word counts
    once: 天天, 管管 are emphasis, not evidence) and those of the readings of each lexicon entry
    found in it — their whole words only, at :data:`READING_WEIGHT` shared by the words of one
    reading (÷ √ their number): parts or long readings would let one lexicon entry outweigh the
    appeal's own words. A term keeps its highest weight."""
    norm = text if normalised else words.normalise(text)
    found = {t: min(w, words.WORD) for t, w in words.terms(norm, lexicon.stopwords, normalised=True).items()}
    sources: dict[str, tuple[str, str]] = {}
    for phrase, readings in lexicon.found(norm):
        for reading in readings:
            # readings are alternatives (each at full weight: a list says one of them), but the
            # words of one reading are one phrase and share its weight (÷ √ their number), so
            # 城乡居民基本医疗保险参保 does not count as four matches
            brought = lexicon.brought(reading)
            share = READING_WEIGHT / math.sqrt(len(brought)) if brought else 0.0
            if phrase in lexicon.settings:
                share /= 2
            for term in brought:
                if share > found.get(term, 0.0):
                    found[term] = share
                    sources[term] = (phrase, "lexicon")
    return Understanding(norm, found, sources)
