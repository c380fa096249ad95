"""Signed links: confirm by POST only, expiry, purposes kept apart, RFC 8058 one-click
unsubscription, preferences, data export and erasure."""

import json
import uuid

import pytest
from django.core import mail, signing
from django.test import Client
from newsletter_support import link_in, path_of

from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.tokens import make_token
from newsdesk.sources.models import Topic

pytestmark = pytest.mark.django_db


def pending(email="anna@example.org"):
    return Subscriber.objects.create(email=email)


def confirmed(email="anna@example.org"):
    return Subscriber.objects.create(email=email, state=Subscriber.State.CONFIRMED)


def test_opening_the_confirm_link_confirms_nothing_and_shows_a_button(client):
    subscriber = pending()
    page = client.get(f"/newsletter/confirm/{make_token(subscriber, 'confirm')}/")
    assert page.status_code == 200
    assert b'<form method="post">' in page.content and b"Confirm</button>" in page.content
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING and subscriber.confirmed_at is None


def test_pressing_confirm_keeps_proof_of_consent(client, settings):
    settings.NEWSDESK_CONSENT_FORM_VERSION = "footer-2026-11"
    subscriber = pending()
    token = make_token(subscriber, "confirm")
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
    assert subscriber.consent_form_version == "footer-2026-11"
    assert subscriber.consent_token_id == signing.loads(
        token, salt="newsdesk.newsletter.confirm")["j"]


def test_confirm_needs_a_csrf_token_like_any_stateful_page():
    subscriber = pending()
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/newsletter/confirm/{make_token(subscriber, 'confirm')}/").status_code \
        == 403


def test_expired_confirm_link_says_so_and_what_to_do(client, settings):
    subscriber = pending()
    token = make_token(subscriber, "confirm")
    settings.NEWSDESK_CONFIRM_MAX_AGE = -1
    response = client.post(f"/newsletter/confirm/{token}/")
    assert response.status_code == 400
    assert b"This link has expired. Sign up again" in response.content
    assert Subscriber.objects.get().state == Subscriber.State.PENDING


def test_damaged_link_is_refused_with_advice(client):
    subscriber = pending()
    token = make_token(subscriber, "confirm")
    response = client.get(f"/newsletter/confirm/{token[:-3]}xyz/")
    assert response.status_code == 400
    assert b"Copy the whole link" in response.content


def test_a_link_for_one_purpose_cannot_be_used_for_another(client):
    subscriber = confirmed()
    response = client.post(f"/newsletter/unsubscribe/{make_token(subscriber, 'confirm')}/")
    assert response.status_code == 400
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED


def test_rotating_the_token_id_invalidates_old_links(client):
    subscriber = confirmed()
    token = make_token(subscriber, "unsubscribe")
    subscriber.token_id = uuid.uuid4()
    subscriber.save()
    assert client.post(f"/newsletter/unsubscribe/{token}/").status_code == 400


def test_unsubscribe_page_has_one_button_and_get_changes_nothing(client):
    subscriber = confirmed()
    page = client.get(f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/")
    assert page.status_code == 200
    assert page.content.count(b"Unsubscribe</button>") == 1
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED


def test_rfc8058_one_click_post_unsubscribes_without_cookie_or_csrf_token():
    subscriber = confirmed()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_preferences_page_saves_topics_schedule_and_format(client):
    subscriber = confirmed()
    world = Topic.objects.create(name="World", slug="world")
    token = make_token(subscriber, "preferences")
    url = f"/newsletter/preferences/{token}/"
    assert b"World" in client.get(url).content
    response = client.post(url, {
        "topics": [str(world.pk)], "keywords": "harbour, bridge", "frequency": "weekly",
        "send_hour": "18", "weekday": "4", "timezone": "Europe/Berlin", "language": "de",
        "format": "text",
    })
    # Saved, and the page already speaks the newly chosen language.
    assert response.status_code == 200 and "Gespeichert" in response.content.decode()
    assert response["Content-Language"] == "de"
    subscriber.refresh_from_db()
    assert list(subscriber.topics.all()) == [world]
    assert (subscriber.frequency, subscriber.send_hour, subscriber.weekday) == ("weekly", 18, 4)
    assert (subscriber.timezone, subscriber.language, subscriber.format) == (
        "Europe/Berlin", "de", "text")


def test_preferences_explain_an_unknown_time_zone(client):
    subscriber = confirmed()
    response = client.post(f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/", {
        "frequency": "daily", "send_hour": "7", "weekday": "0", "timezone": "Mars/Olympus",
        "language": "en", "format": "html",
    })
    assert response.status_code == 400
    assert b"is not a time zone we know" in response.content


def test_export_gives_everything_we_keep_as_json(client):
    subscriber = confirmed()
    response = client.get(
        f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/export.json")
    data = json.loads(response.content)
    assert data["email"] == "anna@example.org"
    assert set(data) >= {"consent", "preferences", "deliveries", "mail_events"}
    assert "attachment" in response["Content-Disposition"]


def test_erasure_deletes_the_subscriber_after_a_post(client):
    subscriber = confirmed()
    url = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/erase/"
    assert client.get(url).status_code == 200
    assert Subscriber.objects.exists()
    assert client.post(url).status_code == 200
    assert not Subscriber.objects.exists()


def test_more_like_this_from_a_story_page_mails_a_link_that_adds_its_topics(
    client, started, make_story, topic
):
    science = topic("Science")
    story = make_story("Comet seen over the bay", topics=[science])
    anna = confirmed()
    page = client.get(f"/newsletter/more-like/{story.pk}/")
    assert page.status_code == 200 and b"Science" in page.content
    response = client.post(f"/newsletter/more-like/{story.pk}/",
                           {"email": "anna@example.org", "started": started})
    assert response.status_code == 200 and b"Its link adds the topics" in response.content
    (sent,) = mail.outbox
    path = path_of(link_in(sent.body, "/more/"))
    assert client.get(path).status_code == 200 and not anna.topics.exists()
    assert client.post(path).status_code == 200
    assert list(anna.topics.all()) == [science]


def test_more_like_this_for_an_unknown_address_sends_a_confirmation_and_says_the_same(
    client, started, make_story
):
    story = make_story("Comet seen over the bay")
    response = client.post(f"/newsletter/more-like/{story.pk}/",
                           {"email": "new@example.org", "started": started})
    assert b"Its link adds the topics" in response.content
    assert "/newsletter/confirm/" in mail.outbox[0].body
    assert Subscriber.objects.get().state == Subscriber.State.PENDING
