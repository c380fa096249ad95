"""One source whose poll cannot be stored never holds back the others polled with it.

The feeds are served on loopback and polled by pipeline.poll_now in one batch, as the
worker does. A source's write can fail in ways no clean-up of publisher text removes
(a row the database refuses); whatever it is, the other sources' entries are stored,
every claim is released, and the failing source carries the failure as its error.
"""

import itertools
import json
from datetime import timedelta

import pytest
from aiohttp import web
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from refusing_rule import REFUSED_MARKER

from newsdesk import pipeline
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.polling import claim_due_sources

GOOD_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Herald</title><link>https://herald.example/</link>
<item><title>Bridge closes for repairs</title><guid>herald-1</guid>
<link>https://herald.example/bridge</link></item>
<item><title>Ferry strike ends</title><guid>herald-2</guid>
<link>https://herald.example/ferry</link></item>
<item><title>Storm warning for the coast</title><guid>herald-3</guid>
<link>https://herald.example/storm</link></item>
</channel></rss>"""
GOOD_TITLES = {"Bridge closes for repairs", "Ferry strike ends", "Storm warning for the coast"}


def json_feed(*titles: str) -> bytes:
    """A JSON Feed as a publisher writes it; json.dumps spells a lone surrogate \\ud800."""
    items = [
        {"id": f"item-{n}", "url": f"https://poison.example/{n}", "title": title}
        for n, title in enumerate(titles)
    ]
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "Poison Post", "items": items}
    ).encode()


class Feeds:
    """Loopback feeds: /good/N always the same RSS, /hostile/N whatever a test sets."""

    def __init__(self, serve):
        self.body, self.content_type = b"", "application/feed+json"
        self.server = serve({"/good/{n}": self.good, "/hostile/{n}": self.hostile})

    async def good(self, request):
        return web.Response(body=GOOD_RSS, content_type="application/rss+xml")

    async def hostile(self, request):
        return web.Response(body=self.body, headers={"Content-Type": self.content_type})


@pytest.fixture
def publisher(db, settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.NEWSDESK_FETCH_TIMEOUT = 5
    # Tasks are queued, not run: this is about storing polls, not the rooms downstream.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    return Publisher.objects.create(name="Mixed Press", slug="mixed", domain="mixed.example")


@pytest.fixture
def feeds(serve, publisher):
    return Feeds(serve)


_numbers = itertools.count()


def batch(feeds, publisher, kind=Source.Kind.FEED) -> tuple[Source, Source, Source]:
    """A good source either side of a hostile one, all three claimed as the scheduler does."""
    n = next(_numbers)
    before, hostile, after = (
        Source.objects.create(url=feeds.server.url(path), publisher=publisher, kind=source_kind)
        for path, source_kind in (
            (f"/good/{n}a", Source.Kind.FEED),
            (f"/hostile/{n}", kind),
            (f"/good/{n}b", Source.Kind.FEED),
        )
    )
    Source.objects.filter(pk__in=[before.pk, hostile.pk, after.pk]).update(
        claimed_until=timezone.now() + timedelta(minutes=10)
    )
    return before, hostile, after


def assert_stored_and_released(source: Source) -> None:
    source.refresh_from_db()
    titles = set(Entry.objects.filter(source=source).values_list("title", flat=True))
    assert titles == GOOD_TITLES, f"{source.url}: {titles} stored; last error {source.last_error!r}"
    assert source.error_count == 0 and source.last_error == ""
    assert source.claimed_until is None


def test_a_source_the_database_refuses_gets_a_named_error_and_its_neighbours_are_stored(
    feeds, publisher, refusing_database
):
    feeds.body = json_feed("Harbour reopens", f"{REFUSED_MARKER}: a poisoned title")
    before, hostile, after = batch(feeds, publisher)

    outcomes = pipeline.poll_now([before.pk, hostile.pk, after.pk])

    assert_stored_and_released(before)
    assert_stored_and_released(after)
    hostile.refresh_from_db()
    assert hostile.claimed_until is None
    assert hostile.error_count == 1
    assert hostile.last_error.startswith(f"feed {hostile.url}: not stored:")
    assert "entry refused by the test rule" in hostile.last_error
    assert "will retry later" in hostile.last_error
    assert hostile.next_poll_at > timezone.now() + timedelta(seconds=60)  # backed off
    assert not Entry.objects.filter(source=hostile).exists()  # none of its poll half-kept
    assert [o.error for o in outcomes if o.source_id == hostile.pk] == [hostile.last_error]


def test_the_broken_listing_names_the_source_that_could_not_be_stored(
    feeds, publisher, refusing_database, capsys
):
    from django.core.management import call_command

    feeds.body = json_feed(f"{REFUSED_MARKER} again")
    _, hostile, _ = batch(feeds, publisher)
    pipeline.poll_now([hostile.pk])

    call_command("sources", "list", "--broken")

    listed = capsys.readouterr().out
    assert f"<{hostile.url}>" in listed and "BROKEN" in listed
    assert "not stored: storing what it sent failed" in listed


def test_after_a_refused_poll_the_next_round_polls_the_neighbours_again(
    feeds, publisher, refusing_database
):
    feeds.body = json_feed(f"{REFUSED_MARKER} once more")
    before, hostile, after = batch(feeds, publisher)
    pipeline.poll_now([before.pk, hostile.pk, after.pk])
    first_poll = Source.objects.get(pk=after.pk).last_polled_at

    # An hour later everything is due; the refused source is claimed with the others.
    later = timezone.now() + timedelta(hours=1)
    claimed = claim_due_sources(later)
    assert {before.pk, hostile.pk, after.pk} <= set(claimed)
    pipeline.poll_now(claimed)

    for good in (before, after):
        good.refresh_from_db()
        assert good.claimed_until is None and good.last_polled_at > first_poll
    hostile.refresh_from_db()
    assert hostile.claimed_until is None and hostile.error_count == 2


def test_a_lone_surrogate_or_nul_in_a_json_feed_costs_the_neighbours_nothing(feeds, publisher):
    feeds.body = json_feed("Lone \ud800 surrogate", "NUL \x00 byte", "Plain title")
    before, hostile, after = batch(feeds, publisher)

    pipeline.poll_now([before.pk, hostile.pk, after.pk])

    assert_stored_and_released(before)
    assert_stored_and_released(after)
    hostile.refresh_from_db()
    assert hostile.claimed_until is None
    assert hostile.error_count == 0 or hostile.last_error.startswith(f"feed {hostile.url}")


def test_headers_too_long_for_their_columns_are_not_kept(feeds, publisher, serve):
    huge = serve({"/feed": huge_headers})
    source = Source.objects.create(url=huge.url("/feed"), publisher=publisher)

    pipeline.poll_now([source.pk])

    source.refresh_from_db()
    assert source.last_error == ""
    assert source.etag == "" and source.last_modified == ""
    assert Entry.objects.filter(source=source).count() == len(GOOD_TITLES)


async def huge_headers(request):
    return web.Response(
        body=GOOD_RSS,
        headers={"Content-Type": "application/rss+xml", "ETag": '"' + "e" * 600 + '"',
                 "Last-Modified": "Fri, 27 Nov 2026 08:00:00 GMT" + " " * 100 + "x"},
    )


# --- arbitrary bytes ---------------------------------------------------------------------------

# Text with everything publishers send by mistake: lone surrogates, NUL, controls.
any_text = st.text(st.characters(exclude_categories=()), max_size=60)
json_feeds = st.lists(
    st.fixed_dictionaries(
        {"id": any_text, "url": any_text, "title": any_text},
        optional={"content_html": any_text, "summary": any_text, "date_published": any_text,
                  "authors": st.lists(st.fixed_dictionaries({"name": any_text}), max_size=2)},
    ),
    max_size=4,
).map(lambda items: (json.dumps({"version": "https://jsonfeed.org/version/1.1",
                                 "items": items}).encode(), "application/feed+json"))
xml_feeds = st.tuples(any_text, any_text, any_text).map(
    lambda parts: (
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>{}</title>'
            "<item><title>{}</title><guid>{}</guid></item></channel></rss>"
        ).format(*parts).encode("utf-8", "surrogatepass"),
        "application/rss+xml",
    )
)
raw_bytes = st.tuples(
    st.binary(max_size=400),
    st.sampled_from(["application/rss+xml", "application/json", "text/html", "text/xml"]),
)
cut_feeds = st.integers(0, len(GOOD_RSS)).map(
    lambda n: (GOOD_RSS[:n], "application/rss+xml")
)


@given(
    document=st.one_of(json_feeds, xml_feeds, raw_bytes, cut_feeds),
    kind=st.sampled_from(list(Source.Kind)),
)
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_from_one_source_never_stop_the_others_being_stored(
    feeds, publisher, document, kind
):
    feeds.body, feeds.content_type = document
    before, hostile, after = batch(feeds, publisher, kind)

    pipeline.poll_now([before.pk, hostile.pk, after.pk])

    assert_stored_and_released(before)
    assert_stored_and_released(after)
    hostile.refresh_from_db()
    assert hostile.claimed_until is None
    assert hostile.last_polled_at is not None
