"""What the story engine needs of an article that does not depend on any other article.

An article's words, names and numbers (their term ids, frequencies and prior document
counts: ``vectors.count_terms``), the year and month it mentions most, and its copy
signature (``dedup.signature_values``) are the same whatever else is in the window.
They are a third of the engine's work per article, so the extraction workers, which
run on as many cores and machines as there are, make them (``prepare``) and store them
beside the article (``Prepared.to_bytes``); the one clustering consumer, whose work
is serialised, only weighs them against the window's document frequencies and
compares. An article without them (stored by an older version, or by hand) is
prepared by the consumer itself.

The stored form is versioned (``FORMAT``): bump it whenever ``features.py``,
``vectors.count_terms``, ``background.py`` or the copy shingles change, and older
stored forms are ignored (``from_bytes`` returns ``None``) and remade.
"""

import struct
from dataclasses import dataclass

import numpy as np

from newsdesk.stories.dedup import MIN_SHINGLES, signature_values
from newsdesk.stories.features import extract_features
from newsdesk.stories.vectors import BlockTerms, count_terms

FORMAT = 1
NUM_PERM = 64  # the engine's copy signature length (``EngineSettings.copy_num_perm``)
# format, number of permutations, year (0: none), month's length, terms per block
_HEADER = struct.Struct("<BHhBIII")
# the arrays after the header, each block after the other: ids, then counts, then priors
_ARRAYS = (("ids", np.uint32), ("counts", np.float32), ("priors", np.float32))


@dataclass(frozen=True, slots=True)
class Prepared:
    terms: tuple[BlockTerms, BlockTerms, BlockTerms]  # words, names, numbers
    year: int | None
    month: str | None
    num_perm: int
    signature: np.ndarray | None  # uint64 MinHash values; None: too short for copies

    def to_bytes(self) -> bytes:
        """A compact form for the database (about 10 bytes per distinct term)."""
        month = (self.month or "").encode()
        header = _HEADER.pack(
            FORMAT, self.num_perm, self.year or 0, len(month), *(len(b.ids) for b in self.terms)
        )
        parts = [header, month]
        for field, dtype in _ARRAYS:
            parts.extend(getattr(block, field).astype(dtype).tobytes() for block in self.terms)
        if self.signature is not None:
            parts.append(self.signature.astype(np.uint64).tobytes())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes | memoryview | None) -> "Prepared | None":
        """The stored form read back; ``None`` if absent, of another ``FORMAT`` or damaged
        (the consumer then prepares the article again)."""
        if not data or len(data) < _HEADER.size:
            return None
        data = bytes(data)
        version, num_perm, year, month_length, *sizes = _HEADER.unpack_from(data)
        total = sum(sizes)
        position = _HEADER.size + month_length
        expected = position + total * 12
        if version != FORMAT or len(data) not in (expected, expected + num_perm * 8):
            return None
        month = data[_HEADER.size : position].decode() or None
        arrays = {}
        for field, dtype in _ARRAYS:
            arrays[field] = np.frombuffer(data, dtype, total, position)
            position += total * 4
        signature = (
            np.frombuffer(data, np.uint64, num_perm, position) if len(data) > expected else None
        )
        bounds = np.cumsum([0, *sizes])
        terms = tuple(
            BlockTerms(*(arrays[field][start:end] for field, _ in _ARRAYS))
            for start, end in zip(bounds[:-1], bounds[1:], strict=True)
        )
        return cls(terms, year or None, month, num_perm, signature)


def prepare(title: str, text: str, num_perm: int = NUM_PERM) -> Prepared:
    """The window-free part of the engine's work on one article (see the module docstring)."""
    features = extract_features(title, text)
    return Prepared(
        count_terms(features),
        features.year,
        features.month,
        num_perm,
        signature_values(text, num_perm, MIN_SHINGLES),
    )
