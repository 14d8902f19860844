"""The plain-field shortcut (api.graphql.execution) answers exactly as graphql-core does:
same data, same errors at the same paths, for well-formed and for broken values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import strawberry
from strawberry.scalars import JSON

from api.graphql.execution import ExecutionContext, validation_cache


@strawberry.type
class Leafy:
    text: str
    number: int
    maybe: str | None
    words: list[str]
    day: datetime.date
    blob: JSON
    ratio: float

    @strawberry.field
    def shout(self) -> str:
        return self.text.upper()


@strawberry.type
class Holder:
    name: str
    leaf: Leafy
    leaves: list[Leafy]
    optional_leaf: Leafy | None


def leafy(text: Any = "甲", number: Any = 1, words: Any = ("a", "b")) -> Leafy:
    return Leafy(
        text=text,
        number=number,
        maybe=None,
        words=list(words),
        day=datetime.date(2026, 11, 23),
        blob={"k": [1, "二"]},
        ratio=1,
    )


def holders(broken: str | None) -> list[Holder]:
    good = Holder(name="h", leaf=leafy(), leaves=[leafy(), leafy("乙", 2)], optional_leaf=None)
    if broken == "null text":
        bad = Holder(name="x", leaf=leafy(text=None), leaves=[leafy()], optional_leaf=leafy(text=None))
    elif broken == "bad int":
        bad = Holder(name="x", leaf=leafy(), leaves=[leafy(number="many")], optional_leaf=leafy(number=2**40))
    elif broken == "null item":
        bad = Holder(name="x", leaf=leafy(), leaves=[leafy(), None], optional_leaf=None)  # type: ignore[list-item]
    elif broken == "null word":
        bad = Holder(name="x", leaf=leafy(words=["a", None]), leaves=[], optional_leaf=leafy(words=[None]))
    else:
        bad = Holder(name="y", leaf=leafy(), leaves=[], optional_leaf=leafy("丙"))
    return [good, bad]


def schema(fast: bool, broken: str | None) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def holders(self) -> list[Holder | None]:
            return holders(broken)  # type: ignore[return-value]

        @strawberry.field
        async def later(self) -> Holder:
            return holders(None)[0]

    kwargs: dict[str, Any] = {"execution_context_class": ExecutionContext, "extensions": [validation_cache()]}
    return strawberry.Schema(query=Query, **(kwargs if fast else {}))


QUERY = """
query {
  holders {
    name alias: name
    leaf { text number maybe words day blob ratio shout __typename }
    leaves { text n: number words ... on Leafy { day } }
    optionalLeaf { text number words }
    ... H
  }
  later { leaves { text } leaf { shout } }
}
fragment H on Holder { leaf { text @skip(if: true) number @include(if: true) } }
"""


def outcome(result: Any) -> tuple[Any, list[tuple[str, list[Any] | None]]]:
    errors = sorted((e.message, e.path) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("broken", [None, "null text", "bad int", "null item", "null word"])
async def test_the_shortcut_answers_as_graphql_core_does(broken: str | None) -> None:
    fast = await schema(True, broken).execute(QUERY)
    slow = await schema(False, broken).execute(QUERY)
    assert outcome(fast) == outcome(slow)
    shortcuts = {key[1:]: plain for key, plain in ExecutionContext._plains.items()}
    assert shortcuts[("Leafy", "text")] is not None and shortcuts[("Holder", "leaves")] is not None
    assert shortcuts[("Leafy", "shout")] is None  # a resolver: graphql-core's path
    if broken is None:
        assert fast.errors is None
        assert fast.data["holders"][0]["leaves"][1] == {"text": "乙", "n": 2, "words": ["a", "b"], "day": "2026-11-23"}
    else:
        assert fast.errors


async def test_cached_validation_still_rejects_what_the_rules_reject() -> None:
    fast = schema(True, None)
    for _ in range(2):  # the second answer comes from the cache
        result = await fast.execute("query { holders { nope } }")
        assert result.errors and "nope" in result.errors[0].message
    assert (await fast.execute(QUERY)).errors is None
