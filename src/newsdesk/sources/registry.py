"""Adding, importing and exporting the sources Newsdesk follows."""

from dataclasses import dataclass

from django.db import transaction

from newsdesk.core.urls import canonicalize_url, host_of, is_http_url
from newsdesk.sources.models import Publisher, PublisherLabel, Source, Topic


class SourceError(ValueError):
    """A source cannot be added; the message says why and what to do. `attempts` lists
    every try discovery made, when it got that far."""

    def __init__(self, message: str, attempts: list[str] | None = None):
        super().__init__(message)
        self.attempts = attempts or []


@dataclass
class Added:
    source: Source
    created: bool
    message: str


def _publisher_for(site_url: str, title: str) -> Publisher:
    return Publisher.for_domain(host_of(site_url), name=title)


def find_existing(url: str) -> Source | None:
    return Source.objects.filter(url=canonicalize_url(url)).first()


def add_source(url: str, *, topics: list[str] | None = None, fetch=None,
               on_attempt=None) -> Added:
    """Find what to follow at url (feed, news sitemap or section page) and follow it.

    fetch is the guarded client's fetch_sync (injected so callers choose the policy);
    on_attempt hears each attempt of the discovery as it is made.
    """
    if not is_http_url(url):
        raise SourceError(
            f"{url!r} is not an http(s) URL; give the address of a site or feed, "
            "e.g. https://publisher.example/"
        )
    from newsdesk.sources.discover import DiscoveryError, discover

    if fetch is None:
        from newsdesk.sources.fetch import fetch_sync as fetch
    url = canonicalize_url(url)
    if existing := find_existing(url):
        return Added(existing, False, f"already following {existing.url} (source {existing.pk})")
    try:
        found = discover(url, fetch, on_attempt)
    except DiscoveryError as exc:
        raise SourceError(str(exc), exc.attempts) from None
    feed_url = canonicalize_url(found.url)
    if existing := find_existing(feed_url):
        return Added(existing, False, f"already following {existing.url} (source {existing.pk})")
    with transaction.atomic():
        source = Source.objects.create(
            url=feed_url,
            kind=found.kind,
            title=(found.title or "")[:300],
            site_url=url,
            publisher=_publisher_for(url, found.title or host_of(url)),
        )
        for path in topics or []:
            if topic := Topic.for_path([p for p in path.split("/") if p]):
                source.topics.add(topic)
    return Added(
        source, True, f"following {source.url} as {source.get_kind_display()} (source {source.pk})"
    )


def import_opml(body: bytes, name: str = "OPML file") -> tuple[int, int]:
    """Follow every feed of an OPML file; returns (added, already followed).

    Feeds are taken as listed (no discovery), so importing is quick and offline;
    nested outlines become topics.
    """
    from newsdesk.sources.opml import parse_opml

    added = existing = 0
    for feed in parse_opml(body, name=name):
        url = canonicalize_url(feed.xml_url)
        with transaction.atomic():
            source, created = Source.objects.get_or_create(
                url=url,
                defaults={
                    "title": (feed.title or "")[:300],
                    "site_url": feed.html_url or "",
                    "publisher": _publisher_for(feed.html_url or url, feed.title or host_of(url)),
                },
            )
            if feed.topics and (topic := Topic.for_path(feed.topics)):
                source.topics.add(topic)
            for label, value in feed.labels.items():
                PublisherLabel.objects.update_or_create(
                    publisher=source.publisher, name=label, defaults={"value": value}
                )
        added += created
        existing += not created
    return added, existing


def export_opml(title: str = "Newsdesk sources") -> bytes:
    from newsdesk.sources.opml import OpmlFeed
    from newsdesk.sources.opml import export_opml as write

    feeds = []
    sources = Source.objects.prefetch_related("topics", "publisher__labels").order_by("pk")
    for source in sources:
        topics = [t.name for t in source.topics.all()[:1]]
        feeds.append(
            OpmlFeed(
                title=source.title or source.url,
                xml_url=source.url,
                html_url=source.site_url or None,
                topics=topics,
                labels={label.name: label.value for label in source.publisher.labels.all()},
            )
        )
    return write(feeds, title)
