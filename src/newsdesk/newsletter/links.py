"""Absolute links for mails: NEWSDESK_BASE_URL plus the signed path."""

from functools import lru_cache

from django.conf import settings
from django.core.signing import BadSignature, Signer
from django.urls import reverse

from newsdesk.newsletter.tokens import make_token

SENTINEL = "T0KEN-SENTINEL"


@lru_cache(maxsize=32)
def _around_token(name: str, base: str) -> tuple[str, str]:
    """The URL of view `name` split around its token: reversing once per process instead
    of once per digest (two links in each of 100,000 digests add up)."""
    prefix, _, suffix = (base + reverse(name, args=[SENTINEL])).partition(SENTINEL)
    return prefix, suffix


def url_with_token(name: str, token: str) -> str:
    prefix, suffix = _around_token(name, settings.NEWSDESK_BASE_URL)
    return f"{prefix}{token}{suffix}"


def confirm_url(subscriber, chosen: dict | None = None) -> tuple[str, str]:
    """The confirm link and the token in it (whose id becomes the proof of consent)."""
    token = make_token(subscriber, "confirm", chosen=chosen)
    return url_with_token("newsletter:confirm", token), token


def unsubscribe_url(subscriber) -> str:
    return url_with_token("newsletter:unsubscribe", make_token(subscriber, "unsubscribe"))


def preferences_url(subscriber) -> str:
    return url_with_token("newsletter:preferences", make_token(subscriber, "preferences"))


def more_like_url(subscriber, story_id: int) -> str:
    token = make_token(subscriber, "preferences")
    return settings.NEWSDESK_BASE_URL + reverse(
        "newsletter:more_like_this", args=[token, story_id]
    )


BROWSER_SALT = "newsdesk.newsletter.view"


def browser_url(delivery_pk: int) -> str:
    """The "view in browser" address of one delivery: its id, signed (it shows what that
    subscriber was sent, so it must not be guessable). Cheap enough for every message."""
    token = _browser_signer(settings.SECRET_KEY).sign(str(delivery_pk))
    return url_with_token("newsletter:view", token)


@lru_cache(maxsize=4)
def _browser_signer(key: str) -> Signer:
    """Made once per key, not once per message; signing only (delivery_in reads)."""
    return Signer(key=key, salt=BROWSER_SALT, fallback_keys=())


def delivery_in(token: str) -> int | None:
    """The delivery id a "view in browser" token names, or None if it is not ours."""
    try:
        value = Signer(salt=BROWSER_SALT).unsign(token)
    except BadSignature:
        return None
    return int(value) if value.isdigit() else None
