"""Public types a jurisdiction plugin returns from its hooks.

Plugins import only this module and :mod:`core.plugin_api.hookspecs`. Everything here is plain,
frozen data: core validates it (see :mod:`core.plugin_api.registry`) and does all I/O itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.platform.messages import EN, ZH, Text


@dataclass(frozen=True)
class Contact:
    """A person or desk to reach at a unit (名称/职务/电话)."""

    name: str
    phone: str = ""
    role: str = ""


@dataclass(frozen=True)
class Division:
    """One node of the jurisdiction tree.

    ``code`` is the GB/T 2260 / statistical division code: 6 digits for a city or county,
    12 digits for a township/street (9-digit codes are padded with ``000``) and for a
    village/community, 15 digits (the village code plus a 3-digit number) for a grid.
    ``kind`` is one of :data:`core.jurisdictions.tree.KINDS` (``city``, ``county``, ``district``,
    ``town``, ``township``, ``street``, ``development_zone``, ``village``, ``community``,
    ``grid``). ``attributes`` holds plugin-defined facts such as Lanshan's township type.
    """

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """An organisation that bears responsibilities.

    ``kind`` is one of ``department`` (county department, 县直部门), ``township_office``
    (a township's own office, 科室), ``dispatched_agency`` (派驻机构: names its
    ``parent_unit_code`` department and one or more ``host_township_codes``) or
    ``committee`` (议事协调机构). ``code`` is a stable slug unique in the tenant
    (``[a-z0-9-]``), ``jurisdiction_code`` the division the unit belongs to.
    """

    code: str
    name: str
    kind: str
    jurisdiction_code: str
    parent_unit_code: str | None = None
    host_township_codes: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()


def dispatched_agency(code: str, name: str, parent: str, *hosts: str) -> Unit:
    """A department's agency stationed in ``hosts`` (派驻机构), sitting in the first host."""
    return Unit(code, name, "dispatched_agency", hosts[0], parent_unit_code=parent, host_township_codes=hosts)


@dataclass(frozen=True)
class Landmark:
    """A place people name instead of their township: a market, school, scenic spot, industrial
    park, bay … (风动石, 马銮湾). ``division_code`` is the township, village/community or grid it
    lies in; the responsibility lookup reads the township from it (hook ``qingdan_landmarks``)."""

    name: str
    division_code: str
    kind: str = ""  # free text: market, school, scenic_spot, industrial_park, bay …


@dataclass(frozen=True)
class JurisdictionInfo:
    """What a plugin says about the jurisdiction it serves (hook ``qingdan_jurisdiction``).

    ``slug`` is the default tenant slug (``wenjiang``); ``division_code`` the code of the
    tenant's root division, which must be one of ``divisions``; ``sample`` is true when
    any of the data is illustrative rather than taken from an official source, and
    ``sources`` says where the real parts come from.
    """

    slug: str
    name: str
    division_code: str
    divisions: tuple[Division, ...]
    units: tuple[Unit, ...] = ()
    sample: bool = True
    sources: tuple[str, ...] = ()


# --- list structure ----------------------------------------------------------------------


@dataclass(frozen=True)
class ListKind:
    """A kind of list an item can belong to (基本履职事项, 共性清单, 负面清单 …).

    ``township`` says how items of this kind reach township lists: ``all`` — every
    township has them automatically (共性, and the national basic/cooperating/recovered
    parts); ``claim`` — a township claims them with a justification (差异化); ``none`` —
    they are not township duties at all (Lanshan's district-level core powers).
    If an item belongs to several kinds, ``claim`` wins over ``all``, and ``all`` over
    ``none``. ``section`` true marks the kinds a township list is printed in parts by.

    ``role`` says what core's rules make of the kind, whatever its code:
    ``basic`` (the township performs it itself), ``cooperating`` (a county department leads,
    the township cooperates: a township with no named duty on such an item is cooperating),
    ``recovered`` (taken back by a county department: every item carries a ``Recovery``,
    and the township bears no responsibility for it) or ``other`` (no rule: the item's
    responsibilities alone say who does what). ``None`` (the default): the national codes
    ``basic``, ``cooperating`` and ``recovered`` take that role, every other code ``other``.
    Whether townships claim a kind (差异化) is ``township="claim"``.
    """

    code: str
    label: str
    label_en: str
    township: str = "all"
    section: bool = True
    description: str = ""
    role: str | None = None


@dataclass(frozen=True)
class ItemLevel:
    """One level of the item hierarchy, top first (depth 1).

    ``item_kinds`` lists the item kinds allowed at this level (empty: any).
    Wenjiang: 三定规定 → 职责任务 → 工作事项 → power/service/territorial item.
    """

    code: str
    label: str
    depth: int
    item_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    """A coded choice with its Chinese label (categories, item kinds, red-line situations)."""

    code: str
    label: str


@dataclass(frozen=True)
class ExtraField:
    """A plugin-defined item field; core validates values against ``type``.

    ``type`` is one of ``string``, ``number``, ``boolean``, ``date`` (ISO), ``choice``
    (one of ``choices``) or ``list`` (of strings, each one of ``choices`` if given).
    ``required``: every item gives the field; ``required_for``: the items of these list kinds
    give it (e.g. a ``negative`` item states its accountability situation).
    ``choice_labels``: the Chinese label of each choice, which is what people read (the portal,
    Excel, the handbook) and what an imported workbook may write instead of the code.
    """

    name: str
    label: str
    type: str = "string"
    required: bool = False
    choices: tuple[str, ...] = ()
    description: str = ""
    required_for: tuple[str, ...] = ()
    choice_labels: tuple[Label, ...] = ()


@dataclass(frozen=True)
class ListStructure:
    """How the jurisdiction's lists are built (hook ``qingdan_list_structure``)."""

    kinds: tuple[ListKind, ...]
    levels: tuple[ItemLevel, ...]
    categories: tuple[Label, ...] = ()
    item_kinds: tuple[Label, ...] = ()
    extra_fields: tuple[ExtraField, ...] = ()


# --- catalog seed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    """Who does what for an item: a unit (by code) or the township as a role.

    ``party`` is a unit code or the literal ``"township"``; ``role`` is ``primary``
    (主体责任) or ``cooperating`` (配合责任). ``financial_share`` is a percentage (Lanshan's
    shared powers: the shares of an item sum to 100).
    """

    party: str
    role: str
    duty: str = ""
    financial_share: float | None = None


@dataclass(frozen=True)
class Recovery:
    """For an item taken back by a county department (上级部门收回事项)."""

    receiving_unit: str
    working_method: str
    reason: str


@dataclass(frozen=True)
class LegalBasis:
    """One cited provision of an item as core resolved it against the tenant's library.

    ``resolved`` is False when the document is unknown, ambiguous, of another region, or the
    cited article does not exist — ``problem`` says which. ``level`` is the Chinese label (法律,
    行政法规, 部门规章, 地方性法规, 党内法规 …); ``status`` is ``in_force``, ``amended``,
    ``repealed`` or ``not_yet_effective`` as of today; ``region_code`` is the GB/T 2260 prefix of a
    local document (None: national or the tenant's own).
    """

    raw: str
    resolved: bool
    document_title: str | None = None
    level: str | None = None
    status: str | None = None
    region_code: str | None = None
    own: bool = False
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    problem: str | None = None


@dataclass(frozen=True)
class LegalDocument:
    """A local document a plugin ships with its county (hook ``qingdan_legal_documents``).

    ``text`` is the document as published, in the format of the shipped library (``# title``,
    history lines with dates, ``<!-- INFO END -->``, ``第一条 …``); ``level`` is the Chinese label
    (规范性文件, 地方政府规章, 地方性法规, 党内法规 …). Core stores it as the tenant's own document
    when the tenant is provisioned (again, idempotently, on each provisioning), so its items can
    cite it.
    """

    text: str
    level: str = "规范性文件"
    issuer: str = ""
    doc_number: str = ""


@dataclass(frozen=True)
class CatalogItem:
    """One reference-catalog item.

    ``code`` is the stable reference code (never reused); ``parent_code`` places it in the
    hierarchy at ``level`` (a :class:`ItemLevel` code); ``kinds`` are :class:`ListKind`
    codes; ``citations`` are legal bases written as people write them
    (``《中华人民共和国安全生产法》第七十七条``), parsed and resolved by core into ``legal_bases``
    (for ``qingdan_check_item``: a county may require a basis that resolves and is in force).
    """

    code: str
    title: str
    level: str
    kinds: tuple[str, ...]
    parent_code: str | None = None
    category: str | None = None
    item_kind: str | None = None
    description: str = ""
    high_frequency: bool = False
    process: str = ""
    responsibilities: tuple[Responsibility, ...] = ()
    recovery: Recovery | None = None
    citations: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # What core made of ``citations`` (one entry per cited provision, in order): None where the
    # caller checks an item without the library (the conformance kit's offline checks).
    legal_bases: tuple[LegalBasis, ...] | None = None


#: The claimed kind of a structure whose parts are national (basic / cooperating / …): rural
#: duties (差异化事项) carry it besides their part (see :func:`also_of_kind`), so the towns with
#: farmland, villages or mines claim them with a justification and urban streets do not.
DIFFERENTIATED_KIND = ListKind(
    "differentiated",
    "差异化履职事项",
    "differentiated",
    "claim",
    False,
    "农业农村、耕地和宅基地、秸秆禁烧、畜禽散养等乡村事项，由有此职责的乡镇(街道)结合实际认领",
    role="other",
)


def also_of_kind(items: tuple[CatalogItem, ...], codes: frozenset[str], kind: str) -> tuple[CatalogItem, ...]:
    """The items, those whose code is in ``codes`` also of list kind ``kind`` (e.g. a claimed
    kind, so that the townships it fits claim it instead of every township receiving it)."""
    unknown = codes - {i.code for i in items}
    if unknown:
        raise ValueError(f"no items {sorted(unknown)} to mark as {kind}")
    return tuple(replace(i, kinds=(*i.kinds, kind)) if i.code in codes else i for i in items)


@dataclass(frozen=True)
class SeedCatalog:
    """Demo/seed catalog (hook ``qingdan_seed_catalog``). Parents precede children."""

    items: tuple[CatalogItem, ...]
    sample: bool = True
    note: str = ""


@dataclass(frozen=True)
class Problem:
    """A rule a jurisdiction's validation found broken (hook ``qingdan_check_item``).

    ``message`` is said to everyone (the shipped plugins write Chinese: the people who read
    it are the county's). ``translations`` may give it in other languages by tag (``"en"``,
    ``"zh-CN"``); a caller who asks for one (``Accept-Language``) reads it there, anyone else
    reads ``message``.
    """

    field: str
    message: str
    translations: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def text(self) -> Text:
        """The message as a catalogued text (key ``plugin.rule``, the plugin's words as its parameters)."""
        return Text(
            "plugin.rule",
            zh=self.translations.get(ZH, self.message),
            en=self.translations.get(EN, self.message),
        )


# --- evaluation and accountability (双向考评, 依单问责) ----------------------------------------


@dataclass(frozen=True)
class Relation:
    """Who evaluates whom, and how much of the evaluatee's overall result it makes.

    ``evaluator`` is ``county`` (the county as a whole, entered by the 编办), ``township`` or
    ``department``; ``evaluatee`` is ``township``, ``department`` or ``dispatched_agency``.
    ``share`` (0–1) is this relation's part of the evaluatee's overall result; the shares of
    the relations with the same evaluatee kind sum to 1. Codes used by the five plugins:
    ``county_township``, ``county_department``, ``township_department`` (bottom-up),
    ``department_agency`` and ``township_agency``.
    """

    code: str
    label: str
    evaluator: str
    evaluatee: str
    share: float = 1.0
    description: str = ""


@dataclass(frozen=True)
class Indicator:
    """One evaluation indicator of a relation, with its weight and score range.

    ``township_types`` empty: a common indicator; otherwise it applies only to townships of
    those types (Lanshan). ``item_codes`` name the list items the indicator rests on (checked
    by :func:`~core.plugin_api.hookspecs.qingdan_check_indicator`); ``item_code`` is the older
    one-item form, read as ``item_codes=(item_code,)`` (:attr:`rests_on`). ``source`` says where scores come
    from: ``manual`` (entered) or a registered data source such as ``call_statistics`` with
    ``source_field`` (``satisfaction_rate``, ``closure_rate`` …). ``tags`` mark indicators a
    rule looks for (Longsha: ``satisfaction``).
    """

    code: str
    label: str
    relation: str
    weight: float
    min_score: float = 0.0
    max_score: float = 100.0
    township_types: tuple[str, ...] = ()
    item_code: str | None = None
    source: str = "manual"
    source_field: str | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    item_codes: tuple[str, ...] = ()

    @property
    def rests_on(self) -> tuple[str, ...]:
        """The codes of the items the indicator rests on, each once, in the order given."""
        return tuple(dict.fromkeys((*self.item_codes, *((self.item_code,) if self.item_code else ()))))


@dataclass(frozen=True)
class Grade:
    """A grade band: results at or above ``min_score`` (and below the next band) get it."""

    code: str
    label: str
    min_score: float


DEFAULT_GRADES: tuple[Grade, ...] = (
    Grade("excellent", "优秀", 90.0),
    Grade("good", "良好", 80.0),
    Grade("pass", "合格", 60.0),
    Grade("fail", "不合格", 0.0),
)


@dataclass(frozen=True)
class EvaluationScheme:
    """A jurisdiction's evaluation scheme (hook ``qingdan_evaluation_scheme``).

    The indicator weights of one relation sum to ``weight_total``; where ``township_types``
    are given, the common indicators plus those of each type sum to ``weight_total`` for
    that type. A township's type is its division attribute ``township_type_attribute``.
    """

    relations: tuple[Relation, ...]
    indicators: tuple[Indicator, ...]
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    township_types: tuple[Label, ...] = ()
    township_type_attribute: str = "township_type"
    weight_total: float = 100.0
    note: str = ""


@dataclass(frozen=True)
class IndicatorContext:
    """What :func:`~core.plugin_api.hookspecs.qingdan_check_indicator` sees besides the indicator.

    ``items`` are the catalog items the indicator rests on (:attr:`Indicator.rests_on`) as they
    stand in the latest published catalog; ``missing`` the codes it names that are no item there
    (清单外事项); ``item`` the first of ``items`` (None when there is none). ``similar`` are the
    catalog items whose title the indicator's own wording matches (``城乡居民基本医疗保险参保扩面率``
    matches the item ``城乡居民基本医疗保险参保扩面``), whatever items it names: what a rule about
    recovered items must look at, since a label can say what the linked items do not.
    """

    relation: Relation
    item: CatalogItem | None
    items: tuple[CatalogItem, ...] = ()
    missing: tuple[str, ...] = ()
    similar: tuple[CatalogItem, ...] = ()


@dataclass(frozen=True)
class Subject:
    """Who a result is about: a township (division code) or a unit (unit code)."""

    code: str
    kind: str
    name: str = ""
    hosts: tuple[str, ...] = ()
    parent_unit: str | None = None
    township_type: str | None = None


@dataclass(frozen=True)
class RelationScore:
    """One relation's part of a draft result: score (0–100), grade, evaluators' subtotals."""

    relation: str
    score: float
    grade: str
    share: float
    evaluators: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultDraft:
    """A computed result before the jurisdiction's rules adjust it."""

    subject: Subject
    score: float
    grade: str
    relations: dict[str, RelationScore] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleEffect:
    """What a rule changed on a result (``field`` is ``score`` or ``grade``), and why."""

    rule: str
    field: str
    before: Any
    after: Any
    reason: str


@dataclass(frozen=True)
class EvaluationRule:
    """A jurisdiction's evaluation rule (hook ``qingdan_evaluation_rules``).

    Every part is optional: ``check_scheme`` returns the problems of a scheme (run when a
    scheme is loaded or changed); ``evaluator_shares`` gives, for a subject and relation, the
    share of each evaluator (default: equal shares); ``adjust`` inspects a draft result and
    returns the effects to apply, each explained in the result.
    """

    code: str
    label: str
    description: str = ""
    check_scheme: Any = None  # Callable[[EvaluationScheme], list[Problem]]
    evaluator_shares: Any = None  # Callable[[Subject, str], dict[str, float] | None]
    adjust: Any = None  # Callable[[ResultDraft, tuple[Grade, ...]], list[RuleEffect]]


@dataclass(frozen=True)
class AccountabilityRules:
    """Situations of not performing by the list and the accountability methods (问责方式)."""

    situations: tuple[Label, ...]
    methods: tuple[Label, ...]
    note: str = ""


# --- workflows (准入, 动态调整, 乡呼县应) ----------------------------------------------------------
# Defined in core.workflow.definition and core.workflow.templates; re-exported here so that a
# plugin imports its workflow data from the one public types module.
from core.workflow.definition import CallClass as CallClass  # noqa: E402
from core.workflow.definition import Deadline as Deadline  # noqa: E402
from core.workflow.definition import State as State  # noqa: E402
from core.workflow.definition import StepInput as StepInput  # noqa: E402
from core.workflow.definition import Transition as Transition  # noqa: E402
from core.workflow.definition import WorkflowDefinition as WorkflowDefinition  # noqa: E402
from core.workflow.templates import adjustment_workflow as adjustment_workflow  # noqa: E402
from core.workflow.templates import admission_workflow as admission_workflow  # noqa: E402
from core.workflow.templates import call_workflow as call_workflow  # noqa: E402
