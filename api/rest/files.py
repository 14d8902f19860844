"""``/files/{token}`` — downloads through signed, expiring links (local storage backend).

With the S3 backend, links point at the object store itself (presigned URLs), which serves
the type and disposition stored with the object.

The response's type is the one the content was checked to be when it was stored
(:meth:`core.platform.storage.Storage.verify_content`), never one guessed from the file name; objects
stored before types were kept are checked again now. Only PNG and JPEG images are shown
inline; everything else is an attachment. ``nosniff`` and a sandboxing CSP come with every
response (:mod:`api.security_headers`).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from api.errors import language, problem
from core.platform import messages
from core.platform.content_check import sniff
from core.platform.storage import Storage, StorageError, disposition, verify_download

UNKNOWN = "application/octet-stream"


def _served_type(storage: Storage, data: bytes) -> str:
    """For an object stored without a kept type: what its bytes pass as, if allowed."""
    try:
        return storage.verify_content(sniff(data), data)
    except StorageError:
        return UNKNOWN


@get(
    "/files/{token:str}",
    operation_id="downloadFile",
    summary="Download via a signed link",
    tags=["files"],
    opt={"language": messages.ZH},  # a person follows the link: Chinese unless asked otherwise
)
async def download(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
    settings, storage = request.app.state.settings, request.app.state.storage
    try:
        tenant_id, key = verify_download(settings.secret_key, token)
        info = await storage.stat(tenant_id, key)
        data = await storage.get(tenant_id, key)
    except StorageError as exc:
        spoken = language(request)
        detail = exc.text.render(spoken) if exc.text is not None else exc.message
        spoken = spoken if exc.text is not None else messages.EN
        response = problem(
            request,
            exc.status,
            "file-unavailable",
            messages.title("file-unavailable", spoken, "File unavailable"),
            detail,
        )
        response.headers["Content-Language"] = spoken
        return response
    media_type = info.content_type or _served_type(storage, data)
    if media_type.startswith("text/"):
        # Stored text is checked UTF-8, and litestar appends "; charset=utf-8" to every text/*
        # type itself: passing the stored parameter too would send it twice.
        media_type = media_type.split(";", 1)[0]
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": disposition(key, media_type), "Cache-Control": "private, no-store"},
    )
