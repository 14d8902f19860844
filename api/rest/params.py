"""Parameters shared by many routes."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter, Parameter

Limit = Annotated[int | None, Parameter(description="page size (1–500, default 50)", ge=1, le=500)]
Cursor = Annotated[str | None, Parameter(description="next_cursor of the previous page")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description='the ETag you read (e.g. "3"); required on PATCH unless the body has version',
    ),
]
TENANT_PATH = "/api/v1/tenants/{tenant:str}"
