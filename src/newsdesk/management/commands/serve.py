"""`newsdesk serve`: the web server alone (gunicorn, static files by WhiteNoise)."""


from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from newsdesk.core.client_address import trusted_proxy_networks
from newsdesk.core.metrics import start_afresh_when_alone
from newsdesk.processes import ProcessGroup
from newsdesk.settings_table import env


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """gunicorn believes X-Forwarded-Proto only from NEWSDESK_TRUSTED_PROXIES, as Django
    does (its own default would believe any client on loopback)."""
    import sys

    return [
        sys.executable,
        "-m",
        "gunicorn",
        "newsdesk.wsgi:application",
        "--bind",
        f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--graceful-timeout",
        "5",
        "--forwarded-allow-ips",
        ",".join(str(network) for network in trusted_proxy_networks()),
        # With JSON logs, Newsdesk logs each request itself (operations.middleware).
        *([] if settings.NEWSDESK_LOG_FORMAT == "json" else ["--access-logfile", "-"]),
    ]


class Command(BaseCommand):
    help = "Serve the site and the admin with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env("HOST"))
        parser.add_argument("--port", type=int, default=env("PORT"))
        parser.add_argument("--workers", type=int, default=env("WEB_WORKERS"))

    def handle(self, *args, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        group = ProcessGroup(on_start=start_afresh_when_alone)
        group.add("web", gunicorn_argv(options["host"], options["port"], options["workers"]))
        group.run_lean()
