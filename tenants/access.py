"""From a credential and a tenant slug to an :class:`~core.security.access.Access`."""

from __future__ import annotations

from core.platform.errors import NotFound
from core.platform.messages import Text
from core.security.access import Access, Principal, Role
from core.security.tenancy import find_tenant


async def open_access(principal: Principal, slug: str, request_id: str | None = None) -> Access:
    """The caller's access to tenant ``slug``.

    Another tenant's slug answers exactly like a slug that does not exist (404), so a
    credential never learns which other tenants there are.
    """
    tenant = await find_tenant(slug)
    if tenant is None or (principal.role is not Role.PLATFORM and tenant.id != principal.tenant_id):
        raise NotFound(Text("not-found.no-tenant", tenant=slug))
    return Access(tenant=tenant, principal=principal, request_id=request_id)
