"""The demo's overseers (issue 21, docs/oversight.md): 山东省 oversees 泰安 and 兰山, the two
demo counties in Shandong, and compares them; 临沂市 oversees 兰山区, its own district.

Why these: the five demo counties lie in four provinces and five cities (泰安市 and 临沂市 in
Shandong, 漳州, 齐齐哈尔, 成都), so the one province holding two of them is Shandong, and a city
oversees exactly one of them — 临沂市 its district 兰山区 (泰安 is itself a city-level tenant
keeping its districts' lists). A comparison needs two counties: the province's shows it; the
city's runs over the counties that granted it, one in the demo. Each county grants through the
same service a county admin uses (as the platform), so the grants are in their audit trails.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.oversight import grants
from core.oversight.grants import GrantCreate
from core.oversight.reading import compute_and_store
from core.platform.errors import QingdanError
from core.security.access import Principal, Role
from core.security.tenancy import find_tenant
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, TenantKind, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="demo")


@dataclass(frozen=True)
class DemoOverseer:
    slug: str
    name: str
    division_code: str
    kind: TenantKind
    counties: tuple[str, ...]


OVERSEERS = (
    DemoOverseer("shandong", "山东省", "370000", "province", ("taian", "lanshan")),
    DemoOverseer("linyi", "临沂市", "371300", "city", ("lanshan",)),
)


@dataclass(frozen=True)
class OverseerKeys:
    slug: str
    name: str
    counties: list[str]
    reader: str


async def provision_overseers(
    overseers: tuple[DemoOverseer, ...] = OVERSEERS, as_of: datetime.date | None = None
) -> list[OverseerKeys]:
    """Create the overseers that are missing, have their counties grant them access (once),
    store each county's indicators as of ``as_of`` (today) and issue a reader key per overseer.
    A county that is not provisioned is left out."""
    day = as_of or datetime.date.today()
    made = []
    for overseer in overseers:
        tenant = await find_tenant(overseer.slug)
        if tenant is None:
            data = TenantCreate(
                slug=overseer.slug, name=overseer.name, division_code=overseer.division_code, kind=overseer.kind
            )
            tenant = await create_tenant(PLATFORM, data)
        granted = []
        for slug in overseer.counties:
            county = await find_tenant(slug)
            if county is None:
                continue
            try:
                await grants.grant(await open_access(PLATFORM, slug), GrantCreate(overseer=tenant.slug))
                await compute_and_store(county.id, day)
            except QingdanError as exc:
                print(f"  {overseer.name} / {county.name}: not granted ({exc.detail})")
                continue
            granted.append(county.name)
        access = await open_access(PLATFORM, tenant.slug)
        reader = await keys.create_key(access, keys.ApiKeyCreate(name="demo overseer", role=Role.READER))
        made.append(OverseerKeys(tenant.slug, tenant.name, granted, reader.key))
        print(f"  {tenant.name} oversees {'、'.join(granted) or 'no county yet'}")
    return made


def print_overseers(base_url: str, made: list[OverseerKeys]) -> None:
    for o in made:
        print(f"{o.slug:<10} {o.name} (oversees {'、'.join(o.counties) or 'nothing'})")
        print(f"  reader {o.reader}")
    province = next((o for o in made if len(o.counties) > 1), None)
    if province:
        base = f"{base_url}/api/v1/tenants/{province.slug}/oversight"
        auth = f"-H 'Authorization: Bearer {province.reader}'"
        print()
        print("Oversight:")
        print(f"  curl {auth} {base}/counties")
        print(f"  curl {auth} '{base}/counties/taian/indicators?as_of={datetime.date.today()}'")
        print(f"  curl {auth} '{base}/comparison?counties=taian&counties=lanshan'")
        print(f"  curl {auth} '{base}/contrasts?county_level=lanshan&township_level=taian'")
        print(f"  curl {auth} -o taian.pdf '{base}/counties/taian/report?as_of={datetime.date.today()}'")
