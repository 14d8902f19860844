"""The entries of townships' latest published list versions, as an impact analysis reads them.

A published version never changes (its entries are spans no one may rewrite, migration 0010),
so the item codes of each version read are kept in process, by database, tenant, township and
version number: an analysis then reads only which version is each township's latest (one row
per township) and intersects the kept codes with the affected items. Analysing a change of a
law cited by 2,000 items of 40 townships otherwise reads 80,000 published entries again each
time — the preview, the recording, each report of it. A county's townships mostly publish the
same items (the catalog's defaults), so equal code sets are kept once and intersected once.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict

import asyncpg

from core.legal import queries

_Key = tuple[str, uuid.UUID, str, int]  # library, tenant, township, version number

MAX_CODES = 1_000_000  # codes of distinct sets kept (a set shared by townships counts once)


class _Kept:
    def __init__(self) -> None:
        self.versions: OrderedDict[_Key, frozenset[str]] = OrderedDict()
        self.canonical: dict[frozenset[str], frozenset[str]] = {}  # equal sets kept as one
        self.holders: dict[frozenset[str], int] = {}  # a kept set → how many versions hold it
        self.size = 0

    def get(self, key: _Key) -> frozenset[str] | None:
        found = self.versions.get(key)
        if found is not None:
            self.versions.move_to_end(key)
        return found

    def put(self, key: _Key, codes: frozenset[str]) -> frozenset[str]:
        known = self.versions.get(key)
        if known is not None:
            return known
        kept = self.canonical.setdefault(codes, codes)
        if kept is codes and codes not in self.holders:
            self.size += len(codes)
        self.holders[kept] = self.holders.get(kept, 0) + 1
        self.versions[key] = kept
        while self.size > MAX_CODES and len(self.versions) > 1:
            _, dropped = self.versions.popitem(last=False)
            self.holders[dropped] -= 1
            if not self.holders[dropped]:
                del self.holders[dropped], self.canonical[dropped]
                self.size -= len(dropped)
        return kept


_kept = _Kept()


class PublishedCodes:
    """A township's latest published version and its entries among the items asked for."""

    __slots__ = ("codes", "name", "number", "township_code")

    def __init__(self, township_code: str, name: str, number: int, codes: list[str]) -> None:
        self.township_code, self.name, self.number, self.codes = township_code, name, number, codes


async def latest_published(conn: asyncpg.Connection, tenant_id: uuid.UUID, codes: list[str]) -> list[PublishedCodes]:
    """Per township of the tenant holding some of ``codes`` in its latest published version:
    that version and those codes, sorted."""
    versions = await queries.latest_published_versions(conn, tenant_id)
    held: dict[str, tuple[int, frozenset[str]]] = {}
    missing = []
    for v in versions:
        found = _kept.get((v.library, tenant_id, v.township_code, v.number))
        if found is None:
            missing.append(v.township_code)
        else:
            held[v.township_code] = (v.number, found)
    if missing:
        library = versions[0].library
        split: dict[str, frozenset[str]] = {}  # equal strings, equal sets: split once
        for r in await queries.latest_published_entries(conn, tenant_id, missing):
            codes_read = split.get(r.codes)
            if codes_read is None:
                codes_read = split[r.codes] = frozenset(r.codes.split(" ")) if r.codes else frozenset()
            # the number read with the entries (a version published since the first read is newer)
            held[r.township_code] = (r.number, _kept.put((library, tenant_id, r.township_code, r.number), codes_read))
    wanted = frozenset(codes)
    common: dict[int, list[str]] = {}  # by the kept set's identity: each distinct set intersected once
    out = []
    for v in versions:
        number, kept = held[v.township_code]
        among = common.get(id(kept))
        if among is None:
            among = common[id(kept)] = sorted(kept & wanted)
        if among:
            out.append(PublishedCodes(v.township_code, v.name, number, list(among)))
    return out
