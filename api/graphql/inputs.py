"""GraphQL inputs validated as REST bodies are."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from api.errors import decode_error
from core.platform.errors import InvalidInput

T = TypeVar("T")


def convert(data: dict[str, Any], kind: type[T]) -> T:
    """Validate a GraphQL input with the same rules REST bodies get (and the same 400)."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        error = decode_error(str(exc))
        raise InvalidInput(str(exc), errors=[error], text=error.text) from exc
