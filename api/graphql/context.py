"""Per-request GraphQL context: the caller, its tenant accesses, and DataLoaders.

Loaders are built per request and per tenant — a module-level loader would cache across
requests and so across tenants. Each loader batch runs its own tenant transaction (one
connection cannot serve the concurrent resolvers GraphQL runs).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info

from api.auth import authenticate, request_id
from core.platform.errors import NotFound
from core.platform.settings import Settings
from core.security.access import Access, Principal
from tenants.access import open_access


class Context(BaseContext, kw_only=True):
    principal: Principal | None
    settings: Settings
    request_id: str | None = None
    #: The request's Accept-Language (people-facing answers speak it: core.platform.messages).
    accept_language: str | None = None
    accesses: dict[str, Access] = msgspec.field(default_factory=dict)
    loaders: dict[tuple[str, str], DataLoader[Any, Any]] = msgspec.field(default_factory=dict)

    async def access(self, slug: str) -> Access | None:
        """The caller's access to ``slug``, or None where it may not see that tenant."""
        if slug not in self.accesses:
            assert self.principal is not None
            try:
                self.accesses[slug] = await open_access(self.principal, slug, self.request_id)
            except NotFound:
                return None
        return self.accesses[slug]

    def loader(
        self,
        name: str,
        access: Access,
        load: Callable[[Access, list[Any]], Awaitable[dict[Any, Any]]],
        default: Any = None,
    ) -> DataLoader[Any, Any]:
        key = (name, access.tenant.slug)
        if key not in self.loaders:

            async def batch(keys: list[Any]) -> list[Any]:
                found = await load(access, list(keys))
                return [found.get(k, default) for k in keys]

            self.loaders[key] = DataLoader(load_fn=batch)
        return self.loaders[key]


#: What resolvers receive as ``info`` (here so that every type module can import it).
GqlInfo = Info[Context, None]


def context_getter(settings: Settings) -> Callable[[Request[Any, Any, Any]], Awaitable[Context]]:
    async def get_context(request: Request[Any, Any, Any]) -> Context:
        # The GraphiQL page itself needs no key; every query does.
        wants_ide = request.method == "GET" and "text/html" in request.headers.get("accept", "")
        principal = None if wants_ide else await authenticate(request)
        # The app's settings, as REST handlers read them (the same object unless a test swaps it).
        current = getattr(request.app.state, "settings", None) or settings
        return Context(
            principal=principal,
            settings=current,
            request_id=request_id(request),
            accept_language=request.headers.get("accept-language"),
        )

    return get_context
