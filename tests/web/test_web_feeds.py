"""Our Atom, RSS and JSON feeds: well-formed, complete, and read back by feedparser."""

import json

import feedparser
import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_story

from newsdesk.sources.jsonfeed import parse_json_feed
from newsdesk.sources.models import Topic

FEED_URLS = [
    ("web:front_feed", []),
    ("web:topic_feed", ["science"]),
    ("web:publisher_feed", ["harbour-herald"]),
]


@pytest.fixture
def stories(publishers):
    science = Topic.objects.create(name="Science", slug="science")
    lead = make_article(
        publishers["harbour"], "Comet & meteor shower <tonight>", excerpt="Look east after dark."
    )
    story = make_story(lead, make_article(publishers["valley"], "Meteor shower guide"))
    story.topics.add(science)
    walled = make_story(make_article(publishers["harbour"], "Second story", status="paywall"))
    walled.topics.add(science)
    return [story, walled]


def parse(response):
    """A feed read back as a feed reader would: feedparser for XML, our reader for JSON."""
    if response["Content-Type"].startswith("application/feed+json"):
        url = settings.NEWSDESK_BASE_URL + "/feed.json"
        return parse_json_feed(response.content.decode(), url, now=timezone.now())
    return feedparser.parse(response.content)


def fetch(client, url_name, args, extension, query=None):
    response = client.get(reverse(url_name, args=[*args, extension]), query or {})
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, args", FEED_URLS)
def test_atom_feed_is_complete_and_parses_cleanly(client, stories, url_name, args):
    response = fetch(client, url_name, args, "atom")

    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    for required in ("id", "title", "updated", "author"):
        assert root.find(atom + required) is not None, required
    for entry in root.findall(atom + "entry"):
        for required in ("id", "title", "updated", "link", "summary"):
            assert entry.find(atom + required) is not None, required
    parsed = parse(response)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries[0].link.startswith(settings.NEWSDESK_BASE_URL + "/stories/")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, args", FEED_URLS)
def test_rss_feed_is_complete_and_parses_cleanly(client, stories, url_name, args):
    response = fetch(client, url_name, args, "rss")

    root = ElementTree.fromstring(response.content)
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None, required
    parsed = parse(response)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert len(parsed.entries) == 2
    assert all(entry.get("title") and entry.get("link") for entry in parsed.entries)


@pytest.mark.django_db
@pytest.mark.parametrize("url_name, args", FEED_URLS)
def test_json_feed_follows_version_1_1(client, stories, url_name, args):
    response = fetch(client, url_name, args, "json")

    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].startswith("http")
    for item in feed["items"]:
        assert item["id"] and (item.get("content_html") or item.get("content_text"))
        assert item["url"].startswith(settings.NEWSDESK_BASE_URL)
    # feedparser does not read JSON Feed; our own ingestion's reader does, strictly enough.
    parsed = parse_json_feed(response.content.decode(), feed["feed_url"], now=timezone.now())
    assert [entry.link for entry in parsed.entries] == [item["url"] for item in feed["items"]]


@pytest.mark.django_db
def test_feed_items_keep_special_characters_and_link_to_the_original(client, stories):
    parsed = parse(fetch(client, "web:front_feed", [], "atom"))

    first = next(e for e in parsed.entries if e.title.startswith("Comet"))
    assert first.title == "Comet & meteor shower <tonight>"
    assert "Look east after dark." in first.summary
    assert "Read more at Harbour Herald" in first.summary
    assert stories[0].headline_article.url in first.summary


@pytest.mark.django_db
def test_search_feed_lists_matching_stories(client, stories):
    for extension in ("atom", "rss", "json"):
        response = client.get(reverse("web:search_feed", args=[extension]), {"q": "meteor"})
        parsed = parse(response)
        assert [entry.title for entry in parsed.entries] == ["Comet & meteor shower <tonight>"]


@pytest.mark.django_db
def test_unknown_feed_format_is_not_found(client, stories):
    assert client.get("/feed.xml").status_code == 404
    assert client.get(reverse("web:topic_feed", args=["nothing", "atom"])).status_code == 404


@pytest.mark.django_db
def test_pages_advertise_their_feeds(client, stories):
    html = client.get(reverse("web:topic", args=["science"])).content.decode()

    for extension, mime_type in (("atom", "application/atom+xml"), ("rss", "application/rss+xml"),
                                 ("json", "application/feed+json")):
        url = settings.NEWSDESK_BASE_URL + reverse("web:topic_feed", args=["science", extension])
        assert f'type="{mime_type}"' in html and url in html
