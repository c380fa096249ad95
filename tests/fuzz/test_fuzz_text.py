"""Fuzzing text handling: the normalising step, HTML to text, titles, excerpts, search
queries and the extraction of a page, whose result is cleaned where it is stored."""

import json
from dataclasses import replace

from fuzz_strategies import ANY_CHARACTER, hostile_text
from hostile import KEPT, assert_clean
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.articles.excerpt import make_excerpt, shorten_title
from newsdesk.articles.extract import FeedHint, extract
from newsdesk.articles.store import EXTRACTION_FIELDS_WITH_LINES
from newsdesk.core.html import html_to_text, sanitize_html
from newsdesk.core.text import clean_fields, clean_text, shown_escaped
from newsdesk.sources.entries import text_of
from newsdesk.web.search_query import parse_query

any_text = st.one_of(hostile_text, st.text(ANY_CHARACTER, max_size=200))


@given(any_text, st.booleans())
def test_clean_text_is_clean_idempotent_and_keeps_joiners_and_marks(text, lines):
    cleaned = clean_text(text, lines=lines)
    assert_clean(cleaned, lines=lines)
    assert clean_text(cleaned, lines=lines) == cleaned
    for kept in KEPT:
        assert cleaned.count(kept) == text.count(kept)


@given(any_text)
def test_shown_escaped_shows_one_printable_line(text):
    shown = shown_escaped(text)
    shown.encode("utf-8")
    assert len(shown.splitlines()) <= 1
    assert_clean(shown)


@given(any_text, st.sampled_from([None, "https://harbour.example/a/", "http://[oops/"]))
def test_publisher_html_becomes_clean_html_and_text(html, base):
    assert_clean(sanitize_html(html, base_url=base), lines=True)
    assert_clean(html_to_text(html), lines=True)


@given(any_text, st.booleans())
def test_titles_and_summaries_read_from_feeds_never_raise(value, is_html):
    text_of(value, is_html)


@given(any_text, st.integers(-5, 400), st.sampled_from([None, "en", "de", "xx"]))
def test_excerpts_fit_and_never_raise(text, limit, language):
    excerpt = make_excerpt(clean_text(text, lines=True), max_chars=limit, language=language)
    assert len(excerpt) <= max(limit, 0) + 1  # at most the ellipsis past the limit


@given(any_text, st.integers(1, 200))
def test_shortened_titles_fit(title, limit):
    assert len(shorten_title(clean_text(title), limit)) <= limit + 1


@given(any_text)
def test_any_search_query_parses(text):
    parse_query(text)


@st.composite
def article_pages(draw) -> bytes:
    """A page whose title, metadata, JSON-LD and paragraphs hold hostile text."""
    jsonld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": draw(hostile_text),
            "author": {"name": draw(hostile_text)},
            "publisher": {"name": draw(hostile_text)},
            "articleBody": draw(hostile_text),
            "keywords": draw(st.lists(hostile_text, max_size=3)),
            "datePublished": draw(hostile_text),
        }
    )
    paragraphs = "".join(
        f"<p>{draw(hostile_text)} {draw(hostile_text)}</p>" for _ in range(draw(st.integers(0, 6)))
    )
    page = (
        f'<html lang="{draw(hostile_text)}"><head><title>{draw(hostile_text)}</title>'
        f'<meta property="og:site_name" content="{draw(hostile_text)}">'
        f'<meta property="og:title" content="{draw(hostile_text)}">'
        f'<link rel="canonical" href="{draw(hostile_text)}">'
        f'<script type="application/ld+json">{jsonld}</script></head>'
        f"<body><article><h1>{draw(hostile_text)}</h1>{paragraphs}</article></body></html>"
    )
    return page.encode("utf-8", "surrogatepass")


@given(st.one_of(st.binary(max_size=4000), article_pages()), hostile_text)
def test_extraction_never_raises_and_what_is_stored_of_it_is_clean(page, feed_title):
    extraction = extract(
        page,
        "https://harbour.example/2026/11/27/ferry",
        feed_hint=FeedHint(title=feed_title, summary=feed_title),
    )
    stored = replace(extraction, **clean_fields(extraction, lines=EXTRACTION_FIELDS_WITH_LINES))
    for name, value in stored.to_json().items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                assert_clean(text, lines=name in EXTRACTION_FIELDS_WITH_LINES)
    json.dumps(stored.to_json(), ensure_ascii=False).encode("utf-8")
