"""Running several Newsdesk processes together and stopping them all cleanly.

`newsdesk run` and `newsdesk worker` start child processes (web server, workers,
scheduler); Ctrl-C or SIGTERM stops every child, and if one child dies the others
are stopped too, so nothing is left running half a desk.
"""

import os
import signal
import subprocess
import sys
import time


def newsdesk_command(*args: str) -> list[str]:
    """argv that runs a `newsdesk` management command with this interpreter."""
    return [sys.executable, "-m", "newsdesk.cli", *args]


class ProcessGroup:
    def __init__(self) -> None:
        self.commands: list[tuple[str, list[str], dict | None, int]] = []
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def add(self, name: str, argv: list[str], env: dict | None = None, nice: int = 0) -> None:
        """Run argv as a child; nice > 0 gives it a lower CPU priority than the others."""
        self.commands.append((name, argv, env, nice))

    def run(self) -> int:
        """Start every command; return when one exits or a stop signal arrives."""
        from newsdesk.core.metrics import start_afresh_when_alone

        start_afresh_when_alone()  # the counts of an earlier run (see core.metrics)
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for name, argv, env, nice in self.commands:
                self.children[name] = subprocess.Popen(
                    argv,
                    env={**os.environ, **(env or {})},
                    preexec_fn=(lambda n=nice: os.nice(n)) if nice else None,  # noqa: PLW1509
                )
                print(f"started {name} (pid {self.children[name].pid})", file=sys.stderr)
            while not self.stopping:
                for name, child in self.children.items():
                    if child.poll() is not None:
                        print(
                            f"{name} exited with status {child.returncode}; stopping the rest",
                            file=sys.stderr,
                        )
                        self.stopping = True
                        break
                time.sleep(0.2)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def stop(self, grace: float = 10.0) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
