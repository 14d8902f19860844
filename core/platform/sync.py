"""Incremental sync: ``updated_since`` on the collections other systems mirror (issue 17 item 7).

Jurisdictions, units, catalog items, township lists and calls carry ``updated_at``, set by the
database on every insert and update (migration 0004_sync). A list filtered with
``updated_since = T`` holds the rows changed at or after ``T``, in the collection's usual
order and cursor pagination. A mirror pulls everything once, then asks for what changed since
its previous pull started (minus a safety margin: a row is stamped when written and becomes
visible at its transaction's commit), and follows the event feed for the moments in between.
"""

from __future__ import annotations

import datetime

from core.platform.errors import FieldError, InvalidInput
from core.platform.inputs import FIRST_DAY, LAST_DAY
from core.platform.messages import Text

FIELD = "updated_since"
_EXAMPLE = "2025-01-01T08:00:00+08:00"


def parse_since(value: str | datetime.datetime | None, field: str = FIELD) -> datetime.datetime | None:
    """An RFC 3339 timestamp with its offset (``Z`` or ``+08:00``), or ``None``; anything else
    is refused with 400 naming ``field`` (a time without an offset would mean a different
    moment in each time zone)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime.datetime) else _parse(value, field)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _invalid(field, Text("field.needs-utc-offset", example=_EXAMPLE))
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise _invalid(field, Text("field.must-lie-from", first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return moment


def _parse(text: str, field: str) -> datetime.datetime:
    # RFC 3339 is date "T" time offset; fromisoformat would also take a bare date or a week date.
    if len(text) < 20 or text[10] not in "Tt ":
        raise _invalid(field, Text("field.rfc3339", example=_EXAMPLE, got=text[:40]))
    try:
        return datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
    except ValueError:
        raise _invalid(field, Text("field.rfc3339", example=_EXAMPLE, got=text[:40])) from None


def _invalid(field: str, message: Text) -> InvalidInput:
    return InvalidInput(Text("field", field=field, message=message), errors=[FieldError.said(field, message)])
