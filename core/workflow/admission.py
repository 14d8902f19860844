"""Admission (职责准入): a department (or the county) applies to push a new duty to townships.

An application carries the draft item (the shape of :class:`core.catalog.reading.ItemCreate`), the
justification, whether the duty is temporary or phased and until when, and the resources
that come with it (funding, staff, technology, training, guidance — required where the
tenant's admission workflow says so, as Tai'an's does). It then runs through the steps of the
tenant's admission workflow (its plugin's, else core's default). Approval adds the item to
the draft catalog with an ``admission_approved`` adjustment, so it enters the next published
version; rejection records the reason.

:func:`without_admission` lists items that reached township lists without one — the point
of the reform: no duty pushed down by the back door.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import asyncpg
import msgspec

from core.catalog import editing as catalog_editing
from core.catalog.reading import AdjustmentNote, ItemCreate, version_numbers
from core.catalog.structure import load_structure
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, FieldError, ValidationFailed
from core.platform.inputs import Checked
from core.platform.messages import Text
from core.platform.pagination import Page
from core.security.access import Access
from core.security.idempotency import fingerprint, once
from core.workflow import queries
from core.workflow.definition import Transition, WorkflowDefinition
from core.workflow.engine import InstanceView, get_instance, list_instances, register_effect, require_starter, start
from core.workflow.registry import definition_of_kind

RESOURCE_FIELDS = {
    "funding": "经费",
    "staff": "人员",
    "technology": "技术",
    "training": "培训",
    "guidance": "指导",
}


class Resources(msgspec.Struct, forbid_unknown_fields=True):
    """What comes with the duty (Tai'an: 人、财、物、技术、培训、指导 go down with it)."""

    funding: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    staff: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    technology: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    training: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    guidance: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class AdmissionApply(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Apply for admission of a new township duty."""

    item: ItemCreate
    justification: Annotated[str, msgspec.Meta(min_length=2, max_length=5000)]
    temporary: bool = False
    phased: bool = False
    until: datetime.date | None = None
    resources: Resources | None = None
    comment: Annotated[str, msgspec.Meta(max_length=5000)] = ""


class WithoutAdmission(msgspec.Struct):
    """An item on township lists that no approved admission brought in."""

    code: str
    title: str
    added_in_version: int
    reason_kind: str
    reason: str
    added_at: datetime.datetime
    initiator: dict[str, Any]
    township_scope: str
    townships: int


def _problems(access: Access, d: WorkflowDefinition, data: AdmissionApply, today: datetime.date) -> list[FieldError]:
    found: list[FieldError] = []
    if data.item.adjustment is not None:
        found.append(FieldError.said("item.adjustment", Text("field.set-admission-itself-leave")))
    if data.temporary or data.phased:
        if data.until is None:
            found.append(FieldError.said("until", Text("field.temporary-phased-duty-says")))
        elif data.until <= today:
            found.append(FieldError.said("until", Text("field.not-future", until=data.until)))
    elif data.until is not None:
        found.append(FieldError.said("until", Text("field.only-temporary-phased-duty")))
    if d.requires_resources:
        given = data.resources or Resources()
        for name, label in RESOURCE_FIELDS.items():
            if not getattr(given, name).strip():
                found.append(FieldError.said(f"resources.{name}", Text("field.message-6", label=d.label, label2=label)))
    return found


async def check_draft_item(conn: asyncpg.Connection, access: Access, item: ItemCreate) -> list[FieldError]:
    """A proposed item against the catalog's rules (structure, parent, units, the plugin's
    item rules) as the draft stands; 409 when its code is used or under another admission."""
    structure = await load_structure(access)
    published, draft = await version_numbers(conn, access)
    version = draft or published
    facts = await queries.draft_item_facts(
        conn,
        access.tenant.id,
        version or 0,
        item.parent_code,
        [r.party for r in item.responsibilities] + ([item.recovery.receiving_unit] if item.recovery else []),
        item.code,
    )
    if facts.taken:
        raise Conflict(
            Text("conflict.reference-code-already-used", code=item.code),
            errors=[FieldError.said("item.code", Text("field.already-used"))],
        )
    if facts.pending:
        raise Conflict(
            Text("conflict.admission-already-under-way", code=item.code),
            errors=[FieldError.said("item.code", Text("field.admission-pending"))],
        )
    problems = catalog_editing.item_problems(
        structure,
        item,
        parent=(facts.parent[0], facts.parent[1]) if facts.parent else None,  # [level, status]
        units=set(facts.units or []),
    )
    problems = problems or catalog_editing.plugin_problems(access, item)
    return [FieldError(f"item.{p.field}", p.message, p.text) for p in problems]


async def apply(access: Access, data: AdmissionApply) -> InstanceView:
    """Start an admission with the tenant's admission workflow."""
    d = definition_of_kind(access, "admission").definition
    async with tenant_transaction(access.tenant.id) as conn:
        await require_starter(conn, access, d)
        today = await conn.fetchval(queries.TODAY_IN_CHINA)
        problems = _problems(access, d, data, today) + await check_draft_item(conn, access, data.item)
        if problems:
            raise ValidationFailed.listing(problems)
        application = msgspec.to_builtins(data)
        application.pop("comment", None)
        application["resources"] = msgspec.to_builtins(data.resources or Resources())
        return await start(
            access, d.name, f"准入申请：{data.item.title}", application, item_code=data.item.code, comment=data.comment
        )


async def apply_once(access: Access, data: AdmissionApply, key: str | None) -> tuple[InstanceView, bool]:
    """:func:`apply`, done once per idempotency key; returns (the instance, replayed)."""
    return await once(access, key, fingerprint("admission", data), lambda: apply(access, data), InstanceView)


async def on_transition(
    conn: asyncpg.Connection,
    access: Access,
    row: queries.InstanceRow,
    d: WorkflowDefinition,
    t: Transition,
    target: str,
    inputs: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, Any]:
    """Approval adds the item to the draft catalog; rejection records the reason."""
    state = d.state(target)
    if not state.final:
        return data
    if state.outcome == "approved":
        item = msgspec.convert(data["item"], ItemCreate)
        note = AdjustmentNote(
            reason_kind="admission_approved",
            reason=f"准入审批通过（准入申请 {row.id}）：{data.get('justification', '')}"[:2000],
        )
        view = await catalog_editing.create_item(access, msgspec.structs.replace(item, adjustment=note))
        _published, draft = await version_numbers(conn, access)
        data = {
            **data,
            "catalog": {"item_code": view.code, "draft_version": draft, "reason_kind": "admission_approved"},
        }
    elif state.outcome in ("rejected", "withdrawn"):
        data = {
            **data,
            "rejection_reason" if state.outcome == "rejected" else "withdrawal_reason": inputs.get("reason"),
        }
    return data


async def get_admission(access: Access, admission_id: uuid.UUID) -> InstanceView:
    return await get_instance(access, admission_id, kind="admission")


async def list_admissions(
    access: Access,
    *,
    state: str | None = None,
    open_only: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[InstanceView]:
    return await list_instances(access, kind="admission", state=state, open_only=open_only, limit=limit, cursor=cursor)


async def without_admission(access: Access) -> list[WithoutAdmission]:
    """Items added to the catalog after the tenant's baseline (its first published version)
    that are on township lists in the latest published version — for every township
    (``township_scope`` all) or claimed by at least one — and that neither an approved
    admission nor an approved bottom-up ``add`` (the townships asked for it) brought in.
    One statement."""
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.without_admission(conn, access.tenant.id)
    return [
        WithoutAdmission(**{**msgspec.structs.asdict(r), "initiator": msgspec.json.decode(r.initiator)}) for r in rows
    ]


register_effect("admission", on_transition)
