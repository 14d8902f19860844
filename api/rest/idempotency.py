"""``Idempotency-Key`` on the REST writes that create something (issue 17 item 4).

One helper for every creating ``POST``: the claims' rules (core/security/idempotency.py) —
the key is recorded in the write's own transaction, the same key with the same request
replays the stored response (same status, ``Idempotent-Replayed: true``), the same key with a
different request (or from another API key) is refused with 422, and a failed request stores
nothing. Keys belong to the tenant, so another tenant may use the same key string.

The request a key stands for is the operation, its path parameters and the decoded body,
so key order or whitespace in the JSON does not make a retry "different".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Response

from core.platform.versioning import etag
from core.security.access import Access
from core.security.idempotency import fingerprint, once

T = TypeVar("T")

REPLAYED_HEADER = "Idempotent-Replayed"


async def create_once(
    access: Access,
    key: str | None,
    operation: str,
    work: Callable[[], Awaitable[T]],
    result_type: type[T],
    *request: Any,
) -> tuple[T, bool]:
    """``work`` done once per ``key``: returns (its result, replayed). ``operation`` (the
    operation id) and ``request`` (path parameters and body) make the request's fingerprint."""
    return await once(access, key, fingerprint(operation, *request), work, result_type)


def created(view: T, replayed: bool, *, version: int | None = None, status: int = 201) -> Response[T]:
    """The creating answer: ``status``, the ``ETag`` when the thing is versioned, and
    ``Idempotent-Replayed: true`` on a replay."""
    headers = {}
    if version is not None:
        headers["ETag"] = etag(version)
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(view, status_code=status, headers=headers)
