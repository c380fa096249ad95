"""The newsletter in the admin: lists with figures, a digest preview, a test send, and
the local outbox."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Delivery, OutboxMessage, Subscriber

pytestmark = pytest.mark.django_db


def test_lists_answer_and_edition_shows_its_figures(admin_client, make_story):
    make_story("Fresh story")
    Subscriber.objects.create(email="a@example.org", state=Subscriber.State.CONFIRMED)
    Subscriber.objects.create(email="b@example.org", state=Subscriber.State.CONFIRMED)
    send_due_digests()
    Subscriber.objects.filter(email="b@example.org").update(state=Subscriber.State.UNSUBSCRIBED)
    for name in ("subscriber", "edition", "delivery", "mailevent", "outboxmessage"):
        assert admin_client.get(f"/admin/newsletter/{name}/").status_code == 200
    editions = admin_client.get("/admin/newsletter/edition/").content.decode()
    assert '<td class="field-sent">2</td>' in editions
    assert '<td class="field-unsubscribed">1</td>' in editions
    filtered = admin_client.get("/admin/newsletter/subscriber/?state__exact=unsubscribed")
    assert b"b@example.org" in filtered.content and b"a@example.org" not in filtered.content


def test_preview_shows_the_next_digest_and_sends_a_test(admin_client, make_story):
    make_story("Harbour bridge reopens")
    subscriber = Subscriber.objects.create(email="a@example.org",
                                           state=Subscriber.State.CONFIRMED)
    url = f"/admin/newsletter/subscriber/{subscriber.pk}/preview/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"Harbour bridge reopens" in page.content
    response = admin_client.post(url, {"to": "editor@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert mail.outbox[0].subject == "[Test] Harbour bridge reopens"
    assert not Delivery.objects.exists()


def test_preview_says_when_there_is_nothing_new(admin_client):
    subscriber = Subscriber.objects.create(email="a@example.org",
                                           state=Subscriber.State.CONFIRMED)
    page = admin_client.get(f"/admin/newsletter/subscriber/{subscriber.pk}/preview/")
    assert b"Nothing new for this subscriber" in page.content


@override_settings(MAILERS={"default": {"BACKEND": "newsdesk.newsletter.outbox.OutboxBackend"}})
def test_outbox_keeps_mail_and_shows_both_bodies_and_headers(admin_client):
    from django.core.mail import mailers

    message = EmailMultiAlternatives("Hello", "Plain body", "desk@news.example",
                                     ["a@example.org"], headers={"List-Id": "<digest.x>"})
    message.attach_alternative("<p>HTML body</p>", "text/html")
    mailers.default.send_messages([message])
    kept = OutboxMessage.objects.get()
    assert (kept.subject, kept.text_body.strip()) == ("Hello", "Plain body")
    page = admin_client.get(f"/admin/newsletter/outboxmessage/{kept.pk}/change/")
    assert page.status_code == 200
    assert b"Plain body" in page.content and b"HTML body" in page.content
    assert b"List-Id" in page.content
