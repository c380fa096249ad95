"""Builders for the rows the public pages show: publishers, articles, stories.

Imported by the web, consent and browser tests (tests/web is on sys.path there).
"""

import html
import itertools
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher, Source
from newsdesk.stories.models import Story, StoryArticle

_numbers = itertools.count(1)

# a declared analytics service, as an operator writes it in NEWSDESK_SERVICES
STATS_SERVICE = {
    "key": "stats",
    "name": "Example Stats",
    "purpose": "analytics",
    "scripts": ["https://stats.example.net/count.js"],
    "hosts": ["https://stats.example.net"],
    "cookies": [{"name": "_ex_id", "duration": "13 months"}],
}


def page_html(response) -> str:
    """The page's HTML with entities decoded, so tests can look for plain text."""
    return html.unescape(response.content.decode())


def make_publisher(name: str, **fields) -> Publisher:
    slug = name.lower().replace(" ", "-")
    return Publisher.objects.create(name=name, slug=slug, domain=f"{slug}.example", **fields)


def make_article(publisher: Publisher, title: str, excerpt: str = "", **fields) -> Article:
    number = next(_numbers)
    source, _ = Source.objects.get_or_create(
        url=f"https://{publisher.domain}/feed.xml", defaults={"publisher": publisher}
    )
    url = fields.pop("url", f"https://{publisher.domain}/news/{number}")
    fields.setdefault("published_at", timezone.now() - timedelta(seconds=number))
    fields.setdefault("text", f"{title}. {excerpt}")
    return Article.objects.create(
        url=url,
        url_hash=Article.hash_url(url),
        source=source,
        publisher=publisher,
        title=title,
        excerpt=excerpt,
        **fields,
    )


def make_story(*articles: Article, copies: dict | None = None, **fields) -> Story:
    """A story of `articles` (the first is the headline); copies maps copy -> original."""
    copies = copies or {}
    lead = articles[0]
    fields.setdefault("last_updated_at", max(a.published_at for a in articles))
    fields.setdefault("article_count", len(articles))
    fields.setdefault("publisher_count", len({a.publisher_id for a in articles}))
    fields.setdefault("language", lead.language)
    story = Story.objects.create(
        title=lead.title,
        headline_article=lead,
        excerpt=lead.excerpt,
        **fields,
    )
    for article in articles:
        StoryArticle.objects.create(article=article, story=story, copy_of=copies.get(article))
    story.publishers.set({a.publisher for a in articles})
    return story



def page_rows() -> int:
    """Pages held in the database cache (the `page_cache_in_the_database` fixture)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM newsdesk_cache WHERE cache_key LIKE %s",
                       ["%newsdesk-page:%"])
        return cursor.fetchone()[0]
