"""The policies themselves, with raw SQL: tenancy holds even where a service forgets to filter."""

from __future__ import annotations

import asyncpg
import pytest

from core.platform.db import platform_transaction, tenant_transaction
from core.security.tenancy import find_tenant
from tests.conftest import TenantFixture


async def test_every_tenant_table_forces_row_level_security(database_url: str) -> None:
    async with platform_transaction() as conn:
        rows = await conn.fetch(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'r' AND EXISTS (SELECT 1 FROM pg_attribute a"
            " WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)"
        )
    assert len(rows) >= 5
    unprotected = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])]
    assert unprotected == []


async def test_app_role_owns_nothing_and_bypasses_nothing(database_url: str) -> None:
    async with platform_transaction() as conn:
        role = await conn.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'qingdan_app'")
        owned = await conn.fetchval(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = 'qingdan_app')"
        )
    assert role is not None and not role["rolsuper"] and not role["rolbypassrls"]
    assert owned == 0


async def test_unfiltered_queries_see_only_the_current_tenant(tenant: TenantFixture, other: TenantFixture) -> None:
    a, b = await find_tenant(tenant.slug), await find_tenant(other.slug)
    assert a and b
    async with tenant_transaction(a.id) as conn:
        # No WHERE tenant_id: the policy alone filters.
        seen = await conn.fetch("SELECT DISTINCT tenant_id FROM jurisdictions")
        keys_seen = await conn.fetch("SELECT DISTINCT tenant_id FROM api_keys")
        tenants_seen = await conn.fetch("SELECT slug FROM tenants")
        updated = await conn.execute("UPDATE jurisdictions SET name = 'hijacked' WHERE tenant_id = $1", b.id)
        deleted = await conn.execute("DELETE FROM api_keys WHERE tenant_id = $1", b.id)
    assert [r["tenant_id"] for r in seen] == [a.id]
    assert [r["tenant_id"] for r in keys_seen] == [a.id]
    assert [r["slug"] for r in tenants_seen] == [tenant.slug]
    assert updated == "UPDATE 0" and deleted == "DELETE 0"
    async with tenant_transaction(b.id) as conn:
        names = await conn.fetch("SELECT name FROM jurisdictions")
    assert "hijacked" not in [r["name"] for r in names]


async def test_writing_into_another_tenant_is_refused(tenant: TenantFixture, other: TenantFixture) -> None:
    a, b = await find_tenant(tenant.slug), await find_tenant(other.slug)
    assert a and b
    with pytest.raises(Exception) as refused:
        async with tenant_transaction(a.id) as conn:
            await conn.execute(
                "INSERT INTO jurisdictions (tenant_id, code, name, kind) VALUES ($1, '350626', '东山县', 'county')",
                b.id,
            )
    assert "another tenant" in str(refused.value) or isinstance(refused.value, asyncpg.PostgresError)
    async with tenant_transaction(b.id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM jurisdictions WHERE code = '350626'") == 0


async def test_no_tenant_set_means_no_rows(database_url: str, tenant: TenantFixture) -> None:
    async with platform_transaction() as conn:
        await conn.execute("SET LOCAL ROLE qingdan_app")
        assert await conn.fetchval("SELECT count(*) FROM jurisdictions") == 0
        assert await conn.fetchval("SELECT count(*) FROM tenants") == 0
        # An emptied setting (what a pooled connection reads back) is no tenant either.
        await conn.execute("SET LOCAL qingdan.tenant_id = ''")
        assert await conn.fetchval("SELECT count(*) FROM units") == 0


async def test_a_released_connection_carries_no_tenant(tenant: TenantFixture) -> None:
    """The pool skips asyncpg's reset query, so nothing may outlive a transaction."""
    from core.platform.db import DB

    a = await find_tenant(tenant.slug)
    assert a
    for _ in range(3):  # more than one pooled connection gets used
        async with tenant_transaction(a.id) as conn:
            assert await conn.fetchval("SELECT current_user") == "qingdan_app"
    for _ in range(3):
        async with DB.pool.acquire() as conn:  # type: ignore[union-attr]
            assert await conn.fetchval("SELECT current_user") != "qingdan_app"
            assert await conn.fetchval("SELECT current_setting('qingdan.tenant_id', true)") in (None, "")
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                )
                == 0
            )


async def test_a_read_only_transaction_ends_after_its_block(tenant: TenantFixture) -> None:
    """``read_only``: a write fails; the COMMIT is sent after the block (the lookup answers
    first), and the connection goes back to the pool carrying no tenant."""
    from core.platform import db

    a = await find_tenant(tenant.slug)
    assert a
    with pytest.raises(Exception) as refused:
        async with tenant_transaction(a.id, read_only=True) as conn:
            await conn.execute("UPDATE units SET name = name WHERE tenant_id = $1", a.id)
    assert "read-only" in str(refused.value) + str(refused.value.__cause__)
    async with tenant_transaction(a.id, read_only=True) as conn:
        assert await conn.fetchval("SELECT current_setting('transaction_read_only')") == "on"
        held = conn
    assert held.is_in_transaction()  # the block is over, its COMMIT not sent yet
    await db.settled()
    for _ in range(3):
        async with db.DB.pool.acquire() as conn:  # type: ignore[union-attr]
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT current_setting('qingdan.tenant_id', true)") in (None, "")
