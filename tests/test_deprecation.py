"""A deprecated operation says so in the OpenAPI document and on every answer
(``Deprecation``, ``Sunset``, ``Link``), as docs/versioning.md promises."""

from __future__ import annotations

import datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest
from litestar import Litestar, get

from api.deprecation import deprecated, deprecation_headers

SINCE, SUNSET = datetime.date(2027, 1, 1), datetime.date(2027, 7, 1)


@get("/old", operation_id="old", **deprecated(since=SINCE, sunset=SUNSET, link="/docs#operation/new"))
async def old() -> dict[str, str]:
    return {"use": "/new"}


@get("/new", operation_id="new")
async def new() -> dict[str, str]:
    return {}


async def test_a_deprecated_operation_answers_with_deprecation_and_sunset() -> None:
    app = Litestar([old, new])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/old")
        fresh = await client.get("/new")
    assert answer.status_code == 200
    assert answer.headers["deprecation"] == "@1798761600"  # 2027-01-01T00:00:00Z
    assert parsedate_to_datetime(answer.headers["sunset"]) == datetime.datetime(2027, 7, 1, tzinfo=datetime.UTC)
    assert answer.headers["link"] == '</docs#operation/new>; rel="deprecation"; type="text/html"'
    assert not {"deprecation", "sunset"} & set(fresh.headers)
    operation = app.openapi_schema.to_schema()["paths"]["/old"]["get"]
    assert operation["deprecated"] is True
    assert set(operation["responses"]["200"]["headers"]) == {"Deprecation", "Sunset", "Link"}
    assert not app.openapi_schema.to_schema()["paths"]["/new"]["get"].get("deprecated")


def test_sunset_needs_the_promised_notice() -> None:
    with pytest.raises(ValueError, match="180 days"):
        deprecation_headers(SINCE, SINCE + datetime.timedelta(days=30))
    assert set(deprecation_headers(SINCE)) == {"Deprecation"}
