"""Fuzzing the readers of publisher documents: feeds, sitemaps, section pages, OPML.

Whatever bytes arrive, a reader returns clean records or raises its own error (whose
message says what was wrong); and what it returns stores on this database.
"""

import json
from datetime import UTC, datetime

import pytest
from django.db import transaction
from fuzz_strategies import (
    atom_documents,
    hostile_text,
    json_feed_documents,
    json_values,
    rss_documents,
    xml_text,
)
from hostile import assert_record_clean
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.sources.entries import ENTRY_FIELDS_WITH_LINES
from newsdesk.sources.feeds import FeedError, parse_feed
from newsdesk.sources.models import Publisher, Source
from newsdesk.sources.opml import OpmlError, parse_opml
from newsdesk.sources.polling import store_entries
from newsdesk.sources.sitemaps import SitemapError, parse_section_page, read_sitemap

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
URL = "https://harbour.example/feed"


def read_feed(body: bytes):
    try:
        feed = parse_feed(body, URL, now=NOW)
    except FeedError as error:
        assert str(error).startswith(f"feed {URL}: ")
        return None
    assert_record_clean(feed, lines=ENTRY_FIELDS_WITH_LINES)
    for entry in feed.entries:
        entry.identity_key()
        entry.content_hash()
    return feed


@given(st.binary(max_size=3000))
def test_any_bytes_are_a_feed_or_a_feed_error(body):
    read_feed(body)


@given(st.one_of(rss_documents(), atom_documents()))
def test_xml_feeds_with_hostile_text_give_clean_entries(body):
    read_feed(body)


@given(json_feed_documents())
def test_json_feeds_with_hostile_text_give_clean_entries(document):
    read_feed(json.dumps(document).encode())


@given(json_values)
def test_any_json_is_a_feed_or_a_feed_error(value):
    read_feed(json.dumps(value).encode())


@pytest.mark.django_db
@given(st.one_of(json_feed_documents().map(lambda d: json.dumps(d).encode()), rss_documents()))
def test_what_a_hostile_feed_gives_stores_on_this_database(body):
    """The lone surrogate that made bulk_create raise, and all its relatives."""
    feed = read_feed(body)
    if feed is None:
        return
    with transaction.atomic():
        publisher = Publisher.for_domain("harbour.example", feed.title)
        source = Source.objects.create(url=URL, publisher=publisher, title=feed.title[:300])
        store_entries(source, feed.entries, NOW)
        transaction.set_rollback(True)


@st.composite
def news_sitemaps(draw) -> bytes:
    urls = "".join(
        f"<url><loc>https://harbour.example/2026/11/27/{xml_text(draw(hostile_text))}</loc>"
        "<news:news><news:publication>"
        f"<news:name>{xml_text(draw(hostile_text))}</news:name></news:publication>"
        f"<news:publication_date>{xml_text(draw(hostile_text))}</news:publication_date>"
        f"<news:title>{xml_text(draw(hostile_text))}</news:title>"
        f"<news:keywords>{xml_text(draw(hostile_text))}</news:keywords></news:news></url>"
        for _ in range(draw(st.integers(0, 3)))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


@given(st.one_of(st.binary(max_size=3000), news_sitemaps()))
def test_sitemaps_give_clean_entries_or_a_sitemap_error(body):
    try:
        sitemap = read_sitemap(body, "https://harbour.example/news.xml", now=NOW)
    except SitemapError as error:
        assert str(error).startswith("sitemap https://harbour.example/news.xml: ")
        return
    assert_record_clean(sitemap, lines=ENTRY_FIELDS_WITH_LINES)


@st.composite
def section_pages(draw) -> bytes:
    anchors = "".join(
        f'<a href="/2026/11/27/{draw(hostile_text)}">{draw(hostile_text)}</a>'
        f'<a href="{draw(hostile_text)}" title="{draw(hostile_text)}"><img alt="'
        f'{draw(hostile_text)}"></a>'
        for _ in range(draw(st.integers(0, 4)))
    )
    return f"<html><body>{anchors}</body></html>".encode("utf-8", "surrogatepass")


@given(st.one_of(st.binary(max_size=3000), section_pages()))
def test_section_pages_give_clean_entries(body):
    for entry in parse_section_page(body, "https://harbour.example/news"):
        assert_record_clean(entry, lines=ENTRY_FIELDS_WITH_LINES)


@st.composite
def opml_files(draw) -> bytes:
    outlines = "".join(
        f'<outline text="{xml_text(draw(hostile_text))}">'
        f'<outline type="rss" text="{xml_text(draw(hostile_text))}" '
        f'xmlUrl="https://harbour.example/{xml_text(draw(hostile_text))}" '
        f'category="{xml_text(draw(hostile_text))}"/></outline>'
        for _ in range(draw(st.integers(0, 3)))
    )
    return f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'.encode()


@given(st.one_of(st.binary(max_size=2000), opml_files()))
def test_opml_files_give_clean_feeds_or_an_opml_error(body):
    try:
        feeds = parse_opml(body, "subscriptions.opml")
    except OpmlError as error:
        assert str(error).startswith("subscriptions.opml")
        return
    for feed in feeds:
        assert_record_clean(feed, lines=ENTRY_FIELDS_WITH_LINES)
