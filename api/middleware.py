"""Request id, one structured log line per request, and the JSON-body guard.

Plain ASGI middleware: it runs for every request, so it stays small and allocation-light.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time
import uuid
from typing import Any

import msgspec
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from api.input_guard import guard_input

log = logging.getLogger("qingdan.access")
#: The status logged for a request whose client hung up first (nginx's convention).
CLIENT_CLOSED = 499
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_BODY_METHODS = {b"POST", b"PUT", b"PATCH", "POST", "PUT", "PATCH"}
#: Routes that take files (spreadsheets, multipart) rather than JSON.
_UPLOAD_PATHS = re.compile(r"/catalog/(import|merge|merge/apply)$")


_PROCESS = uuid.uuid4().hex[:16]
_sequence = itertools.count(1)


def _next_id() -> str:
    """A request id unique across processes: a random per-process prefix and a counter
    (cheaper than a fresh uuid4 per request: os.urandom is a system call)."""
    return f"{_PROCESS}{next(_sequence):016x}"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


async def _refuse_media_type(scope: Scope, send: Send, request_id: str, content_type: str) -> None:
    body = json.dumps(
        {
            "type": "https://qingdan.dev/problems/unsupported-media-type",
            "title": "Unsupported media type",
            "status": 415,
            "detail": f"send the body as application/json (got {content_type or 'no Content-Type'})",
            "instance": scope["path"],
            "request_id": request_id,
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 415,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def request_context(app: ASGIApp) -> ASGIApp:
    """Give every request an id (``X-Request-ID``, echoed back) and log it once."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
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
        content_type = _header(scope, b"content-type")
        has_body = _header(scope, b"content-length") not in (None, "0") or _header(scope, b"transfer-encoding")
        try:
            if (
                scope["method"] in _BODY_METHODS
                and path.startswith("/api/")
                and has_body
                and not _is_json(content_type)
                and not _UPLOAD_PATHS.search(path)
            ):
                status = 415
                await _refuse_media_type(scope, send, request_id, content_type or "")
            elif (guarded := await guard_input(scope, receive_watched, send_with_id)) is not None:
                await app(scope, guarded, send_with_id)
        except asyncio.CancelledError:
            disconnected = not finished
            raise
        except Exception:
            if not disconnected:
                raise
            # What the app raised about the vanished client (a failed read or send) is no server error.
        finally:
            if disconnected:
                status = CLIENT_CLOSED
            log.info(
                "client closed request" if disconnected else "request",
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
