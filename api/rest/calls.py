"""``/api/v1/tenants/{tenant}/calls`` — township calls (乡呼县应 / 吹哨报到)."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from functools import partial
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, JSONBody, QueryParameter

from api.errors import decode_error
from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, Limit, UpdatedSince
from core.calls import attachments
from core.calls import service as calls
from core.calls.model import (
    Answer,
    AttachmentUpload,
    AttachmentView,
    CallCreate,
    CallView,
    DispatchRequest,
    ExtensionDecision,
    ExtensionRequest,
    FollowUp,
    Proposal,
    Reroute,
    SendBack,
    StepView,
    Urge,
    Violation,
)
from core.calls.statistics import CallStatistics, call_statistics, call_statistics_by
from core.platform.errors import FieldError, InvalidInput
from core.platform.messages import Text
from core.platform.pagination import Page
from core.platform.storage import Storage
from core.security.access import Access

Start = Annotated[datetime.date, QueryParameter(description="first day of the period (China time), e.g. 2022-01-01")]
End = Annotated[datetime.date, QueryParameter(description="last day of the period (inclusive), e.g. 2022-12-31")]
TownshipFilter = Annotated[str | None, QueryParameter(description="township division code")]
UnitFilter = Annotated[str | None, QueryParameter(description="unit code")]


async def _read_upload(request: Request[Any, Any, Any], storage: Storage) -> bytes:
    """The JSON body, refused (413) as soon as it passes what the size cap allows in base64."""
    cap = (storage.max_bytes + 2) // 3 * 4 + 64 * 1024
    announced = request.headers.get("content-length")
    if announced and announced.isascii() and announced.isdigit() and int(announced) > cap:
        raise attachments.too_large(storage, int(announced) * 3 // 4)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise attachments.too_large(storage)
            chunks.append(chunk)
    except RequestEntityTooLarge as exc:
        raise attachments.too_large(storage) from exc
    return b"".join(chunks)


class CallController(Controller):
    path = f"{TENANT_PATH}/calls"
    tags = ["calls"]

    @post(operation_id="raiseCall", summary="Raise a call; dispatched by the township's list")
    async def raise_call(
        self, access: NamedDependency[Access], data: JSONBody[CallCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[CallView]:
        work = partial(calls.raise_call, access, data)
        view, replayed = await create_once(access, idempotency_key, "raiseCall", work, CallView, data)
        return created(view, replayed)

    @get(operation_id="listCalls", summary="Calls, newest first (a township sees its own, a department its unit's)")
    async def index(
        self,
        access: NamedDependency[Access],
        township: TownshipFilter = None,
        unit: UnitFilter = None,
        call_state: Annotated[
            str | None, QueryParameter(name="state", description="received, dispatched, signed_for, … archived")
        ] = None,
        call_class: Annotated[str | None, QueryParameter(name="class", description="e.g. emergency")] = None,
        limit: Limit = None,
        cursor: Cursor = None,
        updated_since: UpdatedSince = None,
    ) -> Page[CallView]:
        return await calls.list_calls(
            access,
            township=township,
            unit=unit,
            state=call_state,
            call_class=call_class,
            limit=limit,
            cursor=cursor,
            updated_since=updated_since,
        )

    @get("/statistics", operation_id="callStatistics", summary="Figures for the tenant, a township or a unit")
    async def statistics(
        self,
        access: NamedDependency[Access],
        start: Start,
        end: End,
        township: TownshipFilter = None,
        unit: UnitFilter = None,
    ) -> CallStatistics:
        return await call_statistics(access, township=township, unit=unit, start=start, end=end)

    @get(
        "/statistics/grouped",
        operation_id="callStatisticsGrouped",
        summary="Figures for every township or every unit",
    )
    async def statistics_by(
        self,
        access: NamedDependency[Access],
        start: Start,
        end: End,
        by: Annotated[Literal["township", "unit"], QueryParameter(description="township or unit")],
    ) -> list[CallStatistics]:
        return await call_statistics_by(access, group_by=by, start=start, end=end)

    @get("/violations", operation_id="callViolations", summary="No response, late response, response without action")
    async def violations(
        self,
        access: NamedDependency[Access],
        start: Start,
        end: End,
        township: TownshipFilter = None,
        unit: UnitFilter = None,
    ) -> list[Violation]:
        return await calls.violations(access, start=start, end=end, township=township, unit=unit)

    @get("/{call_id:uuid}", operation_id="getCall", summary="One call with its dispatches")
    async def read(self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID]) -> CallView:
        return await calls.get_call(access, call_id)

    @get("/{call_id:uuid}/history", operation_id="getCallHistory", summary="Every step, with who, when and why")
    async def history(self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID]) -> list[StepView]:
        return await calls.call_history(access, call_id)

    @get("/{call_id:uuid}/proposal", operation_id="proposeCallUnits", summary="Units the list proposes now")
    async def proposal(self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID]) -> list[Proposal]:
        return await calls.proposal(access, call_id)

    @post("/{call_id:uuid}/dispatch", operation_id="dispatchCall", status_code=200, summary="Dispatch a waiting call")
    async def dispatch(
        self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID], data: JSONBody[DispatchRequest]
    ) -> CallView:
        return await calls.dispatch(access, call_id, data.unit_codes)

    @post("/{call_id:uuid}/reroute", operation_id="rerouteCall", status_code=200, summary="Re-route (转派)")
    async def reroute(
        self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID], data: JSONBody[Reroute]
    ) -> CallView:
        return await calls.reroute(access, call_id, data)

    @post("/{call_id:uuid}/urge", operation_id="urgeCall", status_code=200, summary="Supervise (督办) or urge (催办)")
    async def urge(
        self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID], data: JSONBody[Urge]
    ) -> CallView:
        return await calls.urge(access, call_id, data)

    @post("/{call_id:uuid}/follow-up", operation_id="followUpCall", status_code=200, summary="Rate; close or redo")
    async def follow_up(
        self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID], data: JSONBody[FollowUp]
    ) -> CallView:
        return await calls.follow_up(access, call_id, data)

    @post("/{call_id:uuid}/archive", operation_id="archiveCall", status_code=200, summary="Archive a closed call")
    async def archive(self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID]) -> CallView:
        return await calls.archive(access, call_id)

    @post(
        "/{call_id:uuid}/dispatches/{unit:str}/{action:str}",
        operation_id="moveCallDispatch",
        status_code=200,
        summary="A unit's step: sign-for (报到) or start",
    )
    async def move(
        self,
        access: NamedDependency[Access],
        call_id: FromPath[uuid.UUID],
        unit: FromPath[str],
        action: FromPath[Literal["sign-for", "start"]],
    ) -> CallView:
        if action == "sign-for":
            return await calls.sign_for(access, call_id, unit)
        return await calls.start(access, call_id, unit)

    @post(
        "/{call_id:uuid}/dispatches/{unit:str}/answer",
        operation_id="answerCall",
        status_code=200,
        summary="The unit's feedback",
    )
    async def answer(
        self, access: NamedDependency[Access], call_id: FromPath[uuid.UUID], unit: FromPath[str], data: JSONBody[Answer]
    ) -> CallView:
        return await calls.answer(access, call_id, unit, data)

    @post(
        "/{call_id:uuid}/dispatches/{unit:str}/send-back",
        operation_id="sendBackCall",
        status_code=200,
        summary="Send back (退回) as not this unit's, citing the list; the list re-proposes",
    )
    async def send_back(
        self,
        access: NamedDependency[Access],
        call_id: FromPath[uuid.UUID],
        unit: FromPath[str],
        data: JSONBody[SendBack],
    ) -> CallView:
        return await calls.send_back(access, call_id, unit, data)

    @post(
        "/{call_id:uuid}/dispatches/{unit:str}/extension",
        operation_id="requestCallExtension",
        status_code=200,
        summary="Ask for more time (延期申请)",
    )
    async def extension(
        self,
        access: NamedDependency[Access],
        call_id: FromPath[uuid.UUID],
        unit: FromPath[str],
        data: JSONBody[ExtensionRequest],
    ) -> CallView:
        return await calls.request_extension(access, call_id, unit, data)

    @post(
        "/{call_id:uuid}/dispatches/{unit:str}/extension/decision",
        operation_id="decideCallExtension",
        status_code=200,
        summary="Approve or refuse an extension",
    )
    async def decide(
        self,
        access: NamedDependency[Access],
        call_id: FromPath[uuid.UUID],
        unit: FromPath[str],
        data: JSONBody[ExtensionDecision],
    ) -> CallView:
        return await calls.decide_extension(access, call_id, unit, data)

    @get("/{call_id:uuid}/attachments", operation_id="listCallAttachments", summary="Files, with signed links")
    async def attachments(
        self, request: Request[Any, Any, Any], access: NamedDependency[Access], call_id: FromPath[uuid.UUID]
    ) -> list[AttachmentView]:
        return await attachments.list_attachments(access, request.app.state.storage, call_id)

    @post(
        "/{call_id:uuid}/attachments",
        operation_id="uploadCallAttachment",
        request_max_body_size=None,
        summary="Attach a file (base64 in JSON) to the call, a unit's part or a step",
        description="Size and type limits come from QINGDAN_STORAGE_MAX_BYTES and QINGDAN_STORAGE_CONTENT_TYPES "
        "(413 / 415). `unit` attaches it to that unit's part; `step` to a step of the history.",
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        access: NamedDependency[Access],
        call_id: FromPath[uuid.UUID],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[AttachmentView]:
        storage: Storage = request.app.state.storage
        body = await _read_upload(request, storage)
        try:
            file = msgspec.json.decode(body, type=AttachmentUpload)
        except msgspec.ValidationError as exc:
            error = decode_error(str(exc))
            raise InvalidInput(str(exc), errors=[error], text=error.text) from exc
        except msgspec.DecodeError as exc:
            raise InvalidInput(
                Text("invalid-request.body-not-valid-json", exc=exc),
                errors=[FieldError.said("body", Text("field.not-json", exc=exc))],
            ) from exc
        work = partial(attachments.upload, access, storage, call_id, file)
        digest = hashlib.sha256(body).hexdigest()  # the request is the raw body: keep the fingerprint small
        view, replayed = await create_once(
            access, idempotency_key, "uploadCallAttachment", work, AttachmentView, str(call_id), digest
        )
        return created(view, replayed)
