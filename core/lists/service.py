"""Township lists ("一街一单"): claimed from the catalog, reviewed, filed and published.

A township's working copy holds its entries: items that apply to every township
(automatic) and items it claimed with a justification, each with local details (responsible
office, post, contact). Lifecycle: draft → submitted → returned (with per-entry comments)
or filed (审核备案) → published. Publishing snapshots the working copy as an immutable,
numbered version; any two versions can be diffed and the list read as of a date.

When the catalog publishes a new version the working copies follow it (see
:func:`follow_catalog`): withdrawn items leave with their reason shown, changed claimed items
wait for the township to re-confirm, and nothing a township entered locally is lost.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from functools import partial
from typing import Annotated, Any

import asyncpg
import msgspec

from core.catalog.editing import register_follower
from core.catalog.reading import CitedProvision, ItemView, decode_provisions, item_views_of
from core.events import service as events
from core.jurisdictions.counterparts import as_answering, counterparts_in
from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.lists import item_views, queries
from core.lists.queries import ListRow
from core.platform import generations
from core.platform.db import later, tenant_transaction
from core.platform.errors import Conflict, NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked, check_day, stored_number
from core.platform.messages import Text, label
from core.platform.versioning import Expected, check_version
from core.publication import bodies as published_bodies
from core.publication import renderings
from core.security import audit
from core.security.access import Access, Role
from core.security.idempotency import fingerprint, once
from core.security.permissions import deny, require_admin, said

Local = Annotated[str, msgspec.Meta(max_length=500), NAME]


class Claim(msgspec.Struct, forbid_unknown_fields=True):
    """Claim a differentiated item. Claiming again an item the township withdrew brings back
    the local details (office, post, contact, note) it had then; the justification is this one."""

    item_code: str
    justification: Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]


Justification = Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]


class EntryUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Local details of an entry; ``justification`` only on a claimed one (认领理由)."""

    responsible_office: Local | msgspec.UnsetType = msgspec.UNSET
    post: Local | msgspec.UnsetType = msgspec.UNSET
    contact: Local | msgspec.UnsetType = msgspec.UNSET
    note: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    justification: Justification | msgspec.UnsetType = msgspec.UNSET
    confirm: bool = False
    revision: int | msgspec.UnsetType = msgspec.UNSET


class EntryComment(msgspec.Struct, forbid_unknown_fields=True):
    item_code: str
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ReturnRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    comments: list[EntryComment] = []
    revision: int | msgspec.UnsetType = msgspec.UNSET


class ListPublish(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date
    revision: int | msgspec.UnsetType = msgspec.UNSET


class Entry(msgspec.Struct, gc=False):
    item: ItemView
    origin: str
    justification: str
    responsible_office: str
    post: str
    contact: str
    note: str
    state: str = "active"
    change_note: str = ""
    review_comment: str = ""


class TownshipList(msgspec.Struct):
    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    review_note: str
    version: int | None
    effective_date: datetime.date | None
    entries: list[Entry]
    counts: dict[str, int]
    provisions: list[CitedProvision]  # the cited provisions' texts, each once


class ListVersion(msgspec.Struct):
    number: int
    catalog_version: int
    published_at: datetime.datetime
    effective_date: datetime.date
    content_hash: str
    entry_count: int


class FieldChange(msgspec.Struct):
    field: str
    before: Any
    after: Any


class EntryChange(msgspec.Struct):
    item_code: str
    title: str
    changes: list[FieldChange]


class ListDiff(msgspec.Struct):
    township_code: str
    from_version: int
    to_version: int
    added: list[str]
    removed: list[str]
    changed: list[EntryChange]


class Claimant(msgspec.Struct):
    township_code: str
    township_name: str
    justification: str
    state: str
    claimed_at: datetime.datetime | None


LOCAL_FIELDS = ("origin", "justification", "responsible_office", "post", "contact", "note")


# --- access rules --------------------------------------------------------------------------


def _require_township_editor(access: Access, township: str, action: str) -> None:
    if access.is_admin:
        return
    if access.role is Role.TOWNSHIP and access.principal.scope_code == township:
        return
    raise deny(access, Text("action.for-township", action=said(action), township=township))


async def _list_row(conn: asyncpg.Connection, access: Access, township: str, *, lock: bool = False) -> ListRow:
    row = await queries.list_row(conn, access.tenant.id, township, lock=lock)
    if row is None:
        kind = await queries.jurisdiction_kind(conn, access.tenant.id, township)
        if kind is None or KINDS[kind].level != TOWNSHIP_LEVEL:
            raise NotFound(Text("not-found.no-township", township=township))
        raise NotFound(Text("not-found.township-has-no-list", township=township))
    return row


async def _touch(conn: asyncpg.Connection, access: Access, township: str, *, to_draft: bool = True) -> None:
    """Every edit of the working copy bumps its revision; a published list becomes a draft."""
    await conn.execute(queries.TOUCH, access.tenant.id, township, to_draft)


def _editable(row: ListRow) -> None:
    if row.status == "submitted":
        raise Conflict(Text("conflict.list-submitted-review-wait", township_code=row.township_code))


# --- following the catalog -----------------------------------------------------------------


async def follow_catalog(conn: asyncpg.Connection, access: Access, version: int) -> int:
    """Bring every township's working copy to catalog ``version`` (in bulk, in the caller's
    transaction). Returns the number of lists that changed.

    One statement; its parts touch disjoint rows (PostgreSQL forbids changing a row twice
    in one statement): active entries are removed, flagged or annotated, removed ones revived,
    missing ones added.
    """
    tid = access.tenant.id
    note = f"参考目录第{version}版"
    await conn.execute(queries.CREATE_LISTS, tid, version, [k for k, v in KINDS.items() if v.level == TOWNSHIP_LEVEL])
    codes = await queries.follow(conn, tid, version, note)
    await conn.execute(queries.MOVE_LISTS, tid, version, codes)
    return len(codes)


# --- reading -------------------------------------------------------------------------------


_ENTRY_FIELDS = Entry.__struct_fields__[1:]  # after the item: the record's columns of the same names


def _entries(records: list[asyncpg.Record], views: list[ItemView], counterparts: dict[str, str]) -> list[Entry]:
    """Entries from whole-list records (:func:`core.lists.queries.working_entries`) and their
    item views: records, not Structs, on the hottest read (see :mod:`core.lists.queries`). Items
    name the departments answering in the township (``counterparts``,
    :mod:`core.jurisdictions.counterparts`); the views themselves stay the catalog's, which is
    what :mod:`core.lists.item_views` keeps for every township of the catalog version."""
    if not records:
        return []
    at = {name: i for i, name in enumerate(records[0].keys())}  # positions, as item_views_of finds them
    origin, justification, office, post, contact, note, state, change_note, comment = (at[n] for n in _ENTRY_FIELDS)
    return [
        Entry(
            as_answering(view, counterparts),
            r[origin],
            r[justification],
            r[office],
            r[post],
            r[contact],
            r[note],
            r[state],
            r[change_note],
            r[comment],
        )
        for r, view in zip(records, views, strict=True)
    ]


def _counts(entries: list[Entry]) -> dict[str, int]:
    counts: dict[str, int] = {"total": 0}
    for e in entries:
        if e.state == "removed":
            continue
        counts["total"] += 1
        for kind in e.item.kinds:
            counts[kind] = counts.get(kind, 0) + 1
    return counts


async def get_working_list(access: Access, township: str) -> TownshipList:
    """The working copy: for the county admin and the township itself."""
    if not access.is_admin and not (access.role is Role.TOWNSHIP and access.principal.scope_code == township):
        raise deny(access, Text("action.read-working-list", township=township))
    async with tenant_transaction(access.tenant.id) as conn:
        return await _working(conn, access, township)


async def _working(conn: asyncpg.Connection, access: Access, township: str) -> TownshipList:
    """The working copy read in the caller's transaction: a change answers with the list it
    made in its own transaction (no second BEGIN, no second COMMIT)."""
    row = await _list_row(conn, access, township)
    counterparts = await counterparts_in(conn, access.tenant.id, township)  # before: see _published_view
    records, provisions = await queries.working_entries(conn, access.tenant.id, row.catalog_version, township)
    views = item_views_of(records)
    entries = _entries(records, views, counterparts)
    cited = decode_provisions(provisions)
    if item_views.cache.max_items > 0:
        generation = await generations.current(conn, access.tenant.id)
        item_views.cache.remember((access.tenant.id, row.catalog_version), generation, views, cited)
    return TownshipList(
        township_code=township,
        township_name=row.township_name,
        status=row.status,
        catalog_version=row.catalog_version,
        revision=row.revision,
        published_number=row.published_number,
        review_note=row.review_note,
        version=None,
        effective_date=None,
        entries=entries,
        counts=_counts(entries),
        provisions=cited,
    )


class _Head(msgspec.Struct, frozen=True, gc=False):
    """A published version's head: :class:`core.lists.queries.PublishedHeadRow` once a version was found."""

    revision: int
    published_number: int
    township_name: str
    number: int
    catalog_version: int
    effective_date: datetime.date
    generation: int


class _Published(msgspec.Struct, frozen=True, gc=False):
    """The body of a published version: the last three fields of :class:`TownshipList`, in
    its order (core.publication.bodies splices its JSON after the header's)."""

    entries: list[Entry]
    counts: dict[str, int]
    provisions: list[CitedProvision]


class _PublishedHead(msgspec.Struct):
    """:class:`TownshipList` without its body: encoded per request, the body spliced in."""

    township_code: str
    township_name: str
    status: str
    catalog_version: int
    revision: int
    published_number: int
    review_note: str
    version: int | None
    effective_date: datetime.date | None


_published_decoder = msgspec.json.Decoder(_Published)

#: The per-process level of published bodies (kept under its old name for callers that clear it).
published_cache = published_bodies.cache


async def _published_view(conn: asyncpg.Connection, access: Access, township: str, head: _Head) -> _Published:
    # The counterparts first: the whole-list statement sets custom plans for the rest of the
    # transaction, and their statement, planned anew after it on every read, cost ~0.9 ms of
    # PostgreSQL's CPU a read; with its kept (generic) plan, too little to measure.
    counterparts = await counterparts_in(conn, access.tenant.id, township)
    records, provisions = await queries.published_entries(
        conn, access.tenant.id, head.catalog_version, township, head.number
    )
    views = item_views_of(records)
    entries = _entries(records, views, counterparts)
    cited = decode_provisions(provisions)
    item_views.cache.remember((access.tenant.id, head.catalog_version), head.generation, views, cited)
    return _Published(entries, _counts(entries), cited)


async def _stored_body(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    head: _Head,
    built: list[_Published] | None = None,
    partial: published_bodies.Body | None = None,
) -> published_bodies.Body:
    """The version's body, encoded once per content generation and shared by every process
    (see :mod:`core.publication.bodies`). When it is built here, the objects it was encoded
    from are appended to ``built`` (a caller that needs objects need not decode them again).
    ``partial``: the version's body holding renderings only, which the JSON joins."""

    async def build() -> bytes:
        view = await _published_view(conn, access, township, head)
        if built is not None:
            built.append(view)
        return msgspec.json.encode(view)

    key = (access.tenant.id, township, head.number)
    newest = head.number == head.published_number
    return await published_bodies.body(conn, key, head.generation, build, newest=newest, partial=partial)


async def _published_body(conn: asyncpg.Connection, access: Access, township: str, head: _Head) -> _Published:
    built: list[_Published] = []
    found = await _stored_body(conn, access, township, head, built)
    key = (access.tenant.id, township, head.number)
    if built:  # just encoded (and deflated): its objects are at hand, nothing to inflate and decode
        published_bodies.cache.keep_decoded(key, found, built[0])
        return built[0]
    body: _Published = published_bodies.cache.decoded(key, found, _published_decoder.decode)
    return body


async def _published_head(
    conn: asyncpg.Connection, access: Access, township: str, number: int | None, as_of: datetime.date | None
) -> _Head:
    if number is not None:
        stored_number(number, f"published version of township {township}'s list numbered")
    check_day("as_of", as_of)
    head = await queries.published_head(conn, access.tenant.id, township, number, as_of)
    if head is None:
        await _list_row(conn, access, township)  # raises the precise 404
        raise NotFound(Text("not-found.township-has-no-published-4", township=township))  # _list_row found none either
    if head.number is None or head.catalog_version is None or head.effective_date is None:
        when = f" as of {as_of}" if as_of else ""
        which = f" version {number}" if number else ""
        raise NotFound(Text("not-found.township-has-no-published-5", township=township, which=which, when=when))
    return _Head(
        head.revision,
        head.published_number,
        head.township_name,
        head.number,
        head.catalog_version,
        head.effective_date,
        head.generation,
    )


def _head_view(township: str, head: _Head) -> _PublishedHead:
    return _PublishedHead(
        township_code=township,
        township_name=head.township_name,
        status="published",
        catalog_version=head.catalog_version,
        revision=head.revision,
        published_number=head.published_number,
        review_note="",
        version=head.number,
        effective_date=head.effective_date,
    )


async def get_published_list(
    access: Access, township: str, *, number: int | None = None, as_of: datetime.date | None = None
) -> TownshipList:
    """A published version: by number, as of a date, or (neither) the latest.

    The entries of a version are immutable, so they are read once per content generation
    (see :mod:`core.platform.generations`); the header is read every time.
    """
    async with tenant_transaction(access.tenant.id) as conn:
        head = await _published_head(conn, access, township, number, as_of)
        body = await _published_body(conn, access, township, head)
    return TownshipList(
        **msgspec.structs.asdict(_head_view(township, head)),
        entries=body.entries,
        counts=body.counts,
        provisions=body.provisions,
    )


async def get_published_list_json(
    access: Access, township: str, *, number: int | None = None, as_of: datetime.date | None = None
) -> published_bodies.Spliced:
    """:func:`get_published_list` as the JSON of a :class:`TownshipList`, byte for byte
    (``identity()``), or that JSON gzipped (``gzip()``, when the body is stored deflated),
    without building or encoding the body again (it is stored encoded)."""
    async with tenant_transaction(access.tenant.id) as conn:
        head = await _published_head(conn, access, township, number, as_of)
        found = await _stored_body(conn, access, township, head)
    assert found.loaded  # _stored_body reads it
    return published_bodies.Spliced.of(msgspec.json.encode(_head_view(township, head)), found)


class _Counts(msgspec.Struct):
    counts: dict[str, int]


_counts_decoder = msgspec.json.Decoder(_Counts)  # skips the entries without building them


class PublishedParts:
    """A published version's body for a reader that may not need its objects (GraphQL): the
    body is decoded only when asked, and renderings of its parts (a completed GraphQL selection
    of its entries …, :mod:`core.publication.renderings`) are kept with it in the per-process
    cache and, for a selection described as a shape, stored in PostgreSQL for every process
    (:meth:`share`). When the reader's transaction found every expected rendering stored, the
    body's JSON was not even read (``loaded`` is False until :meth:`load`). The caller was
    admitted to the tenant by the read that found the parts."""

    __slots__ = ("_access", "_asked", "_decoded", "_found", "_head", "_township")

    def __init__(
        self,
        access: Access,
        township: str,
        head: _Head,
        found: published_bodies.Body,
        built: _Published | None,
        asked: set[renderings.Shape],
    ) -> None:
        self._access, self._township, self._head = access, township, head
        self._found, self._decoded = found, built
        self._asked = asked  # the shapes PostgreSQL was asked for (found or not)

    @property
    def _shared(self) -> bool:
        return published_bodies.store_enabled and self._head.number == self._head.published_number

    @property
    def _key(self) -> published_bodies.Key:
        return (self._access.tenant.id, self._township, self._head.number)

    @property
    def loaded(self) -> bool:
        """Whether :meth:`body` can answer without reading the database."""
        return self._decoded is not None or self._found.loaded

    async def load(self) -> None:
        """Read the body's JSON (a reader whose selection was not among the stored renderings)."""
        if self.loaded:
            return
        built: list[_Published] = []
        async with tenant_transaction(self._access.tenant.id) as conn:
            head = await _published_head(conn, self._access, self._township, self._head.number, None)
            partial = self._found if head.generation == self._found.generation else None
            self._found = await _stored_body(conn, self._access, self._township, head, built, partial)
        self._head = head
        if built:
            self._decoded = built[0]

    def body(self) -> _Published:
        if self._decoded is None:
            self._decoded = published_bodies.cache.decoded(self._key, self._found, _published_decoder.decode)
        return self._decoded

    def counts(self) -> dict[str, int]:
        if self._decoded is not None:
            return self._decoded.counts
        cached = self._found.renderings.get(renderings.name(renderings.COUNTS))
        if cached is None:
            assert self._found.loaded, "get_published_parts reads the body when the counts are not stored"
            counts = _counts_decoder.decode(self._found.text()).counts
            self.keep(renderings.name(renderings.COUNTS), msgspec.json.encode(counts))
            return counts
        return msgspec.json.decode(cached, type=dict[str, int])

    def rendered(self, name: str) -> bytes | None:
        return self._found.renderings.get(name)

    def keep(self, name: str, data: bytes) -> None:
        published_bodies.cache.keep_rendering(self._key, self._found, name, data)

    def seen(self, shape: renderings.Shape) -> None:
        """A reader asked for ``shape`` (fetched with the head next time)."""
        renderings.seen(self._access.tenant.id, shape)

    def asked(self, shape: renderings.Shape) -> bool:
        """Whether PostgreSQL has nothing more to say about ``shape``'s rendering: it was asked
        already, or this version's renderings are not stored."""
        return not self._shared or shape in self._asked

    async def fetch(self, shape: renderings.Shape) -> bytes | None:
        """This version's stored rendering of ``shape`` (kept in this process when found)."""
        self._asked.add(shape)
        if not self._shared:
            return None
        async with tenant_transaction(self._access.tenant.id) as conn:
            found = await renderings.fetch(conn, self._key, self._found.generation, [shape])
        data = found.get(shape)
        if data is not None:
            self.keep(renderings.name(shape), data)
        return data

    async def share(self, shape: renderings.Shape, data: bytes) -> None:
        """Store ``data``, this version's rendering of ``shape``, for every process (the newest
        version only, as its body)."""
        if not self._shared:
            return
        try:
            async with tenant_transaction(self._access.tenant.id) as conn:
                await renderings.store(conn, self._key, self._found.generation, {shape: data})
        except ValidationFailed as exc:  # the body or the selection went in between: the next reader stores it
            if not isinstance(exc.__cause__, asyncpg.ForeignKeyViolationError):
                raise


async def _parts_body(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    head: _Head,
    built: list[_Published],
    asked: set[renderings.Shape],
) -> published_bodies.Body:
    """The version's body for :class:`PublishedParts`: from this process; else its stored
    renderings of the shapes readers of the tenant are expected to ask for, without its JSON
    when they are all there; else with its JSON (read or built, as for REST), the tenant's
    expected shapes that were not stored then rendered and stored in this transaction (the
    reader's own selection among them: the executor finds it kept)."""
    key = (access.tenant.id, township, head.number)
    found = published_bodies.cache.get(key, head.generation)
    if found is not None and found.loaded:
        return found
    shared = published_bodies.store_enabled and head.number == head.published_number
    expected = renderings.expected(access.tenant.id) if shared else []
    if shared:
        missing = [s for s in expected if found is None or renderings.name(s) not in found.renderings]
        stored = await renderings.fetch(conn, key, head.generation, missing) if missing else {}
        asked.update(missing)
        if found is None:
            found = published_bodies.cache.put(key, published_bodies.Body(head.generation, None))
        for shape, data in stored.items():
            published_bodies.cache.keep_rendering(key, found, renderings.name(shape), data)
        # Without a selection seen yet (only the counts expected) a reader needs the JSON anyway.
        if len(expected) > 1 and all(renderings.name(s) in found.renderings for s in expected):
            return found
    found = await _stored_body(conn, access, township, head, built, found)
    # Only the tenant's own selections are stored: another tenant's may not be this one's.
    own = renderings.own(access.tenant.id)
    absent = [s for s in own if renderings.name(s) not in found.renderings] if shared else []
    if absent:
        body = built[0] if built else published_bodies.cache.decoded(key, found, _published_decoder.decode)
        done = renderings.render_parts(absent, _parts_of(body))
        for shape, data in done.items():
            published_bodies.cache.keep_rendering(key, found, renderings.name(shape), data)
        await renderings.store(conn, key, head.generation, done)
    return found


async def get_published_parts(
    access: Access, township: str, *, number: int | None = None, as_of: datetime.date | None = None
) -> tuple[TownshipList, PublishedParts]:
    """:func:`get_published_list`'s header (entries and provisions empty, counts left to the
    parts) and its body as :class:`PublishedParts`."""
    built: list[_Published] = []
    asked: set[renderings.Shape] = set()
    async with tenant_transaction(access.tenant.id) as conn:
        head = await _published_head(conn, access, township, number, as_of)
        found = await _parts_body(conn, access, township, head, built, asked)
    header = TownshipList(**msgspec.structs.asdict(_head_view(township, head)), entries=[], counts={}, provisions=[])
    return header, PublishedParts(access, township, head, found, built[0] if built else found.decoded, asked)


async def list_versions(access: Access, township: str) -> list[ListVersion]:
    async with tenant_transaction(access.tenant.id) as conn:
        await _list_row(conn, access, township)
        records = await queries.list_version_rows(conn, access.tenant.id, township)
    return [ListVersion(*msgspec.structs.astuple(r)) for r in records]


async def diff_versions(access: Access, township: str, first: int, second: int) -> ListDiff:
    """Entries added, removed and changed (field by field) between two published versions."""
    a = await get_published_list(access, township, number=first)
    b = await get_published_list(access, township, number=second)
    old = {e.item.code: e for e in a.entries}
    new = {e.item.code: e for e in b.entries}
    changed = []
    for code in sorted(old.keys() & new.keys()):
        before, after = old[code], new[code]
        fields = [
            FieldChange(f, getattr(before, f), getattr(after, f))
            for f in LOCAL_FIELDS
            if getattr(before, f) != getattr(after, f)
        ]
        if before.item.content_hash != after.item.content_hash:
            b_item, a_item = msgspec.to_builtins(before.item), msgspec.to_builtins(after.item)
            skip = {"version", "content_hash", "changed_in", "revision"}
            fields += [
                FieldChange(f"item.{k}", b_item[k], a_item[k])
                for k in b_item
                if k not in skip and b_item[k] != a_item[k]
            ]
        if fields:
            changed.append(EntryChange(item_code=code, title=after.item.title, changes=fields))
    return ListDiff(
        township_code=township,
        from_version=first,
        to_version=second,
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=changed,
    )


async def claimants(access: Access, item_code: str) -> list[Claimant]:
    """Which townships claimed item ``item_code`` (one query)."""
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.claimant_rows(conn, access.tenant.id, item_code)
    if records is None:
        raise NotFound(Text("not-found.no-catalog-item", item_code=item_code))
    return [Claimant(*msgspec.structs.astuple(r)) for r in records]


# --- changing the working copy -------------------------------------------------------------


async def claim(access: Access, township: str, data: Claim) -> TownshipList:
    return await claim_several(access, township, [data])


async def claim_several(access: Access, township: str, claims: list[Claim]) -> TownshipList:
    """Claim items in one transaction (all or none), answering with the list once."""
    _require_township_editor(access, township, "claim items")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        for data in claims:
            await _claim_one(conn, access, township, row.catalog_version, data)
        await _touch(conn, access, township)
        return await _working(conn, access, township)


async def _claim_one(conn: asyncpg.Connection, access: Access, township: str, version: int, data: Claim) -> None:
    item = await queries.item_scope(conn, access.tenant.id, version, data.item_code)
    if item is None:
        raise ValidationFailed.on("item_code", Text("field.no-item-published-catalog", item_code=data.item_code))
    if item.status != "active":
        raise ValidationFailed.on("item_code", Text("field.withdrawn", item_code=data.item_code))
    if item.township_scope == "all":
        raise ValidationFailed.on("item_code", Text("field.applies-every-township-already", item_code=data.item_code))
    if item.township_scope == "none":
        raise ValidationFailed.on("item_code", Text("field.not-township-duty", item_code=data.item_code))
    inserted = await queries.insert_claim(conn, access.tenant.id, township, data.item_code, data.justification)
    if not inserted:
        raise Conflict(Text("conflict.has-already-claimed", township=township, item_code=data.item_code))
    after = msgspec.to_builtins(data)
    await audit.record(access, "township_entry", f"{township}/{data.item_code}", "claim", after=after)


#: The note a withdrawn claim shows on the working copy until the township claims it again.
WITHDRAWN_NOTE = "乡镇(街道)撤回认领；本地信息已保留，再次认领时恢复"


async def withdraw_claim(access: Access, township: str, item_code: str) -> None:
    """Take a claimed item off the working copy. Its local details are kept (the entry is
    ``removed`` with a note, as when the catalog withdraws an item) and come back with a new
    claim of the same item."""
    _require_township_editor(access, township, "withdraw claims")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        before = await queries.withdraw_claim(conn, access.tenant.id, township, item_code, WITHDRAWN_NOTE)
        if before is None:
            raise NotFound(Text("not-found.has-not-claimed", township=township, item_code=item_code))
        await _touch(conn, access, township)
        await audit.record(
            access, "township_entry", f"{township}/{item_code}", "unclaim", before=msgspec.to_builtins(before)
        )


async def update_entry(
    access: Access, township: str, item_code: str, data: EntryUpdate, if_match: Expected
) -> TownshipList:
    """Local details of one entry; ``confirm`` re-confirms a changed claimed item."""
    _require_township_editor(access, township, "edit entries")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        check_version(row.revision, if_match, data.revision, field="revision")
        entry = await queries.entry_row(conn, access.tenant.id, township, item_code)
        if entry is None:
            raise NotFound(Text("not-found.not-list", item_code=item_code, township=township))
        if entry.state == "removed":
            raise Conflict(Text("conflict.left-list", item_code=item_code, change_note=entry.change_note))
        if data.justification is not msgspec.UNSET and entry.origin != "claimed":
            raise ValidationFailed.on("justification", Text("field.applies-every-township-only", item_code=item_code))
        values = {
            f: getattr(data, f) if getattr(data, f) is not msgspec.UNSET else getattr(entry, f)
            for f in ("responsible_office", "post", "contact", "note", "justification")
        }
        state = "active" if data.confirm else entry.state
        await conn.execute(
            queries.UPDATE_ENTRY, access.tenant.id, township, item_code, *values.values(), state, data.confirm
        )
        await _touch(conn, access, township)
        await audit.record(
            access,
            "township_entry",
            f"{township}/{item_code}",
            "update",
            before={f: getattr(entry, f) for f in values} | {"state": entry.state},
            after=values | {"state": state},
        )
        return await _working(conn, access, township)


# --- review and publication ----------------------------------------------------------------


async def submit(access: Access, township: str, if_match: Expected) -> TownshipList:
    _require_township_editor(access, township, "submit the list")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        check_version(row.revision, if_match, None, required=False)
        if row.status not in ("draft", "returned"):
            raise Conflict(Text("conflict.list-cannot-submitted-only", status=label("list-status", row.status)))
        counts = await queries.entry_counts(conn, access.tenant.id, township)
        if counts.active == 0:
            raise ValidationFailed.on("entries", Text("field.list-empty-claim-items"))
        if counts.pending:
            raise ValidationFailed.on("entries", Text("field.changed-claimed-items-wait", pending=counts.pending))
        await _set_status(conn, access, township, "submitted", "")
        return await _working(conn, access, township)


async def claim_once(access: Access, township: str, data: Claim, key: str | None) -> tuple[TownshipList, bool]:
    """:func:`claim`, done once per idempotency key; returns (the list, replayed)."""
    work = partial(claim, access, township, data)
    return await once(access, key, fingerprint("claim", township, data), work, TownshipList)


async def submit_once(access: Access, township: str, if_match: Expected, key: str | None) -> tuple[TownshipList, bool]:
    """:func:`submit`, done once per idempotency key; returns (the list, replayed)."""
    work = partial(submit, access, township, if_match)
    return await once(access, key, fingerprint("submit", township), work, TownshipList)


async def _set_status(conn: asyncpg.Connection, access: Access, township: str, status: str, note: str) -> None:
    await conn.execute(queries.SET_STATUS, access.tenant.id, township, status, note)
    await audit.record(access, "township_list", township, status, after={"status": status, "note": note})
    await events.emit(
        conn,
        access.tenant.id,
        f"township_list.{status}",
        f"townships/{township}/list",
        {"township_code": township, "status": status, "note": note},
    )


async def _reviewing(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    action: str,
    if_match: Expected,
    body_revision: int | msgspec.UnsetType = msgspec.UNSET,
) -> ListRow:
    require_admin(access, "return township lists" if action == "return" else "file township lists")
    row = await _list_row(conn, access, township, lock=True)
    check_version(row.revision, if_match, body_revision, required=False, field="revision")
    if row.status != "submitted":
        raise Conflict(
            Text(
                "conflict.only-submitted-list-can",
                action=label("list-action", action),
                status=label("list-status", row.status),
            )
        )
    return row


async def return_list(access: Access, township: str, data: ReturnRequest, if_match: Expected = None) -> TownshipList:
    async with tenant_transaction(access.tenant.id) as conn:
        await _reviewing(conn, access, township, "return", if_match, data.revision)
        codes = [c.item_code for c in data.comments]
        found = await queries.entries_named(conn, access.tenant.id, township, codes)
        if found != len(set(codes)):
            raise ValidationFailed.on("comments", Text("field.comment-names-item-not"))
        await conn.execute(queries.CLEAR_COMMENTS, access.tenant.id, township)
        await conn.execute(queries.SET_COMMENTS, access.tenant.id, township, codes, [c.comment for c in data.comments])
        await _set_status(conn, access, township, "returned", data.note)
        return await _working(conn, access, township)


async def file_list(access: Access, township: str, if_match: Expected = None) -> TownshipList:
    """审核备案: the county accepts the submitted list."""
    async with tenant_transaction(access.tenant.id) as conn:
        await _reviewing(conn, access, township, "file", if_match)
        await _set_status(conn, access, township, "filed", "")
        return await _working(conn, access, township)


async def publish_list(access: Access, township: str, data: ListPublish, if_match: Expected = None) -> TownshipList:
    """Snapshot a filed list as the next immutable version."""
    require_admin(access, "publish township lists")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        check_version(row.revision, if_match, data.revision, required=False, field="revision")
        if row.status != "filed":
            raise Conflict(Text("conflict.only-filed-list-can", status=label("list-status", row.status)))
        before = await generations.current(conn, access.tenant.id) if item_views.cache.max_items > 0 else None
        entries: dict[str, list[asyncpg.Record]] = {}
        published = await publish_filed(conn, access, [township], data.effective_date, entries)
        answer = await _answer(conn, access, township, published[0][1], entries.get(township, []), before)
        # The selections to render the new version for (most tenants: none, and no more work).
        shapes = await renderings.recent(conn, access.tenant.id) if answer and published_bodies.store_enabled else []
    if answer is None:
        return await get_published_list(access, township, number=published[0][1])
    # Committed: only now may this process take the new generation for one its views are valid at.
    head, body, found, carried = answer
    key = (access.tenant.id, township, head.number)
    published_bodies.keep(key, found, body)
    if shapes:
        later(_render_ahead(access, key, head.generation, body, shapes), "rendering a published list ahead")
    item_views.cache.carry(*carried)
    return TownshipList(**msgspec.structs.asdict(_head_view(township, head)), **msgspec.structs.asdict(body))


async def _answer(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    number: int,
    records: list[asyncpg.Record],
    before: int | None,
) -> tuple[_Head, _Published, published_bodies.Body, tuple[item_views.Key, int, int]] | None:
    """The version just published, built from its entries' local details (``records``, from
    :func:`core.lists.queries.digest_records`) and the item views a whole-list read left at
    generation ``before`` (see :mod:`core.lists.item_views`) — without reading the list again.
    Its body is stored in the publishing transaction. None when the views are not all known, or
    when anything besides this publication moved the generation since ``before``: the caller
    then reads the new version as any reader would."""
    if before is None:
        return None
    head = await _published_head(conn, access, township, number, None)
    if head.generation != before + 1:
        return None
    catalog = (access.tenant.id, head.catalog_version)
    known = item_views.cache.lookup(catalog, before, [r[1] for r in records])
    if known is None:
        return None
    counterparts = await counterparts_in(conn, access.tenant.id, township)
    entries = [
        Entry(
            item=as_answering(k.view, counterparts),
            origin=r[7],
            justification=r[8],
            responsible_office=r[3],
            post=r[4],
            contact=r[5],
            note=r[6],
        )
        for k, r in zip(known, records, strict=True)
    ]
    body = _Published(entries, _counts(entries), item_views.provisions_of(known))
    key = (access.tenant.id, township, number)
    found = await published_bodies.store(conn, key, head.generation, msgspec.json.encode(body))
    return head, body, found, (catalog, before, head.generation)


def _parts_of(body: _Published) -> dict[str, Any]:
    return {"entries": body.entries, "provisions": body.provisions, "counts": body.counts}


async def _render_ahead(
    access: Access, key: published_bodies.Key, generation: int, body: _Published, shapes: list[renderings.Shape]
) -> None:
    """Right after a publication committed: the new version ``key`` (its body stored by it)
    rendered and stored for the selections its tenant's readers used recently
    (:mod:`core.publication.renderings`), from the objects its body was encoded from — so an
    integrator polling with a fixed query finds the new version rendered, in every process.
    Outside the publishing transaction: the publication's answer does not wait for it."""
    done = renderings.render_parts(shapes, _parts_of(body))
    async with tenant_transaction(access.tenant.id) as conn:
        await renderings.store(conn, key, generation, done, record=False)


async def render_published(access: Access, townships: list[str], chunk: int = 50) -> int:
    """After a bulk publication: the newest versions of ``townships`` rendered and stored for
    the selections the tenant's readers used recently, their bodies built and stored on the
    way (a bulk publication stores none), ``chunk`` lists per transaction. Nothing when the
    tenant has no recent selection. Returns the lists rendered."""
    tid = access.tenant.id
    if not published_bodies.store_enabled or not townships:
        return 0
    async with tenant_transaction(tid) as conn:
        if not await renderings.recent(conn, tid):
            return 0
    done = 0
    for start in range(0, len(townships), chunk):
        async with tenant_transaction(tid) as conn:
            shapes = await renderings.recent(conn, tid)
            for township in townships[start : start + chunk]:
                head = await _published_head(conn, access, township, None, None)
                if head.number != head.published_number:  # a later version takes effect first: not the newest
                    continue
                built: list[_Published] = []
                found = await _stored_body(conn, access, township, head, built)
                body = built[0] if built else _published_decoder.decode(found.text())
                done_here = renderings.render_parts(shapes, _parts_of(body))
                await renderings.store(conn, (tid, township, head.number), head.generation, done_here, record=False)
                done += 1
    return done


async def publish_filed(
    conn: asyncpg.Connection,
    access: Access,
    townships: list[str],
    effective_date: datetime.date,
    entries: dict[str, list[asyncpg.Record]] | None = None,
) -> list[tuple[str, int, str]]:
    """Publish the filed lists among ``townships`` in the caller's transaction, set-wise: a
    fixed number of statements whatever the number of lists (one list or a batch of a bulk
    publication, :mod:`core.publication`). Lists that are not filed are skipped. Returns
    (township, version number, content hash) of each list published, in code order; ``entries``,
    if given, receives each published list's entries (:func:`core.lists.queries.digest_records`).

    Only what changed is written: the entries the new version shares with the one before it
    keep their rows (validity ranges, migration 0010 and docs/decisions.md); the stored bodies
    of the older versions are dropped (only the newest version's is kept).

    No ANALYZE here: the reads of published versions keep their plan without fresh
    statistics (tests/test_plans.py), and analysing a table of millions of rows on every
    publication cost more than the rest of it.
    """
    tid = access.tenant.id
    lists = await queries.filed_lists(conn, tid, townships)
    if not lists:
        return []
    codes = [r.township_code for r in lists]
    digests = await _digests(conn, tid, codes, entries)
    published = [(r.township_code, r.number, digests.get(r.township_code, _EMPTY_DIGEST)) for r in lists]
    await conn.executemany(
        queries.INSERT_VERSION,
        [
            (tid, r.township_code, r.number, r.catalog_version, effective_date, d)
            for r, (_, _, d) in zip(lists, published, strict=True)
        ],
    )
    await generations.bump(conn, tid)
    await conn.execute(queries.CLOSE_SPANS, tid, codes)
    await conn.execute(queries.OPEN_SPANS, tid, codes)
    await conn.execute(queries.MARK_PUBLISHED, tid, codes)
    await conn.execute(queries.CLEAR_NOTES, tid, codes)
    await conn.execute(queries.FORGET_BODIES, tid, codes)
    for township, number, digest in published:
        await audit.record(
            access, "township_list", township, "publish", after={"version": number, "content_hash": digest}
        )
        await events.emit(
            conn,
            tid,
            "township_list.published",
            f"townships/{township}/list/versions/{number}",
            {"township_code": township, "version": number, "effective_date": effective_date, "content_hash": digest},
        )
    return published


_EMPTY_DIGEST = hashlib.sha256(msgspec.json.encode([])).hexdigest()


async def _digests(
    conn: asyncpg.Connection, tid: uuid.UUID, townships: list[str], entries: dict[str, list[asyncpg.Record]] | None
) -> dict[str, str]:
    """Each list's content hash: sha256 of its active entries (code, item hash, local details)
    in code order — the same bytes for one list or a batch. ``entries`` receives the records."""
    records = await queries.digest_records(conn, tid, townships)
    rows: dict[str, list[list[Any]]] = {}
    for r in records:
        rows.setdefault(r[0], []).append([r[1], r[2], r[3], r[4], r[5], r[6]])
        if entries is not None:
            entries.setdefault(r[0], []).append(r)
    return {code: hashlib.sha256(msgspec.json.encode(entries)).hexdigest() for code, entries in rows.items()}


register_follower(follow_catalog)
