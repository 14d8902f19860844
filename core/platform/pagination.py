"""Cursor pagination: opaque cursors over a stable sort key."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from typing import Annotated, Any, Generic, TypeVar

import msgspec

from core.platform.errors import FieldError, InvalidInput, ValidationFailed
from core.platform.messages import Text

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: Any) -> str:
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


#: Cursor shapes: the sort key ``page_of`` encoded (``[raised_at.isoformat(), str(id)]`` …).
TimeAndId = tuple[datetime.datetime, uuid.UUID]
Position = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]  # a bigint key
SmallPosition = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]  # an integer key or an offset
BAD_CURSOR = Text("field.bad-cursor")


def decode_cursor(cursor: str | None, shape: Any) -> Any:
    """The sort key in ``cursor``, of ``shape`` (a msgspec type: ``str``, :data:`TimeAndId`,
    :data:`Position` …). Garbage, a negative or truncated cursor and one of another list's
    shape answer 400 (a request of the wrong shape, like a malformed parameter), never a 500
    and never a value the statement cannot take."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        if b"\\u0000" in raw or b"\x00" in raw:  # PostgreSQL text cannot hold NUL
            raise ValueError("NUL")
        return msgspec.json.decode(raw, type=shape)
    except (binascii.Error, ValueError, msgspec.DecodeError) as exc:
        raise InvalidInput(
            Text("field", field="cursor", message=BAD_CURSOR), errors=[FieldError.said("cursor", BAD_CURSOR)]
        ) from exc


def check_limit(limit: int | None, maximum: int = MAX_LIMIT) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= maximum:
        raise ValidationFailed.on("limit", Text("field.must-between-1", maximum=maximum))
    return limit


def page_of(rows: list[T], limit: int, key: Any) -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows; ``key(row)`` gives the sort key."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(key(rows[-1])))
    return Page(items=rows)
