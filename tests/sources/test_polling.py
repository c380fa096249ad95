"""The polling schedule and entry storage, fed with fetch results as the client returns them."""

from datetime import UTC, datetime, timedelta

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from newsdesk.sources.fetch import FetchResult
from newsdesk.sources.fetch.errors import status_error
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.polling import apply_poll_result, backoff_seconds, claim_due_sources

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Herald</title>
<link>https://herald.example/</link><ttl>{ttl}</ttl>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://herald.example/{n}</link>
<guid>https://herald.example/{n}</guid><description>Body {n}</description>
<pubDate>{date}</pubDate></item>"""


def feed(titles, ttl=0, hours_apart=1):
    items = "".join(
        ITEM.format(
            title=t,
            n=i,
            date=(NOW - timedelta(hours=i * hours_apart)).strftime("%a, %d %b %Y %H:%M:%S +0000"),
        )
        for i, t in enumerate(titles)
    )
    return RSS.format(ttl=ttl, items=items).encode()


def result(body=b"", status=200, headers=None, **kw):
    hdrs = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/rss+xml", **(headers or {})}))
    return FetchResult(
        requested_url="https://herald.example/rss",
        final_url="https://herald.example/rss",
        status=status,
        headers=hdrs,
        body=body,
        **kw,
    )


@pytest.fixture
def source(db):
    publisher = Publisher.objects.create(
        name="Harbour Herald", slug="herald", domain="herald.example"
    )
    return Source.objects.create(url="https://herald.example/rss", publisher=publisher)


def test_new_entries_are_stored_once_and_a_replay_stores_nothing(source):
    body = feed(["Bridge closes", "Storm warning", "Ferry strike"])
    first = apply_poll_result(source, result(body, etag='"v1"'), NOW)
    assert len(first.new_entry_ids) == 3
    again = apply_poll_result(source, result(body, etag='"v1"'), NOW)
    assert again.new_entry_ids == [] and again.updated_entry_ids == []
    assert Entry.objects.filter(source=source).count() == 3
    source.refresh_from_db()
    assert source.etag == '"v1"' and source.last_success_at == NOW and source.error_count == 0


def test_a_changed_entry_is_updated_not_duplicated(source):
    apply_poll_result(source, result(feed(["Bridge closes"])), NOW)
    outcome = apply_poll_result(source, result(feed(["Bridge closes for a week"])), NOW)
    assert outcome.new_entry_ids == [] and len(outcome.updated_entry_ids) == 1
    assert Entry.objects.get(source=source).title == "Bridge closes for a week"


def test_interval_is_learnt_from_publishing_rate_and_bounded(source, settings):
    settings.NEWSDESK_POLL_MIN_SECONDS, settings.NEWSDESK_POLL_MAX_SECONDS = 300, 86400
    apply_poll_result(source, result(feed(list("abcdef"), hours_apart=2)), NOW)
    source.refresh_from_db()
    assert source.poll_interval == 3600  # half of the two-hour gap
    assert source.next_poll_at == NOW + timedelta(seconds=3600)
    apply_poll_result(source, result(feed(list("abcdef"), hours_apart=0)), NOW)
    source.refresh_from_db()
    assert source.poll_interval == 300


def test_rss_ttl_and_max_age_are_honoured(source):
    apply_poll_result(source, result(feed(list("ab"), ttl=180, hours_apart=0)), NOW)
    source.refresh_from_db()
    assert source.next_poll_at == NOW + timedelta(minutes=180)
    apply_poll_result(
        source,
        result(feed(list("ab"), hours_apart=0), headers={"Cache-Control": "public, max-age=7200"}),
        NOW,
    )
    source.refresh_from_db()
    assert source.next_poll_at == NOW + timedelta(seconds=7200)


def test_an_override_beats_the_learnt_interval(source):
    source.poll_interval_override = 45
    apply_poll_result(source, result(feed(list("ab"))), NOW)
    source.refresh_from_db()
    assert source.next_poll_at == NOW + timedelta(seconds=45)


def test_errors_back_off_and_respect_retry_after(source):
    error = status_error(503, "feed", source.url, 900)
    apply_poll_result(source, result(status=503, error=error, retry_after=900), NOW)
    source.refresh_from_db()
    assert source.error_count == 1 and "503" in source.last_error
    assert source.next_poll_at >= NOW + timedelta(seconds=900)
    assert backoff_seconds(6, None) > backoff_seconds(1, None)


def test_not_a_feed_is_an_error_in_words_and_keeps_entries(source):
    apply_poll_result(source, result(feed(["Bridge closes"])), NOW)
    apply_poll_result(
        source,
        result(b"<html><body>Hello</body></html>", headers={"Content-Type": "text/html"}),
        NOW,
    )
    source.refresh_from_db()
    assert source.error_count == 1 and source.last_error
    assert Entry.objects.filter(source=source).count() == 1


def test_gone_disables_the_source(source):
    apply_poll_result(
        source, result(status=410, error=status_error(410, "feed", source.url, None)), NOW
    )
    source.refresh_from_db()
    assert not source.enabled and "410" in source.disabled_reason


def test_permanent_redirect_moves_the_stored_url(source):
    apply_poll_result(
        source, result(feed(["a"]), permanent_redirect="https://herald.example/feed.xml"), NOW
    )
    source.refresh_from_db()
    assert source.url == "https://herald.example/feed.xml"


def test_due_sources_are_claimed_once(source):
    source.next_poll_at = NOW - timedelta(minutes=1)
    source.save()
    assert claim_due_sources(NOW) == [source.pk]
    assert claim_due_sources(NOW) == []
    assert claim_due_sources(NOW + timedelta(hours=1)) == [source.pk]  # claim ran out
