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
from newsdesk.stories.rank import rescore

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
