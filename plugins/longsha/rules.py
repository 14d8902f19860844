"""Longsha's own item rules (hook ``qingdan_check_item``).

An item is either common to all streets or differentiated (claimed), never both; every
task says whether it is a department task or a street task; every item of the power and
responsibility list states its legal basis ("有法可依、有据可查").
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Problem

from .structure import TASK_SIDES


def check_item(item: CatalogItem) -> list[Problem]:
    problems: list[Problem] = []
    if "common" in item.kinds and "differentiated" in item.kinds:
        problems.append(Problem("kinds", "龙沙：事项不能同时属于共性清单和差异化清单"))
    if item.level == "task" and item.extra.get("task_side") not in TASK_SIDES:
        problems.append(Problem("extra.task_side", "龙沙：职责任务须注明是部门职责任务还是街道职责任务"))
    if "power_responsibility" in item.kinds and not item.citations:
        problems.append(Problem("citations", "龙沙：权责清单事项须写明法律法规依据"))
    return problems
