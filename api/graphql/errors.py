"""GraphQL errors carry what REST's problems carry: a stable ``code``, the ``status`` and,
for a database that is away, ``retryAfter`` — so clients can tell "try again in a few
seconds" from "your query is wrong" without parsing messages."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from core.platform.errors import QingdanError


class ProblemCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result else None) or []:
            original = error.original_error
            if isinstance(original, QingdanError):
                extensions = {**(error.extensions or {}), "code": original.code, "status": original.status}
                if original.retry_after is not None:
                    extensions["retryAfter"] = original.retry_after
                error.extensions = extensions
