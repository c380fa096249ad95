"""Breaking-story alerts: one mail about a story when it reaches the size threshold, for
subscribers who turned them on; once per story; then left out of their digest. Received
over SMTP from a real server on loopback."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from newsletter_support import BASE_URL, path_of

from newsdesk import pipeline
from newsdesk.newsletter.breaking import plan_alerts
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Delivery, Edition, Subscriber
from newsdesk.newsletter.sending import delivery_from_verp
from newsdesk.newsletter.tokens import make_token
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.NEWSDESK_BREAKING_PUBLISHERS = 5


def alert_reader(email="anna@example.org", *, digest_due=False, **fields):
    """A confirmed subscriber with alerts on; their digest is not due unless asked."""
    later = None if digest_due else timezone.now() + timedelta(hours=12)
    fields.setdefault("breaking_alerts", True)
    return Subscriber.objects.create(
        email=email, state=Subscriber.State.CONFIRMED, next_digest_at=later, **fields
    )


def breaking_story(
    make_story,
    title="Dam breaks upstream of the old town",
    publishers=5,
    first_seen_ago=timedelta(hours=1),
    **fields,
):
    return make_story(
        title,
        publishers=publishers,
        updated_ago=timedelta(minutes=5),
        first_seen_at=timezone.now() - first_seen_ago,
        **fields,
    )


def test_a_story_reaching_the_threshold_is_alerted_with_the_digest_headers(
    client, smtp, make_story
):
    story = breaking_story(make_story)
    reader = alert_reader()
    assert send_due_digests() == 1

    [received] = smtp.received
    message = received.message
    delivery = Delivery.objects.get()
    edition = delivery.edition
    assert (edition.frequency, edition.story_id) == (Edition.Frequency.BREAKING, story.pk)
    assert delivery.state == Delivery.State.SENT and delivery.story_ids == [story.pk]
    assert message["Subject"] == "Breaking: Dam breaks upstream of the old town"
    assert message["Message-ID"] == delivery.message_id
    assert message["To"] == reader.email and message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/unsubscribe/" in message["List-Unsubscribe"]
    assert "mailto:unsubscribe@" in message["List-Unsubscribe"]
    assert message["List-Id"].endswith(">")
    assert delivery_from_verp(received.mail_from) == delivery.pk

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "5 publishers are now covering this story." in text
    assert f"{BASE_URL}{story.get_absolute_url()}" in text
    assert "turned on breaking-story alerts" in text
    assert 'class="story-title" dir="auto" style="' in html and "Breaking story" in html
    edition.refresh_from_db()
    assert edition.state == Edition.State.FINISHED
    # The alert's RFC 8058 one-click unsubscription works like a digest's.
    https_target = message["List-Unsubscribe"].split(",")[0].strip("<> ")
    response = client.post(path_of(https_target), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.state == Subscriber.State.UNSUBSCRIBED


def test_a_story_is_alerted_when_it_crosses_and_only_once(smtp, make_story):
    story = breaking_story(make_story, publishers=4)
    alert_reader()
    assert send_due_digests() == 0 and not Edition.objects.exists()

    story.publisher_count = 5
    story.save()
    assert send_due_digests() == 1
    story.publisher_count = 9  # it keeps growing: no second alert
    story.save()
    assert send_due_digests() == 0
    assert plan_alerts(timezone.now()) == 0
    assert len(smtp.received) == 1
    assert Edition.objects.filter(frequency="breaking").count() == 1


def test_only_subscribers_who_want_alerts_and_follow_the_story_get_one(
    smtp, make_story, topic, publisher
):
    science, sport = topic("Science"), topic("Sport")
    herald = publisher("Harbour Herald")
    breaking_story(make_story, topics=[science], publisher_objects=[herald])
    alert_reader("science@example.org").topics.set([science])
    alert_reader("herald@example.org").publishers.set([herald])
    alert_reader("dam@example.org", keywords="reservoir, dam breaks")
    alert_reader("everything@example.org")
    alert_reader("sport@example.org").topics.set([sport])
    alert_reader("no-alerts@example.org", breaking_alerts=False)
    Subscriber.objects.create(email="pending@example.org", breaking_alerts=True)
    Subscriber.objects.create(
        email="gone@example.org", breaking_alerts=True, state=Subscriber.State.UNSUBSCRIBED
    )

    assert send_due_digests() == 4
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "dam@example.org",
        "everything@example.org",
        "herald@example.org",
        "science@example.org",
    ]
    assert len({r.message["Message-ID"] for r in smtp.received}) == 4


def test_two_stories_crossing_together_get_an_edition_each(smtp, make_story):
    first = breaking_story(make_story, "Dam breaks upstream of the old town")
    second = breaking_story(make_story, "Ferry strike stops all crossings", publishers=7)
    alert_reader()
    assert send_due_digests() == 2
    assert sorted(r.message["Subject"] for r in smtp.received) == [
        "Breaking: Dam breaks upstream of the old town",
        "Breaking: Ferry strike stops all crossings",
    ]
    assert set(Edition.objects.values_list("story_id", flat=True)) == {first.pk, second.pk}


def test_an_alerted_story_is_not_repeated_in_the_next_digest(smtp, make_story):
    breaking_story(make_story, "Dam breaks upstream of the old town", score=9)
    make_story("Library extends its opening hours", publishers=2, score=3)
    reader = alert_reader(digest_due=True)

    assert send_due_digests() == 2  # the alert, and the digest due in the same run
    by_subject = {r.message["Subject"]: r.message for r in smtp.received}
    assert sorted(by_subject) == [
        "Breaking: Dam breaks upstream of the old town",
        "Library extends its opening hours",
    ]
    digest = by_subject["Library extends its opening hours"]
    assert "Dam breaks" not in digest.get_body(("plain",)).get_content()

    # The next day, nothing new but the alerted story (updated again): no digest at all.
    reader.refresh_from_db()
    tomorrow = reader.next_digest_at + timedelta(minutes=5)
    Subscriber.objects.filter(pk=reader.pk).update(last_digest_at=timezone.now())
    Story.objects.filter(title__startswith="Dam").update(
        last_updated_at=timezone.now() + timedelta(hours=1)
    )
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        assert send_due_digests(now=tomorrow) == 0
    assert Delivery.objects.filter(state=Delivery.State.SKIPPED).count() == 1


def test_a_failed_alert_leaves_the_story_in_the_digest(smtp, make_story):
    breaking_story(make_story)
    alert_reader("full@example.org")
    smtp.replies["full@example.org"] = "550 5.2.2 Mailbox full for good"
    send_due_digests()
    assert Delivery.objects.get().state == Delivery.State.BOUNCED
    reader = Subscriber.objects.get()
    reader.state = Subscriber.State.CONFIRMED
    reader.next_digest_at = None
    reader.save()
    smtp.replies.clear()
    assert send_due_digests() == 1
    assert smtp.received[0].message["Subject"] == "Dam breaks upstream of the old town"


def test_old_stories_and_a_zero_threshold_send_no_alerts(smtp, make_story, settings):
    breaking_story(make_story, first_seen_ago=timedelta(hours=30))
    alert_reader()
    assert send_due_digests() == 0
    settings.NEWSDESK_BREAKING_PUBLISHERS = 0
    breaking_story(make_story, "A fresh big story", publishers=40)
    assert send_due_digests() == 0
    assert not smtp.received and not Edition.objects.exists()


def test_hidden_and_merged_stories_are_not_alerted(smtp, make_story):
    target = breaking_story(make_story, "Survivor story", publishers=2)
    breaking_story(make_story, "Hidden story", hidden=True)
    breaking_story(make_story, "Merged story", merged_into=target)
    alert_reader()
    assert send_due_digests() == 0 and not smtp.received


def test_a_story_nobody_follows_still_gets_a_finished_edition(smtp, make_story):
    breaking_story(make_story)
    alert_reader(keywords="ferry")
    assert send_due_digests() == 0
    edition = Edition.objects.get()
    assert edition.state == Edition.State.FINISHED and not edition.deliveries.exists()


def test_alerts_turned_off_before_sending_are_skipped(smtp, make_story):
    breaking_story(make_story)
    reader = alert_reader()
    assert plan_alerts(timezone.now()) == 1
    Subscriber.objects.filter(pk=reader.pk).update(breaking_alerts=False)
    assert send_due_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SKIPPED
    assert delivery.error == "not sent: breaking alerts were turned off"


def test_the_scheduler_round_sends_alerts(smtp, make_story):
    breaking_story(make_story)
    alert_reader()
    pipeline.schedule_due_work()  # tasks run inline in the tests (ImmediateBackend)
    assert [r.message["Subject"] for r in smtp.received] == [
        "Breaking: Dam breaks upstream of the old town"
    ]


def test_preferences_turn_alerts_on_and_export_shows_them(client, settings):
    settings.NEWSDESK_BREAKING_PUBLISHERS = 8
    reader = alert_reader(breaking_alerts=False)
    url = f"/newsletter/preferences/{make_token(reader, 'preferences')}/"
    page = client.get(url).content.decode()
    assert 'name="breaking_alerts"' in page and "as soon as 8 publishers cover it" in page
    form = {
        "frequency": "daily",
        "breaking_alerts": "on",
        "send_hour": "7",
        "weekday": "0",
        "timezone": "Europe/Berlin",
        "language": "en",
        "format": "html",
    }
    assert client.post(url, form).status_code == 200
    reader.refresh_from_db()
    assert reader.breaking_alerts is True
    export = client.get(f"{url}export.json").json()
    assert export["preferences"]["breaking_alerts"] is True


def test_admin_lists_breaking_editions_with_their_figures(admin_client, smtp, make_story):
    breaking_story(make_story)
    alert_reader()
    send_due_digests()
    page = admin_client.get("/admin/newsletter/edition/?frequency__exact=breaking")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Dam breaks upstream of the old town" in content
    assert '<td class="field-sent">1</td>' in content
    listed = admin_client.get("/admin/newsletter/subscriber/?breaking_alerts__exact=1")
    assert b"anna@example.org" in listed.content
