"""Plans that do not depend on luck: the hot statements, on tenants of very different sizes.

Three tenants share the test database (2, 40 and 400 townships, 340-entry lists, see
tests/plan_fixtures.py), so the planner's statistics describe none of them well: the case
that made a 340-entry list read take 270-530 ms instead of 10-15 ms (issue 13). The tests
record the statements a service really sends (including its ``SET LOCAL`` settings), run
them again under ``EXPLAIN (ANALYZE, FORMAT JSON)`` as the application role, and judge the
plan by the rows it touched, not by time (which a loaded machine blurs):

- *no per-row re-run*: no plan node runs 50 times or more doing 50 rows or more each time
  (a subquery, aggregate or CTE scan re-run inside a nested loop — the collapse);
- *linear work*: the rows all nodes produce, filter out or join-filter away, times their
  loops, stay within :data:`WORK_PER_ENTRY` per entry read (per list read) or a fixed bound;
- *the same at every size*: the small tenant's read does no more work than the big one's.

Each test is checked both on the statistics left by the build and after ``ANALYZE``.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from core.catalog import reading as catalog
from core.catalog.editing import publish, update_item
from core.catalog.reading import AdjustmentNote, ItemUpdate, PublishRequest
from core.lists import publication, queries
from core.lists import service as township_lists
from core.platform import db
from core.platform.db import tenant_transaction
from core.publication import bodies as published_bodies
from core.publication import lookup, search
from tests.plan_fixtures import LIST_SIZE, PlanTenant, build_tenant

SIZES = (2, 40, 400)
# rows touched per entry of a whole-list read (about 12 with a good plan; 41 seen on the build's
# statistics since the list's provisions come in the same statement, row_number() adding one row
# per entry — before, the provisions were a second statement judged on its own)
WORK_PER_ENTRY = 45
LOOP_LIMIT = 50  # a node run this often doing this many rows each time is a per-row re-run
FIXED_WORK = 60_000  # rows touched by a page, a search or a lookup read (seen: up to ~21,000, a search of a
# term in every item of a 2-township tenant, the plan varying with its statistics)


@dataclass(frozen=True)
class Statement:
    query: str
    args: tuple[Any, ...]

    @property
    def many(self) -> bool:
        """Sent by ``executemany``: the arguments are one tuple per row."""
        return bool(self.args) and all(isinstance(a, tuple) for a in self.args)


class Recorder:
    """The statements the services send, in order (through the pool's query logger)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, record: Any) -> None:
        self.statements.append(Statement(record.query, tuple(record.args or ())))


@pytest.fixture(scope="module")
async def tenants(database_url: str) -> dict[int, PlanTenant]:
    tag = uuid.uuid4().hex[:6]
    return {n: await build_tenant(f"plans-{tag}-{n}", n) for n in SIZES}


@pytest.fixture
async def recorded(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Recorder]:
    recorder = Recorder()
    counter = db.QueryCounter.__call__

    def both(self: db.QueryCounter, record: Any) -> None:
        counter(self, record)
        recorder(record)

    monkeypatch.setattr(db.QueryCounter, "__call__", both)
    yield recorder


async def _flush() -> None:
    import asyncio

    for _ in range(3):  # query loggers are called through loop.call_soon
        await asyncio.sleep(0)


class _Rollback(Exception):
    pass


async def explain(
    t: PlanTenant, statements: list[Statement], wanted: Statement, *, replay: bool = False
) -> dict[str, Any]:
    """``EXPLAIN ANALYZE`` of ``wanted`` as the service ran it: in a tenant transaction, after
    the ``SET LOCAL`` statements sent before it (``replay``: after every statement sent before
    it, writes included); rolled back (writes are undone)."""
    plan: dict[str, Any] = {}
    try:
        async with tenant_transaction(t.access.tenant.id) as conn:
            for s in statements[: statements.index(wanted)]:
                head = s.query.lstrip().upper()
                if head.startswith(("BEGIN", "COMMIT", "ROLLBACK")) or not (replay or head.startswith("SET LOCAL")):
                    continue
                if s.many:
                    await conn.executemany(s.query, s.args)
                else:
                    await conn.execute(s.query, *s.args)
            args = wanted.args[0] if wanted.many else wanted.args  # executemany: the first row
            text = await conn.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + wanted.query, *args)
            plan = json.loads(text)[0]["Plan"]
            raise _Rollback
    except _Rollback:
        pass
    return plan


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


def _per_loop(node: dict[str, Any]) -> float:
    return (
        node["Actual Rows"]
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Join Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
    )


def work(plan: dict[str, Any]) -> int:
    """Rows produced or thrown away by all nodes, times their loops."""
    return round(sum(_per_loop(n) * n["Actual Loops"] for n in nodes(plan)))


#: Probes by key: run once per outer row, each reads that row's own rows (the work bound
#: still counts them). Any other node run per row re-reads the same rows each time.
PROBES = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan"}


#: Shared tables the suite keeps tiny that are large in a real deployment: the suite loads the
#: 71-document core legal library (QINGDAN_LEGAL_LIBRARY=core), which the planner may read whole
#: (two pages) once per citation rather than probe by key — it did in full-suite runs, not alone.
#: At the national corpus's 1,600 documents the same join is a key probe (checked in a scratch
#: PostgreSQL 18). Only a whole read of fewer than SMALL_WHOLE rows is let through.
SMALL_SHARED = {"legal_documents"}
SMALL_WHOLE = 100


def _small_whole_read(n: dict[str, Any]) -> bool:
    return n["Node Type"] == "Seq Scan" and n.get("Relation Name") in SMALL_SHARED and _per_loop(n) < SMALL_WHOLE


def reruns(plan: dict[str, Any]) -> list[str]:
    """Nodes other than key probes run at least LOOP_LIMIT times doing at least LOOP_LIMIT
    rows each time."""
    return [
        f"{n['Node Type']} {n.get('Relation Name') or n.get('CTE Name') or ''}: "
        f"{n['Actual Loops']} loops x {_per_loop(n):.0f} rows"
        for n in nodes(plan)
        if n["Node Type"] not in PROBES
        and n["Actual Loops"] >= LOOP_LIMIT
        and _per_loop(n) >= LOOP_LIMIT
        and not _small_whole_read(n)
    ]


def _top(plan: dict[str, Any]) -> str:
    """The nodes touching the most rows, for the failure message."""
    ranked = sorted(nodes(plan), key=lambda n: -_per_loop(n) * n["Actual Loops"])[:6]
    return "\n".join(
        f"  {round(_per_loop(n) * n['Actual Loops'])} {n['Node Type']} {n.get('Relation Name') or ''}"
        f" loops={n['Actual Loops']}"
        for n in ranked
    )


def _reads(statements: list[Statement]) -> list[Statement]:
    return [s for s in statements if s.query.lstrip().upper().startswith(("SELECT", "WITH"))]


async def judge(t: PlanTenant, statements: list[Statement], *, per_entry: int | None, label: str) -> list[int]:
    """Assert every read statement's plan is sound; return each one's work."""
    works = []
    for s in _reads(statements):
        plan = await explain(t, statements, s)
        assert not reruns(plan), f"{label} ({t.slug}): rows re-read per row {reruns(plan)}\n{s.query}"
        bound = WORK_PER_ENTRY * per_entry if per_entry else FIXED_WORK
        assert work(plan) <= max(bound, FIXED_WORK if per_entry is None else 0), (
            f"{label} ({t.slug}): {work(plan)} rows touched, more than {bound}\n{_top(plan)}\n{s.query}"
        )
        works.append(work(plan))
    return works


async def _analyze() -> None:
    async with db.platform_transaction() as conn:
        await conn.execute("ANALYZE")


@pytest.mark.parametrize("statistics", ["as built", "analyzed"])
async def test_whole_list_reads_stay_linear_at_every_size(
    tenants: dict[int, PlanTenant], recorded: Recorder, statistics: str
) -> None:
    if statistics == "analyzed":
        await _analyze()
    totals: dict[int, int] = {}
    for size, t in tenants.items():
        township = t.townships[-1]
        recorded.statements.clear()
        working = await township_lists.get_working_list(t.access, township)
        township_lists.published_cache.clear()
        stored, published_bodies.store_enabled = published_bodies.store_enabled, False  # a cold read is judged
        try:
            published = await township_lists.get_published_list(t.access, township)
        finally:
            published_bodies.store_enabled = stored
        await _flush()
        assert len(working.entries) >= LIST_SIZE and len(published.entries) >= LIST_SIZE
        whole = [s for s in recorded.statements if "sel AS" in s.query]
        assert len(whole) == 2, "each list is read by the set-based statement of core.catalog.queries.items_for"
        totals[size] = sum(await judge(t, recorded.statements, per_entry=len(working.entries), label="list read"))
    # The small tenant next to the big ones does no more work than the big one.
    assert totals[SIZES[0]] <= 1.5 * totals[SIZES[-1]], totals


async def test_catalog_pages_duties_search_and_lookup(tenants: dict[int, PlanTenant], recorded: Recorder) -> None:
    for t in tenants.values():
        township = t.townships[0]
        recorded.statements.clear()
        page = await catalog.list_items(t.access, version="published", limit=50)
        await catalog.get_item(t.access, page.items[-1].code, version="published")
        duties = await catalog.unit_duties(t.access, "emergency-bureau", version="published")
        hits = await search.search(t.access, "事项", scope="lists", limit=20)
        await search.search(t.access, "事项", scope="catalog", limit=20)
        found = await lookup.lookup(t.access, "第12项basic事项", township=township)
        await _flush()
        assert page.items and duties.leads and hits.items and found.items
        await judge(t, recorded.statements, per_entry=None, label="catalog, duties, search, lookup")


async def test_catalog_publication_follows_in_one_statement(tenants: dict[int, PlanTenant], recorded: Recorder) -> None:
    """follow_catalog: one statement for all the townships, without per-row re-runs."""
    t = tenants[SIZES[-1]]
    before = await catalog.get_item(t.access, "I-0001", version="published")
    await update_item(
        t.access,
        "I-0001",
        ItemUpdate(
            revision=before.revision,
            description="修改后的说明，所有乡镇跟随新版目录。",
            adjustment=AdjustmentNote(reason_kind="other", reason="说明文字修改"),
        ),
        None,
    )
    draft = await catalog.get_version(t.access, "draft")
    recorded.statements.clear()
    await publish(t.access, PublishRequest(effective_date=datetime.date(2025, 6, 1), revision=draft.revision), None)
    await _flush()
    follows = [s for s in recorded.statements if "township_entries e SET state = 'removed'" in s.query]
    assert len(follows) == 1, "the working copies of all townships follow the catalog in one statement"
    plan = await explain(t, recorded.statements, follows[0])
    # Only the pairs (township, item) of the missing-entry check are a product (each pair
    # once); a join by key done row by row would show a join filter.
    keyed_loops = [n for n in nodes(plan) if n["Node Type"] == "Nested Loop" and n.get("Join Filter")]
    assert not keyed_loops, keyed_loops
    assert work(plan) <= WORK_PER_ENTRY * LIST_SIZE * len(t.townships)
    working = await township_lists.get_working_list(t.access, t.townships[-1])
    changed = next(e for e in working.entries if e.item.code == "I-0001")
    assert changed.change_note.endswith("事项内容已更新") and working.status == "draft"


async def test_publication_statements_stay_linear(tenants: dict[int, PlanTenant], recorded: Recorder) -> None:
    """A batch of a bulk publication (and a single publication: the same statements) next to
    smaller tenants: every statement probes by tenant-leading keys, none re-runs per row."""
    t = tenants[SIZES[-1]]
    tid = t.access.tenant.id
    batch = t.townships[: publication.BATCH]
    recorded.statements.clear()
    try:
        async with tenant_transaction(tid) as conn:
            await conn.execute(
                "UPDATE township_lists SET status = 'filed' WHERE tenant_id = $1 AND township_code = ANY($2::text[])",
                tid,
                batch,
            )
            published = await township_lists.publish_filed(conn, t.access, batch, datetime.date(2025, 9, 1))
            assert len(published) == len(batch)
            raise _Rollback
    except _Rollback:
        pass
    await _flush()
    statements = recorded.statements
    heavy = [s for s in statements if not s.query.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SET"))]
    heavy = [s for s in heavy if "audit_events" not in s.query and "INSERT INTO events" not in s.query]
    assert len(heavy) <= 12, "a fixed number of statements per batch, whatever its size"
    entries = LIST_SIZE * len(batch)
    for s in heavy:
        plan = await explain(t, statements, s, replay=True)
        assert not reruns(plan), f"{reruns(plan)}\n{s.query}"
        assert work(plan) <= WORK_PER_ENTRY * entries, f"{work(plan)} rows touched\n{s.query}"
        if s.query == queries.OPEN_SPANS:
            # "No open span yet" is the insert's conflict check on the open spans' unique index, not
            # a read the planner could turn into a scan per row: on an empty table's statistics (a
            # new database) a count subquery re-read the growing table for every row (172 s for
            # the first bulk publication of 400 lists, docs/scale.md).
            scanned = [n for n in nodes(plan) if n.get("Relation Name") == "township_entry_spans"]
            assert [n["Node Type"] for n in scanned] == ["ModifyTable"], s.query
