"""The conformance kit for jurisdiction plugins — import it from a plugin's test suite.

    from tenants.testing import assert_conformant, check_provisionable

    def test_conformant():
        report = assert_conformant("anxi")      # hooks well formed; seed passes every rule
        assert report.items > 0

    def test_provisionable():
        check_provisionable("anxi")             # a real PostgreSQL in a temporary folder;
                                                # provisioned in one transaction, rolled back

Plain (synchronous) tests: no pytest-asyncio or pytest settings needed. Inside async code
use ``async with embedded_database(): await assert_provisionable("anxi")``.

See docs/plugins.md.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from core.platform import db
from core.plugin_api import registry as plugins
from core.plugin_api.testing import PLATFORM, Report, assert_conformant, check_plugin, embedded_database
from tenants.provisioning import TenantCreate, create_tenant

__all__ = [
    "Report",
    "assert_conformant",
    "assert_provisionable",
    "check_plugin",
    "check_provisionable",
    "embedded_database",
]


class _RollBack(Exception):
    pass


async def assert_provisionable(name: str) -> None:
    """Provision a tenant from the plugin on the connected database, check it, roll back."""
    info = plugins.jurisdiction(name)
    seed = plugins.seed_catalog(name)
    slug = f"conformance-{uuid.uuid4().hex[:8]}"
    try:
        async with db.platform_transaction() as conn:
            tenant = await create_tenant(PLATFORM, TenantCreate(slug=slug, name=info.name, plugin=name))
            counts = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM jurisdictions WHERE tenant_id = $1) AS divisions,"
                " (SELECT count(*) FROM units WHERE tenant_id = $1) AS units,"
                " (SELECT count(*) FROM catalog_items WHERE tenant_id = $1 AND version = 1) AS items",
                tenant.id,
            )
            assert counts is not None  # a SELECT without FROM returns exactly one row
            expected = (len(info.divisions), len(info.units), len(seed.items) if seed else 0)
            got = (counts["divisions"], counts["units"], counts["items"])
            if got != expected:
                raise AssertionError(f"provisioned (divisions, units, items) {got}, expected {expected}")
            raise _RollBack
    except _RollBack:
        pass


def check_provisionable(name: str, data_dir: Path | None = None) -> None:
    """:func:`assert_provisionable` on a fresh embedded PostgreSQL, from synchronous code (a
    plain pytest test): starts the server, migrates, provisions, rolls back, stops.

    Not from inside a running event loop (use the async pair there)."""

    async def run() -> None:
        async with embedded_database(data_dir):
            await assert_provisionable(name)

    asyncio.run(run())
