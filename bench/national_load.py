"""The load generator of ``bench.national``: like :mod:`bench.load`, but every request is
drawn at random from a list (a random tenant, township, item per request).

``python -m bench.national_load`` < config JSON::

    {"base": "http://127.0.0.1:PORT", "requests": [{"path": "/…", "method": "GET",
     "headers": {…}, "body": null}, …], "clients": 16, "warmup": 1.0, "seconds": 4.0,
     "seed": 1}

Each of ``clients`` keep-alive connections sends, in a closed loop, a request drawn uniformly
from ``requests`` (its own random stream, seeded) for ``warmup`` seconds unrecorded and then
``seconds`` recorded. Writes the same JSON as :mod:`bench.load`. Only loopback is accepted.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from bench.load import LOOPBACK, REQUEST_TIMEOUT, Tally, _read_response, _record, _request_bytes


def _encoded(cfg: dict[str, Any], host: str) -> list[bytes]:
    out = []
    for r in cfg["requests"]:
        body = None if r.get("body") is None else str(r["body"]).encode()
        out.append(_request_bytes(r["path"], host, r.get("headers", {}), r.get("method", "GET"), body))
    return out


async def _client(
    host: str, port: int, requests: list[bytes], rng: random.Random, record_from: float, stop_at: float, tally: Tally
) -> None:
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    while True:
        started = time.perf_counter()
        if started >= stop_at:
            break
        request = requests[rng.randrange(len(requests))]
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


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    parts = urlsplit(cfg["base"])
    host, port = parts.hostname or "", parts.port or 80
    if host not in LOOPBACK:
        raise SystemExit(f"bench.national_load only talks to loopback, not {host!r}")
    requests = _encoded(cfg, f"{host}:{port}")
    clients = int(cfg["clients"])
    begin = time.perf_counter()
    record_from = begin + float(cfg["warmup"])
    stop_at = record_from + float(cfg["seconds"])
    tally = Tally()
    seed = int(cfg.get("seed", 1))
    async with asyncio.timeout(float(cfg["warmup"]) + float(cfg["seconds"]) + 2 * REQUEST_TIMEOUT):
        await asyncio.gather(
            *(
                _client(host, port, requests, random.Random(seed * 1000 + i), record_from, stop_at, tally)
                for i in range(clients)
            )
        )
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
    json.dump(runner(run(cfg)), sys.stdout)


if __name__ == "__main__":
    main()
