"""Public types a jurisdiction plugin returns from its hooks.

Plugins import only this module and :mod:`core.hookspecs`. Everything here is plain,
frozen data: core validates it (see :mod:`core.plugins`) and does all I/O itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Contact:
    """A person or desk to reach at a unit (名称/职务/电话)."""

    name: str
    phone: str = ""
    role: str = ""


@dataclass(frozen=True)
class Division:
    """One node of the jurisdiction tree.

    ``code`` is the GB/T 2260 / statistical division code: 6 digits for a city or county,
    12 digits for a township/street (9-digit codes are padded with ``000``) and for a
    village/community, 15 digits (the village code plus a 3-digit number) for a grid.
    ``kind`` is one of :data:`core.jurisdictions.KINDS` (``city``, ``county``, ``district``,
    ``town``, ``township``, ``street``, ``development_zone``, ``village``, ``community``,
    ``grid``). ``attributes`` holds plugin-defined facts such as Lanshan's township type.
    """

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """An organisation that bears responsibilities.

    ``kind`` is one of ``department`` (county department, 县直部门), ``township_office``
    (a township's own office, 科室), ``dispatched_agency`` (派驻机构: names its
    ``parent_unit_code`` department and one or more ``host_township_codes``) or
    ``committee`` (议事协调机构). ``code`` is a stable slug unique in the tenant
    (``[a-z0-9-]``), ``jurisdiction_code`` the division the unit belongs to.
    """

    code: str
    name: str
    kind: str
    jurisdiction_code: str
    parent_unit_code: str | None = None
    host_township_codes: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class JurisdictionInfo:
    """What a plugin says about the jurisdiction it serves (hook ``qingdan_jurisdiction``).

    ``slug`` is the default tenant slug (``wenjiang``); ``division_code`` the code of the
    tenant's root division, which must be one of ``divisions``; ``sample`` is true when
    any of the data is illustrative rather than taken from an official source, and
    ``sources`` says where the real parts come from.
    """

    slug: str
    name: str
    division_code: str
    divisions: tuple[Division, ...]
    units: tuple[Unit, ...] = ()
    sample: bool = True
    sources: tuple[str, ...] = ()
