"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from litestar import Response, get

from core import schema
from core.db import DB


@get("/healthz", operation_id="health", summary="The process is alive", tags=["operations"])
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", operation_id="ready", summary="Database reachable and schema current", tags=["operations"])
async def readyz() -> Response[dict[str, object]]:
    try:
        await DB._run_in_pool("SELECT 1")
        status = await schema.status()
    except Exception as exc:
        return Response({"status": "unavailable", "database": str(exc)}, status_code=503)
    if not status.current:
        return Response(
            {"status": "unavailable", "pending_migrations": status.pending, "fix": "qingdan migrate"},
            status_code=503,
        )
    return Response({"status": "ready", "migrations": len(status.applied)})
