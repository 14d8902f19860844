"""What the public portal shows: published township lists and their item pages.

The portal has no login. A request names the tenant by its slug; the portal then reads as
a reader of that tenant (:func:`portal_access`), inside the ordinary tenant transaction, so
row-level security applies exactly as for an API reader. Only published township-list
versions are read — a township without one answers 404 — and published versions are
immutable, which is what makes the pages cacheable.

The item page (what a handbook's QR code opens) is read in one transaction with one
statement whatever the item: the version and entry with the item, its parent chain and
children on the list, the same item in the other townships, and the names and contacts of
the units it names.

Pages are built at most once per **content generation** (:mod:`core.platform.generations`) in each
process: :func:`cached` reads the tenant's generation (one indexed statement) and hands back
what was built at that generation, or builds it anew. Every
table a page shows is watched by the generation's triggers (jurisdictions, units, the list
structure, catalog and township-list versions, the legal library); the rows of a published
catalog or list version are immutable and written in the same transaction as their version.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any, TypeVar

import asyncpg
import msgspec

from core.catalog.reading import ItemView
from core.catalog.structure import NATIONAL, extra_text, from_document
from core.jurisdictions.counterparts import as_answering
from core.lists.service import TownshipList, get_published_list
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound
from core.platform.generations import Cache, current
from core.platform.messages import Text
from core.platform.piccolo_conf import DB
from core.plugin_api.types import ExtraField, ListStructure
from core.publication import queries
from core.publication.footer import PortalFooter, get_footer
from core.security.access import Access, Principal, Role
from core.security.tenancy import find_tenant


async def portal_access(slug: str) -> Access:
    """A reader's access to tenant ``slug``, for the public portal; 404 for an unknown slug."""
    tenant = await find_tenant(slug)
    if tenant is None:
        raise NotFound(Text("not-found.no-portal", slug=slug))
    principal = Principal(key_id=None, role=Role.READER, tenant_id=tenant.id, name="portal")
    return Access(tenant=tenant, principal=principal)


# --- pages built once per content generation ------------------------------------------------

V = TypeVar("V")

#: What :func:`cached` keeps, per process (rendered pages: about 12 KB per item page).
#: ``QINGDAN_CACHE_PAGES`` sets the size (api.app); 0 turns caching off.
page_cache: Cache[Any] = Cache(2000)


async def cached(access: Access, key: tuple[Any, ...], build: Callable[[], Awaitable[V]]) -> V:
    """``build()``'s value for ``key`` of this tenant, built at most once per content generation.

    The generation is read first, and a value is stored under the generation read *before* it
    was built, so a change committed meanwhile can only make the next reader build again, never
    serve older data as current. The key starts with the tenant (id, slug and name — a renamed
    tenant's pages show the new name): one tenant's value is never handed to another. A build
    that raises (404) stores nothing.

    The generation is read with one statement on a pooled connection, as the platform reads
    the tenant record (:func:`core.security.tenancy.find_tenant`) — not in a tenant transaction, whose
    BEGIN and COMMIT would triple the round trips of a cached page (bench.portal: 1.6–2.3× the
    throughput this way). It is a counter, not tenant data; the values themselves are always
    built in the tenant's own transaction under row-level security. Should the schema owner's
    maintenance policy not apply to the connection's role, the read sees no row and yields 0:
    then nothing is cached, which is slow but never stale.
    """
    tenant = access.tenant
    full = (tenant.id, tenant.slug, tenant.name, *key)
    pool = DB.pool
    assert pool is not None, "the pool is opened at startup (core.platform.db.connect), before any request"
    generation = await current(pool, tenant.id)
    if not generation:  # no generation readable (see above): build, keep nothing
        return await build()
    found = page_cache.get(full, generation)
    if found is not None:
        return found
    return page_cache.put(full, generation, await build())


async def footer(access: Access) -> PortalFooter:
    """The tenant's portal footer, read once per content generation (the footer table is watched)."""
    return await cached(access, ("footer",), lambda: get_footer(access))


class Labels(msgspec.Struct):
    """Chinese labels of a tenant's codes (list kinds, levels, categories, item kinds, extra fields)."""

    kinds: dict[str, str]
    section_kinds: list[str]
    levels: dict[str, str]
    depths: dict[str, int]
    categories: dict[str, str]
    item_kinds: dict[str, str]
    extra_fields: dict[str, str]
    fields: tuple[ExtraField, ...] = ()

    def extra_rows(self, extra: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(field label, value as people read it) of an item's filled-in plugin fields, in the
        structure's order; a field the structure no longer has shows under its name."""
        known = {f.name: f for f in self.fields}
        rows = []
        for name, value in sorted(
            extra.items(), key=lambda kv: list(known).index(kv[0]) if kv[0] in known else 1 << 30
        ):
            if name in skip or value in (None, "", []):
                continue
            field = known.get(name) or ExtraField(name, name)
            rows.append((field.label, extra_text(field, value)))
        return rows


def labels_of(structure: ListStructure) -> Labels:
    return Labels(
        kinds={k.code: k.label for k in structure.kinds},
        section_kinds=[k.code for k in structure.kinds if k.section],
        levels={lv.code: lv.label for lv in structure.levels},
        depths={lv.code: lv.depth for lv in structure.levels},
        categories={c.code: c.label for c in structure.categories},
        item_kinds={c.code: c.label for c in structure.item_kinds},
        extra_fields={f.name: f.label for f in structure.extra_fields},
        fields=structure.extra_fields,
    )


@lru_cache(maxsize=256)
def _labels_from_text(document: str) -> Labels:
    return labels_of(from_document(msgspec.json.decode(document)))


_NATIONAL_LABELS = labels_of(NATIONAL)


async def _labels(conn: asyncpg.Connection, access: Access) -> Labels:
    document = await queries.structure_text(conn, access.tenant.id)
    return _labels_from_text(document) if document else _NATIONAL_LABELS


# --- the tenant's townships ------------------------------------------------------------------


class PublishedTownship(msgspec.Struct):
    code: str
    name: str
    kind: str
    version: int
    effective_date: datetime.date
    entry_count: int


class PortalHome(msgspec.Struct):
    tenant_name: str
    townships: list[PublishedTownship]
    labels: Labels


async def home(access: Access) -> PortalHome:
    """The townships whose lists are published, with their latest version."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.published_townships(conn, access.tenant.id)
        labels = await _labels(conn, access)
    return PortalHome(
        tenant_name=access.tenant.name,
        townships=[PublishedTownship(*msgspec.structs.astuple(r)) for r in records],
        labels=labels,
    )


# --- one township's list ---------------------------------------------------------------------


class TownshipPage(msgspec.Struct):
    listing: TownshipList
    labels: Labels


async def township(access: Access, township_code: str) -> TownshipPage:
    """A township's latest published list; 404 when it has none."""
    listing = await get_published_list(access, township_code)
    async with tenant_transaction(access.tenant.id) as conn:
        labels = await _labels(conn, access)
    return TownshipPage(listing=listing, labels=labels)


# --- the item page ---------------------------------------------------------------------------


class Ancestor(msgspec.Struct):
    code: str
    title: str
    level: str
    on_list: bool


class OtherTownship(msgspec.Struct):
    code: str
    name: str
    responsible_office: str
    post: str
    contact: str


class UnitInfo(msgspec.Struct):
    code: str
    name: str
    kind: str
    contacts: list[dict[str, str]]


class ItemPage(msgspec.Struct):
    tenant_name: str
    township_code: str
    township_name: str
    version: int
    effective_date: datetime.date
    item: ItemView
    origin: str
    responsible_office: str
    post: str
    contact: str
    note: str
    ancestors: list[Ancestor]  # top first
    children: list[Ancestor]  # direct children on this township's list
    others: list[OtherTownship]
    units: dict[str, UnitInfo]
    labels: Labels


_FAMILY_DECODER = msgspec.json.Decoder(list[dict[str, Any]])


class _UnitRow(msgspec.Struct):
    code: str
    name: str
    kind: str
    contacts: list[dict[str, str]]
    version: int
    counterpart_of: str | None = None  # the named department this one answers for in the township's district


_UNITS_DECODER = msgspec.json.Decoder(list[_UnitRow])
_OTHERS_DECODER = msgspec.json.Decoder(list[dict[str, Any]])
_ITEM_DECODER = msgspec.json.Decoder(ItemView)


async def item_page(access: Access, township_code: str, code: str) -> ItemPage:
    """Everything the item page shows, from the township's latest published list (one statement)."""
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.item_page(conn, access.tenant.id, township_code, code)
    if row is None:
        raise NotFound(Text("not-found.township-has-no-published-3", township_code=township_code))
    if row.entry is None or row.item is None:
        raise NotFound(
            Text("not-found.not-published-list", code=code, name=row.name), extra={"township_name": row.name}
        )
    entry = msgspec.json.decode(row.entry)
    family = _FAMILY_DECODER.decode(row.family) if row.family else []
    others = _OTHERS_DECODER.decode(row.others) if row.others else []
    units = _UNITS_DECODER.decode(row.units) if row.units else []
    labels = _labels_from_text(row.structure) if row.structure else _NATIONAL_LABELS
    # a township reads the item with its district's departments (first by code, as in core.lists)
    counterparts = {u.counterpart_of: u.code for u in reversed(units) if u.counterpart_of is not None}
    item = as_answering(_ITEM_DECODER.decode(row.item), counterparts)
    answering = {r.party for r in item.responsibilities} | ({item.recovery.receiving_unit} if item.recovery else set())
    return ItemPage(
        tenant_name=access.tenant.name,
        township_code=township_code,
        township_name=row.name,
        version=row.number,
        effective_date=row.effective_date,
        item=item,
        origin=entry["origin"],
        responsible_office=entry["responsible_office"],
        post=entry["post"],
        contact=entry["contact"],
        note=entry["note"],
        ancestors=[Ancestor(f["code"], f["title"], f["level"], f["on_list"]) for f in family if f["rel"] == "up"],
        children=[Ancestor(f["code"], f["title"], f["level"], f["on_list"]) for f in family if f["rel"] == "down"],
        others=[OtherTownship(o["code"], o["name"], o["responsible_office"], o["post"], o["contact"]) for o in others],
        units={u.code: UnitInfo(u.code, u.name, u.kind, u.contacts) for u in units if u.code in answering},
        labels=labels,
    )


# --- the legal documents the portal may show -------------------------------------------------


async def cited_documents(access: Access) -> frozenset[uuid.UUID]:
    """The legal documents published list content cites: the only ones the portal shows.

    Kept per content generation like the pages (publishing a list, a catalog version or a
    change to the legal library moves it), so the check costs a cached law page nothing more
    than the generation read it already makes.
    """

    async def build() -> frozenset[uuid.UUID]:
        async with tenant_transaction(access.tenant.id) as conn:
            return frozenset(await queries.cited_documents(conn, access.tenant.id))

    return await cached(access, ("cited-documents",), build)


async def require_cited(access: Access, document_id: uuid.UUID) -> None:
    """404 — worded as for a missing document — unless published list content cites it."""
    if document_id not in await cited_documents(access):
        raise NotFound(Text("not-found.no-legal-document", document_id=document_id))


def etag_for(body: bytes) -> str:
    """A strong ETag of a page's bytes: any change of what it shows changes it."""
    return f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
