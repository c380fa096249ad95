"""The plain-data shape every way of following a publisher produces.

Feeds (RSS, Atom, JSON Feed), news sitemaps and section pages all end up as a
ParsedFeed holding ParsedEntry objects, so that polling, storing and extraction
never care how a source is followed. This module also holds the rules that make
entries comparable across polls: absolute canonical links, UTC dates that are
never in the future, text titles, and the identity key.

Identity rules (ParsedEntry.identity_key), in order:

1. the GUID, when it is usable: not blank, not the address of the feed or of the
   site itself (some feeds give every item the home page as GUID), and not shared
   by two entries of the same document (then it identifies nothing).
   A GUID that is an http(s) URL loses its tracking parameters, which some
   publishers rotate per fetch; otherwise it is taken verbatim: GUIDs are opaque;
2. else the canonical link (tracking parameters removed);
3. else a hash of the title and summary text.

The key carries its kind as a prefix ("guid:", "link:", "text:") so that a GUID
can never collide with another entry's link.
"""

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from newsdesk.core.html import html_to_text
from newsdesk.core.text import clean_in_place
from newsdesk.core.urls import canonicalize_url, is_http_url, strip_tracking

# Clocks differ; a date up to this far ahead is believed, beyond it is clamped.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Zone names feeds use that RFC 822 parsers (feedparser's, the email module's) do not
# know and silently read as UTC. IST is taken as India's: it is the commonest in feeds.
EXTRA_ZONES = {
    "CET": "+0100",
    "CEST": "+0200",
    "MEZ": "+0100",
    "MESZ": "+0200",
    "BST": "+0100",
    "WET": "+0000",
    "WEST": "+0100",
    "EET": "+0200",
    "EEST": "+0300",
    "MSK": "+0300",
    "IST": "+0530",
    "SGT": "+0800",
    "HKT": "+0800",
    "AWST": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "ACST": "+0930",
    "AEST": "+1000",
    "AEDT": "+1100",
    "NZST": "+1200",
    "NZDT": "+1300",
    "SAST": "+0200",
    "HST": "-1000",
    "AKST": "-0900",
    "AKDT": "-0800",
}
_TRAILING_ZONE = re.compile(r"\s([A-Z]{3,4})\s*$")
_SPACES = re.compile(r"\s+")
ENTRY_FIELDS_WITH_LINES = frozenset({"summary_text", "content_html"})
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")


class FeedError(ValueError):
    """A fetched document could not be read as a feed; the message says why, in words."""


@dataclass(slots=True)
class ParsedEntry:
    """One item of a feed, sitemap or section page, cleaned and made absolute."""

    guid: str | None = None
    link: str | None = None  # absolute, canonical, without tracking parameters
    title: str = ""  # plain text
    summary_text: str = ""  # plain text
    content_html: str = ""  # sanitised HTML with absolute links: the content, else the summary
    author: str | None = None
    published: datetime | None = None  # aware UTC, never after the fetch time
    updated: datetime | None = None
    image: str | None = None
    categories: list[str] = field(default_factory=list)

    def __post_init__(self):
        """Whatever parser made it, an entry holds clean text (core.text): this is the
        door every publisher's entry comes through."""
        clean_in_place(self, lines=ENTRY_FIELDS_WITH_LINES)

    def identity_key(self) -> str:
        """The key that makes this entry unique within its source (module docstring)."""
        if self.guid:
            return f"guid:{self.guid}"
        if self.link:
            return f"link:{self.link}"
        return f"text:{_digest(self.title, self.summary_text)}"

    def content_hash(self) -> str:
        """A digest of what a reader sees, to tell an updated entry from an unchanged one.

        Dates are left out on purpose: some feeds restamp every item on each fetch.
        """
        return _digest(
            self.title, self.link or "", self.summary_text, self.content_html, self.image or ""
        )


@dataclass(slots=True)
class ParsedFeed:
    """A followed document read into plain data."""

    url: str
    format: str  # "rss20", "rss10", "atom10", "jsonfeed11", "news_sitemap", "section_page", ...
    title: str = ""
    site_url: str | None = None
    self_url: str | None = None
    hub_url: str | None = None  # WebSub hub the feed advertises
    ttl_minutes: int | None = None  # RSS <ttl>
    language: str | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        clean_in_place(self)  # the feed's own title and addresses (entries clean themselves)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def text_of(value: str | None, is_html: bool) -> str:
    """Plain text of a title or summary.

    HTML is reduced to its text. Text that is not HTML still often arrives
    escaped twice ("Harbour&amp;#8217;s"), so entity references left in it are
    decoded once more.
    """
    if not value:
        return ""
    if is_html:
        return html_to_text(value)
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value)
    return _SPACES.sub(" ", value).strip()


def absolute_link(value: str | None, base: str | None) -> str | None:
    """value resolved against base and canonicalised; None unless it is an http(s) URL."""
    if not value or not value.strip():
        return None
    try:
        url = canonicalize_url(value.strip(), base)
    except ValueError:
        return None
    return url if is_http_url(url) else None


def resolve_base(*candidates: str | None) -> str | None:
    """The first candidate that makes an absolute http(s) base, each resolved on the next.

    Given (xml:base, feed link, feed URL), a relative xml:base is read against the
    feed link, and a relative feed link against the feed URL.
    """
    base = None
    for candidate in reversed(candidates):
        if candidate:
            try:
                base = urljoin(base, candidate.strip()) if base else candidate.strip()
            except ValueError:  # a malformed address ("http://[oops/") is no base
                continue
    return base if base and is_http_url(base) else None


def parse_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from RFC 3339 / ISO 8601 or RFC 822 text, else None.

    A date without a time zone is taken as UTC.
    """
    if not value or not value.strip():
        return None
    text = with_numeric_zone(value.strip())
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def has_unusual_zone(text: str | None) -> bool:
    """Whether text ends with a zone name from EXTRA_ZONES (see there)."""
    match = _TRAILING_ZONE.search(text or "")
    return bool(match and match.group(1) in EXTRA_ZONES)


def with_numeric_zone(text: str) -> str:
    """text with a trailing zone name from EXTRA_ZONES replaced by its UTC offset."""
    match = _TRAILING_ZONE.search(text)
    if match and match.group(1) in EXTRA_ZONES:
        return text[: match.start(1)] + EXTRA_ZONES[match.group(1)]
    return text


def clamp_future(moment: datetime | None, now: datetime) -> datetime | None:
    """moment, or now when moment is further ahead than clock skew explains."""
    if moment is not None and moment > now + FUTURE_TOLERANCE:
        return now
    return moment


def clean_guid(value: str | None) -> str | None:
    """A GUID stripped of whitespace, and of tracking parameters when it is a URL."""
    if not value or not value.strip():
        return None
    guid = value.strip()
    return strip_tracking(guid) if is_http_url(guid) else guid


def settle_identities(
    entries: list[ParsedEntry], warnings: list[str], url: str, *own_urls: str | None
) -> list[ParsedEntry]:
    """entries with unusable GUIDs dropped (rule 1 above) and repeated entries removed.

    own_urls are the feed's and the site's addresses: a GUID equal to one of them
    names the publisher, not the entry. When a document lists one item twice, the
    first wins and a warning says so.
    """
    unusable = {canonicalize_url(own) for own in (url, *own_urls) if own}
    counts = Counter(entry.guid for entry in entries if entry.guid)
    for entry in entries:
        if not entry.guid:
            continue
        shared = counts[entry.guid] > 1
        if shared or (is_http_url(entry.guid) and canonicalize_url(entry.guid) in unusable):
            entry.guid = None
    seen: set[str] = set()
    kept = []
    for entry in entries:
        key = entry.identity_key()
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    if len(kept) < len(entries):
        warnings.append(f"{url}: {len(entries) - len(kept)} repeated entries ignored")
    return kept
