"""Limits as settings (issue 15): request header and body timeouts on a real server, rates per
API key and for failed authentication (429 + Retry-After), and workbooks that unpack or spread
beyond what an import needs (zip bombs, sparse sheets). Each case: the status, the problem,
nothing written, and the server still healthy."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from openpyxl import Workbook

from api import limits
from api.app import create_app
from core.exchange import tables
from core.exchange.unpack import WorkbookLimits
from core.platform.db import platform_transaction
from core.platform.errors import ContentTooLarge, ValidationFailed
from core.platform.settings import Settings
from tests.conftest import TenantFixture, issue_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROOT = Path(__file__).resolve().parent.parent


# --- helpers ----------------------------------------------------------------------------------


async def snapshot(t: TenantFixture) -> dict[str, int]:
    """Row counts of what a request could have written for the tenant."""
    tables_ = ("catalog_versions", "catalog_items", "catalog_item_provenance", "units", "audit_events", "api_keys")
    async with platform_transaction() as conn:
        tenant_id = await conn.fetchval("SELECT id FROM tenants WHERE slug = $1", t.slug)
        return {n: await conn.fetchval(f"SELECT count(*) FROM {n} WHERE tenant_id = $1", tenant_id) for n in tables_}


def assert_problem(response: httpx.Response, status: int, code: str, *needles: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["type"].endswith("/" + code), problem
    for needle in needles:
        assert needle in problem["detail"], (needle, problem["detail"])
    return problem


async def healthy(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


# --- workbooks ----------------------------------------------------------------------------------

_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + _NS + b' xmlns:r="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
    b"</sheets></workbook>",
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/></Relationships>',
}
_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe7\xbc\x96\xe7\xa0\x81</t></is></c>'  # 编码
    b'<c r="B1" t="inlineStr"><is><t>\xe4\xba\x8b\xe9\xa1\xb9\xe5\x90\x8d\xe7\xa7\xb0</t></is></c></row>'  # 事项名称
)


def workbook_of(rows: bytes | Iterable[bytes], strings: Iterable[bytes] = (b"<si><t>x</t></si>",)) -> bytes:
    """A minimal .xlsx written part by part (streamed: a bomb never exists unpacked here)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in _PARTS.items():
            archive.writestr(name, data)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _NS + b">")
            for chunk in strings:
                part.write(chunk)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _NS + b"><sheetData>" + _HEADER_ROW)
            for chunk in [rows] if isinstance(rows, bytes) else rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def shared_string_bomb(megabytes: int) -> bytes:
    """One shared string of ``megabytes`` MB of the same letter, used by one cell."""
    text = (b"A" * (1024 * 1024) for _ in range(megabytes))
    return workbook_of(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>', [b"<si><t>", *text, b"</t></si>"])


def openpyxl_workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def import_file(client: httpx.AsyncClient, t: TenantFixture, data: bytes, *, dry_run: bool) -> httpx.Response:
    return await client.post(
        f"{t.base}/catalog/import",
        params={"dry_run": str(dry_run).lower()},
        content=data,
        headers={**t.auth(), "Content-Type": XLSX, "Accept-Language": "en"},  # checked word for word
    )


async def test_a_zip_bomb_is_refused_before_it_is_inflated(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    bomb = shared_string_bomb(240)  # the issue's: ~250 KB that unpacks to ~250 MB
    assert len(bomb) < 400_000
    before, rss = await snapshot(tenant), rss_mb()
    for dry_run in (True, False):
        response = await import_file(client, tenant, bomb, dry_run=dry_run)
        assert_problem(response, 413, "content-too-large", "unpacks to 251,", "QINGDAN_WORKBOOK_MAX_UNCOMPRESSED_BYTES")
    # Four at once (the issue's 2 GB): each is refused from the zip directory.
    parallel = await asyncio.gather(*(import_file(client, tenant, bomb, dry_run=True) for _ in range(4)))
    assert [r.status_code for r in parallel] == [413] * 4
    grown = rss_mb() - rss
    print(f"\nRSS around six dry runs/imports of a {len(bomb):,}-byte bomb: {rss:.0f} -> {rss + grown:.0f} MB")
    assert grown < 32, grown  # before: +460 MB per dry run (calamine inflated it whole)
    assert await snapshot(tenant) == before
    await healthy(client)


async def test_a_part_compressed_like_a_bomb_is_refused(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    bomb = shared_string_bomb(8)  # under the size limit, but 8 MB of one letter compress ~1000:1
    before = await snapshot(tenant)
    response = await import_file(client, tenant, bomb, dry_run=True)
    assert_problem(
        response, 413, "content-too-large", "xl/sharedStrings.xml is compressed", "QINGDAN_WORKBOOK_MAX_RATIO"
    )
    assert await snapshot(tenant) == before
    await healthy(client)


def _declare(data: bytes, member: str, size: int) -> bytes:
    """The archive with ``member``'s uncompressed size in the zip directory changed to ``size``."""
    out = bytearray(data)
    name = member.encode()
    at = -1
    while True:
        at = out.find(b"PK\x01\x02", at + 1)
        assert at >= 0, member
        length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46 : at + 46 + length]) == name:
            struct.pack_into("<I", out, at + 24, size)
            return bytes(out)


async def test_a_zip_directory_that_lies_about_sizes_is_caught(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    rows = (b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' for _ in range(60_000))  # ~2.7 MB of XML
    honest = workbook_of(rows)
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 2_000_000
    liar = _declare(honest, "xl/worksheets/sheet1.xml", 1000)  # "1,000 bytes": under every limit
    before = await snapshot(tenant)
    response = await import_file(client, tenant, liar, dry_run=True)
    assert_problem(response, 413, "content-too-large", "sheet1.xml unpacks to more than the 1,000 bytes it declares")
    assert await snapshot(tenant) == before
    await healthy(client)


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        # 2 KB that made calamine allocate 512 GB and abort the process: column XFD, row 1,048,576.
        (b'<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>', "a value in column 16,384"),
        (b'<row r="1000000"><c r="J1000000" t="s"><v>0</v></c></row>', "a value in row 1,000,000"),
        # Written without references (the exact walk): 101 cells in one row, a row far down.
        (b'<row r="2">' + b"<c><v>1</v></c>" * 101 + b"</row>", "a value in column 101"),
        (b'<row r="500000"><c><v>1</v></c></row>', "a value in row 500,000"),
        (b'<x:row r="2"><x:c r="ZZZ2"><x:v>1</x:v></x:c></x:row>', "column 18,278"),
        (b"<row r='900000'><c t=\"n\" r = 'b900000'><v>1</v></c></row>", "row 900,000"),
    ],
)
async def test_a_sheet_spread_beyond_the_limits_is_refused_before_reading(
    client: httpx.AsyncClient, tenant: TenantFixture, cells: bytes, problem: str
) -> None:
    before = await snapshot(tenant)
    response = await import_file(client, tenant, workbook_of(cells), dry_run=False)
    assert_problem(response, 422, "validation-failed", problem)
    assert response.json()["errors"][0]["field"] == "file"
    assert await snapshot(tenant) == before
    await healthy(client)


def test_empty_formatted_cells_far_away_are_fine() -> None:
    """Formatting reaching row 1,048,576 is no content (the reader skips empty cells)."""
    far = b'<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    table = tables.read_table(workbook_of(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + far))
    assert table.header == ["编码", "事项名称"] and [values for _, values in table.rows] == [["x", ""]]


async def test_columns_beyond_the_limit(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    before = await snapshot(tenant)
    wide = openpyxl_workbook([["编码", "事项名称", *[f"列{i}" for i in range(99)]], ["X-1", "甲"]])  # 101 columns
    response = await import_file(client, tenant, wide, dry_run=True)
    assert_problem(response, 422, "validation-failed", "column 101", "QINGDAN_WORKBOOK_MAX_COLUMNS")
    csv = ("编码,事项名称" + ",x" * 99 + "\nX-1,甲\n").encode()
    response = await client.post(
        f"{tenant.base}/catalog/import",
        params={"dry_run": "true"},
        content=csv,
        headers={**tenant.auth(), "Content-Type": "text/csv", "Accept-Language": "en"},
    )
    assert_problem(response, 422, "validation-failed", "right of column 100")
    assert await snapshot(tenant) == before


async def test_too_many_parts(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _PARTS.items():
            archive.writestr(name, data)
        for i in range(6_000):
            archive.writestr(f"x/{i}", b"")
    response = await import_file(client, tenant, buffer.getvalue(), dry_run=True)
    assert_problem(response, 413, "content-too-large", "6,004 parts")
    await healthy(client)


async def test_merge_uploads_are_held_to_the_same_limits(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    good = openpyxl_workbook([["事项名称"], ["森林防火巡查"]])
    files = [("files", ("乡镇清单.xlsx", good, XLSX)), ("files", ("炸弹.xlsx", shared_string_bomb(100), XLSX))]
    before = await snapshot(tenant)
    for path in ("/catalog/merge", "/catalog/merge/apply"):
        response = await client.post(f"{tenant.base}{path}", files=files, headers=tenant.auth())
        problem = assert_problem(response, 413, "content-too-large", "来源清单「炸弹」：工作簿解压后有 104,859,684")
        assert problem["errors"][0]["field"] == "炸弹.file"  # people read the detail: Chinese by default
        english = await client.post(
            f"{tenant.base}{path}", files=files, headers={**tenant.auth(), "Accept-Language": "en"}
        )
        assert_problem(english, 413, "content-too-large", "炸弹: the workbook unpacks to")
    assert await snapshot(tenant) == before
    await healthy(client)


def test_limits_are_settings_and_add_up_over_a_merge() -> None:
    data = openpyxl_workbook([["编码", "事项名称"], *[[f"X-{i}", f"事项{i}"] for i in range(30)]])
    size = tables.read_table(data).size
    saved = tables.limits()
    try:
        tables.configure(WorkbookLimits(max_uncompressed_bytes=size - 1))
        with pytest.raises(ContentTooLarge, match="QINGDAN_WORKBOOK_MAX_UNCOMPRESSED_BYTES"):
            tables.read_table(data)
        tables.configure(WorkbookLimits(max_rows=29))
        with pytest.raises(ValidationFailed, match="more than 29 rows"):
            tables.read_table(data)
        tables.configure(WorkbookLimits(max_uncompressed_bytes=size))
        assert len(tables.read_table(data).rows) == 30
        with pytest.raises(ContentTooLarge):  # what an earlier file of the same merge used counts
            tables.read_table(data, max_bytes=size - 1)
    finally:
        tables.configure(saved)


async def test_the_app_configures_the_workbook_limits(settings: Settings, database_url: str) -> None:
    saved = tables.limits()
    try:
        create_app(replace(settings, workbook_max_rows=7, workbook_max_columns=9), manage_database=False)
        assert (tables.limits().max_rows, tables.limits().max_columns) == (7, 9)
    finally:
        tables.configure(saved)


# --- rates ------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def limited_client(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app of its own (its own counters) with these settings changed."""
    app = create_app(replace(settings, **changes), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://qingdan.test") as c:
        yield c


def guess() -> dict[str, str]:
    return {"Authorization": f"Bearer qd_{uuid.uuid4().hex}{uuid.uuid4().hex[:11]}"}


def assert_too_many(response: httpx.Response, *needles: str) -> int:
    assert_problem(response, 429, "too-many-requests", *needles)
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert f"try again in {retry_after} s" in response.json()["detail"]
    return retry_after


async def test_guessed_keys_get_429_before_they_reach_the_database(settings: Settings, tenant: TenantFixture) -> None:
    async with limited_client(settings, auth_failures_per_minute=5) as client:
        url = f"{tenant.base}/jurisdictions"
        assert (await client.get(url, headers=tenant.auth())).status_code == 200  # a key seen to work
        before = await snapshot(tenant)
        statuses = [(await client.get(url, headers=guess())).status_code for _ in range(5)]
        assert statuses == [401] * 5
        assert_too_many(await client.get(url, headers=guess()), "failed authentication", "check the key")
        # GraphQL is the same door.
        query = {"query": "{ tenants { slug } }"}
        assert_too_many(await client.post("/graphql", json=query, headers=guess()))
        # The key that works from this address goes on working; requests without a key are not counted.
        assert (await client.get(url, headers=tenant.auth())).status_code == 200
        assert (await client.post("/graphql", json=query, headers=tenant.auth())).status_code == 200
        assert (await client.get(url)).status_code == 401
        # A key this process has not yet seen authenticate is a guess like any other meanwhile.
        assert_too_many(await client.get(url, headers=tenant.auth(tenant.reader)))
        assert await snapshot(tenant) == before
        await healthy(client)


async def test_a_burst_of_guesses_sent_at_once_is_held_to_the_budget(settings: Settings, tenant: TenantFixture) -> None:
    async with limited_client(settings, auth_failures_per_minute=5) as client:
        url = f"{tenant.base}/jurisdictions"
        responses = await asyncio.gather(*(client.get(url, headers=guess()) for _ in range(30)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [401] * 5 + [429] * 25, statuses
        await healthy(client)
    # A client's first burst with its one (valid) key, e.g. after a restart, is not a burst of guesses.
    async with limited_client(settings, auth_failures_per_minute=5) as client:
        responses = await asyncio.gather(*(client.get(url, headers=tenant.auth()) for _ in range(30)))
        assert [r.status_code for r in responses] == [200] * 30


async def test_each_api_key_has_its_own_rate(settings: Settings, tenant: TenantFixture) -> None:
    async with limited_client(settings, rate_limit_per_minute=6) as client:
        url = f"{tenant.base}/jurisdictions"
        assert [(await client.get(url, headers=tenant.auth())).status_code for _ in range(6)] == [200] * 6
        retry_after = assert_too_many(await client.get(url, headers=tenant.auth()), "this API key sent more than 6")
        assert retry_after == 10  # a token comes back every 60 / 6 s
        graphql = await client.post("/graphql", json={"query": "{ tenants { slug } }"}, headers=tenant.auth())
        assert_too_many(graphql)
        # Another key of the same tenant, from the same address, is not affected.
        assert (await client.get(url, headers=tenant.auth(tenant.reader))).status_code == 200
        await healthy(client)


async def test_a_revoked_key_counts_as_a_failure(
    settings: Settings, client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    async with limited_client(settings, auth_failures_per_minute=2) as limited:
        url = f"{tenant.base}/jurisdictions"
        key = await issue_key(tenant, client, "reader", None)
        assert (await limited.get(url, headers=tenant.auth(key))).status_code == 200
        listed = await client.get(f"{tenant.base}/api-keys", params={"limit": 500}, headers=tenant.auth())
        key_id = next(k["id"] for k in listed.json()["items"] if key.startswith(k["prefix"]))
        assert (await client.post(f"{tenant.base}/api-keys/{key_id}/revoke", headers=tenant.auth())).status_code == 200
        assert (await limited.get(url, headers=tenant.auth(key))).status_code == 401
        assert (await limited.get(url, headers=guess())).status_code == 401
        assert_too_many(await limited.get(url, headers=tenant.auth(key)))


async def test_forwarded_addresses_count_only_behind_a_trusted_proxy(settings: Settings, tenant: TenantFixture) -> None:
    url = f"{tenant.base}/jurisdictions"

    def via(address: str) -> dict[str, str]:
        return {**guess(), "X-Forwarded-For": f"{address}, 203.0.113.7"}

    # Not trusted: X-Forwarded-For is anybody's to write, so every guess counts for the peer.
    async with limited_client(settings, auth_failures_per_minute=2) as client:
        assert [(await client.get(url, headers=via(f"198.51.100.{i}"))).status_code for i in range(3)] == [
            401,
            401,
            429,
        ]
    # Behind trusted proxies (the peer and the hop it names), each forwarded client has its own budget.
    async with limited_client(settings, auth_failures_per_minute=2, trusted_proxies=("203.0.113.0/24",)) as client:
        assert [(await client.get(url, headers=via("198.51.100.1"))).status_code for _ in range(3)] == [401, 401, 429]
        assert (await client.get(url, headers=via("198.51.100.2"))).status_code == 401
        # IPv6 clients are counted by /64: the next address in the same network shares the budget.
        assert (await client.get(url, headers=via("2001:db8:1:2::1"))).status_code == 401
        assert (await client.get(url, headers=via("2001:db8:1:2::ffff"))).status_code == 401
        assert (await client.get(url, headers=via("2001:db8:1:2:abcd::9"))).status_code == 429


def test_buckets_refill_and_stay_bounded() -> None:
    now = [0.0]
    buckets = limits.Buckets(60, size=3, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(60)] == [0.0] * 60
    assert buckets.take("a") == pytest.approx(1.0)  # one a second comes back
    now[0] += 2.5
    assert buckets.take("a") == 0.0 and buckets.take("a") == 0.0 and buckets.take("a") > 0
    buckets.give_back("a")
    assert buckets.take("a") == 0.0
    for key in "bcd":
        buckets.take(key)
    assert len(buckets) == 3 and "a" not in buckets  # the least recently used went first


async def test_the_defaults_leave_the_suite_and_the_benchmarks_alone(settings: Settings) -> None:
    assert settings.rate_limit_per_minute >= 60_000  # bench.http_list: ~1,000 requests a second per key
    assert settings.auth_failures_per_minute == 20
    assert settings.trusted_proxies == ()


async def test_unauthenticated_pages_cost_little(settings: Settings) -> None:
    """The middlewares pass requests without a key (the portal, health) straight through."""
    bare = limits.rate_limits(settings)(limits.body_timeouts(settings)(_ok))
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"accept", b"text/html")], "client": ("1", 1)}

    async def send(message: Any) -> None:
        pass

    started = time.perf_counter()
    for _ in range(20_000):
        await bare(scope, _nothing, send)
    per_request = (time.perf_counter() - started) / 20_000 * 1e6
    print(f"\nrate and body middlewares without a key: {per_request:.2f} µs a request")
    assert per_request < 50


async def _ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})


async def _nothing() -> Any:
    return {"type": "http.request", "body": b"", "more_body": False}


# --- a real server: header and body timeouts ---------------------------------------------------------


async def exchange(port: int, *parts: bytes, pause: float = 0.0, timeout: float = 10.0) -> tuple[bytes, float]:
    """Send ``parts`` (``pause`` seconds apart, until the server answers), read until it closes
    the connection; the answer and the seconds from the last part sent to the close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()
    closed = asyncio.Event()

    async def read() -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                received.extend(chunk)
        closed.set()

    reading = asyncio.create_task(read())
    sent = time.perf_counter()
    try:
        for i, part in enumerate(parts):
            if i and pause:  # the client's pacing; it stops sending once the server has answered
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(closed.wait(), pause)
            if closed.is_set() or received:
                break
            try:
                writer.write(part)
                await writer.drain()
            except ConnectionError:
                break
            sent = time.perf_counter()
        async with asyncio.timeout(timeout):
            await reading
        return bytes(received), time.perf_counter() - sent
    finally:
        reading.cancel()
        writer.close()


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:100]
    return int(answer[9:12])


def body_of(answer: bytes) -> bytes:
    return answer.partition(b"\r\n\r\n")[2]


@pytest.fixture(scope="module")
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def served(
    tenant: TenantFixture, database_url: str, free_port: int, tmp_path: Path
) -> AsyncIterator[tuple[int, TenantFixture]]:
    """``qingdan serve`` in its own process on the session's database, with small timeouts."""
    env = {
        **os.environ,
        "QINGDAN_DATABASE_URL": database_url,
        "QINGDAN_DATA_DIR": str(tmp_path),
        "QINGDAN_HEADER_TIMEOUT": "0.5",
        "QINGDAN_BODY_IDLE_TIMEOUT": "0.5",
        "QINGDAN_BODY_TIMEOUT": "2",
        "QINGDAN_EVENT_WORKER": "off",
        "QINGDAN_DEADLINE_SWEEP_SECONDS": "0",
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(free_port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{free_port}") as http:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                assert time.monotonic() < deadline, "qingdan serve did not start"
                await asyncio.sleep(0.1)
        yield free_port, tenant
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def test_a_real_server_closes_slow_requests(served: tuple[int, TenantFixture], tmp_path: Path) -> None:
    port, tenant = served
    # Half the headers, then nothing: 408 and closed after QINGDAN_HEADER_TIMEOUT (0.5 s).
    answer, waited = await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept: */")
    assert status_of(answer) == 408 and b"request-timeout" in body_of(answer)
    assert 0.3 < waited < 3, waited
    # A connection that sends nothing at all is closed too (silently).
    answer, waited = await exchange(port)
    assert answer == b"" and waited < 3
    # Headers without end: 431 at 64 KB, whatever the timeout.
    answer, _ = await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 66_000)
    assert status_of(answer) == 431 and b"content-language: en" in answer
    # An Accept-Language that arrived before the cut is answered in its language
    zh = b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN\r\nX-Pad: " + b"a" * 66_000
    answer, _ = await exchange(port, zh)
    assert status_of(answer) == 431 and b"content-language: zh-CN" in answer
    assert "请求行和请求头超过 65,536 字节" in body_of(answer).decode()

    before = await snapshot(tenant)
    unit = json.dumps({"code": "slow-bureau", "name": "慢局", "kind": "department", "jurisdiction_code": "510115"})
    unit = unit.encode()
    head = (
        f"POST {tenant.base}/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tenant.admin}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(unit)}\r\n\r\n"
    ).encode()
    # A body that stops half-way: 408 problem after QINGDAN_BODY_IDLE_TIMEOUT, connection closed.
    answer, waited = await exchange(port, head + unit[:40])
    assert status_of(answer) == 408 and b"connection: close" in answer.lower()
    assert b"paused for more than 0.5 s" in body_of(answer) and b"application/problem+json" in answer
    assert 0.3 < waited < 3, waited
    # A body that trickles (a byte every 0.2 s, never pausing 0.5 s): 408 at QINGDAN_BODY_TIMEOUT (2 s).
    started = time.perf_counter()
    answer, _ = await exchange(port, head, *(unit[i : i + 1] for i in range(30)), pause=0.2)
    assert status_of(answer) == 408 and b"took longer than 2 s" in body_of(answer)
    assert time.perf_counter() - started < 8
    assert await snapshot(tenant) == before

    # The same request sent whole works, and the server is healthy.
    answer, _ = await exchange(port, head.replace(b"HTTP/1.1", b"HTTP/1.0") + unit)
    assert status_of(answer) == 201, answer
    answer, _ = await exchange(port, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status_of(answer) == 200 and body_of(answer) == b'{"status":"ok"}'
    # The log says what the client was answered: 408, not a hang-up (499) nor an error.
    records = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines() if line.startswith("{")]
    posts = [(r["message"], r["status"]) for r in records if r.get("path") == f"{tenant.base}/units"]
    assert posts == [("request body timed out", 408)] * 2 + [("request", 201)], posts


async def test_the_h11_protocol_has_the_header_deadline_too(app: Any) -> None:
    """uvicorn serves with h11 where httptools is not installed."""
    protocol = type("Quick", (limits.H11HeaderDeadline,), {"seconds": 0.3})
    config = uvicorn.Config(app, http=protocol, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        answer, waited = await exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        assert status_of(answer) == 408 and 0.15 < waited < 3
        answer, _ = await exchange(port, b"GET /healthz HTTP/1.0\r\n\r\n")
        assert status_of(answer) == 200
    finally:
        server.should_exit = True
        await task
        sock.close()


def test_serve_passes_the_protocol_to_uvicorn() -> None:
    protocol = limits.http_protocol()
    assert issubclass(protocol, limits.HeaderDeadline)
    assert protocol.__name__ == "HttpToolsHeaderDeadline"  # httptools is installed: uvicorn's own choice
