"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get

from core.platform import db, schema
from core.platform.errors import DatabaseUnavailable


@get("/healthz", operation_id="health", summary="The process is alive", tags=["operations"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", operation_id="ready", summary="Database reachable and schema current", tags=["operations"])
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, object]]:
    """Ready when the database answers within ``QINGDAN_READY_TIMEOUT`` seconds and the schema
    is current (every migration applied, none changed since). A database that is away or
    slower answers 503 with ``Retry-After`` at once, not after the request timeouts: an
    orchestrator polls this often."""
    timeout = request.app.state.settings.ready_timeout
    try:
        async with asyncio.timeout(timeout):
            status = await schema.status()
    except TimeoutError:
        return _unavailable(f"the database did not answer within {timeout:g} s")
    except Exception as exc:
        return _unavailable("the database cannot be reached" if db.is_unavailable(exc) else str(exc))
    if status.refusal:
        # Not fixed by waiting or by `qingdan migrate`: no Retry-After.
        return Response({"status": "unavailable", "schema": status.refusal}, status_code=503)
    if status.pending:
        return Response(
            {"status": "unavailable", "pending_migrations": status.pending, "fix": "qingdan migrate"},
            status_code=503,
        )
    return Response({"status": "ready", "migrations": len(status.applied)})


def _unavailable(reason: str) -> Response[dict[str, object]]:
    return Response(
        {"status": "unavailable", "database": reason},
        status_code=503,
        headers={"Retry-After": str(DatabaseUnavailable.retry_after)},
    )
