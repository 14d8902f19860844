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

Without a location every township's published list is searched and the township whose
list matches best is returned (ties — e.g. an item every township has — are listed as
candidates, and the first by code is chosen). No list is read for that: the catalog's
ranking is walked best first and the index of published entries by item
(``township_entry_spans_item``) says which items some list in force holds and which
townships hold the best of them; only the chosen township's entries are read.

:func:`propose_units` is the same routing for a call (乡呼县应): the parties of one item of
a township's list, by code or by the best match of the call's text.

Matching and caching are :mod:`core.publication.lookup_index`: indexes are built per published catalog
version and township-list entry sets per published list version, both immutable, so they
are cached (catalog indexes bounded by bytes, fair between tenants) and a lookup costs two
or three small statements plus an in-memory ranking.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import time
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
from core.plugin_api import registry as plugins
from core.publication import queries
from core.publication.lookup_index import LRU, Document, Hit, Index, SizedLRU, has_words, merged_synonyms, query_tokens
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


class ProposedUnit(msgspec.Struct):
    """One party to dispatch to. ``code`` is a unit code, or the township's division code
    when ``kind`` is ``township``."""

    code: str
    name: str
    kind: str  # township, department, dispatched_agency, committee, township_office, unknown
    role: Role
    duty: str
    item_code: str
    office: str = ""  # the township's responsible office on its list entry
    post: str = ""
    contact: str = ""
    agency_code: str | None = None  # the department's agency stationed in the township
    agency_name: str | None = None


class Recovery(msgspec.Struct):
    receiving_unit: str
    working_method: str
    reason: str


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


class LookupResult(msgspec.Struct):
    township: TownshipRef | None
    list_version: int | None  # the published version of the township's list that answered
    routed_to: Literal["township", "department"] | None
    units: list[ProposedUnit]  # of the best item: primary first, then cooperating
    items: list[MatchedItem]
    score: float  # the best item's BM25 score (0 when nothing on the list matches)
    confidence: float  # share of the appeal's distinctive words the best item explains, 0 … 1
    candidate_townships: list[TownshipRef]  # without a location: townships tied at the top


# --- cached indexes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogIndex:
    version: int
    items: dict[str, ItemView]
    index: Index
    category_labels: dict[str, str]
    routable: frozenset[str]  # items naming a responsible party (domains and headings do not)


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
        yield Document(item.code, item.title, [c for c in context if c])


async def _catalog_index(conn: asyncpg.Connection, access: Access, version: int) -> CatalogIndex:
    key = (access.tenant.id, version)
    found = _catalogs.get(key)
    if found is not None:
        return found
    # Records into item_view (a Struct per item already; see core.publication.queries).
    items = {view.code: view for view in map(item_view, await queries.catalog_items(conn, access.tenant.id, version))}
    structure = await load_structure(access)
    labels = {c.code: c.label for c in (*structure.categories, *structure.item_kinds)}
    routable = frozenset(code for code, item in items.items() if item.responsibilities or item.recovery)
    built = CatalogIndex(version, items, Index(_documents(items, labels)), labels, routable)
    _catalogs.put(key, built, built.index.estimated_bytes() + _ITEM_BYTES * len(items))
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


# --- colloquial wording --------------------------------------------------------------------


@functools.cache
def _plugin_synonyms(plugin: str | None) -> dict[str, tuple[str, ...]]:
    """Core's table merged with the tenant plugin's (hook ``qingdan_lookup_synonyms``)."""
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
    return merged_synonyms({k: list(v) for k, v in (found or {}).items()})


def _synonyms(access: Access) -> dict[str, tuple[str, ...]]:
    table = _plugin_synonyms(access.tenant.plugin)
    extra = access.tenant.settings.get("lookup_synonyms") if access.tenant.settings else None
    if extra:  # a tenant's own phrases (tenant setting lookup_synonyms), on top
        table = dict(table)
        for phrase, expansions in merged_synonyms(extra).items():
            table[phrase] = tuple(dict.fromkeys((*table.get(phrase, ()), *expansions)))
    return table


# --- locations and versions ----------------------------------------------------------------


async def _resolve_location(
    conn: asyncpg.Connection, access: Access, field: str, value: str
) -> tuple[str, str, TownshipVersion | None]:
    """The township a township/village/grid code (or exact name) lies in: its code, its
    name and its published list version in force today (None without one) — one statement."""
    records = await queries.locations(conn, access.tenant.id, value, _TOWNSHIP_KINDS)
    if not records:
        label = {"township": "township or street", "village": "village or community", "grid": "grid"}[field]
        raise ValidationFailed.on(field, f"no {label} {value!r} in this tenant")
    if len({r.origin for r in records}) > 1:
        raise ValidationFailed.on(field, f"{value!r} names several divisions; send the division code")
    row = records[0]
    if KINDS[row.origin_kind].level != _LOCATION_LEVEL[field]:
        raise ValidationFailed.on(
            field, f"{value} is a {row.origin_kind} ({KINDS[row.origin_kind].label}), not a {field}"
        )
    version = None
    if row.number is not None:
        # a version row (ver) has all three or none
        assert row.catalog_version is not None and row.content_hash is not None, "joined from one version row"
        version = TownshipVersion(row.code, row.name, row.number, row.catalog_version, row.content_hash)
    return row.code, row.name, version


async def _township_for(
    conn: asyncpg.Connection, access: Access, *, township: str | None, village: str | None, grid: str | None
) -> tuple[str, str, TownshipVersion | None] | None:
    """The one township the given location fields point to (they must agree), or None."""
    found: dict[str, tuple[str, str, TownshipVersion | None]] = {}
    for field, value in (("grid", grid), ("village", village), ("township", township)):
        if value is not None and value.strip():
            found[field] = await _resolve_location(conn, access, field, value.strip())
    codes = {f[0] for f in found.values()}
    if len(codes) > 1:
        first, second = list(found)[:2]
        apart = ", ".join(sorted(codes))
        raise ValidationFailed.on(first, f"{first} and {second} lie in different townships ({apart})")
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


async def _catalogs_in_force(conn: asyncpg.Connection, access: Access) -> list[int]:
    generation, today = await queries.generation_today(conn, access.tenant.id)
    key = (access.tenant.id, generation, today)
    found = _in_force.get(key)
    if found is None:
        found = await queries.catalogs_in_force(conn, access.tenant.id)
        _in_force.put(key, found)
    return found


async def _rank_everywhere(
    conn: asyncpg.Connection, access: Access, text: str | None, item_code: str | None, limit: int
) -> tuple[
    list[TownshipVersion], dict[int, CatalogIndex], dict[str, ListEntries], dict[str, list[Hit]], dict[str, float]
]:
    """Without a location: the townships tied at the best score (the first is chosen) and,
    for the chosen one only, its entries and best ``limit`` hits — the same answer as
    ranking every township's list, from the catalog index and the entries' item index."""
    numbers = await _catalogs_in_force(conn, access)
    if not numbers:
        raise NotFound("no township of this tenant has a published list in force")
    catalogs = {n: await _catalog_index(conn, access, n) for n in numbers}
    query = query_tokens(text, _synonyms(access)) if text is not None else {}
    ranked: dict[int, list[Hit]] = {}
    for n, c in catalogs.items():
        if item_code is None:
            ranked[n] = c.index.rank(query, c.routable)
        else:
            ranked[n] = (c.index.rank(query, {item_code}) if query else []) or [Hit(item_code, 0.0)]
    _, holding = await _best_holders(conn, access, ranked)
    if not holding:
        return [], catalogs, {}, {}, query
    chosen = holding[0]
    entries = {chosen.code: await _list_entries(conn, access, chosen, catalogs[chosen.catalog_version])}
    if item_code is not None:
        hits = {chosen.code: ranked[chosen.catalog_version]}
    else:
        on_list = entries[chosen.code].routable
        best = (h for h in ranked[chosen.catalog_version] if h.code in on_list)
        hits = {chosen.code: list(itertools.islice(best, limit))}
    return holding, catalogs, entries, hits, query


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


@dataclass(frozen=True)
class _Units:
    loaded: float
    units: dict[str, _UnitInfo]
    agencies: dict[tuple[str, str], tuple[str, str]]  # (department, township) → (agency code, name)


UNITS_TTL = 10.0  # seconds a tenant's unit names are reused (units change rarely; a rename shows within 10 s)
_unit_cache: LRU[uuid.UUID, _Units] = LRU(256)


async def _unit_info(
    conn: asyncpg.Connection, access: Access, codes: set[str], township: str
) -> tuple[dict[str, _UnitInfo], dict[str, tuple[str, str]]]:
    """Names and kinds of ``codes`` and, per department among them, its dispatched agency
    stationed in ``township``. The tenant's units are read by one statement and reused for
    :data:`UNITS_TTL` seconds."""
    cached = _unit_cache.get(access.tenant.id)
    if cached is None or time.monotonic() - cached.loaded > UNITS_TTL:
        records = await queries.units_with_hosts(conn, access.tenant.id)
        agencies: dict[tuple[str, str], tuple[str, str]] = {}
        for r in records:
            if r.kind == "dispatched_agency" and r.parent_unit_code:
                for host in r.hosts:
                    agencies.setdefault((r.parent_unit_code, host), (r.code, r.name))
        cached = _Units(time.monotonic(), {r.code: _UnitInfo(r.name, r.kind) for r in records}, agencies)
        _unit_cache.put(access.tenant.id, cached)
    units = {c: cached.units[c] for c in codes if c in cached.units}
    found = {c: cached.agencies[(c, township)] for c in codes if (c, township) in cached.agencies}
    return units, found


def _units_for(
    item: ItemView,
    township: TownshipRef,
    entry: ListEntry | None,
    units: dict[str, _UnitInfo],
    agencies: dict[str, tuple[str, str]],
) -> list[ProposedUnit]:
    proposed = []
    for p in _parties(item):
        if p.code == TOWNSHIP_PARTY:
            proposed.append(
                ProposedUnit(
                    code=township.code,
                    name=township.name,
                    kind="township",
                    role=p.role,
                    duty=p.duty,
                    item_code=item.code,
                    office=entry.office if entry else "",
                    post=entry.post if entry else "",
                    contact=entry.contact if entry else "",
                )
            )
            continue
        info = units.get(p.code, _UnitInfo(p.code, "unknown"))
        agency = agencies.get(p.code)
        proposed.append(
            ProposedUnit(
                code=p.code,
                name=info.name,
                kind=info.kind,
                role=p.role,
                duty=p.duty,
                item_code=item.code,
                agency_code=agency[0] if agency else None,
                agency_name=agency[1] if agency else None,
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
        raise ValidationFailed.on(field, "the appeal text is empty")
    if len(text) > MAX_TEXT:
        raise ValidationFailed.on(field, f"at most {MAX_TEXT} characters, got {len(text)}")
    if not has_words(text):
        raise ValidationFailed.on(field, "no Chinese characters, letters or digits to match")
    return text


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.on("limit", f"between 1 and {MAX_LIMIT}, got {limit}")
    return limit


async def _rank(
    conn: asyncpg.Connection,
    access: Access,
    versions: list[TownshipVersion],
    text: str | None,
    item_code: str | None,
    limit: int,
) -> tuple[dict[int, CatalogIndex], dict[str, ListEntries], dict[str, list[Hit]], dict[str, float]]:
    """Per township: its entries and its best ``limit`` hits (by text, or the one item asked
    for); and the query's weighted tokens (empty without text)."""
    catalogs: dict[int, CatalogIndex] = {}
    for v in versions:
        if v.catalog_version not in catalogs:
            catalogs[v.catalog_version] = await _catalog_index(conn, access, v.catalog_version)
    entries = {v.code: await _list_entries(conn, access, v, catalogs[v.catalog_version]) for v in versions}
    query: dict[str, float] = {}
    if text is not None:
        query = query_tokens(text, _synonyms(access))
    hits: dict[str, list[Hit]] = {}
    if item_code is not None:
        for v in versions:
            ranked = catalogs[v.catalog_version].index.rank(query, {item_code}) if query else []
            hits[v.code] = (ranked or [Hit(item_code, 0.0)]) if item_code in entries[v.code].entries else []
        return catalogs, entries, hits, query
    if len(versions) == 1:
        v = versions[0]
        hits[v.code] = catalogs[v.catalog_version].index.rank(query, entries[v.code].routable, limit)
        return catalogs, entries, hits, query
    by_catalog = {n: c.index.rank(query, c.routable) for n, c in catalogs.items()}  # once per catalog version
    for v in versions:
        on_list = entries[v.code].routable
        hits[v.code] = list(itertools.islice((h for h in by_catalog[v.catalog_version] if h.code in on_list), limit))
    return catalogs, entries, hits, query


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
    place = await _township_for(conn, access, township=township, village=village, grid=grid)
    location = place[0] if place else None
    candidates: list[TownshipVersion] = []
    if place is not None:
        if place[2] is None:
            raise NotFound(f"township {place[0]} ({place[1]}) has no published list in force")
        chosen = place[2]
        catalogs, entries, hits, query = await _rank(conn, access, [chosen], text, item_code, limit)
        if item_code is not None and not hits[chosen.code]:
            raise ValidationFailed.on("item_code", f"{item_code} is not on the published list of {location}")
    else:
        holding, catalogs, entries, hits, query = await _rank_everywhere(conn, access, text, item_code, limit)
        if item_code is not None and not holding:
            raise ValidationFailed.on("item_code", f"{item_code} is not on any published township list")
        if not holding:
            return LookupResult(None, None, None, [], [], 0.0, 0.0, [])
        chosen = holding[0]  # townships come in code order
        candidates = holding if len(holding) > 1 else []
    ref = TownshipRef(chosen.code, chosen.name)
    catalog = catalogs[chosen.catalog_version]
    top = hits[chosen.code][:limit]
    items = [catalog.items[h.code] for h in top]
    party_codes = {p.code for item in items for p in _parties(item)} - {TOWNSHIP_PARTY}
    units, agencies = await _unit_info(conn, access, party_codes, chosen.code) if items else ({}, {})
    matched = []
    for hit, item in zip(top, items, strict=True):
        proposed = _units_for(item, ref, entries[chosen.code].entries.get(item.code), units, agencies)
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
                matched_terms=catalog.index.terms(query, item.code)[:8] if query else [],
                recovery=Recovery(**msgspec.structs.asdict(item.recovery)) if item.recovery else None,
                units=proposed,
            )
        )
    first = matched[0] if matched else None
    return LookupResult(
        township=ref,
        list_version=chosen.number,
        routed_to=first.routed_to if first else None,
        units=first.units if first else [],
        items=matched,
        score=first.score if first else 0.0,
        confidence=(catalog.index.coverage(query, first.code) if query else 1.0) if first else 0.0,
        candidate_townships=[TownshipRef(v.code, v.name) for v in candidates[:MAX_CANDIDATES]],
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
    async with tenant_transaction(access.tenant.id) as conn:
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
        raise ValidationFailed.on("item_code", "give the item's code or the call's text to match")
    if text is not None:
        text = _check_text(text)
    limit = _check_limit(limit)
    result = await _lookup(conn, access, text, township=township, village=None, grid=None, item_code=item_code, limit=1)
    return result.units[:limit]
