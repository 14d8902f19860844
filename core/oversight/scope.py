"""An overseer's reads of a county: the grant is read, then the county is overseen, in one
transaction as the oversight role (docs/oversight.md).

:func:`overseeing` is the one way into a county's data for an overseer. It reads the live grant
under the role's own policy (an overseer sees only grants naming it), then sets
``qingdan.overseen`` to that county and ``qingdan.overseen_catalog`` to its last published
catalog version; the role's policies admit nothing else, and the role may not write. A county
without a live grant — never granted, revoked, or not a tenant at all — is one answer: 404.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import msgspec

from core.oversight import access_queries as queries
from core.oversight.access_queries import GrantRow
from core.oversight.grants import may_oversee
from core.platform.db import oversee, oversight_transaction
from core.platform.errors import NotFound, PermissionDenied
from core.platform.messages import Text
from core.security.access import Access
from core.security.tenancy import find_tenant


class CountyView(msgspec.Struct):
    """A county the overseer reads, and since when."""

    slug: str
    name: str
    division_code: str
    granted_at: datetime.datetime


def require_overseer(access: Access) -> None:
    if not may_oversee(access):
        raise PermissionDenied(
            Text("forbidden.not-overseer", tenant=access.tenant.slug, kind=access.tenant.kind, role=access.role.value)
        )


def no_county(slug: str) -> NotFound:
    return NotFound(Text("not-found.no-overseen-county", county=slug))


async def oversee_granted(conn: asyncpg.Connection, overseer: uuid.UUID) -> list[tuple[queries.CountyRow, GrantRow]]:
    """In an oversight transaction of ``overseer``: oversee every county whose grant is in
    force, and answer them (division-code order) with their grants."""
    grants = {g.tenant_id: g for g in await queries.live_grants(conn, overseer)}
    await oversee(conn, list(grants))
    return [(r, grants[r.id]) for r in await queries.counties(conn, list(grants))]


async def counties(access: Access) -> list[CountyView]:
    """The counties whose grant to this overseer is in force, in division-code order."""
    require_overseer(access)
    async with oversight_transaction(access.tenant.id) as conn:
        rows = await oversee_granted(conn, access.tenant.id)
    return [CountyView(r.slug, r.name, r.division_code, g.granted_at) for r, g in rows]


@dataclass(frozen=True)
class Overseen:
    """The open transaction reading one county (``id``), and the county as the overseer sees it."""

    conn: asyncpg.Connection
    id: uuid.UUID
    county: CountyView


@asynccontextmanager
async def overseeing(access: Access, county_slug: str) -> AsyncIterator[Overseen]:
    """A transaction reading ``county_slug`` as this overseer; 404 without a live grant."""
    require_overseer(access)
    county = await find_tenant(county_slug)
    if county is None:
        raise no_county(county_slug)
    async with oversight_transaction(access.tenant.id) as conn:
        grant = await queries.live_grant(conn, county.id, access.tenant.id)
        if grant is None:
            raise no_county(county_slug)
        await oversee(conn, [county.id])
        last_published = await conn.fetchval(queries.LAST_PUBLISHED_CATALOG, county.id)
        await oversee(conn, [county.id], last_published)
        yield Overseen(conn, county.id, CountyView(county.slug, county.name, county.division_code, grant.granted_at))


async def county(access: Access, county_slug: str) -> CountyView:
    async with overseeing(access, county_slug) as overseen:
        return overseen.county


async def granted_county_id(access: Access, county_slug: str) -> uuid.UUID:
    """The id of ``county_slug`` if its grant to this overseer is in force (else 404): for work
    that the county's own transaction does on the overseer's behalf (computing indicators)."""
    async with overseeing(access, county_slug) as overseen:
        return overseen.id
