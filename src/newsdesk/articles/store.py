"""Storing articles: one row per canonical URL, updated rather than duplicated.

An article comes from an extraction of its page, or — when the page could not be
fetched, is behind a wall, or the source asks us not to fetch pages — from what
the feed entry itself said. Only article rows are written here: the entry's state and
what the page says about its publisher are the pipeline's hand-offs (pipeline.py).
"""

from dataclasses import replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.articles.excerpt import make_excerpt
from newsdesk.articles.models import Article
from newsdesk.core import metrics
from newsdesk.core.html import html_to_text
from newsdesk.core.text import clean_fields
from newsdesk.core.urls import canonicalize_url, host_of
from newsdesk.sources.models import Entry

WALL_STATUSES = {"paywall", "consent_wall", "bot_challenge"}
EXTRACTION_FIELDS_WITH_LINES = frozenset({"text", "excerpt"})


def entry_done(status: str) -> bool:
    """Whether an entry whose article has this status is done (else it failed)."""
    return status in ("ok", "feed_only") or status in WALL_STATUSES


def _feed_text(entry: Entry) -> str:
    return html_to_text(entry.content_html) or entry.summary


def store_article(entry: Entry, extraction=None, status: str | None = None) -> Article:
    """Create or update the article for entry; extraction is an articles.extract.Extraction.

    A wall or a failed page keeps the feed's own summary as the text: a wall's text is
    never stored as the article's.
    """
    now = timezone.now()
    if extraction is not None:  # the page's text is the publisher's: clean it (core.text)
        extraction = replace(
            extraction, **clean_fields(extraction, lines=EXTRACTION_FIELDS_WITH_LINES)
        )
    use_page = extraction is not None and extraction.status == "ok" and extraction.text
    url = entry.link
    if (
        extraction is not None
        and extraction.canonical_url
        and host_of(extraction.canonical_url) == host_of(entry.link)
    ):
        url = extraction.canonical_url
    url = canonicalize_url(url or entry.link)
    text = extraction.text if use_page else _feed_text(entry)
    if extraction is not None:
        status = extraction.status if extraction.status != "ok" or use_page else "feed_only"
    status = status or Article.Status.FEED_ONLY
    fields = {
        "url": url,
        "source": entry.source,
        "publisher": entry.source.publisher,
        "title": (extraction.title if extraction is not None and extraction.title else entry.title)
        or url,
        "bylines": list(extraction.bylines)
        if extraction is not None
        else ([entry.author] if entry.author else []),
        "published_at": (
            extraction.published
            if extraction is not None and extraction.published
            else entry.published_at
        ),
        "updated_at": extraction.updated if extraction is not None else None,
        "language": (
            (extraction.language if extraction is not None else "") or entry.source.language or ""
        )[:20],
        "image_url": ((extraction.image if extraction is not None else "") or entry.image or "")[
            :2000
        ],
        "section": ((extraction.section if extraction is not None else "") or "")[:200],
        "keywords": list(extraction.keywords) if extraction is not None else [],
        "links": list(extraction.links) if extraction is not None else [],
        "text": text,
        "excerpt": make_excerpt(
            text,
            max_chars=settings.NEWSDESK_EXCERPT_CHARS,
            language=(extraction.language if extraction is not None else None),
        ),
        "status": status,
        "nosnippet": bool(extraction is not None and extraction.nosnippet),
        "max_snippet": extraction.max_snippet if extraction is not None else None,
        "noarchive": bool(extraction is not None and extraction.noarchive),
        "content_hash": entry.content_hash,
        "extracted_at": now,
    }
    with transaction.atomic():
        article, created = Article.objects.update_or_create(
            url_hash=Article.hash_url(url), defaults=fields
        )
        article.entries.add(entry)
    if created:
        metrics.count_article(status)
    return article
