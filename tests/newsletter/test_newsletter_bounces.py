"""Bounces (RFC 3464 DSNs), complaints (ARF, RFC 5965), mailto unsubscriptions and
provider webhooks, from samples written for the project."""

import base64
import json
import smtplib
from pathlib import Path

import pytest
from django.core.management import call_command
from newsletter_support import free_port

from newsdesk.newsletter import receiver
from newsdesk.newsletter.bounces import handle_incoming, parse_report
from newsdesk.newsletter.models import Delivery, Edition, MailEvent, Subscriber
from newsdesk.newsletter.sending import verp_address
from newsdesk.newsletter.tokens import make_token

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
WEBHOOK_SECRET = "s3cret-for-tests"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def delivered_to(email: str, message_id: str = "") -> Delivery:
    subscriber = Subscriber.objects.create(email=email, state=Subscriber.State.CONFIRMED)
    edition, _ = Edition.objects.get_or_create(frequency="daily", slot="2026-11-27T07:00Z")
    return Delivery.objects.create(
        subscriber=subscriber, edition=edition, state=Delivery.State.SENT,
        message_id=message_id or f"<{email}.test@news.example>",
    )


def state_of(email: str) -> str:
    return Subscriber.objects.get(email=email).state


def test_hard_bounce_is_attributed_by_verp_and_suppresses_at_once(db):
    delivery = delivered_to("gone@readers.example")
    findings = handle_incoming(sample("dsn_hard_bounce.eml"), [verp_address(delivery.pk)])
    assert [(f.kind, f.recipient) for f in findings] == [("hard_bounce", "gone@readers.example")]
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.BOUNCED
    event = MailEvent.objects.get()
    assert event.delivery == delivery and "Status: 5.1.1" in event.detail


def test_hard_bounce_without_verp_is_matched_by_the_reported_address(db):
    delivered_to("gone@readers.example")
    handle_incoming(sample("dsn_hard_bounce.eml"), ["bounces@news.example"])
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED


def test_soft_bounces_suppress_only_after_the_threshold(db, settings):
    settings.NEWSDESK_SOFT_BOUNCE_LIMIT = 3
    delivery = delivered_to("full@readers.example")
    for expected in (1, 2):
        handle_incoming(sample("dsn_mailbox_full.eml"), [verp_address(delivery.pk)])
        subscriber = Subscriber.objects.get()
        assert subscriber.state == Subscriber.State.CONFIRMED
        assert subscriber.soft_bounces == expected
    handle_incoming(sample("dsn_mailbox_full.eml"), [verp_address(delivery.pk)])
    assert state_of("full@readers.example") == Subscriber.State.BOUNCED
    assert MailEvent.objects.filter(kind=MailEvent.Kind.SOFT_BOUNCE).count() == 3


def test_complaint_unsubscribes_and_names_the_delivery(db):
    delivery = delivered_to("annoyed@readers.example",
                            "<5e6f7a8b9c0d1e2f3a4b5c6d.digest@news.example>")
    findings = handle_incoming(sample("arf_complaint.eml"), ["abuse@news.example"])
    assert [(f.kind, f.recipient) for f in findings] == [("complaint", "annoyed@readers.example")]
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED
    event = MailEvent.objects.get()
    assert event.delivery == delivery and "Feedback-Type: abuse" in event.detail


def test_an_ordinary_mail_is_not_mistaken_for_a_bounce(db):
    raw = b"From: someone@readers.example\r\nSubject: Hello\r\n\r\nThanks for the digest!\r\n"
    assert parse_report(raw, ["bounces@news.example"]) == []


def test_unsubscribe_by_mail_uses_the_token_in_the_subject(db):
    subscriber = Subscriber.objects.create(email="a@readers.example",
                                           state=Subscriber.State.CONFIRMED)
    token = make_token(subscriber, "unsubscribe")
    raw = f"From: a@readers.example\r\nSubject: unsubscribe {token}\r\n\r\n".encode()
    handle_incoming(raw, ["unsubscribe@news.example"])
    assert state_of("a@readers.example") == Subscriber.State.UNSUBSCRIBED


@pytest.fixture
def bounce_receiver(transactional_db, settings):
    settings.DEFAULT_FROM_EMAIL = "Newsdesk <newsdesk@news.example>"
    controller = receiver.start("127.0.0.1", free_port())
    yield controller
    controller.stop()


def test_receiver_takes_bounces_over_smtp_and_refuses_other_mailboxes(bounce_receiver):
    delivery = delivered_to("gone@readers.example")
    with smtplib.SMTP(bounce_receiver.hostname, bounce_receiver.port, timeout=10) as client:
        crlf = sample("dsn_hard_bounce.eml").replace(b"\n", b"\r\n")
        client.sendmail("", [verp_address(delivery.pk)], crlf)
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("", ["postmaster@elsewhere.example"], b"Subject: x\r\n\r\nx\r\n")
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED


def test_process_command_reads_a_message_from_a_file(db, capsys):
    delivery = delivered_to("gone@readers.example")
    call_command("bounces", "process", str(SAMPLES / "dsn_hard_bounce.eml"),
                 "--to", verp_address(delivery.pk))
    assert "hard_bounce: gone@readers.example" in capsys.readouterr().out
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED


POSTMARK_AUTH = "Basic " + base64.b64encode(b"postmark:hook-password").decode()


def webhook(client, provider, payload, secret=None):
    """A provider's call; Postmark's carries the Basic credentials of its webhook URL
    (test_newsletter_webhooks checks each provider's authentication)."""
    secret = secret or WEBHOOK_SECRET
    headers = {"Authorization": POSTMARK_AUTH} if provider == "postmark" else {}
    return client.post(f"/newsletter/webhooks/{provider}/{secret}/", json.dumps(payload),
                       content_type="application/json", headers=headers)


@pytest.fixture
def webhook_secret(settings):
    settings.NEWSDESK_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.NEWSDESK_POSTMARK_WEBHOOK_USERNAME = "postmark"
    settings.NEWSDESK_POSTMARK_WEBHOOK_PASSWORD = "hook-password"


def test_postmark_hard_bounce_and_spam_complaint(client, webhook_secret):
    delivery = delivered_to("gone@readers.example")
    delivered_to("annoyed@readers.example")
    bounce = {"RecordType": "Bounce", "Type": "HardBounce", "Email": "gone@readers.example",
              "MessageID": delivery.message_id, "Description": "Unknown user"}
    assert webhook(client, "postmark", bounce).json() == {"processed": 1}
    complaint = {"RecordType": "SpamComplaint", "Email": "annoyed@readers.example"}
    webhook(client, "postmark", complaint)
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED
    assert MailEvent.objects.get(kind="hard_bounce").delivery == delivery


def test_ses_bounce_and_complaint_through_sns(client, webhook_secret):
    delivery = delivered_to("gone@readers.example")
    delivered_to("annoyed@readers.example")
    ses_bounce = {"notificationType": "Bounce",
                  "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                             "bouncedRecipients": [{"emailAddress": "gone@readers.example",
                                                    "diagnosticCode": "smtp; 550 5.1.1"}]},
                  "mail": {"headers": [{"name": "Message-ID", "value": delivery.message_id}]}}
    webhook(client, "ses", {"Type": "Notification", "Message": json.dumps(ses_bounce)})
    ses_complaint = {"notificationType": "Complaint",
                     "complaint": {"complainedRecipients": [
                         {"emailAddress": "annoyed@readers.example"}]}}
    webhook(client, "ses", {"Type": "Notification", "Message": json.dumps(ses_complaint)})
    assert state_of("gone@readers.example") == Subscriber.State.BOUNCED
    assert state_of("annoyed@readers.example") == Subscriber.State.COMPLAINED


def test_webhook_with_a_wrong_secret_or_provider_changes_nothing(client, webhook_secret):
    delivered_to("gone@readers.example")
    payload = {"RecordType": "Bounce", "Type": "HardBounce", "Email": "gone@readers.example"}
    assert webhook(client, "postmark", payload, secret="guess").status_code == 404
    assert webhook(client, "mailchimp", payload).status_code == 404
    assert state_of("gone@readers.example") == Subscriber.State.CONFIRMED
