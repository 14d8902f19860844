"""The learned re-ranking of the lookup (core/publication/ranker.json, bench/fit_ranker.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
