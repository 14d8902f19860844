"""The hooks a jurisdiction plugin may implement (pluggy project ``qingdan``).

Every hook is synchronous and returns plain data from :mod:`core.plugin_types`; core
validates what comes back and does all database and storage work itself. Call hooks
with keyword arguments only. A plugin registers through the entry-point group
``qingdan.jurisdictions`` (see ``docs/plugins.md``).
"""

from __future__ import annotations

import pluggy

from core.plugin_types import JurisdictionInfo

PROJECT = "qingdan"
ENTRY_POINT_GROUP = "qingdan.jurisdictions"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def qingdan_jurisdiction() -> JurisdictionInfo:  # type: ignore[empty-body]
    """Describe the jurisdiction: its division tree and its units.

    Required. Return one :class:`~core.plugin_types.JurisdictionInfo`. Core checks every
    division code (digits, length, consistency with the parent's code), that every unit
    names a known division, parent unit and host townships, and that codes are unique;
    a tenant created with ``qingdan tenant create --plugin NAME`` gets exactly this tree.

    Example::

        @hookimpl
        def qingdan_jurisdiction():
            return JurisdictionInfo(
                slug="wenjiang", name="成都市温江区", division_code="510115",
                divisions=(
                    Division("510115", "温江区", "district"),
                    Division("510115001000", "柳城街道", "street", parent_code="510115"),
                ),
                units=(Unit("justice-bureau", "区司法局", "department", "510115"),),
            )
    """
