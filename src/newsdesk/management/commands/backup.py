"""`newsdesk backup FILE`: the whole desk in one file, safe while the desk runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE (SQLite: a consistent copy that also holds the "
        "generated secret key; PostgreSQL: a pg_dump custom-format archive)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            report = backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        size = report.path.stat().st_size
        key = " and its secret key" if report.secret_key_included else ""
        self.stdout.write(f"Backed up the {report.engine} database{key} to {report.path} "
                          f"({size / 2**20:.1f} MB).")
