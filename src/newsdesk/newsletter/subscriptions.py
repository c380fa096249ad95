"""A subscriber's state changes: confirmed (with proof of consent) and unsubscribed."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.newsletter.models import Subscriber


def confirm_subscriber(subscriber, *, token_id: str) -> None:
    """Confirmed, with the proof of consent kept: when, which form, which token."""
    with transaction.atomic():
        subscriber.state = Subscriber.State.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.consent_form_version = settings.NEWSDESK_CONSENT_FORM_VERSION
        subscriber.consent_token_id = token_id
        subscriber.unsubscribed_at = None
        subscriber.soft_bounces = 0
        subscriber.last_digest_at = None  # the first digest covers the last day
        subscriber.next_digest_at = None  # due at the next run
        subscriber.save()


def unsubscribe_subscriber(subscriber) -> None:
    """Send nothing more. A complaint already stopped everything and stays recorded."""
    if subscriber.state in (Subscriber.State.UNSUBSCRIBED, Subscriber.State.COMPLAINED):
        return
    subscriber.state = Subscriber.State.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["state", "unsubscribed_at"])
