"""Fitting the story engine's join and merge models (``stories.join_model``), for the bench.

Only ``bench/clustering.py`` uses this (``--fit`` prints the shipped coefficients, and its
cross-validation refits them per fold): Newsdesk itself runs the fitted coefficients.

Training pairs come from articles labelled with their real story.

The stream is replayed as the engine sees it (same vectors, same online document
frequencies), but with the true stories: every article is compared with the few
stories opened so far that resemble it most (as the engine's index would retrieve
them: usually its own story and its look-alike sibling), and each comparison becomes
one (features, belongs) pair. Stories are small early in the stream, as they are in
production, so the model learns how much evidence a story of each size needs.
Stories keep the years and months their articles mention, as the engine's do.
"""

import dataclasses
from collections import Counter
from collections.abc import Iterable

import numpy as np

from newsdesk.stories.cluster import ClusterSettings
from newsdesk.stories.features import extract_features
from newsdesk.stories.join_model import JoinModel, pair_features, time_gap_hours
from newsdesk.stories.vectors import (
    BlockWeights,
    Contrast,
    Side,
    Vocabulary,
    add_sparse,
    block_norms,
    cosine,
    name_profile,
    vectorize,
)


def _side(ids, weights, year, vocabulary: Vocabulary, month=None) -> Side:
    return Side(
        ids,
        weights,
        block_norms(ids, weights, vocabulary),
        name_profile(ids, weights, vocabulary),
        year,
        month,
    )


def _dominant(years: Counter) -> int | None:
    return max(years.items(), key=lambda pair: (pair[1], pair[0]))[0] if years else None


def _dominant_month(months: Counter) -> str | None:
    return months.most_common(1)[0][0] if months else None


def _cosine(ids, weights, norm: float, story: Side) -> float:
    length = float(np.linalg.norm(story.weights))
    return cosine(ids, weights, norm, story.ids, story.weights, length)


Pair = tuple[np.ndarray, bool, float]  # features, same story, hours between the two sides


def join_training_pairs(
    articles: Iterable[tuple[str, str, str, float]],
    blocks: BlockWeights,
    candidates: int = 3,
    family_size: int = ClusterSettings.family,
    window_hours: float = 72.0,
) -> list[Pair]:
    """``articles``: (title, text, true story label, publication time in seconds) in
    stream order; undated streams give every article the same time. Only stories
    updated within the window are candidates, as in the engine."""
    vocabulary = Vocabulary(200_000)
    stories: dict[str, tuple] = {}  # label -> (Side, size, year counts, month counts)
    spans: dict[str, tuple[float, float]] = {}  # label -> first and last publication time
    pairs = []
    for title, text, label, when in articles:
        features = extract_features(title, text)
        ids, weights = vectorize(features, vocabulary, blocks)
        article = _side(ids, weights, features.year, vocabulary, features.month)
        # the engine only weighs the few stories its index retrieves: learn from those
        norm = float(np.linalg.norm(weights))
        open_stories = [
            item for item in stories.items() if spans[item[0]][1] >= when - window_hours * 3600
        ]
        nearest = sorted(
            open_stories, key=lambda item: -_cosine(ids, weights, norm, item[1][0])
        )[:candidates]
        contrast = Contrast(ids, weights, [s.ids for _, (s, _, _, _) in nearest[:family_size]])
        pairs.extend(
            (
                pair_features(article, story, size, vocabulary, contrast),
                other == label,
                time_gap_hours(when, when, *spans[other]),
            )
            for other, (story, size, _, _) in nearest
        )
        first, last = spans.get(label, (when, when))
        spans[label] = (min(first, when), max(last, when))
        story, size, years, months = stories.get(label, (None, 0, Counter(), Counter()))
        s_ids, s_weights = (
            (ids, weights) if story is None else add_sparse(story.ids, story.weights, ids, weights)
        )
        if features.year is not None:
            years[features.year] += 1
        if features.month is not None:
            months[features.month] += 1
        centre = _side(s_ids, s_weights, _dominant(years), vocabulary, _dominant_month(months))
        stories[label] = (centre, size + 1, years, months)
    return pairs


def merge_training_pairs(
    articles: Iterable[tuple[str, str, str, float]],
    blocks: BlockWeights,
    seed: int = 0,
    max_fragment: int = 6,
    min_cosine: float = 0.1,
    family_size: int = ClusterSettings.family,
) -> list[Pair]:
    """Pairs of story fragments: same real story (merge) or not, as the engine meets them.

    Each real story is cut at random into fragments of 1..``max_fragment`` articles (the
    pieces an online clusterer leaves when it is unsure); every two fragments whose
    centres share enough (cosine >= ``min_cosine``) make one pair.
    """
    rng = np.random.default_rng(seed)
    vocabulary = Vocabulary(200_000)
    by_label: dict[str, list] = {}
    for title, text, label, when in articles:
        features = extract_features(title, text)
        by_label.setdefault(label, []).append(
            (*vectorize(features, vocabulary, blocks), features.year, features.month, when)
        )
    fragments = []
    for label, vectors in by_label.items():
        order = rng.permutation(len(vectors))
        start = 0
        while start < len(order):
            size = int(rng.integers(1, max_fragment + 1))
            ids, weights = vectors[order[start]][0][:0], vectors[order[start]][1][:0]
            years: Counter = Counter()
            months: Counter = Counter()
            for index in order[start : start + size]:
                ids, weights = add_sparse(ids, weights, *vectors[index][:2])
                if vectors[index][2] is not None:
                    years[vectors[index][2]] += 1
                if vectors[index][3] is not None:
                    months[vectors[index][3]] += 1
            times = [vectors[index][4] for index in order[start : start + size]]
            fragments.append(
                (
                    label,
                    _side(ids, weights, _dominant(years), vocabulary, _dominant_month(months)),
                    len(order[start : start + size]),
                    (min(times), max(times)),
                )
            )
            start += size
    pairs = []
    for i, (label_a, a, size_a, span_a) in enumerate(fragments):
        norm_a = float(np.linalg.norm(a.weights))
        near = [
            (similarity, j, label_b, b, size_b, span_b)
            for j, (label_b, b, size_b, span_b) in enumerate(fragments)
            if j != i and (similarity := _cosine(a.ids, a.weights, norm_a, b)) >= min_cosine
        ]
        near.sort(key=lambda item: -item[0])
        contrast = Contrast(a.ids, a.weights, [b.ids for _, _, _, b, _, _ in near[:family_size]])
        for _, j, label_b, b, size_b, span_b in near:
            if j < i:  # each pair once
                continue
            features = pair_features(a, b, min(size_a, size_b), vocabulary, contrast)
            pairs.append((features, label_a == label_b, time_gap_hours(*span_a, *span_b)))
    return pairs


def fit_join_model(pairs: Iterable[Pair], threshold: float, l2: float = 1.0) -> JoinModel:
    """Logistic regression (L2, classes weighted equally) by Newton's method."""
    rows = list(pairs)
    if not rows or all(y for _, y, _ in rows) or not any(y for _, y, _ in rows):
        raise ValueError("fit_join_model: need both joining and non-joining pairs")
    x = np.stack([f for f, _, _ in rows])
    y = np.array([float(label) for _, label, _ in rows])
    positives = y.sum()
    sample_weight = np.where(y > 0, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    beta = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        gradient = x.T @ (sample_weight * (p - y)) + penalty @ beta
        hessian = (x * (sample_weight * p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return JoinModel(tuple(round(float(b), 4) for b in beta), threshold)


def fit_time_gap(pairs: Iterable[Pair], model: JoinModel, l2: float = 1.0) -> JoinModel:
    """``model`` with its ``time_gap`` weight fitted on dated pairs, the other
    coefficients held fixed (their log-odds are the offset), classes weighted equally.

    Held fixed so that undated streams, where every gap is 0, decide exactly as before.
    """
    rows = list(pairs)
    offset = np.array([float(np.dot(model.coefficients, f)) for f, _, _ in rows])
    gap = np.log1p(np.array([hours for _, _, hours in rows]))
    y = np.array([float(label) for _, label, _ in rows])
    positives = y.sum()
    if not rows or positives in (0, len(y)):
        raise ValueError("fit_time_gap: need both joining and non-joining pairs")
    sample_weight = np.where(y > 0, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    beta = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(offset + beta * gap, -30, 30)))
        gradient = float(np.sum(sample_weight * (p - y) * gap)) + l2 * beta
        hessian = float(np.sum(sample_weight * p * (1 - p) * gap * gap)) + l2
        step = gradient / hessian
        beta -= step
        if abs(step) < 1e-8:
            break
    return dataclasses.replace(model, time_gap=round(beta, 4))
