"""``/files/{token}`` — downloads through signed, expiring links (local storage backend).

With the S3 backend, links point at the object store itself (presigned URLs).
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.params import FromPath

from api.errors import problem
from core.storage import StorageError, verify_download


@get("/files/{token:str}", operation_id="downloadFile", summary="Download via a signed link", tags=["files"])
async def download(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
    settings, storage = request.app.state.settings, request.app.state.storage
    try:
        tenant_id, key = verify_download(settings.secret_key, token)
        data = await storage.get(tenant_id, key)
    except StorageError as exc:
        return problem(request, exc.status, "file-unavailable", "File unavailable", str(exc))
    filename = quote(key.rsplit("/", 1)[-1], safe="")
    return Response(
        data,
        media_type=mimetypes.guess_type(key)[0] or "application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )
