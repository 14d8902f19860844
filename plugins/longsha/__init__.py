"""齐齐哈尔市龙沙区 (Longsha district, Qiqihar, Heilongjiang; GB/T 2260 230202) — seed 001.

Longsha is the catalog-and-claim county, framed as "1466": one plan, four lists (共性清单,
差异化清单, 行政权力清单和责任清单, 政务服务事项清单), six mechanisms (职责准入, 动态调整,
区街联动, 派驻机构属地管理, 区直部门满意度评价, 依单履职监管问责) and six measures. The
district keeps a reference catalog (trial: 112 items) backed by a legal-basis library
(494 laws and documents, "一库一索引"); each street claims items from it to form its own
list ("一街一单"), which is reviewed, filed and published. New duties pass an admission
procedure run by the 编办 with the 司法局 and 营商局 reviewing. Streets rate the stationed
司法所, 市场监管所 and 城管中队 (60% weight), and the "吹哨—派发—办理—反馈" loop
closes citizen appeals.

The tenant has only streets, no towns: the seven streets of the district, its departments,
agencies stationed in three streets and an urban-management squad shared by 彩虹街道 and
大民街道. Data: :mod:`.jurisdiction`.

The list structure (:mod:`.structure`), the sample reference catalog (:mod:`.catalog`)
and Longsha's item rules (:mod:`.rules`) are plain data and functions.
"""

from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (
    AccountabilityRules,
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
    """The Longsha division tree and units (sample data)."""
    return JURISDICTION


@hookimpl
def qingdan_list_structure() -> ListStructure:
    """The Longsha four lists, items and their department/street tasks."""
    return STRUCTURE


@hookimpl
def qingdan_seed_catalog() -> SeedCatalog:
    """The Longsha sample reference catalog (sample data)."""
    return CATALOG


@hookimpl
def qingdan_check_item(item: CatalogItem) -> list[Problem]:
    """Longsha's rules: common xor differentiated, task sides, power-list legal basis."""
    return check_item(item)


@hookimpl
def qingdan_workflows() -> tuple:
    """Admission, adjustment and call workflow definitions (data in :mod:`.workflows`)."""
    from .workflows import WORKFLOWS

    return WORKFLOWS


@hookimpl
def qingdan_evaluation_scheme() -> EvaluationScheme:
    """Longsha's evaluation: streets rate dispatched agencies with 60% weight."""
    return evaluation.SCHEME


@hookimpl
def qingdan_evaluation_rules() -> tuple[EvaluationRule, ...]:
    """Longsha's rules: 60% for streets; street satisfaction with departments counts."""
    return evaluation.RULES


@hookimpl
def qingdan_accountability_situations() -> AccountabilityRules:
    """Longsha's 7 situations of not performing by the list and 6 methods."""
    return evaluation.ACCOUNTABILITY


@hookimpl
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
    """Northeastern wording of appeals in Longsha (data in :mod:`.lookup`)."""
    from .lookup import SYNONYMS

    return SYNONYMS
