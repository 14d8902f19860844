"""Qingdan on a Citus cluster (issue 14): the distribution step, routing, and row-level
security on the workers themselves.

The cluster tests run when the session runs on Citus (``QINGDAN_TEST_CITUS=1``: conftest
starts a coordinator and two workers from the embedded PostgreSQL and migrates onto it);
on one PostgreSQL the distribution step is checked to do nothing.
"""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from core.platform import db, distribution
from core.platform.citus import Cluster
from tests.conftest import ON_CITUS, MakeTenant, TenantFixture

on_citus = pytest.mark.skipif(not ON_CITUS, reason="runs on a Citus cluster (QINGDAN_TEST_CITUS=1)")


def test_tables_are_placed_after_those_their_keys_name() -> None:
    keys = [
        distribution.ForeignKey("units", "u_j", "", "jurisdictions"),
        distribution.ForeignKey("units", "u_u", "", "units"),  # a self-reference does not count
        distribution.ForeignKey("posts", "p_u", "", "units"),
        distribution.ForeignKey("posts", "p_t", "", "tenants"),  # a reference table: placed before
    ]
    assert distribution._in_key_order(["posts", "units", "jurisdictions"], keys) == ["jurisdictions", "units", "posts"]
    with pytest.raises(RuntimeError, match="cycle"):
        distribution._in_key_order(
            ["a", "b"], [distribution.ForeignKey("a", "x", "", "b"), distribution.ForeignKey("b", "y", "", "a")]
        )


@pytest.mark.skipif(ON_CITUS, reason="checks one PostgreSQL")
async def test_distribution_does_nothing_on_one_postgresql(database_url: str) -> None:
    conn = await db.acquire()
    try:
        assert not await distribution.is_citus(conn)
        assert await distribution.plan(conn) == ([], [])
        assert await distribution.distribute(conn, db.app_role()) == []
    finally:
        await db.DB.pool.release(conn)  # type: ignore[union-attr]


@on_citus
async def test_every_table_is_placed(database_url: str) -> None:
    """Reference tables as documented, every other tenant table distributed by tenant_id in
    one colocation group, and nothing left to place."""
    conn = await db.acquire()
    try:
        assert await distribution.plan(conn) == ([], [])
        rows = await conn.fetch(
            "SELECT logicalrelid::regclass::text AS t, partmethod::text, colocationid,"
            " column_to_column_name(logicalrelid, partkey) AS col FROM pg_dist_partition"
        )
        tables = await distribution._tables(conn)
    finally:
        await db.DB.pool.release(conn)  # type: ignore[union-attr]
    placed = {r["t"]: r for r in rows}
    assert {t for t, r in placed.items() if r["partmethod"] == "n"} == set(distribution.REFERENCE_TABLES)
    sharded = {t: r for t, r in placed.items() if r["partmethod"] == "h"}
    assert set(sharded) == set(tables) - set(distribution.REFERENCE_TABLES) - set(distribution.LOCAL_TABLES)
    assert {r["col"] for r in sharded.values()} == {"tenant_id"}
    assert len({r["colocationid"] for r in sharded.values()}) == 1


@on_citus
async def test_a_restrictive_policy_on_a_tenant_table_is_refused(database_url: str) -> None:
    """Citus copies policies to the shards without AS RESTRICTIVE (migration 0015): the
    distribution step names such a policy instead of placing a table that carries one."""
    conn = await db.acquire()
    try:
        async with conn.transaction():
            await conn.execute(
                "CREATE POLICY probe_restrictive ON events AS RESTRICTIVE FOR SELECT TO PUBLIC USING (true)"
            )
            with pytest.raises(RuntimeError, match=r"events\.probe_restrictive.*permissive"):
                await distribution.plan(conn)
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        await db.DB.pool.release(conn)  # type: ignore[union-attr]


class _RolledBack(Exception):
    """Leaves a probe's transaction by rolling it back."""


async def _tenant_id(t: TenantFixture) -> uuid.UUID:
    from core.security.tenancy import find_tenant

    found = await find_tenant(t.slug)
    assert found is not None
    return found.id


@on_citus
async def test_a_tenant_read_is_routed_to_one_worker(database_url: str, tenant: TenantFixture) -> None:
    tid = await _tenant_id(tenant)
    async with db.tenant_transaction(tid) as conn:
        plan = "\n".join(
            r[0] for r in await conn.fetch("EXPLAIN SELECT * FROM jurisdictions WHERE tenant_id = $1", tid)
        )
    assert "Task Count: 1" in plan, plan


@on_citus
async def test_row_level_security_holds_on_a_worker(
    citus_cluster: Cluster, client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    """Connected to a worker directly as the application role (not through the coordinator),
    a tenant sees its own rows only, no tenant sees nothing, and another tenant's row cannot
    be written — on the distributed tables and on the shards themselves."""
    a, b = await make_tenant(), await make_tenant()
    ta, tb = await _tenant_id(a), await _tenant_id(b)
    holders = []
    for worker in citus_cluster.workers:
        conn = await asyncpg.connect(worker.url(user=db.app_role()))
        try:
            async with conn.transaction():
                await conn.execute(f"SET LOCAL qingdan.tenant_id = '{ta}'")
                assert await conn.fetchval("SELECT count(*) FROM jurisdictions WHERE tenant_id = $1", tb) == 0
                mine = await conn.fetchval("SELECT count(*) FROM jurisdictions WHERE tenant_id = $1", ta)
                assert mine == 1  # the root division every tenant starts with
                with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                    await conn.execute(
                        "INSERT INTO jurisdictions (tenant_id, code, name, kind) VALUES ($1, '350626', 'x', 'county')",
                        tb,
                    )
            async with conn.transaction():  # no tenant: nothing
                assert await conn.fetchval("SELECT count(*) FROM jurisdictions") == 0
            # The shards on this worker, read as the role with B's tenant set: only B's rows.
            await conn.execute("SET citus.override_table_visibility = off")
            shards = await conn.fetch(
                "SELECT c.relname FROM pg_class c WHERE c.relname ~ '^jurisdictions_[0-9]+$'"
                " AND c.relkind = 'r' AND has_table_privilege(c.oid, 'SELECT')"
            )
            for (shard,) in shards:
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL qingdan.tenant_id = '{tb}'")
                    tenants = {r[0] for r in await conn.fetch(f"SELECT DISTINCT tenant_id FROM {shard}")}
                    assert tenants <= {tb}
                    if tenants:
                        holders.append(worker.name)
        finally:
            await conn.close()
    assert len(holders) == 1, "one worker holds tenant B's shard"


@on_citus
async def test_a_tenant_moves_to_another_worker_while_it_is_read(
    citus_cluster: Cluster, client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    """The tenant's shard group (every table's shard holding it) moves to the other worker
    with Citus's own operation; the tenant's reads go on throughout, none fails."""
    import asyncio

    tid = await _tenant_id(tenant)
    conn = await db.acquire()
    try:
        shard = await conn.fetchval("SELECT get_shard_id_for_distribution_column('jurisdictions', $1::uuid)", tid)
        source = await conn.fetchval("SELECT nodeport FROM citus_shards WHERE shardid = $1", shard)
        target = next(w.port for w in citus_cluster.workers if w.port != source)
        statuses: list[int] = []
        moving = True

        async def read() -> None:
            while moving or len(statuses) < 3:
                response = await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth())
                statuses.append(response.status_code)
                await asyncio.sleep(0.01)

        reader = asyncio.create_task(read())
        try:
            await conn.execute(
                "SELECT citus_move_shard_placement($1, '127.0.0.1', $2, '127.0.0.1', $3,"
                " shard_transfer_mode => 'block_writes')",
                shard,
                source,
                target,
            )
        finally:
            moving = False
            await reader
        assert await conn.fetchval("SELECT nodeport FROM citus_shards WHERE shardid = $1", shard) == target
    finally:
        await db.DB.pool.release(conn)  # type: ignore[union-attr]
    assert statuses and set(statuses) == {200}, statuses
    after = await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth())
    assert after.status_code == 200 and after.json()["items"], after.text


@on_citus
async def test_a_new_worker_takes_shards_while_tenants_are_read(
    citus_cluster: Cluster, client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    """A third worker joins and Citus's rebalancer moves shard groups onto it (in the
    background, ``citus_rebalance_start``) while two tenants' REST reads go on: none fails,
    and the new worker ends up holding shards. Last in the module: the cluster keeps three
    workers for the rest of the session."""
    import asyncio

    tenants = [await make_tenant(), await make_tenant()]
    node = await citus_cluster.add_worker()
    statuses: list[int] = []
    moving = True

    async def read() -> None:
        while moving or len(statuses) < 6:
            for t in tenants:
                response = await client.get(f"{t.base}/jurisdictions", headers=t.auth())
                statuses.append(response.status_code)
            await asyncio.sleep(0.01)

    reader = asyncio.create_task(read())
    conn = await db.acquire()
    try:
        await conn.execute("SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes')")
        await conn.execute("SELECT citus_rebalance_wait()")
        moving = False
        await reader
        held = await conn.fetchval("SELECT count(*) FROM citus_shards WHERE nodeport = $1", node.port)
        state = await conn.fetchval("SELECT state::text FROM citus_rebalance_status()")
    finally:
        moving = False
        await db.DB.pool.release(conn)  # type: ignore[union-attr]
    assert state == "finished", state
    assert held > 0, "the new worker holds shards after the rebalance"
    assert statuses and set(statuses) == {200}, statuses
