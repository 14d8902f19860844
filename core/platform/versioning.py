"""Optimistic concurrency, one rule for every update and transition.

A write names the version it read, either as ``If-Match: "3"`` (the ``ETag`` of the read) or
as ``version``/``revision`` in the body; the header wins when both are sent. ``If-Match: *``
means "whatever version it is now" (RFC 9110 §13.1.1): the write goes ahead without a check.
A stale version answers 412; a missing one answers 428 where the write requires it (updates
with a body), and is allowed on transitions, which check their state instead. An ``If-Match``
that is no ETag at all (``x``, empty) is a malformed request, 400: a 412 would tell the client
to read again and retry, which cannot help. The service
compares the version while it holds the row lock (or in the write's own ``WHERE``), so two
writers naming the same version cannot both win.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from core.platform.errors import FieldError, InvalidInput, PreconditionFailed, PreconditionRequired
from core.platform.messages import Text

ANY: Final = "*"
# What a write names: a version, ANY (``If-Match: *``) or None (nothing sent)
Expected = int | Literal["*"] | None


def etag(version: int) -> str:
    return f'"{version}"'


def parse_etag(header: str | None) -> Expected:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``); ``*`` is :data:`ANY`."""
    if header is None:
        return None
    if header.strip() == ANY:
        return ANY
    value = header.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):
        message = Text("field.not-etag")
        raise InvalidInput(
            Text("invalid-request.if-match", header=header, message=message),
            errors=[FieldError.said("If-Match", message)],
        )
    return int(value)


def check_version(
    current: int,
    if_match: Expected,
    body_version: int | msgspec.UnsetType | None,
    *,
    required: bool = True,
    field: str = "version",
) -> None:
    """Raise unless the version the write names (header first, then body) is ``current``."""
    expected = if_match if if_match is not None else body_version
    if expected == ANY:
        return
    if expected is None or expected is msgspec.UNSET:
        if required:
            raise PreconditionRequired(Text("precondition-required.send-if-match-body", current=current, field=field))
        return
    if expected != current:
        stale(expected, current)


def stale(expected: object, current: object) -> None:
    """The 412 of a write that named an old version (also for a write whose ``WHERE version``
    matched no row)."""
    raise PreconditionFailed(Text("precondition-failed.record-changed-since-you", expected=expected, current=current))
