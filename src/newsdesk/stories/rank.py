"""The front page's order: a documented score per story.

score = (1 + 2·ln(1 + publishers) + 0.5·articles in the last 6 hours)
        × 0.5 ^ (hours since the story was last updated / 12)

More distinct publishers lift a story (coverage breadth, logarithmic so a dozen
copies of a wire story cannot bury everything else), velocity lifts a developing
story, and the half-life of 12 hours lets yesterday's news sink. Editors pin and
hide stories in the admin; pinned stories come first whatever their score.
"""

import math
from datetime import datetime, timedelta

from django.utils import timezone

from newsdesk.stories.models import Story, StoryArticle

HALF_LIFE_HOURS = 12.0
VELOCITY_HOURS = 6


def story_score(
    publishers: int, recent_articles: int, last_updated: datetime, now: datetime
) -> float:
    age_hours = max(0.0, (now - last_updated).total_seconds() / 3600)
    strength = 1 + 2 * math.log1p(publishers) + 0.5 * recent_articles
    return strength * 0.5 ** (age_hours / HALF_LIFE_HOURS)


def rescore(stories: list[Story], now: datetime | None = None) -> None:
    """Recompute and save the score of each story (scores decay, so this is periodic)."""
    now = now or timezone.now()
    since = now - timedelta(hours=VELOCITY_HOURS)
    for story in stories:
        recent = StoryArticle.objects.filter(story=story, added_at__gte=since).count()
        story.score = story_score(story.publisher_count, recent, story.last_updated_at, now)
    Story.objects.bulk_update(stories, ["score"])


def rescore_recent(now: datetime | None = None, days: int = 3) -> int:
    now = now or timezone.now()
    stories = list(
        Story.objects.filter(
            last_updated_at__gte=now - timedelta(days=days), merged_into__isnull=True
        )
    )
    rescore(stories, now)
    return len(stories)
