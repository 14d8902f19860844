"""临沂市兰山区 (Lanshan district, Linyi, Shandong; GB/T 2260 371302) — seed 003.

Lanshan sorts powers into three lists ("1+X" 事权改革): 10 core development powers kept by
the district (planning, industrial layout, area development, project approval …), a first
batch of 18 district–town shared powers (city-management enforcement, road maintenance,
urban-rural sanitation …) each with a primary and a cooperating party and a financial
share ratio, and 54 powers delegated to towns (business registration, food-business
licence, health licence …). Towns call district departments through the platform
("平台指令、众人响应"); village and community cadres get a negative list of 20 red lines.
Evaluation is differentiated: the 11 towns/streets and the provincial development zone are
typed as modern-service-led, industry-led or agriculture-led, each with its own indicators
and weights on top of the common ones (party building, poverty, environment, safety).

The tenant is the district: 4 streets, 7 towns and the development zone, each carrying
``attributes["township_type"]``; the district departments, agencies stationed in three
townships and an enforcement squad shared by 方城镇 and 汪沟镇. Data: :mod:`.jurisdiction`.

The list structure (:mod:`.structure`), the sample lists (:mod:`.catalog`) and Lanshan's
item rules (:mod:`.rules`) are plain data and functions.
"""

from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (
    CatalogItem,
    EvaluationRule,
    EvaluationScheme,
    JurisdictionInfo,
    LegalDocument,
    ListStructure,
    Problem,
    SeedCatalog,
)

from . import evaluation
from .catalog import CATALOG
from .documents import DOCUMENTS
from .jurisdiction import JURISDICTION
from .rules import check_item
from .structure import STRUCTURE


@hookimpl
def qingdan_jurisdiction() -> JurisdictionInfo:
    """The Lanshan division tree and units (sample data)."""
    return JURISDICTION


@hookimpl
def qingdan_list_structure() -> ListStructure:
    """The Lanshan three power lists and the negative list."""
    return STRUCTURE


@hookimpl
def qingdan_seed_catalog() -> SeedCatalog:
    """The Lanshan sample power lists and negative list (sample data)."""
    return CATALOG


@hookimpl
def qingdan_legal_documents() -> tuple[LegalDocument, ...]:
    """The district's 事权清单管理办法 (sample), which its items cite."""
    return DOCUMENTS


@hookimpl
def qingdan_check_item(item: CatalogItem) -> list[Problem]:
    """Lanshan's rules: financial shares sum to 100; red lines state accountability."""
    return check_item(item)


@hookimpl
def qingdan_workflows() -> tuple:
    """Admission, adjustment and call workflow definitions (data in :mod:`.workflows`)."""
    from .workflows import WORKFLOWS

    return WORKFLOWS


@hookimpl
def qingdan_evaluation_scheme() -> EvaluationScheme:
    """Lanshan's differentiated evaluation: common plus per-township-type indicators."""
    return evaluation.SCHEME


@hookimpl
def qingdan_evaluation_rules() -> tuple[EvaluationRule, ...]:
    """Lanshan's rule: every township type has indicators of its own."""
    return evaluation.RULES


@hookimpl
def qingdan_lookup_synonyms() -> dict[str, tuple[str, ...]]:
    """Southern Shandong wording of appeals in Lanshan (data in :mod:`.lookup`)."""
    from .lookup import SYNONYMS

    return SYNONYMS
