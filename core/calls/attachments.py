"""Files on a call or on one of its steps (a photo with the call, a report with an answer).

Objects go through :mod:`core.platform.storage` under ``calls/<call id>/<attachment id>/<file name>``
in the tenant's space; the storage enforces the size cap and the content-type allow-list
from the settings before a byte is written (413 / 415), checks the bytes against the declared
type (422 naming what they are: a file's name never decides its type), and downloads are
signed, expiring links. The row in ``call_attachments`` is written in the same transaction
that checked the caller's right to the call, after the object is stored; should the row fail,
the object is removed again.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import unicodedata
import uuid

from core.calls import queries
from core.calls.model import AttachmentUpload, AttachmentView
from core.calls.queries import AttachmentRow
from core.calls.reading import load_call
from core.calls.states import require_township_actor, require_unit_actor
from core.calls.steps import record_step
from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, NotFound, PermissionDenied, QingdanError, ValidationFailed
from core.platform.messages import Text
from core.platform.storage import MAX_SEGMENT_BYTES, ContentMismatch, Storage, StorageError
from core.security.access import Access, Role

LINK_LIFETIME = datetime.timedelta(hours=1)


class PayloadTooLarge(QingdanError):
    status, code, title = 413, "payload-too-large", "File too large"


class UnsupportedMediaType(QingdanError):
    status, code, title = 415, "unsupported-media-type", "File type not accepted"


def storage_problem(exc: StorageError) -> QingdanError:
    """The storage's refusal as a domain error (413, 415, 422 for content that is not of the
    declared type, or 422 for a bad name)."""
    said = exc.text or exc.message
    if exc.status == 413:
        return PayloadTooLarge(said, errors=[FieldError("file", exc.message, exc.text)])
    if exc.status == 415:
        return UnsupportedMediaType(said, errors=[FieldError("content_type", exc.message, exc.text)])
    if isinstance(exc, ContentMismatch):
        return ValidationFailed.on("content_base64", exc.text or exc.message)
    return ValidationFailed.on("filename", exc.text or exc.message)


def too_large(storage: Storage, size: int | None = None) -> PayloadTooLarge:
    limit = storage.max_bytes
    said = (
        Text("field.file-too-large", limit=limit)
        if size is None
        else Text("field.file-is-too-large", size=size, limit=limit)
    )
    return PayloadTooLarge(said, errors=[FieldError.said("file", said)])


def check_filename(filename: str | None) -> str:
    if not filename or not filename.strip():
        raise ValidationFailed.on("filename", Text("field.give-file-s-name"))
    name = filename.strip()
    if len(name) > 200:
        raise ValidationFailed.on("filename", Text("field.at-most-200-characters"))
    if len(name.encode("utf-8")) > MAX_SEGMENT_BYTES:  # the name is a segment of the stored key
        limit = MAX_SEGMENT_BYTES
        raise ValidationFailed.on("filename", Text("field.file-name-too-many-bytes", limit=limit, chars=limit // 3))
    if "/" in name or "\\" in name or name in (".", "..") or any(unicodedata.category(c) == "Cc" for c in name):
        raise ValidationFailed.on("filename", Text("field.plain-file-name-without"))
    return name


def check_type(storage: Storage, content_type: str | None) -> str:
    """Refuse a type outside the allow-list before the body is read."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in storage.content_types:
        said = Text(
            "storage.type-not-accepted", content_type=repr(media or "none"), allowed=", ".join(storage.content_types)
        )
        raise UnsupportedMediaType(said, errors=[FieldError.said("content_type", said)])
    return (content_type or media).strip()


def decode(storage: Storage, encoded: str) -> bytes:
    """The file's bytes; a body whose base64 alone is over the cap is refused undecoded."""
    if len(encoded) > (storage.max_bytes + 2) // 3 * 4 + 4:
        raise too_large(storage, len(encoded) * 3 // 4)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed.on("content_base64", Text("field.not-valid-base64")) from exc


async def upload(access: Access, storage: Storage, call_id: uuid.UUID, file: AttachmentUpload) -> AttachmentView:
    """Attach a file to the call (the township or the county office) or to a unit's part
    of it (``unit``: that unit or the county office), optionally to one step of its history."""
    name = check_filename(file.filename)
    content_type = check_type(storage, file.content_type)
    unit, step = file.unit, file.step
    data = decode(storage, file.content_base64)
    if len(data) > storage.max_bytes:
        raise too_large(storage, len(data))
    if not data:
        raise ValidationFailed.on("file", Text("field.file-empty"))
    try:  # the content decides the type, before anything is read or written for the call
        content_type = storage.verify_content(content_type, data)
    except StorageError as exc:
        raise storage_problem(exc) from exc
    attachment_id = uuid.uuid4()
    key = f"calls/{call_id}/{attachment_id}/{name}"
    async with tenant_transaction(access.tenant.id) as conn:
        call = await load_call(conn, access, call_id, lock=True)
        if unit is not None:
            require_unit_actor(access, unit, "attach a file")
            if not await queries.was_dispatched(conn, access.tenant.id, call_id, unit):
                raise NotFound(Text("not-found.call-was-not-dispatched", call_id=call_id, unit=unit))
        elif access.role is Role.DEPARTMENT:
            raise PermissionDenied(Text("forbidden.department-key-attaches-files"))
        else:
            require_township_actor(access, call.township_code, "attach a file to the call")
        if step is not None and not await queries.has_step(conn, access.tenant.id, call_id, step):
            raise ValidationFailed.on("step", Text("field.call-has-no-step", step=step))
        try:
            stored = await storage.put(access.tenant.id, key, data, content_type)
        except StorageError as exc:
            raise storage_problem(exc) from exc
        try:
            row = await queries.insert_attachment(
                conn,
                access.tenant.id,
                attachment_id,
                call_id,
                step,
                unit,
                name,
                key,
                stored.content_type,
                stored.size,
                stored.sha256,
                access.principal.name,
            )
            await record_step(
                conn,
                access,
                call_id,
                "attach",
                unit=unit,
                data={"attachment_id": str(attachment_id), "filename": name, "step": step, "size": stored.size},
            )
        except BaseException:
            await storage.delete(access.tenant.id, key)
            raise
    return await _attachment_view(storage, access, row)


async def _attachment_view(storage: Storage, access: Access, row: AttachmentRow) -> AttachmentView:
    link = await storage.download_url(access.tenant.id, row.object_key, LINK_LIFETIME)
    return AttachmentView(
        id=row.id,
        call_id=row.call_id,
        step_seq=row.step_seq,
        unit_code=row.unit_code,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        uploaded_by=row.uploaded_by,
        download_url=link,
    )


async def list_attachments(access: Access, storage: Storage, call_id: uuid.UUID) -> list[AttachmentView]:
    """Every file of the call, with a signed download link valid for an hour."""
    async with tenant_transaction(access.tenant.id) as conn:
        await load_call(conn, access, call_id)
        rows = await queries.attachment_rows(conn, access.tenant.id, call_id)
    return [await _attachment_view(storage, access, r) for r in rows]
