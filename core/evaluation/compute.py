"""Scores → results, with the whole explanation. Pure: no I/O, one pass over the scores.

For one subject (a township, department or dispatched agency) and one relation evaluating it:

* each score is normalised to 0–100 on its indicator's range;
* an indicator's value is the share-weighted mean over the evaluators who scored it
  (shares from the jurisdiction's rules, else equal); a source-backed indicator takes the
  source's value; an indicator nobody scored counts 0 and is listed as missing;
* the relation's score is Σ weight / weight_total × value over the indicators that apply
  (common ones, plus those of the township's type where the scheme is typed).

The overall score is Σ relation share × relation score (a relation without any score
counts 0, and the result is marked incomplete), graded by the scheme's bands; then each
rule's ``adjust`` may change score or grade, and every change is recorded with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from core.evaluation.schemes import IndicatorDoc, SchemeDoc
from core.plugin_api.types import EvaluationRule, Grade, RelationScore, ResultDraft, Subject

FORMULA = (
    "总分 = Σ 考核关系权重 × 关系得分；关系得分 = Σ 指标权重/权重总和 × 指标得分(折算为百分制，"
    "多个评价主体按其权重加权平均)；再按等次区间定等，最后适用本地规则"
)


@dataclass
class Computed:
    subject: str
    subject_kind: str
    subject_name: str
    score: float
    grade: str
    complete: bool
    explanation: dict[str, Any]


def grade_of(score: float, grades: tuple[Grade, ...]) -> str:
    for g in grades:
        if score >= g.min_score - 1e-9:
            return g.code
    return grades[-1].code


def _applies(indicator: IndicatorDoc, subject: Subject) -> bool:
    return not indicator.township_types or subject.township_type in indicator.township_types


@dataclass
class Aggregates:
    """Scores reduced per subject: what :func:`compute` needs, whatever did the reducing.

    ``means[(relation, subject)][indicator] = (share-weighted mean raw score, evaluators)``;
    ``subtotals[(relation, subject)][evaluator]`` = Σ weight / weight_total × normalised score
    over the indicators that evaluator scored (for the explanation).
    """

    means: dict[tuple[str, str], dict[str, tuple[float | None, int]]]
    subtotals: dict[tuple[str, str], dict[str, float]]


def evaluator_shares(
    doc: SchemeDoc, subjects: list[Subject], rules: tuple[EvaluationRule, ...]
) -> dict[tuple[str, str], dict[str, float]]:
    """The shares the rules give, per (relation, subject); absent: equal shares."""
    found: dict[tuple[str, str], dict[str, float]] = {}
    share_rules = [r for r in rules if r.evaluator_shares is not None]
    if not share_rules:
        return found
    for subject in subjects:
        for relation in doc.relations:
            if relation.evaluatee != subject.kind:
                continue
            for rule in share_rules:
                shares = rule.evaluator_shares(subject, relation.code)
                if shares:
                    found[(relation.code, subject.code)] = dict(shares)
    return found


def compute(
    doc: SchemeDoc,
    subjects: list[Subject],
    reduced: Aggregates,
    *,
    shares: dict[tuple[str, str], dict[str, float]] | None = None,
    rules: tuple[EvaluationRule, ...] = (),
    sourced: dict[tuple[str, str], float] | None = None,
) -> list[Computed]:
    """Results for ``subjects`` from the reduced scores; ``shares`` are the rules' evaluator
    shares (:func:`evaluator_shares`); ``sourced`` maps (indicator, subject) to a score a data
    source gave."""
    sourced = sourced or {}
    shares = shares or {}
    grades = tuple(Grade(g.code, g.label, g.min_score) for g in doc.grades)
    labels = {g.code: g.label for g in doc.grades}
    by_relation: dict[str, list[IndicatorDoc]] = defaultdict(list)
    for ind in doc.indicators:
        by_relation[ind.relation].append(ind)
    adjust_rules = [r for r in rules if r.adjust is not None]
    typed = bool(doc.township_types)
    total_weight = doc.weight_total

    results = []
    for subject in subjects:
        parts: dict[str, RelationScore] = {}
        explained: list[dict[str, Any]] = []
        missing: list[str] = []
        overall = 0.0
        for relation in doc.relations:
            if relation.evaluatee != subject.kind:
                continue
            key = (relation.code, subject.code)
            indicators = [i for i in by_relation[relation.code] if _applies(i, subject)]
            means = reduced.means.get(key, {})
            subtotals = reduced.subtotals.get(key, {})
            ruled = shares.get(key)
            evaluator_share = {e: (ruled.get(e, 0.0) if ruled else 1.0) for e in subtotals}
            rel_score = 0.0
            rows = []
            any_score = False
            for ind in indicators:
                span = ind.max_score - ind.min_score
                weight = ind.weight / total_weight
                entry: dict[str, Any] = {"code": ind.code, "label": ind.label, "weight": ind.weight}
                if ind.source != "manual":
                    raw = sourced.get((ind.code, subject.code))
                    entry["source"] = f"{ind.source}.{ind.source_field}"
                    entry["evaluators"] = 0
                    if raw is not None:
                        entry["raw"] = round(raw, 4)
                else:
                    raw, entry["evaluators"] = means.get(ind.code, (None, 0))
                value = None if raw is None else (raw - ind.min_score) / span * 100
                if value is None:
                    entry["value"] = 0.0
                    entry["contribution"] = 0.0
                    entry["missing"] = True
                    missing.append(f"{relation.code}.{ind.code}")
                else:
                    any_score = True
                    entry["value"] = round(value, 4)
                    entry["contribution"] = round(weight * value, 4)
                    rel_score += weight * value
                rows.append(entry)
            if typed and relation.evaluatee == "township" and subject.township_type is None:
                missing.append(f"{relation.code}: township has no township type, only common indicators apply")
            if not any_score:
                missing.append(relation.code)
            rel_grade = grade_of(rel_score, grades)
            parts[relation.code] = RelationScore(
                relation.code, rel_score, rel_grade, relation.share, {e: round(v, 4) for e, v in subtotals.items()}
            )
            overall += relation.share * rel_score
            total_share = sum(evaluator_share.values()) or 1.0
            explained.append(
                {
                    "relation": relation.code,
                    "label": relation.label,
                    "share": relation.share,
                    "score": round(rel_score, 4),
                    "grade": rel_grade,
                    "contribution": round(relation.share * rel_score, 4),
                    "evaluators": [
                        {"evaluator": e, "share": round(evaluator_share[e] / total_share, 4), "subtotal": round(s, 4)}
                        for e, s in sorted(subtotals.items())
                    ],
                    "evaluator_shares_from": "rule" if ruled else "equal",
                    **(
                        {"summed_by": subject.hosts[0]}
                        if subject.kind == "dispatched_agency" and len(subject.hosts) > 1 and len(subtotals) > 1
                        else {}
                    ),
                    "indicators": rows,
                }
            )
        if not parts:
            continue
        draft = ResultDraft(subject, overall, grade_of(overall, grades), parts)
        effects = []
        for rule in adjust_rules:
            for effect in rule.adjust(draft, grades) or []:
                effects.append(
                    {
                        "rule": effect.rule,
                        "field": effect.field,
                        "before": effect.before,
                        "after": effect.after,
                        "reason": effect.reason,
                    }
                )
                if effect.field == "score":
                    draft = ResultDraft(subject, float(effect.after), draft.grade, parts)
                elif effect.field == "grade":
                    draft = ResultDraft(subject, draft.score, str(effect.after), parts)
        results.append(
            Computed(
                subject=subject.code,
                subject_kind=subject.kind,
                subject_name=subject.name,
                score=round(draft.score, 4),
                grade=draft.grade,
                complete=not missing,
                explanation={
                    "formula": FORMULA,
                    "weight_total": total_weight,
                    "township_type": subject.township_type,
                    "computed_score": round(overall, 4),
                    "computed_grade": grade_of(overall, grades),
                    "grade_label": labels.get(draft.grade, draft.grade),
                    "relations": explained,
                    "rules": effects,
                    "missing": missing,
                },
            )
        )
    return results
