"""The publisher simulator: made-up news publishers (and a feed farm) on loopback.

Used by the demo (`newsdesk demo`), the tests and the benchmarks, so that Newsdesk can be
watched and measured without the internet. Pure aiohttp and the standard library: it
needs no Django. See server.py for the addressing scheme and `python -m newsdesk.simulator
--help` for the command line.
"""

from .catalog import PUBLISHERS, Publisher
from .directory import feed_urls, opml, resolve_map
from .server import Simulator, SimulatorError
from .thread import SimulatorThread

__all__ = [
    "PUBLISHERS",
    "Publisher",
    "Simulator",
    "SimulatorError",
    "SimulatorThread",
    "feed_urls",
    "opml",
    "resolve_map",
]
