"""The words of Chinese text — one understanding shared by the responsibility lookup, the API
and GraphQL search and the portal search.

Normalising. NFKC (full-width → half-width), traditional → simplified, lower case.

Segmenting. Chinese has no spaces, and matching by characters confuses matters that share one
(服务 in 人口与计划生育服务 is not the 服务 of a restaurant). Text is cut into words by jieba
(precise mode, without its HMM guesser so that the same string always gives the same words; the
dictionary is the one shipped in jieba's wheel, plus every word of the domain lexicon so that
低保 or 控辍保学 stay whole). A word of three or more characters also yields the dictionary
words inside it (最低生活保障 → 最低, 生活, 保障) at a lower weight, so 生活保障 still finds it; a
run of characters the dictionary does not know (rare place or technical words) yields its
character bigrams at a lower weight. **Single characters are never terms**: a text whose
content is one character is the only exception (its terms are then that character).
A character the lists give with its alternative inside a word (居(村)民委员会) splits that word
when cut as written; such text is read both ways (:func:`alternatives`).

The domain lexicon (:mod:`core.publication.lexicon`, data in ``lexicon.json``) reads the
colloquial words into list vocabulary and back; pinyin (pypinyin) gives typo tolerance for words
the catalog does not know (森林放火 → 森林防火): see :func:`pinyin_key`.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from core.legal.citations import to_simplified

#: Weights of a text's terms: a word, a dictionary word inside a longer word, a bigram of
#: characters the dictionary does not know.
WORD, PART, BIGRAM = 1.0, 0.6, 0.5
#: Lexicon words up to this length are added to the segmenter's dictionary.
MAX_ADDED_WORD = 6
#: The prefix of a single-character term (only for texts whose content is one character).
CHAR = "#"

#: Characters that never start or end a bigram of unknown characters: function words.
STOP_CHARS = frozenset(
    "的了吗呢啊吧呀哦哈嘛么很太都也就还又再是在有没不我你他她它们这那个些和与及或被把给让对从到为着过得地呗哎想问下去来要会能"
)


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


_TOKENIZER_LOCK = threading.Lock()


def _tokenizer() -> object:
    """jieba's tokenizer on its shipped dictionary, with the lexicon's words added (built once,
    ~1.5 s; jieba caches the prefix dictionary in the user cache directory). Locked: the app's
    warm-up (:func:`warm`) builds it in a worker thread while a request may ask for it."""
    if _built:
        return _built[0]
    with _TOKENIZER_LOCK:
        if not _built:
            _built.append(_build_tokenizer())
    return _built[0]


_built: list[object] = []


def _build_tokenizer() -> object:
    import jieba
    import platformdirs

    from core.publication.lexicon import core_lexicon

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    cache = Path(platformdirs.user_cache_dir("qingdan"))
    cache.mkdir(parents=True, exist_ok=True)
    tokenizer.tmp_dir = str(cache)
    tokenizer.initialize()
    for word in core_lexicon().vocabulary():
        # whole phrases (城乡居民基本医疗保险参保) are left to the dictionary's words
        if 1 < len(word) <= MAX_ADDED_WORD and all(_is_cjk(ch) for ch in word):
            tokenizer.add_word(word, freq=max(tokenizer.FREQ.get(word, 0), 2000))
    return tokenizer


def word_frequency(word: str) -> int:
    """How common ``word`` is in jieba's dictionary (0 when it does not know it)."""
    return int(_tokenizer().FREQ.get(word, 0) or 0)  # type: ignore[attr-defined]  # a jieba.Tokenizer


def segment(text: str) -> list[str]:
    """The words of normalised ``text`` in order (precise mode; letters/digits as one word each;
    punctuation dropped)."""
    tokenizer = _tokenizer()
    words: list[str] = []
    for run in runs(text):
        if _is_cjk(run[0]):
            words.extend(tokenizer.cut(run, HMM=False))  # type: ignore[attr-defined]  # a jieba.Tokenizer
        else:
            words.append(run)
    return words


def _parts(word: str) -> Iterable[str]:
    """Dictionary words of two or three characters inside a longer word."""
    freq = _tokenizer().FREQ  # type: ignore[attr-defined]  # a jieba.Tokenizer
    for size in (2, 3):
        for i in range(len(word) - size + 1):
            part = word[i : i + size]
            if part != word and freq.get(part):
                yield part


#: A character given with its alternative inside a word, as the lists write them: 居(村)民委员会
#: (居民委员会 or 村民委员会), 党(工)委, 村(居)民 — normalised brackets, Chinese on both sides.
_ALTERNATIVE = re.compile(r"([\u4e00-\u9fff])\(([\u4e00-\u9fff])\)([\u4e00-\u9fff])")


def alternatives(norm: str) -> list[str]:
    """Normalised ``norm`` read each way where it gives a character's alternative inside a word
    (居(村)民委员会 → 居民委员会…, 村民委员会…); else ``[norm]``. Cut as written, the bracket splits the
    word, and the item that writes it so never matches 居委会's 居民委员会 that its siblings match.
    Inside a word means: each alternative makes a dictionary word with the next character (居民,
    村民; not 社区(村)党组织, whose 区党 and 村党 are none)."""
    if "(" not in norm or not _ALTERNATIVE.search(norm):
        return [norm]

    def inside(m: re.Match[str]) -> bool:
        return bool(word_frequency(m[1] + m[3]) and word_frequency(m[2] + m[3]))

    first = _ALTERNATIVE.sub(lambda m: m[1] + m[3] if inside(m) else m[0], norm)
    if first == norm:
        return [norm]
    return [first, _ALTERNATIVE.sub(lambda m: m[2] + m[3] if inside(m) else m[0], norm)]


def terms(
    text: str, stopwords: frozenset[str] = frozenset(), *, normalised: bool = False, parts: bool = True
) -> dict[str, float]:
    """Weighted terms of ``text`` (weights add up over repeats): its words of two or more
    characters that are not ``stopwords`` (:data:`WORD`), the dictionary words inside the longer
    ones (:data:`PART`) and the bigrams of runs of unknown single characters (:data:`BIGRAM`) —
    those two only with ``parts``. A text whose content is a single character gives that
    character (``#`` + it). A text giving alternatives inside a word (:func:`alternatives`) has
    the terms of each reading, at the higher weight where both have one."""
    norm = text if normalised else normalise(text)
    readings = alternatives(norm)
    if len(readings) == 1:
        return _terms(norm, stopwords, parts)
    out: dict[str, float] = {}
    for reading in readings:
        for term, weight in _terms(reading, stopwords, parts).items():
            out[term] = max(weight, out.get(term, 0.0))
    return out


def _terms(norm: str, stopwords: frozenset[str], parts: bool) -> dict[str, float]:
    out: dict[str, float] = {}

    def add(term: str, weight: float) -> None:
        out[term] = out.get(term, 0.0) + weight

    singles: list[str] = []

    def flush() -> None:
        for a, b in itertools.pairwise(singles if parts else ()):
            if a + b not in stopwords:
                add(a + b, BIGRAM)
        singles.clear()

    for word in segment(norm):
        if len(word) == 1 and _is_cjk(word):
            if word in STOP_CHARS:
                flush()
            else:
                singles.append(word)
            continue
        flush()
        if word in stopwords:
            continue
        add(word, WORD)
        if parts and len(word) > 2 and _is_cjk(word[0]):
            for part in _parts(word):
                if part not in stopwords:
                    add(part, PART)
    flush()
    if not out:
        content = [ch for ch in norm if _is_cjk(ch)]
        if len(content) == 1:
            out[CHAR + content[0]] = WORD
    return out


def characters(text: str) -> dict[str, float]:
    """The single-character terms of ``text`` (``#`` + character), for one-character queries."""
    out: dict[str, float] = {}
    for ch in normalise(text):
        if _is_cjk(ch):
            out[CHAR + ch] = out.get(CHAR + ch, 0.0) + 1.0
    return out


def warm() -> None:
    """Load what the first text read would otherwise wait for (~2 s on one core): jieba's
    dictionary with the lexicon's words, and pypinyin's tables. Blocking: run it in a thread."""
    _tokenizer()
    pinyin_key("预热")


@functools.lru_cache(maxsize=65536)
def pinyin_key(word: str) -> str:
    """The toneless pinyin of ``word`` (放火 and 防火 → ``fang huo``): words that sound alike."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))
