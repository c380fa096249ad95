"""`newsdesk sources add URL | list [--broken] | remove ID | import FILE.opml | export`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from django.utils import timezone

from newsdesk.core.text import shown_escaped
from newsdesk.core.words import count
from newsdesk.sources.models import Source
from newsdesk.sources.registry import SourceError, add_source, export_opml, import_opml


class Command(BaseCommand):
    help = "Manage the sources Newsdesk follows."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Follow a site or feed URL.")
        add.add_argument("url")
        add.add_argument(
            "--topic",
            action="append",
            default=[],
            help="Topic path, e.g. World/Europe (repeatable).",
        )
        add.add_argument("--show-tries", action="store_true",
                         help="If nothing is found, list every address tried.")
        listing = actions.add_parser("list", help="Show sources and their health.")
        listing.add_argument("--broken", action="store_true", help="Only sources with errors.")
        remove = actions.add_parser("remove", help="Stop following a source.")
        remove.add_argument("id", type=int)
        imp = actions.add_parser("import", help="Follow every feed of an OPML file.")
        imp.add_argument("file", type=Path)
        actions.add_parser("export", help="Write all sources as OPML to standard output.")

    def handle(self, *args, **options):
        getattr(self, f"do_{options['action']}")(options)

    def do_add(self, options):
        """One line, as every error; with --show-tries every attempt first, one a line."""
        try:
            added = add_source(options["url"], topics=options["topic"])
        except SourceError as exc:
            if options["show_tries"] or options["verbosity"] >= 2:
                for attempt in exc.attempts:
                    self.stderr.write(f"  tried {attempt}")
            elif exc.attempts:
                exc = f"{exc} (`newsdesk sources add --show-tries URL` lists every try)"
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(added.message)

    def do_list(self, options):
        now = timezone.now()
        day_ago = now - timezone.timedelta(days=1)
        sources = (
            Source.objects.select_related("publisher")
            .annotate(entries_today=Count("entries", filter=Q(entries__fetched_at__gte=day_ago)))
            .order_by("pk")
        )
        if options["broken"]:
            sources = sources.filter(error_count__gt=0)
        shown = 0
        for s in sources:
            shown += 1
            state = "disabled" if not s.enabled else ("BROKEN" if s.error_count else "ok")
            last_ok = s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never"
            # Titles and errors quote publishers: escapes, never raw control characters.
            name = shown_escaped(s.title or s.publisher.name)
            self.stdout.write(
                f"{s.pk:>5}  {state:<8} {name}  <{shown_escaped(s.url)}>\n"
                f"       last success {last_ok}, next poll {s.next_poll_at:%Y-%m-%d %H:%M}, "
                f"{s.entries_today} entries in the last day"
                + (f"\n       last error: {shown_escaped(s.last_error)}" if s.error_count else "")
            )
        if not shown:
            self.stdout.write(self.nothing_listed(options["broken"]))

    def nothing_listed(self, broken: bool) -> str:
        """What an empty listing means, and what to do next."""
        total = Source.objects.count()
        if not total:
            return ("no sources yet: follow one with `newsdesk sources add URL`, or import a "
                    "list with `newsdesk sources import FILE.opml`")
        return f"no broken sources: {count(total, 'source')} followed, none failing"

    def do_remove(self, options):
        deleted = Source.objects.filter(pk=options["id"]).delete()[0]
        if not deleted:
            raise CommandError(
                f"there is no source {options['id']}; `newsdesk sources list` shows their ids",
                returncode=2,
            )
        self.stdout.write(f"source {options['id']} removed")

    def do_import(self, options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        from newsdesk.sources.opml import OpmlError

        try:
            added, existing = import_opml(path.read_bytes(), name=str(path))
        except OpmlError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"{path}: {count(added, 'source')} added, {existing} already followed")

    def do_export(self, options):
        sys.stdout.buffer.write(export_opml())
