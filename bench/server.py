"""The benchmark server: the real app plus two bare reference routes, served by uvicorn.

``python -m bench.server --port-file F`` binds 127.0.0.1 (port 0 = any free port), writes
the port to ``F`` and serves until SIGTERM. It expects ``QINGDAN_DATABASE_URL`` (and
``QINGDAN_DATA_DIR``) in the environment, so it never starts a database of its own.

Requests under ``/bench/`` go to a separate, bare :class:`~litestar.Litestar` app (no
middleware, no dependencies, no exception handlers); everything else goes to
:func:`api.app.create_app` unchanged. The product app never sees the bench routes.

- ``GET /bench/constant`` — a constant small JSON document: the framework's floor.
- ``GET /bench/raw/{tenant}/jurisdictions`` — the limit for listing jurisdictions: the
  same rows as ``GET /api/v1/tenants/{tenant}/jurisdictions`` (default page of 50),
  fetched by one statement on a raw asyncpg pool connected as the schema owner (no role
  switch, no transaction), encoded by msgspec into the same JSON shape.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Response, get
from litestar.types import ASGIApp, Receive, Scope, Send

from core.divisions import KINDS
from core.pagination import DEFAULT_LIMIT, encode_cursor
from core.settings import Settings, load_settings

BENCH_PREFIX = "/bench/"
RAW_SQL = (
    "SELECT code, name, kind, parent_code, attributes, version, created_at, updated_at"
    " FROM jurisdictions WHERE tenant_id = $1 ORDER BY code LIMIT $2"
)


class RawJurisdiction(msgspec.Struct):
    """Same fields, same order as :class:`core.jurisdictions.JurisdictionView`."""

    code: str
    name: str
    kind: str
    kind_label: str
    level: int
    parent_code: str | None
    attributes: msgspec.Raw  # the jsonb text as PostgreSQL sent it, not decoded
    version: int
    created_at: datetime
    updated_at: datetime


class RawPage(msgspec.Struct):
    items: list[RawJurisdiction]
    next_cursor: str | None = None


_encoder = msgspec.json.Encoder()
_CONSTANT = _encoder.encode({"status": "ok", "items": [], "next_cursor": None})


class RawLimit:
    """The raw asyncpg pool behind ``/bench/raw/…`` and its slug → tenant id cache."""

    def __init__(self, url: str, init: Callable[[asyncpg.Connection], Any] | None = None) -> None:
        self.url = url
        self.init = init
        self.pool: asyncpg.Pool | None = None
        self.tenants: dict[str, uuid.UUID | None] = {}

    async def open(self) -> None:
        # Same pool size as the product's (core.db.connect).
        self.pool = await asyncpg.create_pool(self.url, min_size=2, max_size=16, init=self.init)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def tenant_id(self, slug: str) -> uuid.UUID | None:
        if slug not in self.tenants:
            assert self.pool is not None
            self.tenants[slug] = await self.pool.fetchval(
                "SELECT id FROM tenants WHERE slug = $1", slug
            )
        return self.tenants[slug]

    async def page(self, slug: str) -> bytes | None:
        tenant_id = await self.tenant_id(slug)
        if tenant_id is None:
            return None
        assert self.pool is not None
        records = await self.pool.fetch(RAW_SQL, tenant_id, DEFAULT_LIMIT + 1)
        items = []
        for r in records:
            kind = KINDS[r["kind"]]
            items.append(
                RawJurisdiction(
                    code=r["code"],
                    name=r["name"],
                    kind=r["kind"],
                    kind_label=kind.label,
                    level=kind.level,
                    parent_code=r["parent_code"],
                    attributes=msgspec.Raw(r["attributes"].encode()),
                    version=r["version"],
                    created_at=r["created_at"],
                    updated_at=r["updated_at"],
                )
            )
        next_cursor = None
        if len(items) > DEFAULT_LIMIT:
            items = items[:DEFAULT_LIMIT]
            next_cursor = encode_cursor(items[-1].code)
        return _encoder.encode(RawPage(items=items, next_cursor=next_cursor))


def bare_app(raw: RawLimit) -> Litestar:
    """The reference routes, in an app of their own so that nothing else runs around them."""

    @get("/bench/constant", media_type="application/json", sync_to_thread=False)
    def constant() -> bytes:
        return _CONSTANT

    @get("/bench/raw/{tenant:str}/jurisdictions", media_type="application/json")
    async def raw_jurisdictions(tenant: str) -> Response[bytes]:
        body = await raw.page(tenant)
        if body is None:
            return Response(b'{"status":404}', status_code=404, media_type="application/json")
        return Response(body, media_type="application/json")

    return Litestar(route_handlers=[constant, raw_jurisdictions], debug=False, openapi_config=None)


def dispatch(product: ASGIApp, bare: ASGIApp) -> ASGIApp:
    """Send ``/bench/…`` to the bare app and everything else (and lifespan) to the product."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(BENCH_PREFIX):
            await bare(scope, receive, send)
        else:
            await product(scope, receive, send)

    return app


def build(
    settings: Settings,
    *,
    manage_database: bool = True,
    raw_init: Callable[[asyncpg.Connection], Any] | None = None,
) -> tuple[ASGIApp, RawLimit]:
    """The combined ASGI app. The raw pool opens and closes with the product's lifespan."""
    from api.app import create_app

    if not settings.database_url:
        raise SystemExit("bench.server needs QINGDAN_DATABASE_URL (the harness sets it)")
    raw = RawLimit(settings.database_url, init=raw_init)
    product = create_app(settings, manage_database=manage_database)
    product.on_startup.append(raw.open)
    product.on_shutdown.append(raw.close)
    return dispatch(product, bare_app(raw)), raw


def _loopback_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _exit_with_parent() -> None:
    """Stop (gracefully, via SIGTERM) when the harness that started us is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _have(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    p = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", type=Path, help="write the bound port here")
    p.add_argument("--exit-with-parent", action="store_true", help="stop when the parent exits")
    args = p.parse_args(argv)
    if args.exit_with_parent:
        _exit_with_parent()

    app, _ = build(load_settings())
    sock = _loopback_socket(args.port)
    config = uvicorn.Config(
        app,
        loop="uvloop" if _have("uvloop") else "asyncio",
        http="httptools" if _have("httptools") else "h11",
        lifespan="on",
        log_level="warning",
        access_log=False,
        workers=1,
    )
    server = uvicorn.Server(config)
    port = sock.getsockname()[1]
    if args.port_file:
        args.port_file.write_text(str(port))
    print(f"bench server on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
