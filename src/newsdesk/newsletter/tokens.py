"""Signed links for subscribers: confirm, unsubscribe and preferences.

A link is the only credential a subscriber has (no password), so each one is
signed with SECRET_KEY (django.core.signing), names its purpose (a confirm link
cannot unsubscribe anyone), and carries the subscriber's token_id: rotating
token_id invalidates every link sent before.

A confirm link also carries the subscriber's confirm_version, which is raised whenever
mailing stops (an unsubscription, a bounce, a complaint): a confirm link from before
that cannot undo it, while unsubscribe and preference links, which must keep working
in old mails, do not carry it.
"""

import uuid
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

PURPOSES = ("confirm", "unsubscribe", "preferences")


class LinkError(Exception):
    """A link that cannot be used; the message says why, for the page shown."""


class SubscriberGone(LinkError):
    """A genuine link of a subscription that has since been deleted (erased)."""


def max_age_for(purpose: str) -> int | None:
    """Confirm links expire (NEWSDESK_CONFIRM_MAX_AGE); preference links after a while;
    unsubscribe links never, because they sit in old digests that must keep working."""
    if purpose == "confirm":
        return settings.NEWSDESK_CONFIRM_MAX_AGE
    if purpose == "preferences":
        return settings.NEWSDESK_PREFERENCES_MAX_AGE
    return None


def make_token(subscriber, purpose: str, *, chosen: dict | None = None) -> str:
    """A URL-safe signed token for `purpose`; confirm tokens carry a fresh id (j) that
    is kept as proof of consent when the link is used, and what the sign-up form had
    ticked (`chosen`: topic and publisher ids), applied once the address is confirmed."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}; expected one of {PURPOSES}")
    payload = {"s": subscriber.pk, "t": subscriber.token_id.hex[:12]}
    if purpose == "confirm":
        payload["j"] = uuid.uuid4().hex[:16]
        payload["v"] = subscriber.confirm_version
        if chosen:
            payload["c"] = chosen
    # What signing.dumps(payload, salt=..., compress=False) returns, with the signer made
    # once per purpose and key rather than once per link (two links in every digest).
    return _signer(f"newsdesk.newsletter.{purpose}", settings.SECRET_KEY).sign_object(
        payload, compress=False
    )


@lru_cache(maxsize=16)
def _signer(salt: str, key: str) -> signing.TimestampSigner:
    """A signer for making links only: reading them (read_token) also tries the
    SECRET_KEY_FALLBACKS."""
    return signing.TimestampSigner(key=key, salt=salt, fallback_keys=())


def read_token(token: str, purpose: str) -> tuple[object, dict]:
    """The subscriber a token names and its payload, or LinkError saying what is wrong."""
    from newsdesk.newsletter.models import Subscriber

    try:
        payload = signing.loads(
            token, salt=f"newsdesk.newsletter.{purpose}", max_age=max_age_for(purpose)
        )
    except signing.SignatureExpired:
        raise LinkError(
            _("This link has expired. Sign up again and we will send you a new one.")
        ) from None
    except signing.BadSignature:
        raise LinkError(
            _(
                "This link is not valid: it may have been cut off or changed. "
                "Copy the whole link from the email into the address bar, or sign up again."
            )
        ) from None
    subscriber = Subscriber.objects.filter(pk=payload.get("s")).first()
    if subscriber is None:
        raise SubscriberGone(
            _(
                "This link belongs to a subscription that was deleted, with everything we "
                "kept about it. To receive digests again, sign up again."
            )
        )
    if subscriber.token_id.hex[:12] != payload.get("t"):
        raise LinkError(
            _(
                "This link is no longer valid: the subscription it belongs to was removed or "
                "its links were replaced by newer ones. Use the link from the latest email."
            )
        )
    if purpose == "confirm" and payload.get("v") != subscriber.confirm_version:
        raise LinkError(
            _(
                "This confirmation link is no longer valid: the subscription changed after "
                "it was sent. To subscribe, sign up again and use the link in the new email."
            )
        )
    return subscriber, payload
