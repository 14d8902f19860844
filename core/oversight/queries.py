"""Every SQL statement of the oversight context's computations, and the typed rows they return.

All read one county tenant (``$1``) as of a date (``$2``): the published township-list version
in force at that date per township (latest effective date on or before it, then the highest
number — the rule of :mod:`core.lists.queries`' ``_PUBLISHED_HEAD``), its entries from
``township_entry_spans`` (the spans valid at that number) and its items from the catalog
version that list version was published against. Statements are set-based over the county (no
statement per township or item); the caller runs them in a transaction whose row-level
security lets it read the county (its own tenant context, or an overseer's granted one).
"""

from __future__ import annotations

import datetime
import uuid

import asyncpg
import msgspec

from core.platform.rows import maybe_row_as, rows_as


class _Row(msgspec.Struct, frozen=True):
    pass


class CountyRow(_Row, frozen=True):
    slug: str
    name: str
    division_code: str
    plugin: str | None


class TownshipCountRow(_Row, frozen=True):
    """A township with its list in force (``number`` None when none is) and its entries per role;
    ``district``: the county-level division it lies in (None directly under a city)."""

    code: str
    name: str
    kind: str
    township_type: str | None
    number: int | None
    effective_date: datetime.date | None
    basic: int
    cooperating: int
    recovered: int
    other: int
    total: int
    district: str | None = None
    district_name: str | None = None


class ItemInForceRow(_Row, frozen=True):
    """An item on at least one list in force, read from the newest catalog version a list in
    force holds it in, with the findings the indicators are made of."""

    code: str
    title: str
    kinds: list[str]
    role: str
    townships: int
    push_down: str | None
    added_without_admission: str | None
    receiving_unit: str | None
    receiving_unit_name: str | None
    calls_to_receiver: int
    answered_by_receiver: int


class DepartmentCallsRow(_Row, frozen=True):
    unit_code: str
    unit_name: str
    unit_kind: str
    received: int
    signed: int
    signed_on_time: int
    answered: int
    answered_on_time: int
    sent_back: int
    rerouted: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


class SchemeRow(_Row, frozen=True):
    document: str
    source: str


async def county(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> CountyRow | None:
    record = await conn.fetchrow(
        "SELECT t.slug, t.name, t.division_code, t.plugin FROM tenants t WHERE t.id = $1",
        tenant_id,
    )
    return None if record is None else CountyRow(*record)


#: Each township's list version in force at $2 (a date), and its entries then; ``$3…$5``: the
#: kind codes playing the roles basic, cooperating, recovered in the tenant's structure. An
#: item on two kinds counts once, by the first role it plays of recovered, basic, cooperating.
#: Only duties count: an item with items under it in its catalog version (a 领域 heading, an
#: item split into 子项) is a heading, its leaves are the duties.
_IN_FORCE = """
lv AS MATERIALIZED (
  SELECT DISTINCT ON (v.township_code) v.township_code, v.number, v.catalog_version, v.effective_date
    FROM township_list_versions v
   WHERE v.tenant_id = $1 AND v.effective_date <= $2
   ORDER BY v.township_code, v.effective_date DESC, v.number DESC
), e AS MATERIALIZED (
  SELECT lv.township_code, lv.catalog_version, s.item_code
    FROM lv JOIN township_entry_spans s ON s.tenant_id = $1 AND s.township_code = lv.township_code
     AND s.valid_from <= lv.number AND (s.valid_until IS NULL OR s.valid_until > lv.number)
), held AS MATERIALIZED (
  SELECT e.catalog_version, e.item_code, count(*) AS townships FROM e GROUP BY 1, 2
), roles AS MATERIALIZED (
  SELECT h.catalog_version, h.item_code, h.townships, i.title, i.kinds, i.recovery,
         CASE WHEN i.kinds && $5::text[] THEN 'recovered' WHEN i.kinds && $3::text[] THEN 'basic'
              WHEN i.kinds && $4::text[] THEN 'cooperating' ELSE 'other' END AS role
    FROM held h JOIN catalog_items i ON i.tenant_id = $1 AND i.version = h.catalog_version
     AND i.code = h.item_code
   WHERE NOT EXISTS (SELECT 1 FROM catalog_items ch WHERE ch.tenant_id = $1 AND ch.version = h.catalog_version
                       AND ch.parent_code = h.item_code)
)"""

#: The kinds of county-level division (GB/T 2260: a county, a county-level city, a city's district).
COUNTY_LEVEL_KINDS = ("county", "district")
_COUNTY_LEVEL = ", ".join(f"'{k}'" for k in COUNTY_LEVEL_KINDS)

#: Per township (of kinds $6) its list in force, its entries per role and its district.
_TOWNSHIPS = f"""
counts AS MATERIALIZED (
  SELECT e.township_code,
         count(*) FILTER (WHERE r.role = 'basic') AS basic,
         count(*) FILTER (WHERE r.role = 'cooperating') AS cooperating,
         count(*) FILTER (WHERE r.role = 'recovered') AS recovered,
         count(*) FILTER (WHERE r.role = 'other') AS other,
         count(*) AS total
    FROM e JOIN roles r ON r.catalog_version = e.catalog_version AND r.item_code = e.item_code
   GROUP BY e.township_code
), township_rows AS (
  SELECT j.code, j.name, j.kind, j.attributes->>'township_type' AS township_type, lv.number, lv.effective_date,
         coalesce(c.basic, 0) AS basic, coalesce(c.cooperating, 0) AS cooperating,
         coalesce(c.recovered, 0) AS recovered, coalesce(c.other, 0) AS other, coalesce(c.total, 0) AS total,
         d.code AS district, d.name AS district_name
    FROM jurisdictions j
    LEFT JOIN lv ON lv.township_code = j.code
    LEFT JOIN counts c ON c.township_code = j.code
    LEFT JOIN jurisdictions d ON d.tenant_id = $1 AND d.code = j.parent_code AND d.kind IN ({_COUNTY_LEVEL})
   WHERE j.tenant_id = $1 AND j.kind = ANY($6::text[])
)"""

#: Items in force with their findings (see docs/oversight.md, "Burden indicators"):
#: ``push_down`` — for a cooperating item, why no county department does its own part
#:   (``township_primary``, ``no_lead_department``, ``lead_duty_empty``, ``lead_duty_only_directs``;
#:   ``$7``: the pattern of a duty that only directs the townships);
#: ``added_without_admission`` — the reason of the ``add`` adjustment after the baseline catalog
#:   that brought the item in without an approved admission (or an approved bottom-up add);
#: ``calls_to_receiver`` / ``answered_by_receiver`` — for a recovered item, the dispatches to its
#:   receiving unit of calls on the item raised before $8 (the end of $2), and how many it answered by then.
_ITEMS = """
newest AS MATERIALIZED (
  SELECT DISTINCT ON (r.item_code) r.* FROM roles r ORDER BY r.item_code, r.catalog_version DESC
), totals AS (SELECT r.item_code, sum(r.townships)::int AS townships FROM roles r GROUP BY r.item_code),
baseline AS (
  SELECT min(cv.number) AS number FROM catalog_versions cv WHERE cv.tenant_id = $1 AND cv.status = 'published'
), pushed AS (
  SELECT n.item_code,
         CASE WHEN bool_or(p.party = 'township' AND p.role = 'primary') THEN 'township_primary'
              WHEN NOT bool_or(p.party <> 'township' AND p.role = 'primary') THEN 'no_lead_department'
              WHEN NOT bool_or(p.party <> 'township' AND p.role = 'primary' AND btrim(p.duty) <> '')
                THEN 'lead_duty_empty'
              WHEN NOT bool_or(p.party <> 'township' AND p.role = 'primary' AND btrim(p.duty) <> ''
                               AND btrim(p.duty) !~ $7) THEN 'lead_duty_only_directs'
         END AS push_down
    FROM newest n
    LEFT JOIN catalog_responsibilities p ON p.tenant_id = $1 AND p.version = n.catalog_version
     AND p.item_code = n.item_code
   WHERE n.role = 'cooperating'
   GROUP BY n.item_code
), unadmitted AS (
  SELECT DISTINCT ON (a.item_code) a.item_code, a.reason
    FROM newest n CROSS JOIN baseline b
    JOIN catalog_adjustments a ON a.tenant_id = $1 AND a.item_code = n.item_code AND a.kind = 'add'
     AND a.version > b.number AND a.version <= n.catalog_version
   WHERE NOT EXISTS (
         SELECT 1 FROM workflow_instances w WHERE w.tenant_id = $1 AND w.item_code = n.item_code
            AND w.outcome = 'approved'
            AND (w.kind = 'admission' OR (w.kind = 'adjustment' AND w.data->>'action' = 'add')))
   ORDER BY a.item_code, a.version
), departments AS MATERIALIZED (SELECT u.code, u.name FROM units u WHERE u.tenant_id = $1),
receiver AS MATERIALIZED (
  SELECT n.item_code, n.recovery->>'receiving_unit' AS unit_code, dp.name AS unit_name
    FROM newest n LEFT JOIN departments dp ON dp.code = n.recovery->>'receiving_unit'
   WHERE n.role = 'recovered' AND n.recovery->>'receiving_unit' IS NOT NULL
), acted AS (
  SELECT rc.item_code, count(d.call_id)::int AS calls,
         (count(*) FILTER (WHERE d.answered_at < $8))::int AS answered
    FROM receiver rc
    JOIN calls c ON c.tenant_id = $1 AND c.item_code = rc.item_code AND c.raised_at < $8
    JOIN call_dispatches d ON d.tenant_id = $1 AND d.call_id = c.id AND d.unit_code = rc.unit_code
   GROUP BY rc.item_code
), item_rows AS (
  SELECT n.item_code AS code, n.title, n.kinds, n.role, t.townships, p.push_down,
         ua.reason AS added_without_admission, rc.unit_code AS receiving_unit, rc.unit_name AS receiving_unit_name,
         coalesce(ac.calls, 0) AS calls_to_receiver, coalesce(ac.answered, 0) AS answered_by_receiver
    FROM newest n
    JOIN totals t ON t.item_code = n.item_code
    LEFT JOIN pushed p ON p.item_code = n.item_code
    LEFT JOIN unadmitted ua ON ua.item_code = n.item_code
    LEFT JOIN receiver rc ON rc.item_code = n.item_code
    LEFT JOIN acted ac ON ac.item_code = n.item_code
)"""

#: Both reads in one statement: the lists in force (the costly part, every entry of the county)
#: are read once and feed both aggregates, returned as two JSON arrays.
_COUNTY = f"""
WITH {_IN_FORCE}, {_TOWNSHIPS}, {_ITEMS}
SELECT (SELECT coalesce(json_agg(t ORDER BY t.code), '[]') FROM township_rows t)::text AS townships,
       (SELECT coalesce(json_agg(i ORDER BY i.code), '[]') FROM item_rows i)::text AS items
"""

_TOWNSHIP_ROWS = msgspec.json.Decoder(list[TownshipCountRow])
_ITEM_ROWS = msgspec.json.Decoder(list[ItemInForceRow])


async def county_rows(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    as_of: datetime.date,
    roles: tuple[list[str], list[str], list[str]],
    township_kinds: list[str],
    directs_only: str,
    upper: datetime.datetime,
) -> tuple[list[TownshipCountRow], list[ItemInForceRow]]:
    """Every township (of ``township_kinds``, by code) with its counts, and every item in force
    (by code) with its findings; ``upper``: the end of ``as_of`` (China time), the bound of the
    calls counted."""
    # The CTEs' row estimates are far off (a range join over the spans, then aggregates of it), and
    # nested loops planned on them re-ran aggregates per row; hash joins are right at every size
    # here (as in core.lists.queries.follow). Set for this statement only: back on after it.
    await conn.execute("SET LOCAL enable_nestloop = off")
    record = await conn.fetchrow(_COUNTY, tenant_id, as_of, *roles, township_kinds, directs_only, upper)
    await conn.execute("SET LOCAL enable_nestloop = on")
    assert record is not None, "a SELECT without FROM returns one row"
    return _TOWNSHIP_ROWS.decode(record["townships"]), _ITEM_ROWS.decode(record["items"])


#: Per county department or dispatched agency, its dispatches of calls raised in [$2, $3):
#: signed for (on time), answered (on time), sent back by the unit itself, moved off it by the
#: county office (转派: the dispatch closed with reason ``转派：…``), and the township's rating
#: of closed calls it did not send back. Only counts: no names, no contacts, no call text.
_DEPARTMENT_CALLS = """
SELECT u.code AS unit_code, u.name AS unit_name, u.kind AS unit_kind,
       count(*)::int AS received,
       (count(*) FILTER (WHERE d.signed_at IS NOT NULL))::int AS signed,
       (count(*) FILTER (WHERE d.signed_at <= d.sign_deadline))::int AS signed_on_time,
       (count(*) FILTER (WHERE d.answered_at IS NOT NULL))::int AS answered,
       (count(*) FILTER (WHERE d.answered_at <= d.answer_deadline))::int AS answered_on_time,
       (count(*) FILTER (WHERE d.state = 'sent_back' AND d.send_back_reason NOT LIKE '转派：%'))::int AS sent_back,
       (count(*) FILTER (WHERE d.state = 'sent_back' AND d.send_back_reason LIKE '转派：%'))::int AS rerouted,
       (count(*) FILTER (WHERE d.state <> 'sent_back' AND c.closed_at IS NOT NULL
                         AND c.satisfaction = 'satisfied'))::int AS satisfied,
       (count(*) FILTER (WHERE d.state <> 'sent_back' AND c.closed_at IS NOT NULL
                         AND c.satisfaction = 'basically_satisfied'))::int AS basically_satisfied,
       (count(*) FILTER (WHERE d.state <> 'sent_back' AND c.closed_at IS NOT NULL
                         AND c.satisfaction = 'dissatisfied'))::int AS dissatisfied
  FROM call_dispatches d
  JOIN calls c ON c.tenant_id = $1 AND c.id = d.call_id
  JOIN units u ON u.tenant_id = $1 AND u.code = d.unit_code
 WHERE d.tenant_id = $1 AND d.raised_at >= $2 AND d.raised_at < $3
 GROUP BY u.code, u.name, u.kind
 ORDER BY u.code
"""


async def department_calls(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, lower: datetime.datetime, upper: datetime.datetime
) -> list[DepartmentCallsRow]:
    return rows_as(DepartmentCallsRow, await conn.fetch(_DEPARTMENT_CALLS, tenant_id, lower, upper))


async def scheme_at(conn: asyncpg.Connection, tenant_id: uuid.UUID, as_of: datetime.date) -> SchemeRow | None:
    """The evaluation scheme in force at ``as_of``: the scheme frozen in the period that contains
    it (the latest starting one), else the tenant's current scheme; None when the tenant never
    saved one (the plugin's or core's default applies)."""
    record = await conn.fetchrow(
        "SELECT document, source FROM ("
        " SELECT p.scheme::text AS document, 'period ' || p.code AS source, 0 AS rank, p.starts_on"
        "   FROM evaluation_periods p WHERE p.tenant_id = $1 AND p.starts_on <= $2 AND p.ends_on >= $2"
        " UNION ALL SELECT s.document::text, 'tenant', 1, NULL FROM evaluation_schemes s WHERE s.tenant_id = $1"
        ") found ORDER BY rank, starts_on DESC NULLS LAST LIMIT 1",
        tenant_id,
        as_of,
    )
    return None if record is None else SchemeRow(*record)


# --------------------------------------------------------------------------- provision profiles


class ProvisionItemRow(_Row, frozen=True):
    """An item of the catalog version in force citing an article of a shared legal document."""

    document_id: uuid.UUID
    document_title: str
    short_title: str
    article: int
    code: str
    title: str
    role: str
    side: str
    townships: int


#: The items of the county's catalog version in force at $2 (published, effective by then: the
#: latest) that cite an article of the shared library ($6: its tenant), each with its side —
#: ``county`` (recovered, or never on a township list), ``township`` (basic, or the township
#: bears the primary responsibility), ``shared`` (a county department leads, the township
#: cooperates) — and the townships whose list in force holds it. $3…$5: as in _IN_FORCE.
#: $7: a county-level division of the tenant's tree, or NULL for the whole tenant. A district
#: shares its tenant's catalog, so its duties are what its own townships' lists in force hold
#: (counted over its townships only) and the county-side items, which its bureaus keep as every
#: district's do; the catalog's township items that none of its townships holds are another
#: district's.
_PROVISION_ITEMS = f"""
WITH {_IN_FORCE}, cv AS (
  SELECT max(v.number) AS number FROM catalog_versions v
   WHERE v.tenant_id = $1 AND v.status = 'published' AND v.effective_date <= $2
), holders AS (
  SELECT e.item_code, count(*)::int AS townships FROM e
   WHERE $7::text IS NULL
      OR e.township_code IN (SELECT j.code FROM jurisdictions j WHERE j.tenant_id = $1 AND j.parent_code = $7)
   GROUP BY e.item_code
),
items AS (
  SELECT i.code, i.title, i.version,
         CASE WHEN i.kinds && $5::text[] THEN 'recovered' WHEN i.kinds && $3::text[] THEN 'basic'
              WHEN i.kinds && $4::text[] THEN 'cooperating' ELSE 'other' END AS role,
         i.township_scope,
         EXISTS (SELECT 1 FROM catalog_responsibilities p WHERE p.tenant_id = $1 AND p.version = i.version
                    AND p.item_code = i.code AND p.party = 'township' AND p.role = 'primary') AS township_primary
    FROM cv JOIN catalog_items i ON i.tenant_id = $1 AND i.version = cv.number AND i.status = 'active'
)
SELECT DISTINCT d.id AS document_id, d.title AS document_title, d.short_title, c.article, it.code, it.title, it.role,
       CASE WHEN it.role = 'recovered' OR it.township_scope = 'none' THEN 'county'
            WHEN it.role = 'basic' OR (it.role = 'other' AND it.township_primary) THEN 'township'
            ELSE 'shared' END AS side,
       coalesce(h.townships, 0) AS townships
  FROM items it
  JOIN item_citations c ON c.tenant_id = $1 AND c.version = it.version AND c.item_code = it.code
   AND c.document_tenant = $6 AND c.article IS NOT NULL
  JOIN legal_documents d ON d.tenant_id = $6 AND d.id = c.document_id
  LEFT JOIN holders h ON h.item_code = it.code
 WHERE $7::text IS NULL OR h.townships > 0 OR it.role = 'recovered' OR it.township_scope = 'none'
 ORDER BY d.id, c.article, it.code
"""


async def provision_items(
    conn: asyncpg.Connection,
    tenant_id: uuid.UUID,
    as_of: datetime.date,
    roles: tuple[list[str], list[str], list[str]],
    shared_tenant: uuid.UUID,
    district: str | None = None,
) -> list[ProvisionItemRow]:
    """The provision items of the whole tenant, or of one of its districts (see above)."""
    records = await conn.fetch(_PROVISION_ITEMS, tenant_id, as_of, *roles, shared_tenant, district)
    return rows_as(ProvisionItemRow, records)


class DistrictRow(_Row, frozen=True):
    """A county-level division of a tenant's tree with townships under it: a unit of oversight."""

    code: str
    name: str


class TenantDistrictRow(_Row, frozen=True):
    tenant_id: uuid.UUID
    code: str
    name: str


async def districts(
    conn: asyncpg.Connection, tenant_ids: list[uuid.UUID], township_kinds: list[str]
) -> list[TenantDistrictRow]:
    """The tenants' county-level divisions with at least one township (of ``township_kinds``)
    directly under them, by tenant and code."""
    records = await conn.fetch(
        "SELECT d.tenant_id, d.code, d.name FROM jurisdictions d"
        " WHERE d.tenant_id = ANY($1::uuid[]) AND d.kind = ANY($2::text[]) AND EXISTS ("
        "  SELECT 1 FROM jurisdictions t WHERE t.tenant_id = d.tenant_id AND t.parent_code = d.code"
        "  AND t.kind = ANY($3::text[]))"
        " ORDER BY d.tenant_id, d.code",
        tenant_ids,
        list(COUNTY_LEVEL_KINDS),
        township_kinds,
    )
    return rows_as(TenantDistrictRow, records)


class PortalFiguresRow(_Row, frozen=True):
    charts: list[str]
    revision: int
    updated_at: datetime.datetime


async def portal_figures(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, *, lock: bool = False
) -> PortalFiguresRow | None:
    """The charts the county publishes on its portal, None until its admin chooses."""
    record = await conn.fetchrow(
        "SELECT charts, revision, updated_at FROM portal_figures WHERE tenant_id = $1"
        + (" FOR UPDATE" if lock else ""),
        tenant_id,
    )
    return maybe_row_as(PortalFiguresRow, record)


async def save_portal_figures(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, charts: list[str], revision: int
) -> PortalFiguresRow | None:
    """Insert or replace the choice, one revision up; None when its revision is no longer
    ``revision`` (a first choice written meanwhile by another request)."""
    record = await conn.fetchrow(
        "INSERT INTO portal_figures AS f (tenant_id, charts) VALUES ($1, $2)"
        " ON CONFLICT (tenant_id) DO UPDATE SET charts = excluded.charts, revision = f.revision + 1,"
        " updated_at = excluded.updated_at WHERE f.revision = $3"
        " RETURNING charts, revision, updated_at",
        tenant_id,
        charts,
        revision,
    )
    return maybe_row_as(PortalFiguresRow, record)
