"""Loading the national corpus into the shared library: once, fast, and again only for what is new.

``qingdan migrate`` (and every fresh install) calls :func:`load_national_library`. The work is
sized for the full corpus (1,536 documents, 234,000 provisions):

- the archive's sha256 is recorded; a re-run with the same archive is one query;
- otherwise every text is parsed (about 3 s), and only versions the library lacks — by
  document title and version date — are written, in a handful of statements: documents and
  versions through ``unnest``, provisions through ``COPY`` into a temporary table (``COPY``
  into a row-level-secured table is refused) and one ``INSERT … SELECT``; then the search index
  is built afresh for the whole library (:mod:`core.legal.search_index`);
- a newer corpus adds its new versions to the same documents (the title is the document's
  identity), refreshes the documents' metadata, and reports a changed text of a version it
  already holds instead of overwriting it.

Which corpus: ``QINGDAN_LEGAL_LIBRARY`` — ``full`` (default, the shipped archive) or ``core``
(the 68 texts of ``LIBRARY_DIR`` that the demo catalogs cite; the test suite's extra
databases use it, see docs/legal-library.md).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import msgspec

from core.legal import queries, search_index
from core.legal.abbreviations import abbreviations_of
from core.legal.corpus import CORPUS_ARCHIVE, CorpusProblem, CorpusText, archive_digest, read_archive, read_folder
from core.legal.lawtext import LIBRARY_DIR
from core.legal.library import provision_rows
from core.legal.queries import SHARED_TENANT
from core.platform import generations
from core.platform.db import platform_transaction

__all__ = ["LoadReport", "library_source", "load_corpus", "load_national_library"]

Say = Callable[[str], None]


@dataclass
class LoadReport:
    """What a load did; ``warnings`` name the file (and line) they are about."""

    source: str
    up_to_date: bool = False
    texts: int = 0
    documents: int = 0  # new documents
    versions: int = 0  # new versions
    provisions: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    problems: list[CorpusProblem] = field(default_factory=list)


#: Texts of the archive the shipped plugins' seed catalogs cite beyond the 68 core texts: the
#: ``core`` library carries them too, so that every demo citation resolves there as well.
CORE_EXTRAS = (
    "社会法/社会保险法(2018-12-29).md",
    "经济法/公路法(2017-11-04).md",
    "行政法规/市场主体登记管理条例(2021-07-27).md",
)


def library_source() -> Path:
    """The corpus ``QINGDAN_LEGAL_LIBRARY`` names: the shipped archive (``full``) or the 68 (``core``)."""
    choice = os.environ.get("QINGDAN_LEGAL_LIBRARY", "full").strip().lower()
    if choice == "core":
        return LIBRARY_DIR
    if choice in ("", "full"):
        return CORPUS_ARCHIVE
    raise ValueError(f"QINGDAN_LEGAL_LIBRARY={choice!r}: use full or core")


async def load_national_library(progress: Say | None = None) -> LoadReport:
    """Load the configured corpus (see :func:`library_source`); what ``qingdan migrate`` runs."""
    source = library_source()
    report = await load_corpus(source, progress)
    if source == LIBRARY_DIR:  # quiet unless it stores something (it is read again on each run)
        extras = await load_corpus(CORPUS_ARCHIVE, only=CORE_EXTRAS)
        if extras.versions and progress is not None:
            progress(f"legal library: {extras.versions} versions of {', '.join(CORE_EXTRAS)}")
    return report


async def load_corpus(
    source: Path = CORPUS_ARCHIVE, progress: Say | None = None, *, only: Collection[str] | None = None
) -> LoadReport:
    """Load a corpus (an ``.tar.xz`` archive or a folder) into the shared library, idempotently.

    ``only``: the paths (inside the corpus) to load, for a library of a few chosen texts (tests);
    such a load is not recorded as the corpus's, so a later full load still happens."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    name = source.name
    digest = archive_digest(source) if source.is_file() else _folder_digest(source)
    report = LoadReport(source=name)
    async with platform_transaction() as conn:
        recorded = await conn.fetchval(queries.LOADED_DIGEST, name)
        if recorded == digest and only is None:
            if await conn.fetchval(queries.SEARCH_INDEX_MISSING, SHARED_TENANT):  # loaded before migration 0014
                say("legal library: indexing the articles for search …")
                await search_index.rebuild(conn)
            report.up_to_date = True
            report.seconds = time.perf_counter() - started
            say(f"legal library: {name} already loaded, nothing to do")
            return report
        say(f"legal library: reading {name} …")
        read = list(read_archive(source, only) if source.is_file() else read_folder(source))
        texts = [t for t in read if isinstance(t, CorpusText)]
        report.problems = [p for p in read if isinstance(p, CorpusProblem)]
        report.texts = len(texts)
        for p in report.problems:
            say(f"  not loaded: {p.path}: {p.reason}")
        texts = _one_per_version(texts, report.warnings)
        report.warnings += [w for t in texts for w in t.warnings]
        say(f"legal library: {len(texts)} texts read ({len(report.warnings)} warnings), storing …")
        await _store(conn, texts, report, say)
        await generations.bump(conn, SHARED_TENANT)
        if only is None:
            await conn.execute(
                queries.RECORD_LOAD,
                name,
                digest,
                report.documents,
                report.versions,
            )
    if report.provisions >= _ANALYZE_FROM:
        # Fresh rows have no statistics: without them the first searches plan as for an empty
        # table. In a transaction of its own: on Citus the load's statements ran locally on the
        # coordinator's copy of the reference tables, after which the transaction cannot send
        # ANALYZE to every node ("a local execution has accessed a placement").
        async with platform_transaction() as conn:
            await conn.execute(queries.ANALYZE_LIBRARY)
    report.seconds = time.perf_counter() - started
    say(
        f"legal library: {report.documents} new documents, {report.versions} new versions, "
        f"{report.provisions} provisions in {report.seconds:.1f} s"
    )
    return report


def _folder_digest(folder: Path) -> str:
    """A digest of a folder corpus: its files' paths and sizes and modification times."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.md")):
        st = p.stat()
        h.update(f"{p.relative_to(folder).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _one_per_version(texts: list[CorpusText], warnings: list[str]) -> list[CorpusText]:
    """One text per (title, version date): an identical copy in another folder is dropped
    quietly, a different text of the same version is dropped with a warning naming both."""
    kept: dict[tuple[str, object], CorpusText] = {}
    for t in texts:
        key = (t.law.title, t.law.version_date)
        first = kept.get(key)
        if first is None:
            kept[key] = t
        elif first.digest != t.digest:
            warnings.append(f"{t.path}: same title and version date as {first.path} but a different text; not loaded")
    return list(kept.values())


async def _store(conn: asyncpg.Connection, texts: list[CorpusText], report: LoadReport, say: Say) -> None:
    undated = [t for t in texts if t.law.version_date is None]
    for t in undated:
        report.warnings.append(f"{t.path}: no version date (file name or history); not loaded")
    texts = [t for t in texts if t.law.version_date is not None]
    # One row per document: the newest version's metadata describes it.
    newest: dict[str, CorpusText] = {}
    for t in sorted(texts, key=lambda t: (t.law.title, t.law.version_date)):
        newest[t.law.title] = t
    before = {r["title"] for r in await conn.fetch(queries.SHARED_TITLES, SHARED_TENANT)}
    docs = list(newest.values())
    rows = await conn.fetch(
        queries.UPSERT_CORPUS_DOCUMENTS,
        SHARED_TENANT,
        [d.law.title for d in docs],
        [d.law.short_title for d in docs],
        [d.level for d in docs],
        [d.issuer for d in docs],
        [d.region_code for d in docs],
        [msgspec.json.encode(abbreviations_of(d.law.title, d.law.short_title, d.region_name)).decode() for d in docs],
    )
    ids = {r["title"]: r["id"] for r in rows}
    report.documents = len(set(ids) - before)
    amending = [(ids[d.law.title], d.amends) for d in docs if d.amends]
    if amending:
        await conn.execute(queries.SET_AMENDS, SHARED_TENANT, [a for a, _ in amending], [b for _, b in amending])
    known = {
        (r["document_id"], r["version_date"]): r["content_hash"]
        for r in await conn.fetch(queries.SHARED_VERSION_HASHES, SHARED_TENANT)
    }
    new: list[CorpusText] = []
    for t in texts:
        key = (ids[t.law.title], t.law.version_date)
        if key not in known:
            new.append(t)
        elif known[key] not in (None, t.digest):
            report.warnings.append(f"{t.path}: the library holds another text of this version; kept the stored one")
    if not new:
        return
    version_ids = await conn.fetch(
        queries.INSERT_CORPUS_VERSIONS,
        SHARED_TENANT,
        [ids[t.law.title] for t in new],
        [t.law.version_date for t in new],
        [msgspec.json.encode([{"date": h.date, "text": h.text} for h in t.law.history]).decode() for t in new],
        [t.path for t in new],
        [t.digest for t in new],
    )
    by_key = {(r["document_id"], r["version_date"]): r["id"] for r in version_ids}
    report.versions = len(by_key)
    say(f"legal library: {report.versions} versions, copying their provisions …")
    records = list(_provision_records(new, ids, by_key))
    report.provisions = len(records)
    await conn.execute(queries.CREATE_PROVISIONS_LOAD)
    await conn.copy_records_to_table(
        "provisions_load",
        records=records,
        columns=["tenant_id", "version_id", "article", "paragraph", "item", "label", "chapter", "text"],
    )
    await conn.execute(queries.MOVE_PROVISIONS_LOAD)
    say(f"legal library: {len(records)} provisions stored, indexing the articles for search …")
    await search_index.rebuild(conn)


_ANALYZE_FROM = 20_000  # provisions; a small load leaves the statistics to autovacuum


def _provision_records(
    texts: Iterable[CorpusText], ids: dict[str, uuid.UUID], versions: dict[tuple[uuid.UUID, object], uuid.UUID]
) -> Iterable[tuple[object, ...]]:
    for t in texts:
        version_id = versions.get((ids[t.law.title], t.law.version_date))
        if version_id is None:
            continue
        for article, paragraph, item, label, chapter, text in provision_rows(t.law):
            yield (SHARED_TENANT, version_id, article, paragraph, item, label, chapter, text)
