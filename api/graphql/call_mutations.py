"""GraphQL mutations of calls (乡呼县应): the REST operations, through the same services."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from api.graphql.calls import Call, CallAttachment, _call_id, _storage
from api.graphql.context import GqlInfo
from api.graphql.inputs import convert
from api.graphql.types import Problem, attempt
from core.calls import attachments as call_files
from core.calls import model
from core.calls import service as calls
from core.security.access import Access


@strawberry.input
class CallInput:
    township_code: str
    subject: str
    description: str
    call_class: str
    village_code: str | None = None
    grid_code: str | None = None
    item_code: str | None = None
    unit_codes: list[str] | None = None
    dispatch: bool = True


@strawberry.input
class AttachmentInput:
    filename: str
    content_type: str
    content_base64: str
    unit: str | None = None
    step: int | None = None


def _given(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if v is not None and v is not strawberry.UNSET}


CallResult = Annotated[Call | Problem, strawberry.union("CallResult")]
AttachmentResult = Annotated[CallAttachment | Problem, strawberry.union("CallAttachmentResult")]


def _on_call(
    info: GqlInfo, tenant: str, id: str, work: Callable[[Access, uuid.UUID], Awaitable[model.CallView]]
) -> Awaitable[Any]:
    async def act(access: Access) -> Call:
        return Call.of(await work(access, _call_id(id)), access)

    return attempt(info, tenant, act)


@strawberry.type
class CallMutations:
    """Calls: raise, respond, re-route, follow up — the REST operations, same services."""

    @strawberry.mutation(description="Raise a call; the platform dispatches it by the township's list.")
    async def raise_call(self, info: GqlInfo, tenant: str, input: CallInput) -> CallResult:
        async def act(access: Access) -> Call:
            return Call.of(await calls.raise_call(access, convert(_given(input), model.CallCreate)), access)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="The county office dispatches a waiting call (to unitCodes, or by the list).")
    async def dispatch_call(
        self, info: GqlInfo, tenant: str, id: str, unit_codes: list[str] | None = None
    ) -> CallResult:
        return await _on_call(info, tenant, id, lambda a, c: calls.dispatch(a, c, unit_codes))

    @strawberry.mutation(description="报到: the unit acknowledges the call.")
    async def sign_for_call(self, info: GqlInfo, tenant: str, id: str, unit: str) -> CallResult:
        return await _on_call(info, tenant, id, lambda a, c: calls.sign_for(a, c, unit))

    @strawberry.mutation(description="The unit starts work.")
    async def start_call(self, info: GqlInfo, tenant: str, id: str, unit: str) -> CallResult:
        return await _on_call(info, tenant, id, lambda a, c: calls.start(a, c, unit))

    @strawberry.mutation(description="The unit's feedback (反馈).")
    async def answer_call(self, info: GqlInfo, tenant: str, id: str, unit: str, feedback: str) -> CallResult:
        data = {"feedback": feedback}
        return await _on_call(info, tenant, id, lambda a, c: calls.answer(a, c, unit, convert(data, model.Answer)))

    @strawberry.mutation(description="退回: not the unit's by the list (cite the item); the list re-proposes.")
    async def send_back_call(
        self, info: GqlInfo, tenant: str, id: str, unit: str, reason: str, item_code: str
    ) -> CallResult:
        data = {"reason": reason, "item_code": item_code}
        return await _on_call(info, tenant, id, lambda a, c: calls.send_back(a, c, unit, convert(data, model.SendBack)))

    @strawberry.mutation(description="转派 by the county office, with the reason.")
    async def reroute_call(
        self,
        info: GqlInfo,
        tenant: str,
        id: str,
        to_unit: str,
        reason: str,
        from_unit: str | None = None,
        role: str = "primary",
    ) -> CallResult:
        data = {"to_unit": to_unit, "reason": reason, "from_unit": from_unit, "role": role}
        return await _on_call(info, tenant, id, lambda a, c: calls.reroute(a, c, convert(data, model.Reroute)))

    @strawberry.mutation(description="延期申请: give working days or hours.")
    async def request_call_extension(
        self,
        info: GqlInfo,
        tenant: str,
        id: str,
        unit: str,
        reason: str,
        working_days: int | None = None,
        hours: float | None = None,
    ) -> CallResult:
        data = {"reason": reason, "working_days": working_days, "hours": hours}
        return await _on_call(
            info, tenant, id, lambda a, c: calls.request_extension(a, c, unit, convert(data, model.ExtensionRequest))
        )

    @strawberry.mutation(description="The county office approves or refuses an extension.")
    async def decide_call_extension(
        self, info: GqlInfo, tenant: str, id: str, unit: str, approved: bool, comment: str = ""
    ) -> CallResult:
        data = {"approved": approved, "comment": comment}
        return await _on_call(
            info, tenant, id, lambda a, c: calls.decide_extension(a, c, unit, convert(data, model.ExtensionDecision))
        )

    @strawberry.mutation(description="督办 (kind: supervise) or 催办 (kind: urge).")
    async def urge_call(
        self, info: GqlInfo, tenant: str, id: str, kind: str, comment: str, unit_code: str | None = None
    ) -> CallResult:
        data = {"kind": kind, "comment": comment, "unit_code": unit_code}
        return await _on_call(info, tenant, id, lambda a, c: calls.urge(a, c, convert(data, model.Urge)))

    @strawberry.mutation(description="回访: rate (satisfied / basically_satisfied / dissatisfied); close or redo.")
    async def follow_up_call(
        self, info: GqlInfo, tenant: str, id: str, resolved: bool, satisfaction: str, comment: str = ""
    ) -> CallResult:
        data = {"resolved": resolved, "satisfaction": satisfaction, "comment": comment}
        return await _on_call(info, tenant, id, lambda a, c: calls.follow_up(a, c, convert(data, model.FollowUp)))

    @strawberry.mutation(description="Archive a closed call.")
    async def archive_call(self, info: GqlInfo, tenant: str, id: str) -> CallResult:
        return await _on_call(info, tenant, id, calls.archive)

    @strawberry.mutation(description="Attach a file (base64) to a call, a unit's part or a step.")
    async def attach_to_call(self, info: GqlInfo, tenant: str, id: str, input: AttachmentInput) -> AttachmentResult:
        async def act(access: Access) -> CallAttachment:
            data = convert(_given(input), model.AttachmentUpload)
            return CallAttachment.of(await call_files.upload(access, _storage(info), _call_id(id), data))

        return await attempt(info, tenant, act)
