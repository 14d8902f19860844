"""Conformance kit for jurisdiction plugins, the part that needs no tenant machinery.

Plugin test suites import the whole kit from :mod:`tenants.testing`, which adds
``assert_provisionable`` (provisioning is ``tenants/``'s job, and ``core`` imports nothing
above it):

    from tenants.testing import assert_conformant, assert_provisionable, embedded_database

    def test_my_plugin_is_conformant():
        report = assert_conformant("anxi")          # hooks well formed, seed passes every rule
        assert report.items > 0

    async def test_my_plugin_provisions():
        async with embedded_database():              # a real PostgreSQL in a temporary folder
            await assert_provisionable("anxi")       # provisioned in a transaction, rolled back

``assert_conformant`` needs no database; ``assert_provisionable`` needs one connected
(``embedded_database`` starts one, or connect :mod:`core.platform.db` to your own).
"""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

import asyncpg
import msgspec

from core import install
from core.catalog.editing import item_create_of, item_problems, plugin_problems
from core.evaluation.schemes import check_plugin_scheme
from core.legal.citations import Resolved, parse_citations, resolve
from core.legal.lawtext import iter_library
from core.platform import db
from core.plugin_api import registry as plugins
from core.security.access import Access, Principal, Role, Tenant
from core.workflow.definition import KINDS
from core.workflow.registry import check_plugin_workflows

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="conformance kit")


@dataclasses.dataclass
class Report:
    """What the kit found: ``problems`` fail conformance, ``warnings`` do not."""

    plugin: str
    divisions: int = 0
    units: int = 0
    items: int = 0
    workflows: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)


@cache
def _library_titles() -> dict[str, str]:
    return {law.title: law.title for law in iter_library()}


def check_plugin(name: str) -> Report:
    """Run every hook of plugin ``name`` and check what it returns against core's rules."""
    report = Report(name)
    try:
        info = plugins.jurisdiction(name)
        structure = plugins.structure(name)
        seed = plugins.seed_catalog(name)
    except plugins.PluginError as exc:
        report.problems.append(exc.detail)
        return report
    report.divisions, report.units = len(info.divisions), len(info.units)
    report.warnings += list(plugins.get_plugin(name).warnings)  # e.g. a retired hook (warn_on_impl)
    _check_workflows(name, report)
    if seed is None:
        report.warnings.append("no seed catalog (qingdan_seed_catalog): tenants start empty")
        return report
    access = Access(
        Tenant(uuid.uuid4(), info.slug, info.name, info.division_code, name, datetime.datetime.now()),
        PLATFORM,
    )
    units = {u.code for u in info.units}
    known: dict[str, tuple[str, str]] = {}
    for i, raw in enumerate(seed.items):
        try:
            item = item_create_of(raw)
        except msgspec.ValidationError as exc:
            report.problems.append(f"items[{i}] ({getattr(raw, 'code', '?')}): {exc}")
            continue
        if item.code in known:
            report.problems.append(f"items[{i}].code: {item.code} appears twice")
        found = item_problems(structure, item, parent=known.get(item.parent_code or ""), units=units)
        found = found or plugin_problems(access, item)
        report.problems += [f"items[{i}] ({item.code}).{p.field}: {p.message}" for p in found]
        known[item.code] = (item.level, "active")
        for citation in item.citations:
            for result in resolve(parse_citations(citation), _library_titles()):
                if not isinstance(result, Resolved):
                    reason = getattr(result, "reason", "unresolved")
                    report.warnings.append(f"{item.code}: citation {citation!r} not in the library ({reason})")
    report.items = len(seed.items)
    try:  # the evaluation scheme, its indicators resting on the seed's items, and the rules
        found = check_plugin_scheme(name, {item.code: item for item in seed.items})
        report.problems += [f"evaluation scheme: {p.field}: {p.message}" for p in found]
    except plugins.PluginError as exc:
        report.problems.append(exc.detail)
    return report


def _check_workflows(name: str, report: Report) -> None:
    """The plugin's workflow definitions (``qingdan_workflows``): every problem, and a warning
    for each kind (admission, adjustment, call) left to core's default."""
    try:
        compiled, problems = check_plugin_workflows(name)
    except plugins.PluginError as exc:
        report.problems.append(exc.detail)
        return
    report.workflows = len(compiled)
    report.problems += [f"workflows: {p}" for p in problems]
    kinds = {c.definition.kind for c in compiled.values()}
    for kind, label in KINDS.items():
        if kind not in kinds:
            report.warnings.append(f"no {kind} workflow ({label}) in qingdan_workflows: core's default applies")


def assert_conformant(name: str) -> Report:
    """:func:`check_plugin`, failing with every problem listed."""
    report = check_plugin(name)
    if report.problems:
        listed = "\n  ".join(report.problems[:50])
        raise AssertionError(f"plugin {name!r} is not conformant:\n  {listed}")
    return report


@asynccontextmanager
async def embedded_database(data_dir: Path | None = None) -> AsyncIterator[str]:
    """A migrated, empty database on an embedded PostgreSQL; connected for the block."""
    with tempfile.TemporaryDirectory(prefix="qingdan-kit-") as tmp:
        root = data_dir or Path(tmp)
        url = await db.start_embedded(root)
        name = f"kit_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(url)
        await admin.execute(f"CREATE DATABASE {name}")
        await admin.close()
        url = url.replace("/qingdan?", f"/{name}?")
        await db.connect(url)
        try:
            await install.migrate()
            yield url
        finally:
            await db.disconnect()
            if data_dir is None:  # ours: stopped before its folder goes (a running server still writes WAL)
                db.stop_embedded(root)
