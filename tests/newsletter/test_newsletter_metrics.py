"""Deliveries by outcome, and bounces and complaints, as /metrics counts them."""

from pathlib import Path

import pytest
from metrics_support import scrape, value

from newsdesk.newsletter.bounces import handle_incoming
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Delivery, Subscriber
from newsdesk.newsletter.sending import verp_address

pytestmark = pytest.mark.django_db


def test_deliveries_are_counted_by_outcome(client, smtp, make_story):
    make_story("Fresh story")
    for name in ("anna", "bert", "carl"):
        Subscriber.objects.create(email=f"{name}@example.org", state=Subscriber.State.CONFIRMED)
    smtp.replies["bert@example.org"] = "550 5.1.1 No such user"
    smtp.replies["carl@example.org"] = "451 4.2.0 Try again later"
    before = scrape(client)
    send_due_digests()
    after = scrape(client)

    def grew(outcome):
        return (value(after, "newsdesk_deliveries_total", outcome=outcome)
                - value(before, "newsdesk_deliveries_total", outcome=outcome))

    assert (grew("sent"), grew("recipient_rejected"), grew("retry")) == (1, 1, 1)
    # the address the server refused counts as a hard bounce, as the SMTP answer said
    assert value(after, "newsdesk_mail_events_total", kind="hard_bounce", source="smtp") == (
        value(before, "newsdesk_mail_events_total", kind="hard_bounce", source="smtp") + 1)


def test_bounces_and_complaints_are_counted_by_kind(client, smtp, make_story):
    make_story("Fresh story")
    Subscriber.objects.create(email="gone@readers.example", state=Subscriber.State.CONFIRMED)
    send_due_digests()
    delivery = Delivery.objects.get()
    before = scrape(client)
    samples = Path(__file__).parent / "samples"
    handle_incoming((samples / "dsn_hard_bounce.eml").read_bytes(), [verp_address(delivery.pk)])
    handle_incoming((samples / "arf_complaint.eml").read_bytes(), ["abuse@news.example"])
    after = scrape(client)
    for kind, source in (("hard_bounce", "dsn"), ("complaint", "arf")):
        assert value(after, "newsdesk_mail_events_total", kind=kind, source=source) == (
            value(before, "newsdesk_mail_events_total", kind=kind, source=source) + 1)
