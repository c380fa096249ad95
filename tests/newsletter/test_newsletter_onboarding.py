"""Onboarding over a real SMTP server on loopback: what the sign-up form had ticked, the
story languages of the browser, the confirmed page's choices, the welcome mail, the
preferences page's state and next digest, signing up again, and token pages that answer
the same when opened twice."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from newsletter_support import link_in, path_of

from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Subscriber
from newsdesk.newsletter.tokens import make_token

pytestmark = pytest.mark.django_db


def sign_up(client, smtp, started, query="", **headers):
    """Open the sign-up page (with `query`), post it as shown; returns the page and the
    confirm path mailed."""
    page = client.get(f"/newsletter/subscribe/{query}", **headers)
    ticked = re.findall(r'name="(topic|publisher)" value="([^"]+)" checked', page.content.decode())
    data = {"email": "reader@example.org", "started": started, "website": ""}
    for name, value in ticked:
        data.setdefault(name, []).append(value)
    sent = client.post("/newsletter/subscribe/", data, **headers)
    assert sent.status_code == 200, sent.content
    text = smtp.received[-1].message.get_body(("plain",)).get_content()
    return page, path_of(link_in(text, "/newsletter/confirm/"))


def choose_path(page) -> str:
    return re.search(r'action="([^"]+/choose/)"', page.content.decode()).group(1)


def test_a_topic_or_publisher_page_link_preselects_them_through_to_the_confirmed_page(
    client, smtp, started, topic, publisher
):
    science, sport = topic("Science"), topic("Sport")
    herald = publisher("Harbour Herald")
    page, confirm = sign_up(client, smtp, started, "?topic=science&publisher=harbour-herald"
                            "&topic=no-such-topic")
    content = page.content.decode()
    assert 'name="topic" value="science" checked' in content
    assert 'name="publisher" value="harbour-herald" checked' in content
    assert "no-such-topic" not in content
    subscriber = Subscriber.objects.get()
    assert not subscriber.topics.exists()  # nothing is stored for an unconfirmed address

    confirmed = client.post(confirm)
    assert list(subscriber.topics.all()) == [science]
    assert list(subscriber.publishers.all()) == [herald]
    html = confirmed.content.decode()
    assert re.search(rf'value="{science.pk}"[^>]*checked', html)
    assert not re.search(rf'value="{sport.pk}"[^>]*checked', html)
    assert re.search(rf'value="{herald.pk}"[^>]*checked', html)


def test_unticking_on_the_sign_up_form_follows_nothing(client, smtp, started, topic):
    topic("Science")
    client.get("/newsletter/subscribe/?topic=science")
    client.post("/newsletter/subscribe/", {"email": "reader@example.org", "started": started})
    confirm = path_of(link_in(smtp.received[-1].message.get_body(("plain",)).get_content(),
                              "/newsletter/confirm/"))
    client.post(confirm)
    assert not Subscriber.objects.get().topics.exists()


@pytest.mark.parametrize(("header", "expected"), [
    ("de-DE,de;q=0.9,en;q=0.8", ["de", "en"]),
    ("en-GB,en;q=0.9,de;q=0.3", ["en"]),
    ("es-ES", []),  # nothing we have: every language
])
def test_a_new_subscribers_story_languages_follow_the_browser(
    client, smtp, started, make_story, header, expected
):
    for language in ("en", "de", "fr"):
        make_story(f"A story in {language}", language=language)
    sign_up(client, smtp, started, HTTP_ACCEPT_LANGUAGE=header)
    assert Subscriber.objects.get().story_languages == expected


def test_the_first_digest_waits_for_the_confirmed_pages_choices_and_follows_them(
    client, smtp, started, make_story, topic, settings
):
    settings.NEWSDESK_FIRST_DIGEST_DELAY = 600
    science, sport = topic("Science"), topic("Sport")
    make_story("Comet seen over the bay", topics=[science], language="en", score=5)
    make_story("Rowing club wins the regatta", topics=[sport], language="en", score=4)
    make_story("Komet über der Bucht gesehen", topics=[science], language="de", score=3)
    _page, confirm = sign_up(client, smtp, started, HTTP_ACCEPT_LANGUAGE="en")
    confirmed = client.post(confirm)
    assert b"Your first digest comes by" in confirmed.content
    assert b'data-browser-zone="suggest"' in confirmed.content
    assert send_due_digests() == 0  # choosing first

    saved = client.post(choose_path(confirmed), {
        "topics": [str(science.pk)], "story_languages": ["en"], "send_hour": "8",
        "timezone": "Europe/Berlin",
    })
    assert saved.status_code == 200
    assert b"Your first digest is on its way: within a minute" in saved.content
    assert send_due_digests() == 1
    digest = smtp.received[-1].message
    assert digest["Subject"] == "Comet seen over the bay"
    subscriber = Subscriber.objects.get()
    assert (subscriber.send_hour, subscriber.timezone) == (8, "Europe/Berlin")
    assert subscriber.next_digest_at > timezone.now()  # then on the schedule chosen


def test_without_choices_the_first_digest_comes_after_the_delay(
    client, smtp, started, make_story, settings
):
    settings.NEWSDESK_FIRST_DIGEST_DELAY = 600
    make_story("Harbour bridge reopens")
    _page, confirm = sign_up(client, smtp, started)
    client.post(confirm)
    assert send_due_digests(timezone.now() + timedelta(minutes=9)) == 0
    assert send_due_digests(timezone.now() + timedelta(minutes=11)) == 1


def test_the_welcome_mail_says_when_the_first_digest_comes_and_links_the_preferences(
    client, smtp, started
):
    _page, confirm = sign_up(client, smtp, started)
    client.post(confirm)
    welcome = smtp.received[-1].message
    assert welcome["Subject"] == "Welcome to Newsdesk digests"
    text = welcome.get_body(("plain",)).get_content()
    html = welcome.get_body(("html",)).get_content()
    assert "every day at 07:00 (UTC)" in text
    assert "Your first digest comes by" in text and "(UTC)" in text
    preferences = path_of(link_in(text, "/newsletter/preferences/"))
    assert client.get(preferences).status_code == 200
    assert "/newsletter/unsubscribe/" in text and "/newsletter/preferences/" in html
    # Confirming again sends no second welcome.
    client.post(confirm)
    assert len(smtp.received) == 2


def test_the_preferences_page_shows_the_state_and_the_next_digest_in_the_subscribers_zone(
    client
):
    subscriber = Subscriber.objects.create(
        email="anna@example.org", state=Subscriber.State.CONFIRMED, timezone="Europe/Berlin",
        send_hour=7, last_digest_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        next_digest_at=datetime(2030, 12, 3, 6, tzinfo=UTC),
    )
    page = client.get(f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/")
    content = page.content.decode()
    assert "Digests are sent to anna@example.org." in content
    assert ("Next digest: Tuesday 3 December 2030, 07:00 (Europe/Berlin); then every day at "
            "07:00 (Europe/Berlin).") in content
    assert '<option value="Europe/Berlin" selected>Berlin</option>' in content
    assert '<optgroup label="America">' in content
    assert 'data-browser-zone' not in content  # a zone was chosen: JavaScript leaves it
    assert 'class="subscribe"' not in content  # no footer sign-up box here


def test_saving_for_an_unsubscribed_address_says_nothing_is_sent_and_offers_to_subscribe_again(
    client, smtp, started
):
    subscriber = Subscriber.objects.create(email="reader@example.org",
                                           state=Subscriber.State.UNSUBSCRIBED)
    old_confirm = make_token(subscriber, "confirm")
    subscriber.confirm_version += 1  # as stop_mailing left it
    subscriber.save()
    url = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/"
    saved = client.post(url, {"frequency": "daily", "send_hour": "7", "weekday": "0",
                              "timezone": "UTC", "language": "en", "format": "html"})
    content = saved.content.decode()
    assert "reader@example.org is unsubscribed" in content
    assert "Saved. Nothing is sent to this address while it is not subscribed" in content
    assert "The next digest follows these settings" not in content
    assert "Next digest" not in content

    again = client.post(url, {"action": "resubscribe"})
    assert b"We have sent a confirmation email to reader@example.org" in again.content
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED  # until the new link is used
    confirm = path_of(link_in(smtp.received[-1].message.get_body(("plain",)).get_content(),
                              "/newsletter/confirm/"))
    assert client.post(f"/newsletter/confirm/{old_confirm}/").status_code == 400
    client.post(confirm)
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED


def test_a_complained_address_is_not_offered_to_subscribe_again(client, smtp):
    subscriber = Subscriber.objects.create(email="reader@example.org",
                                           state=Subscriber.State.COMPLAINED)
    url = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/"
    assert b"Subscribe again" not in client.get(url).content
    client.post(url, {"action": "resubscribe"})
    assert not smtp.received


def test_every_token_page_answers_the_same_when_used_twice(client, make_story, topic):
    science = topic("Science")
    story = make_story("Comet seen over the bay", topics=[science])
    subscriber = Subscriber.objects.create(email="anna@example.org")
    confirm = f"/newsletter/confirm/{make_token(subscriber, 'confirm')}/"
    assert b"You are subscribed" in client.post(confirm).content
    assert b"Already confirmed" in client.post(confirm).content

    more = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/more/{story.pk}/"
    assert b"Added." in client.post(more).content
    assert b"Already in your digest" in client.post(more).content

    unsubscribe = f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/"
    first = client.post(unsubscribe)
    assert b"You are unsubscribed" in first.content
    for again in (client.post(unsubscribe), client.get(unsubscribe)):
        assert b"You are already unsubscribed" in again.content
        assert b"Unsubscribe</button>" not in again.content
    one_click = client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200

    erase = f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/erase/"
    assert b"We deleted anna@example.org" in client.post(erase).content
    assert b"Already deleted" in client.post(erase).content
    gone = client.get(unsubscribe)
    assert b"You are already unsubscribed" in gone.content
    assert client.post(unsubscribe, {"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.parametrize("page", ["confirmed", "unsubscribed", "preferences"])
def test_the_footer_sign_up_box_is_not_on_the_subscribers_own_pages(client, page):
    subscriber = Subscriber.objects.create(email="anna@example.org",
                                           state=Subscriber.State.CONFIRMED)
    url = {
        "confirmed": f"/newsletter/confirm/{make_token(subscriber, 'confirm')}/",
        "unsubscribed": f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/",
        "preferences": f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/",
    }[page]
    response = client.post(url) if page == "unsubscribed" else client.get(url)
    assert response.status_code == 200
    assert b'class="subscribe"' not in response.content
    # Elsewhere it stays.
    assert b'class="subscribe"' in client.get("/newsletter/preferences/not-a-token/").content


def test_a_welcome_mail_the_server_refuses_does_not_undo_the_confirmation(client, smtp, started):
    _page, confirm = sign_up(client, smtp, started)
    smtp.replies["reader@example.org"] = "451 4.3.0 Try again later"
    confirmed = client.post(confirm)
    assert confirmed.status_code == 200
    assert b"You are subscribed" in confirmed.content
    assert b"welcome email" not in confirmed.content  # it was not sent, so it is not claimed
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED


def test_the_next_digests_date_is_written_as_the_subscribers_language_writes_dates(client):
    subscriber = Subscriber.objects.create(
        email="leser@example.org", state=Subscriber.State.CONFIRMED, language="de",
        timezone="Europe/Berlin", last_digest_at=datetime(2026, 11, 30, 6, tzinfo=UTC),
        next_digest_at=datetime(2030, 12, 3, 6, tzinfo=UTC),
    )
    page = client.get(f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/")
    assert ("Nächste Zusammenfassung: Dienstag, 3. Dezember 2030, 07:00 (Europe/Berlin); "
            "danach jeden Tag um 07:00 (Europe/Berlin).") in page.content.decode()
