"""What an overseer reads beyond the published rows: a county's burden indicators (stored, or
computed on first request), the cross-county comparison by legal provisions, and the report
(PDF or Excel) — each through :func:`core.oversight.scope.overseeing`, so a county without a
live grant is 404 here as everywhere.

Indicators are computed from data an overseer may not read (working lists, calls): the
computation runs in the county's own tenant transaction, as the county's service would, and
stores aggregates only (``burden_indicators``); the overseer then reads the stored body under
its own role. Comparisons read each county's published catalog, lists and citations under the
oversight role itself.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import anyio

from core.calls.reading import CHINA
from core.oversight import comparison as compare_mod
from core.oversight import indicators as indicator_mod
from core.oversight import model, reports, units
from core.oversight.comparison import Comparison, Contrast
from core.oversight.scope import overseeing
from core.oversight.storage import StoredIndicators, read_indicators, store_indicators
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.platform.messages import Text
from core.security.access import Access
from core.security.permissions import require_admin

#: At most this many counties in one comparison (each is one read of its catalog and lists).
MAX_COMPARED = 200


async def indicators(access: Access, county: str, as_of: datetime.date) -> StoredIndicators:
    """The county's burden indicators as of ``as_of``: the stored body, computed and stored
    first (in the county's own transaction) when none is stored for that date."""
    async with overseeing(access, county) as overseen:
        stored = await read_indicators(overseen.conn, overseen.id, as_of)
        county_id = overseen.id
    if stored is not None:
        return stored
    check_as_of(as_of)
    return await compute_and_store(county_id, as_of)


#: The earliest date indicators are computed for (every stored date is a row: no date of 1900).
EARLIEST = datetime.date(2000, 1, 1)


def check_as_of(as_of: datetime.date) -> None:
    """A date indicators may be computed and stored for: not in the future (in China), not before 2000."""
    today = datetime.datetime.now(CHINA).date()
    if not EARLIEST <= as_of <= today:
        raise ValidationFailed.on("as_of", Text("field.must-lie-from", first=str(EARLIEST), last=str(today)))


async def compute_and_store(county_id: uuid.UUID, as_of: datetime.date) -> StoredIndicators:
    """Compute the county's indicators as of ``as_of`` in its own transaction and store them."""
    async with tenant_transaction(county_id) as conn:
        computed = await indicator_mod.compute(conn, county_id, as_of)
        return await store_indicators(conn, county_id, as_of, model.encode(computed))


async def compute_own(access: Access, as_of: datetime.date) -> StoredIndicators:
    """A county (admin or platform) computes and stores its own indicators as of ``as_of``."""
    require_admin(access, "compute burden indicators")
    if access.tenant.kind != "county":
        raise ValidationFailed.on("tenant", Text("field.indicators-are-a-countys"))
    check_as_of(as_of)
    return await compute_and_store(access.tenant.id, as_of)


async def comparison(access: Access, names: list[str] | None, as_of: datetime.date | None) -> Comparison:
    """The provisions the duties of two or more of the given units (``taian``, ``taian:370902``;
    default: every unit overseen, :func:`core.oversight.units.overseen_units`) rest on, with
    the contrasts; each unit read under the oversight role, one statement per unit."""
    if names:
        if len(names) > MAX_COMPARED:
            raise ValidationFailed.on("counties", Text("field.too-many-counties", maximum=MAX_COMPARED))
        chosen = await units.parse(access, names, "counties")
    else:
        chosen = [u.unit for u in await units.overseen_units(access)]
    return compare_mod.compare([await _profile(access, name, as_of, "counties") for name in chosen])


async def _profile(
    access: Access, name: units.UnitName, as_of: datetime.date | None, field: str
) -> compare_mod.ProvisionProfile:
    """One unit's provision profile, read through its county's grant (404 without one)."""
    async with overseeing(access, name.slug) as overseen:
        district = await units.district(overseen.conn, overseen.id, name, field)
        return await compare_mod.provision_profile(overseen.conn, overseen.id, as_of, district)


async def contrasts(
    access: Access, county_level: str, township_level: str, as_of: datetime.date | None
) -> list[Contrast]:
    """Duties unit ``county_level`` leaves to the county level and ``township_level`` pushes to townships."""
    if county_level == township_level:
        raise ValidationFailed.on("township_level", Text("field.another-county"))
    first = (await units.parse(access, [county_level], "county_level"))[0]
    second = (await units.parse(access, [township_level], "township_level"))[0]
    units.check_apart([first, second], "township_level")
    profiles = [await _profile(access, first, as_of, "county_level")]
    profiles.append(await _profile(access, second, as_of, "township_level"))
    return compare_mod.contrasts_between(compare_mod.compare(profiles), str(first), str(second))


@dataclass(frozen=True)
class Report:
    content: bytes
    media_type: str
    filename: str


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def report(
    access: Access, county: str, as_of: datetime.date, fmt: str, compare_with: str | None = None
) -> Report:
    """The county's burden report as of ``as_of``: ``pdf`` (with charts) or ``xlsx``; with
    ``compare_with``, the contrasts between the two counties in both directions."""
    stored = await indicators(access, county, as_of)
    found: list[Contrast] = []
    if compare_with:
        found = await contrasts(access, county, compare_with, as_of) + await contrasts(
            access, compare_with, county, as_of
        )
    ind = model.decode(stored.body)
    if fmt == "pdf":
        content = await anyio.to_thread.run_sync(lambda: reports.render_pdf(ind, contrasts=found))
        return Report(content, PDF, f"{county}-{as_of}.pdf")
    content = await anyio.to_thread.run_sync(lambda: reports.render_workbook(ind, contrasts=found))
    return Report(content, XLSX, f"{county}-{as_of}.xlsx")
