"""Retention: what a running desk stops keeping, and when it is pruned.

- article_text, daily: the full text of articles stored more than NEWSDESK_RETAIN_TEXT_DAYS
  ago becomes their excerpt (headline, excerpt, link, story kept), their entries' feed
  content goes, and so do the engine's terms prepared from it;
- finished_tasks, hourly: task rows that succeeded more than NEWSDESK_RETAIN_TASKS_DAYS ago
  or failed more than NEWSDESK_RETAIN_FAILED_TASKS_DAYS ago;
- expired_cache, hourly: rows of the database cache whose time is up (Redis expires its own);
- sessions, daily: expired admin sessions;
- deliveries, daily: deliveries that are done and older than
  NEWSDESK_RETAIN_DELIVERIES_DAYS;
- mail_logs, daily: bounce and complaint records and outbox messages older than
  NEWSDESK_RETAIN_LOGS_DAYS.

The scheduler claims due jobs (HousekeepingJob rows: the schedule is state in the
database, like every other schedule) and queues one task per run; the task prunes in
short batches.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.db import IntegrityError, connection, transaction
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsdesk.articles.retention import prune_article_text
from newsdesk.core.pruning import BATCH, delete_in_batches
from newsdesk.newsletter.retention import prune_deliveries, prune_mail_logs
from newsdesk.operations.models import HousekeepingJob
from newsdesk.stories.retention import drop_preparations

log = logging.getLogger(__name__)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def days(setting: str) -> timedelta:
    return timedelta(days=getattr(settings, setting))


def prune_text(now: datetime) -> int:
    before = now - days("NEWSDESK_RETAIN_TEXT_DAYS")
    drop_preparations(before)
    return prune_article_text(before)


def prune_finished_tasks(now: datetime) -> int:
    """Task rows of the database queue that finished long enough ago."""
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return 0
    rows = DBTaskResult.objects.filter(backend_name=backend.alias)
    succeeded = rows.filter(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - days("NEWSDESK_RETAIN_TASKS_DAYS"),
    )
    failed = rows.filter(
        status=TaskResultStatus.FAILED,
        finished_at__lt=now - days("NEWSDESK_RETAIN_FAILED_TASKS_DAYS"),
    )
    return delete_in_batches(succeeded) + delete_in_batches(failed)


def prune_expired_cache(now: datetime) -> int:
    """Expired rows of every database cache (Redis expires its own keys)."""
    backend = f"{DatabaseCache.__module__}.{DatabaseCache.__name__}"
    tables = {c["LOCATION"] for c in settings.CACHES.values() if c["BACKEND"] == backend}
    return sum(_delete_expired_rows(table, now) for table in sorted(tables))


def _delete_expired_rows(table: str, now: datetime) -> int:
    quoted = connection.ops.quote_name(table)
    # Only the table name (from settings) is interpolated; the time is a parameter.
    sql = (
        f"DELETE FROM {quoted} WHERE cache_key IN "  # noqa: S608
        f"(SELECT cache_key FROM {quoted} WHERE expires < %s LIMIT {BATCH})"
    )
    removed = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now)])
            count = cursor.rowcount
        removed += count
        if count < BATCH:
            return removed


def prune_sessions(now: datetime) -> int:
    return delete_in_batches(Session.objects.filter(expire_date__lt=now))


def prune_old_deliveries(now: datetime) -> int:
    return prune_deliveries(now - days("NEWSDESK_RETAIN_DELIVERIES_DAYS"))


def prune_old_mail_logs(now: datetime) -> int:
    return prune_mail_logs(now - days("NEWSDESK_RETAIN_LOGS_DAYS"))


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    prune: Callable[[datetime], int]


JOBS = {
    job.name: job
    for job in (
        Job("article_text", DAY, prune_text),
        Job("finished_tasks", HOUR, prune_finished_tasks),
        Job("expired_cache", HOUR, prune_expired_cache),
        Job("sessions", DAY, prune_sessions),
        Job("deliveries", DAY, prune_old_deliveries),
        Job("mail_logs", DAY, prune_old_mail_logs),
    )
}


def claim_due_jobs(now: datetime | None = None) -> list[str]:
    """The jobs due at `now`, each claimed for one run (their next run moved on).

    One query in a round where nothing is due, which is nearly every round.
    """
    now = now or timezone.now()
    scheduled = dict(HousekeepingJob.objects.values_list("name", "next_run_at"))
    for name in JOBS.keys() - scheduled.keys():
        scheduled[name] = _create_job(name, now)
    claimed = []
    for name, next_run_at in scheduled.items():
        if name not in JOBS or next_run_at > now:
            continue
        won = HousekeepingJob.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + JOBS[name].every, last_started_at=now
        )
        if won:
            claimed.append(name)
    return sorted(claimed)


def _create_job(name: str, now: datetime) -> datetime:
    try:
        with transaction.atomic():
            HousekeepingJob.objects.create(name=name, next_run_at=now)
    except IntegrityError:
        pass  # another scheduler created it first; the claim below settles who runs it
    return now


def run_job(name: str, now: datetime | None = None) -> int:
    """Run one retention job now; returns how many rows it removed or reduced."""
    now = now or timezone.now()
    removed = JOBS[name].prune(now)
    HousekeepingJob.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_removed=removed
    )
    log.info("retention: %s pruned %d rows", name, removed)
    return removed
