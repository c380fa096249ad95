"""`newsdesk digest send [--dry-run]`: mail the breaking alerts and digests that are due,
now."""

from django.core.management.base import BaseCommand, CommandError

from newsdesk.newsletter.digest import dry_run, send_due_digests


class Command(BaseCommand):
    help = (
        "Digests: `digest send` mails every confirmed subscriber whose digest is due, and "
        "the breaking-story alerts that are due."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        send = actions.add_parser("send", help="plan and send the digests that are due")
        send.add_argument(
            "--dry-run", action="store_true",
            help="list who would get a digest and with what, without writing or sending",
        )

    def handle(self, *args, action=None, dry_run=False, **options):
        if action != "send":
            raise CommandError("say what to do: `newsdesk digest send [--dry-run]`", returncode=2)
        if dry_run:
            self._dry_run()
            return
        sent = send_due_digests()
        self.stdout.write(f"{sent} mail{'s' if sent != 1 else ''} sent (digests and alerts)")

    def _dry_run(self):
        report = dry_run()
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(
            f"dry run: {report.planned} digest{'s' if report.planned != 1 else ''} would be "
            f"sent, {report.skipped} subscriber{'s' if report.skipped != 1 else ''} have "
            f"nothing new, {report.alerts} breaking alert{'s' if report.alerts != 1 else ''} "
            "would be sent; nothing was written or sent"
        )
