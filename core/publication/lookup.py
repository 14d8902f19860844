"""Responsibility lookup (依清单派单): which township and units answer for a citizen appeal.

A 12345 hotline or grid platform sends an appeal's free text and, where it knows it, the
location (a township, village/community or grid code, or a township's exact name). The
answer comes from the **published** township lists in force today: the matched list items
(best first, with a score), and for the best one the responsible units — primary first,
then cooperating — with their duty texts, so the platform can dispatch precisely.

Routing follows the list:
- a basic item: the township (with its responsible office and contact from the list
  entry) is primary; county departments it names cooperate;
- an item the township only cooperates on: the county department is primary, the
  township cooperates;
- a recovered item (上级部门收回事项): the receiving department is primary with its working
  method as duty; the township is at most a cooperating party (reporting clues, helping);
- for a department, its dispatched agency (派驻机构) stationed in that township is named too.

Reading the appeal (one understanding with the searches, :mod:`core.publication.lexicon`):
its **place** from the text when no location parameter is sent (:mod:`core.publication.places`:
the division tree's names and short forms, aliases, the plugin's landmarks — an explicit
parameter always wins); its **words** by segmentation and the domain lexicon, never single
characters, with typo tolerance by pinyin (:mod:`core.publication.lookup_index`).

Without a place (no parameter, none named in the text, or several named) **no township is
invented**: the answer names no township (``township`` null, ``place.source`` ``none`` or
``ambiguous`` with the candidates and why each), and its items and units come from the list
of a township holding the best match — the township party then stands for "the township
where it happened". No list is read for that: the catalog's ranking is walked best first and
the index of published entries by item (``township_entry_spans_item``) says which items
some list in force holds and which townships hold the best of them; only one list's entries
are read.

Dispatch goes as far down as the data allows: the township's responsible office, post and
contact from its list entry, the leader, office and A/B posts of the entry's post assignment
(岗位分解), the department's dispatched agency stationed in the township, and — in a city with
districts — the **district's counterpart** of a city department the catalog names (a
department whose ``parent_unit_code`` is the city department and whose division is the
township's district: 泰安市综合行政执法局 → 泰山区综合行政执法局 for 岱庙街道). Every item and
unit says why: the words that matched and how (the appeal's word, the lexicon, pinyin), the
place and where it came from, and why the unit (primary, cooperating, recovered, district
counterpart, agency, post).

:func:`propose_units` is the same routing for a call (乡呼县应): the parties of one item of
a township's list, by code or by the best match of the call's text.

Matching and caching are :mod:`core.publication.lookup_index`: indexes are built per published catalog
version and township-list entry sets per published list version, both immutable, so they
are cached (catalog indexes bounded by bytes, fair between tenants) and a lookup costs two
or three small statements plus an in-memory ranking.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import asyncpg
import msgspec

from core.catalog.reading import ItemView, item_view
from core.catalog.structure import load_structure
from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.messages import Text
from core.plugin_api import registry as plugins
from core.publication import places, queries
from core.publication.lexicon import READING_WEIGHT, Lexicon, Understanding, core_lexicon, understand
from core.publication.lookup_index import LRU, Document, Hit, Index, SizedLRU
from core.publication.words import has_words, normalise
from core.security.access import Access

MAX_TEXT = 2000
MAX_LIMIT = 20
TOWNSHIP_PARTY = "township"
_TOWNSHIP_KINDS = [k for k, v in KINDS.items() if v.level == TOWNSHIP_LEVEL]
_LOCATION_LEVEL = {"township": TOWNSHIP_LEVEL, "village": TOWNSHIP_LEVEL + 1, "grid": TOWNSHIP_LEVEL + 2}

Role = Literal["primary", "cooperating"]


# --- shapes --------------------------------------------------------------------------------


class LookupRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An appeal to route: its text and, optionally, where it happened."""

    text: Annotated[
        str, msgspec.Meta(min_length=1, max_length=MAX_TEXT, examples=["小区门口占道经营的摊贩太多了，晚上很吵"])
    ]
    township: Annotated[str, msgspec.Meta(max_length=100, examples=["510115001000"])] | None = None
    village: Annotated[str, msgspec.Meta(max_length=100, examples=["510115001001"])] | None = None
    grid: Annotated[str, msgspec.Meta(max_length=100, examples=["510115001001001"])] | None = None
    item_code: Annotated[str, msgspec.Meta(max_length=48)] | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_LIMIT)] = 5


class TownshipRef(msgspec.Struct):
    code: str
    name: str


class TownshipCandidate(msgspec.Struct):
    """A township the appeal may concern, and why (the words naming it, or its list holding the item)."""

    code: str
    name: str
    reason: str


class PlaceFound(msgspec.Struct):
    """Where the appeal happened, as the lookup read it.

    ``source``: ``parameter`` (a township/village/grid was sent; it always wins), ``text`` (named
    in the appeal), ``ambiguous`` (the text names several townships: see the candidates) or
    ``none`` (no place: no township is invented)."""

    source: Literal["parameter", "text", "ambiguous", "none"]
    township: TownshipRef | None
    village: TownshipRef | None
    words: list[str]  # the appeal's words that named it
    reason: str


class ProposedUnit(msgspec.Struct):
    """One party to dispatch to. ``code`` is a unit code, or the township's division code
    when ``kind`` is ``township`` (``township`` itself when no township is known)."""

    code: str
    name: str
    kind: str  # township, department, dispatched_agency, committee, township_office, unknown
    role: Role
    duty: str
    item_code: str
    office: str = ""  # the township's responsible office on its list entry (or its post assignment)
    post: str = ""
    contact: str = ""
    agency_code: str | None = None  # the department's agency stationed in the township
    agency_name: str | None = None
    leader: str = ""  # of the entry's post assignment (岗位分解)
    a_post: str = ""  # who does it (A角): post name and holder
    b_post: str = ""  # the stand-in (B角)
    listed_as: str | None = None  # the catalog's party when this is its district counterpart
    reason: str = ""  # why this unit, in plain words


class Recovery(msgspec.Struct):
    receiving_unit: str
    working_method: str
    reason: str


class WordMatch(msgspec.Struct):
    """A term of the item that the appeal matched: the appeal's words that brought it in and how
    (``word``: the same word; ``lexicon``: a reading of the domain lexicon; ``pinyin``: a word
    that sounds the same, a typo)."""

    term: str
    said: str
    how: Literal["word", "lexicon", "pinyin"]


class Explanation(msgspec.Struct):
    words: list[WordMatch]
    place: str
    unit: str


class MatchedItem(msgspec.Struct):
    code: str
    title: str
    list_kind: str  # the item's first list kind (basic, cooperating, recovered, …)
    kinds: list[str]
    category: str | None
    category_label: str | None
    score: float
    routed_to: Literal["township", "department"]
    matched_terms: list[str]
    recovery: Recovery | None
    units: list[ProposedUnit]
    explanation: Explanation


class LookupResult(msgspec.Struct):
    township: TownshipRef | None  # null unless a place was given or named (never guessed)
    list_version: int | None  # the published version of the township's list that answered
    routed_to: Literal["township", "department"] | None
    units: list[ProposedUnit]  # of the best item: primary first, then cooperating
    items: list[MatchedItem]
    score: float  # the best item's BM25 score (0 when nothing on the list matches)
    confidence: float  # share of the appeal's distinctive words the best item explains, 0 … 1
    candidate_townships: list[TownshipCandidate]  # without a place: those named, or holding the best item
    place: PlaceFound


# --- cached indexes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogIndex:
    version: int
    items: dict[str, ItemView]
    index: Index
    category_labels: dict[str, str]
    routable: frozenset[str]  # items naming a responsible party (domains and headings do not)
    kind_labels: dict[str, str]  # list kinds: basic → 基本履职事项 …


@dataclass(frozen=True)
class ListEntry:
    office: str
    post: str
    contact: str


@dataclass(frozen=True)
class ListEntries:
    """A published township-list version: its entries' local details, and the codes of those
    that name a responsible party (the ones a lookup may answer with)."""

    entries: dict[str, ListEntry]
    routable: frozenset[str]


@dataclass(frozen=True)
class TownshipVersion:
    code: str
    name: str
    number: int
    catalog_version: int
    content_hash: str


#: Catalog indexes, bounded by their estimated bytes and fair between tenants (a tenant may
#: hold a quarter); api.app sizes it from QINGDAN_CACHE_LOOKUP_BYTES.
_catalogs: SizedLRU[tuple[uuid.UUID, int], CatalogIndex] = SizedLRU(512 * 1024 * 1024)
#: What an item's view takes in memory, about (its texts, responsibilities, citations).
_ITEM_BYTES = 3000
_lists: LRU[tuple[uuid.UUID, str, int, str], ListEntries] = LRU(4096)


def configure_cache(max_bytes: int, tenant_share: float) -> None:
    """Size the catalog-index cache (QINGDAN_CACHE_LOOKUP_BYTES, QINGDAN_CACHE_TENANT_PERCENT)."""
    _catalogs.max_bytes, _catalogs.tenant_share = max_bytes, tenant_share
    _catalogs.clear()


def clear_caches() -> None:
    _catalogs.clear()
    _lists.clear()
    _in_force.clear()
    _unit_cache.clear()
    _gazetteers.clear()
    _posts.clear()


def _documents(items: dict[str, ItemView], labels: dict[str, str]) -> Iterable[Document]:
    for item in items.values():
        context = []
        parent = items.get(item.parent_code or "")
        if parent is not None:
            context.append(parent.title)
        for key in (item.category, item.item_kind):
            if key:
                context.append(labels.get(key, ""))
        context.append(item.description)
        context.extend(r.duty for r in item.responsibilities)
        context.append(item.process)
        if item.recovery is not None:
            context.append(item.recovery.working_method)
        yield Document(
            item.code,
            item.title,
            [c for c in context if c],
            parent.title if parent is not None else "",
            tuple(p.code for p in _parties(item)),
        )


async def _catalog_index(conn: asyncpg.Connection, access: Access, version: int) -> CatalogIndex:
    key = (access.tenant.id, version)
    found = _catalogs.get(key)
    if found is not None:
        return found
    # Records into item_view (a Struct per item already; see core.publication.queries).
    items = {view.code: view for view in map(item_view, await queries.catalog_items(conn, access.tenant.id, version))}
    structure = await load_structure(access)
    labels = {c.code: c.label for c in (*structure.categories, *structure.item_kinds)}
    kinds = {k.code: k.label for k in structure.kinds}
    routable = frozenset(code for code, item in items.items() if item.responsibilities or item.recovery)
    # Segmenting every item's texts is ~1 s of CPU for 340 items: in a worker thread, so the
    # event loop keeps serving other requests meanwhile.
    index = await asyncio.to_thread(Index, _documents(items, labels), core_lexicon())
    built = CatalogIndex(version, items, index, labels, routable, kinds)
    _catalogs.put(key, built, built.index.estimated_bytes() + _ITEM_BYTES * len(items))
    return built


def cache_has_room() -> bool:
    """Whether the catalog-index cache has room left (a tenth of it, or any at all)."""
    return _catalogs.total_bytes < 0.9 * _catalogs.max_bytes


async def prepare(access: Access) -> int:
    """Build what a tenant's first lookup would otherwise wait for, unless cached: the indexes
    of the catalog versions its lists in force were published against, and its place names.
    Returns how many indexes were built (the app's warm-up, :mod:`tenants.lookup_warmup`)."""
    built = 0
    async with tenant_transaction(access.tenant.id) as conn:
        moment = await queries.generation_today(conn, access.tenant.id)
        for number in await _catalogs_in_force(conn, access, moment):
            if _catalogs.get((access.tenant.id, number)) is None:
                await _catalog_index(conn, access, number)
                built += 1
        await _gazetteer(conn, access, moment[0])
    return built


async def _list_entries(
    conn: asyncpg.Connection, access: Access, township: TownshipVersion, catalog: CatalogIndex
) -> ListEntries:
    key = (access.tenant.id, township.code, township.number, township.content_hash)
    found = _lists.get(key)
    if found is not None:
        return found
    records = await queries.list_contacts(conn, access.tenant.id, township.code, township.number)
    entries = {code: ListEntry(office, post, contact) for code, office, post, contact in records}
    routable = frozenset(
        code
        for code in entries
        if code in catalog.items and (catalog.items[code].responsibilities or catalog.items[code].recovery)
    )
    found = ListEntries(entries, routable)
    _lists.put(key, found)
    return found


# --- the lexicon and the place names ---------------------------------------------------------


@functools.cache
def _plugin_lexicon(plugin: str | None) -> Lexicon:
    """Core's lexicon with the tenant plugin's words (hook ``qingdan_lookup_synonyms``)."""
    found: Any = None
    if plugin is not None:
        try:
            found = plugins.call(plugin, "qingdan_lookup_synonyms")
        except plugins.UnknownPlugin:
            found = None

    def well_formed(k: Any, v: Any) -> bool:
        return isinstance(k, str) and not isinstance(v, str) and all(isinstance(x, str) for x in v)

    if found is not None and not (isinstance(found, dict) and all(well_formed(k, v) for k, v in found.items())):
        hook = "qingdan_lookup_synonyms"
        raise plugins.PluginError(plugin or "", hook, "(result)", "expected {phrase: (expansion, …)}")
    return core_lexicon().merged(found)


def lexicon_for(access: Access) -> Lexicon:
    """The lexicon of a tenant: core's, its plugin's, and its own (setting ``lookup_synonyms``)."""
    extra = access.tenant.settings.get("lookup_synonyms") if access.tenant.settings else None
    if not isinstance(extra, dict) or not extra:
        return _plugin_lexicon(access.tenant.plugin)
    return _tenant_lexicon(access.tenant.plugin, msgspec.json.encode(extra))


@functools.lru_cache(maxsize=256)
def _tenant_lexicon(plugin: str | None, extra: bytes) -> Lexicon:
    """A plugin's lexicon with a tenant's own words (JSON, as in its settings): merged once per
    distinct setting, not on every lookup (a merge sorts and buckets every key again)."""
    return _plugin_lexicon(plugin).merged(msgspec.json.decode(extra))


@functools.cache
def _landmarks(plugin: str | None) -> tuple[tuple[str, str], ...]:
    """The plugin's landmarks (hook ``qingdan_landmarks``) as (name, division code)."""
    if plugin is None:
        return ()
    try:
        found = plugins.call(plugin, "qingdan_landmarks")
    except plugins.UnknownPlugin:
        return ()
    if found is None:
        return ()
    if not all(
        isinstance(getattr(m, "name", None), str) and isinstance(getattr(m, "division_code", None), str) for m in found
    ):
        raise plugins.PluginError(
            plugin, "qingdan_landmarks", "(result)", "expected Landmark(name, division_code, …) entries"
        )
    return tuple((m.name, m.division_code) for m in found)


#: Post assignments (岗位分解) of a township's entries per (tenant, township, content generation):
#: saving a post or an assignment moves the generation (core.lists.posts), so a lookup reads
#: them again only after a change — no statement of its own on the way.
_posts: LRU[tuple[uuid.UUID, str, int], dict[str, queries.AssignmentRow]] = LRU(4096)


async def _assignments(
    conn: asyncpg.Connection, access: Access, township: str, generation: int
) -> dict[str, queries.AssignmentRow]:
    key = (access.tenant.id, township, generation)
    found = _posts.get(key)
    if found is None:
        found = {r.item_code: r for r in await queries.assignments(conn, access.tenant.id, township)}
        _posts.put(key, found)
    return found


#: Place names per (tenant, content generation): the generation moves with every change of the
#: division tree, so a renamed or added village is read from the next lookup on.
_gazetteers: LRU[tuple[uuid.UUID, int], places.Gazetteer] = LRU(256)


def _aliases(text: str) -> tuple[str, ...]:
    found = msgspec.json.decode(text) if text else []
    return tuple(a for a in found if isinstance(a, str)) if isinstance(found, list) else ()


async def _gazetteer(conn: asyncpg.Connection, access: Access, generation: int) -> places.Gazetteer:
    key = (access.tenant.id, generation)
    found = _gazetteers.get(key)
    if found is None:
        rows = await queries.divisions(conn, access.tenant.id)
        divisions = [places.DivisionRow(r.code, r.name, r.kind, r.parent_code, _aliases(r.aliases)) for r in rows]
        found = places.Gazetteer(divisions, _landmarks(access.tenant.plugin))
        _gazetteers.put(key, found)
    return found


# --- locations and versions ----------------------------------------------------------------


async def _resolve_location(
    conn: asyncpg.Connection, access: Access, field: str, value: str
) -> tuple[str, str, TownshipVersion | None, int]:
    """The township a township/village/grid code (or exact name) lies in: its code, its
    name, its published list version in force today (None without one) and the tenant's
    content generation — one statement."""
    records = await queries.locations(conn, access.tenant.id, value, _TOWNSHIP_KINDS)
    if not records:
        label = {"township": "township or street", "village": "village or community", "grid": "grid"}[field]
        raise ValidationFailed.on(field, Text("field.no-tenant-2", label=label, value=value))
    if len({r.origin for r in records}) > 1:
        raise ValidationFailed.on(field, Text("field.names-several-divisions-send", value=value))
    row = records[0]
    if KINDS[row.origin_kind].level != _LOCATION_LEVEL[field]:
        raise ValidationFailed.on(
            field,
            Text(
                "field.not", value=value, origin_kind=row.origin_kind, label=KINDS[row.origin_kind].label, field=field
            ),
        )
    version = None
    if row.number is not None:
        # a version row (ver) has all three or none
        assert row.catalog_version is not None and row.content_hash is not None, "joined from one version row"
        version = TownshipVersion(row.code, row.name, row.number, row.catalog_version, row.content_hash)
    return row.code, row.name, version, row.generation


async def _township_for(
    conn: asyncpg.Connection, access: Access, *, township: str | None, village: str | None, grid: str | None
) -> tuple[str, str, TownshipVersion | None, int] | None:
    """The one township the given location fields point to (they must agree), or None."""
    found: dict[str, tuple[str, str, TownshipVersion | None, int]] = {}
    for field, value in (("grid", grid), ("village", village), ("township", township)):
        if value is not None and value.strip():
            found[field] = await _resolve_location(conn, access, field, value.strip())
    codes = {f[0] for f in found.values()}
    if len(codes) > 1:
        first, second = list(found)[:2]
        apart = ", ".join(sorted(codes))
        raise ValidationFailed.on(first, Text("field.lie-different-townships", first=first, second=second, apart=apart))
    return next(iter(found.values())) if found else None


async def _versions_in_force(conn: asyncpg.Connection, access: Access, township: str | None) -> list[TownshipVersion]:
    """The published list version in force today of one township, or of every township."""
    records = await queries.versions_in_force(conn, access.tenant.id, township)
    return [TownshipVersion(r.township_code, r.name, r.number, r.catalog_version, r.content_hash) for r in records]


# --- without a location: from the index of published entries --------------------------------


#: Candidate townships a lookup reports at most (and one more, to know there are several).
MAX_CANDIDATES = 20


async def _best_holders(
    conn: asyncpg.Connection, access: Access, ranked: dict[int, list[Hit]]
) -> tuple[float, list[TownshipVersion]]:
    """The best score any list in force reaches, and the townships (by code, at most
    ``MAX_CANDIDATES + 1``) whose lists hold an item of that score.

    ``ranked`` is per catalog version, best first. Walked in score order, in chunks that end
    at a score boundary (so a tie is never split), asking the index which items some list
    holds; the first chunk with a held item decides (one statement a chunk, nearly always
    one). No township's list is read."""
    merged = sorted(
        ((h.score, k, h.code) for k, hits in ranked.items() for h in hits), key=lambda t: (-t[0], t[2], t[1])
    )
    start, size = 0, 32
    while start < len(merged):
        end = min(len(merged), start + size)
        while end < len(merged) and merged[end][0] == merged[end - 1][0]:
            end += 1
        chunk = merged[start:end]
        rows = await queries.best_holders(
            conn,
            access.tenant.id,
            [c[1] for c in chunk],
            [c[2] for c in chunk],
            [c[0] for c in chunk],
            MAX_CANDIDATES + 1,
        )
        if rows:
            return rows[0].score, [
                TownshipVersion(r.township_code, r.name, r.number, r.catalog_version, r.content_hash) for r in rows
            ]
        start, size = end, size * 4
    return 0.0, []


#: The catalog versions the lists in force were published against, per (tenant, content
#: generation, day): a new list version moves the generation, a new day may bring one into force.
_in_force: LRU[tuple[uuid.UUID, int, datetime.date], list[int]] = LRU(1024)


async def _catalogs_in_force(
    conn: asyncpg.Connection, access: Access, moment: tuple[int, datetime.date] | None = None
) -> list[int]:
    """``moment``: the (generation, date) this lookup already read, if it did."""
    generation, today = moment or await queries.generation_today(conn, access.tenant.id)
    key = (access.tenant.id, generation, today)
    found = _in_force.get(key)
    if found is None:
        found = await queries.catalogs_in_force(conn, access.tenant.id)
        _in_force.put(key, found)
    return found


def _groups(reading: Understanding | None) -> dict[str, str] | None:
    """Terms that are alternatives of one another: those one lexicon entry or one misspelt
    word brought in (keyed by it)."""
    if reading is None:
        return None
    return {term: said for term, (said, how) in reading.sources.items() if how != "word"}


def _query(index: Index, reading: Understanding) -> dict[str, float]:
    """The weighted terms to rank by in one catalog: the reading's, and for its words the
    catalog does not know, the catalog's words that sound the same (recorded as ``pinyin``)."""
    query = dict(reading.terms)
    for term, (said, how) in reading.sources.items():
        # a word of the appeal the catalog never uses is only known through its readings: they
        # stand in for it at its full weight (低保 where the list only says 最低生活保障)
        if how == "lexicon" and said not in index.postings and said in reading.terms:
            query[term] = min(reading.terms[said], query[term] / READING_WEIGHT)
    for term, (said, weight) in index.typos(reading.terms).items():
        if weight > query.get(term, 0.0):
            query[term] = weight
            reading.sources[term] = (said, "pinyin")
    return query


async def _rank_everywhere(
    conn: asyncpg.Connection,
    access: Access,
    reading: Understanding | None,
    item_code: str | None,
    limit: int,
    moment: tuple[int, datetime.date] | None,
) -> tuple[
    list[TownshipVersion], dict[int, CatalogIndex], dict[str, ListEntries], dict[str, list[Hit]], dict[str, float]
]:
    """Without a place: the townships whose lists hold the best match (in code order) and, for
    the first of them only, its entries and best ``limit`` hits — the items answering stand for
    "the township where it happened", which no list says. Read from the catalog index and the
    entries' item index; one list is read."""
    numbers = await _catalogs_in_force(conn, access, moment)
    if not numbers:
        raise NotFound(Text("not-found.no-township-tenant-has"))
    catalogs = {n: await _catalog_index(conn, access, n) for n in numbers}
    queries_by: dict[int, dict[str, float]] = {
        n: _query(c.index, reading) if reading is not None else {} for n, c in catalogs.items()
    }
    ranked: dict[int, list[Hit]] = {}
    for n, c in catalogs.items():
        query = queries_by[n]
        if item_code is None:
            ranked[n] = c.index.rank(query, c.routable, groups=_groups(reading))
        else:
            ranked[n] = (c.index.rank(query, {item_code}, groups=_groups(reading)) if query else []) or [
                Hit(item_code, 0.0)
            ]
    _, holding = await _best_holders(conn, access, ranked)
    if not holding:
        return [], catalogs, {}, {}, {}
    chosen = holding[0]
    entries = {chosen.code: await _list_entries(conn, access, chosen, catalogs[chosen.catalog_version])}
    if item_code is not None:
        hits = {chosen.code: ranked[chosen.catalog_version]}
    else:
        on_list = entries[chosen.code].routable
        best = (h for h in ranked[chosen.catalog_version] if h.code in on_list)
        items = catalogs[chosen.catalog_version].items
        top = list(itertools.islice(best, 2 * limit + 4))
        hits = {chosen.code: _specific_first(top, items, limit, addressee(reading.text) if reading else None)}
    return holding, catalogs, entries, hits, queries_by[chosen.catalog_version]


async def vocabulary(
    conn: asyncpg.Connection, access: Access, moment: tuple[int, datetime.date] | None = None
) -> Index | None:
    """The index of the newest catalog version lists in force were published against (its
    words, for the searches' typo tolerance), or None without a list in force; at ``moment``
    (generation, date) if the caller knows it (no statement when cached)."""
    numbers = await _catalogs_in_force(conn, access, moment)
    return (await _catalog_index(conn, access, numbers[-1])).index if numbers else None


# --- routing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Party:
    code: str
    role: Role
    duty: str


def _parties(item: ItemView) -> list[_Party]:
    """Primary parties first, then cooperating, in the catalog's order; a recovered item
    goes primarily to its receiving department and never to the township."""
    parties: list[_Party] = []
    recovery = item.recovery
    if recovery is not None:
        parties.append(_Party(recovery.receiving_unit, "primary", recovery.working_method))
    for r in item.responsibilities:
        role: Role = "primary" if r.role == "primary" else "cooperating"
        if recovery is not None and r.party == TOWNSHIP_PARTY:
            role = "cooperating"
        parties.append(_Party(r.party, role, r.duty))
    seen: set[str] = set()
    ordered = []
    for p in sorted(parties, key=lambda p: p.role != "primary"):  # stable: catalog order within a role
        if p.code not in seen:
            seen.add(p.code)
            ordered.append(p)
    return ordered


@dataclass(frozen=True)
class _UnitInfo:
    name: str
    kind: str
    jurisdiction: str = ""


@dataclass(frozen=True)
class _Units:
    units: dict[str, _UnitInfo]
    agencies: dict[tuple[str, str], tuple[str, str]]  # (department, township) → (agency code, name)
    counterparts: dict[tuple[str, str], str]  # (department, district or county code) → its counterpart there


#: Units per (tenant, content generation): writing a unit (its name, parent, hosts) moves the
#: generation (core.jurisdictions.units), so a rename shows from the next lookup on, and a
#: cached lookup never pays a statement for them (they were re-read every 10 s before).
_unit_cache: LRU[tuple[uuid.UUID, int], _Units] = LRU(256)


@dataclass(frozen=True)
class _Dispatch:
    """What routing needs to know about the tenant's units for one township (or none)."""

    units: dict[str, _UnitInfo]
    agencies: dict[str, tuple[str, str]]  # department → its agency stationed in the township
    counterparts: dict[str, str]  # catalog department → the township's district counterpart


async def _tenant_units(conn: asyncpg.Connection, access: Access, generation: int) -> _Units:
    """The tenant's units, agencies by (department, host township) and district counterparts by
    (city department, district): one statement per content ``generation``."""
    key = (access.tenant.id, generation)
    cached = _unit_cache.get(key)
    if cached is None:
        records = await queries.units_with_hosts(conn, access.tenant.id)
        agencies: dict[tuple[str, str], tuple[str, str]] = {}
        counterparts: dict[tuple[str, str], str] = {}
        for r in records:
            if r.kind == "dispatched_agency" and r.parent_unit_code:
                for host in r.hosts:
                    agencies.setdefault((r.parent_unit_code, host), (r.code, r.name))
            elif r.kind == "department" and r.parent_unit_code:
                counterparts.setdefault((r.parent_unit_code, r.jurisdiction_code), r.code)
        units = {r.code: _UnitInfo(r.name, r.kind, r.jurisdiction_code) for r in records}
        cached = _Units(units, agencies, counterparts)
        _unit_cache.put(key, cached)
    return cached


async def _dispatch(
    conn: asyncpg.Connection, access: Access, codes: set[str], township: str | None, generation: int
) -> _Dispatch:
    """Names and kinds of ``codes``; for a known township, each department's district
    counterpart (a department of the township's district or county whose parent unit is it)
    and the agency of the department that answers stationed in the township."""
    tenant = await _tenant_units(conn, access, generation)
    counterparts: dict[str, str] = {}
    agencies: dict[str, tuple[str, str]] = {}
    district = township[:6] if township else ""
    for code in codes:
        found = tenant.counterparts.get((code, district)) if township else None
        info = tenant.units.get(code)
        if found is not None and info is not None and info.jurisdiction != district:
            counterparts[code] = found
        answering = counterparts.get(code, code)
        if township and (answering, township) in tenant.agencies:
            agencies[answering] = tenant.agencies[(answering, township)]
    wanted = codes | set(counterparts.values())
    units = {c: tenant.units[c] for c in wanted if c in tenant.units}
    return _Dispatch(units, agencies, counterparts)


def _unit_reason(item: ItemView, party: _Party, kinds: dict[str, str]) -> str:
    kind = kinds.get(item.kinds[0], item.kinds[0]) if item.kinds else "事项"
    if item.recovery is not None and party.code == item.recovery.receiving_unit:
        why = f"（{item.recovery.reason}）" if item.recovery.reason else ""
        return f"上级部门收回事项{why}：由承接部门负主体责任"
    if party.role == "primary":
        who = "乡镇（街道）" if party.code == TOWNSHIP_PARTY else "该部门"
        return f"主体责任：清单将本事项列为{kind}，由{who}牵头负责"
    return f"配合责任：清单将其列为本事项（{kind}）的配合单位"


def _units_for(
    item: ItemView,
    township: TownshipRef | None,
    entry: ListEntry | None,
    dispatch: _Dispatch,
    post: queries.AssignmentRow | None,
    kinds: dict[str, str],
) -> list[ProposedUnit]:
    proposed = []
    for p in _parties(item):
        reason = _unit_reason(item, p, kinds)
        if p.code == TOWNSHIP_PARTY:
            unit = ProposedUnit(
                code=township.code if township else TOWNSHIP_PARTY,
                name=township.name if township else "事发地乡镇（街道）",
                kind="township",
                role=p.role,
                duty=p.duty,
                item_code=item.code,
                office=entry.office if entry else "",
                post=entry.post if entry else "",
                contact=entry.contact if entry else "",
            )
            if post is not None:
                unit.leader = post.leader
                unit.office = unit.office or post.office_name or post.office_code
                unit.a_post = " ".join(x for x in (post.a_name or post.a_post, post.a_holder or "") if x)
                if post.b_post:
                    unit.b_post = " ".join(x for x in (post.b_name or post.b_post, post.b_holder or "") if x)
            where = [f"承办科室{unit.office}" if unit.office else "", f"A岗{unit.a_post}" if unit.a_post else ""]
            where.append(f"B岗{unit.b_post}" if unit.b_post else "")
            if any(where):
                reason += "；" + "，".join(w for w in where if w)
            if township is None:
                reason += "；文中未说明地点，请按事发地派给所在乡镇（街道）"
            unit.reason = reason
            proposed.append(unit)
            continue
        code = dispatch.counterparts.get(p.code, p.code)
        if any(u.code == code for u in proposed):  # the list names both the city and the district bureau
            continue
        info = dispatch.units.get(code, _UnitInfo(code, "unknown"))
        if code != p.code:
            listed = dispatch.units.get(p.code, _UnitInfo(p.code, "unknown")).name
            reason += f"；清单所列{listed}在该区（县）的对应部门是{info.name}，由其承担"
        agency = dispatch.agencies.get(code)
        if agency is not None:
            reason += f"；其派驻本乡镇（街道）的{agency[1]}就近办理"
        proposed.append(
            ProposedUnit(
                code=code,
                name=info.name,
                kind=info.kind,
                role=p.role,
                duty=p.duty,
                item_code=item.code,
                agency_code=agency[0] if agency else None,
                agency_name=agency[1] if agency else None,
                listed_as=p.code if code != p.code else None,
                reason=reason,
            )
        )
    return proposed


def _routed_to(units: list[ProposedUnit]) -> Literal["township", "department"]:
    primary = next((u for u in units if u.role == "primary"), None)
    return "township" if primary is None or primary.kind == "township" else "department"


# --- the services --------------------------------------------------------------------------


def _check_text(text: str | None, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.on(field, Text("field.appeal-text-empty"))
    if len(text) > MAX_TEXT:
        raise ValidationFailed.on(field, Text("field.at-most-characters-got", MAX_TEXT=MAX_TEXT, value=len(text)))
    if not has_words(text):
        raise ValidationFailed.on(field, Text("field.no-chinese-characters-letters"))
    return text


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.on("limit", Text("field.between-1-got", MAX_LIMIT=MAX_LIMIT, limit=limit))
    return limit


async def _rank(
    conn: asyncpg.Connection,
    access: Access,
    version: TownshipVersion,
    reading: Understanding | None,
    item_code: str | None,
    limit: int,
) -> tuple[CatalogIndex, ListEntries, list[Hit], dict[str, float]]:
    """One township's entries and its best ``limit`` hits (by text, or the one item asked
    for); and the terms ranked by (empty without text)."""
    catalog = await _catalog_index(conn, access, version.catalog_version)
    entries = await _list_entries(conn, access, version, catalog)
    query = _query(catalog.index, reading) if reading is not None else {}
    groups = _groups(reading)
    if item_code is not None:
        ranked = catalog.index.rank(query, {item_code}, groups=groups) if query else []
        hits = (ranked or [Hit(item_code, 0.0)]) if item_code in entries.entries else []
        return catalog, entries, hits, query
    hits = catalog.index.rank(query, entries.routable, 2 * limit + 4, groups)
    asked = addressee(reading.text) if reading is not None else None
    return catalog, entries, _specific_first(hits, catalog.items, limit, asked), query


#: A child item scoring at least this share of its parent's score goes before it.
SPECIFIC_SHARE = 0.9
#: A department's own task under an item the township leads goes before that item only when it
#: scores this much more than it.
OWN_TASK_MARGIN = 1.25


#: Words by which a caller says who should act: the township (镇上能不能派人来) or a department
#: (有没有部门来指导). Not 区里 or 市里: 小区里, 超市里 are places.
TOWNSHIP_ASKED = ("镇上", "镇里", "乡里", "乡上", "街道办", "镇政府", "乡政府")
DEPARTMENT_ASKED = ("部门", "局里", "县里", "上级")


def addressee(text: str) -> Literal["township", "department"] | None:
    """Whom the appeal asks to act, when it says so: a department first (镇上的部门 asks a
    department), then the township; ``None`` for most appeals."""
    if any(w in text for w in DEPARTMENT_ASKED):
        return "department"
    if any(w in text for w in TOWNSHIP_ASKED):
        return "township"
    return None


def _specific_first(
    hits: list[Hit],
    items: dict[str, ItemView],
    limit: int,
    asked: Literal["township", "department"] | None = None,
) -> list[Hit]:
    """``hits`` with each item placed before its parent when it scores nearly as well
    (:data:`SPECIFIC_SHARE`): dispatch goes to the precise item (the power or service under a
    work item), whose parties are the precise ones; the first ``limit``. Children promoted
    before one parent keep their own order by score. A child in which the parent's lead has
    no part at all — a department's own task under an item the township leads (组织消防安全
    专项检查 under 消防安全群防群治, 指导人民调解工作 under 矛盾纠纷排查调处) — is promoted only
    when it scores clearly better than the parent (:data:`OWN_TASK_MARGIN`; else it comes
    after it): the parent says who answers for the matter, and the appeal must point
    at the department's own work to overrule it. A child
    that still involves the parent's lead (the district bureau leads, the township
    cooperates) is the precise assignment and goes first as before.

    ``asked`` (:func:`addressee`) is whom the caller asks to act, which settles these near
    ties between a parent and a child led by different parties: asking a department, its own
    task goes first as soon as it scores better than the parent (no margin); asking the
    township, a child another party leads is held to the own-task margin even if the
    township cooperates in it (镇上能不能派人来帮忙办 stays with the township's item)."""
    scores = {h.code: h.score for h in hits}
    margin = 1.0 if asked == "department" else OWN_TASK_MARGIN

    def share(child: ItemView, parent: ItemView) -> float:
        lead = _parties(parent)[:1]
        if not lead or lead[0].role != "primary":
            return SPECIFIC_SHARE
        child_parties = _parties(child)
        if asked == "township" and child_parties[:1] and child_parties[0].code != lead[0].code:
            return 1.0
        return SPECIFIC_SHARE if any(p.code == lead[0].code for p in child_parties) else 1.0

    def key(h: Hit) -> tuple[float, int, float, str]:
        item = items.get(h.code)
        parent = item.parent_code if item is not None else None
        if item is None or parent not in scores:
            return (-h.score, 1, 0.0, h.code)
        needed = share(item, items[parent])
        if needed > SPECIFIC_SHARE and h.score < margin * scores[parent]:
            # after the parent, never above its own score
            return (-min(scores[parent], h.score), 2, -h.score, h.code)
        if h.score >= needed * scores[parent]:
            return (-max(scores[parent], h.score), 0, -h.score, h.code)  # never below its own score
        return (-h.score, 1, 0.0, h.code)

    return sorted(hits, key=key)[:limit]


def _place_from_text(reading: places.PlaceReading) -> PlaceFound:
    if reading.township is not None:
        village = TownshipRef(reading.village.code, reading.village.name) if reading.village else None
        township = TownshipRef(reading.township.code, reading.township.name)
        return PlaceFound("text", township, village, reading.words, reading.reason)
    if reading.candidates:
        names = "、".join(c.township_name for c in reading.candidates)
        return PlaceFound(
            "ambiguous",
            None,
            None,
            [m.words for m in reading.mentions],
            f"文中提到多个乡镇（街道）：{names}，未指定其一",
        )
    return PlaceFound("none", None, None, [], "文中未提到本辖区的乡镇（街道）、村（社区）或地标，未指定乡镇")


def _explain_words(
    catalog: CatalogIndex, reading: Understanding | None, query: dict[str, float], code: str
) -> list[WordMatch]:
    if reading is None or not query:
        return []
    matched = []
    for term in catalog.index.terms(query, code)[:8]:
        said, how = reading.source(term)
        matched.append(WordMatch(term=term.removeprefix("#"), said=said.removeprefix("#"), how=how))  # type: ignore[arg-type]  # how is one of the three
    return matched


async def _lookup(
    conn: asyncpg.Connection,
    access: Access,
    text: str | None,
    *,
    township: str | None,
    village: str | None,
    grid: str | None,
    item_code: str | None,
    limit: int,
) -> LookupResult:
    given = await _township_for(conn, access, township=township, village=village, grid=grid)
    reading: Understanding | None = None
    place: PlaceFound
    chosen: TownshipVersion | None = None
    text_candidates: list[TownshipCandidate] = []
    moment: tuple[int, datetime.date] | None = None
    if given is not None:
        words = [v.strip() for v in (township, village, grid) if v and v.strip()]
        place = PlaceFound("parameter", TownshipRef(given[0], given[1]), None, words, "来电参数指定的地点")
        if given[2] is None:
            raise NotFound(Text("not-found.township-has-no-published-2", value=given[0], value2=given[1]))
        chosen = given[2]
        if text is not None:
            reading = understand(text, lexicon_for(access))
    else:
        norm = normalise(text) if text is not None else ""
        found = places.PlaceReading()
        if text is not None:
            moment = await queries.generation_today(conn, access.tenant.id)
            found = (await _gazetteer(conn, access, moment[0])).read(norm)
        place = _place_from_text(found)
        text_candidates = [TownshipCandidate(c.township, c.township_name, c.reason) for c in found.candidates]
        if text is not None:
            reading = understand(found.without_places(norm), lexicon_for(access), normalised=True)
        if found.township is not None:
            versions = await _versions_in_force(conn, access, found.township.code)
            if not versions:
                raise NotFound(
                    Text("not-found.township-has-no-published-2", value=found.township.code, value2=found.township.name)
                )
            chosen = versions[0]
    candidates: list[TownshipCandidate] = text_candidates
    if chosen is not None:
        catalog, entries, hits, query = await _rank(conn, access, chosen, reading, item_code, limit)
        if item_code is not None and not hits:
            raise ValidationFailed.on(
                "item_code", Text("field.not-published-list-2", item_code=item_code, location=chosen.code)
            )
        ref: TownshipRef | None = TownshipRef(chosen.code, chosen.name)
        list_version: int | None = chosen.number
    else:
        holding, catalogs, by_township, by_hits, query = await _rank_everywhere(
            conn, access, reading, item_code, limit, moment
        )
        if item_code is not None and not holding:
            raise ValidationFailed.on("item_code", Text("field.not-any-published-township", item_code=item_code))
        if not holding:
            return LookupResult(None, None, None, [], [], 0.0, 0.0, candidates, place)
        answering = holding[0]
        catalog, entries, hits = (
            catalogs[answering.catalog_version],
            by_township[answering.code],
            by_hits[answering.code],
        )
        ref, list_version = None, None
        if not candidates and len(holding) <= MAX_CANDIDATES:
            title = catalog.items[hits[0].code].title if hits else ""
            candidates = [TownshipCandidate(v.code, v.name, f"其清单有“{title}”") for v in holding]
    top = hits[:limit]
    items = [catalog.items[h.code] for h in top]
    party_codes = {p.code for item in items for p in _parties(item)} - {TOWNSHIP_PARTY}
    dispatch = _Dispatch({}, {}, {})
    posts: dict[str, queries.AssignmentRow] = {}
    if items:
        # read by the location's statement, or with the place names (a text is always given then)
        generation = (
            given[3] if given is not None else (moment or await queries.generation_today(conn, access.tenant.id))[0]
        )
        dispatch = await _dispatch(conn, access, party_codes, ref.code if ref else None, generation)
        if ref is not None:
            posts = await _assignments(conn, access, ref.code, generation)
    place_words = f"地点：{place.reason}" + (f"（{'、'.join(place.words)}）" if place.source == "parameter" else "")
    matched = []
    for hit, item in zip(top, items, strict=True):
        entry = entries.entries.get(item.code) if ref is not None else None
        proposed = _units_for(item, ref, entry, dispatch, posts.get(item.code), catalog.kind_labels)
        lead = next((u for u in proposed if u.role == "primary"), None)
        matched.append(
            MatchedItem(
                code=item.code,
                title=item.title,
                list_kind=item.kinds[0] if item.kinds else "",
                kinds=list(item.kinds),
                category=item.category,
                category_label=catalog.category_labels.get(item.category or ""),
                score=hit.score,
                routed_to=_routed_to(proposed),
                matched_terms=[t.removeprefix("#") for t in catalog.index.terms(query, item.code)[:8]] if query else [],
                recovery=Recovery(**msgspec.structs.asdict(item.recovery)) if item.recovery else None,
                units=proposed,
                explanation=Explanation(
                    words=_explain_words(catalog, reading, query, item.code),
                    place=place_words,
                    unit=f"{lead.name}：{lead.reason}" if lead else "清单未列主体责任单位",
                ),
            )
        )
    first = matched[0] if matched else None
    return LookupResult(
        township=ref,
        list_version=list_version,
        routed_to=first.routed_to if first else None,
        units=first.units if first else [],
        items=matched,
        score=first.score if first else 0.0,
        confidence=(catalog.index.coverage(query, first.code) if query else 1.0) if first else 0.0,
        candidate_townships=candidates[:MAX_CANDIDATES],
        place=place,
    )


async def lookup(
    access: Access,
    text: str,
    *,
    township: str | None = None,
    village: str | None = None,
    grid: str | None = None,
    item_code: str | None = None,
    limit: int = 5,
) -> LookupResult:
    """Route an appeal by the published lists (see the module docstring). Every role of
    the tenant may ask: published lists are readable by all of them."""
    text = _check_text(text)
    limit = _check_limit(limit)
    # read only: its COMMIT follows the answer instead of preceding it (core.platform.db)
    async with tenant_transaction(access.tenant.id, read_only=True) as conn:
        return await _lookup(
            conn, access, text, township=township, village=village, grid=grid, item_code=item_code, limit=limit
        )


async def lookup_request(access: Access, data: LookupRequest) -> LookupResult:
    return await lookup(
        access,
        data.text,
        township=data.township,
        village=data.village,
        grid=data.grid,
        item_code=data.item_code,
        limit=data.limit,
    )


async def propose_units(
    conn: asyncpg.Connection,
    access: Access,
    township: str,
    *,
    text: str | None = None,
    item_code: str | None = None,
    limit: int = 5,
) -> list[ProposedUnit]:
    """The dispatch proposal for a call raised in ``township``: the parties of ``item_code``
    on that township's published list (primary first, then cooperating), or — without an
    item — of the item that best matches ``text``. Runs in the caller's tenant transaction
    (``conn``). ``limit`` caps the number of units. An empty list means nothing on the
    list matches the text (清单之外无事项)."""
    if item_code is None and text is None:
        raise ValidationFailed.on("item_code", Text("field.give-item-s-code"))
    if text is not None:
        text = _check_text(text)
    limit = _check_limit(limit)
    result = await _lookup(conn, access, text, township=township, village=None, grid=None, item_code=item_code, limit=1)
    return result.units[:limit]
