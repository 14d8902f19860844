"""The audit trail: every change is an attributed event with before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from core.platform.db import tenant_transaction
from core.platform.pagination import Page, Position, check_limit, decode_cursor, page_of
from core.security import queries
from core.security.access import Access
from core.security.permissions import require_admin


class AuditEventView(msgspec.Struct):
    id: int
    at: datetime
    entity: str
    entity_key: str
    action: str
    actor_key_id: str | None
    actor_role: str | None
    request_id: str | None
    before: Any | None
    after: Any | None


def _json(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value).decode()


async def record(
    access: Access,
    entity: str,
    entity_key: str,
    action: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one event inside the caller's tenant transaction."""
    async with tenant_transaction(access.tenant.id) as conn:
        await conn.execute(
            queries.RECORD_EVENT,
            access.tenant.id,
            access.principal.key_id,
            access.principal.role.value,
            access.request_id,
            entity,
            entity_key,
            action,
            _json(before),
            _json(after),
        )


async def list_events(
    access: Access,
    *,
    entity: str | None = None,
    entity_key: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[AuditEventView]:
    require_admin(access, "read the audit trail")
    limit = check_limit(limit)
    after_id = decode_cursor(cursor, Position)
    async with tenant_transaction(access.tenant.id) as conn:
        records = await queries.audit_page(conn, access.tenant.id, entity, entity_key, after_id, limit + 1)
    events = [
        AuditEventView(
            id=r.id,
            at=r.at,
            entity=r.entity,
            entity_key=r.entity_key,
            action=r.action,
            actor_key_id=r.actor_key_id,
            actor_role=r.actor_role,
            request_id=r.request_id,
            before=msgspec.json.decode(r.before) if r.before else None,
            after=msgspec.json.decode(r.after) if r.after else None,
        )
        for r in records
    ]
    return page_of(events, limit, key=lambda e: e.id)
