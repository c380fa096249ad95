"""`newsdesk restore FILE`: replace the database with a backup (stop the desk first)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace everything in the configured database with the backup in FILE, then bring "
        "its tables up to this version. Stop the web server, workers and scheduler first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            report = restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        # A backup made by an older version: its tables are migrated to this one.
        call_command("migrate", interactive=False, verbosity=0)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        key = " and its secret key" if report.secret_key_included else ""
        self.stdout.write(f"Restored the {report.engine} database{key} from {report.path}. "
                          "Start the desk again.")
