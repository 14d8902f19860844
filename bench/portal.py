"""The portal's item page (what a handbook QR code opens) over real HTTP at 16 clients.

``python -m bench.portal`` builds (temporary embedded PostgreSQL, or ``--data-dir``) a county
with ``--townships`` streets (default 20) and ``--items`` catalog items (default 500),
publishes every township's list, starts ``python -m bench.server`` (the real app under
uvicorn, 1 worker, 127.0.0.1) and drives it with ``bench.load`` (closed loop, keep-alive,
``--clients`` connections, default 16) on:

- (a) ``GET /portal/{slug}/townships/{code}/items/{ref}`` — the item page as served: tenant
  from the slug (cached), one statement reading the tenant's content generation, the page's
  bytes as rendered once for that generation (:func:`core.publication.portal.cached`), ETag;
- (t) ``GET /portal/{slug}/townships/{code}`` — that township's whole list page (500
  entries), cached the same way;
- (b) ``GET /bench/constant`` — the framework floor (no database, no middleware);
- (u) the item page on a second server with ``QINGDAN_CACHE_PAGES=0`` — the reference: every
  request reads the page with one statement in a tenant transaction and renders it with
  Jinja2 (what (a) cost before the cache; ``--no-reference`` skips it).

Prints requests/s, p50/p95/p99 and the throughput ratios to the floor and to the uncached
page. Target: p99 of (a) under 50 ms at 16 clients. ``--profile DIR`` records py-spy
profiles of the server during (a).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SLUG = "bench-portal"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _analyze() -> None:
    """Fresh tables have no statistics; the list reads after each publication then plan badly."""
    from core.platform.db import platform_transaction

    async with platform_transaction() as conn:
        await conn.execute("ANALYZE")


async def prepare(data_dir: Path, townships: int, items: int) -> tuple[str, list[str]]:
    """The database URL and the item paths to request."""
    from bench.search import publish_in_bulk
    from bench.township_list import PLATFORM, build_county, make_items, publish_catalog, start_database, township_codes
    from core.catalog.editing import import_items
    from core.platform import db
    from core.platform.db import tenant_transaction
    from core.publication.links import item_page_path
    from core.security.tenancy import find_tenant
    from tenants.access import open_access

    url = await start_database(data_dir)
    try:
        if await find_tenant(SLUG) is None:
            access = await build_county(SLUG, "基准县（门户）", townships)
            await import_items(access, make_items(items))
            await publish_catalog(access, "基准目录", datetime.date(2025, 1, 1))
            async with tenant_transaction(access.tenant.id) as conn:
                await conn.execute(
                    "UPDATE township_entries SET responsible_office = '综合行政执法办公室',"
                    " post = '执法队员' || right(item_code, 2), contact = '028-8270' || right(item_code, 4)"
                    " WHERE tenant_id = $1",
                    access.tenant.id,
                )
            await _analyze()
            await publish_in_bulk(access, township_codes(townships))
        access = await open_access(PLATFORM, SLUG)
        first = township_codes(1)[0]
        async with tenant_transaction(access.tenant.id) as conn:
            codes = await conn.fetch(
                "SELECT e.item_code FROM township_version_entries e JOIN catalog_items i"
                " ON i.tenant_id = e.tenant_id AND i.version = 1 AND i.code = e.item_code"
                " WHERE e.tenant_id = $1 AND e.township_code = $2 AND i.level = 'item' ORDER BY e.item_code",
                access.tenant.id,
                first,
            )
        paths = [item_page_path(SLUG, first, r["item_code"]) for r in codes]
        return url, paths
    finally:
        await db.disconnect()


def drive(base: str, paths: list[str], clients: int, seconds: float, warmup: float) -> dict[str, float]:
    cfg = {
        "url": base + paths[0],
        "headers": {},
        "clients": clients,
        "warmup": warmup,
        "seconds": seconds,
        "engine": "raw",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(cfg).encode(),
        capture_output=True,
        cwd=REPO,
        timeout=warmup + seconds + 60,
        check=True,
    )
    out = json.loads(done.stdout)
    lat = out["latencies_ms"]
    return {
        "requests": len(lat),
        "rps": len(lat) / out["window_s"],
        "p50": statistics.median(lat),
        "p95": _pct(lat, 95),
        "p99": _pct(lat, 99),
        "errors": sum(out["errors"].values()),
    }


SCENARIOS = (
    ("a", "(a) item page"),
    ("t", "(t) township page (cached)"),
    ("u", "(u) item page, no cache"),
    ("b", "(b) bare handler (floor)"),
)


def _measure(
    args: argparse.Namespace, data_dir: Path, prepared: Any, targets: dict[str, str], cache_pages: int | None
) -> dict[int, dict[str, dict[str, float]]]:
    """Start a server (``QINGDAN_CACHE_PAGES=cache_pages`` when given) and drive each target."""
    from bench.http_list import _finish, _start_profiler, _start_server, _wait_ready

    if cache_pages is not None:
        os.environ["QINGDAN_CACHE_PAGES"] = str(cache_pages)
    try:
        proc, port = _start_server(prepared, data_dir, 0, data_dir / "bench-server.log")
    finally:
        os.environ.pop("QINGDAN_CACHE_PAGES", None)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, base, data_dir / "bench-server.log")
        import httpx

        for path in targets.values():
            if path.startswith("/portal/"):
                page = httpx.get(base + path, timeout=30)
                assert page.status_code == 200 and "<h1" in page.text, page.text[:500]
                print(f"{path}: {len(page.content):,} bytes, ETag {page.headers['etag']}")
        results: dict[int, dict[str, dict[str, float]]] = {}
        for clients in args.clients:
            for name, path in targets.items():
                spy = _start_profiler(args, proc.pid, f"{name}-{clients}", args.seconds) if name == "a" else None
                results.setdefault(clients, {})[name] = drive(base, [path], clients, args.seconds, args.warmup)
                if spy is not None:
                    spy.wait(timeout=60)
        return results
    finally:
        proc.terminate()
        _finish(proc, 10)


def run(args: argparse.Namespace, data_dir: Path) -> bool:
    from bench.database import Prepared
    from core.publication.links import township_path

    url, paths = asyncio.run(prepare(data_dir, args.townships, args.items))
    print(f"{len(paths)} item pages of township 1 (of {args.townships} published lists, {args.items} items)")
    prepared = Prepared(url=url, pgdata=data_dir / "pgdata", slug=SLUG, key="", jurisdictions=0)
    item = paths[len(paths) // 2]
    listing = township_path(SLUG, item.split("/")[4])
    results = _measure(args, data_dir, prepared, {"a": item, "t": listing, "b": "/bench/constant"}, None)
    if not args.no_reference:
        uncached = _measure(args, data_dir, prepared, {"u": item}, 0)
        for clients, found in uncached.items():
            results[clients].update(found)
    head = f"{'clients':>7} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'err':>4}"
    print(f"\n{'':<28} {head}")
    for clients, found in results.items():
        for name, label in SCENARIOS:
            if name in found:
                r = found[name]
                print(
                    f"{label:<28} {clients:>7} {r['requests']:>8} {r['rps']:>8.0f} {r['p50']:>8.2f}"
                    f" {r['p95']:>8.2f} {r['p99']:>8.2f} {r['errors']:>4}"
                )
        print(f"{'a/b throughput':<28} {clients:>7} {found['a']['rps'] / found['b']['rps']:>8.2f}")
        if "u" in found:
            print(f"{'a/u throughput':<28} {clients:>7} {found['a']['rps'] / found['u']['rps']:>8.2f}")
    a16 = results[max(results)]["a"]
    ok = a16["p99"] < 50 and a16["errors"] == 0
    print(f"\nTarget p99 < 50 ms at {max(results)} clients: {'met' if ok else 'MISSED'} ({a16['p99']:.1f} ms)")
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--data-dir", type=Path, help="keep the database here (reused on the next run)")
    parser.add_argument("--no-reference", action="store_true", help="skip (u), the item page without the cache")
    parser.add_argument("--profile", type=Path, help="record py-spy profiles of the server here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QINGDAN_EVENT_WORKER", "off")
    if args.data_dir:
        sys.exit(0 if run(args, args.data_dir) else 1)
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-portal-") as tmp:
        sys.exit(0 if run(args, Path(tmp)) else 1)


if __name__ == "__main__":
    main()
