"""Optimistic concurrency: a write names the version it read (If-Match or ``version``)."""

from __future__ import annotations

import msgspec

from core.platform.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"{version}"'


def parse_etag(header: str | None) -> int | None:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``); ``*`` means any."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):
        raise PreconditionFailed(f"If-Match {header!r} is not an ETag this API issued")
    return int(value)


def check_version(
    current: int,
    if_match: int | None,
    body_version: int | msgspec.UnsetType | None,
    *,
    required: bool = True,
    field: str = "version",
) -> None:
    expected = if_match if if_match is not None else body_version
    if expected is None or expected is msgspec.UNSET:
        if required:
            raise PreconditionRequired(
                f'send If-Match: "{current}" (or "{field}": {current} in the body) so that '
                "a concurrent change is not overwritten"
            )
        return
    if expected != current:
        raise PreconditionFailed(
            f"the record changed since you read it (you sent version {expected}, it is now "
            f"{current}); read it again and reapply your change"
        )
