"""泰安市 (Tai'an city, Shandong; GB/T 2260 370900) — seed 002.

Tai'an is the one city-level tenant: a city-wide "1+1+6" system, one implementing opinion
and one list of 县乡"属地管理"事项主体责任和配合责任清单 (8 categories, 52 items; each states
the county department's duty, the township's duty and the legal basis, with a workflow
"施工图" and "说明书"), plus six measures. Accountability separates primary from
cooperating responsibility ("失职依单追责、尽职依单免责"). County departments may not pass
their duties down; a temporary handover needs the admission joint meeting and comes with
funding and staff. Townships call departments ("乡呼县应": may / should / must call),
rate them (about 1/3 of their performance) and rate stationed agencies (≥ 60%; an agency
set up by area is rated by all its townships and summed by the host). Four platforms:
综治工作, 市场监管, 综合执法, 便民服务.

The tree is the city, its six districts / counties / county-level cities and, so far, the
townships of 泰山区 and 岱岳区. City departments sit at the city; the two districts'
bureaus (11 each, counterparts of the city's by ``parent_unit_code``) sit at their district,
and a township's list, its export and portal pages name its district's bureaus — the
county-level departments responsible there. Data: :mod:`.jurisdiction`.

The list structure (:mod:`.structure`), the sample list (:mod:`.catalog`) and Tai'an's
item rules (:mod:`.rules`) are plain data and functions.
"""

from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (
    CatalogItem,
    EvaluationRule,
    EvaluationScheme,
    JurisdictionInfo,
    ListStructure,
    Problem,
    SeedCatalog,
)

from . import evaluation
from .catalog import CATALOG
from .jurisdiction import JURISDICTION
from .rules import check_item
from .structure import STRUCTURE


@hookimpl
def qingdan_jurisdiction() -> JurisdictionInfo:
    """The Tai'an division tree and units (sample data)."""
    return JURISDICTION


@hookimpl
def qingdan_list_structure() -> ListStructure:
    """The Tai'an list: 8 categories, primary / cooperating responsibility."""
    return STRUCTURE


@hookimpl
def qingdan_seed_catalog() -> SeedCatalog:
    """The Tai'an sample primary/cooperating responsibility list (sample data)."""
    return CATALOG


@hookimpl
def qingdan_check_item(item: CatalogItem) -> list[Problem]:
    """Tai'an's rules: department duty, township duty and legal basis on every item."""
    return check_item(item)


@hookimpl
def qingdan_workflows() -> tuple:
    """Admission, adjustment and call workflow definitions (data in :mod:`.workflows`)."""
    from .workflows import WORKFLOWS

    return WORKFLOWS


@hookimpl
def qingdan_evaluation_scheme() -> EvaluationScheme:
    """Tai'an's two-way evaluation: townships ≈ 1/3 of a department, ≥ 60% of an agency."""
    return evaluation.SCHEME


@hookimpl
def qingdan_evaluation_rules() -> tuple[EvaluationRule, ...]:
    """Tai'an's rules: 1/3, 60%, area agencies summed by the host, no excellent without the township."""
    return evaluation.RULES


@hookimpl
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
    """Central Shandong wording of appeals in Tai'an (data in :mod:`.lookup`)."""
    from .lookup import SYNONYMS

    return SYNONYMS
