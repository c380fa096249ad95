"""`newsdesk poll [--source ID]`: poll now, in the foreground, with progress on stderr."""

import sys

from django.core.management.base import BaseCommand, CommandError

from newsdesk import pipeline
from newsdesk.core.text import shown_escaped
from newsdesk.core.words import count
from newsdesk.sources.models import Source


class Command(BaseCommand):
    help = "Poll sources now (all enabled ones, or one) and store what they publish."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=int, help="Only this source id.")
        parser.add_argument("--batch", type=int, default=50)

    def handle(self, *args, **options):
        sources = Source.objects.filter(enabled=True)
        if options["source"] is not None:
            sources = Source.objects.filter(pk=options["source"])
            if not sources.exists():
                raise CommandError(f"there is no source {options['source']}", returncode=2)
        ids = list(sources.values_list("pk", flat=True))
        if not ids:
            self.stdout.write(
                "no enabled sources to poll: `newsdesk sources list` shows them all"
                if Source.objects.exists()
                else "no sources yet: follow one with `newsdesk sources add URL`"
            )
            return
        done = new = failed = 0
        for start in range(0, len(ids), options["batch"]):
            for outcome in pipeline.poll_now(ids[start : start + options["batch"]]):
                done += 1
                new += len(outcome.new_entry_ids)
                if outcome.error:
                    failed += 1
                    error = shown_escaped(outcome.error)  # may quote the publisher
                    print(f"\nsource {outcome.source_id}: {error}", file=sys.stderr)
            bar = "#" * int(30 * done / len(ids))
            print(
                f"\r[{bar:<30}] {done}/{count(len(ids), 'source')}, "
                f"{count(new, 'new entry', 'new entries')}",
                end="",
                file=sys.stderr,
                flush=True,
            )
        print(file=sys.stderr)
        self.stdout.write(
            f"polled {count(done, 'source')}: {count(new, 'new entry', 'new entries')}, "
            f"{failed} failed"
        )
