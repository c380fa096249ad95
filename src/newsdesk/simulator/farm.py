"""The feed farm: thousands of small RSS feeds over many host names, for benchmarks.

Feed i lives on farm host i % H, named `h{index:03d}.farm.localhost` with its own loopback
address (127.0.1.1, 127.0.1.2, ... 250 to a /24, then 127.0.2.1 and so on). Each feed lists
`entries` items of its current *generation*; item n belongs to generation n // entries, so
a new generation means entirely new items with new GUIDs and new article pages.

Warm mode keeps every generation: a client sending the ETag it got is answered 304. Cold mode
starts a new generation at every feed request, so every poll finds only new entries. Pages
and feeds are generated from seeded word lists, cheaply, with no state beyond one integer
per feed.
"""

import random
import time
from datetime import UTC, datetime
from xml.sax.saxutils import escape

FARM_DOMAIN = "farm.localhost"
MAX_FARM_HOSTS = 2500
FARM_MODES = ("warm", "cold")
SECONDS_BETWEEN_ITEMS = 5

PLACES = (
    "Ardmore", "Bellhaven", "Carrow", "Dunmere", "Eskeby", "Fennick", "Glenrath", "Halden",
    "Inverkell", "Kilbride", "Lowmoor", "Marrick", "Northfield", "Oakhurst", "Pellbridge",
    "Quarry Hill", "Redwater", "Saltmarsh", "Thornby", "Upton Vale",
)
SUBJECTS = (
    "The council", "The school board", "The hospital trust", "The port authority",
    "The football club", "The library service", "The water company", "The chamber of commerce",
    "The rail operator", "The town museum", "The university", "The fire service",
    "The housing association", "The farmers' cooperative", "The tourist board",
)
VERBS = (
    "approves", "delays", "announces", "reviews", "opens", "cancels", "expands", "questions",
    "funds", "postpones",
)
OBJECTS = (
    "a new ferry timetable", "next year's budget", "a plan for a cycle lane",
    "repairs to the old pier", "the search for a new director", "winter opening hours",
    "a solar panel scheme", "a flood defence study", "a youth sports programme",
    "higher parking charges", "a redesign of the market square", "a new recycling contract",
)
SENTENCES = (
    "{subject} in {place} said on {day} that {object} would be discussed again in {month}.",
    "About {number} residents attended a meeting about {object} at the {place} town hall.",
    "A spokesperson for {lower_subject} said the decision followed {number} written comments.",
    "Critics in {place} argued that {object} had been rushed and asked for a vote.",
    "The cost of {object} is estimated at {number} thousand crowns over three years.",
    "Supporters said {object} was overdue and that {place} had waited long enough.",
    "Local businesses in {place} said they expected little change before {month}.",
    "A final report on {object} is due on {day} {number_small} {month}.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = ("January", "March", "May", "July", "September", "November")


def farm_host_name(index: int) -> str:
    return f"h{index:03d}.{FARM_DOMAIN}"


def farm_host_address(index: int) -> str:
    """The farm host's own loopback address: 127.0.1.1 onwards, 250 hosts to a /24."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


class FarmResource:
    """A farm answer before it is rendered: enough to decide 304 without rendering."""

    __slots__ = ("kind", "etag", "last_modified", "content_type", "render")

    def __init__(self, kind, etag, last_modified, content_type, render):
        self.kind = kind
        self.etag = etag
        self.last_modified = last_modified
        self.content_type = content_type
        self.render = render


class Farm:
    """N feeds of `entries` items over H hosts, with warm/cold generations."""

    def __init__(self, feeds: int, hosts: int, entries: int = 20, mode: str = "warm",
                 started_at: float = 0.0):
        if feeds < 0:
            raise ValueError(f"farm feeds must be zero or more (got {feeds})")
        if not 1 <= hosts <= MAX_FARM_HOSTS:
            raise ValueError(f"farm hosts must be between 1 and {MAX_FARM_HOSTS} (got {hosts})")
        if not 1 <= entries <= 1000:
            raise ValueError(f"farm entries per feed must be between 1 and 1000 (got {entries})")
        self.feeds = feeds
        self.hosts = min(hosts, max(feeds, 1))
        self.entries = entries
        self.set_mode(mode)
        self.started_at = started_at
        self.generations = [0] * feeds
        self.host_names = [farm_host_name(h) for h in range(self.hosts)]
        self.host_addresses = [farm_host_address(h) for h in range(self.hosts)]

    def set_mode(self, mode: str) -> None:
        if mode not in FARM_MODES:
            raise ValueError(f"farm mode must be one of {', '.join(FARM_MODES)} (got {mode!r})")
        self.mode = mode

    def bump(self) -> None:
        """Start a new generation on every feed: the next poll of each finds only new items."""
        self.generations = [g + 1 for g in self.generations]

    def feed_path(self, feed: int) -> str:
        return f"/f{feed:05d}/feed.xml"

    def feed_url(self, feed: int, port_suffix: str) -> str:
        return f"http://{self.host_names[feed % self.hosts]}{port_suffix}{self.feed_path(feed)}"

    def feed_urls(self, port_suffix: str) -> list[str]:
        return [self.feed_url(i, port_suffix) for i in range(self.feeds)]

    def published_at(self, item: int) -> float:
        """Items are five seconds apart, the first two hours before the start (never ahead)."""
        return min(self.started_at - 7200 + item * SECONDS_BETWEEN_ITEMS, time.time())

    def resolve(self, host_index: int, path: str, base_url: str) -> FarmResource | None:
        """What this farm host serves at this path, or None for a 404."""
        if path == "/robots.txt":
            return FarmResource("robots", '"robots"', self.started_at, "text/plain", _robots)
        parts = path.split("/")
        if len(parts) != 3 or not parts[1].startswith("f") or not parts[1][1:].isdigit():
            return None
        feed = int(parts[1][1:])
        if feed >= self.feeds or feed % self.hosts != host_index:
            return None
        if parts[2] == "feed.xml":
            if self.mode == "cold":
                self.generations[feed] += 1
            return self._feed(feed, self.generations[feed], base_url)
        name, dot, extension = parts[2].partition(".")
        if dot and extension == "html" and name.isdigit():
            item = int(name)
            if item < (self.generations[feed] + 1) * self.entries:
                return self._page(feed, item, base_url)
        return None

    def _feed(self, feed: int, generation: int, base_url: str) -> FarmResource:
        first = generation * self.entries
        newest = first + self.entries - 1

        def render() -> bytes:
            items = []
            for item in range(newest, first - 1, -1):
                title, summary = _headline(feed, item), _summary(feed, item)
                link = f"{base_url}/f{feed:05d}/{item}.html"
                items.append(  # word lists need no escaping
                    f"<item><title>{title}</title><link>{link}</link>"
                    f'<guid isPermaLink="false">farm-f{feed:05d}-n{item}</guid>'
                    f"<pubDate>{_http_date(self.published_at(item))}</pubDate>"
                    f"<description>{summary}</description></item>"
                )
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>Farm feed {feed}</title><link>{base_url}/f{feed:05d}/</link>"
                f"<description>Benchmark feed {feed} of the Newsdesk simulator</description>\n"
                + "\n".join(items) + "\n</channel></rss>\n"
            ).encode()

        return FarmResource("farm_feed", f'"f{feed}-g{generation}"', self.published_at(newest),
                            "application/rss+xml; charset=utf-8", render)

    def _page(self, feed: int, item: int, base_url: str) -> FarmResource:
        def render() -> bytes:
            title = escape(_headline(feed, item))
            paragraphs = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(feed, item))
            published = datetime.fromtimestamp(self.published_at(item), UTC)
            previous = (
                f'<p class="read-more"><a href="/f{feed:05d}/{item - 1}.html">Read more: '
                f"{escape(_headline(feed, item - 1))}</a></p>" if item else ""
            )
            return (
                f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
                f' | Farm {feed}</title><link rel="canonical" href="{base_url}/f{feed:05d}/'
                f'{item}.html"></head><body><nav><a href="/">Home</a> <a href="/local/">Local'
                f'</a></nav><article><h1>{title}</h1><p class="byline">By Farm Desk '
                f'{feed % 97}</p><time datetime="{published.isoformat()}">'
                f"{published:%d %B %Y %H:%M}</time>{paragraphs}</article>{previous}"
                f"<footer>&copy; Farm feed {feed}</footer></body></html>\n"
            ).encode()

        return FarmResource("farm_article", f'"a{feed}-{item}"', self.published_at(item),
                            "text/html; charset=utf-8", render)


def _mix(feed: int, item: int, salt: int = 0) -> int:
    """A cheap, well-spread hash of (feed, item): picks words without a random generator."""
    value = (feed * 1_000_003 + item * 7_919 + salt * 104_729) * 2_654_435_761
    return (value ^ (value >> 16)) & 0xFFFFFFFF


def _headline(feed: int, item: int) -> str:
    h = _mix(feed, item)
    subject = SUBJECTS[(h >> 5) % len(SUBJECTS)]
    return (f"{PLACES[h % len(PLACES)]}: {subject[4:].capitalize()} "
            f"{VERBS[(h >> 9) % len(VERBS)]} {OBJECTS[(h >> 13) % len(OBJECTS)]}")


def _summary(feed: int, item: int) -> str:
    return SENTENCE_POOL[_mix(feed, item, 1) % len(SENTENCE_POOL)]


def _paragraphs(feed: int, item: int) -> list[str]:
    pool = SENTENCE_POOL
    return [
        " ".join(pool[_mix(feed, item, 10 * p + s) % len(pool)] for s in range(2 + p % 2))
        for p in range(4)
    ]


def _sentence(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    return rng.choice(SENTENCES).format(
        subject=subject, lower_subject=subject.lower(), place=rng.choice(PLACES),
        object=rng.choice(OBJECTS), day=rng.choice(DAYS), month=rng.choice(MONTHS),
        number=rng.randrange(40, 900), number_small=rng.randrange(1, 28),
    )


# Sentences are drawn once, from a fixed seed, so that pages are the same in every run.
_POOL_RANDOM = random.Random(2026)
SENTENCE_POOL = tuple(_sentence(_POOL_RANDOM) for _ in range(1500))
# Feeds insert these words unescaped, to stay cheap: the word lists hold no "&", "<" or ">"
# (a test keeps it so).


def _robots() -> bytes:
    return b"User-agent: *\nAllow: /\n"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _http_date(timestamp: float) -> str:
    """RFC 822 date for pubDate; email.utils.formatdate costs ten times as much per item."""
    t = time.gmtime(timestamp)
    return (f"{_WEEKDAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT")
