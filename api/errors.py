"""Every error leaves as an RFC 9457 ``application/problem+json`` response — here, once."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.types import Scope, Send

from core.platform import db, messages
from core.platform.errors import DatabaseUnavailable, QingdanError

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://qingdan.dev/problems/"
log = logging.getLogger("qingdan.api")

_HTTP_CODES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def problem_document(
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str,
    request_id: str | None = None,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": TYPE_BASE + code, "title": title, "status": status, "detail": detail}
    body["instance"] = instance
    body["code"] = code  # the stable machine name (also the end of ``type``)
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    if request_id:
        body["request_id"] = request_id
    return body


def problem(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response[dict[str, Any]]:
    request_id = request.scope.get("state", {}).get("request_id")
    body = problem_document(status, code, title, detail, request.url.path, request_id, errors, extra)
    headers = {"WWW-Authenticate": 'Bearer realm="qingdan"'} if status == 401 else None
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """A problem answered by ASGI middleware, below litestar (before routing, decoding or
    authentication): the same document as :func:`problem`."""
    request_id = scope.get("state", {}).get("request_id")
    instance = scope.get("path", "").replace("\x00", "%00")
    document = problem_document(status, code, title, detail, instance, request_id, errors)
    body = json.dumps(document, ensure_ascii=False).encode()
    start = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def language(request: Request[Any, Any, Any]) -> str:
    """The language the caller asks for (``Accept-Language``); without one, the route's
    ``opt["language"]`` (people-facing routes say ``zh-CN``), else English."""
    try:
        default = request.route_handler.opt.get("language", messages.EN)
    except (KeyError, AttributeError):  # answered before routing
        default = messages.EN
    return messages.negotiate(request.headers.get("accept-language"), default)


def domain_error(request: Request[Any, Any, Any], exc: QingdanError) -> Response[dict[str, Any]]:
    detail, spoken = exc.localized(language(request))
    response = problem(
        request,
        exc.status,
        exc.code,
        messages.title(exc.code, spoken, exc.title),
        detail,
        [{"field": e.field, "message": e.message} for e in exc.errors],
        exc.extra,
    )
    response.headers["Content-Language"] = spoken
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, DatabaseUnavailable):  # one line per request, no traceback: it is not a bug
        log.warning("database unavailable: %s %s: %s", request.method, request.url.path, db.describe(exc))
    return response


def field_of_message(message: str, key: str | None = None) -> str:
    """The field a litestar/msgspec validation message is about.

    msgspec says "Object contains unknown field `colour`", "Expected `str`, got `int` -
    at `$.name`" or "Object missing required field `code`"; litestar's key is only the
    parameter name ("data") for body errors.
    """
    parts = message.split("`")
    if "- at `$." in message:
        return message.rsplit("- at `$.", 1)[1].rstrip("`")
    if "field `" in message and len(parts) > 1:
        return parts[1]
    return key or "body"


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        {"field": field_of_message(str(i.get("message", "")), i.get("key")), "message": str(i.get("message", ""))}
        for i in items
        if isinstance(i, dict)
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(request, 400, "invalid-request", "Invalid request", detail, errors)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc.__cause__, SerializationException):
        detail = f"the body is not valid JSON ({exc.detail})"
        return problem(request, 400, "invalid-json", "Invalid JSON", detail, [{"field": "body", "message": detail}])
    code, title = _HTTP_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    return problem(request, exc.status_code, code, title, str(exc.detail))


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if db.is_unavailable(exc):  # a driver error that bypassed core.platform.db's translation
        return domain_error(request, db.unavailable(exc))
    log.exception("unhandled error", exc_info=exc)
    return problem(
        request,
        500,
        "internal-error",
        "Internal error",
        "something went wrong on our side; nothing was changed. Quote the request_id if you report it",
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    QingdanError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
