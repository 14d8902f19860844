"""Which row of a sheet names the columns, and what each header means.

County workbooks do not start with their header: a title row (``成都市温江区柳城街道履职事项
清单``, merged over the columns), a date or a blank row may come first, and their headers are
the county's words (责任部门, 具体内容 …). The header row is the row, among the first
:data:`HEADER_SCAN` non-empty ones, with the most cells that name a column — the catalog
layout's Chinese headers, its English keys, or a synonym from ``header_synonyms.json`` (data:
add a county's header there). A file whose first row names the columns reads as before.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from core.exchange.layout import BASE_COLUMNS, LOCAL_COLUMNS, STATUS

#: How far down a header row is looked for (title rows, notes, blank lines above it).
HEADER_SCAN = 20
_MARKS = re.compile(r"[\s*＊]+")


def normal(text: str) -> str:
    """A header without spaces, line breaks or the ``*`` that marks a required column."""
    return _MARKS.sub("", text)


@cache
def synonyms() -> dict[str, str]:
    """County header → layout key."""
    data = json.loads(resources.files("core.exchange").joinpath("header_synonyms.json").read_text("utf-8"))
    return {normal(h): key for key, headers in data.items() if not key.startswith("_") for h in headers}


@cache
def _known() -> frozenset[str]:
    columns = (*BASE_COLUMNS, STATUS, *LOCAL_COLUMNS)
    return frozenset({normal(c.header) for c in columns} | {c.key for c in columns} | set(synonyms()))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def find_header(rows: list[tuple[int, list[Any]]]) -> int:
    """The index in ``rows`` (non-empty rows, in order) of the header row."""
    known = _known()
    best, best_score = 0, 1  # fewer than two known headers: the first row, as files always had
    for i, (_, values) in enumerate(rows[:HEADER_SCAN]):
        score = sum(1 for v in values if normal(_text(v)) in known)
        if score > best_score:
            best, best_score = i, score
    return best
