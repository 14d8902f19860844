"""Accountability by the list (依单问责) and notices (依单履职告知书).

A case names the party (a township, a unit, or a township's post), the list item, the
situation (the jurisdiction's situations of not performing by the list), the facts and
their date. The system reads the list **as it stood on that date** and records what it
finds — "失职依单追责、尽职依单免责":

* a township: its published list version in force on the date (``township_list_versions``
  by effective date) and, for the item on it, the township's role in the catalog version
  that list version was built on (primary / cooperating; a recovered item without a
  township duty: none);
* a unit: the catalog version in force on the date (published, by effective date) and the
  unit's responsibility there (a receiving department of a recovered item is primary; a
  dispatched agency answers with its sending department's role);
* a post: the township's role on the date, for the entry the post holds as A or B (AB角).

Outcome: ``accountable`` (held primary or cooperating and did not perform), ``exempt``
(performed its listed part, or held no responsibility) or ``not_on_list`` (the item was not
on the party's list that day: 清单之外无事项). An item the party never held in any version
is refused (422, naming it) and nothing is written.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

import msgspec

from core.catalog.structure import kinds_with_role, structure_in
from core.evaluation.schemes import accountability_rules
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import Checked, stored_number
from core.security import audit
from core.security.access import Access, Role
from core.security.permissions import deny, require_admin

ROLE_LABELS = {"primary": "主体责任", "cooperating": "配合责任", "none": "不承担责任"}
OUTCOME_LABELS = {"accountable": "依单追责", "exempt": "依单免责", "not_on_list": "清单之外，不予追责"}


class LabelView(msgspec.Struct):
    code: str
    label: str


class SituationsView(msgspec.Struct):
    situations: list[LabelView]
    methods: list[LabelView]
    note: str


class CaseCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    party_kind: Literal["township", "unit", "post"]
    party: Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["370902100000"])]
    item_code: Annotated[str, msgspec.Meta(min_length=1, max_length=48, examples=["TA-YJ-003"])]
    situation: str
    facts: Annotated[str, msgspec.Meta(min_length=2, max_length=5000)]
    facts_date: datetime.date
    township: str | None = None  # the post's township (party_kind post)
    performed: bool = False
    method: str | None = None


class CaseView(msgspec.Struct):
    number: int
    party_kind: str
    party: str
    township_code: str | None
    item_code: str
    situation: str
    situation_label: str
    facts: str
    facts_date: datetime.date
    performed: bool
    responsibility: str
    responsibility_label: str
    outcome: str
    outcome_label: str
    method: str | None
    method_label: str | None
    basis: dict[str, Any]
    created_at: datetime.datetime


class NoticeCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    recipient_kind: Literal["township", "unit"]
    recipient: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    content: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    issued_on: datetime.date
    case_number: int | None = None
    item_code: str | None = None


class NoticeView(msgspec.Struct):
    number: int
    document_number: str
    title: str
    recipient_kind: str
    recipient: str
    case_number: int | None
    item_code: str | None
    content: str
    issued_on: datetime.date
    created_at: datetime.datetime


def situations(access: Access) -> SituationsView:
    rules = accountability_rules(access.tenant.plugin)
    return SituationsView(
        situations=[LabelView(s.code, s.label) for s in rules.situations],
        methods=[LabelView(m.code, m.label) for m in rules.methods],
        note=rules.note,
    )


# --- resolving the responsibility as of a date ----------------------------------------------

_TOWNSHIP_AS_OF = """
WITH v AS (
  SELECT number, catalog_version, effective_date FROM township_list_versions
   WHERE tenant_id = $1 AND township_code = $2 AND effective_date <= $4
   ORDER BY effective_date DESC, number DESC LIMIT 1)
SELECT
  (SELECT name FROM jurisdictions WHERE tenant_id = $1 AND code = $2) AS party_name,
  EXISTS (SELECT 1 FROM township_version_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3)
  OR EXISTS (SELECT 1 FROM township_entries WHERE tenant_id = $1 AND township_code = $2 AND item_code = $3)
    AS ever,
  v.number, v.catalog_version, v.effective_date,
  EXISTS (SELECT 1 FROM township_version_entries e WHERE e.tenant_id = $1 AND e.township_code = $2
          AND e.number = v.number AND e.item_code = $3) AS listed,
  i.title, i.kinds,
  (SELECT array_agg(r.role ORDER BY r.role DESC) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.catalog_version AND r.item_code = $3 AND r.party = 'township') AS roles,
  (SELECT array_agg(r.party) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.catalog_version AND r.item_code = $3 AND r.role = 'primary') AS primary_parties
FROM (SELECT 1) one
LEFT JOIN v ON true
LEFT JOIN catalog_items i ON i.tenant_id = $1 AND i.version = v.catalog_version AND i.code = $3
"""

_UNIT_AS_OF = """
WITH v AS (
  SELECT number, effective_date FROM catalog_versions
   WHERE tenant_id = $1 AND status = 'published' AND effective_date <= $4
   ORDER BY effective_date DESC, number DESC LIMIT 1),
u AS (SELECT code, name, kind, parent_unit_code FROM units WHERE tenant_id = $1 AND code = $2)
SELECT u.name AS party_name, u.kind, u.parent_unit_code,
  EXISTS (SELECT 1 FROM catalog_responsibilities r WHERE r.tenant_id = $1 AND r.item_code = $3
          AND r.party IN (u.code, u.parent_unit_code))
  OR EXISTS (SELECT 1 FROM catalog_items i WHERE i.tenant_id = $1 AND i.code = $3
             AND i.recovery->>'receiving_unit' IN (u.code, u.parent_unit_code)) AS ever,
  v.number AS catalog_version, v.effective_date, i.title, i.kinds, i.status,
  i.recovery->>'receiving_unit' AS receiving_unit,
  (SELECT array_agg(r.party || ':' || r.role) FROM catalog_responsibilities r WHERE r.tenant_id = $1
     AND r.version = v.number AND r.item_code = $3) AS duties
FROM u
LEFT JOIN v ON true
LEFT JOIN catalog_items i ON i.tenant_id = $1 AND i.version = v.number AND i.code = $3
"""

_POST_ASSIGNMENT = """
SELECT p.name, a.a_post = $3 AS is_a, a.leader, a.office_code
  FROM posts p LEFT JOIN entry_assignments a ON a.tenant_id = p.tenant_id AND a.township_code = p.township_code
   AND a.item_code = $4 AND $3 IN (a.a_post, a.b_post)
 WHERE p.tenant_id = $1 AND p.township_code = $2 AND p.code = $3
"""


def _never(party: str, item: str, why: str = "") -> ValidationFailed:
    return ValidationFailed.on("item_code", f"{party} never held item {item} in any version of its list{why}")


async def _township_role(conn: Any, access: Access, township: str, item: str, day: datetime.date) -> tuple[str, dict]:
    row = await conn.fetchrow(_TOWNSHIP_AS_OF, access.tenant.id, township, item, day)
    if row["party_name"] is None:
        raise ValidationFailed.on("party", f"no township {township} in this tenant")
    if not row["ever"]:
        raise _never(f"township {township} ({row['party_name']})", item)
    basis: dict[str, Any] = {
        "party_name": row["party_name"],
        "list_version": row["number"],
        "list_effective_date": row["effective_date"].isoformat() if row["effective_date"] else None,
        "catalog_version": row["catalog_version"],
        "item_title": row["title"],
        "item_kinds": list(row["kinds"] or []),
        "primary_parties": sorted(row["primary_parties"] or []),
    }
    if row["number"] is None:
        basis["finding"] = f"{day} 时 {row['party_name']} 尚无已公布的清单"
        return "not_on_list", basis
    if not row["listed"]:
        basis["finding"] = f"{day} 适用的清单（第{row['number']}版）中没有事项 {item}"
        return "not_on_list", basis
    roles = row["roles"] or []
    kinds = set(row["kinds"] or [])
    structure = await structure_in(conn, access.tenant.id)  # kinds' roles are declared, not read off codes
    if "primary" in roles:
        role = "primary"
    elif "cooperating" in roles:
        role = "cooperating"
    elif kinds & kinds_with_role(structure, "recovered"):
        role = "none"
    elif kinds & kinds_with_role(structure, "cooperating"):
        role = "cooperating"
    else:
        role = "primary"
    basis["finding"] = (
        f"{day} 适用的清单（第{row['number']}版，{row['effective_date']} 起施行）中，"
        f"{row['party_name']} 对 {item} {row['title'] or ''} 承担{ROLE_LABELS[role]}"
    )
    return role, basis


async def _unit_role(conn: Any, access: Access, unit: str, item: str, day: datetime.date) -> tuple[str, dict]:
    row = await conn.fetchrow(_UNIT_AS_OF, access.tenant.id, unit, item, day)
    if row is None:
        raise ValidationFailed.on("party", f"no unit {unit} in this tenant")
    if not row["ever"]:
        raise _never(f"unit {unit} ({row['party_name']})", item, " (no responsibility for it in any catalog version)")
    duties = dict(d.split(":", 1) for d in (row["duties"] or []))
    basis: dict[str, Any] = {
        "party_name": row["party_name"],
        "catalog_version": row["catalog_version"],
        "catalog_effective_date": row["effective_date"].isoformat() if row["effective_date"] else None,
        "item_title": row["title"],
        "item_kinds": list(row["kinds"] or []),
        "primary_parties": sorted(p for p, r in duties.items() if r == "primary"),
    }
    if row["catalog_version"] is None or row["title"] is None or row["status"] == "withdrawn":
        basis["finding"] = f"{day} 适用的目录中没有事项 {item}"
        return "not_on_list", basis
    role = "none"
    for party in (unit, row["parent_unit_code"]):
        if party and (duties.get(party) == "primary" or row["receiving_unit"] == party):
            role = "primary"
        elif party and duties.get(party) == "cooperating" and role == "none":
            role = "cooperating"
        if role != "none":
            if party != unit:
                basis["through"] = party
            break
    through = f"（作为 {basis['through']} 的派驻机构）" if "through" in basis else ""
    basis["finding"] = (
        f"{day} 适用的目录（第{row['catalog_version']}版，{row['effective_date']} 起施行）中，"
        f"{row['party_name']}{through} 对 {item} {row['title']} 承担{ROLE_LABELS[role]}"
    )
    return role, basis


async def resolve(
    conn: Any, access: Access, party_kind: str, party: str, township: str | None, item: str, day: datetime.date
) -> tuple[str, str | None, dict]:
    """(responsibility or ``not_on_list``, the township involved, the basis found)."""
    if party_kind == "township":
        role, basis = await _township_role(conn, access, party, item, day)
        return role, party, basis
    if party_kind == "unit":
        role, basis = await _unit_role(conn, access, party, item, day)
        return role, None, basis
    if not township:
        raise ValidationFailed.on("township", "a post belongs to a township: name it")
    post = await conn.fetchrow(_POST_ASSIGNMENT, access.tenant.id, township, party, item)
    if post is None:
        raise ValidationFailed.on("party", f"no post {party} in township {township}")
    if post["is_a"] is None:
        raise _never(f"post {party} ({post['name']}) of {township}", item, " (it is not assigned to it as A or B)")
    role, basis = await _township_role(conn, access, township, item, day)
    basis.update(
        post_name=post["name"],
        post_role="A" if post["is_a"] else "B",
        leader=post["leader"],
        office_code=post["office_code"],
    )
    return role, township, basis


# --- cases --------------------------------------------------------------------------------

_CASE_COLUMNS = (
    "number, party_kind, party, township_code, item_code, situation, facts, facts_date, performed,"
    " responsibility, outcome, method, basis::text, created_at"
)


def _case(row: Any, access: Access) -> CaseView:
    rules = accountability_rules(access.tenant.plugin)
    situation = {s.code: s.label for s in rules.situations}
    method = {m.code: m.label for m in rules.methods}
    data = dict(row)
    data["basis"] = msgspec.json.decode(data["basis"])
    return CaseView(
        **data,
        situation_label=situation.get(row["situation"], row["situation"]),
        responsibility_label=ROLE_LABELS[row["responsibility"]],
        outcome_label=OUTCOME_LABELS[row["outcome"]],
        method_label=method.get(row["method"]) if row["method"] else None,
    )


async def open_case(access: Access, data: CaseCreate) -> CaseView:
    """Record a case with the responsibility found in the list as of the facts' date."""
    require_admin(access, "record accountability cases")
    rules = accountability_rules(access.tenant.plugin)
    if data.situation not in {s.code for s in rules.situations}:
        known = ", ".join(f"{s.code} ({s.label})" for s in rules.situations)
        raise ValidationFailed.on("situation", f"unknown situation {data.situation!r}; one of {known}")
    if data.method is not None and data.method not in {m.code for m in rules.methods}:
        known = ", ".join(f"{m.code} ({m.label})" for m in rules.methods)
        raise ValidationFailed.on("method", f"unknown method {data.method!r}; one of {known}")
    async with tenant_transaction(access.tenant.id) as conn:
        found, township, basis = await resolve(
            conn, access, data.party_kind, data.party, data.township, data.item_code, data.facts_date
        )
        if found == "not_on_list":
            responsibility, outcome = "none", "not_on_list"
        elif found == "none" or data.performed:
            responsibility, outcome = found, "exempt"
        else:
            responsibility, outcome = found, "accountable"
        if data.method is not None and outcome != "accountable":
            raise ValidationFailed.on(
                "method", f"no accountability method applies: the outcome is {outcome} ({OUTCOME_LABELS[outcome]})"
            )
        basis["principle"] = "失职依单追责、尽职依单免责"
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"cases:{access.tenant.id}")
        row = await conn.fetchrow(
            "INSERT INTO accountability_cases (tenant_id, number, party_kind, party, township_code, item_code,"
            " situation, facts, facts_date, performed, responsibility, outcome, method, basis, created_by)"
            " SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14"
            f" FROM accountability_cases WHERE tenant_id = $1 RETURNING {_CASE_COLUMNS}",
            access.tenant.id,
            data.party_kind,
            data.party,
            township,
            data.item_code,
            data.situation,
            data.facts,
            data.facts_date,
            data.performed,
            responsibility,
            outcome,
            data.method,
            msgspec.json.encode(basis).decode(),
            access.principal.key_id,
        )
        assert row is not None  # INSERT … RETURNING returns the row it inserted
        await audit.record(
            access,
            "accountability_case",
            str(row["number"]),
            "create",
            after={"party": data.party, "item_code": data.item_code, "outcome": outcome},
        )
    return _case(row, access)


def _case_scope(access: Access) -> str | None:
    if access.is_admin or access.role is Role.READER:
        return None
    return access.principal.scope_code


async def list_cases(access: Access, *, party: str | None = None, item_code: str | None = None) -> list[CaseView]:
    scope = _case_scope(access)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            f"SELECT {_CASE_COLUMNS} FROM accountability_cases WHERE tenant_id = $1"
            " AND ($2::text IS NULL OR party = $2) AND ($3::text IS NULL OR item_code = $3)"
            " AND ($4::text IS NULL OR party = $4 OR township_code = $4) ORDER BY number",
            access.tenant.id,
            party,
            item_code,
            scope,
        )
    return [_case(r, access) for r in rows]


async def get_case(access: Access, number: int) -> CaseView:
    stored_number(number, "accountability case")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await conn.fetchrow(
            f"SELECT {_CASE_COLUMNS} FROM accountability_cases WHERE tenant_id = $1 AND number = $2",
            access.tenant.id,
            number,
        )
    if row is None:
        raise NotFound(f"no accountability case {number}")
    scope = _case_scope(access)
    if scope is not None and scope not in (row["party"], row["township_code"]):
        raise deny(access, f"read case {number}; a {access.role.value} key reads its own")
    return _case(row, access)


# --- notices ------------------------------------------------------------------------------

NOTICE_TITLE = "依单履职告知书"
_NOTICE_COLUMNS = "number, recipient_kind, recipient, case_number, item_code, content, issued_on, created_at"


def _notice(row: Any) -> NoticeView:
    return NoticeView(
        **dict(row), title=NOTICE_TITLE, document_number=f"{NOTICE_TITLE}〔{row['issued_on'].year}〕{row['number']}号"
    )


async def issue_notice(access: Access, data: NoticeCreate) -> NoticeView:
    require_admin(access, "issue notices")
    async with tenant_transaction(access.tenant.id) as conn:
        if data.recipient_kind == "township":
            exists = await conn.fetchval(
                "SELECT 1 FROM jurisdictions WHERE tenant_id = $1 AND code = $2 AND kind = ANY($3)",
                access.tenant.id,
                data.recipient,
                ["town", "township", "street", "development_zone"],
            )
        else:
            exists = await conn.fetchval(
                "SELECT 1 FROM units WHERE tenant_id = $1 AND code = $2", access.tenant.id, data.recipient
            )
        if not exists:
            raise ValidationFailed.on("recipient", f"no {data.recipient_kind} {data.recipient} in this tenant")
        if data.case_number is not None and not await conn.fetchval(
            "SELECT 1 FROM accountability_cases WHERE tenant_id = $1 AND number = $2",
            access.tenant.id,
            data.case_number,
        ):
            raise ValidationFailed.on("case_number", f"no accountability case {data.case_number}")
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"notices:{access.tenant.id}")
        row = await conn.fetchrow(
            "INSERT INTO accountability_notices (tenant_id, number, recipient_kind, recipient, case_number,"
            " item_code, content, issued_on) SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7"
            f" FROM accountability_notices WHERE tenant_id = $1 RETURNING {_NOTICE_COLUMNS}",
            access.tenant.id,
            data.recipient_kind,
            data.recipient,
            data.case_number,
            data.item_code,
            data.content,
            data.issued_on,
        )
        assert row is not None  # INSERT … SELECT of an aggregate inserts exactly one row
        await audit.record(access, "accountability_notice", str(row["number"]), "issue", after={"to": data.recipient})
    return _notice(row)


async def list_notices(access: Access, *, recipient: str | None = None) -> list[NoticeView]:
    scope = _case_scope(access)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            f"SELECT {_NOTICE_COLUMNS} FROM accountability_notices WHERE tenant_id = $1"
            " AND ($2::text IS NULL OR recipient = $2) AND ($3::text IS NULL OR recipient = $3) ORDER BY number",
            access.tenant.id,
            recipient,
            scope,
        )
    return [_notice(r) for r in rows]
