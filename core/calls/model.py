"""The shapes of calls: what a client sends and what it reads back."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

import msgspec

from core.platform.inputs import NAME, Checked

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Reason = Annotated[str, msgspec.Meta(min_length=2, max_length=2000)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]


class CallCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """A township raises a call. Without ``unit_codes`` the platform proposes the units from
    the township's published list (by ``item_code``, else by the text) and dispatches."""

    township_code: Code
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200), NAME]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    call_class: Code
    village_code: Code | None = None
    grid_code: Code | None = None
    item_code: Code | None = None
    unit_codes: list[Code] | None = None
    dispatch: bool = True


class DispatchRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The county office dispatches a waiting call: to these units, or by the list."""

    unit_codes: list[Code] | None = None


class Answer(msgspec.Struct, forbid_unknown_fields=True):
    feedback: Text


class SendBack(msgspec.Struct, forbid_unknown_fields=True):
    """退回: not this unit's responsibility. ``item_code`` cites the list item concerned."""

    reason: Reason
    item_code: Code


class Reroute(msgspec.Struct, forbid_unknown_fields=True):
    """转派 by the county office: move a dispatch to another unit (or add one)."""

    to_unit: Code
    reason: Reason
    from_unit: Code | None = None
    role: Literal["primary", "cooperating"] = "primary"


class ExtensionRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason
    working_days: Annotated[int, msgspec.Meta(ge=1, le=30)] | None = None
    hours: Annotated[float, msgspec.Meta(gt=0, le=240)] | None = None  # decimals: 0.5 is 30 minutes


class ExtensionDecision(msgspec.Struct, forbid_unknown_fields=True):
    approved: bool
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Urge(msgspec.Struct, forbid_unknown_fields=True):
    """督办 (supervision, by the county office) or 催办 (urging, by the township or county)."""

    kind: Literal["supervise", "urge"]
    comment: Text
    unit_code: Code | None = None


class FollowUp(msgspec.Struct, forbid_unknown_fields=True):
    """回访: the township rates the answer; resolved closes the call, unresolved sends it back
    to the units to be redone (重办)."""

    resolved: bool
    satisfaction: Satisfaction
    comment: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class Proposal(msgspec.Struct):
    unit_code: str
    unit_name: str
    role: str
    item_code: str
    item_title: str
    score: float


class Extension(msgspec.Struct):
    state: str
    reason: str
    working_days: int | None
    hours: float | None
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None = None
    comment: str = ""


class DispatchView(msgspec.Struct):
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
    extension: Extension | None
    overdue: list[str]


class CallView(msgspec.Struct):
    id: uuid.UUID
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
    dispatches: list[DispatchView]


class StepView(msgspec.Struct):
    seq: int
    at: datetime.datetime
    action: str
    unit_code: str | None
    from_state: str | None
    to_state: str | None
    actor_role: str
    actor_name: str
    comment: str
    data: dict[str, object]


class Violation(msgspec.Struct):
    """A unit that did not respond, responded late, or answered without resolving it."""

    call_id: uuid.UUID
    subject: str
    township_code: str
    call_class: str
    unit_code: str
    unit_name: str
    kind: Literal["no_response", "late_response", "response_without_action"]
    stage: Literal["sign", "answer", "follow_up"]
    deadline: datetime.datetime | None
    at: datetime.datetime | None
    overdue_minutes: int | None


class AttachmentUpload(msgspec.Struct, Checked, forbid_unknown_fields=True):
    """A file for a call (or, with ``unit``, for that unit's part; with ``step``, for one step
    of the history), its bytes in base64."""

    filename: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["现场照片.jpg"]), NAME]
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["image/jpeg"])]
    content_base64: str
    unit: Code | None = None
    step: int | None = None


class AttachmentView(msgspec.Struct):
    id: uuid.UUID
    call_id: uuid.UUID
    step_seq: int | None
    unit_code: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime
    uploaded_by: str
    download_url: str
