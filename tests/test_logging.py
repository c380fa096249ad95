"""Logs at INFO summarise: one line per poll round and per digest run that did something;
each source, each task and each idle digest run only at DEBUG."""

import logging
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from loopback import serving

from newsdesk import pipeline
from newsdesk.core.logs import BelowLevelFrom
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.models import Publisher, Source
from newsdesk.stories.models import Story

FEED = (Path(__file__).parent / "sources" / "fixtures" / "feeds" / "rss20.xml").read_bytes()


class FeedHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args):
        pass


def info_lines(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == logger and r.levelno >= logging.INFO]


@pytest.mark.django_db
def test_a_poll_round_is_one_info_line_with_counts_in_the_right_forms(caplog, settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    publisher = Publisher.objects.create(name="Herald", slug="herald", domain="herald.example")
    with serving(FeedHandler) as base:
        working = Source.objects.create(url=f"{base}/feed.xml", publisher=publisher,
                                        fetch_pages=False)
        gone = Source.objects.create(url="http://127.0.0.1:9/feed.xml", publisher=publisher)
        with caplog.at_level(logging.DEBUG):
            pipeline.poll_sources.call([working.pk, gone.pk])
    [line] = info_lines(caplog, "newsdesk.pipeline")
    new = working.entries.count()
    assert line == f"polled 2 sources: {new} new entries, 1 failed"
    details = [r.getMessage() for r in caplog.records
               if r.name == "newsdesk.pipeline" and r.levelno == logging.DEBUG]
    assert f"source {gone.pk}: " in "\n".join(details)


@pytest.mark.django_db
def test_a_digest_run_is_one_info_line_and_an_idle_one_none(caplog, settings):
    settings.MAILERS = {"default": {"BACKEND": "newsdesk.newsletter.outbox.OutboxBackend"}}
    with caplog.at_level(logging.INFO):
        send_due_digests()
    assert not info_lines(caplog, "newsdesk.newsletter.digest")
    Story.objects.create(title="Harbour bridge reopens", article_count=1, publisher_count=1)
    Subscriber.objects.create(email="anna@example.org", state=Subscriber.State.CONFIRMED)
    with caplog.at_level(logging.INFO):
        send_due_digests()
    assert info_lines(caplog, "newsdesk.newsletter.digest") == [
        "digest run: 1 digest planned, 0 with nothing new, 0 breaking alerts planned, 1 mail sent"
    ]


def test_task_start_and_finish_lines_are_debug_details_and_failures_still_show():
    """The worker sets django.tasks' level from its --verbosity; the handler's filter is
    what keeps INFO a summary."""
    from django.conf import settings

    handler_filter = BelowLevelFrom(**{key: value for key, value in
                                       settings.LOGGING["filters"]["task_details"].items()
                                       if key != "()"})

    def record(name, level):
        return logging.LogRecord(name, level, __file__, 1, "Task id=1 state=RUNNING", None, None)

    assert not handler_filter.filter(record("django.tasks", logging.INFO))
    assert handler_filter.filter(record("django.tasks", logging.ERROR))  # failures show
    assert handler_filter.filter(record("newsdesk.pipeline", logging.INFO))
    assert handler_filter.filter(record("django_tasks_db", logging.INFO))  # "Starting worker"
