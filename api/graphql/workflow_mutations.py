"""GraphQL mutations of the workflow engine, admission and bottom-up adjustment; each returns
the instance or a typed :class:`Problem` (the same problems REST answers with)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.catalog import CatalogItemInput, ResponsibilityInput, plain
from api.graphql.inputs import convert
from api.graphql.types import GqlInfo, Problem, attempt
from api.graphql.workflows import OverdueWorkflow, ProcessedDeadlines, WorkflowInstance
from core.platform.errors import NotFound
from core.platform.messages import Text
from core.security.access import Access
from core.workflow import admission, bottom_up, engine

WorkflowResult = Annotated[WorkflowInstance | Problem, strawberry.union("WorkflowResult")]
ProcessedDeadlinesResult = Annotated[ProcessedDeadlines | Problem, strawberry.union("ProcessedDeadlinesResult")]


def _given(obj: Any) -> dict[str, Any]:
    return {k: plain(v) for k, v in vars(obj).items() if v is not strawberry.UNSET and v is not None}


@strawberry.input
class ResourcesInput:
    funding: str = ""
    staff: str = ""
    technology: str = ""
    training: str = ""
    guidance: str = ""


@strawberry.input(description="An admission application: the draft item, why, until when, what comes with it.")
class AdmissionInput:
    item: CatalogItemInput
    justification: str
    temporary: bool = False
    phased: bool = False
    until: datetime.date | None = None
    resources: ResourcesInput | None = None
    comment: str = ""


@strawberry.input(description="A township's bottom-up adjustment application.")
class AdjustmentApplicationInput:
    action: str
    reason_kind: str
    reason: str
    item_code: str | None = None
    item: CatalogItemInput | None = None
    responsibilities: list[ResponsibilityInput] | None = None
    township_code: str | None = None
    comment: str = ""


@strawberry.type
class WorkflowMutations:
    """Admission, adjustment and generic workflow operations of REST, with the same services."""

    @strawberry.mutation(description="Apply for admission (准入) of a new township duty.")
    async def apply_admission(self, info: GqlInfo, tenant: str, input: AdmissionInput) -> WorkflowResult:
        async def act(access: Access) -> WorkflowInstance:
            data = convert(_given(input), admission.AdmissionApply)
            return WorkflowInstance.of(await admission.apply(access, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="A township applies to add, remove or reassign an item.")
    async def apply_adjustment(self, info: GqlInfo, tenant: str, input: AdjustmentApplicationInput) -> WorkflowResult:
        async def act(access: Access) -> WorkflowInstance:
            data = convert(_given(input), bottom_up.AdjustmentApply)
            return WorkflowInstance.of(await bottom_up.apply(access, data), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Apply expired deadlines' rules now (auto transition, escalation of workflows and of calls not"
        " signed for in time); admin. The app also does it every minute."
    )
    async def process_workflow_deadlines(self, info: GqlInfo, tenant: str) -> ProcessedDeadlinesResult:
        async def act(access: Access) -> ProcessedDeadlines:
            return ProcessedDeadlines(overdue=[OverdueWorkflow.of(o) for o in await engine.process_expired(access)])

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Start an instance of a (call) definition by name.")
    async def start_workflow(
        self, info: GqlInfo, tenant: str, definition: str, subject: str, data: JSON | None = None, comment: str = ""
    ) -> WorkflowResult:
        async def act(access: Access) -> WorkflowInstance:
            request = engine.InstanceStart(definition=definition, subject=subject, data=data or {}, comment=comment)
            return WorkflowInstance.of(await engine.start_generic(access, request), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(
        description="Take a transition; a Problem with status 403 names what you may take, 409 what the state allows,"
        " 422 a missing input."
    )
    async def transition_workflow(
        self,
        info: GqlInfo,
        tenant: str,
        id: strawberry.ID,
        transition: str,
        inputs: JSON | None = None,
        comment: str = "",
        version: int | None = None,
    ) -> WorkflowResult:
        async def act(access: Access) -> WorkflowInstance:
            try:
                instance_id = uuid.UUID(str(id))
            except ValueError:
                raise NotFound(Text("not-found.no-workflow-instance-2", id=id)) from None
            request = convert(
                {"transition": transition, "inputs": inputs or {}, "comment": comment, "version": version},
                engine.TransitionRequest,
            )
            return WorkflowInstance.of(await engine.transition(access, instance_id, request), access)

        return await attempt(info, tenant, act)


__all__ = ["WorkflowMutations"]
