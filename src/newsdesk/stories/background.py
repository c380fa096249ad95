"""How common a word is in English at large, so that the first articles are weighed well.

Document frequencies are learned from the stream (``vectors.Vocabulary``), but a
consumer that starts with an empty window knows nothing yet: every word looks rare,
"said" weighs as much as "earthquake", and the first stories are formed on noise.
So the learned counts start from a prior: ``PRIOR_DOCS`` imaginary articles in which a
word occurs as often as general English uses it (wordfreq's frequencies, drawn from
news, books, subtitles and the web). The stream's own counts take over as articles
arrive. Only the most common ``WORDS`` words are kept (a few MB); a rarer word, a
name spelled in several words or a number has no prior.
"""

import math
from collections.abc import Collection
from functools import cache

import numpy as np

PRIOR_DOCS = 2000.0  # weight of general English, in articles
WORDS = 50_000
WORDS_PER_ARTICLE = 400  # turns a frequency per word into a chance per article


@cache
def english_document_shares() -> dict[str, float]:
    """Share of (imaginary) articles that contain each common English word.

    wordfreq's list comes in buckets of equal frequency, most common first; only the
    first ``WORDS`` words are kept, and wordfreq's cache of the whole list is emptied.
    wordfreq is imported here, by the processes that weigh terms, not by every process.
    """
    from wordfreq import cB_to_freq, get_frequency_list

    shares: dict[str, float] = {}
    for bucket, words in enumerate(get_frequency_list("en")):
        share = 1.0 - math.exp(-WORDS_PER_ARTICLE * cB_to_freq(-bucket))
        shares.update(dict.fromkeys(words, share))
        if len(shares) >= WORDS:
            break
    get_frequency_list.cache_clear()
    return shares


def prior_document_frequencies(terms: Collection[str]) -> np.ndarray:
    """Prior count of articles holding each term (lower-case word, maybe plural-folded;
    a name of several words is not in the list and gets 0)."""
    get = english_document_shares().get
    shares = [get(term) for term in terms]
    if None in shares:  # features fold "pirates" into "pirate"
        shares = [
            get(term + "s", 0.0) if share is None else share
            for term, share in zip(terms, shares, strict=True)
        ]
    return np.array(shares, dtype=np.float32) * np.float32(PRIOR_DOCS)
