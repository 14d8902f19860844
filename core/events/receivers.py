"""What a webhook receiver can trust: signed bodies, and destinations checked against SSRF."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from core.events.config import WebhookConfig, config
from core.platform.errors import ValidationFailed
from core.platform.messages import Text


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>." + body`` under ``secret``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={sign(secret, stamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: check the ``Qingdan-Signature`` header of a request.

    True when one ``v1`` signature matches and the timestamp is within ``tolerance``
    seconds of ``now`` (which stops replays of an old, captured request).
    """
    parts = [p.partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k.strip() == "t"]
    signatures = [v.strip() for k, _, v in parts if k.strip() == "v1"]
    if len(stamps) != 1 or not (stamps[0].strip().isascii() and stamps[0].strip().isdigit()) or not signatures:
        return False
    stamp = int(stamps[0])
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    expected = sign(secret, stamp, body)
    return any(hmac.compare_digest(expected, s) for s in signatures)


# --- destinations (SSRF) ------------------------------------------------------------------


def _address_problem(address: str, cfg: WebhookConfig) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in cfg.allowed_networks):
        return None
    if not ip.is_global or ip.is_multicast:
        return (
            f"{ip} is not a public address; receivers on a private network must be allowed "
            "by QINGDAN_WEBHOOK_ALLOWED_NETWORKS"
        )
    return None


def check_url(url: str, cfg: WebhookConfig | None = None) -> str:
    """Validate a receiver URL (422 naming ``url``); address literals are checked now,
    host names at every delivery (they may resolve differently later)."""
    cfg = cfg or config()
    if not 8 <= len(url) <= 2000:
        raise ValidationFailed.on("url", Text("field.must-http-s-url"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed.on("url", Text("field.not-url", exc=exc)) from exc
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed.on("url", Text("field.scheme-must-http-https"))
    if not parts.hostname:
        raise ValidationFailed.on("url", Text("field.names-no-host"))
    if parts.username or parts.password:
        raise ValidationFailed.on("url", Text("field.must-not-carry-credentials"))
    if parts.fragment:
        raise ValidationFailed.on("url", Text("field.must-not-have-fragment"))
    if port == 0:
        raise ValidationFailed.on("url", Text("field.port-0-not-port"))
    host = parts.hostname
    literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    try:
        ipaddress.ip_address(literal)
    except ValueError:
        return url
    problem = _address_problem(literal, cfg)
    if problem:
        raise ValidationFailed.on("url", problem)
    return url


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to an address the rules allow, checking the very address it connects
    to. A check before the request alone would let a DNS server answer a public address to
    the check and a private one to the connection a moment later (DNS rebinding)."""

    def __init__(self, cfg: WebhookConfig) -> None:
        self._cfg = cfg
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            problem = _address_problem(address, self._cfg)
            if problem:
                raise httpcore.ConnectError(problem)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:  # TLS still names ``host``: httpcore passes it apart
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("webhook receivers are reached over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class CheckedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, cfg: WebhookConfig) -> None:
        super().__init__(trust_env=False)
        # httpx offers no way to pass a network backend to the pool it builds; the pool is
        # the transport's only state, so replace it with the same pool using ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=cfg.concurrency,
            keepalive_expiry=5.0,
            network_backend=CheckedBackend(cfg),
        )
