"""Copy detection: MinHash over word shingles, indexed with datasketch's LSH.

A republished article keeps most of its sentences word for word, even when the copier
adds its own boilerplate, changes a few words, writes a new headline or moves
sentences around. Shingles are therefore taken inside each sentence (reordering
sentences does not change them) from the body only (a new headline does not matter),
and two articles are copies when the estimated Jaccard similarity of their shingle
sets reaches ``threshold``. Two publishers' own reports of one event share names and
facts but rarely runs of three words across most sentences, so they stay apart.

datasketch is imported when first used, and only the processes that compute or compare
signatures do (the clustering consumer and the extraction workers), not the web or the
scheduler. Its package imports its LSH classes, which import scipy.integrate (54 MB
resident) to tune an index's parameters; a process that only makes signatures never
tunes an index, so scipy.integrate is imported the first time something of it is used
(``_datasketch``), not with datasketch.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
import zlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

from newsdesk.stories.features import SENTENCE_END_RE

SHINGLE_RE = re.compile(r"[^\W_]+", re.UNICODE)
WORD_OR_BREAK_RE = re.compile(r"([^\W_]+)|[.!?](?=\s)|\n", re.UNICODE)
# odd 64-bit multipliers that mix three word hashes into one shingle hash
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
MIN_SHINGLES = 20  # fewer shingles than this: too short to call anything a copy


def shingles(text: str, size: int = 3) -> set[bytes]:
    """Word ``size``-grams within sentences, lower-cased (readable form, for checks)."""
    found: set[bytes] = set()
    for sentence in SENTENCE_END_RE.split(text.lower()):
        words = SHINGLE_RE.findall(sentence)
        if words:
            found.update(
                " ".join(words[i : i + size]).encode() for i in range(max(1, len(words) - size + 1))
            )
    return found


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the distinct word 3-grams inside sentences (what ``shingles`` reads).

    The fast path of ``signature``: words are hashed (CRC-32) without a Python loop and
    the three hashes of a shingle are mixed with numpy, instead of joining and hashing a
    string per shingle. Sentences under three words give no shingle.
    """
    tokens = WORD_OR_BREAK_RE.findall(text.lower())  # a break is the empty string
    if len(tokens) < 3:
        return np.zeros(0, np.uint32)
    # CRC-32 of b"" is 0: breaks become 0 (a word hashing to 0 would too: harmless)
    words = np.fromiter(map(zlib.crc32, map(str.encode, tokens)), np.uint64, len(tokens))
    present = words != 0
    inside = present[:-2] & present[1:-1] & present[2:]
    mixed = words[:-2] * _MIX[0] + words[1:-1] * _MIX[1] + words[2:]
    folded = (mixed ^ (mixed >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded[inside]).astype(np.uint32)


class _IntegrateOnFirstUse(types.ModuleType):
    """Stands in for scipy.integrate until something of it is used, then hands over to
    the real module (which then replaces it in sys.modules)."""

    @staticmethod
    def quad(*args, **kwargs):  # what datasketch's LSH imports by name
        return _real_integrate().quad(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system asking (is it a package?): no
            raise AttributeError(name)
        return getattr(_real_integrate(), name)


def _real_integrate() -> types.ModuleType:
    if isinstance(sys.modules.get("scipy.integrate"), _IntegrateOnFirstUse):
        del sys.modules["scipy.integrate"]
    return importlib.import_module("scipy.integrate")


@cache  # on the path of every signature: decide once
def _datasketch() -> types.ModuleType:
    """datasketch, imported without loading scipy.integrate until it is used (an LSH
    index's parameters are tuned with it; a MinHash needs none of it)."""
    if "datasketch" not in sys.modules and "scipy.integrate" not in sys.modules:
        sys.modules["scipy.integrate"] = _IntegrateOnFirstUse("scipy.integrate")
    return importlib.import_module("datasketch")


def _short_band_key(band: bytes) -> int:
    """Band keys as ints instead of r*8-byte strings: a third of the index memory."""
    return hash(band)


@cache
def _template(num_perm: int) -> MinHash:
    MinHash = _datasketch().MinHash  # noqa: N806 (the class)

    # generating permutations costs 0.2 ms per MinHash: make them once and share them
    return MinHash(num_perm=num_perm)


def _minhash(num_perm: int, hashvalues=None) -> MinHash:
    MinHash = _datasketch().MinHash  # noqa: N806 (the class)
    template = _template(num_perm)
    return MinHash(
        num_perm=num_perm,
        permutations=template.permutations,
        scheme=template.scheme,
        hashfunc=int,
        hashvalues=hashvalues,
    )


def signature_values(text: str, num_perm: int, min_shingles: int) -> np.ndarray | None:
    """MinHash values of an article body; ``None`` when it is too short to call anything a
    copy. Needs no index, so the extraction workers make it (``stories.prepare``)."""
    found = shingle_hashes(text)
    if len(found) < min_shingles:
        return None
    minhash = _minhash(num_perm)
    minhash.update_batch(found.tolist())
    return minhash.hashvalues


class CopyDetector:
    """Finds earlier articles that a new article copies, among the last ``lookback`` added.

    Copies follow their original within hours, so the look-back is shorter than the
    story window (12,000 articles, about 9 hours at 100,000 articles per 72 hours): the
    LSH tables cost about 4.5 KB per article.

    Shingles are hashed by ``shingle_hashes`` (CRC-32 of words, mixed with numpy) rather
    than datasketch's default SHA-1 of each shingle string: signatures are only ever
    compared with Newsdesk's own, so a cryptographic hash buys nothing, and datasketch
    pre-mixes the integers (MurmurHash3 finaliser) before its permutations.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 64,
        lookback: int = 12_000,
    ):
        self.threshold = threshold
        self.lookback = lookback
        self.num_perm = num_perm
        self._lsh = _datasketch().MinHashLSH(
            threshold=threshold, num_perm=num_perm, hashfunc=_short_band_key
        )
        self._signatures: dict[str, np.ndarray] = {}

    def wrap(self, hashvalues: np.ndarray | None) -> MinHash | None:
        """A MinHash of values made by ``signature_values`` (``None`` stays ``None``)."""
        return None if hashvalues is None else _minhash(self.num_perm, hashvalues)

    def copies_of(self, minhash: MinHash) -> list[tuple[str, float]]:
        """Indexed articles whose estimated Jaccard with ``minhash`` reaches the threshold."""
        found = []
        for key in self._lsh.query(minhash):
            similarity = float(np.mean(self._signatures[key] == minhash.hashvalues))
            if similarity >= self.threshold:
                found.append((key, similarity))
        return found

    def add(self, key: str, minhash: MinHash) -> None:
        if key in self._signatures:
            return
        self._lsh.insert(key, minhash)
        self._signatures[key] = minhash.hashvalues.copy()
        if len(self._signatures) > self.lookback:  # dicts keep insertion order: oldest first
            self.remove([next(iter(self._signatures))])

    def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            if self._signatures.pop(key, None) is not None:
                self._lsh.remove(key)

    def __len__(self) -> int:
        return len(self._signatures)

    def memory_bytes(self) -> int:
        # per article, measured with tracemalloc: signature array and key list (~470 B),
        # and in each band table an int key and a one-element set (~310 B)
        per_article = self.num_perm * 4 + 210 + self._lsh.b * 310
        return len(self._signatures) * per_article
