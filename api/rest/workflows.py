"""``/api/v1/tenants/{tenant}/workflows``, ``/admissions`` and ``/adjustments`` — the workflow
engine, admission (准入) and bottom-up adjustment applications (动态调整)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit, with_etag
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access
from core.workflow import admission, bottom_up, engine
from core.workflow.registry import get_definition

StateFilter = Annotated[
    str | None, QueryParameter(name="state", description="current state, e.g. township_consultation")
]
OpenOnly = Annotated[bool, QueryParameter(name="open", description="only instances still running")]
WorkflowKind = Annotated[str | None, Parameter(description="admission | adjustment | call")]


class WorkflowController(Controller):
    path = f"{TENANT_PATH}/workflows"
    tags = ["workflows"]

    @get("/definitions", operation_id="listWorkflowDefinitions", summary="The tenant's workflow definitions")
    async def definitions(
        self,
        access: NamedDependency[Access],
        kind: WorkflowKind = None,
    ) -> list[dict[str, Any]]:
        return engine.list_definitions(access, kind)

    @get("/definitions/{name:str}", operation_id="getWorkflowDefinition", summary="One definition by name")
    async def definition(self, access: NamedDependency[Access], name: FromPath[str]) -> dict[str, Any]:
        return engine.definition_view(get_definition(access, name))

    @post(operation_id="startWorkflow", summary="Start an instance of a (call) definition")
    async def start(
        self,
        access: NamedDependency[Access],
        data: JSONBody[engine.InstanceStart],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await engine.start_once(access, data, idempotency_key)
        return with_etag(view, view.version, 201, replayed=replayed)

    @get(operation_id="listWorkflows", summary="Instances, newest first")
    async def list(
        self,
        access: NamedDependency[Access],
        kind: WorkflowKind = None,
        definition: str | None = Parameter(default=None, description="definition name"),
        instance_state: StateFilter = None,
        open_only: OpenOnly = False,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[engine.InstanceView]:
        return await engine.list_instances(
            access,
            kind=kind,
            definition=definition,
            state=instance_state,
            open_only=open_only,
            limit=limit,
            cursor=cursor,
        )

    @get("/overdue", operation_id="listOverdueWorkflows", summary="Running instances past their step's deadline")
    async def overdue(
        self,
        access: NamedDependency[Access],
        kind: WorkflowKind = None,
        limit: Limit = None,
    ) -> list[engine.OverdueView]:
        return await engine.overdue(access, kind=kind, limit=limit or 500)

    @post(
        "/process-deadlines",
        operation_id="processWorkflowDeadlines",
        summary="Apply expired deadlines' rules (auto transition, escalate; late calls too); admin",
        status_code=200,
    )
    async def process(self, access: NamedDependency[Access]) -> list[engine.OverdueView]:
        return await engine.process_expired(access)

    @get("/{instance_id:uuid}", operation_id="getWorkflow", summary="One instance, with what you may do next")
    async def read(
        self, access: NamedDependency[Access], instance_id: FromPath[uuid.UUID]
    ) -> Response[engine.InstanceView]:
        view = await engine.get_instance(access, instance_id)
        return with_etag(view, view.version)

    @get("/{instance_id:uuid}/history", operation_id="getWorkflowHistory", summary="Every step, oldest first")
    async def history(self, access: NamedDependency[Access], instance_id: FromPath[uuid.UUID]) -> list[engine.StepView]:
        return await engine.history(access, instance_id)

    @post(
        "/{instance_id:uuid}/transitions",
        operation_id="transitionWorkflow",
        summary="Take a transition (403 names what you may take, 409 what the state allows, 422 a missing input)",
        status_code=200,
    )
    async def transition(
        self,
        access: NamedDependency[Access],
        instance_id: FromPath[uuid.UUID],
        data: JSONBody[engine.TransitionRequest],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await engine.transition_once(access, instance_id, data, parse_etag(if_match), idempotency_key)
        return with_etag(view, view.version, 200, replayed=replayed)


class AdmissionController(Controller):
    path = f"{TENANT_PATH}/admissions"
    tags = ["admissions"]

    @post(operation_id="applyAdmission", summary="Apply for admission (准入) of a new township duty")
    async def apply(
        self,
        access: NamedDependency[Access],
        data: JSONBody[admission.AdmissionApply],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await admission.apply_once(access, data, idempotency_key)
        return with_etag(view, view.version, 201, replayed=replayed)

    @get(operation_id="listAdmissions", summary="Admission applications, newest first")
    async def list(
        self,
        access: NamedDependency[Access],
        instance_state: StateFilter = None,
        open_only: OpenOnly = False,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[engine.InstanceView]:
        return await admission.list_admissions(
            access, state=instance_state, open_only=open_only, limit=limit, cursor=cursor
        )

    @get(
        "/without-admission",
        operation_id="listItemsWithoutAdmission",
        summary="Items on township lists added after the baseline version with no approved admission",
    )
    async def without(self, access: NamedDependency[Access]) -> list[admission.WithoutAdmission]:
        return await admission.without_admission(access)

    @get("/{admission_id:uuid}", operation_id="getAdmission", summary="One admission application")
    async def read(
        self, access: NamedDependency[Access], admission_id: FromPath[uuid.UUID]
    ) -> Response[engine.InstanceView]:
        view = await admission.get_admission(access, admission_id)
        return with_etag(view, view.version)

    @get("/{admission_id:uuid}/history", operation_id="getAdmissionHistory", summary="Every step of an admission")
    async def history(
        self, access: NamedDependency[Access], admission_id: FromPath[uuid.UUID]
    ) -> list[engine.StepView]:
        await admission.get_admission(access, admission_id)
        return await engine.history(access, admission_id)

    @post(
        "/{admission_id:uuid}/transitions",
        operation_id="transitionAdmission",
        summary="Take a step of an admission (review, consultation, decision)",
        status_code=200,
    )
    async def transition(
        self,
        access: NamedDependency[Access],
        admission_id: FromPath[uuid.UUID],
        data: JSONBody[engine.TransitionRequest],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await engine.transition_once(
            access, admission_id, data, parse_etag(if_match), idempotency_key, kind="admission"
        )
        return with_etag(view, view.version, 200, replayed=replayed)


class AdjustmentApplicationController(Controller):
    path = f"{TENANT_PATH}/adjustments"
    tags = ["adjustments"]

    @post(operation_id="applyAdjustment", summary="A township applies to add, remove or reassign an item")
    async def apply(
        self,
        access: NamedDependency[Access],
        data: JSONBody[bottom_up.AdjustmentApply],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await bottom_up.apply_once(access, data, idempotency_key)
        return with_etag(view, view.version, 201, replayed=replayed)

    @get(operation_id="listAdjustmentApplications", summary="Bottom-up adjustment applications, newest first")
    async def list(
        self,
        access: NamedDependency[Access],
        instance_state: StateFilter = None,
        open_only: OpenOnly = False,
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[engine.InstanceView]:
        return await bottom_up.list_adjustment_applications(
            access, state=instance_state, open_only=open_only, limit=limit, cursor=cursor
        )

    @get("/{adjustment_id:uuid}", operation_id="getAdjustmentApplication", summary="One adjustment application")
    async def read(
        self, access: NamedDependency[Access], adjustment_id: FromPath[uuid.UUID]
    ) -> Response[engine.InstanceView]:
        view = await bottom_up.get_adjustment(access, adjustment_id)
        return with_etag(view, view.version)

    @get("/{adjustment_id:uuid}/history", operation_id="getAdjustmentApplicationHistory", summary="Every step")
    async def history(
        self, access: NamedDependency[Access], adjustment_id: FromPath[uuid.UUID]
    ) -> list[engine.StepView]:
        await bottom_up.get_adjustment(access, adjustment_id)
        return await engine.history(access, adjustment_id)

    @post(
        "/{adjustment_id:uuid}/transitions",
        operation_id="transitionAdjustmentApplication",
        summary="Take a step of an adjustment (consultation, decision)",
        status_code=200,
    )
    async def transition(
        self,
        access: NamedDependency[Access],
        adjustment_id: FromPath[uuid.UUID],
        data: JSONBody[engine.TransitionRequest],
        if_match: IfMatch = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Response[engine.InstanceView]:
        view, replayed = await engine.transition_once(
            access, adjustment_id, data, parse_etag(if_match), idempotency_key, kind="adjustment"
        )
        return with_etag(view, view.version, 200, replayed=replayed)


__all__ = ["AdjustmentApplicationController", "AdmissionController", "WorkflowController"]
