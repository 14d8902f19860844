"""GraphQL errors carry what REST's problems carry: a stable ``code``, the ``status``, the
``field`` at fault (and ``errors`` with every field and message) and, for a database that is
away, ``retryAfter`` — so clients can tell "try again in a few seconds" from "your query is
wrong" without parsing messages. A query refused before it ran carries ``invalid-query``/400, a bug
``internal-error``/500, so every error has a ``code``.

The services name fields as REST does (``limit``, ``cursor``, ``host_township_code``); a
GraphQL client sent ``first``, ``after``, ``hostTownshipCode``. A field is renamed to the
argument the client wrote on the failing field when one matches, else to its camelCase form;
the error's message, which quotes the field, is rewritten to match.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from core.platform import messages
from core.platform.errors import QingdanError
from core.platform.messages import Text

#: REST parameter → the GraphQL argument that carries the same value (Relay's names).
_ARGUMENT_OF = {"limit": ("first",), "cursor": ("after",)}


def camel(field: str) -> str:
    """``host_township_codes[0]`` → ``hostTownshipCodes[0]``: GraphQL clients' names."""
    head, *rest = field.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _sent_arguments(error: GraphQLError) -> set[str]:
    """The argument names written on the field that failed (with variables or literals)."""
    node = (error.nodes or [None])[0]
    return {argument.name.value for argument in getattr(node, "arguments", None) or []}


def graphql_field(field: str, sent: set[str]) -> str:
    """The name a GraphQL client knows for the service's ``field``."""
    head, dot, tail = field.partition(".")
    for candidate in (camel(head), *_ARGUMENT_OF.get(head, ())):
        if candidate in sent:
            return candidate + dot + camel(tail) if dot else candidate
    return camel(field)


def problem_extensions(error: GraphQLError, original: QingdanError, language: str = messages.EN) -> dict[str, Any]:
    """The problem's code, status and fields; the error's message becomes the detail in
    ``language`` when it is catalogued (else it stays English, as its field messages)."""
    detail, spoken = original.localized(language)
    extensions: dict[str, Any] = {**(error.extensions or {}), "code": original.code, "status": original.status}
    if error.message == original.detail:  # the service's own words, not a message graphql-core made
        error.message = detail
    if original.retry_after is not None:
        extensions["retryAfter"] = original.retry_after
    if original.errors:
        sent = _sent_arguments(error)
        said = original.localized_errors(spoken)
        errors = [{"field": graphql_field(e.field, sent), "message": e.message} for e in said]
        extensions["field"] = errors[0]["field"]
        extensions["errors"] = errors
        rest = messages.render("fields", spoken, fields=[Text("field", field=e.field, message=e.message) for e in said])
        if error.message == rest:  # the message quotes REST's names: quote the client's instead
            error.message = messages.render(
                "fields", spoken, fields=[Text("field", field=e["field"], message=e["message"]) for e in errors]
            )
    return extensions


#: A document graphql-core refused before running it (syntax, unknown field, wrong argument
#: type, a variable that does not coerce, the depth/alias limits): REST's 400 for a request
#: that is not of the documented shape.
INVALID_QUERY = {"code": "invalid-query", "status": 400}
#: Any other exception is a bug (logged by errorlog.py): REST's 500.
INTERNAL = {"code": "internal-error", "status": 500}


class ProblemCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:  # a syntax error is thrown through the hooks, not returned
            if error.original_error is None and not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), **INVALID_QUERY}
            raise
        result = self.execution_context.result
        asked = getattr(self.execution_context.context, "accept_language", None)
        language = messages.negotiate(asked)  # English unless asked: as REST's problems
        for error in (result.errors if result else None) or []:
            original = error.original_error
            if isinstance(original, QingdanError):
                error.extensions = problem_extensions(error, original, language)
            elif (error.extensions or {}).get("code"):
                continue  # raised with its own code, on purpose
            elif original is None and not error.path:  # refused before any field ran
                error.extensions = {**(error.extensions or {}), **INVALID_QUERY}
            elif not isinstance(original, GraphQLError):
                error.extensions = {**(error.extensions or {}), **INTERNAL}
