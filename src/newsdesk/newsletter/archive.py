"""The public archive of digests: for each digest slot, the top stories overall and per
topic, kept as they were when the slot was planned.

Nothing personal goes in: the copy is made from the run's ranked candidates, not from any
subscriber's choice, and its stories are stored with what the page shows of them (title,
excerpt, credit, publisher count, time), so a page of last month reads as it did then
even after stories were merged, renamed or hidden.
"""

from datetime import datetime, timedelta

from newsdesk.newsletter.selection import CandidateIndex, StoryItem
from newsdesk.sources.models import Topic

TOP_STORIES = 20
PER_TOPIC = 5


def window(frequency: str) -> timedelta:
    """How far back a slot's public page looks: the period one digest covers."""
    return timedelta(days=7) if frequency == "weekly" else timedelta(days=1)


def snapshot(candidates: CandidateIndex, frequency: str, slot: datetime, now: datetime) -> dict:
    """The archive copy of one slot: {"top": [ids], "topics": [{name, slug, stories}],
    "stories": [story dicts]} (JSON), best first everywhere; {} when the slot had no
    stories (it gets no page)."""
    since = slot - window(frequency)

    def fresh(position: int) -> bool:
        return since < candidates.items[position].updated_at <= now

    top = [p for p in range(len(candidates.items)) if fresh(p)][:TOP_STORIES]
    if not top:
        return {}
    per_topic = {
        topic_id: chosen
        for topic_id, positions in candidates.by_topic.items()
        if (chosen := [p for p in positions if fresh(p)][:PER_TOPIC])
    }
    topics = Topic.objects.filter(pk__in=per_topic).order_by("name").values("pk", "name", "slug")
    used = sorted(set(top).union(*per_topic.values()))
    return {
        "top": [candidates.items[p].id for p in top],
        "topics": [
            {"name": t["name"], "slug": t["slug"],
             "stories": [candidates.items[p].id for p in per_topic[t["pk"]]]}
            for t in topics
        ],
        "stories": [_stored(candidates.items[p]) for p in used],
    }


def _stored(item: StoryItem) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "excerpt": item.excerpt,
        "credit": item.credit,
        "publishers": item.publisher_count,
        "updated_at": item.updated_at.isoformat(),
        "language": item.language,
    }


def stories_of(public: dict) -> tuple[list[dict], list[dict]]:
    """An edition's archive copy as the page shows it: the top stories, and each topic
    with its own ({"name", "slug", "stories"})."""
    by_id = {story["id"]: story for story in public.get("stories", ())}
    top = [by_id[pk] for pk in public.get("top", ()) if pk in by_id]
    topics = [
        {**topic, "stories": [by_id[pk] for pk in topic["stories"] if pk in by_id]}
        for topic in public.get("topics", ())
    ]
    return top, topics
