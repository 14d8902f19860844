"""Dongshan's own item rules (hook ``qingdan_check_item``).

An item is basic or recovered, never both; a recovered item names the county department
that took it back, how it now works there and one of the recovery reasons; only basic
duties may be indicators in the county's evaluation of towns.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Problem

from .jurisdiction import JURISDICTION
from .structure import RECOVERY_REASONS

DEPARTMENTS = frozenset(u.code for u in JURISDICTION.units if u.kind == "department")


def _recovery_problems(item: CatalogItem) -> list[Problem]:
    recovery = item.recovery
    if recovery is None:
        return [Problem("recovery", "东山：收回事项须写明承接部门、工作方式和收回理由")]
    problems: list[Problem] = []
    if recovery.receiving_unit not in DEPARTMENTS:
        problems.append(Problem("recovery.receiving_unit", "东山：承接部门须是县直部门的代码"))
    if not recovery.working_method.strip():
        problems.append(Problem("recovery.working_method", "东山：须写明收回后的工作方式"))
    if recovery.reason not in RECOVERY_REASONS:
        problems.append(Problem("recovery.reason", "东山：收回理由须是：" + "、".join(RECOVERY_REASONS)))
    return problems


def check_item(item: CatalogItem) -> list[Problem]:
    problems: list[Problem] = []
    recovered = "recovered" in item.kinds
    if recovered and "basic" in item.kinds:
        problems.append(Problem("kinds", "东山：事项不能既是基本履职事项又是收回事项"))
    if recovered:
        problems += _recovery_problems(item)
    elif item.recovery is not None:
        problems.append(Problem("recovery", "东山：只有收回事项才写承接部门"))
    if item.extra.get("township_indicator") is True and "basic" not in item.kinds:
        problems.append(Problem("extra.township_indicator", "东山：配合事项和收回事项不得作为乡镇考核指标"))
    return problems
