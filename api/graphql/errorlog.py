"""What GraphQL errors write to the log: little, and never the query or its variables.

strawberry logs every error of a result at ERROR with its traceback, and the error's text
quotes the query around the error's location (``print_error``) — a not-found of a citizen's
call copied the query, phone number included, into the log. Here instead:

- errors the client caused — a domain error (:class:`~core.platform.errors.QingdanError`: not found,
  invalid input, not allowed …) or a query graphql-core refused (syntax, validation, variable
  coercion) — are one INFO line per request naming their codes and paths, no message (a
  message may quote the input), no traceback;
- any other exception is a bug: one ERROR line per error with its traceback, naming the
  field path and exception type, but not the query, its variables or the error's location.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError

from core.platform.errors import QingdanError

log = logging.getLogger("qingdan.graphql")


def _path(error: GraphQLError) -> str:
    return ".".join(str(part) for part in error.path or []) or "-"


def _request_id(execution_context: Any) -> dict[str, Any]:
    request_id = getattr(getattr(execution_context, "context", None), "request_id", None)
    return {"request_id": request_id} if request_id else {}


class Schema(strawberry.Schema):
    """strawberry's schema with the error logging described above."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        extra = _request_id(execution_context)
        expected = []
        for error in errors:
            original = error.original_error
            if original is None:
                expected.append("invalid-query")  # refused before execution: the client's document
            elif isinstance(original, QingdanError):
                expected.append(f"{original.code} at {_path(error)}")
            elif isinstance(original, GraphQLError):  # raised on purpose, for the client
                expected.append(f"refused at {_path(error)}")
            else:
                log.error(
                    "graphql field %s failed: %s",
                    _path(error),
                    type(original).__name__,
                    exc_info=(type(original), original, original.__traceback__),
                    extra=extra,
                )
        if expected:
            log.info("graphql errors: %s", "; ".join(expected), extra=extra)
