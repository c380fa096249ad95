"""The article body: several extractors' opinions on one parsed page, reconciled by vote,
then guarded against losing the article.

Every open-source extractor keeps some boilerplate on some pages, and each keeps
different boilerplate. trafilatura's own extractor (fast mode, favouring recall) gives the
body with its paragraphs; a paragraph survives only when another, independent opinion
also contains most of it: trafilatura in precision mode, the readability algorithm
(trafilatura's bundled port, which works on our tree without re-parsing), and the
page's JSON-LD ``articleBody`` when the page has one. A related-stories list or a
newsletter box that one extractor swept in is rarely kept by the others.

Very long "paragraphs" (a layout with no block tags inside the article) are voted
sentence by sentence so that trailing boilerplate glued to them can still go.

The vote starts from trafilatura's recall pass, not its default one: the default pass
leaves out sections of the article that look like page furniture to it (a lead
paragraph whose class says "teaser", a list in a table cell), and the vote can only
take paragraphs away. What the recall pass adds beyond the article is mostly voted out
again (no other opinion has it), while a section it alone keeps between two supported
paragraphs stays (``keep_enclosed``).

The vote can lose the article: when the fast extractor took a teaser block or a lead
paragraph for the body, every opinion that agrees with it shares the mistake. So the
voted body is then compared with the credible alternatives (the JSON-LD body,
trafilatura's full cascade with its readability/jusText fallbacks, the un-voted
text): when it holds less than ``SelectSettings.ratio`` of an alternative's words, the
alternative is taken unless the page itself says that the extra words are
boilerplate: mostly the texts of the page's links (menus, lists of other stories).
Agreement between candidates is never that evidence. (A second piece of evidence,
short dated lines such as an event calendar, was tried and dropped: on both dev sets
it changed no page, so the bench's ablation could not justify it.)
An article that the page splits over two blocks (its text goes on after an advert, in
a container of its own) can make trafilatura take one block and the readability port the
other. When the two bodies are both long, share almost no word sequence, and the port's
is prose as the chosen one is, the body is both parts in page order (``join_parts``).
A passage of the chosen body that repeats, word for word, a passage before it (three
lines or more, 200 words or more) is dropped: it is the page's layout holding the article
twice, and a reader would see it twice (``drop_repeated_passages``).
The page is parsed once: every extractor gets a copy of the same lxml tree.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import trafilatura
from lxml.html import HtmlElement
from trafilatura.external import try_readability

WORD = re.compile(r"\w+")
# Where a long line may be cut for voting: after end punctuation (and closing quotes) or at a
# run of spaces, which is how block boundaries show when a layout has no block tags.
_UNIT_BREAK = re.compile(r"(?<=[.!?…\"”’»|])\s+(?=\S)|\s{2,}")
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article blockquote pre "
    "header footer figure figcaption dd dt dl aside nav main form hr".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})


@dataclass(frozen=True)
class VoteSettings:
    """How much support a paragraph needs to be kept.

    support_share: share of the paragraph's word 3-grams another opinion must contain.
    long_line_words: paragraphs longer than this are voted sentence by sentence (0: never).
    keep_enclosed: keep an unsupported paragraph that lies between two kept ones.
    These are the only values chosen on data: the defaults are the best share and
    enclosed-rule of VOTE_GRID on the dev set (long-line voting changes its F1 by
    0.0001 either way and stays on for pages that have no block tags at all).
    bench/extraction.py reports their 5-fold cross-validated F1, folds grouped by host.
    """

    support_share: float = 0.7
    long_line_words: int = 150
    keep_enclosed: bool = True


DEFAULT_VOTE = VoteSettings()
VOTE_GRID = tuple(
    VoteSettings(share, words, enclosed)
    for share in (0.5, 0.7) for words in (0, 150) for enclosed in (False, True)
)


# The selection rules, each of which bench/extraction.py removes in turn (its ablation).
RULES = ("guard_jsonld", "guard_full", "guard_unvoted", "evidence_links", "join_parts",
         "drop_repeats")


@dataclass(frozen=True)
class SelectSettings:
    """When the voted body gives way to a longer alternative.

    ratio: the voted body is questioned when it has fewer than this share of an
    alternative's words. link_share: the alternative's extra lines are boilerplate when
    this share of their words are the page's link texts. rules: which rules (RULES) are on.
    The ratio is the one value chosen on data: the best of SELECT_GRID on both dev sets
    (every fold of the bench's cross-validation, grouped by site, chose it too); the
    link share is fixed a priori.
    """

    ratio: float = 0.7
    link_share: float = 0.3
    rules: frozenset = frozenset(RULES)


# trafilatura's full cascade (its readability and jusText fallbacks) costs a fourth
# extraction, so it is run only when the cheap evidence says the voted body may have lost
# the article: the voted body is short (fewer words than a usual article), or it holds
# less than the guard's ratio of the readability port's or the fast run's words. A long
# voted body that agrees with both in size is not questioned by the full run.
FULL_RUN_BELOW_WORDS = 500


DEFAULT_SELECT = SelectSettings()
SELECT_GRID = tuple(SelectSettings(ratio) for ratio in (0.3, 0.5, 0.7))


@dataclass
class BodyCandidates:
    """The opinions on one page's body: `main` is voted on, the others are its supports;
    `full` (trafilatura's whole cascade) and `jsonld` are the guard's alternatives and
    `anchors` the page's link texts (lower-cased words joined by one space).
    `full` may be None with `run_full` set: the full run is then made on first use
    (full_text())."""

    main: str
    precise: str | None
    readability: str
    jsonld: str = ""
    full: str | None = ""
    anchors: frozenset = frozenset()
    run_full: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    run_precise: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    # where a text's first words are in the page (-1: not found); None: page order unknown
    locate: Callable[[str], int] | None = field(default=None, repr=False, compare=False)

    def full_text(self) -> str:
        """trafilatura's full cascade, run now if it was deferred."""
        if self.full is None:
            self.full = (self.run_full() or "") if self.run_full else ""
        return self.full

    def precise_text(self) -> str:
        """trafilatura's precision run, made now if it was deferred."""
        if self.precise is None:
            self.precise = (self.run_precise() or "") if self.run_precise else ""
        return self.precise

    def in_page_order(self, first: str, second: str) -> tuple[str, str]:
        """The two texts in the order the page has them (as given when it is unknown)."""
        if self.locate is None:
            return first, second
        at_first, at_second = self.locate(first), self.locate(second)
        if 0 <= at_second < at_first or (at_first < 0 <= at_second):
            return second, first
        return first, second

    @property
    def supports(self) -> list[str]:
        return [text for text in (self.precise_text(), self.readability, self.jsonld) if text]


def element_text(root: HtmlElement) -> str:
    """Plain text of an element, with a line break after every block element."""
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIPPED_TAGS or not tag:
            if el.tail:
                parts.append(el.tail)
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def is_prose_cell(cell: HtmlElement) -> bool:
    """A table cell that holds running prose: many words, broken into several blocks."""
    prose = len(cell.text_content().split())
    breaks = sum(1 for el in cell.iter("br", "p", "div", "h1", "h2", "h3") if el is not cell)
    return prose >= 80 and breaks >= 4


def is_layout_table(table: HtmlElement) -> bool:
    """A table used to lay out a page (one cell holds running prose), not to show data."""
    if table.find(".//th") is not None:
        return False
    return any(is_prose_cell(cell) for cell in table.iter("td"))


def wrap_inline_runs(block: HtmlElement) -> None:
    """Put each run of loose text and inline elements between the block's block-level
    children (<br>, headings, ...) into a <p> of its own.

    Old table layouts write paragraphs as text runs between <br><br>; trafilatura's
    recall pass drops such a run when it follows a heading, so the article's lead went."""
    children = list(block)
    text, block.text = block.text, None
    for child in children:
        block.remove(child)  # its tail goes with it
    run = None

    def new_run() -> HtmlElement:
        paragraph = block.makeelement("p", {})
        block.append(paragraph)
        return paragraph

    if text and text.strip():
        run = new_run()
        run.text = text
    for child in children:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag not in _BLOCK_TAGS:  # inline (or a comment): joins the current run
            run = run if run is not None else new_run()
            run.append(child)
            continue
        tail = child.tail
        block.append(child)
        run = None
        if tail and tail.strip():
            child.tail = None
            run = new_run()
            run.text = tail


def unwrap_layout_tables(tree: HtmlElement) -> HtmlElement:
    """The tree with layout tables turned into plain blocks, so cells read as sections,
    the prose cells' text runs as paragraphs (wrap_inline_runs).

    Extractors render table rows as "| cell | cell |" lines, which glues a page's menus
    to its article on old table-laid-out sites. Returns a copy when it changes anything.
    """
    if not any(is_layout_table(t) for t in tree.iter("table")):
        return tree
    tree = copy.deepcopy(tree)
    for table in [t for t in tree.iter("table") if is_layout_table(t)]:
        for cell in [c for c in table.iter("td") if is_prose_cell(c)]:
            wrap_inline_runs(cell)
        for el in table.iter("tr", "td", "tbody", "thead", "tfoot"):
            el.tag = "div"
        table.tag = "div"
    return tree


def anchor_texts(tree: HtmlElement) -> frozenset[str]:
    """The words of every link on the page, lower-cased and joined by one space."""
    found = set()
    for a in tree.iter("a"):
        words = WORD.findall(a.text_content().lower())
        if words:
            found.add(" ".join(words))
    return frozenset(found)


def page_locator(tree: HtmlElement) -> Callable[[str], int]:
    """Where a text's first eight words are in the page's text (-1 when they are not);
    the page's text is read on first use."""
    page: list[str] = []

    def locate(text: str) -> int:
        if not page:
            page.append(" " + " ".join(WORD.findall(element_text(tree).lower())) + " ")
        needle = " ".join(WORD.findall(text.lower())[:8])
        return page[0].find(f" {needle} ") if needle else -1

    return locate


def body_candidates(tree: HtmlElement, url: str | None, jsonld_body: str = "") -> BodyCandidates:
    """Run every extractor on (a copy of) the one parsed tree."""
    work = unwrap_layout_tables(tree)
    common = {"url": url, "include_comments": False, "output_format": "txt"}
    main = trafilatura.extract(work, fast=True, favor_recall=True, **common) or ""
    precise = trafilatura.extract(work, fast=True, favor_precision=True, **common) or ""
    full = trafilatura.extract(work, **common) or ""
    # try_readability is trafilatura's own safety net; it never raises.
    readability = element_text(try_readability(copy.deepcopy(work)))
    return BodyCandidates(main, precise, readability, jsonld_body, full, anchor_texts(tree),
                          locate=page_locator(tree))


def deferred_candidates(tree: HtmlElement, url: str | None,
                        jsonld_body: str = "") -> BodyCandidates:
    """body_candidates with the full cascade deferred until the guard needs it, and the
    precision run until the vote needs it (the same texts: a deferred run, when made,
    works on the same tree, which the extractors do not change)."""
    work = unwrap_layout_tables(tree)
    common = {"url": url, "include_comments": False, "output_format": "txt"}
    main = trafilatura.extract(work, fast=True, favor_recall=True, **common) or ""
    readability = element_text(try_readability(copy.deepcopy(work)))
    return BodyCandidates(
        main, None, readability, jsonld_body, None, anchor_texts(tree),
        run_full=lambda: trafilatura.extract(work, **common) or "",
        run_precise=lambda: trafilatura.extract(work, fast=True, favor_precision=True,
                                                **common) or "",
        locate=page_locator(tree),
    )


def may_have_lost_article(chosen: str, candidates: BodyCandidates,
                          select: SelectSettings = DEFAULT_SELECT) -> bool:
    """Whether the full run could question the voted body (FULL_RUN_BELOW_WORDS)."""
    words = word_count(chosen)
    return words < FULL_RUN_BELOW_WORDS or words < select.ratio * max(
        word_count(candidates.readability), word_count(candidates.main))


def _shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def _units(line: str, long_line_words: int) -> list[str]:
    if long_line_words and len(line.split()) > long_line_words:
        return [unit for unit in _UNIT_BREAK.split(line) if unit]
    return [line]


def _supported(unit: str, supports: list[set], share: float) -> bool:
    grams = _shingles(WORD.findall(unit.lower()))
    return any(len(grams & support) >= share * len(grams) for support in supports)


def vote_body(candidates: BodyCandidates, settings: VoteSettings = DEFAULT_VOTE) -> str:
    """Keep the main text's paragraphs (or sentences) that another opinion also holds.

    With settings.keep_enclosed, an unsupported paragraph between two kept ones stays:
    boilerplate sits around an article, rarely inside it.
    """
    if not WORD.search(candidates.main):  # trafilatura found nothing: the longest other opinion
        return max(candidates.supports, key=len, default="")
    lines = [(line, [u.strip() for u in _units(line, settings.long_line_words)
                     if WORD.search(u)]) for line in candidates.main.split("\n")]
    if candidates.precise is None:
        # The precision run is deferred: when the other opinions already support every
        # unit, it could change nothing (a unit needs one support), so it is not made.
        others = [_shingles(WORD.findall(text.lower()))
                  for text in (candidates.readability, candidates.jsonld) if text]
        if others and all(_supported(u, others, settings.support_share)
                          for _, units in lines for u in units):
            return "\n".join(" ".join(units) for _, units in lines if units)
    supports = [_shingles(WORD.findall(text.lower())) for text in candidates.supports]
    if not supports:
        return candidates.main
    voted = []  # (paragraph text, kept?)
    for line, units in lines:
        kept = [u for u in units if _supported(u, supports, settings.support_share)]
        if kept:
            voted.append((" ".join(kept), True))
        elif units:
            voted.append((line.strip(), False))
    kept_at = [i for i, (_, kept) in enumerate(voted) if kept]
    if not kept_at:  # the opinions saw different pages: better the main text than none
        return candidates.main
    if settings.keep_enclosed:
        first, last = kept_at[0], kept_at[-1]
        return "\n".join(text for i, (text, kept) in enumerate(voted)
                         if kept or first < i < last)
    return "\n".join(text for text, kept in voted if kept)



# ---------------------------------------------------------------- the guard

def _line_words(text: str) -> list[list[str]]:
    return [words for line in text.split("\n") if (words := WORD.findall(line.lower()))]


def extra_lines(alternative: str, chosen: str) -> list[list[str]]:
    """The alternative's lines (as word lists) that the chosen body does not have."""
    have = {" ".join(words) for words in _line_words(chosen)}
    return [words for words in _line_words(alternative) if " ".join(words) not in have]


def is_boilerplate(lines: list[list[str]], anchors: frozenset,
                   settings: SelectSettings = DEFAULT_SELECT) -> bool:
    """What the page says about these lines: mostly its own link texts (menus, lists of
    other stories)."""
    words = sum(len(line) for line in lines)
    if not words:
        return True
    if "evidence_links" in settings.rules:
        linked = sum(len(line) for line in lines if " ".join(line) in anchors)
        if linked >= settings.link_share * words:
            return True
    return False


@lru_cache(maxsize=64)  # the guard counts the same few texts again and again
def word_count(text: str) -> int:
    return len(WORD.findall(text))


def select_body(candidates: BodyCandidates, vote: VoteSettings = DEFAULT_VOTE,
                select: SelectSettings = DEFAULT_SELECT, voted: str | None = None) -> str:
    """The voted body, unless it is a small part of a credible alternative that the page
    does not mark as boilerplate (see the module's docstring). `voted` may be given when
    the vote was already taken with these settings."""
    chosen = vote_body(candidates, vote) if voted is None else voted
    for rule in ("guard_jsonld", "guard_full", "guard_unvoted"):
        if rule not in select.rules:
            continue
        if rule == "guard_full":
            if not may_have_lost_article(chosen, candidates, select):
                continue
            alternative = candidates.full_text()
        else:
            alternative = candidates.jsonld if rule == "guard_jsonld" else candidates.main
        if not alternative:
            continue
        if word_count(chosen) < select.ratio * word_count(alternative) and not is_boilerplate(
            extra_lines(alternative, chosen), candidates.anchors, select
        ):
            chosen = alternative
    if "join_parts" in select.rules:
        chosen = join_parts(chosen, candidates, select)
    if "drop_repeats" in select.rules:
        chosen = drop_repeated_passages(chosen)
    return chosen


# An article split over two blocks of the page (its text continues after an advert or a
# newsletter box, in a container of its own) can make trafilatura take one block and the
# readability port the other: the two bodies then share almost nothing. Found on four
# pages of the two dev sets (dev 2f42ef1d and d48aeb9c, wcxb-dev 0061 and 0113: F1 0.11-
# 0.62 each, 0.81-1.00 with both parts).
JOIN_MIN_WORDS = 100  # each part at least this long: a caption or a teaser is not a part
JOIN_MAX_SHARED = 0.3  # share of the shorter part's word 3-grams the other may hold
# Sentence ends (., !, ?, and CJK full stops, maybe followed by closing quotes) before a
# space or the end: prose has several per 100 words, a list of names or links none.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)]*(?=\s|$)")


def sentence_rate(text: str) -> float:
    """Sentence ends per word."""
    return len(_SENTENCE_END.findall(text)) / max(1, word_count(text))


def join_parts(chosen: str, candidates: BodyCandidates,
               select: SelectSettings = DEFAULT_SELECT) -> str:
    """The chosen body and the readability port's, in page order, when the two found
    different parts of one article: both long, sharing little, and the port's part is
    prose as the chosen body is (at least half its sentence ends per word; a list of
    links or names has none) and not mostly the page's link texts."""
    other = candidates.readability
    if word_count(other) < JOIN_MIN_WORDS or word_count(chosen) < JOIN_MIN_WORDS:
        return chosen
    mine = _shingles(WORD.findall(chosen.lower()))
    theirs = _shingles(WORD.findall(other.lower()))
    if len(mine & theirs) >= JOIN_MAX_SHARED * min(len(mine), len(theirs)):
        return chosen
    if sentence_rate(other) < 0.5 * sentence_rate(chosen):
        return chosen
    if is_boilerplate(extra_lines(other, chosen), candidates.anchors, select):
        return chosen
    return "\n".join(candidates.in_page_order(chosen, other))


# A passage repeated word for word at this length is the page's layout showing the
# article twice (a copy for phones beside the one for desktops), not the author
# repeating themselves: a refrain, a recipe's line or a table row that recurs is shorter.
# Of 60, 100 and 200 words tried on both dev sets, 200 is the length that made no page
# worse (at 60 and 100 a meal plan's repeated lines went: dev −0.0010 and −0.0004).
REPEAT_MIN_WORDS = 200
REPEAT_MIN_LINES = 3


def drop_repeated_passages(text: str) -> str:
    """The text without the second and later copies of any run of consecutive lines
    (at least REPEAT_MIN_LINES lines and REPEAT_MIN_WORDS words) that it already had."""
    lines = text.split("\n")
    keys = [" ".join(WORD.findall(line.lower())) for line in lines]
    first_at: dict[str, int] = {}
    dropped: set[int] = set()
    i = 0
    while i < len(keys):
        earlier = first_at.get(keys[i]) if keys[i] else None
        if earlier is not None:
            run = 0  # how many lines from i repeat the lines from `earlier`, in order
            while (i + run < len(keys) and earlier + run < i
                   and keys[i + run] == keys[earlier + run]):
                run += 1
            if run >= REPEAT_MIN_LINES and sum(
                len(key.split()) for key in keys[i : i + run]
            ) >= REPEAT_MIN_WORDS:
                dropped.update(range(i, i + run))
                i += run
                continue
        if keys[i]:
            first_at.setdefault(keys[i], i)
        i += 1
    if not dropped:
        return text
    return "\n".join(line for n, line in enumerate(lines) if n not in dropped)
