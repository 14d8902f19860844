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
- ``GET /bench/raw/{tenant}/townships/{code}/list/published`` — the limit for reading a
  township's latest published list (``…/townships/{code}/list/published``): header and
  entries with their items, responsibilities and legal bases in one statement on the same
  raw pool; PostgreSQL aggregates each item's responsibilities and legal bases to JSON,
  which is passed through undecoded (``msgspec.Raw``); the rest is encoded by msgspec
  into the same JSON shape.
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
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Response, get
from litestar.types import ASGIApp, Receive, Scope, Send

from core.jurisdictions.divisions import KINDS
from core.platform.pagination import DEFAULT_LIMIT, encode_cursor
from core.platform.settings import Settings, load_settings

BENCH_PREFIX = "/bench/"
RAW_SQL = (
    "SELECT code, name, kind, parent_code, attributes, version, created_at, updated_at"
    " FROM jurisdictions WHERE tenant_id = $1 ORDER BY code LIMIT $2"
)


class RawJurisdiction(msgspec.Struct):
    """Same fields, same order as :class:`core.jurisdictions.tree.JurisdictionView`."""

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


# The latest published version of one township's list, and its entries joined to the
# items of that version's catalog, in one set-based statement written for this benchmark
# (not core's ITEM_SELECT): responsibilities and legal bases are aggregated per item with
# GROUP BY, and each distinct cited provision is looked up once, not once per citation.
RAW_LIST_SQL = """
WITH h AS (
  SELECT l.tenant_id, l.township_code, j.name AS township_name, l.revision, l.published_number,
         v.number, v.catalog_version, v.effective_date
    FROM township_lists l
    JOIN jurisdictions j ON j.tenant_id = l.tenant_id AND j.code = l.township_code
    JOIN LATERAL (SELECT number, catalog_version, effective_date FROM township_list_versions
                   WHERE tenant_id = l.tenant_id AND township_code = l.township_code
                   ORDER BY effective_date DESC, number DESC LIMIT 1) v ON true
   WHERE l.tenant_id = $1 AND l.township_code = $2
), e AS (
  SELECT e.*, h.catalog_version FROM h JOIN township_version_entries e
    ON e.tenant_id = h.tenant_id AND e.township_code = h.township_code AND e.number = h.number
), c AS (
  SELECT c.* FROM e JOIN item_citations c
    ON c.tenant_id = e.tenant_id AND c.version = e.catalog_version AND c.item_code = e.item_code
), k AS (
  SELECT DISTINCT document_tenant, document_id, article, coalesce(paragraph, 0) AS paragraph,
         coalesce(item, 0) AS item FROM c WHERE document_id IS NOT NULL
), p AS (
  SELECT k.*, d.title, x.label, x.text FROM k
    JOIN legal_documents d ON d.tenant_id = k.document_tenant AND d.id = k.document_id
    LEFT JOIN LATERAL (SELECT pv.label, pv.text FROM legal_versions lv JOIN provisions pv
                    ON pv.tenant_id = lv.tenant_id AND pv.version_id = lv.id
                 WHERE lv.tenant_id = k.document_tenant AND lv.document_id = k.document_id
                   AND pv.article = k.article AND pv.paragraph = k.paragraph AND pv.item = k.item
                 ORDER BY lv.version_date DESC LIMIT 1) x ON true
), lb AS (
  SELECT c.item_code, json_agg(json_build_object('raw', c.raw,
               'resolved', c.document_id IS NOT NULL AND c.problem IS NULL,
               'document_id', c.document_id, 'document_title', p.title, 'article', c.article,
               'paragraph', c.paragraph, 'item', c.item, 'label', p.label, 'text', NULL,
               'problem', c.problem) ORDER BY c.position) AS bases
    FROM c LEFT JOIN p ON p.document_tenant = c.document_tenant AND p.document_id = c.document_id
     AND p.article = c.article AND p.paragraph = coalesce(c.paragraph, 0) AND p.item = coalesce(c.item, 0)
   GROUP BY c.item_code
), rs AS (
  SELECT r.item_code, json_agg(json_build_object('party', r.party, 'role', r.role,
               'duty', r.duty, 'financial_share', r.financial_share) ORDER BY r.position) AS duties
    FROM e JOIN catalog_responsibilities r
      ON r.tenant_id = e.tenant_id AND r.version = e.catalog_version AND r.item_code = e.item_code
   GROUP BY r.item_code
)
SELECT h.township_code, h.township_name, h.revision, h.published_number, h.number, h.catalog_version, h.effective_date,
       i.code, i.version, i.title, i.level, i.kinds, i.township_scope, i.parent_code,
       i.category, i.item_kind, i.description, i.high_frequency, i.process, i.extra::text,
       i.recovery::text, i.status, i.withdrawn_reason, i.successor_code, i.content_hash,
       i.changed_in, i.revision AS item_revision,
       coalesce(rs.duties, '[]')::text AS responsibilities, coalesce(lb.bases, '[]')::text AS legal_bases,
       -- the cited provisions' texts, each once, on the first row only
       CASE WHEN row_number() OVER (ORDER BY i.code) = 1 THEN
         (SELECT coalesce(json_agg(json_build_object('document_id', p.document_id, 'article', p.article,
                   'paragraph', nullif(p.paragraph, 0), 'item', nullif(p.item, 0), 'label', p.label,
                   'text', p.text) ORDER BY p.document_id, p.article, p.paragraph, p.item), '[]')
            FROM p WHERE p.text IS NOT NULL)::text END AS provisions,
       e.origin, e.justification, e.responsible_office, e.post, e.contact, e.note
  FROM h LEFT JOIN e ON true
  LEFT JOIN catalog_items i ON i.tenant_id = $1 AND i.version = h.catalog_version AND i.code = e.item_code
  LEFT JOIN rs ON rs.item_code = e.item_code
  LEFT JOIN lb ON lb.item_code = e.item_code
 ORDER BY i.code
"""


class RawItem(msgspec.Struct):
    """Same fields, same order as :class:`core.catalog.reading.ItemView`; JSON columns passed through."""

    code: str
    version: int
    title: str
    level: str
    kinds: list[str]
    township_scope: str
    parent_code: str | None
    category: str | None
    item_kind: str | None
    description: str
    high_frequency: bool
    process: str
    extra: msgspec.Raw
    recovery: msgspec.Raw | None
    status: str
    withdrawn_reason: str | None
    successor_code: str | None
    content_hash: str
    changed_in: int
    revision: int
    responsibilities: msgspec.Raw
    legal_bases: msgspec.Raw


class RawEntry(msgspec.Struct):
    """Same fields as :class:`core.lists.service.Entry`."""

    item: RawItem
    origin: str
    justification: str
    responsible_office: str
    post: str
    contact: str
    note: str
    state: str = "active"
    change_note: str = ""
    review_comment: str = ""


class RawTownshipList(msgspec.Struct):
    """Same fields as :class:`core.lists.service.TownshipList`."""

    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    review_note: str
    version: int | None
    effective_date: date | None
    entries: list[RawEntry]
    counts: dict[str, int]
    provisions: msgspec.Raw


def _raw_json(text: str | None) -> msgspec.Raw | None:
    return None if text is None else msgspec.Raw(text.encode())


class RawLimit:
    """The raw asyncpg pool behind ``/bench/raw/…`` and its slug → tenant id cache."""

    def __init__(self, url: str, init: Callable[[asyncpg.Connection], Any] | None = None) -> None:
        self.url = url
        self.init = init
        self.pool: asyncpg.Pool | None = None
        self.tenants: dict[str, uuid.UUID | None] = {}

    async def open(self) -> None:
        # Same pool size as the product's (core.platform.db.connect).
        self.pool = await asyncpg.create_pool(self.url, min_size=2, max_size=16, init=self.init)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    async def tenant_id(self, slug: str) -> uuid.UUID | None:
        if slug not in self.tenants:
            assert self.pool is not None
            self.tenants[slug] = await self.pool.fetchval("SELECT id FROM tenants WHERE slug = $1", slug)
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

    async def published_list(self, slug: str, township: str) -> bytes | None:
        """The latest published list of ``township`` as JSON; None when there is none."""
        tenant_id = await self.tenant_id(slug)
        if tenant_id is None:
            return None
        assert self.pool is not None
        records = await self.pool.fetch(RAW_LIST_SQL, tenant_id, township)
        if not records:
            return None
        entries = []
        counts: dict[str, int] = {"total": 0}
        for r in records:
            if r["code"] is None:  # a published version without entries
                continue
            kinds = r["kinds"]
            counts["total"] += 1
            for kind in kinds:
                counts[kind] = counts.get(kind, 0) + 1
            item = RawItem(
                code=r["code"],
                version=r["version"],
                title=r["title"],
                level=r["level"],
                kinds=kinds,
                township_scope=r["township_scope"],
                parent_code=r["parent_code"],
                category=r["category"],
                item_kind=r["item_kind"],
                description=r["description"],
                high_frequency=r["high_frequency"],
                process=r["process"],
                extra=msgspec.Raw(r["extra"].encode()),
                recovery=_raw_json(r["recovery"]),
                status=r["status"],
                withdrawn_reason=r["withdrawn_reason"],
                successor_code=r["successor_code"],
                content_hash=r["content_hash"],
                changed_in=r["changed_in"],
                revision=r["item_revision"],
                responsibilities=msgspec.Raw(r["responsibilities"].encode()),
                legal_bases=msgspec.Raw(r["legal_bases"].encode()),
            )
            entries.append(
                RawEntry(
                    item=item,
                    origin=r["origin"],
                    justification=r["justification"],
                    responsible_office=r["responsible_office"],
                    post=r["post"],
                    contact=r["contact"],
                    note=r["note"],
                )
            )
        h = records[0]
        return _encoder.encode(
            RawTownshipList(
                township_code=h["township_code"],
                township_name=h["township_name"],
                status="published",
                catalog_version=h["catalog_version"],
                revision=h["revision"],
                published_number=h["published_number"],
                review_note="",
                version=h["number"],
                effective_date=h["effective_date"],
                entries=entries,
                counts=counts,
                provisions=_raw_json(h["provisions"]) or msgspec.Raw(b"[]"),
            )
        )


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

    @get("/bench/raw/{tenant:str}/townships/{township:str}/list/published", media_type="application/json")
    async def raw_published_list(tenant: str, township: str) -> Response[bytes]:
        body = await raw.published_list(tenant, township)
        if body is None:
            return Response(b'{"status":404}', status_code=404, media_type="application/json")
        return Response(body, media_type="application/json")

    return Litestar(
        route_handlers=[constant, raw_jurisdictions, raw_published_list],
        debug=False,
        openapi_config=None,
    )


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
