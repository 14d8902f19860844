"""Reading tenant records. Creating them is provisioning, in ``tenants/``."""

from __future__ import annotations

import time
import uuid
from typing import Any

import msgspec

from core.platform.db import platform_transaction
from core.security.access import Tenant

_CACHE_SECONDS = 30.0
_by_slug: dict[str, tuple[float, Tenant]] = {}

_COLUMNS = "id, slug, name, division_code, plugin, settings, created_at"


def tenant_from_row(row: Any) -> Tenant:
    settings = row["settings"]
    return Tenant(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        division_code=row["division_code"],
        plugin=row["plugin"],
        created_at=row["created_at"],
        settings=msgspec.json.decode(settings) if isinstance(settings, str) else settings,
    )


async def find_tenant(slug: str) -> Tenant | None:
    """The tenant with ``slug``, cached briefly: tenants are read on every request."""
    cached = _by_slug.get(slug)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    async with platform_transaction() as conn:
        row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM tenants WHERE slug = $1", slug)
    if row is None:
        return None
    tenant = tenant_from_row(row)
    _by_slug[slug] = (time.monotonic() + _CACHE_SECONDS, tenant)
    return tenant


async def find_tenant_by_id(tenant_id: uuid.UUID) -> Tenant | None:
    async with platform_transaction() as conn:
        row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM tenants WHERE id = $1", tenant_id)
    return None if row is None else tenant_from_row(row)


async def all_tenants() -> list[Tenant]:
    async with platform_transaction() as conn:
        rows = await conn.fetch(f"SELECT {_COLUMNS} FROM tenants ORDER BY slug")
    return [tenant_from_row(r) for r in rows]


def forget_tenant(slug: str) -> None:
    _by_slug.pop(slug, None)
