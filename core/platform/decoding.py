"""msgspec's and litestar's validation messages as catalogued texts.

A body or parameter that does not decode is described by msgspec ("Expected `str`, got
`int` - at `$.name`", "Object missing required field `code`") or litestar ("Missing
required query parameter 'limit'"). Those sentences stay the English message, unchanged
for the clients that read them; :func:`text` recognises them and gives the catalogue the
parts, so a caller who asks for zh-CN reads Chinese (an unrecognised one says "值不符合要求").
"""

from __future__ import annotations

import re

from core.platform.messages import CATALOGUE, Text

_AT = re.compile(r" - at `\$[^`]*`$")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("decode.expected", re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`$")),
    ("decode.missing-field", re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")),
    ("decode.unknown-field", re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")),
    ("decode.length", re.compile(r"^Expected `(?P<expected>[^`]+)` of length (?P<op>[<>]=?) (?P<limit>\d+)$")),
    ("decode.bound", re.compile(r"^Expected `[^`]+` (?P<op>[<>]=?) (?P<limit>-?[\d.e+-]+)$")),
    ("decode.pattern", re.compile(r"^Expected `str` matching regex (?P<pattern>.+)$")),
    ("decode.enum", re.compile(r"^Invalid enum value (?P<value>.+)$")),
    ("decode.missing-parameter", re.compile(r"^Missing required (?:\w+ )?parameter '?(?P<name>[^' ]+)'?")),
)


def _word(kind: str, value: str) -> Text | str:
    """A type name or comparison as a catalogued word (unknown ones as they are)."""
    key = f"decode.{kind}.{value}"
    return Text(key) if key in CATALOGUE else value


def text(message: str) -> Text:
    """The catalogued text of a validation ``message`` (its English rendering is ``message``)."""
    bare = _AT.sub("", message)
    for key, pattern in _PATTERNS:
        found = pattern.match(bare)
        if found:
            parts: dict[str, object] = dict(found.groupdict())
            if "expected" in parts:
                parts["expected"] = _word("type", str(parts["expected"]))
            if "got" in parts:
                parts["got"] = _word("type", str(parts["got"]))
            if "op" in parts:
                parts["op"] = _word("op", str(parts["op"]))
            return Text(key, parts, raw=message)
    return Text("decode.other", raw=message)
