"""Wenjiang's own item rules (hook ``qingdan_check_item``).

The big list is merged from six upstream lists, so every leaf (power, public service or
territorial item) says which of them it came from; an item the district took back names
the department that did.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Problem


def check_item(item: CatalogItem) -> list[Problem]:
    problems: list[Problem] = []
    sources = item.extra.get("source_lists")
    if item.level == "matter" and not sources:
        problems.append(Problem("extra.source_lists", "温江：每个事项须注明来自哪张上级清单（多单合一）"))
    if "recovered" in item.kinds and item.recovery is None:
        problems.append(Problem("recovery", "温江：收回事项须写明承接的区级部门和工作方式"))
    return problems
