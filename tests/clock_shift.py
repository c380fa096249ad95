"""The suite's clock, shifted by NEWSDESK_TEST_CLOCK_SHIFT hours (unset or 0: the real one).

`make test` runs the SQLite pass under a random shift and prints it, so that a test which
passes only at some times of day fails somewhere in CI instead of at 06:30 one morning,
and `NEWSDESK_TEST_CLOCK_SHIFT=<hours> make test` repeats a failing run. The shift starts
when the test settings are imported: in pytest's own process, and in every `newsdesk`
command a test starts as a subprocess (they inherit the variable and load the same
settings), so all of them agree on what time it is. The clock keeps running (time-machine's
tick). Monotonic clocks, the database server's own clock and programs that do not load
the test settings are not shifted: the publisher simulator run as a subprocess (its test
only reads what it serves), openssl, and the desks of the kill -9 tests and of the
worker-metrics test, which run on a settings module and SQLite file of their own and share
nothing that depends on the time with the test's process.
"""

import os
from datetime import UTC, datetime, timedelta

import time_machine

SHIFT_VARIABLE = "NEWSDESK_TEST_CLOCK_SHIFT"
_travel: time_machine.travel | None = None


def shift_hours() -> float:
    """The shift asked for in the environment, in hours (0 when unset)."""
    value = os.environ.get(SHIFT_VARIABLE, "").strip()
    if not value:
        return 0.0
    try:
        return float(value)
    except ValueError:
        raise SystemExit(
            f"{SHIFT_VARIABLE}={value!r}: expected a number of hours, e.g. 5 or -13.5"
        ) from None


def start() -> float:
    """Shift this process's clock (once); returns the shift in hours."""
    global _travel
    hours = shift_hours()
    if hours and _travel is None:
        _travel = time_machine.travel(datetime.now(UTC) + timedelta(hours=hours), tick=True)
        _travel.start()
    return hours
