"""Hostile text through every door of sources: what is parsed is clean, and stores.

Each format is fed every forbidden character (tests/hostile.py) in every text field;
what comes out holds none of them, titles are one line, and the entries store on every
database (a lone surrogate made bulk_create raise and cost a whole poll its batch).
"""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from hostile import (
    FORBIDDEN,
    KEPT,
    LINE_BREAKS,
    LONE_SURROGATES,
    STORABLE_FORBIDDEN,
    assert_clean,
    assert_record_clean,
    name_of,
    parse_xml_strictly,
)

from newsdesk.sources.entries import ENTRY_FIELDS_WITH_LINES
from newsdesk.sources.feeds import FeedError, parse_feed
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.opml import OpmlError, parse_opml
from newsdesk.sources.polling import store_entries
from newsdesk.sources.registry import export_opml
from newsdesk.sources.sitemaps import SitemapError, parse_section_page, read_sitemap

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
SITE = "https://harbour.example"


def xml_legal(character: str) -> bool:
    """Whether XML 1.0 allows the character at all (raw or as a reference)."""
    code = ord(character)
    return (
        character in "\t\n\r"
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


# Raw in a document, a surrogate is bytes that are not UTF-8: a matter of decoding
# (core.charset), as the fuzz suite's arbitrary bytes are.
XML_LEGAL_FORBIDDEN = [c for c in FORBIDDEN if xml_legal(c)]
XML_ILLEGAL_FORBIDDEN = [c for c in FORBIDDEN if not xml_legal(c) and c not in LONE_SURROGATES]
NOT_SURROGATES = [c for c in FORBIDDEN if c not in LONE_SURROGATES]


def ref(character: str) -> str:
    return f"&#x{ord(character):X};"


def rss(c: str) -> bytes:
    """An RSS feed with the character, as a reference, in every text field."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour{ref(c)} News</title><link>{SITE}/</link>
<item><title>Ferry{ref(c)} resumes</title><link>{SITE}/2026/11/ferry{ref(c)}</link>
<guid isPermaLink="false">ferry-{ref(c)}1</guid><author>Pat{ref(c)} Gull</author>
<category>Trans{ref(c)}port</category>
<description>First line{ref(c)} of the summary.</description></item></channel></rss>""".encode()


def atom(c: str) -> bytes:
    """An Atom feed with the character (a reference) in HTML and text constructs."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour{ref(c)}</title>
<id>{SITE}/feed</id><updated>2026-11-27T12:00:00Z</updated>
<entry><id>tag:harbour.example,2026:{ref(c)}1</id><updated>2026-11-27T12:00:00Z</updated>
<title type="html">Ferry &lt;b&gt;resumes&lt;/b&gt;{ref(c)}</title>
<link href="{SITE}/2026/11/ferry"/><author><name>Pat{ref(c)}</name></author>
<content type="html">&lt;p&gt;Crossings {ref(c)}resume.&lt;/p&gt;</content>
</entry></feed>""".encode()


def json_feed(c: str) -> bytes:
    """A JSON Feed with the character, as a JSON escape, in every text field."""
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": f"Harbour{c}",
            "home_page_url": f"{SITE}/",
            "items": [
                {
                    "id": f"ferry{c}1",
                    "url": f"{SITE}/2026/11/ferry{c}",
                    "title": f"Ferry{c} resumes",
                    "summary": f"First{c} line",
                    "content_html": f"<p>Crossings{c} resume.</p>",
                    "authors": [{"name": f"Pat{c} Gull"}],
                    "tags": [f"Trans{c}port"],
                }
            ],
        }
    ).encode()


@pytest.mark.parametrize("character", NOT_SURROGATES, ids=name_of)
@pytest.mark.parametrize("document", [rss, atom], ids=["rss", "atom"])
def test_xml_feeds_give_clean_entries_whatever_characters_they_reference(document, character):
    feed = parse_feed(document(character), f"{SITE}/feed", now=NOW)
    assert_clean(feed.title)
    (entry,) = feed.entries
    assert_record_clean(entry, lines=ENTRY_FIELDS_WITH_LINES)
    assert entry.title.startswith("Ferry") and "resumes" in entry.title


@pytest.mark.parametrize("character", LONE_SURROGATES, ids=name_of)
@pytest.mark.parametrize("document", [rss, atom], ids=["rss", "atom"])
def test_an_xml_feed_referencing_a_surrogate_is_a_clear_feed_error(document, character):
    with pytest.raises(FeedError, match=f"feed {SITE}/feed: "):
        parse_feed(document(character), f"{SITE}/feed", now=NOW)


@pytest.mark.parametrize("character", FORBIDDEN, ids=name_of)
def test_a_json_feed_gives_clean_entries_whatever_characters_it_escapes(character):
    feed = parse_feed(json_feed(character), f"{SITE}/feed.json", now=NOW)
    assert_clean(feed.title)
    (entry,) = feed.entries
    assert_record_clean(entry, lines=ENTRY_FIELDS_WITH_LINES)
    assert entry.title.startswith("Ferry") and entry.title.endswith("resumes")


@pytest.mark.parametrize("character", KEPT, ids=name_of)
def test_joiners_and_marks_reach_the_entry(character):
    (entry,) = parse_feed(json_feed(character), f"{SITE}/feed.json", now=NOW).entries
    assert entry.title == f"Ferry{character} resumes"


@pytest.mark.parametrize("brk", ["<br/>", "<br>", "<p>", "</div>", *LINE_BREAKS], ids=repr)
def test_an_html_title_with_breaks_is_one_line(brk):
    """The issue's header injection began here: <br> became a newline in the title."""
    escaped = brk.replace("<", "&lt;").replace(">", "&gt;")
    document = atom("a").replace(
        b"Ferry &lt;b&gt;resumes&lt;/b&gt;&#x61;",
        f"Title {escaped}Bcc: victim@example.com{escaped}X-Injected: yes".encode(),
    )
    (entry,) = parse_feed(document, f"{SITE}/feed", now=NOW).entries
    assert_clean(entry.title)  # one line (feedparser reads a C1 NEL in HTML as cp1252's …)
    assert entry.title.startswith("Title") and entry.title.endswith("X-Injected: yes")


def news_sitemap(c: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>
<loc>{SITE}/2026/11/27/ferry{c}</loc><news:news><news:publication>
<news:name>Harbour{c} News</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-11-27</news:publication_date>
<news:title>Ferry{c} resumes</news:title><news:keywords>ferry{c}, port</news:keywords>
</news:news></url></urlset>""".encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("character", XML_LEGAL_FORBIDDEN, ids=name_of)
def test_a_news_sitemap_gives_a_clean_publication_and_entries(character):
    sitemap = read_sitemap(news_sitemap(character), f"{SITE}/news.xml", now=NOW)
    assert sitemap.publication == "Harbour News"
    (entry,) = sitemap.entries
    assert_record_clean(entry, lines=ENTRY_FIELDS_WITH_LINES)
    assert entry.title == "Ferry resumes"


@pytest.mark.parametrize("character", XML_ILLEGAL_FORBIDDEN, ids=name_of)
def test_a_sitemap_with_characters_xml_forbids_is_a_clear_error(character):
    with pytest.raises(SitemapError, match="not XML"):
        read_sitemap(news_sitemap(character), f"{SITE}/news.xml", now=NOW)


@pytest.mark.parametrize("character", NOT_SURROGATES, ids=name_of)
def test_a_section_page_gives_clean_titles(character):
    page = (
        f'<html><body><a href="/2026/11/27/ferry-resumes">Ferry{character} resumes'
        f"{character}</a></body></html>"
    ).encode()
    (entry,) = parse_section_page(page, f"{SITE}/news")
    assert_record_clean(entry, lines=ENTRY_FIELDS_WITH_LINES)
    assert entry.title.replace("\ufffd", "") == "Ferry resumes"  # HTML reads NUL as U+FFFD


def opml(c: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head/><body>
<outline text="World{c}"><outline type="rss" text="Harbour{c} News"
 xmlUrl="{SITE}/feed" htmlUrl="{SITE}/"/></outline></body></opml>""".encode(
        "utf-8", "surrogatepass"
    )


@pytest.mark.parametrize("character", XML_LEGAL_FORBIDDEN, ids=name_of)
def test_an_opml_file_gives_clean_titles_and_topics(character):
    (feed,) = parse_opml(opml(character))
    assert (feed.title, feed.topics) == ("Harbour News", ["World"])


@pytest.mark.parametrize("character", XML_ILLEGAL_FORBIDDEN, ids=name_of)
def test_an_opml_file_with_characters_xml_forbids_is_a_clear_error(character):
    with pytest.raises(OpmlError, match="not valid XML"):
        parse_opml(opml(character))


@pytest.mark.django_db
@pytest.mark.parametrize("character", FORBIDDEN, ids=name_of)
def test_entries_with_any_character_store_on_this_database(character):
    publisher = Publisher.for_domain("harbour.example", "Harbour")
    source = Source.objects.create(url=f"{SITE}/feed.json", publisher=publisher)
    feed = parse_feed(json_feed(character), source.url, now=NOW)
    new, _ = store_entries(source, feed.entries, NOW)
    stored = Entry.objects.get(pk__in=new)
    for text in (stored.title, stored.guid, stored.link, stored.author):
        assert_clean(text)
    assert_clean(stored.summary, lines=True)
    assert_clean(stored.content_html, lines=True)


@pytest.mark.django_db
@pytest.mark.parametrize("character", STORABLE_FORBIDDEN, ids=name_of)
def test_exported_opml_is_xml_whatever_titles_were_stored_before(character):
    """A row stored before text was cleaned on its way in cannot break the export."""
    publisher = Publisher.for_domain("harbour.example", "Harbour")
    Source.objects.create(url=f"{SITE}/feed", title=f"Harbour{character} News", publisher=publisher)
    outline = parse_xml_strictly(export_opml()).find(".//outline")
    assert outline.get("title") == "Harbour News"


@pytest.mark.django_db
@pytest.mark.parametrize("character", STORABLE_FORBIDDEN + LINE_BREAKS, ids=name_of)
def test_sources_list_shows_escapes_not_the_characters_titles_and_errors_hold(character):
    """A title with ESC could drive the operator's terminal; a newline could forge a line."""
    publisher = Publisher.for_domain("harbour.example", "Harbour")
    Source.objects.create(
        url=f"{SITE}/feed",
        title=f"Harbour{character} News",
        publisher=publisher,
        error_count=1,
        last_error=f"feed {SITE}/feed: not a feed (it starts with {character})",
    )
    out = io.StringIO()
    call_command("sources", "list", "--broken", stdout=out)
    printed = out.getvalue()
    shown = character.encode("unicode_escape").decode()
    assert f"Harbour{shown} News" in printed
    assert f"(it starts with {shown})" in printed
    lines = printed.splitlines()  # splits at a raw break of any kind
    assert len(lines) == 3  # the source's own three lines, none forged
    assert not any(character in line for line in lines)
