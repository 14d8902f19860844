"""Hostile and careless input (issue 15): every case answers a 4xx RFC 9457 problem in words
a client can act on, writes nothing, logs no traceback and leaves the server healthy.

Sent as a client would, over REST and GraphQL: JSON nested 1,000 deep (with and without a
key), oversized bodies, NUL and unpaired surrogates, dates at the edges of the calendar,
numbers no column can hold, names carrying bidirectional overrides or invisible characters,
and cursors this API never issued.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from core.platform import db
from core.platform.errors import ValidationFailed
from core.platform.inputs import FIRST_DAY, LAST_DAY
from core.platform.pagination import encode_cursor
from tests.conftest import MakeTenant, TenantFixture, issue_key

DEEP = "[" * 1000 + "]" * 1000  # 2 KB; decoders recurse once per level
UNCLOSED = "[" * 1000
DRIVER_WORDS = ("query argument", "asyncpg", "invalid byte sequence", "out of int32", "OverflowError", "Traceback")


# --- what every refusal must look like ------------------------------------------------------


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Records of the ``qingdan`` loggers (which do not propagate to the root logger)."""
    logger = logging.getLogger("qingdan")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def assert_problem(response: httpx.Response, status: int, field: str | None = None, *words: str) -> dict[str, Any]:
    """An RFC 9457 problem with this status, naming ``field``, its detail containing ``words``
    and none of the database driver's or Python's own texts."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status and body["type"].startswith("https://qingdan.dev/problems/")
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
        assert all(e["message"] for e in body["errors"]), body
    for word in words:
        assert word in body["detail"], (word, body)
    for word in DRIVER_WORDS:
        assert word not in response.text, (word, response.text)
    return body


def assert_no_traceback(logs: pytest.LogCaptureFixture) -> None:
    bad = [r for r in logs.records if r.name.startswith("qingdan") and (r.exc_info or r.levelno >= logging.ERROR)]
    assert not bad, [(r.name, r.getMessage()) for r in bad]


async def audit_count(client: httpx.AsyncClient, t: TenantFixture) -> int:
    """Every write of a tenant leaves an audit event: their number shows whether anything was written."""
    response = await client.get(f"{t.base}/audit-events", params={"limit": 500}, headers=t.auth())
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


@pytest.fixture
async def unharmed(
    client: httpx.AsyncClient, tenant: TenantFixture, logs: pytest.LogCaptureFixture
) -> AsyncIterator[TenantFixture]:
    """The tenant, checked afterwards: nothing written, no traceback, the server healthy."""
    before = await audit_count(client, tenant)
    yield tenant
    assert await audit_count(client, tenant) == before
    assert_no_traceback(logs)
    assert (await client.get("/healthz")).status_code == 200


async def graphql(client: httpx.AsyncClient, key: str | None, query: str, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


# --- JSON nested too deep, before decoding and before authentication ------------------------

JSON_ROUTES = [
    ("POST", "/units"),
    ("PATCH", "/units/justice-bureau"),
    ("POST", "/jurisdictions"),
    ("POST", "/catalog/items"),
    ("PUT", "/calendar/overrides/2026-10-08"),
    ("POST", "/evaluations/periods"),
    ("POST", "/accountability/cases"),
    ("POST", "/calls"),
    ("POST", "/webhooks"),
    ("POST", "/api-keys"),
    ("POST", "/lookup"),
    ("POST", "/legal/documents"),
]


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "admin-key"])
@pytest.mark.parametrize("body", [DEEP, UNCLOSED, '{"name": ' + DEEP + "}"], ids=["balanced", "unclosed", "in-field"])
async def test_deep_json_is_refused_before_decoding_and_authentication(
    client: httpx.AsyncClient, unharmed: TenantFixture, body: str, with_key: bool
) -> None:
    t = unharmed
    headers = {"Content-Type": "application/json", **(t.auth() if with_key else {})}
    for method, path in JSON_ROUTES:
        response = await client.request(method, t.base + path, content=body, headers=headers)
        problem = assert_problem(response, 400, "body", "nest more than 32 levels")
        assert problem["type"].endswith("/json-too-deep") and response.headers["x-request-id"]
    refused = await client.post("/api/v1/tenants", content=body, headers={"Content-Type": "application/json"})
    assert_problem(refused, 400, "body")


async def test_deep_graphql_variables_are_refused(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    for key in (None, t.admin):
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        for variables in (DEEP, UNCLOSED, '{"input": ' + DEEP + "}"):
            body = '{"query": "{ __typename }", "variables": ' + variables + "}"
            assert_problem(await client.post("/graphql", content=body, headers=headers), 400, "body", "32 levels")
            # GraphQL over GET carries the variables in the query string
            sent = await client.get(
                "/graphql", params={"query": "{ __typename }", "variables": variables}, headers=headers
            )
            assert_problem(sent, 400, "variables", "32 levels")
    # a deep GraphQL document is graphql-core's own business: refused as a query error, not a 500
    nested = await graphql(client, t.admin, "{ tenants(a: " + "[" * 1000 + ") }")
    assert nested.status_code in (200, 400) and nested.json()["errors"], nested.text


async def test_nesting_up_to_the_limit_is_decoded_and_brackets_in_strings_do_not_count(
    client: httpx.AsyncClient, tenant: TenantFixture, logs: pytest.LogCaptureFixture
) -> None:
    t = tenant
    # 32 levels pass the guard and reach the decoder, whose answer is about the shape
    body = '{"name": ' + "[" * 31 + "]" * 31 + "}"
    shaped = await client.post(
        f"{t.base}/units", content=body, headers={**t.auth(), "Content-Type": "application/json"}
    )
    assert_problem(shaped, 400, "name")
    assert shaped.json()["type"].endswith("/invalid-request")
    too_deep = '{"name": ' + "[" * 32 + "]" * 32 + "}"
    refused = await client.post(
        f"{t.base}/units", content=too_deep, headers={**t.auth(), "Content-Type": "application/json"}
    )
    assert refused.json()["type"].endswith("/json-too-deep")
    # 150 brackets inside a name are text
    name = "[" * 100 + "区司法局" + "{" * 50
    unit = {"code": "justice-bureau", "name": name, "kind": "department", "jurisdiction_code": t.division_code}
    created = await client.post(f"{t.base}/units", json=unit, headers=t.auth())
    assert created.status_code == 201, created.text
    assert (await client.get(f"{t.base}/units/justice-bureau", headers=t.auth())).json()["name"] == name
    assert_no_traceback(logs)


async def test_a_hundred_deep_bodies_log_no_traceback(
    client: httpx.AsyncClient, tenant: TenantFixture, logs: pytest.LogCaptureFixture
) -> None:
    for _ in range(100):
        response = await client.post(f"{tenant.base}/units", content=DEEP, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
    assert_no_traceback(logs)
    assert sum(len(r.getMessage()) for r in logs.records if r.name.startswith("qingdan")) < 100 * 500
    assert (await client.get("/healthz")).status_code == 200


async def test_bodies_over_the_limit_are_refused_before_authentication(
    client: httpx.AsyncClient, unharmed: TenantFixture
) -> None:
    t = unharmed
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    for headers in ({}, t.auth()):
        sized = await client.post(
            f"{t.base}/units", content=big, headers={**headers, "Content-Type": "application/json"}
        )
        assert_problem(sized, 413, "body", "larger than this route accepts")

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            for start in range(0, len(big), 64 * 1024):
                yield big[start : start + 64 * 1024]

        streamed = await client.post(
            f"{t.base}/units", content=chunks(), headers={**headers, "Content-Type": "application/json"}
        )
        assert_problem(streamed, 413, "body")


# --- NUL and unpaired surrogates ----------------------------------------------------------------


async def test_nul_is_refused_in_bodies_paths_and_queries(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    unit = {"code": "justice-bureau", "name": "区司法局\u0000", "kind": "department", "jurisdiction_code": "510115"}
    for headers in ({}, t.auth()):
        assert_problem(await client.post(f"{t.base}/units", json=unit, headers=headers), 400, "body", "NUL")
    assert_problem(await client.get(f"{t.base}/units/a%00b", headers=t.auth()), 400, "path", "NUL")
    assert_problem(await client.get(f"{t.base}/units?q=a%00b", headers=t.auth()), 400, "q", "NUL")
    assert_problem(await client.get(f"{t.base}/search?q=%00", headers=t.auth()), 400, "q", "NUL")
    query = "query($s: String!) { tenant(slug: $s) { unit(code: $s) { code } } }"
    assert_problem(await graphql(client, t.admin, query, s="x\u0000"), 400, "body", "NUL")
    gets = await client.get("/graphql", params={"query": query, "variables": '{"s": "x\\u0000"}'}, headers=t.auth())
    assert_problem(gets, 400, "variables", "NUL")


async def test_an_escaped_backslash_before_u0000_is_text(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    unit = {"code": "justice-bureau", "name": "a\\u0000b", "kind": "department", "jurisdiction_code": "510115"}
    created = await client.post(f"{tenant.base}/units", json=unit, headers=tenant.auth())
    assert created.status_code == 201 and created.json()["name"] == "a\\u0000b", created.text


async def test_unpaired_surrogates_are_refused(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    headers = {**t.auth(), "Content-Type": "application/json"}
    query = "query($s: String!) { tenants { unit(code: $s) { code } } }"
    for lone in ("\\ud800", "\\udc00", "x\\ud83dy"):
        body = '{"query": ' + json.dumps(query) + ', "variables": {"s": "' + lone + '"}}'
        assert_problem(await client.post("/graphql", content=body, headers=headers), 400, "body", "surrogate")
    paired = '{"query": ' + json.dumps(query) + ', "variables": {"s": "\\ud83d\\ude00"}}'
    answered = await client.post("/graphql", content=paired, headers=headers)
    assert answered.status_code == 200 and answered.json()["data"] == {"tenants": [{"unit": None}]}, answered.text


# --- dates at the edges of the calendar ---------------------------------------------------------

DATE_RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


async def test_year_zero_period_is_refused(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    for code, kind in (("0000", "year"), ("9999-Q4", "quarter"), ("1899", "year"), ("2201-Q1", "quarter")):
        refused = await client.post(
            f"{t.base}/evaluations/periods", json={"code": code, "kind": kind}, headers=t.auth()
        )
        assert_problem(refused, 422, "code", "must be a year from 1900 to 2200")
    assert (await client.get(f"{t.base}/evaluations/periods", headers=t.auth())).json() == []


@pytest.mark.parametrize("path", ["/calls/statistics", "/calls/violations", "/calls/statistics/grouped?by=township"])
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2026-01-01", "9999-12-31", "end"), ("0001-01-01", "2026-12-31", "start"), ("1899-12-31", "2026-01-01", "start")],
)
async def test_call_figures_refuse_dates_outside_the_range(
    client: httpx.AsyncClient, unharmed: TenantFixture, path: str, start: str, end: str, field: str
) -> None:
    t = unharmed
    sep = "&" if "?" in path else "?"
    response = await client.get(f"{t.base}{path}{sep}start={start}&end={end}", headers=t.auth())
    assert_problem(response, 422, field, DATE_RANGE)


async def test_calendar_refuses_dates_outside_the_range(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    deadline = f"{t.base}/calendar/deadline"
    for query in ("start=9999-12-31T00:00:00Z&working_days=10", "start=9999-12-31T23:00:00-12:00&hours=10"):
        assert_problem(await client.get(f"{deadline}?{query}", headers=t.auth()), 422, "start", "must be a moment")
    days = await client.get(f"{t.base}/calendar/days?from=9999-12-20&to=9999-12-31", headers=t.auth())
    assert_problem(days, 422, "from", DATE_RANGE)
    # setting, clearing and listing agree: 9999 is outside the calendar for all three
    put = await client.put(f"{t.base}/calendar/overrides/9999-12-31", json={"kind": "holiday"}, headers=t.auth())
    assert_problem(put, 422, "day", DATE_RANGE)
    assert_problem(await client.delete(f"{t.base}/calendar/overrides/9999-12-31", headers=t.auth()), 422, "day")
    listed = await client.get(f"{t.base}/calendar/overrides?year=9999", headers=t.auth())
    assert_problem(listed, 422, "year", "must be a year from 1900 to 2200")
    assert (await client.get(f"{t.base}/calendar/overrides", headers=t.auth())).json() == []
    # the last supported day still works: ten working days on is in 2201, computed, not refused
    last = await client.get(f"{deadline}?start=2200-12-31T10:00:00%2B08:00&working_days=10", headers=t.auth())
    assert last.status_code == 200 and last.json()["deadline"].startswith("2201-01-"), last.text


async def test_dates_in_bodies_are_checked(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    publish = await client.post(f"{t.base}/catalog/publish", json={"effective_date": "9999-12-31"}, headers=t.auth())
    assert_problem(publish, 422, "effective_date", DATE_RANGE)
    case = {
        "party_kind": "township",
        "party": "510115001000",
        "item_code": "X-1",
        "situation": "not_performed",
        "facts": "未按清单履职",
        "facts_date": "0001-01-01",
    }
    assert_problem(await client.post(f"{t.base}/accountability/cases", json=case, headers=t.auth()), 422, "facts_date")
    notice = {
        "recipient_kind": "township",
        "recipient": "510115001000",
        "content": "告知",
        "issued_on": "2026-01-01",
        "case_number": 12345678901234,
    }
    refused = await client.post(f"{t.base}/accountability/notices", json=notice, headers=t.auth())
    assert_problem(refused, 422, "case_number", "must be a whole number")


async def test_workflow_date_inputs_are_checked(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t = await make_tenant("taian")
    town = await issue_key(t, client, "township", "370902001000")
    dept = await issue_key(t, client, "department", "emergency-management-bureau")
    body = {"definition": "taian_call", "subject": "化工企业泄漏", "data": {"call_class": "emergency"}}
    started = await client.post(f"{t.base}/workflows", json=body, headers=t.auth(town))
    assert started.status_code == 201, started.text
    url = f"{t.base}/workflows/{started.json()['id']}/transitions"
    for who, transition in ((t.admin, "dispatch"), (dept, "sign_for")):
        moved = await client.post(url, json={"transition": transition}, headers=t.auth(who))
        assert moved.status_code == 200, moved.text
    before = (await client.get(f"{t.base}/workflows/{started.json()['id']}/history", headers=t.auth())).json()
    inputs = {"reason": "需要检测", "until": "9999-12-31"}
    refused = await client.post(url, json={"transition": "request_extension", "inputs": inputs}, headers=t.auth(dept))
    assert_problem(refused, 422, "inputs.until", DATE_RANGE)
    assert (await client.get(f"{t.base}/workflows/{started.json()['id']}/history", headers=t.auth())).json() == before


async def test_graphql_dates_outside_the_range_are_field_errors(
    client: httpx.AsyncClient, unharmed: TenantFixture
) -> None:
    t = unharmed
    for field in (
        'callStatistics(start: "2026-01-01", end: "9999-12-31") { __typename }',
        'callViolations(start: "2026-01-01", end: "9999-12-31") { __typename }',
        'calendarDays(from: "9999-12-20", to: "9999-12-31") { day }',
        'deadline(start: "9999-12-31T00:00:00Z", workingDays: 10) { deadline }',
        "calendarOverrides(year: 9999) { day }",
    ):
        response = await graphql(client, t.admin, "query($s: String!) { tenant(slug: $s) { " + field + " } }", s=t.slug)
        assert response.status_code == 200, response.text
        errors = response.json()["errors"]
        assert len(errors) == 1 and errors[0]["path"][0] == "tenant", errors
        assert "must be a" in errors[0]["message"] and "from 1900" in errors[0]["message"], errors
        assert (errors[0].get("extensions") or {}).get("status", 422) == 422, errors
        assert not any(word in response.text for word in (*DRIVER_WORDS, "out of range")), response.text
    period = await graphql(
        client,
        t.admin,
        'mutation($t: String!) { createEvaluationPeriod(tenant: $t, code: "0000", kind: "year") {'
        " __typename ... on Problem { status errors { field message } } } }",
        t=t.slug,
    )
    result = period.json()["data"]["createEvaluationPeriod"]
    assert result["__typename"] == "Problem" and result["status"] == 422, result
    assert result["errors"][0]["field"] == "code" and "1900" in result["errors"][0]["message"]
    override = await graphql(
        client,
        t.admin,
        'mutation($t: String!) { setCalendarOverride(tenant: $t, day: "9999-12-31", kind: "holiday") {'
        " __typename ... on Problem { status errors { field } } } }",
        t=t.slug,
    )
    assert override.json()["data"]["setCalendarOverride"] == {
        "__typename": "Problem",
        "status": 422,
        "errors": [{"field": "day"}],
    }


# --- numbers no column can hold ----------------------------------------------------------------


async def test_identifiers_beyond_the_columns_are_not_found(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    for path in (
        "/accountability/cases/-3493997861592",
        "/accountability/cases/99999999999",
        "/events/99999999999999999999",
        "/townships/510115001000/list/versions/99999999999",
        "/townships/510115001000/list/versions/99999999999/export.xlsx",
        "/catalog/versions/99999999999",
        f"/webhooks/{uuid.uuid4()}/deliveries/99999999999999999999/redeliver",
    ):
        method = "POST" if path.endswith("redeliver") else "GET"
        response = await client.request(method, t.base + path, headers=t.auth())
        assert_problem(response, 404)
    version = await client.get(f"{t.base}/catalog/adjustments?version=99999999999", headers=t.auth())
    assert_problem(version, 422, "version", "must be a whole number")
    malformed = await client.patch(
        f"{t.base}/units/justice-bureau", json={"name": "x"}, headers={**t.auth(), "If-Match": '"²"'.encode("latin-1")}
    )
    assert_problem(malformed, 400, "If-Match", "not an ETag")
    patch = await client.patch(f"{t.base}/jurisdictions/510115", json={"version": 2**40}, headers=t.auth())
    assert_problem(patch, 422, "version", "must be a whole number from -2147483648 to 2147483647")


async def test_driver_text_never_reaches_the_client(database_url: str) -> None:
    """The safety net behind the checks: whatever DataError still happens is told plainly."""
    connection = await asyncpg.connect(database_url)
    try:
        for statement, value in (("SELECT $1::int4", 2**40), ("SELECT $1::text", "a\x00b")):
            with pytest.raises(ValidationFailed) as refused:
                async with db.translate_db_errors():
                    await connection.fetchval(statement, value)
            detail = refused.value.detail
            assert "cannot be stored" in detail and not any(w in detail for w in DRIVER_WORDS), detail
            assert "$1" not in detail and "0x00" not in detail
    finally:
        await connection.close()


# --- names: bidirectional overrides, zero-width and control characters --------------------------

UNSAFE = [
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
    ("\u200e", "U+200E LEFT-TO-RIGHT MARK"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ("\u061c", "U+061C ARABIC LETTER MARK"),
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
    ("\u200d", "U+200D ZERO WIDTH JOINER"),
    ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\u0007", "U+0007"),
    ("\n", "U+000A LINE FEED"),
]


def named_writes(t: TenantFixture, bad: str) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, url, body, field) of every write that takes a human-readable name."""
    base = t.base
    article = [{"number": 1, "paragraphs": [{"text": "为了规范农村村民建房，制定本办法。"}]}]
    return [
        ("POST", "/api/v1/tenants", {"slug": f"t-{uuid.uuid4().hex[:10]}", "name": f"温江{bad}区"}, "name"),
        (
            "POST",
            f"{base}/units",
            {"code": "u1", "name": f"司法{bad}局", "kind": "department", "jurisdiction_code": "510115"},
            "name",
        ),
        (
            "POST",
            f"{base}/units",
            {
                "code": "u2",
                "name": "司法局",
                "kind": "department",
                "jurisdiction_code": "510115",
                "contacts": [{"name": "值班室"}, {"name": f"王{bad}某"}],
            },
            "contacts[1].name",
        ),
        ("PATCH", f"{base}/units/justice-bureau", {"name": f"{bad}司法局", "version": 1}, "name"),
        (
            "POST",
            f"{base}/jurisdictions",
            {"code": "510115001000", "name": f"柳城{bad}街道", "kind": "street", "parent_code": "510115"},
            "name",
        ),
        ("PATCH", f"{base}/jurisdictions/510115", {"name": f"温江{bad}", "version": 1}, "name"),
        (
            "POST",
            f"{base}/catalog/items",
            {"code": "SAF", "title": f"安全{bad}生产", "level": "domain", "kinds": ["basic"]},
            "title",
        ),
        ("POST", f"{base}/api-keys", {"name": f"考评{bad}系统", "role": "reader"}, "name"),
        (
            "POST",
            f"{base}/webhooks",
            {"url": "https://hooks.example.org/q", "description": f"考评{bad}"},
            "description",
        ),
        ("PUT", f"{base}/calendar/overrides/2026-10-08", {"kind": "holiday", "name": f"调休{bad}"}, "name"),
        (
            "POST",
            f"{base}/legal/documents",
            {
                "title": f"温江区{bad}建房管理办法",
                "level": "normative_document",
                "version_date": "2024-06-28",
                "articles": article,
            },
            "title",
        ),
        ("PUT", f"{base}/townships/510115001000/posts/safety", {"name": f"安全{bad}岗", "office_code": "x"}, "name"),
        (
            "POST",
            f"{base}/calls",
            {
                "township_code": "510115001000",
                "subject": f"占道{bad}经营",
                "description": "晚上很吵",
                "call_class": "routine",
            },
            "subject",
        ),
        (
            "POST",
            f"{base}/calls/{uuid.uuid4()}/attachments",
            {"filename": f"photo{bad}gpj.exe", "content_type": "image/jpeg", "content_base64": "AAAA"},
            "filename",
        ),
    ] + (
        []
        if bad != "\u202e"  # the text parser drops invisible characters and ends the title at a line feed
        else [
            (
                "POST",
                f"{base}/legal/documents",
                {
                    "text": f"# 温江区{bad}建房管理办法\n\n第一条 为了规范农村村民建房，制定本办法。\n",
                    "level": "normative_document",
                    "version_date": "2024-06-28",
                },
                "title",
            )
        ]
    )


@pytest.mark.parametrize(("char", "described"), UNSAFE, ids=[f"U+{ord(c):04X}" for c, _ in UNSAFE])
async def test_names_refuse_control_bidi_and_invisible_characters(
    client: httpx.AsyncClient, unharmed: TenantFixture, char: str, described: str
) -> None:
    t = unharmed
    before_units = (await client.get(f"{t.base}/units", headers=t.auth())).json()["items"]
    county = (await client.get(f"{t.base}/jurisdictions/510115", headers=t.auth())).json()
    for method, url, body, field in named_writes(t, char):
        key = t.platform if url == "/api/v1/tenants" else t.admin
        response = await client.request(method, url, json=body, headers=t.auth(key))
        problem = assert_problem(response, 422, field, described, "remove it")
        assert problem["detail"].startswith(f"{field}: contains"), problem
    assert (await client.get(f"{t.base}/units", headers=t.auth())).json()["items"] == before_units
    assert (await client.get(f"{t.base}/jurisdictions/510115", headers=t.auth())).json() == county
    assert (await client.get(f"{t.base}/calendar/overrides", headers=t.auth())).json() == []


async def test_graphql_names_are_checked_as_rest_bodies_are(client: httpx.AsyncClient, unharmed: TenantFixture) -> None:
    t = unharmed
    mutation = """mutation($t: String!, $input: UnitInput!) {
      createUnit(tenant: $t, input: $input) { __typename ... on Problem { status detail errors { field message } } }
    }"""
    unit = {"code": "u1", "name": "司法\u202e局", "kind": "department", "jurisdictionCode": "510115"}
    result = (await graphql(client, t.admin, mutation, t=t.slug, input=unit)).json()["data"]["createUnit"]
    assert result["__typename"] == "Problem" and result["status"] == 422, result
    assert result["errors"][0]["field"] == "name" and "U+202E" in result["errors"][0]["message"]
    contact = {**unit, "name": "司法局", "contacts": [{"name": "王\u200b某"}]}
    result = (await graphql(client, t.admin, mutation, t=t.slug, input=contact)).json()["data"]["createUnit"]
    assert result["errors"][0]["field"] == "contacts[0].name" and "U+200B" in result["detail"], result


async def test_ordinary_names_are_accepted(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for name in ("区司法局（派驻）", "Bureau of Justice · 司法局", "阿坝藏族羌族自治州", "𠮷野家", "Ⅲ号 “应急” 站"):
        unit = {"code": f"u-{uuid.uuid4().hex[:8]}", "name": name, "kind": "department", "jurisdiction_code": "510115"}
        created = await client.post(f"{tenant.base}/units", json=unit, headers=tenant.auth())
        assert created.status_code == 201 and created.json()["name"] == name, created.text


# --- cursors this API never issued ---------------------------------------------------------------


def _b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSORS = {
    "garbage": "!!!not-base64!!!",
    "non-ascii": "游标",
    "truncated": encode_cursor(["2026-12-01T08:00:00+00:00", str(uuid.uuid4())])[:-7],
    "not-json": _b64(b"\xff\xfe{"),
    "wrong-type": _b64({"x": 1}),
    "nested": _b64(b"[" * 2000),
    "nul": _b64("\u0000"),
    "huge-number": _b64(10**30),
    "negative": _b64(-5),
    "lone-surrogate": _b64(b'"\\ud800"'),
    "foreign-shape": _b64([1, 2, 3, 4]),
}
CURSOR_LISTS = [
    "/units",
    "/jurisdictions",
    "/api-keys",
    "/audit-events",
    "/events",
    "/calls",
    "/workflows",
    "/admissions",
    "/adjustments",
    "/legal/documents",
    "/legal/changes",
    "/legal/provisions",
    "/search",
]


@pytest.mark.parametrize("kind", BAD_CURSORS)
async def test_cursors_this_api_never_issued_are_refused(
    client: httpx.AsyncClient, unharmed: TenantFixture, kind: str
) -> None:
    t = unharmed
    for path in CURSOR_LISTS:
        params = {"cursor": BAD_CURSORS[kind], **({"q": "安全"} if path in ("/search", "/legal/provisions") else {})}
        response = await client.get(t.base + path, params=params, headers=t.auth())
        assert_problem(response, 400, "cursor", "cursor: not a cursor this API issued; start again without it")
    query = "query($s: String!, $c: String) { tenant(slug: $s) { units(after: $c) { items { code } } } }"
    answer = (await graphql(client, t.admin, query, s=t.slug, c=BAD_CURSORS[kind])).json()
    assert "not a cursor this API issued" in answer["errors"][0]["message"], answer


async def test_a_cursor_of_another_list_is_refused_where_its_shape_differs(
    client: httpx.AsyncClient, tenant: TenantFixture, logs: pytest.LogCaptureFixture
) -> None:
    t = tenant
    for n in range(3):  # two keys a page: the key list hands out a cursor
        await client.post(f"{t.base}/api-keys", json={"name": f"key {n}", "role": "reader"}, headers=t.auth())
    page = (await client.get(f"{t.base}/api-keys", params={"limit": 2}, headers=t.auth())).json()
    issued = page["next_cursor"]
    assert issued
    for path in ("/events", "/audit-events", "/calls", "/legal/changes"):
        response = await client.get(t.base + path, params={"cursor": issued}, headers=t.auth())
        assert_problem(response, 400, "cursor")
    # and the cursor still works where it was issued
    rest = await client.get(f"{t.base}/api-keys", params={"limit": 2, "cursor": issued}, headers=t.auth())
    assert rest.status_code == 200 and rest.json()["items"], rest.text
    assert_no_traceback(logs)


async def test_portal_search_refuses_a_bad_cursor(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await client.get(f"/portal/{tenant.slug}/search", params={"q": "安全", "cursor": "!!"})
    assert 400 <= response.status_code < 500, response.text


def test_supported_date_range_is_one_range() -> None:
    """The range named in every message is the one the checks use."""
    assert (FIRST_DAY, LAST_DAY) == (datetime.date(1900, 1, 1), datetime.date(2200, 12, 31))
