"""parse_feed: every feed format real publishers send, and every way a feed goes wrong."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.sources.feeds import FeedError, ParsedEntry, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
FETCHED_AT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def read(name: str, url: str | None = None, content_type: str | None = None):
    body = (FIXTURES / name).read_bytes()
    return parse_feed(body, url or f"https://feeds.example/{name}", content_type, now=FETCHED_AT)


def rss_item(item_xml: str, channel_link: str = "https://dates.example/") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<link>{channel_link}</link><item>{item_xml}</item></channel></rss>"
    ).encode()


def by_link(feed, fragment: str) -> ParsedEntry:
    return next(entry for entry in feed.entries if fragment in (entry.link or ""))


# -- formats ---------------------------------------------------------------------


def test_rss091_with_netscape_doctype_is_read():
    feed = read("rss091.xml")
    assert feed.format == "rss091n"
    assert feed.title == "Harbour Herald Classic"
    assert feed.language == "en-gb"
    assert [entry.title for entry in feed.entries] == [
        "Ferry timetable changes for the winter",
        "Lighthouse open day draws a crowd",
    ]


def test_rss090_is_read():
    feed = read("rss090.rdf")
    assert feed.format == "rss090"
    assert feed.site_url == "https://lighthouse-log.example/"
    assert [entry.link for entry in feed.entries] == [
        "https://lighthouse-log.example/notes/lamp-serviced",
        "https://lighthouse-log.example/notes/fog-signal-tested",
    ]


def test_rss092_image_enclosure_and_html_description():
    entry = read("rss092.xml").entries[0]
    assert entry.image == "https://cdn.harbour-herald.example/img/storm.jpg"
    assert entry.summary_text == "Waves topped the wall on Tuesday."
    assert entry.content_html == "<p>Waves topped the wall on <b>Tuesday</b>.</p>"
    assert entry.categories == ["Weather"]


def test_rss10_rdf_reads_dublin_core_dates_and_creators():
    feed = read("rss10.rdf")
    assert feed.format == "rss10"
    assert feed.language == "en"
    mill = feed.entries[0]
    assert mill.author == "Mira Oakes"
    assert mill.published == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert mill.categories == ["Business"]
    assert mill.identity_key() == "guid:https://valley-voice.example/news/mill-reopens"


def test_rss20_channel_metadata():
    feed = read("rss20.xml")
    assert feed.format == "rss20"
    assert feed.title == "Harbour Herald & Friends"
    assert feed.site_url == "https://www.harbour-herald.example/"
    assert feed.self_url == "https://www.harbour-herald.example/feed.xml"
    assert feed.hub_url == "https://hub.harbour-herald.example/"
    assert feed.ttl_minutes == 30
    assert feed.language == "en"
    assert feed.warnings == []


def test_rss20_entry_fields():
    entry = read("rss20.xml").entries[0]
    assert entry.guid == "hh-2026-1127-wall"
    assert entry.author == "Ada Quayle"
    assert entry.categories == ["Politics", "Harbour"]
    assert entry.image == "https://cdn.harbour-herald.example/thumbs/wall.jpg"
    assert entry.summary_text == "The vote was 7 to 2."


def test_atom03_issued_and_modified_dates():
    feed = read("atom03.xml")
    assert feed.format == "atom03"
    entry = feed.entries[0]
    assert entry.published == datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert entry.updated == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert entry.author == "Tom Reed"


def test_atom10_feed_metadata():
    feed = read("atom10.xml")
    assert feed.format == "atom10"
    assert feed.title == "North Star Daily"
    assert feed.language == "en-GB"
    assert feed.self_url == "https://north-star.example/atom.xml"
    assert feed.hub_url == "https://websub.north-star.example/hub"


def test_atom10_xhtml_content_is_kept_as_html_and_summarised_as_text():
    derby = read("atom10.xml").entries[1]
    assert "<b>3-1</b>" in derby.content_html
    assert derby.summary_text == "Final score 3-1. League table."


def test_atom_entry_with_only_updated_uses_it_as_published():
    derby = read("atom10.xml").entries[1]
    assert derby.published == derby.updated == datetime(2026, 11, 26, 21, 30, tzinfo=UTC)


# -- links -----------------------------------------------------------------------


def test_xml_base_of_feed_and_entry_resolve_relative_links():
    feed = read("atom10.xml")
    assert feed.site_url == "https://north-star.example/"
    snow, derby = feed.entries
    assert snow.link == "https://north-star.example/news/2026/11/27/snow-closes-pass"
    assert derby.link == "https://north-star.example/sport/stars-win-derby"
    assert 'href="https://north-star.example/news/maps/pass"' in snow.content_html
    assert 'href="https://north-star.example/sport/table"' in derby.content_html


def test_relative_item_link_resolves_against_channel_link_not_feed_host():
    fish = by_link(read("rss20.xml", url="https://cdn.feeds.example/hh.xml"), "fish-market")
    assert fish.link == "https://www.harbour-herald.example/2026/11/26/fish-market-hours"


def test_relative_link_resolves_against_feed_url_when_channel_link_is_missing():
    body = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<link>../stories/a-relative-story</link></item></channel></rss>"
    )
    entry = parse_feed(body, "https://relative.example/feeds/main.xml").entries[0]
    assert entry.link == "https://relative.example/stories/a-relative-story"


def test_tracking_parameters_are_removed_from_links_and_other_parameters_kept():
    wall = read("rss20.xml").entries[0]
    assert wall.link == "https://www.harbour-herald.example/2026/11/27/harbour-wall-approved?id=7"


def test_links_that_are_not_http_are_dropped():
    body = rss_item("<title>a</title><link>javascript:alert(1)</link>")
    assert parse_feed(body, "https://x.example/f").entries[0].link is None


# -- text and HTML ---------------------------------------------------------------


def test_html_in_titles_becomes_plain_text():
    assert read("rss20.xml").entries[0].title == "Council approves new harbour wall"
    assert read("atom10.xml").entries[0].title == "Snow closes mountain pass & roads"


def test_entities_escaped_twice_in_titles_are_decoded():
    assert by_link(read("rss20.xml"), "fish-market").title == "Fish market\u2019s new hours"


def test_content_is_sanitised_with_absolute_links():
    html = read("rss20.xml").entries[0].content_html
    assert "<script" not in html and "alert" not in html
    assert 'src="https://www.harbour-herald.example/img/wall.jpg"' in html
    assert 'href="https://www.harbour-herald.example/2026/11/26/wall-debate"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


# -- dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Fri, 27 Nov 2026 09:15:00 GMT", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 EST", datetime(2026, 11, 27, 14, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 EDT", datetime(2026, 11, 27, 13, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15 PST", datetime(2026, 11, 27, 17, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 +0530", datetime(2026, 11, 27, 3, 45, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 -0000", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 CET", datetime(2026, 11, 27, 8, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 CEST", datetime(2026, 11, 27, 7, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 2026 09:15:00 BST", datetime(2026, 11, 27, 8, 15, tzinfo=UTC)),
        ("27 Nov 2026 09:15:00 UT", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("Fri, 27 Nov 26 09:15:00 GMT", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("2026-11-27T09:15:00Z", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("2026-11-27T09:15:00+02:00", datetime(2026, 11, 27, 7, 15, tzinfo=UTC)),
        ("2026-11-27T09:15:00.123-05:00", datetime(2026, 11, 27, 14, 15, tzinfo=UTC)),
        ("2026-11-27 09:15:00", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("2026-11-27", datetime(2026, 11, 27, tzinfo=UTC)),
    ],
)
def test_dates_in_the_formats_feeds_use_become_utc(written, expected):
    body = rss_item(
        f"<title>a</title><link>https://dates.example/a</link><pubDate>{written}</pubDate>"
    )
    a_day_later = datetime(2026, 11, 28, tzinfo=UTC)
    entry = parse_feed(body, "https://dates.example/feed", now=a_day_later).entries[0]
    assert entry.published == expected
    assert entry.published.tzinfo is UTC


def test_missing_date_is_left_for_the_caller():
    entry = by_link(read("rss20.xml"), "tides")
    assert entry.published is None and entry.updated is None


def test_unreadable_date_is_left_for_the_caller():
    body = rss_item("<title>a</title><link>https://x.example/a</link><pubDate>soon</pubDate>")
    assert parse_feed(body, "https://x.example/f").entries[0].published is None


def test_future_date_is_clamped_to_fetch_time():
    assert by_link(read("rss20.xml"), "from-the-future").published == FETCHED_AT


def test_date_a_minute_ahead_is_believed_as_clock_skew():
    body = rss_item(
        "<title>a</title><link>https://x.example/a</link>"
        "<pubDate>Fri, 27 Nov 2026 15:01:00 GMT</pubDate>"
    )
    published = parse_feed(body, "https://x.example/f", now=FETCHED_AT).entries[0].published
    assert published == datetime(2026, 11, 27, 15, 1, tzinfo=UTC)


# -- identity --------------------------------------------------------------------


def test_identity_is_the_guid_when_present():
    assert read("rss20.xml").entries[0].identity_key() == "guid:hh-2026-1127-wall"


def test_identity_falls_back_to_the_canonical_link():
    regatta = by_link(read("rss20.xml"), "regatta")
    assert regatta.identity_key() == (
        "link:https://www.harbour-herald.example/2026/11/25/regatta-results"
    )


def test_identity_falls_back_to_a_hash_of_title_and_summary():
    body = rss_item("<title>No link at all</title><description>Just words.</description>")
    entry = parse_feed(body, "https://x.example/f").entries[0]
    again = parse_feed(body, "https://x.example/f").entries[0]
    assert entry.identity_key().startswith("text:")
    assert entry.identity_key() == again.identity_key()


def test_guid_shared_by_several_items_is_not_used():
    body = (
        b'<rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
        b"<item><title>a</title><link>https://x.example/a</link><guid>same</guid></item>"
        b"<item><title>b</title><link>https://x.example/b</link><guid>same</guid></item>"
        b"</channel></rss>"
    )
    keys = [entry.identity_key() for entry in parse_feed(body, "https://x.example/f").entries]
    assert keys == ["link:https://x.example/a", "link:https://x.example/b"]


def test_guid_that_is_the_site_address_is_not_used():
    body = rss_item(
        "<title>a</title><link>https://x.example/a</link><guid>https://x.example/</guid>",
        channel_link="https://x.example/",
    )
    entry = parse_feed(body, "https://x.example/feed").entries[0]
    assert entry.identity_key() == "link:https://x.example/a"


def test_tracking_parameters_in_url_guids_do_not_change_identity():
    first = rss_item("<title>a</title><guid>https://x.example/a?utm_source=one</guid>")
    second = rss_item("<title>a</title><guid>https://x.example/a?utm_source=two</guid>")
    keys = {
        parse_feed(body, "https://x.example/f").entries[0].identity_key()
        for body in (first, second)
    }
    assert keys == {"guid:https://x.example/a"}


def test_an_item_listed_twice_is_kept_once_with_a_warning():
    item = "<item><title>a</title><link>https://x.example/a</link></item>"
    body = f'<rss version="2.0"><channel><title>t</title>{item}{item}</channel></rss>'.encode()
    feed = parse_feed(body, "https://x.example/f")
    assert len(feed.entries) == 1
    assert "1 repeated entries ignored" in feed.warnings[0]


def test_content_hash_follows_what_readers_see_not_the_dates():
    entry = ParsedEntry(link="https://x.example/a", title="Old title", summary_text="s")
    redated = ParsedEntry(
        link="https://x.example/a", title="Old title", summary_text="s", published=FETCHED_AT
    )
    retitled = ParsedEntry(link="https://x.example/a", title="New title", summary_text="s")
    assert entry.content_hash() == redated.content_hash()
    assert entry.content_hash() != retitled.content_hash()
    assert entry.identity_key() == retitled.identity_key()


# -- charsets --------------------------------------------------------------------


def test_latin1_bytes_declared_as_utf8_are_read_right():
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 r\u00e9opens</title><link>https://x.example/a</link></item>"
        "</channel></rss>"
    )
    feed = parse_feed(body.encode("cp1252"), "https://x.example/f")
    assert feed.entries[0].title == "Caf\u00e9 r\u00e9opens"


def test_utf8_bytes_declared_as_latin1_by_http_and_xml_are_read_right():
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>t</title><item><title>Caf\u00e9 \u2013 \u00e9t\u00e9</title>"
        "<link>https://x.example/a</link></item></channel></rss>"
    )
    feed = parse_feed(body.encode("utf-8"), "https://x.example/f", "text/xml; charset=iso-8859-1")
    assert feed.entries[0].title == "Caf\u00e9 \u2013 \u00e9t\u00e9"


def test_utf16_feed_with_byte_order_mark_is_read():
    body = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>\u00c5land ferry</title><link>https://x.example/a</link></item>"
        "</channel></rss>"
    )
    feed = parse_feed(body.encode("utf-16"), "https://x.example/f")
    assert feed.entries[0].title == "\u00c5land ferry"


def test_iso_8859_1_feed_without_any_declaration_is_read():
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Gr\u00fc\u00dfe aus '
        "M\u00fcnchen und K\u00f6ln</title><link>https://x.example/a</link></item></channel></rss>"
    )
    feed = parse_feed(body.encode("latin-1"), "https://x.example/f")
    assert feed.entries[0].title == "Gr\u00fc\u00dfe aus M\u00fcnchen und K\u00f6ln"


# -- not feeds and attacks ---------------------------------------------------------


def test_html_page_served_as_a_feed_is_a_clear_error():
    with pytest.raises(FeedError) as error:
        read("html-page.html", url="https://x.example/rss", content_type="text/html; charset=utf-8")
    assert str(error.value) == (
        "feed https://x.example/rss: not a feed (got an HTML page, served as text/html)"
    )


def test_html_page_labelled_as_rss_is_still_recognised_as_html():
    with pytest.raises(FeedError, match="got an HTML page"):
        read("html-page.html", content_type="application/rss+xml")


def test_feed_labelled_as_html_is_still_read():
    assert read("rss20.xml", content_type="text/html").format == "rss20"


@pytest.mark.parametrize("body", [b"", b"   \n\t "])
def test_empty_body_is_a_clear_error(body):
    with pytest.raises(FeedError, match=r"feed https://x.example/rss: empty response"):
        parse_feed(body, "https://x.example/rss")


def test_plain_text_is_a_clear_error():
    with pytest.raises(FeedError, match="neither XML nor JSON.*'Service temporarily"):
        parse_feed(b"Service temporarily unavailable", "https://x.example/rss", "text/plain")


def test_a_url_given_as_body_is_never_fetched():
    # feedparser.parse treats some strings as addresses to open; we only ever hand it bytes.
    with pytest.raises(FeedError, match="neither XML nor JSON"):
        parse_feed(b"https://127.0.0.1:9/feed.xml", "https://x.example/rss")


def test_xml_that_is_not_a_feed_names_its_root_element():
    with pytest.raises(FeedError, match=r"not a feed \(root element <catalog>\)"):
        parse_feed(b"<?xml version='1.0'?><catalog><book/></catalog>", "https://x.example/rss")


def test_sitemap_given_as_a_feed_says_it_is_a_sitemap():
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://x.example/a</loc></url></urlset>"
    )
    with pytest.raises(FeedError, match=r"not a feed \(got a sitemap\)"):
        parse_feed(body, "https://x.example/rss")


def test_not_well_formed_feed_with_entries_gives_a_warning_not_an_error():
    feed = read("not-well-formed.xml")
    assert [entry.title for entry in feed.entries] == [
        "Fish & chips prices rise",
        "Unclosed tags everywhere",
    ]
    assert len(feed.warnings) == 1
    assert "not well-formed XML (line 7" in feed.warnings[0]
    assert "read leniently" in feed.warnings[0]


def test_truncated_feed_keeps_its_complete_entries_with_a_warning():
    body = (FIXTURES / "rss20.xml").read_bytes()
    cut = body[: body.index(b"<title>Tide tables")]
    feed = parse_feed(cut, "https://x.example/rss", now=FETCHED_AT)
    assert [entry.title for entry in feed.entries][:3] == [
        "Council approves new harbour wall",
        "Fish market\u2019s new hours",
        "Regatta results",
    ]
    assert "not well-formed XML" in feed.warnings[0]


def test_blank_lines_before_the_xml_declaration_are_tolerated():
    body = b"\n\n  " + (FIXTURES / "rss20.xml").read_bytes()
    feed = parse_feed(body, "https://x.example/rss", now=FETCHED_AT)
    assert len(feed.entries) == 5
    assert feed.warnings == []


def test_billion_laughs_is_refused_without_expanding_it():
    with pytest.raises(FeedError) as error:
        read("billion-laughs.xml", url="https://x.example/rss")
    assert str(error.value) == (
        "feed https://x.example/rss: declares entity &lol1; that expands other entities "
        "(billion-laughs attack; refused)"
    )


def test_quadratic_blowup_entity_is_refused():
    with pytest.raises(FeedError, match="declares entity &big; of 128 characters"):
        read("quadratic-blowup.xml")


def test_external_entity_is_refused_and_the_file_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    body = (
        (FIXTURES / "xxe-local-file.xml")
        .read_bytes()
        .replace(b"file:///etc/passwd", secret.as_uri().encode())
    )
    with pytest.raises(FeedError) as error:
        parse_feed(body, "https://x.example/rss")
    assert "external entity &secret;" in str(error.value)
    assert "XXE; refused, nothing was read" in str(error.value)
    assert "TOP-SECRET-VALUE" not in str(error.value)


def test_external_entity_fixture_pointing_at_etc_passwd_is_refused():
    with pytest.raises(
        FeedError, match=r"external entity &secret; pointing at 'file:///etc/passwd'"
    ):
        read("xxe-local-file.xml")


def test_parameter_entity_is_refused():
    with pytest.raises(FeedError, match=r"declares a parameter entity %remote;"):
        read("xxe-parameter-entity.xml")


def test_entity_declaration_hidden_after_a_comment_is_still_found():
    body = (
        (FIXTURES / "billion-laughs.xml")
        .read_bytes()
        .replace(b"<!DOCTYPE", b"<!-- <rss> --><!DOCTYPE", 1)
    )
    with pytest.raises(FeedError, match="billion-laughs"):
        parse_feed(body, "https://x.example/rss")


def test_harmless_character_entity_declarations_are_allowed():
    feed = read("harmless-entity.xml")
    assert feed.title == "Declared Entities Weekly"
    assert feed.entries[0].title == "Space here"


def test_a_feed_that_crashes_feedparser_is_a_clear_error_not_a_traceback():
    # A no-break space inside a namespace URI makes feedparser 6 raise ValueError.
    with pytest.raises(FeedError, match=r"not readable as a feed \(the feed parser failed"):
        read("nbsp-in-namespace.rdf")
