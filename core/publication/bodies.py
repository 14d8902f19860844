"""Published township-list bodies, encoded once and served as bytes.

A published list version is immutable; what its body shows around it (unit names, cited
law texts …) moves only with the tenant's content generation (:mod:`core.platform.generations`).
So the body — entries, counts, cited provisions, the last three fields of
:class:`core.lists.service.TownshipList` — is encoded to JSON once per (version,
generation) and kept at two levels:

1. **PostgreSQL** (table ``published_list_bodies``, the newest version of each list only,
   as a gzip member of the JSON after its opening brace, deflated at :data:`DEFLATE_LEVEL`,
   :mod:`core.publication.gzipped`): written by the first reader of a version at a
   generation (``INSERT … ON CONFLICT … DO UPDATE … WHERE`` the stored generation is older),
   read by every process. A process that has never seen a version
   reads ~40 KB of deflated bytes instead of running the list's set-based statement and
   encoding 0.5 MB of JSON. ``QINGDAN_STORE_LIST_BODIES=off`` skips this level.
2. **Per process** (:data:`cache`): a least-recently-used map bounded by **bytes**, not
   entries (a list of 20 items and one of 500 differ 25×), with a per-tenant share so a
   tenant reading thousands of townships cannot push every other tenant out. It holds what
   PostgreSQL holds, the deflated form (~40 KB for a 340-entry list instead of 536 KiB of
   JSON: the default 256 MiB holds thousands of lists), and the JSON itself only while there
   is no deflated form (the stored level off).

The REST handler answers with the stored body spliced after the per-request header
(:class:`Spliced`): a warm read encodes ~300 bytes, not 0.5 MB. A client that accepts gzip gets
the deflated body as it is, after the header deflated on its own (:func:`gzipped.gzip_after`,
~12 µs); one that does not gets it inflated (~0.8 ms for 0.5 MB, per request: what a client
without gzip costs). GraphQL sends renderings of the
body's parts for its selections, stored beside it (:mod:`core.publication.renderings`); when it
has to render one it decodes the JSON once per process and the decoded body is kept beside the
deflated bytes (counted at :data:`DECODED_FACTOR` × its JSON size).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from core.publication import gzipped, queries

#: A decoded body (msgspec structs, strings shared with nothing) takes about this many times
#: the bytes of its JSON (measured: a 340-entry list, 540 KB of JSON, ~1.6 MB decoded).
DECODED_FACTOR = 3

#: zlib level of stored bodies: a 540 KB list deflates in ~1.7 ms to ~38 KB (level 6: 3.6 ms, 29 KB);
#: PostgreSQL's own pglz took 4-11 ms inside the publishing transaction for 76 KB, so the column
#: is stored as given (migration 0010).
DEFLATE_LEVEL = 3

Key = tuple[uuid.UUID, str, int]  # tenant, township, version number


@dataclass
class Body:
    """One version's body at one generation: its JSON after the opening brace deflated
    (``packed``, when the stored level is on) or else its JSON (``json``); once someone asked,
    its objects; and ``renderings``: other encodings of parts of it by name (GraphQL's completed
    selections, see :func:`BodyCache.keep_rendering` and :mod:`core.publication.renderings`).
    Both forms are None while only renderings were read (:func:`body` loads the body when a
    reader needs it)."""

    generation: int
    json: bytes | None
    decoded: Any = None
    renderings: dict[str, bytes] = field(default_factory=dict)
    packed: gzipped.Packed | None = None

    @property
    def loaded(self) -> bool:
        return self.json is not None or self.packed is not None

    def text(self) -> bytes:
        """The body's JSON (inflated when only the deflated form is held: not kept)."""
        if self.json is not None:
            return self.json
        assert self.packed is not None, "a body's JSON is read from its JSON or its deflated form"
        return b"{" + self.packed.inflate()

    @property
    def size(self) -> int:
        held = len(self.json) if self.json is not None else 0
        held += self.packed.size if self.packed is not None else 0
        json = len(self.json) if self.json is not None else self.packed.length + 1 if self.packed else 0
        decoded = DECODED_FACTOR * json if self.decoded is not None else 0
        return held + decoded + sum(len(k) + len(v) for k, v in self.renderings.items())


@dataclass
class BodyCache:
    """Least-recently-used bodies bounded by bytes overall (``max_bytes``) and per tenant
    (``tenant_share`` of it). ``max_entries`` = 0 turns the cache off."""

    max_bytes: int = 256 * 1024 * 1024
    tenant_share: float = 0.25
    max_entries: int = 100_000
    _entries: OrderedDict[Key, Body] = field(default_factory=OrderedDict)
    _tenant_bytes: dict[uuid.UUID, int] = field(default_factory=dict)
    total_bytes: int = 0

    @property
    def tenant_bytes_limit(self) -> int:
        return int(self.max_bytes * self.tenant_share)

    def tenant_usage(self, tenant: uuid.UUID) -> int:
        return self._tenant_bytes.get(tenant, 0)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key, generation: int) -> Body | None:
        found = self._entries.get(key)
        if found is None or found.generation != generation:
            return None
        self._entries.move_to_end(key)
        return found

    def put(self, key: Key, body: Body) -> Body:
        """Keep ``body`` (replacing what the key held) and evict least-recently-used bodies,
        of the same tenant first while that tenant is over its share, then of anyone."""
        self._drop(key)
        size = body.size
        if self.max_entries <= 0 or size > self.tenant_bytes_limit:
            return body
        tenant = key[0]
        self._entries[key] = body
        self._tenant_bytes[tenant] = self._tenant_bytes.get(tenant, 0) + size
        self.total_bytes += size
        if self._tenant_bytes[tenant] > self.tenant_bytes_limit:
            for old in [k for k in self._entries if k[0] == tenant]:
                if self._tenant_bytes[tenant] <= self.tenant_bytes_limit:
                    break
                self._drop(old)
        while self.total_bytes > self.max_bytes or len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))
        return body

    def decoded(self, key: Key, found: Body, decode: Callable[[bytes], Any]) -> Any:
        """The objects of ``found`` (held under ``key``), decoded once from its JSON, then kept
        beside its bytes."""
        if found.decoded is None:
            self.keep_decoded(key, found, decode(found.text()))
        return found.decoded

    def keep_decoded(self, key: Key, found: Body, objects: Any) -> None:
        """Keep ``objects``, what ``found`` was encoded from, beside its bytes (no decoding)."""
        old = found.size
        found.decoded = objects
        self._resized(key, found, old)

    def keep_rendering(self, key: Key, found: Body, name: str, data: bytes) -> None:
        """Keep ``data`` as ``found``'s rendering ``name``. Its decoded objects are let go: a
        reader that has the rendering no longer needs them (3× the JSON's bytes), and the next
        one that does decodes them again."""
        old = found.size
        found.renderings[name] = data
        found.decoded = None
        self._resized(key, found, old)

    def _resized(self, key: Key, body: Body, old: int) -> None:
        """``body`` changed size (its decoded objects, a rendering) from ``old``, what put()
        counted: account for it (it may now be evicted)."""
        if self._entries.get(key) is body:
            del self._entries[key]
            self._tenant_bytes[key[0]] -= old
            self.total_bytes -= old
            self.put(key, body)

    def _drop(self, key: Key) -> None:
        old = self._entries.pop(key, None)
        if old is None:
            return
        size = old.size
        self.total_bytes -= size
        left = self._tenant_bytes[key[0]] - size
        if left:
            self._tenant_bytes[key[0]] = left
        else:
            del self._tenant_bytes[key[0]]

    def clear(self) -> None:
        self._entries.clear()
        self._tenant_bytes.clear()
        self.total_bytes = 0


#: The per-process level (sized by api.app from QINGDAN_CACHE_LIST_BYTES, _TENANT_SHARE, _LISTS).
cache = BodyCache()

#: The PostgreSQL level (QINGDAN_STORE_LIST_BODIES).
store_enabled = True


async def body(
    conn: asyncpg.Connection,
    key: Key,
    generation: int,
    build: Callable[[], Awaitable[bytes]],
    *,
    newest: bool,
    partial: Body | None = None,
) -> Body:
    """The body of version ``key`` at ``generation``: from this process, else from
    PostgreSQL, else built by ``build`` (the encoded JSON) and stored at both levels.
    ``conn`` is the caller's tenant transaction (row-level security keeps it to the tenant).

    Only the township's ``newest`` version is stored in PostgreSQL (publishing drops the
    older ones' rows): the stored bodies are a cache, and one per version read would cost
    ~240 bytes per entry per version — more than the versions' entries themselves now that
    they share unchanged rows (docs/decisions.md). Older versions (history, diffs) are built
    when read and kept per process only. ``partial``: this version's body at ``generation``
    holding renderings only (read before its JSON), which the JSON joins."""
    found = partial if partial is not None else cache.get(key, generation)
    if found is not None and found.loaded:
        return found
    shared = store_enabled and newest
    stored = await queries.stored_body(conn, *key, generation) if shared else None
    json: bytes | None = None
    packed: gzipped.Packed | None = None
    if stored is not None:
        packed = gzipped.unpack(stored)
    else:
        json = await build()
        if shared:
            packed = gzipped.pack(json[1:], DEFLATE_LEVEL)
            await conn.execute(queries.WRITE_BODY, *key, generation, gzipped.member(packed))
            json = None  # the deflated form is what is kept (and what a gzip answer sends)
    if found is None:
        return cache.put(key, Body(generation, json, packed=packed))
    old = found.size  # renderings read before the body: the body joins them
    found.json, found.packed = json, packed
    cache._resized(key, found, old)
    return found


async def store(conn: asyncpg.Connection, key: Key, generation: int, json: bytes) -> Body:
    """Store ``json`` as version ``key``'s body at ``generation`` in PostgreSQL (when the level is
    on), in the caller's transaction, and return it for :func:`keep` — for a writer that has
    just built the newest version. Nothing enters this process's cache here: the generation
    becomes real only when the transaction commits (a rolled-back one may be reused)."""
    if not store_enabled:
        return Body(generation, json)
    packed = gzipped.pack(json[1:], DEFLATE_LEVEL)
    await conn.execute(queries.WRITE_BODY, *key, generation, gzipped.member(packed))
    return Body(generation, None, packed=packed)


def keep(key: Key, found: Body, decoded: Any) -> None:
    """Keep a body from :func:`store`, with the objects it was encoded from, in this process
    (after the writer's transaction committed)."""
    cache.keep_decoded(key, cache.put(key, found), decoded)


def splice(head: bytes, body_json: bytes) -> bytes:
    """One JSON object from two: ``{"a":1}`` + ``{"b":2}`` → ``{"a":1,"b":2}`` (the head's
    fields first). Both come from msgspec, so neither has whitespace around its braces."""
    return head[:-1] + b"," + body_json[1:]


@dataclass(frozen=True, slots=True)
class Spliced:
    """A head spliced before a body (:func:`splice`), in whichever form the body is at hand:
    ``json`` (the body's JSON) or ``packed`` (its JSON after the opening brace, deflated)."""

    head: bytes
    json: bytes | None
    packed: gzipped.Packed | None

    @classmethod
    def of(cls, head: bytes, found: Body) -> Spliced:
        return cls(head, found.json, found.packed)

    def identity(self) -> bytes:
        """The JSON (the deflated form inflated when there is no other: ~1 ms for 0.5 MB)."""
        if self.json is not None:
            return splice(self.head, self.json)
        assert self.packed is not None
        return self.head[:-1] + b"," + self.packed.inflate()

    def gzip(self) -> bytes | None:
        """The JSON as one gzip member, when the body is at hand deflated (the head is deflated
        per request, the body not again); None when only its JSON is (nothing is compressed
        per request)."""
        if self.packed is None:
            return None
        return gzipped.gzip_after(self.head[:-1] + b",", self.packed)
