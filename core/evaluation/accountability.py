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

import asyncpg
import msgspec

from core.catalog.structure import kinds_with_role, structure_in
from core.evaluation import queries
from core.evaluation.schemes import accountability_rules
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import Checked, stored_number
from core.platform.messages import Text
from core.security import audit
from core.security.access import Access, Role, role_text
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


def _never(party: Text, item: str, why: Text | str = "") -> ValidationFailed:
    return ValidationFailed.on("item_code", Text("field.never-held-item-any", party=party, item=item, why=why))


async def _township_role(
    conn: asyncpg.Connection, access: Access, township: str, item: str, day: datetime.date
) -> tuple[str, dict]:
    row = await queries.township_as_of(conn, access.tenant.id, township, item, day)
    if row.party_name is None:
        raise ValidationFailed.on("party", Text("field.no-township-tenant", township=township))
    if not row.ever:
        raise _never(Text("party.township", code=township, name=row.party_name), item)
    basis: dict[str, Any] = {
        "party_name": row.party_name,
        "list_version": row.number,
        "list_effective_date": row.effective_date.isoformat() if row.effective_date else None,
        "catalog_version": row.catalog_version,
        "item_title": row.title,
        "item_kinds": list(row.kinds or []),
        "primary_parties": sorted(row.primary_parties or []),
    }
    if row.number is None:
        basis["finding"] = f"{day} 时 {row.party_name} 尚无已公布的清单"
        return "not_on_list", basis
    if not row.listed:
        basis["finding"] = f"{day} 适用的清单（第{row.number}版）中没有事项 {item}"
        return "not_on_list", basis
    roles = row.roles or []
    kinds = set(row.kinds or [])
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
        f"{day} 适用的清单（第{row.number}版，{row.effective_date} 起施行）中，"
        f"{row.party_name} 对 {item} {row.title or ''} 承担{ROLE_LABELS[role]}"
    )
    return role, basis


async def _unit_role(
    conn: asyncpg.Connection, access: Access, unit: str, item: str, day: datetime.date
) -> tuple[str, dict]:
    row = await queries.unit_as_of(conn, access.tenant.id, unit, item, day)
    if row is None:
        raise ValidationFailed.on("party", Text("field.no-unit-tenant", unit=unit))
    if not row.ever:
        raise _never(Text("party.unit", code=unit, name=row.party_name), item, Text("why.no-unit-responsibility"))
    duties = dict(d.split(":", 1) for d in (row.duties or []))
    basis: dict[str, Any] = {
        "party_name": row.party_name,
        "catalog_version": row.catalog_version,
        "catalog_effective_date": row.effective_date.isoformat() if row.effective_date else None,
        "item_title": row.title,
        "item_kinds": list(row.kinds or []),
        "primary_parties": sorted(p for p, r in duties.items() if r == "primary"),
    }
    if row.catalog_version is None or row.title is None or row.status == "withdrawn":
        basis["finding"] = f"{day} 适用的目录中没有事项 {item}"
        return "not_on_list", basis
    role = "none"
    for party in (unit, row.parent_unit_code):
        if party and (duties.get(party) == "primary" or row.receiving_unit == party):
            role = "primary"
        elif party and duties.get(party) == "cooperating" and role == "none":
            role = "cooperating"
        if role != "none":
            if party != unit:
                basis["through"] = party
            break
    through = f"（作为 {basis['through']} 的派驻机构）" if "through" in basis else ""
    basis["finding"] = (
        f"{day} 适用的目录（第{row.catalog_version}版，{row.effective_date} 起施行）中，"
        f"{row.party_name}{through} 对 {item} {row.title} 承担{ROLE_LABELS[role]}"
    )
    return role, basis


async def resolve(
    conn: asyncpg.Connection,
    access: Access,
    party_kind: str,
    party: str,
    township: str | None,
    item: str,
    day: datetime.date,
) -> tuple[str, str | None, dict]:
    """(responsibility or ``not_on_list``, the township involved, the basis found)."""
    if party_kind == "township":
        role, basis = await _township_role(conn, access, party, item, day)
        return role, party, basis
    if party_kind == "unit":
        role, basis = await _unit_role(conn, access, party, item, day)
        return role, None, basis
    if not township:
        raise ValidationFailed.on("township", Text("field.post-belongs-township-name"))
    post = await queries.post_assignment(conn, access.tenant.id, township, party, item)
    if post is None:
        raise ValidationFailed.on("party", Text("field.no-post-township", party=party, township=township))
    if post.is_a is None:
        raise _never(
            Text("party.post", code=party, name=post.name, township=township), item, Text("why.post-not-assigned")
        )
    role, basis = await _township_role(conn, access, township, item, day)
    basis.update(
        post_name=post.name,
        post_role="A" if post.is_a else "B",
        leader=post.leader,
        office_code=post.office_code,
    )
    return role, township, basis


# --- cases --------------------------------------------------------------------------------


def _case(row: queries.CaseRow, access: Access) -> CaseView:
    rules = accountability_rules(access.tenant.plugin)
    situation = {s.code: s.label for s in rules.situations}
    method = {m.code: m.label for m in rules.methods}
    return CaseView(
        number=row.number,
        party_kind=row.party_kind,
        party=row.party,
        township_code=row.township_code,
        item_code=row.item_code,
        situation=row.situation,
        facts=row.facts,
        facts_date=row.facts_date,
        performed=row.performed,
        responsibility=row.responsibility,
        outcome=row.outcome,
        method=row.method,
        basis=msgspec.json.decode(row.basis),
        created_at=row.created_at,
        situation_label=situation.get(row.situation, row.situation),
        responsibility_label=ROLE_LABELS[row.responsibility],
        outcome_label=OUTCOME_LABELS[row.outcome],
        method_label=method.get(row.method) if row.method else None,
    )


async def open_case(access: Access, data: CaseCreate) -> CaseView:
    """Record a case with the responsibility found in the list as of the facts' date."""
    require_admin(access, "record accountability cases")
    rules = accountability_rules(access.tenant.plugin)
    if data.situation not in {s.code for s in rules.situations}:
        known = [f"{s.code} {s.label}" for s in rules.situations]
        raise ValidationFailed.on(
            "situation", Text("field.unknown-situation-one", situation=data.situation, known=known)
        )
    if data.method is not None and data.method not in {m.code for m in rules.methods}:
        known = [f"{m.code} {m.label}" for m in rules.methods]
        raise ValidationFailed.on("method", Text("field.unknown-method-one", method=data.method, known=known))
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
                "method", Text("field.no-accountability-method-applies", outcome=outcome, value=OUTCOME_LABELS[outcome])
            )
        basis["principle"] = "失职依单追责、尽职依单免责"
        await conn.execute(queries.NUMBER_LOCK, f"cases:{access.tenant.id}")
        row = await queries.insert_case(
            conn,
            access.tenant.id,
            party_kind=data.party_kind,
            party=data.party,
            township_code=township,
            item_code=data.item_code,
            situation=data.situation,
            facts=data.facts,
            facts_date=data.facts_date,
            performed=data.performed,
            responsibility=responsibility,
            outcome=outcome,
            method=data.method,
            basis=msgspec.json.encode(basis).decode(),
            created_by=access.principal.key_id,
        )
        await audit.record(
            access,
            "accountability_case",
            str(row.number),
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
        rows = await queries.cases(conn, access.tenant.id, party, item_code, scope)
    return [_case(r, access) for r in rows]


async def get_case(access: Access, number: int) -> CaseView:
    stored_number(number, "accountability case")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.case_row(conn, access.tenant.id, number)
    if row is None:
        raise NotFound(Text("not-found.no-accountability-case", number=number))
    scope = _case_scope(access)
    if scope is not None and scope not in (row.party, row.township_code):
        raise deny(access, Text("action.read-case-own", number=number, role=role_text(access.role)))
    return _case(row, access)


# --- notices ------------------------------------------------------------------------------

NOTICE_TITLE = "依单履职告知书"


def _notice(row: queries.NoticeRow) -> NoticeView:
    return NoticeView(
        number=row.number,
        document_number=f"{NOTICE_TITLE}〔{row.issued_on.year}〕{row.number}号",
        title=NOTICE_TITLE,
        recipient_kind=row.recipient_kind,
        recipient=row.recipient,
        case_number=row.case_number,
        item_code=row.item_code,
        content=row.content,
        issued_on=row.issued_on,
        created_at=row.created_at,
    )


async def issue_notice(access: Access, data: NoticeCreate) -> NoticeView:
    require_admin(access, "issue notices")
    async with tenant_transaction(access.tenant.id) as conn:
        if data.recipient_kind == "township":
            exists = await conn.fetchval(
                queries.TOWNSHIP_EXISTS,
                access.tenant.id,
                data.recipient,
                ["town", "township", "street", "development_zone"],
            )
        else:
            exists = await conn.fetchval(queries.UNIT_EXISTS, access.tenant.id, data.recipient)
        if not exists:
            raise ValidationFailed.on(
                "recipient", Text("field.no-tenant", recipient_kind=data.recipient_kind, recipient=data.recipient)
            )
        if data.case_number is not None and not await conn.fetchval(
            queries.CASE_EXISTS, access.tenant.id, data.case_number
        ):
            raise ValidationFailed.on("case_number", Text("field.no-accountability-case", case_number=data.case_number))
        await conn.execute(queries.NUMBER_LOCK, f"notices:{access.tenant.id}")
        row = await queries.insert_notice(
            conn,
            access.tenant.id,
            recipient_kind=data.recipient_kind,
            recipient=data.recipient,
            case_number=data.case_number,
            item_code=data.item_code,
            content=data.content,
            issued_on=data.issued_on,
        )
        await audit.record(access, "accountability_notice", str(row.number), "issue", after={"to": data.recipient})
    return _notice(row)


async def list_notices(access: Access, *, recipient: str | None = None) -> list[NoticeView]:
    scope = _case_scope(access)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.notices(conn, access.tenant.id, recipient, scope)
    return [_notice(r) for r in rows]
