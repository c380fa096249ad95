"""Digests, from due subscribers to sent mail: plan, then send.

Planning (one transaction per batch of subscribers) turns every confirmed subscriber
whose slot has come, or who never had a digest, into one Delivery row of that slot's
Edition, with the stories chosen for them, and moves their schedule on. Sending claims
queued deliveries, renders and mails them, and records each result as it comes. The
unique (subscriber, edition) key makes planning twice a no-op; the delivery's state
makes sending twice a no-op.

Delivered once: a delivery is marked sent as soon as the server accepts it. A worker
killed with SIGKILL leaves its claimed deliveries in `sending`; the next run reclaims
them (at once if the dead worker ran on the same host, else when the claim expires,
NEWSDESK_MAIL_CLAIM_SECONDS) and sends them again with the same Message-ID. Only a
message the server accepted in the instant before the kill, not yet recorded, arrives
twice; sending.Sender lets one message at a time be in that state, so that is at most
one duplicate per killed worker.

Breaking-story alerts (breaking.py) are planned at the start of each run as editions of
their own and sent by the same code; a story someone had as an alert is left out of
their digests.
"""

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from newsdesk.core import metrics
from newsdesk.core.words import count
from newsdesk.newsletter import archive, breaking, schedule, selection
from newsdesk.newsletter.links import (
    browser_url,
    preferences_url,
    unsubscribe_url,
    url_with_token,
)
from newsdesk.newsletter.models import Delivery, Edition, MailEvent, Subscriber
from newsdesk.newsletter.render import EditionRenderer
from newsdesk.newsletter.sending import Outcome, Sender, build_email, new_message_id
from newsdesk.newsletter.subscriptions import stop_mailing
from newsdesk.newsletter.tokens import make_token

log = logging.getLogger(__name__)

PLAN_BATCH = 500
SEND_BATCH = 200
# What sending reads of a claimed delivery and its subscriber (_message_for, _record,
# suppress, the links): loading no more saves converting the rest once per message. The
# editions are loaded once per run, without their archive copy (a large JSON document).
SEND_FIELDS = (
    "id", "edition_id", "message_id", "story_ids", "first_digest", "attempts",
    "subscriber__id", "subscriber__email", "subscriber__state", "subscriber__token_id",
    "subscriber__language", "subscriber__format", "subscriber__show_images",
    "subscriber__timezone", "subscriber__breaking_alerts",
)
WIDEST_FIRST_WINDOW = timedelta(days=7)  # see schedule.first_window


@dataclass
class PlanReport:
    planned: int = 0
    skipped: int = 0
    alerts: int = 0
    lines: list[str] = field(default_factory=list)


def due_subscribers(now: datetime):
    return Subscriber.objects.filter(state=Subscriber.State.CONFIRMED).filter(
        Q(next_digest_at__isnull=True) | Q(next_digest_at__lte=now)
    )


def plan_deliveries(now: datetime, *, describe: bool = False) -> PlanReport:
    """Create the deliveries due at `now`; with `describe`, list them (for --dry-run)."""
    report = PlanReport()
    oldest = due_subscribers(now).aggregate(oldest=Min("last_digest_at"))["oldest"]
    since = min(oldest or now, now - WIDEST_FIRST_WINDOW)
    candidates = selection.CandidateIndex(selection.load_candidates(since, now))
    # A candidate may have been alerted before `since` and updated after it: look back as
    # far as a story stays open to new coverage.
    alerted_since = since - timedelta(hours=settings.NEWSDESK_STORY_WINDOW_HOURS)
    editions: dict[tuple[str, datetime], Edition] = {}
    last_pk = 0
    while True:
        ids = list(
            due_subscribers(now).filter(pk__gt=last_pk).order_by("pk")
            .values_list("pk", flat=True)[:PLAN_BATCH]
        )
        if not ids:
            return report
        last_pk = ids[-1]
        with transaction.atomic():
            _plan_batch(ids, now, candidates, editions, report, describe, alerted_since)


def _plan_batch(ids, now, candidates, editions, report, describe, alerted_since) -> None:
    subscribers = list(
        due_subscribers(now).filter(pk__in=ids).select_for_update(skip_locked=True)
    )
    topics = _ids_by_subscriber(Subscriber.topics.through, "topic_id", ids)
    publishers = _ids_by_subscriber(Subscriber.publishers.through, "publisher_id", ids)
    alerted = breaking.alerted_story_ids(ids, alerted_since)
    limit = selection.max_stories()
    deliveries = []
    for subscriber in subscribers:
        slot = schedule.latest_slot(subscriber, now)
        key = (subscriber.frequency, slot)
        if key not in editions:
            editions[key] = _edition(key, candidates, now)
        interests = selection.interests_of(
            subscriber, topics.get(subscriber.pk, ()), publishers.get(subscriber.pk, ())
        )
        since = subscriber.last_digest_at or now - schedule.first_window(subscriber)
        chosen = selection.choose(
            candidates, interests, since, limit, alerted.get(subscriber.pk, frozenset())
        )
        deliveries.append(Delivery(
            subscriber=subscriber,
            edition=editions[key],
            state=Delivery.State.QUEUED if chosen else Delivery.State.SKIPPED,
            message_id=new_message_id(),
            story_ids=[item.id for item in chosen],
            story_count=len(chosen),
            first_digest=subscriber.last_digest_at is None,
        ))
        if chosen:
            subscriber.last_digest_at = now
            report.planned += 1
            if describe:
                count = f"{len(chosen)} stor{'y' if len(chosen) == 1 else 'ies'}"
                report.lines.append(f"{subscriber.email}: {count}, first: {chosen[0].title}")
        else:
            report.skipped += 1
        subscriber.next_digest_at = schedule.next_slot(subscriber, now)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    _save_schedules(subscribers)
    # A late subscriber can join an edition that had already finished.
    Edition.objects.filter(pk__in={d.edition_id for d in deliveries if d.story_ids}).exclude(
        state=Edition.State.SENDING
    ).update(state=Edition.State.SENDING)


def _edition(key, candidates, now) -> Edition:
    """The edition of a slot, with its public archive copy made when it is created."""
    frequency, slot = key
    edition, created = Edition.objects.get_or_create(frequency=frequency, slot=slot)
    if created:
        edition.public_stories = archive.snapshot(candidates, frequency, slot, now)
        edition.save(update_fields=["public_stories"])
    return edition


def _save_schedules(subscribers) -> None:
    """Store the moved schedules with one UPDATE per distinct pair of times (a batch has
    a handful: everyone shares `now`, and the next slots repeat), not one per row."""
    groups: dict[tuple, list[int]] = {}
    for subscriber in subscribers:
        key = (subscriber.last_digest_at, subscriber.next_digest_at)
        groups.setdefault(key, []).append(subscriber.pk)
    for (last, next_at), ids in groups.items():
        Subscriber.objects.filter(pk__in=ids).update(last_digest_at=last, next_digest_at=next_at)


def _ids_by_subscriber(through, column: str, ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for subscriber_id, other in through.objects.filter(subscriber_id__in=ids).values_list(
        "subscriber_id", column
    ):
        found.setdefault(subscriber_id, []).append(other)
    return found


# --- sending ------------------------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_local_workers(names) -> list[str]:
    """Claim holders that ran on this host and whose process is gone."""
    host = socket.gethostname()
    dead = []
    for name in names:
        holder_host, _, pid = name.rpartition(":")
        if holder_host != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.append(name)
        except PermissionError:
            continue
    return dead


def claim(now: datetime, batch: int = SEND_BATCH) -> list[int]:
    """Claim up to `batch` deliveries to send: queued ones whose time has come, and ones
    whose worker died mid-send."""
    lease = timedelta(seconds=settings.NEWSDESK_MAIL_CLAIM_SECONDS)
    holders = (
        Delivery.objects.filter(state=Delivery.State.SENDING, claimed_until__gte=now)
        .values_list("claimed_by", flat=True).distinct()
    )
    dead = _dead_local_workers(list(holders))
    due = (
        Q(state=Delivery.State.QUEUED)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(state=Delivery.State.SENDING, claimed_until__lt=now) | Q(
        state=Delivery.State.SENDING, claimed_by__in=dead
    )
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True).filter(due)
            .order_by("pk").values_list("pk", flat=True)[:batch]
        )
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.SENDING, claimed_until=now + lease, claimed_by=worker_name(),
            attempts=F("attempts") + 1,
        )
    return ids


def send_queued(now: datetime | None = None, *, max_batches: int | None = None) -> int:
    """Send every delivery that is due; returns how many the server accepted."""
    renderers: dict[int, EditionRenderer] = {}
    items: dict[int, selection.StoryItem] = {}
    editions: dict[int, Edition] = {}
    claimed: dict[int, Delivery] = {}
    sent = 0
    batches = 0
    with Sender(record=lambda result: _record(claimed.pop(result.key), result)) as sender:
        while max_batches is None or batches < max_batches:
            current = now or timezone.now()
            ids = claim(current)
            if not ids:
                break
            batches += 1
            sent += _send_batch(ids, sender, renderers, items, editions, claimed)
            if sender.unavailable:
                log.warning("digests: %s; the rest stay queued for a later run",
                            sender.unavailable)
                break
    _finish_editions()
    return sent


def _send_batch(ids, sender, renderers, items, editions, claimed) -> int:
    """Send one claimed batch; `items` and `editions` cache stories and editions across
    the batches of a run, and `claimed` is where the sender's record() finds each
    delivery."""
    deliveries = list(
        Delivery.objects.filter(pk__in=ids).select_related("subscriber").only(*SEND_FIELDS)
    )
    wanted = {d.edition_id for d in deliveries} - editions.keys()
    if wanted:
        editions.update(Edition.objects.defer("public_stories").in_bulk(wanted))
    for delivery in deliveries:
        delivery.edition = editions[delivery.edition_id]
    missing = {sid for d in deliveries for sid in d.story_ids} - items.keys()
    items.update(selection.load_items(missing))
    claimed.update((d.pk, d) for d in deliveries)

    def messages():
        for delivery in deliveries:
            message = _message_for(delivery, items, renderers)
            if message is None:
                claimed.pop(delivery.pk)
            else:
                yield delivery.pk, message

    return sum(result.outcome is Outcome.SENT for result in sender.send_all(messages()))


def _message_for(delivery, items, renderers):
    subscriber = delivery.subscriber
    chosen = [items[sid] for sid in delivery.story_ids if sid in items]
    alert = delivery.edition.frequency == Edition.Frequency.BREAKING
    if (
        subscriber.state != Subscriber.State.CONFIRMED
        or not chosen
        or (alert and not subscriber.breaking_alerts)
    ):
        if subscriber.state != Subscriber.State.CONFIRMED:
            reason = "not confirmed any more"
        elif not chosen:
            reason = "its stories were hidden"
        else:
            reason = "breaking alerts were turned off"
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SKIPPED, error=f"not sent: {reason}", claimed_until=None
        )
        return None
    renderer = renderers.get(delivery.edition_id)
    if renderer is None:
        renderer = renderers[delivery.edition_id] = EditionRenderer(delivery.edition)
    unsubscribe_token = make_token(subscriber, "unsubscribe")
    unsubscribe_url = url_with_token("newsletter:unsubscribe", unsubscribe_token)
    rendered = renderer.render(
        items=chosen,
        address=subscriber.email,
        language=subscriber.language,
        html=subscriber.format == Subscriber.Format.HTML,
        unsubscribe_url=unsubscribe_url,
        preferences_url=preferences_url(subscriber),
        browser_url=browser_url(delivery.pk),
        first=delivery.first_digest,
        images=subscriber.show_images,
        zone=subscriber.timezone,
    )
    return build_email(
        delivery=delivery,
        address=subscriber.email,
        rendered=rendered,
        unsubscribe_url=unsubscribe_url,
        unsubscribe_token=unsubscribe_token,
    )


def _mark_sent(pk: int, now: datetime) -> None:
    """The hot path of an edition, once per message: plain SQL, no query building.

    On PostgreSQL the commit does not wait for the WAL flush (synchronous_commit off for
    this transaction): a killed worker loses nothing by it, since the server has the row;
    only a crash of the database server itself could forget the last few marks, and those
    digests would be sent again."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    update = (
        f"UPDATE {table} SET state = %s, sent_at = %s, error = '', claimed_until = NULL "  # noqa: S608
        "WHERE id = %s"
    )
    params = [Delivery.State.SENT.value, now, pk]
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(update, params)
        return
    # Elsewhere (SQLite) the one statement, in autocommit mode, is its own transaction:
    # committed when it returns, without BEGIN and COMMIT round trips of their own.
    with connection.cursor() as cursor:
        cursor.execute(update, params)


def backoff(attempt: int) -> timedelta:
    """1, 5, 25, 125 minutes ... capped at 12 hours."""
    return timedelta(minutes=min(5 ** max(0, attempt - 1), 12 * 60))


def _record(delivery, result) -> None:
    now = timezone.now()
    metrics.count_delivery(result.outcome.value)
    if result.outcome is Outcome.SENT:
        _mark_sent(delivery.pk, now)
        return
    rows = Delivery.objects.filter(pk=delivery.pk)
    if result.outcome is not Outcome.RETRY or not result.detail.startswith("mail server"):
        log.warning("digest to %s: %s", delivery.subscriber.email, result.detail)
    if result.outcome is Outcome.RETRY and delivery.attempts < settings.NEWSDESK_MAIL_MAX_ATTEMPTS:
        rows.update(
            state=Delivery.State.QUEUED, error=result.detail, claimed_until=None,
            next_attempt_at=now + backoff(delivery.attempts),
        )
        return
    rows.update(state=Delivery.State.FAILED, error=result.detail, claimed_until=None)
    if result.outcome is Outcome.RECIPIENT_REJECTED:
        suppress(delivery.subscriber, delivery=delivery, detail=result.detail, source="smtp")


def suppress(subscriber, *, delivery=None, detail: str, source: str) -> None:
    """A permanent failure for the address: send it nothing more."""
    metrics.count_mail_event(MailEvent.Kind.HARD_BOUNCE, source)
    MailEvent.objects.create(
        kind=MailEvent.Kind.HARD_BOUNCE, recipient=subscriber.email, subscriber=subscriber,
        delivery=delivery, source=source, detail=detail[:2000],
    )
    stop_mailing(
        Subscriber.objects.filter(pk=subscriber.pk).exclude(state=Subscriber.State.COMPLAINED),
        Subscriber.State.BOUNCED,
    )
    if delivery is not None:
        Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.BOUNCED)


def _finish_editions() -> None:
    active = Delivery.objects.filter(
        state__in=[Delivery.State.QUEUED, Delivery.State.SENDING]
    ).values("edition_id")
    Edition.objects.filter(state=Edition.State.SENDING).exclude(pk__in=active).update(
        state=Edition.State.FINISHED
    )


def send_due_digests(now: datetime | None = None) -> int:
    """What the scheduler calls (every minute): plan the breaking alerts and the digests
    that are due, then send everything queued. Returns the number of mails the server
    accepted. Alerts are planned first, so that a digest due in the same run leaves
    their stories out."""
    now = now or timezone.now()
    alerts = breaking.plan_alerts(now)
    report = plan_deliveries(now)
    sent = send_queued(now)
    summary = (
        f"digest run: {count(report.planned, 'digest')} planned, {report.skipped} with "
        f"nothing new, {count(alerts, 'breaking alert')} planned, {count(sent, 'mail')} sent"
    )
    # One line a run at INFO when it did something; the idle runs (one a minute) at DEBUG.
    log.log(logging.INFO if (alerts or report.planned or report.skipped or sent)
            else logging.DEBUG, summary)
    return sent


def dry_run(now: datetime | None = None) -> PlanReport:
    """What send_due_digests would plan now, without writing or sending anything."""
    now = now or timezone.now()
    with transaction.atomic():
        alerts = breaking.plan_alerts(now)
        report = plan_deliveries(now, describe=True)
        report.alerts = alerts
        transaction.set_rollback(True)
    return report


def preview(subscriber, now: datetime | None = None):
    """The digest `subscriber` would get if it were sent now (for the admin), or None
    when there is nothing new for them."""
    now = now or timezone.now()
    since = subscriber.last_digest_at or now - schedule.first_window(subscriber)
    candidates = selection.CandidateIndex(selection.load_candidates(since, now))
    alerted_since = since - timedelta(hours=settings.NEWSDESK_STORY_WINDOW_HOURS)
    alerted = breaking.alerted_story_ids([subscriber.pk], alerted_since)
    chosen = selection.choose(
        candidates, selection.interests_of(subscriber), since, selection.max_stories(),
        alerted.get(subscriber.pk, frozenset()),
    )
    if not chosen:
        return None
    edition = Edition(frequency=subscriber.frequency, slot=schedule.latest_slot(subscriber, now))
    return EditionRenderer(edition).render(
        items=chosen,
        address=subscriber.email,
        language=subscriber.language,
        html=subscriber.format == Subscriber.Format.HTML,
        unsubscribe_url=unsubscribe_url(subscriber),
        preferences_url=preferences_url(subscriber),
        first=subscriber.last_digest_at is None,
        images=subscriber.show_images,
        zone=subscriber.timezone,
    )


def browser_copy(delivery) -> str | None:
    """The HTML of a delivery as its "view in browser" page shows it: the stories it was
    sent with (those still shown), the subscriber's language, images and zone, and none
    of their links. None when none of its stories is shown any more."""
    subscriber = delivery.subscriber
    items = selection.load_items(delivery.story_ids)
    chosen = [items[pk] for pk in delivery.story_ids if pk in items]
    if not chosen:
        return None
    return EditionRenderer(delivery.edition, delivery.sent_at or delivery.created_at).render(
        items=chosen, address="", language=subscriber.language, html=True,
        unsubscribe_url="", preferences_url="", first=delivery.first_digest,
        images=subscriber.show_images, zone=subscriber.timezone, browser=True,
    ).html
