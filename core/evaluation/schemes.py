"""Evaluation schemes (考核方案): relations, indicators with weights and ranges, grades.

A scheme is data. A jurisdiction's plugin supplies it (hook ``qingdan_evaluation_scheme``),
or core's :data:`DEFAULT_SCHEME` applies; the tenant keeps a copy the county admin may
change, and every version is checked by :func:`scheme_problems` — core's rules (relation
kinds, shares, weights summing as the scheme requires, score ranges, grades) and then the
plugin's (``qingdan_check_indicator`` per indicator, each rule's ``check_scheme``).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Annotated, Any

import msgspec

from core.evaluation import sources as indicator_sources
from core.evaluation import wording
from core.platform.errors import FieldError
from core.platform.inputs import NAME
from core.platform.messages import Text
from core.plugin_api import registry as plugins
from core.plugin_api.types import (
    DEFAULT_GRADES,
    AccountabilityRules,
    CatalogItem,
    EvaluationRule,
    EvaluationScheme,
    Grade,
    Indicator,
    IndicatorContext,
    Label,
    Recovery,
    Relation,
    Responsibility,
)

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", examples=["county_township"])]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200), NAME]

#: evaluator kind → evaluatee kinds it may evaluate (县对乡镇, 乡镇对部门, 乡镇/部门对派驻机构 …).
PAIRS: dict[str, set[str]] = {
    "county": {"township", "department"},
    "township": {"department", "dispatched_agency"},
    "department": {"dispatched_agency"},
}
SUBJECT_KINDS = ("township", "department", "dispatched_agency")
EPSILON = 1e-6


class RelationDoc(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    label: Name
    evaluator: str
    evaluatee: str
    share: Annotated[float, msgspec.Meta(gt=0, le=1)] = 1.0
    description: str = ""


class IndicatorDoc(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    label: Name
    relation: str
    weight: Annotated[float, msgspec.Meta(gt=0, le=1000)]
    min_score: float = 0.0
    max_score: float = 100.0
    township_types: list[str] = []
    item_code: str | None = None
    source: str = "manual"
    source_field: str | None = None
    tags: list[str] = []
    description: str = ""
    item_codes: Annotated[list[str], msgspec.Meta(max_length=50)] = []

    @property
    def rests_on(self) -> list[str]:
        """The items it rests on: ``item_codes`` and ``item_code``, each once."""
        return list(dict.fromkeys([*self.item_codes, *([self.item_code] if self.item_code else [])]))


class GradeDoc(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    label: Name
    min_score: Annotated[float, msgspec.Meta(ge=0, le=100)]


class LabelDoc(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    label: Name


class SchemeDoc(msgspec.Struct, forbid_unknown_fields=True):
    """The scheme as stored and as the API shows and takes it."""

    relations: Annotated[list[RelationDoc], msgspec.Meta(min_length=1)]
    indicators: Annotated[list[IndicatorDoc], msgspec.Meta(min_length=1, max_length=2000)]
    grades: list[GradeDoc] = msgspec.field(
        default_factory=lambda: [GradeDoc(g.code, g.label, g.min_score) for g in DEFAULT_GRADES]
    )
    township_types: list[LabelDoc] = []
    township_type_attribute: str = "township_type"
    weight_total: Annotated[float, msgspec.Meta(gt=0)] = 100.0
    note: str = ""

    def relation(self, code: str) -> RelationDoc | None:
        return next((r for r in self.relations if r.code == code), None)


DEFAULT_SCHEME = EvaluationScheme(
    relations=(
        Relation("county_township", "县对乡镇(街道)考核", "county", "township", 1.0),
        Relation("township_department", "乡镇(街道)对县直部门评价", "township", "department", 1.0),
    ),
    indicators=(
        Indicator("ct-list", "依清单履职情况", "county_township", 70),
        Indicator("ct-satisfaction", "群众满意度", "county_township", 30, tags=("satisfaction",)),
        Indicator("td-list", "依清单履职和响应乡镇呼叫", "township_department", 60),
        Indicator("td-satisfaction", "乡镇(街道)满意度", "township_department", 40, tags=("satisfaction",)),
    ),
    note="国家框架默认方案：县对乡镇考核、乡镇对县直部门评价",
)

DEFAULT_ACCOUNTABILITY = AccountabilityRules(
    situations=(
        Label("not_performed", "未按清单履行职责"),
        Label("shirked", "推诿扯皮、敷衍塞责"),
        Label("pushed_down", "违规向乡镇(街道)转嫁清单外事项"),
    ),
    methods=(
        Label("interview", "约谈"),
        Label("rectification", "责令整改"),
        Label("circular", "通报批评"),
    ),
    note="核心默认情形和方式",
)


def to_doc(scheme: EvaluationScheme) -> SchemeDoc:
    return msgspec.convert(dataclasses.asdict(scheme), SchemeDoc)


def to_scheme(doc: SchemeDoc) -> EvaluationScheme:
    """The plugin-facing frozen form of a stored scheme."""
    return EvaluationScheme(
        relations=tuple(
            Relation(r.code, r.label, r.evaluator, r.evaluatee, r.share, r.description) for r in doc.relations
        ),
        indicators=tuple(
            Indicator(
                i.code,
                i.label,
                i.relation,
                i.weight,
                i.min_score,
                i.max_score,
                tuple(i.township_types),
                i.item_code,
                i.source,
                i.source_field,
                tuple(i.tags),
                i.description,
                tuple(i.item_codes),
            )
            for i in doc.indicators
        ),
        grades=tuple(Grade(g.code, g.label, g.min_score) for g in doc.grades),
        township_types=tuple(Label(t.code, t.label) for t in doc.township_types),
        township_type_attribute=doc.township_type_attribute,
        weight_total=doc.weight_total,
        note=doc.note,
    )


def plugin_scheme(plugin: str | None) -> tuple[SchemeDoc, str]:
    """The scheme a tenant starts with, and where it came from (``plugin`` or ``default``)."""
    if plugin:
        found = plugins.call(plugin, "qingdan_evaluation_scheme")
        if found is not None:
            if not isinstance(found, EvaluationScheme):
                raise plugins.PluginError(plugin, "qingdan_evaluation_scheme", "(result)", "expected EvaluationScheme")
            return to_doc(found), "plugin"
    return to_doc(DEFAULT_SCHEME), "default"


def plugin_rules(plugin: str | None) -> tuple[EvaluationRule, ...]:
    if not plugin:
        return ()
    found = plugins.call(plugin, "qingdan_evaluation_rules") or ()
    for rule in found:
        if not isinstance(rule, EvaluationRule):
            raise plugins.PluginError(plugin, "qingdan_evaluation_rules", "(result)", "expected EvaluationRule items")
    return tuple(found)


def accountability_rules(plugin: str | None) -> AccountabilityRules:
    found = plugins.call(plugin, "qingdan_accountability_situations") if plugin else None
    return found if isinstance(found, AccountabilityRules) else DEFAULT_ACCOUNTABILITY


def plugin_item(view: Any) -> CatalogItem:
    """A catalog item (an :class:`~core.catalog.reading.ItemView`) in the plugin-facing form."""
    recovery = view.recovery
    return CatalogItem(
        code=view.code,
        title=view.title,
        level=view.level,
        kinds=tuple(view.kinds),
        parent_code=view.parent_code,
        category=view.category,
        item_kind=view.item_kind,
        description=view.description,
        responsibilities=tuple(
            Responsibility(r.party, r.role, r.duty, r.financial_share) for r in view.responsibilities
        ),
        recovery=Recovery(recovery.receiving_unit, recovery.working_method, recovery.reason) if recovery else None,
        extra=dict(view.extra),
    )


def core_problems(doc: SchemeDoc, *, sources: dict[str, tuple[str, ...]]) -> list[FieldError]:
    """Core's rules for a scheme: every problem, each naming its field."""
    problems: list[FieldError] = []
    relations: dict[str, RelationDoc] = {}
    for i, r in enumerate(doc.relations):
        where = f"relations[{i}]"
        if r.code in relations:
            problems.append(FieldError.said(f"{where}.code", Text("field.relation-appears-twice", code=r.code)))
        if r.evaluator not in PAIRS:
            problems.append(
                FieldError.said(f"{where}.evaluator", Text("field.unknown-evaluator-kind", evaluator=r.evaluator))
            )
        elif r.evaluatee not in PAIRS[r.evaluator]:
            allowed = ", ".join(sorted(PAIRS[r.evaluator]))
            problems.append(
                FieldError.said(
                    f"{where}.evaluatee",
                    Text("field.evaluates-not", evaluator=r.evaluator, allowed=allowed, evaluatee=r.evaluatee),
                )
            )
        relations[r.code] = r
    for kind in SUBJECT_KINDS:
        shares = [r.share for r in doc.relations if r.evaluatee == kind]
        if shares and abs(sum(shares) - 1) > 1e-3:
            problems.append(
                FieldError.said(
                    "relations", Text("field.shares-relations-evaluating-sum", kind=kind, value=sum(shares))
                )
            )
    types = {t.code for t in doc.township_types}
    seen: set[str] = set()
    for i, ind in enumerate(doc.indicators):
        where = f"indicators[{i}]"
        if ind.code in seen:
            problems.append(FieldError.said(f"{where}.code", Text("field.indicator-appears-twice", code=ind.code)))
        seen.add(ind.code)
        relation = relations.get(ind.relation)
        if relation is None:
            problems.append(
                FieldError.said(f"{where}.relation", Text("field.no-relation-scheme", relation=ind.relation))
            )
        if ind.min_score >= ind.max_score:
            problems.append(FieldError.said(f"{where}.max_score", Text("field.max-score-must-greater")))
        for t in ind.township_types:
            if t not in types:
                problems.append(FieldError.said(f"{where}.township_types", Text("field.unknown-township-type", t=t)))
        if ind.township_types and relation is not None and relation.evaluatee != "township":
            problems.append(
                FieldError.said(f"{where}.township_types", Text("field.only-indicators-evaluating-townships"))
            )
        if ind.source not in sources:
            known = ", ".join(sorted(sources))
            problems.append(
                FieldError.said(
                    f"{where}.source", Text("field.unknown-data-source-known", source=ind.source, known=known)
                )
            )
        elif ind.source != "manual" and not ind.source_field:
            problems.append(
                FieldError.said(f"{where}.source_field", Text("field.source-needs-source-field", source=ind.source))
            )
        elif ind.source != "manual" and ind.source_field not in sources[ind.source]:
            known = ", ".join(sources[ind.source])
            problems.append(
                FieldError.said(
                    f"{where}.source_field",
                    Text("field.has-no-field-known", source=ind.source, source_field=ind.source_field, known=known),
                )
            )
    problems += weight_problems(doc)
    grades = doc.grades
    if not grades or any(a.min_score <= b.min_score for a, b in itertools.pairwise(grades)):
        problems.append(FieldError.said("grades", Text("field.grades-are-listed-best")))
    elif grades[-1].min_score != 0:
        problems.append(FieldError.said("grades", Text("field.last-grade-starts-at")))
    return problems


def weight_problems(doc: SchemeDoc) -> list[FieldError]:
    """Weights per relation sum to ``weight_total``; per township type where types exist."""
    problems = []
    total = doc.weight_total
    for r in doc.relations:
        mine = [i for i in doc.indicators if i.relation == r.code]
        if not mine:
            problems.append(FieldError.said("indicators", Text("field.relation-has-no-indicators", code=r.code)))
            continue
        typed = r.evaluatee == "township" and any(i.township_types for i in mine)
        groups = (
            {
                t.code: [i for i in mine if not i.township_types or t.code in i.township_types]
                for t in doc.township_types
            }
            if typed
            else {"": mine}
        )
        for township_type, group in groups.items():
            got = sum(i.weight for i in group)
            if abs(got - total) > EPSILON:
                which = f" for township type {township_type}" if township_type else ""
                codes = ", ".join(i.code for i in group)
                problems.append(
                    FieldError.said(
                        "indicators",
                        Text(
                            "field.weights-relation-sum-not",
                            code=r.code,
                            which=which,
                            got=got,
                            total=total,
                            codes=codes,
                        ),
                    )
                )
    return problems


def indicator_context(
    indicator: Indicator, relation: Relation, items: dict[str, CatalogItem], titles: dict[str, str]
) -> IndicatorContext:
    """What the plugin's ``qingdan_check_indicator`` sees: the items the indicator rests on, the
    codes it names that are not items, and the items its wording names (``titles``: code → title
    of every active item of the catalog, the pool :func:`core.evaluation.wording.similar` reads)."""
    named = indicator.rests_on
    found = tuple(items[c] for c in named if c in items)
    alike = tuple(items[c] for c in wording.similar(indicator.label, ((t, c) for c, t in titles.items())) if c in items)
    return IndicatorContext(
        relation=relation,
        item=found[0] if found else None,
        items=found,
        missing=tuple(c for c in named if c not in items),
        similar=alike,
    )


def plugin_problems(
    plugin: str | None, doc: SchemeDoc, items: dict[str, CatalogItem], titles: dict[str, str] | None = None
) -> list[FieldError]:
    """The plugin's checks: ``qingdan_check_indicator`` for each indicator (``items``: the
    catalog items indicators rest on or are worded like, by code; ``titles``: code → title of
    every active catalog item, for the wording), and the rules' ``check_scheme``."""
    if not plugin:
        return []
    scheme = to_scheme(doc)
    relations = {r.code: r for r in scheme.relations}
    titles = titles if titles is not None else {code: item.title for code, item in items.items()}
    problems: list[FieldError] = []
    for i, indicator in enumerate(scheme.indicators):
        relation = relations.get(indicator.relation)
        if relation is None:
            continue
        context = indicator_context(indicator, relation, items, titles)
        found = plugins.call(plugin, "qingdan_check_indicator", indicator=indicator, context=context) or []
        problems += [
            FieldError.said(
                f"indicators[{i}].{p.field}",
                Text("field.message-2", code=indicator.code, label=indicator.label, message=p.text()),
            )
            for p in found
        ]
    for rule in plugin_rules(plugin):
        if rule.check_scheme is not None:
            problems += [FieldError(p.field, p.message, p.text()) for p in rule.check_scheme(scheme)]
    return problems


def check_plugin_scheme(plugin: str, items: dict[str, CatalogItem]) -> list[FieldError]:
    """Every check of the plugin's scheme against ``items`` (its seed catalog), no database:
    what the conformance kit runs."""
    doc, _ = plugin_scheme(plugin)
    problems = core_problems(doc, sources={n: indicator_sources.get(n).fields for n in indicator_sources.names()})
    for n, ind in enumerate(doc.indicators):
        for code in ind.rests_on:
            if code not in items:
                problems.append(
                    FieldError.said(f"indicators[{n}].item_codes", Text("field.not-seed-catalog", code=code))
                )
    return problems + plugin_problems(plugin, doc, items)
