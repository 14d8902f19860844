"""The national-shaped data set of ``bench.national``, built through the product's services.

One database (embedded PostgreSQL under ``--data-dir``, kept and reused) holding:

- ``--tenants`` small county tenants (``nat-0001`` …), each with ``--townships`` streets;
- one large tenant (``nat-big``): a city with ``--scale`` streets, 100 per county;
- in every tenant the national list structure (basic / cooperating / recovered) and a catalog
  of 340 items in the real mix — 117 basic (8 domains among them), 99 cooperating, 124
  recovered (each naming its receiving department, how the work runs now and why) — each
  with two responsibilities and one or two citations of real articles of the shipped laws.

Phases (each timed, each skipped when the state file says it is done):

provision   ``tenants.provisioning.create_tenant``; streets by ``core.jurisdictions.tree.create_jurisdiction``;
            12 departments by ``core.jurisdictions.units.create_unit``.
import      ``core.catalog.editing.import_items`` (one call per tenant, all 340 items).
catalog     ``core.catalog.editing.publish``: the catalog's version 1; every township's working
            list follows it (``follow_catalog``). Timed per tenant; the large tenant's figure is
            the "catalog publication to N townships".
details     The townships' local details (responsible office, post, contact) — one UPDATE of
            ``township_entries`` per tenant, written here: the product has no bulk path for them
            (``update_entry`` edits one entry and answers with the whole working list).
lists       Every township list submitted (``township_lists.submit``), then filed and published:
            by the product's bulk publication when the tree has it (``core.lists.publication``:
            one job per tenant, which files the submitted lists itself), otherwise ``file_list``
            and ``publish_list`` one list at a time. Each call's latency is kept.

No claims: the national structure has no kind a township claims (every part applies to every
township), as in the real three-part lists.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.database import PLATFORM
from bench.township_list import CITATIONS, OBJECTS, UNITS, VERBS

BIG = "nat-big"
BIG_ROOT = "510100"  # a city: its counties 5101CC, 100 streets each
STATE_FILE = "national-state.json"
PER_COUNTY = 100
# The real mix of a township's list (about 340 items): basic 117 (domains included), cooperating 99,
# recovered 124.
MIX = {"basic": 117, "cooperating": 99, "recovered": 124}
DOMAINS = [
    ("governance", "平安法治"),
    ("construction", "城乡建设"),
    ("ecology", "生态环保"),
    ("public_service", "民生服务"),
    ("economy", "经济发展"),
    ("rural", "乡村振兴"),
    ("support", "综合保障"),
    ("party_building", "党的建设"),
]
# Laws cited per national category (the shipped library's texts, from bench.township_list).
CITES = {
    "governance": CITATIONS["governance"] + CITATIONS["safety"],
    "construction": CITATIONS["construction"],
    "ecology": CITATIONS["ecology"],
    "public_service": CITATIONS["public_service"],
    "economy": CITATIONS["safety"],
    "rural": CITATIONS["public_service"] + CITATIONS["ecology"],
    "support": CITATIONS["governance"],
    "party_building": CITATIONS["governance"],
}
UNIT_CODES = [code for code, _, _ in UNITS]
UNIT_NAMES = {code: name for code, name, _ in UNITS}
REASONS = ["专业性强、乡镇无执法力量", "涉及跨区域协调", "技术装备要求高", "法律法规明确由县级部门实施"]


def small_slug(n: int) -> str:
    return f"nat-{n + 1:04d}"


def small_division(n: int) -> str:
    """A distinct county code per small tenant (41CCNN, never a city's ``00``)."""
    return f"41{1 + n // 90:02d}{1 + n % 90:02d}"


def small_townships(n: int, count: int) -> list[str]:
    return [f"{small_division(n)}{t + 1:03d}000" for t in range(count)]


def big_counties(scale: int) -> list[str]:
    return [f"{BIG_ROOT[:4]}{c + 1:02d}" for c in range((scale + PER_COUNTY - 1) // PER_COUNTY)]


def big_townships(scale: int) -> list[str]:
    out = []
    for c, county in enumerate(big_counties(scale)):
        out += [f"{county}{t + 1:03d}000" for t in range(min(PER_COUNTY, scale - c * PER_COUNTY))]
    return out


def catalog_items() -> list[Any]:
    """The 340 items: 8 domains (basic), then items under them in the real mix."""
    import msgspec

    from core.catalog.reading import ItemCreate

    raw: list[dict[str, Any]] = []
    for d, (category, title) in enumerate(DOMAINS):
        raw.append(
            {
                "code": f"D{d + 1:02d}",
                "title": title,
                "level": "domain",
                "kinds": ["basic"],
                "category": category,
                "description": f"{title}领域乡镇(街道)履行的职责事项",
                "responsibilities": [
                    {"party": "township", "role": "primary", "duty": "统筹辖区工作，落实属地责任"},
                    {"party": UNIT_CODES[d % len(UNIT_CODES)], "role": "cooperating", "duty": "业务指导和监督检查"},
                ],
                "citations": CITES[category][:1],
            }
        )
    kinds = ["basic"] * (MIX["basic"] - len(DOMAINS)) + ["cooperating"] * MIX["cooperating"]
    kinds += ["recovered"] * MIX["recovered"]
    for n, kind in enumerate(kinds):
        d = n % len(DOMAINS)
        category = DOMAINS[d][0]
        unit = UNIT_CODES[(n * 5 + d) % len(UNIT_CODES)]
        what = OBJECTS[n % len(OBJECTS)]
        cites = CITES[category]
        citations = list(dict.fromkeys([cites[n % len(cites)]] + ([cites[(n * 7 + 3) % len(cites)]] if n % 2 else [])))
        township_leads = kind == "basic"
        item: dict[str, Any] = {
            "code": f"D{d + 1:02d}-{n + 1:04d}",
            "title": f"{VERBS[n % len(VERBS)]}{what}（{n + 1}）",
            "level": "item",
            "parent_code": f"D{d + 1:02d}",
            "kinds": [kind],
            "category": category,
            "item_kind": ["power", "service", "territorial"][n % 3],
            "description": f"依照法律法规组织开展{what}工作，建立台账，发现问题及时处置并报告{UNIT_NAMES[unit]}。",
            "high_frequency": n % 5 == 0,
            "process": "受理（发现）→ 核查 → 处置 → 报告 → 归档",
            "responsibilities": [
                {
                    "party": "township",
                    "role": "primary" if township_leads else "cooperating",
                    "duty": f"负责辖区{what}的日常工作" if township_leads else f"配合做好{what}相关工作",
                },
                {
                    "party": unit,
                    "role": "cooperating" if township_leads else "primary",
                    "duty": "业务指导、培训和督促检查" if township_leads else f"牵头负责{what}",
                },
            ],
            "citations": citations,
        }
        if kind == "recovered":
            item["recovery"] = {
                "receiving_unit": unit,
                "working_method": f"由{UNIT_NAMES[unit]}直接实施，乡镇(街道)发现线索及时报告",
                "reason": REASONS[n % len(REASONS)],
            }
        raw.append(item)
    return [msgspec.convert(i, ItemCreate) for i in raw]


@dataclass
class TenantPlan:
    slug: str
    name: str
    division: str
    kind: str  # county | city
    counties: list[str]
    townships: list[str]


def plan(tenants: int, townships: int, scale: int) -> list[TenantPlan]:
    out = [
        TenantPlan(small_slug(n), f"基准县{n + 1}", small_division(n), "county", [], small_townships(n, townships))
        for n in range(tenants)
    ]
    if scale:
        out.append(TenantPlan(BIG, "基准市（全国规模）", BIG_ROOT, "city", big_counties(scale), big_townships(scale)))
    return out


@dataclass
class State:
    """What is built (kept beside the database so a second run reuses it) and the figures."""

    tenants: int = 0
    townships: int = 0
    scale: int = 0
    done: dict[str, list[str]] = field(default_factory=dict)  # phase -> slugs done
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall seconds (summed over runs)
    figures: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> State:
        path = data_dir / STATE_FILE
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text()))

    def save(self, data_dir: Path) -> None:
        (data_dir / STATE_FILE).write_text(json.dumps(self.__dict__, indent=1, ensure_ascii=False))


def _bulk_publication() -> Any:
    """The product's bulk publication (:mod:`core.lists.publication`, issue 13 item 5), or None
    on an older tree (the bench also measures the code before it, one list at a time)."""
    try:
        from core.lists import publication
    except ImportError:
        return None
    return publication


async def _provision(t: TenantPlan) -> None:
    from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction, get_jurisdictions
    from core.jurisdictions.units import UnitCreate, create_unit, get_units
    from core.security.tenancy import find_tenant
    from tenants.access import open_access
    from tenants.provisioning import TenantCreate, create_tenant

    if await find_tenant(t.slug) is None:
        await create_tenant(PLATFORM, TenantCreate(slug=t.slug, name=t.name, division_code=t.division))
    access = await open_access(PLATFORM, t.slug)
    have = await get_jurisdictions(access, t.counties + t.townships)
    for i, county in enumerate(t.counties):
        if county not in have:
            data = JurisdictionCreate(code=county, name=f"基准{i + 1}区", kind="county", parent_code=t.division)
            await create_jurisdiction(access, data)
    for i, code in enumerate(t.townships):
        if code not in have:
            parent = code[:6] if t.counties else t.division
            data = JurisdictionCreate(code=code, name=f"基准{i + 1}街道", kind="street", parent_code=parent)
            await create_jurisdiction(access, data)
    existing = await get_units(access, UNIT_CODES)
    for code, name, _ in UNITS:
        if code not in existing:
            await create_unit(access, UnitCreate(code=code, name=name, kind="department", jurisdiction_code=t.division))


async def _import(t: TenantPlan, items: list[Any]) -> None:
    from core.catalog.editing import import_items
    from tenants.access import open_access

    await import_items(await open_access(PLATFORM, t.slug), items)


async def _catalog(t: TenantPlan) -> float:
    from bench.township_list import publish_catalog
    from tenants.access import open_access

    access = await open_access(PLATFORM, t.slug)
    started = time.perf_counter()
    await publish_catalog(access, "基准目录", datetime.date(2025, 1, 1))
    return time.perf_counter() - started


async def _details(t: TenantPlan) -> None:
    from core.platform.db import tenant_transaction
    from tenants.access import open_access

    access = await open_access(PLATFORM, t.slug)
    # Written here, documented in the module docstring: no bulk path for local details.
    async with tenant_transaction(access.tenant.id) as conn:
        await conn.execute(
            "UPDATE township_entries SET responsible_office = '综合行政执法办公室',"
            " post = '执法队员' || right(item_code, 2), contact = '028-8270' || right(item_code, 4),"
            " note = CASE WHEN right(item_code, 1) = '7' THEN '与村（社区）联动' ELSE '' END"
            " WHERE tenant_id = $1",
            access.tenant.id,
        )


async def _lists(t: TenantPlan, timings: dict[str, list[float]]) -> str:
    """Submit every township list of ``t``, then file and publish them all: in one bulk
    publication job when the tree has one (it files the submitted lists itself), else with
    ``file_list`` and ``publish_list`` one list at a time. Returns the path used."""
    from core.lists import service as township_lists
    from tenants.access import open_access

    access = await open_access(PLATFORM, t.slug)
    effective = datetime.date(2025, 2, 1)
    for code in t.townships:
        started = time.perf_counter()
        await township_lists.submit(access, code, None)
        timings.setdefault("submit", []).append(time.perf_counter() - started)
    bulk = _bulk_publication()
    if bulk is not None:
        started = time.perf_counter()
        job = await bulk.request_publication(access, bulk.PublicationRequest(effective_date=effective))
        await bulk.wait_for_jobs()
        job = await bulk.get_publication(access, job.id)
        timings.setdefault("bulk file+publish", []).append(time.perf_counter() - started)
        if job.status != "done" or job.published != len(t.townships):
            raise RuntimeError(f"bulk publication of {t.slug}: {job.status}, {job.published} published, {job.error}")
        return "bulk job (core.lists.publication)"
    for code in t.townships:
        started = time.perf_counter()
        await township_lists.file_list(access, code)
        timings.setdefault("file", []).append(time.perf_counter() - started)
    for code in t.townships:
        started = time.perf_counter()
        await township_lists.publish_list(access, code, township_lists.ListPublish(effective_date=effective))
        timings.setdefault("publish", []).append(time.perf_counter() - started)
    return "one by one (publish_list)"


def _p50(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


async def build(data_dir: Path, tenants: int, townships: int, scale: int, say: Any = print) -> State:
    """Build (or finish building) the set under ``data_dir``; :mod:`core.platform.db` is left connected."""
    from bench.township_list import start_database
    from core.platform.db import platform_transaction
    from core.security.tenancy import forget_tenant

    state = State.load(data_dir)
    if state.done and (state.tenants, state.townships, state.scale) != (tenants, townships, scale):
        raise SystemExit(
            f"{data_dir} holds a set built with --tenants {state.tenants} --townships {state.townships}"
            f" --scale {state.scale}; use another --data-dir or the same options"
        )
    state.tenants, state.townships, state.scale = tenants, townships, scale
    await start_database(data_dir)
    plans = plan(tenants, townships, scale)
    for t in plans:  # another data set of this process may have cached the same slug
        forget_tenant(t.slug)
    items = catalog_items()

    async def phase(name: str, work: Any) -> None:
        done = set(state.done.get(name, []))
        todo = [t for t in plans if t.slug not in done]
        if not todo:
            return
        say(f"  {name}: {len(todo)} tenants …")
        started = time.perf_counter()
        for i, t in enumerate(todo):
            await work(t)
            state.done.setdefault(name, []).append(t.slug)
            if i % 25 == 24 or t.slug == BIG:
                state.seconds[name] = state.seconds.get(name, 0.0) + time.perf_counter() - started
                started = time.perf_counter()
                state.save(data_dir)
        state.seconds[name] = state.seconds.get(name, 0.0) + time.perf_counter() - started
        state.save(data_dir)
        if name in ("catalog", "details"):
            async with platform_transaction() as conn:  # statistics as a settled system has them
                await conn.execute("ANALYZE")

    await phase("provision", _provision)
    await phase("import", lambda t: _import(t, items))

    async def catalog(t: TenantPlan) -> None:
        took = await _catalog(t)
        key = "catalog publish, big tenant s" if t.slug == BIG else "catalog publish, small tenant s"
        state.figures.setdefault(key, []).append(round(took, 3))

    await phase("catalog", catalog)
    await phase("details", _details)

    async def lists(t: TenantPlan) -> None:
        timings: dict[str, list[float]] = {}
        used = await _lists(t, timings)
        size = "big" if t.slug == BIG else "small"
        state.figures[f"publication path ({size})"] = used
        for k, v in timings.items():
            state.figures.setdefault(f"{k} ms ({size})", []).extend(round(x * 1000, 2) for x in v)

    await phase("lists", lists)
    async with platform_transaction() as conn:
        await conn.execute("ANALYZE")
    return state


def summary(state: State) -> list[str]:
    lines = [f"  {name:<10} {seconds:8.1f} s" for name, seconds in state.seconds.items()]
    lines.append(f"  {'total':<10} {sum(state.seconds.values()):8.1f} s")
    for key, value in state.figures.items():
        if isinstance(value, list) and value and isinstance(value[0], (int, float)):
            unit = "s" if key.endswith(" s") else "ms"
            lines.append(
                f"  {key:<38} n={len(value):>5} p50 {statistics.median(value):9.2f} {unit}"
                f"  max {max(value):9.2f} {unit}"
            )
        else:
            lines.append(f"  {key:<38} {value}")
    return lines
