"""Retention benchmark: 30 days of a running desk on an injected clock, and its database size.

Newsdesk runs in this one process on a clock moved forward by time-machine, against a
fresh database: the publisher simulator's publishers plus a feed farm on loopback, every
source polled every --poll-minutes; each step of --step-minutes runs the scheduler's round
(pipeline.schedule_due_work: polls, digests, re-ranking, settling, recovery, retention)
and then the task worker until the queue is empty (django-tasks-db, so every task leaves
its row as in production); readers visit pages (the page cache writes its rows); each
subscriber gets a daily digest over SMTP (an aiosmtpd sink on loopback) and a few
bounce. The news itself is the world of day 0: what grows afterwards is what the desk
makes by running, which retention must keep level (finished task rows, expired cache
rows, deliveries, mail logs), while article text older than NEWSDESK_RETAIN_TEXT_DAYS
is reduced to its excerpt.

Printed: the database size at the end of each day (the file, and the pages in use:
SQLite reuses freed pages rather than shrinking the file), the rows of the tables that
grow, and the target: size on day 30 <= 1.1 x size on day 15.

Progress goes to stderr; with --json the last line of stdout is one JSON object.
Usage: bench/retention.py [--days 30] [--feeds 100] [--subscribers 500]
                          [--step-minutes 60] [--poll-minutes 60] [--visits 6] [--json]
"""

import argparse
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import free_port, say

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # a Monday, midnight UTC
WORDS = ("council", "ferry", "budget", "harbour", "library", "museum", "school", "rail")


def configure(scratch: Path, args) -> None:
    """The desk's environment, as an operator would set it, before Django starts."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_VAR_DIR": str(scratch),
        "SECRET_KEY": "retention-bench-secret-key-not-for-production",
        "NEWSDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
        "NEWSDESK_BASE_URL": "http://news.example",
        "ALLOWED_HOSTS": "testserver,news.example",
        "NEWSDESK_LOG_LEVEL": "WARNING",
    })
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=32,
                        help="days to run; day 30 is compared with day 15 (or, with fewer "
                        "days, the last with the middle one)")
    parser.add_argument("--feeds", type=int, default=100, help="farm feeds of 20 articles")
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--step-minutes", type=int, default=60)
    parser.add_argument("--poll-minutes", type=int, default=60)
    parser.add_argument("--visits", type=int, default=6, help="page views per step")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.days < 2:
        parser.error("--days must be at least 2")

    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-retention-bench-"))
    configure(scratch, args)
    import time_machine

    try:
        with time_machine.travel(START, tick=False) as clock:
            result = Desk(scratch, args, clock).run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result["loadavg"] = os.getloadavg()
    _print(result, args.json)


class Desk:
    def __init__(self, scratch: Path, args, clock):
        self.scratch, self.args, self.clock = scratch, args, clock
        self.random = random.Random(7)

    def run(self) -> dict:
        import django

        django.setup()
        logging.getLogger("django.tasks").setLevel(logging.WARNING)  # a line per task otherwise
        from aiosmtpd.controller import Controller
        from django.core.management import call_command

        from newsdesk.simulator import SimulatorThread

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        sink = Controller(Discard(), hostname="127.0.0.1", port=free_port())
        sink.start()
        self._send_mail_to(sink.port)
        days = []
        started = time.monotonic()
        with SimulatorThread(farm_feeds=self.args.feeds, farm_mode="warm") as simulator:
            self._follow(simulator)
            self._subscribe()
            steps_per_day = 24 * 60 // self.args.step_minutes
            for day in range(1, self.args.days + 1):
                for _ in range(steps_per_day):
                    self.clock.shift(timedelta(minutes=self.args.step_minutes))
                    self._step()
                self._bounce_a_few()
                days.append(self._measure(day))
                say(f"day {day:2d}: {days[-1]['file_mb']:7.1f} MB file, "
                    f"{days[-1]['used_mb']:7.1f} MB in use, {days[-1]['rows']} "
                    f"({time.monotonic() - started:.0f} s)")
        sink.stop()
        return self._summary(days)

    # --- the world -----------------------------------------------------------------------

    def _send_mail_to(self, port: int) -> None:
        from django.conf import settings

        settings.MAILERS = {"default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }}

    def _follow(self, simulator) -> None:
        from django.conf import settings

        from newsdesk.sources.models import Source
        from newsdesk.sources.registry import import_opml

        settings.NEWSDESK_FETCH_RESOLVE = simulator.resolve_map()
        simulator.release_all()
        import_opml(simulator.opml(include_farm=True).encode(), name="bench.opml")
        Source.objects.update(poll_interval_override=self.args.poll_minutes * 60)
        say(f"following {Source.objects.count()} sources")

    def _subscribe(self) -> None:
        from newsdesk.newsletter.models import Subscriber

        Subscriber.objects.bulk_create(
            Subscriber(email=f"reader{n}@readers.example", state=Subscriber.State.CONFIRMED,
                       send_hour=n % 24)
            for n in range(self.args.subscribers)
        )

    # --- one step of the running desk ----------------------------------------------------

    def _step(self) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        from newsdesk import pipeline

        pipeline.schedule_due_work()
        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
               startup_delay=False, max_tasks=None, worker_id="bench",
               excluded_queue_names=[]).run()
        self._visit()

    def _visit(self) -> None:
        from django.test import Client

        from newsdesk.stories.models import Story

        client = Client()
        story_ids = list(Story.objects.visible().values_list("pk", flat=True)[:500])
        for n in range(self.args.visits):
            choice = n % 3
            if choice == 0:
                client.get("/")
            elif choice == 1 and story_ids:
                client.get(f"/stories/{self.random.choice(story_ids)}/")
            else:
                client.get("/search/", {"q": self.random.choice(WORDS)})

    def _bounce_a_few(self) -> None:
        from newsdesk.newsletter.bounces import Finding, apply
        from newsdesk.newsletter.models import Delivery

        for delivery in Delivery.objects.order_by("?")[:2]:
            apply(Finding(kind="soft_bounce", recipient=delivery.subscriber.email,
                          detail="452 4.2.2 Mailbox full", delivery_id=delivery.pk),
                  source="dsn")

    # --- measuring -----------------------------------------------------------------------

    def _measure(self, day: int) -> dict:
        from django.db import connection
        from django.db.models import F

        from newsdesk.articles.models import Article

        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA page_size")
            page = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA freelist_count")
            free = cursor.fetchone()[0]
            rows = {}
            for name, table in GROWING_TABLES.items():
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
                rows[name] = cursor.fetchone()[0]
        rows["articles_with_full_text"] = Article.objects.exclude(text=F("excerpt")).count()
        database = self.scratch / "newsdesk.sqlite3"
        return {
            "day": day,
            "file_mb": round(database.stat().st_size / 2**20, 2),
            "used_mb": round((pages - free) * page / 2**20, 2),
            "rows": rows,
        }

    def _summary(self, days: list[dict]) -> dict:
        by_day = {day["day"]: day for day in days}
        if 30 in by_day:
            last, middle = by_day[30], by_day[15]
        else:
            last, middle = days[-1], days[len(days) // 2 - 1]
        ratio_file = last["file_mb"] / middle["file_mb"]
        ratio_used = last["used_mb"] / middle["used_mb"]
        return {
            "days": days,
            "compared": [middle["day"], last["day"]],
            "ratio_file": round(ratio_file, 3),
            "ratio_used": round(ratio_used, 3),
            "target": 1.1,
            "met": ratio_file <= 1.1 and ratio_used <= 1.1,
            "settings": {"feeds": self.args.feeds, "subscribers": self.args.subscribers,
                         "step_minutes": self.args.step_minutes,
                         "poll_minutes": self.args.poll_minutes, "visits": self.args.visits},
        }


GROWING_TABLES = {
    "tasks": "django_tasks_database_dbtaskresult",
    "cache": "newsdesk_cache",
    "deliveries": "newsletter_delivery",
    "mail_events": "newsletter_mailevent",
    "entries": "sources_entry",
    "articles": "articles_article",
    "stories": "stories_story",
}


class Discard:
    """The SMTP sink: accepts every mail and keeps nothing."""

    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted for delivery"


def _print(result: dict, as_json: bool) -> None:
    print(f"{'day':>4} {'file MB':>9} {'in use MB':>10}  rows")
    for day in result["days"]:
        print(f"{day['day']:>4} {day['file_mb']:>9.1f} {day['used_mb']:>10.1f}  {day['rows']}")
    first, last = result["compared"]
    print(f"day {last} / day {first}: file {result['ratio_file']:.3f}, in use "
          f"{result['ratio_used']:.3f} (target <= {result['target']}: "
          f"{'met' if result['met'] else 'NOT met'}); load average {result['loadavg']}")
    if as_json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
