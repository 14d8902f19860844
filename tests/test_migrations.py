"""Migrations as a product ships them: SQL files, one baseline, append-only, checksummed.

Each test migrates its own empty database on the session's embedded server, so changing a
ledger here never touches the database the other tests share.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from core.platform import db, schema
from core.platform.errors import SchemaOutdated, SchemaRefused

MIGRATIONS = Path(schema.__file__).parent / "migrations"


@pytest.fixture
async def fresh(database_url: str) -> AsyncIterator[Callable[[], Any]]:
    """A factory of empty databases (dropped afterwards), returning their URLs."""
    admin = await asyncpg.connect(database_url)
    current = await admin.fetchval("SELECT current_database()")
    made: list[str] = []

    async def make() -> str:
        name = f"qingdan_mig_{uuid.uuid4().hex[:8]}"
        await admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return database_url.replace(f"/{current}?", f"/{name}?")

    yield make
    for name in made:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.close()


def folder(tmp_path: Path, name: str = "migrations", **extra: str) -> Path:
    """A copy of the shipped migrations plus ``extra`` files (name without .sql -> text)."""
    target = tmp_path / name
    target.mkdir()
    for path in MIGRATIONS.glob("*.sql"):
        shutil.copy(path, target / path.name)
    for name, text in extra.items():
        (target / f"{name}.sql").write_text(text, encoding="utf-8")
    return target


# The shipped migrations and their sha256, pinned: a test run catches an edited migration
# before any database does. Adding a migration adds a line here; a line never changes.
SHIPPED = {
    "0001_baseline": "0cc916f9335ee990625f40113c3d42e2330ff67893b766a2c61f8289a2c6f5fc",
    "0002_plans": "abfd8971296547b5bd38b9c29130ee28ad39776df083c74fa07e229ac0a13c66",
    "0003_published_bodies": "0a29a51e94cbfbfe31d3b688ad19388a9e6c3c8cb8ed8cfa4ab40611ebe056a7",
    "0004_sync": "a5c0b71ca11b74506d7b7cbd5ab4977da9d66cd7078d684a6a5c65e43c1f09a6",
    "0008_legal_corpus": "c559566b8b88da045e9ac189c7817e4d0041d1a613b6db4e111af443f15f57cc",
    "0009_portal_footers": "35bc5fc278120b21c7eefd91b7ced04ce39b1e5253265750e210fae81395e53d",
    "0010_shared_version_entries": "9863b7ce18aced6084d0dc3a4cf31036c3101a408399879eb07fb56aced700e0",
    "0011_citus_compatible": "eb6df10c931e1f4cc3e61ba40499ed8b80ef538ce335623ab8e72ae1dd52bea3",
    "0012_oversight": "cab95782ed4b8ca2bad4d023c9579c89df6fe44739c13390527aa208f48c61ec",
    "0013_portal_figures": "4f456395882527fb37a3f2cd8f39940e982d2973e353bdc4e98ccf97f7e10cc4",
    "0014_legal_search_bigrams": "e6bc27f662a8b0626bc8e316f57f903da771c2d2ad9c2d491804cbf19d901096",
    "0015_citus_scale_out": "8f55785dfb24d59b4c69ab28928b04eae810d75518951ed0ecf672f7428eac37",
    "0019_search_holders": "49c0e83f8fc40810db145f79f98e51fe466367e5fc30a96b243483b7765e9e89",
    "0020_published_renderings": "4161e06d772d5af4d9a995aff6c334ee5079fd3bea74268794f9e9b384c90ed5",
    "0021_gzip_list_bodies": "a0ffdb2232183f121d15c0623ecf964e7b6969ceaf00b0877713c1dfb9146c4b",
}
IDS = sorted(SHIPPED)  # probes below are numbered 9xxx: after every shipped migration


def test_shipped_migrations_are_append_only() -> None:
    shipped = {m.id: m.checksum for m in schema.known_migrations()}
    changed = [id for id, sha in SHIPPED.items() if shipped.get(id) != sha]
    assert not changed, f"migrations {changed} were changed or removed; migrations are append-only: add a new one"
    assert set(shipped) == set(SHIPPED), "a new migration: add its id and sha256 to SHIPPED"


def test_migrations_are_sql_files_that_import_nothing() -> None:
    files = sorted(p.name for p in MIGRATIONS.iterdir() if p.is_file())
    assert files == [f"{id}.sql" for id in IDS] + ["__init__.py"]
    baseline = schema.known_migrations()[0]
    assert baseline.id == "0001_baseline" and re.fullmatch("[0-9a-f]{64}", baseline.checksum)
    # CRLF checkouts are not changes.
    assert schema.checksum(baseline.sql.replace("\n", "\r\n")) == baseline.checksum


async def test_an_added_migration_applies_and_status_follows(fresh: Any, tmp_path: Path) -> None:
    conn = await asyncpg.connect(await fresh())
    try:
        shipped = schema.known_migrations()
        assert (await schema.read_status(conn, shipped)).pending == IDS
        assert await schema.apply(conn, shipped, db.app_role()) == IDS
        assert (await schema.read_status(conn, shipped)).current
        assert await schema.apply(conn, shipped, db.app_role()) == []

        added = schema.known_migrations(
            folder(tmp_path, **{"9002_probe": "CREATE TABLE probe (id int);\nGRANT SELECT ON probe TO {app_role};\n"})
        )
        before = await schema.read_status(conn, added)
        assert before.applied == IDS and before.pending == ["9002_probe"] and not before.current
        assert await schema.apply(conn, added, db.app_role()) == ["9002_probe"]
        after = await schema.read_status(conn, added)
        assert after.current and after.applied == [*IDS, "9002_probe"]
        assert await conn.fetchval("SELECT has_table_privilege($1, 'probe', 'SELECT')", db.app_role())
        recorded = await conn.fetchval("SELECT checksum FROM qingdan_migrations WHERE id = '9002_probe'")
        assert recorded == added[-1].checksum
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_behind(fresh: Any, tmp_path: Path) -> None:
    conn = await asyncpg.connect(await fresh())
    try:
        broken = schema.known_migrations(
            folder(tmp_path, **{"9002_broken": "CREATE TABLE half (id int);\nSELECT 1/0;"})
        )
        with pytest.raises(asyncpg.DivisionByZeroError):
            await schema.apply(conn, broken, db.app_role())
        status = await schema.read_status(conn, broken)
        assert status.applied == IDS and status.pending == ["9002_broken"]
        assert await conn.fetchval("SELECT to_regclass('half')") is None
    finally:
        await conn.close()


async def test_a_changed_applied_migration_is_refused(fresh: Any, tmp_path: Path) -> None:
    conn = await asyncpg.connect(await fresh())
    try:
        await schema.apply(conn, schema.known_migrations(), db.app_role())
        changed_folder = folder(tmp_path)
        baseline = changed_folder / "0001_baseline.sql"
        baseline.write_text(baseline.read_text() + "\nALTER TABLE tenants ADD COLUMN colour text;\n")
        changed = schema.known_migrations(changed_folder)
        status = await schema.read_status(conn, changed)
        assert not status.current and not status.pending
        assert [c.id for c in status.changed] == ["0001_baseline"]
        with pytest.raises(SchemaRefused) as refused:
            await schema.apply(conn, changed, db.app_role())
        message = refused.value.detail
        assert "0001_baseline" in message and "append-only" in message and "new migration" in message
        assert changed[0].checksum[:12] in message and schema.known_migrations()[0].checksum[:12] in message
        assert await conn.fetchval("SELECT count(*) FROM information_schema.columns WHERE column_name = 'colour'") == 0
    finally:
        await conn.close()


async def test_unknown_and_pre_baseline_databases_are_refused(fresh: Any) -> None:
    shipped = schema.known_migrations()
    newer = await asyncpg.connect(await fresh())
    old_chain = await asyncpg.connect(await fresh())
    try:
        await schema.apply(newer, shipped, db.app_role())
        await newer.execute(f"INSERT INTO qingdan_migrations VALUES ('0099_future', '{'0' * 64}')")
        status = await schema.read_status(newer, shipped)
        assert status.unknown == ["0099_future"] and "another version" in (status.refusal or "")

        # What the chain before the baseline left: piccolo's ledger.
        await old_chain.execute(
            "CREATE TABLE migration (id serial PRIMARY KEY, name varchar(200), app_name varchar(200),"
            " ran_on timestamp);"
            "INSERT INTO migration (name, app_name) VALUES ('2026-11-23T16:00:00:000000', 'qingdan')"
        )
        status = await schema.read_status(old_chain, shipped)
        assert status.pre_baseline == 1 and status.pending == IDS
        assert "pre-baseline" in (status.refusal or "") and "recreate" in (status.refusal or "")
        with pytest.raises(SchemaRefused, match="pre-baseline"):
            await schema.apply(old_chain, shipped, db.app_role())
        assert await old_chain.fetchval("SELECT to_regclass('tenants')") is None
    finally:
        await newer.close()
        await old_chain.close()


async def test_readyz_and_the_serve_check_refuse_a_changed_migration(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await client.get("/readyz")).status_code == 200
    await schema.require_current()

    changed_folder = folder(tmp_path)
    baseline = changed_folder / "0001_baseline.sql"
    baseline.write_text(baseline.read_text().replace("CREATE TABLE tenants", "CREATE TABLE  tenants"))
    monkeypatch.setattr(schema, "MIGRATIONS", changed_folder)
    response = await client.get("/readyz")
    assert response.status_code == 503 and "Retry-After" not in response.headers
    assert "0001_baseline" in response.json()["schema"] and "append-only" in response.json()["schema"]
    with pytest.raises(SchemaRefused, match="append-only"):
        await schema.require_current()

    monkeypatch.setattr(schema, "MIGRATIONS", folder(tmp_path, "added", **{"9002_later": "SELECT 1;"}))
    response = await client.get("/readyz")
    assert response.status_code == 503 and response.json()["pending_migrations"] == ["9002_later"]
    with pytest.raises(SchemaOutdated, match="qingdan migrate"):
        await schema.require_current()


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")} | {"QINGDAN_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], capture_output=True, text=True, env=env, timeout=180
    )


async def test_migrate_and_serve_refuse_a_changed_migration(fresh: Any) -> None:
    url = await fresh()
    migrated = _cli(url, "migrate")
    assert migrated.returncode == 0 and "applied 0001_baseline" in migrated.stdout, migrated.stderr
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"UPDATE qingdan_migrations SET checksum = '{'a' * 64}' WHERE id = '0001_baseline'")
    finally:
        await conn.close()
    for command in (["migrate"], ["serve", "--port", "0"]):
        refused = _cli(url, *command)
        assert refused.returncode != 0, command
        assert "0001_baseline" in refused.stderr and "append-only" in refused.stderr, refused.stderr


async def test_0010_folds_copied_version_entries_into_validity_ranges(fresh: Any) -> None:
    """Migration 0010 on a database whose versions copied every entry: a run of versions with an
    item unchanged becomes one range, a gap or a change starts another, the newest version's
    entries stay open; every version reads back exactly as it was stored; the stored bodies
    (a cache, now deflated by the application) are dropped."""
    conn = await asyncpg.connect(await fresh())
    try:
        shipped = schema.known_migrations()
        await schema.apply(conn, [m for m in shipped if m.id < "0010"], db.app_role())
        tenant = await conn.fetchval(
            "INSERT INTO tenants (slug, name, division_code) VALUES ('fold', '折叠县', '510115') RETURNING id"
        )
        towns = {"510115001000": 4, "510115002000": 1}  # township -> versions
        for code, versions in towns.items():
            await conn.execute(
                "INSERT INTO jurisdictions (tenant_id, code, name, kind) VALUES ($1, $2, $2, 'town')", tenant, code
            )
            await conn.execute(
                "INSERT INTO township_lists (tenant_id, township_code, catalog_version, published_number, status)"
                " VALUES ($1, $2, 1, $3, 'published')",
                tenant,
                code,
                versions,
            )
            for number in range(1, versions + 1):
                await conn.execute(
                    "INSERT INTO township_list_versions (tenant_id, township_code, number, catalog_version,"
                    " effective_date, content_hash) VALUES ($1, $2, $3, 1, '2025-01-01', 'h')",
                    tenant,
                    code,
                    number,
                )
                await conn.execute(
                    "INSERT INTO published_list_bodies VALUES ($1, $2, $3, 1, '\\x7b7d')", tenant, code, number
                )
        one, two = towns
        copied = [  # (township, number, item, post)
            *[(one, n, "A", "a") for n in (1, 2, 3, 4)],  # unchanged throughout
            (one, 1, "B", "b"),
            (one, 2, "B", "b"),
            (one, 3, "B", "b2"),  # changed in 3
            (one, 4, "B", "b2"),
            (one, 1, "C", "c"),  # dropped in 2, back in 3, dropped in 4
            (one, 3, "C", "c"),
            (one, 4, "D", "d"),  # added in 4
            (two, 1, "A", "a"),
        ]
        await conn.executemany(
            "INSERT INTO township_version_entries VALUES ($1, $2, $3, $4, 'automatic', '', '', $5, '', '', 'h')",
            [(tenant, *row) for row in copied],
        )

        await schema.apply(conn, shipped, db.app_role())
        spans = await conn.fetch(
            "SELECT township_code, item_code, valid_from, valid_until, post FROM township_entry_spans"
            " ORDER BY township_code, item_code, valid_from"
        )
        assert [tuple(r) for r in spans] == [
            (one, "A", 1, None, "a"),
            (one, "B", 1, 3, "b"),
            (one, "B", 3, None, "b2"),
            (one, "C", 1, 2, "c"),
            (one, "C", 3, 4, "c"),
            (one, "D", 4, None, "d"),
            (two, "A", 1, None, "a"),
        ]
        read_back = await conn.fetch("SELECT township_code, number, item_code, post FROM township_version_entries")
        assert sorted(tuple(r) for r in read_back) == sorted(copied)
        assert await conn.fetchval("SELECT count(*) FROM published_list_bodies") == 0  # a cache, re-encoded
        assert await conn.fetchval("SELECT to_regclass('search_entries')") is None
    finally:
        await conn.close()
