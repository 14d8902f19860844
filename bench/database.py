"""The benchmark's data: an embedded PostgreSQL, the schema, one plugin tenant and a key.

Everything goes through the public services (provisioning, jurisdictions, keys), as an
operator would. Re-running on the same ``--data-dir`` reuses the tenant and issues a
fresh key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import install
from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction, get_jurisdictions
from core.platform import db
from core.platform.settings import load_settings
from core.plugin_api import registry as plugins
from core.security.access import Principal, Role
from core.security.tenancy import find_tenant
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench")


@dataclass(frozen=True)
class Prepared:
    url: str
    pgdata: Path
    slug: str
    key: str
    jurisdictions: int


def _villages(info_codes: set[str], towns: list[str], count: int) -> list[JurisdictionCreate]:
    """``count`` villages spread over ``towns``, with codes the plugin does not use."""
    made: list[JurisdictionCreate] = []
    serial = 200
    while len(made) < count:
        serial += 1
        for town in towns:
            code = f"{town[:9]}{serial:03d}"
            if code not in info_codes and len(made) < count:
                made.append(
                    JurisdictionCreate(
                        code=code,
                        name=f"基准{serial - 200}村",
                        kind="village",
                        parent_code=town,
                        attributes={"population": 1000 + serial, "bench": True},
                    )
                )
    return made


async def prepare(data_dir: Path, plugin: str, villages: int) -> Prepared:
    """Start the embedded server under ``data_dir``, migrate, provision, issue an admin key.

    Leaves :mod:`core.platform.db`'s pool open (the caller disconnects).
    """
    url = await db.start_embedded(data_dir)
    settings = load_settings(data_dir)
    await db.connect(url, role=settings.app_role)
    await install.migrate()
    info = plugins.jurisdiction(plugin)
    tenant = await find_tenant(info.slug)
    if tenant is None:
        data = TenantCreate(slug=info.slug, name=info.name, plugin=plugin)
        tenant = await create_tenant(PLATFORM, data)
    access = await open_access(PLATFORM, tenant.slug)
    codes = {d.code for d in info.divisions}
    towns = [d.code for d in info.divisions if d.kind in ("town", "township")]
    wanted = _villages(codes, towns, villages) if towns else []
    have = await get_jurisdictions(access, [v.code for v in wanted])
    for village in wanted:
        if village.code not in have:
            await create_jurisdiction(access, village)
    issued = await keys.create_key(access, keys.ApiKeyCreate(name="bench admin", role=Role.ADMIN))
    return Prepared(
        url=url,
        pgdata=data_dir / "pgdata",
        slug=tenant.slug,
        key=issued.key,
        jurisdictions=len(info.divisions) + len(wanted),
    )
