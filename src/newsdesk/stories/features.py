"""Turn an article's title and text into the features the story engine compares.

Three kinds of evidence, kept apart because they tell different things:

* ``words``: the content vocabulary (what kind of event: earthquake, rehab, launch);
* ``names``: capitalised spans (who and where: Tara Reid vs. Lindsay Lohan,
  Indonesia vs. Chile), found without an NLP model: a run of capitalised words,
  where a sentence's first word only counts when the article never uses it in
  lower case (so "Police said ..." is not a name, "Reid said ..." is);
* ``numbers``: figures, years and dates (26 pirates vs. 23 pirates, 2008 vs. 2013),
  and the ``year`` the article mentions most (datelines, "in 2013").

Look-alike events share their words and differ in their names and numbers, which
is why the engine weighs each kind separately (see ``cluster.py``).
"""

import re
from collections import Counter
from dataclasses import dataclass

# a word, a number, or a sentence break (line break, or . ! ? before a space)
TOKEN_OR_BREAK_RE = re.compile(
    r"([^\W\d_]+(?:['’][^\W\d_]+)*)|(\d+(?:[.,:]\d+)*)|(\n|[.!?](?=\s))", re.UNICODE
)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+")  # what copy shingles must not cross

STOPWORDS = frozenset(
    """
a an the and or but if of to in on at by for with from as is are was were be been being it
its this that these those he she they we you i his her their our your my me him them us not no
so than then there here which who whom whose what when where why how all any each few more most
other some such only own same too very can will just should now also into over after before about
against between through during up down out off again further once said says say has have had do
does did would could may might must shall told according one two new mr mrs ms dr st
""".split()
)

# Capitalised words that are not names of anything: days, months, datelines.
NOT_NAMES = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday today yesterday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
am pm gmt bst utc est edt pst pdt cet cest ist et pt
published updated posted last by photo video read more
""".split()
)


@dataclass(frozen=True)
class Features:
    """Term counts of one article, by kind of evidence."""

    words: Counter
    names: Counter
    numbers: Counter
    year: int | None = None  # the year the article mentions most (the latest on a tie)


def _word_key(lower: str) -> str:
    """Fold the commonest English plural so "pirates" meets "pirate"; no language model."""
    if len(lower) > 4 and lower[-1] == "s" and lower[-2] != "s":
        return lower[:-1]
    return lower


def extract_features(title: str, text: str) -> Features:
    """Count words, names and numbers of an article; the title counts twice (it is the gist).

    When the text already starts with the title (feeds that repeat it), it is not counted
    a third time. One regular-expression pass finds words, numbers and sentence breaks.
    """
    title = (title or "").strip()
    text = (text or "").strip()
    body = text if title and text.startswith(title) else f"{title}\n{text}" if title else text
    pieces = TOKEN_OR_BREAK_RE.findall(body)
    lowercase_seen = {word for word, _, _ in pieces if word and word[0].islower()}
    words: list[str] = []
    names: list[str] = []
    numbers: list[str] = []
    span: list[str] = []
    sentence_start = True
    for word, number, _ in pieces:
        if word:
            lower = word.lower()
            if lower[-2:] in ("'s", "’s"):
                lower = lower[:-2]
            if (
                word[0].isupper()
                and lower not in NOT_NAMES
                and not (sentence_start and (lower in STOPWORDS or lower in lowercase_seen))
            ):
                span.append(lower)
            elif span:
                _add_span(names, span)
                span = []
            if len(lower) > 1 and lower not in STOPWORDS:
                words.append(_word_key(lower))
            sentence_start = False
            continue
        if span:
            _add_span(names, span)
            span = []
        if number:
            # one digit is noise (rounds, ranks, clock hours); figures and years are not
            if len(number) > 1 and ":" not in number:
                numbers.append(number.replace(",", ""))
        else:
            sentence_start = True
    if span:
        _add_span(names, span)
    for word, _, _ in TOKEN_OR_BREAK_RE.findall(title):
        lower = word.lower()
        if len(lower) > 1 and lower not in STOPWORDS:
            words.append(_word_key(lower))
    return Features(
        words=Counter(words),
        names=Counter(names),
        numbers=Counter(numbers),
        year=dominant_year(numbers),
    )


def dominant_year(numbers: list[str]) -> int | None:
    """Most-mentioned year 1900-2099 (dates in datelines and text); the latest on a tie."""
    years = Counter(
        int(n) for n in numbers if len(n) == 4 and n.isdigit() and n[:2] in ("19", "20")
    )
    if not years:
        return None
    return max(years.items(), key=lambda pair: (pair[1], pair[0]))[0]


def _add_span(names: list[str], span: list[str]) -> None:
    names.extend(span)
    if len(span) > 1:
        names.append(" ".join(span))
