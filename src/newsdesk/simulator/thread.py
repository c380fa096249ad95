"""Run a Simulator on an event loop of its own, in a background thread.

For synchronous callers (pytest tests, Django's test runner, the demo command): the
context manager returns once the server is listening and stops it on exit.
"""

import asyncio
import threading

from .server import Simulator


class SimulatorThread:
    """`with SimulatorThread(latency_ms=50) as sim: urlopen(sim.feed_urls()[0])`.

    Takes the same arguments as Simulator; the simulator itself is `.simulator`.
    """

    def __init__(self, **simulator_args):
        self.simulator = Simulator(**simulator_args)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> "SimulatorThread":
        self._thread = threading.Thread(target=self._run, name="newsdesk-simulator", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self.simulator.start())
        except BaseException as error:  # handed to the thread that called start()
            self._error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.simulator.stop())
            loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> "SimulatorThread":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Conveniences that read or steer the running simulator.

    @property
    def port(self) -> int:
        return self.simulator.port

    def base_url(self, host: str) -> str:
        return self.simulator.base_url(host)

    def resolve_map(self) -> dict[str, str]:
        return self.simulator.resolve_map()

    def feed_urls(self) -> list[str]:
        return self.simulator.feed_urls()

    def farm_feed_urls(self) -> list[str]:
        return self.simulator.farm_feed_urls()

    def opml(self, include_farm: bool = False) -> str:
        return self.simulator.opml(include_farm)

    def advance(self, seconds: float) -> None:
        self.simulator.advance(seconds)

    def release_all(self) -> None:
        self.simulator.release_all()

    def stats(self) -> dict:
        return self.simulator.stats.snapshot()
