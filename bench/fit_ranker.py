"""Fit the learned re-ranking of the lookup (core/publication/ranker.json) on the dev sets.

    python -m pytest -p tests.conftest bench/ranker_candidates.py -q --basetemp=/tmp/pt-ranker
    python -m bench.fit_ranker [--write]

Model: an item's score is its BM25 score × exp(w · f), f its
:data:`~core.publication.lookup_index.FEATURES` among the best
:data:`~core.publication.lookup_index.RERANK_DEPTH` candidates (w = 0 is plain BM25). w is
fitted by a listwise softmax loss (−log of the labelled candidates' share of a softmax over the
appeal's candidates, every appeal weighing the same; closer to top-1 than a pairwise loss,
which moved the folds less: 433 against 437) with an L2 penalty λ‖w‖², by gradient descent.

Honest estimate: leave one dev set out (train on the others, measure top-1 among the candidates
on the one left out, rotate); λ is chosen inside each training part by the same rotation over
its sets (nested), so the figure on the left-out set never saw it. The held-out set is not read.
With ``--write`` the weights fitted on all the dev sets, at the λ the rotation prefers, go to
core/publication/ranker.json with how they were fitted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from core.publication.lookup_index import FEATURES, RANKER_FILE, RERANK_DEPTH

CANDIDATES = Path(__file__).with_name("ranker_candidates.json")
SETS = ("dev", "dev2", "dev3", "dev4", "dev5")
LAMBDAS = (0.0, 0.0003, 0.001, 0.003, 0.01)


def load(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES, "candidates recorded for other features: record them again"
    rows = []
    for r in data["rows"]:
        rows.append(
            {
                "set": r["set"],
                "base": np.log(np.maximum(np.array(r["scores"], dtype=float), 1e-6)),
                "f": np.array(r["features"], dtype=float).reshape(len(r["scores"]), len(FEATURES)),
                "y": np.array(r["label"], dtype=bool),
            }
        )
    return rows


def top1(rows: list[dict], w: np.ndarray) -> int:
    """Appeals whose best re-ranked candidate the label accepts (ties: the BM25 order)."""
    hits = 0
    for r in rows:
        s = r["base"] + r["f"] @ w
        hits += bool(r["y"][int(np.argmax(s))])
    return hits


def fit(rows: list[dict], lam: float, steps: int = 4000, rate: float = 1.0) -> np.ndarray:
    """Listwise: minimise −log of the labelled candidates' share of a softmax over each appeal's
    candidates (every appeal weighing 1) + λ‖w‖², by gradient descent from w = 0."""
    rs = [r for r in rows if r["y"].any() and (~r["y"]).any()]  # else nothing to learn from it
    n, f = len(rs), len(FEATURES)
    base = np.full((n, RERANK_DEPTH), -np.inf)
    feat = np.zeros((n, RERANK_DEPTH, f))
    lab = np.zeros((n, RERANK_DEPTH))
    for j, r in enumerate(rs):
        m = len(r["base"])
        base[j, :m], feat[j, :m], lab[j, :m] = r["base"], r["f"], r["y"]
    w = np.zeros(f)
    for _ in range(steps):
        s = base + feat @ w
        e = np.exp(s - s.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        q = e * lab
        q = q / q.sum(axis=1, keepdims=True)
        g = np.einsum("nk,nkf->f", p - q, feat) / n + 2 * lam * w
        w -= rate * g
    return w


def choose_lambda(rows: list[dict], sets: tuple[str, ...]) -> float:
    """The λ whose left-one-set-out top-1 over ``sets`` is highest (smallest ‖w‖ on ties: larger λ)."""
    best = None
    for lam in LAMBDAS:
        got = sum(
            top1([r for r in rows if r["set"] == s], fit([r for r in rows if r["set"] in sets and r["set"] != s], lam))
            for s in sets
        )
        if best is None or got >= best[0]:
            best = (got, lam)
    assert best is not None
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--candidates", type=Path, default=CANDIDATES)
    parser.add_argument("--write", action="store_true", help="write core/publication/ranker.json")
    args = parser.parse_args()
    rows = load(args.candidates)
    zero = np.zeros(len(FEATURES))
    print(f"{len(rows)} appeals, {RERANK_DEPTH} candidates each at most; top-1 among the candidates")
    print(
        "fixed λ, left-out set: "
        + "; ".join(
            f"λ {lam}: "
            + " ".join(
                f"{s} {top1([r for r in rows if r['set'] == s], fit([r for r in rows if r['set'] != s], lam))}"
                for s in SETS
            )
            for lam in LAMBDAS
        )
    )
    total_base = total_learned = 0
    for s in SETS:
        train = [r for r in rows if r["set"] != s]
        test = [r for r in rows if r["set"] == s]
        lam = choose_lambda(train, tuple(x for x in SETS if x != s))
        w = fit(train, lam)
        base, learned = top1(test, zero), top1(test, w)
        total_base += base
        total_learned += learned
        print(f"left out {s} ({len(test)}): BM25 {base}, learned {learned} (λ {lam}; w {np.round(w, 2).tolist()})")
    print(f"all folds: BM25 {total_base}, learned {total_learned} of {len(rows)}")
    lam = choose_lambda(rows, SETS)
    w = fit(rows, lam)
    print(f"on all {len(SETS)} sets: λ {lam}, w {dict(zip(FEATURES, np.round(w, 3).tolist(), strict=True))}")
    if args.write:
        RANKER_FILE.write_text(
            json.dumps(
                {
                    "how": "bench/fit_ranker.py: listwise softmax loss on the dev sets' candidates "
                    "(bench/ranker_candidates.py), L2 λ chosen by leave-one-set-out; never the held-out set",
                    "sets": list(SETS),
                    "lambda": lam,
                    "features": list(FEATURES),
                    "weights": [round(float(x), 4) for x in w],
                    "folds": {"bm25": total_base, "learned": total_learned, "appeals": len(rows)},
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
