"""Whether an article belongs to a story: a small logistic model over block cosines.

One similarity threshold cannot serve both a two-article story and a fifty-article
one, nor tell look-alike events apart: they share their words (high word cosine) and
differ in names, numbers and dates. The model weighs the three block cosines (words,
names, numbers; weekdays and months are date terms of the numbers block), whether both
sides have names/numbers at all, whether each side's heaviest names appear in the
other, whether both are mainly about the same name (who or where: a DUI arrest of one
player is not that of his team-mate), whether the years and months they mention most
agree, and the story's size. A second model with the same features decides merges
of two stories.

Their coefficients were fitted on labelled news (``training.py`` on the ECB+ dev
sample); ``bench/clustering.py`` refits them with folds grouped by topic and reports
that cross-validated score beside the one of the shipped fit. Fitting uses numpy only
(Newton's method), no scikit-learn.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsdesk.stories.vectors import Side, Vocabulary, block_cosines, lead_names, name_coverage

FEATURE_NAMES = (
    "bias",
    "cos_words",
    "cos_names",
    "cos_numbers",
    "both_have_names",
    "both_have_numbers",
    "log_story_size",
    "names_covered_by_story",
    "story_names_covered",
    "same_year",
    "different_years",
    "same_month",
    "different_months",
    "same_main_name",
    "article_main_name_in_story",
    "story_main_name_in_article",
)


def pair_features(a: Side, b: Side, story_size: int, vocabulary: Vocabulary) -> np.ndarray:
    """What the model sees of an article (``a``) against a story (``b``), or two stories."""
    cosines = block_cosines(a.ids, a.weights, a.norms, b.ids, b.weights, b.norms, vocabulary)
    both_dated = a.year is not None and b.year is not None
    both_months = a.month is not None and b.month is not None
    return np.array(
        [
            1.0,
            cosines[0],
            cosines[1],
            cosines[2],
            float(a.norms[1] > 0 and b.norms[1] > 0),
            float(a.norms[2] > 0 and b.norms[2] > 0),
            math.log(max(story_size, 1)),
            name_coverage(a.names, b.names),
            name_coverage(b.names, a.names),
            float(both_dated and a.year == b.year),
            float(both_dated and a.year != b.year),
            float(both_months and a.month == b.month),
            float(both_months and a.month != b.month),
            *lead_names(a.names, b.names),
        ]
    )


@dataclass(frozen=True)
class JoinModel:
    """Coefficients (in ``FEATURE_NAMES`` order) and the probability needed to act."""

    coefficients: tuple[float, ...]
    threshold: float = 0.5

    @cached_property
    def _vector(self) -> np.ndarray:
        return np.array(self.coefficients)  # made once, not on every comparison

    def probability(self, features: np.ndarray) -> float:
        score = float(np.dot(self._vector, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


# Fitted on the ECB+ dev sample, stream orders 0-2 (see training.py); thresholds chosen
# for precision (a wrong merge hurts readers more than a missed one). bench/clustering.py
# refits both with folds grouped by topic and reports that score too.
JOIN_MODEL = JoinModel(
    (
        -3.725, 6.0647, 5.3422, 4.7529, 0.4047, -1.8281, -0.6923, 0.6386, 0.9784, 1.5292,
        -0.8644, 0.3714, -0.7671, -0.0932, 0.1388, 0.3969,
    ),
    threshold=0.85,
)
MERGE_MODEL = JoinModel(
    (
        -3.4278, 2.2964, 4.6837, 5.8242, -0.0, -2.1848, -1.9895, 0.789, 1.8815, 2.0773,
        -0.9587, 0.1879, -0.9685, -0.2199, 0.6407, 0.1016,
    ),
    threshold=0.7,
)


def fit_join_model(
    pairs: Iterable[tuple[np.ndarray, bool]], threshold: float, l2: float = 1.0
) -> JoinModel:
    """Logistic regression (L2, classes weighted equally) by Newton's method."""
    rows = list(pairs)
    if not rows or all(y for _, y in rows) or not any(y for _, y in rows):
        raise ValueError("fit_join_model: need both joining and non-joining pairs")
    x = np.stack([f for f, _ in rows])
    y = np.array([float(label) for _, label in rows])
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
