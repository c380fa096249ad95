"""The front page's order: a documented score per story.

score = (1 + 2·ln(1 + publishers) + 0.5·articles in the last 6 hours)
        × 0.5 ^ (hours since the story was last updated / 12)

More distinct publishers lift a story (coverage breadth, logarithmic so a dozen
copies of a wire story cannot bury everything else), velocity lifts a developing
story, and the half-life of 12 hours lets yesterday's news sink. Editors pin and
hide stories in the admin; pinned stories come first whatever their score.
"""

import math
import time
from datetime import datetime, timedelta

from django.db import OperationalError, transaction
from django.utils import timezone

from newsdesk.stories.models import Story, StoryArticle

HALF_LIFE_HOURS = 12.0
VELOCITY_HOURS = 6
# Scores are saved this many stories at a time, each batch in its own transaction.
RESCORE_BATCH = 200
RESCORE_ATTEMPTS = 4
# SQLSTATEs of a transaction PostgreSQL aborted to break a lock conflict (a deadlock, or
# a serialisation failure): trying the same statement again is the documented answer.
LOCK_CONFLICTS = frozenset({"40P01", "40001"})


def story_score(
    publishers: int, recent_articles: int, last_updated: datetime, now: datetime
) -> float:
    age_hours = max(0.0, (now - last_updated).total_seconds() / 3600)
    strength = 1 + 2 * math.log1p(publishers) + 0.5 * recent_articles
    return strength * 0.5 ** (age_hours / HALF_LIFE_HOURS)


def rescore(
    stories: list[Story], now: datetime | None = None, *, skip_locked: bool = False
) -> None:
    """Recompute and save the score of each story (scores decay, so this is periodic).

    The scheduler re-ranks every recent story each minute while the clustering consumer
    refreshes stories in its own transactions. One UPDATE of thousands of rows would hold
    their locks together and deadlock with such a refresh (PostgreSQL then aborts one of
    the two, and the scheduler died of it). So scores are saved in id order, in batches
    of RESCORE_BATCH each in its own transaction, and a batch that loses a deadlock is
    tried again: the refresh it collided with has finished by then.

    With ``skip_locked`` (the scheduler's periodic re-ranking) a batch does not wait at all:
    it locks the stories no other transaction holds (``SELECT ... FOR UPDATE SKIP
    LOCKED``) and saves only those. A story the clustering consumer is refreshing keeps
    its score until the next minute's run (the refresh rescores it anyway). A waiting
    re-ranking could still win a deadlock against the consumer, whose whole batch would
    then be undone and its story index rebuilt; one that never waits is in no cycle."""
    now = now or timezone.now()
    since = now - timedelta(hours=VELOCITY_HOURS)
    for story in stories:
        recent = StoryArticle.objects.filter(story=story, added_at__gte=since).count()
        story.score = story_score(story.publisher_count, recent, story.last_updated_at, now)
    ordered = sorted(stories, key=lambda story: story.pk)
    for start in range(0, len(ordered), RESCORE_BATCH):
        _save_scores(ordered[start : start + RESCORE_BATCH], skip_locked)


def _save_scores(batch: list[Story], skip_locked: bool = False) -> None:
    for attempt in range(1, RESCORE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                if skip_locked:
                    free = set(
                        Story.objects.select_for_update(skip_locked=True)
                        .filter(pk__in=[story.pk for story in batch])
                        .order_by("pk")
                        .values_list("pk", flat=True)
                    )
                    batch = [story for story in batch if story.pk in free]
                Story.objects.bulk_update(batch, ["score"])
            return
        except OperationalError as error:
            if attempt == RESCORE_ATTEMPTS or not _lost_a_lock_conflict(error):
                raise
            time.sleep(0.05 * attempt)


def _lost_a_lock_conflict(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in LOCK_CONFLICTS


def rescore_recent(now: datetime | None = None, days: int = 3) -> int:
    now = now or timezone.now()
    stories = list(
        Story.objects.filter(
            last_updated_at__gte=now - timedelta(days=days), merged_into__isnull=True
        )
    )
    rescore(stories, now, skip_locked=True)
    return len(stories)
