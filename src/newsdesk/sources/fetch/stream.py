"""Fetching a batch while the caller stores what has arrived.

The event loop runs in a background thread and hands each result over as soon as
it completes, so that synchronous code (the ORM) writes one result while the
next requests are still on the wire. At most `max_pending` results wait in memory:
a slow consumer holds the fetching back instead of piling up bodies.
"""

import asyncio
import queue
import threading
from collections.abc import Iterator, Sequence

from newsdesk.sources.fetch.client import Fetcher
from newsdesk.sources.fetch.policy import FetchPolicy
from newsdesk.sources.fetch.results import FetchRequest, FetchResult

_DONE = object()


def fetch_stream(
    requests: Sequence[FetchRequest], policy: FetchPolicy | None = None, max_pending: int = 256
) -> Iterator[tuple[int, FetchResult]]:
    """Yield (index into requests, result) in completion order."""
    if not requests:
        return
    handed: queue.Queue = queue.Queue()
    stop = threading.Event()
    state: dict = {}

    async def produce() -> None:
        loop = asyncio.get_running_loop()
        room = asyncio.Semaphore(max_pending)

        def release() -> None:
            try:
                loop.call_soon_threadsafe(room.release)
            except RuntimeError:  # the loop has finished: nothing waits for room any more
                pass

        state["release"] = release

        async def one(fetcher: Fetcher, index: int, request: FetchRequest) -> None:
            await room.acquire()
            if stop.is_set():
                room.release()  # pass the wake-up on to the next waiting fetch
                return
            handed.put((index, await fetcher.fetch_request(request)))

        try:
            async with Fetcher(policy) as fetcher:
                await asyncio.gather(*(one(fetcher, i, r) for i, r in enumerate(requests)))
        except BaseException as exc:  # handed to the consumer, raised there
            handed.put(exc)
        finally:
            handed.put(_DONE)

    thread = threading.Thread(
        target=asyncio.run, args=(produce(),), daemon=True, name="newsdesk-fetch"
    )
    thread.start()
    try:
        while (item := handed.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            state["release"]()
            yield item
    finally:
        stop.set()
        if "release" in state:
            state["release"]()  # wake one waiting fetch; each passes it on and exits
        thread.join()
