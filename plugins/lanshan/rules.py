"""Lanshan's own item rules (hook ``qingdan_check_item``).

A shared power names a primary and a cooperating party, each with its financial share,
and the shares sum to 100; wherever shares are given (core powers too) they sum to 100.
Towns never bear the primary responsibility for a district core power. Every red line of
the negative list states its accountability situation.
"""

from __future__ import annotations

from core.plugin_api.types import CatalogItem, Problem

TOWNSHIP = "township"
FIELD = "responsibilities.financial_share"


def _share_problems(item: CatalogItem) -> list[Problem]:
    shares = [r.financial_share for r in item.responsibilities]
    given = [s for s in shares if s is not None]
    problems = [Problem(FIELD, f"兰山：财权占比须在0到100之间，现为{s:g}") for s in given if not 0 <= s <= 100]
    if "shared" in item.kinds and (not shares or len(given) < len(shares)):
        problems.append(Problem(FIELD, "兰山：共有事权须写明各方的财权分配占比"))
    elif given and abs(sum(given) - 100) > 0.01:
        problems.append(Problem(FIELD, f"兰山：财权分配占比合计须为100，现为{sum(given):g}"))
    return problems


def check_item(item: CatalogItem) -> list[Problem]:
    problems = _share_problems(item)
    roles = {r.role for r in item.responsibilities}
    if "shared" in item.kinds and not {"primary", "cooperating"} <= roles:
        problems.append(Problem("responsibilities", "兰山：共有事权须同时明确主体责任和配合责任"))
    if "core" in item.kinds and any(r.party == TOWNSHIP and r.role == "primary" for r in item.responsibilities):
        problems.append(Problem("responsibilities", "兰山：区级核心事权不由镇街承担主体责任"))
    situation = item.extra.get("accountability_situation")
    if "negative" in item.kinds and not (isinstance(situation, str) and situation.strip()):
        problems.append(Problem("extra.accountability_situation", "兰山：负面清单事项须写明问责情形"))
    return problems
