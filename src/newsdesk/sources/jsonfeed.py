"""Reading JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/).

feedparser does not read JSON Feed, and publishers write it by hand more often
than XML, so this reader is lenient: an item that is not an object or has
nothing to show is skipped with a warning, the rest of the feed is kept; a
number where a string belongs is taken as its text. Only a document that is not
JSON, or JSON that is not a feed at all, is an error.
"""

import html
import json
from datetime import datetime

from newsdesk.core.html import sanitize_html

from .entries import (
    FeedError,
    ParsedEntry,
    ParsedFeed,
    absolute_link,
    clamp_future,
    clean_guid,
    parse_date,
    resolve_base,
    settle_identities,
    text_of,
)

VERSION_PREFIX = "https://jsonfeed.org/version/"
_FORMATS = {"1": "jsonfeed10", "1.1": "jsonfeed11"}
# A feed with hundreds of broken items needs one readable warning, not hundreds.
MAX_ITEM_WARNINGS = 5


def parse_json_feed(text: str, url: str, *, now: datetime) -> ParsedFeed:
    """Read text, fetched from url, as a JSON Feed; raise FeedError if it is not one."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"feed {url}: not a feed (invalid JSON: {error})") from None
    if not isinstance(document, dict) or not (
        _string(document.get("version")).startswith(VERSION_PREFIX) or "items" in document
    ):
        raise FeedError(f"feed {url}: not a feed (JSON, but not a JSON Feed: no version or items)")

    version = _string(document.get("version")).removeprefix(VERSION_PREFIX)
    base = resolve_base(_string(document.get("home_page_url")), url) or url
    feed = ParsedFeed(
        url=url,
        format=_FORMATS.get(version, "jsonfeed"),
        title=text_of(_string(document.get("title")), False),
        site_url=absolute_link(_string(document.get("home_page_url")), url),
        self_url=absolute_link(_string(document.get("feed_url")), url),
        hub_url=_websub_hub(document.get("hubs"), url),
        language=_string(document.get("language")) or None,
    )
    if version not in _FORMATS:
        feed.warnings.append(f"feed {url}: unknown JSON Feed version {version!r}; read as 1.1")
    items = document.get("items")
    if not isinstance(items, list):
        feed.warnings.append(f"feed {url}: JSON Feed has no list of items")
        items = []

    problems = []
    for position, item in enumerate(items, start=1):
        entry, problem = _entry_from(item, base, now)
        if entry is not None:
            feed.entries.append(entry)
        else:
            problems.append(f"item {position} {problem}")
    if problems:
        shown = "; ".join(problems[:MAX_ITEM_WARNINGS])
        more = len(problems) - MAX_ITEM_WARNINGS
        feed.warnings.append(
            f"feed {url}: skipped {len(problems)} malformed item(s): {shown}"
            + (f"; and {more} more" if more > 0 else "")
        )
    feed.entries = settle_identities(feed.entries, feed.warnings, url, feed.self_url, feed.site_url)
    return feed


def _entry_from(item, base: str, now: datetime) -> tuple[ParsedEntry | None, str]:
    """The entry for one item, or None and what is wrong with it."""
    if not isinstance(item, dict):
        return None, f"is not an object (got {type(item).__name__})"
    link = absolute_link(_string(item.get("url")), base) or absolute_link(
        _string(item.get("external_url")), base
    )
    title = text_of(_string(item.get("title")), False)
    content_html = _string(item.get("content_html"))
    content_text = _string(item.get("content_text"))
    summary = _string(item.get("summary"))
    if not (link or title or content_html or content_text or summary):
        return None, "has no url, title or content"
    if content_html:
        body = sanitize_html(content_html, base_url=link or base)
    else:
        body = _paragraphs(content_text)
    published = parse_date(_string(item.get("date_published")))
    updated = parse_date(_string(item.get("date_modified")))
    return ParsedEntry(
        guid=clean_guid(_string(item.get("id"))),
        link=link,
        title=title,
        summary_text=text_of(summary, False),
        content_html=body,
        author=_author(item),
        published=clamp_future(published or updated, now),
        updated=clamp_future(updated, now),
        image=absolute_link(_string(item.get("image")), base)
        or absolute_link(_string(item.get("banner_image")), base),
        categories=_tags(item.get("tags")),
    ), ""


def _string(value) -> str:
    """value as stripped text when it is a string or a number, else ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


def _paragraphs(text: str) -> str:
    """Plain content_text as escaped HTML paragraphs."""
    blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    return "".join(f"<p>{html.escape(block)}</p>" for block in blocks)


def _author(item: dict) -> str | None:
    """The first author's name: 1.1 "authors" list, else 1.0 "author" object."""
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else []
    candidates = [*candidates, item.get("author")]
    for author in candidates:
        if isinstance(author, dict) and (name := text_of(_string(author.get("name")), False)):
            return name
    return None


def _tags(tags) -> list[str]:
    if not isinstance(tags, list):
        return []
    names = []
    for tag in tags:
        name = text_of(_string(tag), False)
        if name and name not in names:
            names.append(name)
    return names


def _websub_hub(hubs, url: str) -> str | None:
    if not isinstance(hubs, list):
        return None
    for hub in hubs:
        if isinstance(hub, dict) and _string(hub.get("type")).lower() == "websub":
            return absolute_link(_string(hub.get("url")), url)
    return None
