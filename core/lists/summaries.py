"""The township lists of a tenant as one collection, for systems that mirror them (issue 17 item 7).

One summary per township list (its status, revision and the number of its latest published
version), in township-code order with cursor pagination, filterable by ``updated_since``: a
mirror reads the summaries changed since its last pull and fetches those lists (working copy
or published version) by their own URLs.

Who sees what: the county admin (and platform keys) every list, a township key its own; other
keys (readers, departments) the lists that have a published version — those are public.
"""

from __future__ import annotations

import datetime

import msgspec

from core.lists import queries
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.platform.sync import parse_since
from core.security.access import Access, Role

LIST_STATUSES = ("draft", "submitted", "returned", "filed", "published")


class ListSummary(msgspec.Struct):
    """A township list without its entries."""

    township_code: str
    township_name: str
    status: str  # of the working copy: draft, submitted, returned, filed or published
    catalog_version: int  # the catalog version the working copy follows
    revision: int  # the working copy's concurrency token (If-Match)
    published_number: int  # the latest published version, 0 before the first publication
    updated_at: datetime.datetime  # the last change of the working copy or its publication


async def list_summaries(
    access: Access,
    *,
    status: str | None = None,
    updated_since: str | datetime.datetime | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[ListSummary]:
    """Township lists in code order; ``updated_since``: changed (edited, reviewed, published)
    at or after it."""
    limit = check_limit(limit)
    since = parse_since(updated_since)
    if status is not None and status not in LIST_STATUSES:
        raise ValidationFailed.on(
            "status", Text("field.unknown-status-use-one", status=status, value=list(LIST_STATUSES))
        )
    after = decode_cursor(cursor, str)
    township = access.principal.scope_code if access.role is Role.TOWNSHIP else None
    published_only = not access.is_admin and access.role is not Role.TOWNSHIP
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.list_summaries(
            conn, access.tenant.id, township, published_only, status, since, after, limit + 1
        )
    views = [ListSummary(**{f: getattr(r, f) for f in ListSummary.__struct_fields__}) for r in rows]
    return page_of(views, limit, key=lambda s: s.township_code)
