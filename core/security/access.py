"""Who is calling, and on behalf of which tenant.

A :class:`Principal` is what a credential resolves to; an :class:`Access` pairs it with
the tenant a request addresses. Every service takes an ``Access`` first, scopes its work
to ``access.tenant`` and checks ``access.principal``'s role there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.platform.messages import Text


class Role(StrEnum):
    PLATFORM = "platform"  # operates the service; provisions tenants; reaches every tenant
    ADMIN = "admin"  # the county establishment office (编办): owns the tenant's data
    DEPARTMENT = "department"  # a county department, scoped to its unit
    TOWNSHIP = "township"  # a township or street, scoped to its division
    READER = "reader"  # read-only integration (portal, evaluation system, …)


ROLE_LABELS = {
    Role.PLATFORM: "平台运维",
    Role.ADMIN: "编办管理员",
    Role.DEPARTMENT: "县直部门",
    Role.TOWNSHIP: "乡镇(街道)",
    Role.READER: "只读",
}


@dataclass(frozen=True)
class Principal:
    key_id: uuid.UUID | None
    role: Role
    tenant_id: uuid.UUID | None
    scope_code: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Tenant:
    id: uuid.UUID
    slug: str
    name: str
    division_code: str
    plugin: str | None
    created_at: datetime
    settings: dict[str, Any] = field(default_factory=dict)
    #: ``county`` keeps lists; ``city`` and ``province`` oversee the counties that grant them
    #: access (docs/oversight.md).
    kind: str = "county"


@dataclass(frozen=True)
class Access:
    tenant: Tenant
    principal: Principal
    request_id: str | None = None

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def is_admin(self) -> bool:
        return self.principal.role in (Role.ADMIN, Role.PLATFORM)


def role_text(role: Role) -> Text:
    """A key's role as people name it (``township`` → 乡镇(街道)), for a problem's detail."""
    return Text(f"role.{role.value}")
