"""Entries from publishers without a feed: news sitemaps and section pages.

Both produce ParsedEntry objects of the same shape a feed gives, so the rest of
the flow does not care how a source is followed.

A news sitemap (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap)
lists a publisher's recent articles with their titles and dates. A sitemap
index lists other sitemaps: read_sitemap returns their addresses and leaves
fetching them to the caller, which owns the network.

A section page ("/news", "/sport") is read for its links that look like
articles: same site, and a path with a date in it or a long slug or a long
numeric id. Anchor text becomes the title.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
import lxml.html
from defusedxml import DefusedXmlException
from lxml.etree import ParserError

from newsdesk.core.charset import decode_body
from newsdesk.core.text import clean_text

from .entries import ParsedEntry, absolute_link, clamp_future, parse_date, text_of
from .xmlguard import decode_xml, utf8_xml

NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
# Path segments of pages that list articles rather than being one.
NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "topic",
        "topics",
        "category",
        "categories",
        "author",
        "authors",
        "page",
        "search",
        "login",
        "logout",
        "register",
        "subscribe",
        "account",
        "about",
        "contact",
        "privacy",
        "terms",
        "cookies",
        "feed",
        "rss",
        "archive",
        "archives",
        "newsletter",
        "newsletters",
        "wp-admin",
        "wp-login.php",
        "cdn-cgi",
    }
)
NOT_ARTICLE_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".svg",
    ".pdf",
    ".css",
    ".js",
    ".xml",
    ".rss",
    ".json",
    ".zip",
    ".mp3",
    ".mp4",
)
_DATED_PATH = re.compile(
    r"/(?:19|20)\d{2}[/-](?:0?[1-9]|1[0-2])(?:[/-](?:0?[1-9]|[12]\d|3[01]))?(?:/|-|$)"
    r"|/(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:/|-|$)"
)
_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?|cms)$", re.IGNORECASE)
_SLUG_WORDS = re.compile(r"[-_]+")
_LONG_NUMBER = re.compile(r"\d{5,}")
SLUG_WORDS_FOR_ARTICLE = 4


class SitemapError(ValueError):
    """A fetched document is not a readable sitemap; the message says why."""


@dataclass(slots=True)
class Sitemap:
    """What one sitemap document holds."""

    url: str
    is_news: bool  # uses the news: extension
    publication: str = ""  # news:publication/news:name, the publisher's own name
    entries: list[ParsedEntry] = field(default_factory=list)  # from a <urlset>
    child_sitemaps: list[str] = field(default_factory=list)  # from a <sitemapindex>


def read_sitemap(body: bytes, url: str, *, now: datetime | None = None) -> Sitemap:
    """Read a sitemap or sitemap index fetched from url; raise SitemapError if it is neither."""
    root = _sitemap_root(body, url)
    now = now or datetime.now(UTC)
    sitemap = Sitemap(url=url, is_news=False)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        for child in root:
            loc = absolute_link(_child_text(child, "loc"), url)
            if _local(child.tag) == "sitemap" and loc:
                sitemap.child_sitemaps.append(loc)
        return sitemap
    if kind != "urlset":
        raise SitemapError(f"sitemap {url}: not a sitemap (root element <{kind}>)")
    for node in root:
        if _local(node.tag) != "url":
            continue
        news = next((child for child in node if child.tag == f"{{{NEWS_NAMESPACE}}}news"), None)
        if news is not None:
            sitemap.is_news = True
            publication = next((c for c in news if _local(c.tag) == "publication"), None)
            if publication is not None and not sitemap.publication:
                name = text_of(_child_text(publication, "name"), False)
                sitemap.publication = clean_text(name)  # becomes a publisher's name
        if entry := _entry_from_url(node, news, url, now):
            sitemap.entries.append(entry)
    return sitemap


def parse_news_sitemap(body: bytes, url: str, *, now: datetime | None = None) -> list[ParsedEntry]:
    """The entries a news sitemap lists (none for a sitemap index: see read_sitemap)."""
    return read_sitemap(body, url, now=now).entries


def _sitemap_root(body: bytes, url: str) -> Element:
    if not body or not body.strip():
        raise SitemapError(f"sitemap {url}: empty response, not a sitemap")
    try:
        return defusedxml.ElementTree.fromstring(utf8_xml(decode_xml(body)))
    except DefusedXmlException as error:
        raise SitemapError(f"sitemap {url}: refused, it declares XML entities ({error})") from None
    except ParseError as error:
        line, column = error.position
        raise SitemapError(
            f"sitemap {url}: not XML (line {line}, column {column}: {error.msg})"
        ) from None


def _entry_from_url(node: Element, news: Element | None, base: str, now: datetime):
    link = absolute_link(_child_text(node, "loc"), base)
    if link is None:
        return None
    title, published, keywords = "", None, []
    if news is not None:
        title = text_of(_child_text(news, "title"), False)
        published = parse_date(_child_text(news, "publication_date"))
        keywords = [word.strip() for word in _child_text(news, "keywords").split(",")]
    updated = parse_date(_child_text(node, "lastmod"))
    return ParsedEntry(
        link=link,
        title=title,
        published=clamp_future(published or updated, now),
        updated=clamp_future(updated, now),
        image=_image(node, base),
        categories=[word for word in keywords if word],
    )


def _image(node: Element, base: str) -> str | None:
    for child in node:
        if _local(child.tag) == "image":
            return absolute_link(_child_text(child, "loc"), base)
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child_text(node: Element, name: str) -> str:
    """Text of the first child with local name name (any namespace), or ""."""
    for child in node:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def parse_section_page(body: bytes, url: str, content_type: str | None = None) -> list[ParsedEntry]:
    """Entries for the article links on a section page fetched from url, in page order.

    An article linked twice (picture and headline) gives one entry, titled with
    the longest anchor text.
    """
    document = parse_html(body, content_type)
    if document is None:
        return []
    base = page_base(document, url)
    site = _site(url)
    titles: dict[str, str] = {}
    for anchor in document.iter("a"):
        link = absolute_link(anchor.get("href"), base)
        if link is None or _site(link) != site or not looks_like_article(urlsplit(link).path):
            continue
        title = _anchor_text(anchor)
        if len(title) > len(titles.get(link, "")):
            titles[link] = title
        else:
            titles.setdefault(link, title)
    return [ParsedEntry(link=link, title=title) for link, title in titles.items()]


def looks_like_article(path: str) -> bool:
    """Whether a URL path looks like one article rather than a list, a tag or a file."""
    segments = [segment for segment in path.lower().split("/") if segment]
    if not segments or any(segment in NOT_ARTICLE_SEGMENTS for segment in segments):
        return False
    if segments[-1].endswith(NOT_ARTICLE_SUFFIXES):
        return False
    if _DATED_PATH.search(path):
        return True
    stem = _PAGE_SUFFIX.sub("", segments[-1])
    words = [word for word in _SLUG_WORDS.split(stem) if word]
    if len(words) >= SLUG_WORDS_FOR_ARTICLE:
        return True
    return bool(_LONG_NUMBER.search(stem)) and (len(words) >= 2 or len(segments) >= 2)


def parse_html(body: bytes, content_type: str | None = None):
    """body as an lxml HTML document, or None when there is nothing to parse."""
    text = decode_body(body, content_type)
    if not text.strip():
        return None
    try:
        # lxml refuses str input that carries an XML encoding declaration: give it UTF-8.
        return lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except ParserError:
        return None


def page_base(document, url: str) -> str:
    """The base links on a page resolve against: its <base href>, else its own URL."""
    for base in document.iter("base"):
        if href := absolute_link(base.get("href"), url):
            return href
    return url


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _anchor_text(anchor) -> str:
    text = anchor.text_content().strip()
    if not text:
        text = anchor.get("title") or next(
            (image.get("alt") or "" for image in anchor.iter("img")), ""
        )
    return " ".join(text.split())
