"""Bottom-up adjustment (自下而上动态调整): a township applies to add, remove or reassign an item.

The application names the action, the item (an existing reference code, or for ``add`` the
draft item), the reason (one of the catalog's reason kinds and a text) and, for
``reassign``, the new responsibilities. A township's addition is for that township: the item
is added claimable (:func:`for_applicant`), not onto every township's list. It runs through
the tenant's adjustment workflow (the departments named consult jointly, the county decides
within the plugin's time limit). Approval makes the change in the draft catalog as a recorded
adjustment (add / remove / reassign), so it enters the next published version.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import asyncpg
import msgspec

from core.catalog import editing as catalog_editing
from core.catalog.reading import (
    REASON_KINDS,
    AdjustmentNote,
    ItemCreate,
    ItemUpdate,
    ResponsibilityData,
    Withdrawal,
    get_item,
    version_numbers,
)
from core.catalog.structure import structure_in, township_scope
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, FieldError, ValidationFailed
from core.platform.messages import Text
from core.platform.pagination import Page
from core.plugin_api.types import ListStructure
from core.security.access import Access, Role
from core.security.idempotency import fingerprint, once
from core.workflow import queries
from core.workflow.admission import check_draft_item
from core.workflow.definition import Transition, WorkflowDefinition
from core.workflow.engine import (
    InstanceView,
    get_instance,
    list_instances,
    register_effect,
    require_starter,
    start,
    township_codes,
)
from core.workflow.registry import definition_of_kind

ACTIONS = {"add": "新增", "remove": "取消", "reassign": "调整责任主体"}


class AdjustmentApply(msgspec.Struct, forbid_unknown_fields=True):
    """A township's application. ``township_code`` defaults to the township key's own."""

    action: Literal["add", "remove", "reassign"]
    reason_kind: str
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]
    item_code: str | None = None
    item: ItemCreate | None = None
    responsibilities: list[ResponsibilityData] | None = None
    township_code: str | None = None
    comment: Annotated[str, msgspec.Meta(max_length=5000)] = ""


async def _problems(
    conn: asyncpg.Connection, access: Access, data: AdjustmentApply
) -> tuple[list[FieldError], str | None, str, ItemCreate | None]:
    found: list[FieldError] = []
    if data.reason_kind not in REASON_KINDS or data.reason_kind == "initial":
        kinds = ", ".join(k for k in REASON_KINDS if k != "initial")
        found.append(FieldError.said("reason_kind", Text("field.use-one-2", kinds=kinds)))
    township = data.township_code
    if access.role is Role.TOWNSHIP:
        if township not in (None, access.principal.scope_code):
            found.append(FieldError.said("township_code", Text("field.township-applies-itself")))
        township = access.principal.scope_code
    elif township is not None and township not in await township_codes(conn, access):
        found.append(FieldError.said("township_code", Text("field.no-township", township=township)))
    title = ""
    item = data.item
    if data.action == "add":
        if item is None:
            found.append(FieldError.said("item", Text("field.add-names-draft-item")))
        elif data.item_code not in (None, item.code):
            found.append(FieldError.said("item_code", Text("field.give-new-item-item")))
        else:
            if township is not None:
                item, problem = for_applicant(await structure_in(conn, access.tenant.id), item)
                found += [problem] if problem else []
            found += await check_draft_item(conn, access, item)
            title = item.title
        code = item.code if item else None
    else:
        code = data.item_code
        if data.item is not None:
            found.append(FieldError.said("item", Text("field.names-existing-item-item", action=data.action)))
        if not code:
            found.append(FieldError.said("item_code", Text("field.names-item", action=data.action)))
        else:
            published, draft = await version_numbers(conn, access)
            row = await queries.item_status(conn, access.tenant.id, draft or published or 0, code)
            if row is None or row.status != "active":
                found.append(FieldError.said("item_code", Text("field.no-active-catalog-item", code=code)))
            else:
                title = row.title
        if data.action == "reassign" and not data.responsibilities:
            found.append(FieldError.said("responsibilities", Text("field.reassign-gives-new-responsibilities")))
        if data.action == "remove" and data.responsibilities:
            found.append(FieldError.said("responsibilities", Text("field.only-reassign-changes-responsibilities")))
    if code and not found:
        pending = await conn.fetchval(
            queries.PENDING_ADJUSTMENT,
            access.tenant.id,
            code,
        )
        if pending:
            raise Conflict(
                Text("conflict.adjustment-already-under-way", code=code),
                errors=[FieldError.said("item_code", Text("field.pending"))],
            )
    return found, township, title, item


def for_applicant(structure: ListStructure, item: ItemCreate) -> tuple[ItemCreate, FieldError | None]:
    """The item a township's own addition adds: on the applying township's list, not on every
    township's. An item whose kinds would put it on every list gets the structure's first kind
    that townships claim (Dongshan: 乡镇自主申请事项), so it becomes claimable — the applicant claims
    it once the catalog version with it is published. A structure with no such kind cannot limit
    an item to one township: that is a problem to name, not a reason to give it to all."""
    if township_scope(structure, item.kinds) != "all":
        return item, None
    claimed = next((k.code for k in structure.kinds if k.township == "claim"), None)
    if claimed is None:
        return item, FieldError.said(
            "item.kinds",
            Text("field.these-list-kinds-put"),
        )
    return msgspec.structs.replace(item, kinds=[*item.kinds, claimed]), None


async def apply(access: Access, data: AdjustmentApply) -> InstanceView:
    d = definition_of_kind(access, "adjustment").definition
    async with tenant_transaction(access.tenant.id) as conn:
        await require_starter(conn, access, d)
        problems, township, title, item = await _problems(conn, access, data)
        if problems:
            raise ValidationFailed.listing(problems)
        application = msgspec.to_builtins(data)
        application.pop("comment", None)
        application["township_code"] = township
        if item is not None and data.action == "add":
            application["item"] = msgspec.to_builtins(item)
            if township is not None:
                application["claimable_by"] = township
        code = data.item.code if data.item else data.item_code
        application["item_code"] = code
        subject = f"{ACTIONS[data.action]}事项：{title or code}"
        return await start(access, d.name, subject, application, item_code=code, comment=data.comment)


async def apply_once(access: Access, data: AdjustmentApply, key: str | None) -> tuple[InstanceView, bool]:
    """:func:`apply`, done once per idempotency key; returns (the instance, replayed)."""
    return await once(access, key, fingerprint("adjustment", data), lambda: apply(access, data), InstanceView)


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
    """Approval makes the change in the draft catalog, recorded as an adjustment."""
    state = d.state(target)
    if not state.final:
        return data
    if state.outcome != "approved":
        key = "rejection_reason" if state.outcome == "rejected" else "withdrawal_reason"
        return {**data, key: inputs.get("reason")}
    reason = f"{data['reason']}（{ACTIONS[data['action']]}申请 {row.id}，{data.get('township_code') or '县级'}）"[:2000]
    note = AdjustmentNote(reason_kind=data["reason_kind"], reason=reason)
    code = data["item_code"]
    if data["action"] == "add":
        item = msgspec.convert(data["item"], ItemCreate)
        await catalog_editing.create_item(access, msgspec.structs.replace(item, adjustment=note))
    elif data["action"] == "remove":
        await catalog_editing.withdraw_item(access, code, Withdrawal(reason_kind=note.reason_kind, reason=reason))
    else:
        current = await get_item(access, code)
        change = ItemUpdate(
            responsibilities=msgspec.convert(data["responsibilities"], list[ResponsibilityData]),
            adjustment=note,
            revision=current.revision,
        )
        await catalog_editing.update_item(access, code, change, None)
    _published, draft = await version_numbers(conn, access)
    return {**data, "catalog": {"item_code": code, "draft_version": draft, "kind": data["action"]}}


async def get_adjustment(access: Access, adjustment_id: uuid.UUID) -> InstanceView:
    return await get_instance(access, adjustment_id, kind="adjustment")


async def list_adjustment_applications(
    access: Access,
    *,
    state: str | None = None,
    open_only: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[InstanceView]:
    return await list_instances(access, kind="adjustment", state=state, open_only=open_only, limit=limit, cursor=cursor)


register_effect("adjustment", on_transition)
