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
from newsdesk.stories.models import PreparedArticle, Story, StoryArticle


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
    # the extraction step prepared every article for the clustering consumer
    assert PreparedArticle.objects.count() == Article.objects.count()

    page = client.get("/").content.decode()
    stories = Story.objects.visible()
    assert stories.count() >= 3
    publishers_shown = set(re.findall(r'<span class="source">([^<]+)</span>', page))
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
    assert PreparedArticle.objects.count() == counts[1]


def test_the_copy_publisher_is_recognised_as_a_copy(followed):
    pipeline.poll_now(followed)
    assert StoryArticle.objects.filter(copy_of__isnull=False).exists()


def test_sources_list_shows_health(followed, capsys):
    pipeline.poll_now(followed)
    call_command("sources", "list")
    out = capsys.readouterr().out
    assert "last success" in out and "entries in the last day" in out


def test_a_reader_subscribes_confirms_and_finds_a_digest_in_the_outbox(followed, client, settings):
    import time

    from django.core import mail

    from newsdesk.newsletter.defences import form_started
    from newsdesk.newsletter.models import OutboxMessage, Subscriber

    settings.MAILERS = {"default": {"BACKEND": "newsdesk.newsletter.outbox.OutboxBackend"}}
    mail.outbox = []
    pipeline.poll_now(followed)
    origin = {"HTTP_ORIGIN": "http://testserver"}
    page = client.post("/newsletter/subscribe/", {"email": "not-an-address"}, **origin)
    assert "@" in page.content.decode()  # says what is wrong with the address
    assert not OutboxMessage.objects.exists()

    started = form_started(time.time() - 30)
    client.post(
        "/newsletter/subscribe/",
        {"email": "reader@example.org", "started": started, "website": ""},
        **origin,
    )
    confirmation = OutboxMessage.objects.get(to="reader@example.org")
    link = re.search(r"http://testserver(/newsletter/confirm/[^\s\"<]+)", confirmation.text_body)
    assert link, confirmation.text_body
    client.get(link.group(1))  # opening the link (or a mail scanner) confirms nothing
    assert Subscriber.objects.get(email="reader@example.org").state == "pending"
    confirmed = client.post(link.group(1))
    assert Subscriber.objects.get(email="reader@example.org").state == "confirmed"
    welcome = OutboxMessage.objects.get(subject__startswith="Welcome")
    assert "/newsletter/preferences/" in welcome.text_body
    choose = re.search(r'action="(/newsletter/preferences/[^"]+/choose/)"',
                       confirmed.content.decode())
    client.post(choose.group(1), {"send_hour": "7", "timezone": "Europe/Berlin"})

    call_command("digest", "send")
    digest = OutboxMessage.objects.exclude(pk__in=[confirmation.pk, welcome.pk]).get(
        to="reader@example.org")
    top = Story.objects.visible().order_by("-score").first()
    assert top.title in digest.text_body and top.title in digest.html_body
    unsubscribe = re.search(
        r"http://testserver(/newsletter/unsubscribe/[^\s\"<>]+)", digest.text_body
    )
    client.post(unsubscribe.group(1))
    assert Subscriber.objects.get(email="reader@example.org").state == "unsubscribed"
