"""Weighted sparse vectors for articles, with document frequencies learned online.

An article becomes one sparse vector made of three blocks (words, names, numbers; see
``features.py``). Each block is TF-IDF weighted, scaled to unit length and then to the
block's weight, so the cosine of two vectors is a weighted blend of the three
per-block cosines: names and numbers can outvote shared vocabulary.

Vectors are stored as two small numpy arrays (term ids, weights) so that 100,000
articles fit in tens of megabytes. Document frequencies are counts over the articles
seen, added to a prior from general English for words and single-word names (see
``background.py``), and halved whenever the count of articles doubles past a bound:
recent usage dominates, and the vocabulary stays bounded because terms whose count
reaches zero are forgotten.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from newsdesk.stories.background import PRIOR_DOCS, prior_document_frequencies
from newsdesk.stories.features import Features

BLOCK_PREFIXES = ("w:", "e:", "n:")  # words, names, numbers
TermIds = np.ndarray  # uint32 ids (see Vocabulary), sorted
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
    """Term ids by hashing, and document frequencies in a count-min sketch: fixed memory.

    A term's id is 30 bits of its CRC-32 with its block (words, names, numbers) in the
    top two bits, so no table of terms is kept: a window of news keeps meeting new
    names, and a dictionary of every term ever seen would outgrow everything else.
    Two terms of a block share an id with odds of about one in a billion per pair
    (a few pairs among a million terms: negligible next to the evidence of the others).

    Document frequencies live in ``depth`` rows of ``width`` counters; a term's count
    is the least of its counters (each row hashes it elsewhere), and a new article
    raises only the counters at that least value ("conservative update"), which keeps
    the overcount of rare terms small. Counts are halved whenever the count of articles
    doubles past ``max_docs``: recent usage dominates.
    """

    def __init__(self, max_docs: int, width_bits: int = 22, depth: int = 2):
        self.max_docs = max_docs
        self.docs = 0.0
        self._shift = np.uint64(64 - width_bits)
        self._multipliers = np.array(_ROW_MULTIPLIERS[:depth], dtype=np.uint64)[:, None]
        self.counts = np.zeros((depth, 1 << width_bits), dtype=np.float32)

    @staticmethod
    def ids_of(prefix: str, terms) -> np.ndarray:
        """Ids of ``terms`` in the block named by ``prefix`` (see the class docstring)."""
        block = BLOCK_PREFIXES.index(prefix)
        hashes = np.fromiter(map(zlib.crc32, map(str.encode, terms)), np.uint32, len(terms))
        return (hashes & np.uint32(_HASH_MASK)) | np.uint32(block << _BLOCK_SHIFT)

    @staticmethod
    def block_of(term_ids: np.ndarray) -> np.ndarray:
        """Block of each term id (index into ``BLOCK_PREFIXES``)."""
        return (term_ids >> np.uint32(_BLOCK_SHIFT)).astype(np.intp)

    def _cells(self, term_ids: np.ndarray) -> np.ndarray:
        return (term_ids.astype(np.uint64)[None, :] * self._multipliers) >> self._shift

    def _frequency(self, cells: np.ndarray) -> np.ndarray:
        rows = np.arange(len(cells))[:, None]
        return self.counts[rows, cells].min(axis=0)

    def count(self, term_ids: np.ndarray) -> np.ndarray:
        """Record one more article containing ``term_ids`` (distinct); decay past the bound.

        Returns the terms' document frequencies, this article included.
        """
        self.docs += 1
        cells = self._cells(term_ids)
        raised = self._frequency(cells) + 1.0
        for row, row_cells in enumerate(cells):
            self.counts[row, row_cells] = np.maximum(self.counts[row, row_cells], raised)
        if self.docs >= 2 * self.max_docs:
            self.docs /= 2
            self.counts *= 0.5
            raised *= 0.5
        return raised

    def frequency(self, term_ids: np.ndarray) -> np.ndarray:
        """Document frequencies of terms as counted so far (without the prior)."""
        return self._frequency(self._cells(term_ids))

    def idf(self, seen: np.ndarray) -> np.ndarray:
        """Smoothed inverse document frequency of terms held by ``seen`` articles (their
        counts here plus the prior from general English)."""
        return np.log((self.docs + PRIOR_DOCS + 1.0) / (seen + 1.0)) + 1.0

    def memory_bytes(self) -> int:
        return self.counts.nbytes


_BLOCK_SHIFT = 30
_HASH_MASK = (1 << _BLOCK_SHIFT) - 1
# odd 64-bit multipliers: each row of the sketch scatters the ids differently
_ROW_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9)


class BlockTerms(NamedTuple):
    """One block of an article's distinct terms before weighting: what needs no window."""

    ids: TermIds  # ``Vocabulary.ids_of``, in the order the article first uses them
    counts: np.ndarray  # float32 term frequencies in the article
    priors: np.ndarray  # float32 prior document counts (``background.py``; 0 for numbers)


def count_terms(features: Features) -> tuple[BlockTerms, BlockTerms, BlockTerms]:
    """An article's words, names and numbers as ids, frequencies and priors.

    Depends on nothing but the article, so the extraction workers make it
    (``stories.prepare``) and the one clustering consumer only weighs it (``weigh``).
    """
    blocks = []
    for counts, prefix in zip(
        (features.words, features.names, features.numbers), BLOCK_PREFIXES, strict=True
    ):
        priors = (
            np.zeros(len(counts), np.float32)
            if prefix == "n:"
            else prior_document_frequencies(counts)
        )
        blocks.append(
            BlockTerms(
                Vocabulary.ids_of(prefix, counts),
                np.fromiter(counts.values(), dtype=np.float32, count=len(counts)),
                priors,
            )
        )
    return tuple(blocks)


def weigh(
    terms: Sequence[BlockTerms], vocabulary: Vocabulary, blocks: BlockWeights
) -> tuple[TermIds, Weights]:
    """Weighted vector of an article (ids sorted), counted into the document frequencies."""
    parts = zip(
        terms,
        (blocks.words, blocks.names, blocks.numbers),
        (blocks.keep_words, blocks.keep_names, blocks.keep_numbers),
        strict=True,
    )
    seen = vocabulary.count(np.concatenate([block.ids for block in terms]))
    start = 0
    all_ids, all_weights = [], []
    for block, weight, keep in parts:
        ids, end = block.ids, start + len(block.ids)
        block_seen, start = seen[start:end], end
        if not len(ids) or weight <= 0:
            continue
        idf = vocabulary.idf(block_seen + block.priors)
        scores = ((1.0 + np.log(block.counts)) * idf).astype(np.float32)
        if len(ids) > keep:
            top = np.argpartition(-scores, keep)[:keep]
            ids, scores = ids[top], scores[top]
        all_ids.append(ids)
        all_weights.append(scores * (weight / float(np.sqrt(np.dot(scores, scores)))))
    if not all_ids:
        return np.zeros(0, np.uint32), np.zeros(0, np.float32)
    ids, weights = np.concatenate(all_ids), np.concatenate(all_weights)
    order = np.argsort(ids)
    ids, weights = ids[order], weights[order].astype(np.float32)
    if len(ids) > 1 and (ids[1:] == ids[:-1]).any():  # two terms hashed alike: one term
        return add_sparse(ids[:0], weights[:0], ids, weights)
    return ids, weights


def vectorize(
    features: Features, vocabulary: Vocabulary, blocks: BlockWeights
) -> tuple[TermIds, Weights]:
    """Weighted vector of an article (ids sorted), counted into the document frequencies."""
    return weigh(count_terms(features), vocabulary, blocks)


def add_sparse(ids_a: TermIds, w_a: Weights, ids_b: TermIds, w_b: Weights, sign: float = 1.0):
    """Sum (or difference) of two sparse vectors, ids sorted."""
    ids = np.concatenate([ids_a, ids_b])
    weights = np.concatenate([w_a, sign * w_b]).astype(np.float32)
    unique, inverse = np.unique(ids, return_inverse=True)
    summed = np.bincount(inverse, weights=weights).astype(np.float32)
    keep = np.abs(summed) > 1e-6
    return unique[keep], summed[keep].astype(np.float32)


def _shared(ids_a: TermIds, ids_b: TermIds) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``ids_a`` and ``ids_b`` (both sorted) of the terms they share.

    A binary search of each of ``a``'s ids in ``b``: cheaper than sorting both together
    (``np.intersect1d``) for the few hundred terms of an article and a story.
    """
    if not len(ids_a) or not len(ids_b):
        empty = np.zeros(0, np.intp)
        return empty, empty
    # methods, not np.searchsorted & co.: their wrappers cost more than the search here
    where = ids_b.searchsorted(ids_a)
    np.minimum(where, len(ids_b) - 1, out=where)
    ia = (ids_b[where] == ids_a).nonzero()[0]
    return ia, where[ia]


def sparse_dot(ids_a: TermIds, w_a: Weights, ids_b: TermIds, w_b: Weights) -> float:
    ia, ib = _shared(ids_a, ids_b)
    return float(np.dot(w_a[ia], w_b[ib]))


def cosine(ids_a, w_a, norm_a: float, ids_b, w_b, norm_b: float) -> float:
    """Cosine of two sparse vectors whose lengths are known (0 if either has none)."""
    if not norm_a or not norm_b:
        return 0.0
    return sparse_dot(ids_a, w_a, ids_b, w_b) / (norm_a * norm_b)


def block_norms(ids: TermIds, weights: Weights, vocabulary: Vocabulary) -> np.ndarray:
    """Length of each block (words, names, numbers) of a vector."""
    squares = np.bincount(
        vocabulary.block_of(ids), weights=weights * weights, minlength=len(BLOCK_PREFIXES)
    )
    return np.sqrt(squares)


def block_cosines(ids_a, w_a, norms_a, ids_b, w_b, norms_b, vocabulary: Vocabulary):
    """Cosine of two vectors within each block (0 where either side has none of it)."""
    ia, ib = _shared(ids_a, ids_b)
    dots = np.bincount(
        vocabulary.block_of(ids_a[ia]), weights=w_a[ia] * w_b[ib], minlength=len(BLOCK_PREFIXES)
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
    ids: TermIds, weights: Weights, vocabulary: Vocabulary, k: int = 3, kept: int = 8
) -> NameProfile:
    """The ``k`` heaviest names, and the relative weights of the ``kept`` heaviest (bounded,
    since every open story holds one; names below a twentieth of the heaviest count as 0)."""
    is_name = vocabulary.block_of(ids) == 1
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


def heaviest(weights: Weights, n: int) -> np.ndarray | slice:
    """Positions of the ``n`` heaviest terms of a vector (all of them if it has no more)."""
    return np.argpartition(-weights, n)[:n] if len(weights) > n else slice(None)


def top_terms(ids: TermIds, weights: Weights, n: int) -> TermIds:
    return ids[heaviest(weights, n)]


class Contrast:
    """Cosines of one vector with others, terms weighted by how few of a ``family`` hold them.

    ``family`` is the few open stories nearest an article (usually its own event and a
    look-alike sibling): terms they all share (rehab, earthquake) say little about which
    of them it belongs to, terms only one of them holds (a name, a place) say much. A
    term held by ``k`` of ``n`` family members weighs ``log((n + 1) / (k + 0.5))``
    times its usual weight, in both vectors. Made once per article, then asked about
    each candidate.
    """

    __slots__ = ("held_ids", "held", "top", "ids", "weights", "norm")

    def __init__(self, ids: TermIds, weights: Weights, family: Sequence[TermIds]):
        # every term of the family once, with how many members hold it
        self.held_ids, held = np.unique(
            np.concatenate([*family, np.zeros(0, np.uint32)]), return_counts=True
        )
        self.held = held.astype(np.float32)
        self.top = len(family) + 1.0
        self.ids = ids
        self.weights = self._reweighted(ids, weights)
        self.norm = float(np.sqrt(np.dot(self.weights, self.weights)))

    def _reweighted(self, ids: TermIds, weights: Weights) -> Weights:
        held = np.zeros(len(ids), np.float32)
        mine, theirs = _shared(ids, self.held_ids)
        held[mine] = self.held[theirs]
        return weights * np.log(self.top / (held + 0.5)).astype(np.float32)

    def cosine(self, ids: TermIds, weights: Weights) -> float:
        if not self.norm or not len(ids):
            return 0.0
        other = self._reweighted(ids, weights)
        length = self.norm * float(np.sqrt(np.dot(other, other)))
        if length <= 0:
            return 0.0
        ia, ib = _shared(self.ids, ids)
        return float(np.dot(self.weights[ia], other[ib])) / length
