"""Cursor pagination: opaque cursors over a stable sort key."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Generic, TypeVar

import msgspec

from core.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: Any) -> str:
    raw = json.dumps(key, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed.on("cursor", "not a cursor returned by this API") from exc


def check_limit(limit: int | None, maximum: int = MAX_LIMIT) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= maximum:
        raise ValidationFailed.on("limit", f"must be between 1 and {maximum}")
    return limit


def page_of(rows: list[T], limit: int, key: Any) -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows; ``key(row)`` gives the sort key."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(key(rows[-1])))
    return Page(items=rows)
