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
from functools import partial
from typing import Annotated, Any

import msgspec

from core.catalog.editing import register_follower
from core.catalog.queries import items_for, provisions_for
from core.catalog.reading import CitedProvision, ItemView, decode_provisions, item_view
from core.events import service as events
from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, NotFound, ValidationFailed
from core.platform.generations import GENERATION
from core.platform.inputs import NAME, Checked, check_day, stored_number
from core.platform.versioning import check_version
from core.publication import bodies as published_bodies
from core.publication import search
from core.security import audit
from core.security.access import Access, Role
from core.security.idempotency import fingerprint, once
from core.security.permissions import deny, require_admin

Local = Annotated[str, msgspec.Meta(max_length=500), NAME]


class Claim(msgspec.Struct, forbid_unknown_fields=True):
    item_code: str
    justification: Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]


class EntryUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    responsible_office: Local | msgspec.UnsetType = msgspec.UNSET
    post: Local | msgspec.UnsetType = msgspec.UNSET
    contact: Local | msgspec.UnsetType = msgspec.UNSET
    note: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    confirm: bool = False
    revision: int | msgspec.UnsetType = msgspec.UNSET


class EntryComment(msgspec.Struct, forbid_unknown_fields=True):
    item_code: str
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ReturnRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    comments: list[EntryComment] = []


class ListPublish(msgspec.Struct, Checked, forbid_unknown_fields=True):
    effective_date: datetime.date


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
    raise deny(access, f"{action} for township {township}")


async def _list_row(conn: Any, access: Access, township: str, *, lock: bool = False) -> Any:
    row = await conn.fetchrow(
        "SELECT l.*, j.name AS township_name FROM township_lists l JOIN jurisdictions j"
        " ON j.tenant_id = l.tenant_id AND j.code = l.township_code"
        " WHERE l.tenant_id = $1 AND l.township_code = $2" + (" FOR UPDATE OF l" if lock else ""),
        access.tenant.id,
        township,
    )
    if row is None:
        kind = await conn.fetchval(
            "SELECT kind FROM jurisdictions WHERE tenant_id = $1 AND code = $2", access.tenant.id, township
        )
        if kind is None or KINDS[kind].level != TOWNSHIP_LEVEL:
            raise NotFound(f"no township {township}")
        raise NotFound(f"township {township} has no list yet: the county publishes its catalog first")
    return row


async def _touch(conn: Any, access: Access, township: str, *, to_draft: bool = True) -> None:
    """Every edit of the working copy bumps its revision; a published list becomes a draft."""
    await conn.execute(
        "UPDATE township_lists SET revision = revision + 1, updated_at = now(),"
        " status = CASE WHEN $3 AND status IN ('published', 'filed') THEN 'draft' ELSE status END"
        " WHERE tenant_id = $1 AND township_code = $2",
        access.tenant.id,
        township,
        to_draft,
    )


def _editable(row: Any) -> None:
    if row["status"] == "submitted":
        raise Conflict(
            f"the list of {row['township_code']} is submitted for review; wait for it to be returned or filed"
        )


# --- following the catalog -----------------------------------------------------------------


async def follow_catalog(conn: Any, access: Access, version: int) -> int:
    """Bring every township's working copy to catalog ``version`` (in bulk, in the caller's
    transaction). Returns the number of lists that changed.

    One statement; its parts touch disjoint rows (PostgreSQL forbids changing a row twice
    in one statement): active entries are removed, flagged or annotated, removed ones revived,
    missing ones added.
    """
    tid = access.tenant.id
    note = f"参考目录第{version}版"
    await conn.execute(
        "INSERT INTO township_lists (tenant_id, township_code, catalog_version)"
        " SELECT tenant_id, code, $2 FROM jurisdictions WHERE tenant_id = $1 AND kind = ANY($3)"
        " ON CONFLICT DO NOTHING",
        tid,
        version,
        [k for k, v in KINDS.items() if v.level == TOWNSHIP_LEVEL],
    )
    # Right after a bulk import the tables have no statistics; the planner then takes the
    # two catalog versions for one row each and joins them in nested loops (over a minute
    # for 5,000 items). Hash joins are right at every size here.
    await conn.execute("SET LOCAL enable_nestloop = off")
    changed = await conn.fetch(
        """
        WITH cur AS (
          SELECT code, title, status, township_scope, content_hash, withdrawn_reason, successor_code
            FROM catalog_items WHERE tenant_id = $1 AND version = $2
        ), prev AS (
          SELECT code, content_hash FROM catalog_items WHERE tenant_id = $1 AND version = $2 - 1
        ), removed AS (
          UPDATE township_entries e SET state = 'removed',
                 change_note = $3 || '：已撤销 — ' || coalesce(cur.withdrawn_reason, '不再属于乡镇(街道)清单')
                   || coalesce('（并入 ' || cur.successor_code || '）', '')
            FROM cur WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.state <> 'removed'
             AND (cur.status = 'withdrawn' OR cur.township_scope = 'none')
          RETURNING e.township_code
        ), reconfirm AS (
          UPDATE township_entries e SET state = 'needs_confirmation',
                 change_note = $3 || '：认领事项内容已变更，请重新确认'
            FROM cur JOIN prev ON prev.code = cur.code
           WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.origin = 'claimed'
             AND e.state = 'active' AND cur.status = 'active' AND cur.content_hash <> prev.content_hash
          RETURNING e.township_code
        ), updated AS (
          UPDATE township_entries e SET change_note = $3 || '：事项内容已更新'
            FROM cur JOIN prev ON prev.code = cur.code
           WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.origin = 'automatic'
             AND e.state = 'active' AND cur.status = 'active' AND cur.township_scope = 'all'
             AND cur.content_hash <> prev.content_hash
          RETURNING e.township_code
        ), revived AS (
          UPDATE township_entries e SET state = 'active', change_note = $3 || '：恢复'
            FROM cur WHERE e.tenant_id = $1 AND e.item_code = cur.code AND e.state = 'removed'
             AND e.origin = 'automatic' AND cur.status = 'active' AND cur.township_scope = 'all'
          RETURNING e.township_code
        ), added AS (
          INSERT INTO township_entries (tenant_id, township_code, item_code, origin, change_note)
          SELECT $1, l.township_code, cur.code, 'automatic', $3 || '：新增'
            FROM township_lists l CROSS JOIN cur
           WHERE l.tenant_id = $1 AND cur.status = 'active' AND cur.township_scope = 'all'
             AND NOT EXISTS (SELECT 1 FROM township_entries e WHERE e.tenant_id = $1
                             AND e.township_code = l.township_code AND e.item_code = cur.code)
          RETURNING township_code
        )
        SELECT township_code FROM removed UNION SELECT township_code FROM reconfirm
        UNION SELECT township_code FROM updated UNION SELECT township_code FROM revived
        UNION SELECT township_code FROM added
        """,
        tid,
        version,
        note,
    )
    await conn.execute("SET LOCAL enable_nestloop = on")
    codes = [r["township_code"] for r in changed]
    await conn.execute(
        "UPDATE township_lists SET catalog_version = $2, revision = revision + 1, updated_at = now(),"
        " status = CASE WHEN township_code = ANY($3) AND status IN ('published', 'filed') THEN 'draft'"
        " ELSE status END WHERE tenant_id = $1",
        tid,
        version,
        codes,
    )
    return len(codes)


# --- reading -------------------------------------------------------------------------------

# A whole list is read by one set-based statement (core.catalog.queries.items_for); its generic plan,
# which PostgreSQL may switch to for a prepared statement, is far slower than a custom one.
_CUSTOM_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan"

_ENTRY_COLUMNS = (
    "e.origin, e.justification, e.responsible_office, e.post, e.contact, e.note, e.state,"
    " e.change_note, e.review_comment"
)


def _entries(records: list[Any]) -> list[Entry]:
    return [
        Entry(
            item=item_view(r),
            origin=r["origin"],
            justification=r["justification"],
            responsible_office=r["responsible_office"],
            post=r["post"],
            contact=r["contact"],
            note=r["note"],
            state=r["state"],
            change_note=r["change_note"],
            review_comment=r["review_comment"],
        )
        for r in records
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
        raise deny(access, f"read the working list of {township}; read its published list")
    async with tenant_transaction(access.tenant.id) as conn:
        return await _working(conn, access, township)


async def _working(conn: Any, access: Access, township: str) -> TownshipList:
    """The working copy read in the caller's transaction: a change answers with the list it
    made in its own transaction (no second BEGIN, no second COMMIT)."""
    row = await _list_row(conn, access, township)
    await conn.execute(_CUSTOM_PLAN)
    selection = (
        f"SELECT e.tenant_id, $2::int AS version, e.item_code AS code, {_ENTRY_COLUMNS}"
        " FROM township_entries e WHERE e.tenant_id = $1 AND e.township_code = $3"
    )
    arguments = (access.tenant.id, row["catalog_version"], township)
    records = await conn.fetch(items_for(selection), *arguments)
    provisions = await conn.fetchval(provisions_for(selection), *arguments)
    entries = _entries(records)
    return TownshipList(
        township_code=township,
        township_name=row["township_name"],
        status=row["status"],
        catalog_version=row["catalog_version"],
        revision=row["revision"],
        published_number=row["published_number"],
        review_note=row["review_note"],
        version=None,
        effective_date=None,
        entries=entries,
        counts=_counts(entries),
        provisions=decode_provisions(provisions),
    )


#: The latest version (or by number, or as of a date) and the content generation, with
#: the list's own row: everything a cached published list needs checked, in one statement.
_PUBLISHED_HEAD = f"""
SELECT l.revision, l.published_number, j.name AS township_name, v.number, v.catalog_version,
       v.effective_date, {GENERATION} AS generation
  FROM township_lists l
  JOIN jurisdictions j ON j.tenant_id = l.tenant_id AND j.code = l.township_code
  LEFT JOIN LATERAL (
    SELECT number, catalog_version, effective_date FROM township_list_versions
     WHERE tenant_id = l.tenant_id AND township_code = l.township_code
       AND ($3::int IS NULL OR number = $3) AND ($4::date IS NULL OR effective_date <= $4)
     ORDER BY effective_date DESC, number DESC LIMIT 1) v ON true
 WHERE l.tenant_id = $1 AND l.township_code = $2
"""


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


async def _build_published(conn: Any, access: Access, township: str, head: Any) -> bytes:
    await conn.execute(_CUSTOM_PLAN)
    selection = (
        "SELECT e.tenant_id, $2::int AS version, e.item_code AS code, e.origin, e.justification,"
        " e.responsible_office, e.post, e.contact, e.note, 'active' AS state, '' AS change_note,"
        " '' AS review_comment FROM township_version_entries e WHERE e.tenant_id = $1"
        " AND e.township_code = $3 AND e.number = $4"
    )
    arguments = (access.tenant.id, head["catalog_version"], township, head["number"])
    entries = _entries(await conn.fetch(items_for(selection), *arguments))
    provisions = decode_provisions(await conn.fetchval(provisions_for(selection), *arguments))
    return msgspec.json.encode(_Published(entries, _counts(entries), provisions))


async def _stored_body(conn: Any, access: Access, township: str, head: Any) -> published_bodies.Body:
    """The version's body, encoded once per content generation and shared by every process
    (see :mod:`core.publication.bodies`)."""
    key = (access.tenant.id, township, head["number"])
    return await published_bodies.body(
        conn, key, head["generation"], partial(_build_published, conn, access, township, head)
    )


async def _published_body(conn: Any, access: Access, township: str, head: Any) -> _Published:
    found = await _stored_body(conn, access, township, head)
    body: _Published = published_bodies.cache.decoded(
        (access.tenant.id, township, head["number"]), found, _published_decoder.decode
    )
    return body


async def _published_head(
    conn: Any, access: Access, township: str, number: int | None, as_of: datetime.date | None
) -> Any:
    if number is not None:
        stored_number(number, f"published version of township {township}'s list numbered")
    check_day("as_of", as_of)
    head = await conn.fetchrow(_PUBLISHED_HEAD, access.tenant.id, township, number, as_of)
    if head is None:
        await _list_row(conn, access, township)  # raises the precise 404
        raise NotFound(f"township {township} has no published list")  # _list_row found none either
    if head["number"] is None:
        when = f" as of {as_of}" if as_of else ""
        which = f" version {number}" if number else ""
        raise NotFound(f"township {township} has no published list{which}{when}")
    return head


def _head_view(township: str, head: Any) -> _PublishedHead:
    return _PublishedHead(
        township_code=township,
        township_name=head["township_name"],
        status="published",
        catalog_version=head["catalog_version"],
        revision=head["revision"],
        published_number=head["published_number"],
        review_note="",
        version=head["number"],
        effective_date=head["effective_date"],
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
) -> bytes:
    """:func:`get_published_list` as the JSON of a :class:`TownshipList`, byte for byte,
    without building or encoding the body again (it is stored encoded)."""
    async with tenant_transaction(access.tenant.id) as conn:
        head = await _published_head(conn, access, township, number, as_of)
        found = await _stored_body(conn, access, township, head)
    return published_bodies.splice(msgspec.json.encode(_head_view(township, head)), found.json)


async def list_versions(access: Access, township: str) -> list[ListVersion]:
    async with tenant_transaction(access.tenant.id) as conn:
        await _list_row(conn, access, township)
        records = await conn.fetch(
            "SELECT v.number, v.catalog_version, v.published_at, v.effective_date, v.content_hash,"
            " (SELECT count(*) FROM township_version_entries e WHERE e.tenant_id = v.tenant_id"
            "  AND e.township_code = v.township_code AND e.number = v.number) AS entry_count"
            " FROM township_list_versions v WHERE v.tenant_id = $1 AND v.township_code = $2"
            " ORDER BY v.number",
            access.tenant.id,
            township,
        )
    return [ListVersion(**dict(r)) for r in records]


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
        records = await conn.fetch(
            "SELECT e.township_code, j.name AS township_name, e.justification, e.state, e.claimed_at"
            " FROM township_entries e JOIN jurisdictions j ON j.tenant_id = e.tenant_id"
            " AND j.code = e.township_code WHERE e.tenant_id = $1 AND e.item_code = $2"
            " AND e.origin = 'claimed' ORDER BY e.township_code",
            access.tenant.id,
            item_code,
        )
    return [Claimant(**dict(r)) for r in records]


# --- changing the working copy -------------------------------------------------------------


async def claim(access: Access, township: str, data: Claim) -> TownshipList:
    _require_township_editor(access, township, "claim items")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        item = await conn.fetchrow(
            "SELECT status, township_scope FROM catalog_items WHERE tenant_id = $1 AND version = $2 AND code = $3",
            access.tenant.id,
            row["catalog_version"],
            data.item_code,
        )
        if item is None:
            raise ValidationFailed.on("item_code", f"no item {data.item_code} in the published catalog")
        if item["status"] != "active":
            raise ValidationFailed.on("item_code", f"{data.item_code} is withdrawn")
        if item["township_scope"] == "all":
            raise ValidationFailed.on(
                "item_code", f"{data.item_code} applies to every township already; it is not claimed"
            )
        if item["township_scope"] == "none":
            raise ValidationFailed.on("item_code", f"{data.item_code} is not a township duty")
        inserted = await conn.fetchval(
            "INSERT INTO township_entries (tenant_id, township_code, item_code, origin, justification,"
            " claimed_at) VALUES ($1, $2, $3, 'claimed', $4, now())"
            " ON CONFLICT (tenant_id, township_code, item_code) DO UPDATE SET state = 'active',"
            " justification = excluded.justification, claimed_at = now(), change_note = ''"
            " WHERE township_entries.state = 'removed' RETURNING 1",
            access.tenant.id,
            township,
            data.item_code,
            data.justification,
        )
        if not inserted:
            raise Conflict(f"{township} has already claimed {data.item_code}")
        await _touch(conn, access, township)
        await audit.record(
            access, "township_entry", f"{township}/{data.item_code}", "claim", after=msgspec.to_builtins(data)
        )
        return await _working(conn, access, township)


async def withdraw_claim(access: Access, township: str, item_code: str) -> None:
    _require_township_editor(access, township, "withdraw claims")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        deleted = await conn.fetchval(
            "DELETE FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3"
            " AND origin = 'claimed' RETURNING justification",
            access.tenant.id,
            township,
            item_code,
        )
        if deleted is None:
            raise NotFound(f"{township} has not claimed {item_code}")
        await _touch(conn, access, township)
        await audit.record(
            access, "township_entry", f"{township}/{item_code}", "unclaim", before={"justification": deleted}
        )


async def update_entry(
    access: Access, township: str, item_code: str, data: EntryUpdate, if_match: int | None
) -> TownshipList:
    """Local details of one entry; ``confirm`` re-confirms a changed claimed item."""
    _require_township_editor(access, township, "edit entries")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        _editable(row)
        check_version(row["revision"], if_match, data.revision, field="revision")
        entry = await conn.fetchrow(
            "SELECT * FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3",
            access.tenant.id,
            township,
            item_code,
        )
        if entry is None:
            raise NotFound(f"{item_code} is not on the list of {township}")
        if entry["state"] == "removed":
            raise Conflict(f"{item_code} left the list: {entry['change_note']}")
        values = {
            f: getattr(data, f) if getattr(data, f) is not msgspec.UNSET else entry[f]
            for f in ("responsible_office", "post", "contact", "note")
        }
        state = "active" if data.confirm else entry["state"]
        await conn.execute(
            "UPDATE township_entries SET responsible_office = $4, post = $5, contact = $6, note = $7,"
            " state = $8, change_note = CASE WHEN $9 THEN '' ELSE change_note END"
            " WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3",
            access.tenant.id,
            township,
            item_code,
            *values.values(),
            state,
            data.confirm,
        )
        await _touch(conn, access, township)
        await audit.record(
            access,
            "township_entry",
            f"{township}/{item_code}",
            "update",
            before={f: entry[f] for f in values} | {"state": entry["state"]},
            after=values | {"state": state},
        )
        return await _working(conn, access, township)


# --- review and publication ----------------------------------------------------------------


async def submit(access: Access, township: str, if_match: int | None) -> TownshipList:
    _require_township_editor(access, township, "submit the list")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        check_version(row["revision"], if_match, None, required=False)
        if row["status"] not in ("draft", "returned"):
            raise Conflict(f"a {row['status']} list cannot be submitted; only a draft or returned one")
        counts = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE state = 'active') AS active,"
            " count(*) FILTER (WHERE state = 'needs_confirmation') AS pending"
            " FROM township_entries WHERE tenant_id = $1 AND township_code = $2",
            access.tenant.id,
            township,
        )
        assert counts is not None  # an aggregate without GROUP BY returns one row
        if counts["active"] == 0:
            raise ValidationFailed.on("entries", "the list is empty; claim items before submitting")
        if counts["pending"]:
            raise ValidationFailed.on("entries", f"{counts['pending']} changed claimed items wait for re-confirmation")
        await _set_status(conn, access, township, "submitted", "")
        return await _working(conn, access, township)


async def claim_once(access: Access, township: str, data: Claim, key: str | None) -> tuple[TownshipList, bool]:
    """:func:`claim`, done once per idempotency key; returns (the list, replayed)."""
    work = partial(claim, access, township, data)
    return await once(access, key, fingerprint("claim", township, data), work, TownshipList)


async def submit_once(
    access: Access, township: str, if_match: int | None, key: str | None
) -> tuple[TownshipList, bool]:
    """:func:`submit`, done once per idempotency key; returns (the list, replayed)."""
    work = partial(submit, access, township, if_match)
    return await once(access, key, fingerprint("submit", township), work, TownshipList)


async def _set_status(conn: Any, access: Access, township: str, status: str, note: str) -> None:
    await conn.execute(
        "UPDATE township_lists SET status = $3, review_note = $4, revision = revision + 1,"
        " updated_at = now() WHERE tenant_id = $1 AND township_code = $2",
        access.tenant.id,
        township,
        status,
        note,
    )
    await audit.record(access, "township_list", township, status, after={"status": status, "note": note})
    await events.emit(
        conn,
        access.tenant.id,
        f"township_list.{status}",
        f"townships/{township}/list",
        {"township_code": township, "status": status, "note": note},
    )


async def _reviewing(conn: Any, access: Access, township: str, action: str) -> Any:
    require_admin(access, f"{action} township lists")
    row = await _list_row(conn, access, township, lock=True)
    if row["status"] != "submitted":
        raise Conflict(f"only a submitted list can be {action}ed; this one is {row['status']}")
    return row


async def return_list(access: Access, township: str, data: ReturnRequest) -> TownshipList:
    async with tenant_transaction(access.tenant.id) as conn:
        await _reviewing(conn, access, township, "return")
        codes = [c.item_code for c in data.comments]
        found = await conn.fetchval(
            "SELECT count(*) FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = ANY($3)",
            access.tenant.id,
            township,
            codes,
        )
        if found != len(set(codes)):
            raise ValidationFailed.on("comments", "a comment names an item that is not on this list")
        await conn.execute(
            "UPDATE township_entries SET review_comment = '' WHERE tenant_id = $1 AND township_code = $2",
            access.tenant.id,
            township,
        )
        await conn.execute(
            "UPDATE township_entries e SET review_comment = c.comment"
            " FROM unnest($3::text[], $4::text[]) AS c(item_code, comment)"
            " WHERE e.tenant_id = $1 AND e.township_code = $2 AND e.item_code = c.item_code",
            access.tenant.id,
            township,
            codes,
            [c.comment for c in data.comments],
        )
        await _set_status(conn, access, township, "returned", data.note)
        return await _working(conn, access, township)


async def file_list(access: Access, township: str) -> TownshipList:
    """审核备案: the county accepts the submitted list."""
    async with tenant_transaction(access.tenant.id) as conn:
        await _reviewing(conn, access, township, "file")
        await _set_status(conn, access, township, "filed", "")
        return await _working(conn, access, township)


async def publish_list(access: Access, township: str, data: ListPublish) -> TownshipList:
    """Snapshot a filed list as the next immutable version."""
    require_admin(access, "publish township lists")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _list_row(conn, access, township, lock=True)
        if row["status"] != "filed":
            raise Conflict(f"only a filed list can be published; this one is {row['status']}")
        published = await publish_filed(conn, access, [township], data.effective_date)
    return await get_published_list(access, township, number=published[0][1])


async def publish_filed(
    conn: Any, access: Access, townships: list[str], effective_date: datetime.date
) -> list[tuple[str, int, str]]:
    """Publish the filed lists among ``townships`` in the caller's transaction, set-wise: a
    fixed number of statements whatever the number of lists (one list or a batch of a bulk
    publication, :mod:`core.publication`). Lists that are not filed are skipped. Returns
    (township, version number, content hash) of each list published, in code order.

    No ANALYZE here: the reads of published versions keep their plan without fresh
    statistics (tests/test_plans.py), and analysing a table of millions of rows on every
    publication cost more than the rest of it.
    """
    tid = access.tenant.id
    lists = await conn.fetch(
        "SELECT township_code, published_number + 1 AS number, catalog_version FROM township_lists"
        " WHERE tenant_id = $1 AND township_code = ANY($2::text[]) AND status = 'filed'"
        " ORDER BY township_code FOR UPDATE",
        tid,
        townships,
    )
    if not lists:
        return []
    codes = [r["township_code"] for r in lists]
    digests = await _digests(conn, tid, codes)
    published = [(r["township_code"], r["number"], digests.get(r["township_code"], _EMPTY_DIGEST)) for r in lists]
    await conn.executemany(
        "INSERT INTO township_list_versions (tenant_id, township_code, number, catalog_version,"
        " effective_date, content_hash) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (tid, r["township_code"], r["number"], r["catalog_version"], effective_date, d)
            for r, (_, _, d) in zip(lists, published, strict=True)
        ],
    )
    await conn.execute(
        "INSERT INTO township_version_entries (tenant_id, township_code, number, item_code, origin,"
        " justification, responsible_office, post, contact, note, item_hash)"
        " SELECT e.tenant_id, e.township_code, l.published_number + 1, e.item_code, e.origin, e.justification,"
        " e.responsible_office, e.post, e.contact, e.note, i.content_hash"
        " FROM township_lists l JOIN township_entries e ON e.tenant_id = l.tenant_id"
        " AND e.township_code = l.township_code"
        " JOIN catalog_items i ON i.tenant_id = l.tenant_id AND i.version = l.catalog_version AND i.code = e.item_code"
        " WHERE l.tenant_id = $1 AND l.township_code = ANY($2::text[]) AND e.tenant_id = $1 AND i.tenant_id = $1"
        " AND e.state = 'active'",
        tid,
        codes,
    )
    await conn.execute(
        "UPDATE township_lists SET status = 'published', published_number = published_number + 1,"
        " revision = revision + 1, review_note = '', updated_at = now()"
        " WHERE tenant_id = $1 AND township_code = ANY($2::text[])",
        tid,
        codes,
    )
    # Only the entries that carry a note: rewriting all of them doubled the write.
    await conn.execute(
        "UPDATE township_entries SET review_comment = '', change_note = ''"
        " WHERE tenant_id = $1 AND township_code = ANY($2::text[]) AND (review_comment <> '' OR change_note <> '')",
        tid,
        codes,
    )
    await search.index_township_lists(conn, access, codes)
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


async def _digests(conn: Any, tid: Any, townships: list[str]) -> dict[str, str]:
    """Each list's content hash: sha256 of its active entries (code, item hash, local details)
    in code order — the same bytes for one list or a batch."""
    records = await conn.fetch(
        "SELECT e.township_code, e.item_code, i.content_hash, e.responsible_office, e.post, e.contact, e.note"
        " FROM township_lists l JOIN township_entries e ON e.tenant_id = l.tenant_id"
        " AND e.township_code = l.township_code"
        " JOIN catalog_items i ON i.tenant_id = l.tenant_id AND i.version = l.catalog_version AND i.code = e.item_code"
        " WHERE l.tenant_id = $1 AND l.township_code = ANY($2::text[]) AND e.tenant_id = $1 AND i.tenant_id = $1"
        " AND e.state = 'active' ORDER BY e.township_code, e.item_code",
        tid,
        townships,
    )
    rows: dict[str, list[list[Any]]] = {}
    for r in records:
        rows.setdefault(r[0], []).append([r[1], r[2], r[3], r[4], r[5], r[6]])
    return {code: hashlib.sha256(msgspec.json.encode(entries)).hexdigest() for code, entries in rows.items()}


register_follower(follow_catalog)
