"""GraphQL types and queries of the workflow engine, admission and bottom-up adjustment.

Queries hang off a tenant (``TenantNode`` inherits :class:`WorkflowQueries`); the mutations
are in :mod:`api.graphql.workflow_mutations`. Same services as REST.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import msgspec
import strawberry
from strawberry.scalars import JSON

from api.graphql.context import GqlInfo
from core.platform.errors import NotFound
from core.security.access import Access
from core.workflow import admission, engine


@strawberry.type
class WorkflowActor:
    role: str
    scope: str | None
    key_id: str | None
    name: str


@strawberry.type
class WorkflowStep:
    seq: int
    transition: str
    label: str
    from_state: str | None
    to_state: str
    actor: WorkflowActor
    automatic: bool
    inputs: JSON
    comment: str
    at: datetime.datetime
    due_at: datetime.datetime | None
    late: bool

    @classmethod
    def of(cls, s: engine.StepView) -> WorkflowStep:
        fields = {f: getattr(s, f) for f in s.__struct_fields__}
        return cls(**{**fields, "actor": WorkflowActor(**msgspec.structs.asdict(s.actor))})


@strawberry.type(description="A running or finished workflow (admission, adjustment, call).")
class WorkflowInstance:
    id: strawberry.ID
    definition: str
    kind: str
    label: str
    subject: str
    state: str
    state_label: str
    outcome: str | None
    applicant: WorkflowActor
    data: JSON
    item_code: str | None
    state_since: datetime.datetime
    due_at: datetime.datetime | None
    overdue: bool
    escalated_to: str | None
    started_at: datetime.datetime
    closed_at: datetime.datetime | None
    version: int
    allowed_transitions: list[str] = strawberry.field(description="What this key may take now.")
    state_transitions: list[str] = strawberry.field(description="What the current state allows anyone.")
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, v: engine.InstanceView, access: Access) -> WorkflowInstance:
        fields = {f: getattr(v, f) for f in v.__struct_fields__}
        fields["id"] = strawberry.ID(str(v.id))
        fields["applicant"] = WorkflowActor(**msgspec.structs.asdict(v.applicant))
        return cls(**fields, access=access)

    @strawberry.field(description="Every step, oldest first (batched across instances).")
    async def history(self, info: GqlInfo) -> list[WorkflowStep]:
        loader = info.context.loader("workflow_history", self.access, engine.histories, default=[])
        return [WorkflowStep.of(s) for s in await loader.load(uuid.UUID(str(self.id)))]


@strawberry.type
class WorkflowPage:
    items: list[WorkflowInstance]
    next_cursor: str | None


@strawberry.type
class WorkflowStateDef:
    name: str
    label: str
    final: bool
    outcome: str | None
    deadline: JSON | None


@strawberry.type
class WorkflowTransitionDef:
    name: str
    label: str
    sources: list[str]
    target: str | None
    who: list[str]
    inputs: JSON
    per_actor: bool
    requires_all: str | None


@strawberry.type
class CallClassDef:
    code: str
    label: str
    obligation: str
    sign_working_days: int | None
    sign_hours: float | None
    answer_working_days: int | None
    answer_hours: float | None


@strawberry.type(description="A workflow definition supplied by the tenant's plugin (or core's default).")
class WorkflowDefinition:
    name: str
    kind: str
    label: str
    description: str
    initial: str
    who_may_start: list[str]
    deadlines_required: bool
    requires_resources: bool
    states: list[WorkflowStateDef]
    transitions: list[WorkflowTransitionDef]
    call_classes: list[CallClassDef]
    allowed: JSON = strawberry.field(description="Transitions allowed in each state.")

    @classmethod
    def of(cls, raw: dict[str, Any]) -> WorkflowDefinition:
        return cls(
            name=raw["name"],
            kind=raw["kind"],
            label=raw["label"],
            description=raw["description"],
            initial=raw["initial"],
            who_may_start=raw["who_may_start"],
            deadlines_required=raw["deadlines_required"],
            requires_resources=raw["requires_resources"],
            states=[
                WorkflowStateDef(
                    name=s["name"], label=s["label"], final=s["final"], outcome=s["outcome"], deadline=s["deadline"]
                )
                for s in raw["states"]
            ],
            transitions=[
                WorkflowTransitionDef(
                    name=t["name"],
                    label=t["label"],
                    sources=t["sources"],
                    target=t["target"],
                    who=t["who"],
                    inputs=t["inputs"],
                    per_actor=t["per_actor"],
                    requires_all=t["requires_all"],
                )
                for t in raw["transitions"]
            ],
            call_classes=[CallClassDef(**c) for c in raw["call_classes"]],
            allowed=raw["allowed"],
        )


@strawberry.type
class ItemWithoutAdmission:
    code: str
    title: str
    added_in_version: int
    reason_kind: str
    reason: str
    added_at: datetime.datetime
    initiator: JSON
    township_scope: str
    townships: int


@strawberry.type(description="An open instance past its deadline, or (kind call) a call's dispatch to unitCode.")
class OverdueWorkflow:
    id: strawberry.ID
    definition: str
    kind: str
    subject: str
    state: str
    due_at: datetime.datetime
    on_expiry: str
    escalated_to: str | None
    unit_code: str | None = None

    @classmethod
    def of(cls, view: engine.OverdueView) -> OverdueWorkflow:
        return cls(**{**{f: getattr(view, f) for f in view.__struct_fields__}, "id": strawberry.ID(str(view.id))})


@strawberry.type(description="What processing the deadlines found overdue (and acted on).")
class ProcessedDeadlines:
    overdue: list[OverdueWorkflow]


@strawberry.type
class WorkflowQueries:
    """The workflow fields of a tenant (TenantNode inherits them)."""

    access: strawberry.Private[Access]

    @strawberry.field(description="The tenant's workflow definitions (admission, adjustment, call).")
    def workflow_definitions(self, kind: str | None = None) -> list[WorkflowDefinition]:
        return [WorkflowDefinition.of(d) for d in engine.list_definitions(self.access, kind)]

    @strawberry.field(description="Workflow instances, newest first.")
    async def workflows(
        self,
        kind: str | None = None,
        definition: str | None = None,
        state: str | None = None,
        open_only: bool = False,
        first: int = 50,
        after: str | None = None,
    ) -> WorkflowPage:
        page = await engine.list_instances(
            self.access, kind=kind, definition=definition, state=state, open_only=open_only, limit=first, cursor=after
        )
        return WorkflowPage(
            items=[WorkflowInstance.of(v, self.access) for v in page.items], next_cursor=page.next_cursor
        )

    @strawberry.field(description="One instance; null when it does not exist in this tenant.")
    async def workflow(self, id: strawberry.ID) -> WorkflowInstance | None:
        try:
            return WorkflowInstance.of(await engine.get_instance(self.access, uuid.UUID(str(id))), self.access)
        except (NotFound, ValueError):
            return None

    @strawberry.field(description="Running instances past their step's deadline.")
    async def overdue_workflows(self, kind: str | None = None) -> list[OverdueWorkflow]:
        return [OverdueWorkflow.of(o) for o in await engine.overdue(self.access, kind=kind)]

    @strawberry.field(
        description="Items on township lists added after the baseline version without an approved admission."
    )
    async def items_without_admission(self) -> list[ItemWithoutAdmission]:
        found = await admission.without_admission(self.access)
        return [ItemWithoutAdmission(**{f: getattr(w, f) for f in w.__struct_fields__}) for w in found]


__all__ = ["WorkflowInstance", "WorkflowQueries"]
