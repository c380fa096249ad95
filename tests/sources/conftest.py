"""Loopback servers, a scripted resolver and a dial log for the fetch tests.

Nothing here sends a packet beyond loopback: servers listen on 127.0.0.x, host names
are answered by the policy's resolve map or by ScriptedResolver, and `dial_log`
records every connect() the event loop is asked to make, so a test can show that a
refused address was never dialled.
"""

import asyncio
import threading
from asyncio.selector_events import BaseSelectorEventLoop
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from refusing_rule import refuse_marked_entries

from newsdesk.sources.fetch import Fetcher, FetchPolicy, FetchRequest, FetchResult
from newsdesk.sources.fetch.robots import RobotsCache

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LoopbackServer:
    """An aiohttp.web application served from its own thread and event loop."""

    def __init__(self, routes: dict[str, Handler], host: str):
        self.host = host
        self.requests: list[web.Request] = []
        self._app = web.Application(middlewares=[self._record])
        for path, handler in routes.items():
            self._app.router.add_route("*", path, handler)
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(self._app, shutdown_timeout=0.2, handle_signals=False)
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append(request)
        return await handler(request)

    def start(self) -> "LoopbackServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=5)
        return self

    async def _listen(self) -> None:
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self.port = self._runner.addresses[0][1]

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


@pytest.fixture
def serve():
    """serve({"/path": handler}, host="127.0.0.1") starts a server torn down after the test."""
    servers: list[LoopbackServer] = []

    def start(routes: dict[str, Handler], host: str = "127.0.0.1") -> LoopbackServer:
        server = LoopbackServer(routes, host).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def dial_log(monkeypatch) -> list[tuple[str, int]]:
    """Every (address, port) the client's event loop connects a socket to, in order."""
    dialled: list[tuple[str, int]] = []
    sock_connect = BaseSelectorEventLoop.sock_connect

    async def counting_sock_connect(loop, sock, address):
        dialled.append((address[0], address[1]))
        return await sock_connect(loop, sock, address)

    monkeypatch.setattr(BaseSelectorEventLoop, "sock_connect", counting_sock_connect)
    return dialled


class ScriptedResolver(AbstractResolver):
    """Answers each name with the next of its scripted address lists (the last repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]):
        self._answers = answers
        self.calls: list[str] = []

    async def resolve(self, host, port=0, family=0) -> list[ResolveResult]:
        self.calls.append(host)
        script = self._answers[host]
        addresses = script.pop(0) if len(script) > 1 else script[0]
        return [
            ResolveResult(
                hostname=host, host=address, port=port, family=10 if ":" in address else 2,
                proto=0, flags=0,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


@pytest.fixture
def scripted_resolver():
    """scripted_resolver({"name": [["first answer"], ["second answer"]]})."""
    return ScriptedResolver


@pytest.fixture
def loopback_policy():
    """loopback_policy(**changes): a policy that may reach the test servers, quick limits."""

    def make(**changes) -> FetchPolicy:
        defaults = {"allow_networks": ["127.0.0.0/8"], "timeout_s": 2.0, "user_agent": "Newsdesk/t"}
        return FetchPolicy(**(defaults | changes))

    return make


@pytest.fixture
def fetch():
    """fetch(url, policy, resolver=None, robots_cache=None, **options) -> FetchResult."""

    def fetch_one(url, policy, *, resolver=None, robots_cache=None, **options) -> FetchResult:
        async def run() -> FetchResult:
            cache = RobotsCache() if robots_cache is None else robots_cache
            async with Fetcher(policy, resolver=resolver, robots_cache=cache) as fetcher:
                return await fetcher.fetch(url, **options)

        return asyncio.run(run())

    return fetch_one


@pytest.fixture
def fetch_all():
    """fetch_all(requests, policy, robots_cache=None) -> list[FetchResult], fetched at once."""

    def fetch_batch(requests: list[FetchRequest], policy, *, robots_cache=None):
        async def run() -> list[FetchResult]:
            cache = RobotsCache() if robots_cache is None else robots_cache
            async with Fetcher(policy, robots_cache=cache) as fetcher:
                return await fetcher.fetch_many(requests)

        return asyncio.run(run())

    return fetch_batch



@pytest.fixture
def refusing_database(db):
    """A database rule refusing entries titled with REFUSED_MARKER (refusing_rule.py)."""
    refuse_marked_entries()
