"""Reading tenant records. Creating them is provisioning, in ``tenants/``."""

from __future__ import annotations

import time
import uuid

import asyncpg
import msgspec

from core.platform.db import platform_transaction
from core.platform.rows import row_as
from core.security import queries
from core.security.access import Tenant

_CACHE_SECONDS = 30.0
_by_slug: dict[str, tuple[float, Tenant]] = {}


def tenant_from_row(row: queries.TenantRow | asyncpg.Record) -> Tenant:
    """The tenant of a row; a record (provisioning's ``INSERT … RETURNING``, the legal library's
    tenants) must select the columns of :class:`core.security.queries.TenantRow`."""
    if not isinstance(row, queries.TenantRow):
        row = row_as(queries.TenantRow, row)
    return Tenant(
        id=row.id,
        slug=row.slug,
        name=row.name,
        division_code=row.division_code,
        plugin=row.plugin,
        created_at=row.created_at,
        settings=msgspec.json.decode(row.settings),
        kind=row.kind,
    )


async def find_tenant(slug: str) -> Tenant | None:
    """The tenant with ``slug``, cached briefly: tenants are read on every request."""
    cached = _by_slug.get(slug)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    async with platform_transaction() as conn:
        row = await queries.tenant_by_slug(conn, slug)
    if row is None:
        return None
    tenant = tenant_from_row(row)
    _by_slug[slug] = (time.monotonic() + _CACHE_SECONDS, tenant)
    return tenant


async def find_tenant_by_id(tenant_id: uuid.UUID) -> Tenant | None:
    async with platform_transaction() as conn:
        row = await queries.tenant_by_id(conn, tenant_id)
    return None if row is None else tenant_from_row(row)


async def all_tenants() -> list[Tenant]:
    async with platform_transaction() as conn:
        rows = await queries.tenant_rows(conn)
    return [tenant_from_row(r) for r in rows]


def forget_tenant(slug: str) -> None:
    _by_slug.pop(slug, None)
