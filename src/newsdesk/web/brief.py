"""A story's brief: a few sentences quoted verbatim from its reports.

For a story with at least two publishers, the brief is 3 to 5 sentences taken word for
word from the reports' text, at most 2 from one publisher, chosen by how many *other*
reports share their names and numbers (what several newsrooms report independently is
the core of the story), none a near-repeat of another. Each quote is attributed and
linked to its report. Nothing comes from a publisher set to headlines only, nor from an
article whose robots rules forbid snippets (nosnippet, max-snippet:0).

What one article shows stays within the per-article excerpt limit
(NEWSDESK_EXCERPT_CHARS, or the article's max-snippet when smaller). Quotes that are all
part of the article's excerpt show nothing more. Once one is not, all of the article's
quotes count against the limit, and the story page cuts that article's excerpt to whole
sentences in what is left (`Brief.excerpt_room`, `excerpt_within`; possibly nothing: the
reader then reads that article's words in the brief).

Sentences are cut by articles.excerpt.sentence_ends, the same language-aware splitter
that ends every excerpt (abbreviations such as "Dr." or "z. B.", open quotations), so a
quote ends where an excerpt would.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from newsdesk.articles.excerpt import sentence_ends
from newsdesk.articles.models import Article

MIN_QUOTES, MAX_QUOTES = 3, 5
MAX_PER_PUBLISHER = 2
MIN_SENTENCE_CHARS = 40
MAX_SENTENCE_CHARS = 240
SENTENCES_PER_ARTICLE = 40  # the opening of an article carries its facts
NEAR_REPEAT = 0.5  # share of words two quotes may have in common
PROSE_MIN_WORDS = 6
# Names: capitalised words (any script with case); numbers, with their separators.
_NAME = re.compile(r"\b[^\W\d_][\w’'-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Quote:
    text: str
    article: Article
    shared_by: int  # other reports that share at least one of its names or numbers


@dataclass
class Brief:
    quotes: list[Quote] = field(default_factory=list)
    # Characters of the article's excerpt limit its quotes leave to its excerpt.
    excerpt_room: dict[int, int] = field(default_factory=dict)


def article_limit(article: Article, excerpt_chars: int) -> int:
    """How much of the article's text we may show at most (0: nothing)."""
    if article.publisher.headlines_only or article.nosnippet:
        return 0
    if article.max_snippet is not None and article.max_snippet >= 0:
        return min(excerpt_chars, article.max_snippet)
    return excerpt_chars


def facts(text: str, skip_first_word: bool = False) -> set[str]:
    """The names and numbers in text: capitalised words and numbers (separators dropped,
    so "7,000" and "7000" agree)."""
    found = set()
    for index, match in enumerate(_NAME.finditer(text)):
        word = match.group()
        # A sentence's first word is capitalised whatever it is.
        if word[0].isupper() and len(word) > 1 and not (skip_first_word and index == 0):
            found.add(word.lower())
    for match in _NUMBER.finditer(text):
        found.add(re.sub(r"[.,:]", "", match.group()))
    return found


def sentences(text: str, language: str) -> list[str]:
    """The whole sentences of the article's prose paragraphs, in order."""
    found = []
    for paragraph in (text or "").split("\n"):
        paragraph = " ".join(paragraph.split())
        if len(paragraph.split()) < PROSE_MIN_WORDS:
            continue  # a heading, caption or dateline
        start = 0
        for end in sentence_ends(paragraph, language):
            sentence = paragraph[start:end].strip()
            start = end
            if sentence and sentence[-1] in ".!…\"”»’'":
                found.append(sentence)
        if len(found) >= SENTENCES_PER_ARTICLE:
            break
    return found[:SENTENCES_PER_ARTICLE]


def _words(text: str) -> set[str]:
    """The sentence's words longer than 3 letters (short ones are mostly "the", "und")."""
    return {word.lower() for word in _WORD.findall(text) if len(word) > 3}


def _near_repeat(words: set[str], chosen: list[set[str]]) -> bool:
    for other in chosen:
        common = len(words & other)
        if common / max(1, min(len(words), len(other))) >= NEAR_REPEAT:
            return True
    return False


def story_brief(articles: list[Article], excerpts: dict[int, str], excerpt_chars: int) -> Brief:
    """The brief of a story whose shown original articles are `articles` (oldest first);
    `excerpts` are the excerpts the page shows of them. Empty when the story has fewer
    than 2 publishers or fewer than 3 sentences qualify."""
    if len({article.publisher_id for article in articles}) < 2:
        return Brief()
    report_facts = {article.pk: facts(article.text) for article in articles}
    candidates = []
    for article in articles:
        limit = article_limit(article, excerpt_chars)
        if limit <= 0:
            continue
        for position, sentence in enumerate(sentences(article.text, article.language)):
            if not MIN_SENTENCE_CHARS <= len(sentence) <= MAX_SENTENCE_CHARS:
                continue
            own = facts(sentence, skip_first_word=True)
            shared = [
                len(own & found)
                for pk, found in report_facts.items()
                if pk != article.pk and own & found
            ]
            if shared:
                # Most other reports first, then most shared facts, then the earliest.
                rank = (-len(shared), -sum(shared), position, article.published_at)
                candidates.append((rank, sentence, article, len(shared)))
    candidates.sort(key=lambda candidate: candidate[0])
    brief = Brief()
    per_publisher: dict[int, int] = defaultdict(int)
    quoted: dict[int, list[str]] = defaultdict(list)
    chosen_words: list[set[str]] = []
    for _rank, sentence, article, shared_by in candidates:
        if per_publisher[article.publisher_id] >= MAX_PER_PUBLISHER:
            continue
        words = _words(sentence)
        if _near_repeat(words, chosen_words):
            continue
        room = _excerpt_room(
            [*quoted[article.pk], sentence],
            excerpts.get(article.pk, ""),
            article_limit(article, excerpt_chars),
        )
        if room is not None and room < 0:
            continue
        quoted[article.pk].append(sentence)
        per_publisher[article.publisher_id] += 1
        chosen_words.append(words)
        brief.quotes.append(Quote(sentence, article, shared_by))
        if len(brief.quotes) == MAX_QUOTES:
            break
    if len(brief.quotes) < MIN_QUOTES:
        return Brief()
    for article in articles:
        limit = article_limit(article, excerpt_chars)
        room = _excerpt_room(quoted.get(article.pk, []), excerpts.get(article.pk, ""), limit)
        if room is not None:
            brief.excerpt_room[article.pk] = room
    return brief


def _excerpt_room(quotes: list[str], excerpt: str, limit: int) -> int | None:
    """What the article's quotes leave of its limit to its excerpt: None when they are
    all part of the excerpt (it shows nothing more), negative when they do not fit."""
    if all(quote in excerpt for quote in quotes):
        return None
    return limit - sum(len(quote) + 1 for quote in quotes)


def excerpt_within(excerpt: str, room: int, language: str = "") -> str:
    """The excerpt's opening whole sentences that fit in `room` characters ('' if none)."""
    if len(excerpt) <= room:
        return excerpt
    fitting = [end for end in sentence_ends(excerpt, language) if end <= room]
    return excerpt[: fitting[-1]].strip() if fitting else ""
