"""Every error leaves as an RFC 9457 ``application/problem+json`` response — here, once."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.types import Scope, Send

from core.platform import db, decoding, messages
from core.platform.errors import DatabaseUnavailable, FieldError, QingdanError

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
    detail: str | messages.Text,
    *,
    errors: list[dict[str, str | messages.Text]] | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """A problem answered by ASGI middleware, below litestar (before routing, decoding or
    authentication): the same document as :func:`problem`, in the language of the request's
    ``Accept-Language`` when ``detail`` is catalogued."""
    request_id = scope.get("state", {}).get("request_id")
    instance = scope.get("path", "").replace("\x00", "%00")
    spoken = messages.EN
    if isinstance(detail, messages.Text):
        asked = dict(scope.get("headers") or ()).get(b"accept-language", b"").decode("latin-1")
        spoken = messages.negotiate(asked)
        detail = detail.render(spoken)
    said = [{k: v.render(spoken) if isinstance(v, messages.Text) else v for k, v in e.items()} for e in errors or ()]
    document = problem_document(
        status, code, messages.title(code, spoken, title), detail, instance, request_id, said or None
    )
    body = json.dumps(document, ensure_ascii=False).encode()
    start = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    start += [(b"content-language", spoken.encode()), *headers]
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
        [{"field": e.field, "message": e.message} for e in exc.localized_errors(spoken)],
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


def decode_error(message: str, key: str | None = None) -> FieldError:
    """A msgspec/litestar validation message as a field error, its message catalogued."""
    return FieldError(field_of_message(message, key), message, decoding.text(message))


def _said(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    fallback_title: str,
    detail: messages.Text,
    errors: list[FieldError] | None = None,
) -> Response[Any]:
    """A problem of the edge (not raised by a service) in the language asked."""
    spoken = language(request)
    fields = [{"field": e.field, "message": e.localized(spoken)} for e in errors or ()]
    title = messages.title(code, spoken, fallback_title)
    response = problem(request, status, code, title, detail.render(spoken), fields)
    response.headers["Content-Language"] = spoken
    return response


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = [decode_error(str(i.get("message", "")), i.get("key")) for i in items if isinstance(i, dict)]
    if not errors:
        return _said(request, 400, "invalid-request", "Invalid request", decoding.text(str(exc.detail)))
    detail = messages.Text("fields", fields=[messages.Text("field", field=e.field, message=e.text) for e in errors])
    return _said(request, 400, "invalid-request", "Invalid request", detail, errors)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc.__cause__, SerializationException):
        text = messages.Text("invalid-request.body-not-valid-json", exc=exc.detail)
        return _said(
            request, 400, "invalid-json", "Invalid JSON", text, [FieldError("body", text.render(messages.EN), text)]
        )
    code, title = _HTTP_CODES.get(exc.status_code, ("http-error", "HTTP error"))
    # litestar's own words ("Not Found", "Method Not Allowed"): one catalogued detail per status
    return _said(request, exc.status_code, code, title, messages.Text(f"http.{code}", detail=str(exc.detail)))


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if db.is_unavailable(exc):  # a driver error that bypassed core.platform.db's translation
        return domain_error(request, db.unavailable(exc))
    log.exception("unhandled error", exc_info=exc)
    return _said(request, 500, "internal-error", "Internal error", messages.Text("http.internal-error"))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    QingdanError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
