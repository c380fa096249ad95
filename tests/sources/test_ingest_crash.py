"""kill -9 the worker mid-poll: the next run finishes the job and stores nothing twice.

Real processes on a SQLite file of the test's own: `newsdesk migrate`, the scheduler's
round (pipeline.schedule_due_work) enqueueing the polls, and `newsdesk db_worker
--queue-name default` running them. The feeds come from a loopback server where most
answer at once and a few hang, so that the worker has stored part of its batch when it
is killed. After the claims run out, the scheduler's next round enqueues what was not
finished and a new worker polls it; every entry must then be stored exactly once, and
handed on.

Runs on SQLite only: its processes get a database file of their own, whatever the
suite's DATABASE_URL (the PostgreSQL pass skips it rather than run it twice).
"""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
FAST, SLOW, ITEMS = 60, 10, 3  # more than one write chunk (pipeline.POLL_WRITE_CHUNK = 50)
SETTINGS = """from newsdesk.settings import *  # noqa: F403

NEWSDESK_POLL_CLAIM_SECONDS = 1  # a dead worker's sources are due again a second later
"""
SEED_AND_SCHEDULE = """
import sys, django; django.setup()
from newsdesk import pipeline
from newsdesk.sources.models import Publisher, Source
publisher = Publisher.objects.create(name="Crash Press", slug="crash", domain="crash.example")
Source.objects.bulk_create(
    Source(url=url, publisher=publisher, fetch_pages=False) for url in sys.argv[1:])
print(pipeline.schedule_due_work())
"""
# The scheduler's next round, then a worker that runs what is queued and exits.
RESCHEDULE_AND_WORK = """
import django; django.setup()
from django.core.management import call_command
from newsdesk import pipeline
print(pipeline.schedule_due_work())
call_command("db_worker", "--queue-name", "default", "--batch", "--no-startup-delay", verbosity=0)
"""

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs its own processes on a SQLite file; the SQLite pass covers it",
)


def rss(feed: str) -> bytes:
    items = "".join(
        f"<item><title>{feed} story {n}</title><link>https://crash.example/{feed}/{n}</link>"
        f"<guid>{feed}-{n}</guid><description>Story {n} of {feed}.</description></item>"
        for n in range(ITEMS)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>'
        f"<link>https://crash.example/{feed}</link>{items}</channel></rss>"
    ).encode()


class Feeds:
    """Feeds on loopback; /slow/ ones hang until released."""

    def __init__(self, serve):
        self.released = threading.Event()
        self.slow_requests = 0
        self.server = serve({"/fast/{n}": self.fast, "/slow/{n}": self.slow})

    async def fast(self, request):
        return web.Response(body=rss(f"fast{request.match_info['n']}"),
                            content_type="application/rss+xml")

    async def slow(self, request):
        self.slow_requests += 1
        while not self.released.is_set():
            await asyncio.sleep(0.05)
        return web.Response(body=rss(f"slow{request.match_info['n']}"),
                            content_type="application/rss+xml")

    def urls(self) -> list[str]:
        return [self.server.url(f"/fast/{n}") for n in range(FAST)] + [
            self.server.url(f"/slow/{n}") for n in range(SLOW)
        ]


@pytest.fixture
def desk(tmp_path):
    """Environment for the desk's processes, with a migrated SQLite file under tmp_path."""
    (tmp_path / "crash_poll_settings.py").write_text(SETTINGS)
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(tmp_path)]),
        "DJANGO_SETTINGS_MODULE": "crash_poll_settings",
        "NEWSDESK_TESTING": "1",
        "NEWSDESK_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "crash-test-secret-key-not-for-production",
        "NEWSDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "NEWSDESK_FETCH_PER_HOST": "100",
        "NEWSDESK_FETCH_TIMEOUT": "60",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    }
    run(env, "-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0")
    return env, tmp_path / "newsdesk.sqlite3"


def run(env, *args):
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                            timeout=120, text=True)
    assert result.returncode == 0, f"{args} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(sql).fetchall()


def handed_on_tasks(database: Path) -> int:
    return query(
        database,
        "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'newsdesk.pipeline.store_feed_entries'",
    )[0][0]


def worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "db_worker", "--queue-name", "default",
         "--no-startup-delay", "--interval", "0.1"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def test_worker_killed_mid_poll_then_rescheduled_stores_every_entry_once(desk, serve):
    env, database = desk
    feeds = Feeds(serve)
    assert run(env, "-c", SEED_AND_SCHEDULE, *feeds.urls()).strip() == str(FAST + SLOW)

    first = worker(env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert first.poll() is None, first.stderr.read().decode()[-3000:]
        stored = query(database, "SELECT COUNT(*) FROM sources_entry")[0][0]
        if stored and feeds.slow_requests == SLOW and handed_on_tasks(database):
            break  # the first chunk is stored and handed on; the rest hangs on the slow feeds
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert 0 < stored < (FAST + SLOW) * ITEMS, "the kill did not land mid-poll"

    feeds.released.set()
    time.sleep(1.2)  # the dead worker's claims run out (NEWSDESK_POLL_CLAIM_SECONDS)
    rescheduled = run(env, "-c", RESCHEDULE_AND_WORK).split()[0]
    assert int(rescheduled) == FAST + SLOW - stored // ITEMS

    entries = query(database, "SELECT guid, COUNT(*) FROM sources_entry GROUP BY guid")
    expected = {f"{kind}{n}-{item}" for kind, count in (("fast", FAST), ("slow", SLOW))
                for n in range(count) for item in range(ITEMS)}
    assert {guid for guid, _ in entries} == expected, "an entry was lost"
    assert {count for _, count in entries} == {1}, "an entry was stored twice"
    handed_on = query(database, "SELECT COUNT(DISTINCT entry_id) FROM articles_article_entries")
    assert handed_on[0][0] == len(expected), "an entry was never handed on"
