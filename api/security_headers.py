"""Security headers on every response: API JSON, problems, files, portal, docs, GraphQL.

Every response gets ``X-Content-Type-Options: nosniff`` (a browser never second-guesses the
declared type: a text file stays text), ``Referrer-Policy: no-referrer`` (signed ``/files``
links and portal paths never leak to other sites), ``X-Frame-Options: DENY`` with CSP
``frame-ancestors 'none'`` (nothing of ours is framed), ``Cross-Origin-Opener-Policy`` and
``Cross-Origin-Resource-Policy: same-origin``, and a Content-Security-Policy chosen by path:

- the API and everything else: ``default-src 'none'`` — JSON is data, never a document;
- ``/files/…`` (downloads): ``default-src 'none'; sandbox`` — even a file a browser does
  render runs no script and has no origin;
- ``/portal/…``: only the portal's own inlined style and script, by hash
  (:mod:`api.portal.assets`);
- ``/docs`` (Redoc, Swagger UI) and ``/graphql`` (GraphiQL): these pages are litestar's and
  strawberry's, load their code from ``/docs/assets`` (vendored, :mod:`api.docs`) and start it
  with an inline script that embeds the whole schema, so their policy allows ``'self'`` and
  ``'unsafe-inline'`` — but no other origin at all (no CDN, ``connect-src 'self'``), no
  plugins, no framing. They show no tenant data of their own.

A handler may set its own ``Content-Security-Policy`` (or any of these headers); it is kept.
``Strict-Transport-Security`` is added when the public URL is https (TLS ends at a proxy, so
the request itself cannot tell).

Registered as a litestar ``before_send`` hook rather than as app middleware, because litestar
runs app middleware only for routed requests: a 404/405 for an unknown path would go out
without these headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from api.portal.assets import PORTAL_CSP

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:;"
    " style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:;"
    " connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)

_COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000")


def policy_for(path: str) -> str:
    """The Content-Security-Policy of a response to ``path``."""
    if path.startswith("/portal/") or path == "/portal":
        return PORTAL_CSP
    if path.startswith("/files/"):
        return FILE_CSP
    if path == "/docs" or path.startswith("/docs/") or path == "/graphql" or path.startswith("/graphql/"):
        return DOCS_CSP
    return API_CSP


def security_headers(public_base_url: str) -> Callable[[Any, Any], Awaitable[None]]:
    """The ``before_send`` hook adding the headers to each response start."""
    common = (*_COMMON, _HSTS) if public_base_url.startswith("https://") else _COMMON
    policies = {p: p.encode("latin-1") for p in {API_CSP, FILE_CSP, DOCS_CSP, PORTAL_CSP}}

    async def add_headers(message: Any, scope: Any) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers") or ())
        present = {name.lower() for name, _ in headers}
        headers.extend(h for h in common if h[0] not in present)
        if b"content-security-policy" not in present:
            headers.append((b"content-security-policy", policies[policy_for(scope.get("path", ""))]))
        message["headers"] = headers

    return add_headers
