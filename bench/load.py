"""The load generator, run in its own process: ``python -m bench.load`` < config JSON.

Reads one JSON object on stdin::

    {"url": "http://127.0.0.1:PORT/path", "headers": {...}, "clients": 32,
     "warmup": 2.0, "seconds": 10.0, "engine": "raw"}

plus, optionally, ``"method": "POST"`` and ``"body": "..."`` (sent as UTF-8 with its
``Content-Length``; give the ``Content-Type`` in ``headers``). The default is a GET
without a body.

opens ``clients`` keep-alive connections, and has one task per connection send the request
again as soon as the previous answer is in (closed loop), for ``warmup`` seconds unrecorded
and then ``seconds`` recorded. It writes one JSON object on stdout: the latency of every
recorded request in milliseconds, the recorded window, and error counts.

Engines: ``raw`` is a minimal HTTP/1.1 client on asyncio streams (little CPU per request,
which matters when client and server share two cores); ``httpx`` is
``httpx.AsyncClient`` with a pool of ``clients`` connections. Only loopback is accepted.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 10.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    warmup_requests: int = 0
    first_start: float | None = None
    last_end: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def _request_bytes(
    path: str, host: str, headers: dict[str, str], method: str = "GET", body: bytes | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def _body(cfg: dict[str, Any]) -> bytes | None:
    body = cfg.get("body")
    return None if body is None else str(body).encode()


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one response (Content-Length framed) and, when it is ``Content-Encoding: gzip``,
    inflate it as a client would (the time counts in the latency); return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    gzipped = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"content-encoding":
            gzipped = value.strip().lower() == b"gzip"
    if length is None:
        raise ValueError("response without Content-Length")
    body = await reader.readexactly(length)
    if gzipped:
        try:
            zlib.decompress(body, 31)
        except zlib.error as exc:
            raise ValueError(f"a gzip body that does not inflate: {exc}") from exc
    return status


async def closed_loop(
    host: str,
    port: int,
    next_request: Callable[[], bytes],
    record_from: float,
    stop_at: float,
    tally: Tally,
) -> None:
    """One keep-alive client: send ``next_request()``, read the answer, again, until ``stop_at``;
    record what started after ``record_from``. A failed connection is counted and reopened."""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    while True:
        started = time.perf_counter()
        if started >= stop_at:
            break
        request = next_request()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                assert reader is not None
                writer.write(request)
                status = await _read_response(reader)
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
            if started >= record_from:
                tally.error(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = reader = None
            continue
        ended = time.perf_counter()
        if started >= record_from:
            _record(tally, started, ended, status)
        else:
            tally.warmup_requests += 1
    if writer is not None:
        writer.close()


async def _raw_client(cfg: dict[str, Any], record_from: float, stop_at: float, tally: Tally) -> None:
    parts = urlsplit(cfg["url"])
    host, port = parts.hostname or "", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = _request_bytes(path, f"{host}:{port}", cfg.get("headers", {}), cfg.get("method", "GET"), _body(cfg))
    await closed_loop(host, port, lambda: request, record_from, stop_at, tally)


async def _httpx_client(client: Any, cfg: dict[str, Any], record_from: float, stop_at: float, tally: Tally) -> None:
    import httpx

    url, headers = cfg["url"], cfg.get("headers", {})
    method, body = cfg.get("method", "GET"), _body(cfg)
    while True:
        started = time.perf_counter()
        if started >= stop_at:
            break
        try:
            response = await client.request(method, url, headers=headers, content=body)
        except httpx.HTTPError as exc:
            if started >= record_from:
                tally.error(type(exc).__name__)
            continue
        ended = time.perf_counter()
        if started >= record_from:
            _record(tally, started, ended, response.status_code)
        else:
            tally.warmup_requests += 1


def _record(tally: Tally, started: float, ended: float, status: int) -> None:
    if status != 200:
        tally.error(f"http_{status}")
        return
    tally.latencies_ms.append((ended - started) * 1000.0)
    if tally.first_start is None or started < tally.first_start:
        tally.first_start = started
    tally.last_end = max(tally.last_end, ended)


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    host = urlsplit(cfg["url"]).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"bench.load only talks to loopback, not {host!r}")
    clients = int(cfg["clients"])
    begin = time.perf_counter()
    record_from = begin + float(cfg["warmup"])
    stop_at = record_from + float(cfg["seconds"])
    tally = Tally()
    # Every loop ends by itself at stop_at; this is only a backstop.
    async with asyncio.timeout(float(cfg["warmup"]) + float(cfg["seconds"]) + 2 * REQUEST_TIMEOUT):
        if cfg.get("engine", "raw") == "httpx":
            import httpx

            limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
            timeout = httpx.Timeout(REQUEST_TIMEOUT)
            async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
                await asyncio.gather(*(_httpx_client(client, cfg, record_from, stop_at, tally) for _ in range(clients)))
        else:
            await asyncio.gather(*(_raw_client(cfg, record_from, stop_at, tally) for _ in range(clients)))
    window = tally.last_end - record_from if tally.latencies_ms else float(cfg["seconds"])
    return {
        "latencies_ms": [round(x, 4) for x in tally.latencies_ms],
        "window_s": window,
        "errors": tally.errors,
        "warmup_requests": tally.warmup_requests,
    }


def main() -> None:
    cfg = json.loads(sys.stdin.read())
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    result = runner(run(cfg))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
