"""What reaches the log, over a realistic session: no API key, secret or personal data.

Every record of every logger the server writes through (Qingdan's own, strawberry's, uvicorn's,
litestar's — everything but the test's own HTTP client) is captured with its message, its
traceback and all its extra fields. A client that hangs up mid-request is a 499 "client closed
request", not a 500; an expected GraphQL error (not found, invalid query, …) is one line without
traceback or query; an unexpected one has its traceback, still without the query or variables.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from api.graphql import schema as graphql_schema
from core.platform.settings import Settings
from tests.conftest import TenantFixture

PHONE = "13800138000"
CITIZEN = "王秀英"
ID_NUMBER = "510115199001011234"
PERSONAL = (PHONE, CITIZEN, ID_NUMBER)
#: The test's own HTTP client logs its requests; that is not the server's log.
CLIENT_LOGGERS = ("httpx", "httpcore")


class Capture(logging.Handler):
    """Keeps every record that reaches it, once."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in CLIENT_LOGGERS:
            return
        if not any(r is record for r in self.records):
            self.records.append(record)

    @staticmethod
    def render(record: logging.LogRecord) -> str:
        """Everything a formatter could write: the message, the traceback, every attribute."""
        parts = [record.name, record.levelname, record.getMessage()]
        if record.exc_info and record.exc_info[1] is not None:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        parts.extend(f"{key}={value!r}" for key, value in vars(record).items() if key not in ("exc_info", "args"))
        return "\n".join(parts)

    def text(self) -> str:
        return "\n".join(self.render(r) for r in self.records)

    def access_lines(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.name == "qingdan.access"]


@pytest.fixture
def captured() -> Iterator[Capture]:
    """Capture at INFO and above, as the server runs (Qingdan's loggers do not propagate)."""
    handler = Capture()
    root, qingdan = logging.getLogger(), logging.getLogger("qingdan")
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    qingdan.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        qingdan.removeHandler(handler)
        root.setLevel(level)


def assert_nothing_secret(log: str, secrets_: list[str]) -> None:
    for value in secrets_:
        escaped = json.dumps(value)[1:-1]  # as an ASCII-escaping JSON writer would put it
        assert value not in log and escaped not in log, f"{value[:6]}… reached the log"


def guessed_key() -> str:
    return "qd_" + secrets.token_urlsafe(32)


async def test_a_session_leaves_no_key_secret_or_personal_data_in_the_log(
    client: httpx.AsyncClient,
    tenant: TenantFixture,
    settings: Settings,
    captured: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A new key, used for REST and GraphQL reads.
    created = await client.post(
        f"{tenant.base}/api-keys", json={"name": f"{CITIZEN}的只读钥匙", "role": "reader"}, headers=tenant.auth()
    )
    assert created.status_code == 201, created.text
    reader = created.json()["key"]
    assert (await client.get(f"{tenant.base}/jurisdictions", headers=tenant.auth(reader))).status_code == 200

    # REST: a not-found, and validation failures carrying personal data in the body.
    missing = await client.get(f"{tenant.base}/calls/{uuid.uuid4()}", headers=tenant.auth())
    assert missing.status_code == 404, missing.text
    unit = {
        "code": "sq-01",
        "name": f"{CITIZEN}{PHONE}",
        "kind": "department",
        "jurisdiction_code": ID_NUMBER,
        "contacts": [{"name": CITIZEN, "phone": PHONE, "role": f"身份证 {ID_NUMBER}"}],
    }
    refused = await client.post(f"{tenant.base}/units", json=unit, headers=tenant.auth())
    assert refused.status_code == 422, refused.text
    call = {
        "township_code": PHONE,
        "subject": f"{CITIZEN}反映噪音",
        "description": f"来电人{CITIZEN}，电话{PHONE}，身份证{ID_NUMBER}",
        "call_class": "complaint",
    }
    refused = await client.post(f"{tenant.base}/calls", json=call, headers=tenant.auth())
    assert 400 <= refused.status_code < 500, refused.text
    bad_type = await client.post(f"{tenant.base}/calls", json={**call, "dispatch": PHONE}, headers=tenant.auth())
    assert bad_type.status_code in (400, 422), bad_type.text

    # GraphQL: not-founds (variables and query text hold personal data), an invalid query, bad variables.
    gql = tenant.auth()
    not_found = await client.post(
        "/graphql",
        json={
            "query": f'query($id: String!) {{ tenant(slug: "{tenant.slug}") {{ callProposal(id: $id) {{ unitCode }}'
            f' posts(township: "{PHONE}") {{ code }} }} }}',
            "variables": {"id": str(uuid.uuid4()), "note": f"{CITIZEN} {PHONE}"},
        },
        headers=gql,
    )
    assert not_found.status_code == 200 and not_found.json()["errors"], not_found.text
    invalid = f'{{ tenant(slug: "{CITIZEN}") {{ {PHONE} }} }}'
    syntax = await client.post("/graphql", json={"query": invalid}, headers=gql)
    assert syntax.json()["errors"], syntax.text
    coercion = await client.post(
        "/graphql",
        json={"query": "query($n: Int!) { tenants { slug } }", "variables": {"n": f"{PHONE} {CITIZEN}"}},
        headers=gql,
    )
    assert coercion.json()["errors"], coercion.text
    mutation = """mutation($t: String!, $input: CallInput!) { raiseCall(tenant: $t, input: $input) {
        __typename ... on Problem { status } } }"""
    problem = await client.post(
        "/graphql",
        json={
            "query": mutation,
            "variables": {
                "t": tenant.slug,
                "input": {
                    "townshipCode": PHONE,
                    "subject": CITIZEN,
                    "description": f"{CITIZEN} {PHONE} {ID_NUMBER}",
                    "callClass": "complaint",
                },
            },
        },
        headers=gql,
    )
    assert problem.status_code == 200, problem.text

    # Guessed and malformed keys, over REST and GraphQL.
    guesses = [guessed_key() for _ in range(3)]
    for guess in guesses:
        denied = await client.get(f"{tenant.base}/jurisdictions", headers={"Authorization": f"Bearer {guess}"})
        assert denied.status_code == 401
    denied = await client.post(
        "/graphql", json={"query": "{ tenants { slug } }"}, headers={"Authorization": f"Bearer {guesses[0]}"}
    )
    assert denied.status_code == 401
    malformed = f"Bearer sk-{PHONE}"
    assert (await client.get(f"{tenant.base}/units", headers={"Authorization": malformed})).status_code == 401
    half = tenant.admin[: len(tenant.admin) // 2] + "x" * (len(tenant.admin) - len(tenant.admin) // 2)
    assert (await client.get(f"{tenant.base}/units", headers={"Authorization": f"Bearer {half}"})).status_code == 401

    # A bug: the resolver raises. Its traceback is logged, the query and variables are not.
    async def broken() -> list[Any]:
        raise RuntimeError("the tenant list broke")

    monkeypatch.setattr(graphql_schema, "all_tenants", broken)
    crashed = await client.post(
        "/graphql",
        json={"query": "query($s: String!) { tenants { slug } tenant(slug: $s) { slug } }", "variables": {"s": PHONE}},
        headers=gql,
    )
    assert crashed.status_code == 200 and crashed.json()["errors"], crashed.text

    log = captured.text()
    keys = [tenant.admin, tenant.reader, tenant.platform, reader, *guesses, half]
    assert_nothing_secret(log, keys)
    assert_nothing_secret(log, [key[11:] for key in keys])  # the secret part, after the shown prefix
    assert_nothing_secret(log, [settings.secret_key, malformed, "Bearer", *PERSONAL])
    for fragment in ("query(", "unitCode", "tenants { slug }", "$id"):  # field paths, never the query
        assert fragment not in log, f"query text {fragment!r} reached the log"

    # What is there: one line per request, 401s as 401s, expected GraphQL errors as one line.
    statuses = [r.status for r in captured.access_lines()]  # type: ignore[attr-defined]
    assert statuses.count(401) == 6 and 500 not in statuses
    graphql = [r for r in captured.records if r.name == "qingdan.graphql"]
    expected = [r for r in graphql if r.levelno == logging.INFO]
    assert len(expected) == 3  # the not-founds, the syntax error, the bad variables: a line each
    assert expected[0].getMessage().startswith("graphql errors: not-found at tenant.")
    assert [r.getMessage() for r in expected[1:]] == ["graphql errors: invalid-query"] * 2
    assert all(r.exc_info is None for r in expected)
    failed = [r for r in graphql if r.levelno == logging.ERROR]
    assert len(failed) == 1 and failed[0].exc_info is not None
    assert "RuntimeError" in failed[0].getMessage() and "tenants" in failed[0].getMessage()
    assert failed[0].request_id == crashed.headers["x-request-id"]  # type: ignore[attr-defined]
    with_traceback = [r for r in captured.records if r.exc_info]
    assert with_traceback == failed, [Capture.render(r)[:300] for r in with_traceback]
    assert not [r for r in captured.records if r.name.startswith("strawberry")], "strawberry's own error log is off"


# --- a client that hangs up -----------------------------------------------------------------


@pytest.fixture
async def served(app: Any) -> AsyncIterator[int]:
    """The app on a real uvicorn server (loopback, a free port) on the tests' event loop."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=None, log_level="info")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def wait_for_line(captured: Capture, request_id: str, seconds: float = 10) -> logging.LogRecord:
    deadline = time.monotonic() + seconds
    while True:
        lines = [r for r in captured.access_lines() if getattr(r, "request_id", None) == request_id]
        if lines:
            assert len(lines) == 1
            return lines[0]
        assert time.monotonic() < deadline, f"no log line for {request_id}"
        await asyncio.sleep(0.02)


async def test_a_client_that_hangs_up_mid_body_is_logged_as_499_not_500(
    served: int, tenant: TenantFixture, captured: Capture
) -> None:
    for attempt, path in enumerate([f"{tenant.base}/units", "/graphql"]):
        request_id = f"hangs-up-{attempt}"
        _, writer = await asyncio.open_connection("127.0.0.1", served)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tenant.admin}\r\n"
            f"Content-Type: application/json\r\nContent-Length: 1000\r\nX-Request-ID: {request_id}\r\n\r\n"
        )
        writer.write(head.encode() + f'{{"name": "{CITIZEN}", "phone": "{PHONE}"'.encode())
        await writer.drain()
        await asyncio.sleep(0.1)  # the server has read the head and the first part of the body
        writer.close()  # and the client goes away
        await writer.wait_closed()

        line = await wait_for_line(captured, request_id)
        assert line.status == 499, Capture.render(line)  # type: ignore[attr-defined]
        assert line.getMessage() == "client closed request" and line.levelno == logging.INFO

    assert not [r for r in captured.records if r.exc_info], "no traceback for a client that left"
    assert not [r for r in captured.records if r.levelno >= logging.ERROR]
    assert_nothing_secret(captured.text(), [tenant.admin, tenant.admin[11:], *PERSONAL])
    # The server is fine: the next request is answered.
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{served}") as http:
        assert (await http.get("/healthz")).status_code == 200
