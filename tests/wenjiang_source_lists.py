"""Wenjiang's six upstream lists (多单合一), as the CSV files a county would receive.

Generated from the seed catalog: every power, public service and territorial item appears
in each upstream list it came from (``extra.source_lists``), worded the way that list words
it — the duty-task list adds 工作, the key-area division list puts 负责 in front, the public
service list names no legal basis — so merging the six files back must find each item once,
with all of its sources. Run ``python -m tests.wenjiang_source_lists`` to rewrite
``plugins/wenjiang/data/source_lists/*.csv`` (this lives with the tests because a plugin
imports nothing but core's hookspecs and public types).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from plugins.wenjiang.catalog import CATALOG
from plugins.wenjiang.jurisdiction import JURISDICTION
from plugins.wenjiang.structure import SOURCE_LISTS, STRUCTURE

DATA = Path(__file__).resolve().parent.parent / "plugins" / "wenjiang" / "data" / "source_lists"
HEADER = [
    "序号",
    "事项名称",
    "层级",
    "上级编码",
    "清单类型",
    "类别",
    "事项分类",
    "主体责任",
    "配合责任",
    "法律依据",
    "收回承接部门",
    "收回后工作方式",
    "收回理由",
    "来源清单",
]
#: Lists that cite no legal basis in their own rows.
WITHOUT_BASES = {"duty_tasks", "public_services", "key_area_divisions"}


def _worded(title: str, source: str) -> str:
    if source == "duty_tasks":
        return title if title.endswith("工作") else f"{title}工作"
    if source == "key_area_divisions":
        return f"负责{title}"
    return title


def source_lists() -> dict[str, str]:
    """File name → CSV text, for each of the six lists."""
    units = {u.code: u.name for u in JURISDICTION.units}
    labels = {k.code: k.label for k in STRUCTURE.kinds}
    levels = {lv.code: lv.label for lv in STRUCTURE.levels}
    categories = {c.code: c.label for c in STRUCTURE.categories}
    item_kinds = {c.code: c.label for c in STRUCTURE.item_kinds}
    rows: dict[str, list[list[str]]] = {code: [] for code, _, _ in SOURCE_LISTS}
    for item in CATALOG.items:
        if item.level != "matter":
            continue
        for source in item.extra.get("source_lists", ()):
            duties = {
                role: "\n".join(
                    ("乡镇(街道)" if r.party == "township" else units[r.party]) + (f"：{r.duty}" if r.duty else "")
                    for r in item.responsibilities
                    if r.role == role
                )
                for role in ("primary", "cooperating")
            }
            rows[source].append(
                [
                    str(len(rows[source]) + 1),
                    _worded(item.title, source),
                    levels[item.level],
                    item.parent_code or "",
                    "、".join(labels[k] for k in item.kinds),
                    categories.get(item.category or "", ""),
                    item_kinds.get(item.item_kind or "", ""),
                    duties["primary"],
                    duties["cooperating"],
                    "" if source in WITHOUT_BASES else "\n".join(item.citations),
                    units[item.recovery.receiving_unit] if item.recovery else "",
                    item.recovery.working_method if item.recovery else "",
                    item.recovery.reason if item.recovery else "",
                    source,
                ]
            )
    files = {}
    for code, label, _ in SOURCE_LISTS:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows[code])
        files[f"{code}-{label}.csv"] = out.getvalue()
    return files


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, text in source_lists().items():
        (DATA / name).write_text(text, encoding="utf-8")
        print(f"{DATA / name}: {text.count(chr(10)) - 1} lines")


if __name__ == "__main__":
    main()
