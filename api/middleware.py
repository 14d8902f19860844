"""Request id, one structured log line per request, and the input guard (api/input_guard.py).

Plain ASGI middleware: it runs for every request, so it stays small and allocation-light.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
import uuid
from typing import Any

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.input_guard import guard_input, header
from api.limits import BODY_TIMED_OUT

log = logging.getLogger("qingdan.access")
#: The status logged for a request whose client hung up first (nginx's convention).
CLIENT_CLOSED = 499
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


_PROCESS = uuid.uuid4().hex[:16]
_sequence = itertools.count(1)


def _next_id() -> str:
    """A request id unique across processes: a random per-process prefix and a counter
    (cheaper than a fresh uuid4 per request: os.urandom is a system call)."""
    return f"{_PROCESS}{next(_sequence):016x}"


def request_context(app: ASGIApp) -> ASGIApp:
    """Give every request an id (``X-Request-ID``, echoed back) and log it once."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id")
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else _next_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        # A client that hangs up mid-request shows as an ``http.disconnect`` from receive (the
        # app then fails reading the body) or as a cancelled task; it is logged as 499 "client
        # closed request", not as the 500 the app answers to nobody.
        disconnected = finished = False

        async def receive_watched() -> Message:
            nonlocal disconnected
            message = await receive()
            if message["type"] == "http.disconnect" and not finished:
                disconnected = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, finished
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        path: str = scope["path"]
        try:
            if (guarded := await guard_input(scope, receive_watched, send_with_id)) is not None:
                await app(scope, guarded, send_with_id)
        except asyncio.CancelledError:
            disconnected = not finished
            raise
        except Exception:
            if not disconnected:
                raise
            # What the app raised about the vanished client (a failed read or send) is no server error.
        finally:
            timed_out = scope["state"].get(BODY_TIMED_OUT, False)
            if disconnected:
                status = 408 if timed_out else CLIENT_CLOSED
            log.info(
                "request body timed out" if timed_out else "client closed request" if disconnected else "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )

    return middleware


_encode = msgspec.json.Encoder().encode


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: easy for the county's log collector to ingest."""

    FIELDS = ("request_id", "method", "path", "status", "ms")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return _encode(entry).decode()


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger("qingdan")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
