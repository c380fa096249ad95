"""Finding how to follow a publisher from any URL a user gives.

In order, the first that works wins:

1. the URL itself is a feed (or a news sitemap);
2. a feed the page announces with <link rel="alternate"> (RSS, Atom, JSON Feed);
3. a feed at one of the usual paths (/feed, /rss.xml, /atom.xml, /feed.json, ...);
4. a news sitemap named in robots.txt or at the usual sitemap paths;
5. the page itself as a section page, when it links to enough articles.

Every attempt is recorded in words, so that when nothing works the error says
what was tried and why each failed. The network belongs to the caller: discover
gets a fetch function (the guarded client) and never opens a connection itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urljoin, urlsplit

from newsdesk.core.text import clean_text
from newsdesk.core.urls import canonicalize_url, is_http_url

from .entries import FeedError, absolute_link
from .feeds import parse_feed
from .sitemaps import SitemapError, page_base, parse_html, parse_section_page, read_sitemap

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
COMMON_FEED_PATHS = (
    "feed",
    "rss",
    "rss.xml",
    "atom.xml",
    "feed.xml",
    "index.xml",
    "feed.json",
    "feed/atom",
    "index.rss",
    "rss/news.xml",
)
COMMON_SITEMAP_PATHS = ("news-sitemap.xml", "sitemap_news.xml", "sitemap-news.xml", "sitemap.xml")
# A sitemap index may list hundreds of sitemaps; news ones say so in their names.
MAX_CHILD_SITEMAPS = 5
MIN_SECTION_ARTICLES = 3
MAX_FETCHES = 40


class FetchLike(Protocol):
    """What discover needs from a fetch: the guarded client's FetchResult has it."""

    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes
    error: str | None


class DiscoveryError(ValueError):
    """Nothing at the URL can be followed. The message names the likeliest attempts and
    how many there were; `attempts` has every one, in order."""

    def __init__(self, message: str, attempts: list[str] | None = None):
        super().__init__(message)
        self.attempts = attempts or []


# How telling an attempt is, for the short list an error names (lower: named first).
GIVEN, ANNOUNCED, ANSWERED, FAILED, ABSENT = range(5)
NAMED_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Discovery:
    """How to follow a publisher: kind, the URL to poll, its title, and what was tried."""

    kind: Literal["feed", "news_sitemap", "section_page"]
    url: str
    title: str
    attempts: list[str] = field(default_factory=list)


def discover(url: str, fetch: Callable[[str], FetchLike],
             on_attempt: Callable[[str], None] | None = None) -> Discovery:
    """Find the feed, news sitemap or section page to follow for url (module docstring).
    `on_attempt` hears each attempt as it is made (discovery can take minutes)."""
    if not is_http_url(url):
        raise DiscoveryError(f"{url!r} is not an http(s) URL; give the address of a site or feed")
    return _Search(canonicalize_url(url), fetch, on_attempt).run()


class _Found(Exception):
    def __init__(self, discovery: Discovery):
        self.discovery = discovery


@dataclass
class _Response:
    url: str
    body: bytes
    content_type: str | None


class _Search:
    """One discovery: remembers what was fetched and what each attempt gave."""

    def __init__(self, url: str, fetch: Callable[[str], FetchLike],
                 on_attempt: Callable[[str], None] | None = None):
        self.url = url
        self.fetch_function = fetch
        self.on_attempt = on_attempt
        self.fetched: dict[str, _Response | None] = {}
        self.attempts: list[str] = []
        self.ranks: list[int] = []  # how telling each attempt is (GIVEN ... ABSENT)
        # Why the address given got no HTTP answer at all (DNS, refused, timeout, ...).
        self.unreachable: str | None = None

    def run(self) -> Discovery:
        try:
            page = self.try_as_feed(self.url, "the address given")
            if self.unreachable:
                raise DiscoveryError(f"cannot reach {self.url}: {self.unreachable}")
            if page is not None:
                self.try_announced_feeds(page)
            site = self.site_root(page)
            self.try_common_feed_paths(site, page)
            self.try_sitemaps(site)
            self.try_section_page(page)
        except _Found as found:
            return found.discovery
        raise DiscoveryError(self.nothing_found(), list(self.attempts))

    def note(self, text: str, rank: int) -> None:
        self.attempts.append(text)
        self.ranks.append(rank)
        if self.on_attempt is not None:
            self.on_attempt(text)

    def nothing_found(self) -> str:
        """The error: the likeliest tries (the address given, feeds the page announced,
        answers that were not what we need; plain 404s last) and how many there were."""
        order = sorted(range(len(self.attempts)), key=lambda i: (self.ranks[i], i))
        likeliest = "; ".join(self.attempts[i] for i in order[:NAMED_ATTEMPTS])
        tried = len(self.fetched)
        return (
            f"found nothing to follow at {self.url} after trying {tried} "
            f"address{'' if tried == 1 else 'es'}; the likeliest: {likeliest}. If you know "
            "the address of the publisher's feed or news sitemap, add that instead."
        )

    # -- fetching -------------------------------------------------------------

    def get(self, url: str, what: str) -> _Response | None:
        """The response for url, or None after recording why it failed."""
        if url in self.fetched:
            return self.fetched[url]
        if len(self.fetched) >= MAX_FETCHES:
            self.note(f"{what} {url}: not fetched (limit of {MAX_FETCHES} requests)", ABSENT)
            return None
        result = self.fetch_function(url)
        response = None
        first = not self.fetched  # the address given: always among those named
        missing = result.status in (404, 410)  # plain misses: counted, named last
        if result.error:
            reason = _without_address(str(result.error), url)
            self.note(f"{what} {url}: {reason}",
                      GIVEN if first else ABSENT if missing else FAILED)
            if first and not result.status:
                self.unreachable = result.error
        elif result.status >= 400:
            self.note(f"{what} {url}: HTTP {result.status}",
                      GIVEN if first else ABSENT if missing else FAILED)
        elif not result.body:
            self.note(f"{what} {url}: empty response (HTTP {result.status})",
                      GIVEN if first else FAILED)
        else:
            response = _Response(result.final_url or url, result.body, _content_type(result))
        self.fetched[url] = response
        return response

    def found(self, kind: str, url: str, title: str) -> None:
        self.note(f"{url}: {kind.replace('_', ' ')} found", ANSWERED)
        raise _Found(Discovery(kind=kind, url=url, title=title, attempts=list(self.attempts)))

    # -- the steps, in order --------------------------------------------------

    def try_as_feed(self, url: str, what: str) -> _Response | None:
        """Follow url if it is a feed or news sitemap; return it when it is a page."""
        response = self.get(url, what)
        if response is None:
            return None
        try:
            feed = parse_feed(response.body, response.url, response.content_type)
        except FeedError as error:
            reason = str(error).removeprefix(f"feed {response.url}: ")
        else:
            # The address really fetched, not the feed's own claim: that can be stale.
            self.found("feed", canonicalize_url(response.url), feed.title or _title_from_host(url))
        if "sitemap" in reason:
            self.try_sitemap_response(response, what)
            return None
        rank = {"the address given": GIVEN, "announced feed": ANNOUNCED}.get(what, ANSWERED)
        self.note(f"{what} {url}: {reason}", rank)
        return response if "HTML page" in reason else None

    def try_announced_feeds(self, page: _Response) -> None:
        document = parse_html(page.body, page.content_type)
        if document is None:
            return
        base = page_base(document, page.url)
        announced = []
        for link in document.iter("link"):
            rels = (link.get("rel") or "").lower().split()
            kind = (link.get("type") or "").split(";")[0].strip().lower()
            href = link.get("href")
            if "alternate" in rels and kind in FEED_TYPES and (feed := absolute_link(href, base)):
                announced.append(feed)
        if not announced:
            self.note(f"{page.url}: the page announces no feed (<link rel=alternate>)", ANSWERED)
        for feed_url in dict.fromkeys(announced):
            self.try_as_feed(feed_url, "announced feed")

    def site_root(self, page: _Response | None) -> str:
        parts = urlsplit(page.url if page else self.url)
        return f"{parts.scheme}://{parts.netloc}/"

    def try_common_feed_paths(self, site: str, page: _Response | None) -> None:
        bases = [site]
        path_base = canonicalize_url(page.url if page else self.url)
        if urlsplit(path_base).path not in ("", "/"):
            bases.insert(0, path_base if path_base.endswith("/") else path_base + "/")
        for base in bases:
            for path in COMMON_FEED_PATHS:
                self.try_as_feed(urljoin(base, path), "usual feed path")

    def try_sitemaps(self, site: str) -> None:
        robots = self.get(urljoin(site, "robots.txt"), "robots.txt")
        listed = _sitemaps_in_robots(robots.body) if robots else []
        if robots and not listed:
            self.note(f"{urljoin(site, 'robots.txt')}: names no sitemap", ABSENT)
        candidates = listed + [urljoin(site, path) for path in COMMON_SITEMAP_PATHS]
        for sitemap_url in dict.fromkeys(candidates):
            response = self.get(sitemap_url, "sitemap")
            if response is not None:
                self.try_sitemap_response(response, "sitemap", follow_children=True)

    def try_sitemap_response(
        self, response: _Response, what: str, follow_children: bool = True
    ) -> None:
        try:
            sitemap = read_sitemap(response.body, response.url)
        except SitemapError as error:
            self.note(f"{what} {str(error).removeprefix('sitemap ')}", ANSWERED)
            return
        if sitemap.is_news:
            self.found(
                "news_sitemap", response.url, sitemap.publication or _title_from_host(response.url)
            )
        if not sitemap.child_sitemaps:
            self.note(f"{what} {response.url}: a sitemap without news: entries", ANSWERED)
            return
        self.note(
            f"{what} {response.url}: a sitemap index of {len(sitemap.child_sitemaps)} sitemaps",
            ANSWERED,
        )
        if follow_children:
            # News sitemaps usually say so in their names: look at those first.
            children = sorted(sitemap.child_sitemaps, key=lambda child: "news" not in child)
            for child in children[:MAX_CHILD_SITEMAPS]:
                if (child_response := self.get(child, "listed sitemap")) is not None:
                    self.try_sitemap_response(child_response, "listed sitemap", False)

    def try_section_page(self, page: _Response | None) -> None:
        if page is None:
            return
        entries = parse_section_page(page.body, page.url, page.content_type)
        if len(entries) >= MIN_SECTION_ARTICLES:
            document = parse_html(page.body, page.content_type)
            title = _page_title(document) or _title_from_host(page.url)
            self.found("section_page", page.url, title)
        self.note(
            f"section page {page.url}: {len(entries)} links look like articles, "
            f"{MIN_SECTION_ARTICLES} needed",
            ANSWERED,
        )


def _without_address(error: str, url: str) -> str:
    """The guarded client's reason without the "feed <url>: " it starts with (the attempt
    names the address already)."""
    kind, _space, rest = error.partition(" ")
    return rest.removeprefix(f"{url}: ") if kind.isalpha() and rest.startswith(url) else error


def _content_type(result: FetchLike) -> str | None:
    """The response's content type: the client's own attribute if it has one, else the header."""
    if content_type := getattr(result, "content_type", None):
        return content_type
    headers = result.headers or {}
    return headers.get("content-type") or headers.get("Content-Type")


def _sitemaps_in_robots(body: bytes) -> list[str]:
    """The addresses on robots.txt "Sitemap:" lines."""
    found = []
    for line in body.decode("utf-8", "replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and is_http_url(value.strip()):
            found.append(canonicalize_url(value.strip()))
    return found


def _page_title(document) -> str:
    if document is None:
        return ""
    title = document.find(".//title")
    return clean_text(" ".join((title.text_content() if title is not None else "").split()))


def _title_from_host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
