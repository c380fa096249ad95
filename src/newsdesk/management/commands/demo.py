"""`newsdesk demo`: the whole desk following the publisher simulator on loopback.

Like `newsdesk run`, but its sources are made-up publishers served on this machine
(127.0.0.0/8), polled every few seconds, so anyone without a network sees a full
site within a minute. It keeps its own database under var/demo/.
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from newsdesk.core.metrics import start_afresh_when_alone
from newsdesk.processes import ProcessGroup, newsdesk_command


class Command(BaseCommand):
    help = "Run Newsdesk against the built-in publisher simulator (no internet needed)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--simulator-port", type=int, default=8900)
        parser.add_argument(
            "--speed",
            type=float,
            default=20.0,
            help="How fast simulated time runs (new articles appear sooner).",
        )

    def handle(self, *args, **options):
        from newsdesk import simulator

        sim_port = options["simulator_port"]
        resolve = simulator.resolve_map()
        shown_host = "127.0.0.1" if options["host"] in ("0.0.0.0", "::") else options["host"]
        env = {
            "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
            "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={ip}" for h, ip in resolve.items()),
            "NEWSDESK_POLL_MIN_SECONDS": "10",
            # the demo's news arrives within minutes: let its story fragments settle as fast
            "NEWSDESK_STORY_SETTLE_MINUTES": "2",
            "NEWSDESK_VAR_DIR": os.environ.get(
                "NEWSDESK_VAR_DIR", str(Path.cwd() / "var" / "demo")
            ),
            "NEWSDESK_BASE_URL": os.environ.get(
                "NEWSDESK_BASE_URL", f"http://{shown_host}:{options['port']}"
            ),
        }
        opml = Path(tempfile.mkdtemp(prefix="newsdesk-demo-")) / "simulator.opml"
        opml.write_text(simulator.opml(port=sim_port), encoding="utf-8")
        group = ProcessGroup(on_start=start_afresh_when_alone)
        group.add(
            "simulator",
            [
                sys.executable,
                "-m",
                "newsdesk.simulator",
                "--port",
                str(sim_port),
                "--speed",
                str(options["speed"]),
            ],
            env,
        )
        group.add(
            "desk",
            newsdesk_command(
                "run",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--sources",
                str(opml),
                "--poll-every",
                "10",
            ),
            env,
        )
        raise SystemExit(group.run())
