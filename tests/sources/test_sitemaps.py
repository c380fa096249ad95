"""News sitemaps and section pages: entries for publishers without a feed."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.sources.sitemaps import (
    SitemapError,
    looks_like_article,
    parse_news_sitemap,
    parse_section_page,
    read_sitemap,
)

FIXTURES = Path(__file__).parent / "fixtures"
FETCHED_AT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
SITEMAP_URL = "https://tidewater-times.example/news-sitemap.xml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_news_sitemap_entries_carry_title_date_keywords_and_image():
    entries = parse_news_sitemap(fixture("sitemaps/news-sitemap.xml"), SITEMAP_URL, now=FETCHED_AT)
    gates = entries[0]
    assert gates.link == "https://tidewater-times.example/2026/11/27/lock-gates-replaced"
    assert gates.title == "Lock gates replaced after 80 years & a long wait"
    assert gates.published == datetime(2026, 11, 27, 9, 20, tzinfo=UTC)
    assert gates.categories == ["canal", "engineering"]
    assert gates.image == "https://tidewater-times.example/img/lock-gates.jpg"
    assert gates.identity_key() == f"link:{gates.link}"


def test_news_sitemap_relative_locations_and_lastmod():
    eels = parse_news_sitemap(fixture("sitemaps/news-sitemap.xml"), SITEMAP_URL, now=FETCHED_AT)[1]
    assert eels.link == "https://tidewater-times.example/2026/11/26/eel-survey-results"
    assert eels.published == datetime(2026, 11, 26, tzinfo=UTC)
    assert eels.updated == datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_news_sitemap_future_dates_are_clamped():
    future = parse_news_sitemap(fixture("sitemaps/news-sitemap.xml"), SITEMAP_URL, now=FETCHED_AT)[
        2
    ]
    assert future.published == FETCHED_AT


def test_read_sitemap_tells_news_sitemaps_from_plain_ones():
    news = read_sitemap(fixture("sitemaps/news-sitemap.xml"), SITEMAP_URL)
    assert news.is_news
    assert news.publication == "Tidewater Times"
    plain = read_sitemap(fixture("sitemaps/plain-sitemap.xml"), SITEMAP_URL)
    assert not plain.is_news
    assert [entry.title for entry in plain.entries] == ["", ""]


def test_sitemap_index_returns_child_sitemaps_for_the_caller_to_fetch():
    index = read_sitemap(fixture("sitemaps/sitemap-index.xml"), SITEMAP_URL)
    assert index.entries == []
    assert index.child_sitemaps == [
        "https://tidewater-times.example/sitemaps/pages.xml",
        "https://tidewater-times.example/sitemaps/news.xml",
        "https://tidewater-times.example/sitemaps/archive-2025.xml",
    ]
    assert parse_news_sitemap(fixture("sitemaps/sitemap-index.xml"), SITEMAP_URL) == []


def test_sitemap_declaring_entities_is_refused():
    with pytest.raises(SitemapError, match="refused, it declares XML entities"):
        read_sitemap(fixture("sitemaps/entity-sitemap.xml"), SITEMAP_URL)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"<urlset><url>", r"not XML \(line 1"),
        (b"<html><body>Hi</body></html>", r"not a sitemap \(root element <html>\)"),
    ],
)
def test_what_is_not_a_sitemap_is_a_clear_error(body, message):
    with pytest.raises(SitemapError, match=message):
        read_sitemap(body, SITEMAP_URL)


def test_section_page_yields_its_article_links_with_anchor_text_as_titles():
    entries = parse_section_page(
        fixture("pages/section-page.html"), "https://tidewater-times.example/local/"
    )
    assert [(entry.link, entry.title) for entry in entries] == [
        (
            "https://tidewater-times.example/2026/11/27/lock-gates-replaced",
            "Lock gates replaced after 80 years",
        ),
        (
            "https://www.tidewater-times.example/local/eel-survey-counts-more-than-expected",
            "Eel survey counts more than expected",
        ),
        ("https://tidewater-times.example/local/towpath-reopens-1234567.html", "Towpath reopens"),
        (
            "https://tidewater-times.example/local/20261125-bridge-painting",
            "Bridge painting begins",
        ),
    ]


def test_section_page_of_nothing_gives_no_entries():
    assert parse_section_page(b"", "https://x.example/") == []
    assert parse_section_page(b"<p>No links here</p>", "https://x.example/") == []


@pytest.mark.parametrize(
    "path",
    [
        "/2026/11/27/lock-gates-replaced",
        "/news/2026-11-27-lock-gates",
        "/local/20261127/gates",
        "/local/eel-survey-counts-more-than-expected",
        "/local/towpath-reopens-1234567.html",
        "/news/12345678",
    ],
)
def test_paths_that_look_like_articles(path):
    assert looks_like_article(path)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/local/",
        "/tag/canal-and-river-news-today",
        "/author/jo-marsh",
        "/local/page/2",
        "/files/annual-report-of-the-harbour-board.pdf",
        "/about",
        "/privacy",
        "/2026",
    ],
)
def test_paths_that_do_not_look_like_articles(path):
    assert not looks_like_article(path)
