"""Fetcher: the one way Newsdesk reaches the network.

One aiohttp session whose connector checks every address it dials (dialing.py),
with redirects followed here, hop by hop (hops.py), each hop asking robots.txt
first when the URL is an article page.
Time, decompressed size, redirects and concurrency (overall and per host) are
bounded by the FetchPolicy. Failures come back as FetchResult.error, never raised.
"""

import asyncio
import weakref
from collections.abc import Iterable

import aiohttp
from aiohttp.resolver import DefaultResolver
from multidict import CIMultiDict
from yarl import URL

from newsdesk.sources.fetch.dialing import (
    AddressGuard,
    AddressRefused,
    StaticResolver,
    start_hop_refusals,
)
from newsdesk.sources.fetch.errors import ErrorCode, FetchError, status_error, status_phrase
from newsdesk.sources.fetch.hops import RedirectChain, redirect_target
from newsdesk.sources.fetch.policy import FetchPolicy
from newsdesk.sources.fetch.results import FetchKind, FetchRequest, FetchResult, parse_retry_after
from newsdesk.sources.fetch.robots import (
    ROBOTS_MAX_BYTES,
    RobotsCache,
    RobotsGate,
    shared_robots_cache,
)

ACCEPT = {
    FetchKind.FEED: (
        "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
    ),
    FetchKind.PAGE: "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    FetchKind.ROBOTS: "text/plain, */*;q=0.5",
    FetchKind.IMAGE: "image/avif, image/webp, image/*;q=0.9, */*;q=0.5",
    FetchKind.HUB: "*/*",
}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie"})
BODY_OPTIONAL = frozenset({FetchKind.ROBOTS, FetchKind.HUB})  # an empty robots.txt allows all
READ_CHUNK_BYTES = 64 * 1024


class Fetcher:
    """Fetches URLs under a FetchPolicy; use as `async with Fetcher(policy) as fetcher:`.

    resolver replaces the system resolver for names outside the policy's resolve map
    (tests use it); robots_cache defaults to the one shared by the whole process.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        robots_cache: RobotsCache | None = None,
    ):
        self.policy = policy if policy is not None else FetchPolicy.from_settings()
        self._fallback_resolver = resolver
        self._robots_cache = robots_cache if robots_cache is not None else shared_robots_cache
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        policy = self.policy
        fallback = self._fallback_resolver or DefaultResolver()
        self._resolver = StaticResolver(policy.resolve_map, fallback)
        connector = aiohttp.TCPConnector(
            resolver=self._resolver,
            socket_factory=AddressGuard(policy),
            limit=policy.concurrency,
            limit_per_host=policy.per_host,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # sources must not share cookies
            timeout=aiohttp.ClientTimeout(),  # the whole fetch is timed in _follow
            trust_env=False,  # a proxy from the environment would bypass the address check
        )
        self._all_slots = asyncio.Semaphore(policy.concurrency)
        self._host_slots: weakref.WeakValueDictionary[str, asyncio.Semaphore] = (
            weakref.WeakValueDictionary()
        )
        self._robots = RobotsGate(self._robots_cache, self._fetch_robots)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._session.close()
        await self._resolver.close()
        self._session = None

    async def fetch(
        self,
        url: str,
        *,
        kind: FetchKind | str = FetchKind.FEED,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        cookie: str | None = None,
        user_agent: str | None = None,
        form: dict[str, str] | None = None,
    ) -> FetchResult:
        """Fetch one URL; conditional when etag or last_modified is given; POST when form is."""
        request = FetchRequest(
            url, kind, etag, last_modified, headers, basic_auth, cookie, user_agent, form
        )
        return await self.fetch_request(request)

    async def fetch_many(self, requests: Iterable[FetchRequest]) -> list[FetchResult]:
        """Fetch all requests concurrently under the policy's limits; results in order."""
        return list(await asyncio.gather(*(self.fetch_request(r) for r in requests)))

    async def fetch_request(self, request: FetchRequest) -> FetchResult:
        if self._session is None:
            raise RuntimeError("use the Fetcher inside 'async with Fetcher(policy) as fetcher:'")
        return await self._follow(request)

    async def _follow(self, request: FetchRequest) -> FetchResult:
        """Make the request, following redirects hop by hop within one deadline."""
        try:
            chain = RedirectChain(request, self.policy.max_redirects)
        except FetchError as error:
            return FetchResult(request.url, request.url, error=error)
        deadline = None
        while True:
            url = chain.current
            if request.kind is FetchKind.PAGE:
                refusal = await self._robots.refusal(url, self._user_agent(request))
                if refusal is not None:
                    return chain.failed(refusal)
            # The host's slot first, so that requests queued for one busy host do not
            # hold places that requests to other hosts could use.
            async with self._host_slots_for(url.host), self._all_slots:
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + self.policy.timeout_s
                refusals = start_hop_refusals()
                try:
                    async with asyncio.timeout_at(deadline):
                        outcome = await self._hop(request, url, chain)
                except FetchError as error:
                    return chain.failed(error)
                except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
                    return chain.failed(self._transport_error(exc, request.kind, url, refusals))
            if isinstance(outcome, FetchResult):
                return chain.finished(outcome)
            status, target = outcome
            error = chain.follow(status, target)
            if error is not None:
                return chain.failed(error, status)

    async def _hop(
        self, request: FetchRequest, url: URL, chain: RedirectChain
    ) -> FetchResult | tuple[int, URL]:
        """One request: its final result, or (status, target) when it redirects."""
        method = "GET" if chain.form is None else "POST"
        async with self._session.request(
            method, url, headers=self._headers(request, chain), data=chain.form,
            allow_redirects=False,
        ) as response:
            location = response.headers.get("Location")
            if response.status in REDIRECT_STATUSES and location:
                return response.status, redirect_target(url, location, request.kind)
            return await self._result(request, url, response)

    def _headers(self, request: FetchRequest, chain: RedirectChain) -> CIMultiDict[str]:
        headers = CIMultiDict(
            {"User-Agent": self._user_agent(request), "Accept": ACCEPT[request.kind]}
        )
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        for name, value in (request.headers or {}).items():
            if chain.same_origin or name.lower() not in CREDENTIAL_HEADERS:
                headers[name] = value
        if chain.same_origin and request.cookie:
            headers["Cookie"] = request.cookie
        if chain.basic_auth:
            headers["Authorization"] = aiohttp.encode_basic_auth(*chain.basic_auth)
        return headers

    def _user_agent(self, request: FetchRequest) -> str:
        return request.user_agent or self.policy.user_agent

    async def _result(
        self, request: FetchRequest, url: URL, response: aiohttp.ClientResponse
    ) -> FetchResult:
        headers = response.headers
        retry_after = parse_retry_after(headers.get("Retry-After"))
        result = FetchResult(
            request.url,
            str(url),
            response.status,
            headers,
            etag=headers.get("ETag"),
            last_modified=headers.get("Last-Modified"),
            not_modified=response.status == 304,
            retry_after=retry_after,
        )
        if result.not_modified:
            return result
        result.error = status_error(response.status, request.kind, str(url), retry_after)
        if result.error is not None:
            return result
        try:
            result.body = await self._read_body(response, request.kind, url)
        except FetchError as error:
            result.error = error
            return result
        if not result.body and request.kind not in BODY_OPTIONAL:
            result.error = FetchError(
                ErrorCode.EMPTY_BODY, request.kind, str(url),
                f"the server answered {status_phrase(response.status)} with an empty body",
            )
        return result

    async def _read_body(
        self, response: aiohttp.ClientResponse, kind: FetchKind, url: URL
    ) -> bytes:
        """The decompressed body, read chunk by chunk and cut at the size limit.

        A robots.txt is cut short instead (RFC 9309: read at least the first 500 KiB).
        """
        truncate = kind is FetchKind.ROBOTS
        limit = min(self.policy.max_bytes, ROBOTS_MAX_BYTES) if truncate else self.policy.max_bytes
        if not truncate and (response.content_length or 0) > limit:
            raise too_large(kind, url, limit)
        body = bytearray()
        async for chunk in response.content.iter_chunked(READ_CHUNK_BYTES):
            body += chunk
            if len(body) > limit:
                if truncate:
                    return bytes(body[:limit])
                raise too_large(kind, url, limit)
        return bytes(body)

    def _host_slots_for(self, host: str) -> asyncio.Semaphore:
        """The semaphore bounding requests in flight to host (kept while anyone uses it)."""
        slots = self._host_slots.get(host)
        if slots is None:
            slots = self._host_slots[host] = asyncio.Semaphore(self.policy.per_host)
        return slots

    async def _fetch_robots(self, robots_url: str) -> FetchResult:
        return await self.fetch_request(FetchRequest(robots_url, FetchKind.ROBOTS))

    def _transport_error(
        self, exc: BaseException, kind: FetchKind, url: URL, refusals: list[AddressRefused]
    ) -> FetchError:
        """Name a failure that left no usable HTTP response, keeping the cause for the log."""
        detail = f"{type(exc).__name__}: {exc}"
        where = str(url)
        if refusals and isinstance(exc, aiohttp.ClientConnectorError):
            refused = refusals[0]
            return FetchError(
                ErrorCode.REFUSED_ADDRESS, kind, where,
                f"refused to connect to {refused.address} ({refused.reason}); such addresses "
                "are reached only when listed in NEWSDESK_FETCH_ALLOW_NETWORKS",
                "; ".join(str(refusal) for refusal in refusals),
            )
        if isinstance(exc, aiohttp.ClientConnectorDNSError):
            reason = f"the host name {url.host} could not be found; check the address"
            return FetchError(ErrorCode.DNS, kind, where, reason, detail)
        if isinstance(exc, aiohttp.ClientSSLError):
            reason = f"the secure connection to {url.host} failed (certificate or TLS error)"
            return FetchError(ErrorCode.TLS, kind, where, reason, detail)
        if isinstance(exc, TimeoutError):
            reason = f"no complete answer within {self.policy.timeout_s:g} s; will retry later"
            return FetchError(ErrorCode.TIMEOUT, kind, where, reason, detail)
        if isinstance(exc, aiohttp.ClientConnectorError):
            reason = f"could not connect to {url.host} port {url.port}; will retry later"
            return FetchError(ErrorCode.CONNECT, kind, where, reason, detail)
        if isinstance(exc, aiohttp.InvalidURL):
            return FetchError(ErrorCode.BAD_URL, kind, where, "this is not a valid URL", detail)
        reason = "the server broke off or sent a malformed answer; will retry later"
        return FetchError(ErrorCode.BAD_RESPONSE, kind, where, reason, detail)


def too_large(kind: FetchKind, url: URL, limit: int) -> FetchError:
    return FetchError(
        ErrorCode.TOO_LARGE, kind, str(url),
        f"the answer is larger than the {describe_size(limit)} limit (NEWSDESK_FETCH_MAX_BYTES)",
    )


def describe_size(size: int) -> str:
    if size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size:,} bytes"


def fetch_sync(url: str, policy: FetchPolicy | None = None, **options) -> FetchResult:
    """Fetch one URL from synchronous code (not from inside a running event loop)."""

    async def fetch_one() -> FetchResult:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(url, **options)

    return asyncio.run(fetch_one())


def fetch_many(
    requests: Iterable[FetchRequest], policy: FetchPolicy | None = None
) -> list[FetchResult]:
    """Fetch a batch concurrently from synchronous code; results in the order asked."""

    async def fetch_all() -> list[FetchResult]:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch_many(requests)

    return asyncio.run(fetch_all())
