"""The articles of one simulator run: their URLs, publication times and release clock.

Publication times are fixed when the simulator is created, relative to that moment: a
report with a negative offset was published that long before the start; a positive offset
is divided by the speed factor, so `--speed 10` releases twenty minutes of news in two.
An article is visible (in feeds, on home pages, at its URL) once the clock has passed its
publication time; tests move the clock with `advance()` or release everything at once.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from .catalog import PUBLISHERS, PUBLISHERS_BY_SLUG, Publisher
from .content import COPIES, REPORTS, Report


class Clock:
    """Wall-clock time plus a test-controlled skew; `release_all` makes every article visible."""

    def __init__(self, release_all: bool = False):
        self.started_at = time.time()
        self.skew = 0.0
        self.release_all = release_all

    def now(self) -> float:
        return time.time() + self.skew

    def advance(self, seconds: float) -> None:
        self.skew += seconds

    def is_released(self, timestamp: float) -> bool:
        return self.release_all or timestamp <= self.now()


@dataclass(frozen=True)
class Article:
    """One article page of one publisher (a copy carries the original it was copied from)."""

    id: int
    publisher: Publisher
    event: str
    slug: str
    topic: str
    headline: str
    summary: str
    paragraphs: tuple[str, ...]
    byline: str
    language: str
    published_at: float
    path: str
    original: "Article | None" = None

    @property
    def section(self) -> str:
        return self.publisher.sections[self.topic]

    @property
    def published(self) -> datetime:
        """Publication time in the publisher's own time zone."""
        return datetime.fromtimestamp(self.published_at, UTC).astimezone(self.publisher.tz)

    @property
    def image_path(self) -> str:
        return f"/images/{self.id}.png"


def release_time(started_at: float, offset_s: int, speed: float) -> float:
    """When a report with this offset is published: the past as written, the future sped up."""
    if offset_s <= 0:
        return started_at + offset_s
    return started_at + offset_s / speed


class Newsroom:
    """Every article of this run, indexed by publisher and by path."""

    def __init__(self, clock: Clock, speed: float = 1.0):
        if speed <= 0:
            raise ValueError(f"speed must be positive (got {speed})")
        self.clock = clock
        self.articles: list[Article] = []
        originals: dict[tuple[str, str], Article] = {}
        for report in REPORTS:
            article = self._article(report, report.publisher, report.offset_s, report.byline,
                                    speed)
            originals[(report.publisher, report.slug)] = article
            self.articles.append(article)
        for copy in COPIES:
            original = originals[(copy.original_publisher, copy.original_slug)]
            report = next(r for r in REPORTS if r.slug == copy.original_slug)
            article = self._article(report, copy.publisher, copy.offset_s, copy.byline, speed,
                                    original=original)
            self.articles.append(article)
        self.by_publisher: dict[str, list[Article]] = {p.slug: [] for p in PUBLISHERS}
        self.by_path: dict[tuple[str, str], Article] = {}
        self.by_id: dict[int, Article] = {}
        for article in sorted(self.articles, key=lambda a: a.published_at, reverse=True):
            self.by_publisher[article.publisher.slug].append(article)
            self.by_path[(article.publisher.slug, article.path)] = article
            self.by_id[article.id] = article

    def _article(self, report: Report, publisher_slug: str, offset_s: int, byline: str,
                 speed: float, original: Article | None = None) -> Article:
        publisher = PUBLISHERS_BY_SLUG[publisher_slug]
        article_id = 48100 + len(self.articles) * 7
        published_at = release_time(self.clock.started_at, offset_s, speed)
        day = datetime.fromtimestamp(published_at, UTC).astimezone(publisher.tz)
        path = publisher.article_path.format(
            section=publisher.sections[report.topic], slug=report.slug, id=article_id,
            yyyy=f"{day.year:04d}", mm=f"{day.month:02d}", dd=f"{day.day:02d}",
        )
        return Article(
            id=article_id, publisher=publisher, event=report.event, slug=report.slug,
            topic=report.topic, headline=report.headline, summary=report.summary,
            paragraphs=report.paragraphs, byline=byline, language=report.language,
            published_at=published_at, path=path, original=original,
        )

    def released(self, publisher: Publisher, topic: str | None = None) -> list[Article]:
        """The publisher's visible articles, newest first, optionally of one topic."""
        return [
            a for a in self.by_publisher[publisher.slug]
            if self.clock.is_released(a.published_at) and (topic is None or a.topic == topic)
        ]

    def find(self, publisher: Publisher, path: str) -> Article | None:
        """The visible article at this path, or None (unknown or not yet published)."""
        article = self.by_path.get((publisher.slug, path))
        if article is None or not self.clock.is_released(article.published_at):
            return None
        return article
