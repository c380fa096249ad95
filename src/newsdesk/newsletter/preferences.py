"""A subscriber's choices, their data export and their erasure."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.newsletter import schedule
from newsdesk.newsletter.forms import ChoicesForm, PreferencesForm
from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.languages import language_name, story_language_codes

# The subscriber's choices stored as plain fields (topics and publishers are relations).
SCALAR_PREFERENCES = (
    "keywords", "frequency", "breaking_alerts", "send_hour", "weekday", "timezone",
    "language", "format", "story_languages", "show_images",
)


def scalar_preferences(subscriber) -> dict:
    return {field: getattr(subscriber, field) for field in SCALAR_PREFERENCES}


def _initial(subscriber) -> dict:
    return {
        "topics": [str(pk) for pk in subscriber.topics.values_list("pk", flat=True)],
        "publishers": [str(pk) for pk in subscriber.publishers.values_list("pk", flat=True)],
        **scalar_preferences(subscriber),
    }


def _offered(subscriber) -> dict:
    """What the forms offer: every topic, every shown publisher, every language stories
    are in (and any the subscriber chose that no story has at the moment)."""
    codes = list(story_language_codes())
    codes += [code for code in subscriber.story_languages if code not in codes]
    return {
        "topics": Topic.objects.all(),
        "publishers": Publisher.objects.filter(excluded=False),
        "story_languages": [(code, language_name(code)) for code in codes],
        "zone": subscriber.timezone,
    }


def form_for(subscriber, data=None) -> PreferencesForm:
    return PreferencesForm(data, initial=_initial(subscriber), languages=settings.LANGUAGES,
                           **_offered(subscriber))


def choices_form_for(subscriber, data=None) -> ChoicesForm:
    """The short form of the confirmed page: topics, languages, publishers, time."""
    return ChoicesForm(data, initial=_initial(subscriber), **_offered(subscriber))


def save(subscriber, cleaned: dict) -> None:
    """Store the choices (the fields `cleaned` has: the short form has fewer). Until the
    first digest has gone out it is due at once, so that it follows these choices; after
    that a changed schedule takes effect from the next slot."""
    with transaction.atomic():
        for field in SCALAR_PREFERENCES:
            if field in cleaned:  # breaking_alerts is not offered when alerts are off
                setattr(subscriber, field, cleaned[field])
        if subscriber.last_digest_at is None:
            subscriber.next_digest_at = None  # the first digest: due at the next run
        elif subscriber.next_digest_at is not None:
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
