"""成都市温江区 (Wenjiang district, Chengdu, Sichuan; GB/T 2260 510115) — seed 000.

Wenjiang is the "多单合一" county: its 区委编办 merged six lists handed down by the province
and city (119 statutory administrative powers, 30 county-level powers granted to townships,
109 territorial-responsibility items, 269 duty tasks, 126 public-service items and 97
territorial key-area divisions of labour) into one "大清单" per 镇(街道), laid out in four
levels, 三定规定 → 职责任务 → 工作事项 → power / public service / territorial item, and
printed as a handbook with a QR code on every work item. Admission, tracking-and-evaluation
and dynamic adjustment keep the list honest; it drives post duties with A/B backups,
discipline inspection, performance evaluation and online and grid appeal dispatch.

The tenant is the district itself (成都市 is not part of the tree): 6 streets and 3 towns,
the district departments, the 司法所 / 市场监管所 stationed in three townships and an
enforcement squad shared by 寿安镇 and 和盛镇. Data: :mod:`.jurisdiction`.

The list structure (:mod:`.structure`), the sample catalog (:mod:`.catalog`) and the
rule that every leaf names its source lists (:mod:`.rules`) are plain data and functions.
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
    """The Wenjiang division tree and units (sample data)."""
    return JURISDICTION


@hookimpl
def qingdan_list_structure() -> ListStructure:
    """The Wenjiang four-level list structure (三定规定 → 职责任务 → 工作事项 → 事项)."""
    return STRUCTURE


@hookimpl
def qingdan_seed_catalog() -> SeedCatalog:
    """The Wenjiang sample big list (sample data)."""
    return CATALOG


@hookimpl
def qingdan_check_item(item: CatalogItem) -> list[Problem]:
    """Wenjiang's rules: leaves name their source lists; recovered items their receiver."""
    return check_item(item)


@hookimpl
def qingdan_workflows() -> tuple:
    """Admission, adjustment and call workflow definitions (data in :mod:`.workflows`)."""
    from .workflows import WORKFLOWS

    return WORKFLOWS


@hookimpl
def qingdan_evaluation_scheme() -> EvaluationScheme:
    """Wenjiang's evaluation keyed to the list."""
    return evaluation.SCHEME


@hookimpl
def qingdan_check_indicator(indicator: Indicator, context: IndicatorContext) -> list[Problem]:
    """Wenjiang: district-department work is never a township target."""
    return evaluation.check_indicator(indicator, context)


@hookimpl
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
    """Sichuanese wording of appeals in Wenjiang (data in :mod:`.lookup`)."""
    from .lookup import SYNONYMS

    return SYNONYMS
