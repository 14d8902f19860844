"""Computing a county's annual evaluation with explanations.

    python -m bench.evaluation [--townships 40] [--departments 60] [--agencies 30]
                               [--indicators 200] [--runs 5] [--data-dir DIR]

Starts an embedded PostgreSQL in a temporary directory (or ``--data-dir``), migrates it and,
through the core services, builds a plain county tenant with ``--townships`` streets,
``--departments`` county departments and ``--agencies`` dispatched agencies (every fifth
serving two townships), a scheme of ``--indicators`` indicators over five relations (county →
township, county → department, township → department "bottom-up", department → agency,
township → agency; Tai'an-style shares 2/3 + 1/3 and 0.4 + 0.6), opens the year and enters
every score (each township rates every department on every bottom-up indicator: with the
defaults 40 × 60 × 50 = 120,000 of the ~126,000 scores).

Then it computes the year ``--runs`` times (``core.evaluation.service.compute_period``: read
the scheme, subjects and all scores, compute every result with its explanation, replace the
results — one transaction) and prints p50 / max, statements per run, result count and
explanation size, peak memory, and two references measured in the same run: the bare
statement reading all scores (the I/O floor) and the pure computation
(``core.evaluation.compute.compute`` on rows already in memory). Target: under 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import msgspec
import psutil

from core import install
from core.evaluation import service
from core.evaluation.compute import Aggregates, compute
from core.evaluation.schemes import IndicatorDoc, RelationDoc, SchemeDoc
from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction
from core.jurisdictions.units import UnitCreate, create_unit
from core.platform import db
from core.platform.db import tenant_transaction
from core.platform.settings import load_settings
from core.security.access import Principal, Role
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench")
ROOT = "510115"
RELATIONS = (
    ("county_township", "county", "township", 1.0, 0.40),
    ("county_department", "county", "department", 2 / 3, 0.15),
    ("township_department", "township", "department", 1 / 3, 0.25),
    ("department_agency", "department", "dispatched_agency", 0.4, 0.05),
    ("township_agency", "township", "dispatched_agency", 0.6, 0.15),
)


def aggregate(
    doc: SchemeDoc, scores: list[tuple[str, str, str, str, float]], shares: dict[tuple[str, str], dict[str, float]]
) -> Aggregates:
    """Reference 2's reduction in Python, for rows already in memory (the service does it in SQL)."""
    indicators = {i.code: i for i in doc.indicators}
    sums: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0]))
    subtotals: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for relation, evaluator, evaluatee, code, score in scores:
        key = (relation, evaluatee)
        ruled = shares.get(key)
        share = 1.0 if ruled is None else ruled.get(evaluator, 0.0)
        acc = sums[key][code]
        acc[0] += share * score
        acc[1] += share
        acc[2] += 1
        ind = indicators[code]
        norm = (score - ind.min_score) / (ind.max_score - ind.min_score) * 100
        subtotals[key][evaluator] += ind.weight / doc.weight_total * norm
    means = {
        key: {code: ((a[0] / a[1]) if a[1] > 0 else None, int(a[2])) for code, a in per.items()}
        for key, per in sums.items()
    }
    return Aggregates(means, {k: dict(v) for k, v in subtotals.items()})


def scheme(indicators: int) -> SchemeDoc:
    relations = [RelationDoc(code, code.replace("_", " → "), a, b, share) for code, a, b, share, _ in RELATIONS]
    docs: list[IndicatorDoc] = []
    counts = [max(1, round(indicators * part)) for *_, part in RELATIONS]
    counts[0] += indicators - sum(counts)
    for (code, *_), n in zip(RELATIONS, counts, strict=True):
        weights = [round(100 / n, 6)] * n
        weights[-1] = round(100 - sum(weights[:-1]), 6)
        prefix = "".join(part[0] for part in code.split("_"))
        docs += [IndicatorDoc(f"{prefix}-{i:03d}", f"指标{i}", code, w) for i, w in enumerate(weights)]
    return SchemeDoc(relations=relations, indicators=docs, note="bench")


async def build(args: argparse.Namespace) -> tuple[object, dict[str, int]]:
    slug = "bench-eval"
    await create_tenant(PLATFORM, TenantCreate(slug=slug, name="基准县", division_code=ROOT))
    access = await open_access(PLATFORM, slug)
    towns = [f"{ROOT}{i + 1:03d}000" for i in range(args.townships)]
    for i, code in enumerate(towns):
        await create_jurisdiction(
            access, JurisdictionCreate(code=code, name=f"基准{i + 1}街道", kind="street", parent_code=ROOT)
        )
    departments = [f"dept-{i:03d}" for i in range(args.departments)]
    for i, code in enumerate(departments):
        await create_unit(access, UnitCreate(code=code, name=f"县部门{i}", kind="department", jurisdiction_code=ROOT))
    agencies: dict[str, tuple[str, list[str]]] = {}
    for i in range(args.agencies):
        hosts = [towns[i % len(towns)]] + ([towns[(i + 1) % len(towns)]] if i % 5 == 0 else [])
        parent = departments[i % len(departments)]
        code = f"agency-{i:03d}"
        agencies[code] = (parent, hosts)
        await create_unit(
            access,
            UnitCreate(
                code=code,
                name=f"派驻机构{i}",
                kind="dispatched_agency",
                jurisdiction_code=hosts[0],
                parent_unit_code=parent,
                host_township_codes=hosts,
            ),
        )
    doc = scheme(args.indicators)
    await service.replace_scheme(access, service.SchemeUpdate(scheme=doc, revision=0))
    await service.create_period(access, service.PeriodCreate(code="2026", kind="year"))
    by_relation: dict[str, list[str]] = {}
    for ind in doc.indicators:
        by_relation.setdefault(ind.relation, []).append(ind.code)
    rows: list[service.ScoreIn] = []

    def add(relation: str, evaluator: str, evaluatee: str) -> None:
        for n, ind in enumerate(by_relation[relation]):
            rows.append(service.ScoreIn(relation, evaluator, evaluatee, ind, float(60 + (hash((evaluatee, n)) % 41))))

    for t in towns:
        add("county_township", ROOT, t)
    for d in departments:
        add("county_department", ROOT, d)
        for t in towns:
            add("township_department", t, d)
    for code, (parent, hosts) in agencies.items():
        add("department_agency", parent, code)
        for t in hosts:
            add("township_agency", t, code)
    for start in range(0, len(rows), 50000):
        await service.enter_scores(access, "2026", service.ScoresIn(scores=rows[start : start + 50000]))
    return access, {"scores": len(rows), "indicators": len(doc.indicators)}


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-eval-") as tmp:
        data_dir = Path(args.data_dir or tmp)
        url = await db.start_embedded(data_dir)
        await db.connect(url, role=load_settings(data_dir).app_role, count_queries=True)
        try:
            await install.migrate()
            started = time.perf_counter()
            access, sizes = await build(args)
            print(
                f"setup: {sizes['scores']:,} scores, {sizes['indicators']} indicators"
                f" ({time.perf_counter() - started:.1f} s)"
            )

            times, statements = [], []
            summary = None
            for _ in range(args.runs):
                db.queries.count = 0
                t0 = time.perf_counter()
                summary = await service.compute_period(access, "2026")
                times.append(time.perf_counter() - t0)
                statements.append(db.queries.count)

            # Reference 1: the bare statement reading every score.
            floor = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                async with tenant_transaction(access.tenant.id) as conn:
                    records = await conn.fetch(
                        "SELECT relation, evaluator, evaluatee, indicator, score FROM evaluation_scores"
                        " WHERE tenant_id = $1 AND period = $2",
                        access.tenant.id,
                        "2026",
                    )
                floor.append(time.perf_counter() - t0)
            # Reference 2: the pure computation (reduction in Python included) on rows in memory.
            async with tenant_transaction(access.tenant.id) as conn:
                row = await conn.fetchrow(
                    "SELECT scheme::text FROM evaluation_periods WHERE tenant_id = $1 AND code = '2026'",
                    access.tenant.id,
                )
                doc = msgspec.json.decode(row["scheme"], type=SchemeDoc)
                subjects = list((await service.load_subjects(conn, access, doc)).values())
            rows = [tuple(r) for r in records]
            pure = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                computed = compute(doc, subjects, aggregate(doc, rows, {}))
                pure.append(time.perf_counter() - t0)
            explained = sum(len(msgspec.json.encode(c.explanation)) for c in computed)

            page = await service.list_results(access, "2026", limit=500)
            assert summary is not None and len(page.items) == summary.results
            process = psutil.Process()
            rss = process.memory_info().rss / 2**20
            p50, worst = statistics.median(times), max(times)
            print(
                f"compute (end to end, one transaction): p50 {p50 * 1000:.0f} ms, max {worst * 1000:.0f} ms"
                f" over {args.runs} runs; {statements[-1]} statements per run"
            )
            print(
                f"  results: {summary.results} ({summary.by_kind}), incomplete {summary.incomplete},"
                f" explanations {explained / 2**20:.1f} MiB JSON"
            )
            print(f"  reference, read all scores: p50 {statistics.median(floor) * 1000:.0f} ms")
            print(f"  reference, pure compute():  p50 {statistics.median(pure) * 1000:.0f} ms")
            print(f"  ratio end-to-end / read-floor: {p50 / statistics.median(floor):.1f}×")
            print(f"  peak RSS of this process: {rss:.0f} MiB")
            verdict = "PASS" if worst < 2.0 else "FAIL"
            print(f"target: annual results with explanations under 2 s — {verdict} (max {worst:.2f} s)")
        finally:
            await db.disconnect()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, default=40)
    parser.add_argument("--departments", type=int, default=60)
    parser.add_argument("--agencies", type=int, default=30)
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", default=None)
    asyncio.run(main(parser.parse_args()))
