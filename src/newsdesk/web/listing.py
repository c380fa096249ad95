"""Story lists (front, topic, publisher, archive pages and their feeds): one query each.

Every list is the visible stories, optionally narrowed to some languages, in one of a
few orders, fetched one keyset page at a time.

Which languages a list page shows (`shown_languages`), first match wins:

1. `?lang=` in the address: one language code, or `all` (a link someone followed);
2. the reader's remembered choice: the LANGUAGE_COOKIE, set only when they pick a
   language in the filter (views.choose_language), an essential preference;
3. the browser's `Accept-Language` entries at q >= 0.5 that some story has
   (core.languages.accepted_languages);
4. otherwise every language.

The result is a subset of the story languages (or the one code a link named), never the
raw header or cookie, so a page cache may key on it (`language_variant`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import prefetch_related_objects

from newsdesk.core.languages import STORY_LANGUAGE_COOKIE, accepted_languages
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
# `?lang=all` and the cookie value `all`: every language, whatever the browser asks for.
ALL_LANGUAGES = "all"
LANGUAGE_COOKIE = STORY_LANGUAGE_COOKIE
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600

RANKED = [
    SortKey("pinned", kind=bool),
    SortKey("score", kind=float),
    SortKey("last_updated_at", kind=datetime),
    SortKey("id", kind=int),
]
RECENT = [SortKey("last_updated_at", kind=datetime), SortKey("id", kind=int)]
FIRST_SEEN = [SortKey("first_seen_at", kind=datetime), SortKey("id", kind=int)]


def visible_stories(language: str | Iterable[str] = ""):
    """Visible stories in `language` (a code, or several); all of them for '' or []."""
    stories = Story.objects.visible()
    codes = [language] if isinstance(language, str) else list(language)
    codes = [code for code in codes if code and code != ALL_LANGUAGES]
    if len(codes) == 1:
        stories = stories.filter(language=codes[0])
    elif codes:
        stories = stories.filter(language__in=codes)
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


def front_sections(language: str | Iterable[str], shown: set[int]) -> list[Section]:
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
    """The ?lang= filter when it looks like a language code or is `all`, else ''."""
    code = request.GET.get("lang", "").strip()
    if code.lower() == ALL_LANGUAGES:
        return ALL_LANGUAGES
    return code if LANGUAGE_CODE.fullmatch(code) else ""


@dataclass(frozen=True)
class ShownLanguages:
    """The languages a list page shows, and why."""

    codes: tuple[str, ...]  # () = every language
    source: str  # "link", "choice", "browser" or "" (nothing asked)

    @property
    def names(self) -> list[str]:
        return [language_name(code) for code in self.codes]

    @property
    def single(self) -> str:
        return self.codes[0] if len(self.codes) == 1 else ""


def _resolve_languages(request) -> ShownLanguages:
    linked = requested_language(request)
    if linked == ALL_LANGUAGES:
        return ShownLanguages((), "link")
    if linked:
        return ShownLanguages((linked,), "link")
    available = story_language_codes()
    chosen = request.COOKIES.get(LANGUAGE_COOKIE, "")
    if chosen == ALL_LANGUAGES:
        return ShownLanguages((), "choice")
    if chosen in available:
        return ShownLanguages((chosen,), "choice")
    accepted = accepted_languages(request.headers.get("Accept-Language"), available)
    if accepted and len(accepted) < len(available):
        return ShownLanguages(tuple(accepted), "browser")
    return ShownLanguages((), "")


def shown_languages(request) -> ShownLanguages:
    """The languages this list page shows (see the module's docstring), once a request."""
    shown = getattr(request, "_newsdesk_shown_languages", None)
    if shown is None:
        shown = _resolve_languages(request)
        request._newsdesk_shown_languages = shown
    return shown


def language_variant(request) -> str:
    """What the page cache keys list pages on: the resolved languages, never raw input."""
    shown = shown_languages(request)
    return "languages:" + ",".join(shown.codes)
