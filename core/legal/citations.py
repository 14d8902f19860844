"""Citations of legal provisions as people write them, parsed into structured references.

``parse_citations`` reads the legal-basis column of a duty item — ``《中华人民共和国安全生产法》
第七十七条``, ``《消防法》第五十三条第二款``, ``《城乡规划法》第四十一条、第四十二条``,
``第四十一条至第四十三条``, ``《土地管理法》第六十二条第一款第（三）项``, several laws in one
string, traditional characters, full-width punctuation, stray spaces — into
:class:`CitationRef` values (document title as written, normalised; article, paragraph and item
numbers). Whatever it cannot read comes back as :class:`Unparsed` with the reason; nothing is
dropped silently.

``resolve`` matches each reference's document against the library's titles (exact title, title
without 中华人民共和国, or a unique abbreviation such as 《消防法》 or 《环评法》); ambiguous or
unknown names come back as :class:`Unresolved` with the reason and the candidates.
``check_article`` tells whether the cited article / paragraph / item exists in a given version
of the text (the database layer calls it with the version it holds).

Traditional characters are converted with OpenCC when an OpenCC package is installed
(``opencc-python-reimplemented`` or ``OpenCC``), else with the table at the end of this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from core.legal.lawtext import PRC_PREFIX, LawText
from core.legal.numerals import (
    NUMERAL_CHARS,
    article_label,
    item_label,
    paragraph_label,
    parse_number,
)

__all__ = [
    "CitationRef",
    "Library",
    "Resolved",
    "TitleEntry",
    "Unparsed",
    "Unresolved",
    "check_article",
    "normalize_text",
    "normalize_title",
    "parse_citations",
    "resolve",
    "to_simplified",
]

NO_DOCUMENT = "no document named"
MAX_RANGE = 300  # 第一条至第三百条 is the longest range believable in a citation


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationRef:
    """One cited provision, or a whole document when ``article`` is None.

    ``document_title`` is the title as written, normalised (see :func:`normalize_title`);
    ``raw`` is the part of the input this reference was read from, as written. A reference
    continuing an earlier one (``第四十二条`` in ``《城乡规划法》第四十一条、第四十二条``) has
    only its own part as ``raw``; each reference of a range has the whole range.
    ``paragraph`` None with an ``item`` means the item of the article's only enumerating
    paragraph (``第六十二条第（三）项``). ``version_year`` is taken from an annotation right after
    the title, ``《土地管理法》（2019年修正）``.
    """

    document_title: str
    article: int | None
    paragraph: int | None = None
    item: int | None = None
    raw: str = ""
    version_year: int | None = None

    @property
    def label(self) -> str:
        """``第六十二条第一款第（三）项``; empty for a whole document."""
        if self.article is None:
            return ""
        out = article_label(self.article)
        if self.paragraph is not None:
            out += paragraph_label(self.paragraph)
        if self.item is not None:
            out += item_label(self.item)
        return out

    def __str__(self) -> str:
        return f"《{self.document_title}》{self.label}"


@dataclass(frozen=True)
class Unparsed:
    """Part of a citation string that names no provision we could read, and why."""

    raw: str
    reason: str


@dataclass(frozen=True)
class Resolved:
    """A reference whose document was found in the library."""

    ref: CitationRef
    document_key: str
    document_title: str  # the library's title of the document
    match: str  # "exact", "short" (without 中华人民共和国) or "abbreviation"


@dataclass(frozen=True)
class Unresolved:
    """A reference whose document could not be determined: unknown, or ambiguous."""

    ref: CitationRef
    reason: str
    candidates: tuple[str, ...] = ()  # library titles it could mean, when ambiguous


# --- normalisation ----------------------------------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ANGLE = str.maketrans({"<": "〈", ">": "〉", "«": "《", "»": "》", "﹝": "(", "﹞": ")"})


@lru_cache(maxsize=1)
def _opencc_converter() -> Callable[[str], str] | None:
    """OpenCC's traditional→simplified converter, when a package providing it is installed."""
    try:
        from opencc import OpenCC
    except ImportError:
        return None
    for config in ("t2s", "t2s.json"):  # opencc-python-reimplemented / OpenCC (the C++ one)
        try:
            converter = OpenCC(config)
            converter.convert("條")
        except Exception:  # any failure means: not usable, use the table
            continue
        return converter.convert
    return None


def _t2s_table(text: str) -> str:
    return text.translate(_T2S)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional characters → simplified, with OpenCC if installed, else the built-in table.

    Cached: the same titles and phrases recur in thousands of citations."""
    convert = _opencc_converter()
    if convert is not None:
        out = convert(text)
        if len(out) == len(text):  # t2s is character for character; keep positions aligned
            return out
    return _t2s_table(text)


def normalize_text(text: str) -> tuple[str, list[int]]:
    """The text as the parser reads it, and for each of its characters the original position.

    Full-width forms become half-width (NFKC: （）→(), ，→, ３→3), ``<``/``>`` become
    ``〈``/``〉``, and ``«»`` / ``<<…>>`` become ``《》``; whitespace except newlines and
    zero-width characters are dropped; traditional characters become simplified.
    """
    fast = _fast_normal(text)
    if fast is not None:
        return fast
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\r" or ch == "\n":
            if not (ch == "\r" and text.startswith("\n", i + 1)):
                out.append("\n")
                origin.append(i)
            i += 1
            continue
        if text.startswith(("<<", "＜＜", ">>", "＞＞"), i):
            out.append("《" if ch in "<＜" else "》")
            origin.append(i + 1)
            i += 2
            continue
        i += 1
        if ch in _ZERO_WIDTH or ch.isspace():
            continue
        for c in unicodedata.normalize("NFKC", ch).translate(_ANGLE):
            if not c.isspace():
                out.append(c)
                origin.append(i - 1)
    return to_simplified("".join(out)), origin


_SLOW = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]|<<|>>|＜＜|＞＞")


def _fast_normal(text: str) -> tuple[str, list[int]] | None:
    """:func:`normalize_text` for the usual citation — nothing to drop and NFKC changing no
    length — in whole-string operations (ten times quicker); None when the careful path is needed."""
    if _SLOW.search(text):
        return None
    folded = unicodedata.normalize("NFKC", text)
    if len(folded) != len(text):
        return None
    return to_simplified(folded.translate(_ANGLE)), list(range(len(text)))


@lru_cache(maxsize=16384)  # a title recurs in many citations; the library's titles are read every resolution
def normalize_title(title: str) -> str:
    """A document title in the form used for matching: see :func:`normalize_text`; without
    the 《》 marks and the spaces."""
    text, _ = normalize_text(title)
    return _without_outer_marks(text.replace("\n", "").replace("〈", "《").replace("〉", "》"))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "《" else -1 if ch == "》" else 0
        if depth < 0:
            return False
    return depth == 0


def _without_outer_marks(title: str) -> str:
    """The title without the 《》 around it but with those inside it (实施《中华人民共和国反外国制裁法》的规定
    names a law within its title: the corpus writes the inner marks as 《》, a citation often as 〈〉)."""
    while title.startswith("《") and title.endswith("》") and _balanced(title[1:-1]):
        title = title[1:-1]
    while title.startswith("《") and title.count("《") > title.count("》"):
        title = title[1:]
    while title.endswith("》") and title.count("》") > title.count("《"):
        title = title[:-1]
    return title


def _short(title: str) -> str:
    return title[len(PRC_PREFIX) :] if title.startswith(PRC_PREFIX) else title


# --- tokens -----------------------------------------------------------------------------------

_N = f"[{NUMERAL_CHARS}]+"
# a title written without 《》: CJK characters (not 的, not 第) ending like a law's title,
# followed by an article or the end of the citation: 中华人民共和国土地管理法第六十二条
_BARE_CHAR = "(?:(?!的|第)[\u3400-\u9fff])"
_BARE_KIND = "(?:法|条例|规定|办法|细则|规则)"
_BARE_LEAD = re.compile("^(?:违反|依据|根据|依照|按照|参照|遵照|详见|参见|见|按|依|据|执行|适用|对照)+")
_BARE_GENERIC = re.compile("^(?:本|该|上述|前述|下列|有关|相关|其他|其它|国家|上级|各项|现行|法律|法规|规定|办法|条例)")
_LIST_SEP = "(?:、|,|和|及|与|或|至|到|~|-|—|－|–)"
_ITEM_N = rf"\(?{_N}\)?"
_TOKENS: list[tuple[str, re.Pattern[str]]] = [
    # one level of nesting: 《关于修改《中华人民共和国统计法》的决定》 (〈〉 inside are plain characters here)
    ("title", re.compile(r"《((?:[^《》\n]|《[^《》\n]*》)*)》")),
    ("unclosed", re.compile(r"《[^《》\n]*(?=$|\n|《)")),
    ("bare_title", re.compile(rf"{_BARE_CHAR}{{2,40}}?{_BARE_KIND}(?=第|$|[;。\n,、])")),
    ("version", re.compile(r"\((\d{4})年?[^()]{0,8}\)")),
    ("article", re.compile(rf"(第)?({_N}(?:{_LIST_SEP}第?{_N})*)条(?:之({_N}))?")),
    ("paragraph", re.compile(rf"(第)?({_N}(?:{_LIST_SEP}第?{_N})*)款")),
    ("item", re.compile(rf"(第)?({_ITEM_N}(?:{_LIST_SEP}第?{_ITEM_N})*)项")),
    ("bare_item", re.compile(rf"\(({_N})\)")),
    ("range", re.compile("至|到|~|—|－|–|-")),
    ("stop", re.compile("[;。\n,]")),
    ("and", re.compile("以及|或者|[、和及与或]")),
]
_BAD_ARTICLE = re.compile(r"第([^第条款项《》;。\n,、]{1,8})条")
_BARE_CHAR_RE = re.compile(_BARE_CHAR)
# The characters each token can start with (read off its expression above; bare_title: any
# _BARE_CHAR): the loop tries at a position only the tokens its character can start, in
# _TOKENS's order — the same first match, without ten failed matches at every character.
_FIRST_CHARS = {
    "title": "《",
    "unclosed": "《",
    "version": "(",
    "article": "第" + NUMERAL_CHARS,
    "paragraph": "第" + NUMERAL_CHARS,
    "item": "第(" + NUMERAL_CHARS,
    "bare_item": "(",
    "range": "至到~—－–-",
    "stop": ";。\n,",
    "and": "以或、和及与",
}


@lru_cache(maxsize=8192)
def _tokens_at(ch: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (name, pattern)
        for name, pattern in _TOKENS
        if (_BARE_CHAR_RE.match(ch) if name == "bare_title" else ch in _FIRST_CHARS[name])
    )


_LIST_SPLIT = re.compile(f"({_LIST_SEP})")
_LIST_SEP_RE = re.compile(_LIST_SEP)


def _numbers(spec: str) -> list[int] | str:
    """``四十一、四十二`` → [41, 42]; ``一至三`` → [1, 2, 3]; a reason string when unreadable."""
    parts = _LIST_SPLIT.split(spec)
    values: list[int] = []
    range_next = False
    for part in parts:
        if not part:
            continue
        if _LIST_SEP_RE.fullmatch(part):
            range_next = part in ("至", "到", "~", "-", "—", "－", "–")
            continue
        try:
            n = parse_number(part.lstrip("第").strip("()"))
        except ValueError:
            return f"unreadable number {part!r}"
        if range_next and values:
            if n <= values[-1] or n - values[-1] > MAX_RANGE:
                return f"range {values[-1]}–{n} runs backwards or is too long"
            values.extend(range(values[-1] + 1, n + 1))
        else:
            values.append(n)
        range_next = False
    return values


@dataclass
class _Ref:
    title: str | None
    article: int | None
    paragraph: int | None
    item: int | None
    start: int
    end: int
    chunk: int
    version_year: int | None = None


@dataclass
class _State:
    title: str | None = None
    title_start: int = 0
    title_end: int = 0
    title_used: bool = True
    version_year: int | None = None
    last: _Ref | None = None
    level: str | None = None  # level of the last reference token: article / paragraph / item
    adjacent: bool = False  # the last token was a reference token, nothing in between
    after_sep: bool = False  # a list separator (、，和 …) since the last reference token
    pending_range: bool = False
    range_start: int = 0
    refs: list[_Ref] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)


# The commonest citation, a title and one article and nothing else (《消防法》第五十三条): read
# with one expression instead of the token loop below — what the loop would give, a quarter of
# the time (tests/test_citations.py checks the two agree).
_ONE_ARTICLE = re.compile(rf"《([^《》\n]+)》第({_N})条")


def _one_article(text: str, s: str, origin: list[int]) -> CitationRef | None:
    m = _ONE_ARTICLE.fullmatch(s)
    if m is None or len(s) != len(text) or origin[-1] != len(text) - 1:
        return None  # something was dropped or folded while normalising: the careful path
    try:
        number = parse_number(m.group(2))  # numerals only: no list, no range
    except ValueError:
        return None  # the token loop says why
    if number < 1:
        return None
    return CitationRef(normalize_title(m.group(1)), number, None, None, text.strip())


def parse_citations(text: str, *, default_title: str | None = None) -> list[CitationRef | Unparsed]:
    """Every citation in ``text``, in order; unreadable parts as :class:`Unparsed`.

    A reference without a document of its own continues the last document named before it
    (``《A法》第一条，第三条``); when none was named, ``default_title`` is used if given (the
    document may be known from another column), else the reference is :class:`Unparsed` with
    the reason ``"no document named"``. A document named with no article is a reference with
    ``article=None`` (the whole document).
    """
    s, origin = normalize_text(text)
    simple = _one_article(text, s, origin)
    if simple is not None:
        return [simple]

    def raw(start: int, end: int) -> str:
        if start >= end or not origin:
            return ""
        return text[origin[start] : origin[end - 1] + 1].strip()

    st = _State()
    chunk = 0
    chunk_start = 0
    chunk_has_content = False
    chunk_noise = False

    def close_chunk(end: int) -> None:
        nonlocal chunk, chunk_start, chunk_has_content, chunk_noise
        if chunk_noise and not chunk_has_content:
            st.problems.append((chunk_start, end, NO_DOCUMENT))
        chunk += 1
        chunk_has_content = False
        chunk_noise = False

    def flush_title() -> None:
        if st.title is not None and not st.title_used:
            st.refs.append(_Ref(st.title, None, None, None, st.title_start, st.title_end, chunk, st.version_year))
            st.title_used = True

    def new_ref(art: int, para: int | None, item: int | None, start: int, end: int) -> _Ref:
        if not st.title_used:
            start = st.title_start
            st.title_used = True
        ref = _Ref(st.title, art, para, item, start, end, chunk, st.version_year)
        st.refs.append(ref)
        return ref

    pos = 0
    while pos < len(s):
        kind, m = None, None
        for name, pattern in _tokens_at(s[pos]):
            if name == "bare_title" and pos and _BARE_CHAR_RE.match(s[pos - 1]):
                continue  # a name without 《》 starts where a run of characters starts
            m = pattern.match(s, pos)
            if m and m.end() > pos:
                kind = name
                break
        if kind is None or m is None:
            bad = _BAD_ARTICLE.match(s, pos)
            if bad:
                st.problems.append((pos, bad.end(), f"unreadable article number {bad.group(1)!r}"))
                chunk_has_content = st.title_used = True
                st.adjacent = False
                pos = bad.end()
                continue
            if s[pos] not in "()[]:：\"'“”‘’":
                chunk_noise = True
            st.adjacent = False
            st.pending_range = False
            pos += 1
            continue
        start, end = m.start(), m.end()
        pos = end

        if kind == "bare_title":
            name = m.group(0)
            cut = name.find(PRC_PREFIX)
            lead = _BARE_LEAD.match(name)
            cut = cut if cut > 0 else lead.end() if lead else 0
            name, start = name[cut:], start + cut
            if len(name) < 3 or _BARE_GENERIC.match(name):
                # "有关规定", "本法": not a document's name
                chunk_noise = True
                st.adjacent = st.pending_range = False
                continue
        if kind in ("title", "bare_title"):
            flush_title()
            title = (m.group(1) if kind == "title" else name).strip()
            chunk_has_content = True
            if not title:
                st.problems.append((start, end, "empty document title 《》"))
                continue
            st.title, st.title_start, st.title_end = title, start, end
            st.title_used, st.version_year = False, None
            st.last, st.level = None, None
            st.adjacent = st.after_sep = st.pending_range = False
            continue
        if kind == "unclosed":
            st.problems.append((start, end, "《 without a closing 》"))
            chunk_has_content = True
            st.adjacent = False
            continue
        if kind == "version":
            if st.title is not None and st.title_end == start:
                st.version_year = int(m.group(1))
                st.title_end = end
                continue
            st.adjacent = False  # a parenthesis elsewhere is just text
            continue
        if kind == "stop":
            st.adjacent, st.after_sep, st.pending_range = False, True, False
            close_chunk(start)
            chunk_start = end
            continue
        if kind == "and":
            st.adjacent, st.after_sep, st.pending_range = False, True, False
            continue
        if kind == "range":
            if st.last is not None and st.adjacent:
                st.pending_range = True
                st.adjacent = False
            else:
                chunk_noise = True
            continue
        if kind == "bare_item":
            if st.last is None or not (st.adjacent and st.level in ("article", "paragraph")):
                st.adjacent = False  # "(一)" that is not an item of a cited article
                continue
            nums: list[int] | str = [parse_number(m.group(1))]
            has_di = True
            kind = "item"
        else:
            has_di = bool(m.group(1))
            nums = _numbers(m.group(2))

        # article / paragraph / item ------------------------------------------------------
        continuing = st.after_sep or st.pending_range
        if not has_di and not (continuing and st.last is not None):
            chunk_noise = True  # "3条" without 第, out of any list: not a citation
            st.adjacent = False
            continue
        chunk_has_content = True
        if isinstance(nums, str):
            st.problems.append((start, end, nums))
            st.title_used = True
            st.adjacent = st.pending_range = False
            continue
        if kind == "article" and m.group(3):
            st.problems.append((start, end, "supplementary articles (第…条之…) cannot be addressed by number"))
            st.title_used = True
            st.adjacent = st.pending_range = False
            continue
        if st.pending_range and st.last is not None:
            previous = {"article": st.last.article, "paragraph": st.last.paragraph, "item": st.last.item}[kind]
            if previous is None or st.level != kind:
                st.problems.append((start, end, "a range between different kinds of numbers"))
                st.adjacent = st.pending_range = False
                continue
            if nums[0] <= previous or nums[0] - previous > MAX_RANGE:
                reason = f"range {previous}–{nums[0]} runs backwards or is too long"
                st.problems.append((st.range_start, end, reason))
                st.adjacent = st.pending_range = False
                continue
            nums = list(range(previous + 1, nums[0] + 1)) + nums[1:]
            start = st.range_start
        if kind == "article":
            for n in nums:
                st.last = new_ref(n, None, None, start, end)
        else:
            last = st.last
            if last is None:
                st.problems.append(
                    (start, end, f"{'paragraph' if kind == 'paragraph' else 'item'} cited without an article")
                )
                st.adjacent = st.pending_range = False
                continue
            attach = st.adjacent and (
                (kind == "paragraph" and st.level == "article" and last.paragraph is None)
                or (kind == "item" and st.level in ("article", "paragraph") and last.item is None)
            )
            for k, n in enumerate(nums):
                if k == 0 and attach:
                    if kind == "paragraph":
                        last.paragraph = n
                    else:
                        last.item = n
                    last.end = end
                    continue
                para = n if kind == "paragraph" else last.paragraph
                item = n if kind == "item" else None
                assert last.article is not None  # only article references become `last`
                last = new_ref(last.article, para, item, start, end)
            st.last = last
        st.level = kind
        st.range_start = start
        st.adjacent, st.after_sep, st.pending_range = True, False, False
    flush_title()
    close_chunk(len(s))

    # references without a document: one Unparsed per chunk, unless a default title is given
    results: list[tuple[int, int, CitationRef | Unparsed]] = []
    orphan_chunks: dict[int, tuple[int, int]] = {}
    for seq, r in enumerate(st.refs):
        title = r.title if r.title is not None else default_title
        if title is None:
            lo, hi = orphan_chunks.get(r.chunk, (r.start, r.end))
            orphan_chunks[r.chunk] = (min(lo, r.start), max(hi, r.end))
            continue
        ref = CitationRef(
            document_title=normalize_title(title),
            article=r.article,
            paragraph=r.paragraph,
            item=r.item,
            raw=raw(r.start, r.end),
            version_year=r.version_year,
        )
        results.append((r.start, seq, ref))
    for lo, hi in orphan_chunks.values():
        results.append((lo, -1, Unparsed(raw(lo, hi), NO_DOCUMENT)))
    for lo, hi, reason in st.problems:
        results.append((lo, -1, Unparsed(raw(lo, hi), reason)))
    results.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in results]


# --- resolution -------------------------------------------------------------------------------

_KINDS = ("实施条例", "实施细则", "实施办法", "条例", "办法", "规定", "细则", "规则", "决定", "法")


def _kind(title: str) -> str:
    t = re.sub(r"\([^()]*\)$", "", title)  # 社会救助暂行办法(试行) → …办法
    return next((k for k in _KINDS if t.endswith(k)), "")


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


#: Levels from the highest: among equally local candidates the higher level wins.
LEVEL_RANK = {"宪法": 0, "法律": 1, "行政法规": 2, "部门规章": 3, "地方性法规": 4, "地方政府规章": 5, "党内法规": 6}


@dataclass(frozen=True)
class TitleEntry:
    """A document resolution may name: its title, key, and what disambiguates it.

    ``own`` — the tenant's own document (wins over the shared library's); ``region_code`` — the
    GB/T 2260 prefix of a local document (the longer, the more local, the more preferred);
    ``visible`` — False for a local document of another region, kept only to say why a citation
    of it does not resolve.
    """

    title: str
    key: str
    level: str = ""
    region_code: str | None = None
    own: bool = False
    abbreviations: tuple[str, ...] = ()
    visible: bool = True
    region_name: str = ""

    def rank(self) -> tuple[int, int, int]:
        return (0 if self.own else 1, -len(self.region_code or ""), LEVEL_RANK.get(self.level, 9))


@lru_cache(maxsize=16384)
def _title_forms(title: str) -> tuple[str, str]:
    norm = normalize_title(title)
    return norm, _short(norm)


class Library:
    """The titles a tenant may cite, indexed for resolution: exact, short and listed names in
    dicts, the abbreviation rules over the titles of the cited name's kind only."""

    def __init__(self, entries: Iterable[TitleEntry]) -> None:
        self.entries = list(entries)
        self._exact: dict[str, list[TitleEntry]] = {}
        self._short: dict[str, list[TitleEntry]] = {}
        self._listed: dict[str, list[TitleEntry]] = {}
        self._by_kind: dict[str, list[tuple[str, TitleEntry]]] = {}
        self._elsewhere: dict[str, TitleEntry] = {}
        for e in self.entries:
            norm, short = _title_forms(e.title)
            if not e.visible:
                self._elsewhere.setdefault(norm, e)
                self._elsewhere.setdefault(short, e)
                continue
            self._exact.setdefault(norm, []).append(e)
            self._short.setdefault(short, []).append(e)
            for a in e.abbreviations:
                self._listed.setdefault(_title_forms(a)[0], []).append(e)
            self._by_kind.setdefault(_kind(short), []).append((short, e))

    @classmethod
    def of_titles(cls, titles: Mapping[str, str]) -> Library:
        """A library of plain titles (title → key), without levels or regions."""
        return cls(TitleEntry(title, key) for title, key in titles.items())

    def lookup(self, ref: CitationRef) -> Resolved | Unresolved:
        cited = normalize_title(ref.document_title)
        short = _short(cited)
        kind = _kind(short)
        same_kind = self._by_kind.get(kind, []) if kind else []
        steps: list[tuple[str, Callable[[], list[TitleEntry]]]] = [
            ("exact", lambda: self._exact.get(cited, [])),
            ("short", lambda: self._short.get(short, [])),
            ("abbreviation", lambda: self._listed.get(short, []) or self._listed.get(cited, [])),
            ("abbreviation", lambda: [e for t, e in same_kind if short in t]),
            ("abbreviation", lambda: [e for t, e in same_kind if t[:1] == short[:1] and _is_subsequence(short, t)]),
        ]
        for how, find in steps:
            if how == "abbreviation" and not kind and not self._listed.get(short):
                break  # no abbreviation matching for names that are not law titles
            found = _best(find())
            if len(found) == 1:
                return Resolved(ref, found[0].key, found[0].title, how)
            if found:
                names = tuple(sorted({e.title for e in found}))
                shown = "、".join(f"《{n}》" for n in names[:6])
                more = f" and {len(names) - 6} more" if len(names) > 6 else ""
                return Unresolved(ref, f"ambiguous document 《{ref.document_title}》: could be {shown}{more}", names)
        away = self._elsewhere.get(cited) or self._elsewhere.get(short)
        if away is not None:
            where = away.region_name or away.region_code or ""
            return Unresolved(
                ref,
                f"《{away.title}》 is a {away.level or 'local document'} of {where} ({away.region_code}),"
                " not in force in this tenant's region",
                (away.title,),
            )
        return Unresolved(ref, f"unknown document 《{ref.document_title}》: not in the library")


def _best(found: list[TitleEntry]) -> list[TitleEntry]:
    """The candidates of the best rank (own, most local, highest level), one per document."""
    unique = list({e.key: e for e in found}.values())
    if len(unique) <= 1:
        return unique
    top = min(e.rank() for e in unique)
    return [e for e in unique if e.rank() == top]


def resolve(
    refs: Iterable[CitationRef | Unparsed], titles: Mapping[str, str] | Library
) -> list[Resolved | Unresolved | Unparsed]:
    """Match each reference's document against the library (or plain ``titles``, title → key).

    In order: the exact title; the title without 中华人民共和国 on either side; a listed
    abbreviation (民法典 customary 《食安法》, a local regulation without its region); a known
    title of the same kind (法, 条例, 实施条例, 办法 …) containing the cited name (《消防法》 →
    中华人民共和国消防法); a known title of the same kind, starting with the same character,
    of which the cited name is an abbreviation (《环评法》 → 环境影响评价法). The first step that
    finds a document wins; several are told apart by rank — the tenant's own first, then the
    most local region, then the higher level — and what stays tied is :class:`Unresolved`
    (ambiguous, with the candidates); none is :class:`Unresolved` (unknown, or a local document
    of another region, said so). :class:`Unparsed` entries pass through unchanged, so
    ``resolve(parse_citations(text), titles)`` loses nothing. Whether the article exists is for
    :func:`check_article` with the version in question.
    """
    index = titles if isinstance(titles, Library) else Library.of_titles(titles)
    out: list[Resolved | Unresolved | Unparsed] = []
    for ref in refs:
        out.append(ref if isinstance(ref, Unparsed) else index.lookup(ref))
    return out


def check_article(ref: CitationRef, law: LawText) -> str | None:
    """Why ``ref`` does not exist in this version of the law, or None when it does."""
    if ref.article is None:
        return None
    version = f"{law.title} ({law.version_date.isoformat()})" if law.version_date else law.title
    article = law.article(ref.article)
    if article is None:
        numbers = [a.number for a in law.articles]
        span = f"{article_label(min(numbers))}–{article_label(max(numbers))}" if numbers else "none"
        return f"{version} has no {article_label(ref.article)} (articles: {span})"
    label = article.label
    paragraph = None
    if ref.paragraph is not None:
        paragraph = article.paragraph(ref.paragraph)
        if paragraph is None:
            return (
                f"{version} {label} has no {paragraph_label(ref.paragraph)} "
                f"(it has {len(article.paragraphs)} paragraph(s))"
            )
        label += paragraph_label(ref.paragraph)
    if ref.item is None:
        return None
    if paragraph is None:
        enumerating = [p for p in article.paragraphs if p.items]
        if not enumerating:
            return f"{version} {label} has no items"
        if len(enumerating) > 1:
            return f"{version} {label} has items in {len(enumerating)} paragraphs; cite the paragraph as well"
        paragraph = enumerating[0]
    if paragraph.item(ref.item) is None:
        return f"{version} {label} has no {item_label(ref.item)} (it has {len(paragraph.items)} item(s))"
    return None


# --- traditional → simplified table -------------------------------------------------------
# Used only when no OpenCC package is installed. Derived from OpenCC's TSCharacters.txt
# (Apache-2.0, https://github.com/BYVoid/OpenCC), restricted to the traditional characters whose
# simplified form occurs in the shipped law library (core/legal/data/laws) and which are not
# themselves used in simplified text there (so 著, 乾 in 乾燥 etc. are not touched where the
# simplified text uses them): 948 characters, enough for titles and citations of those laws —
# 條→条, 華→华, 國→国, 產→产, 規→规, 劃→划, 鄉→乡, 鎮→镇, 區→区, 辦→办, 務→务, 關→关, 權→权 …
_T2S_TRADITIONAL = (
    "丟並乾亂亞佈佔併來侷係俬倉個們倖偉側偵偽備傢傭傳債傷傾僅僞僱價儀儉儘償優儲兌兒內兩冊凈凍"
    "別刪則剋剝創剷劃劇劑動務勛勝勞勢勳勵勸匯匱區協卹卽厠厤厲參員唸問啓啞啟喚喪喫喬單噁噴噹嚇"
    "嚮嚴囑國圍園圖團垻埰執堅報場塊塗塵墊墰墳墻墾壇壓壜壞壩壯壽夠夥夾奪奬奮娛婦嬰學宮寀實寧審"
    "寫寬將專尋對導屆屍屢層屬島崗嵗嶺嶼巖師帳帶幣幫幹幾庫廁廂廚廠廢廣廳弔張強彆彈彌彎彔彙彫後"
    "徑從復徵徹恥惡愛態慣慮慶憂憑憲應懞懲懷懸戰戲戶拋捨捲掃掛採揀揚換揮損搖搗搶摺摻撈撐撓撥撫"
    "撲擁擇擊擋擔據擠擣擬擱擲擴擺擾攔攜攝攤攬敎敗數斂斷於旣昇時晉暢暫曆曉曏書會朮東枴柵柺査桿"
    "條棄棲楓業極榘榦榮構槍樁樂樑樓標樞樣樸樹橋機橫檔檢檯櫃櫥欄權歡歲歷歸殘殯殲殺殻殼毀毆氈氣"
    "氾汎汙決沒沖況泝洩淨淩淺減測準溝溫溼滅滌滙滯滲滿漁漬漲漸漿潔潛潤澇澤澱濃濕濘濛濟濫濱瀆瀉"
    "瀕瀝瀰灑灘灣災為無煉煙熱燈燒燙營燬燻爍爐爭爲牀牆牽犧狀狹獎獨獲獵獸獻現琱環產産甯畢畫異畵"
    "當疇疊痠瘧療癒癥發盜盡監盤眞眾睏瞞矇矯確碼礎礙礦祕禦禮稅稈稟種稱穀積穢穩穫窩窪窯窺竈竊競"
    "筆筍箇節範築篩簡簽籌籤籬糞糧糰糾紀約紅納紐純紙級紛紮細紹終組結絕絡給絨統絲絶綁經綜綠綫維"
    "綱網綵緊緑線緝締編緩練緻縣縮縱縴總績織繕繞繩繪繫繳繼續纍纏纔纖纜罈罌罎罰罵罷羈羣義習翫聖"
    "聞聯聲職聽聾肅脅脩脫腦腫腸膠臟臥臨臺與興舉舊舘艙艦艱莊華菸萬葉葯蒐蓆蓋蔘蕪薦藍藝藥處虛號"
    "虧蝕蝦蟲蠅衆術衕衛衝裏補裝裡製複褻襬覈見規視親覺覽觀觸訂計訊討訓託記訟訪設許訴診註証詐評"
    "詢試話該詳誌認誘語誠誡誣誤說説誰課誹調談諉請諒論諧諮諾謀謊謗講謠謡謹證識譜譟譭譯議護譽讀"
    "變讓讚豐豬貓貝負財貢貧貨販貪貫責貯貴貶買貸費貼貿賂賃賄資賑賓賠賣賦質賬賭賴購賽贈贊贍贏贓"
    "贜趕趨跡踐踰蹟蹤躍車軋軌軍軟較載輓輔輕輛輟輪輯輸輻輿轄轅轉辦辭辯農迴這連週進遊運過達違遙"
    "遞遠遡適遲遷選遺遼還邊郵鄉鄧鄰醖醞醣醫釀釁釋針釣釦鈎鈡鈴鉅鉆鉛鉤鉸鉻銀銃銘銜銷鋒鋪鋸鋼錄"
    "錢錯録錶鍊鍋鍍鍛鍵鍼鍾鎖鎘鎭鎮鏇鏈鏟鐘鐵鑄鑑鑒鑽鑿長門閃閉開閑閒間閘閤閱閲闆闇闖關闡闢陞"
    "陳陸陽隊階際隨險隱隸隻雖雙雜雞離難雲電霧靈鞏鞦韆響頁頂頃項順須預頒頓領頭頻顆題額顏顔願類"
    "顧顯風颱飄飛飯飲飼飾養餌餘館餵饋馬馭馴駁駐駕駛駡騎騙騷驅驗驟髒體髮鬚鬥鬧鬨鬱魚魯鮮鱉鳥鳴"
    "鴉鴨鵝鵰鷄鹹鹼鹽麗麪麫麯麴麵黃點黨黴鼕齊齡齣龍𡻕"
)
_T2S_SIMPLIFIED = (
    "丢并干乱亚布占并来局系私仓个们幸伟侧侦伪备家佣传债伤倾仅伪雇价仪俭尽偿优储兑儿内两册净冻"
    "别删则克剥创铲划剧剂动务勋胜劳势勋励劝汇匮区协恤即厕历厉参员念问启哑启唤丧吃乔单恶喷当吓"
    "向严嘱国围园图团坝采执坚报场块涂尘垫坛坟墙垦坛压坛坏坝壮寿够伙夹夺奖奋娱妇婴学宫采实宁审"
    "写宽将专寻对导届尸屡层属岛岗岁岭屿岩师帐带币帮干几库厕厢厨厂废广厅吊张强别弹弥弯录汇雕后"
    "径从复征彻耻恶爱态惯虑庆忧凭宪应蒙惩怀悬战戏户抛舍卷扫挂采拣扬换挥损摇捣抢折掺捞撑挠拨抚"
    "扑拥择击挡担据挤捣拟搁掷扩摆扰拦携摄摊揽教败数敛断于既升时晋畅暂历晓向书会术东拐栅拐查杆"
    "条弃栖枫业极矩干荣构枪桩乐梁楼标枢样朴树桥机横档检台柜橱栏权欢岁历归残殡歼杀壳壳毁殴毡气"
    "泛泛污决没冲况溯泄净凌浅减测准沟温湿灭涤汇滞渗满渔渍涨渐浆洁潜润涝泽淀浓湿泞蒙济滥滨渎泻"
    "濒沥弥洒滩湾灾为无炼烟热灯烧烫营毁熏烁炉争为床墙牵牺状狭奖独获猎兽献现雕环产产宁毕画异画"
    "当畴叠酸疟疗愈症发盗尽监盘真众困瞒蒙矫确码础碍矿秘御礼税秆禀种称谷积秽稳获窝洼窑窥灶窃竞"
    "笔笋个节范筑筛简签筹签篱粪粮团纠纪约红纳纽纯纸级纷扎细绍终组结绝络给绒统丝绝绑经综绿线维"
    "纲网彩紧绿线缉缔编缓练致县缩纵纤总绩织缮绕绳绘系缴继续累缠才纤缆坛罂坛罚骂罢羁群义习玩圣"
    "闻联声职听聋肃胁修脱脑肿肠胶脏卧临台与兴举旧馆舱舰艰庄华烟万叶药搜席盖参芜荐蓝艺药处虚号"
    "亏蚀虾虫蝇众术同卫冲里补装里制复亵摆核见规视亲觉览观触订计讯讨训托记讼访设许诉诊注证诈评"
    "询试话该详志认诱语诚诫诬误说说谁课诽调谈诿请谅论谐咨诺谋谎谤讲谣谣谨证识谱噪毁译议护誉读"
    "变让赞丰猪猫贝负财贡贫货贩贪贯责贮贵贬买贷费贴贸赂赁贿资赈宾赔卖赋质账赌赖购赛赠赞赡赢赃"
    "赃赶趋迹践逾迹踪跃车轧轨军软较载挽辅轻辆辍轮辑输辐舆辖辕转办辞辩农回这连周进游运过达违遥"
    "递远溯适迟迁选遗辽还边邮乡邓邻酝酝糖医酿衅释针钓扣钩钟铃巨钻铅钩铰铬银铳铭衔销锋铺锯钢录"
    "钱错录表炼锅镀锻键针钟锁镉镇镇旋链铲钟铁铸鉴鉴钻凿长门闪闭开闲闲间闸合阅阅板暗闯关阐辟升"
    "陈陆阳队阶际随险隐隶只虽双杂鸡离难云电雾灵巩秋千响页顶顷项顺须预颁顿领头频颗题额颜颜愿类"
    "顾显风台飘飞饭饮饲饰养饵余馆喂馈马驭驯驳驻驾驶骂骑骗骚驱验骤脏体发须斗闹哄郁鱼鲁鲜鳖鸟鸣"
    "鸦鸭鹅雕鸡咸碱盐丽面面曲曲面黄点党霉冬齐龄出龙岁"
)
_T2S = str.maketrans(_T2S_TRADITIONAL, _T2S_SIMPLIFIED)
