"""core.platform.rows: typed rows built from real asyncpg records, by name or by position."""

from __future__ import annotations

import msgspec
import pytest

from core.platform import db
from core.platform.rows import maybe_row_as, row_as, rows_as

SQL = "SELECT g AS n, 'x' || g AS label, g % 2 = 0 AS even FROM generate_series(1, 3) g"


class InOrder(msgspec.Struct, frozen=True):
    n: int
    label: str
    even: bool


class OtherOrder(msgspec.Struct, frozen=True):
    even: bool
    label: str
    n: int


class Missing(msgspec.Struct, frozen=True):
    n: int
    label: str


class Extra(msgspec.Struct, frozen=True):
    n: int
    label: str
    even: bool
    more: int


async def _records() -> list:
    async with db.platform_transaction() as conn:
        return list(await conn.fetch(SQL))


async def test_rows_are_built_by_name_whatever_the_field_order(database_url: str) -> None:
    records = await _records()
    expected = [(1, "x1", False), (2, "x2", True), (3, "x3", False)]
    assert [(r.n, r.label, r.even) for r in rows_as(InOrder, records)] == expected
    assert [(r.n, r.label, r.even) for r in rows_as(OtherOrder, records)] == expected
    assert [(r.n, r.label, r.even) for r in rows_as(InOrder, iter(records))] == expected
    assert row_as(OtherOrder, records[1]) == OtherOrder(even=True, label="x2", n=2)
    assert maybe_row_as(InOrder, None) is None
    assert rows_as(InOrder, []) == []


@pytest.mark.parametrize("cls", [Missing, Extra])
async def test_a_column_field_mismatch_fails(database_url: str, cls: type[msgspec.Struct]) -> None:
    records = await _records()
    with pytest.raises(TypeError):
        rows_as(cls, records)
    with pytest.raises(TypeError):
        row_as(cls, records[0])
