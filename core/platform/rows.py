"""Typed rows: a statement's result read as msgspec Structs instead of ``row["col"]`` lookups.

A context's ``queries`` module declares one Struct per result shape, with the statement's
columns as fields (same names; order free). Building it raises ``TypeError`` on a column the
Struct lacks or a field the statement does not select, so a renamed column fails in the first
test that runs the statement instead of as a ``KeyError`` deep in a view. Cost: building by
keyword (``cls(**record)``) takes about 2 µs per row of seven columns, positionally about
0.6 µs; :func:`rows_as` builds positionally when the first record's columns are the Struct's
fields in the same order (one check per statement, so names are still checked), so declare
fields in column order. List-sized hot reads (published lists, lookup) keep their records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import msgspec
from asyncpg import Record

T = TypeVar("T", bound=msgspec.Struct)


def row_as(cls: type[T], record: Record) -> T:
    return cls(**record)


def maybe_row_as(cls: type[T], record: Record | None) -> T | None:
    return None if record is None else cls(**record)


def rows_as(cls: type[T], records: Iterable[Record]) -> list[T]:
    listed = records if isinstance(records, list) else list(records)
    if listed and tuple(listed[0].keys()) == cls.__struct_fields__:  # every record of a statement has its columns
        return [cls(*record) for record in listed]
    return [cls(**record) for record in listed]


def under_parent(parent: str, children: str, order_by: str) -> str:
    """One statement for "the children of a parent that must exist": no row when the parent is
    missing (the caller answers 404), one row of NULLs when it has no children, else the
    children. ``parent`` selects anything when the parent exists; ``children`` is the plain
    list statement (same parameters), ``order_by`` names its columns."""
    return (
        f"WITH parent AS ({parent} LIMIT 1) SELECT c.* FROM parent LEFT JOIN ({children}) c ON true ORDER BY {order_by}"
    )


def children_as(cls: type[T], records: list[Record]) -> list[T] | None:
    """The rows of an :func:`under_parent` statement: None when the parent is missing. The
    first column of the children must never be NULL (it tells "no children" apart)."""
    if not records:
        return None
    return rows_as(cls, [r for r in records if r[0] is not None])
