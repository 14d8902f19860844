"""Published lists served gzipped from the body stored deflated (core.publication.gzipped,
api.rest.encodings): the gzip answer inflates to the JSON answer byte for byte — first read,
warm read, stored read, by number — Content-Length counts the bytes sent, ``Vary`` is always
there, clients that do not admit gzip get JSON, nothing is compressed per request when the body
is only at hand as JSON, and another tenant's key reads nothing."""

from __future__ import annotations

import gzip
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.rest.encodings import accepts_gzip
from core.platform.db import platform_transaction
from core.publication import bodies as published_bodies
from core.publication import gzipped
from core.publication.bodies import Body, BodyCache, Spliced
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture

LIUCHENG = "510115001000"


# --- the CRC and the member, without a server --------------------------------------------------


@given(st.binary(max_size=300), st.binary(max_size=3000))
def test_crc32_combine_is_the_crc_of_the_whole(a: bytes, b: bytes) -> None:
    assert gzipped.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    factor = gzipped.shift(len(b))
    assert gzipped.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b), factor) == zlib.crc32(a + b)


def test_crc32_combine_at_lengths_past_32_bits() -> None:
    """The factor for n bytes is x^(8n) mod P: shifting by 2^32 + 5 bytes is shifting by 2^32
    bytes then by 5 (a length whose data would not fit in a test)."""
    assert gzipped.shift(0) == 1 << 31  # x^0
    crc = zlib.crc32(b"abc")
    by_parts = gzipped.crc32_combine(gzipped.crc32_combine(crc, 0, 1 << 32), 0, 5)
    assert gzipped.crc32_combine(crc, 0, (1 << 32) + 5) == by_parts
    zeros = bytes(100_000)
    assert gzipped.crc32_combine(crc, zlib.crc32(zeros), len(zeros)) == zlib.crc32(b"abc" + zeros)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=40,
)
json_objects = st.dictionaries(st.text(max_size=10), json_values, min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(json_objects, json_objects, st.sampled_from([1, 3, 9]))
def test_the_gzip_answer_inflates_to_the_json_answer(head: dict[str, Any], body: dict[str, Any], level: int) -> None:
    head_json, body_json = msgspec.json.encode(head), msgspec.json.encode(body)
    packed = gzipped.pack(body_json[1:], level)
    assert gzipped.unpack(gzipped.member(packed)) == packed
    answer = Spliced(head_json, None, packed)
    identity = published_bodies.splice(head_json, body_json)
    assert answer.identity() == identity == Spliced(head_json, body_json, None).identity()
    sent = answer.gzip()
    assert sent is not None
    assert gzip.decompress(sent) == identity
    assert zlib.decompress(sent, 31) == identity  # zlib checks the CRC and the length too
    stream = zlib.decompressobj(31)  # as a client reading it in pieces
    assert b"".join(stream.decompress(sent[i : i + 7]) for i in range(0, len(sent), 7)) + stream.flush() == identity
    assert stream.eof and not stream.unused_data
    assert Spliced(head_json, body_json, None).gzip() is None  # only JSON at hand: not compressed here


def test_an_empty_list_and_a_large_one() -> None:
    head = msgspec.json.encode({"township_code": LIUCHENG, "version": 1})
    bodies: list[dict[str, Any]] = [
        {"entries": [], "counts": {}, "provisions": []},
        {"entries": [{"item": {"code": f"X-{n}", "name": "事项" * 20}} for n in range(3000)], "counts": {"a": 1}},
    ]
    for body in bodies:
        body_json = msgspec.json.encode(body)
        answer = Spliced(head, None, gzipped.pack(body_json[1:], published_bodies.DEFLATE_LEVEL))
        sent = answer.gzip()
        assert sent is not None and gzip.decompress(sent) == published_bodies.splice(head, body_json)
        assert msgspec.json.decode(gzip.decompress(sent)) == {"township_code": LIUCHENG, "version": 1, **body}


def test_a_member_that_is_not_ours_is_refused() -> None:
    with pytest.raises(ValueError):
        gzipped.unpack(zlib.compress(b'"x"}'))


def test_the_cache_counts_the_deflated_bytes() -> None:
    json = msgspec.json.encode({"entries": [{"code": f"X-{n}", "name": "事项" * 30} for n in range(2000)]})
    packed = gzipped.pack(json[1:], published_bodies.DEFLATE_LEVEL)
    body = Body(1, None, packed=packed)
    assert body.size == packed.size < len(json) / 10 and body.text() == json
    tenant = uuid.uuid4()
    key = (tenant, "t", 1)
    cache = BodyCache(max_bytes=10**8, tenant_share=1.0)
    assert cache.decoded(key, cache.put(key, body), lambda raw: raw) == json  # decoded from the inflated JSON
    assert body.size == packed.size + published_bodies.DECODED_FACTOR * len(json)
    assert cache.tenant_usage(tenant) == cache.total_bytes == body.size


@pytest.mark.parametrize(
    ("header", "admits"),
    [
        (None, False),
        ("", False),
        ("identity", False),
        ("gzip", True),
        ("GZip", True),
        ("gzip, deflate, br, zstd", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, identity", False),
        ("deflate", False),
        ("*", True),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("x-gzip", True),
        ("gzip;q=abc", False),
        ("gzip;q=2", False),
        ("identity;q=1, gzip;q=0.5", True),
    ],
)
def test_accept_encoding(header: str | None, admits: bool) -> None:
    assert accepts_gzip(header) is admits


# --- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    base = f"{tenant.base}/townships/{LIUCHENG}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=tenant.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": "2025-02-01"}, headers=tenant.auth())
    assert done.status_code == 200, done.text
    return tenant


@pytest.fixture
def fresh_levels() -> Iterator[None]:
    """This test's own per-process cache, the stored level on."""
    cache, store = published_bodies.cache, published_bodies.store_enabled
    published_bodies.cache, published_bodies.store_enabled = BodyCache(), True
    try:
        yield
    finally:
        published_bodies.cache, published_bodies.store_enabled = cache, store


async def _get(client: httpx.AsyncClient, url: str, headers: dict[str, str], encoding: str | None) -> httpx.Response:
    """GET ``url`` with exactly this Accept-Encoding (None: no such header); the body as sent."""
    request = client.build_request("GET", url, headers=headers)
    del request.headers["accept-encoding"]
    if encoding is not None:
        request.headers["accept-encoding"] = encoding
    response = await client.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()
    response._content = raw  # the bytes on the wire, not inflated by httpx
    return response


def _gzipped(response: httpx.Response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(response.content)
    return gzip.decompress(response.content)


def _identity(response: httpx.Response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["content-type"].startswith("application/json")
    return response.content


async def test_gzip_answers_inflate_to_the_json_answers(
    client: httpx.AsyncClient, county: TenantFixture, fresh_levels: None
) -> None:
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    auth = county.auth(county.reader)
    found = await find_tenant(county.slug)
    assert found is not None
    async with platform_transaction() as conn:  # what the publication stored: the first reader builds it
        assert await conn.execute("DELETE FROM published_list_bodies WHERE tenant_id = $1", found.id) == "DELETE 1"
    first = _gzipped(await _get(client, url, auth, "gzip, deflate"))  # built, stored, sent from the deflated form
    async with platform_transaction() as conn:
        stored_member = await conn.fetchval("SELECT gzip FROM published_list_bodies WHERE tenant_id = $1", found.id)
    assert first.endswith(gzip.decompress(stored_member))
    key = next(iter(published_bodies.cache._entries))
    kept = published_bodies.cache._entries[key]
    assert kept.json is None and kept.packed is not None  # the per-process level holds the deflated form
    assert kept.size == kept.packed.size < len(first)
    warm = _gzipped(await _get(client, url, auth, "gzip"))  # this process's deflated bytes
    plain = _identity(await _get(client, url, auth, None))  # no Accept-Encoding: JSON (inflated here)
    published_bodies.cache.clear()
    stored = _gzipped(await _get(client, url, auth, "br;q=1, gzip;q=0.5"))  # another process: PostgreSQL's bytes
    published_bodies.cache.clear()
    refused = _identity(await _get(client, url, auth, "gzip;q=0, identity"))
    only_identity = _identity(await _get(client, url, auth, "identity"))
    assert first == warm == plain == stored == refused == only_identity
    body = msgspec.json.decode(first)
    assert body["version"] == 1 and body["township_code"] == LIUCHENG and body["entries"]

    by_number = f"{county.base}/townships/{LIUCHENG}/list/versions/1"
    assert _gzipped(await _get(client, by_number, auth, "gzip")) == first
    assert _identity(await _get(client, by_number, auth, None)) == first

    # httpx (like browsers and curl --compressed) sends gzip and reads the JSON.
    assert (await client.get(url, headers=auth)).content == first


async def test_only_json_at_hand_is_sent_as_json(
    client: httpx.AsyncClient, county: TenantFixture, fresh_levels: None
) -> None:
    """QINGDAN_STORE_LIST_BODIES=off (the bench's cold mode): the body is built as JSON and sent
    as it is to a client that admits gzip too — nothing is compressed per request — first read
    and warm read; an older version (built when read, never stored) likewise."""
    published_bodies.store_enabled = False
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    first = _identity(await _get(client, url, county.auth(), "gzip"))
    warm = _identity(await _get(client, url, county.auth(), "gzip"))
    assert first == warm and msgspec.json.decode(first)["version"] == 1

    published_bodies.store_enabled = True
    base = f"{county.base}/townships/{LIUCHENG}/list"
    claim = {"item_code": "CON-01", "justification": "需要"}
    assert (await client.post(f"{base}/claims", json=claim, headers=county.auth())).status_code == 201
    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=county.auth())).status_code == 200
    done = await client.post(f"{base}/publish", json={"effective_date": "2025-03-01"}, headers=county.auth())
    assert done.status_code == 200, done.text
    older = _identity(await _get(client, f"{base}/versions/1", county.auth(), "gzip"))
    assert msgspec.json.decode(older)["entries"] == msgspec.json.decode(first)["entries"]  # without CON-01
    newest = _gzipped(await _get(client, f"{base}/versions/2", county.auth(), "gzip"))
    assert msgspec.json.decode(newest)["version"] == 2


async def test_another_tenants_key_reads_nothing_gzipped(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture, fresh_levels: None
) -> None:
    url = f"{county.base}/townships/{LIUCHENG}/list/published"
    assert _gzipped(await _get(client, url, county.auth(), "gzip"))  # stored and kept in this process
    for clear in (False, True):
        if clear:
            published_bodies.cache.clear()
        for path in (url, f"{county.base}/townships/{LIUCHENG}/list/versions/1"):
            for key in (other.auth(), other.auth(other.reader)):
                refused = await _get(client, path, key, "gzip")
                assert refused.status_code == 404, refused.content[:300]
                assert refused.headers.get("content-encoding") != "gzip"
                assert b'"entries"' not in refused.content
