"""Which stories go into a subscriber's digest.

The candidate stories of a run are loaded once (visible stories updated in the window,
ranked) and matched against each subscriber's interests in memory: one query per run
rather than one per subscriber, which is what keeps an edition for 100,000 people cheap.
"""

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from newsdesk.core.languages import primary_subtag
from newsdesk.core.text import clean_in_place
from newsdesk.stories.models import Story

CHUNK = 500  # ids per IN (...) query, below every database's parameter limit
ITEM_FIELDS = ("pk", "title", "slug", "excerpt", "publisher_count", "last_updated_at",
               "language", "image_url", "headline_article__publisher__name",
               "headline_article__publisher__headlines_only", "headline_article__nosnippet")


@dataclass(frozen=True, slots=True)
class StoryItem:
    id: int
    title: str
    excerpt: str
    url: str
    publisher_count: int
    updated_at: datetime
    topic_ids: frozenset
    publisher_ids: frozenset
    haystack: str  # lower-cased title and excerpt, for keyword alerts
    credit: str = ""  # the publisher of the story's lead report
    language: str = ""
    image_url: str = ""  # the publisher's image, if the publisher lets us show one

    def __post_init__(self):
        """What a mail shows of a story is clean (core.text), whenever it was stored:
        the title becomes the Subject, so it must be one line."""
        clean_in_place(self, lines=frozenset({"excerpt", "haystack"}))


@dataclass(frozen=True, slots=True)
class Interests:
    topic_ids: frozenset
    publisher_ids: frozenset
    keywords: tuple
    languages: frozenset = frozenset()  # story languages read; empty: every language

    @property
    def everything(self) -> bool:
        return not (self.topic_ids or self.publisher_ids or self.keywords)

    def reads(self, item: StoryItem) -> bool:
        """Whether the story is in a language the subscriber reads (one whose language is
        unknown is given the benefit of the doubt)."""
        return not self.languages or not item.language or item.language in self.languages

    def matches(self, item: StoryItem) -> bool:
        return self.reads(item) and (
            self.everything
            or bool(self.topic_ids & item.topic_ids)
            or bool(self.publisher_ids & item.publisher_ids)
            or any(keyword in item.haystack for keyword in self.keywords)
        )


def interests_of(subscriber, topic_ids=None, publisher_ids=None) -> Interests:
    """A subscriber's interests; pass the ids when they were fetched in bulk."""
    if topic_ids is None:
        topic_ids = subscriber.topics.values_list("pk", flat=True)
    if publisher_ids is None:
        publisher_ids = subscriber.publishers.values_list("pk", flat=True)
    return Interests(frozenset(topic_ids), frozenset(publisher_ids),
                     parse_keywords(subscriber.keywords),
                     reading_languages(subscriber.story_languages))


def reading_languages(codes) -> frozenset:
    """A subscriber's story languages as primary subtags ('de-AT' reads 'de' stories)."""
    return frozenset(filter(None, (primary_subtag(str(code)) for code in codes or ())))


def parse_keywords(text: str) -> tuple:
    """Keyword alerts as typed ("night train, harbour"): lower-cased phrases."""
    return tuple(word.strip().lower() for word in text.split(",") if word.strip())


def max_stories() -> int:
    return settings.NEWSDESK_DIGEST_MAX_STORIES


def load_candidates(since: datetime, until: datetime, limit: int = 5000) -> list[StoryItem]:
    """Visible stories updated in (since, until], best first."""
    stories = list(
        Story.objects.visible()
        .filter(last_updated_at__gt=since, last_updated_at__lte=until)
        .order_by("-pinned", "-score", "-last_updated_at", "-pk")
        .select_related("headline_article__publisher")
        .only(*ITEM_FIELDS)[:limit]
    )
    return _items(stories)


def load_items(story_ids) -> dict[int, StoryItem]:
    """The stories a delivery was planned with (some may have been hidden since)."""
    stories = []
    ids = list(story_ids)
    for start in range(0, len(ids), CHUNK):
        stories += (
            Story.objects.visible()
            .filter(pk__in=ids[start : start + CHUNK])
            .select_related("headline_article__publisher")
            .only(*ITEM_FIELDS)
        )
    return {item.id: item for item in _items(stories)}


def _items(stories) -> list[StoryItem]:
    topics = _relation(Story.topics.through, "topic_id", [s.pk for s in stories])
    publishers = _relation(Story.publishers.through, "publisher_id", [s.pk for s in stories])
    base = settings.NEWSDESK_BASE_URL
    return [
        StoryItem(
            id=s.pk,
            title=s.title,
            excerpt=s.excerpt,
            url=base + s.get_absolute_url(),
            publisher_count=s.publisher_count,
            updated_at=s.last_updated_at,
            topic_ids=frozenset(topics.get(s.pk, ())),
            publisher_ids=frozenset(publishers.get(s.pk, ())),
            haystack=f"{s.title}\n{s.excerpt}".lower(),
            credit=s.headline_article.publisher.name if s.headline_article else "",
            language=primary_subtag(s.language),
            image_url=_shown_image(s),
        )
        for s in stories
    ]


def _shown_image(story) -> str:
    """The story's image unless its lead's publisher asks for headlines only, or for no
    snippets (as the site decides)."""
    lead = story.headline_article
    if lead is not None and (lead.publisher.headlines_only or lead.nosnippet):
        return ""
    return story.image_url


def _relation(through, column: str, story_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for start in range(0, len(story_ids), CHUNK):
        rows = through.objects.filter(story_id__in=story_ids[start : start + CHUNK])
        for story_id, other_id in rows.values_list("story_id", column):
            found.setdefault(story_id, []).append(other_id)
    return found


class CandidateIndex:
    """A run's candidates, ranked, with the positions of each topic's, publisher's and
    keyword's stories, so that a subscriber's choice walks only the stories they follow
    (a merge of short sorted lists) instead of every candidate."""

    def __init__(self, candidates: list[StoryItem]):
        self.items = candidates
        self.by_topic: dict[int, list[int]] = {}
        self.by_publisher: dict[int, list[int]] = {}
        self._by_keyword: dict[str, list[int]] = {}
        for position, item in enumerate(candidates):
            for topic_id in item.topic_ids:
                self.by_topic.setdefault(topic_id, []).append(position)
            for publisher_id in item.publisher_ids:
                self.by_publisher.setdefault(publisher_id, []).append(position)

    def keyword_positions(self, keyword: str) -> list[int]:
        if keyword not in self._by_keyword:
            self._by_keyword[keyword] = [
                position for position, item in enumerate(self.items) if keyword in item.haystack
            ]
        return self._by_keyword[keyword]

    def positions(self, interests: Interests):
        """Positions of the stories matching `interests`, best first, each once."""
        if interests.everything:
            return iter(range(len(self.items)))
        lists = [self.by_topic.get(t, ()) for t in interests.topic_ids]
        lists += [self.by_publisher.get(p, ()) for p in interests.publisher_ids]
        lists += [self.keyword_positions(k) for k in interests.keywords]
        return _unique(heapq.merge(*lists))


def _unique(positions):
    previous = -1
    for position in positions:
        if position != previous:
            yield position
            previous = position


def choose(index: CandidateIndex, interests: Interests, since: datetime,
           limit: int, skip=frozenset()) -> list[StoryItem]:
    """The best `limit` candidates updated after `since` that match the interests,
    leaving out the story ids in `skip` (those the subscriber had as breaking alerts)."""
    chosen = []
    for position in index.positions(interests):
        item = index.items[position]
        if item.updated_at > since and item.id not in skip and interests.reads(item):
            chosen.append(item)
            if len(chosen) >= limit:
                break
    return chosen
