"""The mails of signing up: the confirmation, and the note to an address that is already
subscribed. Sent through Django's mail API (the outbox in the embedded default), in the
subscriber's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from newsdesk.newsletter.links import (
    confirm_url,
    more_like_url,
    preferences_url,
    unsubscribe_url,
)
from newsdesk.newsletter.times import local_datetime, schedule_text


def language_of(subscriber) -> str:
    """The subscriber's language if the site speaks it, else the site's own: their mails
    and the pages their links open are in it."""
    codes = {code for code, _name in settings.LANGUAGES}
    return subscriber.language if subscriber.language in codes else settings.LANGUAGE_CODE


def _send(subscriber, template: str, subject, context: dict) -> None:
    """`subject` is a lazy translation with %(site_name)s, rendered in the language."""
    with translation.override(language_of(subscriber)):
        context = {"site_name": settings.NEWSDESK_SITE_NAME, "subscriber": subscriber, **context}
        subject = str(subject) % {"site_name": settings.NEWSDESK_SITE_NAME}
        text = render_to_string(f"newsletter/mail/{template}.txt", context)
        html = render_to_string(f"newsletter/mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    mailers.default.send_messages([message])


def send_confirmation(subscriber, chosen: dict | None = None) -> str:
    """Mail the confirm link (carrying what the sign-up form had ticked, `chosen`);
    returns its token (for logs and tests)."""
    url, token = confirm_url(subscriber, chosen)
    hours = settings.NEWSDESK_CONFIRM_MAX_AGE // 3600
    _send(
        subscriber,
        "confirm",
        _("Confirm your subscription to %(site_name)s"),
        {"confirm_url": url, "valid_hours": hours},
    )
    return token


def send_welcome(subscriber) -> None:
    """Right after confirming: what comes when, and the link to change it (the only way
    to the preferences until the first digest arrives)."""
    with translation.override(language_of(subscriber)):
        first = local_datetime(subscriber.next_digest_at, subscriber.timezone) \
            if subscriber.next_digest_at else ""
        schedule = schedule_text(subscriber)
    _send(
        subscriber,
        "welcome",
        _("Welcome to %(site_name)s digests"),
        {"preferences_url": preferences_url(subscriber), "schedule": schedule,
         "unsubscribe_url": unsubscribe_url(subscriber), "first_digest": first},
    )


def send_already_subscribed(subscriber) -> None:
    """Someone entered an address that is already confirmed: tell its owner, not them."""
    _send(
        subscriber,
        "already_subscribed",
        _("You are already subscribed to %(site_name)s"),
        {"preferences_url": preferences_url(subscriber)},
    )


def send_more_like(subscriber, story) -> None:
    """The link that adds a story's topics to a confirmed subscriber's digest."""
    _send(
        subscriber,
        "more_like",
        _("More stories like this from %(site_name)s"),
        {"story": story, "more_like_url": more_like_url(subscriber, story.pk)},
    )
