"""Safe retries: a write sent again with the same ``Idempotency-Key`` is done once.

The key is recorded in the same transaction as the write, so a request either happened
with its key or not at all; a concurrent duplicate waits on the key's row and then replays
the stored response. A failed request stores nothing, so it can be retried.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec

from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.platform.messages import Text
from core.security import queries
from core.security.access import Access

T = TypeVar("T")


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(msgspec.json.encode(parts, order="sorted")).hexdigest()


async def once(
    access: Access, key: str | None, request: str, work: Callable[[], Awaitable[T]], result_type: type[T]
) -> tuple[T, bool]:
    """Run ``work`` unless ``key`` was seen; returns (its result, replayed). A replay is the
    stored response converted back to ``result_type``."""
    if key is None:
        return await work(), False
    if not 1 <= len(key) <= 200:
        raise ValidationFailed.on("Idempotency-Key", Text("field.between-1-200-characters"))
    async with tenant_transaction(access.tenant.id) as conn:
        fresh = await queries.claim_key(conn, access.tenant.id, key, access.principal.key_id, request)
        if not fresh:
            seen = await queries.used_key(conn, access.tenant.id, key)
            assert seen is not None, "the INSERT just met it (a conflicting insert is waited for)"
            if seen.api_key_id != access.principal.key_id or seen.fingerprint != request:
                raise ValidationFailed.on("Idempotency-Key", Text("field.already-used-different-request"))
            # The key and its response are written in one transaction, so a key seen has its response.
            assert seen.response is not None, "a key is committed together with its response"
            return msgspec.json.decode(seen.response, type=result_type), True
        result = await work()
        await conn.execute(
            queries.STORE_RESPONSE,
            access.tenant.id,
            key,
            msgspec.json.encode(result).decode(),
        )
    return result, False
