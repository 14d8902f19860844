"""Shared fixtures: one real embedded PostgreSQL per test session, a fresh database in it,
the app served over ASGI by httpx, and factories for isolated tenants and keys."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn

from api.app import create_app
from core import install
from core.platform import citus, db
from core.platform.settings import Settings, load_settings
from core.security.access import Principal, Role
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, TenantKind, create_tenant

# Every database the suite migrates — the session's, and those of the subprocesses the CLI and
# operator tests start (they inherit the environment) — loads the 68 core texts, not the whole
# corpus (25 s each); tests of the corpus load the texts they need (tests/test_legal_corpus.py),
# and bench/legal_corpus.py measures the full load.
os.environ.setdefault("QINGDAN_LEGAL_LIBRARY", "core")

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="tests")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qingdan")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return load_settings(data_dir)


#: ``QINGDAN_TEST_CITUS=1``: the session runs on a Citus cluster (a coordinator and two workers
#: started from the embedded PostgreSQL, docs/scale-out.md) instead of one server.
ON_CITUS = os.environ.get("QINGDAN_TEST_CITUS") == "1"


@pytest.fixture(scope="session")
async def citus_cluster(data_dir: Path) -> AsyncIterator[citus.Cluster | None]:
    """The session's Citus cluster when ``QINGDAN_TEST_CITUS=1`` (else None), stopped at the end."""
    if not ON_CITUS:
        yield None
        return
    os.environ.setdefault("QINGDAN_CITUS_SHARD_COUNT", "4")  # a tenant is in one shard anyway; fewer: faster
    cluster = citus.Cluster(data_dir / "citus")
    await cluster.start_async()
    try:
        yield cluster
    finally:
        await asyncio.to_thread(cluster.destroy)


async def without_flushes(server_url: str) -> None:
    """The suite's server is thrown away with its folder: it need not wait for the disk. fsync
    and full-page writes guard against a machine crash only (a killed server loses nothing;
    tests/test_faults.py kills a server of its own), and waiting on them was much of the suite's
    time on a CI disk. The Citus cluster is started so already (core/platform/citus.py)."""
    conn = await asyncpg.connect(server_url)
    try:
        for setting in ("fsync", "full_page_writes"):
            await conn.execute(f"ALTER SYSTEM SET {setting} = off")
        await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url(data_dir: Path, citus_cluster: citus.Cluster | None) -> AsyncIterator[str]:
    """A fresh database on the session's embedded server (or the Citus cluster's coordinator),
    migrated (and distributed) once."""
    if citus_cluster is not None:
        url = citus_cluster.url()  # every node holds the database, with the extension
        await db.connect(url, count_queries=True)
        await install.migrate()
        yield url
        await db.disconnect()
        return
    server_url = await db.start_embedded(data_dir / "server")
    await without_flushes(server_url)
    name = f"qingdan_test_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    url = server_url.replace("/qingdan?", f"/{name}?")
    await db.connect(url, count_queries=True)
    await install.migrate()
    yield url
    await db.disconnect()


@pytest.fixture(scope="session")
async def app(settings: Settings, database_url: str) -> Any:
    return create_app(settings, manage_database=False)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qingdan.test") as c:
        yield c


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """``app`` on a real uvicorn server, 127.0.0.1 and a free port, on the tests' event loop (so
    it shares their connection pool): for clients that speak real HTTP (a browser, Schemathesis'
    own transport). A synchronous client must run in a thread meanwhile."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve())
    for _ in range(500):
        if uv.started:
            break
        await asyncio.sleep(0.01)
    assert uv.started, "uvicorn did not start"
    port = uv.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def server(app: Any) -> AsyncIterator[str]:
    """The suite's app on a real server (:func:`serving`)."""
    async with serving(app) as url:
        yield url


@dataclass
class TenantFixture:
    slug: str
    division_code: str
    admin: str
    reader: str
    platform: str

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.admin}"}

    @property
    def base(self) -> str:
        return f"/api/v1/tenants/{self.slug}"


MakeTenant = Callable[..., Awaitable[TenantFixture]]


@pytest.fixture(scope="session")
async def platform_key(database_url: str) -> str:
    return (await keys.create_platform_key("tests")).key


@pytest.fixture
async def make_tenant(database_url: str, platform_key: str) -> MakeTenant:
    """Create a uniquely named tenant (optionally from a plugin) with admin and reader keys."""

    async def make(
        plugin: str | None = None, division_code: str = "510115", kind: TenantKind = "county"
    ) -> TenantFixture:
        slug = f"t-{uuid.uuid4().hex[:10]}"
        tenant = await create_tenant(
            PLATFORM,
            TenantCreate(
                slug=slug,
                name="测试县",
                division_code=None if plugin else division_code,
                plugin=plugin,
                kind=kind,
            ),
        )
        access = await open_access(PLATFORM, slug)
        admin = await keys.create_key(access, keys.ApiKeyCreate(name="admin", role=Role.ADMIN))
        reader = await keys.create_key(access, keys.ApiKeyCreate(name="reader", role=Role.READER))
        return TenantFixture(slug, tenant.division_code, admin.key, reader.key, platform_key)

    return make


@pytest.fixture
async def tenant(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant()


@pytest.fixture
async def other(make_tenant: MakeTenant) -> TenantFixture:
    """A second tenant, for isolation tests."""
    return await make_tenant()


async def issue_key(t: TenantFixture, client: httpx.AsyncClient, role: str, scope: str | None) -> str:
    response = await client.post(
        f"{t.base}/api-keys",
        json={"name": f"{role} key", "role": role, "scope_code": scope},
        headers=t.auth(),
    )
    assert response.status_code == 201, response.text
    return response.json()["key"]
