"""Search over 100,000 published township-list entries: latency of ``core.publication.search.search``.

``python -m bench.search`` builds (in a temporary embedded PostgreSQL, or ``--data-dir``)
a county with ``--townships`` streets (default 50) and a catalog of ``--items`` items
(default 2,000), publishes the catalog and every township's list (50 × 2,000 = 100,000
entries, the open rows of ``township_entry_spans``), then runs a mix of queries — two-character terms frequent
and rare, longer phrases, traditional-character queries, single characters, filters — in a
closed loop with ``--clients`` concurrent callers (default 1 and 16) through the service
(tenant transaction, row-level security, ranking, the first page of 50 hits), and the same
mix grouped by item (``search_items``). As reference it times each bare statement on the
owner's connection (no role switch, no RLS; the grouped one without the townships of its
items, which the service keeps: :mod:`core.publication.search_holdings`).

Prints p50/p95/p99 per query and over the mix. Target (issue 18): p99 ≤ 50 ms at 16 callers,
per entry and grouped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

QUERIES = [
    ("消防", {}),  # two characters, frequent
    ("低保", {}),  # two characters, absent from most items
    ("安全生产", {}),  # a phrase
    ("檢查", {}),  # traditional
    ("镇", {}),  # one character: a prefix over bigrams
    ("业务指导", {"kind": "basic"}),  # a duty text, filtered
    ("管理", {"category": "safety"}),
    ("消防", {"township": "first"}),
    ("低保怎么申请", {}),  # a question: fillers dropped, the lexicon's reading of 低保
    ("违建", {}),  # a colloquial word read as the list's 违法建设
]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _analyze() -> None:
    """Fresh tables have no statistics; the list reads after each publication then plan badly."""
    from core.platform.db import platform_transaction

    async with platform_transaction() as conn:
        await conn.execute("ANALYZE")


async def publish_in_bulk(access: Any, codes: list[str]) -> None:
    """Publish the townships' working copies as version 1: the same version rows
    ``publish_list`` writes for a first version (its reads of the whole list before and after
    are not what these benchmarks measure): a version row and an open span per entry, which
    is what search reads."""
    from core.platform.db import tenant_transaction

    for code in codes:
        async with tenant_transaction(access.tenant.id) as conn:
            await conn.execute(
                "INSERT INTO township_list_versions (tenant_id, township_code, number, catalog_version,"
                " effective_date, content_hash) SELECT tenant_id, township_code, 1, catalog_version,"
                " '2025-02-01', 'bench' FROM township_lists WHERE tenant_id = $1 AND township_code = $2",
                access.tenant.id,
                code,
            )
            await conn.execute(
                "INSERT INTO township_entry_spans (tenant_id, township_code, valid_from, item_code, origin,"
                " justification, responsible_office, post, contact, note, item_hash)"
                " SELECT e.tenant_id, e.township_code, 1, e.item_code, e.origin, e.justification,"
                " e.responsible_office, e.post, e.contact, e.note, i.content_hash FROM township_entries e"
                " JOIN township_lists l ON l.tenant_id = e.tenant_id AND l.township_code = e.township_code"
                " JOIN catalog_items i ON i.tenant_id = e.tenant_id AND i.version = l.catalog_version"
                " AND i.code = e.item_code WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.state = 'active'",
                access.tenant.id,
                code,
            )
            # The documents' holders, as publish_filed keeps them (migration 0019).
            await conn.execute(
                "UPDATE search_documents d SET holders = d.holders + 1 FROM township_entries e"
                " JOIN township_lists l ON l.tenant_id = e.tenant_id AND l.township_code = e.township_code"
                " JOIN catalog_items i ON i.tenant_id = e.tenant_id AND i.version = l.catalog_version"
                " AND i.code = e.item_code WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.state = 'active'"
                " AND d.tenant_id = $1 AND d.item_code = e.item_code AND d.content_hash = i.content_hash",
                access.tenant.id,
                code,
            )


async def build(townships: int, items: int) -> Any:
    from bench.township_list import build_county, make_items, publish_catalog, township_codes
    from core.catalog.editing import import_items
    from core.platform.db import tenant_transaction

    access = await build_county("bench-search", "基准县（搜索）", townships)
    await import_items(access, make_items(items))
    await publish_catalog(access, "基准目录", datetime.date(2025, 1, 1))
    async with tenant_transaction(access.tenant.id) as conn:
        await conn.execute(
            "UPDATE township_entries SET responsible_office = '综合行政执法办公室' WHERE tenant_id = $1",
            access.tenant.id,
        )
    started = time.perf_counter()
    await _analyze()
    await publish_in_bulk(access, township_codes(townships))
    print(f"published {townships} lists in {time.perf_counter() - started:.1f} s (open entry spans)")
    # What autovacuum does soon on a server that keeps running (a bench's embedded server may stop
    # before it does): statistics of the new spans, and the visibility map that lets the
    # townships of an item be read from the open spans' index alone.
    from core.platform import db

    async with db.DB.pool.acquire() as conn:  # type: ignore[union-attr]
        await conn.execute("VACUUM ANALYZE township_entry_spans, search_documents, search_postings")
    async with tenant_transaction(access.tenant.id) as conn:
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM township_entry_spans WHERE tenant_id = $1 AND valid_until IS NULL)"
            " AS entries,"
            " (SELECT count(*) FROM search_documents WHERE tenant_id = $1) AS documents",
            access.tenant.id,
        )
    print(f"open township_entry_spans {counts['entries']:,}, search_documents {counts['documents']:,}")
    return access


async def run_mix(
    access: Any, clients: int, seconds: float, *, raw: bool = False, grouped: bool = False
) -> dict[str, list[float]]:
    from bench.township_list import township_codes
    from core.platform import db
    from core.publication import queries as search_queries
    from core.publication import search

    first = township_codes(1)[0]
    timings: dict[str, list[float]] = {q + (f" {f}" if f else ""): [] for q, f in QUERIES}
    deadline = time.perf_counter() + seconds

    async def one(q: str, filters: dict[str, str]) -> None:
        params = {k: (first if v == "first" else v) for k, v in filters.items()}
        if raw:
            terms = search._in_catalog(search._terms(q), None)  # the words alone
            keys = search.posting_keys(terms)
            township = params.get("township")
            townships = (township, township) if township else search.ALL_TOWNSHIPS
            common = (access.tenant.id, search._tsquery(terms), params.get("kind"), params.get("category"), township)
            if grouped:  # the page and the total; the townships of its items are kept (search_holdings)
                statement, args = search_queries._SEARCH_ITEMS, (*common, 0, 50, *keys.args(), *townships)
            else:
                best = 51 if keys.one_lexeme and not (params.get("kind") or params.get("category")) else None
                statement, args = search_queries._SEARCH_LISTS, (*common, 0, 51, *keys.args(), 51, best, *townships)
            async with db.DB.pool.acquire() as conn:  # type: ignore[union-attr]
                await conn.fetch(statement, *args)
        elif grouped:
            await search.search_items(access, q, **params)
        else:
            await search.search(access, q, **params)

    async def client(n: int) -> None:
        i = n
        while time.perf_counter() < deadline:
            q, filters = QUERIES[i % len(QUERIES)]
            i += 1
            t0 = time.perf_counter()
            await one(q, filters)
            timings[q + (f" {filters}" if filters else "")].append((time.perf_counter() - t0) * 1000)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return timings


def report(label: str, timings: dict[str, list[float]]) -> float:
    print(f"\n{label}")
    print(f"{'query':<40} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    every: list[float] = []
    for name, values in timings.items():
        if values:
            every += values
            p50, p95, p99 = statistics.median(values), _pct(values, 95), _pct(values, 99)
            print(f"{name:<40} {len(values):>6} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f}")
    p99 = _pct(every, 99)
    print(f"{'all':<40} {len(every):>6} {statistics.median(every):>8.2f} {_pct(every, 95):>8.2f} {p99:>8.2f}")
    return p99


async def main_async(args: argparse.Namespace, data_dir: Path) -> bool:
    from bench.township_list import start_database
    from core.platform import db
    from core.publication import search
    from core.security.tenancy import find_tenant
    from tenants.access import open_access

    await start_database(data_dir)
    try:
        from bench.township_list import PLATFORM

        if await find_tenant("bench-search") is None:
            access = await build(args.townships, args.items)
        else:
            access = await open_access(PLATFORM, "bench-search")
        hits = await search.search(access, "消防", limit=100)
        print(f"'消防': {len(hits.items)} hits on the first page of 100, next page: {bool(hits.next_cursor)}")
        await run_mix(access, 1, 2)  # warm-up
        await run_mix(access, 1, 2, grouped=True)  # its statement's plans too
        gc.freeze()  # as the app does after its warm-up (tenants/lookup_warmup.py): no full collection walks the build
        verdicts = []
        for clients in args.clients:
            service = report(
                f"service, {clients} concurrent caller(s), {args.seconds:.0f} s",
                await run_mix(access, clients, args.seconds),
            )
            bare = report(
                f"reference: the bare statement as owner, {clients} caller(s)",
                await run_mix(access, clients, args.seconds, raw=True),
            )
            print(f"p99 service/bare at {clients}: {service / bare:.2f}")
            grouped = report(
                f"grouped by item (search_items, as the portal), {clients} concurrent caller(s)",
                await run_mix(access, clients, args.seconds, grouped=True),
            )
            grouped_bare = report(
                f"reference: the bare grouped statement as owner, {clients} caller(s)",
                await run_mix(access, clients, args.seconds, raw=True, grouped=True),
            )
            print(f"grouped p99 service/bare at {clients}: {grouped / grouped_bare:.2f}")
            verdicts.append((clients, service, grouped))
        # Issue 18: p99 ≤ 50 ms at 16 callers, per entry and grouped; on this machine the
        # callers, this process and PostgreSQL share two cores, so the load average is printed.
        print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        met = True
        for clients, service, grouped in verdicts:
            judged = clients == 16
            for what, p99 in (("per entry", service), ("grouped", grouped)):
                verdict = ("met" if p99 <= 50 else "MISSED") if judged else "for information"
                label = "Target" if judged else "      "
                print(f"{label} p99 ≤ 50 ms, {what}, {clients} caller(s): {verdict} ({p99:.1f} ms)")
                met = met and (p99 <= 50 or not judged)
        return met
    finally:
        await db.disconnect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--townships", type=int, default=50)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--data-dir", type=Path, help="keep the database here (reused on the next run)")
    args = parser.parse_args(argv)
    if args.data_dir:
        asyncio.run(main_async(args, args.data_dir))
        return
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-search-") as tmp:
        asyncio.run(main_async(args, Path(tmp)))


if __name__ == "__main__":
    main()
