"""Running several Newsdesk processes together, restarting the ones that die.

`newsdesk run`, `newsdesk worker`, `newsdesk serve` and `newsdesk demo` start child
processes (web server, workers, scheduler). A child that dies is started again after
a pause that doubles with each death (1 s, 2 s, 4 s ... at most 30 s), while the others
go on serving. A child that dies more often than the restart limit allows
(NEWSDESK_RESTART_LIMIT, 5 deaths within 300 s) is taken as unable to run: the group
stops the rest and exits with status 1, so that a supervisor (systemd, a container
runtime) restarting on failure takes over. Ctrl-C or SIGTERM stops every child and
exits with status 0.

Children run in process groups of their own, so that Ctrl-C in a terminal reaches them
once, through this process, and they are told to stop if this process dies.

The desk's commands hand the group to a lean interpreter (``run_lean``): the command's
process, which loaded Django and the whole project to read its settings, replaces itself
(same pid, same signals, same output) with `python -m newsdesk.processes`, which imports
nothing but this module. A supervisor then holds about 10 MB instead of 100 MB.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

GAVE_UP = 1
_PR_SET_PDEATHSIG = 1


def newsdesk_command(*args: str) -> list[str]:
    """argv that runs a `newsdesk` management command with this interpreter."""
    return [sys.executable, "-m", "newsdesk.cli", *args]


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict | None
    nice: int
    process: subprocess.Popen | None = None
    deaths: deque = field(default_factory=deque)  # monotonic times of recent deaths
    start_at: float = 0.0  # when to start it (again)


class ProcessGroup:
    """Children started together, restarted with back-off, stopped together."""

    def __init__(
        self,
        max_restarts: int | None = None,
        window: float | None = None,
        first_backoff: float = 1.0,
        max_backoff: float = 30.0,
        on_start: Callable[[], object] | None = None,
    ) -> None:
        """on_start runs once before the children start (the desk's commands pass the
        metrics directory's clean-up, core.metrics.start_afresh_when_alone)."""
        if max_restarts is None or window is None:
            from django.conf import settings

            max_restarts, window = settings.NEWSDESK_RESTART_LIMIT
        self.max_restarts, self.window = max_restarts, window
        self.first_backoff = first_backoff
        self.on_start = on_start
        self.max_backoff = max_backoff
        self.children: list[Child] = []
        self.stopping = False

    def add(self, name: str, argv: list[str], env: dict | None = None, nice: int = 0) -> None:
        """Run argv as a child; nice > 0 gives it a lower CPU priority than the others."""
        self.children.append(Child(name, argv, env, nice))

    def run(self) -> int:
        """Run every child until a stop signal (status 0) or until one gives out (GAVE_UP)."""
        if self.on_start is not None:
            self.on_start()
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        status = 0
        try:
            while not self.stopping:
                for child in self.children:
                    if self.stopping:
                        break
                    if child.process is None:
                        if time.monotonic() >= child.start_at:
                            self._start(child)
                    elif child.process.poll() is not None and not self._after_death(child):
                        status = GAVE_UP
                        self.stopping = True
                time.sleep(0.1)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def run_lean(self) -> None:
        """Run the group as ``run`` does, in this process replaced by an interpreter that
        imports only this module (never returns; the exit status is the group's)."""
        if self.on_start is not None:
            self.on_start()
        spec = {
            "max_restarts": self.max_restarts,
            "window": self.window,
            "first_backoff": self.first_backoff,
            "max_backoff": self.max_backoff,
            "children": [
                {"name": c.name, "argv": c.argv, "env": c.env, "nice": c.nice}
                for c in self.children
            ],
        }
        sys.stdout.flush()
        sys.stderr.flush()
        lean = [sys.executable, "-m", "newsdesk.processes", json.dumps(spec)]
        os.execv(sys.executable, lean)  # noqa: S606 (this interpreter, no shell)

    def _start(self, child: Child) -> None:
        parent = os.getpid()
        child.process = subprocess.Popen(
            child.argv,
            env={**os.environ, **(child.env or {})},
            process_group=0,
            preexec_fn=lambda: _prepare_child(parent, child.nice),  # noqa: PLW1509
        )
        say(f"started {child.name} (pid {child.process.pid})")

    def _after_death(self, child: Child) -> bool:
        """Schedule a restart of a child that exited; False when it died too often."""
        now = time.monotonic()
        status = describe_exit(child.process.returncode)
        child.process = None
        child.deaths.append(now)
        while child.deaths and child.deaths[0] < now - self.window:
            child.deaths.popleft()
        if len(child.deaths) > self.max_restarts:
            say(
                f"{child.name} {status}, its {len(child.deaths)}th exit within "
                f"{self.window:.0f} s (NEWSDESK_RESTART_LIMIT allows {self.max_restarts} "
                "restarts): giving up; stopping the rest"
            )
            return False
        pause = min(self.max_backoff, self.first_backoff * 2 ** (len(child.deaths) - 1))
        child.start_at = now + pause
        say(f"{child.name} {status}; starting it again in {pause:.0f} s")
        return True

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def stop(self, grace: float = 10.0) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def describe_exit(returncode: int) -> str:
    """'exited with status 3' or 'was killed by SIGKILL'."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _prepare_child(parent: int, nice: int) -> None:
    """In the child, before exec: lower its priority; ask Linux for SIGTERM when the group
    process dies (else a killed `newsdesk run` would leave its web server holding the port)."""
    if nice:
        os.nice(nice)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: children outlive a killed parent
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str]) -> int:
    """`python -m newsdesk.processes SPEC`: the group ``ProcessGroup.run_lean`` handed on."""
    spec = json.loads(argv[1])
    group = ProcessGroup(
        max_restarts=spec["max_restarts"],
        window=spec["window"],
        first_backoff=spec["first_backoff"],
        max_backoff=spec["max_backoff"],
    )
    for child in spec["children"]:
        group.add(child["name"], child["argv"], child["env"], child["nice"])
    return group.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
