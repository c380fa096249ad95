"""Extraction: a publisher's page in, the article's text and metadata out.

The page is decoded (its real charset, whatever it declares) and parsed once; the
body comes from several extractors reconciled by vote and guarded against losing the
article to a teaser or a boilerplate block (bodytext.py), the metadata
from JSON-LD, OpenGraph, meta tags and the page (metadata.py), cross-checked
against what the feed said. A bot challenge, consent wall or paywall is recorded
as such (walls.py) and the feed's summary stands in for the text; the
publisher's robots directives say how much of it we may show (robots_meta.py).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsdesk.articles.bodytext import (
    DEFAULT_SELECT,
    DEFAULT_VOTE,
    BodyCandidates,
    SelectSettings,
    VoteSettings,
    deferred_candidates,
    select_body,
)
from newsdesk.articles.excerpt import make_excerpt
from newsdesk.articles.furniture import drop_boilerplate_lines, drop_title_lines
from newsdesk.articles.metadata import (
    ArticleFacts,
    PageMetadata,
    extract_metadata,
    untruncated,
)
from newsdesk.articles.robots_meta import snippet_policy
from newsdesk.articles.walls import detect_wall
from newsdesk.core.charset import declared_charset, decode_body
from newsdesk.core.html import html_to_text
from newsdesk.core.urls import canonicalize_url, host_of, is_http_url

MAX_LINKS = 50
# </body> and </html> end tags. Browsers (the HTML5 parsing rules) put whatever follows
# them back into the body; libxml2 drops it, so a page that closes its body after the
# site header and then gives the article lost the article.
_DOCUMENT_END_TAGS = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# Links a story engine may read as attribution: in the article's running text, not in
# the page's navigation, header, footer, asides or comment sections.
TEXT_LINKS_XPATH = (
    "//*[self::p or self::blockquote or self::li or self::figcaption]//a[@href]"
    "[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
    " or ancestor::form)]"
)

# Fewer words than this is a menu or an empty shell, not an article (briefs run 18+ words).
MIN_ARTICLE_WORDS = 10
@dataclass(frozen=True)
class FeedHint:
    """What the feed entry said about the article, for cross-checks and as a stand-in."""

    title: str | None = None
    summary: str | None = None  # plain text or HTML
    published: datetime | None = None
    author: str | None = None
    link: str | None = None


@dataclass
class Extraction(ArticleFacts):
    text: str = ""
    excerpt: str = ""
    status: str = "ok"
    nosnippet: bool = False
    max_snippet: int | None = None
    noarchive: bool = False
    links: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The object `newsdesk extract` prints (the issue's field list, in its order)."""
        return {
            "title": self.title,
            "bylines": list(self.bylines),
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "language": self.language,
            "image": self.image,
            "canonical_url": self.canonical_url,
            "section": self.section,
            "keywords": list(self.keywords),
            "publisher": self.publisher,
            "text": self.text,
            "excerpt": self.excerpt,
            "status": self.status,
        }


def parse_page(
    html: bytes | str, headers: Mapping[str, str] | None = None
) -> tuple[str, HtmlElement | None]:
    """The page decoded to str and parsed once (None when nothing parseable is there).

    Parsed as a browser reads it where libxml2 would not: text after an early </body>
    or </html> stays in the body (both end tags are optional; the parser closes the
    document at its end)."""
    if isinstance(html, bytes):
        content_type = _header(headers, "content-type")
        if _is_mislabelled_utf8(html, content_type):
            content_type = "text/html; charset=utf-8"
        html = decode_body(html, content_type)
    if not html or not html.strip():
        return "", None
    return html, load_html(_DOCUMENT_END_TAGS.sub("", html))


def _is_mislabelled_utf8(body: bytes, content_type: str | None) -> bool:
    """True for UTF-8 bytes labelled with a one-byte charset (a page re-saved as UTF-8).

    Non-ASCII text that happens to be valid UTF-8 while meant as Windows-1252 is
    vanishingly rare, so valid multi-byte UTF-8 outweighs the label.
    """
    declared = declared_charset(body, content_type)
    if declared in (None, "utf-8") or body.isascii():
        return False
    if codecs.lookup(declared).name.startswith(("utf-16", "utf-32")):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def article_text(candidates: BodyCandidates, meta: PageMetadata,
                 vote: VoteSettings = DEFAULT_VOTE, select: SelectSettings = DEFAULT_SELECT,
                 voted: str | None = None) -> str:
    """The selected body without furniture lines and without a repeated headline."""
    text = drop_boilerplate_lines(select_body(candidates, vote, select, voted))
    return drop_title_lines(text, [meta.title, meta.page_heading])


def detect_language(text: str) -> str | None:
    """The language of the body by py3langid, when the page does not say (None if unsure)."""
    if len(text.split()) < 20:
        return None
    import py3langid

    return py3langid.classify(text[:2000])[0]


def _cross_check(meta: PageMetadata, hint: FeedHint | None) -> None:
    """Fill gaps from the feed, and prefer its headline where the page's was cut short."""
    if hint is None:
        return
    feed_title = " ".join((hint.title or "").split())
    if feed_title:
        meta.title = untruncated(meta.title, [feed_title]) if meta.title else feed_title
    meta.published = meta.published or hint.published
    if not meta.bylines and hint.author:
        meta.bylines = [hint.author]


def extract(html: bytes | str, url: str | None = None, *,
            headers: Mapping[str, str] | None = None, feed_hint: FeedHint | None = None,
            vote: VoteSettings = DEFAULT_VOTE,
            select: SelectSettings = DEFAULT_SELECT) -> Extraction:
    """Extract one page. Never raises on bad markup: an unusable page is "not_article"."""
    url = url or (feed_hint.link if feed_hint else None)
    source, tree = parse_page(html, headers)
    if tree is None:
        return _from_feed_only(feed_hint)
    meta = extract_metadata(tree, url, _header(headers, "content-language"))
    _cross_check(meta, feed_hint)
    policy = snippet_policy(tree, headers)
    text = article_text(deferred_candidates(tree, url, meta.jsonld_body), meta, vote, select)
    status = detect_wall(tree, source, text, meta.accessible_for_free)
    if status is not None:  # a wall's words are never the article's text
        text = html_to_text(feed_hint.summary or "") if feed_hint else ""
    elif len(text.split()) < MIN_ARTICLE_WORDS:
        status = "not_article"
    meta.language = meta.language or detect_language(text)
    return Extraction(
        **meta.facts(), text=text,
        excerpt=make_excerpt(text, language=meta.language, nosnippet=policy.nosnippet,
                             max_snippet=policy.max_snippet),
        status=status or "ok", nosnippet=policy.nosnippet, max_snippet=policy.max_snippet,
        noarchive=policy.noarchive, links=outbound_links(tree, url, meta.canonical_url),
    )


def outbound_links(tree: HtmlElement, url: str | None, canonical: str | None) -> list[str]:
    """Other pages the article points at: a canonical link to another site first (a
    syndicated copy naming its original), then the links in its running text (a copy's
    "first published by ..."), resolved, canonicalised, without repeats, at most
    ``MAX_LINKS``. The page's own URL is left out."""
    own = canonicalize_url(url) if url and is_http_url(url) else None
    found: dict[str, None] = {}
    if canonical and url and host_of(canonical) != host_of(url):
        found[canonical] = None
    for href in tree.xpath(TEXT_LINKS_XPATH + "/@href"):
        if len(found) >= MAX_LINKS:
            break
        try:
            absolute = canonicalize_url(str(href), url) if url else str(href).strip()
        except ValueError:  # a malformed href ("http://[oops") points nowhere
            continue
        if is_http_url(absolute) and absolute != own:
            found.setdefault(absolute, None)
    return list(found)


def _from_feed_only(hint: FeedHint | None) -> Extraction:
    """An empty or unparseable page: what the feed said, marked as not an article."""
    text = html_to_text(hint.summary or "") if hint else ""
    return Extraction(
        title=hint.title if hint else None, published=hint.published if hint else None,
        bylines=[hint.author] if hint and hint.author else [], text=text,
        excerpt=make_excerpt(text), status="not_article",
    )
