"""Story lists (front, topic, publisher, archive pages and their feeds): one query each.

Every list is the visible stories, optionally narrowed to one language, in one of two
orders, fetched one keyset page at a time.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import prefetch_related_objects

from newsdesk.sources.models import Topic
from newsdesk.stories.languages import language_name, story_language_codes
from newsdesk.stories.models import Story

from . import glance, presentation
from .pagination import Page, SortKey, keyset_page

PAGE_SIZE = 30
# The front page: its top stories, then a section of each top-level topic's.
FRONT_TOP_STORIES = 12
FRONT_SECTION_STORIES = 6
FRONT_SECTIONS = 12
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")

RANKED = [
    SortKey("pinned", kind=bool),
    SortKey("score", kind=float),
    SortKey("last_updated_at", kind=datetime),
    SortKey("id", kind=int),
]
RECENT = [SortKey("last_updated_at", kind=datetime), SortKey("id", kind=int)]
FIRST_SEEN = [SortKey("first_seen_at", kind=datetime), SortKey("id", kind=int)]


def visible_stories(language: str = ""):
    stories = Story.objects.visible()
    if language:
        stories = stories.filter(language=language)
    return stories


def card_page(queryset, keys, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """A keyset page of stories turned into cards."""
    page = keyset_page(presentation.listing_queryset(queryset), keys, cursor, size)
    desk = glance.desk_label_values()
    page.items = [presentation.story_card(story, desk) for story in page.items]
    return page


@dataclass
class Section:
    topic: Topic
    cards: list


def _ranked(queryset):
    return queryset.order_by(*(key.order_by() for key in RANKED))


def front_sections(language: str, shown: set[int]) -> list[Section]:
    """Each top-level topic's best-ranked stories not already shown above (`shown`, the
    ids of the top stories; extended with every story a section takes)."""
    chosen = []
    topics = Topic.objects.filter(parent=None).order_by("name")[:FRONT_SECTIONS]
    for topic in topics:
        stories = visible_stories(language).filter(topics=topic).exclude(pk__in=list(shown))
        stories = presentation.listing_queryset(_ranked(stories), with_publishers=False)
        stories = list(stories[:FRONT_SECTION_STORIES])
        shown.update(story.pk for story in stories)
        if stories:
            chosen.append((topic, stories))
    # One query for every section's publishers (and one for their labels).
    prefetch_related_objects(
        [story for _topic, stories in chosen for story in stories], presentation.card_publishers()
    )
    desk = glance.desk_label_values()
    return [
        Section(topic, [presentation.story_card(story, desk) for story in stories])
        for topic, stories in chosen
    ]


def story_languages() -> list[tuple[str, str]]:
    """(code, name) of every language some visible story is in, for the filter."""
    return [(code, language_name(code)) for code in story_language_codes()]


def requested_language(request) -> str:
    """The ?lang= filter when it looks like a language code, else '' (all languages)."""
    code = request.GET.get("lang", "").strip()
    return code if LANGUAGE_CODE.fullmatch(code) else ""
