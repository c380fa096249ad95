"""`newsdesk digest send [--dry-run]`: mail the breaking alerts and digests that are due,
now."""

from django.core.management.base import BaseCommand, CommandError

from newsdesk.core.words import count
from newsdesk.newsletter.digest import dry_run, send_due_digests
from newsdesk.newsletter.models import Subscriber


class Command(BaseCommand):
    help = (
        "Mail the digests and breaking-story alerts that are due (`digest send`). Every "
        "confirmed subscriber whose digest is due gets one; --dry-run only lists them."
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
        if sent:
            self.stdout.write(f"{count(sent, 'mail')} sent (digests and alerts)")
        else:
            self.stdout.write(f"nothing to send: {self._why_nothing()}")

    def _dry_run(self):
        report = dry_run()
        for line in report.lines:
            self.stdout.write(line)
        have = "has" if report.skipped == 1 else "have"
        self.stdout.write(
            f"dry run: {count(report.planned, 'digest')} would be sent, "
            f"{count(report.skipped, 'subscriber')} {have} nothing new, "
            f"{count(report.alerts, 'breaking alert')} would be sent; nothing was written or sent"
        )

    @staticmethod
    def _why_nothing() -> str:
        confirmed = Subscriber.objects.filter(state=Subscriber.State.CONFIRMED).count()
        if not confirmed:
            return "no confirmed subscribers yet"
        return (f"{count(confirmed, 'confirmed subscriber')}, none due with anything new "
                "(`newsdesk digest send --dry-run` shows who is due)")
