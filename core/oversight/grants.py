"""Grants: a county lets a city or province tenant read its published lists, catalogs and
indicators (docs/oversight.md).

A grant is made and revoked by the county's admin or by the platform, never by the overseer;
each change is an event in the county's audit trail. A revoked grant is kept (``revoked_at``)
and may be granted again. Overseers read through :mod:`core.oversight.scope`, which reads the
grant on every request: a revocation takes effect on the next one.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import msgspec

from core.oversight import access_queries as queries
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import Checked
from core.platform.messages import Text
from core.security import audit
from core.security.access import Access, Role, Tenant
from core.security.permissions import require_admin
from core.security.tenancy import find_tenant, find_tenant_by_id

#: Tenant kinds that oversee counties (tenants.kind).
OVERSEER_KINDS = ("city", "province")
AUDIT_ENTITY = "oversight_grant"
OVERSEER_SLUG = msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,62}$", examples=["shandong"])


class GrantCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Whom to grant read access to: a city or province tenant, by slug."""

    overseer: Annotated[str, OVERSEER_SLUG]


class GrantView(msgspec.Struct):
    """A county's grant to an overseer; ``active`` until revoked."""

    overseer: str
    overseer_name: str
    overseer_kind: str
    granted_by: str
    granted_at: datetime.datetime
    revoked_at: datetime.datetime | None
    active: bool


def _view(row: queries.GrantRow, overseer: Tenant) -> GrantView:
    return GrantView(
        overseer=overseer.slug,
        overseer_name=overseer.name,
        overseer_kind=overseer.kind,
        granted_by=row.granted_by,
        granted_at=row.granted_at,
        revoked_at=row.revoked_at,
        active=row.revoked_at is None,
    )


def _audited(row: queries.GrantRow) -> dict[str, str | None]:
    return {
        "granted_by": row.granted_by,
        "granted_at": row.granted_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
    }


def _require_county(access: Access, action: str) -> None:
    require_admin(access, action)
    if access.tenant.kind != "county":
        raise PermissionDenied(Text("forbidden.county-grants-only", tenant=access.tenant.slug, kind=access.tenant.kind))


async def _overseer(slug: str) -> Tenant:
    """The city or province tenant ``slug``; any other answer is the same message (a county's
    admin learns no more about other tenants than that this slug oversees nothing)."""
    tenant = await find_tenant(slug)
    if tenant is None or tenant.kind not in OVERSEER_KINDS:
        raise ValidationFailed.on("overseer", Text("field.no-overseer", slug=slug))
    return tenant


def _actor(access: Access) -> str:
    """Who granted, as the audit trail names keys: the role and the key's name."""
    name = access.principal.name
    return f"{access.role.value}:{name}" if name else access.role.value


async def grant(access: Access, data: GrantCreate) -> GrantView:
    """Grant ``data.overseer`` read access to this county (again, if it was revoked); an active
    grant is answered as it is."""
    _require_county(access, "grant oversight")
    overseer = await _overseer(data.overseer)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await conn.fetchrow(queries.GRANT, access.tenant.id, overseer.id, _actor(access))
        if row is None:  # already active
            current = await queries.grant_of(conn, access.tenant.id, overseer.id)
            assert current is not None, "the conflicting grant exists"
            return _view(current, overseer)
        granted = queries.GrantRow(**row)
        await audit.record(access, AUDIT_ENTITY, overseer.slug, "grant", None, _audited(granted))
    return _view(granted, overseer)


async def revoke(access: Access, overseer_slug: str) -> GrantView:
    """Revoke an active grant; the overseer's next request no longer sees the county."""
    _require_county(access, "revoke oversight")
    overseer = await find_tenant(overseer_slug)
    if overseer is None:
        raise NotFound(Text("not-found.no-active-grant", overseer=overseer_slug))
    async with tenant_transaction(access.tenant.id) as conn:
        before = await queries.grant_of(conn, access.tenant.id, overseer.id)
        now = datetime.datetime.now(datetime.UTC)
        row = await conn.fetchrow(queries.REVOKE, access.tenant.id, overseer.id, now)
        if row is None or before is None:
            raise NotFound(Text("not-found.no-active-grant", overseer=overseer_slug))
        revoked = queries.GrantRow(**row)
        await audit.record(access, AUDIT_ENTITY, overseer.slug, "revoke", _audited(before), _audited(revoked))
    return _view(revoked, overseer)


async def list_grants(access: Access) -> list[GrantView]:
    """The county's grants, revoked ones included, newest first."""
    _require_county(access, "read oversight grants")
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.county_grants(conn, access.tenant.id)
    views = []
    for row in rows:
        overseer = await find_tenant_by_id(row.overseer_id)
        if overseer is not None:
            views.append(_view(row, overseer))
    return views


def may_oversee(access: Access) -> bool:
    """Whether the caller reads counties as an overseer: a city or province tenant's admin or
    reader key, or a platform key."""
    return access.tenant.kind in OVERSEER_KINDS and access.role in (Role.ADMIN, Role.READER, Role.PLATFORM)
