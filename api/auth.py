"""Credentials: ``Authorization: Bearer <API key>`` → principal → access to a tenant."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.params import FromPath

from api.limits import mark_authenticated
from core.security.access import Access, Principal
from tenants.access import open_access
from tenants.keys import resolve


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def request_id(request: Request[Any, Any, Any]) -> str | None:
    return request.scope.get("state", {}).get("request_id")


async def authenticate(request: Request[Any, Any, Any]) -> Principal:
    """The request's principal (401 without a valid key); marks the request as authenticated
    for the rate limits (api/limits.py)."""
    principal = await resolve(bearer_token(request))
    mark_authenticated(request.scope)
    return principal


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return await authenticate(request)


async def provide_access(request: Request[Any, Any, Any], tenant: FromPath[str]) -> Access:
    principal = await authenticate(request)
    return await open_access(principal, tenant, request_id(request))


DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "access": Provide(provide_access),
}
