"""Parse the text of a law or regulation as published into articles, paragraphs and items.

The input format is the one of the shipped library (``LIBRARY_DIR``, see its README.md for
provenance)::

    # 中华人民共和国安全生产法              ← full title
    2002年6月29日 第九届…会议通过            ← history: one line per adoption / amendment
    2021年6月10日 …第三次修正
    <!-- INFO END -->                       ← end of the header
    ## 第一章 总则                           ← chapter (### 第一节 … is a section)
    第一条 为了加强安全生产工作，……          ← an article (条); the rest of the line is 第一款
    ……                                      ← each further line is a paragraph (款)
    （一）……                                ← items (项) of the paragraph above

Pure Python, no database: the legal-basis library calls :func:`parse_law` /
:func:`load_law_file` / :func:`iter_library` and stores what comes back. Parsing never raises
on irregular input; what looks wrong (numbering gaps, duplicates, stray text) is recorded in
``LawText.warnings``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.legal.numerals import (
    NUMERAL_CHARS,
    article_label,
    item_label,
    item_marker,
    paragraph_label,
    parse_number,
)

__all__ = [
    "LIBRARY_DIR",
    "Article",
    "HistoryEntry",
    "Item",
    "LawText",
    "Paragraph",
    "Provision",
    "guess_level",
    "iter_library",
    "load_law_file",
    "parse_law",
    "short_title",
]

#: The reference library shipped with the project: 68 national laws and State Council
#: regulations in category folders, ten in two versions; README.md there has the provenance.
LIBRARY_DIR = Path(__file__).resolve().parent / "data" / "laws"

PRC_PREFIX = "中华人民共和国"

LEVEL_LAW = "法律"
LEVEL_ADMIN_REGULATION = "行政法规"
LEVEL_LOCAL_REGULATION = "地方性法规"
LEVEL_OTHER = "其他"


@dataclass(frozen=True)
class Item:
    """An item (项), the line ``（三）……`` under a paragraph."""

    number: int
    text: str  # without the ``（三）`` marker


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (款) of an article: its own text and the items that follow it."""

    number: int  # 1-based position in the article
    text: str
    items: tuple[Item, ...] = ()

    def item(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)

    @property
    def full_text(self) -> str:
        """The paragraph with its items, one per line, markers restored."""
        return "\n".join([self.text, *(item_marker(i.number) + i.text for i in self.items)])


@dataclass(frozen=True)
class Article:
    """An article (条)."""

    number: int
    label: str  # canonical, e.g. 第七十七条, whatever spacing the source used
    chapter: str | None  # e.g. "第一章 总则" (spaces inside the name removed)
    section: str | None  # e.g. "第一节 一般规定"
    paragraphs: tuple[Paragraph, ...]

    def paragraph(self, number: int) -> Paragraph | None:
        if 1 <= number <= len(self.paragraphs):
            return self.paragraphs[number - 1]
        return None

    @property
    def text(self) -> str:
        return "\n".join(p.full_text for p in self.paragraphs)


@dataclass(frozen=True)
class Provision:
    """One addressable unit — an article, a paragraph or an item — flattened for storage.

    ``paragraph`` and ``item`` are None at the levels above them; ``text`` is the unit's own
    text (an article's and a paragraph's include what is below them).
    """

    article: int
    paragraph: int | None
    item: int | None
    label: str  # 第六十二条, 第六十二条第一款, 第六十二条第一款第（三）项
    text: str


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the adoption / amendment history: its date and the rest of the line."""

    date: date
    text: str


@dataclass(frozen=True)
class LawText:
    """One version of a law as published."""

    title: str
    short_title: str  # the title without the 中华人民共和国 prefix
    version_date: date | None  # from the file name ``(YYYY-MM-DD)``, else from the history
    level: str  # 法律 / 行政法规 / 地方性法规 / 其他, see guess_level
    history: tuple[HistoryEntry, ...]
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    source_name: str | None = None
    _by_number: dict[int, Article] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        for a in self.articles:  # the first of duplicate numbers wins (a warning says so)
            self._by_number.setdefault(a.number, a)

    def article(self, number: int) -> Article | None:
        return self._by_number.get(number)

    def provisions(self) -> Iterator[Provision]:
        """Every article, then its paragraphs, then their items, in document order."""
        for a in self.articles:
            yield Provision(a.number, None, None, a.label, a.text)
            for p in a.paragraphs:
                p_label = a.label + paragraph_label(p.number)
                yield Provision(a.number, p.number, None, p_label, p.full_text)
                for i in p.items:
                    yield Provision(a.number, p.number, i.number, p_label + item_label(i.number), i.text)

    @property
    def article_count(self) -> int:
        return len(self.articles)

    @property
    def chapters(self) -> list[str]:
        """Chapter headings in order of appearance."""
        seen: dict[str, None] = {}
        for a in self.articles:
            if a.chapter:
                seen.setdefault(a.chapter)
        return list(seen)


# --- regular expressions --------------------------------------------------------------------

_NUM = f"[{NUMERAL_CHARS}]"
# whitespace as it appears in the texts: ASCII, full-width space, no-break and zero-width spaces
_SPACE = "[\\s\u3000\u00a0\u200b\u200c\u200d\ufeff]"
_ARTICLE_RE = re.compile(f"^第{_SPACE}*((?:{_NUM}{_SPACE}*)+?)条(?:{_SPACE}*之{_SPACE}*({_NUM}+))?({_SPACE}*)(.*)$")
_HEADING_RE = re.compile(f"^第{_SPACE}*({_NUM}+){_SPACE}*([编章节])(?:{_SPACE}+(.*))?$")
_ITEM_RE = re.compile(f"^[（(]{_SPACE}*({_NUM}+){_SPACE}*[）)]{_SPACE}*(.*)$")
_CN_DATE = "[0-9０-９〇○零一二三四五六七八九十]"
_DATE_RE = re.compile(
    f"^({_CN_DATE}{{4}}){_SPACE}*年{_SPACE}*({_CN_DATE}{{1,3}}){_SPACE}*月"
    f"{_SPACE}*({_CN_DATE}{{1,3}}){_SPACE}*日{_SPACE}*(.*)$"
)
_FILE_DATE_RE = re.compile(r"[(（](\d{4})-(\d{1,2})-(\d{1,2})[)）]")
_INFO_END = "<!-- INFO END -->"


def _clean(line: str) -> str:
    """A line with zero-width characters dropped and surrounding whitespace trimmed."""
    return re.sub("[\u200b\u200c\u200d\ufeff]", "", line).strip(" \t\r\n\u3000\u00a0")


def _squash(text: str) -> str:
    return re.sub(f"{_SPACE}+", "", text)


def short_title(title: str) -> str:
    """The title without the 中华人民共和国 prefix: 中华人民共和国消防法 → 消防法."""
    t = title.strip()
    return t[len(PRC_PREFIX) :] if t.startswith(PRC_PREFIX) and len(t) > len(PRC_PREFIX) else t


def guess_level(title: str, history: list[HistoryEntry] | tuple[HistoryEntry, ...] = ()) -> str:
    """The level of the document in the hierarchy of norms, guessed from the title and history.

    Deliberately simple: a title ending in 法 is a law (法律) — but 土地管理法实施条例 and
    社会救助暂行办法 are not; a title ending in 条例 / 规定 / 办法 / 细则 / 规则 is an
    administrative regulation (行政法规) when the history names the State Council (国务院),
    or when there is no history and the title carries the 中华人民共和国 prefix; a local
    regulation (地方性法规) when the history names a people's congress (人民代表大会)
    instead; anything else is 其他. A stored document's level is data and can be corrected
    by hand.
    """
    t = re.sub(r"[(（][^)）]*[)）]$", "", _squash(title))  # drop a trailing "(试行)" etc.
    if re.search("(条例|规定|办法|细则|规则)$", t):
        history_text = "".join(h.text for h in history)
        if "国务院" in history_text:
            return LEVEL_ADMIN_REGULATION
        if "人民代表大会" in history_text:
            return LEVEL_LOCAL_REGULATION
        if not history and t.startswith(PRC_PREFIX):
            return LEVEL_ADMIN_REGULATION
        return LEVEL_OTHER
    if t.endswith("法"):
        return LEVEL_LAW
    return LEVEL_OTHER


def _parse_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(parse_number(y), parse_number(m), parse_number(d))
    except ValueError:
        return None


def _strip_unbalanced_paren(text: str) -> str:
    """History lines copied from the official site sometimes end in a stray ）."""
    t = text.rstrip()
    while t and t[-1] in "）)" and t.count("（") + t.count("(") < t.count("）") + t.count(")"):
        t = t[:-1].rstrip()
    return t


@dataclass
class _ParagraphBuilder:
    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class _ArticleBuilder:
    number: int
    chapter: str | None
    section: str | None
    line_no: int
    paragraphs: list[_ParagraphBuilder] = field(default_factory=list)


def parse_law(text: str, source_name: str | None = None) -> LawText:
    """Parse a law's published text; ``source_name`` is the file name (for the version date).

    Never raises on odd input: irregular spacing (full-width and zero-width spaces,
    ``第 一 条``, blank lines), a first paragraph on the label's line or on the next line,
    items written ``（一）`` or ``(一)``, numbering gaps and duplicates, text outside any
    article — all are tolerated, and the surprising ones are listed in ``warnings``.
    """
    warnings: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    # --- header: title and history -------------------------------------------------------
    title: str | None = None
    marker = next((i for i, ln in enumerate(lines) if ln.strip() == _INFO_END), None)
    if marker is not None:
        body_start = marker + 1
        header = lines[:marker]
    else:
        # no marker: the header ends at the first heading or article line
        body_start = next(
            (
                i
                for i, raw in enumerate(lines)
                if (ln := _clean(raw)).startswith("##") or _ARTICLE_RE.match(ln) or _HEADING_RE.match(ln)
            ),
            len(lines),
        )
        header = lines[:body_start]
        if any(_clean(ln) for ln in lines):
            warnings.append(f"no {_INFO_END} marker; the header is taken to end before line {body_start + 1}")

    history: list[tuple[date, str]] = []
    for raw in header:
        ln = _clean(raw)
        if not ln:
            continue
        if title is None and ln.startswith("#"):
            title = _squash(ln.lstrip("#"))
            continue
        m = _DATE_RE.match(ln)
        if m:
            when = _parse_date(m.group(1), m.group(2), m.group(3))
            if when is None:
                warnings.append(f"history line with an impossible date: {ln}")
                continue
            history.append((when, m.group(4).strip()))
        elif history:
            history[-1] = (history[-1][0], history[-1][1] + ln)  # a wrapped history line
        elif title is not None and _squash(ln) in title:
            pass  # the title printed again over two lines, as some sources do
        else:
            warnings.append(f"header line ignored: {ln}")
    entries = tuple(HistoryEntry(d, _strip_unbalanced_paren(t)) for d, t in history)

    if title is None:
        fallback = Path(source_name).stem if source_name else ""
        title = _FILE_DATE_RE.sub("", fallback).strip() or "(untitled)"
        warnings.append(f"no '# title' line; title taken from the file name: {title}")

    # --- version date -----------------------------------------------------------------------
    version_date: date | None = None
    if source_name:
        fm = _FILE_DATE_RE.search(Path(source_name).name)
        if fm:
            version_date = _parse_date(*fm.groups())
    if version_date is None:
        dated = [e.date for e in entries if e.text.strip() not in ("施行", "起施行")]
        version_date = max(dated) if dated else None
        if version_date is None:
            warnings.append("no version date: neither the file name nor the history has one")

    # --- body -------------------------------------------------------------------------------
    chapter: str | None = None
    section: str | None = None
    builders: list[_ArticleBuilder] = []
    current: _ArticleBuilder | None = None
    stray = 0
    for idx in range(body_start, len(lines)):
        ln = _clean(lines[idx])
        if not ln:
            continue
        line_no = idx + 1
        if ln.startswith("#"):
            heading = ln.lstrip("#").strip()
            hm = _HEADING_RE.match(_clean(heading))
            kind = hm.group(2) if hm else None
            name = _format_heading(hm) if hm else _squash(heading)
            if kind == "节":
                section = name
            else:  # 章, 编 or an unnumbered heading: a new chapter-level division
                chapter, section = (name, None) if kind != "编" else (None, None)
            current = None
            continue
        hm = _HEADING_RE.match(ln)
        if hm and len(ln) <= 40:
            # a heading written without '#', e.g. a short line "第二章 生产经营单位的安全生产保障"
            name = _format_heading(hm)
            if hm.group(2) == "节":
                section = name
            elif hm.group(2) == "章":
                chapter, section = name, None
            else:
                chapter, section = None, None
            current = None
            continue
        am = _ARTICLE_RE.match(ln)
        if am:
            number = _article_number(am.group(1))
            expected = builders[-1].number + 1 if builders else 1
            spaced = bool(am.group(3)) or not am.group(4)
            if number is not None and am.group(2):
                warnings.append(
                    f"line {line_no}: 第…条之{am.group(2)} articles are not "
                    f"modelled; kept as text of the preceding article"
                )
                number = None
            if number is not None and (spaced or number == expected):
                current = _ArticleBuilder(number, chapter, section, line_no)
                builders.append(current)
                if am.group(4):
                    current.paragraphs.append(_ParagraphBuilder(am.group(4).strip()))
                continue
            # "第二十条规定的……" at the start of a paragraph is a cross-reference, not a label
        if current is None:
            if not builders and _squash(ln) in title:
                continue  # the title printed again at the top of the body
            stray += 1
            if stray <= 3:
                warnings.append(f"line {line_no}: text outside any article ignored: {ln[:40]}")
            continue
        im = _ITEM_RE.match(ln)
        if im and _article_number(im.group(1)) is not None:
            n = _article_number(im.group(1))
            assert n is not None
            if not current.paragraphs:
                current.paragraphs.append(_ParagraphBuilder(""))
            current.paragraphs[-1].items.append(Item(n, im.group(2).strip()))
            continue
        if (
            current.paragraphs and current.paragraphs[-1].items and re.match(r"^[0-9０-９]+[.．、]", ln)
        ):  # a sub-item (目) "1．……" belongs to the item above it
            last = current.paragraphs[-1].items[-1]
            current.paragraphs[-1].items[-1] = Item(last.number, last.text + "\n" + ln)
            continue
        current.paragraphs.append(_ParagraphBuilder(ln))
    if stray > 3:
        warnings.append(f"{stray} lines of text outside any article ignored in all")

    # --- checks and freezing -------------------------------------------------------------
    articles: list[Article] = []
    previous: int | None = None
    seen: set[int] = set()
    for b in builders:
        label = article_label(b.number)
        if b.number in seen:
            warnings.append(f"line {b.line_no}: {label} appears more than once")
        elif previous is not None and b.number != previous + 1:
            warnings.append(f"line {b.line_no}: article numbering jumps from {article_label(previous)} to {label}")
        elif previous is None and b.number != 1:
            warnings.append(f"line {b.line_no}: the first article is {label}")
        seen.add(b.number)
        previous = b.number
        if not b.paragraphs:
            warnings.append(f"line {b.line_no}: {label} has no text")
        paragraphs: list[Paragraph] = []
        for p_no, p in enumerate(b.paragraphs, start=1):
            for k, item in enumerate(p.items, start=1):
                if item.number != k:
                    warnings.append(
                        f"line {b.line_no}: {label} paragraph {p_no}: item {k} is numbered （{item.number}）"
                    )
                    break
            paragraphs.append(Paragraph(p_no, p.text, tuple(p.items)))
        articles.append(Article(b.number, label, b.chapter, b.section, tuple(paragraphs)))
    if not articles:
        warnings.append("no articles found")

    return LawText(
        title=title,
        short_title=short_title(title),
        version_date=version_date,
        level=guess_level(title, entries),
        history=entries,
        articles=tuple(articles),
        warnings=tuple(warnings),
        source_name=source_name,
    )


def _article_number(numeral: str) -> int | None:
    try:
        return parse_number(_squash(numeral))
    except ValueError:
        return None


def _format_heading(m: re.Match[str]) -> str:
    """``第一章 总 则`` → ``第一章 总则``: the number, one space, the name without spaces."""
    number = _squash(m.group(1))
    name = _squash(m.group(3) or "")
    return f"第{number}{m.group(2)}" + (f" {name}" if name else "")


def load_law_file(path: str | Path) -> LawText:
    """Parse one law file (UTF-8, a BOM tolerated); the file name gives the version date."""
    p = Path(path)
    return parse_law(p.read_text(encoding="utf-8-sig"), source_name=p.name)


def iter_library(folder: str | Path = LIBRARY_DIR) -> Iterator[LawText]:
    """Every law file (``*.md`` except README.md) under ``folder``, in a stable order."""
    root = Path(folder)
    for path in sorted(root.rglob("*.md"), key=lambda p: p.relative_to(root).as_posix()):
        if path.name.lower() == "readme.md":
            continue
        yield load_law_file(path)
