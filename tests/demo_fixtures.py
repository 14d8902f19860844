"""Tenants as ``qingdan demo`` leaves them: one per jurisdiction plugin, every township list
published — what the lookup, the searches and the dispatch evaluation read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from api.demo import publish_township_lists
from core.security.access import Principal, Role
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant
from tests.conftest import TenantFixture

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="demo fixtures")


async def published_counties(prefix: str, plugins: Iterable[str], *, admin: bool = False) -> dict[str, TenantFixture]:
    """A tenant per plugin (slug ``{prefix}-{plugin}-…``) with every township list published and a
    reader key; with ``admin`` an admin key too, else the reader's key stands in for it (requests
    made with ``auth()`` then read as a hotline platform does)."""
    found = {}
    for plugin in plugins:
        slug = f"{prefix}-{plugin}-{uuid.uuid4().hex[:6]}"
        tenant = await create_tenant(PLATFORM, TenantCreate(slug=slug, name=f"{plugin} {prefix}", plugin=plugin))
        access = await open_access(PLATFORM, slug)
        await publish_township_lists(access)
        reader = await keys.create_key(access, keys.ApiKeyCreate(name="reader", role=Role.READER))
        admin_key = (
            (await keys.create_key(access, keys.ApiKeyCreate(name="admin", role=Role.ADMIN))).key
            if admin
            else reader.key
        )
        found[plugin] = TenantFixture(slug, tenant.division_code, admin_key, reader.key, "")
    return found
