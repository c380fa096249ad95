"""Keyset pagination: cursors walk the whole list once, in order, and bad cursors are harmless."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from web_builders import make_article, make_story

from newsdesk.stories.models import Story
from newsdesk.web.listing import FIRST_SEEN, RANKED, RECENT
from newsdesk.web.pagination import SortKey, decode_cursor, encode_cursor, keyset_page


def walk(queryset, keys, size):
    """Every page from the first, following 'older' cursors."""
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, keys, cursor, size)
        pages.append(page)
        if page.older is None:
            return pages
        cursor = page.older


@pytest.fixture
def many_stories(publishers):
    now = timezone.now()
    stories = []
    for number in range(23):
        article = make_article(publishers["harbour"], f"Story number {number}")
        stories.append(
            make_story(
                article,
                # Ties on score and time, so the id must break them.
                score=float(number % 3),
                last_updated_at=now - timedelta(minutes=number // 4),
                pinned=number == 7,
            )
        )
    return stories


@pytest.mark.django_db
def test_walking_older_cursors_visits_every_story_once_in_ranked_order(many_stories):
    queryset = Story.objects.visible()

    pages = walk(queryset, RANKED, size=5)

    seen = [story.pk for page in pages for story in page.items]
    expected = list(
        queryset.order_by("-pinned", "-score", "-last_updated_at", "-id").values_list(
            "pk", flat=True
        )
    )
    assert seen == expected
    assert len(pages) == 5
    assert pages[0].newer is None and pages[-1].older is None


@pytest.mark.django_db
def test_newer_cursor_returns_the_page_before(many_stories):
    queryset = Story.objects.visible()
    first = keyset_page(queryset, RECENT, None, 6)
    second = keyset_page(queryset, RECENT, first.older, 6)

    back = keyset_page(queryset, RECENT, second.newer, 6)

    assert [s.pk for s in back.items] == [s.pk for s in first.items]
    assert back.newer is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "%%%",
        encode_cursor("older", [1]),
        encode_cursor("sideways", [1, 2]),
        encode_cursor("older", ["not a date", "x"]),
        "W10",
    ],
)
def test_a_cursor_that_does_not_decode_shows_the_first_page(many_stories, cursor):
    queryset = Story.objects.visible()

    page = keyset_page(queryset, RECENT, cursor, 5)

    first = keyset_page(queryset, RECENT, None, 5)
    assert [s.pk for s in page.items] == [s.pk for s in first.items]


def test_cursor_round_trips_datetimes_and_numbers_exactly():
    keys = [SortKey("score", kind=float), SortKey("when", kind=datetime), SortKey("id", kind=int)]
    when = timezone.now()
    cursor = encode_cursor("older", [0.1 + 0.2, when.isoformat(), 42])

    assert decode_cursor(cursor, keys) == ("older", [0.1 + 0.2, when, 42])


def test_cursor_with_wrong_types_is_refused():
    keys = [SortKey("pinned", kind=bool), SortKey("id", kind=int)]

    assert decode_cursor(encode_cursor("older", ["yes", 1]), keys) is None
    assert decode_cursor(encode_cursor("older", [True, "1"]), keys) is None


@pytest.mark.django_db
def test_a_cursor_is_one_row_comparison_that_an_index_can_seek_to(many_stories):
    """(a, b) < (x, y), not a < x OR (a = x AND b < y), which scans from the top."""
    first = keyset_page(Story.objects.visible(), FIRST_SEEN, None, 5)

    with CaptureQueriesContext(connection) as queries:
        keyset_page(Story.objects.visible(), FIRST_SEEN, first.older, 5)

    where = queries.captured_queries[0]["sql"].split(" WHERE ", 1)[1]
    assert " OR " not in where
    assert '("stories_story"."first_seen_at", "stories_story"."id") <' in where


@pytest.mark.django_db
def test_keys_running_both_ways_still_walk_every_story_once(many_stories):
    keys = [SortKey("score", descending=False, kind=float), SortKey("id", kind=int)]
    queryset = Story.objects.visible()

    seen = [story.pk for page in walk(queryset, keys, size=4) for story in page.items]

    assert seen == list(queryset.order_by("score", "-id").values_list("pk", flat=True))
