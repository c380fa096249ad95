"""Reading fetched feed bytes: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1.

The guarded client fetches; this module only reads bytes it is given. The format
is recognised from the content, not from the declared content type, because
publishers mislabel feeds all the time. XML goes through xmlguard (charset and
entity attacks) and then feedparser, always as bytes, never as a URL; JSON goes
to jsonfeed. feedparser's own sanitiser and link resolver are switched off: the
project's sanitiser does that job once, with the base each piece of HTML needs.

A document feedparser found not well-formed but still read entries from gives
warnings, not an error. Anything that is not a feed gives a FeedError whose
message says what was received instead.
"""

import io
from datetime import UTC, datetime

import feedparser

from newsdesk.core.html import sanitize_html

from .entries import (
    FeedError,
    ParsedEntry,
    ParsedFeed,
    absolute_link,
    clamp_future,
    clean_guid,
    has_unusual_zone,
    parse_date,
    resolve_base,
    settle_identities,
    text_of,
)
from .jsonfeed import parse_json_feed
from .xmlguard import UnsafeXMLError, decode_xml, inspect_xml, utf8_xml

__all__ = ["FeedError", "ParsedEntry", "ParsedFeed", "parse_feed"]

FEED_ROOTS = frozenset({"rss", "rdf", "feed", "channel"})
HTML_ROOTS = frozenset({"html", "head", "body"})
_OTHER_ROOTS = {
    "urlset": "a sitemap",
    "sitemapindex": "a sitemap index",
    "opml": "an OPML subscription list",
}
_FEEDPARSER_HEADERS = {"content-type": "application/xml; charset=utf-8"}


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, *, now: datetime | None = None
) -> ParsedFeed:
    """Read body, fetched from url, as a feed of entries.

    now is the fetch time: entry dates later than it (beyond clock skew) are
    clamped to it. Raises FeedError when body is not a feed it can read.
    """
    now = now or datetime.now(UTC)
    if not body or not body.strip():
        raise FeedError(f"feed {url}: empty response ({len(body or b'')} bytes), not a feed")
    text = decode_xml(body, content_type)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return parse_json_feed(text, url, now=now)
    if start != "<":
        raise FeedError(
            f"feed {url}: not a feed (neither XML nor JSON{_served_as(content_type)}; "
            f"it starts with {text.lstrip()[:40]!r})"
        )
    # Blank lines before the XML declaration (a PHP habit) make it unreadable to expat.
    return _parse_xml_feed(utf8_xml(text.lstrip()), url, content_type, now)


def _served_as(content_type: str | None) -> str:
    return f", served as {content_type.split(';')[0].strip()}" if content_type else ""


def _parse_xml_feed(data: bytes, url: str, content_type: str | None, now: datetime) -> ParsedFeed:
    try:
        head = inspect_xml(data)
    except UnsafeXMLError as error:
        raise FeedError(f"feed {url}: {error}") from None
    root = (head.root or "").rpartition(":")[2].lower()
    if root in HTML_ROOTS:
        raise FeedError(f"feed {url}: not a feed (got an HTML page{_served_as(content_type)})")
    if root in _OTHER_ROOTS:
        raise FeedError(f"feed {url}: not a feed (got {_OTHER_ROOTS[root]})")
    if root not in FEED_ROOTS:
        found = f"root element <{head.root}>" if head.root else f"XML error: {head.error}"
        raise FeedError(f"feed {url}: not a feed ({found})")

    try:
        parsed = feedparser.parse(
            io.BytesIO(data),
            response_headers=_FEEDPARSER_HEADERS,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:  # feedparser crashes on some mangled input (ValueError, ...)
        raise FeedError(
            f"feed {url}: not readable as a feed (the feed parser failed: {error!r})"
        ) from None
    if not parsed.get("version") and not parsed.entries:
        reason = _describe(parsed.get("bozo_exception") or "no channel or entries found")
        raise FeedError(f"feed {url}: not a feed ({reason})")
    return _feed_from(parsed, url, now)


def _feed_from(parsed, url: str, now: datetime) -> ParsedFeed:
    channel = parsed.feed
    links = channel.get("links", [])
    site_base = resolve_base(channel.get("link"), url) or url
    feed = ParsedFeed(
        url=url,
        format=parsed.get("version") or "xml",
        title=_text(channel, "title"),
        site_url=absolute_link(channel.get("link"), url),
        self_url=_link_with_rel(links, "self", url),
        hub_url=_link_with_rel(links, "hub", url),
        ttl_minutes=_minutes(channel.get("ttl")),
        language=(channel.get("language") or "").strip() or None,
    )
    if parsed.get("bozo"):
        feed.warnings.append(
            f"feed {url}: not well-formed XML ({_describe(parsed.get('bozo_exception'))}); "
            "read leniently"
        )
    feed.entries = [_entry_from(item, site_base, now) for item in parsed.entries]
    feed.entries = settle_identities(feed.entries, feed.warnings, url, feed.self_url, feed.site_url)
    return feed


def _describe(error) -> str:
    """A parser error as "line N: what", without the "<unknown>:" prefix of SAX errors."""
    if hasattr(error, "getLineNumber") and hasattr(error, "getMessage"):
        return f"line {error.getLineNumber()}: {error.getMessage()}"
    return str(error)


def _entry_from(item, site_base: str, now: datetime) -> ParsedEntry:
    """One feedparser entry as a ParsedEntry.

    Links already carry their xml:base (feedparser applies it); what is still
    relative is resolved against the feed's site link, then the feed URL.
    """
    summary = item.get("summary") or ""
    content = _main_content(item.get("content") or [])
    # feedparser copies Atom content into a missing summary, without its type.
    summary_detail = item.get("summary_detail") or content
    html_source = content or summary_detail
    html_base = resolve_base(html_source.get("base"), site_base)
    published = _date(item, "published") or _date(item, "updated") or _date(item, "created")
    return ParsedEntry(
        guid=clean_guid(item.get("id")),
        link=absolute_link(item.get("link"), site_base),
        title=_text(item, "title"),
        summary_text=text_of(summary, _is_html(summary_detail)),
        content_html=sanitize_html(html_source.get("value") or "", base_url=html_base),
        author=_author(item),
        published=clamp_future(published, now),
        updated=clamp_future(_date(item, "updated"), now),
        image=_image(item, site_base),
        categories=_categories(item),
    )


def _text(node, key: str) -> str:
    return text_of(node.get(key), _is_html(node.get(f"{key}_detail") or {}))


def _is_html(detail) -> bool:
    return "html" in (detail.get("type") or "")


def _main_content(contents: list) -> dict:
    """The richest content block: HTML over text, then the longest."""
    if not contents:
        return {}
    return max(contents, key=lambda block: (_is_html(block), len(block.get("value") or "")))


def _date(item, key: str) -> datetime | None:
    """feedparser's parsed date, else our own parse of the raw text, else None.

    dict.get, because feedparser's own get answers "updated" with the published date.
    Zone names feedparser does not know (CET, BST, ...) it reads as UTC: ours go first.
    """
    raw = dict.get(item, key)
    struct = dict.get(item, f"{key}_parsed")
    if struct and not has_unusual_zone(raw):
        try:
            return datetime(*struct[:6], tzinfo=UTC)
        except (TypeError, ValueError):
            pass
    return parse_date(raw)


def _author(item) -> str | None:
    detail = item.get("author_detail") or {}
    name = (detail.get("name") or item.get("author") or "").strip()
    return text_of(name, False) or None


def _image(item, base: str) -> str | None:
    """The entry's picture: media:thumbnail, media:content image, image enclosure."""
    candidates = [thumb.get("url") for thumb in item.get("media_thumbnail") or []]
    candidates += [
        media.get("url")
        for media in item.get("media_content") or []
        if media.get("medium") == "image" or (media.get("type") or "").startswith("image/")
    ]
    candidates += [
        enclosure.get("href")
        for enclosure in item.get("enclosures") or []
        if (enclosure.get("type") or "").startswith("image/")
    ]
    candidates.append((item.get("image") or {}).get("href"))
    for candidate in candidates:
        if link := absolute_link(candidate, base):
            return link
    return None


def _categories(item) -> list[str]:
    names = []
    for tag in item.get("tags") or []:
        name = text_of(tag.get("label") or tag.get("term"), False)
        if name and name not in names:
            names.append(name)
    return names


def _link_with_rel(links: list, rel: str, base: str) -> str | None:
    for link in links:
        if link.get("rel") == rel and (href := absolute_link(link.get("href"), base)):
            return href
    return None


def _minutes(value) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None
