"""Publishing a catalog version of 5,000 items that propagates to 40 township lists.

    python -m bench.publish [--items 5000] [--townships 40] [--modify 200] [--withdraw 50]
                            [--add 100] [--claims 8] [--analyze] [--timeout 60]
                            [--data-dir DIR] [--check]

Starts an embedded PostgreSQL (in a temporary directory unless ``--data-dir``, which must be
empty or new), migrates it, and through the core services builds a plain county tenant with
``--townships`` streets, a dozen county units and a list structure. Then, timing each step:

1. bulk-imports ``--items`` catalog items in one ``core.catalog.editing.import_items`` call: domains
   and their items, each with two responsibilities and one or two citations; one item in ten
   is differentiated (claimed by a township), one in twenty a county core power (on no
   township's list), the rest apply to every township;
2. publishes version 1 (``core.catalog.editing.publish``): every township list is created and
   filled (``follow_catalog``);
3. lets ``--claims`` townships claim a differentiated item each (``township_lists.claim``);
4. adjusts the draft (动态调整), each change with its reason: ``--modify`` items changed
   one by one (``update_item``: a fifth of them reassigned to another unit, the rest
   re-described; the claimed items among them), ``--withdraw`` withdrawn (``withdraw_item``,
   some folded into a successor), ``--add`` added by one ``import_items`` call with an
   ``AdjustmentNote``;
5. publishes version 2: the lists follow it (entries updated, removed, added, claimed
   entries flagged for re-confirmation).

Prints import, publish v1, adjustment and publish v2 times, how each step splits into
PostgreSQL statements (the slowest ones named) and the rest, the township entries
affected by version 2, the rows in ``township_entries``, peak memory of this process and
of PostgreSQL, and the target: each publish under 5 s, in one transaction.

Nothing is ANALYZEd between loading and publishing (``--analyze`` does it), as right after
a bulk load, before autovacuum's first pass (autovacuum is off on the temporary server, so
that it does not step in at a different moment in each run). A publish still running after ``--timeout``
seconds is cancelled (PostgreSQL cancels the statement, the transaction rolls back); the
plan of its slowest statement is printed (estimates only), then ANALYZE runs, the plan is
printed again with ``EXPLAIN ANALYZE``, and the publish is timed once more.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.http_list import _peak_rss, _postmaster, _tree_cpu, _verdict
from bench.township_list import (
    CATEGORIES,
    UNITS,
    build_county,
    make_items,
    start_database,
    township_codes,
)

TARGET_S = 5.0
SLUG = "bench-publish"


# --- statement log ----------------------------------------------------------------------


@dataclass
class Statement:
    query: str
    args: tuple[Any, ...]
    elapsed: float


@dataclass(eq=False)  # hashable: asyncpg keeps its query loggers in a set
class StatementLog:
    """Installed as ``core.platform.db.queries`` (see :func:`connect`): every statement on the core
    pool, with its arguments and elapsed time, while ``recording``."""

    count: int = 0
    recording: bool = False
    statements: list[Statement] = field(default_factory=list)

    def __call__(self, record: Any) -> None:
        self.count += 1
        if self.recording:
            self.statements.append(Statement(record.query, tuple(record.args or ()), record.elapsed))

    def start(self) -> None:
        self.statements = []
        self.recording = True

    async def stop(self) -> list[Statement]:
        for _ in range(3):  # query loggers are called through loop.call_soon
            await asyncio.sleep(0)
        self.recording = False
        return self.statements


LOG = StatementLog()


async def connect(data_dir: Path) -> str:
    """The embedded server, migrated, with :data:`LOG` on every connection of core's pool."""
    from core.platform import db
    from core.platform.settings import load_settings

    url = await start_database(data_dir)
    # Statistics are what --analyze says, not whatever autovacuum's passes (every minute) have
    # reached: off on this temporary server, so a run is deterministic.
    await db.DB.pool.execute("ALTER SYSTEM SET autovacuum = off")  # type: ignore[union-attr]
    await db.DB.pool.execute("SELECT pg_reload_conf()")  # type: ignore[union-attr]
    await db.disconnect()
    # core.platform.db's count_queries installs the module's ``queries`` on each new connection.
    db.queries = LOG  # type: ignore[assignment]
    await db.connect(url, role=load_settings(data_dir).app_role, count_queries=True)
    return url


# --- memory -------------------------------------------------------------------------------


class PostgresRss(threading.Thread):
    """Samples the largest resident set among PostgreSQL's processes (the backend doing the
    work, shared buffers it touched included)."""

    def __init__(self, postmaster: psutil.Process | None) -> None:
        super().__init__(daemon=True)
        self.postmaster = postmaster
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while self.postmaster is not None and not self._stop_event.wait(0.05):
            try:
                procs = [self.postmaster, *self.postmaster.children()]
            except psutil.Error:
                return
            for p in procs:
                try:
                    self.peak = max(self.peak, p.memory_info().rss)
                except psutil.Error:
                    pass

    def stop(self) -> int:
        self._stop_event.set()
        self.join(timeout=1)
        return self.peak


# --- steps ----------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    seconds: float
    statements: list[Statement]
    db_cpu_s: float
    py_cpu_s: float
    cancelled: bool = False

    @property
    def statement_s(self) -> float:
        return sum(s.elapsed for s in self.statements)

    @property
    def transactions(self) -> int:
        return len(self.split())

    @property
    def writing_transactions(self) -> int:
        return sum(1 for t in self.split() if any(_writes(s.query) for s in t))

    def split(self) -> list[list[Statement]]:
        """The statements, grouped by transaction (BEGIN … COMMIT/ROLLBACK)."""
        groups: list[list[Statement]] = []
        for s in self.statements:
            if s.query.lstrip().upper().startswith("BEGIN") or not groups:
                groups.append([])
            groups[-1].append(s)
        return groups

    @property
    def slowest(self) -> Statement | None:
        return max(self.statements, key=lambda s: s.elapsed, default=None)


def _writes(query: str) -> bool:
    words = query.upper().split()
    return any(w in ("INSERT", "UPDATE", "DELETE") for w in words)


async def timed(
    name: str, work: Any, postmaster: psutil.Process | None, timeout: float | None = None
) -> tuple[Any, Step]:
    """Run ``work``, recording its statements; past ``timeout`` it is cancelled (asyncpg
    then cancels the running statement in PostgreSQL and the transaction rolls back)."""
    db_cpu = _tree_cpu(postmaster)
    py_cpu = time.process_time()
    LOG.start()
    started = time.perf_counter()
    result, cancelled = None, False
    try:
        result = await asyncio.wait_for(work, timeout)
    except TimeoutError:
        cancelled = True
    seconds = time.perf_counter() - started
    statements = await LOG.stop()
    step = Step(name, seconds, statements, _tree_cpu(postmaster) - db_cpu, time.process_time() - py_cpu, cancelled)
    print(f"  {name}: {seconds:.2f} s{' — cancelled' if cancelled else ''}", flush=True)
    return result, step


async def publish(access: Any, note: str, date: datetime.date) -> Any:
    """``core.catalog.editing.publish`` of the draft (its revision read first, outside the timing)."""
    from core.catalog.editing import publish as publish_catalog
    from core.catalog.reading import PublishRequest, get_version

    draft = await get_version(access, "draft")
    request = PublishRequest(effective_date=date, note=note, revision=draft.revision)
    return lambda: publish_catalog(access, request, None)


async def timed_publish(
    access: Any,
    args: argparse.Namespace,
    name: str,
    note: str,
    date: datetime.date,
    postmaster: psutil.Process | None,
    steps: list[Step],
) -> Any:
    """Publish, timed; if it is cancelled at ``--timeout``, show the plan of its slowest
    statement, ANALYZE, show it again, and publish again (the row of the retry is marked)."""
    from core.platform import db

    call = await publish(access, note, date)
    version, step = await timed(name, call(), postmaster, args.timeout)
    steps.append(step)
    if not step.cancelled:
        return version
    await explain(access, step.statements, f"{name}, as planned without statistics", analyze=False)
    started = time.perf_counter()
    await db.DB.pool.execute("ANALYZE")  # type: ignore[union-attr]
    print(f"  ANALYZE: {time.perf_counter() - started:.2f} s", flush=True)
    await explain(access, step.statements, f"{name}, after ANALYZE", analyze=True)
    call = await publish(access, note, date)
    version, step = await timed(f"{name} after ANALYZE", call(), postmaster, args.timeout)
    steps.append(step)
    return version


async def adjust(access: Any, args: argparse.Namespace, claimed: list[str]) -> dict[str, int]:
    """Modify, withdraw and add items in the draft, each change with its reason."""
    from core.catalog.editing import import_items, update_item, withdraw_item
    from core.catalog.reading import AdjustmentNote, ItemUpdate, ResponsibilityData, Withdrawal, get_item, list_items

    codes: list[str] = []
    cursor = None
    while True:
        page = await list_items(access, version="published", level="item", limit=500, cursor=cursor)
        codes += [i.code for i in page.items]
        if (cursor := page.next_cursor) is None:
            break
    claimed_set = set(claimed)
    others = [c for c in codes if c not in claimed_set]
    stride = max(1, len(others) // (args.modify + args.withdraw + 1))
    spread = others[::stride]
    modify = claimed[: args.modify] + spread[: max(0, args.modify - len(claimed))]
    withdraw = [c for c in spread[len(modify) :] if c not in modify][: args.withdraw]
    units = [code for code, _, _ in UNITS]
    for n, code in enumerate(modify):
        before = await get_item(access, code)
        if n % 5 == 4:  # reassign: another unit takes the county side
            duties = [
                r
                if r.party == "township"
                else ResponsibilityData(party=units[(units.index(r.party) + 1) % len(units)], role=r.role, duty=r.duty)
                for r in before.responsibilities
            ]
            change = ItemUpdate(
                responsibilities=duties,
                revision=before.revision,
                adjustment=AdjustmentNote(reason_kind="institution_changed", reason="机构改革，职责划转"),
            )
        else:
            change = ItemUpdate(
                description=before.description + "（依据修订后的法律调整表述）",
                revision=before.revision,
                adjustment=AdjustmentNote(reason_kind="law_changed", reason="法律修正，调整事项表述"),
            )
        await update_item(access, code, change, None)
    for n, code in enumerate(withdraw):
        successor = modify[n % len(modify)] if n % 2 and modify else None
        await withdraw_item(
            access,
            code,
            Withdrawal(
                reason_kind="township_cannot_perform", reason="乡镇无法承接，收回县级部门", successor_code=successor
            ),
        )
    domains = [(f"PB{d + 1:03d}", CATEGORIES[d % len(CATEGORIES)]) for d in range(min(5, math.ceil(args.items / 50)))]
    added = make_items(args.add, prefix="PB", domains=domains, start=90000, claim_every=10, none_every=20)
    if added:
        await import_items(
            access, added, AdjustmentNote(reason_kind="admission_approved", reason="准入审批通过，新增事项")
        )
    return {"modified": len(modify), "withdrawn": len(withdraw), "added": len(added)}


_PLAN_NODE = (
    " on ",
    "Join",
    "Loop",
    "Scan",
    "Insert",
    "Update",
    "Aggregate",
    "Sort",
    "Materialize",
    "Filter: (",
    "Trigger",
    "Execution Time",
)


async def explain(access: Any, statements: list[Statement], label: str, *, analyze: bool) -> None:
    """Replay a rolled-back publish's statements in a transaction that is rolled back too,
    and EXPLAIN its slowest statement (with ANALYZE: run it; without: estimates only)."""
    from core.platform.db import tenant_transaction

    replay = [s for s in statements if not s.query.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    if not replay:
        return
    slowest = max(replay, key=lambda s: s.elapsed)

    class Rollback(Exception):
        pass

    try:
        async with tenant_transaction(access.tenant.id) as conn:
            for s in replay:
                if s is slowest:
                    options = "(ANALYZE, BUFFERS)" if analyze else ""
                    plan = await conn.fetch(f"EXPLAIN {options} {s.query}", *s.args)
                    print(
                        f"\nEXPLAIN{' ANALYZE' if analyze else ''} of the slowest statement of {label}"
                        f" (replayed; it ran {s.elapsed:.1f} s in the cancelled publish):"
                    )
                    print("  " + " ".join(s.query.split())[:160] + " …")
                    for r in plan:
                        line = r[0]
                        if any(k in line for k in _PLAN_NODE) and "Buffers" not in line:
                            print("    " + line[:170])
                    break
                await conn.execute(s.query, *s.args)
            raise Rollback
    except Rollback:
        pass


async def run(args: argparse.Namespace, data_dir: Path) -> bool:
    from core.catalog.editing import import_items
    from core.lists import service as township_lists
    from core.platform import db
    from core.platform.db import tenant_transaction

    print(f"preparing the database under {data_dir} …", flush=True)
    await connect(data_dir)
    postmaster = _postmaster(data_dir / "pgdata")
    pg_rss = PostgresRss(postmaster)
    pg_rss.start()
    steps: list[Step] = []
    try:
        started = time.perf_counter()
        access = await build_county(SLUG, "基准县（发布）", args.townships)
        items = make_items(args.items, prefix="PB", claim_every=10, none_every=20)
        print(
            f"county with {args.townships} townships and {len(UNITS)} units in"
            f" {time.perf_counter() - started:.1f} s; importing and publishing …",
            flush=True,
        )
        _, step = await timed(f"import {len(items)} items", import_items(access, items), postmaster)
        steps.append(step)
        if args.analyze:
            await db.DB.pool.execute("ANALYZE")  # type: ignore[union-attr]
        v1 = await timed_publish(
            access, args, "publish v1", "基准目录第1版", datetime.date(2025, 1, 1), postmaster, steps
        )
        differentiated = [i.code for i in items if i.kinds == ["differentiated"]]
        claimed = []
        for n, township in enumerate(township_codes(args.townships)[: args.claims]):
            code = differentiated[n % len(differentiated)]
            await township_lists.claim(
                access, township, township_lists.Claim(item_code=code, justification="辖区有此类场所，需承接")
            )
            claimed.append(code)
        changes, step = await timed("adjust the draft", adjust(access, args, claimed), postmaster)
        steps.append(step)
        if args.analyze:
            await db.DB.pool.execute("ANALYZE")  # type: ignore[union-attr]
        v2 = await timed_publish(
            access, args, "publish v2", "基准目录第2版", datetime.date(2025, 7, 1), postmaster, steps
        )
        async with tenant_transaction(access.tenant.id) as conn:
            entries = await conn.fetch(
                "SELECT state, count(*) AS n FROM township_entries WHERE tenant_id = $1 GROUP BY state ORDER BY state",
                access.tenant.id,
            )
            affected = await conn.fetch(
                "SELECT CASE WHEN change_note LIKE '%新增' THEN 'added'"
                " WHEN change_note LIKE '%已撤销%' THEN 'removed (withdrawn)'"
                " WHEN change_note LIKE '%事项内容已更新' THEN 'updated (item changed)'"
                " WHEN change_note LIKE '%重新确认' THEN 'claimed, to re-confirm'"
                " WHEN change_note LIKE '%恢复' THEN 'revived' ELSE change_note END AS what,"
                " count(*) AS n, count(DISTINCT township_code) AS lists FROM township_entries"
                " WHERE tenant_id = $1 AND change_note LIKE $2 GROUP BY 1 ORDER BY 1",
                access.tenant.id,
                "参考目录第2版：%",
            )
            items_v2 = await conn.fetchval(
                "SELECT count(*) FROM catalog_items WHERE tenant_id = $1 AND version = 2", access.tenant.id
            )
    finally:
        pg_peak = pg_rss.stop()
        await db.disconnect()
    return report(args, steps, v1, v2, changes, claimed, entries, affected, items_v2, pg_peak)


def report(
    args: argparse.Namespace,
    steps: list[Step],
    v1: Any,
    v2: Any,
    changes: dict[str, int],
    claimed: list[str],
    entries: list[Any],
    affected: list[Any],
    items_v2: int,
    pg_peak: int,
) -> bool:
    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    analyzed = "ANALYZE before each publish" if args.analyze else "no ANALYZE before publishing (as after a bulk load)"
    print(
        f"bench.publish: {args.items} items, {args.townships} townships; {os.cpu_count()} CPUs"
        f" shared by this process and PostgreSQL (load average {load}); {analyzed}"
    )
    if v1 is not None and v2 is not None:
        print(
            f"catalog v1: {v1.item_count} items; v2: {items_v2} items ({v2.item_count} active,"
            f" {v2.withdrawn_count} withdrawn) after {changes['modified']} modified"
            f" ({len(claimed)} of them claimed by a township), {changes['withdrawn']} withdrawn,"
            f" {changes['added']} added"
        )
    print()
    head = (
        f"{'step':<28} {'wall s':>7} {'statements':>10} {'in PG s':>8} {'slowest s':>9}"
        f" {'PG CPU s':>8} {'Python CPU s':>12} {'transactions':>12}"
    )
    print(head)
    print("-" * len(head))
    for s in steps:
        slowest = s.slowest.elapsed if s.slowest else 0.0
        wall = f"{s.seconds:.2f}" + ("*" if s.cancelled else "")
        print(
            f"{s.name:<28} {wall:>7} {len(s.statements):>10} {s.statement_s:>8.2f} {slowest:>9.2f}"
            f" {s.db_cpu_s:>8.2f} {s.py_cpu_s:>12.2f} {s.transactions:>12}"
        )
    if any(s.cancelled for s in steps):
        print(f"* cancelled at --timeout {args.timeout:g} s (the transaction rolled back)")
    for s in steps:
        if s.name.startswith(("publish", "import")):
            print(f"\n{s.name}: the slowest statements (of {len(s.statements)}):")
            for x in sorted(s.statements, key=lambda x: -x.elapsed)[:3]:
                print(f"  {x.elapsed * 1000:9.1f} ms  {' '.join(x.query.split())[:100]}")
    print()
    total = sum(r["n"] for r in entries)
    states = ", ".join(f"{r['state']} {r['n']}" for r in entries)
    print(f"rows in township_entries: {total} ({states})")
    kinds = "; ".join(f"{r['what']} {r['n']} in {r['lists']} lists" for r in affected)
    print(f"township entries affected by v2: {sum(r['n'] for r in affected)} ({kinds})")
    rss = _peak_rss(os.getpid()) or 0
    print(
        f"peak RSS: this process {rss / 2**20:.0f} MiB (VmHWM), PostgreSQL's largest process"
        f" {pg_peak / 2**20:.0f} MiB (sampled)"
    )
    finished = [s for s in steps if s.name.startswith("publish") and not s.cancelled]
    print()
    print(
        "one transaction: core.catalog.editing.publish locks and freezes the draft and runs follow_catalog"
        " inside one tenant_transaction; get_version then reads the result back. Logged: "
        + "; ".join(
            f"{s.name} {s.writing_transactions} writing transaction"
            f" ({sum(len(t) for t in s.split() if any(_writes(x.query) for x in t))} statements)"
            f" + {s.transactions - s.writing_transactions} read-only"
            for s in finished
        )
        + "."
    )
    print()
    print("targets:")
    ok = True
    for s in steps:
        if not s.name.startswith("publish"):
            continue
        good = s.seconds < TARGET_S and not s.cancelled
        ok = ok and good
        shown = f">{s.seconds:6.1f}" if s.cancelled else f"{s.seconds:7.2f}"
        print(f"  {s.name + ' < ' + format(TARGET_S, '.0f') + ' s':<34} {shown} s   {_verdict(good)}")
    return ok


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.publish",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--items", type=int, default=5000, help="catalog items of version 1 (5000)")
    p.add_argument("--townships", type=int, default=40, help="township lists (40)")
    p.add_argument("--modify", type=int, default=200, help="items changed for version 2 (200)")
    p.add_argument("--withdraw", type=int, default=50, help="items withdrawn for version 2 (50)")
    p.add_argument("--add", type=int, default=100, help="items added for version 2 (100)")
    p.add_argument("--claims", type=int, default=8, help="townships that claim an item before v2 (8)")
    p.add_argument(
        "--analyze", action="store_true", help="ANALYZE before each publish (default: as right after a bulk load)"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="cancel a publish after this many seconds, show its plan, ANALYZE and retry (60)",
    )
    p.add_argument("--data-dir", type=Path, help="an empty or new directory for the database (default: a temp dir)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    if args.items < 100 or args.townships < 1 or min(args.modify, args.withdraw, args.add, args.claims) < 0:
        p.error("--items ≥ 100, --townships ≥ 1, the others ≥ 0")
    if args.timeout <= 0:
        p.error("--timeout > 0")
    if args.claims > args.townships:
        p.error("--claims ≤ --townships")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
        if data_dir.exists() and any(data_dir.iterdir()):
            raise SystemExit(f"--data-dir {data_dir} is not empty (the tenant is built afresh)")
    passed = asyncio.run(run(args, data_dir))
    if args.check and not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
