"""`newsdesk scheduler`: turn due database state into tasks, forever.

The schedule is state in the database (each source's next_poll_at, each
subscriber's next digest time); this loop only reads it and enqueues work, so any
number of schedulers may run and a restart loses nothing.
"""

import signal
import time

from django.core.management.base import BaseCommand

from newsdesk import pipeline


class Command(BaseCommand):
    help = "Enqueue polls of due sources and due digests, every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while running:
            pipeline.schedule_due_work()
            if options["once"]:
                break
            deadline = time.monotonic() + options["interval"]
            while running and time.monotonic() < deadline:
                time.sleep(0.1)
