"""Where the simulated publishers are: host-to-address map, feed URLs and an OPML list.

Newsdesk's guarded client takes `resolve_map()` as its NEWSDESK_FETCH_RESOLVE setting, so
that `harbour-herald.localhost` is dialled at 127.0.0.11 (like curl --resolve); the OPML
groups every publisher's section feeds by Newsdesk topic, ready for `newsdesk sources
import`.
"""

from dataclasses import dataclass
from xml.etree import ElementTree

from .catalog import PUBLISHERS, Publisher
from .content import TOPICS
from .farm import farm_host_address, farm_host_name

FEED_MIME_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True)
class FeedInfo:
    """One feed a publisher offers: its main feed (topic None) or one section's feed."""

    publisher: Publisher
    topic: str | None
    path: str

    @property
    def title(self) -> str:
        return self.publisher.name if self.topic is None else f"{self.publisher.name}: {self.topic}"

    @property
    def mime_type(self) -> str:
        return FEED_MIME_TYPES[self.publisher.feed_format]

    def url(self, port_suffix: str) -> str:
        return f"http://{self.publisher.host}{port_suffix}{self.path}"


def publisher_feeds(publisher: Publisher) -> list[FeedInfo]:
    """The publisher's main feed, then one feed per section (none for a feedless publisher)."""
    if publisher.feed_format is None:
        return []
    feeds = [FeedInfo(publisher, None, publisher.feed_path)]
    feeds += [
        FeedInfo(publisher, topic, publisher.section_feed_path.format(section=slug))
        for topic, slug in publisher.sections.items()
    ]
    return feeds


def port_suffix(port: int) -> str:
    return "" if port == 80 else f":{port}"


def resolve_map(farm_hosts: int = 0) -> dict[str, str]:
    """Host name -> its own loopback address, for the publishers and the first farm hosts."""
    mapping = {p.host: p.address for p in PUBLISHERS}
    mapping.update({farm_host_name(h): farm_host_address(h) for h in range(farm_hosts)})
    return mapping


def feed_urls(port: int) -> list[str]:
    """One feed per publisher that has feeds (its all-sections feed)."""
    return [feeds[0].url(port_suffix(port)) for p in PUBLISHERS if (feeds := publisher_feeds(p))]


def site_urls(port: int) -> list[str]:
    """Every publisher's home page, including the one without a feed."""
    return [f"http://{p.host}{port_suffix(port)}/" for p in PUBLISHERS]


def opml(port: int, farm_feed_urls: list[str] | None = None) -> str:
    """OPML 2.0: each topic an outline holding the section feeds of that topic.

    Section feeds rather than main feeds, so that every article arrives exactly once and
    with its topic; the farm's feeds, when given, go in a "Farm" outline of their own.
    """
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "Newsdesk publisher simulator"
    body = ElementTree.SubElement(root, "body")
    suffix = port_suffix(port)
    for topic in TOPICS:
        group = ElementTree.SubElement(body, "outline", text=topic, title=topic)
        for publisher in PUBLISHERS:
            for feed in publisher_feeds(publisher):
                if feed.topic == topic:
                    ElementTree.SubElement(
                        group, "outline", type="rss", text=feed.title, title=feed.title,
                        xmlUrl=feed.url(suffix), htmlUrl=f"http://{publisher.host}{suffix}/",
                        language=publisher.language,
                    )
    if farm_feed_urls:
        group = ElementTree.SubElement(body, "outline", text="Farm", title="Farm")
        for index, url in enumerate(farm_feed_urls):
            ElementTree.SubElement(group, "outline", type="rss", text=f"Farm feed {index}",
                                   xmlUrl=url)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode") + "\n"
