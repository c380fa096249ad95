"""Copy detection: MinHash over word shingles, indexed with datasketch's LSH.

A republished article keeps most of its sentences word for word, even when the copier
adds its own boilerplate, changes a few words, writes a new headline or moves
sentences around. Shingles are therefore taken inside each sentence (reordering
sentences does not change them) from the body only (a new headline does not matter),
and two articles are copies when the estimated Jaccard similarity of their shingle
sets reaches ``threshold``. Two publishers' own reports of one event share names and
facts but rarely runs of three words across most sentences, so they stay apart.
"""

import re
import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from newsdesk.stories.features import SENTENCE_END_RE

SHINGLE_RE = re.compile(r"[^\W_]+", re.UNICODE)


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


def _short_band_key(band: bytes) -> int:
    """Band keys as ints instead of r*8-byte strings: a third of the index memory."""
    return hash(band)


class CopyDetector:
    """Finds earlier articles that a new article copies, among the last ``lookback`` added.

    Copies follow their original within hours, so the look-back is shorter than the
    story window: the LSH tables cost about 3 KB per article.

    Shingles are hashed with CRC-32 (C speed) rather than datasketch's default SHA-1:
    signatures never leave the process, so a cryptographic hash buys nothing.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 64,
        min_shingles: int = 20,
        lookback: int = 30_000,
    ):
        self.threshold = threshold
        self.lookback = lookback
        self.num_perm = num_perm
        self.min_shingles = min_shingles
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, hashfunc=_short_band_key)
        self._signatures: dict[str, np.ndarray] = {}
        template = MinHash(num_perm=num_perm)
        # generating permutations costs 0.2 ms per MinHash: make them once and share them
        self._permutations, self._scheme = template.permutations, template.scheme

    def signature(self, text: str) -> MinHash | None:
        """MinHash of an article body; ``None`` when it is too short to call anything a copy."""
        found = shingles(text)
        if len(found) < self.min_shingles:
            return None
        minhash = MinHash(
            num_perm=self.num_perm,
            permutations=self._permutations,
            scheme=self._scheme,
            hashfunc=zlib.crc32,
        )
        minhash.update_batch(list(found))
        return minhash

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
