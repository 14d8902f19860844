"""Strawberry objects built from the core msgspec Structs they mirror, nested ones included.

A GraphQL type that mirrors a Struct field for field (tests/test_graphql_parity.py holds
them to it) needs no constructor of its own: :func:`mirror` reads each of the type's fields
from the Struct by its Python name and builds the strawberry types its annotations name —
a nested Struct, a list of them, or None where the field may be null — all the way down. A
field with a resolver computes its own value and is skipped; a field the Struct lacks fails
here (an AttributeError), not as a silent null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional, get_object_definition

T = TypeVar("T")

_Convert = Callable[[Any], Any]

#: Per strawberry type, (field name, how its value is converted): worked out once per process.
_plans: dict[type, list[tuple[str, _Convert | None]]] = {}


def mirror(cls: type[T], view: Any) -> T:
    """An instance of the strawberry type ``cls`` holding the fields of ``view``."""
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _plan(cls)
    return cls(
        **{name: getattr(view, name) if convert is None else convert(getattr(view, name)) for name, convert in plan}
    )


def _plan(cls: type) -> list[tuple[str, _Convert | None]]:
    definition = get_object_definition(cls, strict=True)
    return [(f.python_name, _converter(f.type)) for f in definition.fields if f.base_resolver is None]


def _converter(annotation: Any) -> _Convert | None:
    """How a value of a field typed ``annotation`` becomes GraphQL's; None: as it is."""
    if isinstance(annotation, StrawberryOptional):
        inner = _converter(annotation.of_type)
        return None if inner is None else lambda value: None if value is None else inner(value)
    if isinstance(annotation, StrawberryList):
        item = _converter(annotation.of_type)
        return None if item is None else lambda values: [item(v) for v in values]
    if get_object_definition(annotation) is not None:
        return lambda value: mirror(annotation, value)
    return None
