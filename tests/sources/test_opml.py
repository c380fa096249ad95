"""OPML import (folders become topics, bad files name their line) and export that round-trips."""

from pathlib import Path

import pytest

from newsdesk.sources.opml import OpmlError, OpmlFeed, export_opml, parse_opml

FIXTURES = Path(__file__).parent / "fixtures" / "opml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_nested_outlines_become_topic_paths():
    feeds = parse_opml(fixture("subscriptions.opml"))
    assert [(feed.title, feed.topics) for feed in feeds] == [
        ("North Star Daily", ["News", "Europe"]),
        ("Valley Voice", ["News", "Europe"]),
        ("Harbour Herald", ["News"]),
        ("Quayside Notes", []),
        ("Only a title attribute", ["Tech"]),
        ("Categorised elsewhere", ["Science", "Space"]),
    ]


def test_feed_addresses_are_read():
    north_star = parse_opml(fixture("subscriptions.opml"))[0]
    assert north_star == OpmlFeed(
        title="North Star Daily",
        xml_url="https://north-star.example/atom.xml",
        html_url="https://north-star.example/",
        topics=["News", "Europe"],
    )


def test_attribute_names_are_read_in_any_case():
    body = (
        b'<opml version="1.0"><body><outline text="A" xmlurl="https://a.example/feed" '
        b'HTMLURL="https://a.example/"/></body></opml>'
    )
    assert parse_opml(body) == [
        OpmlFeed(title="A", xml_url="https://a.example/feed", html_url="https://a.example/")
    ]


def test_feed_without_a_title_is_named_by_its_address():
    body = b'<opml version="2.0"><body><outline xmlUrl="https://a.example/feed"/></body></opml>'
    assert parse_opml(body)[0].title == "https://a.example/feed"


def test_export_round_trips():
    feeds = parse_opml(fixture("subscriptions.opml"))
    assert parse_opml(export_opml(feeds, "Newsdesk subscriptions")) == feeds


def test_export_keeps_order_when_a_folder_is_interrupted():
    feeds = [
        OpmlFeed("A", "https://a.example/feed", topics=["News"]),
        OpmlFeed("B", "https://b.example/feed"),
        OpmlFeed("C", "https://c.example/feed", topics=["News", "Local"]),
        OpmlFeed("D", "https://d.example/feed", html_url="https://d.example/", topics=["News"]),
    ]
    assert parse_opml(export_opml(feeds, "t")) == feeds


def test_export_escapes_titles():
    feeds = [OpmlFeed('Fish & "Chips" <Weekly>', "https://a.example/feed?x=1&y=2", topics=["A&B"])]
    exported = export_opml(feeds, "Mine & yours")
    assert exported.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<title>Mine &amp; yours</title>" in exported
    assert parse_opml(exported) == feeds


def test_outline_without_xml_url_names_its_line():
    with pytest.raises(OpmlError) as error:
        parse_opml(fixture("missing-xmlurl.opml"), "subscriptions.opml")
    assert str(error.value) == (
        "subscriptions.opml line 12: outline 'Lost its address' has no xmlUrl and no nested "
        "outlines, so it names no feed; add its feed address as xmlUrl or remove it"
    )


def test_empty_folders_are_ignored():
    titles = [feed.title for feed in parse_opml(fixture("subscriptions.opml"))]
    assert "Empty folder" not in titles


def test_xml_url_that_is_not_http_is_refused_with_its_line():
    with pytest.raises(OpmlError, match=r"^mine.opml line 5: outline 'Local file' has xmlUrl "):
        parse_opml(fixture("file-url.opml"), "mine.opml")


def test_not_well_formed_file_names_line_and_column():
    with pytest.raises(OpmlError) as error:
        parse_opml(fixture("not-well-formed.opml"), "mine.opml")
    assert str(error.value) == (
        "mine.opml line 6, column 36: not valid XML: not well-formed (invalid token)"
    )


def test_entity_declarations_are_refused():
    with pytest.raises(OpmlError, match=r"mine.opml line 3: declares XML entities"):
        parse_opml(fixture("entity-bomb.opml"), "mine.opml")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the file is empty"),
        (b'<?xml version="1.0"?><rss version="2.0"/>', r"line 1: not an OPML file \(the document"),
        (b'<opml version="2.0"><head/></opml>', "no <body> element"),
    ],
)
def test_files_that_are_not_subscription_lists_are_clear_errors(body, message):
    with pytest.raises(OpmlError, match=message):
        parse_opml(body)


def test_windows_1252_file_declared_as_such_is_read():
    body = (
        '<?xml version="1.0" encoding="windows-1252"?><opml version="2.0"><body>'
        '<outline text="Caf\u00e9 \u2013 news" xmlUrl="https://cafe.example/feed"/></body></opml>'
    )
    assert parse_opml(body.encode("cp1252"))[0].title == "Caf\u00e9 \u2013 news"


def test_a_subscription_list_with_no_feeds_is_empty():
    assert parse_opml(b'<opml version="2.0"><head/><body></body></opml>') == []


def test_label_attributes_label_the_publisher_and_survive_export():
    body = (
        b'<opml version="2.0"><body><outline text="Herald" xmlUrl="https://herald.example/rss"'
        b' label-Country=" NM " label-lean="centre" label-empty=""/></body></opml>'
    )

    feeds = parse_opml(body)

    assert feeds[0].labels == {"country": "NM", "lean": "centre"}
    assert parse_opml(export_opml(feeds, "Desk"))[0].labels == feeds[0].labels
