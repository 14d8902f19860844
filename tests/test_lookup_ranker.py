"""The learned re-ranking of the lookup (core/publication/ranker.json, bench/fit_ranker.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench import fit_ranker
from core.publication import lookup_index
from core.publication.lexicon import Lexicon
from core.publication.lookup_index import FEATURES, RANKER_FILE, Document, Index, Ranker, load_ranker

DOCS = [
    Document("A", "森林防火巡查", ["护林员巡山，发现火情及时报告"]),
    Document("B", "森林防火宣传", ["宣传森林防火知识"], parent="森林防火巡查"),
    Document("C", "农村道路养护", ["道路坑洼修补"]),
]


def test_the_shipped_weights_fit_the_features() -> None:
    """A ranker.json fitted for other features is ignored (plain BM25): the shipped one is not."""
    assert len(load_ranker().weights) == len(FEATURES)
    assert json.loads(RANKER_FILE.read_text(encoding="utf-8"))["features"] == list(FEATURES)


def test_other_features_fall_back_to_bm25(tmp_path: Path) -> None:
    stale = tmp_path / "ranker.json"
    stale.write_text(json.dumps({"features": ["old"], "weights": [1.0]}), encoding="utf-8")
    assert load_ranker(stale) == Ranker()


def test_scores_do_not_depend_on_the_list_ranked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-ranked over the whole catalog before a list's items are kept: an item scores the same
    in any list holding it, and the first keeps the best BM25 score."""
    index = Index(DOCS, Lexicon({}, frozenset()))
    query = {"森林": 1.0, "防火": 1.0, "巡查": 1.0}
    learned = {h.code: h.score for h in index.rank(query)}
    restricted = index.rank(query, {"B", "C"})
    assert restricted and all(h.score == learned[h.code] for h in restricted)
    monkeypatch.setattr(lookup_index, "RANKER", Ranker())
    plain = index.rank(query)
    assert max(learned.values()) == plain[0].score
    monkeypatch.setattr(lookup_index, "RANKER", Ranker((0.0,) * len(FEATURES)))
    assert [(h.code, h.score) for h in index.rank(query)] == [(h.code, h.score) for h in plain]


def _synthetic(seed: int, sets: tuple[str, ...]) -> list[dict]:
    """Appeals whose labelled candidate is the one the first feature favours, with BM25 noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in sets:
        for _ in range(40):
            f = rng.normal(size=(6, len(FEATURES)))
            base = rng.normal(scale=0.5, size=6)
            y = np.zeros(6, dtype=bool)
            y[int(np.argmax(2 * f[:, 0] + rng.normal(scale=0.5, size=6)))] = True
            rows.append({"set": s, "base": base, "f": f, "y": y, "u": y})
    return rows


def test_newton_reaches_the_loss_minimum_and_lambda_follows_the_loss() -> None:
    """The fit's Newton steps end at a loss no higher than gradient descent's, learn what the
    labels follow, and λ is chosen by the left-out loss among the candidates of LAMBDAS."""
    rows = _synthetic(7, ("a", "b", "c"))
    newton, gd = fit_ranker.fit(rows, 0.001), fit_ranker.fit_gd(rows, 0.001, steps=300)

    def objective(w: np.ndarray) -> float:
        return fit_ranker.loss(rows, w) + 0.001 * float(w @ w)

    assert objective(newton) <= objective(gd) + 1e-6
    assert newton[0] > 1.0
    zero = np.zeros(len(FEATURES))
    assert fit_ranker.top1(rows, newton) > fit_ranker.top1(rows, zero)
    one, three, unit = fit_ranker.figures(rows, newton)
    assert one == unit == fit_ranker.top1(rows, newton) and three >= one
    assert fit_ranker.choose_lambda(rows, ("a", "b", "c")) in fit_ranker.LAMBDAS
