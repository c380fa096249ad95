"""`newsdesk worker`: run the task workers (django-tasks-db) until stopped.

General processes (one per CPU by default) take the polling, extraction and mail
queues; one more takes the clustering queue, so that story assignment is
serialised. Several machines may each run `newsdesk worker`: clustering
additionally holds a database lock.

The fetch limits (NEWSDESK_FETCH_CONCURRENCY, NEWSDESK_FETCH_PER_HOST) are for the
whole machine: they are divided among its general processes.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from newsdesk.core.metrics import start_afresh_when_alone
from newsdesk.processes import ProcessGroup, newsdesk_command

# Clustering catches up in the background: polls, extraction and the web server come first.
CLUSTERING_NICENESS = 10


class Command(BaseCommand):
    help = "Run background task workers (polling, extraction, clustering, mail)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--processes",
            type=int,
            default=os.cpu_count() or 1,
            help="General worker processes (default: one per CPU).",
        )
        parser.add_argument(
            "--no-clustering", action="store_true", help="Do not run a clustering consumer here."
        )
        parser.add_argument("--interval", type=float, default=0.5, help="Idle poll interval (s).")

    def handle(self, *args, **options):
        group = ProcessGroup(on_start=start_afresh_when_alone)
        processes = max(1, options["processes"])
        share = {
            "NEWSDESK_FETCH_CONCURRENCY": str(
                max(1, settings.NEWSDESK_FETCH_CONCURRENCY // processes)
            ),
            "NEWSDESK_FETCH_PER_HOST": str(max(1, settings.NEWSDESK_FETCH_PER_HOST // processes)),
        }
        interval = str(options["interval"])
        for n in range(processes):
            group.add(
                f"worker-{n + 1}",
                newsdesk_command(
                    "db_worker", "--queue-name", "default,mail", "--interval", interval
                ),
                share,
            )
        if not options["no_clustering"]:
            group.add(
                "clustering",
                newsdesk_command("db_worker", "--queue-name", "clustering", "--interval", interval),
                nice=CLUSTERING_NICENESS,
            )
        group.run_lean()
