"""Piccolo table classes mirroring the hand-written schema in ``core/migrations``.

The real primary keys are ``(tenant_id, id)`` (Citus-ready: ``tenant_id`` is the
distribution column); piccolo only needs one column it can call the primary key.
"""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
    Bytea,
    Integer,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class Tenant(Table, tablename="tenants"):
    id = UUID(primary_key=True)
    slug = Text()
    name = Text()
    division_code = Text()
    plugin = Text(null=True)
    settings = JSONB()
    created_at = Timestamptz()


class ApiKey(Table, tablename="api_keys"):
    id = UUID(primary_key=True)
    tenant_id = UUID(null=True)
    name = Text()
    prefix = Text()
    key_hash = Bytea()
    role = Text()
    scope_code = Text(null=True)
    created_at = Timestamptz()
    created_by = UUID(null=True)
    revoked_at = Timestamptz(null=True)
    last_used_at = Timestamptz(null=True)


class AuditEvent(Table, tablename="audit_events"):
    id = BigInt(primary_key=True)
    tenant_id = UUID()
    at = Timestamptz()
    actor_key_id = UUID(null=True)
    actor_role = Text(null=True)
    request_id = Text(null=True)
    entity = Text()
    entity_key = Text()
    action = Text()
    before = JSONB(null=True)
    after = JSONB(null=True)


class Jurisdiction(Table, tablename="jurisdictions"):
    id = UUID(primary_key=True)
    tenant_id = UUID()
    code = Text()
    name = Text()
    kind = Text()
    parent_code = Text(null=True)
    attributes = JSONB()
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Unit(Table, tablename="units"):
    id = UUID(primary_key=True)
    tenant_id = UUID()
    code = Text()
    name = Text()
    kind = Text()
    jurisdiction_code = Text()
    parent_unit_code = Text(null=True)
    contacts = JSONB()
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class UnitHost(Table, tablename="unit_hosts"):
    id = UUID(primary_key=True)  # not a real column; piccolo requires one
    tenant_id = UUID()
    unit_code = Text()
    township_code = Text()


ALL: list[type[Table]] = [Tenant, ApiKey, AuditEvent, Jurisdiction, Unit, UnitHost]
