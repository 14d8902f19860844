"""API keys: random, shown once, stored as a SHA-256 hash, revocable.

A key is ``qd_`` followed by 43 URL-safe characters (256 random bits), so a fast hash is
the right one: there is nothing to brute-force. Resolution is cached per process for
:data:`CACHE_SECONDS`; a revocation made through this process applies at once, one made
through another worker within that many seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec

from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.platform.db import platform_transaction, tenant_transaction
from core.platform.errors import NotFound, Unauthenticated, ValidationFailed
from core.platform.inputs import NAME, Checked
from core.platform.messages import Text
from core.platform.pagination import Page, check_limit, decode_cursor, page_of
from core.security import audit
from core.security.access import Access, Principal, Role
from core.security.permissions import require_admin

PREFIX = "qd_"
CACHE_SECONDS = 10.0
TOUCH_EVERY = timedelta(minutes=1)

_cache: dict[bytes, tuple[float, Principal]] = {}
_inflight: dict[bytes, asyncio.Future[Principal]] = {}


class ApiKeyCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["绩效考评系统"]), NAME]
    role: Role
    scope_code: str | None = None


class ApiKeyView(msgspec.Struct):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    scope_code: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class IssuedKey(msgspec.Struct):
    """The one response that carries the secret; it is never shown again."""

    key: str
    api_key: ApiKeyView


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _view(row: Any) -> ApiKeyView:
    return ApiKeyView(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        role=Role(row["role"]),
        scope_code=row["scope_code"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
    )


_COLUMNS = "id, name, prefix, role, scope_code, created_at, revoked_at, last_used_at"


async def _check_scope(access: Access, role: Role, scope_code: str | None) -> None:
    needs_scope = role in (Role.DEPARTMENT, Role.TOWNSHIP)
    if needs_scope != (scope_code is not None):
        message = "field.scope-required" if needs_scope else "field.scope-not-taken"
        raise ValidationFailed.on("scope_code", Text(message))
    if role is Role.PLATFORM:
        raise ValidationFailed.on("role", Text("field.platform-key-by-cli"))
    async with tenant_transaction(access.tenant.id) as conn:
        if role is Role.TOWNSHIP:
            kind = await conn.fetchval(
                "SELECT kind FROM jurisdictions WHERE tenant_id = $1 AND code = $2",
                access.tenant.id,
                scope_code,
            )
            if kind is None or KINDS[kind].level != TOWNSHIP_LEVEL:
                raise ValidationFailed.on("scope_code", Text("field.scope-not-a-township", code=scope_code))
        if role is Role.DEPARTMENT:
            kind = await conn.fetchval(
                "SELECT kind FROM units WHERE tenant_id = $1 AND code = $2",
                access.tenant.id,
                scope_code,
            )
            if kind not in ("department", "dispatched_agency"):
                raise ValidationFailed.on("scope_code", Text("field.scope-not-a-department", code=scope_code))


async def create_key(access: Access, data: ApiKeyCreate) -> IssuedKey:
    """Issue a key in ``access.tenant``; only its admin (or a platform key) may."""
    require_admin(access, "create API keys")
    await _check_scope(access, data.role, data.scope_code)
    token = PREFIX + secrets.token_urlsafe(32)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await conn.fetchrow(
            "INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, scope_code, created_by)"
            f" VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_COLUMNS}",
            access.tenant.id,
            data.name,
            token[:11],
            _hash(token),
            data.role.value,
            data.scope_code,
            access.principal.key_id,
        )
        view = _view(row)
        await audit.record(access, "api_key", str(view.id), "create", after=view)
    return IssuedKey(key=token, api_key=view)


async def create_platform_key(name: str) -> IssuedKey:
    """A key that reaches every tenant; only the command line makes these."""
    token = PREFIX + secrets.token_urlsafe(32)
    async with platform_transaction() as conn:
        row = await conn.fetchrow(
            "INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role)"
            f" VALUES (NULL, $1, $2, $3, 'platform') RETURNING {_COLUMNS}",
            name,
            token[:11],
            _hash(token),
        )
    return IssuedKey(key=token, api_key=_view(row))


async def list_keys(access: Access, *, limit: int | None = None, cursor: str | None = None) -> Page[ApiKeyView]:
    require_admin(access, "list API keys")
    limit = check_limit(limit)
    after = decode_cursor(cursor, str)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await conn.fetch(
            f"SELECT {_COLUMNS} FROM api_keys WHERE tenant_id = $1"
            " AND ($2::text IS NULL OR id::text > $2) ORDER BY id::text LIMIT $3",
            access.tenant.id,
            after,
            limit + 1,
        )
    return page_of([_view(r) for r in rows], limit, key=lambda k: str(k.id))


async def list_platform_keys() -> list[ApiKeyView]:
    async with platform_transaction() as conn:
        rows = await conn.fetch(f"SELECT {_COLUMNS} FROM api_keys WHERE tenant_id IS NULL ORDER BY created_at")
    return [_view(r) for r in rows]


def _now() -> datetime:
    """The revocation time, passed in: Citus refuses ``now()`` inside an expression over a
    column (``coalesce(revoked_at, now())``: "functions … must be marked IMMUTABLE")."""
    return datetime.now(UTC)


async def revoke_key(access: Access, key_id: uuid.UUID) -> ApiKeyView:
    require_admin(access, "revoke API keys")
    async with tenant_transaction(access.tenant.id) as conn:
        row = await conn.fetchrow(
            "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3)"
            f" WHERE tenant_id = $1 AND id = $2 RETURNING {_COLUMNS}, key_hash",
            access.tenant.id,
            key_id,
            _now(),
        )
        if row is None:
            raise NotFound(Text("not-found.no-api-key", key_id=key_id))
        _cache.pop(bytes(row["key_hash"]), None)
        view = _view(row)
        await audit.record(access, "api_key", str(key_id), "revoke", after=view)
    return view


async def revoke_platform_key(key_id: uuid.UUID) -> ApiKeyView:
    async with platform_transaction() as conn:
        row = await conn.fetchrow(
            f"UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING {_COLUMNS}, key_hash",
            key_id,
            _now(),
        )
    if row is None:
        raise NotFound(Text("not-found.no-api-key", key_id=key_id))
    _cache.pop(bytes(row["key_hash"]), None)
    return _view(row)


async def resolve(token: str | None) -> Principal:
    """The principal a bearer token stands for, or :class:`Unauthenticated`."""
    if not token:
        raise Unauthenticated(Text("unauthenticated.no-key"))
    if not token.startswith(PREFIX) or len(token) > 100:
        raise Unauthenticated(Text("unauthenticated.malformed-key"))
    digest = _hash(token)
    cached = _cache.get(digest)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    # One lookup per key at a time: concurrent requests with an expired entry share it.
    pending = _inflight.get(digest)
    if pending is None:
        pending = _inflight[digest] = asyncio.ensure_future(_lookup(digest))
        pending.add_done_callback(lambda _: _inflight.pop(digest, None))
    return await asyncio.shield(pending)


async def _lookup(digest: bytes) -> Principal:
    now = time.monotonic()
    async with platform_transaction() as conn:
        row = await conn.fetchrow(
            "SELECT id, tenant_id, role, scope_code, name, revoked_at, last_used_at FROM api_keys WHERE key_hash = $1",
            digest,
        )
        if row is None or row["revoked_at"] is not None:
            raise Unauthenticated(Text("unauthenticated.unknown-key"))
        if row["last_used_at"] is None or row["last_used_at"] < datetime.now(UTC) - TOUCH_EVERY:
            await conn.execute("UPDATE api_keys SET last_used_at = now() WHERE id = $1", row["id"])
    principal = Principal(
        key_id=row["id"],
        role=Role(row["role"]),
        tenant_id=row["tenant_id"],
        scope_code=row["scope_code"],
        name=row["name"],
    )
    _cache[digest] = (now + CACHE_SECONDS, principal)
    return principal


def forget_cached_keys() -> None:
    _cache.clear()
