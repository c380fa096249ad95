"""Topic, publisher and archive pages; the language filter; older/newer links."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_publisher, make_story, page_html

from newsdesk.sources.models import Topic


def titles(html: str) -> list[str]:
    return re.findall(
        r'<h[23](?: class="tile-title")? id="story-\d+" dir="auto"(?: lang="[^"]+")?>'
        r'<a href="[^"]+">([^<]+)</a>',
        html,
    )


def older_link(html: str) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]+)">', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.django_db
def test_topic_page_lists_only_that_topics_stories(client, publishers):
    science = Topic.objects.create(name="Science", slug="science")
    on_topic = make_story(make_article(publishers["harbour"], "Telescope finds a comet"))
    on_topic.topics.add(science)
    make_story(make_article(publishers["valley"], "Football final tonight"))

    html = page_html(client.get(reverse("web:topic", args=["science"])))

    assert "<h1>Science</h1>" in html
    assert titles(html) == ["Telescope finds a comet"]


@pytest.mark.django_db
def test_unknown_topic_or_excluded_publisher_is_not_found(client):
    make_publisher("Banned Bulletin", excluded=True)

    assert client.get(reverse("web:topic", args=["nothing"])).status_code == 404
    assert client.get(reverse("web:publisher", args=["banned-bulletin"])).status_code == 404


@pytest.mark.django_db
def test_publisher_page_lists_stories_it_covered(client, publishers):
    make_story(
        make_article(publishers["valley"], "Valley leads"),
        make_article(publishers["harbour"], "Harbour follows"),
    )
    make_story(make_article(publishers["valley"], "Only the valley"))

    html = page_html(client.get(reverse("web:publisher", args=["harbour-herald"])))

    assert titles(html) == ["Valley leads"]


@pytest.mark.django_db
def test_topic_and_publisher_indexes_link_to_their_pages(client, publishers):
    Topic.objects.create(name="Science", slug="science")
    make_publisher("Hidden Paper", excluded=True)

    topics = page_html(client.get(reverse("web:topics")))
    publishers_html = page_html(client.get(reverse("web:publishers")))

    assert reverse("web:topic", args=["science"]) in topics
    assert reverse("web:publisher", args=["valley-voice"]) in publishers_html
    assert "Hidden Paper" not in publishers_html


@pytest.mark.django_db
def test_language_filter_keeps_only_stories_in_that_language(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge opens", language="en"))
    make_story(make_article(publishers["valley"], "Brücke eröffnet", language="de"))

    html = page_html(client.get("/?lang=de"))

    assert titles(html) == ["Brücke eröffnet"]
    assert 'href="/language/?lang=en&next=/"' in html
    assert 'href="/language/?lang=de&next=/"' in html


@pytest.mark.django_db
def test_nonsense_language_filter_shows_everything(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge opens", language="en"))

    html = page_html(client.get("/?lang=' OR 1=1 --"))

    assert titles(html) == ["Bridge opens"]


@pytest.mark.django_db
def test_older_links_walk_the_archive_without_repeats(client, publishers):
    now = timezone.now()
    for number in range(65):
        make_story(
            make_article(publishers["harbour"], f"Archived story {number:02d}"),
            first_seen_at=now - timedelta(minutes=number),
        )

    seen, url, pages = [], reverse("web:archive"), 0
    while url:
        html = page_html(client.get(url if url.startswith("/") else reverse("web:archive") + url))
        seen += titles(html)
        url = older_link(html)
        pages += 1

    assert pages == 3
    assert seen == [f"Archived story {number:02d}" for number in range(65)]


@pytest.mark.django_db
def test_archive_day_lists_the_stories_first_seen_that_day(client, publishers):
    day = timezone.make_aware(datetime(2026, 3, 14, 12, 0))
    make_story(make_article(publishers["harbour"], "Pi day story"), first_seen_at=day)
    make_story(
        make_article(publishers["valley"], "The day after"), first_seen_at=day + timedelta(days=1)
    )

    html = page_html(client.get(reverse("web:archive_day", args=[2026, 3, 14])))

    assert titles(html) == ["Pi day story"]
    assert reverse("web:archive_day", args=[2026, 3, 13]) in html
    assert reverse("web:archive_day", args=[2026, 3, 15]) in html


@pytest.mark.django_db
def test_impossible_archive_day_is_not_found(client):
    assert client.get("/archive/2026/2/30/").status_code == 404


@pytest.mark.django_db
def test_story_page_shows_timeline_topics_and_related_stories(client, publishers):
    science = Topic.objects.create(name="Science", slug="science")
    story = make_story(
        make_article(publishers["harbour"], "Comet seen"),
        make_article(publishers["valley"], "Comet photographed"),
    )
    story.topics.add(science)
    related = make_story(make_article(publishers["valley"], "Another comet"))
    related.topics.add(science)

    html = page_html(client.get(story.get_absolute_url()))

    assert "Timeline of the coverage" in html
    assert reverse("web:topic", args=["science"]) in html
    assert related.get_absolute_url() in html
