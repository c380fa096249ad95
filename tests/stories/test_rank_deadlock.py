"""Re-ranking and a story refresh that lock the same stories in opposite orders.

PostgreSQL breaks such a deadlock by aborting one side: here the re-ranking, since it
waits first. Before, that error ended the scheduler; now the batch is tried again."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F

from newsdesk.stories.models import Story
from newsdesk.stories.rank import rescore, rescore_recent

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_re_ranking_survives_a_deadlock_with_a_story_refresh():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: two sessions cannot deadlock")
    first = Story.objects.create(title="Ferry returns", last_updated_at=NOW, score=0.0)
    second = Story.objects.create(title="Bridge opens", last_updated_at=NOW, score=0.0)
    holding_second = threading.Event()
    outcome = []

    def refresh_in_the_other_order():
        try:
            with transaction.atomic():
                Story.objects.filter(pk=second.pk).update(title=F("title"))
                holding_second.set()
                time.sleep(0.5)  # the re-ranking now holds `first` and waits for `second`
                Story.objects.filter(pk=first.pk).update(title=F("title"))
            outcome.append("committed")
        except OperationalError:
            outcome.append("aborted")
        finally:
            connections.close_all()

    other = threading.Thread(target=refresh_in_the_other_order)
    other.start()
    assert holding_second.wait(10)
    rescore([second, first], NOW)
    other.join(20)

    assert outcome == ["committed"]  # the re-ranking gave way, then saved its scores
    scores = dict(Story.objects.values_list("pk", "score"))
    assert scores[first.pk] > 0 and scores[second.pk] > 0


@pytest.mark.django_db(transaction=True)
def test_the_periodic_re_ranking_never_waits_for_a_story_being_refreshed():
    """The scheduler's run skips a story another transaction holds, saves the others, and
    rescores the skipped one the next time; it never waits, so it is in no deadlock."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: no row is locked by another session")
    free = Story.objects.create(title="Ferry returns", last_updated_at=NOW, score=0.0)
    held = Story.objects.create(title="Bridge opens", last_updated_at=NOW, score=0.0)
    holding, release = threading.Event(), threading.Event()

    def refresh_holding_one_story():
        try:
            with transaction.atomic():
                Story.objects.filter(pk=held.pk).update(title=F("title"))
                holding.set()
                release.wait(20)
        finally:
            connections.close_all()

    other = threading.Thread(target=refresh_holding_one_story)
    other.start()
    try:
        assert holding.wait(10)
        assert rescore_recent(NOW) == 2
        scores = dict(Story.objects.values_list("pk", "score"))
        # had the run waited for the lock, it would have saved both once the refresh ended
        assert scores[free.pk] > 0 and scores[held.pk] == 0.0
    finally:
        release.set()
        other.join(20)
    rescore_recent(NOW)
    assert Story.objects.get(pk=held.pk).score > 0
