"""Whether an article belongs to a story: a small logistic model over block cosines.

One similarity threshold cannot serve both a two-article story and a fifty-article
one, nor tell look-alike events apart: they share their words (high word cosine) and
differ in names, numbers and dates. The model weighs the three block cosines (words,
names, numbers; weekdays and months are date terms of the numbers block), whether both
sides have names/numbers at all, whether each side's heaviest names appear in the
other, whether both are mainly about the same name (who or where: a DUI arrest of one
player is not that of his team-mate), whether the years and months they mention most
agree, the story's size, and the cosine with the terms weighed against the few
stories nearest the article (``vectors.Contrast``: what sets it apart from its
look-alike sibling, not what the siblings share). A second model with the same
features decides merges of two stories, and the folding of settled fragments.

Their coefficients were fitted on labelled news (``bench/clustering_training.py`` on
the ECB+ dev sample); ``bench/clustering.py`` refits them with folds grouped by topic
and reports that cross-validated score beside the one of the shipped fit. Fitting lives
with the benchmark: nothing in Newsdesk itself learns.
"""

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsdesk.stories.vectors import (
    Contrast,
    Side,
    Vocabulary,
    block_cosines,
    lead_names,
    name_coverage,
)

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
    "cos_contrast",
)


def pair_features(
    a: Side, b: Side, story_size: int, vocabulary: Vocabulary, contrast: Contrast | None = None
) -> np.ndarray:
    """What the model sees of an article (``a``) against a story (``b``), or two stories.

    ``contrast``: ``a`` weighed against the few stories nearest it (see ``Contrast``);
    without it, against none (a plain cosine).
    """
    if contrast is None:
        contrast = Contrast(a.ids, a.weights, ())
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
            contrast.cosine(b.ids, b.weights),
        ]
    )


DAY = 86_400.0


def covered_until(moment: float) -> float:
    """The end of the time a publication timestamp stands for.

    A timestamp at exactly midnight UTC is taken for a date without a time of day (feeds
    and archives often give only the date), so it stands for the whole day: two reports
    dated one day apart may have been published an hour apart.
    """
    return moment + DAY if moment % DAY == 0 else moment


def time_gap_hours(first_a: float, last_a: float, first_b: float, last_b: float) -> float:
    """Hours between two spans of publication times (0 if they overlap)."""
    return max(0.0, first_a - covered_until(last_b), first_b - covered_until(last_a)) / 3600.0


@dataclass(frozen=True)
class JoinModel:
    """Coefficients (in ``FEATURE_NAMES`` order), the weight of the time gap, and the
    probability needed to act.

    ``time_gap``: the log-odds added per unit of ``log(1 + hours)`` between the two
    sides' coverage (``time_gap_hours``; negative: reports of one event come close
    together, so coverage hours or days apart needs more of the other evidence to be
    believed one event). Undated articles all carry the stream's one moment, so it adds
    nothing there; it was fitted after the other coefficients, with them held fixed, on
    dated streams (``bench/clustering_training.py``).
    """

    coefficients: tuple[float, ...]
    threshold: float = 0.5
    time_gap: float = 0.0

    @cached_property
    def _vector(self) -> np.ndarray:
        return np.array(self.coefficients)  # made once, not on every comparison

    def probability(self, features: np.ndarray, gap_hours: float = 0.0) -> float:
        score = float(np.dot(self._vector, features)) + self.time_gap * math.log1p(gap_hours)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


# Fitted on the ECB+ dev sample, stream orders 0-2 (``bench/clustering.py --fit`` prints
# them); thresholds chosen for precision (a wrong merge hurts readers more than a missed
# one), with the consolidation pass (``StoryIndex.consolidate``) folding the fragments
# that strict thresholds leave. bench/clustering.py refits both with folds grouped by
# topic and reports that score too.
JOIN_MODEL = JoinModel(
    (
        -3.3668, 4.0809, 3.4231, 4.2355, 0.3643, -1.5284, -0.644, 0.4071, 0.4604, 1.4526,
        -0.7784, 0.3683, -0.7126, -0.1369, 0.171, 0.4404, 9.0812,
    ),
    threshold=0.92,
    time_gap=-0.1229,
)
MERGE_MODEL = JoinModel(
    (
        -3.1698, 2.3223, 5.3222, 5.7577, 0.0, -2.1151, -2.0361, -0.0081, 1.5631, 2.0137,
        -0.9123, 0.1297, -0.9054, -0.2098, 0.6508, 0.0827, 3.3558,
    ),
    threshold=0.9,
    time_gap=-0.4594,
)

