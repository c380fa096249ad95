"""What each digest shows, over a real SMTP server on loopback: only the subscriber's story
languages, each item's lead publisher, publisher count and local time, an image only when
the subscriber asked for one, the first issue's wording, the "view in browser" page and
the public archive with its Atom feed."""

import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone, translation
from newsletter_support import BASE_URL, link_in, path_of

from newsdesk.core.image_links import signed_image_url
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Delivery, Edition, Subscriber
from newsdesk.newsletter.times import story_time

pytestmark = pytest.mark.django_db


def subscriber(email="anna@example.org", **fields):
    return Subscriber.objects.create(email=email, state=Subscriber.State.CONFIRMED, **fields)


def bodies(received):
    message = received.message
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_a_digest_holds_only_stories_in_the_subscribers_languages(smtp, make_story):
    make_story("Harbour bridge reopens", language="en", score=5)
    make_story("Hafenbrücke wieder offen", language="de", score=4)
    make_story("Le pont du port rouvre", language="fr", score=3)
    make_story("A story whose language is unknown", language="", score=2)
    subscriber("en@example.org", story_languages=["en"])
    subscriber("both@example.org", story_languages=["de", "en-GB"])
    subscriber("all@example.org", story_languages=[])
    assert send_due_digests() == 3
    shown = {r.rcpt_tos[0]: bodies(r)[0] for r in smtp.received}
    titles = ("Harbour bridge", "Hafenbrücke", "Le pont", "language is unknown")

    def has(address):
        return [title for title in titles if title in shown[address]]

    assert has("en@example.org") == ["Harbour bridge", "language is unknown"]
    assert has("both@example.org") == ["Harbour bridge", "Hafenbrücke", "language is unknown"]
    assert has("all@example.org") == list(titles)


def test_each_item_names_its_lead_publisher_the_publisher_count_and_a_local_time(
    smtp, make_story, publisher
):
    herald = publisher("Harbour Herald")
    make_story("Harbour bridge reopens", publishers=5, lead=herald)
    make_story("Library extends its hours", publishers=1)
    subscriber(timezone="Asia/Kolkata")
    send_due_digests()
    text, html = bodies(smtp.received[0])
    assert "5 publishers · Lead report by Harbour Herald · updated" in text
    assert "1 publisher · updated" in text
    assert re.search(r"5 publishers · Lead report by Harbour Herald · <time[^>]*>updated", html)
    assert re.search(r"1 publisher · <time[^>]*>updated", html)
    times = re.findall(r'<time datetime="([^"]+)">updated ([^<]+)</time>', html)
    assert len(times) == 2
    assert all(iso.endswith("+05:30") for iso, _label in times)  # the reader's zone


@pytest.mark.parametrize(("when", "label"), [
    (datetime(2026, 12, 1, 5, 30, tzinfo=UTC), "06:30"),  # the day it is sent
    (datetime(2026, 11, 29, 20, 0, tzinfo=UTC), "Sun 21:00"),  # within the week
    (datetime(2026, 11, 20, 9, 15, tzinfo=UTC), "20 Nov 10:15"),  # older: the date
])
def test_an_items_time_is_as_short_as_stays_unambiguous(when, label):
    sent = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    with translation.override("en"):
        assert story_time(when, sent, "Europe/Berlin").label == label


def test_images_are_off_by_default_and_go_through_our_proxy_when_chosen(
    smtp, make_story, publisher
):
    herald = publisher("Harbour Herald")
    quiet = publisher("Quiet Courier")
    quiet.headlines_only = True
    quiet.save()
    make_story("Harbour bridge reopens", lead=herald, score=5,
               image_url="https://harbour-herald.example/bridge.jpg")
    make_story("Quiet story with a picture", lead=quiet, score=4,
               image_url="https://quiet-courier.example/picture.jpg")
    subscriber("plain@example.org")
    subscriber("pictures@example.org", show_images=True)
    send_due_digests()
    html = {r.rcpt_tos[0]: bodies(r)[1] for r in smtp.received}
    assert "<img" not in html["plain@example.org"]
    assert "harbour-herald.example" not in html["plain@example.org"]
    images = re.findall(r'<img[^>]*src="([^"]+)"', html["pictures@example.org"])
    assert len(images) == 1  # the headlines-only publisher's picture is not shown
    assert images[0].startswith(f"{BASE_URL}/img/")
    signature, encoded = images[0].removeprefix(f"{BASE_URL}/img/").strip("/").split("/")
    assert signed_image_url(signature, encoded) == "https://harbour-herald.example/bridge.jpg"


def test_the_first_digest_says_so_and_the_next_counts_since_the_last(smtp, make_story):
    make_story("Harbour bridge reopens", updated_ago=timedelta(hours=3))
    reader = subscriber()
    send_due_digests()
    assert "Your first digest: 1 story from the past day." in bodies(smtp.received[0])[0]
    make_story("Library extends its hours", updated_ago=-timedelta(minutes=1))
    Subscriber.objects.filter(pk=reader.pk).update(next_digest_at=None)
    send_due_digests(timezone.now() + timedelta(days=1))  # the next slot
    text = bodies(smtp.received[1])[0]
    assert "1 new story since your last digest." in text
    assert "first digest" not in text
    assert [d.first_digest for d in Delivery.objects.order_by("pk")] == [True, False]


def test_view_in_browser_shows_that_delivery_uncached_unindexed_and_impersonal(
    client, smtp, make_story, settings
):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    make_story("Harbour bridge reopens", score=5)
    subscriber(show_images=False)
    send_due_digests()
    text, html = bodies(smtp.received[0])
    url = link_in(text, "/newsletter/view/")
    assert url in html
    page = client.get(path_of(url))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Harbour bridge reopens" in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    for personal in ("anna@example.org", "/newsletter/unsubscribe/", "/newsletter/preferences/",
                     "View in browser"):
        assert personal not in content
    assert "script-src" not in page["Content-Security-Policy"]
    assert "default-src 'none'" in page["Content-Security-Policy"]
    # A link whose signature does not match shows nothing.
    assert client.get(path_of(url)[:-3] + "xx/").status_code == 404
    # No copy was kept anywhere: once the subscription is deleted, the page is gone.
    Subscriber.objects.all().delete()
    assert client.get(path_of(url)).status_code == 404


def test_the_public_archive_keeps_each_slots_top_stories_overall_and_by_topic(
    client, smtp, make_story, topic
):
    science = topic("Science")
    comet = make_story("Comet seen over the bay", topics=[science], score=5)
    make_story("Rowing club wins the regatta", score=4)
    reader = subscriber("private-reader@example.org")
    reader.topics.set([science])
    send_due_digests()
    edition = Edition.objects.get()
    comet.title = "Renamed afterwards"
    comet.save()

    index = client.get("/newsletter/archive/")
    assert index.status_code == 200
    page_path = f"/newsletter/archive/{edition.pk}/"
    assert page_path in index.content.decode()
    page = client.get(page_path).content.decode()
    top = page.split('<h2 id="topic-science">')[0]
    assert "Comet seen over the bay" in top and "Rowing club wins the regatta" in top
    assert "Comet seen over the bay" in page.split('<h2 id="topic-science">')[1]
    assert "Renamed afterwards" not in page  # the page keeps what the slot had
    assert "private-reader" not in page

    feed = feedparser.parse(client.get("/newsletter/archive/feed.atom").content)
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.link.endswith(page_path)
    assert entry.title.startswith("Daily digest, ")
    assert "Comet seen over the bay" in entry.summary


def test_breaking_editions_and_empty_slots_have_no_archive_page(client, smtp):
    subscriber()
    send_due_digests()  # nothing to send: the edition's public copy is empty
    assert b"No digest has been sent yet." in client.get("/newsletter/archive/").content


def test_the_archive_is_not_taken_for_the_sites_own_archive_in_the_navigation(client, smtp,
                                                                               make_story):
    make_story("Harbour bridge reopens")
    subscriber()
    send_due_digests()
    page = client.get("/newsletter/archive/").content.decode()
    assert 'aria-current="page"' not in page.split("</nav>")[0]
