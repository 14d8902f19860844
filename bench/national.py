"""Reads and writes on a national-shaped data set, cold and warm, against the raw limit and a
one-county reference measured in the same run.

    python -m bench.national [--data-dir DIR] [--tenants 200] [--townships 3] [--scale 400]
                             [--seconds 4] [--warmup 1] [--rounds 1] [--clients 1 16] [--writes 6]
                             [--no-reference] [--build-only] [--check]

    # full scale (the issue's set: 200 small tenants + one of 4,000 townships), hours to build
    # on a 2-core machine without bulk publication:
    python -m bench.national --data-dir /var/tmp/qingdan-national --scale 4000 --seconds 10

Builds (or reuses) the set of :mod:`bench.national_data` under ``--data-dir`` (default
``/tmp/qingdan-national``) and a one-county reference (one small tenant alone, same shape)
under ``DIR/one-county``. Then, for each data set, it starts ``bench.server`` twice:

cold   every ``QINGDAN_CACHE_*`` size of ``core/platform/settings.py`` set to 0 (published-list bodies,
       lookup indexes, portal pages — whichever this tree has) and ``QINGDAN_STORE_LIST_BODIES=off``
       when it exists: every read rebuilds what it serves. Where a tree has no switch for a cache
       (before issue 13 the lookup's indexes had none), a read is cold only because requests
       rotate over 200+ tenants. PostgreSQL's buffers are not flushed: "cold" is the
       application's cold, not the disk's.
stored (trees with ``QINGDAN_STORE_LIST_BODIES``) per-process caches 0, bodies stored in
       PostgreSQL on: what a fresh process or another worker sees; list and GraphQL only.
warm   the default settings, after ``--warmup`` seconds of the same random mix (with ~1,000
       lists in rotation a bounded cache may still miss: that is what the figure shows).
       ``--prime``: before each read scenario of the warm server, every distinct request of its
       pool is sent once, unrecorded — the state of a deployment whose every list has been read
       once through that API since its publication, so that what REST stores at a first read
       (the body) and what GraphQL stores (its renderings) are both there. Off by default: the
       warm figures of earlier runs were taken without it.

and drives, from ``bench.national_load`` (keep-alive, closed loop, 1 and 16 clients), each
request drawn at random — a random tenant, then a random township, item or text — and sent with
``Accept-Encoding: gzip`` as every real client sends it (a gzip answer is inflated by the client
inside the request's time; the cold server and the raw limit answer JSON, so the cold comparison
is JSON against JSON):

list      ``GET …/townships/{code}/list/published`` (REST)
graphql   ``POST /graphql`` ``publishedList`` with every field REST returns
raw       ``GET /bench/raw/…/list/published``: the limit — one set-based statement on a raw
          asyncpg pool, same entries, same JSON (checked equal before measuring), no cache
working   ``GET …/townships/{code}/list``
lookup    ``POST …/lookup`` with a township; ``lookup*`` without a location; ``lookup*big``
          without a location on the large tenant only
portal    ``GET /portal/{slug}/townships/{code}/items/{ref}``
search    ``GET …/search?q=…``

Writes, in process after the reads: ``--writes`` random lists of each size get one entry
edited (``update_entry``), then ``submit``, ``file_list``, ``publish_list`` are timed; the
growth of every table over those publications, per entry, is the storage of a version in
which one entry in 340 changed.

``--rounds N`` measures each scenario in N windows, the scenarios taking turns (list, raw, list,
raw …): a change of the machine's load during the run falls on the product and the limit alike,
where one window each compares two different moments; the figures are over all windows.

Prints per data set, mode, scenario and client count: n, req/s, p50/p95/p99, errors; the
server's peak RSS; the build's phases; and the issue's targets as ratios (``--check`` exits 1
when one is missed). Targets measured at a smaller ``--scale`` than 4,000 are checked on a
linear extrapolation to 4,000 townships and say so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.database import PLATFORM
from bench.http_list import REPO, START_TIMEOUT, _peak_rss, _stop_server, _tail, _wait_ready
from bench.national_data import BIG, State, build, summary
from bench.township_list import GRAPHQL_QUERY, _first_difference, snake_keys

FULL_SCALE = 4000
SEARCH_TERMS = ["消防", "安全生产", "低保", "矛盾纠纷", "巡河", "燃气", "违法建设", "检查", "救助", "森林防火"]
TARGETS = {
    "cold list p50 / one-county": 1.5,
    "cold list 16 clients / raw": 0.7,
    "warm list p50 / one-county": 1.5,
    "graphql / rest p50": 2.0,
    "lookup* big p99 ms": 50.0,
    "catalog publish 4,000 s": 60.0,
    "publish 4,000 lists s": 300.0,
    "submit/file/publish p50 ms": 50.0,
    "bytes per entry per version": 200.0,
}


@dataclass
class Tenant:
    slug: str
    key: str
    townships: list[str]
    items: list[str]


@dataclass
class DataSet:
    name: str
    data_dir: Path
    url: str
    tenants: list[Tenant]
    state: State
    figures: dict[str, Any] = field(default_factory=dict)


# --- preparing ---------------------------------------------------------------------------------


async def _prepare(name: str, data_dir: Path, tenants: int, townships: int, scale: int) -> DataSet:
    from core.platform import db
    from core.platform.db import tenant_transaction
    from core.security.access import Role
    from core.security.tenancy import find_tenant
    from tenants import keys
    from tenants.access import open_access

    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    state = await build(data_dir, tenants, townships, scale, say=lambda m: print(f"[{name}] {m}", flush=True))
    print(f"[{name}] ready in {time.perf_counter() - started:.1f} s", flush=True)
    url = await db.start_embedded(data_dir)
    out: list[Tenant] = []
    slugs = state.done["lists"]
    for slug in slugs:
        tenant = await find_tenant(slug)
        assert tenant is not None
        access = await open_access(PLATFORM, slug)
        issued = await keys.create_key(access, keys.ApiKeyCreate(name="bench.national", role=Role.ADMIN))
        async with tenant_transaction(tenant.id) as conn:
            codes = [
                r["township_code"]
                for r in await conn.fetch(
                    "SELECT township_code FROM township_lists WHERE tenant_id = $1 AND published_number > 0"
                    " ORDER BY township_code",
                    tenant.id,
                )
            ]
            items = [
                r["code"]
                for r in await conn.fetch(
                    "SELECT code FROM catalog_items WHERE tenant_id = $1 AND version = 1 AND level = 'item'"
                    " ORDER BY code",
                    tenant.id,
                )
            ]
        out.append(Tenant(slug, issued.key, codes, items))
    await db.disconnect()
    return DataSet(name, data_dir, url, out, state)


# --- requests ------------------------------------------------------------------------------------


#: What every real client sends (httpx, browsers, ``curl --compressed``); bench.load inflates
#: a gzip answer, inside the request's time.
ACCEPT = {"Accept-Encoding": "gzip"}


def _auth(t: Tenant, json_body: bool = False) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {t.key}", **ACCEPT}
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


def _texts() -> list[str]:
    import yaml

    return [a["text"] for a in yaml.safe_load((REPO / "tests" / "data" / "appeals.yaml").read_text(encoding="utf-8"))]


def request_pool(kind: str, tenants: list[Tenant], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` requests of ``kind``, each for a random tenant, then a random township / item / text."""
    from core.publication.links import item_page_path

    rng = random.Random(seed)
    texts = _texts()
    big = [t for t in tenants if t.slug == BIG]
    out = []
    for _ in range(n):
        t = big[0] if kind == "lookup*big" else rng.choice(tenants)
        code = rng.choice(t.townships)
        base = f"/api/v1/tenants/{t.slug}"
        if kind == "list":
            out.append({"path": f"{base}/townships/{code}/list/published", "headers": _auth(t)})
        elif kind == "raw":
            out.append({"path": f"/bench/raw/{t.slug}/townships/{code}/list/published", "headers": dict(ACCEPT)})
        elif kind == "graphql":
            body = json.dumps({"query": GRAPHQL_QUERY, "variables": {"tenant": t.slug, "code": code}})
            out.append({"path": "/graphql", "method": "POST", "body": body, "headers": _auth(t, True)})
        elif kind == "working":
            out.append({"path": f"{base}/townships/{code}/list", "headers": _auth(t)})
        elif kind in ("lookup", "lookup*", "lookup*big"):
            payload: dict[str, Any] = {"text": rng.choice(texts)}
            if kind == "lookup":
                payload["township"] = code
            body = json.dumps(payload, ensure_ascii=False)
            out.append({"path": f"{base}/lookup", "method": "POST", "body": body, "headers": _auth(t, True)})
        elif kind == "portal":
            out.append({"path": item_page_path(t.slug, code, rng.choice(t.items)), "headers": dict(ACCEPT)})
        elif kind == "search":
            from urllib.parse import quote

            out.append({"path": f"{base}/search?q={quote(rng.choice(SEARCH_TERMS))}", "headers": _auth(t)})
        else:
            raise ValueError(kind)
    return out


# --- the server ------------------------------------------------------------------------------------


def cache_settings() -> list[str]:
    """Every ``QINGDAN_CACHE_*`` size this tree knows (read from core/platform/settings.py), and
    ``QINGDAN_STORE_LIST_BODIES`` when it exists."""
    text = (REPO / "core" / "platform" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(QINGDAN_CACHE_[A-Z_]+|QINGDAN_STORE_LIST_BODIES)"', text))
    return sorted(names - {"QINGDAN_CACHE_TENANT_PERCENT"})  # a share, not a size


def mode_env(mode: str) -> dict[str, str]:
    """cold: every cache size 0 and no stored bodies; stored: per-process caches 0, bodies
    stored in PostgreSQL on (what a fresh process or another worker sees); warm: defaults."""
    env: dict[str, str] = {}
    for name in cache_settings():
        if name == "QINGDAN_STORE_LIST_BODIES":
            if mode == "cold":
                env[name] = "off"
        elif mode in ("cold", "stored"):
            env[name] = "0"
    return env


def modes() -> list[str]:
    return ["cold", "stored", "warm"] if "QINGDAN_STORE_LIST_BODIES" in cache_settings() else ["cold", "warm"]


def start_server(ds: DataSet, mode: str) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "QINGDAN_DATABASE_URL": ds.url, "QINGDAN_DATA_DIR": str(ds.data_dir), **mode_env(mode)}
    port_file = ds.data_dir / "bench-national.port"
    port_file.unlink(missing_ok=True)
    log_path = ds.data_dir / f"bench-national-{mode}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server", "--port", "0", "--port-file", str(port_file), "--exit-with-parent"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not (port_file.exists() and port_file.read_text().strip()):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bench server did not start:\n{_tail(log_path)}")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{int(port_file.read_text())}"
    _wait_ready(proc, base, log_path)
    if (REPO / "tenants" / "lookup_warmup.py").exists():
        # the app loads the segmenter's dictionary and (warm) builds every tenant's lookup index
        # in the background from start-up: measure after it (its log line), not while it
        # competes for the CPU — in the cold server too, whose first round builds no index
        started = time.monotonic()
        while "lookup warm-up:" not in log_path.read_text(errors="replace") and time.monotonic() - started < 900:
            time.sleep(0.5)
        print(f"[{ds.name}] {mode} server: the lookup warm-up took {time.monotonic() - started:.0f} s", flush=True)
    return proc, base


def preflight(base: str, ds: DataSet, seed: int, lists: int = 3) -> str:
    """On three random lists: (a) and the raw limit return the same JSON, GraphQL the same data;
    every other scenario answers 200."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=60.0) as client:
        for _ in range(lists):
            t = rng.choice(ds.tenants)
            code = rng.choice(t.townships)
            a = client.get(f"/api/v1/tenants/{t.slug}/townships/{code}/list/published", headers=_auth(t))
            c = client.get(f"/bench/raw/{t.slug}/townships/{code}/list/published")
            if a.status_code != 200 or c.status_code != 200:
                raise RuntimeError(f"{t.slug}/{code}: list {a.status_code}, raw {c.status_code}: {a.text[:300]}")
            difference = _first_difference(a.json(), c.json())
            if difference:
                raise RuntimeError(f"the raw limit does not return the list's JSON ({t.slug}/{code}): {difference}")
            body = json.dumps({"query": GRAPHQL_QUERY, "variables": {"tenant": t.slug, "code": code}})
            g = client.post("/graphql", content=body, headers=_auth(t, True)).json()
            if g.get("errors"):
                raise RuntimeError(f"GraphQL answered errors: {g['errors'][:2]}")
            g_diff = _first_difference(a.json(), snake_keys(g["data"]["tenant"]["publishedList"]))
            if g_diff:
                raise RuntimeError(f"GraphQL differs from REST ({t.slug}/{code}): {g_diff}")
        for kind in ("working", "lookup", "lookup*", "portal", "search"):
            r = request_pool(kind, ds.tenants, 1, seed)[0]
            response = client.request(r.get("method", "GET"), r["path"], headers=r["headers"], content=r.get("body"))
            if response.status_code != 200:
                raise RuntimeError(f"{kind} {r['path']} answered {response.status_code}: {response.text[:300]}")
        sent = a.headers.get("content-encoding", "identity")
        return (
            f"{len(a.json()['entries'])} entries, {len(a.content) / 1024:.0f} KiB per list"
            f" (sent {sent}: {a.num_bytes_downloaded / 1024:.0f} KiB)"
        )


def prime(base: str, pool: list[dict[str, Any]]) -> tuple[int, float]:
    """Send every distinct request of ``pool`` once (``--prime``); returns (requests, seconds)."""
    distinct = {(r["path"], r.get("body")): r for r in pool}
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=120.0) as client:
        for r in distinct.values():
            response = client.request(r.get("method", "GET"), r["path"], headers=r["headers"], content=r.get("body"))
            response.raise_for_status()
    return len(distinct), time.perf_counter() - started


def drive(
    base: str, pool: list[dict[str, Any]], clients: int, args: argparse.Namespace, seed: int, warmup: float
) -> dict[str, Any]:
    cfg = {
        "base": base,
        "requests": pool,
        "clients": clients,
        "warmup": warmup,
        "seconds": args.seconds,
        "seed": seed,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.national_load"],
        input=json.dumps(cfg).encode(),
        capture_output=True,
        cwd=REPO,
        timeout=warmup + args.seconds + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.national_load failed:\n{done.stderr.decode()[-2000:]}")
    out = json.loads(done.stdout)
    return figures(out["latencies_ms"], out["window_s"], sum(out["errors"].values()))


def figures(latencies_ms: list[float], window_s: float, errors: int) -> dict[str, Any]:
    lat = sorted(latencies_ms)
    return {
        "n": len(lat),
        "rps": len(lat) / window_s if window_s > 0 else 0.0,
        "p50": _pct(lat, 50),
        "p95": _pct(lat, 95),
        "p99": _pct(lat, 99),
        "errors": errors,
        "latencies_ms": lat,
        "window_s": window_s,
    }


def merged(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One scenario's figures over its ``--rounds`` windows: every latency, the windows summed."""
    return figures(
        [x for f in rounds for x in f["latencies_ms"]],
        sum(f["window_s"] for f in rounds),
        sum(f["errors"] for f in rounds),
    )


def _pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


SCENARIOS = ["list", "graphql", "raw", "working", "lookup", "lookup*", "lookup*big", "portal", "search"]


def measure(ds: DataSet, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """{mode: {"scenario@clients": figures, "rss": bytes}} for the cold and the warm server."""
    has_big = any(t.slug == BIG for t in ds.tenants)
    kinds = [k for k in args.scenarios if k != "lookup*big" or has_big]
    results: dict[str, dict[str, Any]] = {}
    for mode in modes():
        proc, base = start_server(ds, mode)
        try:
            shown = preflight(base, ds, args.seed, args.preflight)
            print(f"[{ds.name}] {mode} server {base}: {shown}", flush=True)
            windows: dict[str, list[dict[str, Any]]] = {}
            # --rounds: the scenarios take turns (list, raw, list, raw …) so that a change of the
            # machine's load during the run falls on each of them alike; the warm-up only once
            for round_ in range(args.rounds):
                for kind in kinds:
                    if kind == "raw" and mode != "cold":
                        continue  # the limit has no cache: measured once, in the cold server's run
                    if mode == "stored" and kind not in ("list", "graphql"):
                        continue  # only the published list has stored bodies
                    pool = request_pool(kind, ds.tenants, args.pool, args.seed + len(kind))
                    if args.prime and round_ == 0 and mode == "warm" and kind in ("list", "graphql"):
                        sent, took = prime(base, pool)
                        print(f"[{ds.name}] warm {kind}: primed with {sent} requests in {took:.0f} s", flush=True)
                    for clients in args.clients:
                        warmup = args.warmup if round_ == 0 else min(args.warmup, 1.0)
                        f = drive(base, pool, clients, args, args.seed + round_, warmup)
                        windows.setdefault(f"{kind}@{clients}", []).append(f)
                        shown = f"{mode:<4} {kind:<10} {clients:>2} clients"
                        if args.rounds > 1:
                            shown += f" (round {round_ + 1})"
                        _print_figures(ds.name, shown, f)
            out: dict[str, Any] = {key: merged(fs) for key, fs in windows.items()}
            if args.rounds > 1:
                for key, f in out.items():
                    kind, clients = key.split("@")
                    _print_figures(ds.name, f"{mode:<4} {kind:<10} {clients:>2} clients, {args.rounds} rounds", f)
            for f in out.values():
                del f["latencies_ms"]
            out["rss"] = _peak_rss(proc.pid) or 0
            results[mode] = out
        finally:
            _stop_server(proc)
    return results


def _print_figures(name: str, shown: str, f: dict[str, Any]) -> None:
    print(
        f"[{name}] {shown}: n={f['n']:>5} {f['rps']:7.1f}/s"
        f"  p50 {f['p50']:8.2f}  p95 {f['p95']:8.2f}  p99 {f['p99']:8.2f} ms  errors {f['errors']}",
        flush=True,
    )


# --- writes and storage -------------------------------------------------------------------------------


async def writes(ds: DataSet, count: int, seed: int) -> dict[str, Any]:
    """Edit one entry of ``count`` random lists per size, then submit, file, publish each (timed);
    the tables' growth over those publications per entry published."""
    from core.lists import service as township_lists
    from core.platform import db
    from core.platform.settings import load_settings
    from tenants.access import open_access

    await db.connect(ds.url, role=load_settings(ds.data_dir).app_role)
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    try:
        await _vacuum()
        sizes_before = await _table_sizes()
        entries = 0
        for size in ("big", "small"):
            pool = [t for t in ds.tenants if (t.slug == BIG) == (size == "big")]
            if not pool:
                continue
            timings: dict[str, list[float]] = {"submit": [], "file": [], "publish": []}
            for i in range(count):
                t = rng.choice(pool)
                code = rng.choice(t.townships)
                access = await open_access(PLATFORM, t.slug)
                item = rng.choice(t.items)
                working = await township_lists.get_working_list(access, code)
                change = township_lists.EntryUpdate(contact=f"028-6{seed % 1000:03d}{i:04d}")
                await township_lists.update_entry(access, code, item, change, working.revision)
                effective = township_lists.ListPublish(effective_date=_today())
                await _vacuum()  # untimed: what autovacuum does between publications
                for step in ("submit", "file", "publish"):
                    started = time.perf_counter()
                    if step == "submit":
                        published = await township_lists.submit(access, code, None)
                    elif step == "file":
                        published = await township_lists.file_list(access, code)
                    else:
                        published = await township_lists.publish_list(access, code, effective)
                    timings[step].append((time.perf_counter() - started) * 1000)
                entries += len(published.entries)
                await _renderings_settled()  # untimed: a publication renders ahead right after it (this tree)
            for step, values in timings.items():
                out[f"{step} p50 ms ({size})"] = statistics.median(values)
        await _vacuum()
        sizes_after = await _table_sizes()
        grown = {k: sizes_after.get(k, 0) - sizes_before.get(k, 0) for k in sizes_after}
        # The target is about entries: the tables a publication writes per entry (every table's growth
        # is printed beside it; audit and events grow per publication, not per entry).
        stored = sum(v for k, v in grown.items() if k in VERSION_TABLES and v > 0)
        out["bytes per entry per version"] = stored / max(entries, 1)
        out["grown tables"] = {k: v for k, v in sorted(grown.items(), key=lambda kv: -kv[1]) if v > 0}
        out["entries published"] = entries
        out["sizes"] = sizes_after
        out["counts"] = await _counts()
    finally:
        await db.disconnect()
    return out


async def _renderings_settled() -> None:
    from core.platform import db

    settled = getattr(db, "settled", None)
    if settled is not None:  # a tree before background work after an answer has none
        await settled()


def _today() -> Any:
    import datetime

    return datetime.date.today()


async def _vacuum() -> None:
    """VACUUM the version tables (those the tree has), so that space a publication freed (a
    replaced stored body, a closed span's old row) is reused as autovacuum would let it be,
    and the growth measured is what a version keeps, not what awaits vacuum."""
    from core.platform.db import DB

    conn = await DB.pool.acquire()  # VACUUM cannot run in a transaction block
    try:
        present = await conn.fetch(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY($1)", VERSION_TABLES
        )
        for (name,) in present:
            await conn.execute(f"VACUUM {name}")
    finally:
        await DB.pool.release(conn)


async def _table_sizes() -> dict[str, int]:
    from core.platform.db import platform_transaction

    async with platform_transaction() as conn:
        rows = await conn.fetch(
            "SELECT c.relname, pg_total_relation_size(c.oid) AS bytes FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
    return {r["relname"]: r["bytes"] for r in rows}


async def _counts() -> dict[str, int]:
    from core.platform.db import platform_transaction

    async with platform_transaction() as conn:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM township_version_entries) AS version_entries,"
            " (SELECT count(*) FROM township_entries) AS working_entries,"
            " (SELECT count(*) FROM township_list_versions) AS versions,"
            " (SELECT count(*) FROM tenants) AS tenants,"
            " pg_database_size(current_database()) AS database_bytes"
        )
    return dict(row)


# --- report -------------------------------------------------------------------------------------------


def _ratio(x: float, y: float) -> float:
    return x / y if y else float("inf")


def verdicts(nat: DataSet, ref: DataSet | None, args: argparse.Namespace) -> list[tuple[str, float, float, str]]:
    """(target, measured, limit, note) for each target the run measured."""
    cold, warm = nat.figures["cold"], nat.figures["warm"]
    scale = nat.state.scale
    out: list[tuple[str, float, float, str]] = []
    one, many = min(args.clients), max(args.clients)

    def both(a: dict[str, Any], b: dict[str, Any], key: str) -> bool:
        return key in a and key in b

    if ref is not None:
        for mode in ("cold", "warm"):
            mine, theirs, key = nat.figures[mode], ref.figures[mode], f"list@{one}"
            if both(mine, theirs, key):
                out.append(
                    (
                        f"{mode} list p50 / one-county",
                        _ratio(mine[key]["p50"], theirs[key]["p50"]),
                        TARGETS[f"{mode} list p50 / one-county"],
                        f"{mine[key]['p50']:.1f} / {theirs[key]['p50']:.1f} ms, {one} client",
                    )
                )
    if both(cold, cold, f"list@{many}") and f"raw@{many}" in cold:
        a, c = cold[f"list@{many}"], cold[f"raw@{many}"]
        out.append(
            (
                f"cold list {many} clients / raw",
                _ratio(a["rps"], c["rps"]),
                TARGETS["cold list 16 clients / raw"],
                f"{a['rps']:.1f} / {c['rps']:.1f} req/s",
            )
        )
    for mode, figures in (("cold", cold), ("warm", warm)):
        if both(figures, figures, f"graphql@{one}") and f"list@{one}" in figures:
            g, a = figures[f"graphql@{one}"], figures[f"list@{one}"]
            out.append(
                (
                    f"graphql / rest p50 ({mode})",
                    _ratio(g["p50"], a["p50"]),
                    TARGETS["graphql / rest p50"],
                    f"{g['p50']:.1f} / {a['p50']:.1f} ms",
                )
            )
    if f"lookup*big@{one}" in warm:
        out.append(
            (
                f"lookup* big p99 ms (warm, {scale} townships)",
                warm[f"lookup*big@{one}"]["p99"],
                TARGETS["lookup* big p99 ms"],
                f"cold {cold[f'lookup*big@{one}']['p99']:.1f} ms" if f"lookup*big@{one}" in cold else "",
            )
        )
    figures = nat.state.figures
    factor = FULL_SCALE / scale if scale else 0.0
    linear = "" if scale == FULL_SCALE else f" × {factor:g} (linear)"
    big_catalog = figures.get("catalog publish, big tenant s")
    if big_catalog:
        note = f"{big_catalog[0]:.1f} s at {scale}{linear}"
        out.append(("catalog publish 4,000 s", big_catalog[0] * factor, TARGETS["catalog publish 4,000 s"], note))
    path = figures.get("publication path (big)")
    published = figures.get("bulk file+publish ms (big)") or figures.get("publish ms (big)")
    if published:
        # one job (its wall time), or lists one by one (their mean × the lists: a stopped build timed fewer)
        took = sum(published) / 1000 if "bulk" in str(path) else statistics.mean(published) * scale / 1000
        note = f"{path}: {took:.1f} s for {scale} filed lists{linear}"
        out.append(("publish 4,000 lists s", took * factor, TARGETS["publish 4,000 lists s"], note))
    w = nat.figures.get("writes", {})
    for key, value in w.items():
        if " p50 ms (" in key:
            out.append((key, value, TARGETS["submit/file/publish p50 ms"], "in process, after one entry edit"))
    if "bytes per entry per version" in w:
        out.append(
            (
                "bytes per entry per version",
                w["bytes per entry per version"],
                TARGETS["bytes per entry per version"],
                f"{w['entries published']} entries republished, 1 in 340 changed; version tables' growth",
            )
        )
    return out


def report(nat: DataSet, ref: DataSet | None, args: argparse.Namespace, started: float) -> bool:
    print()
    print("=" * 100)
    print(
        f"bench.national: {len(nat.tenants)} tenants ({nat.state.tenants} × {nat.state.townships} townships"
        f" + {BIG} with {nat.state.scale}), {os.cpu_count()} CPUs, load average now "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + f"; run {time.perf_counter() - started:.0f} s"
    )
    for mode in modes():
        print(f"server environment '{mode}': {mode_env(mode) or 'defaults'}")
    if args.prime:
        print("warm reads primed (--prime): every distinct list and graphql request of the pool sent once first")
    print("\nbuild (wall seconds per phase, summed over the runs that built it):")
    print("\n".join(summary(nat.state)))
    for ds in (nat, ref):
        if ds is None:
            continue
        print(f"\n{ds.name}: ms, req/s")
        print(
            f"  {'mode':<5} {'scenario':<11} {'clients':>7} {'n':>6} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} err"
        )
        for mode in modes():
            for key, f in ds.figures[mode].items():
                if key == "rss":
                    continue
                kind, clients = key.split("@")
                print(
                    f"  {mode:<6} {kind:<11} {clients:>7} {f['n']:>6} {f['rps']:8.1f} {f['p50']:8.2f}"
                    f" {f['p95']:8.2f} {f['p99']:8.2f} {f['errors']}"
                )
            print(f"  {mode:<5} server peak RSS {ds.figures[mode]['rss'] / 2**20:.0f} MiB")
    w = nat.figures["writes"]
    print("\nstorage (national set, after the run):")
    counts = w["counts"]
    print(
        f"  database {counts['database_bytes'] / 2**30:.2f} GiB; {counts['versions']:,} published versions,"
        f" {counts['version_entries']:,} version entries, {counts['working_entries']:,} working entries"
    )
    for name, size in sorted(w["sizes"].items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name:<32} {size / 2**20:9.1f} MiB")
    print(f"  growth over the timed publications: {w['grown tables']}")
    print("\nextrapolation to 38,000 townships in 2,800 counties (assumptions in extrapolate()):")
    for name, value, how in extrapolate(nat):
        print(f"  {name:<68} {value:12.3f}   {how}")
    print("\ntargets (issue 13, Performance):")
    ok = True
    for name, measured, limit, note in verdicts(nat, ref, args):
        low_is_good = "/ raw" not in name
        good = measured <= limit if low_is_good else measured >= limit
        ok &= good
        sign = "≤" if low_is_good else "≥"
        print(f"  {name:<44} {measured:10.2f} {sign} {limit:<7g} {'ok' if good else 'MISSED'}   ({note})")
    errors = sum(
        f["errors"]
        for ds in (nat, ref)
        if ds is not None
        for mode in modes()
        for k, f in ds.figures[mode].items()
        if k != "rss"
    )
    print(f"  {'no errors':<44} {errors:10d}   {'ok' if errors == 0 else 'MISSED'}")
    return ok and errors == 0


NATION_TOWNSHIPS = 38_000
NATION_COUNTIES = 2_800
ENTRIES_PER_LIST = 340
VERSION_TABLES = (  # the trees before and after migration 0010 (entries as validity ranges)
    "township_list_versions",
    "township_version_entries",
    "township_entry_spans",
    "search_entries",
    "search_postings",
    "published_list_bodies",
)
CATALOG_TABLES = (
    "catalog_versions",
    "catalog_items",
    "catalog_responsibilities",
    "item_citations",
    "catalog_adjustments",
    "reference_codes",
    "search_documents",
)
WORKING_TABLES = ("township_lists", "township_entries")


def extrapolate(nat: DataSet) -> list[tuple[str, float, str]]:
    """(figure, value, how) for 38,000 townships in 2,800 counties, from this run's figures.

    Assumptions: storage grows linearly with entries (per-entry figures of this set); every county
    has 38,000 / 2,800 ≈ 13.6 townships and a 340-item catalog; the first version of a list copies
    every entry, later ones cost the measured growth of a republication with 1 entry in 340
    changed; publication time is linear in lists (the large tenant's rate); read latency does not
    depend on the number of tenants beyond what the set shows (its ratio to one county)."""
    w = nat.figures.get("writes", {})
    sizes, counts = w.get("sizes", {}), w.get("counts", {})
    if not sizes or not counts:
        return []
    townships = counts["working_entries"] / ENTRIES_PER_LIST  # every list, published or not
    entries = max(counts["version_entries"], 1)
    versions = sum(sizes.get(t, 0) for t in VERSION_TABLES)
    catalog = sum(sizes.get(t, 0) for t in CATALOG_TABLES)
    working = sum(sizes.get(t, 0) for t in WORKING_TABLES)
    per_entry = versions / entries
    per_tenant_catalog = catalog / max(len(nat.tenants), 1)
    per_township_working = working / max(townships, 1)
    delta = w.get("bytes per entry per version", float("nan"))
    national_entries = NATION_TOWNSHIPS * ENTRIES_PER_LIST
    out = [
        ("published-version tables, bytes per entry (all versions / entries)", per_entry, "this set"),
        ("a republished version, bytes per entry (1 in 340 changed)", delta, "this run's timed publications"),
        ("first national published version, GiB", national_entries * per_entry / 2**30, "38,000 × 340 entries"),
        ("each later national version (≤ 5 % changed), GiB", national_entries * delta / 2**30, "38,000 × 340 × Δ"),
        ("working copies, GiB", NATION_TOWNSHIPS * per_township_working / 2**30, "38,000 lists"),
        ("catalogs (version 1), GiB", NATION_COUNTIES * per_tenant_catalog / 2**30, "2,800 × 340 items"),
    ]
    figures = nat.state.figures
    scale = nat.state.scale
    if figures.get("catalog publish, big tenant s") and scale:
        per_township = figures["catalog publish, big tenant s"][0] / scale
        out.append(("catalog publication, s per township followed", per_township, f"large tenant, {scale} townships"))
        out.append(("all 2,800 catalogs published once, hours (serial)", per_township * NATION_TOWNSHIPS / 3600, ""))
    published = figures.get("bulk file+publish ms (big)") or figures.get("publish ms (big)")
    if published and scale:
        bulk = "bulk" in str(figures.get("publication path (big)"))
        per_list = sum(published) / 1000 / scale if bulk else statistics.mean(published) / 1000
        out.append(("list publication, s per list", per_list, str(figures.get("publication path (big)"))))
        out.append(("all 38,000 lists published, hours (serial)", per_list * NATION_TOWNSHIPS / 3600, ""))
    small = figures.get("catalog publish, small tenant s")
    if small:
        out.append(("catalog publication of one county, s (p50)", statistics.median(small), "small tenants"))
    for mode in ("cold", "warm"):
        f = nat.figures.get(mode, {}).get("list@1")
        if f:
            out.append((f"{mode} list read p50 / p99 at 1 client, ms", f["p50"], f"p99 {f['p99']:.1f} ms"))
    return out


def figures_of(nat: DataSet, ref: DataSet | None, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "build": {"seconds": nat.state.seconds, "figures": nat.state.figures},
        "national": nat.figures,
        "one-county": ref.figures if ref is not None else None,
        "targets": [
            {"target": name, "measured": measured, "limit": limit, "note": note}
            for name, measured, limit, note in verdicts(nat, ref, args)
        ],
        "extrapolation": [{"figure": k, "value": v, "how": h} for k, v, h in extrapolate(nat)],
        "load average": os.getloadavg(),
    }


# --- command -------------------------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.national", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/qingdan-national"), help="kept and reused")
    p.add_argument("--tenants", type=int, default=200, help="small tenants (200)")
    p.add_argument("--townships", type=int, default=3, help="townships per small tenant (3)")
    p.add_argument("--scale", type=int, default=400, help="townships of the large tenant (400; the issue: 4000)")
    p.add_argument("--seconds", type=float, default=4.0, help="recorded seconds per scenario and client count")
    p.add_argument("--warmup", type=float, default=1.0, help="unrecorded seconds before each")
    p.add_argument(
        "--rounds", type=int, default=1, help="windows per scenario, the scenarios taking turns (figures over all)"
    )
    p.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    p.add_argument("--pool", type=int, default=2000, help="random requests drawn per scenario")
    p.add_argument("--writes", type=int, default=6, help="lists republished per tenant size")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS, help="which reads (all)")
    p.add_argument("--preflight", type=int, default=3, help="random lists checked equal (REST, GraphQL, raw) first")
    p.add_argument("--prime", action="store_true", help="warm: send every distinct list/graphql request once first")
    p.add_argument("--json", type=Path, help="also write every figure to this file")
    p.add_argument("--no-reference", action="store_true", help="skip the one-county reference")
    p.add_argument("--build-only", action="store_true", help="build the set, print the build figures, stop")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    if args.tenants < 1 or args.townships < 1 or args.scale < 0 or args.seconds <= 0:
        p.error("--tenants, --townships ≥ 1; --scale ≥ 0; --seconds > 0")
    if args.writes < 1 or args.rounds < 1:  # the storage figures and write targets come from the writes
        p.error("--writes and --rounds ≥ 1")
    return args


def run(args: argparse.Namespace) -> bool:
    from core.platform import db

    started = time.perf_counter()
    data_dir = args.data_dir.resolve()
    try:
        nat = asyncio.run(_prepare("national", data_dir, args.tenants, args.townships, args.scale))
        if args.build_only:
            print("\n".join(summary(nat.state)))
            return True
        ref = None
        if not args.no_reference:
            ref = asyncio.run(_prepare("one-county", data_dir / "one-county", 1, args.townships, 0))
        nat.figures.update(measure(nat, args))
        if ref is not None:
            ref.figures.update(measure(ref, args))
        nat.figures["writes"] = asyncio.run(writes(nat, args.writes, args.seed))
        passed = report(nat, ref, args, started)
        if args.json:
            args.json.write_text(json.dumps(figures_of(nat, ref, args), indent=1, ensure_ascii=False, default=str))
        return passed
    finally:
        db.stop_embedded()


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    passed = run(args)
    if args.check and not passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
