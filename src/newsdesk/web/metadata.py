"""What our pages tell machines about themselves: canonical URL, OpenGraph, JSON-LD, feeds.

Views build one PageMeta; base.html renders it in <head>.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

FEED_FORMATS = (
    ("atom", "application/atom+xml", "Atom"),
    ("rss", "application/rss+xml", "RSS"),
    ("json", "application/feed+json", "JSON Feed"),
)


def absolute(path: str) -> str:
    """Our public address for a path: feeds, sitemaps and mails must not use Host."""
    return settings.NEWSDESK_BASE_URL.rstrip("/") + path


@dataclass
class FeedLink:
    mime_type: str
    title: str
    url: str
    label: str = ""  # the format's name, for the visible links ("RSS")


@dataclass
class PageMeta:
    title: str
    path: str
    description: str = ""
    og_type: str = "website"
    image: str = ""
    robots: str = ""
    feeds: list[FeedLink] = field(default_factory=list)
    json_ld: dict | None = None

    @property
    def canonical(self) -> str:
        return absolute(self.path)


def feed_links(url_name: str, title: str, *args, query: dict | None = None) -> list[FeedLink]:
    """<link rel="alternate"> entries for the Atom, RSS and JSON versions of a list."""
    suffix = f"?{urlencode(query)}" if query else ""
    return [
        FeedLink(
            mime_type,
            _("%(title)s (%(format)s)") % {"title": title, "format": label},
            absolute(reverse(url_name, args=[*args, extension])) + suffix,
            label,
        )
        for extension, mime_type, label in FEED_FORMATS
    ]


def robots_for(request, *, noarchive: bool = False) -> str:
    """Keep cursor pages and filtered variants out of indexes; honour noarchive."""
    directives = []
    if request.GET.get("cursor") or request.GET.get("lang"):
        directives.append("noindex, follow")
    if noarchive:
        directives.append("noarchive")
    return ", ".join(directives)


def organization(name: str, url: str = "") -> dict:
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    return data


def story_list_json_ld(title: str, path: str, cards) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": title,
        "url": absolute(path),
        "isPartOf": {"@type": "WebSite", "name": settings.NEWSDESK_SITE_NAME,
                     "url": absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "url": absolute(card.story.get_absolute_url()),
                    "name": card.story.title,
                }
                for position, card in enumerate(cards, start=1)
            ],
        },
    }


def story_json_ld(story, coverage) -> dict:
    """The story page as a collection of the publishers' NewsArticles it links to."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": story.title,
        "url": absolute(story.get_absolute_url()),
        "dateModified": story.last_updated_at.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": settings.NEWSDESK_SITE_NAME,
                     "url": absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "item": {
                        "@type": "NewsArticle",
                        "headline": item.article.title,
                        "url": item.article.url,
                        "datePublished": item.article.published_at.isoformat(),
                        "publisher": organization(item.article.publisher.name),
                        **({"inLanguage": item.article.language} if item.article.language
                           else {}),
                    },
                }
                for position, item in enumerate(coverage, start=1)
            ],
        },
    }
