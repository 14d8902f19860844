"""Parameters and response headers shared by many routes: paging, optimistic concurrency
(``If-Match`` in, ``ETag`` out) and ``Idempotency-Key``."""

from __future__ import annotations

from typing import Annotated, TypeVar

from litestar import Response
from litestar.openapi.spec import Example
from litestar.params import HeaderParameter, Parameter

from core.platform.versioning import etag

T = TypeVar("T")

Limit = Annotated[int | None, Parameter(description="page size (1–500, default 50)", ge=1, le=500)]
Cursor = Annotated[str | None, Parameter(description="next_cursor of the previous page")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description=(
            'the ETag you read (e.g. "3"), or * for any version; the body\'s version/revision is the alternative.'
            " Required on updates with a body; a stale one answers 412"
        ),
    ),
]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(name="Idempotency-Key", description="send the same key to retry safely"),
]
UpdatedSince = Annotated[
    str | None,
    Parameter(
        description="only rows changed at or after this RFC 3339 timestamp (with its offset), deletions and "
        "withdrawals included where the collection keeps them; for mirroring, see the README",
        examples=[Example(value="2025-01-01T08:00:00+08:00")],
    ),
]
TENANT_PATH = "/api/v1/tenants/{tenant:str}"


def with_etag(view: T, version: int, status: int | None = None, *, replayed: bool = False) -> Response[T]:
    """``view`` with its version as the ``ETag`` (what the next ``If-Match`` sends back); a
    write repeated under the same ``Idempotency-Key`` also says ``Idempotent-Replayed: true``.
    ``status`` None: the route's own status code."""
    headers = {"ETag": etag(version)}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(view, status_code=status, headers=headers)
