"""A subscriber's state changes: confirmed (with proof of consent), and mailing stopped
(unsubscribed, bounced, complained)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsdesk.newsletter.models import Subscriber


def confirm_subscriber(subscriber, *, token_id: str) -> None:
    """Confirmed, with the proof of consent kept: when, which form, which token.

    The first digest waits NEWSDESK_FIRST_DIGEST_DELAY, so that the topics and languages
    chosen on the confirmed page shape it; saving them there sends it at once."""
    with transaction.atomic():
        now = timezone.now()
        subscriber.state = Subscriber.State.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.consent_form_version = settings.NEWSDESK_CONSENT_FORM_VERSION
        subscriber.consent_token_id = token_id
        subscriber.unsubscribed_at = None
        subscriber.soft_bounces = 0
        subscriber.last_digest_at = None  # the first digest covers the last day
        subscriber.next_digest_at = now + timedelta(seconds=settings.NEWSDESK_FIRST_DIGEST_DELAY)
        subscriber.save()


def add_chosen(subscriber, chosen: dict) -> None:
    """Add what the sign-up form had ticked (topic ids "t", publisher ids "p", carried by
    the confirm link) to the subscriber's choices; ids deleted since are skipped."""
    from newsdesk.sources.models import Publisher, Topic

    if topic_ids := chosen.get("t"):
        subscriber.topics.add(*Topic.objects.filter(pk__in=topic_ids))
    if publisher_ids := chosen.get("p"):
        subscriber.publishers.add(*Publisher.objects.filter(pk__in=publisher_ids, excluded=False))


# The states in which nothing is sent; entering one retires the confirm links sent before.
STOPPED_STATES = (
    Subscriber.State.UNSUBSCRIBED,
    Subscriber.State.BOUNCED,
    Subscriber.State.COMPLAINED,
)


def stop_mailing(rows, state: str, **fields) -> int:
    """Put the subscribers `rows` (a queryset) in a state that sends nothing, and retire
    every confirm link sent to them before (their confirm_version goes up), so that an
    old confirmation mail cannot undo an unsubscription, a bounce or a complaint."""
    return rows.update(state=state, confirm_version=F("confirm_version") + 1, **fields)


def unsubscribe_subscriber(subscriber) -> None:
    """Send nothing more. A complaint already stopped everything and stays recorded."""
    if subscriber.state in (Subscriber.State.UNSUBSCRIBED, Subscriber.State.COMPLAINED):
        return
    now = timezone.now()
    stop_mailing(
        Subscriber.objects.filter(pk=subscriber.pk),
        Subscriber.State.UNSUBSCRIBED,
        unsubscribed_at=now,
    )
    subscriber.refresh_from_db(fields=["state", "unsubscribed_at", "confirm_version"])
