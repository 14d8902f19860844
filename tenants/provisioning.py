"""Creating tenants, empty or from a jurisdiction plugin, in one transaction."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Literal

import msgspec

from core.catalog.editing import import_items, item_create_of, publish
from core.catalog.reading import PublishRequest, get_version, unresolved_citations
from core.catalog.structure import save_structure
from core.jurisdictions.divisions import KINDS, normalise_code
from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction
from core.legal import documents as legal_documents
from core.platform import generations
from core.platform.db import acting_as_tenant, bulk_insert, platform_transaction, tenant_transaction
from core.platform.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from core.platform.inputs import NAME, Checked
from core.platform.messages import Text
from core.plugin_api import registry as plugins
from core.plugin_api.types import JurisdictionInfo
from core.security.access import Access, Principal, Role, Tenant
from core.security.tenancy import find_tenant, forget_tenant, tenant_from_row

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
TenantKind = Literal["county", "city", "province"]
Progress = Callable[[str], None]


class TenantCreate(msgspec.Struct, Checked, forbid_unknown_fields=True):
    slug: Annotated[str, msgspec.Meta(pattern=SLUG.pattern, examples=["wenjiang"])]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["成都市温江区"]), NAME]
    division_code: Annotated[str, msgspec.Meta(examples=["510115"])] | None = None
    plugin: str | None = None
    #: ``county`` keeps township lists; a ``city`` or ``province`` oversees the counties that
    #: grant it access (docs/oversight.md) and takes no plugin.
    kind: TenantKind = "county"


class TenantView(msgspec.Struct):
    slug: str
    name: str
    division_code: str
    plugin: str | None
    kind: str = "county"


def tenant_view(tenant: Tenant) -> TenantView:
    return TenantView(tenant.slug, tenant.name, tenant.division_code, tenant.plugin, tenant.kind)


def _check_division_code(code: str | None) -> str:
    if code is None:
        raise ValidationFailed.on("division_code", Text("field.required-without-plugin"))
    kind = "county" if len(code) == 6 else "street"
    return normalise_code(code, kind, field="division_code")


def _check_overseer_code(kind: str, code: str | None) -> str:
    """A province's code is ``NN0000``, a city's ``NNNN00`` (GB/T 2260)."""
    if code is None:
        raise ValidationFailed.on("division_code", Text("field.required-without-plugin"))
    province = len(code) == 6 and code.isdigit() and code[2:] == "0000"
    city = len(code) == 6 and code.isdigit() and code[4:] == "00" and code[2:4] != "00"
    if kind == "province" and not province:
        raise ValidationFailed.on("division_code", Text("field.province-division-code"))
    if kind != "province" and not city:
        raise ValidationFailed.on("division_code", Text("field.city-division-code"))
    return code


async def create_tenant(principal: Principal, data: TenantCreate, progress: Progress | None = None) -> Tenant:
    """Create a tenant; with ``plugin``, also its whole jurisdiction tree and units.

    Everything happens in one transaction: a plugin that fails validation, or any error
    on the way, leaves nothing behind.
    """
    if principal.role is not Role.PLATFORM:
        raise PermissionDenied(Text("forbidden.only-platform-creates-tenants"))
    say = progress or (lambda _message: None)
    if data.kind != "county" and data.plugin is not None:
        raise ValidationFailed.on("plugin", Text("field.overseer-takes-no-plugin"))
    info: JurisdictionInfo | None = None
    if data.plugin is not None:
        info = plugins.jurisdiction(data.plugin)
        if data.division_code is not None and data.division_code != info.division_code:
            raise ValidationFailed.on(
                "division_code", Text("field.plugin-serves", plugin=data.plugin, code=info.division_code)
            )
        division_code = info.division_code
    elif data.kind != "county":
        division_code = _check_overseer_code(data.kind, data.division_code)
    else:
        division_code = _check_division_code(data.division_code)
    if await find_tenant(data.slug) is not None:
        raise Conflict(
            Text("conflict.tenant-exists", slug=data.slug),
            errors=[FieldError.said("slug", Text("field.already-taken"))],
        )
    # The tenant row is written by the application role, scoped to the new tenant's id (the
    # only row its policy lets it insert), like everything after it: on Citus a transaction's
    # statements reach the workers on one connection per role, and rows the owner wrote would
    # be invisible there to the role's foreign-key checks (docs/scale-out.md).
    tenant_id = uuid.uuid4()
    async with platform_transaction(), acting_as_tenant(tenant_id) as conn:
        row = await conn.fetchrow(
            "INSERT INTO tenants (id, slug, name, division_code, plugin, kind) VALUES ($1, $2, $3, $4, $5, $6)"
            " RETURNING id, slug, name, division_code, plugin, settings, created_at, kind",
            tenant_id,
            data.slug,
            data.name,
            division_code,
            data.plugin,
            data.kind,
        )
        assert row is not None, "INSERT … RETURNING returns the row it inserted"
        tenant = tenant_from_row(row)
        say(f"tenant {tenant.slug} ({tenant.name}, {tenant.division_code})")
        access = Access(tenant, principal)
        if info is not None and data.plugin is not None:
            await _load_jurisdiction(access, info, say)
            await _load_documents(access, data.plugin, say)
            await _load_catalog(access, data.plugin, say)
        elif data.kind == "county":  # an overseer keeps no division tree of its own
            await _create_root(access)
    forget_tenant(data.slug)
    return tenant


async def _create_root(access: Access) -> None:
    """A tenant without a plugin starts with its own division as the root of its tree."""
    code = access.tenant.division_code
    kind = "city" if len(code) == 6 and code.endswith("00") else "county" if len(code) == 6 else "street"
    await create_jurisdiction(access, JurisdictionCreate(code=code, name=access.tenant.name, kind=kind))


async def _load_jurisdiction(access: Access, info: JurisdictionInfo, say: Progress) -> None:
    """Write a checked tree and its units in bulk: a few statements whatever the size."""
    tid = access.tenant.id
    divisions = sorted(info.divisions, key=lambda d: KINDS[d.kind].level)
    async with tenant_transaction(tid) as conn:
        await conn.execute(
            bulk_insert(
                "INSERT INTO jurisdictions (tenant_id, code, name, kind, parent_code, attributes)"
                " SELECT $1, c, n, k, p, a::jsonb FROM unnest($2::text[], $3::text[], $4::text[],"
                " $5::text[], $6::text[]) AS t(c, n, k, p, a)"
            ),
            tid,
            [d.code for d in divisions],
            [d.name for d in divisions],
            [d.kind for d in divisions],
            [d.parent_code for d in divisions],
            [msgspec.json.encode(d.attributes).decode() for d in divisions],
        )
        say(f"  {len(divisions)} jurisdictions")
        # Parents first: a unit may name a parent unit listed before it.
        await conn.execute(
            bulk_insert(
                "INSERT INTO units (tenant_id, code, name, kind, jurisdiction_code, parent_unit_code,"
                " contacts) SELECT $1, c, n, k, j, p, x::jsonb FROM unnest($2::text[], $3::text[],"
                " $4::text[], $5::text[], $6::text[], $7::text[]) AS t(c, n, k, j, p, x)"
            ),
            tid,
            [u.code for u in info.units],
            [u.name for u in info.units],
            [u.kind for u in info.units],
            [u.jurisdiction_code for u in info.units],
            [u.parent_unit_code for u in info.units],
            [msgspec.json.encode(u.contacts).decode() for u in info.units],
        )
        await generations.bump(conn, tid)  # for the divisions and the units
        hosts = [(u.code, h) for u in info.units for h in u.host_township_codes]
        await conn.execute(
            bulk_insert(
                "INSERT INTO unit_hosts (tenant_id, unit_code, township_code)"
                " SELECT $1, u, h FROM unnest($2::text[], $3::text[]) AS t(u, h)"
            ),
            tid,
            [u for u, _ in hosts],
            [h for _, h in hosts],
        )
        say(f"  {len(info.units)} units")


async def _load_documents(access: Access, plugin: str, say: Progress) -> None:
    """The plugin's local documents as the tenant's own (hook ``qingdan_legal_documents``)."""
    shipped = plugins.call(plugin, "qingdan_legal_documents") or []
    added = await legal_documents.add_shipped(access, shipped)
    if added:
        say(f"  {added} local documents")
    elif shipped:
        say(f"  {len(shipped)} local documents already present")


async def _load_catalog(access: Access, plugin: str, say: Progress) -> None:
    """The plugin's list structure, and its seed catalog published as version 1."""
    await save_structure(access, plugins.structure(plugin))
    seed = plugins.seed_catalog(plugin)
    if seed is None or not seed.items:
        return
    items = [item_create_of(item) for item in seed.items]
    try:
        await import_items(access, items)
    except ValidationFailed as exc:
        first = exc.errors[0] if exc.errors else None
        raise plugins.PluginError(
            plugin, "qingdan_seed_catalog", first.field if first else "items", first.message if first else exc.detail
        ) from exc
    draft = await get_version(access, "draft")
    note = seed.note or "示例数据"
    await publish(
        access, PublishRequest(effective_date=datetime.date.today(), note=note, revision=draft.revision), None
    )
    unresolved = await unresolved_citations(access)
    say(f"  catalog version 1: {len(items)} items ({unresolved} citations not resolved)")
