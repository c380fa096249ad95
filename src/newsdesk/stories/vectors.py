"""Weighted sparse vectors for articles, with document frequencies learned online.

An article becomes one sparse vector made of three blocks (words, names, numbers; see
``features.py``). Each block is TF-IDF weighted, scaled to unit length and then to the
block's weight, so the cosine of two vectors is a weighted blend of the three
per-block cosines: names and numbers can outvote shared vocabulary.

Vectors are stored as two small numpy arrays (term ids, weights) so that 100,000
articles fit in tens of megabytes. Document frequencies are counts over the articles
seen, halved whenever the count of articles doubles past a bound: recent usage
dominates, and the vocabulary stays bounded because terms whose count reaches zero
are forgotten.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from newsdesk.stories.features import Features

BLOCK_PREFIXES = ("w:", "e:", "n:")  # words, names, numbers
TermIds = np.ndarray  # int32 ids, sorted
Weights = np.ndarray  # float32, same length


@dataclass(frozen=True)
class BlockWeights:
    """How much each kind of evidence counts, and how many terms of it a vector keeps."""

    words: float = 1.0
    names: float = 1.0
    numbers: float = 0.35
    keep_words: int = 80
    keep_names: int = 40
    keep_numbers: int = 20


class Vocabulary:
    """Term ids, block of each term and decayed document frequencies (bounded by ``max_docs``)."""

    def __init__(self, max_docs: int):
        self.max_docs = max_docs
        self.ids: dict[str, int] = {}
        self.terms: list[str | None] = []
        self.block_of = np.zeros(1024, dtype=np.int8)  # term id -> BLOCK_PREFIXES index
        self.df = np.zeros(1024, dtype=np.float32)  # term id -> (decayed) document frequency
        self.docs = 0.0
        self._free: list[int] = []

    def id_of(self, term: str) -> int:
        term_id = self.ids.get(term)
        if term_id is None:
            term_id = self._free.pop() if self._free else len(self.terms)
            if term_id == len(self.terms):
                self.terms.append(term)
                if term_id >= len(self.df):
                    self.block_of = np.resize(self.block_of, 2 * len(self.block_of))
                    self.df = np.resize(self.df, 2 * len(self.df))
            else:
                self.terms[term_id] = term
            self.block_of[term_id] = BLOCK_PREFIXES.index(term[:2])
            self.df[term_id] = 0.0
            self.ids[term] = term_id
        return term_id

    def ids_of(self, prefix: str, terms) -> np.ndarray:
        """Ids of ``prefix + term`` for each term, new terms added (known ones in one pass)."""
        get = self.ids.get
        found = [get(prefix + term) for term in terms]
        if None in found:
            found = [
                self.id_of(prefix + term) if known is None else known
                for term, known in zip(terms, found, strict=True)
            ]
        return np.array(found, dtype=np.int32)

    def count(self, term_ids: np.ndarray) -> None:
        """Record one more article containing ``term_ids`` (distinct); decay past the bound."""
        self.docs += 1
        self.df[term_ids] += 1.0
        if self.docs >= 2 * self.max_docs:
            self._halve()

    def idf(self, term_ids: np.ndarray) -> np.ndarray:
        return np.log((self.docs + 1.0) / (self.df[term_ids] + 1.0)) + 1.0

    def _halve(self) -> None:
        """Halve all frequencies; forget terms no longer seen (their ids are reused)."""
        self.docs /= 2
        used = len(self.terms)
        self.df[:used] /= 2
        for term_id in np.flatnonzero(self.df[:used] < 0.5).tolist():
            term = self.terms[term_id]
            if term is not None:
                del self.ids[term]
                self.terms[term_id] = None
                self._free.append(term_id)

    def memory_bytes(self) -> int:
        # dict entry + short str per term (measured average), plus the arrays
        return len(self.ids) * 150 + len(self.terms) * 8 + self.df.nbytes + self.block_of.nbytes


def vectorize(
    features: Features, vocabulary: Vocabulary, blocks: BlockWeights, learn: bool = True
) -> tuple[TermIds, Weights]:
    """Weighted vector of an article (ids sorted); ``learn`` counts it into the frequencies."""
    parts = [
        (features.words, "w:", blocks.words, blocks.keep_words),
        (features.names, "e:", blocks.names, blocks.keep_names),
        (features.numbers, "n:", blocks.numbers, blocks.keep_numbers),
    ]
    block_ids = [vocabulary.ids_of(prefix, counts) for counts, prefix, _, _ in parts]
    if learn:
        vocabulary.count(np.concatenate(block_ids))
    all_ids, all_weights = [], []
    for (counts, _, weight, keep), ids in zip(parts, block_ids, strict=True):
        if not len(ids) or weight <= 0:
            continue
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        scores = ((1.0 + np.log(tf)) * vocabulary.idf(ids)).astype(np.float32)
        if len(ids) > keep:
            top = np.argpartition(-scores, keep)[:keep]
            ids, scores = ids[top], scores[top]
        all_ids.append(ids)
        all_weights.append(scores * (weight / float(np.sqrt(np.dot(scores, scores)))))
    if not all_ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    ids, weights = np.concatenate(all_ids), np.concatenate(all_weights)
    order = np.argsort(ids)
    return ids[order], weights[order].astype(np.float32)


def add_sparse(ids_a: TermIds, w_a: Weights, ids_b: TermIds, w_b: Weights, sign: float = 1.0):
    """Sum (or difference) of two sparse vectors, ids sorted."""
    ids = np.concatenate([ids_a, ids_b])
    weights = np.concatenate([w_a, sign * w_b]).astype(np.float32)
    unique, inverse = np.unique(ids, return_inverse=True)
    summed = np.bincount(inverse, weights=weights).astype(np.float32)
    keep = np.abs(summed) > 1e-6
    return unique[keep].astype(np.int32), summed[keep]


def sparse_dot(ids_a: TermIds, w_a: Weights, ids_b: TermIds, w_b: Weights) -> float:
    _, ia, ib = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    return float(np.dot(w_a[ia], w_b[ib]))


def block_norms(ids: TermIds, weights: Weights, vocabulary: Vocabulary) -> np.ndarray:
    """Length of each block (words, names, numbers) of a vector."""
    squares = np.bincount(
        vocabulary.block_of[ids], weights=weights * weights, minlength=len(BLOCK_PREFIXES)
    )
    return np.sqrt(squares)


def block_cosines(ids_a, w_a, norms_a, ids_b, w_b, norms_b, vocabulary: Vocabulary):
    """Cosine of two vectors within each block (0 where either side has none of it)."""
    common, ia, ib = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
    dots = np.bincount(
        vocabulary.block_of[common], weights=w_a[ia] * w_b[ib], minlength=len(BLOCK_PREFIXES)
    )
    lengths = norms_a * norms_b
    return np.divide(dots, lengths, out=np.zeros(len(BLOCK_PREFIXES)), where=lengths > 0)


PRESENCE = 0.15  # a name weighing this share of a side's heaviest name is clearly mentioned


@dataclass(frozen=True)
class NameProfile:
    """A vector's heaviest names, and every name's weight relative to the heaviest one."""

    heaviest: tuple[tuple[int, float], ...]
    relative: dict[int, float]


def name_profile(
    ids: TermIds, weights: Weights, vocabulary: Vocabulary, k: int = 3, kept: int = 16
) -> NameProfile:
    """The ``k`` heaviest names, and the relative weights of the ``kept`` heaviest (bounded,
    since every open story holds one; names below a twentieth of the heaviest count as 0)."""
    is_name = vocabulary.block_of[ids] == 1
    if not is_name.any():
        return NameProfile((), {})
    name_ids, name_w = ids[is_name], weights[is_name]
    order = np.argsort(-name_w)[:kept]
    relative = name_w[order] / name_w[order[0]]
    order = order[relative >= 0.05]
    return NameProfile(
        tuple(zip(name_ids[order[:k]].tolist(), name_w[order[:k]].tolist(), strict=True)),
        dict(zip(name_ids[order].tolist(), relative[: len(order)].tolist(), strict=True)),
    )


class Side(NamedTuple):
    """What the join model compares of one side (an article, or a story's centre)."""

    ids: TermIds
    weights: Weights
    norms: np.ndarray
    names: NameProfile
    year: int | None
    month: str | None = None


def name_coverage(a: NameProfile, b: NameProfile) -> float:
    """Share of ``a``'s heaviest names that ``b`` clearly mentions (1.0 if ``a`` has none).

    Sharper than a cosine for look-alike events: a rehab story about Tara Reid is not
    about Lindsay Lohan, however much the rest of the vocabulary agrees.
    """
    if not a.heaviest:
        return 1.0
    total = sum(w for _, w in a.heaviest)
    clear = b.relative
    return sum(w for term_id, w in a.heaviest if clear.get(term_id, 0.0) >= PRESENCE) / total


def lead_names(a: NameProfile, b: NameProfile) -> tuple[float, float, float]:
    """Whether both sides are mainly about the same name, and how much each cares for the
    other's main name: (same heaviest name, a's main name in b, b's main name in a).

    The sibling events of one kind are about different people or places (a DUI arrest
    of one player, then of another from the same team): the main name decides.
    """
    if not a.heaviest or not b.heaviest:
        return 0.0, 0.0, 0.0
    top_a, top_b = a.heaviest[0][0], b.heaviest[0][0]
    return float(top_a == top_b), b.relative.get(top_a, 0.0), a.relative.get(top_b, 0.0)


def top_terms(ids: TermIds, weights: Weights, n: int) -> TermIds:
    if len(ids) <= n:
        return ids
    return ids[np.argpartition(-weights, n)[:n]]
