"""Excerpts and shortened headlines: cut where a reader expects a cut.

An excerpt is the first sentences of the body's first paragraph of prose that fit a
length bound, ending at a sentence boundary of the article's language. It never runs on
into the next paragraph: a standfirst followed by the lead that restates it ("…Wasser
nachgewiesen. Astronomen haben … Wasserdampf nachgewiesen.") would read as one text
glued from two, saying the same thing twice. It never ends inside a word, an
abbreviation ("Dr.", "z. B.") or an open quotation. Only when the first sentence alone is too long
does it end at a word boundary with an ellipsis. The publisher's nosnippet and
max-snippet wishes shrink or empty it.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
# A line that opens an excerpt has this many words or ends like a sentence.
PROSE_MIN_WORDS = 8
SENTENCE_MARKS = (".", "!", "?", "…", "。", "！", "？", '"', "”", "»")
# Words that end in a full stop without ending the sentence, by language (lower case).
ABBREVIATIONS = {
    "en": {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp",
           "gov", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "no", "vs", "etc", "e.g",
           "i.e", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
           "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "approx", "dept", "est", "ft",
           "mt", "rev", "hon", "pres", "gov't", "fig"},
    "de": {"dr", "prof", "nr", "bzw", "ca", "usw", "z.b", "d.h", "u.a", "vgl", "str",
           "hr", "fr", "evtl", "ggf", "inkl", "bspw", "mio", "mrd", "jh", "st", "abs"},
    "fr": {"m", "mm", "mme", "mlle", "dr", "pr", "st", "ste", "etc", "cf", "av", "apr",
           "env", "p.ex", "vol", "no"},
    "es": {"sr", "sra", "srta", "dr", "dra", "ud", "uds", "etc", "av", "pág", "núm", "ee.uu"},
    "it": {"sig", "sig.ra", "dott", "prof", "ing", "avv", "ecc", "p.es", "on", "sen"},
    "nl": {"dhr", "mevr", "dr", "prof", "bijv", "d.w.z", "o.a", "ca", "nr", "jl"},
    "pt": {"sr", "sra", "dr", "dra", "prof", "etc", "av", "nº", "pág"},
}
_CLOSING_SINGLE_QUOTE = re.compile(r"’(?!\w)")
_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", "「": "」", "『": "』"}
# A candidate sentence end: terminal punctuation, closing quotes/brackets, then a space
# (or, for CJK full stops, nothing at all).
_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"”’»)\]」』]*(?=\s)|[。！？]+[”」』]*)")


def _abbreviation_before(text: str, end: int, abbreviations: set[str]) -> bool:
    """True when the full stop at text[end - 1] ends an abbreviation or an initial."""
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start : end - 1].lower().strip("(\"“'‘")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "John F. Kennedy"
        return True
    return word in (abbreviations or ABBREVIATIONS["en"])


def _quotes_open(text: str) -> bool:
    """True when text leaves a quotation open (“…, «…, „… or an odd number of ")."""
    if text.count('"') % 2:
        return True
    if "„" in text:  # German „…“: here “ closes
        return text.count("„") > text.count("“")
    return any(text.count(opening) > _closings(text, closing)
               for opening, closing in _QUOTE_PAIRS.items() if opening != "„")


def _closings(text: str, closing: str) -> int:
    if closing == "’":  # also the apostrophe: only one not followed by a letter closes
        return len(_CLOSING_SINGLE_QUOTE.findall(text))
    return text.count(closing)


def sentence_ends(text: str, language: str | None = None) -> list[int]:
    """Offsets just after each sentence in text, per the language's conventions."""
    abbreviations = ABBREVIATIONS.get((language or "en").split("-")[0].lower(), set())
    ends = []
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if match.group().startswith(".") and _abbreviation_before(text, match.start() + 1,
                                                                  abbreviations):
            continue
        following = text[end:].lstrip()
        if following and following[0].islower():
            continue
        if _quotes_open(text[:end]):
            continue
        ends.append(end)
    if text and (not ends or ends[-1] < len(text.rstrip())):
        ends.append(len(text.rstrip()))
    return ends


def _cut_at_word(text: str, max_chars: int) -> str:
    """text cut at the last word boundary that leaves room for an ellipsis.

    A cut that would leave a quotation open ("with ‘dear…") moves back to before the
    quotation, unless that would throw away more than half the room.
    """
    room = max(1, max_chars - len(ELLIPSIS))
    cut = text[: room + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > 0 else text[:room]
    if _quotes_open(cut):
        opening = max(cut.rfind(q) for q in (*_QUOTE_PAIRS, '"'))
        if opening > room // 2:
            cut = cut[:opening]
    return cut.rstrip(" ,;:-–—([{\"“'‘«") + ELLIPSIS


def _from_first_prose_line(text: str) -> str:
    """text from its first line of prose on: a kicker, dateline or menu line is skipped."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if len(stripped.split()) >= PROSE_MIN_WORDS or stripped.endswith(SENTENCE_MARKS):
            return "\n".join(lines[i:])
    return text


def make_excerpt(text: str, max_chars: int = 300, language: str | None = None, *,
                 nosnippet: bool = False, max_snippet: int | None = None) -> str:
    """The first whole sentences of text that fit in max_chars (and in max_snippet)."""
    if nosnippet:
        return ""
    limit = max_chars if max_snippet is None or max_snippet < 0 else min(max_chars, max_snippet)
    text = _from_first_prose_line(text or "").strip().split("\n", 1)[0]
    # Only the opening matters; a margin past the limit shows whether a sentence ends there.
    flat = " ".join((text or "")[: limit * 2 + 200].split())
    if limit <= 0 or not flat:
        return ""
    if len(flat) <= limit and len(flat) == len(" ".join((text or "").split())):
        return flat
    fitting = [end for end in sentence_ends(flat, language) if end <= limit]
    if fitting:
        return flat[: fitting[-1]].strip()
    return _cut_at_word(flat, limit)


def shorten_title(title: str, max_chars: int) -> str:
    """title unchanged when it fits, else cut at a word boundary with an ellipsis."""
    title = " ".join((title or "").split())
    if len(title) <= max_chars:
        return title
    return _cut_at_word(title, max_chars)
