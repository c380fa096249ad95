#!/usr/bin/env python3
"""How far do plain cosines of the story engine's article vectors separate ECB+'s events?

    .venv/bin/python bench/clustering_ceiling.py [--data FILE.jsonl] [--json]

Not a benchmark of Newsdesk's engine (that is bench/clustering.py) but a reference for
it: the same features and vectors (``stories.features`` and ``stories.vectors``)
clustered offline, with hindsight no online clusterer has, and with thresholds picked
on the very articles that are scored:

- ``average_link``: agglomerative clustering of all articles at once (average linkage on
  the cosine of the engine's vectors, SciPy), at the best of a sweep of thresholds;
- ``oracle_topics_split``: the gold ECB+ topic of every article is given, and each topic
  is cut into exactly two groups (which is how many events every topic holds) by a
  spectral cut of the cosine graph, with terms reweighted inside the topic so that what
  all its articles share counts for nothing.

The first is what one cosine threshold can do; the second shows what weighing terms
against the look-alike neighbours adds (the engine does that online, without gold
topics: ``vectors.Contrast``). Progress goes to stderr; with ``--json`` the last line
of stdout is one JSON object.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from clustering import SHARED, load_articles, load_module, progress  # noqa: E402

from newsdesk.stories.features import extract_features  # noqa: E402
from newsdesk.stories.vectors import BlockWeights, Vocabulary, vectorize  # noqa: E402

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35)


def article_matrix(articles: list[dict]) -> np.ndarray:
    """Rows: the engine's vectors of the articles (document frequencies over all of them)."""
    vocabulary = Vocabulary(200_000)
    vectors = [
        vectorize(extract_features(a.get("title") or "", a.get("text") or ""), vocabulary,
                  BlockWeights())
        for a in articles
    ]
    terms = np.unique(np.concatenate([ids for ids, _ in vectors]))
    matrix = np.zeros((len(articles), len(terms)), np.float32)
    for row, (ids, weights) in enumerate(vectors):
        matrix[row, np.searchsorted(terms, ids)] = weights
    return matrix


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def average_link(matrix: np.ndarray, similarity: float) -> np.ndarray:
    rows = unit_rows(matrix)
    distance = np.clip(1.0 - rows @ rows.T, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return fcluster(tree, t=1.0 - similarity, criterion="distance")


def two_way_cut(matrix: np.ndarray) -> np.ndarray:
    """Normalised spectral cut in two, terms weighted by how few of these articles share them."""
    shared_by = (matrix != 0).sum(axis=0)
    local = np.clip(np.log((len(matrix) + 1) / (shared_by + 0.5)), 0.0, None)
    rows = unit_rows(matrix * local)
    affinity = np.clip(rows @ rows.T, 0.0, None)
    np.fill_diagonal(affinity, 0.0)
    degree = np.maximum(affinity.sum(axis=1), 1e-9)
    laplacian = np.eye(len(matrix)) - affinity / np.sqrt(np.outer(degree, degree))
    _, vectors = np.linalg.eigh(laplacian)
    fiedler = vectors[:, 1] / np.sqrt(degree)
    order = np.argsort(fiedler)
    best_cut, best_side = np.inf, None
    for size in range(1, len(matrix)):
        side = np.zeros(len(matrix), bool)
        side[order[:size]] = True
        cut = affinity[side][:, ~side].sum()
        value = cut / affinity[side].sum() + cut / affinity[~side].sum()
        if value < best_cut:
            best_cut, best_side = value, side
    return best_side


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "dev" / "ecbplus_dev.jsonl")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data}: not found; the ECB+ dev sample is expected in "
                 f"{SHARED / 'dev'} (../shared/benchmarks/clustering beside the repository)")
    score_labels = load_module("score", SHARED / "score.py").score_labels
    articles = load_articles(args.data)
    if not all("cluster" in a and "topic" in a for a in articles):
        sys.exit(f"{args.data}: every article needs 'cluster' and 'topic' for this analysis")
    ids = [str(a["id"]) for a in articles]
    gold = {i: str(a["cluster"]) for i, a in zip(ids, articles, strict=True)}
    matrix = article_matrix(articles)

    def scored(labels) -> dict:
        result = score_labels(gold, {i: str(label) for i, label in zip(ids, labels, strict=True)})
        return {k: round(result[k], 4) for k in ("b3_precision", "b3_recall", "b3_f1")}

    sweep = {}
    for threshold in THRESHOLDS:
        sweep[threshold] = scored(average_link(matrix, threshold))
        progress(f"average link, cosine >= {threshold}: {sweep[threshold]}")
    best = max(sweep, key=lambda t: sweep[t]["b3_f1"])

    labels = [""] * len(articles)
    for topic in sorted({a["topic"] for a in articles}, key=str):
        rows = [n for n, a in enumerate(articles) if a["topic"] == topic]
        side = two_way_cut(matrix[rows]) if len(rows) > 1 else np.ones(1, bool)
        for row, first in zip(rows, side, strict=True):
            labels[row] = f"{topic}:{int(first)}"
    oracle = scored(labels)
    progress(f"gold topics, each cut in two: {oracle}")
    result = {
        "average_link": {"threshold": best, **sweep[best]},
        "oracle_topics_split": oracle,
        "articles": len(articles),
    }
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
