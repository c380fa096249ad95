"""`newsdesk demo`: the whole desk following the publisher simulator on loopback.

Like `newsdesk run`, but its sources are made-up publishers served on this machine
(127.0.0.0/8), polled every few seconds, so anyone without a network sees a full
site within a minute. Each demo keeps its data under var/demo-PORT/ (PORT: the web
port), so that two demos on two ports run side by side: the simulator takes a free
port unless one is given, and keeps it for the next start (its publishers' addresses
are stored in that demo's sources).

var/demo-PORT/demo.env holds the demo's environment, so that any command can be run
against its database: `env $(cat var/demo-PORT/demo.env) .venv/bin/newsdesk ...`.
"""

import http.client
import os
import secrets
import sys
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk import settings_table
from newsdesk.core.metrics import start_afresh_when_alone
from newsdesk.core.private_files import write_private
from newsdesk.processes import ProcessGroup, newsdesk_command

SITE_UP_TIMEOUT = 300  # seconds to wait for the first answer before saying nothing more


class Command(BaseCommand):
    help = "Run Newsdesk against the built-in publisher simulator (no internet needed)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings_table.env("HOST"))
        parser.add_argument("--port", type=int, default=settings_table.env("PORT"))
        parser.add_argument(
            "--simulator-port", type=int, default=None,
            help="The simulator's port (default: a free one, kept in var/demo-PORT/).",
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=20.0,
            help="How fast simulated time runs (new articles appear sooner).",
        )

    def handle(self, *args, **options):
        from newsdesk import simulator

        port = options["port"]
        var = Path(settings_table.env("NEWSDESK_VAR_DIR") or Path.cwd() / "var" / f"demo-{port}")
        var = var.resolve()
        var.mkdir(parents=True, exist_ok=True)
        sim_port = simulator_port(var, options["simulator_port"])
        shown_host = "127.0.0.1" if options["host"] in ("0.0.0.0", "::") else options["host"]
        base_url = os.environ.get("NEWSDESK_BASE_URL", f"http://{shown_host}:{port}")
        env = {
            "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
            "NEWSDESK_FETCH_RESOLVE": ",".join(
                f"{h}={ip}" for h, ip in simulator.resolve_map().items()
            ),
            "NEWSDESK_POLL_MIN_SECONDS": "10",
            # the demo's news arrives within minutes: let its story fragments settle as fast
            "NEWSDESK_STORY_SETTLE_MINUTES": "2",
            "NEWSDESK_VAR_DIR": str(var),
            "NEWSDESK_BASE_URL": base_url,
        }
        replace_private(var / "demo.env", "".join(f"{k}={v}\n" for k, v in env.items()))
        password = settings_table.env("NEWSDESK_ADMIN_PASSWORD") or admin_password(var)
        opml = var / "simulator.opml"
        opml.write_text(simulator.opml(port=sim_port), encoding="utf-8")
        self.stdout.write(
            f"Demo data in {var}; run any command against it with\n"
            f"  env $(cat {var / 'demo.env'}) {Path(sys.argv[0]).name} COMMAND"
        )
        group = ProcessGroup(on_start=start_afresh_when_alone)
        group.add("simulator", [sys.executable, "-m", "newsdesk.simulator", "--port",
                                str(sim_port), "--speed", str(options["speed"]),
                                "--opml", str(var / "simulator-announced.opml")], env)
        group.add(
            "desk",
            newsdesk_command("run", "--host", options["host"], "--port", str(port),
                             "--sources", str(opml), "--poll-every", "10"),
            {**env, "NEWSDESK_ADMIN_PASSWORD": password},
        )
        announce = threading.Thread(
            target=self.announce_when_up, args=(shown_host, port, base_url, password, var),
            daemon=True,
        )
        announce.start()
        raise SystemExit(group.run())

    def announce_when_up(self, host, port, base_url, password, var) -> None:
        """Once the site answers, say where it is and how to log in to the admin again
        (the first start's lines have scrolled away by then)."""
        if not wait_for_site(host, port, SITE_UP_TIMEOUT):
            return
        self.stdout.write(
            f"\nThe demo is up: {base_url}/ . Admin: {base_url}/admin/ user 'admin', "
            f"password {password} (unless you changed it there).\n"
            f"Commands against its database: env $(cat {var / 'demo.env'}) newsdesk COMMAND\n"
        )


def simulator_port(var: Path, requested: int | None) -> int:
    """The simulator's port: the one asked for, else the one this demo used before (its
    sources point there), else any free one; remembered in var/simulator-port."""
    from newsdesk.simulator import Simulator

    remembered = var / "simulator-port"
    port = requested
    if port is None and remembered.exists():
        port = int(remembered.read_text().strip() or 0) or None
    free = Simulator(port or 0, listen_ipv6=False).port_available()
    if free is None:
        where = "you asked for" if requested else f"this demo's sources use ({remembered})"
        raise CommandError(
            f"the simulator's port {port}, which {where}, is taken by another program. Stop "
            f"it, give another with --simulator-port, or delete {var} to start afresh.",
            returncode=2,
        )
    remembered.write_text(f"{free}\n", encoding="ascii")
    return free


def admin_password(var: Path) -> str:
    """The demo's admin password: made once, kept in var/admin-password (owner only), so
    that every start can say it again."""
    path = var / "admin-password"
    write_private(path, secrets.token_urlsafe(12) + "\n")  # only if it is not there yet
    return path.read_text(encoding="ascii").strip()


def replace_private(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    write_private(path, text)


def wait_for_site(host: str, port: int, timeout: float) -> bool:
    """Whether the site answered an HTTP request within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request("GET", "/")
            if connection.getresponse().status < 500:
                return True
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(1)
    return False
