"""Calls: the dispatch proposal against a 500-entry township list, and statistics over
100,000 calls.

    python -m bench.calls [--entries 500] [--proposals 400] [--calls 100000] [--runs 15]
                          [--data-dir DIR]

Starts an embedded PostgreSQL (a temporary directory unless ``--data-dir``), migrates it and
builds, through the core services, a county tenant whose first township has a published list
of ``--entries`` entries (the same data as ``bench.township_list``). In process, on the
service layer (no HTTP), it then measures:

1. **Dispatch proposal** — :func:`core.calls.routing.propose` in a tenant transaction, as
   :func:`core.calls.service.raise_call` runs it: (p) by item code, (t) by the call's text
   (an item title with colloquial words around it); and (r) a whole ``raise_call`` (insert,
   proposal, one dispatch row per unit, history, events). Reference (s): the one raw SQL
   statement that reads an item's parties from the published list by code, on the same
   connection. p50 / p95 / p99 over ``--proposals`` calls each, interleaved.
2. **Statistics** — ``--calls`` calls (≈ 1.5 dispatches each) spread over a year and 20
   townships are generated in SQL, then :func:`core.calls.statistics.call_statistics` for the
   whole tenant and year, one township, one unit, and grouped by township and by unit; median
   and worst of ``--runs`` runs each; reference: ``count(*)`` over the same rows.

Targets (issue 6): proposal p99 < 20 ms; statistics over 100,000 calls < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

GENERATE = """
WITH c AS (
  INSERT INTO calls (tenant_id, township_code, subject, description, call_class, state, raised_at, sign_deadline,
                     answer_deadline, signed_at, answered_at, closed_at, resolved, satisfaction, redo_count,
                     send_back_count)
  SELECT $1, ($2::text[])[1 + g % cardinality($2::text[])], '事件' || g, '基准数据', 'complex',
         CASE WHEN g % 100 < 97 THEN 'closed' ELSE 'in_progress' END,
         r.at, r.at + interval '1 day', r.at + interval '5 days', r.at + (g % 30) * interval '1 hour',
         CASE WHEN g % 100 < 97 THEN r.at + (1 + g % 6) * interval '1 day' END,
         CASE WHEN g % 100 < 97 THEN r.at + (1 + g % 6) * interval '1 day' + interval '3 hours' END,
         CASE WHEN g % 100 < 97 THEN g % 50 <> 0 END,
         CASE WHEN g % 100 >= 97 THEN NULL WHEN g % 50 = 0 THEN 'dissatisfied'
              WHEN g % 7 = 0 THEN 'basically_satisfied' ELSE 'satisfied' END,
         (g % 50 = 0)::int, (g % 40 = 0)::int
  FROM generate_series(1, $3) AS g,
       LATERAL (SELECT timestamptz '2024-01-01 08:00+08' + (g % 365) * interval '1 day'
                       + (g % 600) * interval '1 minute' AS at) r
  RETURNING id, raised_at, sign_deadline, answer_deadline, signed_at, answered_at, send_back_count
)
INSERT INTO call_dispatches (tenant_id, call_id, unit_code, role, state, raised_at, dispatched_at, sign_deadline,
                             answer_deadline, signed_at, answered_at)
SELECT $1, c.id, ($4::text[])[1 + (abs(hashtext(c.id::text)) + k) % cardinality($4::text[])],
       CASE WHEN k = 0 THEN 'primary' ELSE 'cooperating' END,
       CASE WHEN c.answered_at IS NULL THEN 'in_progress' ELSE 'answered' END,
       c.raised_at, c.raised_at, c.sign_deadline, c.answer_deadline, c.signed_at, c.answered_at
FROM c, generate_series(0, CASE WHEN c.send_back_count > 0 OR extract(minute FROM c.raised_at)::int % 2 = 0
                                THEN 1 ELSE 0 END) AS k
ON CONFLICT DO NOTHING
"""

#: Reference (s): an item's parties from the township's published list by item code, in one
#: statement (what a proposal by code must at least read).
BY_ITEM_CODE = """
SELECT u.code AS unit_code, u.name AS unit_name, r.role, i.code AS item_code, i.title AS item_title
FROM township_lists l
JOIN township_list_versions v
  ON v.tenant_id = l.tenant_id AND v.township_code = l.township_code AND v.number = l.published_number
JOIN township_version_entries e
  ON e.tenant_id = v.tenant_id AND e.township_code = v.township_code AND e.number = v.number
JOIN catalog_items i ON i.tenant_id = e.tenant_id AND i.version = v.catalog_version AND i.code = e.item_code
JOIN catalog_responsibilities r
  ON r.tenant_id = i.tenant_id AND r.version = i.version AND r.item_code = i.code
JOIN units u ON u.tenant_id = r.tenant_id AND u.code = r.party
WHERE l.township_code = $1 AND e.item_code = $2
ORDER BY r.role = 'primary' DESC, r.position
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"  {label:<44} n={len(ms):>4}  p50 {percentile(ms, 0.5):7.2f} ms  p95 {percentile(ms, 0.95):7.2f} ms"
        f"  p99 {percentile(ms, 0.99):7.2f} ms  max {max(ms):7.2f} ms"
    )


async def timed(work: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def prepare(data_dir: Path, entries: int) -> tuple[Any, str]:
    from bench.database import PLATFORM
    from bench.township_list import _list_tenant, start_database
    from tenants.access import open_access

    await start_database(data_dir)
    listed = await _list_tenant(f"calls-{entries}", entries, 20)
    return await open_access(PLATFORM, listed.slug), listed.township


async def bench_proposal(access: Any, township: str, count: int) -> tuple[list[float], ...]:
    from core.calls import routing, service
    from core.calls.model import CallCreate, Proposal
    from core.platform.db import tenant_transaction

    async with tenant_transaction(access.tenant.id) as conn:
        items = await conn.fetch(
            "SELECT e.item_code, i.title FROM township_lists l JOIN township_list_versions v"
            " ON v.tenant_id = l.tenant_id AND v.township_code = l.township_code AND v.number = l.published_number"
            " JOIN township_version_entries e ON e.tenant_id = v.tenant_id AND e.township_code = v.township_code"
            " AND e.number = v.number JOIN catalog_items i ON i.tenant_id = e.tenant_id"
            " AND i.version = v.catalog_version AND i.code = e.item_code"
            " WHERE l.township_code = $1 AND i.level = 'item'",
            township,
        )
    print(f"township {township}: {len(items)} items on its published list", flush=True)
    rng = random.Random(6)
    by_code: list[float] = []
    by_text: list[float] = []
    raw: list[float] = []
    whole: list[float] = []

    async def propose(code: str | None, text: str | None) -> None:
        async with tenant_transaction(access.tenant.id) as conn:
            found = await routing.propose(conn, access, township, text=text, item_code=code)
            assert found, (code, text)

    async def reference(code: str) -> None:
        async with tenant_transaction(access.tenant.id) as conn:
            rows = await conn.fetch(BY_ITEM_CODE, township, code)
            _ = [Proposal(**dict(r), score=1.0) for r in rows]  # as the proposal builds its answer

    async def raise_one(code: str) -> None:
        data = CallCreate(
            township_code=township, subject="基准呼叫", description="基准", call_class="key", item_code=code
        )
        view = await service.raise_call(access, data)
        assert view.dispatches

    for _ in range(20):  # warm-up: caches, prepared statements, the lookup index
        item = rng.choice(items)
        await propose(item["item_code"], None)
        await propose(None, f"群众反映{item['title']}的问题，请尽快处理")
        await reference(item["item_code"])
    for _ in range(count):
        item = rng.choice(items)
        code, text = item["item_code"], f"群众反映{item['title']}的问题，请尽快处理"
        by_code.append(await timed(lambda c=code: propose(c, None)))
        by_text.append(await timed(lambda t=text: propose(None, t)))
        raw.append(await timed(lambda c=code: reference(c)))
        whole.append(await timed(lambda c=code: raise_one(c)))
    return by_code, by_text, whole, raw


async def bench_statistics(access: Any, calls: int, runs: int) -> list[tuple[str, list[float]]]:
    from core.calls.statistics import call_statistics, call_statistics_by
    from core.platform.db import platform_transaction, tenant_transaction

    async with platform_transaction() as conn:
        townships = [
            r["code"]
            for r in await conn.fetch(
                "SELECT code FROM jurisdictions WHERE tenant_id = $1 AND kind = 'street' ORDER BY code",
                access.tenant.id,
            )
        ]
        units = [
            r["code"]
            for r in await conn.fetch(
                "SELECT code FROM units WHERE tenant_id = $1 AND kind = 'department' ORDER BY code", access.tenant.id
            )
        ]
        started = time.perf_counter()
        await conn.execute(GENERATE, access.tenant.id, townships, calls, units)
        took = time.perf_counter() - started
        total = await conn.fetchval("SELECT count(*) FROM calls WHERE tenant_id = $1", access.tenant.id)
        dispatches = await conn.fetchval("SELECT count(*) FROM call_dispatches WHERE tenant_id = $1", access.tenant.id)
    async with platform_transaction() as conn:
        await conn.execute("ANALYZE calls; ANALYZE call_dispatches")
    print(f"generated {calls:,} calls in {took:.1f} s: {total:,} calls, {dispatches:,} dispatches", flush=True)
    year = {"start": datetime.date(2024, 1, 1), "end": datetime.date(2024, 12, 31)}

    async def count_rows() -> None:
        async with tenant_transaction(access.tenant.id) as conn:
            await conn.fetchval(
                "SELECT count(*) FROM calls WHERE raised_at >= '2024-01-01' AND raised_at < '2025-01-01'"
            )

    cases: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("(ref) count(*) of the year's calls", count_rows),
        ("tenant, one year", lambda: call_statistics(access, **year)),
        (f"township {townships[0]}, one year", lambda: call_statistics(access, township=townships[0], **year)),
        (f"unit {units[0]}, one year", lambda: call_statistics(access, unit=units[0], **year)),
        ("grouped by township, one year", lambda: call_statistics_by(access, group_by="township", **year)),
        ("grouped by unit, one year", lambda: call_statistics_by(access, group_by="unit", **year)),
        (
            "tenant, one month",
            lambda: call_statistics(access, start=datetime.date(2024, 3, 1), end=datetime.date(2024, 3, 31)),
        ),
    ]
    view = await call_statistics(access, **year)
    print(
        f"tenant figures: received {view.received:,}, closure rate {view.closure_rate:.2%},"
        f" satisfaction {view.satisfaction.rate:.2%}, p90 response {view.p90_response_hours} h",
        flush=True,
    )
    results: dict[str, list[float]] = {label: [] for label, _ in cases}
    for _ in range(runs):
        for label, work in cases:
            results[label].append(await timed(work))
    return [(label, results[label]) for label, _ in cases]


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from core.platform import db

    try:
        access, township = await prepare(data_dir, args.entries)
        by_code, by_text, whole, raw = await bench_proposal(access, township, args.proposals)
        print(f"\nDispatch proposal, {args.entries}-entry township list (in process, one tenant transaction each):")
        print(line("(p) propose by item code", by_code))
        print(line("(t) propose by the call's text", by_text))
        print(line("(r) raise_call: insert, propose, dispatch, history", whole))
        print(line("(s) ref: raw SQL, item's parties by code", raw))
        worst = max(percentile(by_code, 0.99), percentile(by_text, 0.99)) * 1000
        print(f"  target p99 < 20 ms: {'met' if worst < 20 else 'MISSED'} ({worst:.2f} ms)")
        cases = await bench_statistics(access, args.calls, args.runs)
        print(f"\nStatistics over {args.calls:,} calls (median and worst of {args.runs} runs):")
        for label, values in cases:
            ms = [v * 1000 for v in values]
            print(f"  {label:<44} median {statistics.median(ms):8.1f} ms   worst {max(ms):8.1f} ms")
        slowest = max(statistics.median(v) for label, v in cases if not label.startswith("(ref)")) * 1000
        print(f"  target < 500 ms: {'met' if slowest < 500 else 'MISSED'} (slowest median {slowest:.1f} ms)")
    finally:
        await db.disconnect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--proposals", type=int, default=400)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-calls-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
