"""Our own feeds: Atom and RSS 2.0 through Django's syndication framework, JSON Feed 1.1.

Each list the site shows (front page, topic, publisher, search) is offered in all three
formats at <list>/feed.atom, feed.rss and feed.json. An item is a story: its link is our
story page (every publisher's coverage), its summary the excerpt we may show and a
"Read more" pointer to the original.

Whatever goes into a feed passes through core.text's clean_text on the way (FeedItem,
FeedContent): a stored title with a control character, or a visitor's search query,
must not make the XML invalid (Django refuses to write it) or the JSON unencodable.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from newsdesk.core.text import clean_in_place
from newsdesk.sources.models import Publisher, Topic

from . import listing, presentation
from .caching import public_page
from .former_addresses import moved_publisher
from .metadata import absolute
from .search import search_stories
from .search_form import DATE_ALIASES, SearchForm, with_date_aliases

FEED_SIZE = 50
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass
class FeedItem:
    title: str
    url: str
    external_url: str
    summary: str
    read_more: str
    published: datetime
    updated: datetime
    authors: list[str]
    language: str = ""
    tags: list[str] = field(default_factory=list)

    def __post_init__(self):
        clean_in_place(self, lines=frozenset({"summary"}))

    @property
    def summary_html(self) -> str:
        parts = [f"<p>{escape(self.summary)}</p>"] if self.summary else []
        if self.external_url:
            parts.append(
                f'<p><a href="{escape(self.external_url)}">{escape(self.read_more)}</a></p>'
            )
        return "".join(parts)


@dataclass
class FeedContent:
    title: str
    description: str
    page_path: str
    feed_path: str
    items: list[FeedItem]

    def __post_init__(self):
        clean_in_place(self, lines=frozenset({"description"}))


def item_from_card(card) -> FeedItem:
    story = card.story
    lead = card.lead
    return FeedItem(
        title=story.title,
        url=absolute(story.get_absolute_url()),
        external_url=lead.url if lead else "",
        summary=card.excerpt,
        read_more=_("Read more at %(publisher)s") % {"publisher": lead.publisher.name}
        if lead
        else "",
        published=story.first_seen_at,
        updated=story.last_updated_at,
        authors=[publisher.name for publisher in card.publishers],
        language=story.language,
    )


def _card_items(queryset, keys) -> list[FeedItem]:
    page = listing.card_page(queryset, keys, None, FEED_SIZE)
    return [item_from_card(card) for card in page.items]


def front_content(request) -> FeedContent:
    language = listing.requested_language(request)
    return FeedContent(
        title=_("%(site)s: top stories") % {"site": settings.NEWSDESK_SITE_NAME},
        description=_("Every publisher's coverage of the day's stories."),
        page_path=reverse("web:front"),
        feed_path=request.get_full_path(),
        items=_card_items(listing.visible_stories(language), listing.RANKED),
    )


def topic_content(request, slug: str) -> FeedContent:
    topic = get_object_or_404(Topic, slug=slug)
    stories = listing.visible_stories(listing.requested_language(request)).filter(topics=topic)
    return FeedContent(
        title=_("%(site)s: %(topic)s") % {"site": settings.NEWSDESK_SITE_NAME, "topic": topic.name},
        description=_("The latest stories on %(topic)s.") % {"topic": topic.name},
        page_path=reverse("web:topic", args=[topic.slug]),
        feed_path=request.get_full_path(),
        items=_card_items(stories, listing.RECENT),
    )


def publisher_content(request, slug: str) -> FeedContent:
    publisher = get_object_or_404(Publisher, slug=slug, excluded=False)
    stories = listing.visible_stories(listing.requested_language(request)).filter(
        publishers=publisher
    )
    return FeedContent(
        title=_("%(site)s: %(publisher)s")
        % {"site": settings.NEWSDESK_SITE_NAME, "publisher": publisher.name},
        description=_("Stories covered by %(publisher)s.") % {"publisher": publisher.name},
        page_path=reverse("web:publisher", args=[publisher.slug]),
        feed_path=request.get_full_path(),
        items=_card_items(stories, listing.RECENT),
    )


def search_content(request) -> FeedContent:
    form = SearchForm(with_date_aliases(request.GET))
    form.is_valid()
    text = form.cleaned_data.get("q", "") or ""
    results = search_stories(text, form.filters(), per_page=FEED_SIZE)
    items = [
        FeedItem(
            title=hit.story.title,
            url=absolute(hit.story.get_absolute_url()),
            external_url=hit.credited.url,
            summary=presentation.shown_excerpt(hit.credited),
            read_more=_("Read more at %(publisher)s") % {"publisher": hit.credited.publisher.name},
            published=hit.story.first_seen_at,
            updated=hit.story.last_updated_at,
            authors=[hit.credited.publisher.name],
            language=hit.story.language,
        )
        for hit in results.hits
    ]
    query_string = request.GET.urlencode()
    return FeedContent(
        title=_("%(site)s: search for “%(query)s”")
        % {"site": settings.NEWSDESK_SITE_NAME, "query": text[:100]},
        description=_("Stories matching a search."),
        page_path=reverse("web:search") + (f"?{query_string}" if query_string else ""),
        feed_path=request.get_full_path(),
        items=items,
    )


class StoryFeed(Feed):
    """Atom or RSS for a FeedContent; the content is built per request by get_object."""

    def __init__(self, feed_type, content_builder):
        self.feed_type = feed_type
        self.content_builder = content_builder

    def get_object(self, request, *args, **kwargs):
        return self.content_builder(request, *args, **kwargs)

    def title(self, content):
        return content.title

    def description(self, content):
        return content.description

    def subtitle(self, content):
        return content.description

    def link(self, content):
        return absolute(content.page_path)

    def feed_url(self, content):
        return absolute(content.feed_path)

    def feed_guid(self, content):
        return absolute(content.feed_path)

    def author_name(self, content):
        return settings.NEWSDESK_SITE_NAME

    def items(self, content):
        return content.items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary_html

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.url

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return ", ".join(item.authors) or None


def json_feed(content: FeedContent) -> dict:
    """A JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    feed = {
        "version": JSON_FEED_VERSION,
        "title": content.title,
        "home_page_url": absolute(content.page_path),
        "feed_url": absolute(content.feed_path),
        "description": content.description,
        "language": get_language(),
        "authors": [{"name": settings.NEWSDESK_SITE_NAME, "url": absolute("/")}],
        "items": [],
    }
    for item in content.items:
        entry = {
            "id": item.url,
            "url": item.url,
            "title": item.title,
            "content_html": item.summary_html,
            "date_published": item.published.isoformat(),
            "date_modified": item.updated.isoformat(),
            "authors": [{"name": name} for name in item.authors],
        }
        if item.summary:
            entry["summary"] = item.summary
        if item.external_url:
            entry["external_url"] = item.external_url
        if item.language:
            entry["language"] = item.language
        feed["items"].append(entry)
    return feed


def _serve(builder, params):
    """The feed views of one list; `params` are the query parameters its content uses."""
    atom = StoryFeed(feedgenerator.Atom1Feed, builder)
    rss = StoryFeed(feedgenerator.Rss201rev2Feed, builder)

    @public_page(params=params)
    def view(request, *args, extension: str, **kwargs):
        if extension == "atom":
            return atom(request, *args, **kwargs)
        if extension == "rss":
            return rss(request, *args, **kwargs)
        if extension == "json":
            body = json.dumps(json_feed(builder(request, *args, **kwargs)), ensure_ascii=False)
            return HttpResponse(body, content_type="application/feed+json; charset=utf-8")
        raise Http404("Feeds come as .atom, .rss or .json.")

    view.__name__ = f"{builder.__name__}_feed"
    return view


front_feed = _serve(front_content, params=("lang",))
topic_feed = _serve(topic_content, params=("lang",))
_publisher_feed = _serve(publisher_content, params=("lang",))
search_feed = _serve(search_content, params=(*SearchForm.base_fields, *DATE_ALIASES))


def publisher_feed(request, slug: str, extension: str):
    """A publisher's feeds; an address it had before its name changed redirects."""
    if not Publisher.objects.filter(slug=slug).exists():
        moved = moved_publisher(request, slug, "web:publisher_feed", extension)
        if moved is not None:
            return moved
    return _publisher_feed(request, slug=slug, extension=extension)
