"""District counterparts: which department answers in a township for a department the catalog names.

A city-level tenant (泰安) keeps one city-wide catalog that names the city's departments
(市应急管理局 …), but in a city with districts the district bureau — or the city bureau's
district branch (分局) — is the county-level department responsible for the townships of
its district. The tenant records that as data: a department whose ``parent_unit_code`` is
the city department and whose division is the district is its **counterpart** there.

This module is the one rule every township-facing reading applies: the township lists
(working and published, hence the Excel export and the handbook), the portal's item page,
the responsibility lookup and the calls (乡呼县应) built on it (:mod:`core.publication.lookup`
applies the same rule to its cached units, and says why per unit). The catalog itself keeps the
city departments (it is the city's list); only a township's view names the district's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import asyncpg
import msgspec

from core.catalog.reading import ItemView
from core.jurisdictions import queries


def district_of(township: str) -> str:
    """The county-level division (GB/T 2260, 6 digits) a township's statistical code lies in."""
    return township[:6]


async def counterparts_in(conn: asyncpg.Connection, tenant_id: uuid.UUID, township: str) -> dict[str, str]:
    """Department named by the catalog → its counterpart in ``township``'s district (the
    first by code when a district records several)."""
    found: dict[str, str] = {}
    for row in await queries.counterparts(conn, tenant_id, district_of(township)):
        found.setdefault(row.parent_unit_code, row.code)
    return found


def as_answering(item: ItemView, counterparts: Mapping[str, str]) -> ItemView:
    """``item`` as a township of the district reads it: every responsibility and the recovery's
    receiving unit name the district's counterpart; a department the item names twice that
    way (the city and its district bureau) keeps its first responsibility."""
    if not counterparts:
        return item
    touched = False
    seen: set[str] = set()
    duties = []
    for r in item.responsibilities:
        party = counterparts.get(r.party, r.party)
        if party != r.party:
            touched = True
            r = msgspec.structs.replace(r, party=party)
        if party != "township" and party in seen:
            touched = True
            continue
        seen.add(party)
        duties.append(r)
    recovery = item.recovery
    if recovery is not None and recovery.receiving_unit in counterparts:
        touched = True
        recovery = msgspec.structs.replace(recovery, receiving_unit=counterparts[recovery.receiving_unit])
    if not touched:
        return item
    return msgspec.structs.replace(item, responsibilities=duties, recovery=recovery)
