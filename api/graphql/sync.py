"""The ``updatedSince`` argument of the collections other systems mirror (issue 17 item 7);
the REST query parameter ``updated_since`` with the same meaning."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

UpdatedSince = Annotated[
    datetime.datetime | None,
    strawberry.argument(
        description="only rows changed at or after this moment (RFC 3339 with its offset, e.g. "
        "2025-01-01T08:00:00+08:00); withdrawals included where the collection keeps them"
    ),
]
