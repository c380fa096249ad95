"""The flow, top to bottom: poll -> extract -> cluster -> notify.

Each step is a task run by a worker (django.tasks; the queue lives in the database
by default). Each step can fail, be retried and be run again without harm: unique
keys make a second run a no-op (an entry by source and key, an article by canonical
URL, a story membership by article, a delivery by subscriber and edition). The
rooms never call each other downstream; the hand-offs live here.

Extraction (trafilatura and its helpers, about 45 MB resident) is imported by the
workers that extract, when they first do: the web server and the scheduler import this
module too, and never extract.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.store import entry_done, store_article
from newsdesk.core import metrics
from newsdesk.core.words import count
from newsdesk.lost_tasks import fail_lost_tasks
from newsdesk.operations.retention import claim_due_jobs, run_job
from newsdesk.sources.entries import FeedError
from newsdesk.sources.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_many
from newsdesk.sources.fetch.stream import fetch_stream
from newsdesk.sources.models import Entry, Source
from newsdesk.sources.naming import note_declared_name
from newsdesk.sources.polling import (
    PollOutcome,
    claim_due_sources,
    fetch_request_for,
    read_result,
    store_polls,
)
from newsdesk.sources.websub import renew_websub_leases
from newsdesk.stories.assign import assign_articles, prepare_articles, settle_stories
from newsdesk.stories.rank import rescore_recent

log = logging.getLogger(__name__)
EXTRACT_BATCH = 32
FEED_ARTICLE_BATCH = 200
POLL_WRITE_CHUNK = 50
STALLED_BATCH = 2000
POLL_PRIORITY = 10
SETTLE_EVERY_SECONDS = 60  # fold quiet story fragments at least this often (see stories.assign)


# --- 1. poll ---------------------------------------------------------------------------------


def poll_now(source_ids: list[int]) -> list[PollOutcome]:
    """Fetch and store a batch of sources; hand new entries on. Returns the outcomes.

    Results are written in chunks while the rest of the batch is still being
    fetched; each chunk is parsed first, then stored in one transaction (source by
    source if one of them cannot be stored: see sources.polling.store_polls).
    """
    sources = list(Source.objects.filter(pk__in=source_ids).select_related("publisher"))
    requests = [fetch_request_for(s) for s in sources]
    outcomes: list[PollOutcome] = []
    pending: list[tuple[Source, FetchResult]] = []
    for index, result in fetch_stream(requests, FetchPolicy.from_settings()):
        pending.append((sources[index], result))
        if len(pending) >= POLL_WRITE_CHUNK:
            outcomes += _store_polls(pending)
            pending = []
    outcomes += _store_polls(pending)
    return outcomes


def _store_polls(polls: list[tuple[Source, FetchResult]]) -> list[PollOutcome]:
    if not polls:
        return []
    reads = [read_result(source, result) for source, result in polls]
    outcomes = store_polls(
        [(source, result, read) for (source, result), read in zip(polls, reads, strict=True)]
    )
    for (_, result), read in zip(polls, reads, strict=True):
        error_kind = result.error.code if result.error else isinstance(read, FeedError) and "feed"
        metrics.count_poll(error_kind or None, result.not_modified)
    to_extract, feed_only = [], []
    for (source, _), outcome in zip(polls, outcomes, strict=True):
        changed = outcome.new_entry_ids + outcome.updated_entry_ids
        (to_extract if source.fetch_pages else feed_only).extend(changed)
    hand_on(to_extract, fetch_pages=True)
    hand_on(feed_only, fetch_pages=False)
    return outcomes


def hand_on(entry_ids: list[int], fetch_pages: bool) -> None:
    """Queue stored entries for the next step: their pages, or the feed's own content.

    Polls and WebSub pushes both end here.
    """
    step, size = (
        (extract_entries, EXTRACT_BATCH)
        if fetch_pages
        else (store_feed_entries, FEED_ARTICLE_BATCH)
    )
    for start in range(0, len(entry_ids), size):
        step.enqueue(entry_ids[start : start + size])


@task(queue_name="default")
def poll_sources(source_ids: list[int]) -> int:
    """One poll round's batch, summed up in one line at INFO (each source at DEBUG)."""
    outcomes = poll_now(source_ids)
    new = sum(len(outcome.new_entry_ids) for outcome in outcomes)
    failed = sum(1 for outcome in outcomes if outcome.error)
    log.info("polled %s: %s, %d failed", count(len(outcomes), "source"),
             count(new, "new entry", "new entries"), failed)
    for outcome in outcomes:
        log.debug("source %s: %s", outcome.source_id,
                  outcome.error or count(len(outcome.new_entry_ids), "new entry", "new entries"))
    return len(outcomes)


# --- 2. extract ------------------------------------------------------------------------------


def extract_now(entry_ids: list[int]) -> list[int]:
    """Fetch each entry's page through the guarded client, extract it, store the article."""
    from newsdesk.articles.extract import FeedHint, extract

    entries = with_links(Entry.objects.filter(pk__in=entry_ids).select_related("source__publisher"))
    requests = [
        FetchRequest(
            url=e.link,
            kind="page",
            cookie=e.source.cookie or None,
            user_agent=e.source.user_agent or None,
        )
        for e in entries
    ]
    results = fetch_many(requests, FetchPolicy.from_settings())
    article_ids = []
    for entry, result in zip(entries, results, strict=True):
        hint = FeedHint(
            title=entry.title,
            summary=entry.summary,
            published=entry.published_at,
            author=entry.author or None,
            link=entry.link,
        )
        if result.error is not None or not result.body:
            reason = result.error.message if result.error else f"page {entry.link}: empty page"
            log.debug("entry %s: page not used: %s", entry.pk, reason)
            article = store_and_hand_off(entry, status=Article.Status.FAILED, error=reason)
        else:
            extraction = extract(
                result.body, result.final_url, headers=result.headers, feed_hint=hint
            )
            article = store_and_hand_off(entry, extraction)
        article_ids.append(article.pk)
    hand_to_clustering(article_ids)
    return article_ids


def store_and_hand_off(entry: Entry, extraction=None, status: str | None = None,
                       error: str = "") -> Article:
    """Store the article (articles.store), then the hand-offs upstream: the name the page
    declares for its publisher is noted (sources.naming, which renames only on repeated
    evidence), and the entry is marked done or failed, in one transaction with the
    article."""
    with transaction.atomic():
        article = store_article(entry, extraction, status)
        Entry.objects.filter(pk=entry.pk).update(
            state=Entry.State.DONE if entry_done(article.status) else Entry.State.FAILED,
            error=error,
        )
    if extraction is not None and extraction.publisher:
        note_declared_name(entry.source.publisher, extraction.publisher, article.url)
    return article


@task(queue_name="default")
def extract_entries(entry_ids: list[int]) -> int:
    return len(extract_now(entry_ids))


@task(queue_name="default")
def store_feed_entries(entry_ids: list[int]) -> int:
    return len(store_feed_articles(entry_ids))


def store_feed_articles(entry_ids: list[int]) -> list[int]:
    """Articles from the feed's own content, for sources whose pages we must not fetch."""
    entries = with_links(Entry.objects.filter(pk__in=entry_ids).select_related("source__publisher"))
    article_ids = [
        store_and_hand_off(entry, status=Article.Status.FEED_ONLY).pk for entry in entries
    ]
    hand_to_clustering(article_ids)
    return article_ids


NO_LINK = (
    "no page to fetch or link to: the feed gives this entry no http(s) link "
    "(javascript:, file: and data: links are refused when the feed is read)"
)


def with_links(entries) -> list[Entry]:
    """The entries that have a link. The others end here, failed with the reason: with no
    page and no address for "Read more" there is no article, and left new they would be
    queued again by every recovery round."""
    entries = list(entries)
    linkless = [entry.pk for entry in entries if not entry.link]
    if linkless:
        Entry.objects.filter(pk__in=linkless).update(state=Entry.State.FAILED, error=NO_LINK)
    return [entry for entry in entries if entry.link]


def hand_to_clustering(article_ids: list[int]) -> None:
    """Prepare new articles for the story engine here, where work runs in parallel, then
    queue them for the one clustering consumer (see stories.prepare)."""
    if article_ids:
        prepare_articles(article_ids)
        cluster_articles.enqueue(article_ids)


# --- 3. cluster ------------------------------------------------------------------------------


@task(queue_name="clustering")
def cluster_articles(article_ids: list[int]) -> list[int]:
    """Put new articles into stories (one consumer at a time; see stories.assign)."""
    return assign_articles(article_ids)


@task(queue_name="clustering")
def settle_story_fragments() -> list[int]:
    """Fold small stories that went quiet into the story each belongs to (stories.assign)."""
    return settle_stories()


# --- 4. notify -------------------------------------------------------------------------------


@task(queue_name="mail")
def send_digests() -> int:
    """Alerts about stories that clustering has grown past the breaking-story size since
    the last run, then the digests that are due; one run a minute (schedule_due_work,
    NEWSDESK_DIGEST_RUN_SECONDS)."""
    from newsdesk.newsletter.digest import send_due_digests

    return send_due_digests()


# --- WebSub ---------------------------------------------------------------------------------


@task(queue_name="default")
def renew_websub() -> int:
    """Subscribe to hubs, and renew leases before they end (a task: hubs can be slow)."""
    return renew_websub_leases()


# --- recovery --------------------------------------------------------------------------------


def resume_stalled_work(now=None) -> tuple[int, int]:
    """Hand on what a killed worker stored but never passed to the next step.

    An entry still waiting for extraction, or an article still without a story, some
    minutes after it was stored, lost its task (the worker died between the commit and
    the enqueue, or while running it). Both steps are idempotent, so queueing them
    again is safe even if the first task is still alive. Task rows such a worker left
    marked as running are closed as failed (newsdesk.lost_tasks).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NEWSDESK_STALLED_SECONDS)
    stalled = Entry.objects.filter(state=Entry.State.NEW, fetched_at__lt=cutoff).order_by(
        "fetched_at"
    )
    entries = 0
    for fetch_pages in (True, False):
        ids = list(
            stalled.filter(source__fetch_pages=fetch_pages).values_list("pk", flat=True)[
                :STALLED_BATCH
            ]
        )
        hand_on(ids, fetch_pages)
        entries += len(ids)
    orphans = list(
        Article.objects.filter(membership__isnull=True, extracted_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:STALLED_BATCH]
    )
    if orphans:  # prepared when they were stored (else the consumer prepares them)
        cluster_articles.enqueue(orphans)
    if lost := fail_lost_tasks(started_before=cutoff, now=now):
        log.warning("%d tasks left running by stopped workers marked failed", lost)
    return entries, len(orphans)


# --- housekeeping ------------------------------------------------------------------------------


@task(queue_name="default")
def prune_expired(job_name: str) -> int:
    """One run of a retention job (operations.retention), claimed by a scheduler."""
    return run_job(job_name)


# --- the scheduler's round -------------------------------------------------------------------


def schedule_due_work(now=None) -> int:
    """Enqueue polls of due sources, plus periodic re-ranking, story settling, the digest
    run, WebSub renewals, recovery of stalled work and retention.

    Called every few seconds by `newsdesk scheduler`; all state is in the database,
    so running it twice or on two machines enqueues nothing twice.
    """
    now = now or timezone.now()
    ids = claim_due_sources(now)
    batch = settings.NEWSDESK_POLL_BATCH
    for start in range(0, len(ids), batch):
        # Polls go before queued extraction and clustering: they are cheap and late
        # polls mean late news.
        poll_sources.using(priority=POLL_PRIORITY).enqueue(ids[start : start + batch])
    if cache.add("newsdesk:rescore", 1, timeout=60):
        rescore_recent(now)
    if cache.add("newsdesk:settle", 1, timeout=SETTLE_EVERY_SECONDS):
        settle_story_fragments.enqueue()
    if cache.add("newsdesk:digests", 1, timeout=settings.NEWSDESK_DIGEST_RUN_SECONDS):
        send_digests.enqueue()
    if cache.add("newsdesk:websub", 1, timeout=60):
        renew_websub.enqueue()
    if cache.add("newsdesk:stalled", 1, timeout=settings.NEWSDESK_STALLED_SECONDS):
        resume_stalled_work(now)
    for job_name in claim_due_jobs(now):
        prune_expired.enqueue(job_name)
    return len(ids)
