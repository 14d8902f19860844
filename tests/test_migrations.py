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
    "0005_citus_compatible": "51c6fb8d18c3db973aadac7b6c2b7479caab7953d861a08b806cf8fc1c3a88f8",
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
