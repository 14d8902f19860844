"""The plain-field shortcut (api.graphql.execution) answers exactly as graphql-core does:
same data, same errors at the same paths, for well-formed and for broken values."""

from __future__ import annotations

import datetime
from typing import Any

import msgspec
import pytest
import strawberry
from strawberry.scalars import JSON

from api.graphql.execution import ExecutionContext, Frozen, validation_cache


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


# Frozen lists: a completed selection is reused ----------------------------------------------


def sent(result: Any) -> Any:
    """The data as the endpoint sends it (msgspec writes a kept ``Raw`` as it is)."""
    return msgspec.json.decode(msgspec.json.encode(result.data))


def frozen_schema(views: list[tuple[Any, int]], wrapped: list[int]) -> strawberry.Schema:
    """``holder.leaves`` shows the same immutable views on every request."""

    def wrap(view: tuple[Any, int]) -> Leafy:
        wrapped.append(1)
        return leafy(*view)

    @strawberry.type
    class Query:
        @strawberry.field
        def holder(self) -> Holder:
            return Holder(name="h", leaf=leafy(), leaves=Frozen(views, wrap), optional_leaf=None)  # type: ignore[arg-type]

    return strawberry.Schema(query=Query, execution_context_class=ExecutionContext)


async def test_a_frozen_list_is_completed_once_per_selection() -> None:
    wrapped: list[int] = []
    fast = frozen_schema([("甲", 1), ("乙", 2)], wrapped)
    plain = "{ holder { leaves { __typename text n: number words } } }"  # __typename, as Apollo adds it
    first = await fast.execute(plain)
    assert first.errors is None and len(wrapped) == 2
    again = await fast.execute(plain)
    # reused: nothing wrapped again, the kept JSON given as it is (the endpoint encodes it with msgspec)
    assert isinstance(again.data["holder"]["leaves"], msgspec.Raw) and len(wrapped) == 2
    assert sent(again) == sent(first)
    assert sent(again)["holder"]["leaves"][1] == {"__typename": "Leafy", "text": "乙", "n": 2, "words": ["a", "b"]}

    other = await fast.execute("{ holder { leaves { number } } }")  # another selection
    assert other.data == {"holder": {"leaves": [{"number": 1}, {"number": 2}]}} and len(wrapped) == 4

    include = "query($v: Boolean!) { holder { leaves { number text @include(if: $v) } } }"
    shown = await fast.execute(include, variable_values={"v": True})
    hidden = await fast.execute(include, variable_values={"v": False})
    assert sent(shown)["holder"]["leaves"][0] == {"number": 1, "text": "甲"}
    assert sent(hidden)["holder"]["leaves"][0] == {"number": 1}
    assert sent(await fast.execute(include, variable_values={"v": False}))["holder"]["leaves"][0] == {"number": 1}

    # A resolver may depend on the caller: such a selection is completed every time.
    count = len(wrapped)
    for _ in range(2):
        resolved = await fast.execute("{ holder { leaves { shout } } }")
        assert resolved.data == {"holder": {"leaves": [{"shout": "甲"}, {"shout": "乙"}]}}  # a list: not kept
    assert len(wrapped) == count + 4


class Kept:
    """A list's own place for its completed selections (as core.lists.service.PublishedParts)."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}

    def rendered(self, name: str) -> bytes | None:
        return self.kept.get(name)

    def keep(self, name: str, data: bytes) -> None:
        self.kept[name] = data


async def test_a_frozen_list_with_renderings_is_not_even_loaded_again() -> None:
    loaded: list[int] = []
    kept = Kept()

    def load() -> list[tuple[Any, int]]:
        loaded.append(1)
        return [("甲", 1), ("乙", 2)]

    @strawberry.type
    class Query:
        @strawberry.field
        def holder(self) -> Holder:
            leaves = Frozen(load, lambda view: leafy(*view), kept, "leaves")
            return Holder(name="h", leaf=leafy(), leaves=leaves, optional_leaf=None)  # type: ignore[arg-type]

    fast = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)
    query = "{ holder { leaves { text number } } }"
    first = await fast.execute(query)
    assert first.errors is None and loaded == [1] and list(kept.kept) == ["leaves\nleaves {\n  text\n  number\n}"]
    again = await fast.execute(query)
    assert (
        sent(again) == sent(first) == {"holder": {"leaves": [{"text": "甲", "number": 1}, {"text": "乙", "number": 2}]}}
    )
    assert loaded == [1]  # the kept bytes answered: the views were not loaded
    await fast.execute("{ holder { leaves { text } } }")
    assert loaded == [1, 1] and len(kept.kept) == 2


async def test_a_frozen_list_with_errors_is_not_reused() -> None:
    wrapped: list[int] = []
    fast = frozen_schema([("甲", 1), ("乙", "many")], wrapped)
    for _ in range(2):
        result = await fast.execute("{ holder { leaves { text number } } }")
        assert result.data is None and result.errors and result.errors[0].path == ["holder", "leaves", 1, "number"]
    assert len(wrapped) == 4


# Transcoding: views shown as they are are converted and encoded by msgspec ----------------------


def transcoding_schema(views: list[Any], wrapped: list[int], same_fields: bool) -> strawberry.Schema:
    """``holder.leaves`` shows ``views`` (Leafy-shaped objects) through a wrap that only copies."""

    def wrap(view: Any) -> Leafy:
        wrapped.append(1)
        return Leafy(**{f: getattr(view, f) for f in ("text", "number", "maybe", "words", "day", "blob", "ratio")})

    @strawberry.type
    class Query:
        @strawberry.field
        def holder(self) -> Holder:
            leaves = Frozen(views, wrap, Kept(), "leaves", same_fields=same_fields)
            return Holder(name="h", leaf=leafy(), leaves=leaves, optional_leaf=None)  # type: ignore[arg-type]

    return strawberry.Schema(query=Query, execution_context_class=ExecutionContext)


TRANSCODED = "{ holder { leaves { __typename text n: number maybe words blob ratio } } }"


@pytest.mark.parametrize("broken", [None, "null text", "bad int", "big int", "null word", "int ratio"])
async def test_views_shown_as_they_are_are_transcoded_as_graphql_core_answers(broken: str | None) -> None:
    def views() -> list[Leafy]:
        second = leafy("乙", 2)
        if broken == "null text":
            second.text = None  # type: ignore[assignment]
        elif broken == "bad int":
            second.number = "many"  # type: ignore[assignment]
        elif broken == "big int":
            second.number = 2**40
        elif broken == "null word":
            second.words = ["a", None]  # type: ignore[list-item]
        elif broken == "int ratio":
            second.ratio = 3
        return [leafy(), second]

    wrapped: list[int] = []
    fast = await transcoding_schema(views(), wrapped, same_fields=True).execute(TRANSCODED)

    @strawberry.type
    class Query:
        @strawberry.field
        def holder(self) -> Holder:
            return Holder(name="h", leaf=leafy(), leaves=views(), optional_leaf=None)

    slow = await strawberry.Schema(query=Query).execute(TRANSCODED)  # graphql-core alone
    assert outcome(fast) == outcome(slow) if fast.errors else sent(fast) == sent(slow)
    if broken in (None, "int ratio"):  # transcoded: nothing wrapped, the bytes sent as they are
        assert isinstance(fast.data["holder"]["leaves"], msgspec.Raw) and not wrapped
        assert sent(fast)["holder"]["leaves"][1]["__typename"] == "Leafy"
    else:  # refused by the Struct types: graphql-core's path answered
        assert wrapped and fast.errors


async def test_selections_that_cannot_be_transcoded_take_the_completing_path() -> None:
    wrapped: list[int] = []
    fast = transcoding_schema([leafy(), leafy("乙", 2)], wrapped, same_fields=True)
    for query, expected in [
        ("{ holder { leaves { shout } } }", {"shout": "乙"}),  # a resolver
        ("{ holder { leaves { day } } }", {"day": "2026-11-23"}),  # a scalar msgspec writes otherwise
        ("{ holder { leaves { a: text b: text } } }", {"a": "乙", "b": "乙"}),  # one attribute twice
    ]:
        result = await fast.execute(query)
        assert result.errors is None and sent(result)["holder"]["leaves"][1] == expected
    assert len(wrapped) == 6
    # Without same_fields the views are wrapped, whatever the selection.
    unmarked: list[int] = []
    result = await transcoding_schema([leafy()], unmarked, same_fields=False).execute(TRANSCODED)
    assert result.errors is None and unmarked == [1]
