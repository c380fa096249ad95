"""Hand-offs between the steps, and recovery of work a killed worker left behind."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from multidict import CIMultiDict, CIMultiDictProxy

from newsdesk import pipeline
from newsdesk.articles.models import Article
from newsdesk.sources.fetch import FetchResult
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.polling import apply_poll_result
from newsdesk.stories.models import StoryArticle


@pytest.fixture
def feed_only_source(db):
    publisher = Publisher.objects.create(
        name="Harbour Herald", slug="herald", domain="herald.example"
    )
    return Source.objects.create(
        url="https://herald.example/rss", publisher=publisher, fetch_pages=False
    )


def entry(source, n, minutes_ago):
    return Entry.objects.create(
        source=source,
        key_hash=Entry.hash_key(f"guid:{n}"),
        link=f"https://herald.example/{n}",
        title=f"Ferry strike day {n}: crossings cancelled",
        summary=f"Crossings on day {n} were "
        "cancelled after crews walked out over rosters. Talks resume on Monday.",
        published_at=timezone.now(),
        fetched_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_entries_a_dead_worker_left_waiting_are_handed_on_again(feed_only_source, settings):
    settings.NEWSDESK_STALLED_SECONDS = 600
    stalled, fresh = entry(feed_only_source, 1, 30), entry(feed_only_source, 2, 1)
    entries, _ = pipeline.resume_stalled_work()
    assert entries == 1
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert stalled.state == Entry.State.DONE and fresh.state == Entry.State.NEW
    article = Article.objects.get(entries=stalled)
    assert StoryArticle.objects.filter(article=article).exists()  # and on into a story


def test_articles_left_without_a_story_are_clustered_again(feed_only_source, settings):
    settings.NEWSDESK_STALLED_SECONDS = 600
    pipeline.store_feed_articles([entry(feed_only_source, 1, 30).pk])
    StoryArticle.objects.all().delete()  # as if the clustering task had died
    Article.objects.update(extracted_at=timezone.now() - timedelta(hours=1))
    _, articles = pipeline.resume_stalled_work()
    assert articles == 1 and StoryArticle.objects.count() == 1


def test_a_second_hand_on_stores_nothing_twice(feed_only_source):
    e = entry(feed_only_source, 1, 0)
    pipeline.hand_on([e.pk], fetch_pages=False)
    pipeline.hand_on([e.pk], fetch_pages=False)
    assert Article.objects.count() == 1 and StoryArticle.objects.count() == 1


JAVASCRIPT_LINKS = json.dumps({
    "version": "https://jsonfeed.org/version/1.1",
    "items": [
        {"id": f"trap-{n}", "url": url, "title": f"Click me {n}",
         "content_text": "Nothing behind this link is a page."}
        for n, url in enumerate(
            ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>hi</b>"]
        )
    ],
}).encode()


@pytest.mark.parametrize("fetch_pages", [True, False], ids=["pages", "feed only"])
def test_entries_whose_only_link_was_refused_end_failed_with_the_reason(
    feed_only_source, settings, fetch_pages
):
    settings.NEWSDESK_STALLED_SECONDS = 600
    feed_only_source.fetch_pages = fetch_pages
    feed_only_source.save()
    fetched = FetchResult(
        requested_url=feed_only_source.url, final_url=feed_only_source.url, status=200,
        headers=CIMultiDictProxy(CIMultiDict({"Content-Type": "application/feed+json"})),
        body=JAVASCRIPT_LINKS,
    )
    outcome = apply_poll_result(feed_only_source, fetched)
    assert len(outcome.new_entry_ids) == 3

    pipeline.hand_on(outcome.new_entry_ids, fetch_pages=fetch_pages)

    for stored in Entry.objects.filter(source=feed_only_source):
        assert stored.link == ""
        assert stored.state == Entry.State.FAILED
        assert stored.error == pipeline.NO_LINK
    assert not Article.objects.exists()  # no article at the address ""
    Entry.objects.update(fetched_at=timezone.now() - timedelta(hours=1))
    assert pipeline.resume_stalled_work() == (0, 0), "queued again by the recovery"


def test_a_page_the_guarded_client_refuses_ends_its_entry_with_the_refusal(
    feed_only_source, settings
):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = []
    feed_only_source.fetch_pages = True
    feed_only_source.save()
    refused = entry(feed_only_source, 1, 0)
    Entry.objects.filter(pk=refused.pk).update(link="http://10.0.0.1/ferry-strike")

    pipeline.extract_now([refused.pk])

    refused.refresh_from_db()
    assert refused.state == Entry.State.FAILED
    assert "refused to connect to 10.0.0.1" in refused.error


def test_task_rows_a_killed_worker_left_running_are_closed_as_failed(
    feed_only_source, settings
):
    settings.NEWSDESK_STALLED_SECONDS = 600
    now = timezone.now()

    def task_row(status, started_minutes_ago):
        return DBTaskResult.objects.create(
            task_path="newsdesk.pipeline.extract_entries",
            args_kwargs={"args": [[1, 2]], "kwargs": {}},
            backend_name="default",
            queue_name="default",
            run_after=now,
            status=status,
            started_at=now - timedelta(minutes=started_minutes_ago),
        )

    lost, busy, waiting = task_row("RUNNING", 30), task_row("RUNNING", 2), task_row("READY", 30)

    pipeline.resume_stalled_work(now)

    for row in (lost, busy, waiting):
        row.refresh_from_db()
    assert lost.status == "FAILED" and lost.finished_at == now
    assert "WorkerLost" in lost.traceback and lost.exception_class_path.endswith("WorkerLost")
    assert busy.status == "RUNNING" and waiting.status == "READY"
