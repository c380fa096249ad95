"""The whole flow, end to end, with real components on loopback.

The publisher simulator serves the publishers; the guarded client fetches them
(loopback allowed, as the demo does); tasks run inline; the front page shows
stories; the newsletter part runs against a real SMTP server on loopback.
"""

import re

import pytest
from django.core.management import call_command

from newsdesk import pipeline
from newsdesk.articles.models import Article
from newsdesk.simulator import SimulatorThread
from newsdesk.sources.models import Entry, Source
from newsdesk.sources.registry import import_opml
from newsdesk.stories.models import Story, StoryArticle


@pytest.fixture(scope="module")
def simulator():
    with SimulatorThread(release_all=True) as sim:
        yield sim


@pytest.fixture
def followed(db, settings, simulator):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    settings.NEWSDESK_FETCH_RESOLVE = simulator.resolve_map()
    import_opml(simulator.opml().encode(), name="simulator.opml")
    return list(Source.objects.values_list("pk", flat=True))


def test_polling_the_simulator_builds_a_front_page_of_stories(followed, client):
    outcomes = pipeline.poll_now(followed)
    assert all(not o.error for o in outcomes), [o.error for o in outcomes if o.error]
    assert Entry.objects.count() > 0
    assert (
        Article.objects.filter(status="ok").count() >= Entry.objects.exclude(link="").count() // 2
    )
    assert StoryArticle.objects.count() == Article.objects.count()

    page = client.get("/").content.decode()
    stories = Story.objects.visible()
    assert stories.count() >= 3
    publishers_shown = set(re.findall(r"Read more at ([^<]+)<", page))
    assert len(publishers_shown) >= 3, publishers_shown
    # Publishers are named as their pages declare, not after the feed they came from.
    assert "Meridian Wire" in publishers_shown, publishers_shown
    headline = stories.order_by("-score").first()
    assert headline.title in page
    # The boilerplate of the simulator's pages never reaches what we show.
    assert "Something went wrong" not in page
    assert "assume you're ok" not in page


def test_a_second_poll_stores_nothing_twice(followed):
    pipeline.poll_now(followed)
    counts = (Entry.objects.count(), Article.objects.count(), Story.objects.count())
    Source.objects.update(etag="", last_modified="")  # force full responses, not 304s
    pipeline.poll_now(followed)
    assert (Entry.objects.count(), Article.objects.count(), Story.objects.count()) == counts


def test_the_copy_publisher_is_recognised_as_a_copy(followed):
    pipeline.poll_now(followed)
    assert StoryArticle.objects.filter(copy_of__isnull=False).exists()


def test_sources_list_shows_health(followed, capsys):
    pipeline.poll_now(followed)
    call_command("sources", "list")
    out = capsys.readouterr().out
    assert "last success" in out and "entries in the last day" in out

