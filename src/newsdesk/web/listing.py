"""Story lists (front, topic, publisher, archive pages and their feeds): one query each.

Every list is the visible stories, optionally narrowed to one language, in one of two
orders, fetched one keyset page at a time.
"""

import re
from datetime import datetime

from newsdesk.stories.languages import language_name, story_language_codes
from newsdesk.stories.models import Story

from . import presentation
from .pagination import Page, SortKey, keyset_page

PAGE_SIZE = 30
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
    page.items = [presentation.story_card(story) for story in page.items]
    return page


def story_languages() -> list[tuple[str, str]]:
    """(code, name) of every language some visible story is in, for the filter."""
    return [(code, language_name(code)) for code in story_language_codes()]


def requested_language(request) -> str:
    """The ?lang= filter when it looks like a language code, else '' (all languages)."""
    code = request.GET.get("lang", "").strip()
    return code if LANGUAGE_CODE.fullmatch(code) else ""
