"""robots.txt for article pages: asked once per host, remembered for a while.

Feeds are published to be polled, so only article pages ask robots.txt. The
rules follow RFC 9309: a robots.txt that is missing or forbidden (4xx) allows
everything; one that cannot be read (5xx, 429, network failure) forbids
everything until it can, so a struggling site is not crawled harder.
"""

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from yarl import URL

from newsdesk.sources.fetch.errors import ErrorCode, FetchError, status_phrase
from newsdesk.sources.fetch.results import FetchResult

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
RULES_TTL_S = 24 * 3600  # RFC 9309: a cached robots.txt should not be used longer
FAILURE_TTL_S = 10 * 60
MAX_HOSTS = 2048


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One host's answer: its parsed rules, or why its robots.txt could not be read.

    parser None and failure None means everything is allowed.
    """

    robots_url: str
    parser: RobotFileParser | None = None
    failure: FetchError | None = None

    def refusal(self, page_url: str, user_agent: str) -> FetchError | None:
        """The error that forbids fetching page_url, or None when it may be fetched."""
        if self.failure is not None:
            if self.failure.code is ErrorCode.ROBOTS_UNAVAILABLE:
                reason = f"{self.failure.reason}; pages of this site wait until it can be read"
                return FetchError(
                    ErrorCode.ROBOTS_UNAVAILABLE, "page", page_url, reason, self.failure.detail
                )
            # The host itself cannot be reached (refused, DNS, timeout): the page on
            # that host shares the cause, so it gets the same code and words.
            detail = f"while fetching {self.robots_url}: {self.failure.detail}"
            return FetchError(self.failure.code, "page", page_url, self.failure.reason, detail)
        if self.parser is not None and not self.parser.can_fetch(user_agent, page_url):
            return FetchError(
                ErrorCode.ROBOTS_DISALLOWED, "page", page_url,
                f"{self.robots_url} does not allow Newsdesk to fetch this page",
            )
        return None


def robots_url_for(url: URL) -> str:
    return str(url.origin().with_path("/robots.txt"))


def rules_from_result(robots_url: str, result: FetchResult) -> RobotsRules:
    """Read a fetched robots.txt the way RFC 9309 says to."""
    status = result.status
    if result.ok and status is not None and 200 <= status < 300:
        parser = RobotFileParser(robots_url)
        parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return RobotsRules(robots_url, parser=parser)
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(robots_url)
    if status is not None:
        failure = FetchError(
            ErrorCode.ROBOTS_UNAVAILABLE, "robots", robots_url,
            f"{robots_url} could not be read (the server answered {status_phrase(status)})",
        )
        return RobotsRules(robots_url, failure=failure)
    return RobotsRules(robots_url, failure=result.error)


class RobotsCache:
    """Rules per origin with an expiry, bounded in size (least recently used goes first).

    Plain data shared by every Fetcher in the process, whatever event loop it runs on.
    """

    def __init__(
        self,
        ttl_s: float = RULES_TTL_S,
        failure_ttl_s: float = FAILURE_TTL_S,
        max_hosts: int = MAX_HOSTS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._ttl_s = ttl_s
        self._failure_ttl_s = failure_ttl_s
        self._max_hosts = max_hosts
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, RobotsRules]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, origin: str) -> RobotsRules | None:
        with self._lock:
            entry = self._entries.get(origin)
            if entry is None:
                return None
            expires_at, rules = entry
            if self._clock() >= expires_at:
                del self._entries[origin]
                return None
            self._entries.move_to_end(origin)
            return rules

    def put(self, origin: str, rules: RobotsRules) -> None:
        ttl_s = self._ttl_s if rules.failure is None else self._failure_ttl_s
        with self._lock:
            self._entries[origin] = (self._clock() + ttl_s, rules)
            self._entries.move_to_end(origin)
            while len(self._entries) > self._max_hosts:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


shared_robots_cache = RobotsCache()


class RobotsGate:
    """Decides whether a page may be fetched, asking each origin's robots.txt only once.

    Belongs to one Fetcher (one event loop): pages of a host requested together wait
    for a single robots.txt request instead of each sending their own.
    """

    def __init__(
        self, cache: RobotsCache, fetch_robots: Callable[[str], Awaitable[FetchResult]]
    ):
        self._cache = cache
        self._fetch_robots = fetch_robots
        self._pending: dict[str, asyncio.Future[RobotsRules]] = {}

    async def refusal(self, page_url: URL, user_agent: str) -> FetchError | None:
        rules = await self._rules_for(str(page_url.origin()))
        return rules.refusal(str(page_url), user_agent)

    async def _rules_for(self, origin: str) -> RobotsRules:
        rules = self._cache.get(origin)
        if rules is not None:
            return rules
        pending = self._pending.get(origin)
        if pending is None:
            pending = asyncio.ensure_future(self._load(origin))
            self._pending[origin] = pending
            pending.add_done_callback(lambda _: self._pending.pop(origin, None))
        return await asyncio.shield(pending)

    async def _load(self, origin: str) -> RobotsRules:
        robots_url = robots_url_for(URL(origin))
        rules = rules_from_result(robots_url, await self._fetch_robots(robots_url))
        if rules.failure is None or rules.failure.code is not ErrorCode.REFUSED_ADDRESS:
            self._cache.put(origin, rules)  # a refusal depends on the policy, not the site
        return rules
