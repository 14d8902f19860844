"""Workflow engine: Longsha admissions through their real steps, lists and the overdue query.

    python -m bench.workflows [--admissions 40] [--instances 20000] [--runs 15] [--data-dir DIR]

Starts an embedded PostgreSQL (a temporary directory unless ``--data-dir``), migrates it and
provisions the ``longsha`` plugin tenant through the public services. Then, in process,
through the core services (no HTTP):

1. runs ``--admissions`` admissions through Longsha's nine steps (apply, open, two reviews,
   consult two streets, two opinions, finish, approve — the approval adds the item to the
   draft catalog) and times every transition;
2. inserts ``--instances`` further running instances with deadlines spread around now (one
   statement), and times the first page of the instance list (50, with the transitions the
   caller may take) and the overdue query over all of them;
3. as the reference, times a tenant transaction running one trivial statement (the floor
   every service call pays: BEGIN with role and tenant, the statement, COMMIT).

Prints p50/p95/p99 per step and the ratios to the reference.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.calls import line, percentile


async def _timed(work: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work()
    return time.perf_counter() - started, result


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    from bench.database import PLATFORM, prepare
    from core.catalog.reading import ItemCreate, ResponsibilityData
    from core.platform import db
    from core.platform.db import platform_transaction, tenant_transaction
    from core.security.access import Access, Principal, Role
    from core.workflow import admission, engine
    from tenants.access import open_access

    try:
        prepared = await prepare(data_dir, "longsha", 0)
        base = await open_access(PLATFORM, prepared.slug)
        tenant = base.tenant

        def as_(role: Role, scope: str | None = None) -> Access:
            return Access(
                tenant, Principal(key_id=None, role=role, tenant_id=tenant.id, scope_code=scope, name="bench")
            )

        admin = as_(Role.ADMIN)
        applicant = as_(Role.DEPARTMENT, "family-planning-association")
        justice = as_(Role.DEPARTMENT, "justice-bureau")
        business = as_(Role.DEPARTMENT, "business-environment-bureau")
        wulong, nanhang = "230202001000", "230202006000"
        streets = {wulong: as_(Role.TOWNSHIP, wulong), nanhang: as_(Role.TOWNSHIP, nanhang)}

        steps: dict[str, list[float]] = {}
        whole: list[float] = []
        run_id = uuid.uuid4().hex[:6]
        for n in range(args.admissions):
            item = ItemCreate(
                code=f"LS-B{run_id}-{n:04d}",
                title=f"基准准入事项{n}",
                level="item",
                kinds=["common"],
                category="health",
                responsibilities=[ResponsibilityData("township", "primary", "受理初审")],
            )
            started = time.perf_counter()
            took, view = await _timed(
                lambda item=item: admission.apply(applicant, admission.AdmissionApply(item=item, justification="基准"))
            )
            steps.setdefault("apply", []).append(took)
            plan = [
                (admin, "open", {"opinion": "受理"}),
                (justice, "review", {"opinion": "合法", "conclusion": "pass"}),
                (business, "review", {"opinion": "合理", "conclusion": "pass"}),
                (admin, "consult_townships", {"townships": [wulong, nanhang]}),
                (streets[wulong], "give_opinion", {"opinion": "同意", "position": "agree"}),
                (streets[nanhang], "give_opinion", {"opinion": "同意", "position": "agree"}),
                (admin, "finish_consultation", {}),
                (admin, "approve", {"decision_text": "审定同意"}),
            ]
            for who, name, inputs in plan:
                request = engine.TransitionRequest(name, inputs)
                took, _ = await _timed(
                    lambda who=who, request=request, view=view: engine.transition(who, view.id, request)
                )
                steps.setdefault(name, []).append(took)
            whole.append(time.perf_counter() - started)

        async with platform_transaction() as conn:
            await conn.execute(
                "INSERT INTO workflow_instances (tenant_id, definition, kind, subject, state, applicant, due_at,"
                " started_at)"
                " SELECT $1, 'longsha_admission', 'admission', '基准实例 ' || g, 'review',"
                ' \'{"role": "department", "scope": "justice-bureau"}\'::jsonb,'
                " now() + make_interval(hours => (g % 200) - 100), now() - make_interval(secs => g)"
                " FROM generate_series(1, $2) AS g",
                tenant.id,
                args.instances,
            )
            await conn.execute("ANALYZE workflow_instances; ANALYZE workflow_steps")

        listing: list[float] = []
        overdue: list[float] = []
        reference: list[float] = []
        found = 0

        async def trivial() -> None:
            async with tenant_transaction(tenant.id) as conn:
                await conn.fetchval("SELECT 1")

        for _ in range(args.runs):
            took, _ = await _timed(lambda: engine.list_instances(justice, kind="admission", limit=50))
            listing.append(took)
            took, rows = await _timed(lambda: engine.overdue(admin, limit=500))
            overdue.append(took)
            found = len(rows)
            took, _ = await _timed(trivial)
            reference.append(took)
        overdue_total = len(await engine.overdue(admin, limit=100_000))
        for _ in range(max(0, 200 - args.runs)):
            reference.append((await _timed(trivial))[0])

        floor = percentile(reference, 0.5)
        print(f"\nLongsha admissions through their real steps ({args.admissions}, in process):")
        for name, values in steps.items():
            print(line(f"{name}", values) + f"   p50 = {percentile(values, 0.5) / floor:5.1f}× ref")
        print(line("whole admission (9 steps)", whole))
        total = args.instances + args.admissions
        print(f"\nReading, {total:,} admission instances in the tenant ({args.runs} runs):")
        print(line("list: first page of 50, with allowed transitions", listing))
        print(line(f"overdue query, first {found} of {overdue_total:,} overdue", overdue))
        print(line("(ref) tenant transaction with SELECT 1", reference))
        ratios = statistics.median(listing) / floor, statistics.median(overdue) / floor
        print(f"  list p50 = {ratios[0]:.1f}× ref;  overdue p50 = {ratios[1]:.1f}× ref")
    finally:
        await db.disconnect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admissions", type=int, default=40)
    parser.add_argument("--instances", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-workflows-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    asyncio.run(run(args, data_dir))


if __name__ == "__main__":
    main()
