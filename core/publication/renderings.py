"""Renderings of a published list's parts for a selection, stored beside its body and shared by
every process.

A reader that wants only some fields of a published version's entries or provisions, under
names of its own (GraphQL's selections: ``api.graphql.execution``), describes them as a
:class:`Shape` — for each field its name in the answer, its key in the body (the views'
attribute), and its kind (a built-in leaf, a nested shape, a constant). A shape is what the
rendering depends on besides the body, so its :func:`digest` keys the rendering: two queries
that differ only in layout, fragments or variable names share it.

Two levels, as for the bodies (:mod:`core.publication.bodies`):

1. **Per process**: the rendering is kept in the version's :class:`~core.publication.bodies.Body`
   under :func:`name` (counted in the body cache's bytes); a body may hold renderings without
   its JSON, so a process that only serves GraphQL keeps about what REST keeps.
2. **PostgreSQL** (``published_list_renderings``, migration 0020, deflated like the bodies):
   written by the first reader of a version at a generation (``INSERT … ON CONFLICT … DO UPDATE
   … WHERE`` the stored generation is older), or by the publication itself for the selections
   the tenant used recently; read back in the reader's transaction, beside the list's head.

Bounded: a rendering is stored only for a selection recorded in ``rendering_selections``,
at most :data:`RECENT_PER_PART` per tenant and part (the least recently used is dropped with
its renderings), and only for a version whose body is stored (the newest: publishing drops
the older bodies and their renderings).
"""

from __future__ import annotations

import datetime
import hashlib
import sys
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Annotated, Any

import asyncpg
import msgspec

from core.publication import queries

#: Selections kept per tenant and part (entries, provisions, counts); integrators poll with a
#: few fixed queries.
RECENT_PER_PART = 4
#: A selection used within this long is rendered by a publication of the tenant's lists.
RECENT = datetime.timedelta(days=7)
#: How often a process writes that a tenant still uses a selection (its ``last_used``).
RECORD_EVERY_SECONDS = 3600.0

PARTS = ("entries", "provisions", "counts")

#: What a leaf may hold, as msgspec types: exactly what GraphQL's built-in scalars output
#: unchanged (``Int`` is 32 bits, ``Float`` finite; ``JSON`` is the value as it is).
LEAVES: dict[str, Any] = {
    "String": str,
    "ID": str,
    "Int": Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)],
    "Boolean": bool,
    "Float": Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)],
    "JSON": Any,
}


class Field(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    """One field of a rendered item: ``name`` in the rendering, read from the view's attribute
    (the body's key) ``key``; a ``leaf`` of :data:`LEAVES`, or nested ``fields``, or a fixed
    string (``constant``, then ``key`` is unused); ``listed``: a list of them."""

    name: str
    key: str
    leaf: str = ""
    fields: tuple[Field, ...] | None = None
    listed: bool = False
    nullable: bool = False
    constant: str | None = None


class Shape(msgspec.Struct, array_like=True, frozen=True, forbid_unknown_fields=True):
    """A part of a published body (``entries`` or ``provisions``: each item as ``fields``;
    ``counts``: the value as it is, no fields) as one reader shows it."""

    part: str
    fields: tuple[Field, ...] = ()


#: The counts as they are (GraphQL's ``counts`` is a JSON scalar).
COUNTS = Shape("counts")

_encoder = msgspec.json.Encoder()
_shape_decoder = msgspec.json.Decoder(Shape)
_digests: dict[Shape, bytes] = {}
_types: OrderedDict[Shape, Any] = OrderedDict()


def digest(shape: Shape) -> bytes:
    """16 bytes naming ``shape`` (sha256 of its encoding), the same in every process."""
    found = _digests.get(shape)
    if found is None:
        if len(_digests) > 1024:
            _digests.clear()
        found = _digests[shape] = hashlib.sha256(_encoder.encode(shape)).digest()[:16]
    return found


def name(shape: Shape) -> str:
    """The rendering's name in a body's per-process renderings."""
    return "shape:" + digest(shape).hex()


def _struct(fields: tuple[Field, ...]) -> Any:
    members: list[tuple[str, Any, Any]] = []
    for i, f in enumerate(fields):
        if f.constant is not None:
            members.append((f"constant_{i}__", str, msgspec.field(default=f.constant, name=f.name)))
            continue
        shown = LEAVES[f.leaf] if f.fields is None else _struct(f.fields)
        if f.listed:
            shown = list[shown]  # type: ignore[valid-type]
        if f.nullable and shown is not Any:  # Any holds None already
            shown = shown | None
        members.append((f.key, shown, msgspec.field(name=f.name)))
    return msgspec.defstruct("Rendered", members, kw_only=True)


def _type(shape: Shape) -> Any:
    found = _types.get(shape)
    if found is None:
        found = _types[shape] = list[_struct(shape.fields)]  # type: ignore[misc]
        if len(_types) > 256:
            _types.popitem(last=False)
    else:
        _types.move_to_end(shape)
    return found


def render(shape: Shape, views: Any) -> bytes | None:
    """``views`` (the part's objects, read by attribute) rendered as ``shape`` says, as JSON;
    None when a value does not fit (a null where the shape forbids one, an Int beyond 32 bits …):
    the reader then completes it its own way."""
    if not shape.fields:
        return _encoder.encode(views)
    try:
        return _encoder.encode(msgspec.convert(views, _type(shape), from_attributes=True))
    except msgspec.ValidationError:
        return None


def check(shape: Shape) -> None:
    """Raise ValueError unless ``shape`` can be rendered (leaves known, parts known)."""
    if shape.part not in PARTS:
        raise ValueError(f"unknown part {shape.part!r}")

    def walk(fields: tuple[Field, ...]) -> None:
        for f in fields:
            if f.constant is None and f.fields is None and f.leaf not in LEAVES:
                raise ValueError(f"unknown leaf {f.leaf!r}")
            if f.fields is not None:
                walk(f.fields)

    walk(shape.fields)


# --- what this process saw -------------------------------------------------------------------------

#: The shapes readers asked of each tenant's published lists lately (per process, by part): the
#: reader's transaction fetches their stored renderings with the list's head.
_seen: OrderedDict[uuid.UUID, dict[str, list[Shape]]] = OrderedDict()
_seen_anywhere: dict[str, list[Shape]] = {}
_recorded: OrderedDict[tuple[uuid.UUID, bytes], float] = OrderedDict()
_PER_PART_SEEN = 2


def _remember(shapes: list[Shape], shape: Shape) -> None:
    if shape in shapes:
        shapes.remove(shape)
    shapes.insert(0, shape)
    del shapes[_PER_PART_SEEN:]


def seen(tenant: uuid.UUID, shape: Shape) -> None:
    """A reader of ``tenant`` asked for ``shape`` (it is expected next time)."""
    mine = _seen.setdefault(tenant, {})
    _seen.move_to_end(tenant)
    _remember(mine.setdefault(shape.part, []), shape)
    _remember(_seen_anywhere.setdefault(shape.part, []), shape)
    if len(_seen) > 10_000:
        _seen.popitem(last=False)


def expected(tenant: uuid.UUID) -> list[Shape]:
    """The shapes a reader of ``tenant`` will probably ask for: the tenant's latest per part, else
    this process's latest (integrators poll with fixed queries), and the counts."""
    mine = _seen.get(tenant, {})
    out = [COUNTS]
    for part in ("entries", "provisions"):
        out.extend(mine.get(part) or _seen_anywhere.get(part, []))
    return out


def own(tenant: uuid.UUID) -> list[Shape]:
    """The shapes readers of ``tenant`` asked for lately in this process, and the counts."""
    mine = _seen.get(tenant, {})
    return [COUNTS, *mine.get("entries", ()), *mine.get("provisions", ())]


def forget_seen() -> None:
    _seen.clear()
    _seen_anywhere.clear()
    _recorded.clear()


# --- the PostgreSQL level ---------------------------------------------------------------------------


async def fetch(
    conn: asyncpg.Connection, key: tuple[uuid.UUID, str, int], generation: int, shapes: Sequence[Shape]
) -> dict[Shape, bytes]:
    """The stored renderings of version ``key`` at ``generation`` for ``shapes``, inflated."""
    by_digest = {digest(s): s for s in shapes}
    rows = await queries.stored_renderings(conn, *key, generation, list(by_digest))
    return {by_digest[bytes(r.selection)]: zlib.decompress(r.deflated) for r in rows}


async def _record(conn: asyncpg.Connection, tenant: uuid.UUID, shape: Shape) -> None:
    """Note that ``tenant`` uses ``shape`` (at most once per :data:`RECORD_EVERY_SECONDS` per
    process), keeping its :data:`RECENT_PER_PART` most recent selections of the part."""
    key = (tenant, digest(shape))
    now = time.monotonic()
    last = _recorded.get(key)
    if last is not None and now - last < RECORD_EVERY_SECONDS:
        return
    at = datetime.datetime.now(datetime.UTC)
    await conn.execute(queries.RECORD_SELECTION, tenant, key[1], shape.part, _encoder.encode(shape), at)
    await conn.execute(queries.PRUNE_SELECTIONS, tenant, shape.part, RECENT_PER_PART)
    _recorded[key] = now
    _recorded.move_to_end(key)
    if len(_recorded) > 100_000:
        _recorded.popitem(last=False)


async def store(
    conn: asyncpg.Connection,
    key: tuple[uuid.UUID, str, int],
    generation: int,
    renderings: dict[Shape, bytes],
    *,
    record: bool = True,
) -> None:
    """Store ``renderings`` of version ``key`` at ``generation`` (its body must be stored: the
    rows are dropped with it); ``record``: a reader asked for them, so their selections are
    recorded as used by the tenant (a publication rendering ahead does not use them)."""
    if not renderings:
        return
    for shape in renderings if record else ():
        await _record(conn, key[0], shape)
    await conn.executemany(
        queries.WRITE_RENDERING,
        [(*key, digest(s), generation, zlib.compress(data, 3)) for s, data in renderings.items()],
    )


async def recent(conn: asyncpg.Connection, tenant: uuid.UUID) -> list[Shape]:
    """The selections ``tenant`` used within :data:`RECENT` (a publication renders them)."""
    since = datetime.datetime.now(datetime.UTC) - RECENT
    out = []
    for raw in await queries.recent_selections(conn, tenant, since):
        try:
            shape = _shape_decoder.decode(raw)
            check(shape)
        except (msgspec.DecodeError, ValueError):  # written by another release: not rendered here
            continue
        out.append(shape)
    return out


def render_parts(shapes: Sequence[Shape], parts: dict[str, Any]) -> dict[Shape, bytes]:
    """Each of ``shapes`` rendered from ``parts`` (the body's objects by part), where they fit."""
    out = {}
    for shape in shapes:
        data = render(shape, parts[shape.part])
        if data is not None:
            out[shape] = data
    return out
