"""A tenant's import template: the catalog layout with dropdowns from its own data.

The template is the import's own layout (:mod:`core.exchange.layout`) under a title row, as
county workbooks have one: 层级, 清单类型, 类别, 事项分类, 高频事项, the extra fields with
choices and the unit columns offer dropdowns (Excel/WPS data validation) whose choices come
from the tenant's list structure and units, by their Chinese labels. The choices sit on a
hidden sheet (``选项``): an inline list is limited to 255 characters, a county has more units.
Where a cell may hold several values (list kinds joined by ``、``, one unit per line with its
duty) the dropdown only helps — anything may be typed, and the import checks it.

A filled-in template imports as it is (the title row is recognised and skipped).
"""

from __future__ import annotations

import hashlib
import io

import anyio.to_thread
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.catalog.structure import choice_labels, load_structure
from core.exchange import queries
from core.exchange.excel import Export
from core.exchange.layout import TOWNSHIP_LABEL, Column, catalog_columns
from core.platform.db import tenant_transaction
from core.plugin_api.types import ListStructure
from core.security.access import Access

#: Rows below the header that carry the dropdowns.
ROWS = 1000
OPTIONS_SHEET = "选项"
_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_GUIDE = (
    ("怎样填写", "第2行是表头，从第3行起每行一个事项；只有「事项名称」必填。"),
    ("分类行", "可以在事项之间插入分类行，如「一、基本履职事项」「（一）党的建设」：其下各行取这一清单类型或类别。"),
    ("编码", "留空时，与目录中同名事项对应；目录中没有的，导入时按 IMP-0001 起编号。"),
    ("层级", "留空时为最上一级；填写了上级编码时为上级的下一级。"),
    ("主体责任、配合责任", "每行一个单位，写成「单位：职责」；只写单位时可用「、」分隔多个单位。"),
    ("法律依据", "每行一条，如「《中华人民共和国安全生产法》第九条」。"),
    ("公式", "请填写值本身。含公式的单元格按 Excel/WPS 保存时的计算结果读取；没有结果的会被指出。"),
    ("先试导入", "导入时先选“试导入”（dry_run=true）：逐行指出问题和改法，什么也不写入。"),
)


def _choices(structure: ListStructure, units: dict[str, str]) -> dict[str, list[str]]:
    """Layout key → the labels its dropdown offers."""
    names = sorted(set(units.values()))
    found = {
        "level": [lv.label for lv in sorted(structure.levels, key=lambda lv: lv.depth)],
        "kinds": [k.label for k in structure.kinds],
        "category": [c.label for c in structure.categories],
        "item_kind": [c.label for c in structure.item_kinds],
        "high_frequency": ["是", "否"],
        "primary": [*names, TOWNSHIP_LABEL],
        "cooperating": [*names, TOWNSHIP_LABEL],
        "recovery_unit": names,
    }
    for f in structure.extra_fields:
        if f.choices and f.type in ("choice", "list"):
            labels = choice_labels(f)
            found[f"extra.{f.name}"] = [labels.get(c, c) for c in f.choices]
        elif f.type == "boolean":
            found[f"extra.{f.name}"] = ["是", "否"]
    return {key: values for key, values in found.items() if values}


#: Columns whose cells may hold several values: the dropdown suggests, it does not refuse.
_FREE = {"kinds", "primary", "cooperating"}


def write_template(title: str, columns: list[Column], choices: dict[str, list[str]], free: set[str]) -> bytes:
    """``free``: columns whose cells may hold several values (the dropdown suggests only)."""
    wb = Workbook()
    ws = wb.create_sheet("导入模板", 0)
    wb.remove(wb.worksheets[1])  # the default sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = _TITLE_FONT
    ws.append([c.header for c in columns])
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=i)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "C3"
    options = wb.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    at = 0
    for i, column in enumerate(columns, start=1):
        values = choices.get(column.key)
        if not values:
            continue
        at += 1
        letter = get_column_letter(at)
        options.cell(row=1, column=at, value=column.header)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=at, value=value)
        several = column.key in free
        rule = DataValidation(
            type="list",
            formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=not several,
            errorTitle="不在可选范围内",
            error=f"请从下拉列表中选择{column.header}",
            showInputMessage=True,
            promptTitle=column.header,
            prompt="可从下拉列表中选择" + ("；多个值用「、」或换行分隔" if several else ""),
        )
        target = get_column_letter(i)
        rule.add(f"{target}3:{target}{ROWS + 2}")
        ws.add_data_validation(rule)
    guide = wb.create_sheet("说明")
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 90
    for row in _GUIDE:
        guide.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def catalog_template(access: Access) -> Export:
    """The tenant's import template (any key of the tenant may fetch it)."""
    structure = await load_structure(access)
    async with tenant_transaction(access.tenant.id) as conn:
        units = await queries.unit_names(conn, access.tenant.id)
    columns = [c for c in catalog_columns(structure) if c.key != "status"]
    title = f"{access.tenant.name}履职事项清单（导入模板）"
    choices = _choices(structure, units)
    free = _FREE | {f"extra.{f.name}" for f in structure.extra_fields if f.type == "list"}
    data = await anyio.to_thread.run_sync(lambda: write_template(title, columns, choices, free))
    digest = hashlib.sha256(repr((title, [c.header for c in columns], sorted(choices.items()))).encode()).hexdigest()
    return Export(f"{access.tenant.slug}-catalog-template.xlsx", data, 0, digest)
