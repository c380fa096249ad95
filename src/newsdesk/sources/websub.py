"""WebSub (W3C Recommendation): publishers tell us of new entries instead of waiting for a poll.

A feed that advertises a hub (rel="hub", stored by polling in Source.websub_hub) is
subscribed to: we POST hub.mode=subscribe to the hub through the guarded client,
with a callback URL that carries the source id and an unguessable token, a random
per-source secret (Source.websub_secret) and the lease we would like. The hub then
checks our intent with a GET to the callback (views.py answers it with the
challenge only for the topic and mode we asked for) and from then on POSTs new
content there, signed with the secret (X-Hub-Signature, an HMAC of the raw body).
Pushed content goes through the same parsing and entry storage as a poll.

Polling goes on regardless: a push is a bonus that brings entries sooner, never
the only way in, so a hub that fails or never verifies costs nothing but a request
now and then.

The lease lives in Source.websub_lease_until: the end of the lease the hub
granted, once it has verified our intent. While a request waits for that
verification it holds a provisional end REQUEST_PATIENCE ahead, so that the
scheduler asks again, RENEW_BEFORE before that, if the hub never answers.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsdesk.sources.feeds import parse_feed
from newsdesk.sources.fetch import FetchKind, FetchPolicy, FetchRequest, fetch_many
from newsdesk.sources.models import Source
from newsdesk.sources.polling import DATABASE_UNAVAILABLE, describe_failure, store_entries

log = logging.getLogger(__name__)

RENEW_BEFORE = timedelta(hours=1)  # renew a lease this long before it ends
REQUEST_PATIENCE = timedelta(hours=2)  # unverified requests are sent again after 2 h - 1 h
MIN_LEASE = 2 * RENEW_BEFORE  # a shorter lease would be renewed on every scheduler round
RENEW_BATCH = 200
# The digests the spec allows for X-Hub-Signature ("sha256=<hex>").
SIGNATURE_DIGESTS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


class PushNotStored(Exception):
    """Pushed content that is a feed but whose entries the database refused; says why."""


@dataclass(frozen=True, slots=True)
class Pushed:
    """What a push stored: ids of new and of updated entries."""

    new_entry_ids: list[int]
    updated_entry_ids: list[int]


def topic_of(source: Source) -> str:
    """The topic we subscribe to: the URL we poll (a hub knows a feed by its address).

    A feed whose rel="self" differs from the URL we poll may be known to its hub by
    that other URL; Source does not keep it, so such a hub refuses or never verifies,
    and polling carries on as before.
    """
    return source.url


def lease_seconds_asked() -> int:
    return settings.NEWSDESK_WEBSUB_LEASE_SECONDS


def callback_token(source: Source) -> str:
    """The callback URL's secret part: keyed on SECRET_KEY, the source and its WebSub secret."""
    return salted_hmac(
        "newsdesk.sources.websub.callback",
        f"{source.pk}:{source.websub_secret}",
        algorithm="sha256",
    ).hexdigest()


def callback_url(source: Source) -> str:
    path = reverse("websub:callback", args=[source.pk, callback_token(source)])
    return settings.NEWSDESK_BASE_URL.rstrip("/") + path


def source_for_callback(source_id: int, token: str) -> Source | None:
    """The subscribed source a callback URL names, or None when the token does not match."""
    source = Source.objects.filter(pk=source_id).exclude(websub_secret="").first()
    if source is None or not constant_time_compare(token, callback_token(source)):
        return None
    return source


# --- subscribing and renewing ------------------------------------------------------------


def renew_websub_leases(now: datetime | None = None, limit: int = RENEW_BATCH) -> int:
    """Subscribe to the hubs of sources without a lease, or whose lease is about to end.

    Called by the scheduler on every round; returns how many requests the hubs accepted.
    A hub that refuses, or accepts but never verifies, is asked again later.
    """
    now = now or timezone.now()
    due = _claim_due_subscriptions(now, limit)
    if not due:
        return 0
    requests = [subscription_request(source) for source in due]
    accepted = 0
    for source, result in zip(due, fetch_many(requests, FetchPolicy.from_settings()), strict=True):
        if result.error is not None:
            log.warning("source %s: WebSub subscription refused: %s", source.pk, result.error)
        else:
            accepted += 1
    return accepted


def _claim_due_subscriptions(now: datetime, limit: int) -> list[Source]:
    """The sources to (re)subscribe, each marked as asked so no other scheduler asks too.

    They are marked before the requests go out, because a hub may verify (and so
    record the real lease) before its answer to the request arrives.
    """
    due = (
        Source.objects.filter(enabled=True, kind=Source.Kind.FEED)
        .exclude(websub_hub="")
        .filter(Q(websub_lease_until__isnull=True) | Q(websub_lease_until__lte=now + RENEW_BEFORE))
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        sources = list(due.order_by("pk")[:limit])
        for source in sources:
            _ensure_secret(source)
        Source.objects.filter(pk__in=[s.pk for s in sources]).update(
            websub_lease_until=now + REQUEST_PATIENCE
        )
    return sources


def subscription_request(source: Source) -> FetchRequest:
    """The POST that asks source's hub to push its feed to our callback."""
    return FetchRequest(
        url=source.websub_hub,
        kind=FetchKind.HUB,
        form={
            "hub.mode": "subscribe",
            "hub.topic": topic_of(source),
            "hub.callback": callback_url(source),
            "hub.secret": source.websub_secret,
            "hub.lease_seconds": str(lease_seconds_asked()),
        },
    )


def _ensure_secret(source: Source) -> None:
    """Give source a secret once; kept across renewals (the callback URL depends on it)."""
    if source.websub_secret:
        return
    Source.objects.filter(pk=source.pk, websub_secret="").update(
        websub_secret=secrets.token_urlsafe(32)
    )
    source.websub_secret = Source.objects.values_list("websub_secret", flat=True).get(
        pk=source.pk
    )


# --- the hub's calls to our callback -----------------------------------------------------


def confirm_intent(
    source: Source, mode: str, topic: str, lease_seconds: str | None, now: datetime | None = None
) -> bool:
    """Whether we asked for this (mode, topic); if so, record the lease the hub granted.

    We only ever subscribe, so an unsubscription is never confirmed. A lease too short
    to renew in time is declined; polling covers the source meanwhile.
    """
    if mode != "subscribe" or topic != topic_of(source):
        return False
    if not source.enabled or not source.websub_hub:
        return False
    lease = _seconds(lease_seconds) or lease_seconds_asked()
    if lease < MIN_LEASE.total_seconds():
        log.warning(
            "source %s: WebSub lease of %s s declined (at least %d s needed to renew in time)",
            source.pk, lease, MIN_LEASE.total_seconds(),
        )
        return False
    now = now or timezone.now()
    Source.objects.filter(pk=source.pk).update(websub_lease_until=now + timedelta(seconds=lease))
    return True


def record_denial(source: Source, topic: str, reason: str) -> None:
    """The hub refused the subscription (hub.mode=denied): say so in the log; polling goes on."""
    log.warning(
        "source %s: the WebSub hub %s denied the subscription to %s: %s",
        source.pk, source.websub_hub, topic, reason or "no reason given",
    )


def signature_is_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Whether X-Hub-Signature ("<method>=<hex>") is the HMAC of body under secret."""
    if not secret or not header or "=" not in header:
        return False
    method, _, signature = header.strip().partition("=")
    digest = SIGNATURE_DIGESTS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def store_pushed_content(
    source: Source, body: bytes, content_type: str | None, now: datetime | None = None
) -> Pushed:
    """Parse pushed feed content and store its entries exactly as a poll would.

    Raises FeedError (entries.FeedError) when the body is not a feed, and PushNotStored
    when its entries could not be stored (nothing of it is kept, the error is recorded on
    the source, and the hub is told why rather than given a server error).
    """
    now = now or timezone.now()
    parsed = parse_feed(body, topic_of(source), content_type, now=now)
    try:
        with transaction.atomic():
            new_ids, updated_ids = store_entries(source, parsed.entries, now)
    except DATABASE_UNAVAILABLE:
        raise
    except Exception as exc:  # one publisher's rows the database refuses: theirs alone
        log.exception("source %s: WebSub push could not be stored", source.pk)
        error = (f"feed {source.url}: WebSub push not stored: storing what it sent failed "
                 f"({describe_failure(exc)}); nothing from it was kept")
        Source.objects.filter(pk=source.pk).update(last_error=error, last_error_at=now)
        raise PushNotStored(error) from exc
    if new_ids:
        Source.objects.filter(pk=source.pk).update(last_new_entry_at=now)
    return Pushed(new_ids, updated_ids)


def _seconds(value: str | None) -> int | None:
    try:
        seconds = int((value or "").strip())
    except ValueError:
        return None
    return seconds if seconds > 0 else None
