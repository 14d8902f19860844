"""GB/T 2260 division codes and the kinds of jurisdiction they name.

Codes by level: a city (地级) or county (县级) has 6 digits; a township or street has the
12-digit statistical code (9-digit codes are padded with ``000``); a village or community
has 12 digits; a grid, which has no national code, is its village's 12 digits plus a
3-digit number. A child's code repeats its parent's prefix: 4 digits under a city,
6 under a county, 9 under a township, 12 under a village.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.platform.errors import ValidationFailed
from core.platform.messages import Text


@dataclass(frozen=True)
class Kind:
    level: int
    label: str


KINDS: dict[str, Kind] = {
    "city": Kind(1, "市"),
    "county": Kind(2, "县"),
    "district": Kind(2, "区"),
    "town": Kind(3, "镇"),
    "township": Kind(3, "乡"),
    "street": Kind(3, "街道"),
    "development_zone": Kind(3, "开发区"),
    "village": Kind(4, "村"),
    "community": Kind(4, "社区"),
    "grid": Kind(5, "网格"),
}
TOWNSHIP_LEVEL = 3
_CODE_LENGTH = {1: 6, 2: 6, 3: 12, 4: 12, 5: 15}
_PREFIX_UNDER = {1: 4, 2: 6, 3: 9, 4: 12}


def kind_of(kind: str, field: str = "kind") -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationFailed.on(field, Text("field.unknown-kind-use-one", kind=kind, value=list(KINDS))) from None


def normalise_code(code: str, kind: str, field: str = "code") -> str:
    """Check a code's digits and length for ``kind``; pad 9-digit township codes."""
    level = kind_of(kind).level
    if not code.isascii() or not code.isdigit():
        raise ValidationFailed.on(field, Text("field.division-code-must-digits", code=code))
    if level == TOWNSHIP_LEVEL and len(code) == 9:
        code += "000"
    expected = _CODE_LENGTH[level]
    if len(code) != expected:
        raise ValidationFailed.on(
            field,
            Text(
                "field.code-has-digits-has",
                kind=kind,
                label=KINDS[kind].label,
                expected=expected,
                code=code,
                value=len(code),
            ),
        )
    if level <= 2 and code[2:] == "0000":
        raise ValidationFailed.on(field, Text("field.province-code-not-city", code=code))
    return code


def check_parent(code: str, kind: str, parent_code: str, parent_kind: str) -> None:
    """A child sits one level below its parent and repeats the parent's code prefix.

    The one exception: a township-level division directly under a city (cities without
    districts, such as 东莞市 or 中山市, and city-level development zones).
    """
    level, parent_level = KINDS[kind].level, KINDS[parent_kind].level
    if parent_level != level - 1 and not (level == TOWNSHIP_LEVEL and parent_level == 1):
        raise ValidationFailed.on(
            "parent_code", Text("field.cannot-sit-under", kind=kind, parent_kind=parent_kind, parent_code=parent_code)
        )
    width = _PREFIX_UNDER[parent_level]
    if code[:width] != parent_code[:width]:
        raise ValidationFailed.on(
            "code",
            Text(
                "field.does-not-belong-under",
                code=code,
                parent_code=parent_code,
                width=width,
                value=parent_code[:width],
            ),
        )
