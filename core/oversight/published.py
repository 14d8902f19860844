"""What an overseer reads of a county: its published township lists (in force on a date), its
published catalog versions and their items — through :func:`core.oversight.scope.overseeing`,
so the oversight role's policies and column grants apply (no drafts, no contacts)."""

from __future__ import annotations

import datetime

import msgspec

from core.oversight import access_queries as queries
from core.oversight.scope import overseeing
from core.platform.errors import NotFound
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.security.access import Access


class PublishedListSummary(msgspec.Struct):
    """A township's published list in force on the date asked."""

    township_code: str
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    published_at: datetime.datetime
    entries: int


class PublishedEntry(msgspec.Struct):
    """An entry of a published list, as an overseer sees it: who is responsible, not how to reach them."""

    item_code: str
    title: str
    kinds: list[str]
    origin: str
    responsible_office: str
    post: str
    justification: str


class PublishedList(msgspec.Struct):
    township_code: str
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    published_at: datetime.datetime
    entries: list[PublishedEntry]


class PublishedCatalogVersion(msgspec.Struct):
    number: int
    effective_date: datetime.date | None
    published_at: datetime.datetime
    content_hash: str


class PublishedItem(queries.CatalogItemRow, frozen=True):
    """An item of a published catalog version; ``citations`` are its legal bases as written."""


def _today() -> datetime.date:
    return datetime.date.today()


async def township_lists(access: Access, county: str, as_of: datetime.date | None = None) -> list[PublishedListSummary]:
    """Every township's list in force on ``as_of`` (today by default), in township-code order."""
    async with overseeing(access, county) as overseen:
        rows = await queries.lists_in_force(overseen.conn, overseen.id, as_of or _today())
    return [PublishedListSummary(**msgspec.structs.asdict(r)) for r in rows]


async def township_list(
    access: Access, county: str, township: str, as_of: datetime.date | None = None
) -> PublishedList:
    """A township's list in force on ``as_of`` (today by default); 404 if none was in force."""
    async with overseeing(access, county) as overseen:
        version = await queries.list_in_force(overseen.conn, overseen.id, township, as_of or _today())
        if version is None:
            raise NotFound(Text("not-found.no-list-in-force", township=township, day=str(as_of or _today())))
        rows = await queries.entries(overseen.conn, overseen.id, township, version.number, version.catalog_version)
    fields = msgspec.structs.asdict(version)
    del fields["entries"]
    return PublishedList(**fields, entries=[PublishedEntry(**msgspec.structs.asdict(r)) for r in rows])


async def catalog_versions(access: Access, county: str) -> list[PublishedCatalogVersion]:
    """The county's published catalog versions, newest first (a draft is never among them)."""
    async with overseeing(access, county) as overseen:
        rows = await queries.catalog_versions(overseen.conn, overseen.id)
    return [PublishedCatalogVersion(**msgspec.structs.asdict(r)) for r in rows]


async def catalog_items(
    access: Access, county: str, number: int, *, limit: int | None = None, cursor: str | None = None
) -> Page[PublishedItem]:
    """The items of published catalog version ``number``, in code order; 404 for a draft."""
    limit = check_limit(limit)
    after = decode_cursor(cursor, str)
    async with overseeing(access, county) as overseen:
        if await queries.catalog_version(overseen.conn, overseen.id, number) is None:
            raise NotFound(Text("not-found.no-published-catalog-version", number=number))
        rows = await queries.catalog_items(overseen.conn, overseen.id, number, after, limit + 1)
    items = [PublishedItem(**msgspec.structs.asdict(r)) for r in rows]
    return page_of(items, limit, lambda item: item.code)
