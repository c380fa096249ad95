"""The whole newsletter flow against a real SMTP server on loopback: sign up, receive the
confirmation, follow its link, confirm by POST, receive the welcome mail, choose on the
confirmed page, receive a digest, unsubscribe."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from newsletter_support import BASE_URL, link_in, path_of

from newsdesk.newsletter.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db


def test_subscribe_confirm_digest_unsubscribe_over_real_smtp(client, smtp, started, make_story):
    page = client.get("/newsletter/subscribe/")
    assert page.status_code == 200
    assert b'name="website"' in page.content

    response = client.post(
        "/newsletter/subscribe/",
        {"email": "Reader@Example.org", "started": started, "website": ""},
    )
    assert response.status_code == 200
    assert b"sent a confirmation email to reader@example.org" in response.content

    assert len(smtp.received) == 1
    confirmation = smtp.received[0]
    assert confirmation.rcpt_tos == ["reader@example.org"]
    text = confirmation.message.get_body(("plain",)).get_content()
    confirm_path = path_of(link_in(text, "/newsletter/confirm/"))

    # Opening the link (as a mail scanner would) confirms nothing.
    assert client.get(confirm_path).status_code == 200
    assert Subscriber.objects.get().state == Subscriber.State.PENDING

    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.state == Subscriber.State.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert subscriber.consent_form_version
    assert len(subscriber.consent_token_id) == 16
    assert subscriber.consent_source == "form"

    # The welcome mail: the preferences link, before any digest.
    assert len(smtp.received) == 2
    welcome = smtp.received[1].message
    assert welcome["Subject"] == "Welcome to Newsdesk digests"
    assert "/newsletter/preferences/" in welcome.get_body(("plain",)).get_content()

    make_story("Harbour bridge reopens after repairs", publishers=5, score=9)
    make_story("Library extends its opening hours", publishers=2, score=3)
    make_story("Old news from last week", updated_ago=timedelta(days=3))

    # The first digest waits for the confirmed page's choices; saving them sends it.
    call_command("digest", "send")
    assert len(smtp.received) == 2
    choose = re.search(r'action="([^"]+/choose/)"', confirmed.content.decode()).group(1)
    saved = client.post(choose, {"send_hour": "7", "timezone": "Europe/Berlin"})
    assert b"Your first digest is on its way" in saved.content
    call_command("digest", "send")
    assert len(smtp.received) == 3
    digest = smtp.received[2]
    message = digest.message
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SENT
    assert message["Message-ID"] == delivery.message_id
    assert message["Date"] and message["From"] and message["To"] == "reader@example.org"
    assert message["Subject"] == "Harbour bridge reopens after repairs, and 1 more story"
    assert digest.mail_from.startswith(f"bounces+{delivery.pk}-")
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (plain, html):
        assert "Harbour bridge reopens after repairs" in body
        assert "Library extends its opening hours" in body
        assert "Old news from last week" not in body
        assert "5 publishers" in body
        assert f"{BASE_URL}/stories/" in body
        assert "Your first digest: 2 stories from the past day." in body
        assert f"{BASE_URL}/newsletter/view/" in body
    assert 'style="' in html  # CSS inlined
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"].endswith(">")
    https_target = re.search(r"<(http[^>]+)>", message["List-Unsubscribe"]).group(1)
    assert "mailto:" in message["List-Unsubscribe"]

    # Nothing already sent is sent again.
    call_command("digest", "send")
    assert len(smtp.received) == 3

    unsubscribe_path = path_of(link_in(plain, "/newsletter/unsubscribe/"))
    assert unsubscribe_path == path_of(https_target)
    page = client.get(unsubscribe_path)
    assert page.status_code == 200 and b"Unsubscribe</button>" in page.content
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED
    assert client.post(unsubscribe_path).status_code == 200
    assert Subscriber.objects.get().state == Subscriber.State.UNSUBSCRIBED
    again = client.get(unsubscribe_path)
    assert b"You are already unsubscribed" in again.content
