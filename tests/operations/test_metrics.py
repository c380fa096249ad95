"""/metrics: the Prometheus text format, counters from every process of the machine,
gauges read from the database, and closed to everyone but the configured scrapers."""

import os
import subprocess
import sys
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from loopback import serving
from metrics_support import scrape, value

from newsdesk import pipeline
from newsdesk.articles.models import Article
from newsdesk.simulator import SimulatorThread
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.registry import import_opml
from newsdesk.stories.models import Story

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


class Gone(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_fetches(settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    return settings


def test_polling_counts_polls_entries_articles_and_stories(client, loopback_fetches):
    before = scrape(client)
    with SimulatorThread(release_all=True) as simulator:
        loopback_fetches.NEWSDESK_FETCH_RESOLVE = simulator.resolve_map()
        import_opml(simulator.opml().encode(), name="simulator.opml")
        with serving(Gone) as gone:
            publisher = Publisher.objects.create(name="Gone", slug="gone", domain="gone.example")
            Source.objects.create(url=f"{gone}/feed.xml", publisher=publisher)
            pipeline.poll_now(list(Source.objects.values_list("pk", flat=True)))
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    polled_ok = Source.objects.filter(error_count=0).count()
    assert grew("newsdesk_polls_total", outcome="ok", error_kind="none") == polled_ok
    assert grew("newsdesk_polls_total", outcome="error", error_kind="http_404") == 1
    assert grew("newsdesk_entries_stored_total") == Entry.objects.count()
    assert grew("newsdesk_articles_stored_total", status="ok") == (
        Article.objects.filter(status="ok").count()
    )
    assert grew("newsdesk_stories_created_total") >= Story.objects.count() > 0


def test_queue_depth_and_the_oldest_waiting_task_come_from_the_database(client, settings,
                                                                        time_machine):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    time_machine.move_to(timezone.now(), tick=False)
    pipeline.cluster_articles.enqueue([1])
    pipeline.send_digests.enqueue()
    pipeline.send_digests.enqueue()
    DBTaskResult.objects.filter(queue_name="mail").update(
        enqueued_at=timezone.now() - timedelta(minutes=7)
    )
    samples = scrape(client)
    assert value(samples, "newsdesk_queue_depth", queue="mail") == 2
    assert value(samples, "newsdesk_queue_depth", queue="clustering") == 1
    assert value(samples, "newsdesk_queue_depth", queue="default") == 0
    assert value(samples, "newsdesk_queue_oldest_seconds", queue="mail") == 7 * 60
    assert value(samples, "newsdesk_queue_oldest_seconds", queue="default") == 0


def test_clustering_lag_is_the_age_of_the_oldest_article_without_a_story(client, time_machine,
                                                                        loopback_fetches):
    time_machine.move_to(timezone.now(), tick=False)
    assert value(scrape(client), "newsdesk_clustering_lag_seconds") == 0
    publisher = Publisher.objects.create(name="Lagging", slug="lagging", domain="lag.example")
    source = Source.objects.create(url="https://lag.example/feed", publisher=publisher)
    Article.objects.create(
        url="https://lag.example/a", url_hash="a" * 64, source=source, publisher=publisher,
        title="Waiting for its story", published_at=timezone.now(),
        created_at=timezone.now() - timedelta(seconds=90),
    )
    assert value(scrape(client), "newsdesk_clustering_lag_seconds") == 90


def test_page_cache_hits_and_request_latency_are_counted_by_page_type(client, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    before = scrape(client)
    for _ in range(3):
        assert client.get("/").status_code == 200
    client.get("/topics/")
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("newsdesk_page_cache_requests_total", page="front", result="miss") == 1
    assert grew("newsdesk_page_cache_requests_total", page="front", result="hit") == 2
    assert grew("newsdesk_page_cache_requests_total", page="topics", result="miss") == 1
    assert grew("newsdesk_request_seconds_count", page="front") == 3
    assert grew("newsdesk_request_seconds_count", page="topics") == 1
    assert grew("newsdesk_request_seconds_bucket", page="front", le="+Inf") == 3


def test_metrics_are_refused_outside_the_configured_networks(client):
    refused = client.get("/metrics", **OUTSIDER)
    assert refused.status_code == 403
    assert "NEWSDESK_METRICS_ALLOW_NETWORKS" in refused.content.decode()
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1


def test_a_bearer_token_opens_metrics_from_anywhere(client, settings):
    settings.NEWSDESK_METRICS_TOKEN = "scrape-me-please"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me-please",
                      **OUTSIDER).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guessed",
                      **OUTSIDER).status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic scrape-me-please",
                      **OUTSIDER).status_code == 403


def test_a_proxy_on_loopback_does_not_open_metrics_to_its_clients(client, settings):
    # nginx on the same machine: every request arrives from 127.0.0.1.
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client.get("/metrics", **forwarded).status_code == 403
    settings.NEWSDESK_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/metrics", **forwarded).status_code == 403
    settings.NEWSDESK_METRICS_ALLOW_NETWORKS = ["198.51.100.0/24"]
    assert client.get("/metrics", **forwarded).status_code == 200


def test_the_scrape_is_never_cached(client, settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    first = client.get("/metrics")
    assert first["Cache-Control"] == "no-store"
    before = value(scrape(client), "newsdesk_request_seconds_count", page="front")
    client.get("/")
    assert value(scrape(client), "newsdesk_request_seconds_count", page="front") == before + 1


WORKER_SETTINGS = "from newsdesk.settings import *  # noqa: F403\n"
SEED_AND_WORK = """
import sys, django; django.setup()
from django.core.management import call_command
from newsdesk import pipeline
from newsdesk.sources.models import Publisher, Source
publisher = Publisher.objects.create(name="Worker Press", slug="worker", domain="worker.example")
Source.objects.create(url=sys.argv[1], publisher=publisher, fetch_pages=False)
pipeline.schedule_due_work()
call_command("db_worker", "--queue-name", "default", "--batch", "--no-startup-delay", verbosity=0)
"""


class OneFeed(BaseHTTPRequestHandler):
    def do_GET(self):
        items = "".join(
            f"<item><title>Worker story {n}</title><link>https://worker.example/{n}</link>"
            f"<guid>worker-{n}</guid><description>Story {n}.</description></item>"
            for n in range(4)
        )
        body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Worker</title>'
                f"<link>https://worker.example/</link>{items}</channel></rss>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                    reason="its worker runs on a SQLite file of its own; the SQLite pass runs it")
def test_a_worker_process_counts_into_the_same_metrics(client, tmp_path):
    """A real `newsdesk db_worker` in its own process polls a feed; this process's
    /metrics shows its counts (prometheus-client's multiprocess directory)."""
    (tmp_path / "metrics_worker_settings.py").write_text(WORKER_SETTINGS)
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(tmp_path)]),
        "DJANGO_SETTINGS_MODULE": "metrics_worker_settings",
        "NEWSDESK_TESTING": "1",
        "NEWSDESK_VAR_DIR": str(tmp_path),
        "NEWSDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    }
    assert env["PROMETHEUS_MULTIPROC_DIR"]  # inherited: the directory this process reads
    before = scrape(client)
    with serving(OneFeed) as feed:
        for args in (["-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0"],
                     ["-c", SEED_AND_WORK, f"{feed}/feed.xml"]):
            done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr[-3000:]
    after = scrape(client)
    key = {"outcome": "ok", "error_kind": "none"}
    assert value(after, "newsdesk_polls_total", **key) == (
        value(before, "newsdesk_polls_total", **key) + 1)
    assert value(after, "newsdesk_entries_stored_total") == (
        value(before, "newsdesk_entries_stored_total") + 4)
    assert value(after, "newsdesk_articles_stored_total", status="feed_only") == (
        value(before, "newsdesk_articles_stored_total", status="feed_only") + 4)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_counts_start_afresh_only_when_no_process_of_the_machine_is_alive(tmp_path):
    from newsdesk.core.metrics import start_afresh_when_alone

    gone = tmp_path / f"counter_{dead_pid()}.db"
    mine = tmp_path / f"counter_{os.getpid()}.db"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    running = tmp_path / f"histogram_{alive.pid}.db"
    for path in (gone, mine, running):
        path.write_bytes(b"counts")
    try:
        assert not start_afresh_when_alone(tmp_path)  # a live process's counts are kept
        assert gone.exists() and running.exists()
    finally:
        alive.kill()
        alive.wait()
    assert start_afresh_when_alone(tmp_path)
    assert not gone.exists() and not running.exists()
    assert mine.exists()  # this process's own file is never pulled from under it
