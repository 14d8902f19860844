"""The one error hierarchy of Qingdan.

Services raise these; ``api/errors.py`` maps them to RFC 9457 problem responses in one
place. ``status`` is the HTTP status the error stands for, ``code`` a stable machine name
that also forms the problem ``type`` URI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from core.platform.messages import EN, Text


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    #: ``message`` as a catalogued message, rendered in the language the caller asks for.
    text: Text | None = None

    @classmethod
    def said(cls, field: str, text: Text) -> FieldError:
        """A field error of a catalogued message (its English rendering is ``message``)."""
        return cls(field, text.render(EN), text)

    def localized(self, language: str) -> str:
        return self.message if self.text is None else self.text.render(language)


class QingdanError(Exception):
    status = 400
    code = "bad-request"
    title = "Bad request"
    retry_after: int | None = None  # seconds; when set, the response carries Retry-After

    def __init__(
        self,
        detail: str | Text,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        text: Text | None = None,
    ) -> None:
        if isinstance(detail, Text):  # a catalogued detail: English is what logs and old clients read
            text, detail = detail, detail.render(EN)
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra or {}
        #: The detail as a catalogued message (:mod:`core.platform.messages`), rendered in the
        #: language the caller asks for; without it ``detail`` (English) is all there is.
        self.text = text

    @classmethod
    def said(cls, text: Text, *, field: str | None = None) -> Self:
        """The error of a catalogued message: its English rendering is ``detail``; ``field``
        names the field it is about (its message is the same text, in the language asked)."""
        detail = text.render(EN)
        errors = [FieldError(field, detail, text)] if field is not None else []
        return cls(detail, errors=errors, text=text)

    @classmethod
    def listing(cls, errors: list[FieldError]) -> Self:
        """The problem of several field errors; its detail lists them (``field: message; …``)."""
        fields = [Text("field", field=e.field, message=e.text or e.message) for e in errors]
        return cls(Text("fields", fields=fields), errors=errors)

    def localized(self, language: str) -> tuple[str, str]:
        """(detail, the language it is in) for a caller who asked for ``language``."""
        if self.text is None:
            return self.detail, EN
        return self.text.render(language), language

    def localized_errors(self, language: str) -> list[FieldError]:
        """The field errors with their messages in ``language`` where catalogued (in the
        detail's language: a problem speaks one language)."""
        spoken = self.localized(language)[1]
        return [FieldError(e.field, e.localized(spoken), e.text) for e in self.errors]


class InvalidInput(QingdanError):
    """The input is not of the documented shape (a wrong type, pattern or length)."""

    status, code, title = 400, "invalid-request", "Invalid request"


class Unauthenticated(QingdanError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class PermissionDenied(QingdanError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(QingdanError):
    status, code, title = 404, "not-found", "Not found"


class Conflict(QingdanError):
    status, code, title = 409, "conflict", "Conflict"


class PreconditionFailed(QingdanError):
    status, code, title = 412, "precondition-failed", "Stale version"


class PreconditionRequired(QingdanError):
    status, code, title = 428, "precondition-required", "Version required"


class ValidationFailed(QingdanError):
    status, code, title = 422, "validation-failed", "Invalid input"

    @classmethod
    def on(cls, field: str, message: str | Text) -> ValidationFailed:
        """One invalid field; the detail repeats the message so it reads alone."""
        if isinstance(message, Text):
            error = FieldError(field, message.render(EN), message)
            return cls(Text("field", field=field, message=message), errors=[error])
        return cls(f"{field}: {message}", errors=[FieldError(field, message)])


class SchemaOutdated(QingdanError):
    status, code, title = 503, "schema-outdated", "Database schema is behind the code"


class SchemaRefused(QingdanError):
    """The database does not match the code in a way ``qingdan migrate`` will not fix: an
    applied migration was changed afterwards (migrations are append-only), the database holds
    migrations the code does not ship, or it predates the 2026-12 baseline."""

    status, code, title = 503, "schema-refused", "Database schema does not match the code"


class DatabaseUnavailable(QingdanError):
    """PostgreSQL cannot be reached or did not answer in time (down, restarting, frozen,
    overloaded). Nothing was changed — unless the connection was lost while committing, which
    the detail then says — and the same request may well work a few seconds later."""

    status, code, title = 503, "database-unavailable", "Database unavailable"
    retry_after = 5  # seconds, sent as Retry-After


class ContentTooLarge(QingdanError):
    """The content is larger than the server reads (a workbook that unpacks too large)."""

    status, code, title = 413, "content-too-large", "Content too large"
