"""The legal library's two heavy paths, each against a reference measured in the same run.

    python -m bench.legal [--items 2000] [--townships 40] [--documents 1000] [--rounds 7]
                          [--citations 10000] [--data-dir DIR] [--check]

1. Impact analysis of a repeal. A county (through the core services: provisioning, 40
   streets, a list structure, ``import_items``, ``publish``, every street's list submitted,
   filed and published) has ``--items`` items that each cite the national 安全生产法, so
   each of the 40 working copies and published lists carries them; the library holds
   ``--documents`` documents (the 68 shipped texts and generated ones, 30 articles each).
   Timed per round, with a platform key:
   - the analysis: :func:`core.legal.service.record_repeal` with ``dry_run`` — lock, validate,
     find the affected items of every tenant's latest catalog, their working-copy and
     published entries, build the report by tenant and township; nothing kept;
   - the recording: the same, committed — it also opens the draft (``core.catalog.editing.open_draft``
     copies the published catalog) and one adjustment per item — then undone as the owner so
     that the next round starts from the same state.
   The reference is the read-only SQL the analysis needed in its first shape (affected items,
   working-copy entries, published entries through the per-version view, as arrays), sent raw
   over asyncpg as the owner; the analysis now reads less (docs/legal-library.md).
2. Parsing ``--citations`` distinct citations written the ways people write them (full and
   short titles, 款 and 项, lists, ranges, traditional characters) with
   :func:`core.legal.citations.parse_citations`, then resolving them against the library's
   titles (:func:`core.legal.library.resolve_texts`). Parsing is timed with the
   traditional→simplified converter this environment selects (OpenCC when an OpenCC package
   is installed) and with the built-in table; the reference is one regular expression
   finding 《title》第…条 in the same strings.

Targets: impact analysis p50 < 200 ms; parsing 10,000 citations < 1 s.
(The recording is printed without a target: its extra cost is the writes.)
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from core import install
from core.catalog import editing, structure
from core.catalog import reading as catalog
from core.catalog.reading import ItemCreate, PublishRequest, ResponsibilityData
from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction, get_jurisdictions
from core.legal import citations, service
from core.legal.lawtext import iter_library, parse_law
from core.legal.library import resolve_texts, store_law
from core.legal.numerals import article_label, to_chinese
from core.legal.queries import SHARED_TENANT
from core.lists import service as township_lists
from core.platform import db
from core.security.access import Access, Principal, Role
from core.security.tenancy import find_tenant
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench")
TARGET_IMPACT_MS = 200.0
TARGET_PARSE_S = 1.0
LAW = "中华人民共和国安全生产法"
AMENDED = "中华人民共和国突发事件应对法"  # 2007 → 2024: the amendment's impact follows articles by text
COUNTY = "510115"
SLUG = "legal-bench"
STRUCTURE: dict[str, Any] = {
    "kinds": [
        {
            "code": "basic",
            "label": "基本履职事项",
            "label_en": "basic",
            "township": "all",
            "section": True,
            "description": "",
        }
    ],
    "levels": [
        {"code": "domain", "label": "领域", "depth": 1, "item_kinds": []},
        {"code": "item", "label": "事项", "depth": 2, "item_kinds": []},
    ],
    "categories": [{"code": "safety", "label": "安全生产"}],
    "item_kinds": [{"code": "power", "label": "行政权力"}],
    "extra_fields": [],
}


# --- the data --------------------------------------------------------------------------------


def _name(n: int) -> str:
    return "".join("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"[int(c, 16)] for c in f"{n:05x}")


def _generated_law(n: int) -> str:
    lines = [
        f"# 中华人民共和国基准{_name(n)}法",
        "2020年1月1日 全国人民代表大会常务委员会通过",
        "<!-- INFO END -->",
        "## 第一章 总则",
    ]
    for a in range(1, 31):
        lines.append(
            f"{article_label(a)} 县级以上人民政府应当加强第{a}项基准工作，"
            "乡镇人民政府、街道办事处负责本辖区内的具体实施。"
        )
        lines.append("有下列情形之一的，由有关部门责令改正：")
        lines += ["（一）未按规定登记的；", "（二）拒绝检查的；", "（三）提供虚假材料的。"]
    return "\n".join(lines) + "\n"


async def _fill_library(documents: int) -> int:
    async with platform_conn() as conn:
        have = await conn.fetchval("SELECT count(*) FROM legal_documents WHERE tenant_id = $1", SHARED_TENANT)
        for n in range(have, documents):
            await store_law(conn, SHARED_TENANT, parse_law(_generated_law(n)), "bench")
        return await conn.fetchval("SELECT count(*) FROM legal_documents WHERE tenant_id = $1", SHARED_TENANT)


def platform_conn() -> Any:
    return db.platform_transaction()


def _items(count: int) -> list[ItemCreate]:
    domains = [
        ItemCreate(
            code=f"D{d:02d}",
            title=f"安全生产领域{d}",
            level="domain",
            kinds=["basic"],
            category="safety",
        )
        for d in range(20)
    ]
    items = [
        ItemCreate(
            code=f"I{i:05d}",
            title=f"生产经营单位安全检查{i}",
            level="item",
            parent_code=f"D{i % 20:02d}",
            kinds=["basic"],
            category="safety",
            item_kind="power",
            responsibilities=[ResponsibilityData(party="township", role="primary", duty="检查")],
            citations=[
                f"《{LAW}》{article_label(i % 119 + 1)}",
                f"《中华人民共和国消防法》{article_label(i % 70 + 1)}",
                f"《{AMENDED}》{article_label(i % 70 + 1)}",
            ],
        )
        for i in range(count)
    ]
    return domains + items


async def prepare(documents: int, townships: int, items: int, say: Callable[[str], None]) -> Access:
    """The library and the county; every step is skipped when already done (``--data-dir``)."""
    say("library ...")
    total = await _fill_library(documents)
    say(f"  {total} national documents")
    if await find_tenant(SLUG) is None:
        await create_tenant(PLATFORM, TenantCreate(slug=SLUG, name="基准县", division_code=COUNTY))
    access = await open_access(PLATFORM, SLUG)
    say("county, streets, catalog ...")
    codes = [f"{COUNTY}{n:03d}000" for n in range(1, townships + 1)]
    have = await get_jurisdictions(access, [COUNTY, *codes])
    if COUNTY not in have:
        county = JurisdictionCreate(code=COUNTY, name="基准县", kind="county")
        await create_jurisdiction(access, county)
    for n, code in enumerate(codes, start=1):
        if code not in have:
            name = f"基准{to_chinese(n)}街道"
            await create_jurisdiction(
                access, JurisdictionCreate(code=code, name=name, kind="street", parent_code=COUNTY)
            )
    versions = await catalog.list_versions(access)
    if not versions:
        await structure.replace_structure(access, STRUCTURE)
        await editing.import_items(access, _items(items))
        versions = await catalog.list_versions(access)
    if all(v.status == "draft" for v in versions):
        publish = PublishRequest(effective_date=datetime.date(2025, 1, 1), revision=versions[-1].revision)
        await editing.publish(access, publish, None)
    say("publishing the township lists ...")
    for code in codes:
        listed = await township_lists.list_versions(access, code)
        if listed:
            continue
        await township_lists.submit(access, code, None)
        await township_lists.file_list(access, code)
        await township_lists.publish_list(
            access, code, township_lists.ListPublish(effective_date=datetime.date(2025, 2, 1))
        )
    return access


# --- 1. impact analysis --------------------------------------------------------------------


async def _undo(tenant_id: uuid.UUID, change_id: str, document_id: uuid.UUID) -> None:
    async with platform_conn() as conn:
        await conn.execute("DELETE FROM catalog_adjustments WHERE law_change_id = $1", uuid.UUID(change_id))
        await conn.execute(
            "DELETE FROM legal_changes WHERE tenant_id = $1 AND id = $2",
            SHARED_TENANT,
            uuid.UUID(change_id),
        )
        await conn.execute(
            "UPDATE legal_documents SET status = 'in_force', successor_id = NULL WHERE tenant_id = $1 AND id = $2",
            SHARED_TENANT,
            document_id,
        )
        await conn.execute("DELETE FROM catalog_versions WHERE tenant_id = $1 AND status = 'draft'", tenant_id)


REF_AFFECTED = (
    "WITH latest AS (SELECT tenant_id, max(number) AS number FROM catalog_versions"
    " WHERE tenant_id IN (SELECT tenant_id FROM item_citations WHERE document_id = $1)"
    " GROUP BY tenant_id)"
    " SELECT c.tenant_id, c.item_code, c.article, c.paragraph, c.item, i.title FROM latest l"
    " JOIN item_citations c ON c.tenant_id = l.tenant_id AND c.version = l.number"
    " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
    " AND i.code = c.item_code WHERE c.document_id = $1 AND i.status = 'active'"
)
REF_WORKING = (
    "SELECT township_code, array_agg(item_code), array_agg(state) FROM township_entries"
    " WHERE tenant_id = $1 AND item_code = ANY($2::text[]) AND state <> 'removed'"
    " GROUP BY township_code"
)
REF_PUBLISHED = (
    "WITH latest AS (SELECT township_code, max(number) AS number FROM township_list_versions"
    " WHERE tenant_id = $1 GROUP BY township_code)"
    " SELECT ve.township_code, array_agg(ve.item_code) FROM latest l"
    " JOIN township_version_entries ve ON ve.tenant_id = $1"
    " AND ve.township_code = l.township_code AND ve.number = l.number"
    " WHERE ve.item_code = ANY($2::text[]) GROUP BY ve.township_code"
)


async def _reference(document_id: uuid.UUID) -> float:
    """The read-only SQL an analysis cannot do without, raw, as the owner: the affected
    items of each tenant's latest catalog, then their working-copy and published entries."""
    start = time.perf_counter()
    async with platform_conn() as conn:
        codes: dict[uuid.UUID, list[str]] = {}
        for r in await conn.fetch(REF_AFFECTED, document_id):
            codes.setdefault(r["tenant_id"], []).append(r["item_code"])
        for tenant_id, tenant_codes in codes.items():
            await conn.fetch(REF_WORKING, tenant_id, tenant_codes)
            await conn.fetch(REF_PUBLISHED, tenant_id, tenant_codes)
    return time.perf_counter() - start


async def _timed(access: Access, document_id: uuid.UUID, body: Any) -> tuple[float, int, Any]:
    before = db.queries.count
    start = time.perf_counter()
    result = await service.record_repeal(access, document_id, body)
    return time.perf_counter() - start, db.queries.count - before, result


async def bench_impact(access: Access, rounds: int) -> dict[str, Any]:
    async with platform_conn() as conn:
        document_id = await conn.fetchval(
            "SELECT id FROM legal_documents WHERE tenant_id = $1 AND title = $2", SHARED_TENANT, LAW
        )
        leftover = await conn.fetchval(
            "SELECT id::text FROM legal_changes WHERE tenant_id = $1 AND document_id = $2",
            SHARED_TENANT,
            document_id,
        )
    if leftover:
        await _undo(access.tenant.id, leftover, document_id)
    effective = datetime.date(2026, 1, 1)
    preview = service.RepealCreate(effective_date=effective, dry_run=True)
    record = service.RepealCreate(effective_date=effective)
    figures: dict[str, list[float]] = {
        k: []
        for k in (
            "analysis",
            "analysis_statements",
            "reference",
            "record",
            "record_statements",
            "encode",
        )
    }
    analysed = recorded = None
    for n in range(rounds + 1):  # the first round (cold: plans, caches) is printed apart
        elapsed, statements, analysed = await _timed(access, document_id, preview)
        reference = await _reference(document_id)
        if not n:
            figures["cold"] = [elapsed]
            figures["cold_reference"] = [reference]
        start = time.perf_counter()
        payload = msgspec.json.encode(analysed)
        encoded = time.perf_counter() - start
        took, written, recorded = await _timed(access, document_id, record)
        await _undo(access.tenant.id, recorded.report.change.id, document_id)
        if n:
            for key, value in (
                ("analysis", elapsed),
                ("analysis_statements", statements),
                ("reference", reference),
                ("record", took),
                ("record_statements", written),
                ("encode", encoded),
            ):
                figures[key].append(value)
    assert analysed is not None and recorded is not None
    report = analysed.report
    return {
        **figures,
        "bytes": len(payload),
        "opened": recorded.opened,
        "items": report.item_count,
        "townships": report.township_count,
        "entries": report.township_entry_count,
        "published": sum(len(t.published_item_codes) for x in report.tenants for t in x.townships),
    }


async def bench_amendment(access: Access, rounds: int) -> dict[str, Any]:
    """The dry-run analysis of the 突发事件应对法 2007 → 2024 amendment (articles corresponded by
    text, then the affected items of every tenant and their townships): nothing is written."""
    async with platform_conn() as conn:
        document_id = await conn.fetchval(
            "SELECT id FROM legal_documents WHERE tenant_id = $1 AND title = $2", SHARED_TENANT, AMENDED
        )
    body = service.AmendmentCreate(effective_date=datetime.date(2024, 11, 1), to_version="2024-06-28", dry_run=True)
    timings: list[float] = []
    result = None
    cold = 0.0
    for n in range(rounds + 1):
        start = time.perf_counter()
        result = await service.record_amendment(access, document_id, body)
        if n:
            timings.append(time.perf_counter() - start)
        else:
            cold = time.perf_counter() - start  # the correspondence computed, not yet kept
    assert result is not None
    moved = sum(1 for p in result.report.provisions if p.change == "moved")
    return {"analysis": timings, "cold": cold, "items": result.report.item_count, "moved": moved}


# --- 2. parsing citations ------------------------------------------------------------------


def citation_strings(count: int) -> list[str]:
    laws = [law for law in iter_library() if law.articles]
    rng = random.Random(7)
    seen: dict[str, None] = {}
    while len(seen) < count:
        law = rng.choice(laws)
        title = law.title if rng.random() < 0.5 else law.short_title
        a = rng.randint(1, max(1, law.article_count - 3))
        form = len(seen) % 6
        if form == 0:
            text = f"《{title}》{article_label(a)}"
        elif form == 1:
            text = f"《{title}》{article_label(a)}第{to_chinese(rng.randint(1, 3))}款"
        elif form == 2:
            text = f"《{title}》{article_label(a)}、{article_label(a + 1)}、{article_label(a + 3)}"
        elif form == 3:
            other = rng.choice(laws).short_title
            item, first, last = (to_chinese(rng.randint(*r)) for r in ((1, 5), (1, 9), (10, 20)))
            text = f"依据《{title}》{article_label(a)}第一款第（{item}）项和《{other}》第{first}条至第{last}条"
        elif form == 4:
            text = f"《 {title} 》 {article_label(a)}".replace("条", "條").replace("国", "國")
        else:
            text = f"{title}{article_label(a)}第{to_chinese(rng.randint(1, 2))}款；《{title}》全文"
        seen.setdefault(text)
    return list(seen)


def _best(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


async def bench_parsing(count: int) -> dict[str, Any]:
    texts = citation_strings(count)
    async with platform_conn() as conn:
        titles = {
            r["title"]: f"{SHARED_TENANT}/{r['id']}"
            for r in await conn.fetch("SELECT id, title FROM legal_documents WHERE tenant_id = $1", SHARED_TENANT)
        }
    pattern = re.compile(r"《([^《》]+)》\s*第([零〇一二三四五六七八九十百千]+)[条條]")
    refs = sum(len(citations.parse_citations(t)) for t in texts)
    converter = "OpenCC" if citations._opencc_converter() is not None else "built-in table"
    parse = _best(lambda: [citations.parse_citations(t) for t in texts])
    resolved = _best(lambda: resolve_texts(texts, titles), repeat=2)
    floor = _best(lambda: [pattern.findall(t) for t in texts])
    original = citations._opencc_converter
    citations._opencc_converter = lambda: None  # type: ignore[assignment]
    try:
        table = _best(lambda: [citations.parse_citations(t) for t in texts])
    finally:
        citations._opencc_converter = original
    stored = resolve_texts(texts, titles)
    return {
        "count": len(texts),
        "refs": refs,
        "converter": converter,
        "parse": parse,
        "table": table,
        "resolve": resolved,
        "floor": floor,
        "titles": len(titles),
        "unresolved": sum(1 for s in stored if s.problem),
    }


# --- output --------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(args: argparse.Namespace, data_dir: Path) -> bool:
    url = await db.start_embedded(data_dir)
    await db.connect(url, count_queries=True)
    try:
        await install.migrate()
        access = await prepare(args.documents, args.townships, args.items, print)
        impact = await bench_impact(access, args.rounds)
        amendment = await bench_amendment(access, args.rounds)
        parsing = await bench_parsing(args.citations)
    finally:
        await db.disconnect()
    p50, p95 = statistics.median(impact["analysis"]), _pct(impact["analysis"], 95)
    ref = statistics.median(impact["reference"])
    rec50, rec95 = statistics.median(impact["record"]), _pct(impact["record"], 95)
    print()
    print(
        f"impact analysis — repeal of {LAW}, {args.documents} documents in the library,"
        f" {len(impact['analysis'])} rounds (after one warm-up)"
    )
    print(
        f"  affected: {impact['items']} items, {impact['townships']} townships,"
        f" {impact['entries']} working-copy entries, {impact['published']} published entries"
    )
    fastest = min(impact["analysis"])
    print(
        f"  analysis (dry run)   p50 {_ms(p50)}   p95 {_ms(p95)}   min {_ms(fastest)}"
        f"   {statistics.median(impact['analysis_statements']):.0f} statements"
    )
    print(f"  reference (raw SQL)  p50 {_ms(ref)}   (affected items, working-copy and published entries; read only)")
    print(f"  ratio analysis/reference {p50 / ref:5.2f}×")
    print(
        f"  first run (cold)     {_ms(impact['cold'][0])}   its reference {_ms(impact['cold_reference'][0])}"
        f"   (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  recording            p50 {_ms(rec50)}   p95 {_ms(rec95)}"
        f"   {statistics.median(impact['record_statements']):.0f} statements"
        f"   ({impact['opened']} adjustments opened in a new draft, committed)"
    )
    print(
        f"  JSON encoding of the report {_ms(statistics.median(impact['encode']))}   {impact['bytes'] / 1024:.0f} KiB"
    )
    a50 = statistics.median(amendment["analysis"])
    print(
        f"impact analysis — amendment of {AMENDED} 2007 → 2024 (dry run, articles followed by text):"
        f" {amendment['items']} items affected, {amendment['moved']} articles only moved"
    )
    print(
        f"  analysis (dry run)   p50 {_ms(a50)}   p95 {_ms(_pct(amendment['analysis'], 95))}"
        f"   first run (cold) {_ms(amendment['cold'])}   ratio p50/repeal reference {a50 / ref:5.2f}×"
    )
    print()
    print(f"citations — {parsing['count']} distinct strings, {parsing['refs']} references")
    print(
        f"  parse ({parsing['converter']:>14})  {parsing['parse']:6.3f} s"
        f"   {parsing['count'] / parsing['parse']:8.0f} /s"
    )
    print(f"  parse (built-in table)  {parsing['table']:6.3f} s   {parsing['count'] / parsing['table']:8.0f} /s")
    print(
        f"  parse + resolve against {parsing['titles']} titles  {parsing['resolve']:6.3f} s"
        f"   ({parsing['unresolved']} unresolved, by design: ranges past the end etc. are"
        " kept with their reason)"
    )
    print(
        f"  reference (one regex)   {parsing['floor']:6.3f} s"
        f"   ratio parse/reference {parsing['parse'] / parsing['floor']:5.0f}×"
    )
    impact_ok = p50 < TARGET_IMPACT_MS / 1000 and a50 < TARGET_IMPACT_MS / 1000
    per_10k = 10_000 / parsing["count"]
    parse_ok = parsing["parse"] * per_10k < TARGET_PARSE_S
    table_ok = parsing["table"] * per_10k < TARGET_PARSE_S
    print()
    print(f"target analysis p50 < {TARGET_IMPACT_MS:.0f} ms: {'met' if impact_ok else 'MISSED'}")
    print(
        f"target parsing 10,000 citations < {TARGET_PARSE_S:.0f} s: built-in table"
        f" {'met' if table_ok else 'MISSED'}; {parsing['converter']}"
        f" {'met' if parse_ok else 'MISSED'}"
    )
    return impact_ok and parse_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--townships", type=int, default=40)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--citations", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, help="keep the database here (reused)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    # A SIGTERM runs the atexit hooks too: the embedded PostgreSQL stops, the directory goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-legal-bench-"))
        # Registered before the embedded server's own atexit hook, so it runs after it.
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    print(f"preparing the database under {data_dir} …", flush=True)
    ok = asyncio.run(run(args, data_dir))
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
