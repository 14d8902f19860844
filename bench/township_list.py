"""Reading a township's published list of 500 entries over REST and GraphQL, against the
raw-SQL limit, at 1 and at 16 clients.

    python -m bench.township_list [--clients 1 16] [--seconds 10] [--warmup 2] [--rounds 2]
                                  [--entries 500] [--small 50] [--townships 3]
                                  [--port 0] [--data-dir DIR] [--engine raw|httpx] [--check]

Starts an embedded PostgreSQL (in a temporary directory unless ``--data-dir``), migrates
it, and builds through the core services a plain county tenant (``create_tenant`` with a
division code; county, townships and units through ``core.jurisdictions.tree`` and
``core.jurisdictions.units``; a list structure whose items all apply to every township), bulk-imports
``--entries`` catalog items (``core.catalog.editing.import_items``; each with two
responsibilities — the township and a county unit — and one or two citations of real
articles), publishes
the catalog, and submits, files and publishes the first township's list, which then has
``--entries`` entries. A second tenant built the same way with ``--small`` entries is used
to show that the statements per request do not grow with the entries.

It then starts ``python -m bench.server`` on 127.0.0.1 and, for each ``--clients`` value,
drives three scenarios from a separate load process, interleaved (a g c, c g a, …):

(a) ``GET /api/v1/tenants/{slug}/townships/{code}/list/published`` — the real endpoint;
(g) ``POST /graphql`` — ``tenant { publishedList(code) { … entries { item { … } … } } }``
    asking for every field REST returns (checked equal to (a) after renaming camelCase);
(c) ``GET /bench/raw/{slug}/townships/{code}/list/published`` — the limit: one raw SQL
    statement on an owner asyncpg pool in a bare litestar handler, the same JSON as (a)
    (checked before measuring).

Prints requests, throughput, p50/p95/p99, CPU per request, the ratios a/c (throughput) and
g/a (p50 latency), statements per request (in process, 50 and 500 entries) and the targets:
p50(a) < 20 ms at 1 client; a/c ≥ 0.6 at 16 clients; p50(g) ≤ 2 × p50(a).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.database import PLATFORM, Prepared
from bench.http_list import (
    REPO,
    Result,
    RssSampler,
    _children_cpu,
    _merge,
    _order,
    _peak_rss,
    _postmaster,
    _ratio,
    _start_server,
    _stop_server,
    _tree_cpu,
    _verdict,
    _wait_ready,
)

logging.getLogger("httpx").setLevel(logging.WARNING)

TARGET_P50_MS = 20.0  # p50 of (a) with one client
TARGET_A_OVER_C = 0.6  # throughput of (a) over (c) at 16 clients
TARGET_G_OVER_A = 2.0  # p50 of (g) over p50 of (a)
LATENCY_CLIENTS = 1
THROUGHPUT_CLIENTS = 16

# --- the county: structure, units, items ---------------------------------------------------

COUNTY = "510115"

STRUCTURE: dict[str, Any] = {
    "kinds": [
        {
            "code": "basic",
            "label": "基本履职事项",
            "label_en": "basic",
            "township": "all",
            "section": True,
            "description": "乡镇(街道)自身履行、承担全部责任",
        },
        {
            "code": "cooperating",
            "label": "配合履职事项",
            "label_en": "cooperating",
            "township": "all",
            "section": True,
            "description": "县级部门牵头、乡镇(街道)配合",
        },
        {
            "code": "differentiated",
            "label": "差异化清单",
            "label_en": "differentiated",
            "township": "claim",
            "section": False,
            "description": "乡镇(街道)按实际认领",
        },
        {
            "code": "core",
            "label": "区级核心权力",
            "label_en": "core",
            "township": "none",
            "section": False,
            "description": "县级部门保留",
        },
    ],
    "levels": [
        {"code": "domain", "label": "领域", "depth": 1, "item_kinds": []},
        {"code": "item", "label": "事项", "depth": 2, "item_kinds": []},
    ],
    "categories": [
        {"code": "safety", "label": "安全生产"},
        {"code": "construction", "label": "城乡建设"},
        {"code": "ecology", "label": "生态环保"},
        {"code": "public_service", "label": "民生服务"},
        {"code": "governance", "label": "平安法治"},
    ],
    "item_kinds": [{"code": "power", "label": "行政权力"}, {"code": "service", "label": "公共服务"}],
    "extra_fields": [
        {
            "name": "source_lists",
            "label": "来源清单",
            "type": "list",
            "required": False,
            "choices": ["powers", "services"],
            "description": "",
        },
    ],
}

# (code, name, category it leads)
UNITS = [
    ("emergency-bureau", "区应急管理局", "safety"),
    ("planning-bureau", "区规划和自然资源局", "construction"),
    ("ecology-bureau", "区生态环境局", "ecology"),
    ("civil-affairs-bureau", "区民政局", "public_service"),
    ("justice-bureau", "区司法局", "governance"),
    ("housing-bureau", "区住房和城乡建设局", "construction"),
    ("agriculture-bureau", "区农业农村局", "public_service"),
    ("health-bureau", "区卫生健康局", "public_service"),
    ("market-bureau", "区市场监督管理局", "safety"),
    ("water-bureau", "区水务局", "ecology"),
    ("forestry-bureau", "区林业局", "ecology"),
    ("fire-brigade", "区消防救援大队", "safety"),
]

# Real articles of laws in the shipped library (core/legal/data/laws), by category.
CITATIONS = {
    "safety": [
        "《中华人民共和国安全生产法》第九条",
        "《中华人民共和国安全生产法》第六十五条",
        "《中华人民共和国消防法》第三十一条",
        "《中华人民共和国特种设备安全法》第五条",
        "《生产安全事故应急条例》第五条",
        "《中华人民共和国食品安全法》第六条",
    ],
    "construction": [
        "《中华人民共和国城乡规划法》第四十一条",
        "《中华人民共和国土地管理法》第六十七条",
        "《中华人民共和国建筑法》第七条",
        "《物业管理条例》第五条",
    ],
    "ecology": [
        "《中华人民共和国环境保护法》第二十八条",
        "《中华人民共和国大气污染防治法》第七十七条",
        "《中华人民共和国水法》第十二条",
        "《中华人民共和国森林法》第九条",
        "《中华人民共和国防洪法》第八条",
    ],
    "public_service": [
        "《中华人民共和国老年人权益保障法》第六条",
        "《中华人民共和国义务教育法》第十三条",
        "《社会救助暂行办法》第四条",
        "《中华人民共和国残疾人保障法》第八条",
        "《中华人民共和国动物防疫法》第八条",
    ],
    "governance": [
        "《中华人民共和国人民调解法》第五条",
        "《中华人民共和国村民委员会组织法》第五条",
        "《中华人民共和国突发事件应对法》第二十一条",
        "《信访工作条例》第九条",
    ],
}
CATEGORIES = list(CITATIONS)
DOMAIN_TITLES = {
    "safety": "安全生产",
    "construction": "城乡建设",
    "ecology": "生态环境保护",
    "public_service": "民生服务",
    "governance": "平安法治",
}
VERBS = ["检查", "巡查", "宣传", "登记", "排查", "调处", "协助", "组织", "督促", "报告"]
OBJECTS = [
    "辖区生产经营单位安全生产情况",
    "农村村民住宅建设",
    "秸秆禁烧和大气污染防治",
    "特困人员供养和临时救助",
    "矛盾纠纷",
    "防汛抗旱和地质灾害隐患",
    "食品小作坊和摊贩",
    "城镇燃气使用安全",
    "违法用地和违法建设",
    "河湖长制日常巡河",
    "高龄老人津贴申领",
    "森林防火宣传和野外用火",
]
DESCRIPTION = (
    "依照法律法规和上级部署，结合辖区实际组织开展{what}工作，建立工作台账，"
    "发现问题及时处置，超出职权范围的及时报告{unit}并配合做好后续处置。"
)
PROCESS = "受理（发现）→ 核查 → 处置 → 报告 → 归档"


def unit_of(category: str, n: int) -> str:
    leading = [code for code, _, c in UNITS if c == category]
    return leading[n % len(leading)]


def _domain(code: str, category: str) -> dict[str, Any]:
    unit = unit_of(category, 0)
    return {
        "code": code,
        "title": DOMAIN_TITLES[category],
        "level": "domain",
        "kinds": ["basic"],
        "category": category,
        "description": f"{DOMAIN_TITLES[category]}领域乡镇(街道)履行的职责事项",
        "responsibilities": [
            {"party": "township", "role": "primary", "duty": "统筹辖区工作，落实属地责任"},
            {"party": unit, "role": "cooperating", "duty": "业务指导和监督检查"},
        ],
        "citations": CITATIONS[category][:1],
    }


def make_items(
    count: int,
    *,
    prefix: str = "BL",
    per_domain: int = 50,
    claim_every: int = 0,
    none_every: int = 0,
    start: int = 0,
    domains: list[tuple[str, str]] | None = None,
) -> list[Any]:
    """``count`` catalog items: domains (one per ``per_domain`` items) and their items.

    Every item has two responsibilities (the township and a county unit) and one or two
    citations. With ``claim_every`` (``none_every``) every n-th item is differentiated
    (a county core power) instead of applying to every township. With ``domains`` given,
    only items are made, under those existing ``(code, category)`` domains.
    """
    import msgspec

    from core.catalog.reading import ItemCreate

    raw: list[dict[str, Any]] = []
    if domains is None:
        domains = []
        for d in range(max(1, math.ceil(count / per_domain))):
            category = CATEGORIES[d % len(CATEGORIES)]
            domains.append((f"{prefix}{d + 1:03d}", category))
            raw.append(_domain(domains[-1][0], category))
    n = start
    while len(raw) < count:
        parent, category = domains[n % len(domains)]
        n += 1
        unit = unit_of(category, n)
        what = OBJECTS[n % len(OBJECTS)]
        kinds = ["cooperating"] if n % 3 == 0 else ["basic"]
        if claim_every and n % claim_every == 0:
            kinds = ["differentiated"]
        elif none_every and n % none_every == 1:
            kinds = ["core"]
        township_leads = kinds[0] in ("basic", "differentiated")
        cites = CITATIONS[category]
        citations = [cites[n % len(cites)]]
        if n % 2:
            citations.append(cites[(n * 7 + 3) % len(cites)])
        citations = list(dict.fromkeys(citations))
        power = n % 4 != 0
        raw.append(
            {
                "code": f"{parent}-{n:05d}",
                "title": f"{VERBS[n % len(VERBS)]}{what}",
                "level": "item",
                "parent_code": parent,
                "kinds": kinds,
                "category": category,
                "item_kind": "power" if power else "service",
                "description": DESCRIPTION.format(what=what, unit=dict((u, m) for u, m, _ in UNITS)[unit]),
                "high_frequency": n % 5 == 0,
                "process": PROCESS,
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
                "extra": {"source_lists": ["powers" if power else "services"]},
            }
        )
    return [msgspec.convert(item, ItemCreate) for item in raw]


async def start_database(data_dir: Path) -> str:
    """The embedded server under ``data_dir``, migrated (national law library included);
    :mod:`core.platform.db`'s pool is left open on it."""
    from core import install
    from core.platform import db
    from core.platform.settings import load_settings

    url = await db.start_embedded(data_dir)
    await db.connect(url, role=load_settings(data_dir).app_role)
    await install.migrate()
    return url


def township_codes(count: int) -> list[str]:
    return [f"{COUNTY}{n + 1:03d}000" for n in range(count)]


async def build_county(slug: str, name: str, townships: int) -> Any:
    """A plain tenant: county (the root division), ``townships`` streets, the units, the
    list structure.

    Returns the platform :class:`~core.security.access.Access` to it.
    """
    from core.catalog.structure import replace_structure
    from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction, get_jurisdictions
    from core.jurisdictions.units import UnitCreate, create_unit
    from tenants.access import open_access
    from tenants.provisioning import TenantCreate, create_tenant

    await create_tenant(PLATFORM, TenantCreate(slug=slug, name=name, division_code=COUNTY))
    access = await open_access(PLATFORM, slug)
    if not await get_jurisdictions(access, [COUNTY]):  # newer provisioning creates the root
        await create_jurisdiction(access, JurisdictionCreate(code=COUNTY, name=name, kind="county"))
    for i, code in enumerate(township_codes(townships)):
        await create_jurisdiction(
            access,
            JurisdictionCreate(code=code, name=f"基准{i + 1}街道", kind="street", parent_code=COUNTY),
        )
    for code, unit_name, _ in UNITS:
        await create_unit(access, UnitCreate(code=code, name=unit_name, kind="department", jurisdiction_code=COUNTY))
    await replace_structure(access, STRUCTURE)
    return access


async def publish_catalog(access: Any, note: str, date: datetime.date) -> Any:
    from core.catalog.editing import publish
    from core.catalog.reading import PublishRequest, get_version

    draft = await get_version(access, "draft")
    return await publish(access, PublishRequest(effective_date=date, note=note, revision=draft.revision), None)


# --- the published list -----------------------------------------------------------------


@dataclass(frozen=True)
class ListTenant:
    slug: str
    township: str
    key: str
    entries: int
    unresolved: int


async def _list_tenant(slug: str, entries: int, townships: int) -> ListTenant:
    """A tenant whose first township has a published list of ``entries`` entries."""
    from core.catalog.editing import import_items
    from core.catalog.reading import unresolved_citations
    from core.lists import service as township_lists
    from core.platform.db import tenant_transaction
    from core.security.access import Role
    from core.security.tenancy import find_tenant
    from tenants import keys
    from tenants.access import open_access

    township = township_codes(1)[0]
    if await find_tenant(slug) is None:
        access = await build_county(slug, f"基准县（{entries}项）", townships)
        await import_items(access, make_items(entries))
        await publish_catalog(access, "基准目录", datetime.date(2025, 1, 1))
        # The township's local details, in bulk: update_entry edits one entry at a time
        # and answers with the whole working list, which would take minutes here.
        async with tenant_transaction(access.tenant.id) as conn:
            await conn.execute(
                "UPDATE township_entries SET responsible_office = '综合行政执法办公室',"
                " post = '执法队员' || right(item_code, 2), contact = '028-8270' || right(item_code, 4),"
                " note = CASE WHEN right(item_code, 1) = '7' THEN '与村（社区）联动' ELSE '' END"
                " WHERE tenant_id = $1",
                access.tenant.id,
            )
        await township_lists.submit(access, township, None)
        await township_lists.file_list(access, township)
        await township_lists.publish_list(
            access, township, township_lists.ListPublish(effective_date=datetime.date(2025, 2, 1))
        )
    access = await open_access(PLATFORM, slug)
    published = await township_lists.get_published_list(access, township)
    issued = await keys.create_key(access, keys.ApiKeyCreate(name="bench admin", role=Role.ADMIN))
    return ListTenant(
        slug=slug,
        township=township,
        key=issued.key,
        entries=len(published.entries),
        unresolved=await unresolved_citations(access),
    )


# --- scenarios ------------------------------------------------------------------------------

GRAPHQL_QUERY = """
query PublishedList($tenant: String!, $code: String!) {
  tenant(slug: $tenant) {
    publishedList(code: $code) {
      townshipCode townshipName status catalogVersion revision publishedNumber reviewNote
      version effectiveDate
      entries {
        item {
          code version title level kinds townshipScope parentCode category itemKind
          description highFrequency process extra
          recovery { receivingUnit workingMethod reason }
          status withdrawnReason successorCode contentHash changedIn revision
          responsibilities { party role duty financialShare }
          legalBases { raw resolved documentId documentTitle article paragraph item label text problem }
        }
        origin justification responsibleOffice post contact note state changeNote reviewComment
      }
      counts
      provisions { documentId article paragraph item label text }
    }
  }
}
"""


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    path: str
    method: str = "GET"
    body: str | None = None

    @property
    def shown(self) -> str:
        return f"{self.method} {self.path}" + (" (query below)" if self.body else "")


def scenarios(t: ListTenant) -> list[Scenario]:
    body = json.dumps(
        {"query": GRAPHQL_QUERY, "variables": {"tenant": t.slug, "code": t.township}},
        ensure_ascii=False,
    )
    return [
        Scenario("a", "(a) REST", f"/api/v1/tenants/{t.slug}/townships/{t.township}/list/published"),
        Scenario("g", "(g) GraphQL", "/graphql", "POST", body),
        Scenario("c", "(c) raw limit", f"/bench/raw/{t.slug}/townships/{t.township}/list/published"),
    ]


def _headers(key: str, s: Scenario) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if s.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


_CAMEL = re.compile(r"(?<!^)([A-Z])")
_JSON_SCALARS = {"extra", "counts"}  # GraphQL JSON fields: their inside keeps its own keys


def snake_keys(value: Any) -> Any:
    """GraphQL's camelCase keys as REST's snake_case, recursively (not inside JSON scalars)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            name = _CAMEL.sub(r"_\1", k).lower()
            out[name] = v if name in _JSON_SCALARS else snake_keys(v)
        return out
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def _first_difference(a: Any, b: Any, where: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            if k not in a or k not in b:
                return f"{where}.{k}: only in {'(a)' if k in a else 'the other'}"
            found = _first_difference(a[k], b[k], f"{where}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r:.80} vs {b!r:.80}"


def preflight(base: str, t: ListTenant, chosen: list[Scenario]) -> tuple[str, str]:
    """Each route answers 200; (c) returns exactly (a)'s JSON; compare (g) with (a)."""
    bodies: dict[str, httpx.Response] = {}
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for s in chosen:
            response = client.request(s.method, s.path, headers=_headers(t.key, s), content=s.body)
            if response.status_code != 200:
                raise RuntimeError(f"{s.path} answered {response.status_code}: {response.text[:500]}")
            bodies[s.key] = response
    a = bodies["a"].json()
    difference = _first_difference(a, bodies["c"].json())
    if difference:
        raise RuntimeError(f"the raw limit (c) does not return the JSON of (a): {difference}")
    graphql = bodies["g"].json()
    if graphql.get("errors"):
        raise RuntimeError(f"GraphQL answered errors: {graphql['errors'][:2]}")
    g_diff = _first_difference(a, snake_keys(graphql["data"]["tenant"]["publishedList"]))
    sizes = ", ".join(f"{k} {len(r.content) / 1024:.0f} KiB" for k, r in bodies.items())
    page = f"{len(a['entries'])} entries; bodies {sizes}"
    same = "(g) returns the same data as (a)" if g_diff is None else f"(g) differs from (a): {g_diff}"
    return page, same


# --- in process: statements per request and where the time goes ---------------------------


class StatementLog:
    """A query logger: counts statements and keeps their elapsed times."""

    def __init__(self) -> None:
        self.count = 0
        self.elapsed: list[float] = []

    def __call__(self, record: Any) -> None:
        self.count += 1
        self.elapsed.append(record.elapsed)


async def _settle() -> None:
    for _ in range(3):  # query loggers are called through loop.call_soon
        await asyncio.sleep(0)


async def in_process(
    url: str, data_dir: Path, tenants: list[ListTenant], repeat: int = 10
) -> tuple[dict[str, float], dict[str, float]]:
    """Statements per request of (a), (g), (c) for each tenant (``core.platform.db.connect(...,
    count_queries=True)`` and ``core.platform.db.queries.count``), and the best of ``repeat`` timings,
    one request at a time, of the layers of the last tenant's (a), (g) and (c)."""
    import msgspec

    from bench.server import build
    from core.lists import service as township_lists
    from core.platform import db
    from core.platform.settings import load_settings
    from tenants.access import open_access

    os.environ["QINGDAN_DATABASE_URL"] = url
    settings = load_settings(data_dir)
    await db.disconnect()
    # core.platform.db's count_queries installs the module's ``queries`` on every new connection;
    # a StatementLog in its place also keeps each statement's elapsed time.
    saved, core_log = db.queries, StatementLog()
    db.queries = core_log  # type: ignore[assignment]
    await db.connect(url, role=settings.app_role, count_queries=True)
    raw_log = StatementLog()

    async def raw_init(conn: Any) -> None:
        conn.add_query_logger(raw_log)

    app, raw = build(settings, manage_database=False, raw_init=raw_init)
    logging.getLogger("qingdan").setLevel(logging.WARNING)
    await raw.open()
    counts: dict[str, float] = {}
    layers: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        layers.setdefault(name, []).append(seconds * 1000)

    async def per_request(
        client: httpx.AsyncClient, t: ListTenant, s: Scenario, counter: Any, *, cold: bool = False
    ) -> float:
        headers = _headers(t.key, s)
        (await client.request(s.method, s.path, headers=headers, content=s.body)).raise_for_status()
        await _settle()
        before = counter.count
        for _ in range(repeat):
            if cold:
                township_lists.published_cache.clear()
            started = time.perf_counter()
            response = await client.request(s.method, s.path, headers=headers, content=s.body)
            note(f"{s.key}{t.entries} request", time.perf_counter() - started)
            response.raise_for_status()
        await _settle()
        return (counter.count - before) / repeat

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for t in tenants:
                a, g, c = scenarios(t)
                counts[f"a{t.entries} cold"] = await per_request(client, t, a, core_log, cold=True)
                counts[f"a{t.entries}"] = await per_request(client, t, a, core_log)
                counts[f"g{t.entries}"] = await per_request(client, t, g, core_log)
                counts[f"c{t.entries}"] = await per_request(client, t, c, raw_log)
        t = tenants[-1]
        access = await open_access(PLATFORM, t.slug)
        for _ in range(repeat):
            # Cold: as right after a publication or a content-generation change (the server
            # keeps the decoded entries per generation, core.platform.generations).
            township_lists.published_cache.clear()
            core_log.elapsed.clear()
            started = time.perf_counter()
            view = await township_lists.get_published_list(access, t.township)
            took = time.perf_counter() - started
            await _settle()
            slowest = max(core_log.elapsed, default=0.0)
            note("service", took)
            note("service sql", slowest)
            note("service other sql", sum(core_log.elapsed) - slowest)
            note("views", took - sum(core_log.elapsed))
            started = time.perf_counter()
            msgspec.json.encode(view)
            note("encode", time.perf_counter() - started)
            raw_log.elapsed.clear()
            started = time.perf_counter()
            await raw.published_list(t.slug, t.township)
            took = time.perf_counter() - started
            await _settle()
            note("raw", took)
            note("raw sql", max(raw_log.elapsed, default=0.0))
            note("raw python", took - max(raw_log.elapsed, default=0.0))
    finally:
        await raw.close()
        await db.disconnect()
        db.queries = saved
    # The best of each: on a shared machine the least disturbed run is the steadiest figure.
    return counts, {k: min(v) for k, v in layers.items()}


async def prepare_all(
    args: argparse.Namespace, data_dir: Path
) -> tuple[str, ListTenant, ListTenant, dict[str, float], dict[str, float], float]:
    from core.platform import db

    started = time.perf_counter()
    url = await start_database(data_dir)
    try:
        small = await _list_tenant(f"bench-list-{args.small}", args.small, args.townships)
        large = await _list_tenant(f"bench-list-{args.entries}", args.entries, args.townships)
        if not args.no_analyze:
            # Fresh tables have no statistics until autovacuum's next pass (up to a minute
            # later, or mid-run); plan with them from the start, as a settled system would.
            await db.DB.pool.execute("ANALYZE")  # type: ignore[union-attr]
    finally:
        await db.disconnect()
    took = time.perf_counter() - started
    counts, layers = await in_process(url, data_dir, [small, large])
    return url, small, large, counts, layers, took


# --- driving ----------------------------------------------------------------------------------


def drive(
    s: Scenario,
    args: argparse.Namespace,
    clients: int,
    seconds: float,
    base: str,
    key: str,
    server: psutil.Process,
    postmaster: psutil.Process | None,
) -> Result:
    cfg = {
        "url": base + s.path,
        "headers": _headers(key, s),
        "clients": clients,
        "warmup": args.warmup,
        "seconds": seconds,
        "engine": args.engine,
        "method": s.method,
        "body": s.body,
    }
    sampler = RssSampler(server)
    server_cpu, db_cpu, client_cpu = _tree_cpu(server), _tree_cpu(postmaster), _children_cpu()
    sampler.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load"],
            input=json.dumps(cfg).encode(),
            capture_output=True,
            cwd=REPO,
            timeout=args.warmup + seconds + 60,
            check=False,
        )
    finally:
        peak = sampler.stop()
    if done.returncode != 0:
        raise RuntimeError(f"bench.load failed for {s.path}:\n{done.stderr.decode()[-2000:]}")
    out = json.loads(done.stdout)
    return Result(
        scenario=s,  # type: ignore[arg-type]  # duck-typed: key, label, path
        latencies_ms=out["latencies_ms"],
        window_s=out["window_s"],
        errors=out["errors"],
        all_requests=out["warmup_requests"] + len(out["latencies_ms"]),
        server_cpu_s=_tree_cpu(server) - server_cpu,
        db_cpu_s=_tree_cpu(postmaster) - db_cpu,
        client_cpu_s=_children_cpu() - client_cpu,
        server_peak_rss=peak,
    )


# --- report -------------------------------------------------------------------------------------


def table(results: list[Result]) -> None:
    head = (
        f"{'':<14} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'errors':>6}   {'CPU µs/req: server':>18} {'db':>6} {'client':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.scenario.label:<14} {r.requests:>8} {r.throughput:>7.1f}"
            f" {r.percentile(50):>8.2f} {r.percentile(95):>8.2f} {r.percentile(99):>8.2f}"
            f" {sum(r.errors.values()):>6}   {r.per_request_us(r.server_cpu_s):>18.0f}"
            f" {r.per_request_us(r.db_cpu_s):>6.0f} {r.per_request_us(r.client_cpu_s):>6.0f}"
        )
        if r.errors:
            print(f"{'':<14} errors: {r.errors}")


def report_phase(clients: int, results: list[Result]) -> dict[str, float]:
    by = {r.scenario.key: r for r in results}
    a, g, c = by["a"], by["g"], by["c"]
    print()
    print(f"--- {clients} client{'s' if clients > 1 else ''} ---")
    table(results)
    figures = {
        "a_c": _ratio(a.throughput, c.throughput),
        "g_a_p50": _ratio(g.percentile(50), a.percentile(50)),
        "a_p50": a.percentile(50),
        "errors": float(sum(sum(r.errors.values()) for r in results)),
    }
    cpu = {k: r.per_request_us(r.server_cpu_s + r.db_cpu_s) for k, r in by.items()}
    print(
        f"throughput a/c = {figures['a_c']:.3f}   g/c = {_ratio(g.throughput, c.throughput):.3f}"
        f"   latency p50 g/a = {figures['g_a_p50']:.2f}   p50 a/c = {_ratio(a.percentile(50), c.percentile(50)):.2f}"
    )
    print(
        f"CPU/request (server + PostgreSQL) a/c = {_ratio(cpu['a'], cpu['c']):.2f}"
        f"   g/a = {_ratio(cpu['g'], cpu['a']):.2f}"
    )
    return figures


def report(
    args: argparse.Namespace,
    large: ListTenant,
    small: ListTenant,
    page: str,
    same: str,
    phases: dict[int, dict[str, float]],
    counts: dict[str, float],
    layers: dict[str, float],
    peak_rss: int | None,
    sampled_peak: int,
) -> bool:
    print()
    if peak_rss:
        print(f"server peak RSS      {peak_rss / 2**20:.1f} MiB (VmHWM); sampled {sampled_peak / 2**20:.1f} MiB")
    print(
        f"statements/request   (a) {counts[f'a{small.entries}']:.1f} with {small.entries} entries,"
        f" {counts[f'a{large.entries}']:.1f} with {large.entries} entries"
        f" (key and tenant cached); cold (entries not cached) {counts[f'a{small.entries} cold']:.1f} /"
        f" {counts[f'a{large.entries} cold']:.1f};"
        f" (g) {counts[f'g{small.entries}']:.1f} / {counts[f'g{large.entries}']:.1f};"
        f" (c) {counts[f'c{small.entries}']:.1f} / {counts[f'c{large.entries}']:.1f}"
    )
    n = large.entries
    print("in process, one request at a time, best of 10, ms:")
    print(f"  (a) over ASGI     {layers[f'a{n} request']:7.1f}")
    print(
        f"      service, cold {layers['service']:7.1f}   entries statement {layers['service sql']:.1f},"
        f" other statements {layers['service other sql']:.1f}, building the views {layers['views']:.1f}"
    )
    print(f"      JSON encode   {layers['encode']:7.1f}")
    print(f"  (g) over ASGI     {layers[f'g{n} request']:7.1f}")
    print(f"  (c) over ASGI     {layers[f'c{n} request']:7.1f}")
    print(
        f"      handler       {layers['raw']:7.1f}   its statement {layers['raw sql']:.1f},"
        f" rows to JSON {layers['raw python']:.1f}"
    )
    print()
    ok: list[bool] = []
    print("targets:")
    cold_small, cold_large = counts[f"a{small.entries} cold"], counts[f"a{large.entries} cold"]
    same_count = counts[f"a{small.entries}"] == counts[f"a{large.entries}"] and cold_small == cold_large
    print(
        f"  statements (a) constant ({small.entries} vs {large.entries} entries)"
        f"  {counts[f'a{small.entries}']:.0f} = {counts[f'a{large.entries}']:.0f},"
        f" cold {cold_small:.0f} = {cold_large:.0f}   {_verdict(same_count)}"
    )
    ok.append(same_count)
    if LATENCY_CLIENTS in phases:
        f = phases[LATENCY_CLIENTS]
        good = f["a_p50"] < TARGET_P50_MS
        print(f"  p50(a) < {TARGET_P50_MS:.0f} ms at 1 client        {f['a_p50']:8.2f} ms  {_verdict(good)}")
        ok.append(good)
        good = f["g_a_p50"] <= TARGET_G_OVER_A
        print(f"  p50(g) ≤ {TARGET_G_OVER_A:.0f} × p50(a) at 1 client  {f['g_a_p50']:8.2f} ×   {_verdict(good)}")
        ok.append(good)
    else:
        print(f"  p50(a) and p50(g)/p50(a): not measured (add {LATENCY_CLIENTS} to --clients)")
    if THROUGHPUT_CLIENTS in phases:
        f = phases[THROUGHPUT_CLIENTS]
        good = f["a_c"] >= TARGET_A_OVER_C
        print(f"  a/c ≥ {TARGET_A_OVER_C:.1f} at 16 clients            {f['a_c']:8.3f}     {_verdict(good)}")
        ok.append(good)
        print(
            f"  (p50(g)/p50(a) at 16 clients      {f['g_a_p50']:8.2f} ×   for information: a saturated"
            " server's latency is clients ÷ throughput)"
        )
    else:
        print(f"  a/c: not measured (add {THROUGHPUT_CLIENTS} to --clients)")
    clean = not any(f["errors"] for f in phases.values())
    print(f"  no errors                                        {_verdict(clean)}")
    ok.append(clean)
    return all(ok)


# --- command ------------------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.township_list",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--clients", type=int, nargs="+", default=[1, 16], help="one phase per value (1 16)")
    p.add_argument("--seconds", type=float, default=10.0, help="recorded seconds per scenario and phase")
    p.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds per slice (2)")
    p.add_argument(
        "--rounds", type=int, default=2, help="split --seconds into this many slices, interleaved a g c, c g a … (2)"
    )
    p.add_argument("--entries", type=int, default=500, help="entries of the published list (500)")
    p.add_argument("--small", type=int, default=50, help="entries of the second list, for the statement count (50)")
    p.add_argument("--townships", type=int, default=3, help="townships per tenant (3)")
    p.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1 (0: any free)")
    p.add_argument("--data-dir", type=Path, help="keep the database here (default: a temp dir)")
    p.add_argument("--engine", choices=["raw", "httpx"], default="raw", help="load client")
    p.add_argument(
        "--no-analyze",
        action="store_true",
        help="skip ANALYZE after loading (plans without statistics, as right after a bulk load)",
    )
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    if min(args.clients) < 1 or args.seconds <= 0 or args.warmup < 0 or args.rounds < 1:
        p.error("--clients ≥ 1, --seconds > 0, --warmup ≥ 0, --rounds ≥ 1")
    if args.entries < 2 or args.small < 2 or args.small == args.entries or args.townships < 1:
        p.error("--entries and --small ≥ 2 and different, --townships ≥ 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.data_dir is None:
        data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-"))
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        data_dir = args.data_dir.resolve()
    print(f"preparing the database under {data_dir} …", flush=True)
    url, small, large, counts, layers, took = asyncio.run(prepare_all(args, data_dir))
    print(
        f"prepared in {took:.1f} s: tenants {small.slug} and {large.slug}; township {large.township}"
        f" publishes {large.entries} entries ({large.unresolved} citations unresolved)",
        flush=True,
    )
    chosen = scenarios(large)
    log_path = data_dir / "bench-server.log"
    prepared = Prepared(url=url, pgdata=data_dir / "pgdata", slug=large.slug, key=large.key, jurisdictions=0)
    proc, port = _start_server(prepared, data_dir, args.port, log_path)
    phases: dict[int, dict[str, float]] = {}
    sampled_peak = 0
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(proc, base, log_path)
        page, same = preflight(base, large, chosen)
        server = psutil.Process(proc.pid)
        postmaster = _postmaster(prepared.pgdata)
        seconds = args.seconds / args.rounds
        print()
        print(
            f"bench.township_list: {args.seconds:g} s per scenario and phase"
            f" ({args.rounds} interleaved slices, each after {args.warmup:g} s warm-up), load engine"
            f" {args.engine}; {os.cpu_count()} CPUs shared by client, server and PostgreSQL"
        )
        print(f"tenant {large.slug}, township {large.township}: {page}")
        print("load average before the run: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        print(same)
        for s in chosen:
            print(f"  {s.label:<14} {s.shown}")
        for clients in args.clients:
            parts: dict[str, list[Result]] = {s.key: [] for s in chosen}
            for s in _order(chosen, args.rounds):  # type: ignore[arg-type]
                print(f"  {clients:>2} clients: {s.label} for {seconds:g} s …", flush=True)
                parts[s.key].append(drive(s, args, clients, seconds, base, large.key, server, postmaster))
            results = [_merge(parts[s.key]) for s in chosen]
            sampled_peak = max([sampled_peak, *(r.server_peak_rss for r in results)])
            phases[clients] = report_phase(clients, results)
        peak_rss = _peak_rss(proc.pid)
    finally:
        _stop_server(proc)
    passed = report(args, large, small, page, same, phases, counts, layers, peak_rss, sampled_peak)
    print("\n(g) query:" + GRAPHQL_QUERY.rstrip())
    if args.check and not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
