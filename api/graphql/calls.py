"""GraphQL face of calls (乡呼县应): the same services as REST, the same rules."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import GqlInfo
from api.graphql.sync import UpdatedSince
from core.calls import attachments as call_files
from core.calls import model
from core.calls import service as calls
from core.calls.statistics import CallStatistics as StatisticsView
from core.calls.statistics import call_statistics
from core.platform.errors import FieldError, InvalidInput, NotFound
from core.platform.messages import Text
from core.platform.storage import Storage, make_storage
from core.security.access import Access

_storages: dict[int, Storage] = {}


def _storage(info: GqlInfo) -> Storage:
    settings = info.context.settings
    if id(settings) not in _storages:
        _storages[id(settings)] = make_storage(settings)
    return _storages[id(settings)]


def _fields(struct: Any) -> dict[str, Any]:
    return {f: getattr(struct, f) for f in struct.__struct_fields__}


def _call_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(
            Text("invalid-request.id-not-call-id", value=value),
            errors=[FieldError.said("id", Text("field.not-uuid"))],
        ) from None


@strawberry.type
class CallExtension:
    state: str
    reason: str
    working_days: int | None
    hours: float | None
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    comment: str


@strawberry.type(description="One unit's part of a call, with its own state and deadlines.")
class CallDispatch:
    unit_code: str
    unit_name: str
    role: str
    item_code: str | None
    state: str
    state_label: str
    dispatched_at: datetime.datetime
    sign_deadline: datetime.datetime
    answer_deadline: datetime.datetime
    signed_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    feedback: str
    sent_back_at: datetime.datetime | None
    send_back_reason: str | None
    extension: CallExtension | None
    overdue: list[str]

    @classmethod
    def of(cls, view: model.DispatchView) -> CallDispatch:
        ext = CallExtension(**_fields(view.extension)) if view.extension else None
        return cls(**{**_fields(view), "extension": ext})


@strawberry.type(description="A file on a call or a step, with a signed download link.")
class CallAttachment:
    id: str
    step_seq: int | None
    unit_code: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    uploaded_by: str
    download_url: str

    @classmethod
    def of(cls, view: model.AttachmentView) -> CallAttachment:
        return cls(
            id=str(view.id),
            step_seq=view.step_seq,
            unit_code=view.unit_code,
            filename=view.filename,
            content_type=view.content_type,
            size=view.size,
            sha256=view.sha256,
            uploaded_at=view.uploaded_at,
            uploaded_by=view.uploaded_by,
            download_url=view.download_url,
        )


@strawberry.type(description="One step of a call's history: who, when, what and why.")
class CallStep:
    seq: int
    at: datetime.datetime
    action: str
    unit_code: str | None
    from_state: str | None
    to_state: str | None
    actor_role: str
    actor_name: str
    comment: str
    data: JSON


@strawberry.type(description="A township's call (乡呼县应 / 吹哨报到) and its dispatches.")
class Call:
    id: str
    township_code: str
    township_name: str
    village_code: str | None
    grid_code: str | None
    subject: str
    description: str
    call_class: str
    call_class_label: str
    item_code: str | None
    state: str
    state_label: str
    raised_at: datetime.datetime
    raised_by: str
    sign_deadline: datetime.datetime | None
    answer_deadline: datetime.datetime | None
    signed_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolved: bool | None
    satisfaction: str | None
    follow_up_note: str
    redo_count: int
    send_back_count: int
    revision: int
    dispatches: list[CallDispatch]
    access: strawberry.Private[Access]

    @classmethod
    def of(cls, view: model.CallView, access: Access) -> Call:
        values = _fields(view)
        values.update(id=str(view.id), dispatches=[CallDispatch.of(d) for d in view.dispatches], access=access)
        return cls(**values)

    @strawberry.field(description="Every step, oldest first.")
    async def history(self) -> list[CallStep]:
        steps = await calls.call_history(self.access, uuid.UUID(self.id))
        return [CallStep(**_fields(s)) for s in steps]

    @strawberry.field(description="Files, with links valid for an hour.")
    async def attachments(self, info: GqlInfo) -> list[CallAttachment]:
        files = await call_files.list_attachments(self.access, _storage(info), uuid.UUID(self.id))
        return [CallAttachment.of(f) for f in files]


@strawberry.type
class CallPage:
    items: list[Call]
    next_cursor: str | None


@strawberry.type
class CallProposal:
    unit_code: str
    unit_name: str
    role: str
    item_code: str
    item_title: str
    score: float


@strawberry.type
class CallViolation:
    call_id: str
    subject: str
    township_code: str
    call_class: str
    unit_code: str
    unit_name: str
    kind: str
    stage: str
    deadline: datetime.datetime | None
    at: datetime.datetime | None
    overdue_minutes: int | None


@strawberry.type
class SatisfactionCounts:
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    rated: int
    rate: float | None


@strawberry.type(description="Figures over calls raised in a period (rates are fractions).")
class CallStatistics:
    start: datetime.date
    end: datetime.date
    township: str | None
    unit: str | None
    received: int
    signed_on_time: int
    signed_on_time_rate: float | None
    closed: int
    closure_rate: float | None
    closed_on_time: int
    on_time_closure_rate: float | None
    sent_back: int
    send_back_rate: float | None
    redone: int
    redo_rate: float | None
    overdue: int
    mean_response_hours: float | None
    p90_response_hours: float | None
    mean_resolution_hours: float | None
    p90_resolution_hours: float | None
    satisfaction: SatisfactionCounts

    @classmethod
    def of(cls, view: StatisticsView) -> CallStatistics:
        return cls(**{**_fields(view), "satisfaction": SatisfactionCounts(**_fields(view.satisfaction))})


@strawberry.type
class CallQueries:
    """Mixed into the tenant node: calls, their figures and the violations report."""

    access: strawberry.Private[Access]

    @strawberry.field(description="Calls, newest first (a township sees its own, a department its unit's).")
    async def calls(
        self,
        township: str | None = None,
        unit: str | None = None,
        state: str | None = None,
        call_class: str | None = None,
        first: int = 50,
        after: str | None = None,
        updated_since: UpdatedSince = None,
    ) -> CallPage:
        page = await calls.list_calls(
            self.access,
            township=township,
            unit=unit,
            state=state,
            call_class=call_class,
            limit=first,
            cursor=after,
            updated_since=updated_since,
        )
        return CallPage(items=[Call.of(v, self.access) for v in page.items], next_cursor=page.next_cursor)

    @strawberry.field(description="One call; null when it does not exist or is not yours to see.")
    async def call(self, id: str) -> Call | None:
        try:
            return Call.of(await calls.get_call(self.access, _call_id(id)), self.access)
        except (NotFound, InvalidInput):
            return None

    @strawberry.field(description="The units the township's list proposes for a call now.")
    async def call_proposal(self, id: str) -> list[CallProposal]:
        return [CallProposal(**_fields(p)) for p in await calls.proposal(self.access, _call_id(id))]

    @strawberry.field(description="Figures for the tenant, a township or a unit over a period.")
    async def call_statistics(
        self, start: datetime.date, end: datetime.date, township: str | None = None, unit: str | None = None
    ) -> CallStatistics:
        view = await call_statistics(self.access, township=township, unit=unit, start=start, end=end)
        return CallStatistics.of(view)

    @strawberry.field(description="No response, late response and response without action over a period.")
    async def call_violations(
        self, start: datetime.date, end: datetime.date, township: str | None = None, unit: str | None = None
    ) -> list[CallViolation]:
        found = await calls.violations(self.access, start=start, end=end, township=township, unit=unit)
        return [CallViolation(**{**_fields(v), "call_id": str(v.call_id)}) for v in found]
