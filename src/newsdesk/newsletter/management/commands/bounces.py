"""`newsdesk bounces serve [--host H] [--port P]`: receive bounces, complaints and mailto
unsubscriptions over SMTP. `newsdesk bounces process FILE --to ADDRESS`: process one
message from a file, or "-" for standard input (for an MTA's pipe transport)."""

import signal
import sys
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.newsletter import bounces, receiver


class Command(BaseCommand):
    help = "Bounces and complaints: run the receiver, or process one message."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        serve = actions.add_parser("serve", help="run the SMTP receiver for the bounce domain")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=2525)
        process = actions.add_parser("process", help="process one message (file or -)")
        process.add_argument("file")
        process.add_argument("--to", action="append", default=[],
                             help="envelope recipient (the VERP address); repeatable")

    def handle(self, *args, action=None, **options):
        if action == "serve":
            self._serve(options["host"], options["port"])
        elif action == "process":
            self._process(options["file"], options["to"])
        else:
            raise CommandError("say what to do: `newsdesk bounces serve` or "
                               "`newsdesk bounces process FILE --to ADDRESS`", returncode=2)

    def _serve(self, host, port):
        try:
            controller = receiver.start(host, port)
        except OSError as error:
            raise CommandError(
                f"cannot listen on {host}:{port}: {error.strerror}", returncode=2
            ) from None
        self.stdout.write(f"receiving bounces on {host}:{port} (Ctrl-C stops)")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()

    def _process(self, name, recipients):
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot read: {error.strerror}", returncode=2) from None
        findings = bounces.handle_incoming(raw, recipients)
        for finding in findings:
            self.stdout.write(f"{finding.kind}: {finding.recipient or '?'} {finding.detail}")
        if not findings:
            self.stdout.write("no bounce or complaint found in the message")
