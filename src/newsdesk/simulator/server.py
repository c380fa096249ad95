"""The simulator's HTTP server: one port, many loopback addresses, routing by Host.

It listens on 127.0.0.1 and on every publisher's and farm host's own address (Linux routes
all of 127.0.0.0/8 to the loopback interface, so no configuration is needed), all on the
same port. Requests are routed by the Host header; a request naming an address instead of
a host is routed by the address it arrived on. 127.0.0.1 and localhost also answer the
control endpoints, which are never delayed, failed or counted:

    GET  /_sim/stats              requests by kind of path and status (JSON)
    POST /_sim/stats/reset        zero the counters
    GET  /_sim/resolve            host name -> address (JSON), for NEWSDESK_FETCH_RESOLVE
    GET  /_sim/opml[?farm=1]      the publishers' feeds by topic (and the farm's)
    GET  /_sim/feeds, /_sim/farm/feeds   feed URLs, one a line
    POST /_sim/advance?seconds=N  move the clock on; POST /_sim/release-all
    POST /_sim/farm?mode=warm|cold; POST /_sim/farm/bump (one new generation everywhere)

Built on aiohttp's low-level server (no router, no middleware): the feed farm must answer
well over a thousand requests a second on one core, with latency added by asyncio.sleep.
"""

import asyncio
import errno
import hashlib
import ipaddress
import random
import socket
import struct
import zlib
from collections import Counter
from email.utils import formatdate
from html import escape

from aiohttp import web

from .catalog import PUBLISHERS, Publisher
from .content import COMMENTS
from .directory import feed_urls, opml, port_suffix, publisher_feeds, site_urls
from .farm import Farm, FarmResource
from .feeds import FEED_CONTENT_TYPES, render_feed, render_news_sitemap
from .layouts import PageContext, render_article, render_listing
from .newsroom import Clock, Newsroom

CONTROL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


class SimulatorError(Exception):
    """The simulator could not start (e.g. an address or port is taken)."""


class Resource:
    """A rendered answer with its validators, ready for a 200 or a 304."""

    __slots__ = ("kind", "body", "content_type", "etag", "last_modified", "cache_control")

    def __init__(self, kind: str, body: bytes, content_type: str, last_modified: float,
                 cache_control: str | None = None):
        self.kind = kind
        self.body = body
        self.content_type = content_type
        self.etag = '"' + hashlib.blake2b(body, digest_size=10).hexdigest() + '"'
        self.last_modified = last_modified
        self.cache_control = cache_control


class Stats:
    """Request counters by kind of path and status, for benchmarks to count polls."""

    def __init__(self):
        self.counts: Counter[tuple[str, int]] = Counter()

    def record(self, kind: str, status: int) -> None:
        self.counts[(kind, status)] += 1

    def reset(self) -> None:
        self.counts.clear()

    def snapshot(self) -> dict:
        by_kind: dict[str, dict[str, int]] = {}
        by_status: Counter[str] = Counter()
        for (kind, status), count in sorted(self.counts.items()):
            entry = by_kind.setdefault(kind, {"requests": 0})
            entry["requests"] += count
            entry[str(status)] = entry.get(str(status), 0) + count
            by_status[str(status)] += count
        return {"requests": sum(by_status.values()), "status": dict(by_status),
                "by_kind": by_kind}


class Simulator:
    """Made-up publishers (and optionally a feed farm) on loopback.

    `start()` and `stop()` are coroutines run on the caller's event loop; from synchronous
    code use SimulatorThread, which runs them on a loop of its own.
    """

    def __init__(self, port: int = 0, *, latency_ms: float = 0, failure_rate: float = 0.0,
                 retry_after_s: int = 5, speed: float = 1.0, release_all: bool = False,
                 farm_feeds: int = 0, farm_hosts: int = 100, farm_entries: int = 20,
                 farm_mode: str = "warm", publishers: bool = True, listen_ipv6: bool = True,
                 seed: int | None = None):
        if not 0.0 <= failure_rate <= 1.0:
            raise ValueError(f"failure rate must be between 0 and 1 (got {failure_rate})")
        if latency_ms < 0:
            raise ValueError(f"latency must be zero or more milliseconds (got {latency_ms})")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be between 0 and 65535 (got {port})")
        self.requested_port = port
        self.port = 0
        self.latency_ms = latency_ms
        self.failure_rate = failure_rate
        self.retry_after_s = retry_after_s
        self.clock = Clock(release_all=release_all)
        self.newsroom = Newsroom(self.clock, speed)
        self.publishers = PUBLISHERS if publishers else ()
        self.farm = (
            Farm(farm_feeds, farm_hosts, farm_entries, farm_mode, self.clock.started_at)
            if farm_feeds else None
        )
        self.listen_ipv6 = listen_ipv6
        self.stats = Stats()
        self._random = random.Random(seed)
        self._publisher_by_host = {p.host: p for p in self.publishers}
        self._publisher_by_address = {p.address: p for p in self.publishers}
        self._farm_by_host: dict[str, int] = {}
        self._farm_by_address: dict[str, int] = {}
        if self.farm is not None:
            self._farm_by_host = {n: i for i, n in enumerate(self.farm.host_names)}
            self._farm_by_address = {a: i for i, a in enumerate(self.farm.host_addresses)}
        self._feed_topics = {
            (feed.publisher.slug, feed.path): feed for p in self.publishers
            for feed in publisher_feeds(p)
        }
        self._runner: web.ServerRunner | None = None

    # --- addresses ---------------------------------------------------------------------------

    def addresses(self) -> list[str]:
        """Every IPv4 address the simulator listens on, 127.0.0.1 first."""
        addresses = ["127.0.0.1"] + [p.address for p in self.publishers]
        if self.farm is not None:
            addresses += self.farm.host_addresses
        return addresses

    def resolve_map(self) -> dict[str, str]:
        """Host name -> own address, for NEWSDESK_FETCH_RESOLVE."""
        mapping = {p.host: p.address for p in self.publishers}
        if self.farm is not None:
            mapping.update(zip(self.farm.host_names, self.farm.host_addresses, strict=True))
        return mapping

    def base_url(self, host: str) -> str:
        """http://host:port for a host name, a farm host name or a publisher slug."""
        if "." not in host:
            host = f"{host}.localhost"
        return f"http://{host}{port_suffix(self.port)}"

    def feed_urls(self) -> list[str]:
        """Each publisher's main feed."""
        return feed_urls(self.port) if self.publishers else []

    def site_urls(self) -> list[str]:
        """Every publisher's home page (one publisher has no feed: discovery must find it)."""
        return site_urls(self.port) if self.publishers else []

    def farm_feed_urls(self) -> list[str]:
        return self.farm.feed_urls(port_suffix(self.port)) if self.farm else []

    def opml(self, include_farm: bool = False) -> str:
        return opml(self.port, self.farm_feed_urls() if include_farm else None)

    def advance(self, seconds: float) -> None:
        """Move the simulator's clock forward, releasing what would be published by then."""
        self.clock.advance(seconds)

    def release_all(self) -> None:
        self.clock.release_all = True

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        sockets = self._bind_all()
        server = web.Server(self._handle, access_log=None)
        self._runner = web.ServerRunner(server, shutdown_timeout=1.0)
        await self._runner.setup()
        for sock in sockets:
            await web.SockSite(self._runner, sock, backlog=1024).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _bind_all(self) -> list[socket.socket]:
        """Bind 127.0.0.1 (on the requested or a free port), then every other address to the
        same port; with port 0, retry on a new port if another address has it taken."""
        addresses = self.addresses()
        for _attempt in range(20):
            sockets: list[socket.socket] = []
            port = self.requested_port
            try:
                for address in addresses:
                    sockets.append(_listening_socket(socket.AF_INET, address, port))
                    port = sockets[0].getsockname()[1]
            except OSError as error:
                for sock in sockets:
                    sock.close()
                if error.errno == errno.EADDRINUSE and self.requested_port == 0:
                    continue
                raise SimulatorError(_bind_failure(address, port, error)) from error
            if self.listen_ipv6:
                try:
                    sockets.append(_listening_socket(socket.AF_INET6, "::1", port))
                except OSError:
                    pass  # no IPv6 loopback here: browsers fall back to 127.0.0.1
            self.port = port
            return sockets
        raise SimulatorError("simulator: found no port free on all its loopback addresses")

    def port_available(self) -> int | None:
        """The port start() would listen on, if it is free on every address now (the
        requested one, or a free one when 0 was asked for), else None. For a launcher
        that must know the port before the simulator runs (to write the OPML)."""
        try:
            sockets = self._bind_all()
        except SimulatorError:
            return None
        for sock in sockets:
            sock.close()
        return self.port

    # --- requests ----------------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        host = _host_name(request.host)
        publisher = self._publisher_by_host.get(host)
        farm_host = self._farm_by_host.get(host)
        if publisher is None and farm_host is None:
            if host in CONTROL_HOSTS:
                return await self._control(request)
            if not _is_ip(host):
                return web.Response(status=404, text=f"simulator: no publisher at host {host}\n")
            local = _local_address(request)
            publisher = self._publisher_by_address.get(local)
            farm_host = self._farm_by_address.get(local)
            if publisher is None and farm_host is None:
                return await self._control(request)
        base_url = f"http://{request.host}"
        if farm_host is not None:
            resource = self.farm.resolve(farm_host, request.path, base_url)
        else:
            resource = self._publisher_resource(publisher, request.path, base_url)
        return await self._answer(request, resource, compress=publisher is not None)

    async def _answer(self, request: web.BaseRequest, resource: Resource | FarmResource | None,
                      compress: bool) -> web.StreamResponse:
        kind = resource.kind if resource is not None else "not_found"
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        if self.failure_rate and self._random.random() < self.failure_rate:
            self.stats.record(kind, 503)
            return web.Response(status=503, text="Service temporarily unavailable\n",
                                headers={"Retry-After": str(self.retry_after_s)})
        if resource is None:
            self.stats.record(kind, 404)
            return web.Response(status=404, text=f"not found: {request.path}\n")
        headers = {"ETag": resource.etag,
                   "Last-Modified": formatdate(resource.last_modified, usegmt=True)}
        if compress:
            headers["Vary"] = "Accept-Encoding"
        cache_control = getattr(resource, "cache_control", None)
        if cache_control:
            headers["Cache-Control"] = cache_control
        if _not_modified(request, resource.etag, resource.last_modified):
            self.stats.record(kind, 304)
            return web.Response(status=304, headers=headers)
        body = resource.body if isinstance(resource, Resource) else resource.render()
        headers["Content-Type"] = resource.content_type
        self.stats.record(kind, 200)
        response = web.Response(body=body, headers=headers)
        if compress and len(body) > 1024:
            response.enable_compression()
        return response

    def _publisher_resource(self, pub: Publisher, path: str, base_url: str) -> Resource | None:
        newsroom = self.newsroom
        feed = self._feed_topics.get((pub.slug, path))
        if feed is not None:
            articles = newsroom.released(pub, feed.topic)
            body = render_feed(pub, articles, base_url, feed.path, feed.topic,
                               self.clock.started_at)
            return Resource("feed", body, FEED_CONTENT_TYPES[pub.feed_format],
                            _newest(articles, self.clock.started_at), "max-age=30")
        if path == "/robots.txt":
            robots = f"User-agent: *\nAllow: /\nSitemap: {base_url}/sitemap-news.xml\n"
            return Resource("robots", robots.encode(), "text/plain", self.clock.started_at)
        if path == "/sitemap-news.xml":
            articles = newsroom.released(pub)
            return Resource("sitemap", render_news_sitemap(pub, articles, base_url),
                            "application/xml", _newest(articles, self.clock.started_at))
        if path.endswith(".png"):
            return Resource("image", _solid_png(pub.accent), "image/png", self.clock.started_at)
        ctx = PageContext(base_url=base_url, port_suffix=port_suffix(self.port),
                          feeds=[(f.title, base_url + f.path, f.mime_type)
                                 for f in publisher_feeds(pub)])
        if path in ("/", ""):
            articles = newsroom.released(pub)
            html = render_listing(pub, articles, ctx, pub.labels["latest"])
            return Resource("home", html.encode(), "text/html; charset=utf-8",
                            _newest(articles, self.clock.started_at))
        section = next((t for t, s in pub.sections.items() if path == f"/section/{s}/"), None)
        if section is not None:
            articles = newsroom.released(pub, section)
            html = render_listing(pub, articles, ctx, section)
            return Resource("section", html.encode(), "text/html; charset=utf-8",
                            _newest(articles, self.clock.started_at))
        article = newsroom.find(pub, path)
        if article is None:
            return None
        ctx.related = [a for a in newsroom.released(pub) if a.id != article.id][:5]
        comments = COMMENTS[pub.language]
        ctx.comments = [comments[(article.id + i) % len(comments)] for i in range(article.id % 4)]
        html = render_article(pub, article, ctx)
        return Resource("article", html.encode(), "text/html; charset=utf-8",
                        article.published_at)

    async def _control(self, request: web.BaseRequest) -> web.StreamResponse:
        path, method = request.path, request.method
        if path == "/_sim/stats" and method == "GET":
            return web.json_response(self.stats.snapshot())
        if path == "/_sim/stats/reset" and method == "POST":
            self.stats.reset()
            return web.json_response({"reset": True})
        if path == "/_sim/resolve":
            return web.json_response(self.resolve_map())
        if path == "/_sim/opml":
            include_farm = request.query.get("farm") == "1"
            return web.Response(text=self.opml(include_farm), content_type="text/x-opml")
        if path == "/_sim/feeds":
            return web.Response(text="".join(u + "\n" for u in self.feed_urls()))
        if path == "/_sim/farm/feeds":
            return web.Response(text="".join(u + "\n" for u in self.farm_feed_urls()))
        if method == "POST" and path in _CONTROL_ACTIONS:
            try:
                message = _CONTROL_ACTIONS[path](self, request.query)
            except KeyError as error:
                return web.json_response({"error": f"{path}: missing query parameter {error}"},
                                         status=400)
            except ValueError as error:
                return web.json_response({"error": f"{path}: {error}"}, status=400)
            return web.json_response(message)
        if path == "/":
            return web.Response(text=self._index_html(), content_type="text/html")
        return web.Response(status=404, text=f"simulator control: no endpoint {method} {path}\n")

    def _index_html(self) -> str:
        suffix = port_suffix(self.port)
        rows = "".join(
            f'<li><a href="http://{p.host}{suffix}/">{escape(p.name)}</a> ({p.address}, '
            f"{p.feed_format or 'no feed'}, {p.layout}, {p.language})</li>"
            for p in self.publishers
        )
        farm = f"<p>Feed farm: {self.farm.feeds} feeds on {self.farm.hosts} hosts.</p>" \
            if self.farm else ""
        return (
            "<!DOCTYPE html><html><head><title>Newsdesk publisher simulator</title></head><body>"
            f"<h1>Newsdesk publisher simulator</h1><ul>{rows}</ul>{farm}"
            '<p><a href="/_sim/opml">OPML</a> &middot; <a href="/_sim/resolve">resolve map</a>'
            ' &middot; <a href="/_sim/stats">stats</a></p></body></html>'
        )


def _set_farm_mode(sim: Simulator, query) -> dict:
    if sim.farm is None:
        raise ValueError("no farm is running (start with farm_feeds > 0)")
    sim.farm.set_mode(query["mode"])
    return {"farm_mode": sim.farm.mode}


def _bump_farm(sim: Simulator, query) -> dict:
    if sim.farm is None:
        raise ValueError("no farm is running (start with farm_feeds > 0)")
    sim.farm.bump()
    return {"bumped": sim.farm.feeds}


def _advance(sim: Simulator, query) -> dict:
    sim.advance(float(query["seconds"]))
    return {"skew_s": sim.clock.skew}


def _release_all(sim: Simulator, query) -> dict:
    sim.release_all()
    return {"release_all": True}


_CONTROL_ACTIONS = {
    "/_sim/farm": _set_farm_mode,
    "/_sim/farm/bump": _bump_farm,
    "/_sim/advance": _advance,
    "/_sim/release-all": _release_all,
}


def _bind_failure(address: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRNOTAVAIL:
        return (f"simulator: cannot listen on {address}: the address is not configured on the "
                f"loopback interface (Linux has all of 127.0.0.0/8; on macOS run "
                f"`sudo ifconfig lo0 alias {address} up`)")
    return f"simulator: cannot listen on {address}:{port}: {error.strerror}; choose another --port"


def _listening_socket(family: int, address: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _host_name(host_header: str | None) -> str:
    host = (host_header or "").lower()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.partition(":")[0]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _local_address(request: web.BaseRequest) -> str | None:
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    return sockname[0] if sockname else None


def _not_modified(request: web.BaseRequest, etag: str, last_modified: float) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.if_modified_since
    return since is not None and int(last_modified) <= since.timestamp()


def _newest(articles, default: float) -> float:
    return max((a.published_at for a in articles), default=default)


_PNG_CACHE: dict[str, bytes] = {}


def _solid_png(colour: str, width: int = 64, height: int = 36) -> bytes:
    """A small PNG in the publisher's colour, so image links on the pages resolve."""
    if colour not in _PNG_CACHE:
        rgb = bytes.fromhex(colour.lstrip("#"))
        raw = b"".join(b"\x00" + rgb * width for _ in range(height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data)))

        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        _PNG_CACHE[colour] = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return _PNG_CACHE[colour]
