"""Running workflow instances: start, transition, history, allowed transitions, deadlines.

Every transition is one ``workflow_steps`` row (actor key, role, unit or township, time,
inputs, comment, the deadline of the state it left and whether it was late) written in the
same transaction as the instance's new state, an audit event and an outbox event
(``workflow.transitioned``). Errors name what is allowed: a transition the caller's role may
not take is 403 with the ones it may take; one the state does not allow is 409 with the
ones it does; a missing input is 422 naming it; an unknown instance 404; a closed one 409.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import msgspec

from core.events import service as events
from core.jurisdictions import calendar
from core.jurisdictions.divisions import KINDS as DIVISION_KINDS
from core.jurisdictions.divisions import TOWNSHIP_LEVEL
from core.platform import storage
from core.platform.db import tenant_transaction
from core.platform.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from core.platform.inputs import Checked, day_problem
from core.platform.messages import Text
from core.platform.pagination import Page, TimeAndId, check_limit, decode_cursor, page_of
from core.platform.versioning import Expected, check_version
from core.security import audit
from core.security.access import Access, Role, role_text
from core.security.idempotency import fingerprint, once
from core.security.permissions import deny
from core.workflow import queries
from core.workflow.definition import StepInput, Transition, WorkflowDefinition
from core.workflow.registry import definition_of_kind, for_tenant, get_definition
from core.workflow.validation import Compiled

TOWNSHIP_KINDS = [k for k, v in DIVISION_KINDS.items() if v.level == TOWNSHIP_LEVEL]
MAX_TEXT = 5000
#: What a consulted party's silence is recorded as when a consultation closes at its deadline.
SILENCE = "逾期未反馈意见，视为无意见"


# --------------------------------------------------------------------------- shapes


class Actor(msgspec.Struct):
    role: str
    scope: str | None = None
    key_id: str | None = None
    name: str = ""


class StepView(msgspec.Struct):
    seq: int
    transition: str
    label: str
    from_state: str | None
    to_state: str
    actor: Actor
    automatic: bool
    inputs: dict[str, Any]
    comment: str
    at: datetime.datetime
    due_at: datetime.datetime | None
    late: bool


class InstanceView(msgspec.Struct):
    id: uuid.UUID
    definition: str
    kind: str
    label: str
    subject: str
    state: str
    state_label: str
    outcome: str | None
    applicant: Actor
    data: dict[str, Any]
    item_code: str | None
    state_since: datetime.datetime
    due_at: datetime.datetime | None
    overdue: bool
    escalated_to: str | None
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    version: int
    allowed_transitions: list[str]
    state_transitions: list[str]


class TransitionRequest(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """Take ``transition``. ``inputs`` are the step's inputs by name (see the definition);
    ``version`` (or If-Match) is optional: when given, a stale one is 412."""

    transition: str
    inputs: dict[str, Any] = {}
    comment: str = ""
    version: int | None = None


class InstanceStart(msgspec.Struct, forbid_unknown_fields=True):
    definition: str
    subject: str
    data: dict[str, Any] = {}
    comment: str = ""


class OverdueView(msgspec.Struct):
    """An open instance (or, ``kind`` call, a call's dispatch to ``unit_code``) past its deadline."""

    id: uuid.UUID
    definition: str
    kind: str
    subject: str
    state: str
    due_at: datetime.datetime
    on_expiry: str
    escalated_to: str | None
    unit_code: str | None = None


# --------------------------------------------------------------------------- actors


def actor_of(access: Access) -> Actor:
    p = access.principal
    return Actor(role=p.role.value, scope=p.scope_code, key_id=str(p.key_id) if p.key_id else None, name=p.name)


async def township_codes(conn: asyncpg.Connection, access: Access) -> list[str]:
    return await queries.township_codes(conn, access.tenant.id, TOWNSHIP_KINDS)


class _Shared:
    """Facts about the caller shared by every instance of one request (loaded at most once)."""

    def __init__(self) -> None:
        self.unit_kind: str | None = None
        self.unit_kind_loaded = False
        self.townships: list[str] | None = None


class _Context:
    """What deciding "may this key take that transition" needs, loaded at most once; a list
    preloads ``given`` for all its instances in one statement (:func:`_given_for`)."""

    def __init__(
        self,
        conn: asyncpg.Connection,
        access: Access,
        row: queries.InstanceRow | None,
        shared: _Shared | None = None,
        given: dict[str, set[str]] | None = None,
    ) -> None:
        """``row`` None: an instance about to start, of the caller, with no data yet."""
        self.conn, self.access, self.row = conn, access, row
        self.applicant = msgspec.json.decode(row.applicant, type=Actor) if row else actor_of(access)
        self.data: dict[str, Any] = msgspec.json.decode(row.data) if row else {}
        self.shared = shared or _Shared()
        self._given = given

    async def unit_kind(self) -> str | None:
        if not self.shared.unit_kind_loaded:
            self.shared.unit_kind = await self.conn.fetchval(
                queries.UNIT_KIND,
                self.access.tenant.id,
                self.access.principal.scope_code,
            )
            self.shared.unit_kind_loaded = True
        return self.shared.unit_kind

    def consulted_units(self) -> list[str]:
        """The units an earlier step named to consult (input of kind ``units``)."""
        return list(self.data.get("consulted_units", ()))

    async def consulted(self) -> list[str]:
        given = self.data.get("consulted")
        if given:
            return list(given)
        if self.shared.townships is None:
            self.shared.townships = await township_codes(self.conn, self.access)
        return self.shared.townships

    async def given(self, transition: str) -> set[str]:
        """Who already contributed to a per-actor step (scope, or role for unscoped keys)."""
        if self._given is None:
            assert self.row is not None, "only a started instance has steps"
            self._given = (await _given_for(self.conn, self.access, [self.row.id])).get(self.row.id, {})
        return self._given.get(transition, set())

    async def matches(self, token: str) -> bool:
        access, role = self.access, self.access.role
        scope = access.principal.scope_code
        if token == "admin":
            return access.is_admin
        if token in (r.value for r in Role):
            return role.value == token
        kind, _, value = token.partition(":")
        if kind == "unit":
            return role is Role.DEPARTMENT and scope == value
        if kind == "unit_kind":
            return role is Role.DEPARTMENT and await self.unit_kind() == value
        if token == "applicant":
            if self.applicant.role in ("admin", "platform"):
                return access.is_admin
            return role.value == self.applicant.role and scope == self.applicant.scope
        if token == "consulted_township":
            return role is Role.TOWNSHIP and scope in await self.consulted()
        if token == "consulted_unit":
            return role is Role.DEPARTMENT and scope in self.consulted_units()
        return False

    async def may(self, t: Transition) -> bool:
        for token in t.who:
            if await self.matches(token):
                return True
        return False

    def me(self) -> str:
        return self.access.principal.scope_code or self.access.role.value

    async def expected(self, d: WorkflowDefinition, per_actor: str) -> set[str]:
        t = d.transition(per_actor)
        assert t is not None
        expected = {tok.partition(":")[2] for tok in t.who if tok.startswith("unit:")}
        if "consulted_township" in t.who:
            expected |= set(await self.consulted())
        if "consulted_unit" in t.who:
            expected |= set(self.consulted_units())
        return expected

    async def missing(self, d: WorkflowDefinition, t: Transition) -> list[str]:
        if t.requires_all is None:
            return []
        return sorted(await self.expected(d, t.requires_all) - await self.given(t.requires_all))

    async def allowed(self, compiled: Compiled) -> list[str]:
        """The transitions this key may take now (role, state, per-actor and waiting rules)."""
        if self.row is None or self.row.closed_at is not None or self.access.role is Role.READER:
            return []
        d = compiled.definition
        found = []
        for name in compiled.allowed.get(self.row.state, ()):
            t = d.transition(name)
            assert t is not None
            if not await self.may(t):
                continue
            if t.per_actor and self.me() in await self.given(name):
                continue
            if await self.missing(d, t):
                continue
            found.append(name)
        return found


async def _given_for(
    conn: asyncpg.Connection, access: Access, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, set[str]]]:
    """Per instance, per transition, who took it (one statement for any number of instances)."""
    found: dict[uuid.UUID, dict[str, set[str]]] = {i: {} for i in ids}
    for r in await queries.given_rows(conn, access.tenant.id, ids):
        found[r.instance_id].setdefault(r.transition, set()).add(r.who)
    return found


# --------------------------------------------------------------------------- reading


async def _view(
    conn: asyncpg.Connection,
    access: Access,
    row: queries.InstanceRow,
    shared: _Shared | None = None,
    given: dict[str, set[str]] | None = None,
) -> InstanceView:
    compiled = for_tenant(access).get(row.definition)
    ctx = _Context(conn, access, row, shared, given)
    d = compiled.definition if compiled else None
    state_label = row.state
    if d is not None and any(s.name == row.state for s in d.states):
        state_label = d.state(row.state).label
    return InstanceView(
        id=row.id,
        definition=row.definition,
        kind=row.kind,
        label=d.label if d else row.definition,
        subject=row.subject,
        state=row.state,
        state_label=state_label,
        outcome=row.outcome,
        applicant=ctx.applicant,
        data=ctx.data,
        item_code=row.item_code,
        state_since=row.state_since,
        due_at=row.due_at,
        overdue=bool(row.overdue) and row.closed_at is None,
        escalated_to=row.escalated_to,
        started_at=row.started_at,
        closed_at=row.closed_at,
        version=row.version,
        allowed_transitions=await ctx.allowed(compiled) if compiled else [],
        state_transitions=list(compiled.allowed.get(row.state, ())) if compiled else [],
    )


async def _row(
    conn: asyncpg.Connection, access: Access, instance_id: uuid.UUID, *, lock: bool = False
) -> queries.InstanceRow:
    row = await queries.instance_row(conn, access.tenant.id, instance_id, lock=lock)
    if row is None:
        raise NotFound(Text("not-found.no-workflow-instance", instance_id=instance_id))
    return row


async def get_instance(access: Access, instance_id: uuid.UUID, *, kind: str | None = None) -> InstanceView:
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _row(conn, access, instance_id)
        if kind is not None and row.kind != kind:
            raise NotFound(Text("not-found.no-2", kind=kind, instance_id=instance_id))
        return await _view(conn, access, row)


async def list_instances(
    access: Access,
    *,
    kind: str | None = None,
    definition: str | None = None,
    state: str | None = None,
    open_only: bool = False,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[InstanceView]:
    limit = check_limit(limit)
    after = decode_cursor(cursor, TimeAndId)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.instance_page(
            conn,
            access.tenant.id,
            kind=kind,
            definition=definition,
            state=state,
            open_only=open_only,
            after=after,
            limit=limit + 1,
        )
        given = await _given_for(conn, access, [r.id for r in rows]) if rows else {}
        shared = _Shared()
        views = [await _view(conn, access, r, shared, given[r.id]) for r in rows]
    return page_of(views, limit, key=lambda v: [v.started_at.isoformat(), str(v.id)])


async def history(access: Access, instance_id: uuid.UUID) -> list[StepView]:
    """Every step of one instance, oldest first (404 for an unknown instance)."""
    async with tenant_transaction(access.tenant.id) as conn:
        await _row(conn, access, instance_id)
    return (await histories(access, [instance_id]))[instance_id]


async def histories(access: Access, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[StepView]]:
    """The steps of many instances in one statement (GraphQL's DataLoader batches here)."""
    async with tenant_transaction(access.tenant.id) as conn:
        steps = await queries.step_rows(conn, access.tenant.id, ids)
    defs = for_tenant(access)
    found: dict[uuid.UUID, list[StepView]] = {i: [] for i in ids}
    for s in steps:
        compiled = defs.get(s.definition)
        t = compiled.definition.transition(s.transition) if compiled else None
        found[s.instance_id].append(
            StepView(
                seq=s.seq,
                transition=s.transition,
                label=t.label if t else ("发起" if s.transition == "start" else s.transition),
                from_state=s.from_state,
                to_state=s.to_state,
                actor=Actor(s.actor_role, s.actor_scope, s.actor_key_id, s.actor_name),
                automatic=s.automatic,
                inputs=msgspec.json.decode(s.inputs),
                comment=s.comment,
                at=s.at,
                due_at=s.due_at,
                late=s.late,
            )
        )
    return found


async def allowed_transitions(access: Access, instance: InstanceView) -> list[str]:
    """The transitions ``access`` may take on ``instance`` now."""
    return instance.allowed_transitions


# --------------------------------------------------------------------------- inputs


async def _check_inputs(
    ctx: _Context, t: Transition, inputs: dict[str, Any], *, automatic: bool = False
) -> dict[str, Any]:
    known = {i.name: i for i in t.inputs}
    unknown = sorted(set(inputs) - set(known))
    if unknown:
        takes = ", ".join(known) or "no inputs"
        raise ValidationFailed(
            Text("validation-failed.does-not-take-takes", name=t.name, value=list(unknown), takes=takes),
            errors=[
                FieldError.said(f"inputs.{u}", Text("field.unknown-input-takes", name=t.name, takes=takes))
                for u in unknown
            ],
        )
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for spec in t.inputs:
        value = inputs.get(spec.name)
        if value is None or value == "" or value == []:
            if spec.required and not automatic:
                errors.append(
                    FieldError.said(f"inputs.{spec.name}", Text("field.required-2", name=t.name, label=spec.label))
                )
            continue
        problem, value = await _check_value(ctx, spec, value)
        if problem:
            errors.append(FieldError.said(f"inputs.{spec.name}", problem))
        else:
            clean[spec.name] = value
    if errors:
        raise ValidationFailed.listing(errors)
    return clean


async def _check_value(ctx: _Context, spec: StepInput, value: Any) -> tuple[Text | None, Any]:
    if spec.kind == "attachment":
        try:
            storage.validate_key(value)
        except storage.InvalidObject as exc:
            return Text("field.input-stored-file", problem=exc.text or exc.message), value
        return None, value
    if spec.kind == "text":
        if not isinstance(value, str) or not value.strip():
            return Text("field.input-text"), value
        if len(value) > MAX_TEXT:
            return Text("field.at-most-characters", MAX_TEXT=MAX_TEXT), value
        return None, value.strip()
    if spec.kind == "decision":
        if value not in spec.choices:
            return Text("field.use-one", value=list(spec.choices)), value
        return None, value
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return Text("field.input-number"), value
        return None, value
    if spec.kind == "date":
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            return Text("field.input-date"), value
        if (problem := day_problem(day)) is not None:
            return problem, value
        if day < calendar.local_date(datetime.datetime.now(datetime.UTC)):
            return Text("field.input-past", day=day.isoformat()), value
        return None, day.isoformat()
    if spec.kind == "townships":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return Text("field.input-townships"), value
        known = set(await township_codes(ctx.conn, ctx.access))
        unknown = [v for v in value if v not in known]
        if unknown:
            return Text("field.input-not-townships", codes=unknown), value
        return None, sorted(set(value))
    if spec.kind == "units":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            return Text("field.input-units"), value
        known = set(await queries.consultable_units(ctx.conn, ctx.access.tenant.id, value))
        unknown = [v for v in value if v not in known]
        if unknown:
            return Text("field.input-not-units", codes=unknown), value
        return None, sorted(set(value))
    return Text("field.input-kind", kind=spec.kind), value


# --------------------------------------------------------------------------- deadlines


async def _due(
    conn: asyncpg.Connection,
    access: Access,
    d: WorkflowDefinition,
    state: str,
    data: dict[str, Any],
    now: datetime.datetime,
) -> datetime.datetime | None:
    """When an instance entering ``state`` is due: the state's deadline, or for a call the
    deadline of its class (sign for / answer)."""
    s = d.state(state)
    wd, hours = (s.deadline.working_days, s.deadline.hours) if s.deadline else (None, None)
    if d.kind == "call" and data.get("call_class"):
        cls = next((c for c in d.call_classes if c.code == data["call_class"]), None)
        if cls is not None and state == "dispatched":
            wd, hours = cls.sign_working_days, cls.sign_hours
        elif cls is not None and state in ("signed_for", "in_progress", "redo"):
            wd, hours = cls.answer_working_days, cls.answer_hours
    if wd is None and hours is None:
        return None
    return await calendar.deadline(conn, access.tenant.id, now, working_days=wd, hours=hours)


# --------------------------------------------------------------------------- writing


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def require_starter(conn: asyncpg.Connection, access: Access, d: WorkflowDefinition) -> None:
    """403 unless ``access`` is among the definition's ``who_may_start``."""
    ctx = _Context(conn, access, None)
    for token in d.who_may_start:
        if await ctx.matches(token):
            return
    raise PermissionDenied(
        Text(
            "forbidden.key-may-not-start",
            value=role_text(access.role),
            name=d.name,
            label=d.label,
            value2=list(d.who_may_start),
        ),
        extra={"who_may_start": list(d.who_may_start)},
    )


async def start(
    access: Access,
    definition: str,
    subject: str,
    data: dict[str, Any],
    *,
    item_code: str | None = None,
    comment: str = "",
) -> InstanceView:
    """Start an instance of ``definition`` (in the caller's transaction if there is one)."""
    compiled = get_definition(access, definition)
    d = compiled.definition
    if not 1 <= len(subject.strip()) <= 300:
        raise ValidationFailed.on("subject", Text("field.1-300-characters"))
    async with tenant_transaction(access.tenant.id) as conn:
        await require_starter(conn, access, d)
        now = await conn.fetchval(queries.NOW)
        due = await _due(conn, access, d, d.initial, data, now)
        instance_id = await conn.fetchval(
            queries.INSERT_INSTANCE,
            access.tenant.id,
            d.name,
            d.kind,
            subject.strip(),
            d.initial,
            _json(actor_of(access)),
            _json(data),
            item_code,
            due,
        )
        await _step(conn, access, instance_id, 1, "start", None, d.initial, {}, comment, None, False)
        view = await _view(conn, access, await _row(conn, access, instance_id))
        await audit.record(access, "workflow_instance", str(instance_id), "start", after=view)
        await _emit(conn, access, view, "start", None)
    return view


async def _step(
    conn: asyncpg.Connection,
    access: Access,
    instance_id: uuid.UUID,
    seq: int,
    transition: str,
    from_state: str | None,
    to_state: str,
    inputs: dict[str, Any],
    comment: str,
    due_at: datetime.datetime | None,
    automatic: bool,
) -> None:
    p = access.principal
    await conn.execute(
        queries.INSERT_STEP,
        access.tenant.id,
        instance_id,
        seq,
        transition,
        from_state,
        to_state,
        p.key_id,
        "system" if automatic else p.role.value,
        None if automatic else p.scope_code,
        "到期自动处理" if automatic else p.name,
        automatic,
        _json(inputs),
        comment,
        due_at,
    )


async def _emit(
    conn: asyncpg.Connection, access: Access, view: InstanceView, transition: str, from_state: str | None
) -> None:
    await events.emit(
        conn,
        access.tenant.id,
        {"start": "workflow.started", "escalate": "workflow.escalated"}.get(transition, "workflow.transitioned"),
        f"workflows/{view.id}",
        {
            "instance_id": str(view.id),
            "definition": view.definition,
            "kind": view.kind,
            "transition": transition,
            "from_state": from_state,
            "state": view.state,
            "outcome": view.outcome,
            "subject": view.subject,
            "actor": msgspec.to_builtins(actor_of(access)),
        },
    )


#: What core does when an instance of a kind moves (approval opens the catalog change), registered
#: by the module that owns the kind so that the engine does not import it back.
Effect = Callable[..., Awaitable[dict[str, Any] | None]]
_EFFECTS: dict[str, Effect] = {}
#: Kinds whose transitions must not run without their effect, and the module that registers it.
EFFECT_MODULES = {"admission": "core.workflow.admission", "adjustment": "core.workflow.bottom_up"}


def register_effect(kind: str, effect: Effect) -> None:
    """Run ``effect(conn, access, row, definition, transition, target, inputs, data)`` in the
    transaction of every transition of an instance of ``kind``; it returns the new data (or None)."""
    _EFFECTS[kind] = effect


def _effect(kind: str) -> Effect | None:
    effect = _EFFECTS.get(kind)
    if effect is None and kind in EFFECT_MODULES:
        # a silent no-op here would approve an admission without adding its item
        raise RuntimeError(f"{kind} transitions need {EFFECT_MODULES[kind]} imported (core.wiring does it)")
    return effect


async def transition(
    access: Access,
    instance_id: uuid.UUID,
    request: TransitionRequest,
    if_match: Expected = None,
    *,
    kind: str | None = None,
    automatic: bool = False,
) -> InstanceView:
    if len(request.comment) > MAX_TEXT:
        raise ValidationFailed.on("comment", Text("field.at-most-characters", MAX_TEXT=MAX_TEXT))
    async with tenant_transaction(access.tenant.id) as conn:
        row = await _row(conn, access, instance_id, lock=True)
        if kind is not None and row.kind != kind:
            raise NotFound(Text("not-found.no-2", kind=kind, instance_id=instance_id))
        compiled = for_tenant(access).get(row.definition)
        if compiled is None:
            raise Conflict(Text("conflict.definition-instance-no-longer", definition=row.definition))
        d = compiled.definition
        if row.closed_at is not None:
            raise Conflict(
                Text(
                    "conflict.instance-closed-outcome-no",
                    state=row.state,
                    label=next((x.label for x in d.states if x.name == row.state and x.label), row.state),
                    outcome=row.outcome,
                ),
                extra={"allowed": []},
            )
        check_version(row.version, if_match, request.version, required=False)
        state = row.state
        here = list(compiled.allowed.get(state, ()))
        t = d.transition(request.transition)
        ctx = _Context(conn, access, row)
        if t is None:
            raise ValidationFailed(
                Text(
                    "validation-failed.has-no-transition-allowed",
                    name=d.name,
                    transition=request.transition,
                    state=state,
                    label=next((x.label for x in d.states if x.name == state and x.label), state),
                    value=list(here),
                ),
                errors=[FieldError.said("transition", Text("field.unknown-allowed-now", value=list(here)))],
                extra={"allowed": here},
            )
        if request.transition not in here:
            raise Conflict(
                Text(
                    "conflict.cannot-while-instance-allowed",
                    name=t.name,
                    label=t.label,
                    state=state,
                    label2=d.state(state).label,
                    value=list(here) or "none",
                ),
                extra={"state": state, "allowed": here},
            )
        if not automatic:
            if access.role is Role.READER or not await ctx.may(t):
                mine = await ctx.allowed(compiled)
                raise PermissionDenied(
                    Text(
                        "forbidden.key-may-not-taken",
                        value=role_text(access.role),
                        name=t.name,
                        label=t.label,
                        value2=list(t.who),
                        value3=list(mine) or "none",
                    ),
                    extra={"allowed": mine, "who": list(t.who)},
                )
            if t.per_actor and ctx.me() in await ctx.given(t.name):
                raise Conflict(Text("conflict.has-already-taken-instance", ctx=ctx.me(), name=t.name, label=t.label))
            waiting = await ctx.missing(d, t)
            if waiting:
                raise Conflict(
                    Text(
                        "conflict.cannot-yet-waiting-from",
                        name=t.name,
                        requires_all=t.requires_all,
                        value=list(waiting),
                    ),
                    extra={"waiting_for": waiting},
                )
        inputs = await _check_inputs(ctx, t, request.inputs, automatic=automatic)
        target = t.target or state
        data = dict(ctx.data)
        if "townships" in inputs:
            data["consulted"] = inputs["townships"]
        for spec in t.inputs:
            if spec.kind == "units" and spec.name in inputs:
                data["consulted_units"] = inputs[spec.name]
        if automatic and t.requires_all:
            # The deadline passed: who was asked and said nothing is on record as silent (逾期未反馈).
            silent = await ctx.missing(d, t)
            if silent:
                given = data.setdefault("contributions", {}).setdefault(t.requires_all, {})
                for who in silent:
                    given[who] = {"silence": True, "opinion": SILENCE}
                inputs = {**inputs, "silent": silent}
        if t.per_actor:
            data.setdefault("contributions", {}).setdefault(t.name, {})[ctx.me()] = {
                **inputs,
                **({"comment": request.comment} if request.comment else {}),
            }
        effect = _effect(row.kind)
        if effect is not None:
            data = await effect(conn, access, row, d, t, target, inputs, data) or data
        seq = await conn.fetchval(queries.NEXT_SEQ, access.tenant.id, instance_id)
        await _step(
            conn, access, instance_id, seq, t.name, state, target, inputs, request.comment, row.due_at, automatic
        )
        final = d.state(target)
        now = await conn.fetchval(queries.NOW)
        moved = target != state
        due = (await _due(conn, access, d, target, data, now)) if moved else row.due_at
        await conn.execute(
            queries.MOVE_INSTANCE,
            access.tenant.id,
            instance_id,
            target,
            _json(data),
            moved,
            None if final.final else due,
            final.outcome if final.final else None,
            now,
        )
        view = await _view(conn, access, await _row(conn, access, instance_id))
        await audit.record(
            access,
            "workflow_instance",
            str(instance_id),
            t.name,
            before={"state": state, "version": row.version},
            after={"state": target, "inputs": inputs, "comment": request.comment},
        )
        await _emit(conn, access, view, t.name, state)
    return view


async def transition_once(
    access: Access,
    instance_id: uuid.UUID,
    request: TransitionRequest,
    if_match: Expected,
    key: str | None,
    *,
    kind: str | None = None,
) -> tuple[InstanceView, bool]:
    """:func:`transition`, done once per idempotency key; returns (the instance, replayed)."""
    request_print = fingerprint("transition", str(instance_id), request, if_match)
    work = lambda: transition(access, instance_id, request, if_match, kind=kind)  # noqa: E731
    return await once(access, key, request_print, work, InstanceView)


async def start_once(access: Access, data: InstanceStart, key: str | None) -> tuple[InstanceView, bool]:
    return await once(access, key, fingerprint("workflow", data), lambda: start_generic(access, data), InstanceView)


async def start_generic(access: Access, data: InstanceStart) -> InstanceView:
    """Start any definition by name; admission and adjustment go through their services,
    which check the application (a draft item, a reason)."""
    compiled = get_definition(access, data.definition)
    kind = compiled.definition.kind
    if kind in ("admission", "adjustment"):
        raise ValidationFailed.on(
            "definition",
            Text(
                "field.workflow-apply-through",
                definition=data.definition,
                kind=kind,
                value="admissions" if kind == "admission" else "adjustments",
            ),
        )
    if kind == "call":
        classes = [c.code for c in compiled.definition.call_classes]
        if data.data.get("call_class") not in classes:
            raise ValidationFailed.on("data.call_class", Text("field.use-one", value=list(classes)))
    return await start(access, data.definition, data.subject, data.data, comment=data.comment)


# --------------------------------------------------------------------------- overdue


async def overdue(
    access: Access,
    *,
    kind: str | None = None,
    at: datetime.datetime | None = None,
    limit: int | None = None,
) -> list[OverdueView]:
    """Open instances past their state's deadline (one statement), oldest deadline first;
    at most ``limit`` (default 500)."""
    limit = 500 if limit is None else check_limit(limit, 100_000)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.overdue_rows(conn, access.tenant.id, at, kind, limit)
    defs = for_tenant(access)
    found = []
    for r in rows:
        d = defs[r.definition].definition if r.definition in defs else None
        deadline = d.state(r.state).deadline if d else None
        found.append(
            OverdueView(
                id=r.id,
                definition=r.definition,
                kind=r.kind,
                subject=r.subject,
                state=r.state,
                due_at=r.due_at,
                on_expiry=deadline.on_expiry if deadline else "mark_overdue",
                escalated_to=r.escalated_to,
            )
        )
    return found


#: Deadlines kept outside workflow instances (a call's dispatches), applied by the same sweep;
#: registered by the module that keeps them (:mod:`core.calls.escalation`), which the engine
#: does not import.
Expiry = Callable[[Access, datetime.datetime | None], Awaitable[list[OverdueView]]]
_EXPIRIES: list[Expiry] = []


def register_expiry(handler: Expiry) -> None:
    """Run ``handler(access, at)`` in every :func:`process_expired`; it returns what was overdue."""
    if handler not in _EXPIRIES:
        _EXPIRIES.append(handler)


async def process_expired(access: Access, *, at: datetime.datetime | None = None) -> list[OverdueView]:
    """Apply each expired deadline's rule: take the auto transition, or escalate (once) — of
    workflow instances, then of what registered (calls' dispatches). Returns what was overdue;
    the app runs it for every tenant on a timer (:mod:`tenants.deadlines`), an admin by hand."""
    if not access.is_admin:
        raise deny(access, "process workflow deadlines")
    found = await _process_instances(access, at)
    for handler in _EXPIRIES:
        found += await handler(access, at)
    return found


async def _process_instances(access: Access, at: datetime.datetime | None) -> list[OverdueView]:
    found = await overdue(access, at=at)
    for o in found:
        d = get_definition(access, o.definition).definition
        deadline = d.state(o.state).deadline
        if deadline is None:
            continue
        if deadline.on_expiry == "auto_transition" and deadline.transition:
            await transition(
                access,
                o.id,
                TransitionRequest(deadline.transition, comment="期限届满，自动处理"),
                automatic=True,
            )
        elif deadline.on_expiry == "escalate" and o.escalated_to is None:
            async with tenant_transaction(access.tenant.id) as conn:
                await conn.execute(
                    queries.ESCALATE_INSTANCE,
                    access.tenant.id,
                    o.id,
                    deadline.escalate_to,
                )
                view = await _view(conn, access, await _row(conn, access, o.id))
                await audit.record(
                    access, "workflow_instance", str(o.id), "escalate", after={"to": deadline.escalate_to}
                )
                await _emit(conn, access, view, "escalate", o.state)
    return found


def definition_view(compiled: Compiled) -> dict[str, Any]:
    """A definition as JSON-ready data, with the transitions allowed in each state."""
    d = compiled.definition
    raw = msgspec.to_builtins(d)
    raw["kind_label"] = {"admission": "职责准入", "adjustment": "动态调整", "call": "乡呼县应"}[d.kind]
    raw["final_states"] = list(d.final_states)
    raw["allowed"] = {k: list(v) for k, v in compiled.allowed.items()}
    return raw


def list_definitions(access: Access, kind: str | None = None) -> list[dict[str, Any]]:
    return [definition_view(c) for c in for_tenant(access).values() if kind is None or c.definition.kind == kind]


__all__ = [
    "InstanceStart",
    "InstanceView",
    "OverdueView",
    "StepView",
    "TransitionRequest",
    "allowed_transitions",
    "definition_of_kind",
    "get_instance",
    "history",
    "list_instances",
    "overdue",
    "process_expired",
    "start",
    "transition",
]
