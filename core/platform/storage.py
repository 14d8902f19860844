"""The one object-storage interface of Qingdan (attachments, exports, imported spreadsheets).

Two backends sit behind :class:`Storage`: :class:`LocalStorage` so that ``qingdan demo`` needs
nothing but a directory, and :class:`S3Storage` for MinIO or any S3-protocol server in
production. Callers never see a bucket or a path, only ``(tenant_id, key)``: the tenant prefix
is added here, in one place, so no code path can read or write across tenants by building a
name itself.

Everything security-relevant (key validation, the tenant prefix, the upload limits) lives in
the concrete methods of :class:`Storage`; backends only implement the ``_``-prefixed hooks,
which receive an already checked object name. A new backend therefore cannot forget a check.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime
import functools
import hashlib
import hmac
import io
import math
import os
import re
import tempfile
import unicodedata
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlsplit

import anyio.to_thread

from core.platform import content_check
from core.platform.messages import EN, Text
from core.platform.settings import DEFAULT_CONTENT_TYPES

if TYPE_CHECKING:
    from minio import Minio
    from minio.helpers import DictType

    from core.platform.settings import Settings

__all__ = [
    "MAX_EXPIRES",
    "MAX_KEY_BYTES",
    "MAX_KEY_CHARS",
    "MAX_SEGMENT_BYTES",
    "ContentMismatch",
    "InvalidObject",
    "LinkExpired",
    "LocalStorage",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectTooLarge",
    "S3Storage",
    "Storage",
    "StorageError",
    "StoredObject",
    "UnsupportedContentType",
    "disposition",
    "make_storage",
    "object_name",
    "sign_download",
    "validate_key",
    "verify_download",
]

MAX_KEY_CHARS = 512
"""Longest key a caller may use, in characters."""

TENANT_PREFIX_BYTES = len("tenants/") + 36 + 1
MAX_KEY_BYTES = 1024 - TENANT_PREFIX_BYTES
"""S3 caps a whole object name at 1024 UTF-8 bytes, and the tenant prefix takes 45 of them; a
512-character Chinese key (1536 bytes) would pass a character count and then fail on S3 only."""

MAX_SEGMENT_BYTES = 255
"""A key segment becomes a file or directory name in :class:`LocalStorage`, and common
filesystems (ext4, XFS, APFS) refuse names longer than 255 bytes. Enforced for every backend so
that a key accepted in production (S3) is also accepted by the demo (local) and vice versa."""

MAX_EXPIRES = datetime.timedelta(days=7)
"""S3 (SigV4) presigned URLs cannot live longer than seven days; the same cap applies to local
links so both backends accept the same arguments."""

T = TypeVar("T")

DEFAULT_EXPIRES = datetime.timedelta(hours=1)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


# --------------------------------------------------------------------------- errors


class StorageError(Exception):
    """Base of every error raised by this module.

    ``status`` is the HTTP status the error stands for, so that ``core/platform/errors.py`` can map the
    whole family in one place; the message is written for the person who sent the request.
    """

    status: int = 500

    def __init__(self, message: str | Text, text: Text | None = None) -> None:
        if isinstance(message, Text):  # catalogued: its English is the message
            text, message = message, message.render(EN)
        super().__init__(message)
        self.message = message
        #: The message catalogued (:mod:`core.platform.messages`), for a person in the language
        #: they ask; ``message`` stays the English of logs and machine clients.
        self.text = text


class ObjectNotFound(StorageError):
    """No object under that key for this tenant (including: it belongs to another tenant)."""

    status = 404


class LinkExpired(ObjectNotFound):
    """A download link was genuine but is past its expiry.

    A subclass of :class:`ObjectNotFound` because, for the caller, the object is no longer
    reachable through that link; the distinct status (410 Gone) tells the user to ask for a
    fresh link instead of assuming the file was deleted.
    """

    status = 410


class ObjectTooLarge(StorageError):
    """The upload is larger than ``settings.storage_max_bytes``."""

    status = 413


class UnsupportedContentType(StorageError):
    """The upload's content type is not in ``settings.storage_content_types``."""

    status = 415


class InvalidObject(StorageError):
    """A key (or a download link) is malformed or cannot be stored."""

    status = 422


class ContentMismatch(StorageError):
    """The bytes are not what the declared content type says (:mod:`core.platform.content_check`);
    the message names what they are."""

    status = 422


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What :meth:`Storage.put` stored.

    ``sha256`` (hex) rather than the S3 ETag, because an ETag is an MD5 only for single-part
    uploads and local files have none; a content hash means the same thing on both backends
    and lets callers detect duplicates or verify downloads.
    """

    key: str
    size: int
    content_type: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What :meth:`Storage.stat` and :meth:`Storage.list_objects` know of a stored object.

    ``content_type`` is the type checked when it was stored (``None`` in listings, and for
    local objects stored before types were kept); ``modified`` is when it was last written.
    """

    key: str
    size: int
    modified: datetime.datetime
    content_type: str | None = None


# --------------------------------------------------------------------------- keys


def _key_problem(key: object) -> Text | None:
    """Return why ``key`` is unacceptable, or ``None`` if it is fine."""
    if not isinstance(key, str):
        return Text("storage.key-not-text", type=type(key).__name__)
    if not key:
        return Text("storage.key-empty")
    if len(key) > MAX_KEY_CHARS:
        return Text("storage.key-too-long", length=len(key), limit=MAX_KEY_CHARS)
    for ch in key:
        category = unicodedata.category(ch)
        if category == "Cc":
            return Text("storage.key-control", char=f"U+{ord(ch):04X}")
        if category == "Cs":
            # A lone surrogate cannot be encoded as UTF-8, so it can name neither a file nor
            # an S3 object.
            return Text("storage.key-surrogate", char=f"U+{ord(ch):04X}")
    if "\\" in key:
        return Text("storage.key-backslash")
    if key.startswith("/"):
        return Text("storage.key-absolute")
    encoded = len(key.encode("utf-8"))
    if encoded > MAX_KEY_BYTES:
        return Text("storage.key-too-many-bytes", size=encoded, limit=MAX_KEY_BYTES)
    for segment in key.split("/"):
        if segment == "..":
            return Text("storage.key-dotdot")
        if segment == ".":
            # 'a/./b' and 'a/b' would be one file locally but two objects on S3.
            return Text("storage.key-dot")
        if segment == "":
            # Same reason: 'a//b' and a trailing '/' collapse on a filesystem.
            return Text("storage.key-empty-segment")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            return Text("storage.key-long-segment", limit=MAX_SEGMENT_BYTES, chars=MAX_SEGMENT_BYTES // 3)
    return None


def _shown(key: object) -> str:
    """``repr`` of a key, shortened: an error message must stay readable for a 10 kB key (the
    problem itself gives a length that matters; the quote needs no words, so reads in any language)."""
    text = repr(key)
    return text if len(text) <= 80 else f"{text[:60]}…{text[-10:]}"


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is acceptable, otherwise raise :class:`InvalidObject`.

    Keys become filesystem paths in :class:`LocalStorage`, so anything that could climb out of
    the tenant's directory or mean different things on the two backends is refused rather
    than normalised: silently rewriting a key would let two different keys alias one object.
    """
    problem = _key_problem(key)
    if problem is not None:
        raise InvalidObject(Text("storage.bad-key", name=_shown(key), problem=problem))
    return key


def _check_tenant(tenant_id: uuid.UUID) -> uuid.UUID:
    # The prefix is built from str(UUID), which is always canonical; accepting arbitrary
    # strings here would let a caller smuggle '../other' into the prefix.
    if not isinstance(tenant_id, uuid.UUID):
        raise TypeError(f"tenant_id must be a uuid.UUID, not {type(tenant_id).__name__}")
    return tenant_id


def object_name(tenant_id: uuid.UUID, key: str) -> str:
    """The backend-side name of ``key``: ``tenants/<tenant uuid>/<key>``.

    Exposed for operators' tooling (backups, migrations); application code should only ever
    pass ``(tenant_id, key)`` to a :class:`Storage`.
    """
    return f"tenants/{_check_tenant(tenant_id)}/{validate_key(key)}"


# --------------------------------------------------------------------------- content types


def _media_type(content_type: str) -> str:
    """``'Text/Plain; charset=utf-8'`` → ``'text/plain'``: parameters do not change the type."""
    return content_type.split(";", 1)[0].strip().lower()


def _check_expires(expires: datetime.timedelta) -> None:
    if not isinstance(expires, datetime.timedelta):
        raise TypeError(f"expires must be a datetime.timedelta, not {type(expires).__name__}")
    if expires <= datetime.timedelta(0) or expires > MAX_EXPIRES:
        raise ValueError(f"expires must be more than 0 and at most {MAX_EXPIRES}, got {expires}")


# --------------------------------------------------------------------------- interface


class Storage(ABC):
    """Tenant-scoped object storage.

    Subclasses implement the ``_put``/``_get``/``_delete``/``_exists``/``_download_url`` hooks;
    the public methods validate first and pass on the full object name, so validation, the
    tenant prefix and the upload limits are identical for every backend.
    """

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        content_types: Iterable[str] = DEFAULT_CONTENT_TYPES,
    ) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must not be negative, got {max_bytes}")
        self.max_bytes = max_bytes
        self.content_types: tuple[str, ...] = tuple(dict.fromkeys(_media_type(t) for t in content_types if t.strip()))

    # -- public API ------------------------------------------------------------

    async def put(self, tenant_id: uuid.UUID, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store ``data`` under ``key``, replacing any previous object.

        All limits are checked before a byte is written, so a refused upload leaves nothing
        behind (and does not overwrite an existing object).
        """
        name = object_name(tenant_id, key)
        content_type = self._check_content_type(content_type)
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) > self.max_bytes:
            raise ObjectTooLarge(
                f"the object is {len(data):,} bytes; at most {self.max_bytes:,} bytes "
                f"({_human_size(self.max_bytes)}) are accepted",
                Text("storage.too-large", size=len(data), limit=self.max_bytes, human=_human_size(self.max_bytes)),
            )
        return await self._put(name, key, data, self.verify_content(content_type, data))

    def verify_content(self, content_type: str, data: bytes) -> str:
        """The content type ``data`` is stored and served under: the declared type (which must
        be allowed) as checked against the bytes themselves, never against a file name.

        Raises :class:`UnsupportedContentType` (415) for a type outside the allow-list and
        :class:`ContentMismatch` (422, naming what the bytes are) when they are something else.
        Called by :meth:`put` for every object; callers may call it first to refuse early.
        """
        media = _media_type(self._check_content_type(content_type))
        try:
            return content_check.verify(media, data, self.content_types)
        except content_check.ContentProblem as exc:
            raise ContentMismatch(exc.text) from None

    async def get(self, tenant_id: uuid.UUID, key: str) -> bytes:
        """Return the object's bytes; raise :class:`ObjectNotFound` if there is none."""
        return await self._get(object_name(tenant_id, key), key)

    async def delete(self, tenant_id: uuid.UUID, key: str) -> None:
        """Remove the object. Deleting a missing object is not an error, so retries are safe."""
        await self._delete(object_name(tenant_id, key))

    async def exists(self, tenant_id: uuid.UUID, key: str) -> bool:
        """Whether the tenant has an object under ``key``."""
        return await self._exists(object_name(tenant_id, key))

    async def stat(self, tenant_id: uuid.UUID, key: str) -> ObjectInfo:
        """Size, checked content type and last write of the object; :class:`ObjectNotFound` if none."""
        return await self._stat_object(object_name(tenant_id, key), key)

    async def list_objects(self, tenant_id: uuid.UUID, prefix: str, *, limit: int = 1000) -> list[ObjectInfo]:
        """Up to ``limit`` of the tenant's objects whose keys start with ``prefix/`` (any depth).

        For housekeeping (the export sweep); the order is the backend's. ``prefix`` is a key
        itself ('exports', 'calls/<id>'), so it cannot reach outside the tenant's space.
        """
        if limit < 1:
            raise ValueError(f"limit must be positive, got {limit}")
        name = object_name(tenant_id, prefix)
        start = len(f"tenants/{tenant_id}/")
        return [
            ObjectInfo(found[start:], size, modified) for found, size, modified in await self._list(name + "/", limit)
        ]

    async def download_url(
        self,
        tenant_id: uuid.UUID,
        key: str,
        expires: datetime.timedelta = DEFAULT_EXPIRES,
    ) -> str:
        """A link that lets whoever holds it download the object until ``expires`` has passed.

        Downloads go through presigned links rather than through the API so that large files
        do not tie up an application worker. The object's existence is not checked here: a link
        is a capability, and a missing object is reported when the link is used.
        """
        name = object_name(tenant_id, key)
        _check_expires(expires)
        return await self._download_url(name, tenant_id, key, expires)

    # -- backend hooks ---------------------------------------------------------

    @abstractmethod
    async def _put(self, name: str, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store checked ``data`` under the full object ``name``."""

    @abstractmethod
    async def _get(self, name: str, key: str) -> bytes:
        """Read ``name``; raise :class:`ObjectNotFound` (mentioning ``key``) if missing."""

    @abstractmethod
    async def _delete(self, name: str) -> None:
        """Remove ``name`` if present."""

    @abstractmethod
    async def _exists(self, name: str) -> bool:
        """Whether ``name`` is present."""

    @abstractmethod
    async def _download_url(self, name: str, tenant_id: uuid.UUID, key: str, expires: datetime.timedelta) -> str:
        """A presigned link to ``name``."""

    @abstractmethod
    async def _stat_object(self, name: str, key: str) -> ObjectInfo:
        """``name``'s :class:`ObjectInfo`; raise :class:`ObjectNotFound` (mentioning ``key``)."""

    @abstractmethod
    async def _list(self, prefix: str, limit: int) -> list[tuple[str, int, datetime.datetime]]:
        """Up to ``limit`` (full name, size, last write) of the objects under ``prefix``."""

    # -- helpers ---------------------------------------------------------------

    def _check_content_type(self, content_type: str) -> str:
        allowed = ", ".join(self.content_types) or "none"
        if not isinstance(content_type, str) or not content_type.strip():
            raise UnsupportedContentType(
                f"a content type is required; allowed: {allowed}", Text("storage.type-required", allowed=allowed)
            )
        content_type = content_type.strip()
        # The value ends up in an HTTP header (S3 metadata, the download response), so only
        # printable ASCII may pass, whatever the media type says.
        if not content_type.isascii() or any(not ch.isprintable() for ch in content_type):
            raise UnsupportedContentType(
                f"content type {content_type!r} contains characters not allowed in an HTTP header; allowed: {allowed}",
                Text("storage.type-not-accepted", content_type=repr(content_type), allowed=allowed),
            )
        if _media_type(content_type) not in self.content_types:
            raise UnsupportedContentType(
                f"content type {_media_type(content_type)!r} is not accepted; allowed: {allowed}",
                Text("storage.type-not-accepted", content_type=repr(_media_type(content_type)), allowed=allowed),
            )
        return content_type


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _not_found(key: str) -> ObjectNotFound:
    return ObjectNotFound(f"there is no object with key {key!r}", Text("storage.no-object", name=repr(key)))


def disposition(key: str, content_type: str | None) -> str:
    """``Content-Disposition`` of a download: inline only for types no script can run in
    (:data:`core.platform.content_check.INLINE_TYPES`), an attachment otherwise; the file name is the
    key's last segment."""
    kind = "inline" if content_type and _media_type(content_type) in content_check.INLINE_TYPES else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(key.rsplit('/', 1)[-1], safe='')}"


# --------------------------------------------------------------------------- signed links

_TOKEN_VERSION = 1
_TOKEN_PURPOSE = b"qingdan.storage.download.v1\x00"
_TOKEN_PART = re.compile(r"[A-Za-z0-9_-]+")
_HEADER_BYTES = 1 + 16 + 8  # version, tenant UUID, expiry (unix seconds, big-endian)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict URL-safe base64 without padding.

    The stdlib decoder skips unknown characters and ignores the unused low bits of the last
    character, so several strings decode to the same bytes; re-encoding and comparing makes
    every token have exactly one spelling, so any edit to a token is detected.
    """
    if not _TOKEN_PART.fullmatch(text):
        raise ValueError("not URL-safe base64")
    raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64encode(raw) != text:
        raise ValueError("non-canonical base64")
    return raw


def _mac(secret: str, payload: bytes) -> bytes:
    if not secret:
        raise ValueError("refusing to sign or verify download links with an empty secret")
    # The purpose prefix keeps a MAC made with the same secret for another feature (sessions,
    # API keys, ...) from ever being accepted as a download link.
    return hmac.new(secret.encode("utf-8"), _TOKEN_PURPOSE + payload, hashlib.sha256).digest()


def sign_download(secret: str, tenant_id: uuid.UUID, key: str, expires_at: datetime.datetime) -> str:
    """A URL-safe token granting a download of ``key`` of ``tenant_id`` until ``expires_at``.

    Self-contained (no server-side table of links) so that issuing a link costs nothing and
    any worker can verify it; the price is that a link cannot be revoked before it expires,
    which is why links are short-lived. ``expires_at`` must be timezone-aware, since a naive
    time would silently mean the server's local time.
    """
    _check_tenant(tenant_id)
    validate_key(key)
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        raise ValueError("expires_at must be timezone-aware (e.g. datetime.now(UTC) + delta)")
    # Rounded up so a link is never shorter-lived than asked for.
    expiry = math.ceil(expires_at.timestamp())
    if not 0 <= expiry < 2**63:
        raise ValueError(f"expires_at {expires_at.isoformat()} is out of range")
    payload = bytes([_TOKEN_VERSION]) + tenant_id.bytes + expiry.to_bytes(8, "big") + key.encode("utf-8")
    return f"{_b64encode(payload)}.{_b64encode(_mac(secret, payload))}"


def verify_download(secret: str, token: str, *, now: datetime.datetime | None = None) -> tuple[uuid.UUID, str]:
    """Check a token from :func:`sign_download` and return ``(tenant_id, key)``.

    Raises :class:`InvalidObject` for anything not signed with ``secret`` (forged, edited,
    truncated) and :class:`LinkExpired` for a genuine token past its expiry. The signature is
    checked before anything else is interpreted, so an attacker learns nothing from the error.
    ``now`` exists for tests.
    """
    invalid = InvalidObject("the download link is invalid; ask for a new one", Text("storage.link-invalid"))
    if not isinstance(token, str) or token.count(".") != 1:
        raise invalid
    payload_text, mac_text = token.split(".")
    try:
        payload = _b64decode(payload_text)
        mac = _b64decode(mac_text)
    except (ValueError, binascii.Error):
        raise invalid from None
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise invalid
    if len(payload) <= _HEADER_BYTES or payload[0] != _TOKEN_VERSION:
        raise invalid
    tenant_id = uuid.UUID(bytes=payload[1:17])
    expiry = int.from_bytes(payload[17:25], "big")
    try:
        key = validate_key(payload[25:].decode("utf-8"))
    except (UnicodeDecodeError, InvalidObject):
        raise invalid from None
    current = (now or datetime.datetime.now(datetime.UTC)).timestamp()
    if current >= expiry:
        when = datetime.datetime.fromtimestamp(expiry, datetime.UTC).isoformat()
        raise LinkExpired(
            f"the download link expired at {when}; ask for a new one", Text("storage.link-expired", when=when)
        )
    return tenant_id, key


# --------------------------------------------------------------------------- local backend


class LocalStorage(Storage):
    """Objects as plain files under ``root/objects/tenants/<uuid>/<key>``.

    Meant for the demo and single-machine installs: readable with ``ls``, backed up with the
    rest of the data directory. Writes go to a temporary file that is renamed into place, so
    a reader never sees half a file and a crash never leaves a truncated object. Downloads are
    served by the application at ``/files/{token}`` (see :func:`verify_download`), since a
    filesystem cannot presign anything itself.

    One limit the S3 backend does not have: an object and keys beneath it cannot coexist
    (``a`` and ``a/b``), because ``a`` cannot be both a file and a directory. Such a ``put``
    raises :class:`InvalidObject`.

    A file has no content type, so the checked type of each object is kept in a small text
    file at the same path under ``root/objects/.types`` (beside ``tenants/``, like ``.tmp``, so
    it can never collide with a key); ``/files`` serves that type.
    """

    def __init__(
        self,
        root: Path,
        secret_key: str,
        public_base_url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        content_types: Iterable[str] = DEFAULT_CONTENT_TYPES,
    ) -> None:
        super().__init__(max_bytes=max_bytes, content_types=content_types)
        if not secret_key:
            raise ValueError("LocalStorage needs a non-empty secret_key to sign download links")
        self.root = Path(root)
        self.objects_dir = self.root / "objects"
        # Temporary files live beside tenants/ rather than beside the target, so that no
        # temporary name can ever be mistaken for (or collide with) a tenant's key, while
        # staying on the same filesystem so that os.replace is atomic.
        self._tmp_dir = self.objects_dir / ".tmp"
        self._types_dir = self.objects_dir / ".types"
        self._secret_key = secret_key
        self.public_base_url = public_base_url.rstrip("/")

    def _path(self, name: str) -> Path:
        return self.objects_dir.joinpath(*name.split("/"))

    def _type_path(self, name: str) -> Path:
        return self._types_dir.joinpath(*name.split("/"))

    async def _put(self, name: str, key: str, data: bytes, content_type: str) -> StoredObject:
        digest = await anyio.to_thread.run_sync(
            functools.partial(self._write_file, self._path(name), key, data, self._type_path(name), content_type)
        )
        return StoredObject(key=key, size=len(data), content_type=content_type, sha256=digest)

    def _write_type(self, path: Path, content_type: str) -> None:
        """The checked type beside the object (written first: a reader of the new object never
        sees the old type; a crash in between leaves a type for the old object, still a checked
        type of this key)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            return  # mirrors a conflict the object write reports
        fd, tmp = tempfile.mkstemp(dir=self._tmp_dir, prefix="type-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(content_type)
            os.replace(tmp, path)
        except (IsADirectoryError, NotADirectoryError, PermissionError):
            Path(tmp).unlink(missing_ok=True)  # the same conflict: the object write reports it
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _write_file(self, path: Path, key: str, data: bytes, type_path: Path, content_type: str) -> str:
        conflict = InvalidObject(Text("storage.key-conflict", name=_shown(key)))
        self._tmp_dir.mkdir(parents=True, exist_ok=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise conflict from None
        self._write_type(type_path, content_type)
        fd, tmp = tempfile.mkstemp(dir=self._tmp_dir, prefix="put-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                # Without fsync a power cut after the rename can leave an empty file under
                # the final name on some filesystems.
                os.fsync(fh.fileno())
            try:
                os.replace(tmp, path)
            except (IsADirectoryError, NotADirectoryError):
                raise conflict from None
            except PermissionError:
                # macOS reports replacing a directory as EPERM.
                if path.is_dir():
                    raise conflict from None
                raise
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return hashlib.sha256(data).hexdigest()

    async def _get(self, name: str, key: str) -> bytes:
        path = self._path(name)
        try:
            return await anyio.to_thread.run_sync(path.read_bytes)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise _not_found(key) from None
        except PermissionError:
            if await anyio.to_thread.run_sync(path.is_dir):
                raise _not_found(key) from None
            raise

    async def _delete(self, name: str) -> None:
        await anyio.to_thread.run_sync(self._unlink, self._path(name))
        await anyio.to_thread.run_sync(self._unlink, self._type_path(name))

    @staticmethod
    def _unlink(path: Path) -> None:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            pass
        except (IsADirectoryError, PermissionError):
            # A directory here means only longer keys exist under this prefix: nothing to do.
            if not path.is_dir():
                raise

    async def _exists(self, name: str) -> bool:
        return await anyio.to_thread.run_sync(self._path(name).is_file)

    async def _download_url(self, name: str, tenant_id: uuid.UUID, key: str, expires: datetime.timedelta) -> str:
        expires_at = datetime.datetime.now(datetime.UTC) + expires
        token = sign_download(self._secret_key, tenant_id, key, expires_at)
        return f"{self.public_base_url}/files/{token}"

    def _info(self, name: str, key: str) -> ObjectInfo:
        path = self._path(name)
        try:
            found = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise _not_found(key) from None
        if not path.is_file():
            raise _not_found(key)
        try:
            content_type: str | None = self._type_path(name).read_text(encoding="ascii").strip() or None
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError, UnicodeDecodeError):
            content_type = None
        modified = datetime.datetime.fromtimestamp(found.st_mtime, datetime.UTC)
        return ObjectInfo(key, found.st_size, modified, content_type)

    async def _stat_object(self, name: str, key: str) -> ObjectInfo:
        return await anyio.to_thread.run_sync(self._info, name, key)

    def _walk(self, prefix: str, limit: int) -> list[tuple[str, int, datetime.datetime]]:
        top = self._path(prefix.rstrip("/"))
        found: list[tuple[str, int, datetime.datetime]] = []
        for directory, _dirs, files in os.walk(top):
            for file in files:
                path = Path(directory, file)
                try:
                    stat = path.stat()
                except FileNotFoundError:  # deleted meanwhile
                    continue
                name = path.relative_to(self.objects_dir).as_posix()
                found.append((name, stat.st_size, datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC)))
                if len(found) >= limit:
                    return found
        return found

    async def _list(self, prefix: str, limit: int) -> list[tuple[str, int, datetime.datetime]]:
        return await anyio.to_thread.run_sync(self._walk, prefix, limit)


# --------------------------------------------------------------------------- S3 backend

_MISSING_CODES = frozenset({"NoSuchKey", "NotFound", "NoSuchObject", "ResourceNotFound"})


class S3Storage(Storage):
    """Objects in one bucket of an S3-protocol server (MinIO in production, moto in tests).

    The ``minio`` client is synchronous (urllib3), so every call runs in a worker thread to
    keep the event loop free; one client is shared because it owns the connection pool and
    is thread-safe. The bucket is created on first use rather than at start-up so that the
    application can boot while the object store is still coming up.
    """

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str | None = None,
        secure: bool = True,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        content_types: Iterable[str] = DEFAULT_CONTENT_TYPES,
    ) -> None:
        super().__init__(max_bytes=max_bytes, content_types=content_types)
        from minio import Minio  # imported here so the local backend works without it

        # Operators often write the endpoint as a URL; the minio client wants host[:port].
        # A scheme, when given, is what they meant, so it decides `secure`.
        if "://" in endpoint:
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"S3 endpoint {endpoint!r} is not host[:port] or an http(s) URL")
            if parts.path.strip("/"):
                raise ValueError(f"S3 endpoint {endpoint!r} must not contain a path")
            endpoint, secure = parts.netloc, parts.scheme == "https"
        self.bucket = bucket
        self.region = region
        self.client: Minio = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
        )
        self._bucket_ready = False
        self._bucket_lock = asyncio.Lock()

    async def _run(self, func: Callable[[], T]) -> T:
        await self._ensure_bucket()
        return await anyio.to_thread.run_sync(func)

    async def _ensure_bucket(self) -> None:
        """Create the bucket once per process, on first use.

        The lock makes concurrent first requests wait for one creation instead of racing to
        create it several times; after that the check is a plain attribute read.
        """
        if self._bucket_ready:
            return
        async with self._bucket_lock:
            if not self._bucket_ready:
                await anyio.to_thread.run_sync(self._create_bucket)
                self._bucket_ready = True

    def _create_bucket(self) -> None:
        from minio.error import S3Error

        if self.client.bucket_exists(self.bucket):
            return
        try:
            if self.region:
                self.client.make_bucket(self.bucket, location=self.region)
            else:
                self.client.make_bucket(self.bucket)
        except S3Error as exc:
            # Another process (a second worker) may have won the race.
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
            if not self.client.bucket_exists(self.bucket):
                raise

    async def _put(self, name: str, key: str, data: bytes, content_type: str) -> StoredObject:
        digest = hashlib.sha256(data).hexdigest()
        # Presigned downloads come straight from the object store, so what the browser should
        # do with the file (show an image, save anything else) is stored with the object.
        metadata: DictType = {"sha256": digest, "Content-Disposition": disposition(key, content_type)}
        await self._run(
            functools.partial(
                self.client.put_object,
                self.bucket,
                name,
                io.BytesIO(data),
                len(data),
                content_type=content_type,
                metadata=metadata,
            )
        )
        return StoredObject(key=key, size=len(data), content_type=content_type, sha256=digest)

    def _read(self, name: str, key: str) -> bytes:
        from minio.error import S3Error

        try:
            response = self.client.get_object(self.bucket, name)
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                raise _not_found(key) from None
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    async def _get(self, name: str, key: str) -> bytes:
        return await self._run(functools.partial(self._read, name, key))

    async def _delete(self, name: str) -> None:
        # S3 DELETE already succeeds for a missing key, which gives idempotence for free.
        await self._run(functools.partial(self.client.remove_object, self.bucket, name))

    def _stat(self, name: str) -> bool:
        from minio.error import S3Error

        try:
            self.client.stat_object(self.bucket, name)
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                return False
            raise
        return True

    async def _exists(self, name: str) -> bool:
        return await self._run(functools.partial(self._stat, name))

    def _info(self, name: str, key: str) -> ObjectInfo:
        from minio.error import S3Error

        try:
            found = self.client.stat_object(self.bucket, name)
        except S3Error as exc:
            if exc.code in _MISSING_CODES:
                raise _not_found(key) from None
            raise
        modified = found.last_modified or datetime.datetime.now(datetime.UTC)
        return ObjectInfo(key, found.size or 0, modified, found.content_type)

    async def _stat_object(self, name: str, key: str) -> ObjectInfo:
        return await self._run(functools.partial(self._info, name, key))

    def _listing(self, prefix: str, limit: int) -> list[tuple[str, int, datetime.datetime]]:
        found = []
        for entry in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
            if entry.object_name is None or entry.is_dir:
                continue
            modified = entry.last_modified or datetime.datetime.now(datetime.UTC)
            found.append((entry.object_name, entry.size or 0, modified))
            if len(found) >= limit:
                break
        return found

    async def _list(self, prefix: str, limit: int) -> list[tuple[str, int, datetime.datetime]]:
        return await self._run(functools.partial(self._listing, prefix, limit))

    async def _download_url(self, name: str, tenant_id: uuid.UUID, key: str, expires: datetime.timedelta) -> str:
        # In a thread although signing is local: without a configured region the client first
        # asks the server for the bucket's location.
        return await self._run(functools.partial(self.client.presigned_get_object, self.bucket, name, expires=expires))


# --------------------------------------------------------------------------- factory


def make_storage(settings: Settings) -> Storage:
    """The backend the settings ask for, with the upload limits from the settings.

    ``local`` keeps objects under ``settings.data_dir / "objects"`` (beside the embedded
    database), ``s3`` uses ``settings.s3``.
    """
    max_bytes, content_types = settings.storage_max_bytes, settings.storage_content_types
    if settings.storage_backend == "local":
        return LocalStorage(
            settings.data_dir,
            settings.secret_key,
            settings.public_base_url,
            max_bytes=max_bytes,
            content_types=content_types,
        )
    if settings.storage_backend == "s3":
        s3 = settings.s3
        if s3 is None:
            raise ValueError("storage_backend is 's3' but settings.s3 is not configured")
        return S3Storage(
            s3.endpoint,
            s3.access_key,
            s3.secret_key,
            s3.bucket,
            s3.region,
            s3.secure,
            max_bytes=max_bytes,
            content_types=content_types,
        )
    raise ValueError(f"unknown storage backend {settings.storage_backend!r}; use 'local' or 's3'")
