"""The national reference corpus as shipped: which texts, at which level, for which region.

The corpus (``CORPUS_ARCHIVE``, 1,543 texts of ``LawRefBook/Laws`` plus Shandong's local
regulations; provenance in the archive's README.md) is one xz-compressed tar of files in the
format :mod:`core.legal.lawtext` reads, in folders that say what they hold. This module
turns the folders into metadata and the irregular files into :class:`CorpusText` values; it
knows nothing of the database (:mod:`core.legal.corpus_load` stores what comes back).

Decisions (docs/legal-library.md):

- **Level** comes from the folder (宪法; 法律 for the law branches; 行政法规; 部门规章 with the
  ministry from its sub-folder as issuer; 地方性法规 for the local folders), not from the
  title — the folder is what the collection's editors decided.
- **Region**: a local regulation carries the GB/T 2260 prefix of the body that made it, from
  its title: ``山东省…`` → ``37``, ``泰安市…`` → ``3709``; a provincial regulation without the
  province's name (泰山风景名胜区…) takes the folder's province.
- **民法典** is one document: its eight part files are joined in the code's order, articles
  keep their continuous numbers, chapters are named within their part (``物权编 第一章 一般规定``).
- **刑法修正案 / 宪法修正案** are *amending documents*: documents of their own (citable,
  searchable), each pointing at the document it amends (``amends``). The corpus holds the
  consolidated 刑法 of today only, so there is no earlier text to record an amendment against;
  their numbered points (``一、在刑法第…``) become articles 1, 2, ….

A file that cannot be read (not UTF-8) does not stop the others: it comes back as a
:class:`CorpusProblem`. A text without ``第…条`` articles is read by its points ``一、二、…``;
one without either is kept whole (citable as a document) with a warning.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from core.legal.lawtext import (
    LEVEL_ADMIN_REGULATION,
    LEVEL_LAW,
    LEVEL_LOCAL_REGULATION,
    LIBRARY_DIR,
    Article,
    LawText,
    parse_law,
)

__all__ = [
    "CORPUS_ARCHIVE",
    "CorpusProblem",
    "CorpusText",
    "archive_digest",
    "read_archive",
    "read_folder",
    "read_sources",
]

CORPUS_ARCHIVE = Path(__file__).resolve().parent / "data" / "corpus.tar.xz"

LEVEL_CONSTITUTION = "宪法"
LEVEL_DEPARTMENTAL_RULE = "部门规章"

_LAW_FOLDERS = {"宪法相关法", "民法商法", "行政法", "经济法", "社会法", "刑法", "诉讼与非诉讼程序法", "民法典"}

#: Provinces whose local regulations the corpus holds, by the folder's leading name.
PROVINCES = {"山东": "37"}

#: GB/T 2260 prefixes of the cities whose regulations appear in the corpus (Shandong's 16, and
#: 莱芜, merged into 济南 in 2019, whose regulations remain in force there).
CITIES = {
    "济南市": "3701",
    "青岛市": "3702",
    "淄博市": "3703",
    "枣庄市": "3704",
    "东营市": "3705",
    "烟台市": "3706",
    "潍坊市": "3707",
    "济宁市": "3708",
    "泰安市": "3709",
    "威海市": "3710",
    "日照市": "3711",
    "莱芜市": "3701",
    "临沂市": "3713",
    "德州市": "3714",
    "聊城市": "3715",
    "滨州市": "3716",
    "菏泽市": "3717",
}

#: The parts of the 民法典 in the code's order; their files hold continuous article numbers.
CIVIL_CODE_PARTS = ("总则", "物权编", "合同编", "人格权编", "婚姻家庭编", "继承编", "侵权责任编", "附则")
CIVIL_CODE_FOLDER = "民法典"

_AMENDMENT_RE = re.compile(r"^(.+?)修正案")
_POINT_RE = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十百]+)[ \t\u3000]*、", re.MULTILINE)


@dataclass(frozen=True)
class CorpusText:
    """One version of one document of the corpus, with what the folders say about it."""

    law: LawText
    path: str  # inside the corpus, e.g. 行政法规/安全生产许可证条例(2014-07-29).md
    level: str
    issuer: str = ""
    region_code: str | None = None
    region_name: str | None = None  # 山东省, 泰安市: how the title names the region
    amends: str | None = None  # the title of the document an amending document amends
    digest: str = ""  # sha256 of the source bytes (of all parts, for the 民法典)
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class CorpusProblem:
    """A file that could not be read at all, and why."""

    path: str
    reason: str


def archive_digest(archive: Path = CORPUS_ARCHIVE) -> str:
    """The sha256 of the archive: a re-run that finds the recorded digest has nothing to do."""
    h = hashlib.sha256()
    with archive.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_archive(
    archive: Path = CORPUS_ARCHIVE, only: Collection[str] | None = None
) -> Iterator[CorpusText | CorpusProblem]:
    """Every text of the compressed corpus (paths relative to its top folder), or those ``only`` names
    (a folder in ``only``, such as ``民法典/``, takes all its files)."""
    with tarfile.open(archive, "r:xz") as tf:
        sources: list[tuple[str, bytes]] = []
        for member in tf:
            if not member.isfile() or not member.name.endswith(".md"):
                continue
            parts = PurePosixPath(member.name).parts
            relative = PurePosixPath(*parts[1:]).as_posix() if len(parts) > 1 else parts[0]
            if only is not None and not any(
                relative == o or (relative.startswith(o) and o.endswith("/")) for o in only
            ):
                continue
            extracted = tf.extractfile(member)
            if extracted is not None:
                sources.append((relative, extracted.read()))
    yield from read_sources(sources)


def _selected(path: str, only: Collection[str]) -> bool:
    return any(path == o or (o.endswith("/") and path.startswith(o)) for o in only)


def read_folder(folder: Path = LIBRARY_DIR) -> Iterator[CorpusText | CorpusProblem]:
    """Every text of a corpus laid out in folders (the 68 of ``LIBRARY_DIR``, or an unpacked corpus)."""
    paths = sorted(folder.rglob("*.md"), key=lambda p: p.relative_to(folder).as_posix())
    yield from read_sources((p.relative_to(folder).as_posix(), p.read_bytes()) for p in paths)


def read_sources(sources: Iterable[tuple[str, bytes]]) -> Iterator[CorpusText | CorpusProblem]:
    """(relative path, bytes) pairs → texts with their metadata, in path order; READMEs skipped."""
    civil_parts: dict[str, tuple[str, bytes]] = {}
    for path, data in sorted(sources):
        name = PurePosixPath(path).name
        if name.lower() == "readme.md":
            continue
        folders = PurePosixPath(path).parts[:-1]
        if folders and folders[0] == CIVIL_CODE_FOLDER:
            civil_parts[PurePosixPath(name).stem] = (path, data)
            continue
        yield _read_one(path, data, folders)
    if civil_parts:
        yield _civil_code(civil_parts)


def _read_one(path: str, data: bytes, folders: tuple[str, ...]) -> CorpusText | CorpusProblem:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return CorpusProblem(path, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    name = PurePosixPath(path).name
    law = parse_law(text, source_name=name)
    if not law.articles:
        # decisions, notices and amending documents number their points 一、二、… instead
        points = _points_as_articles(text, name)
        law = replace(points, warnings=(*points.warnings, "no 第…条 articles: its points 一、二、… read as articles"))
    if not law.articles:
        law = replace(law, warnings=(*law.warnings, "stored without provisions: only the whole document can be cited"))
    m = _AMENDMENT_RE.match(law.short_title)
    amends = m.group(1) if m else None
    level, issuer, region_code, region_name = _classify(law, folders)
    if amends is not None and level == LEVEL_CONSTITUTION:
        amends = "中华人民共和国宪法"
    elif amends is not None:
        amends = "中华人民共和国" + amends
    return CorpusText(
        law=replace(law, level=level),
        path=path,
        level=level,
        issuer=issuer,
        region_code=region_code,
        region_name=region_name,
        amends=amends,
        digest=hashlib.sha256(data).hexdigest(),
        warnings=tuple(f"{path}: {w}" for w in law.warnings),
    )


def _classify(law: LawText, folders: tuple[str, ...]) -> tuple[str, str, str | None, str | None]:
    """(level, issuer, region code, region name) from the folders and the title."""
    top = folders[0] if folders else ""
    if top == "宪法":
        return LEVEL_CONSTITUTION, "全国人民代表大会", None, None
    if top in _LAW_FOLDERS:
        return LEVEL_LAW, "全国人民代表大会常务委员会", None, None
    if top == "行政法规":
        return LEVEL_ADMIN_REGULATION, "国务院", None, None
    if top == "部门规章":
        return LEVEL_DEPARTMENTAL_RULE, folders[1] if len(folders) > 1 else "", None, None
    province = next((p for p in PROVINCES if top.startswith(p)), None)
    if province is not None:
        title = law.title
        city = next((c for c in CITIES if title.startswith(c)), None)
        if city is not None:
            return LEVEL_LOCAL_REGULATION, f"{city}人民代表大会常务委员会", CITIES[city], city
        name = f"{province}省"
        return LEVEL_LOCAL_REGULATION, f"{name}人民代表大会常务委员会", PROVINCES[province], name
    return law.level, "", None, None  # a folder the corpus does not use: the title's guess


def _points_as_articles(text: str, name: str) -> LawText:
    """An amending document's points (``一、在刑法第…``) read as its articles 1, 2, …."""
    return parse_law(_POINT_RE.sub(lambda m: f"第{m.group(1)}条 ", text), source_name=name)


def _civil_code(parts: dict[str, tuple[str, bytes]]) -> CorpusText | CorpusProblem:
    """The 民法典 joined from its part files, in the code's order, articles as numbered."""
    missing = [p for p in CIVIL_CODE_PARTS if p not in parts]
    unknown = sorted(set(parts) - set(CIVIL_CODE_PARTS))
    path = f"{CIVIL_CODE_FOLDER}/"
    if missing:
        return CorpusProblem(path, f"the 民法典 lacks its part(s) {'、'.join(missing)}; not loaded")
    warnings: list[str] = [f"{path}{u}.md: not a part of the 民法典; ignored" for u in unknown]
    articles: list[Article] = []
    digest = hashlib.sha256()
    first: LawText | None = None
    for part in CIVIL_CODE_PARTS:
        part_path, data = parts[part]
        digest.update(data)
        law = parse_law(data.decode("utf-8-sig"), source_name=PurePosixPath(part_path).name)
        first = first or law
        warnings += [f"{part_path}: {w}" for w in law.warnings if not w.startswith("header line ignored")]
        expected = articles[-1].number + 1 if articles else 1
        if law.articles and law.articles[0].number != expected:
            warnings.append(
                f"{part_path}: starts at article {law.articles[0].number}, expected {expected} (continuous numbering)"
            )
        for a in law.articles:
            chapter = f"{part} {a.chapter}" if a.chapter else part
            articles.append(replace(a, chapter=chapter))
    assert first is not None
    law = replace(first, articles=tuple(articles), warnings=tuple(warnings), source_name=f"{CIVIL_CODE_FOLDER}.md")
    return CorpusText(
        law=replace(law, level=LEVEL_LAW),
        path=path,
        level=LEVEL_LAW,
        issuer="全国人民代表大会",
        digest=digest.hexdigest(),
        warnings=tuple(warnings),
    )
