"""Behaviour of core.platform.storage, run identically against the local and the S3 backend.

The S3 backend talks to moto's S3 server on loopback, over real HTTP, with the real minio
client: a mock would not catch signing, quoting of Chinese keys or bucket creation.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import hashlib
import io
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from minio import Minio

from core.platform.settings import load_settings
from core.platform.storage import (
    MAX_KEY_BYTES,
    MAX_KEY_CHARS,
    InvalidObject,
    LinkExpired,
    LocalStorage,
    ObjectNotFound,
    ObjectTooLarge,
    S3Storage,
    Storage,
    StorageError,
    StoredObject,
    UnsupportedContentType,
    make_storage,
    object_name,
    sign_download,
    validate_key,
    verify_download,
)

SECRET = "test-secret-not-for-production"
BASE_URL = "http://qingdan.test"
MAX_BYTES = 1024
CONTENT_TYPES = ("text/plain", "application/pdf", "text/csv")
ACCESS_KEY = "testing"
S3_SECRET = "testing"
BUCKET = "qingdan-test"
UTC = datetime.UTC

CHINESE_KEY = "清单/2024年/乡镇（街道）履职事项.txt"
CHINESE_TEXT = "乡镇（街道）履职事项清单\n一、党的建设\n".encode()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """``host:port`` of a moto S3 server on loopback, started once for the session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"{host}:{port}"
    finally:
        server.stop()


def _s3(endpoint: str, bucket: str = BUCKET) -> S3Storage:
    return S3Storage(
        endpoint,
        ACCESS_KEY,
        S3_SECRET,
        bucket,
        "us-east-1",
        False,
        max_bytes=MAX_BYTES,
        content_types=CONTENT_TYPES,
    )


def _raw_client(endpoint: str) -> Minio:
    return Minio(endpoint, ACCESS_KEY, S3_SECRET, secure=False, region="us-east-1")


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path, SECRET, BASE_URL + "/", max_bytes=MAX_BYTES, content_types=CONTENT_TYPES)
    return _s3(request.getfixturevalue("s3_endpoint"))


@pytest.fixture
def tenant() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # trust_env=False: a proxy configured in the environment must not intercept loopback.
    async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
        yield client


async def fetch(storage: Storage, http: httpx.AsyncClient, url: str) -> bytes:
    """Follow a download link the way its consumer would.

    For S3 that is a plain HTTP GET of the presigned URL. For the local backend it is what
    the HTTP layer will do for ``/files/{token}``: verify the token, then ``get``.
    """
    if isinstance(storage, LocalStorage):
        prefix = f"{BASE_URL}/files/"
        assert url.startswith(prefix), url
        tenant_id, key = verify_download(SECRET, url.removeprefix(prefix))
        return await storage.get(tenant_id, key)
    response = await http.get(url)
    if response.status_code == 404:
        raise ObjectNotFound(url)
    response.raise_for_status()
    return response.content


def _local_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "secret.key")


# --------------------------------------------------------------------------- both backends


async def test_roundtrip_chinese_key_and_content(storage: Storage, tenant: uuid.UUID) -> None:
    stored = await storage.put(tenant, CHINESE_KEY, CHINESE_TEXT, "text/plain; charset=utf-8")

    assert stored == StoredObject(
        key=CHINESE_KEY,
        size=len(CHINESE_TEXT),
        content_type="text/plain; charset=utf-8",
        sha256=hashlib.sha256(CHINESE_TEXT).hexdigest(),
    )
    assert await storage.get(tenant, CHINESE_KEY) == CHINESE_TEXT
    assert await storage.exists(tenant, CHINESE_KEY)


async def test_put_replaces_existing_object(storage: Storage, tenant: uuid.UUID) -> None:
    await storage.put(tenant, "report.csv", b"a,b\n1,2\n", "text/csv")
    await storage.put(tenant, "report.csv", b"a,b\n3,4\n", "text/csv")

    assert await storage.get(tenant, "report.csv") == b"a,b\n3,4\n"


async def test_empty_object(storage: Storage, tenant: uuid.UUID) -> None:
    stored = await storage.put(tenant, "empty.txt", b"", "text/plain")

    assert stored.size == 0
    assert await storage.get(tenant, "empty.txt") == b""


async def test_missing_object(storage: Storage, tenant: uuid.UUID) -> None:
    assert not await storage.exists(tenant, "nothing/here.txt")
    with pytest.raises(ObjectNotFound) as info:
        await storage.get(tenant, "nothing/here.txt")
    assert info.value.status == 404
    assert "nothing/here.txt" in str(info.value)


async def test_tenants_are_isolated(storage: Storage) -> None:
    tenant_a, tenant_b = uuid.uuid4(), uuid.uuid4()
    await storage.put(tenant_b, "shared-name.pdf", b"%PDF-1.4 B's", "application/pdf")

    with pytest.raises(ObjectNotFound):
        await storage.get(tenant_a, "shared-name.pdf")
    assert not await storage.exists(tenant_a, "shared-name.pdf")

    await storage.delete(tenant_a, "shared-name.pdf")
    assert await storage.get(tenant_b, "shared-name.pdf") == b"%PDF-1.4 B's"

    await storage.put(tenant_a, "shared-name.pdf", b"%PDF-1.4 A's", "application/pdf")
    assert await storage.get(tenant_a, "shared-name.pdf") == b"%PDF-1.4 A's"
    assert await storage.get(tenant_b, "shared-name.pdf") == b"%PDF-1.4 B's"


async def test_delete_is_idempotent(storage: Storage, tenant: uuid.UUID) -> None:
    await storage.put(tenant, "a/b.txt", b"x", "text/plain")

    await storage.delete(tenant, "a/b.txt")
    await storage.delete(tenant, "a/b.txt")
    await storage.delete(tenant, "never/existed.txt")

    assert not await storage.exists(tenant, "a/b.txt")
    with pytest.raises(ObjectNotFound):
        await storage.get(tenant, "a/b.txt")


async def test_exists_is_exact_not_a_prefix_match(storage: Storage, tenant: uuid.UUID) -> None:
    await storage.put(tenant, "dir/file.txt", b"x", "text/plain")

    assert await storage.exists(tenant, "dir/file.txt")
    assert not await storage.exists(tenant, "dir")
    assert not await storage.exists(tenant, "dir/file")
    with pytest.raises(ObjectNotFound):
        await storage.get(tenant, "dir")
    await storage.delete(tenant, "dir")  # a "directory" is not an object: nothing happens
    assert await storage.exists(tenant, "dir/file.txt")


async def test_too_large_is_rejected_and_nothing_written(storage: Storage, tenant: uuid.UUID) -> None:
    await storage.put(tenant, "exact.txt", b"x" * MAX_BYTES, "text/plain")  # the limit itself

    with pytest.raises(ObjectTooLarge) as info:
        await storage.put(tenant, "big.txt", b"x" * (MAX_BYTES + 1), "text/plain")

    assert info.value.status == 413
    assert f"{MAX_BYTES + 1:,}" in str(info.value) and f"{MAX_BYTES:,}" in str(info.value)
    assert not await storage.exists(tenant, "big.txt")


async def test_too_large_does_not_overwrite(storage: Storage, tenant: uuid.UUID) -> None:
    await storage.put(tenant, "keep.txt", b"old", "text/plain")

    with pytest.raises(ObjectTooLarge):
        await storage.put(tenant, "keep.txt", b"x" * (MAX_BYTES + 1), "text/plain")

    assert await storage.get(tenant, "keep.txt") == b"old"


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "application/octet-stream", "", "  ", "text/plain\r\nX-Evil: 1", "text/plän"],
)
async def test_content_type_is_rejected_and_nothing_written(
    storage: Storage, tenant: uuid.UUID, content_type: str
) -> None:
    with pytest.raises(UnsupportedContentType) as info:
        await storage.put(tenant, "page.html", b"<script>", content_type)

    assert info.value.status == 415
    assert "text/plain, application/pdf, text/csv" in str(info.value)
    assert not await storage.exists(tenant, "page.html")


async def test_content_type_parameters_and_case_are_tolerated(storage: Storage, tenant: uuid.UUID) -> None:
    stored = await storage.put(tenant, "a.csv", b"1", "Text/CSV; charset=utf-8")
    assert stored.content_type == "text/csv; charset=utf-8"  # the type the content was checked to be


BAD_KEYS = [
    "",
    "/etc/passwd",
    "..",
    "../other-tenant/x",
    "a/../../b",
    "a/..",
    "./a",
    "a/./b",
    "a//b",
    "a/",
    "a\\b",
    "..\\..\\x",
    "a\x00b",
    "a\nb",
    "a\rb",
    "\tx",
    "a\x7fb",
    "a\x85b",
    "a\ud800b",
    "x" * (MAX_KEY_CHARS + 1),
    "清" * 300,  # 300 characters but 900 UTF-8 bytes in one segment
    "/".join(["清单" * 40] * 5),  # under 512 characters, but over S3's 1024-byte name limit
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=range(len(BAD_KEYS)))
async def test_bad_keys_are_rejected(storage: Storage, tenant: uuid.UUID, key: str) -> None:
    with pytest.raises(InvalidObject) as info:
        await storage.put(tenant, key, b"x", "text/plain")
    assert info.value.status == 422
    assert "invalid object key" in str(info.value)

    for call in (
        storage.get(tenant, key),
        storage.exists(tenant, key),
        storage.delete(tenant, key),
        storage.download_url(tenant, key),
    ):
        with pytest.raises(InvalidObject):
            await call


async def test_longest_allowed_key(storage: Storage, tenant: uuid.UUID) -> None:
    key = "/".join(["k" * 127] * 4)
    assert len(key) == 511
    key += "x"
    assert len(key) == MAX_KEY_CHARS

    await storage.put(tenant, key, b"long", "text/plain")
    assert await storage.get(tenant, key) == b"long"


async def test_download_url_downloads_the_bytes(storage: Storage, tenant: uuid.UUID, http: httpx.AsyncClient) -> None:
    await storage.put(tenant, CHINESE_KEY, CHINESE_TEXT, "text/plain")

    url = await storage.download_url(tenant, CHINESE_KEY)

    assert await fetch(storage, http, url) == CHINESE_TEXT


async def test_download_url_of_other_tenant_key_gives_own_object(storage: Storage, http: httpx.AsyncClient) -> None:
    tenant_a, tenant_b = uuid.uuid4(), uuid.uuid4()
    await storage.put(tenant_b, "x.txt", b"B", "text/plain")

    url = await storage.download_url(tenant_a, "x.txt")

    with pytest.raises(ObjectNotFound):
        await fetch(storage, http, url)


@pytest.mark.parametrize("expires", [datetime.timedelta(0), datetime.timedelta(days=8)])
async def test_download_url_expiry_bounds(storage: Storage, tenant: uuid.UUID, expires: datetime.timedelta) -> None:
    with pytest.raises(ValueError, match="expires"):
        await storage.download_url(tenant, "a.txt", expires)


async def test_tenant_must_be_a_uuid(storage: Storage) -> None:
    with pytest.raises(TypeError):
        await storage.get("../x", "a.txt")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- local only


@pytest.fixture
def local(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path, SECRET, BASE_URL, max_bytes=MAX_BYTES, content_types=CONTENT_TYPES)


async def test_local_layout_and_no_temp_files_left(local: LocalStorage, tenant: uuid.UUID) -> None:
    await local.put(tenant, CHINESE_KEY, CHINESE_TEXT, "text/plain")
    await local.put(tenant, CHINESE_KEY, CHINESE_TEXT + b"!", "text/plain")
    with pytest.raises(ObjectTooLarge):
        await local.put(tenant, "big.txt", b"x" * (MAX_BYTES + 1), "text/plain")

    expected = local.root / "objects" / "tenants" / str(tenant) / Path(*CHINESE_KEY.split("/"))
    kept_type = local.root / "objects" / ".types" / "tenants" / str(tenant) / Path(*CHINESE_KEY.split("/"))
    assert _local_files(local.root) == sorted([expected, kept_type])
    assert kept_type.read_text() == "text/plain; charset=utf-8"
    assert expected.read_bytes() == CHINESE_TEXT + b"!"
    assert object_name(tenant, CHINESE_KEY) == f"tenants/{tenant}/{CHINESE_KEY}"


async def test_local_object_and_prefix_conflict(local: LocalStorage, tenant: uuid.UUID) -> None:
    await local.put(tenant, "a", b"file", "text/plain")
    with pytest.raises(InvalidObject, match="cannot store key 'a/b'"):
        await local.put(tenant, "a/b", b"x", "text/plain")

    await local.put(tenant, "c/d", b"x", "text/plain")
    with pytest.raises(InvalidObject, match="cannot store key 'c'"):
        await local.put(tenant, "c", b"x", "text/plain")

    assert await local.get(tenant, "a") == b"file"
    assert await local.get(tenant, "c/d") == b"x"
    assert not await local.exists(tenant, "a/b")
    assert _local_files(local.root / "objects" / ".tmp") == []


async def test_local_concurrent_writers_leave_one_whole_version(local: LocalStorage, tenant: uuid.UUID) -> None:
    versions = [bytes([65 + i]) * MAX_BYTES for i in range(8)]
    await asyncio.gather(*(local.put(tenant, "same.txt", v, "text/plain") for v in versions))

    assert await local.get(tenant, "same.txt") in versions


async def test_local_url_and_token(local: LocalStorage, tenant: uuid.UUID) -> None:
    before = datetime.datetime.now(UTC)
    url = await local.download_url(tenant, CHINESE_KEY, datetime.timedelta(minutes=5))

    assert url.startswith(f"{BASE_URL}/files/")
    token = url.removeprefix(f"{BASE_URL}/files/")
    assert httpx.URL(url).path == f"/files/{token}"  # nothing in the token needs escaping
    assert verify_download(SECRET, token) == (tenant, CHINESE_KEY)
    # valid until the requested expiry, expired right after it
    assert verify_download(SECRET, token, now=before + datetime.timedelta(minutes=4, seconds=59))
    with pytest.raises(LinkExpired) as info:
        verify_download(SECRET, token, now=before + datetime.timedelta(minutes=5, seconds=2))
    assert info.value.status == 410
    assert isinstance(info.value, ObjectNotFound)


def test_expired_token_is_rejected(tenant: uuid.UUID) -> None:
    past = datetime.datetime.now(UTC) - datetime.timedelta(seconds=1)
    token = sign_download(SECRET, tenant, "a.txt", past)

    with pytest.raises(LinkExpired, match="expired"):
        verify_download(SECRET, token)


def _tampered(token: str) -> list[str]:
    payload, mac = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    def change(text: str, i: int, bit: int = 32) -> str:
        """Flip one bit of the 6 that character ``i`` of a base64 text encodes."""
        return text[:i] + alphabet[alphabet.index(text[i]) ^ bit] + text[i + 1 :]

    other_key = sign_download(SECRET, uuid.uuid4(), "a.txt", datetime.datetime.now(UTC))
    return [
        change(payload, 0) + "." + mac,
        change(payload, len(payload) // 2) + "." + mac,
        change(payload, len(payload) - 1) + "." + mac,
        payload + "." + change(mac, 0),
        payload + "." + change(mac, len(mac) - 1),
        # A 32-byte MAC is 43 characters, whose last 2 bits are padding: the decoded bytes are
        # unchanged, so only the canonical-spelling check catches this edit.
        payload + "." + change(mac, len(mac) - 1, bit=1),
        payload + "." + mac[:-1],
        payload + "A." + mac,
        payload + "." + mac + "=",
        payload + "=." + mac,
        payload + "." + mac + ".x",
        payload + "." + other_key.split(".")[1],
        other_key.split(".")[0] + "." + mac,
        payload,
        "",
        ".",
        "清单.清单",
        "a b.c",
    ]


def test_tampered_tokens_are_rejected(tenant: uuid.UUID) -> None:
    future = datetime.datetime.now(UTC) + datetime.timedelta(hours=1)
    token = sign_download(SECRET, tenant, "exports/清单.xlsx", future)
    assert verify_download(SECRET, token) == (tenant, "exports/清单.xlsx")

    for bad in _tampered(token):
        with pytest.raises(InvalidObject) as info:
            verify_download(SECRET, bad)
        assert not isinstance(info.value, LinkExpired), bad
        assert info.value.status == 422

    with pytest.raises(InvalidObject):
        verify_download("another-secret", token)


def test_expired_and_tampered_is_invalid_not_expired(tenant: uuid.UUID) -> None:
    """A forged token must not learn whether its expiry passed: signature first."""
    past = datetime.datetime.now(UTC) - datetime.timedelta(hours=1)
    token = sign_download("someone-elses-secret", tenant, "a.txt", past)

    with pytest.raises(InvalidObject) as info:
        verify_download(SECRET, token)
    assert not isinstance(info.value, LinkExpired)


def test_sign_download_refuses_bad_input(tenant: uuid.UUID) -> None:
    future = datetime.datetime.now(UTC) + datetime.timedelta(hours=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_download(SECRET, tenant, "a.txt", datetime.datetime.now())
    with pytest.raises(ValueError, match="empty secret"):
        sign_download("", tenant, "a.txt", future)
    with pytest.raises(InvalidObject):
        sign_download(SECRET, tenant, "../a.txt", future)
    with pytest.raises(TypeError):
        sign_download(SECRET, str(tenant), "a.txt", future)  # type: ignore[arg-type]


def test_validate_key_messages() -> None:
    assert validate_key("清单/a.txt") == "清单/a.txt"
    with pytest.raises(InvalidObject, match=r"'\.\.' segment"):
        validate_key("a/../b")
    with pytest.raises(InvalidObject, match="U\\+0000"):
        validate_key("a\x00")
    with pytest.raises(InvalidObject, match=f"at most {MAX_KEY_CHARS}"):
        validate_key("x" * 600)
    with pytest.raises(InvalidObject, match=f"at most {MAX_KEY_BYTES}"):
        validate_key("/".join(["清单" * 40] * 5))


def test_exceptions_share_a_base_with_statuses() -> None:
    statuses = {
        ObjectNotFound: 404,
        LinkExpired: 410,
        ObjectTooLarge: 413,
        UnsupportedContentType: 415,
        InvalidObject: 422,
    }
    for cls, status in statuses.items():
        assert issubclass(cls, StorageError)
        assert cls.status == status
        assert cls("why").message == "why"


# --------------------------------------------------------------------------- S3 only


async def test_s3_creates_missing_bucket_once(s3_endpoint: str, tenant: uuid.UUID) -> None:
    bucket = f"qingdan-fresh-{uuid.uuid4().hex[:12]}"
    raw = _raw_client(s3_endpoint)
    assert not raw.bucket_exists(bucket)
    storage = _s3(s3_endpoint, bucket)

    # concurrent first use: the lock must turn this into a single creation without errors
    await asyncio.gather(*(storage.put(tenant, f"f{i}.txt", b"%d" % i, "text/plain") for i in range(6)))

    assert raw.bucket_exists(bucket)
    names = {o.object_name for o in raw.list_objects(bucket, prefix="tenants/", recursive=True)}
    assert names == {f"tenants/{tenant}/f{i}.txt" for i in range(6)}
    stat = raw.stat_object(bucket, f"tenants/{tenant}/f0.txt")
    assert stat.content_type == "text/plain; charset=utf-8"


async def test_s3_existing_bucket_is_reused(s3_endpoint: str, tenant: uuid.UUID) -> None:
    bucket = f"qingdan-pre-{uuid.uuid4().hex[:12]}"
    raw = _raw_client(s3_endpoint)
    raw.make_bucket(bucket)
    raw.put_object(bucket, f"tenants/{tenant}/old.txt", io.BytesIO(b"old"), 3)

    storage = _s3(s3_endpoint, bucket)

    assert await storage.get(tenant, "old.txt") == b"old"


async def test_s3_endpoint_may_be_a_url(s3_endpoint: str, tenant: uuid.UUID) -> None:
    storage = S3Storage(
        f"http://{s3_endpoint}/", ACCESS_KEY, S3_SECRET, BUCKET, None, True
    )  # the scheme wins over secure=True; no region: the client asks the server

    await storage.put(tenant, "u.txt", b"url", "text/plain")
    assert await storage.get(tenant, "u.txt") == b"url"
    assert (await storage.download_url(tenant, "u.txt")).startswith(f"http://{s3_endpoint}/")


async def test_s3_download_url_of_deleted_object(s3_endpoint: str, tenant: uuid.UUID, http: httpx.AsyncClient) -> None:
    storage = _s3(s3_endpoint)
    await storage.put(tenant, "gone.txt", b"x", "text/plain")
    url = await storage.download_url(tenant, "gone.txt")
    await storage.delete(tenant, "gone.txt")

    assert (await http.get(url)).status_code == 404


# --------------------------------------------------------------------------- factory


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("QINGDAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("QINGDAN_SECRET_KEY", SECRET)
    monkeypatch.setenv("QINGDAN_STORAGE_MAX_BYTES", "10")
    monkeypatch.setenv("QINGDAN_STORAGE_CONTENT_TYPES", "text/plain")
    return monkeypatch


async def test_make_storage_local(clean_env: pytest.MonkeyPatch, tmp_path: Path, tenant: uuid.UUID) -> None:
    settings = load_settings(tmp_path)
    storage = make_storage(settings)

    assert isinstance(storage, LocalStorage)
    await storage.put(tenant, "a.txt", b"0123456789", "text/plain")
    assert (tmp_path / "objects" / "tenants" / str(tenant) / "a.txt").read_bytes() == b"0123456789"
    with pytest.raises(ObjectTooLarge):
        await storage.put(tenant, "b.txt", b"0123456789!", "text/plain")
    with pytest.raises(UnsupportedContentType):
        await storage.put(tenant, "c.pdf", b"%PDF", "application/pdf")
    url = await storage.download_url(tenant, "a.txt")
    assert url.startswith(settings.public_base_url + "/files/")
    token = url.rsplit("/", 1)[1]
    assert verify_download(settings.secret_key, token) == (tenant, "a.txt")


async def test_make_storage_s3(
    clean_env: pytest.MonkeyPatch,
    tmp_path: Path,
    s3_endpoint: str,
    tenant: uuid.UUID,
    http: httpx.AsyncClient,
) -> None:
    env: dict[str, Any] = {
        "QINGDAN_STORAGE": "s3",
        "QINGDAN_S3_ENDPOINT": s3_endpoint,
        "QINGDAN_S3_ACCESS_KEY": ACCESS_KEY,
        "QINGDAN_S3_SECRET_KEY": S3_SECRET,
        "QINGDAN_S3_BUCKET": f"qingdan-factory-{uuid.uuid4().hex[:8]}",
        "QINGDAN_S3_REGION": "us-east-1",
        "QINGDAN_S3_SECURE": "false",
    }
    for name, value in env.items():
        clean_env.setenv(name, value)
    storage = make_storage(load_settings(tmp_path))

    assert isinstance(storage, S3Storage)
    await storage.put(tenant, "a.txt", b"0123456789", "text/plain")
    with pytest.raises(ObjectTooLarge):
        await storage.put(tenant, "b.txt", b"0123456789!", "text/plain")
    assert await fetch(storage, http, await storage.download_url(tenant, "a.txt")) == b"0123456789"
    assert not any((tmp_path / "objects").glob("*"))


def test_make_storage_refuses_unknown_backend(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    with pytest.raises(ValueError, match="unknown storage backend"):
        make_storage(dataclasses.replace(settings, storage_backend="ftp"))
    with pytest.raises(ValueError, match=r"settings\.s3"):
        make_storage(dataclasses.replace(settings, storage_backend="s3", s3=None))
