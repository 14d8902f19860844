"""``/api/v1/tenants`` — tenants, their API keys and their audit trail."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.rest.params import TENANT_PATH, Cursor, Limit
from core.platform.pagination import Page
from core.security import audit
from core.security.access import Access, Principal, Role
from core.security.audit import AuditEventView
from core.security.tenancy import all_tenants, find_tenant_by_id
from tenants import keys
from tenants.keys import ApiKeyCreate, ApiKeyView, IssuedKey
from tenants.provisioning import TenantCreate, TenantView, create_tenant, tenant_view


class TenantController(Controller):
    path = "/api/v1/tenants"
    tags = ["tenants"]

    @get(operation_id="listTenants", summary="Tenants the key may see (all, for a platform key)")
    async def list(self, principal: NamedDependency[Principal]) -> list[TenantView]:
        if principal.role is Role.PLATFORM:
            return [tenant_view(t) for t in await all_tenants()]
        own = await find_tenant_by_id(principal.tenant_id) if principal.tenant_id else None
        return [tenant_view(own)] if own else []

    @post(operation_id="createTenant", summary="Provision a tenant (platform keys only)")
    async def create(self, principal: NamedDependency[Principal], data: JSONBody[TenantCreate]) -> Response[TenantView]:
        tenant = await create_tenant(principal, data)
        return Response(tenant_view(tenant), status_code=201)

    @get("/{tenant:str}", operation_id="getTenant", summary="One tenant")
    async def read(self, access: NamedDependency[Access]) -> TenantView:
        return tenant_view(access.tenant)


class ApiKeyController(Controller):
    path = f"{TENANT_PATH}/api-keys"
    tags = ["api keys"]

    @get(operation_id="listApiKeys", summary="The tenant's API keys (never their secrets)")
    async def list(
        self, access: NamedDependency[Access], limit: Limit = None, cursor: Cursor = None
    ) -> Page[ApiKeyView]:
        return await keys.list_keys(access, limit=limit, cursor=cursor)

    @post(operation_id="createApiKey", summary="Issue a key; the secret is in this response only")
    async def create(self, access: NamedDependency[Access], data: JSONBody[ApiKeyCreate]) -> Response[IssuedKey]:
        return Response(await keys.create_key(access, data), status_code=201)

    @post("/{key_id:uuid}/revoke", operation_id="revokeApiKey", summary="Revoke a key", status_code=200)
    async def revoke(self, access: NamedDependency[Access], key_id: FromPath[uuid.UUID]) -> ApiKeyView:
        return await keys.revoke_key(access, key_id)


class AuditController(Controller):
    path = f"{TENANT_PATH}/audit-events"
    tags = ["audit"]

    @get(operation_id="listAuditEvents", summary="The tenant's audit trail, newest first")
    async def list(
        self,
        access: NamedDependency[Access],
        entity: str | None = Parameter(default=None, description="e.g. jurisdiction, unit"),
        key: str | None = Parameter(default=None, description="the entity's code or id"),
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[AuditEventView]:
        return await audit.list_events(access, entity=entity, entity_key=key, limit=limit, cursor=cursor)
