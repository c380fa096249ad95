"""The mails of signing up: the confirmation, and the note to an address that is already
subscribed. Sent through Django's mail API (the outbox in the embedded default)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import translation

from newsdesk.newsletter.links import confirm_url, more_like_url, preferences_url


def _send(subscriber, template: str, subject: str, context: dict) -> None:
    with translation.override(subscriber.language or settings.LANGUAGE_CODE):
        context = {"site_name": settings.NEWSDESK_SITE_NAME, "subscriber": subscriber, **context}
        text = render_to_string(f"newsletter/mail/{template}.txt", context)
        html = render_to_string(f"newsletter/mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    mailers.default.send_messages([message])


def send_confirmation(subscriber) -> str:
    """Mail the confirm link; returns its token (for logs and tests)."""
    url, token = confirm_url(subscriber)
    hours = settings.NEWSDESK_CONFIRM_MAX_AGE // 3600
    _send(
        subscriber,
        "confirm",
        f"Confirm your subscription to {settings.NEWSDESK_SITE_NAME}",
        {"confirm_url": url, "valid_hours": hours},
    )
    return token


def send_already_subscribed(subscriber) -> None:
    """Someone entered an address that is already confirmed: tell its owner, not them."""
    _send(
        subscriber,
        "already_subscribed",
        f"You are already subscribed to {settings.NEWSDESK_SITE_NAME}",
        {"preferences_url": preferences_url(subscriber)},
    )



def send_more_like(subscriber, story) -> None:
    """The link that adds a story's topics to a confirmed subscriber's digest."""
    _send(
        subscriber,
        "more_like",
        f"More stories like this from {settings.NEWSDESK_SITE_NAME}",
        {"story": story, "more_like_url": more_like_url(subscriber, story.pk)},
    )
