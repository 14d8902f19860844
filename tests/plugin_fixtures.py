"""Smallest jurisdictions for tests that build a county plugin in a module of their own."""

from __future__ import annotations

from core.plugin_api.types import Division, JurisdictionInfo, Unit


def tiny_county(slug: str, name: str = "测试县") -> JurisdictionInfo:
    """A county (350626) with no townships and one department, 县司法局 (``justice-bureau``)."""
    return JurisdictionInfo(
        slug=slug,
        name=name,
        division_code="350626",
        divisions=(Division("350626", name, "county"),),
        units=(Unit("justice-bureau", "县司法局", "department", "350626"),),
    )
