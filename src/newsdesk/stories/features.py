"""Turn an article's title and text into the features the story engine compares.

Three kinds of evidence, kept apart because they tell different things:

* ``words``: the content vocabulary (what kind of event: earthquake, rehab, launch);
* ``names``: capitalised spans (who and where: Tara Reid vs. Lindsay Lohan,
  Indonesia vs. Chile), found without an NLP model: a run of capitalised words
  that the article never writes in lower case (so "Police said ..." and a Title Case
  headline's "Fires Coach" are not names, "Reid said ..." is);
* ``numbers``: figures, years and dates (26 pirates vs. 23 pirates, 2008 vs. 2013),
  with weekdays and months as date terms ("fired Saturday", "Dec. 11"), and the
  ``year`` and ``month`` the article mentions most (datelines, "in 2013").

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

# When an event happened, in words: weekdays and months become date terms (look-alike
# events of one kind rarely share both), "May" only before or after a figure.
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = {
    **{m: m for m in "january february march april june july august september october november "
       "december".split()},
    **{m[:3]: m for m in "january february march april june july august october november "
       "december".split()},
    "sept": "september",
    "sep": "september",
}
DATE_WORDS = WEEKDAYS | MONTHS.keys() | {"may"}
POSSESSIVE = ("'s", "’s")

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
    month: str | None = None  # the month it mentions most (the first named on a tie)


def _word_key(lower: str) -> str:
    """Fold the commonest English plural so "pirates" meets "pirate"; no language model."""
    if len(lower) > 4 and lower[-1] == "s" and lower[-2] != "s":
        return lower[:-1]
    return lower


def extract_features(title: str, text: str) -> Features:
    """Count words, names and numbers of an article; the title counts twice (it is the gist).

    When the text already starts with the title (feeds that repeat it), it is not counted
    a third time. One regular-expression pass finds words, numbers and sentence breaks;
    the per-token loop only follows capitalised spans, and stopwords and plural folding
    are applied once per distinct word (this runs for every article: it is the hot path).
    """
    title = (title or "").strip()
    text = (text or "").strip()
    body = text if title and text.startswith(title) else f"{title}\n{text}" if title else text
    pieces = TOKEN_OR_BREAK_RE.findall(body)
    lowercase_seen = {word for word, _, _ in pieces if word and word[0].islower()}
    tokens: list[str] = []
    names: list[str] = []
    numbers: list[str] = []
    span: list[str] = []
    months: list[str] = []
    sentence_start = True
    for position, (word, number, _) in enumerate(pieces):
        if word:
            if word.islower():  # most words: no name, no date
                tokens.append(word[:-2] if word[-2:] in POSSESSIVE else word)
                if span:
                    _add_span(names, span)
                    span = []
                sentence_start = False
                continue
            lower = word.lower()
            if lower[-2:] in POSSESSIVE:
                lower = lower[:-2]
            tokens.append(lower)
            if word[0].isupper():
                if lower in DATE_WORDS:
                    date_term = _date_term(lower, pieces, position)
                    if date_term is not None:
                        numbers.append(date_term)
                        if date_term not in WEEKDAYS:
                            months.append(date_term)
                if (
                    lower not in NOT_NAMES
                    and lower not in lowercase_seen
                    and not (sentence_start and lower in STOPWORDS)
                ):
                    span.append(lower)
                elif span:
                    _add_span(names, span)
                    span = []
            elif span:
                _add_span(names, span)
                span = []
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
    tokens.extend(word.lower() for word, _, _ in TOKEN_OR_BREAK_RE.findall(title) if word)
    words: Counter = Counter()
    for token, count in Counter(tokens).items():
        if len(token) > 1 and token not in STOPWORDS:
            words[_word_key(token)] += count
    return Features(
        words=words,
        names=Counter(names),
        numbers=Counter(numbers),
        year=dominant_year(numbers),
        month=Counter(months).most_common(1)[0][0] if months else None,
    )


def _date_term(lower: str, pieces: list, position: int) -> str | None:
    """A weekday or a month named by a capitalised word, spelled out in full."""
    if lower in WEEKDAYS:
        return lower
    if lower == "may":
        near = pieces[position - 1 : position] + pieces[position + 1 : position + 2]
        return "may" if any(number for _, number, _ in near) else None
    return MONTHS.get(lower)


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
