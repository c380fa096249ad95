"""`newsdesk run`: everything on one machine — web server, task worker, scheduler.

On first start it prepares the embedded default: migrates, creates an admin account
and imports the bundled list of sources. A process that dies is started again
(newsdesk.processes); if one keeps dying, all stop and the exit status is 1. Ctrl-C
stops all three.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from newsdesk.core.metrics import start_afresh_when_alone
from newsdesk.management.commands.serve import gunicorn_argv
from newsdesk.processes import ProcessGroup, newsdesk_command
from newsdesk.settings_table import env

DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "data" / "default-sources.opml"


def check_admin_password(password: str) -> None:
    """NEWSDESK_ADMIN_PASSWORD must pass the password validators, as any password set in
    the admin must."""
    try:
        validate_password(password, user=get_user_model()(username="admin"))
    except ValidationError as error:
        raise CommandError(
            f"NEWSDESK_ADMIN_PASSWORD is too weak: {' '.join(error.messages)} Choose "
            "another, or leave it unset to have a strong one generated."
        ) from None


def prepare(opml: Path, stdout) -> None:
    """Migrate, create the admin account once, and import sources when there are none."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    User = get_user_model()
    if not User.objects.filter(is_superuser=True).exists():
        password = env("NEWSDESK_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        check_admin_password(password)
        User.objects.create_superuser("admin", "", password)
        shown = (
            "from NEWSDESK_ADMIN_PASSWORD"
            if env("NEWSDESK_ADMIN_PASSWORD")
            else password
        )
        stdout.write(
            f"Created the admin account: user 'admin', password {shown} "
            "(shown once; change it in the admin)."
        )
    from newsdesk.sources.models import Source

    if not Source.objects.exists():
        call_command("sources", "import", str(opml), stdout=stdout)


def run_desk(host: str, port: int, stdout, extra_env: dict | None = None) -> None:
    """Start the three and supervise them (never returns: see ProcessGroup.run_lean)."""
    stdout.write(
        f"Newsdesk on {settings.NEWSDESK_BASE_URL} (listening on {host}:{port}); Ctrl-C stops it."
    )
    group = ProcessGroup(on_start=start_afresh_when_alone)
    group.add("web", gunicorn_argv(host, port, env("WEB_WORKERS")), extra_env)
    group.add("worker", newsdesk_command("worker"), extra_env)
    group.add("scheduler", newsdesk_command("scheduler"), extra_env)
    group.run_lean()


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env("HOST"))
        parser.add_argument("--port", type=int, default=env("PORT"))
        parser.add_argument(
            "--sources",
            type=Path,
            default=DEFAULT_SOURCES,
            help="OPML file imported on first start.",
        )
        parser.add_argument(
            "--poll-every",
            type=int,
            default=None,
            help="Poll every source this often (seconds), overriding the learnt "
            "interval (the demo uses 10).",
        )

    def handle(self, *args, **options):
        extra_env = {}
        if "NEWSDESK_BASE_URL" not in os.environ:
            # Links in mails and feeds must point where the server really listens.
            shown_host = "127.0.0.1" if options["host"] in ("0.0.0.0", "::") else options["host"]
            extra_env["NEWSDESK_BASE_URL"] = f"http://{shown_host}:{options['port']}"
            os.environ.update(extra_env)
        prepare(options["sources"], self.stdout)
        if options["poll_every"]:
            from newsdesk.sources.models import Source

            Source.objects.update(poll_interval_override=options["poll_every"])
        run_desk(options["host"], options["port"], self.stdout, extra_env)
