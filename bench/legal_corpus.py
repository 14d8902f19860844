"""The national corpus: loading it, loading it again, resolving citations and searching it.

    python -m bench.legal_corpus [--check] [--queries N]

Prints, on a fresh embedded database, with the load average (the machine is shared: read the
ratios): the full load of the shipped corpus (parse + store + the search index, target ≤ 60 s)
beside its reference — parsing alone, and COPY of the same rows into an unindexed table (what
the bytes cost); the re-run with nothing new (≤ 5 s); resolving 10,000 citations against the
full corpus as a 泰安 tenant (≤ 1 s) — 10,000 distinct strings naming 1,000 documents by title,
short title or abbreviation, pure resolution and through the service (one transaction, the
provisions checked in the database) — beside a dict lookup of the same titles; legal search
(``search_provisions``) with random queries — words of 2, 3 and 4 characters cut from random
articles, one or two words, some of them matching nothing — with 1 and 16 concurrent callers,
p50/p95/p99 (target p99 ≤ 50 ms at 16), each query's first run (cold; on pooled connections
that already ran 64 other queries, as a running server's have) apart from its repeat (warm) and
the process's first search (which reads the shared library's copy kept in process),
beside the in-run limit: a constant statement through the same tenant transaction at the same
concurrency; and, for comparison, the same queries as a scan of every article.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.legal import _best
from core import install
from core.legal import search_index
from core.legal.citations import Library, to_simplified
from core.legal.corpus import CORPUS_ARCHIVE, CorpusText, read_archive
from core.legal.documents import search_provisions
from core.legal.library import citable_library, provision_rows, resolve_citations, resolve_texts
from core.legal.numerals import article_label
from core.platform import db
from core.platform.db import platform_transaction, tenant_transaction
from core.security.access import Access, Principal, Role
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

TARGET_LOAD_S = 60.0
TARGET_RERUN_S = 5.0
TARGET_RESOLVE_S = 1.0
TARGET_SEARCH_MS = 50.0
PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench")

FORMS = [
    "《中华人民共和国民法典》第一千零四十条",
    "《民法典》第二百零七条",
    "《社会保险法》第五十八条",
    "《食安法》第三十六条",
    "《安全生产条例》第十条",
    "《山东省安全生产条例》第二十条",
    "《中华人民共和国消防法》第五十三条第二款",
    "《城乡规划法》第四十一条、第四十二条",
    "《土地管理法》第六十二条第一款第（三）项",
    "《刑法修正案（十一）》第一条",
    "《环评法》第十六条",
    "《泰安市城市绿化条例》第五条",
]


async def run(data_dir: Path, queries_per_run: int) -> bool:
    load_before = os.getloadavg()
    url = await db.start_embedded(data_dir)
    await db.connect(url)
    try:
        t = time.perf_counter()
        texts = [x for x in read_archive(CORPUS_ARCHIVE) if isinstance(x, CorpusText)]
        rows = [r for x in texts for r in provision_rows(x.law)]
        parse_s = time.perf_counter() - t
        t = time.perf_counter()
        await install.migrate(progress=lambda m: print("  " + m, flush=True))
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        await install.migrate()
        rerun_s = time.perf_counter() - t
        async with platform_transaction() as conn:
            await conn.execute("CREATE TEMPORARY TABLE copy_ref (a int, p int, i int, l text, c text, t text)")
            t = time.perf_counter()
            await conn.copy_records_to_table("copy_ref", records=rows)
            copy_s = time.perf_counter() - t
            await conn.execute("DROP TABLE copy_ref")
            t = time.perf_counter()
            indexed = await search_index.rebuild(conn)
            index_s = time.perf_counter() - t
            library = await citable_library(conn, uuid.uuid4(), "370902")  # a tenant of 泰山区, 泰安
            queries_ = await _queries(conn, queries_per_run)
            warmup = (await _queries(conn, queries_per_run + 64))[queries_per_run:]  # the same seed: 64 others
        citations = _citations(library)
        t = time.perf_counter()
        resolved = resolve_texts(citations, library)
        resolve_cold_s = time.perf_counter() - t  # with the one-time loads (OpenCC's dictionaries)
        resolve_s = _best(lambda: resolve_texts(citations, library))
        titles = {e.title: e.key for e in library.entries}
        t = time.perf_counter()
        for c in citations:
            titles.get(c.partition("》")[0].lstrip("《"))
        ref_s = time.perf_counter() - t
        access = await _tenant()
        service_s = []
        for _ in range(3):
            t = time.perf_counter()
            await resolve_citations(access, citations)
            service_s.append(time.perf_counter() - t)
        # The process's first search reads the shared library's copy (core/legal/search_copy.py):
        # timed apart, with a query of neither mix.
        t = time.perf_counter()
        await search_provisions(access, q="人民政府")
        first_search_ms = (time.perf_counter() - t) * 1000
        runs: dict[str, list[float]] = {}
        for n in (1, 16):
            runs[f"floor {n}"] = await _search(access, n, queries_, floor=True)
            # Each pooled connection prepares a statement on its first use (a running server's
            # have): warmed with other queries, so that "cold" is the query's first run.
            await _search(access, n, warmup)
            runs[f"cold {n}"] = await _search(access, n, queries_[n == 16 :: 2])  # each query's first run
            runs[f"warm {n}"] = await _search(access, n, queries_[n == 16 :: 2])  # the same again
        runs["scan 1"] = await _search(access, 1, queries_[:20], scan=True)
    finally:
        await db.disconnect()
    unresolved = sum(1 for c in resolved if c.problem)
    load_after = os.getloadavg()
    print()
    print(f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (2 cores shared with other work)")
    print(f"corpus: {len(texts)} documents' versions, {len(rows)} provisions, {indexed} current articles indexed")
    print(f"  full load (parse + store + index)  {load_s:6.1f} s   target ≤ {TARGET_LOAD_S:.0f} s")
    print(f"    reference: parse only     {parse_s:6.1f} s;  COPY of the rows, no index {copy_s:6.1f} s")
    print(f"    the search index alone (rebuilt again) {index_s:6.1f} s")
    print(f"  re-run, nothing new         {rerun_s:6.2f} s   target ≤ {TARGET_RERUN_S:.0f} s")
    print(
        f"  resolve 10,000 citations    {resolve_s:6.3f} s   target ≤ {TARGET_RESOLVE_S:.0f} s"
        f"   ({len(library.entries)} titles visible to 泰安, {unresolved} unresolved; best of 3,"
        f" the first run of the process {resolve_cold_s:.3f} s)"
    )
    service_best = min(service_s)
    print(
        f"    through the service       {service_best:6.3f} s   (best of {', '.join(f'{x:.3f}' for x in service_s)};"
        " parse, resolve, check the provisions in the database)"
    )
    print(f"    reference: dict lookup    {ref_s:6.3f} s   ratio {resolve_s / max(ref_s, 1e-9):.0f}×")
    print(f"  legal search over the corpus, {len(queries_)} random queries, e.g. {' | '.join(queries_[:8])}")
    print(f"    the process's first search (reads the shared library's copy) {first_search_ms:.0f} ms")
    for name, values in runs.items():
        print(f"    {name:<8} {_latency(values)}")
    print(
        "    (floor: a constant statement through the same tenant transaction, the in-run limit;"
        " cold: each query's first run (on connections that ran 64 other queries); warm: its repeat;"
        " scan: the same words read from every article)"
    )
    p99 = max(_pct(runs["cold 16"], 99), _pct(runs["warm 16"], 99))
    floor99 = _pct(runs["floor 16"], 99)
    print(f"  p99 at 16 callers {p99:.1f} ms = {p99 / floor99:.1f}× the floor's p99 {floor99:.1f} ms")
    verdict = "met" if p99 <= TARGET_SEARCH_MS else "MISSED"
    print(f"  target search p99 ≤ {TARGET_SEARCH_MS:.0f} ms at 16 callers: {verdict}")
    return (
        load_s <= TARGET_LOAD_S
        and rerun_s <= TARGET_RERUN_S
        and service_best <= TARGET_RESOLVE_S
        and p99 <= TARGET_SEARCH_MS
    )


_CJK = re.compile("[\u4e00-\u9fff]{2,}")


async def _queries(conn: Any, count: int) -> list[str]:
    """Random queries: words of 2–4 characters cut from random current articles visible to
    泰安 (national and Shandong's); a third of them two words, half of those from different
    articles (so that some match nothing)."""
    texts = [r["text"] for r in await conn.fetch(SAMPLE_ARTICLES)]
    rng = random.Random(1919)

    def word() -> str:
        while True:
            runs = _CJK.findall(rng.choice(texts))
            if runs:
                run = rng.choice(runs)
                size = min(len(run), rng.choice((2, 2, 3, 4)))
                at = rng.randrange(len(run) - size + 1)
                return run[at : at + size]

    out: dict[str, None] = {}
    while len(out) < count:
        q = word() if rng.random() < 2 / 3 else f"{word()} {word()}"
        out.setdefault(q)
    return list(out)


SAMPLE_ARTICLES = (
    "SELECT p.text FROM legal_search_articles a"
    " JOIN provisions p ON p.tenant_id = '00000000-0000-0000-0000-000000000000'"
    " AND p.version_id = a.version_id AND p.article = a.article AND p.paragraph = 0 AND p.item = 0"
    " JOIN legal_documents d ON d.tenant_id = p.tenant_id AND d.id = a.document_id"
    " WHERE d.region_code IS NULL OR d.region_code LIKE '37%' ORDER BY a.ordinal"
)

SCAN = (
    "SELECT d.title, d.id, p.article FROM legal_documents d CROSS JOIN LATERAL (SELECT v.id FROM legal_versions v"
    " WHERE v.tenant_id = d.tenant_id AND v.document_id = d.id ORDER BY v.version_date DESC LIMIT 1) v"
    " JOIN provisions p ON p.tenant_id = d.tenant_id AND p.version_id = v.id AND p.paragraph = 0 AND p.item = 0"
    " WHERE d.tenant_id IN ($2, '00000000-0000-0000-0000-000000000000')"
    " AND (d.region_code IS NULL OR starts_with($3, d.region_code))"
    " AND p.text ILIKE ALL($1) ORDER BY d.title, d.id, p.article LIMIT 51"
)


def _citations(library: Library) -> list[str]:
    """10,000 distinct citation strings naming 1,000 documents as people write them."""
    rng = random.Random(19)
    docs = rng.sample([e for e in library.entries if e.visible], 1000)
    out: dict[str, None] = dict.fromkeys(FORMS)
    i = 0
    while len(out) < 10_000:  # distinct strings: a repeat would be resolved once
        e = docs[i % len(docs)]
        names = [e.title, e.title.removeprefix("中华人民共和国"), *e.abbreviations]
        out.setdefault(f"《{rng.choice(names)}》{article_label(1 + i // len(docs) + rng.randrange(20))}")
        i += 1
    return list(out)


async def _tenant() -> Access:
    slug = f"bench-{uuid.uuid4().hex[:8]}"
    await create_tenant(PLATFORM, TenantCreate(slug=slug, name="泰山区", division_code="370902"))
    return await open_access(PLATFORM, slug)


async def _search(
    access: Access, callers: int, mix: list[str], *, floor: bool = False, scan: bool = False
) -> list[float]:
    """Run every query of ``mix`` once, ``callers`` at a time; each one's latency in ms."""
    timings: list[float] = []
    todo = iter(mix)

    async def one() -> None:
        for q in todo:
            t = time.perf_counter()
            if floor:
                async with tenant_transaction(access.tenant.id) as conn:
                    await conn.fetchval("SELECT 1")
            elif scan:
                patterns = [f"%{to_simplified(w)}%" for w in q.split()]
                async with tenant_transaction(access.tenant.id) as conn:
                    await conn.fetch(SCAN, patterns, access.tenant.id, access.tenant.division_code)
            else:
                await search_provisions(access, q=q)
            timings.append((time.perf_counter() - t) * 1000)

    await asyncio.gather(*(one() for _ in range(callers)))
    return timings


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _latency(values: list[float]) -> str:
    return (
        f"n {len(values):>5}   p50 {statistics.median(values):6.1f} ms   p95 {_pct(values, 95):6.1f} ms"
        f"   p99 {_pct(values, 99):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--queries", type=int, default=800, help="random search queries (half cold, half warm)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = Path(tempfile.mkdtemp(prefix="qingdan-corpus-bench-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    ok = asyncio.run(run(data_dir, args.queries))
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
