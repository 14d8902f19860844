"""Counties compared by the legal provisions their duties rest on.

Names differ between counties (“低保审批和动态管理”, “最低生活保障申请受理”); the law they cite
does not. The legal library is shared, so a citation resolved to a shared document's article
is the same key in every county: :func:`provision_profile` reads one county's duties by
(document, article) — in whatever row-level-security context lets the caller read that county —
and :func:`compare` (pure) lines the profiles up: every provision two or more counties' duties
rest on, and the contrasts, "duties county A leaves to the county level and county B pushes to
townships", with the items on both sides.

Granularity is the article: counties cite the same duty at the article or at one of its
paragraphs, and an article is what a reader checks. Citations of a county's own documents
(not shared) and unresolved ones are left out: they cannot match another county.

The units compared are counties in the sense of oversight (:mod:`core.oversight.units`): a
county tenant, or one district of a tenant that keeps the lists of several (泰安's 泰山区 and
岱岳区). Profiles, shared provisions and contrasts are keyed by the unit's name (``taian``,
``taian:370902``), not by the tenant: two districts of one tenant are two counties here.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

import asyncpg
import msgspec

from core.calls.reading import CHINA
from core.catalog.structure import structure_in
from core.legal.numerals import article_label
from core.legal.queries import SHARED_TENANT
from core.oversight import queries
from core.oversight.indicators import kinds_by_role
from core.oversight.queries import DistrictRow
from core.oversight.units import unit_name
from core.platform.errors import NotFound
from core.platform.messages import Text

#: Sides, from the county keeping the duty to the township doing it.
SIDES = ("county", "shared", "township")
SIDE_LABELS = {"county": "县级部门承担（收回或不下沉）", "shared": "部门牵头、乡镇配合", "township": "乡镇(街道)承担"}


class ProvisionItem(msgspec.Struct, frozen=True):
    code: str
    title: str
    role: str
    side: str
    townships: int


class ProvisionDuty(msgspec.Struct, frozen=True):
    """One county's items resting on one article; ``side``: the most township-ward of theirs."""

    document_id: uuid.UUID
    document_title: str
    article: int
    side: str
    items: list[ProvisionItem]

    @property
    def label(self) -> str:
        return f"《{self.document_title}》{article_label(self.article)}"


class ProvisionProfile(msgspec.Struct, frozen=True):
    """One unit's duties by provision: ``unit`` names it (``taian``, ``taian:370902``);
    ``county_name`` and ``division_code`` are the tenant's, or the district's for a district."""

    tenant_id: uuid.UUID
    unit: str
    county_name: str
    division_code: str
    as_of: datetime.date
    duties: list[ProvisionDuty]


class CountyDuty(msgspec.Struct, frozen=True):
    tenant_id: uuid.UUID
    unit: str
    county_name: str
    side: str
    items: list[ProvisionItem]


class SharedProvision(msgspec.Struct, frozen=True):
    """A provision the duties of two or more counties rest on."""

    document_id: uuid.UUID
    document_title: str
    article: int
    label: str
    counties: list[CountyDuty]

    @property
    def sides(self) -> set[str]:
        return {c.side for c in self.counties}


class Contrast(msgspec.Struct, frozen=True):
    """A duty (provision) some counties leave to the county level and others push to townships."""

    label: str
    document_id: uuid.UUID
    article: int
    county_level: list[CountyDuty]
    township_level: list[CountyDuty]


class Comparison(msgspec.Struct, frozen=True):
    """``counties``: the units' names (泰山区, 兰山区), ``units`` the same units as named in a
    request (``taian:370902``, ``lanshan``), in the order compared."""

    counties: list[str]
    units: list[str]
    shared: list[SharedProvision]
    contrasts: list[Contrast]


async def provision_profile(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    as_of: datetime.date | None = None,
    district: DistrictRow | None = None,
) -> ProvisionProfile:
    """The county's duties by the shared provisions they cite, from the catalog version in
    force at ``as_of`` (today in China when None) and its township lists in force then; with
    ``district`` (one of the tenant's, :func:`core.oversight.units.districts`), that district's
    duties: what its townships' lists hold, and the county-side items. One statement besides
    the tenant's row and structure, whole tenant or district alike."""
    county = await queries.county(conn, tenant_id)
    if county is None:
        raise NotFound(Text("not-found.no-tenant", tenant=str(tenant_id)))
    day = as_of or datetime.datetime.now(CHINA).date()
    roles = kinds_by_role(await structure_in(conn, tenant_id))
    code = district.code if district else None
    rows = await queries.provision_items(conn, tenant_id, day, roles, SHARED_TENANT, code)
    grouped: dict[tuple[uuid.UUID, int], list[queries.ProvisionItemRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.document_id, row.article)].append(row)
    duties = [
        ProvisionDuty(
            document_id=document_id,
            document_title=found[0].short_title or found[0].document_title,
            article=article,
            side=max((r.side for r in found), key=SIDES.index),
            items=[ProvisionItem(r.code, r.title, r.role, r.side, r.townships) for r in found],
        )
        for (document_id, article), found in grouped.items()
    ]
    if district is None:
        return ProvisionProfile(tenant_id, county.slug, county.name, county.division_code, day, duties)
    return ProvisionProfile(tenant_id, unit_name(county.slug, code), district.name, district.code, day, duties)


def compare(profiles: Iterable[ProvisionProfile]) -> Comparison:
    """The provisions two or more units' duties rest on (most units first, then by label), and
    among them the contrasts: some unit keeps every duty on it at the county level while another
    has it on the townships' side. Units are told apart by ``unit``: two districts of one
    tenant are two counties."""
    listed = list(profiles)
    by_provision: dict[tuple[uuid.UUID, int], list[tuple[ProvisionProfile, ProvisionDuty]]] = defaultdict(list)
    for profile in listed:
        for duty in profile.duties:
            by_provision[(duty.document_id, duty.article)].append((profile, duty))
    shared = [
        SharedProvision(
            document_id=document_id,
            document_title=held[0][1].document_title,
            article=article,
            label=held[0][1].label,
            counties=[CountyDuty(p.tenant_id, p.unit, p.county_name, d.side, d.items) for p, d in held],
        )
        for (document_id, article), held in by_provision.items()
        if len({p.unit for p, _ in held}) > 1
    ]
    shared.sort(key=lambda s: (-len(s.counties), s.label))
    contrasts = [
        Contrast(
            label=s.label,
            document_id=s.document_id,
            article=s.article,
            county_level=[c for c in s.counties if c.side == "county"],
            township_level=[c for c in s.counties if c.side == "township"],
        )
        for s in shared
        if {"county", "township"} <= s.sides
    ]
    return Comparison(
        counties=[p.county_name for p in listed], units=[p.unit for p in listed], shared=shared, contrasts=contrasts
    )


def contrasts_between(comparison: Comparison, county_level: str, township_level: str) -> list[Contrast]:
    """The report "duties county A leaves to the county level and county B pushes to townships"
    for one pair of units (A = ``county_level``, B = ``township_level``, by unit name)."""
    return [
        Contrast(
            label=c.label,
            document_id=c.document_id,
            article=c.article,
            county_level=[d for d in c.county_level if d.unit == county_level],
            township_level=[d for d in c.township_level if d.unit == township_level],
        )
        for c in comparison.contrasts
        if any(d.unit == county_level for d in c.county_level)
        and any(d.unit == township_level for d in c.township_level)
    ]
