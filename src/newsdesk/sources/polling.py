"""Polling like a good citizen: which sources are due, and what a poll's outcome does.

The schedule is the `next_poll_at` column. A poll's result moves it: a success by
the interval learnt from how often the source really publishes (bounded by
settings, raised by Cache-Control max-age and RSS <ttl>), an error by exponential
backoff with jitter, a 429/503 by at least its Retry-After. Entries are stored in
bulk, once per (source, identity key); an entry whose content changed is updated
and marked for extraction again.
"""

import logging
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from newsdesk.core import metrics
from newsdesk.sources.entries import FeedError, ParsedEntry, ParsedFeed
from newsdesk.sources.fetch import FetchRequest, FetchResult
from newsdesk.sources.models import Entry, Source

log = logging.getLogger(__name__)
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)
# Failures of the database itself, not of one source's data: storing each source alone
# would only fail again, so they end the task (the claims run out and it is retried).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What a poll writes: only these, so that a poll that took a while does not overwrite
# what was written meanwhile (a WebSub secret or lease, options edited in the admin).
POLL_FIELDS = [
    "url",
    "title",
    "enabled",
    "disabled_reason",
    "claimed_until",
    "poll_interval",
    "next_poll_at",
    "etag",
    "last_modified",
    "last_polled_at",
    "last_success_at",
    "last_new_entry_at",
    "error_count",
    "last_error",
    "last_error_at",
    "warnings",
    "websub_hub",
]


@dataclass
class PollOutcome:
    source_id: int
    new_entry_ids: list[int] = field(default_factory=list)
    updated_entry_ids: list[int] = field(default_factory=list)
    error: str = ""


def claim_due_sources(now: datetime | None = None, limit: int | None = None) -> list[int]:
    """Mark up to `limit` due sources as claimed and return their ids.

    The claim (claimed_until) keeps two schedulers from enqueueing one source twice;
    if the worker dies mid-poll the claim runs out and the source is due again.
    """
    now = now or timezone.now()
    limit = limit or settings.NEWSDESK_POLL_BATCH * 4
    claim = timedelta(seconds=settings.NEWSDESK_POLL_CLAIM_SECONDS)
    due = Source.objects.filter(enabled=True, next_poll_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_poll_at").values_list("id", flat=True)[:limit])
        if ids:
            Source.objects.filter(id__in=ids).update(claimed_until=now + claim)
    return ids


def fetch_request_for(source: Source) -> FetchRequest:
    auth = (source.auth_username, source.auth_password) if source.auth_username else None
    return FetchRequest(
        url=source.url,
        kind="feed",
        etag=source.etag or None,
        last_modified=source.last_modified or None,
        basic_auth=auth,
        cookie=source.cookie or None,
        user_agent=source.user_agent or None,
    )


def parse_document(source: Source, result: FetchResult) -> ParsedFeed:
    """Read what a poll fetched, the way this source is followed."""
    if source.kind == Source.Kind.NEWS_SITEMAP:
        from newsdesk.sources.sitemaps import parse_news_sitemap

        return ParsedFeed(
            url=source.url,
            format="news_sitemap",
            entries=parse_news_sitemap(result.body, result.final_url),
        )
    if source.kind == Source.Kind.SECTION_PAGE:
        from newsdesk.sources.sitemaps import parse_section_page

        return ParsedFeed(
            url=source.url,
            format="section_page",
            entries=parse_section_page(result.body, result.final_url),
        )
    from newsdesk.sources.feeds import parse_feed

    return parse_feed(result.body, result.final_url, result.content_type)


def learnt_interval(source: Source, published: list[datetime]) -> int:
    """Seconds between polls: half the source's mean gap between entries, bounded."""
    low, high = settings.NEWSDESK_POLL_MIN_SECONDS, settings.NEWSDESK_POLL_MAX_SECONDS
    recent = sorted(published)[-20:]
    if len(recent) >= 2:
        gaps = (recent[-1] - recent[0]).total_seconds() / (len(recent) - 1)
        interval = gaps / 2
    else:
        interval = source.poll_interval or 3600
    return int(min(high, max(low, interval)))


def _server_minimum(result: FetchResult, parsed: ParsedFeed | None) -> int:
    """The least the publisher asked us to wait: Cache-Control max-age, RSS <ttl>."""
    wait = 0
    match = _MAX_AGE.search(result.headers.get("Cache-Control", "") or "")
    if match:
        wait = int(match.group(1))
    if parsed is not None and parsed.ttl_minutes:
        wait = max(wait, parsed.ttl_minutes * 60)
    return min(wait, settings.NEWSDESK_POLL_MAX_SECONDS)


def backoff_seconds(error_count: int, retry_after: int | None) -> int:
    """Exponential backoff with jitter, never sooner than the server's Retry-After."""
    base = settings.NEWSDESK_POLL_MIN_SECONDS * (2 ** min(error_count, 8))
    wait = min(settings.NEWSDESK_POLL_MAX_SECONDS, base) * random.uniform(0.8, 1.2)
    return int(max(wait, retry_after or 0))


def read_result(source: Source, result: FetchResult) -> ParsedFeed | FeedError | None:
    """Parse what a poll fetched (CPU only, no database): None when there is nothing to read.

    Whatever the publisher sent, the answer is a feed or an error for this source alone:
    a parser that fails in a way nobody foresaw must not cost the rest of the batch.
    """
    if result.error is not None or result.not_modified:
        return None
    try:
        return parse_document(source, result)
    except FeedError as exc:
        return exc
    except Exception as exc:
        log.exception("source %s: reading %s failed", source.pk, result.final_url)
        return FeedError(
            f"feed {source.url}: could not be read ({describe_failure(exc)}); "
            "the other sources were not affected; will retry later"
        )


_UNREAD = object()


def apply_poll_result(
    source: Source, result: FetchResult, now: datetime | None = None, read=_UNREAD
) -> PollOutcome:
    """Store what one poll brought and schedule the next; never raises for bad input."""
    if read is _UNREAD:
        read = read_result(source, result)
    return apply_poll_results([(source, result, read)], now)[0]


Poll = tuple[Source, FetchResult, ParsedFeed | FeedError | None]


def store_polls(polls: list[Poll], now: datetime | None = None) -> list[PollOutcome]:
    """Store a chunk of polls in one transaction; if it fails, store each source alone.

    One source's write can fail for reasons of its own (a value the database refuses,
    text that cannot be encoded, a constraint it breaks); that must cost the other
    sources of the chunk nothing. Their entries are then stored source by source, each
    with its own claim released, and the failing source gets the failure as its error
    (shown by `sources list --broken` and the admin) and is polled again after a pause.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return apply_poll_results(polls, now)
    except DATABASE_UNAVAILABLE:
        raise
    except Exception:
        log.warning(
            "a chunk of %d polls could not be stored together; storing each alone",
            len(polls),
            exc_info=True,
        )
    return [_store_alone(poll, now) for poll in polls]


def _store_alone(poll: Poll, now: datetime) -> PollOutcome:
    source = poll[0]
    try:
        # Forget what the failed attempt changed in memory (error counts, claims).
        source.refresh_from_db(fields=POLL_FIELDS)
        with transaction.atomic():
            return apply_poll_results([poll], now)[0]
    except DATABASE_UNAVAILABLE:
        raise
    except Source.DoesNotExist:  # removed while it was being polled: nothing to store
        return PollOutcome(source_id=source.pk, error="the source was removed")
    except Exception as exc:
        log.exception("source %s: what the poll brought could not be stored", source.pk)
        return _record_store_failure(source, exc, now)


def _record_store_failure(source: Source, exc: Exception, now: datetime) -> PollOutcome:
    """Give the source the failure as its error, release its claim and back it off."""
    try:
        source.refresh_from_db(fields=POLL_FIELDS)  # as it was before the attempt
    except Source.DoesNotExist:
        return PollOutcome(source_id=source.pk, error="the source was removed")
    source.last_polled_at, source.claimed_until = now, None
    _record_error(
        source,
        f"feed {source.url}: not stored: storing what it sent failed ({describe_failure(exc)}); "
        "nothing from this poll was kept and the other sources were not held back; "
        "will retry later",
        None,
        now,
    )
    Source.objects.filter(pk=source.pk).update(
        **{name: getattr(source, name) for name in STORE_FAILURE_FIELDS}
    )
    return PollOutcome(source_id=source.pk, error=source.last_error)


STORE_FAILURE_FIELDS = [
    "claimed_until",
    "last_polled_at",
    "error_count",
    "last_error",
    "last_error_at",
    "next_poll_at",
]


def describe_failure(exc: Exception, limit: int = 300) -> str:
    """'ExceptionName: what it said', on one line, printable and short enough to show."""
    detail = "".join(
        char if char.isprintable() else ascii(char)[1:-1] for char in " ".join(str(exc).split())
    )
    if len(detail) > limit:
        detail = detail[: limit - 1] + "…"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def apply_poll_results(
    polls: list[Poll],
    now: datetime | None = None,
) -> list[PollOutcome]:
    """Store a chunk of polls at once: their entries in one insert, their sources in one update.

    Each poll comes with read_result()'s answer, so that parsing (CPU) happens before
    the caller's transaction (store_polls), not inside it.
    """
    now = now or timezone.now()
    outcomes, with_entries = [], []
    for source, result, read in polls:
        outcome = _schedule_next(source, result, read, now)
        outcomes.append(outcome)
        if isinstance(read, ParsedFeed) and not outcome.error:
            with_entries.append((source, outcome, read))
    stored = store_entries_many([(source, read.entries) for source, _, read in with_entries], now)
    for source, outcome, _ in with_entries:
        outcome.new_entry_ids, outcome.updated_entry_ids = stored[source.pk]
        if outcome.new_entry_ids:
            source.last_new_entry_at = now
    save_poll_state([source for source, _, _ in polls])
    return outcomes


def save_poll_state(sources: list[Source]) -> None:
    """Write the polling columns of many sources with one prepared UPDATE.

    Most polls of a busy desk are 304s that change a few timestamps; one executemany
    is several times cheaper than Django's bulk_update (a CASE per column) or a save()
    per source, and it never touches columns a WebSub callback may be writing.
    """
    if not sources:
        return
    fields = [Source._meta.get_field(name) for name in POLL_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only model metadata is interpolated; every value is a query parameter.
    sql = f"UPDATE {quote(Source._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(source, field.attname), connection) for field in fields]
        + [source.pk]
        for source in sources
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _schedule_next(
    source: Source, result: FetchResult, read: ParsedFeed | FeedError | None, now: datetime
) -> PollOutcome:
    """Update a source's state from one poll (in memory; the caller saves it)."""
    outcome = PollOutcome(source_id=source.pk)
    source.last_polled_at = now
    source.claimed_until = None
    if result.permanent_redirect:
        _move_source(source, result.permanent_redirect)
    if result.error is not None or isinstance(read, FeedError):
        message = result.error.message if result.error is not None else str(read)
        _record_error(source, message, result.retry_after, now, gone=result.status == 410)
        outcome.error = source.last_error
        return outcome
    if read is not None:
        source.etag = _whole_or_nothing(result.etag, "etag")
        source.last_modified = _whole_or_nothing(result.last_modified, "last_modified")
        source.warnings = "\n".join(read.warnings)[:5000]
        if read.hub_url and not source.websub_hub:
            source.websub_hub = _whole_or_nothing(read.hub_url, "websub_hub")
        if read.title and not source.title:
            source.title = read.title[:300]
        source.poll_interval = learnt_interval(
            source, [e.published for e in read.entries if e.published]
        )
    interval = source.poll_interval_override or max(
        source.poll_interval, _server_minimum(result, read)
    )
    source.error_count = 0
    source.last_success_at = now
    source.next_poll_at = now + timedelta(seconds=interval)
    return outcome


def _record_error(
    source: Source, message: str, retry_after: int | None, now: datetime, gone: bool = False
) -> None:
    source.error_count += 1
    source.last_error = message
    source.last_error_at = now
    if gone:
        source.enabled = False
        source.disabled_reason = (
            f"The publisher says this address is gone for good (410). {message}"
        )[: Source._meta.get_field("disabled_reason").max_length]
    source.next_poll_at = now + timedelta(seconds=backoff_seconds(source.error_count, retry_after))


def _move_source(source: Source, new_url: str) -> None:
    """Follow a permanent redirect, unless another source already follows the new URL."""
    if not _whole_or_nothing(new_url, "url"):
        return
    if not Source.objects.filter(url=new_url).exclude(pk=source.pk).exists():
        source.url = new_url


def _whole_or_nothing(value: str | None, field_name: str) -> str:
    """value if it fits its column whole, else "": a cut ETag or address would be wrong.

    Publishers' headers have no length limit, but the columns do, and PostgreSQL refuses
    a value too long for one.
    """
    value = value or ""
    return value if len(value) <= Source._meta.get_field(field_name).max_length else ""


def store_entries(
    source: Source, entries: list[ParsedEntry], now: datetime
) -> tuple[list[int], list[int]]:
    """Insert one source's new entries and update changed ones; (new ids, updated ids)."""
    return store_entries_many([(source, entries)], now)[source.pk]


ENTRY_UPDATE_FIELDS = [
    "title",
    "summary",
    "content_html",
    "link",
    "author",
    "image",
    "content_hash",
    "state",
]


def store_entries_many(
    items: list[tuple[Source, list[ParsedEntry]]], now: datetime
) -> dict[int, tuple[list[int], list[int]]]:
    """Store the entries of several sources with a few queries; per source (new, updated) ids.

    Safe to run twice: the unique (source, key_hash) constraint makes a replay of an
    interrupted poll store nothing twice, and an unchanged entry is left alone.
    """
    rows: dict[tuple[int, str], Entry] = {}
    for source, entries in items:
        for parsed in entries:
            key = Entry.hash_key(parsed.identity_key())
            rows.setdefault((source.pk, key), _entry_row(source, key, parsed, now))
    stored = {source.pk: ([], []) for source, _ in items}
    if not rows:
        return stored
    source_ids = list(stored)
    existing = {
        (source_id, key): (pk, content)
        for source_id, key, pk, content in Entry.objects.filter(
            source_id__in=source_ids, key_hash__in=list({key for _, key in rows})
        ).values_list("source_id", "key_hash", "id", "content_hash")
    }
    fresh, changed = [], []
    for identity, row in rows.items():
        if identity not in existing:
            fresh.append(row)
        elif existing[identity][1] != row.content_hash:
            row.pk = existing[identity][0]
            changed.append(row)
    with transaction.atomic():
        Entry.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=500)
        if changed:
            Entry.objects.bulk_update(changed, ENTRY_UPDATE_FIELDS, batch_size=500)
    if fresh:
        fresh_keys = {(row.source_id, row.key_hash) for row in fresh}
        for source_id, key, pk in Entry.objects.filter(
            source_id__in=source_ids, key_hash__in=list({key for _, key in fresh_keys})
        ).values_list("source_id", "key_hash", "id"):
            if (source_id, key) in fresh_keys:
                stored[source_id][0].append(pk)
    for row in changed:
        stored[row.source_id][1].append(row.pk)
    metrics.count_entries(sum(len(new) for new, _ in stored.values()))
    return stored


def _entry_row(source: Source, key: str, parsed: ParsedEntry, now: datetime) -> Entry:
    return Entry(
        source=source,
        key_hash=key,
        guid=(parsed.guid or "")[:2000],
        link=(parsed.link or "")[:2000],
        title=parsed.title,
        summary=parsed.summary_text,
        content_html=parsed.content_html,
        author=(parsed.author or "")[:300],
        image=(parsed.image or "")[:2000],
        published_at=parsed.published or now,
        content_hash=parsed.content_hash(),
        state=Entry.State.NEW,
        fetched_at=now,
    )
