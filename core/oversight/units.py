"""Units of oversight: what a city or province compares as "a county" (docs/oversight.md).

A unit is a county tenant (``lanshan``) or one county-level division — a county or a city's
district — of a tenant that keeps the lists of several (泰安市 keeps those of 泰山区 and 岱岳区):
``taian:370902``. Districts are units because the reform's unit is the county: a city overseeing
泰安 compares 泰山区 with 岱岳区, and a province lines them up with 兰山区, although one tenant
keeps both. A tenant's districts are the county-level divisions of its tree with townships
directly under them; a tenant with fewer than two is one unit (its district, where it has one,
names the same townships).

Names are URL-safe and unambiguous: a slug is ``[a-z][a-z0-9-]+`` (no colon), a division code
six digits. A district is read through its tenant's grant — a tenant that did not grant the
overseer is 404 for its districts too — and a name that is not a unit is a 422 saying what
to write, with the overseer's own units as "did you mean".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

import asyncpg
import msgspec

from core.exchange.suggest import suggest
from core.lists.posts import TOWNSHIP_KINDS
from core.oversight import queries
from core.oversight.queries import DistrictRow
from core.oversight.scope import oversee_granted, require_overseer
from core.platform.db import oversight_transaction
from core.platform.errors import ValidationFailed
from core.platform.messages import Text
from core.security.access import Access

SEPARATOR = ":"
_UNIT = re.compile(r"(?P<slug>[a-z][a-z0-9-]{1,62})(?::(?P<district>[0-9]{6}))?")


class UnitName(msgspec.Struct, frozen=True):
    """A parsed unit name: the tenant's slug and, for a district, its division code."""

    slug: str
    district: str | None = None

    def __str__(self) -> str:
        return unit_name(self.slug, self.district)


class Unit(msgspec.Struct, frozen=True):
    """A unit an overseer reads: its name, its Chinese name and the tenant keeping its lists."""

    unit: UnitName
    label: str
    tenant_id: uuid.UUID

    @property
    def name(self) -> str:
        return str(self.unit)


def unit_name(slug: str, district: str | None = None) -> str:
    return f"{slug}{SEPARATOR}{district}" if district else slug


async def districts(conn: asyncpg.Connection, tenant_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[DistrictRow]]:
    """Each tenant's districts (county-level divisions with townships under them), by code; one statement."""
    found: dict[uuid.UUID, list[DistrictRow]] = {t: [] for t in tenant_ids}
    for row in await queries.districts(conn, tenant_ids, TOWNSHIP_KINDS):
        found[row.tenant_id].append(DistrictRow(row.code, row.name))
    return found


async def overseen_units(access: Access) -> list[Unit]:
    """Every unit the overseer reads, in division-code order: each county granting it, split
    into its districts when its tree holds townships under two or more."""
    require_overseer(access)
    async with oversight_transaction(access.tenant.id) as conn:
        counties = [county for county, _ in await oversee_granted(conn, access.tenant.id)]
        by_tenant = await districts(conn, [c.id for c in counties])
    units = []
    for county in counties:
        split = by_tenant[county.id]
        if len(split) < 2:
            units.append(Unit(UnitName(county.slug), county.name, county.id))
        else:
            units.extend(Unit(UnitName(county.slug, d.code), d.name, county.id) for d in split)
    return units


async def parse(access: Access, texts: Iterable[str], field: str) -> list[UnitName]:
    """The units named (each once, in the order given). A name that is not a unit's, or a county
    named with one of its own districts, is a 422 on ``field``; whether each unit may be read is
    checked when it is read (404 without a grant)."""
    names = []
    for text in dict.fromkeys(texts):
        name = parse_name(text)
        if name is None:
            raise ValidationFailed.on(
                field, Text("field.bad-oversight-unit", unit=text, suggestions=await _near(access, text))
            )
        names.append(name)
    check_apart(names, field)
    return names


def parse_name(text: str) -> UnitName | None:
    """``slug`` or ``slug:NNNNNN`` as a unit name; None for anything else."""
    found = _UNIT.fullmatch(text)
    return None if found is None else UnitName(found["slug"], found["district"])


def check_apart(names: list[UnitName], field: str) -> None:
    """A county and one of its districts overlap: compared together, the district would share
    every duty with the county it is part of."""
    whole = {n.slug for n in names if n.district is None}
    for name in names:
        if name.district is not None and name.slug in whole:
            raise ValidationFailed.on(field, Text("field.overlapping-units", whole=name.slug, part=str(name)))


async def _near(access: Access, text: str) -> list[str]:
    """The overseer's units closest to ``text``, by name or Chinese name (shown with both)."""
    units = await overseen_units(access)
    shown = {u.name: f"{u.name}（{u.label}）" for u in units}
    by_label = {u.label: u.name for u in units}
    # A unit's Chinese name written as it is (泰山区) is the likeliest meaning; suggest() leaves
    # out labels equal to what was written, so those come first here.
    close = [text] if text in by_label else []
    close += suggest(text, [*shown, *by_label])
    return list(dict.fromkeys(shown[by_label.get(c, c)] for c in close))


async def district(conn: asyncpg.Connection, tenant_id: uuid.UUID, name: UnitName, field: str) -> DistrictRow | None:
    """The district ``name`` names in its tenant's tree (None for a whole county), read in the
    overseer's transaction of that tenant; 422 with the tenant's districts when it has no such one."""
    if name.district is None:
        return None
    found = (await districts(conn, [tenant_id]))[tenant_id]
    for row in found:
        if row.code == name.district:
            return row
    choices = [f"{unit_name(name.slug, d.code)}（{d.name}）" for d in found] or [name.slug]
    raise ValidationFailed.on(
        field, Text("field.no-district", county=name.slug, district=name.district, suggestions=choices)
    )
