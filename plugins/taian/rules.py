"""Tai'an's own item rules (hook ``qingdan_check_item``).

Every item states the county department's duty, the township's duty and its legal basis —
a basis the legal library resolves, of a document not repealed — and exactly one side bears
the primary responsibility ("失职依单追责、尽职依单免责"): the township for a basic item, the
department for a cooperating one.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Problem

TOWNSHIP = "township"


def check_item(item: CatalogItem) -> list[Problem]:
    problems: list[Problem] = []
    department = [r for r in item.responsibilities if r.party != TOWNSHIP and r.duty.strip()]
    township = [r for r in item.responsibilities if r.party == TOWNSHIP and r.duty.strip()]
    if not department:
        problems.append(Problem("responsibilities", "泰安：每个事项须写明县级部门职责"))
    if not township:
        problems.append(Problem("responsibilities", "泰安：每个事项须写明乡镇(街道)职责"))
    if not item.citations:
        problems.append(Problem("citations", "泰安：每个事项须写明适用的法律法规依据"))
    elif item.legal_bases is not None:  # None: checked without the library (offline)
        problems += _basis_problems(item)
    primary = [r for r in item.responsibilities if r.role == "primary"]
    if len(primary) != 1:
        problems.append(Problem("responsibilities", "泰安：每个事项须明确且只明确一个主体责任方"))
    elif "basic" in item.kinds and primary[0].party != TOWNSHIP:
        problems.append(Problem("kinds", "泰安：基本履职事项的主体责任在乡镇(街道)"))
    elif "cooperating" in item.kinds and primary[0].party == TOWNSHIP:
        problems.append(Problem("kinds", "泰安：配合履职事项的主体责任在县级部门"))
    return problems


def _basis_problems(item: CatalogItem) -> list[Problem]:
    """At least one basis resolves; none rests on a repealed document."""
    bases = item.legal_bases or ()
    problems: list[Problem] = []
    if not any(b.resolved for b in bases):
        why = "；".join(f"{b.raw}：{b.problem}" for b in bases[:3] if b.problem)
        problems.append(Problem("citations", f"泰安：法律法规依据须能在依据库中找到（{why}）"))
    for b in bases:
        if b.status == "repealed":
            problems.append(Problem("citations", f"泰安：《{b.document_title}》已废止，不能作为依据"))
    return problems
