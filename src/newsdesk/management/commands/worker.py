"""`newsdesk worker`: run the task workers (django-tasks-db) until stopped.

One process takes the general queues (polling, extraction, mail); one more takes
the clustering queue, so that story assignment is serialised. Several machines may
each run `newsdesk worker`: clustering additionally holds a database lock.
"""

from django.core.management.base import BaseCommand

from newsdesk.processes import ProcessGroup, newsdesk_command


class Command(BaseCommand):
    help = "Run background task workers (polling, extraction, clustering, mail)."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=1, help="General worker processes.")
        parser.add_argument(
            "--no-clustering", action="store_true", help="Do not run a clustering consumer here."
        )
        parser.add_argument("--interval", type=float, default=0.5, help="Idle poll interval (s).")

    def handle(self, *args, **options):
        group = ProcessGroup()
        for n in range(options["processes"]):
            group.add(
                f"worker-{n + 1}",
                newsdesk_command(
                    "db_worker",
                    "--queue-name",
                    "default,mail",
                    "--interval",
                    str(options["interval"]),
                ),
            )
        if not options["no_clustering"]:
            group.add(
                "clustering",
                newsdesk_command(
                    "db_worker",
                    "--queue-name",
                    "clustering",
                    "--interval",
                    str(options["interval"]),
                ),
            )
        raise SystemExit(group.run())
