"""The spreadsheet layout county staff use for catalogs and township lists.

One row per item; the header row names the columns in Chinese (the English field name is
accepted too on import). Responsibilities take two columns, primary (主体责任) and
cooperating (配合责任), one party per line as ``单位名称：职责`` (a financial share as
``单位名称（40%）：职责``); legal bases one citation per line; list kinds joined by ``、``.
Codes and labels are both accepted on import, labels are written on export, so a file
exported here imports back unchanged.

Text cells are escaped against formula injection: a value beginning with ``= + - @``, a
tab, a carriage return or an apostrophe gets a leading apostrophe (and is written as a
string cell), which the importer strips again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.plugin_api.types import ListStructure

TOWNSHIP_PARTY = "township"
TOWNSHIP_LABEL = "乡镇(街道)"
TOWNSHIP_ALIASES = {TOWNSHIP_PARTY, TOWNSHIP_LABEL, "乡镇（街道）", "乡镇", "街道", "镇(街道)", "镇（街道）"}
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "'")
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "", "n", "no", "false", "0", "×"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int


#: The catalog layout, in order. ``extra.<name>`` columns follow ``recovery_reason`` and
#: precede ``status`` (one per extra field of the tenant's structure).
BASE_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", 6),
    Column("code", "编码", 22),
    Column("parent_code", "上级编码", 20),
    Column("level", "层级", 12),
    Column("title", "事项名称", 36),
    Column("kinds", "清单类型", 18),
    Column("category", "类别", 12),
    Column("item_kind", "事项分类", 10),
    Column("description", "事项描述", 40),
    Column("high_frequency", "高频事项", 8),
    Column("primary", "主体责任", 40),
    Column("cooperating", "配合责任", 40),
    Column("citations", "法律依据", 44),
    Column("process", "办理流程", 30),
    Column("recovery_unit", "收回承接部门", 18),
    Column("recovery_method", "收回后工作方式", 30),
    Column("recovery_reason", "收回理由", 24),
)
STATUS = Column("status", "状态", 8)
#: A township list adds its local details after the catalog columns.
LOCAL_COLUMNS: tuple[Column, ...] = (
    Column("origin", "来源", 10),
    Column("justification", "认领理由", 24),
    Column("responsible_office", "责任科室", 18),
    Column("post", "岗位", 14),
    Column("contact", "联系方式", 16),
    Column("note", "备注", 20),
)
STATUS_LABELS = {"active": "有效", "withdrawn": "已撤销"}
ORIGIN_LABELS = {"automatic": "共性", "claimed": "认领"}


def catalog_columns(structure: ListStructure) -> list[Column]:
    taken = {c.header for c in BASE_COLUMNS} | {STATUS.header}
    extra = []
    for f in structure.extra_fields:
        header = f.label if f.label not in taken else f"{f.label}（{f.name}）"
        taken.add(header)
        extra.append(Column(f"extra.{f.name}", header, 16 if f.type != "string" else 24))
    return [*BASE_COLUMNS, *extra, STATUS]


def escape(value: str) -> str:
    """A text cell value that no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(RISKY_START) else value


def unescape(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def split_list(value: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def format_share(share: float | None) -> str:
    if share is None:
        return ""
    return f"（{share:g}%）"


_PARTY = re.compile(r"^(?P<party>.*?)\s*[（(]\s*(?P<share>\d+(?:\.\d+)?)\s*%\s*[）)]\s*$")


def parse_responsibility(line: str) -> tuple[str, str, float | None]:
    """``单位（40%）：职责`` → (party text, duty, share). The party ends at the first colon."""
    colon = re.search(r"[：:]", line)
    head, duty = (line[: colon.start()], line[colon.end() :]) if colon else (line, "")
    head = head.strip()
    match = _PARTY.match(head)
    if match:
        return match["party"].strip(), duty.strip(), float(match["share"])
    return head, duty.strip(), None


def text_of(value: Any) -> str:
    """A cell's value as text: numbers without a spurious ``.0``, escapes removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return unescape(value)
    return str(value)
