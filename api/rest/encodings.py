"""``Accept-Encoding`` for answers kept compressed (a published list's body, stored deflated:
:mod:`core.publication.gzipped`).

Such an answer is sent ``Content-Encoding: gzip`` when the request admits gzip and the body is
at hand deflated, and as JSON otherwise; nothing is compressed per request (a body at hand only
as JSON — the stored level off — goes as it is). Both carry ``Vary: Accept-Encoding``, so a cache
between us and the client keeps the two apart.
"""

from __future__ import annotations

from typing import TypeVar

from litestar import Request, Response

from core.publication.bodies import Spliced

T = TypeVar("T")

VARY = {"Vary": "Accept-Encoding"}


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value admits gzip (RFC 9110 §12.5.3): ``gzip`` or
    ``x-gzip`` with a q-value above 0, or else ``*`` with one. No header, ``identity`` alone,
    ``gzip;q=0``: no (with no header RFC 9110 allows any coding; clients that want gzip say so,
    and a bare ``curl`` or script then reads JSON)."""
    if not header:
        return False
    named: float | None = None
    star: float | None = None
    for part in header.split(","):
        coding, *params = part.split(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            named = max(named or 0.0, _quality(params))
        elif coding == "*":
            star = _quality(params)
    if named is not None:
        return named > 0
    return star is not None and star > 0


def spliced_response(request: Request, answer: Spliced) -> Response[T]:
    """``answer`` gzipped when the request admits it and the body is at hand deflated, else as
    JSON; ``Vary: Accept-Encoding`` either way. Content-Length is the bytes sent."""
    if accepts_gzip(request.headers.get("accept-encoding")):
        compressed = answer.gzip()
        if compressed is not None:
            return Response(compressed, headers={**VARY, "Content-Encoding": "gzip"})  # type: ignore[arg-type]
    return Response(answer.identity(), headers=VARY)  # type: ignore[arg-type]
