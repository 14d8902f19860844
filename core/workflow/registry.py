"""The workflow definitions a tenant runs: its plugin's, plus core's default for each kind the
plugin does not supply (:mod:`core.workflow.defaults`)."""

from __future__ import annotations

import functools

from core.platform.errors import NotFound
from core.platform.messages import Text
from core.plugin_api import registry as plugins
from core.security.access import Access
from core.workflow.defaults import DEFAULTS
from core.workflow.definition import CallClass, WorkflowDefinition
from core.workflow.validation import Compiled, check_definitions

HOOK = "qingdan_workflows"


def plugin_definitions(plugin: str) -> tuple[WorkflowDefinition, ...]:
    """What the plugin's ``qingdan_workflows`` returns (unchecked; empty without the hook)."""
    found = plugins.call(plugin, HOOK)
    if found is None:
        return ()
    if not isinstance(found, (tuple, list)):
        raise plugins.PluginError(
            plugin, HOOK, "(result)", f"expected a tuple of WorkflowDefinition, got {type(found).__name__}"
        )
    return tuple(found)


def check_plugin_workflows(plugin: str) -> tuple[dict[str, Compiled], list[str]]:
    """The plugin's own definitions compiled, and every problem as ``<definition>.<field>: …``
    (the conformance kit reports them all; loading stops at the first)."""
    own = plugin_definitions(plugin)
    units = {u.code for u in plugins.jurisdiction(plugin).units}
    compiled, problems = check_definitions(own, units)
    return compiled, [f"{p.field}: {p.message}" for p in problems]


@functools.cache
def definitions(plugin: str | None) -> dict[str, Compiled]:
    """The checked definitions of a plugin (``None``: core's defaults) with defaults added for
    every kind the plugin lacks. A bad definition raises :class:`core.plugin_api.registry.PluginError`
    naming the definition and field."""
    compiled: dict[str, Compiled] = {}
    if plugin is not None:
        compiled = dict(check_plugin_workflows(plugin)[0])
        units = {u.code for u in plugins.jurisdiction(plugin).units}
        problems = check_definitions(plugin_definitions(plugin), units)[1]
        if problems:
            raise plugins.PluginError(plugin, HOOK, problems[0].field, problems[0].message)
    kinds = {c.definition.kind for c in compiled.values()}
    defaults, problems = check_definitions(d for d in DEFAULTS if d.kind not in kinds)
    assert not problems, problems
    for name, c in defaults.items():
        compiled.setdefault(name, c)
    return compiled


def for_tenant(access: Access) -> dict[str, Compiled]:
    return definitions(access.tenant.plugin)


def get_definition(access: Access, name: str) -> Compiled:
    found = for_tenant(access)
    if name not in found:
        raise NotFound(Text("not-found.no-workflow-definition-tenant", name=name, value=list(sorted(found))))
    return found[name]


def definition_of_kind(access: Access, kind: str) -> Compiled:
    """The tenant's (first) definition of ``kind`` — the plugin's before core's default."""
    for c in for_tenant(access).values():
        if c.definition.kind == kind:
            return c
    raise NotFound(Text("not-found.no-workflow-tenant", kind=kind))


def call_classes(access: Access) -> tuple[CallClass, ...]:
    """The call classes of the tenant's call workflow (used by :mod:`core.calls`)."""
    return definition_of_kind(access, "call").definition.call_classes


__all__ = [
    "Compiled",
    "call_classes",
    "check_plugin_workflows",
    "definition_of_kind",
    "definitions",
    "for_tenant",
    "get_definition",
]
