"""JSON Feed 1.0 and 1.1, read leniently through parse_feed."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.sources.feeds import FeedError, parse_feed

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
FETCHED_AT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def read(name: str, content_type: str | None = "application/feed+json"):
    body = (FIXTURES / name).read_bytes()
    return parse_feed(body, f"https://feeds.example/{name}", content_type, now=FETCHED_AT)


def feed_of(items, **fields) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "T", **fields, "items": items}
    ).encode()


def test_json_feed_1_0_metadata_and_entries():
    feed = read("jsonfeed10.json")
    assert feed.format == "jsonfeed10"
    assert feed.title == "Quayside Notes"
    assert feed.site_url == "https://quayside-notes.example/"
    assert feed.self_url == "https://quayside-notes.example/feed.json"
    nets, boat = feed.entries
    assert nets.guid == "2026-11-27-net-mending"
    assert nets.link == "https://quayside-notes.example/2026/11/27/net-mending"
    assert nets.author == "Pat Gull"
    assert nets.categories == ["Community", "Classes"]
    assert nets.image == "https://quayside-notes.example/img/nets.jpg"
    assert nets.published == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
    assert 'href="https://quayside-notes.example/classes"' in nets.content_html
    assert feed.warnings == []


def test_numeric_id_is_taken_as_its_text():
    boat = read("jsonfeed10.json").entries[1]
    assert boat.identity_key() == "guid:1042"


def test_content_text_becomes_escaped_paragraphs():
    boat = read("jsonfeed10.json").entries[1]
    assert boat.content_html == "<p>A new lifeboat got its name.</p><p>The crew chose it.</p>"


def test_json_feed_1_1_metadata():
    feed = read("jsonfeed11.json")
    assert feed.format == "jsonfeed11"
    assert feed.language == "en-GB"
    assert feed.hub_url == "https://websub.north-star.example/hub"


def test_malformed_items_are_skipped_with_one_warning():
    feed = read("jsonfeed11.json")
    assert [entry.guid for entry in feed.entries] == [
        "briefing-1127",
        "briefing-1126",
        "briefing-future",
    ]
    assert feed.warnings == [
        "feed https://feeds.example/jsonfeed11.json: skipped 2 malformed item(s): "
        "item 2 is not an object (got str); item 3 has no url, title or content"
    ]


def test_json_feed_1_1_entry_fields():
    morning = read("jsonfeed11.json").entries[0]
    assert morning.link == "https://north-star.example/briefing/2026/11/27/morning"
    assert morning.title == "Morning briefing: roads & rail"
    assert morning.author == "Lena Frost"
    assert morning.image == "https://north-star.example/img/banner.jpg"
    assert morning.published == datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    assert morning.updated == datetime(2026, 11, 27, 6, 30, tzinfo=UTC)


def test_content_html_is_sanitised():
    assert read("jsonfeed11.json").entries[0].content_html == "<p>Expect delays.</p>"


def test_external_url_is_used_when_there_is_no_url():
    elsewhere = read("jsonfeed11.json").entries[1]
    assert elsewhere.link == "https://other-paper.example/2026/11/26/ferry-strike"


def test_future_dates_are_clamped_to_fetch_time():
    assert read("jsonfeed11.json").entries[2].published == FETCHED_AT


def test_json_feed_is_recognised_by_content_whatever_the_content_type():
    assert read("jsonfeed10.json", content_type="text/plain").format == "jsonfeed10"
    assert read("jsonfeed10.json", content_type=None).format == "jsonfeed10"


def test_items_that_are_not_a_list_give_a_warning_and_no_entries():
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": {"a": 1}}).encode()
    feed = parse_feed(body, "https://x.example/feed.json")
    assert feed.entries == []
    assert feed.warnings == ["feed https://x.example/feed.json: JSON Feed has no list of items"]


def test_many_malformed_items_give_a_short_warning():
    feed = parse_feed(feed_of([1] * 9 + [{"id": "ok", "title": "Fine"}]), "https://x.example/f")
    assert len(feed.entries) == 1
    assert feed.warnings[0].endswith("item 5 is not an object (got int); and 4 more")


def test_items_with_the_same_id_fall_back_to_their_urls():
    items = [
        {"id": "1", "url": "https://x.example/a", "title": "A"},
        {"id": "1", "url": "https://x.example/b", "title": "B"},
    ]
    keys = [e.identity_key() for e in parse_feed(feed_of(items), "https://x.example/f").entries]
    assert keys == ["link:https://x.example/a", "link:https://x.example/b"]


def test_html_in_a_plain_text_title_is_kept_as_text():
    items = [{"id": "1", "title": "Why <br> tags matter", "url": "https://x.example/a"}]
    entry = parse_feed(feed_of(items), "https://x.example/f").entries[0]
    assert entry.title == "Why <br> tags matter"


def test_invalid_json_is_a_clear_error():
    with pytest.raises(FeedError, match=r"feed https://x.example/f: not a feed \(invalid JSON"):
        parse_feed(
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "https://x.example/f"
        )


def test_json_that_is_not_a_feed_is_a_clear_error():
    with pytest.raises(FeedError, match="JSON, but not a JSON Feed"):
        parse_feed(b'{"status": "ok", "posts": []}', "https://x.example/wp-json/")
    with pytest.raises(FeedError, match="JSON, but not a JSON Feed"):
        parse_feed(b"[1, 2, 3]", "https://x.example/f")


def test_deeply_nested_json_is_an_error_not_a_crash():
    with pytest.raises(FeedError, match="invalid JSON"):
        parse_feed(b"[" * 100_000, "https://x.example/f")
