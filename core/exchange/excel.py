"""Catalog versions and published township lists as .xlsx workbooks (see :mod:`layout`).

Workbooks are written by openpyxl in write-only mode (streamed, a few MB of memory for
thousands of rows) in a worker thread, so a large export does not stall the event loop.
They can be handed out directly or stored through the storage interface behind a signed,
expiring link (:func:`store_export`): one object per content, expired after a retention
period (:mod:`core.exchange.retention`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections.abc import Iterable
from typing import Any

import anyio.to_thread
import asyncpg
import msgspec
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.catalog import reading as catalog
from core.catalog.reading import ItemView, LegalBase, RecoveryData, ResponsibilityData
from core.catalog.structure import extra_text, load_structure
from core.exchange import queries, retention
from core.exchange.layout import (
    LOCAL_COLUMNS,
    ORIGIN_LABELS,
    STATUS,
    STATUS_LABELS,
    TOWNSHIP_LABEL,
    TOWNSHIP_PARTY,
    Column,
    catalog_columns,
    escape,
    format_share,
)
from core.lists import service as township_lists
from core.platform.db import tenant_transaction
from core.platform.storage import ObjectNotFound, Storage
from core.plugin_api.types import ExtraField, ListStructure
from core.security.access import Access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK_LIFETIME = datetime.timedelta(hours=1)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


class Export(msgspec.Struct):
    """A generated workbook; ``digest`` (SHA-256, hex) covers everything it says except when
    it was made, so two exports of the same content share it (and one stored object)."""

    filename: str
    data: bytes
    rows: int
    digest: str = ""


class ExportLink(msgspec.Struct):
    """Where a stored export can be downloaded, until ``expires_at``."""

    url: str
    key: str
    filename: str
    content_type: str
    size: int
    rows: int
    expires_at: datetime.datetime


class _Labels:
    """Code → label for everything the layout writes as a label."""

    def __init__(self, structure: ListStructure, units: dict[str, str]) -> None:
        self.kinds = {k.code: k.label for k in structure.kinds}
        self.levels = {lv.code: lv.label for lv in structure.levels}
        self.categories = {c.code: c.label for c in structure.categories}
        self.item_kinds = {c.code: c.label for c in structure.item_kinds}
        self.extra = {f.name: f for f in structure.extra_fields}
        names = list(units.values())
        # A name two units share would not import back unambiguously: write the code then.
        self.units = {code: name if names.count(name) == 1 else code for code, name in units.items()}

    def party(self, party: str) -> str:
        return TOWNSHIP_LABEL if party == TOWNSHIP_PARTY else self.units.get(party, party)


def item_values(item: ItemView, labels: _Labels, columns: list[Column]) -> dict[str, Any]:
    def duties(role: str) -> str:
        return "\n".join(
            f"{labels.party(r.party)}{format_share(r.financial_share)}" + (f"：{r.duty}" if r.duty else "")
            for r in item.responsibilities
            if r.role == role
        )

    values: dict[str, Any] = {
        "code": item.code,
        "parent_code": item.parent_code or "",
        "level": labels.levels.get(item.level, item.level),
        "title": item.title,
        "kinds": "、".join(labels.kinds.get(k, k) for k in item.kinds),
        "category": labels.categories.get(item.category, item.category) if item.category else "",
        "item_kind": labels.item_kinds.get(item.item_kind, item.item_kind) if item.item_kind else "",
        "description": item.description,
        "high_frequency": "是" if item.high_frequency else "否",
        "primary": duties("primary"),
        "cooperating": duties("cooperating"),
        "citations": "\n".join(dict.fromkeys(b.raw for b in item.legal_bases)),
        "process": item.process,
        "recovery_unit": labels.party(item.recovery.receiving_unit) if item.recovery else "",
        "recovery_method": item.recovery.working_method if item.recovery else "",
        "recovery_reason": item.recovery.reason if item.recovery else "",
        STATUS.key: STATUS_LABELS.get(item.status, item.status),
    }
    for column in columns:
        if column.key.startswith("extra."):
            name = column.key[6:]
            values[column.key] = _extra_cell(item.extra.get(name), labels.extra[name])
    return values


def _extra_cell(value: Any, field: ExtraField) -> Any:
    """Numbers stay numbers; choices are written by their labels (the importer reads them back)."""
    if field.type == "number" and value is not None:
        return value
    return extra_text(field, value)


#: The notes-sheet line that differs between two exports of the same content.
_EXPORT_TIME = "导出时间"


def _encode(values: Any) -> bytes:
    return msgspec.json.encode(values, enc_hook=str) + b"\n"


def write_workbook(
    title: str,
    columns: list[Column],
    rows: Iterable[dict[str, Any]],
    about: list[tuple[str, str]],
    digest: Any = None,
) -> bytes:
    """One sheet of items (header frozen, sensible widths) and a second sheet about the export.

    ``digest`` (a hashlib object), when given, is fed what the workbook says — title, columns,
    each row's values, the notes but the export time — as it is written (no second pass).
    """
    if digest is not None:
        digest.update(
            _encode([title, [[c.key, c.header] for c in columns], [a for a in about if a[0] != _EXPORT_TIME]])
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    ws.freeze_panes = "C2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    for number, values in enumerate(rows, start=1):
        values["number"] = number
        line = [values.get(c.key, "") for c in columns]
        if digest is not None:
            digest.update(_encode(line))
        ws.append([_cell(ws, value) for value in line])
    info = wb.create_sheet("说明")
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 60
    for key, value in about:
        info.append([_cell(info, key), _cell(info, value)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(ws: Any, value: Any) -> Any:
    """Text escaped so that it never becomes a formula (openpyxl then writes a string cell);
    multi-line text wraps."""
    if not isinstance(value, str):
        return value
    if not value:
        return None  # no cell at all: smaller and faster than an empty string cell
    value = escape(value)
    if "\n" not in value:
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.alignment = _WRAP
    return cell


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "清单"


async def _units(conn: asyncpg.Connection, access: Access) -> dict[str, str]:
    return await queries.unit_names(conn, access.tenant.id)


async def read_items(conn: asyncpg.Connection, access: Access, number: int) -> list[ItemView]:
    """Every item of a version with its responsibilities and cited texts: three scans of the
    version, whatever its size (the provision texts a page shows are not needed here)."""
    items = await queries.item_rows(conn, access.tenant.id, number)
    duties: dict[str, list[ResponsibilityData]] = {}
    for r in await queries.responsibility_rows(conn, access.tenant.id, number):
        duties.setdefault(r.item_code, []).append(ResponsibilityData(r.party, r.role, r.duty, r.financial_share))
    bases: dict[str, list[LegalBase]] = {}
    for c in await queries.citation_rows(conn, access.tenant.id, number):
        bases.setdefault(c.item_code, []).append(LegalBase(raw=c.raw, resolved=c.resolved))
    return [
        ItemView(
            code=row.code,
            version=row.version,
            title=row.title,
            level=row.level,
            kinds=list(row.kinds),
            township_scope=row.township_scope,
            parent_code=row.parent_code,
            category=row.category,
            item_kind=row.item_kind,
            description=row.description,
            high_frequency=row.high_frequency,
            process=row.process,
            extra=msgspec.json.decode(row.extra),
            recovery=msgspec.json.decode(row.recovery, type=RecoveryData) if row.recovery else None,
            status=row.status,
            withdrawn_reason=row.withdrawn_reason,
            successor_code=row.successor_code,
            content_hash=row.content_hash,
            changed_in=row.changed_in,
            revision=row.revision,
            responsibilities=duties.get(row.code, []),
            legal_bases=bases.get(row.code, []),
        )
        for row in items
    ]


async def read_version(access: Access, version: int | str | None) -> tuple[int, list[ItemView], dict[str, str]]:
    """Every item of a catalog version, and the tenant's unit names."""
    async with tenant_transaction(access.tenant.id) as conn:
        number = await catalog._readable_version(conn, access, version)
        items = await read_items(conn, access, number)
        units = await _units(conn, access)
    return number, items, units


def _about(access: Access, what: str, rows: int) -> list[tuple[str, str]]:
    now = datetime.datetime.now(datetime.UTC).astimezone().isoformat(timespec="seconds")
    return [
        ("租户", f"{access.tenant.name}（{access.tenant.slug}）"),
        ("内容", what),
        ("事项数", str(rows)),
        (_EXPORT_TIME, now),
        (
            "说明",
            "主体责任、配合责任每行一个单位，格式「单位（比例%）：职责」；法律依据每行一条；清单类型以「、」分隔。",
        ),
    ]


async def catalog_export(access: Access, version: int | str | None = None) -> Export:
    """A catalog version as a workbook: published versions for everyone, the draft for admins."""
    number, items, units = await read_version(access, version)
    structure = await load_structure(access)
    columns = catalog_columns(structure)
    labels = _Labels(structure, units)
    what = f"参考目录 第{number}版"
    digest = hashlib.sha256()
    data = await anyio.to_thread.run_sync(
        lambda: write_workbook(
            what, columns, (item_values(i, labels, columns) for i in items), _about(access, what, len(items)), digest
        )
    )
    return Export(f"{access.tenant.slug}-catalog-v{number}.xlsx", data, len(items), digest.hexdigest())


async def township_export(access: Access, township: str, number: int | None = None) -> Export:
    """A published version of a township's list (the latest without ``number``)."""
    published = await township_lists.get_published_list(access, township, number=number)
    structure = await load_structure(access)
    async with tenant_transaction(access.tenant.id) as conn:
        units = await _units(conn, access)
    columns = [c for c in catalog_columns(structure) if c.key != STATUS.key] + list(LOCAL_COLUMNS)
    labels = _Labels(structure, units)

    def rows() -> Iterable[dict[str, Any]]:
        for e in published.entries:
            values = item_values(e.item, labels, columns)
            values.update(
                origin=ORIGIN_LABELS.get(e.origin, e.origin),
                justification=e.justification,
                responsible_office=e.responsible_office,
                post=e.post,
                contact=e.contact,
                note=e.note,
            )
            yield values

    what = f"{published.township_name} 履职事项清单 第{published.version}版"
    digest = hashlib.sha256()
    data = await anyio.to_thread.run_sync(
        lambda: write_workbook(what, columns, rows(), _about(access, what, len(published.entries)), digest)
    )
    filename = f"{access.tenant.slug}-{township}-list-v{published.version}.xlsx"
    return Export(filename, data, len(published.entries), digest.hexdigest())


async def store_export(
    access: Access, storage: Storage, export: Export, lifetime: datetime.timedelta = LINK_LIFETIME
) -> ExportLink:
    """Keep the workbook in object storage and answer with a signed link that expires.

    One object per content (:mod:`core.exchange.retention`): when the same export is already
    stored, and outlives the link, it is not written again.
    """
    now = datetime.datetime.now(datetime.UTC)
    digest = export.digest or hashlib.sha256(export.data).hexdigest()
    key = retention.export_key(digest, export.filename)
    try:
        modified: datetime.datetime | None = (await storage.stat(access.tenant.id, key)).modified
    except ObjectNotFound:
        modified = None
    if retention.needs_writing(modified, lifetime, now):
        await storage.put(access.tenant.id, key, export.data, XLSX)
    url = await storage.download_url(access.tenant.id, key, lifetime)
    return ExportLink(
        url=url,
        key=key,
        filename=export.filename,
        content_type=XLSX,
        size=len(export.data),
        rows=export.rows,
        expires_at=datetime.datetime.now(datetime.UTC) + lifetime,
    )
