"""The demo's overseers (issue 21, docs/oversight.md): 山东省 oversees 泰安 and 兰山, the two
demo tenants in Shandong, and compares 泰山区, 岱岳区 and 兰山区; 泰安市 (``taian-city``)
oversees the ``taian`` tenant and compares its counties 泰山区 and 岱岳区; 临沂市 oversees 兰山区.

Why these: the five demo counties lie in four provinces and five cities (泰安市 and 临沂市 in
Shandong, 漳州, 齐齐哈尔, 成都), so the one province holding two of them is Shandong. A city
compares its counties: ``taian`` is a city-level tenant keeping the lists of its districts'
townships, and a district is a unit of oversight (core/oversight/units.py), so the city overseer
泰安市 — its own tenant, with the same division code 370900, as a city's oversight office is not
the office keeping the lists — compares 泰山区 with 岱岳区. 临沂市 keeps its one district 兰山区.
Each county grants through the same service a county admin uses (as the platform), so the
grants are in their audit trails.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from core.oversight import grants, units
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
    DemoOverseer("taian-city", "泰安市", "370900", "city", ("taian",)),
    DemoOverseer("linyi", "临沂市", "371300", "city", ("lanshan",)),
)


@dataclass(frozen=True)
class OverseerKeys:
    slug: str
    name: str
    counties: list[str]
    reader: str
    #: What the overseer compares (its units: counties, or a tenant's districts), by name.
    units: list[str]


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
        compared = [u.name for u in await units.overseen_units(access)]
        made.append(OverseerKeys(tenant.slug, tenant.name, granted, reader.key, compared))
        print(f"  {tenant.name} oversees {'、'.join(granted) or 'no county yet'} (compares {', '.join(compared)})")
    return made


def print_overseers(base_url: str, made: list[OverseerKeys]) -> None:
    for o in made:
        print(f"{o.slug:<10} {o.name} (oversees {'、'.join(o.counties) or 'nothing'}; compares {', '.join(o.units)})")
        print(f"  reader {o.reader}")
    today = datetime.date.today()
    province = next((o for o in made if len(o.counties) > 1), None)
    if province:
        base = f"{base_url}/api/v1/tenants/{province.slug}/oversight"
        auth = f"-H 'Authorization: Bearer {province.reader}'"
        print()
        print("Oversight:")
        print(f"  curl {auth} {base}/counties")
        print(f"  curl {auth} '{base}/counties/taian/indicators?as_of={today}'")
        print(f"  curl {auth} '{base}/comparison?counties=taian&counties=lanshan'")
        print(f"  curl {auth} '{base}/comparison?counties=taian:370902&counties=taian:370911&counties=lanshan'")
        print(f"  curl {auth} '{base}/contrasts?county_level=lanshan&township_level=taian'")
        print(f"  curl {auth} -o taian.pdf '{base}/counties/taian/report?as_of={today}'")
    city = next((o for o in made if len(o.counties) == 1 and len(o.units) > 1), None)
    if city:  # a city comparing its counties: the districts of the one tenant keeping their lists
        base = f"{base_url}/api/v1/tenants/{city.slug}/oversight"
        auth = f"-H 'Authorization: Bearer {city.reader}'"
        print(f"  curl {auth} '{base}/comparison'   # {' vs '.join(city.units)}")
        print(f"  curl {auth} '{base}/contrasts?county_level={city.units[0]}&township_level={city.units[1]}'")
