"""Recording a change of the law (an amendment or a repeal) and opening the adjustments it calls for."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import msgspec

from core.catalog.editing import open_draft
from core.legal import queries
from core.legal.changes import change_row, impact_of, impact_preview
from core.legal.citations import normalize_title
from core.legal.documents import (
    articles_law,
    document_row,
    initiator,
    is_shared,
    json_param,
    one_source,
    parsed_text,
    ref_label,
    source_of,
)
from core.legal.following import followed
from core.legal.lawtext import LawText
from core.legal.library import provision_rows, store_version
from core.legal.model import (
    PROVISION_CHANGES,
    AmendmentCreate,
    CitedProvision,
    ImpactReport,
    RecordedChange,
    RepealCreate,
)
from core.platform import generations
from core.platform.db import acting_as_tenant, platform_transaction, tenant_transaction
from core.platform.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from core.platform.messages import Text
from core.security import audit
from core.security.access import Access, Role, role_text
from core.security.permissions import require_admin
from core.security.tenancy import tenant_from_row


async def _document_for_change(access: Access, document_id: uuid.UUID) -> queries.DocumentRow:
    """The document, if visible to the tenant and the caller may record its changes."""
    async with tenant_transaction(access.tenant.id) as conn:
        doc = await document_row(conn, access.tenant.id, document_id)
    if is_shared(doc):
        if access.role is not Role.PLATFORM:
            raise PermissionDenied(
                Text("forbidden.national-shared-every-tenant", title=doc.title, value=role_text(access.role))
            )
    else:
        require_admin(access, "record changes of the tenant's legal documents")
    return doc


@asynccontextmanager
async def _change_scope(access: Access, doc: queries.DocumentRow) -> AsyncIterator[asyncpg.Connection]:
    """National documents: the owner's transaction (spans tenants). Own: the tenant's."""
    if is_shared(doc):
        async with platform_transaction() as conn:
            yield conn
    else:
        async with tenant_transaction(access.tenant.id) as conn:
            yield conn


async def _lock_versions(conn: asyncpg.Connection, doc: queries.DocumentRow) -> list[queries.VersionRow]:
    await conn.execute(queries.LOCK_DOCUMENT, doc.tenant_id, doc.id)
    return await queries.versions(conn, doc.tenant_id, doc.id)


def _pick(versions: list[queries.VersionRow], selector: str, field: str) -> queries.VersionRow:
    for v in versions:
        if selector in (str(v.id), v.version_date.isoformat()):
            return v
    raise ValidationFailed.on(field, Text("field.document-has-no-version", selector=selector))


def _uploaded_law(doc: queries.DocumentRow, data: AmendmentCreate) -> LawText:
    one_source(data.text, data.articles)
    if data.text is not None:
        parsed = parsed_text(data.text)
        if parsed.title != "(untitled)" and normalize_title(parsed.title) not in (
            normalize_title(doc.title),
            normalize_title(doc.short_title),
        ):
            raise ValidationFailed.on("text", Text("field.text-not", title=parsed.title, title2=doc.title))
        version_date = data.version_date or parsed.version_date
        if version_date is None:
            raise ValidationFailed.on("version_date", Text("field.date-new-version-required"))
        return LawText(
            doc.title,
            doc.short_title,
            version_date,
            doc.level,
            parsed.history,
            parsed.articles,
            parsed.warnings,
        )
    if data.version_date is None:
        raise ValidationFailed.on("version_date", Text("field.date-new-version-required"))
    assert data.articles is not None
    return articles_law(doc.title, data.version_date, doc.level, data.articles)


async def _store_upload(
    conn: asyncpg.Connection, access: Access, doc: queries.DocumentRow, law: LawText, versions: list[queries.VersionRow]
) -> queries.VersionRow:
    """The uploaded version, stored; an identical upload of a stored version is that version."""
    assert law.version_date is not None
    same_date = next((v for v in versions if v.version_date == law.version_date), None)
    if same_date is not None:
        stored = await queries.provision_texts(conn, doc.tenant_id, same_date.id)
        uploaded = sorted((a, p, i, t) for a, p, i, _label, _chapter, t in provision_rows(law))
        if [(r.article, r.paragraph, r.item, r.text) for r in stored] != uploaded:
            raise Conflict(
                Text("conflict.version-date-already-has", title=doc.title, version_date=law.version_date),
                errors=[FieldError.said("version_date", Text("field.different-version-has-date"))],
            )
        return same_date
    version_id = await store_version(conn, doc.tenant_id, doc.id, law, source_of(access))
    assert version_id is not None, "the document is locked and has no version of this date"
    return queries.VersionRow(id=version_id, version_date=law.version_date, effective_date=None)


async def record_amendment(access: Access, document_id: uuid.UUID, data: AmendmentCreate) -> RecordedChange:
    """Record that ``document_id`` was amended: from a stored version to another (stored, or
    uploaded now), taking effect on ``effective_date``; open the adjustments it calls for.
    With ``dry_run`` the same checks and analysis run and nothing is written."""
    try:
        return await _record_amendment(access, document_id, data)
    except _DryRun as preview:
        return preview.result


async def _record_amendment(access: Access, document_id: uuid.UUID, data: AmendmentCreate) -> RecordedChange:
    doc = await _document_for_change(access, document_id)
    uploading = data.text is not None or data.articles is not None
    if uploading and data.to_version is not None:
        raise ValidationFailed.on("to_version", Text("field.name-stored-version-send"))
    law = _uploaded_law(doc, data) if uploading else None
    async with _change_scope(access, doc) as conn:
        versions = await _lock_versions(conn, doc)
        if law is not None:
            target = await _store_upload(conn, access, doc, law, versions)
            if all(v.id != target.id for v in versions):
                versions = sorted([*versions, target], key=lambda v: v.version_date)
        elif data.to_version is not None:
            target = _pick(versions, data.to_version, "to_version")
        else:
            raise ValidationFailed.on("to_version", Text("field.name-new-version-id"))
        if data.from_version is not None:
            source = _pick(versions, data.from_version, "from_version")
        else:
            older = [v for v in versions if v.version_date < target.version_date]
            if not older:
                raise ValidationFailed.on(
                    "from_version",
                    Text("field.has-no-version-before", title=doc.title, version_date=target.version_date),
                )
            source = older[-1]
        if source.version_date >= target.version_date:
            raise ValidationFailed.on(
                "from_version",
                Text(
                    "field.amended-version-must-older",
                    version_date=source.version_date,
                    version_date2=target.version_date,
                ),
            )
        existing = await queries.recorded_amendment(conn, doc.tenant_id, doc.id, target.id)
        if existing is not None:
            if existing.from_version_id != source.id or existing.effective_date != data.effective_date:
                raise Conflict(
                    Text(
                        "conflict.amendment-already-recorded-effective",
                        title=doc.title,
                        effective_date=existing.effective_date,
                        id=existing.id,
                    )
                )
            change_id, created = existing.id, False
        else:
            await _check_amendable(conn, doc, target, data.effective_date)
            change_id = await conn.fetchval(
                queries.INSERT_AMENDMENT,
                doc.tenant_id,
                doc.id,
                data.effective_date,
                source.id,
                target.id,
                json_param(initiator(access)),
            )
            created = True
        applied = await _apply(conn, access, doc, change_id, created, data.dry_run)
    return await _reported(applied)


async def _check_amendable(
    conn: asyncpg.Connection, doc: queries.DocumentRow, target: queries.VersionRow, effective_date: datetime.date
) -> None:
    repeal = await conn.fetchval(queries.REPEAL_DATE, doc.tenant_id, doc.id)
    if repeal is not None:
        raise Conflict(Text("conflict.repealed-effective-repealed-document", title=doc.title, repeal=repeal))
    if effective_date < target.version_date:
        raise ValidationFailed.on(
            "effective_date",
            Text("field.before-new-version-s", effective_date=effective_date, version_date=target.version_date),
        )
    if target.effective_date is not None and target.effective_date != effective_date:
        raise ValidationFailed.on(
            "effective_date",
            Text(
                "field.version-recorded-as-effective",
                version_date=target.version_date,
                effective_date=target.effective_date,
            ),
        )
    await conn.execute(queries.SET_VERSION_EFFECTIVE, doc.tenant_id, target.id, effective_date)
    await generations.bump(conn, doc.tenant_id)


async def record_repeal(access: Access, document_id: uuid.UUID, data: RepealCreate) -> RecordedChange:
    """Record that ``document_id`` is repealed from ``effective_date`` (optionally succeeded by
    another document); open the adjustments it calls for. With ``dry_run`` the same checks
    and analysis run and nothing is written."""
    try:
        return await _record_repeal(access, document_id, data)
    except _DryRun as preview:
        return preview.result


async def _record_repeal(access: Access, document_id: uuid.UUID, data: RepealCreate) -> RecordedChange:
    doc = await _document_for_change(access, document_id)
    async with _change_scope(access, doc) as conn:
        versions = await _lock_versions(conn, doc)
        existing = await queries.recorded_repeal(conn, doc.tenant_id, doc.id)
        if existing is not None:
            if existing.effective_date != data.effective_date or existing.successor_id != data.successor_id:
                raise Conflict(
                    Text(
                        "conflict.already-recorded-as-repealed",
                        title=doc.title,
                        effective_date=existing.effective_date,
                        id=existing.id,
                    )
                )
            change_id, created = existing.id, False
        else:
            await _check_repeal(conn, doc, versions, data)
            change_id = await conn.fetchval(
                queries.INSERT_REPEAL,
                doc.tenant_id,
                doc.id,
                data.effective_date,
                data.successor_id,
                json_param(initiator(access)),
            )
            await conn.execute(queries.MARK_REPEALED, doc.tenant_id, doc.id, data.successor_id)
            await generations.bump(conn, doc.tenant_id)
            created = True
        applied = await _apply(conn, access, doc, change_id, created, data.dry_run)
    return await _reported(applied)


async def _check_repeal(
    conn: asyncpg.Connection, doc: queries.DocumentRow, versions: list[queries.VersionRow], data: RepealCreate
) -> None:
    first, last = versions[0], versions[-1]
    if data.effective_date < first.version_date:
        raise ValidationFailed.on(
            "effective_date",
            Text(
                "field.before-was-promulgated",
                effective_date=data.effective_date,
                title=doc.title,
                version_date=first.version_date,
            ),
        )
    latest = last.effective_date or last.version_date
    if data.effective_date < latest:
        raise ValidationFailed.on(
            "effective_date",
            Text(
                "field.before-latest-version-effective",
                effective_date=data.effective_date,
                version_date=last.version_date,
                latest=latest,
            ),
        )
    if data.successor_id is None:
        return
    if data.successor_id == doc.id:
        raise ValidationFailed.on("successor_id", Text("field.document-does-not-succeed"))
    successor = await queries.successor(conn, doc.tenant_id, data.successor_id)
    if successor is None:
        scope = "national" if is_shared(doc) else "national or this tenant's"
        raise ValidationFailed.on(
            "successor_id", Text("field.no-document", scope=scope, successor_id=data.successor_id)
        )


class _DryRun(Exception):
    """Raised with a dry run's result so that its transaction rolls back."""

    def __init__(self, result: RecordedChange) -> None:
        super().__init__("dry run")
        self.result = result


async def _apply(
    conn: asyncpg.Connection,
    access: Access,
    doc: queries.DocumentRow,
    change_id: uuid.UUID,
    created: bool,
    dry_run: bool,
) -> _Applied:
    """Analyse the change, open the adjustments still missing, and report. A dry run raises
    :class:`_DryRun` with the report, so that nothing it wrote stays."""
    change = await change_row(conn, doc.tenant_id, change_id)
    affected = await _affected(conn, change)
    if dry_run:
        report = await impact_preview(conn, change, affected)
        raise _DryRun(RecordedChange(created=False, opened=0, dry_run=True, report=report))
    opened = await _open_adjustments(conn, access, change, affected)
    if created and not is_shared(doc):  # national changes are audited in each tenant opened
        await audit.record(
            access,
            "legal_change",
            str(change_id),
            change.kind,
            after={"document": doc.title, "effective_date": change.effective_date},
        )
    if is_shared(doc):  # read after commit, see _reported
        return _Applied(created, opened, change, None)
    return _Applied(created, opened, change, await impact_of(conn, change))


class _Applied(msgspec.Struct):
    created: bool
    opened: int
    change: queries.ChangeRow
    report: ImpactReport | None  # None: read after commit


async def _reported(applied: _Applied) -> RecordedChange:
    """The change's report. A national change's is read after its transaction committed, as
    the owner: the adjustments were written as the application role tenant by tenant, and
    on Citus a transaction cannot read as one role the placements it wrote as another."""
    report = applied.report
    if report is None:
        async with platform_transaction() as conn:
            report = await impact_of(conn, applied.change)
    return RecordedChange(created=applied.created, opened=applied.opened, dry_run=False, report=report)


class _Hit(msgspec.Struct):
    """An affected item: its title, the draft its adjustment goes to, what it cites."""

    title: str
    draft_version: int
    provisions: list[CitedProvision]


Affected = dict[uuid.UUID, dict[str, _Hit]]


async def _affected(conn: asyncpg.Connection, change: queries.ChangeRow) -> Affected:
    """Per tenant, the active items of its latest catalog version (the draft, else the last
    published) citing what the change touches, with the cited provisions."""
    if change.kind == "amend":
        assert change.from_version_id is not None and change.to_version_id is not None, "an amendment has both"
        moves = await followed(conn, change.tenant_id, change.from_version_id, change.to_version_id)
        rows = await queries.cited_citations(conn, change)
        touched = moves.touched
    else:
        rows = await queries.repealed_citations(conn, change)
        touched = None
    # Thousands of items cite a few hundred provisions: each one judged and labelled once.
    seen: dict[tuple[int | None, int | None, int | None], CitedProvision | None] = {}
    affected: Affected = {}
    for r in rows:
        key = (r.article, r.paragraph, r.item)
        if key in seen:
            provision = seen[key]
        else:
            kind = r.change if touched is None else touched(r.article, r.paragraph, r.item)
            label = r.label if r.article is not None and r.label else ref_label(r.article, r.paragraph, r.item)
            provision = seen[key] = None if kind is None else CitedProvision(label, kind)
        if provision is None:
            continue
        hits = affected.get(r.tenant_id)
        if hits is None:
            hits = affected[r.tenant_id] = {}
        hit = hits.get(r.item_code)
        if hit is None:
            hit = hits[r.item_code] = _Hit(r.title, r.draft_version, [])
        if all(c.label != provision.label for c in hit.provisions):
            hit.provisions.append(provision)
    return affected


def _reason(change: queries.ChangeRow, cited: list[CitedProvision]) -> str:
    title = change.document_title
    labels = "、".join(c.label for c in cited[:20]) + ("等" if len(cited) > 20 else "")
    if change.kind == "repeal":
        successor = f"，由《{change.successor_title}》替代" if change.successor_title else ""
        return f"《{title}》自{change.effective_date}起废止{successor}；本事项依据其{labels}，请调整法律依据或事项"
    parts = "、".join(sorted({PROVISION_CHANGES[c.change] for c in cited}))
    return (
        f"《{title}》修改（{change.to_date}版，自{change.effective_date}起施行）：本事项引用的{labels}{parts}，请复核"
    )


async def _open_adjustments(
    conn: asyncpg.Connection, access: Access, change: queries.ChangeRow, affected: Affected
) -> int:
    """One open ``law_changed`` adjustment per affected item and change, in each tenant's draft."""
    if not affected:
        return 0
    if not is_shared(change):
        return await _open_for_tenant(conn, access, change, affected.get(access.tenant.id, {}))
    records = await queries.tenant_records(conn, list(affected))
    opened = 0
    for record in records:
        tenant = tenant_from_row(record)
        acting = Access(tenant=tenant, principal=access.principal, request_id=access.request_id)
        async with acting_as_tenant(tenant.id) as tenant_conn:
            opened += await _open_for_tenant(tenant_conn, acting, change, affected[tenant.id])
    return opened


async def _open_for_tenant(
    conn: asyncpg.Connection, access: Access, change: queries.ChangeRow, items: dict[str, _Hit]
) -> int:
    done = await queries.adjusted_codes(conn, access.tenant.id, change.id, list(items))
    todo = {code: hit.provisions for code, hit in items.items() if code not in done}
    if not todo:
        return 0
    number, _ = await open_draft(conn, access)
    base = {
        "law_change_id": str(change.id),
        "document_id": str(change.document_id),
        "document_title": change.document_title,
        "change": change.kind,
        "effective_date": change.effective_date.isoformat(),
    }
    codes = list(todo)
    inserted = await conn.fetch(
        queries.OPEN_ADJUSTMENTS,
        access.tenant.id,
        number,
        change.effective_date,
        json_param(initiator(access)),
        change.id,
        codes,
        [_reason(change, todo[c]) for c in codes],
        [json_param({**base, "provisions": todo[c]}) for c in codes],
    )
    await audit.record(
        access,
        "legal_change",
        str(change.id),
        "open_adjustments",
        after={
            "document": change.document_title,
            "kind": change.kind,
            "catalog_version": number,
            "items": len(inserted),
        },
    )
    return len(inserted)
