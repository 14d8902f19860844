"""Marking an operation deprecated, as docs/versioning.md promises: the OpenAPI document says
``deprecated: true`` and every answer carries ``Deprecation`` (RFC 9745, the date it was
deprecated), ``Sunset`` (RFC 8594, the date it stops answering) and a ``Link`` to what replaces
it — so a client notices in its logs long before the operation goes away.

Use on a route decorator: ``@get("/old", **deprecated(since=date(2027, 1, 1),
sunset=date(2027, 7, 1), link="/docs#tag/units"))``.
"""

from __future__ import annotations

import calendar
import datetime
from email.utils import formatdate
from typing import Any

from litestar.datastructures import ResponseHeader

#: The least time between deprecating an operation and its sunset (docs/versioning.md).
MINIMUM_NOTICE = datetime.timedelta(days=180)


def _midnight_utc(day: datetime.date) -> int:
    return calendar.timegm(day.timetuple())


def deprecation_headers(
    since: datetime.date, sunset: datetime.date | None = None, link: str | None = None
) -> dict[str, str]:
    """The headers of a deprecated operation's answers."""
    if sunset is not None and sunset - since < MINIMUM_NOTICE:
        raise ValueError(f"sunset {sunset} is less than {MINIMUM_NOTICE.days} days after {since}")
    headers = {"Deprecation": f"@{_midnight_utc(since)}"}  # an RFC 9651 date: seconds since the epoch
    if sunset is not None:
        headers["Sunset"] = formatdate(_midnight_utc(sunset), usegmt=True)  # an HTTP-date
    if link is not None:
        headers["Link"] = f'<{link}>; rel="deprecation"; type="text/html"'
    return headers


def deprecated(since: datetime.date, sunset: datetime.date | None = None, link: str | None = None) -> dict[str, Any]:
    """Keyword arguments for a litestar route decorator that deprecate its operation."""
    headers = deprecation_headers(since, sunset, link)
    descriptions = {
        "Deprecation": "When this operation was deprecated (RFC 9745).",
        "Sunset": "When this operation stops answering (RFC 8594).",
        "Link": "Where the replacement is documented (rel=deprecation).",
    }
    return {
        "deprecated": True,
        "response_headers": [
            ResponseHeader(name=name, value=value, description=descriptions[name]) for name, value in headers.items()
        ],
    }
