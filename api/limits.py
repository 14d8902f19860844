"""What one client may cost: rates per API key, failed authentications per address, and the
time a request may take to arrive (headers: the server protocol below; body: a middleware).

All limits hold per process (``qingdan serve --workers N`` allows N times the rates) and are
settings (``QINGDAN_RATE_LIMIT_PER_MINUTE``, ``QINGDAN_AUTH_FAILURES_PER_MINUTE``,
``QINGDAN_TRUSTED_PROXIES``, ``QINGDAN_HEADER_TIMEOUT``, ``QINGDAN_BODY_TIMEOUT``,
``QINGDAN_BODY_IDLE_TIMEOUT``).

**Rates.** Every request that carries a bearer token is counted against a token bucket:

- a token this process has seen authenticate (a *known* key) against its own bucket of
  ``rate_limit_per_minute`` (bursts up to a minute's worth);
- any other token — a first use, a typo, a guess — against its client address's bucket of
  ``auth_failures_per_minute``, taken before the request runs (so a burst of guesses sent at
  once is held to the budget too) and given back unless authentication failed (401); one per
  token in flight, so a client's first burst with its key (after a restart) is not refused.

So a client guessing keys gets 429 after ``auth_failures_per_minute`` tries a minute, before
its guesses reach the database, while known keys from the same address (a county office
behind one NAT) go on working. Requests without a token (the public portal, health checks,
signed download links) are not counted: they cost no key lookup, the portal is cached, and
citizens behind a carrier's NAT share an address. Both tables are bounded (the least
recently used entry goes first); an IPv6 client is counted by its /64 network.

**Body timeouts.** :func:`body_timeouts` wraps ``receive``: a request body that pauses longer
than ``body_idle_timeout`` between two chunks, or takes longer than ``body_timeout`` in all,
is answered 408 and the connection closed; the application sees the client disconnect. It is
the outermost middleware, so it also bounds the JSON guard's read in ``request_context``.

**Header timeouts** are the server's: :func:`http_protocol` is uvicorn's HTTP protocol with
:class:`HeaderDeadline`, which ``qingdan serve`` passes to uvicorn.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.errors import send_problem
from core.platform import messages
from core.platform.messages import Text
from core.platform.settings import Settings, load_settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools not installed: uvicorn serves with h11
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

#: Entries each table keeps at most (a few hundred bytes each).
TABLE_SIZE = 10_000
#: Set in the scope's state by the credential check (api/auth.py) once a key authenticated.
AUTHENTICATED = "qingdan.authenticated"


class Buckets:
    """Token buckets by key: ``capacity`` tokens, refilled at ``capacity`` a minute. O(1) a
    call; at most ``size`` keys are kept (a forgotten key starts again with a full bucket)."""

    def __init__(self, per_minute: int, size: int = TABLE_SIZE, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.size = size
        self.clock = clock
        self._buckets: OrderedDict[Any, list[float]] = OrderedDict()

    def __contains__(self, key: Any) -> bool:
        return key in self._buckets

    def __len__(self) -> int:
        return len(self._buckets)

    def add(self, key: Any) -> None:
        if key not in self._buckets:
            self._bucket(key)

    def forget(self, key: Any) -> None:
        self._buckets.pop(key, None)

    def take(self, key: Any) -> float:
        """Take a token: 0 if there was one, else the seconds until there is."""
        bucket = self._bucket(key)
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            return 0.0
        return (1.0 - bucket[0]) / self.rate

    def give_back(self, key: Any) -> None:
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket[0] = min(self.capacity, bucket[0] + 1.0)

    def _bucket(self, key: Any) -> list[float]:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [self.capacity, now]
            if len(self._buckets) > self.size:
                self._buckets.popitem(last=False)
            return bucket
        self._buckets.move_to_end(key)
        bucket[0] = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        return bucket


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return None


def _token(scope: Scope) -> bytes | None:
    """The bearer token's bytes, or None when the request carries none."""
    header = _header(scope, b"authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(b" ")
    token = token.strip()
    return token if scheme.lower() == b"bearer" and token else None


class ClientAddress:
    """The client's address: the peer's, or — when the peer is a trusted proxy — the last
    address in ``X-Forwarded-For`` that is not itself a trusted proxy."""

    def __init__(self, trusted: tuple[str, ...]) -> None:
        self.trusted = [ipaddress.ip_network(n) for n in trusted]

    def __call__(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = client[0] if client else ""
        if self.trusted and self._is_trusted(peer):
            forwarded = _header(scope, b"x-forwarded-for")
            hops = [h.strip() for h in forwarded.decode("latin-1").split(",")] if forwarded else []
            for hop in reversed(hops):
                if not self._is_trusted(hop):
                    peer = hop
                    break
        return _group(peer)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


def _group(address: str) -> str:
    """The unit one client controls: an IPv4 address, an IPv6 /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # not an address (a unix socket, a test client): as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


async def _too_many(scope: Scope, send: Send, wait: float, detail: Text) -> None:
    seconds = max(1, math.ceil(wait))
    await send_problem(
        scope,
        send,
        429,
        "too-many-requests",
        "Too many requests",
        Text("limits.try-again", why=detail, seconds=seconds),
        headers=[(b"retry-after", str(seconds).encode())],
    )


def rate_limits(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware that counts requests per key and failed authentications per address."""
    per_key = Buckets(settings.rate_limit_per_minute) if settings.rate_limit_per_minute > 0 else None
    known = per_key if per_key is not None else Buckets(1)  # the keys seen to authenticate
    failures = Buckets(settings.auth_failures_per_minute) if settings.auth_failures_per_minute > 0 else None
    address = ClientAddress(settings.trusted_proxies)
    checking: dict[bytes, int] = {}  # tokens not yet known, with their requests in flight
    key_rate = Text("limits.key-rate", limit=settings.rate_limit_per_minute)
    guess_rate = Text("limits.guess-rate", limit=settings.auth_failures_per_minute)

    def middleware(app: ASGIApp) -> ASGIApp:
        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            token = _token(scope) if scope["type"] == "http" else None
            if token is None:
                await app(scope, receive, send)
                return
            digest = hashlib.sha256(token).digest()
            if digest in known:
                if per_key is not None and (wait := per_key.take(digest)):
                    await _too_many(scope, send, wait, key_rate)
                    return
                status = await _run(app, scope, receive, send)
                if status == 401:  # revoked since: a failure like any other
                    known.forget(digest)
                    if failures is not None:
                        failures.take(address(scope))
                return
            # One reservation per token in flight: a client's first burst with its one key (after
            # a restart) is not a burst of guesses; the key lookup is shared too (tenants.keys).
            client = address(scope) if failures is not None else ""
            reserving = failures if digest not in checking else None
            if reserving is not None and (wait := reserving.take(client)):
                await _too_many(scope, send, wait, guess_rate)
                return
            checking[digest] = checking.get(digest, 0) + 1
            try:
                status = await _run(app, scope, receive, send)
            finally:
                if checking[digest] == 1:
                    del checking[digest]
                else:
                    checking[digest] -= 1
            if scope.get("state", {}).get(AUTHENTICATED):
                known.take(digest)  # known from now on; this request counts against its rate
            if reserving is not None and status != 401:
                reserving.give_back(client)

        return limited

    return middleware


async def _run(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> int:
    """Run the request; the response status (0 if none was sent)."""
    status = 0

    async def watch(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    scope.setdefault("state", {})
    await app(scope, receive, watch)
    return status


def mark_authenticated(scope: Scope) -> None:
    """Tell :func:`rate_limits` that this request's key authenticated."""
    scope.setdefault("state", {})[AUTHENTICATED] = True


# --- request bodies ----------------------------------------------------------------------------

_DISCONNECT: Message = {"type": "http.disconnect"}


def body_timeouts(settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware that answers 408 to a request body that stalls or trickles."""
    idle, total = settings.body_idle_timeout, settings.body_timeout

    def middleware(app: ASGIApp) -> ASGIApp:
        async def timed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not _has_body(scope):
                await app(scope, receive, send)
                return
            await _BodyClock(app, scope, receive, send, idle, total).run()

        return timed

    return middleware


#: Set in the request's scope state when its body timed out (read by api/middleware.py's log line).
BODY_TIMED_OUT = "qingdan.body_timed_out"


def _has_body(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if (key == b"content-length" and value != b"0") or key == b"transfer-encoding":
            return True
    return False


class _BodyClock:
    """One request whose body must arrive in time."""

    def __init__(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, idle: float | None, total: float | None
    ) -> None:
        self.app, self.scope, self._receive, self._send = app, scope, receive, send
        self.idle, self.total = idle, total
        self.deadline: float | None = None
        self.complete = self.timed_out = self.started = self.answered = False

    async def run(self) -> None:
        await self.app(self.scope, self.receive, self.send)
        if self.timed_out and not self.started:
            await self._answer()

    async def receive(self) -> Message:
        if self.timed_out:
            return _DISCONNECT
        if self.complete:  # the body is in; what remains is waiting for a disconnect
            return await self._receive()
        loop = asyncio.get_running_loop()
        if self.deadline is None:
            self.deadline = loop.time() + self.total if self.total else math.inf
        wait = min(self.idle or math.inf, self.deadline - loop.time())
        try:
            async with asyncio.timeout(None if wait == math.inf else max(wait, 0.0)):
                message = await self._receive()
        except TimeoutError:
            self.timed_out = True
            self.scope.setdefault("state", {})[BODY_TIMED_OUT] = True  # logged as 408, not as a hang-up
            return _DISCONNECT
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.complete = True
        return message

    async def send(self, message: Message) -> None:
        if self.timed_out and not self.started:
            await self._answer()  # instead of the application's answer to the "disconnect"
            return
        if self.answered:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)

    async def _answer(self) -> None:
        if self.answered:
            return
        self.answered = True
        if self.deadline is not None and self.total and asyncio.get_running_loop().time() >= self.deadline:
            why = Text("limits.body-slow", seconds=self.total)
        else:
            why = Text("limits.body-paused", seconds=self.idle)
        headers = [(b"connection", b"close")]
        request_id = self.scope.get("state", {}).get("request_id")
        if request_id:  # sent outside request_context, which adds the header to the others
            headers.append((b"x-request-id", request_id.encode()))
        await send_problem(
            self.scope,
            self._send,
            408,
            "request-timeout",
            "Request timeout",
            Text("limits.body-timeout", why=why),
            headers=headers,
        )


# --- request headers: the server protocol --------------------------------------------------------

#: Request line and headers larger than this are refused (431). uvicorn's h11 protocol stops at
#: 16 KB by itself; its httptools protocol has no limit of its own.
MAX_HEADER_BYTES = 64 * 1024


#: ``Accept-Language`` among the bytes of a request's head received so far (the head is not
#: parsed yet when it is refused for its size or lateness).
_ACCEPT_LANGUAGE = re.compile(rb"\naccept-language:[ \t]*([^\r\n]{0,200})", re.IGNORECASE)


def _raw_problem(status: int, reason: str, code: str, detail: Text, asked: str) -> bytes:
    """The refusal of a request whose head was never parsed: in the language its received
    bytes ask for (``Accept-Language``, if it came before the cut), else English."""
    spoken = messages.negotiate(asked)
    body = json.dumps(
        {
            "type": f"https://qingdan.dev/problems/{code}",
            "title": messages.title(code, spoken, reason),
            "status": status,
            "detail": detail.render(spoken),
            "code": code,
        },
        ensure_ascii=False,
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
        f"content-language: {spoken}\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class HeaderDeadline:
    """Mixed into uvicorn's HTTP protocols: a connection must deliver a request's line and
    headers within ``QINGDAN_HEADER_TIMEOUT`` seconds — counted from the connection's opening
    or from the first byte of a request on a kept-alive connection — and in at most
    :data:`MAX_HEADER_BYTES`; else it gets 408 (431) and is closed. uvicorn's own keep-alive
    timeout closes a connection idle *between* requests, but nothing bounds one that never
    sends a request or stops half-way through its headers.

    ``seconds``: ``-1`` reads the setting (once per process; set in a subclass for tests)."""

    seconds: float = -1.0
    _header_timer: asyncio.TimerHandle | None = None
    _header_bytes = 0
    _asked_language = ""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[misc]
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        waiting = self._awaiting_request()
        if waiting:
            if self._header_timer is None:
                self._arm_header_timer()
            self._header_bytes += len(data)
            if not self._asked_language:
                found = _ACCEPT_LANGUAGE.search(data)
                self._asked_language = found.group(1).decode("latin-1") if found else ""
        super().data_received(data)  # type: ignore[misc]
        if not self._awaiting_request():
            self._disarm_header_timer()
        elif waiting and self._header_bytes > MAX_HEADER_BYTES:
            self._refuse(
                431,
                "Request Header Fields Too Large",
                "request-header-fields-too-large",
                Text("raw.headers-too-large", limit=MAX_HEADER_BYTES),
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)  # type: ignore[misc]

    def _awaiting_request(self) -> bool:
        cycle = self.cycle  # type: ignore[attr-defined]
        return cycle is None or cycle.response_complete

    def _arm_header_timer(self) -> None:
        seconds = self.seconds if self.seconds >= 0 else (_header_seconds() or 0.0)
        self._header_bytes = 0
        self._asked_language = ""
        if seconds > 0:
            self._header_timer = self.loop.call_later(seconds, self._headers_late, seconds)  # type: ignore[attr-defined]

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self._header_bytes = 0

    def _headers_late(self, seconds: float) -> None:
        self._header_timer = None
        if not self._awaiting_request():
            return
        if self._header_bytes == 0:  # nothing sent at all (a preconnect): close without an answer
            self.transport.close()  # type: ignore[attr-defined]
            return
        self._refuse(
            408,
            "Request Timeout",
            "request-timeout",
            Text("raw.headers-late", seconds=seconds),
        )

    def _refuse(self, status: int, reason: str, code: str, detail: Text) -> None:
        asked = self._asked_language
        self._disarm_header_timer()
        transport: asyncio.Transport = self.transport  # type: ignore[attr-defined]
        if not transport.is_closing():
            transport.write(_raw_problem(status, reason, code, detail, asked))
            transport.close()


def _header_seconds() -> float | None:
    global _HEADER_SECONDS
    if _HEADER_SECONDS is _UNSET:
        _HEADER_SECONDS = load_settings().header_timeout
    return _HEADER_SECONDS  # type: ignore[return-value]


_UNSET = object()
_HEADER_SECONDS: object = _UNSET


class H11HeaderDeadline(HeaderDeadline, H11Protocol):
    """uvicorn's h11 protocol with :class:`HeaderDeadline`."""


if HttpToolsProtocol is not None:

    class HttpToolsHeaderDeadline(HeaderDeadline, HttpToolsProtocol):
        """uvicorn's httptools protocol with :class:`HeaderDeadline`."""


def http_protocol() -> type[asyncio.Protocol]:
    """What ``qingdan serve`` passes to uvicorn as ``http``: httptools when installed (uvicorn's
    own choice, "auto"), else h11 — either with the header deadline."""
    return HttpToolsHeaderDeadline if HttpToolsProtocol is not None else H11HeaderDeadline
