"""The national corpus: loading it, loading it again, and resolving citations against it.

    python -m bench.legal_corpus [--check]

Prints, on a fresh embedded database: the full load of the shipped corpus (parse + store,
targets ≤ 60 s) beside its reference — parsing alone, and COPY of the same rows into an
unindexed table (what the bytes cost); the re-run with nothing new (≤ 5 s); resolving 10,000
citations of real forms against the full corpus as a Shandong tenant (≤ 1 s) beside a dict
lookup of the same titles.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import random
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

from core import install
from core.legal.corpus import CORPUS_ARCHIVE, CorpusText, read_archive
from core.legal.library import citable_library, provision_rows, resolve_texts
from core.platform import db
from core.platform.db import platform_transaction

TARGET_LOAD_S = 60.0
TARGET_RERUN_S = 5.0
TARGET_RESOLVE_S = 1.0

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


async def run(data_dir: Path) -> bool:
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
            library = await citable_library(conn, uuid.uuid4(), "370902")  # a tenant of 泰山区, 泰安
        rng = random.Random(19)
        citations = [rng.choice(FORMS) for _ in range(10_000)]
        t = time.perf_counter()
        resolved = resolve_texts(citations, library)
        resolve_s = time.perf_counter() - t
        titles = {e.title: e.key for e in library.entries}
        t = time.perf_counter()
        for c in citations:
            titles.get(c.partition("》")[0].lstrip("《"))
        ref_s = time.perf_counter() - t
    finally:
        await db.disconnect()
    unresolved = sum(1 for c in resolved if c.problem)
    print()
    print(f"corpus: {len(texts)} documents' versions, {len(rows)} provisions")
    print(f"  full load (parse + store)   {load_s:6.1f} s   target ≤ {TARGET_LOAD_S:.0f} s")
    print(f"    reference: parse only     {parse_s:6.1f} s;  COPY of the rows, no index {copy_s:6.1f} s")
    print(f"  re-run, nothing new         {rerun_s:6.2f} s   target ≤ {TARGET_RERUN_S:.0f} s")
    print(
        f"  resolve 10,000 citations    {resolve_s:6.3f} s   target ≤ {TARGET_RESOLVE_S:.0f} s"
        f"   ({len(library.entries)} titles visible to 泰安, {unresolved} unresolved)"
    )
    print(f"    reference: dict lookup    {ref_s:6.3f} s   ratio {resolve_s / max(ref_s, 1e-9):.0f}×")
    return load_s <= TARGET_LOAD_S and rerun_s <= TARGET_RERUN_S and resolve_s <= TARGET_RESOLVE_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = Path(tempfile.mkdtemp(prefix="qingdan-corpus-bench-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    ok = asyncio.run(run(data_dir))
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
