"""Publisher feeds in the three formats Newsdesk must read: RSS 2.0, Atom 1.0, JSON Feed 1.1.

Each format is written the way publishers of that kind typically write it: the newspaper's
RSS with Dublin Core creators, the portal's RSS with tracking parameters on its links and
non-permalink GUIDs, the blog's WordPress-style RSS with the full text in content:encoded,
the agency's Atom with tag: URIs, the magazine's JSON Feed with content_html.
"""

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape as html_escape
from xml.sax.saxutils import escape, quoteattr

from .catalog import Publisher
from .newsroom import Article

FEED_CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

TRACKING_QUERY = "?utm_source=rss&utm_medium=feed&utm_campaign=northgate"


def article_html(article: Article) -> str:
    """The article body as simple HTML paragraphs, as feeds carrying full text give it."""
    return "".join(f"<p>{html_escape(p)}</p>" for p in article.paragraphs)


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def render_feed(publisher: Publisher, articles: list[Article], base_url: str, feed_path: str,
                section_title: str | None, fallback_updated: float) -> bytes:
    """The publisher's feed of these articles (newest first) in its own format."""
    if publisher.feed_format is None:
        raise ValueError(f"publisher {publisher.slug} has no feed to render")
    title = publisher.name if section_title is None else f"{publisher.name}: {section_title}"
    updated_at = max((a.published_at for a in articles), default=fallback_updated)
    updated = datetime.fromtimestamp(updated_at, UTC).astimezone(publisher.tz)
    render = {"rss": _rss, "atom": _atom, "json": _json_feed}[publisher.feed_format]
    return render(publisher, articles, base_url, feed_path, title, updated).encode("utf-8")


def _entry_link(publisher: Publisher, article: Article, base_url: str) -> str:
    link = base_url + article.path
    return link + TRACKING_QUERY if publisher.tracking_in_feed_links else link


def _rss(publisher: Publisher, articles: list[Article], base_url: str, feed_path: str,
         title: str, updated: datetime) -> str:
    full_text = publisher.layout == "blog"
    items = []
    for a in articles:
        link = _entry_link(publisher, a, base_url)
        if publisher.tracking_in_feed_links:
            guid = f'<guid isPermaLink="false">northgate-{a.id}</guid>'
        elif full_text:
            guid = f'<guid isPermaLink="false">{escape(base_url)}/?p={a.id}</guid>'
        else:
            guid = f'<guid isPermaLink="true">{escape(link)}</guid>'
        content = (
            f"<content:encoded>{escape(article_html(a))}</content:encoded>" if full_text else ""
        )
        items.append(
            f"<item><title>{escape(a.headline)}</title><link>{escape(link)}</link>{guid}"
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<dc:creator>{escape(a.byline)}</dc:creator><category>{escape(a.topic)}</category>"
            f"<description>{escape(a.summary)}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>'
        f"<title>{escape(title)}</title><link>{escape(base_url)}/</link>"
        f"<description>{escape(publisher.tagline)}</description>"
        f"<language>{publisher.language}</language>"
        f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>"
        f'<atom:link href={quoteattr(base_url + feed_path)} rel="self" '
        'type="application/rss+xml"/>\n' + "\n".join(items) + "\n</channel>\n</rss>\n"
    )


def _atom(publisher: Publisher, articles: list[Article], base_url: str, feed_path: str,
          title: str, updated: datetime) -> str:
    entries = []
    for a in articles:
        link = base_url + a.path
        entries.append(
            f"<entry><title>{escape(a.headline)}</title>"
            f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>'
            f"<id>tag:{publisher.host},2026:article-{a.id}</id>"
            f"<published>{rfc3339(a.published)}</published>"
            f"<updated>{rfc3339(a.published)}</updated>"
            f"<author><name>{escape(a.byline)}</name></author>"
            f"<category term={quoteattr(a.topic)}/>"
            f'<summary type="text">{escape(a.summary)}</summary></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{publisher.language}">'
        f"<title>{escape(title)}</title><subtitle>{escape(publisher.tagline)}</subtitle>"
        f"<id>{escape(base_url + feed_path)}</id><updated>{rfc3339(updated)}</updated>"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(base_url + feed_path)}/>'
        f'<link rel="alternate" type="text/html" href={quoteattr(base_url + "/")}/>'
        f"<author><name>{escape(publisher.name)}</name></author>\n"
        + "\n".join(entries) + "\n</feed>\n"
    )


def _json_feed(publisher: Publisher, articles: list[Article], base_url: str, feed_path: str,
               title: str, updated: datetime) -> str:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": base_url + "/",
        "feed_url": base_url + feed_path,
        "description": publisher.tagline,
        "language": publisher.language,
        "authors": [{"name": publisher.name}],
        "items": [
            {
                "id": f"{publisher.slug}-{a.id}",
                "url": base_url + a.path,
                "title": a.headline,
                "summary": a.summary,
                "content_html": article_html(a),
                "image": base_url + a.image_path,
                "date_published": rfc3339(a.published),
                "authors": [{"name": a.byline}],
                "tags": [a.topic],
                "language": a.language,
            }
            for a in articles
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def render_news_sitemap(publisher: Publisher, articles: list[Article], base_url: str) -> bytes:
    """A Google News sitemap (sitemaps.org urlset with the news: extension)."""
    urls = "\n".join(
        f"<url><loc>{escape(base_url + a.path)}</loc><news:news><news:publication>"
        f"<news:name>{escape(publisher.name)}</news:name>"
        f"<news:language>{a.language}</news:language></news:publication>"
        f"<news:publication_date>{rfc3339(a.published)}</news:publication_date>"
        f"<news:title>{escape(a.headline)}</news:title></news:news></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}\n</urlset>\n"
    ).encode()
