"""Loading jurisdiction plugins and checking what their hooks return.

Plugins are discovered through the entry-point group ``qingdan.jurisdictions``; the
entry-point name is the plugin's name (what ``tenant create --plugin`` takes). A hook that
raises or returns malformed data becomes a :class:`PluginError` naming the plugin, the
hook and the offending field, so one broken plugin never takes the others down.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from dataclasses import dataclass
from importlib.metadata import entry_points, version
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from core.catalog.structure import NATIONAL, check_structure
from core.jurisdictions.divisions import KINDS, check_parent, normalise_code
from core.jurisdictions.units import UNIT_KINDS, check_placement
from core.platform.errors import QingdanError, ValidationFailed
from core.platform.messages import Text
from core.plugin_api import hookspecs
from core.plugin_api.types import Division, JurisdictionInfo, ListStructure, SeedCatalog, Unit

T = TypeVar("T")


class PluginError(QingdanError):
    status, code, title = 422, "plugin-invalid", "Plugin error"

    def __init__(self, plugin: str, hook: str, field: str, message: str) -> None:
        super().__init__(f"plugin {plugin!r}, hook {hook}: {field}: {message}")
        self.plugin, self.hook, self.field = plugin, hook, field


class UnknownPlugin(QingdanError):
    status, code, title = 404, "unknown-plugin", "Unknown plugin"


@dataclass(frozen=True)
class PluginInfo:
    """One installed county: its own plugin manager holds the hookspecs and only this county's
    implementations, so ``manager.hook.qingdan_x(**kw)`` never reaches another county."""

    name: str
    version: str
    module: ModuleType
    hooks: tuple[str, ...]
    manager: pluggy.PluginManager
    warnings: tuple[str, ...] = ()


# The spec modules every county's manager gets (a tuple so a test can add a throwaway spec).
SPEC_MODULES: tuple[ModuleType, ...] = (hookspecs,)
_log = logging.getLogger("qingdan.plugins")


def _manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    for specs in SPEC_MODULES:
        manager.add_hookspecs(specs)
    return manager


def _load(name: str, version: str, module: ModuleType, extra: tuple[object, ...] = ()) -> PluginInfo:
    """A manager for one county: ``extra`` objects (shared rule packs) first, the county's own
    module last, so for a ``firstresult`` hook the county's answer wins and its ``None`` falls
    through to the packs (pluggy calls the most recently registered first).

    Raises :class:`PluginError` naming the hook for an implementation no spec knows or whose
    arguments the spec does not offer. Deprecation warnings of retired hooks (``warn_on_impl``)
    are kept on the info, logged, and reported by the conformance kit."""
    manager = _manager()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for i, obj in enumerate(extra):
                manager.register(obj, name=f"{name}:{i}")
            manager.register(module, name=name)
        except pluggy.PluginValidationError as exc:
            named = re.search(r"for hook '(\w+)'", str(exc))
            hook = named.group(1) if named else "(registration)"
            raise PluginError(name, hook, "(signature)", str(exc)) from exc
    for hook, caller in vars(manager.hook).items():
        if isinstance(caller, pluggy.HookCaller) and caller.spec is None and caller.get_hookimpls():
            known = ", ".join(sorted(h for h in vars(manager.hook) if h.startswith("qingdan_")))
            raise PluginError(name, hook, "(name)", f"no such hook in core.plugin_api.hookspecs (known: {known})")
    manager.check_pending()
    found = tuple(f"{name}: {w.message}" for w in caught)
    for w, message in zip(caught, found, strict=True):
        _log.warning("plugin %s", message)
        warnings.warn(message, w.category, stacklevel=3)  # after recording, so callers see it too
    hooks = tuple(sorted({c.name for obj in (*extra, module) for c in manager.get_hookcallers(obj) or []}))
    return PluginInfo(name, version, module, hooks, manager, found)


@functools.cache
def registry() -> dict[str, PluginInfo]:
    """Every installed plugin, by name. A plugin that fails to load is skipped (and logged)."""
    found: dict[str, PluginInfo] = {}
    for ep in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        try:
            dist = ep.dist.name if ep.dist else None
            found[ep.name] = _load(ep.name, version(dist) if dist else "0", ep.load())
        except Exception as exc:  # a broken plugin must not break the others
            _log.error("plugin %s failed to load: %s", ep.name, exc)
    return found


def register_module(name: str, module: ModuleType, *extra: object) -> PluginInfo:
    """Register a plugin module directly (tests, and plugins loaded without packaging).

    ``extra`` objects join the same county's manager behind the module (see :func:`_load`)."""
    info = _load(name, getattr(module, "__version__", "0"), module, tuple(extra))
    registry()[name] = info
    return info


def get_plugin(name: str) -> PluginInfo:
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry())) or "none installed"
        raise UnknownPlugin(Text("unknown-plugin.no-jurisdiction-plugin-installed", name=name, known=known)) from None


def call(name: str, hook: str, **kwargs: Any) -> Any:
    """Call one county's implementations of ``hook`` through its own plugin manager.

    Pluggy passes each implementation only the arguments it declares (so a spec can grow an
    argument without breaking a county). For a ``firstresult`` hook the result is the first
    answer that is not ``None`` (``None``: nobody answered). For a collecting hook
    (``qingdan_check_item``, ``qingdan_check_indicator``, ``qingdan_evaluation_rules``) every
    implementation's list is joined into one list; ``None`` when the county implements none.
    """
    caller: pluggy.HookCaller | None = getattr(get_plugin(name).manager.hook, hook, None)
    if caller is None or not caller.get_hookimpls():
        return None
    try:
        result = caller(**kwargs)
    except Exception as exc:
        raise PluginError(name, hook, "(call)", f"raised {type(exc).__name__}: {exc}") from exc
    if caller.spec is not None and caller.spec.opts.get("firstresult"):
        return result
    joined: list[Any] = []
    for part in result:
        if not isinstance(part, (list, tuple)):
            raise PluginError(name, hook, "(result)", f"expected a list or tuple, got {type(part).__name__}")
        joined += part
    return joined


def _expect(plugin: str, hook: str, field: str, value: Any, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise PluginError(plugin, hook, field, f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def jurisdiction(name: str) -> JurisdictionInfo:
    """The plugin's jurisdiction metadata, checked (:func:`check_jurisdiction`)."""
    hook = "qingdan_jurisdiction"
    info = call(name, hook)
    if info is None:
        raise PluginError(name, hook, "(result)", "the hook is required and returned nothing")
    return check_jurisdiction(name, _expect(name, hook, "(result)", info, JurisdictionInfo))


def structure(name: str) -> ListStructure:
    """The plugin's list structure, checked; the national default if it has none."""
    hook = "qingdan_list_structure"
    found = call(name, hook)
    if found is None:
        return NATIONAL
    found = _expect(name, hook, "(result)", found, ListStructure)
    problems = check_structure(found)
    if problems:
        raise PluginError(name, hook, problems[0].field, problems[0].message)
    return found


def seed_catalog(name: str) -> SeedCatalog | None:
    """The plugin's seed catalog (checked item by item when it is loaded)."""
    hook = "qingdan_seed_catalog"
    found = call(name, hook)
    return None if found is None else _expect(name, hook, "(result)", found, SeedCatalog)


def check_jurisdiction(name: str, info: JurisdictionInfo) -> JurisdictionInfo:
    """Validate a whole division tree and its units before anything is written.

    Returns the info with codes normalised (9-digit township codes padded).
    """
    hook = "qingdan_jurisdiction"

    def fail(field: str, message: str) -> PluginError:
        return PluginError(name, hook, field, message)

    divisions: dict[str, Division] = {}
    for i, raw in enumerate(_expect(name, hook, "divisions", info.divisions, tuple)):
        d = _expect(name, hook, f"divisions[{i}]", raw, Division)
        if d.kind not in KINDS:
            raise fail(f"divisions[{i}].kind", f"unknown kind {d.kind!r}")
        try:
            code = normalise_code(d.code, d.kind)
            parent = d.parent_code
            if parent is not None and parent in divisions:
                check_parent(code, d.kind, parent, divisions[parent].kind)
        except ValidationFailed as exc:
            raise fail(f"divisions[{i}] ({d.code} {d.name})", exc.detail) from exc
        if code in divisions:
            raise fail(f"divisions[{i}].code", f"{code} appears twice")
        if parent is not None and parent not in divisions:
            raise fail(f"divisions[{i}].parent_code", f"{parent} is unknown or listed after its child")
        if parent is None and code != info.division_code:
            raise fail(f"divisions[{i}].parent_code", f"only the root {info.division_code} has none")
        divisions[code] = Division(code, d.name, d.kind, parent, dict(d.attributes))
    if info.division_code not in divisions:
        raise fail("division_code", f"{info.division_code} is not among the divisions")

    units: dict[str, Unit] = {}
    for i, raw in enumerate(_expect(name, hook, "units", info.units, tuple)):
        u = _expect(name, hook, f"units[{i}]", raw, Unit)
        if u.code in units:
            raise fail(f"units[{i}].code", f"{u.code} appears twice")
        if u.kind not in UNIT_KINDS:
            raise fail(f"units[{i}].kind", f"unknown unit kind {u.kind!r}")
        parent_kind = units[u.parent_unit_code].kind if u.parent_unit_code in units else None
        try:
            check_placement(
                u.kind,
                divisions[u.jurisdiction_code].kind if u.jurisdiction_code in divisions else None,
                parent_kind,
                [divisions[c].kind if c in divisions else None for c in u.host_township_codes],
                has_parent=u.parent_unit_code is not None,
            )
        except ValidationFailed as exc:
            raise fail(f"units[{i}] ({u.code})", exc.detail) from exc
        units[u.code] = u
    return JurisdictionInfo(
        slug=info.slug,
        name=info.name,
        division_code=info.division_code,
        divisions=tuple(divisions.values()),
        units=tuple(units.values()),
        sample=info.sample,
        sources=info.sources,
    )
