"""Retention: old article text, finished task rows, expired cache rows, sessions, the
delivery log and the mail logs are pruned on their schedules, and nothing else is."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsdesk import pipeline
from newsdesk.articles.models import Article
from newsdesk.newsletter.models import (
    Delivery,
    Edition,
    MailEvent,
    OutboxMessage,
    Subscriber,
)
from newsdesk.operations.models import HousekeepingJob
from newsdesk.operations.retention import JOBS, claim_due_jobs, run_job
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.stories.assign import prepare_articles
from newsdesk.stories.models import PreparedArticle, Story, StoryArticle
from newsdesk.web.search import search_stories

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def article(age: timedelta, title: str, text: str, excerpt: str) -> Article:
    """An article stored `age` ago, with its entry, its prepared terms and its story."""
    publisher, _ = Publisher.objects.get_or_create(
        slug="harbour", defaults={"name": "Harbour Herald", "domain": "harbour.example"}
    )
    source, _ = Source.objects.get_or_create(
        url="https://harbour.example/feed", defaults={"publisher": publisher}
    )
    stored = timezone.now() - age
    url = f"https://harbour.example/{Article.objects.count()}"
    entry = Entry.objects.create(
        source=source, key_hash=Entry.hash_key(url), link=url, title=title,
        summary=excerpt, content_html=f"<p>{text}</p>", published_at=stored, fetched_at=stored,
    )
    made = Article.objects.create(
        url=url, url_hash=Article.hash_url(url), source=source, publisher=publisher,
        title=title, text=text, excerpt=excerpt, links=["https://elsewhere.example/"],
        published_at=stored, created_at=stored, extracted_at=stored,
    )
    made.entries.add(entry)
    prepare_articles([made.pk])
    story = Story.objects.create(title=title, excerpt=excerpt, headline_article=made,
                                 article_count=1, publisher_count=1)
    StoryArticle.objects.create(article=made, story=story)
    return made


def test_old_article_text_is_reduced_to_the_excerpt_and_search_finds_it_by_headline(frozen,
                                                                                   settings):
    settings.NEWSDESK_RETAIN_TEXT_DAYS = 30
    old = article(31 * DAY, "Harbour ferry timetable changes",
                  "The lighthouse keeper said the ferry timetable will change in spring.",
                  "The ferry timetable will change.")
    young = article(29 * DAY, "Council approves the budget",
                    "The lighthouse budget was approved after a long debate.",
                    "The budget was approved.")
    assert {story.story.title for story in search_stories("lighthouse").hits} == {
        old.title, young.title}

    assert run_job("article_text") == 1
    old.refresh_from_db()
    assert old.text == old.excerpt == "The ferry timetable will change."
    assert old.links == [] and old.title == "Harbour ferry timetable changes"
    assert old.url and StoryArticle.objects.filter(article=old).exists()
    assert not PreparedArticle.objects.filter(article=old).exists()
    assert Entry.objects.get(articles=old).content_html == ""
    young.refresh_from_db()
    assert young.text.startswith("The lighthouse budget")
    assert PreparedArticle.objects.filter(article=young).exists()
    assert Entry.objects.get(articles=young).content_html

    # Search covers an old article's headline and excerpt, no longer its full text.
    assert [hit.story.title for hit in search_stories("lighthouse").hits] == [young.title]
    assert [hit.story.title for hit in search_stories("timetable").hits] == [old.title]
    assert [hit.story.title for hit in search_stories("harbour").hits] == [old.title]
    assert run_job("article_text") == 0  # nothing left to prune: a second run changes nothing


def task_row(status, finished_ago: timedelta | None, queue="default") -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="newsdesk.pipeline.x",
        queue_name=queue, backend_name="default", run_after=now,
        finished_at=now - finished_ago if finished_ago is not None else None,
    )


def test_finished_task_rows_go_after_their_days_and_waiting_ones_stay(frozen, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    settings.NEWSDESK_RETAIN_TASKS_DAYS = 1
    settings.NEWSDESK_RETAIN_FAILED_TASKS_DAYS = 7
    kept = [
        task_row(TaskResultStatus.SUCCESSFUL, timedelta(hours=20)),
        task_row(TaskResultStatus.FAILED, 6 * DAY),
        task_row(TaskResultStatus.READY, None),
        task_row(TaskResultStatus.RUNNING, None),
    ]
    task_row(TaskResultStatus.SUCCESSFUL, timedelta(hours=25))
    task_row(TaskResultStatus.FAILED, 8 * DAY)
    DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).update(
        enqueued_at=timezone.now() - 30 * DAY)
    assert run_job("finished_tasks") == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {row.pk for row in kept}


def test_expired_cache_rows_are_deleted_and_live_ones_kept(frozen):
    cache.set("retention:short", "x", timeout=60)
    cache.set("retention:long", "y", timeout=3600)
    frozen.shift(120)
    assert run_job("expired_cache") >= 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM newsdesk_cache")
        keys = {row[0] for row in cursor.fetchall()}
    assert not any(key.endswith("retention:short") for key in keys)
    assert cache.get("retention:long") == "y"


def test_old_deliveries_that_are_done_and_old_mail_logs_go(frozen, settings):
    settings.NEWSDESK_RETAIN_DELIVERIES_DAYS = 14
    settings.NEWSDESK_RETAIN_LOGS_DAYS = 30
    reader = Subscriber.objects.create(email="r@example.org", state=Subscriber.State.CONFIRMED)
    now = timezone.now()
    # an edition where nobody had anything new stays "building": its skipped rows go too
    quiet = Edition.objects.create(frequency="daily", slot=now - 20 * DAY)
    sent = Edition.objects.create(frequency="daily", slot=now - 19 * DAY,
                                  state=Edition.State.FINISHED)
    stuck = Edition.objects.create(frequency="weekly", slot=now - 20 * DAY,
                                   state=Edition.State.SENDING)
    recent = Edition.objects.create(frequency="daily", slot=now - DAY,
                                    state=Edition.State.FINISHED)

    def delivery(edition, state, age):
        return Delivery.objects.create(subscriber=reader, edition=edition, state=state,
                                       created_at=now - age, message_id=f"<{edition.pk}@x>")

    delivery(quiet, "skipped", 20 * DAY)
    gone = delivery(sent, "sent", 19 * DAY)
    waiting = delivery(stuck, "queued", 20 * DAY)
    kept = delivery(recent, "sent", DAY)
    MailEvent.objects.create(kind="soft_bounce", recipient=reader.email, delivery=gone,
                             source="dsn", received_at=now - 31 * DAY)
    kept_event = MailEvent.objects.create(kind="complaint", recipient=reader.email,
                                          source="arf", received_at=now - 10 * DAY)
    OutboxMessage.objects.create(to="r@example.org", from_email="d@example.org", subject="old",
                                 created_at=now - 31 * DAY)
    assert run_job("deliveries") == 2
    assert run_job("mail_logs") == 2
    assert set(Delivery.objects.values_list("pk", flat=True)) == {waiting.pk, kept.pk}
    assert list(MailEvent.objects.values_list("pk", flat=True)) == [kept_event.pk]
    assert not OutboxMessage.objects.exists()
    assert Edition.objects.count() == 4  # slots stay: they keep a digest from going out twice


def test_jobs_are_claimed_once_per_period_by_one_scheduler(frozen):
    assert claim_due_jobs() == sorted(JOBS)
    assert claim_due_jobs() == []  # a second scheduler at the same moment gets nothing
    frozen.shift(timedelta(hours=1))
    assert claim_due_jobs() == ["expired_cache", "finished_tasks"]
    frozen.shift(timedelta(hours=23))
    assert claim_due_jobs() == sorted(JOBS)


def test_the_scheduler_runs_the_jobs_and_records_when(frozen):
    pipeline.schedule_due_work()  # tasks run inline in the tests
    jobs = HousekeepingJob.objects.all()
    assert {job.name for job in jobs} == set(JOBS)
    assert all(job.last_finished_at == timezone.now() for job in jobs)
    assert {job.name: job.next_run_at - timezone.now() for job in jobs} == {
        name: job.every for name, job in JOBS.items()}


@pytest.mark.parametrize(("variable", "days", "message"), [
    ("NEWSDESK_RETAIN_TEXT_DAYS", "2", "the text must be kept longer than the story window"),
    ("NEWSDESK_RETAIN_DELIVERIES_DAYS", "7", "deliveries must be kept longer than a week"),
])
def test_retention_too_short_for_the_desk_is_refused_in_words(variable, days, message):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, variable: days}, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert f"{variable}={days}: {message}" in done.stderr
