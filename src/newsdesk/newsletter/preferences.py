"""A subscriber's choices, their data export and their erasure."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.newsletter import schedule
from newsdesk.newsletter.forms import PreferencesForm
from newsdesk.sources.models import Publisher, Topic

# The subscriber's choices stored as plain fields (topics and publishers are relations).
SCALAR_PREFERENCES = (
    "keywords", "frequency", "breaking_alerts", "send_hour", "weekday", "timezone",
    "language", "format",
)


def scalar_preferences(subscriber) -> dict:
    return {field: getattr(subscriber, field) for field in SCALAR_PREFERENCES}


def form_for(subscriber, data=None) -> PreferencesForm:
    initial = {
        "topics": [str(pk) for pk in subscriber.topics.values_list("pk", flat=True)],
        "publishers": [str(pk) for pk in subscriber.publishers.values_list("pk", flat=True)],
        **scalar_preferences(subscriber),
    }
    return PreferencesForm(
        data,
        initial=initial,
        topics=Topic.objects.all(),
        publishers=Publisher.objects.filter(excluded=False),
        languages=settings.LANGUAGES,
    )


def save(subscriber, cleaned: dict) -> None:
    """Store the choices; a changed schedule takes effect from the next slot."""
    with transaction.atomic():
        for field in SCALAR_PREFERENCES:
            if field in cleaned:  # breaking_alerts is not offered when alerts are off
                setattr(subscriber, field, cleaned[field])
        if subscriber.next_digest_at is not None:
            subscriber.next_digest_at = schedule.next_slot(subscriber, after=timezone.now())
        subscriber.save()
        subscriber.topics.set([int(pk) for pk in cleaned["topics"]])
        subscriber.publishers.set([int(pk) for pk in cleaned["publishers"]])


def export(subscriber) -> dict:
    """Everything we keep about a subscriber, as JSON (the right of access)."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "email": subscriber.email,
        "state": subscriber.state,
        "created_at": when(subscriber.created_at),
        "consent": {
            "confirmed_at": when(subscriber.confirmed_at),
            "form_version": subscriber.consent_form_version,
            "token_id": subscriber.consent_token_id,
            "source": subscriber.consent_source,
        },
        "unsubscribed_at": when(subscriber.unsubscribed_at),
        "preferences": {
            "topics": list(subscriber.topics.values_list("name", flat=True)),
            "publishers": list(subscriber.publishers.values_list("name", flat=True)),
            **scalar_preferences(subscriber),
        },
        "last_digest_at": when(subscriber.last_digest_at),
        "next_digest_at": when(subscriber.next_digest_at),
        "deliveries": [
            {
                "edition": str(d.edition),
                "state": d.state,
                "message_id": d.message_id,
                "stories": d.story_count,
                "sent_at": when(d.sent_at),
            }
            for d in subscriber.deliveries.select_related("edition").order_by("created_at")
        ],
        "mail_events": [
            {"kind": e.kind, "received_at": when(e.received_at), "detail": e.detail}
            for e in subscriber.mail_events.order_by("received_at")
        ],
    }


def erase(subscriber) -> None:
    """Delete the subscriber and, by cascade, their deliveries; bounce and complaint
    events lose their link to the person (kept only as counts for the admin)."""
    with transaction.atomic():
        subscriber.mail_events.update(recipient="", detail="")
        subscriber.delete()
