"""The process group behind `newsdesk run`: a dead child is started again, one that keeps
dying makes the group give up with a failure, and a stop signal stops everything with 0.

The group runs in a process of its own, as `newsdesk run` does, with small children
written for the test; the pauses before restarts are shortened."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GROUP = """
import sys
from newsdesk.processes import ProcessGroup

group = ProcessGroup(max_restarts=int(sys.argv[1]), window=300, first_backoff=0.05,
                     max_backoff=0.2)
group.add("steady", [sys.executable, "-c", "import time; time.sleep(600)"])
group.add("second", [sys.executable, "-c", sys.argv[2]])
if sys.argv[3] == "lean":  # as the desk's commands run it: handed to a lean interpreter
    group.run_lean()
sys.exit(group.run())
"""
SLEEPS = "import time; time.sleep(600)"
EXITS_AT_ONCE = "raise SystemExit(3)"


class Group:
    """The group's process, and the children it reports starting on stderr."""

    def __init__(self, max_restarts: int, second_child: str, how: str = "lean"):
        self.process = subprocess.Popen(
            [sys.executable, "-c", GROUP, str(max_restarts), second_child, how],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.said.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"{pattern!r} never said; said: {self.said}")

    def started(self, name: str) -> int:
        return int(self.wait_for(rf"started {name} \(pid (\d+)\)").group(1))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def group():
    groups: list[Group] = []

    def start(max_restarts: int = 5, second_child: str = SLEEPS, how: str = "lean") -> Group:
        groups.append(Group(max_restarts, second_child, how))
        return groups[-1]

    yield start
    for started in groups:
        started.close()


def gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", ["lean", "in place"])
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_child_is_started_again_and_a_stop_signal_ends_all_with_status_0(
    group, stop_signal, how
):
    desk = group(how=how)
    steady, second = desk.started("steady"), desk.started("second")
    if how == "lean":  # the same process, now running only newsdesk.processes
        argv = Path(f"/proc/{desk.process.pid}/cmdline").read_bytes().split(b"\0")
        assert argv[1:3] == [b"-m", b"newsdesk.processes"]

    os.kill(second, signal.SIGKILL)

    desk.wait_for(r"second was killed by SIGKILL; starting it again")
    restarted = desk.started("second")
    assert restarted != second
    os.kill(steady, 0)  # the other child went on running
    desk.process.send_signal(stop_signal)
    assert desk.process.wait(timeout=20) == 0
    assert gone(steady) and gone(restarted)


def test_a_child_that_keeps_dying_makes_the_group_give_up_with_a_failure(group):
    desk = group(max_restarts=3, second_child=EXITS_AT_ONCE)
    steady = desk.started("steady")

    desk.wait_for(r"second exited with status 3, its 4th exit within 300 s .* giving up")

    assert desk.process.wait(timeout=20) == 1
    assert gone(steady), "the other children were not stopped"


def test_children_of_a_killed_group_are_stopped_too(group):
    desk = group()
    steady, second = desk.started("steady"), desk.started("second")

    desk.process.kill()

    assert gone(steady) and gone(second), "a child outlived its killed group"
