"""`python -m newsdesk.simulator`: serve the simulated publishers until Ctrl-C.

Prints to stderr where everything is: the publishers' URLs, the host-to-address map for
NEWSDESK_FETCH_RESOLVE (also written as JSON next to the OPML file) and the OPML file to
import into Newsdesk.
"""

import argparse
import asyncio
import json
import signal
import sys
import tempfile
from pathlib import Path

from .farm import FARM_MODES
from .server import Simulator, SimulatorError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m newsdesk.simulator",
        description="Serve made-up news publishers (and optionally a feed farm) on loopback.",
    )
    parser.add_argument("--port", type=int, default=8900,
                        help="port on every address (0 = any free port; default 8900)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="release future articles this many times faster (demo: 10)")
    parser.add_argument("--release-all", action="store_true",
                        help="publish every article from the start")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="delay every publisher and farm response by this much")
    parser.add_argument("--failure-rate", type=float, default=0.0,
                        help="fraction of requests answered 503 with Retry-After (0..1)")
    parser.add_argument("--retry-after", type=int, default=5,
                        help="Retry-After seconds sent with those 503s")
    parser.add_argument("--farm-feeds", type=int, default=0,
                        help="also serve this many benchmark feeds")
    parser.add_argument("--farm-hosts", type=int, default=100,
                        help="spread the farm feeds over this many host names")
    parser.add_argument("--farm-entries", type=int, default=20, help="items per farm feed")
    parser.add_argument("--farm-mode", choices=FARM_MODES, default="warm",
                        help="warm: conditional requests get 304; cold: every poll is new")
    parser.add_argument("--no-publishers", action="store_true",
                        help="serve only the farm (for benchmarks)")
    parser.add_argument("--opml", type=Path, default=None,
                        help="write the OPML here (default: a file in the temp directory)")
    return parser.parse_args(argv)


async def serve(simulator: Simulator, opml_path: Path) -> None:
    await simulator.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        announce(simulator, opml_path)
        await stop.wait()
    finally:
        await simulator.stop()
        print("simulator: stopped", file=sys.stderr)


def announce(simulator: Simulator, opml_path: Path) -> None:
    """Write the OPML and resolve map to files and say on stderr where everything is."""
    opml_path.write_text(simulator.opml(include_farm=simulator.farm is not None))
    resolve_path = opml_path.with_suffix(".resolve.json")
    resolve_path.write_text(json.dumps(simulator.resolve_map(), indent=1) + "\n")
    out = sys.stderr
    addresses = simulator.addresses()
    print(f"simulator: listening on port {simulator.port} of {len(addresses)} loopback "
          f"addresses ({addresses[0]}, {', '.join(addresses[1:4])}, ...)", file=out)
    for publisher in simulator.publishers:
        print(f"  {publisher.name:20} {simulator.base_url(publisher.host)}/  "
              f"[{publisher.address}, {publisher.feed_format or 'no feed'}, {publisher.layout}, "
              f"{publisher.language}]", file=out)
    if simulator.farm is not None:
        farm = simulator.farm
        print(f"  feed farm: {farm.feeds} feeds x {farm.entries} items on {farm.hosts} hosts "
              f"({farm.host_names[0]} = {farm.host_addresses[0]} ...), mode {farm.mode}",
              file=out)
    if len(simulator.resolve_map()) <= 12:
        print(f"NEWSDESK_FETCH_RESOLVE={json.dumps(simulator.resolve_map())}", file=out)
    print(f"simulator: resolve map in {resolve_path}", file=out)
    print(f"simulator: OPML in {opml_path}", file=out)
    print(f"simulator: stats at http://127.0.0.1:{simulator.port}/_sim/stats; Ctrl-C stops",
          file=out)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        simulator = Simulator(
            args.port, latency_ms=args.latency_ms, failure_rate=args.failure_rate,
            retry_after_s=args.retry_after, speed=args.speed, release_all=args.release_all,
            farm_feeds=args.farm_feeds, farm_hosts=args.farm_hosts,
            farm_entries=args.farm_entries, farm_mode=args.farm_mode,
            publishers=not args.no_publishers,
        )
    except ValueError as error:
        print(f"simulator: {error}", file=sys.stderr)
        return 2
    opml_path = args.opml or Path(tempfile.gettempdir()) / f"newsdesk-simulator-{args.port}.opml"
    try:
        asyncio.run(serve(simulator, opml_path))
    except SimulatorError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"simulator: cannot write {opml_path}: {error.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
