"""漳州市东山县 (Dongshan county, Zhangzhou, Fujian; GB/T 2260 350626) — seed 004.

Dongshan, an island county of seven towns, runs the national three-part list closest to
the letter: basic duties, cooperating duties and items recovered by county departments
(118 recovered, 106 of the 155 enforcement items once delegated among them, e.g. penalties
for unlicensed mining and illegal land occupation; fire-safety inspection went back to the
county). Dynamic adjustment is tied to admission with unified situations, time limits and
procedure: towns apply bottom-up, departments consult jointly, the county approves.
Recovered and out-of-list items may not be town evaluation indicators (an enrolment
indicator for basic medical insurance was withdrawn); basic duties are evaluated at the
towns, cooperating and recovered items at the departments. "乡镇吹哨、部门报到" handles
joint action; towns keep post-level manuals and pocket books (铜陵镇's 口袋书), and
inspection and 巡察 check execution.

The tenant is the county: its seven towns, the county departments, agencies stationed in
three towns and an enforcement squad shared by 康美镇 and 陈城镇. Data: :mod:`.jurisdiction`.

The list structure (:mod:`.structure`), the sample town list (:mod:`.catalog`) and
Dongshan's item rules (:mod:`.rules`) are plain data and functions.
"""

from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (
    CatalogItem,
    EvaluationScheme,
    Indicator,
    IndicatorContext,
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
    """The Dongshan division tree and units (sample data)."""
    return JURISDICTION


@hookimpl
def qingdan_list_structure() -> ListStructure:
    """The Dongshan three-part list (basic / cooperating / recovered)."""
    return STRUCTURE


@hookimpl
def qingdan_seed_catalog() -> SeedCatalog:
    """The Dongshan sample town list (sample data)."""
    return CATALOG


@hookimpl
def qingdan_check_item(item: CatalogItem) -> list[Problem]:
    """Dongshan's rules: recovered is never basic and names its receiver."""
    return check_item(item)


@hookimpl
def qingdan_workflows() -> tuple:
    """Admission, adjustment and call workflow definitions (data in :mod:`.workflows`)."""
    from .workflows import WORKFLOWS

    return WORKFLOWS


@hookimpl
def qingdan_evaluation_scheme() -> EvaluationScheme:
    """Dongshan's evaluation: basic duties for towns, the rest for departments."""
    return evaluation.SCHEME


@hookimpl
def qingdan_check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    """Dongshan: no township indicator on a recovered or out-of-list item."""
    return evaluation.check_indicator(indicator, context)


@hookimpl
def qingdan_landmarks() -> tuple:
    """Scenic spots and bays people name instead of their town (data in :mod:`.lookup`)."""
    from .lookup import LANDMARKS

    return LANDMARKS


@hookimpl
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
    """Coastal and Minnan wording of appeals in Dongshan (data in :mod:`.lookup`)."""
    from .lookup import SYNONYMS

    return SYNONYMS
