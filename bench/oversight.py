"""Burden indicators for a province: compute every county's, store them, read them back.

    python -m bench.oversight                        # 100 counties × 40 townships × 345 items
    python -m bench.oversight --counties 10 --keep --data-dir /tmp/ov

The data set is written set-based as the schema owner, each table in tenant order as a county's
own writes would leave it (a few ``INSERT … SELECT`` over
``generate_series``, not the product's services one list at a time): ``--counties`` county
tenants, each with ``--townships`` townships (a quarter of them streets), 12 departments, the
national three-part structure, a catalog whose version 1 holds 340 items in the national mix
(117 basic, 99 cooperating, 124 recovered, each citing an article of a shared law) and whose
version 2 adds 5 items without admission, every township's list published against version 2
(345 entries each: 100 × 40 × 345 ≈ 1.38 M entry spans), and 300 calls per county dispatched
to the departments over the last year (some answered late, sent back or re-routed).

Then, each figure printed with the limit measured in the same run:

- compute: :func:`core.oversight.indicators.compute` for every county in its own tenant
  transaction (row-level security on), ``--concurrency`` counties at a time (default 2, the
  cores), and :func:`core.oversight.storage.store_indicators`,
  **cold** (right after a restart of PostgreSQL: empty shared buffers; the OS page cache is
  not dropped) and **warm** (the second pass). The limit: one pass over each county's entries
  counted per township (no versions, items or roles), as the owner, no row-level security, as
  many counties at a time.
- read: ``--reads`` reads of one county's stored indicators (random county) through
  ``tenant_transaction`` + ``read_indicators`` (p50/p95/p99), against the bare ``SELECT body``
  by key on an owner connection outside any transaction.
- the load average before and after, since the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

os.environ.setdefault("QINGDAN_LEGAL_LIBRARY", "core")  # the 68 core texts: enough to cite, 25 s less

from core import install
from core.oversight.indicators import compute
from core.oversight.storage import read_indicators, store_indicators
from core.platform import db
from core.platform.settings import load_settings

AS_OF = datetime.date.today() + datetime.timedelta(days=1)  # China may be a day ahead of UTC
MIX = (("basic", 117), ("cooperating", 99), ("recovered", 124))
ADDED = 5  # items catalog version 2 adds without admission
CALLS = 300
DEPARTMENTS = 12
PREFIX = "ov-"

# $1 counties, $2 townships per county, $3 the shared documents cited (uuid[]).
BUILD = [
    """INSERT INTO tenants (id, slug, name, division_code)
       SELECT md5('ov' || n)::uuid, 'ov-' || lpad(n::text, 3, '0'), '基准县' || n, (370100 + n)::text
         FROM generate_series(1, $1) n""",
    """INSERT INTO jurisdictions (tenant_id, code, name, kind)
       SELECT t.id, t.division_code, t.name, 'county' FROM tenants t WHERE t.slug LIKE 'ov-%'""",
    """INSERT INTO jurisdictions (tenant_id, code, name, kind, parent_code)
       SELECT t.id, t.division_code || lpad(s::text, 3, '0') || '000',
              '基准' || s || CASE WHEN s % 4 = 0 THEN '街道' ELSE '镇' END,
              CASE WHEN s % 4 = 0 THEN 'street' ELSE 'town' END, t.division_code
         FROM tenants t CROSS JOIN generate_series(1, $2) s WHERE t.slug LIKE 'ov-%'""",
    f"""INSERT INTO units (tenant_id, code, name, kind, jurisdiction_code)
       SELECT t.id, 'dept-' || lpad(d::text, 2, '0'), '基准县第' || d || '局', 'department', t.division_code
         FROM tenants t CROSS JOIN generate_series(1, {DEPARTMENTS}) d WHERE t.slug LIKE 'ov-%'""",
    """INSERT INTO catalog_versions (tenant_id, number, status, effective_date, published_at, content_hash)
       SELECT t.id, v, 'published', DATE '2025-01-01' + (v - 1) * 30, now(), 'bench'
         FROM tenants t CROSS JOIN generate_series(1, 2) v WHERE t.slug LIKE 'ov-%'""",
    f"""INSERT INTO reference_codes (tenant_id, code)
       SELECT t.id, 'OV-' || lpad(i::text, 3, '0') FROM tenants t CROSS JOIN generate_series(1, {340 + ADDED}) i
        WHERE t.slug LIKE 'ov-%'""",
    # items 1-117 basic, 118-216 cooperating, 217-340 recovered, 341-345 basic added in version 2
    f"""INSERT INTO catalog_items (tenant_id, version, code, level, title, kinds, township_scope, recovery,
                                  content_hash, changed_in)
       SELECT t.id, v, 'OV-' || lpad(i::text, 3, '0'), 'item', '基准事项' || i,
              ARRAY[CASE WHEN i <= 117 OR i > 340 THEN 'basic' WHEN i <= 216 THEN 'cooperating' ELSE 'recovered' END],
              'all',
              CASE WHEN i BETWEEN 217 AND 340 THEN jsonb_build_object(
                'receiving_unit', 'dept-' || lpad((i % {DEPARTMENTS} + 1)::text, 2, '0'),
                'working_method', '县级部门统一办理', 'reason', '专业技术性强') END,
              md5(i::text), 1
         FROM tenants t CROSS JOIN generate_series(1, 2) v CROSS JOIN generate_series(1, {340 + ADDED}) i
        WHERE t.slug LIKE 'ov-%' AND (i <= 340 OR v = 2)
        ORDER BY t.id, v, i""",
    f"""INSERT INTO catalog_responsibilities (tenant_id, version, item_code, position, party, role, duty)
       SELECT i.tenant_id, i.version, i.code, 1,
              CASE WHEN i.kinds = ARRAY['basic'] THEN 'township'
                   ELSE 'dept-' || lpad((substr(i.code, 4)::int % {DEPARTMENTS} + 1)::text, 2, '0') END,
              'primary',
              CASE WHEN i.kinds = ARRAY['cooperating'] AND substr(i.code, 4)::int % 10 = 0
                   THEN '督促乡镇开展排查' ELSE '依法履行职责' END
         FROM catalog_items i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug LIKE 'ov-%'
       UNION ALL
       SELECT i.tenant_id, i.version, i.code, 2, 'township', 'cooperating', '配合做好相关工作'
         FROM catalog_items i JOIN tenants t ON t.id = i.tenant_id
        WHERE t.slug LIKE 'ov-%' AND i.kinds <> ARRAY['basic']""",
    """INSERT INTO item_citations (tenant_id, version, item_code, position, document_tenant, document_id, article, raw)
       SELECT i.tenant_id, i.version, i.code, 1, '00000000-0000-0000-0000-000000000000',
              ($3::uuid[])[substr(i.code, 4)::int % cardinality($3::uuid[]) + 1], substr(i.code, 4)::int % 20 + 1,
              '基准依据'
         FROM catalog_items i JOIN tenants t ON t.id = i.tenant_id WHERE t.slug LIKE 'ov-%'""",
    f"""INSERT INTO catalog_adjustments (tenant_id, version, kind, reason_kind, reason, item_code, initiator)
       SELECT t.id, 2, 'add', 'other', '领导交办', 'OV-' || lpad(i::text, 3, '0'), '{{}}'
         FROM tenants t CROSS JOIN generate_series(341, {340 + ADDED}) i WHERE t.slug LIKE 'ov-%'""",
    """INSERT INTO township_lists (tenant_id, township_code, status, catalog_version, published_number)
       SELECT j.tenant_id, j.code, 'published', 2, 1 FROM jurisdictions j JOIN tenants t ON t.id = j.tenant_id
        WHERE t.slug LIKE 'ov-%' AND j.kind IN ('town', 'street')""",
    """INSERT INTO township_list_versions (tenant_id, township_code, number, catalog_version, effective_date,
                                          content_hash)
       SELECT l.tenant_id, l.township_code, 1, 2, DATE '2025-02-01', 'bench'
         FROM township_lists l JOIN tenants t ON t.id = l.tenant_id WHERE t.slug LIKE 'ov-%'""",
    """INSERT INTO township_entry_spans (tenant_id, township_code, item_code, valid_from, origin, justification,
                                        responsible_office, post, contact, note, item_hash)
       SELECT v.tenant_id, v.township_code, i.code, 1, 'automatic', '', '', '', '', '', md5(i.code)
         FROM township_list_versions v JOIN tenants t ON t.id = v.tenant_id
         JOIN catalog_items i ON i.tenant_id = v.tenant_id AND i.version = 2
        WHERE t.slug LIKE 'ov-%'
        ORDER BY v.tenant_id, v.township_code, i.code""",
    f"""INSERT INTO calls (tenant_id, id, township_code, subject, description, call_class, item_code, state,
                          raised_at, sign_deadline, answer_deadline, signed_at, answered_at, closed_at,
                          satisfaction, send_back_count)
       SELECT t.id, md5(t.id::text || c)::uuid, t.division_code || lpad((c % $2 + 1)::text, 3, '0') || '000',
              '基准呼叫', '基准呼叫说明', 'complex', 'OV-' || lpad((c * 7 % 340 + 1)::text, 3, '0'),
              CASE WHEN c % 5 = 0 THEN 'dispatched' ELSE 'archived' END,
              now() - (c % 360) * interval '1 day', now() - (c % 360) * interval '1 day' + interval '1 day',
              now() - (c % 360) * interval '1 day' + interval '5 days',
              CASE WHEN c % 5 <> 0 THEN now() - (c % 360) * interval '1 day' + (c % 3) * interval '20 hours' END,
              CASE WHEN c % 5 <> 0 THEN now() - (c % 360) * interval '1 day' + (c % 7) * interval '1 day' END,
              CASE WHEN c % 5 <> 0 THEN now() - (c % 360) * interval '1 day' + interval '7 days' END,
              CASE WHEN c % 5 = 0 THEN NULL WHEN c % 11 = 0 THEN 'dissatisfied' ELSE 'satisfied' END,
              CASE WHEN c % 13 = 0 THEN 1 ELSE 0 END
         FROM tenants t CROSS JOIN generate_series(1, {CALLS}) c WHERE t.slug LIKE 'ov-%'
        ORDER BY t.id, c""",
    f"""INSERT INTO call_dispatches (tenant_id, call_id, unit_code, role, item_code, state, raised_at, dispatched_at,
                                    sign_deadline, answer_deadline, signed_at, answered_at, sent_back_at,
                                    send_back_reason)
       SELECT c.tenant_id, c.id, 'dept-' || lpad((substr(c.item_code, 4)::int % {DEPARTMENTS} + 1)::text, 2, '0'),
              'primary', c.item_code,
              CASE WHEN c.send_back_count > 0 THEN 'sent_back' WHEN c.answered_at IS NOT NULL THEN 'answered'
                   ELSE 'dispatched' END,
              c.raised_at, c.raised_at, c.sign_deadline, c.answer_deadline, c.signed_at, c.answered_at,
              CASE WHEN c.send_back_count > 0 THEN c.raised_at + interval '2 hours' END,
              CASE WHEN c.send_back_count > 0 THEN
                CASE WHEN hashtext(c.id::text) % 2 = 0 THEN '转派：不属本部门' ELSE '不属于本部门职责' END END
         FROM calls c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug LIKE 'ov-%'""",
]

#: The in-run limit of a county's compute: one pass over its entries, counted per township — the
#: irreducible read every figure needs (no list versions, no items, no roles) — as the owner, no
#: row-level security, no transaction of the product's.
BARE_COUNTS = "SELECT s.township_code, count(*) FROM township_entry_spans s WHERE s.tenant_id = $1 GROUP BY 1"
BARE_READ = "SELECT body::text FROM burden_indicators WHERE tenant_id = $1 AND as_of = $2"


def _pct(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"p50 {_pct(ordered, 50) * 1000:7.2f} ms  p95 {_pct(ordered, 95) * 1000:7.2f} ms"
        f"  p99 {_pct(ordered, 99) * 1000:7.2f} ms  max {ordered[-1] * 1000:7.2f} ms"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


async def build(counties: int, townships: int) -> tuple[list[uuid.UUID], float | None]:
    """Write the data set (once per data directory); the county ids and the seconds it took
    (None when the data directory held it already)."""
    started = time.perf_counter()
    fresh = False
    async with db.platform_transaction() as conn:
        have = await conn.fetchval("SELECT count(*) FROM tenants WHERE slug LIKE 'ov-%'")
        if have != counties:
            if have:
                raise SystemExit(f"the data directory holds {have} benchmark counties, not {counties}: use another")
            documents = [
                r["id"]
                for r in await conn.fetch(
                    "SELECT id FROM legal_documents WHERE tenant_id = '00000000-0000-0000-0000-000000000000'"
                    " ORDER BY title LIMIT 40"
                )
            ]
            fresh = True
            for statement in BUILD:
                # $1 and $2 are whole numbers, written in; $3 (the documents) stays a parameter
                sql = statement.replace("$1", str(int(counties))).replace("$2", str(int(townships)))
                await conn.execute(*((sql.replace("$3", "$1"), documents) if "$3" in sql else (sql,)))
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM tenants WHERE slug LIKE 'ov-%' ORDER BY slug")]
    async with db.platform_transaction() as conn:
        for table in ("township_entry_spans", "township_list_versions", "catalog_items", "calls", "call_dispatches"):
            await conn.execute(f"ANALYZE {table}")
    return ids, (time.perf_counter() - started) if fresh else None


async def compute_all(ids: list[uuid.UUID], concurrency: int) -> tuple[float, list[float]]:
    """Every county's indicators computed and stored, each in its own tenant transaction (its own
    connection), ``concurrency`` counties at a time."""
    per: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(tenant_id: uuid.UUID) -> None:
        async with gate:
            t = time.perf_counter()
            async with db.tenant_transaction(tenant_id) as conn:
                await store_indicators(conn, tenant_id, AS_OF, (await compute(conn, tenant_id, AS_OF)))
            per.append(time.perf_counter() - t)

    started = time.perf_counter()
    await asyncio.gather(*(one(tenant_id) for tenant_id in ids))
    return time.perf_counter() - started, per


async def bare_all(url: str, ids: list[uuid.UUID], concurrency: int) -> float:
    """The limit, the same counties, as many at a time on as many owner connections."""
    connections = [await asyncpg.connect(url) for _ in range(concurrency)]
    try:
        started = time.perf_counter()

        async def share(conn: asyncpg.Connection, part: list[uuid.UUID]) -> None:
            for tenant_id in part:
                await conn.fetch(BARE_COUNTS, tenant_id)

        await asyncio.gather(*(share(c, ids[n::concurrency]) for n, c in enumerate(connections)))
        return time.perf_counter() - started
    finally:
        for conn in connections:
            await conn.close()


async def reads(url: str, ids: list[uuid.UUID], n: int, seed: int) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    picks = [rng.choice(ids) for _ in range(n)]
    product: list[float] = []
    bare: list[float] = []
    conn = await asyncpg.connect(url)  # the owner, outside the product's pool
    try:
        for tenant_id in picks:  # interleaved, so both feel the machine alike
            t = time.perf_counter()
            async with db.tenant_transaction(tenant_id) as tc:
                found = await read_indicators(tc, tenant_id, AS_OF)
            product.append(time.perf_counter() - t)
            assert found is not None
            t = time.perf_counter()
            await conn.fetchval(BARE_READ, tenant_id, AS_OF)
            bare.append(time.perf_counter() - t)
    finally:
        await conn.close()
    return product, bare


async def entries(ids: list[uuid.UUID]) -> int:
    async with db.platform_transaction() as conn:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM township_entry_spans s WHERE s.tenant_id = ANY($1::uuid[])", ids
        )
    return count


async def connect(data_dir: Path) -> str:
    url = await db.start_embedded(data_dir)
    await db.connect(url, role=load_settings(data_dir).app_role)
    return url


async def restart(data_dir: Path) -> str:
    """Stop and start PostgreSQL: the next statements find empty shared buffers."""
    await db.disconnect()
    db.stop_embedded(data_dir)
    return await connect(data_dir)


async def main(args: argparse.Namespace) -> bool:
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="qingdan-oversight-"))
    print(f"load average at start: {_load()}")
    try:
        url = await connect(data_dir)
        await install.migrate()
        ids, built = await build(args.counties, args.townships)
        count = await entries(ids)
        print(f"data set: {len(ids)} counties × {args.townships} townships, {count:,} entry spans")
        print(f"  built in {built:.1f} s (set-based, as the owner)" if built else "  (reused from the data directory)")

        n = args.concurrency
        url = await restart(data_dir)
        cold_bare = await bare_all(url, ids, n)
        url = await restart(data_dir)
        cold, cold_per = await compute_all(ids, n)
        warm_bare = await bare_all(url, ids, n)
        warm, warm_per = await compute_all(ids, n)
        warm_bare_2 = await bare_all(url, ids, n)
        limit = min(warm_bare, warm_bare_2)
        print(f"compute + store, {len(ids)} counties, {n} at a time (target ≤ 10 s)")
        print(f"  total: cold {cold:6.2f} s   warm {warm:6.2f} s")
        print(f"  per county cold: {_ms(cold_per)}")
        print(f"  per county warm: {_ms(warm_per)}")
        print("  limit (one pass over each county's entries, owner, no RLS):")
        print(f"         cold {cold_bare:6.2f} s   warm {limit:6.2f} s")
        print(f"  ratio compute/limit: cold {cold / cold_bare:5.1f}×  warm {warm / limit:5.1f}×")

        product, bare = await reads(url, ids, args.reads, args.seed)
        print(f"read stored indicators ×{len(product)} (tenant_transaction + read_indicators)")
        print(f"  product: {_ms(product)}   (target p99 ≤ 50 ms)")
        print(f"  limit (bare SELECT by key, owner, no transaction): {_ms(bare)}")
        print(f"  ratio p99: {_pct(sorted(product), 99) / _pct(sorted(bare), 99):5.1f}×")
        print(f"load average at end: {_load()}")
        ok = warm <= 10 and _pct(sorted(product), 99) <= 0.050
        print("verdict:", "within targets" if ok else "OUTSIDE a target")
        return ok
    finally:
        await db.disconnect()
        db.stop_embedded(data_dir)
        if not args.data_dir and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif args.keep:
            print(f"kept {data_dir}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--counties", type=int, default=100)
    p.add_argument("--townships", type=int, default=40)
    p.add_argument("--reads", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=2, help="counties computed at a time (default: 2, the cores)")
    p.add_argument("--seed", type=int, default=21)
    p.add_argument("--data-dir", help="keep and reuse the database here (default: a temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main(parse())) else 1)
