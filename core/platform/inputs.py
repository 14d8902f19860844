"""What every input must respect before it reaches a statement, in one place.

* **Dates**: one supported range, 1900-01-01 … 2200-12-31. Python's ``date`` stops at
  9999-12-31, so day arithmetic near it (the day after, a deadline ten working days on, a
  conversion to China time) overflows; years before 1900 have no national calendar and no
  legal effect here. Every date, datetime and year a client sends is checked with
  :func:`check_day`, :func:`check_moment` or :func:`check_year`.
* **Whole numbers** that map to ``integer`` columns fit 32 bits (:func:`check_int`); an
  identifier outside it names nothing (:func:`stored_number`).
* **Names** (anything shown to people as a label: tenant, unit, jurisdiction, post, catalog
  item and document titles, API key and webhook names) carry no control, bidirectional
  override or zero-width characters (:data:`NAME`, :func:`check_name`): such characters
  can make one name look like another (``U+202E`` reverses what follows).

Request bodies mix in :class:`Checked`: when msgspec decodes one — a REST body or a
GraphQL input converted by ``api.graphql.inputs.convert`` — its names, dates and whole
numbers (nested structs included) are checked, and the first bad one answers 422 naming
the field (``contacts[0].name``) and what is wrong with it.
"""

from __future__ import annotations

import datetime
import re
import types
import typing
import unicodedata
from typing import Annotated, Any, TypeVar, Union

import msgspec

from core.platform.errors import NotFound, ValidationFailed
from core.platform.messages import Text

FIRST_YEAR, LAST_YEAR = 1900, 2200
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
INT8_MIN, INT8_MAX = -(2**63), 2**63 - 1

T = TypeVar("T")


# --- dates ---------------------------------------------------------------------------


def day_problem(value: datetime.date) -> Text | None:
    """What is wrong with a date the client sent, or None when it lies in the supported range."""
    if FIRST_DAY <= value <= LAST_DAY:
        return None
    return Text(
        "field.day-out-of-range", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat(), value=value.isoformat()
    )


def check_day(field: str, value: datetime.date | None) -> None:
    """A date the client sent lies in the supported range (None passes: "not given")."""
    if value is not None and (problem := day_problem(value)) is not None:
        raise ValidationFailed.on(field, problem)


def check_moment(field: str, value: datetime.datetime | None) -> None:
    """A moment the client sent lies in the supported range (checked on its own date, so
    converting it to China time cannot overflow)."""
    if value is not None and not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValidationFailed.on(
            field,
            Text(
                "field.must-moment-from-got",
                FIRST_DAY=FIRST_DAY.isoformat(),
                LAST_DAY=LAST_DAY.isoformat(),
                value=value.isoformat(),
            ),
        )


def check_year(field: str, year: int | None) -> None:
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed.on(
            field, Text("field.must-year-from-got", FIRST_YEAR=FIRST_YEAR, LAST_YEAR=LAST_YEAR, year=year)
        )


# --- whole numbers -------------------------------------------------------------------


def check_int(field: str, value: int | None, low: int = INT4_MIN, high: int = INT4_MAX) -> None:
    """A whole number bound for an ``integer`` column fits it (and the caller's bounds)."""
    if value is not None and not low <= value <= high:
        raise ValidationFailed.on(field, Text("field.must-whole-number-from", low=low, high=high, value=value))


def stored_number(value: int, what: str, *, big: bool = False) -> int:
    """An identifying number from a path (``big``: a ``bigint`` column): one that cannot be
    stored names nothing (404), the same answer as a number that was never issued."""
    low, high = (INT8_MIN, INT8_MAX) if big else (INT4_MIN, INT4_MAX)
    if not low <= value <= high:
        raise NotFound(Text("not-found.no", what=what, value=value))
    return value


# --- names ---------------------------------------------------------------------------

#: Characters a name may not contain: C0/C1 controls (tab and newline included), soft
#: hyphen, Arabic/Syriac/Mongolian format marks, zero-width characters, directional marks,
#: embeddings, overrides and isolates (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069,
#: U+061C), line/paragraph separators, invisible operators, the byte-order mark, interlinear
#: annotation marks, tags, and lone surrogates. Together: Unicode's Cc, Cf, Cs, Zl and Zp
#: in the ranges a name can meet.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
_CONTROL_NAMES = {0x00: "NULL", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN"}


class _NameMark:
    """Marks a ``str`` annotation as a name (see :data:`NAME`)."""

    def __repr__(self) -> str:
        return "NAME"


#: Put in a name's ``Annotated[...]`` (``Annotated[str, msgspec.Meta(...), NAME]``) so that
#: :class:`Checked` bodies check it with :func:`check_name`.
NAME = _NameMark()


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    name = unicodedata.name(char, None) or _CONTROL_NAMES.get(ord(char))
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def unsafe_character(value: str) -> Text | None:
    """What is wrong with a name, or None: the first control, bidi or invisible character."""
    found = _UNSAFE.search(value)
    if found is None:
        return None
    char = found.group()
    category = unicodedata.category(char)
    why = {"Cc": "field.unsafe-control", "Cs": "field.unsafe-surrogate"}.get(category, "field.unsafe-invisible")
    return Text("field.unsafe-character", char=describe(char), why=Text(why))


def check_name(field: str, value: str | None) -> None:
    if value is not None and (problem := unsafe_character(value)) is not None:
        raise ValidationFailed.on(field, problem)


# --- request bodies ------------------------------------------------------------------

_NAME, _DAY, _MOMENT, _INT, _STRUCT = "name", "day", "moment", "int", "struct"
# field's encoded name, attribute, kind, whether it holds a list of them
_Plan = tuple[tuple[str, str, str, bool], ...]
_plans: dict[type, _Plan] = {}


def _kind_of(annotation: Any) -> tuple[str | None, bool]:
    """What to check in a field of this type, and whether it is a list of them."""
    marks: tuple[Any, ...] = ()
    bounded = False
    if typing.get_origin(annotation) is Annotated:
        annotation, *extra = typing.get_args(annotation)
        marks = tuple(extra)
        bounded = any(
            isinstance(m, msgspec.Meta)
            and m.ge is not None
            and m.le is not None
            and INT4_MIN <= m.ge <= m.le <= INT4_MAX
            for m in marks
        )
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        kinds = [_kind_of(a) for a in typing.get_args(annotation) if a not in (type(None), msgspec.UnsetType)]
        return next((k for k in kinds if k[0] is not None), (None, False))
    if origin in (list, tuple, set, frozenset):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        inner = _kind_of(args[0])[0] if len(args) == 1 else None
        return inner, inner is not None
    if annotation is str:
        return (_NAME if NAME in marks else None), False
    if annotation is bool:
        return None, False
    if annotation is int:
        return (None if bounded else _INT), False
    if annotation is datetime.datetime:
        return _MOMENT, False
    if annotation is datetime.date:
        return _DAY, False
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return _STRUCT, False
    return None, False


def _plan(cls: type) -> _Plan:
    plan = _plans.get(cls)
    if plan is None:
        entries = []
        for info in msgspec.structs.fields(cls):
            kind, listed = _kind_of(info.type)
            if kind is not None:
                entries.append((info.encode_name, info.name, kind, listed))
        plan = _plans[cls] = tuple(entries)
    return plan


def _check_value(field: str, kind: str, value: Any) -> None:
    if kind == _NAME and isinstance(value, str):
        check_name(field, value)
    elif kind == _MOMENT and isinstance(value, datetime.datetime):
        check_moment(field, value)
    elif kind == _DAY and isinstance(value, datetime.date):
        check_day(field, value)
    elif kind == _INT and isinstance(value, int):
        check_int(field, value)
    elif kind == _STRUCT and isinstance(value, msgspec.Struct) and not isinstance(value, Checked):
        check_struct(value, f"{field}.")


def check_struct(body: msgspec.Struct | Checked, prefix: str = "") -> None:
    """Check the names, dates and whole numbers of ``body`` (nested structs included)."""
    for encoded, attribute, kind, listed in _plan(type(body)):
        value = getattr(body, attribute)
        if listed:
            if isinstance(value, (list, tuple, set, frozenset)):
                for index, item in enumerate(value):
                    _check_value(f"{prefix}{encoded}[{index}]", kind, item)
        else:
            _check_value(prefix + encoded, kind, value)


class Checked:
    """Mixin of request bodies (``class UnitCreate(msgspec.Struct, Checked, …)``): checked as
    they are decoded (module docstring). A nested ``Checked`` checks itself; plain nested
    structs are checked by the body holding them, so that errors name the full path."""

    __slots__ = ()

    def __post_init__(self) -> None:
        check_struct(self)
