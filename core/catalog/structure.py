"""A tenant's list structure: list kinds, hierarchy levels, categories, extra fields.

Kinds are data, not code: the structure comes from the tenant's plugin (or the national
default below), is stored with the tenant, and every catalog item is checked against it.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import uuid
from typing import Any

import asyncpg
import msgspec

from core.catalog import queries
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, ValidationFailed
from core.platform.inputs import day_problem
from core.platform.messages import Text
from core.plugin_api.types import ExtraField, ItemLevel, Label, ListKind, ListStructure
from core.security.access import Access
from core.security.permissions import require_admin

#: The national framework (关于全面建立乡镇(街道)履行职责事项清单的意见): one list per
#: township in three parts, all of which every township has.
NATIONAL = ListStructure(
    kinds=(
        ListKind("basic", "基本履职事项", "basic", "all", True, "乡镇(街道)自身履行、承担全部责任", role="basic"),
        ListKind(
            "cooperating",
            "配合履职事项",
            "cooperating",
            "all",
            True,
            "县级部门牵头、乡镇(街道)配合",
            role="cooperating",
        ),
        ListKind(
            "recovered",
            "上级部门收回事项",
            "recovered",
            "all",
            True,
            "县级部门收回、乡镇(街道)不再承担",
            role="recovered",
        ),
    ),
    levels=(
        ItemLevel("domain", "领域", 1),
        ItemLevel("item", "事项", 2),
        ItemLevel("sub_item", "子项", 3),
    ),
    categories=(
        Label("party_building", "党的建设"),
        Label("economy", "经济发展"),
        Label("public_service", "民生服务"),
        Label("governance", "平安法治"),
        Label("ecology", "生态环保"),
        Label("construction", "城乡建设"),
        Label("rural", "乡村振兴"),
        Label("support", "综合保障"),
    ),
    item_kinds=(
        Label("power", "行政权力"),
        Label("service", "公共服务"),
        Label("territorial", "属地事项"),
    ),
)

FIELD_TYPES = ("string", "number", "boolean", "date", "choice", "list")
SCOPE_ORDER = {"claim": 2, "all": 1, "none": 0}
#: What core's rules make of a list kind (:attr:`ListKind.role`).
ROLES = ("basic", "cooperating", "recovered", "other")


def kind_role(kind: ListKind) -> str:
    """The kind's declared role; undeclared, the national code's own role or ``other``."""
    if kind.role is not None:
        return kind.role
    return kind.code if kind.code in ("basic", "cooperating", "recovered") else "other"


def kinds_with_role(structure: ListStructure, role: str) -> frozenset[str]:
    """The codes of the structure's kinds that play ``role``."""
    return frozenset(k.code for k in structure.kinds if kind_role(k) == role)


def to_document(structure: ListStructure) -> dict[str, Any]:
    return dataclasses.asdict(structure)


def from_document(document: dict[str, Any]) -> ListStructure:
    return ListStructure(
        kinds=tuple(ListKind(**k) for k in document["kinds"]),
        levels=tuple(ItemLevel(**{**lv, "item_kinds": tuple(lv["item_kinds"])}) for lv in document["levels"]),
        categories=tuple(Label(**c) for c in document.get("categories", ())),
        item_kinds=tuple(Label(**c) for c in document.get("item_kinds", ())),
        extra_fields=tuple(
            ExtraField(
                **{
                    **f,
                    "choices": tuple(f.get("choices", ())),
                    "required_for": tuple(f.get("required_for", ())),
                    "choice_labels": tuple(Label(**c) for c in f.get("choice_labels", ())),
                }
            )
            for f in document.get("extra_fields", ())
        ),
    )


def choice_labels(f: ExtraField) -> dict[str, str]:
    """Choice code → Chinese label of a field. Structures saved before fields carried
    ``choice_labels`` described their choices as "code 标签；…" in ``description``: read there."""
    if f.choice_labels:
        return {c.code: c.label for c in f.choice_labels}
    found = {}
    for code in f.choices:
        match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(code)}\s+([^；;，,/（(\s]+)", f.description)
        if match:
            found[code] = match.group(1)
    return found


def extra_text(f: ExtraField, value: Any) -> str:
    """A field's value as people read it: choices by their labels, yes/no in Chinese."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = choice_labels(f) if f.choices else {}
    if isinstance(value, list):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


def choice_code(f: ExtraField, text: str) -> str:
    """The choice code for ``text``, which may be the code or its label (an exported workbook
    writes labels); text that is neither comes back as it is, for the checks to name."""
    if text in f.choices:
        return text
    by_label = {label: code for code, label in choice_labels(f).items()}
    return by_label.get(text, text)


def check_structure(structure: ListStructure) -> list[FieldError]:
    """What is wrong with a structure (empty when it is sound)."""
    problems: list[FieldError] = []

    def unique(name: str, codes: list[str]) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                problems.append(FieldError.said(name, Text("field.appears-twice", code=code)))
            seen.add(code)

    if not structure.kinds:
        problems.append(FieldError.said("kinds", Text("field.at-least-one-list")))
    if not structure.levels:
        problems.append(FieldError.said("levels", Text("field.at-least-one-hierarchy")))
    unique("kinds", [k.code for k in structure.kinds])
    for i, kind in enumerate(structure.kinds):
        if kind.role is not None and kind.role not in ROLES:
            problems.append(FieldError.said(f"kinds[{i}].role", Text("field.use-one-leave-out", value=list(ROLES))))
    unique("levels", [lv.code for lv in structure.levels])
    unique("categories", [c.code for c in structure.categories])
    unique("item_kinds", [c.code for c in structure.item_kinds])
    unique("extra_fields", [f.name for f in structure.extra_fields])
    for i, kind in enumerate(structure.kinds):
        if kind.township not in SCOPE_ORDER:
            problems.append(FieldError.said(f"kinds[{i}].township", Text("field.must-all-claim-none")))
    depths = [lv.depth for lv in structure.levels]
    if depths != list(range(1, len(depths) + 1)):
        problems.append(FieldError.said("levels", Text("field.depths-must-run-1", value=len(depths), depths=depths)))
    known_kinds = {c.code for c in structure.item_kinds}
    for i, lv in enumerate(structure.levels):
        for k in lv.item_kinds:
            if k not in known_kinds:
                problems.append(FieldError.said(f"levels[{i}].item_kinds", Text("field.unknown-item-kind-2", k=k)))
    for i, f in enumerate(structure.extra_fields):
        if f.type not in FIELD_TYPES:
            problems.append(FieldError.said(f"extra_fields[{i}].type", Text("field.use-one", value=list(FIELD_TYPES))))
        if f.type == "choice" and not f.choices:
            problems.append(FieldError.said(f"extra_fields[{i}].choices", Text("field.choice-field-lists-choices")))
        for label in f.choice_labels:
            if label.code not in f.choices:
                problems.append(
                    FieldError.said(f"extra_fields[{i}].choice_labels", Text("field.not-choice", code=label.code))
                )
        for code in f.required_for:
            if code not in {k.code for k in structure.kinds}:
                problems.append(
                    FieldError.said(f"extra_fields[{i}].required_for", Text("field.unknown-list-kind", code=code))
                )
    return problems


def township_scope(structure: ListStructure, kinds: list[str]) -> str:
    """How an item of these kinds reaches township lists (claim > all > none)."""
    scopes = [k.township for k in structure.kinds if k.code in kinds]
    return max(scopes, key=SCOPE_ORDER.__getitem__) if scopes else "none"


def _check_extra_value(f: ExtraField, value: Any) -> Text | None:
    match f.type:
        case "string":
            return None if isinstance(value, str) else Text("field.extra-text")
        case "number":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            return None if ok else Text("field.extra-number")
        case "boolean":
            return None if isinstance(value, bool) else Text("field.extra-boolean")
        case "date":
            try:
                return day_problem(datetime.date.fromisoformat(value))
            except (TypeError, ValueError):
                return Text("field.extra-date")
        case "choice":
            return None if value in f.choices else Text("field.extra-choice", choices=list(f.choices))
        case "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return Text("field.extra-list")
            bad = [v for v in value if f.choices and v not in f.choices]
            return Text("field.extra-unknown-choices", unknown=bad, choices=list(f.choices)) if bad else None
    return Text("field.extra-type")


def check_item_fields(
    structure: ListStructure,
    *,
    level: str,
    kinds: list[str],
    category: str | None,
    item_kind: str | None,
    extra: dict[str, Any],
) -> list[FieldError]:
    """An item's coded fields and extra fields against the structure."""
    problems: list[FieldError] = []
    levels = {lv.code: lv for lv in structure.levels}
    if level not in levels:
        problems.append(FieldError.said("level", Text("field.unknown-level-use-one", level=level, value=list(levels))))
    known = {k.code for k in structure.kinds}
    for i, kind in enumerate(kinds):
        if kind not in known:
            problems.append(
                FieldError.said(f"kinds[{i}]", Text("field.unknown-list-kind-use", kind=kind, value=list(known)))
            )
    if category is not None and structure.categories and category not in {c.code for c in structure.categories}:
        problems.append(FieldError.said("category", Text("field.unknown-category", category=category)))
    if item_kind is not None and item_kind not in {c.code for c in structure.item_kinds}:
        problems.append(FieldError.said("item_kind", Text("field.unknown-item-kind", item_kind=item_kind)))
    if level in levels and levels[level].item_kinds and item_kind not in levels[level].item_kinds:
        allowed = ", ".join(levels[level].item_kinds)
        problems.append(
            FieldError.said("item_kind", Text("field.item-one", label=levels[level].label, allowed=allowed))
        )
    fields = {f.name: f for f in structure.extra_fields}
    for name, value in extra.items():
        if name not in fields:
            problems.append(FieldError.said(f"extra.{name}", Text("field.not-field-jurisdiction")))
        elif (message := _check_extra_value(fields[name], value)) is not None:
            problems.append(FieldError.said(f"extra.{name}", message))
    for f in structure.extra_fields:
        if f.name in extra:
            continue
        if f.required:
            problems.append(FieldError.said(f"extra.{f.name}", Text("field.required", label=f.label)))
        elif needed_by := [k for k in kinds if k in f.required_for]:
            problems.append(
                FieldError.said(f"extra.{f.name}", Text("field.required-items", value=needed_by[0], label=f.label))
            )
    return problems


async def save_structure(access: Access, structure: ListStructure) -> None:
    problems = check_structure(structure)
    if problems:
        raise ValidationFailed(Text("validation-failed.list-structure-not-sound"), errors=problems)
    async with tenant_transaction(access.tenant.id) as conn:
        await conn.execute(
            queries.SAVE_STRUCTURE,
            access.tenant.id,
            msgspec.json.encode(to_document(structure)).decode(),
        )
        await generations.bump(conn, access.tenant.id)


async def replace_structure(access: Access, document: dict[str, Any]) -> ListStructure:
    """Replace the structure from its JSON form (admin only; checked before saving)."""
    require_admin(access, "change the list structure")
    try:
        structure = from_document(document)
    except (KeyError, TypeError) as exc:
        raise ValidationFailed.on("body", Text("field.not-list-structure", exc=exc)) from exc
    await save_structure(access, structure)
    return structure


async def load_structure(access: Access) -> ListStructure:
    """The tenant's structure; the national default until one is saved."""
    async with tenant_transaction(access.tenant.id) as conn:
        return await structure_in(conn, access.tenant.id)


async def structure_in(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> ListStructure:
    """:func:`load_structure` inside a transaction the caller holds."""
    document = await queries.structure_document(conn, tenant_id)
    return from_document(msgspec.json.decode(document)) if document else NATIONAL
