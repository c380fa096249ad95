"""Hand-offs between the steps, and recovery of work a killed worker left behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk import pipeline
from newsdesk.articles.models import Article
from newsdesk.sources.models import Entry, Publisher, Source
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
