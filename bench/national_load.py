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

from bench.load import LOOPBACK, REQUEST_TIMEOUT, Tally, _request_bytes, closed_loop


def _encoded(cfg: dict[str, Any], host: str) -> list[bytes]:
    out = []
    for r in cfg["requests"]:
        body = None if r.get("body") is None else str(r["body"]).encode()
        out.append(_request_bytes(r["path"], host, r.get("headers", {}), r.get("method", "GET"), body))
    return out


async def _client(
    host: str, port: int, requests: list[bytes], rng: random.Random, record_from: float, stop_at: float, tally: Tally
) -> None:
    await closed_loop(host, port, lambda: requests[rng.randrange(len(requests))], record_from, stop_at, tally)


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
