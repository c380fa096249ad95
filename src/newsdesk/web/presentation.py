"""What a story looks like on our pages: the cards and coverage lists the templates show.

Views fetch stories; this module decides what of them a visitor may see (publishers'
wishes, excluded publishers, bounded excerpts, copies folded under their original), so
that every page type shows a story the same way.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Prefetch

from newsdesk.articles.excerpt import make_excerpt
from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story, StoryArticle

from .glance import one_sided_labels


def excerpt_limit() -> int:
    return settings.NEWSDESK_EXCERPT_CHARS


def bounded_excerpt(text: str, limit: int | None = None) -> str:
    """An excerpt no longer than `limit` (the site's excerpt length), whole sentences."""
    return make_excerpt(text, max_chars=limit or excerpt_limit())


def shown_excerpt(article: Article) -> str:
    """The article's excerpt as the publisher allows us to show it, bounded."""
    return bounded_excerpt(article.shown_excerpt)


def shown_image(article: Article | None) -> str:
    if article is None or article.publisher.headlines_only or article.nosnippet:
        return ""
    return article.image_url


@dataclass
class StoryCard:
    """One story as a list shows it: the front, topic, publisher and archive pages."""

    story: Story
    lead: Article | None
    publishers: list[Publisher]
    excerpt: str
    image_url: str
    # Labels (glance.py) for which only one side covered the story; lists flag it.
    one_sided: list[str] = field(default_factory=list)

    @property
    def publisher_count(self) -> int:
        return len(self.publishers)

    @property
    def first_reported(self):
        """When the story was first reported, not its last update: when its original
        report was published, unless that claims to be later than we first saw it."""
        if self.lead is None:
            return self.story.first_seen_at
        return min(self.lead.published_at, self.story.first_seen_at)


def card_publishers() -> Prefetch:
    """A card's shown publishers with their labels (for the one-side flag), by name."""
    return Prefetch(
        "publishers",
        queryset=Publisher.objects.filter(excluded=False).prefetch_related("labels").order_by("name"),
    )


def listing_queryset(queryset=None, *, with_publishers: bool = True):
    """Stories ready to become cards: publishers and the headline article fetched at once
    (with_publishers=False leaves the publishers to one prefetch over several lists)."""
    queryset = Story.objects.visible() if queryset is None else queryset
    queryset = (
        queryset.select_related("headline_article__publisher")
        # Cards never show the full text; leaving it out keeps list queries small.
        .defer("headline_article__text", "headline_article__keywords", "excerpt")
    )
    return queryset.prefetch_related(card_publishers()) if with_publishers else queryset


def lead_article(story: Story) -> Article | None:
    """The headline article (never a copy), or the earliest shown original when its
    publisher is excluded (a copy only when the story shows nothing else)."""
    lead = story.headline_article
    if lead is not None and not lead.publisher.excluded:
        return lead
    return (
        Article.objects.filter(membership__story=story, publisher__excluded=False)
        .select_related("publisher")
        .order_by(F("membership__copy_of").asc(nulls_first=True), "published_at", "pk")
        .first()
    )


def story_card(story: Story, desk_labels: dict[str, set[str]] | None = None) -> StoryCard:
    """The card of `story`; with the desk's label values (glance.desk_label_values), it
    names the labels for which a story of several publishers had only one side's."""
    lead = lead_article(story)
    publishers = list(story.publishers.all())
    if lead is not None and lead.publisher not in publishers:
        publishers.insert(0, lead.publisher)
    if lead is not None:
        excerpt = shown_excerpt(lead)
    else:
        excerpt = bounded_excerpt(story.excerpt)
    return StoryCard(
        story=story,
        lead=lead,
        publishers=publishers,
        excerpt=excerpt,
        image_url=shown_image(lead),
        one_sided=one_sided_labels(publishers, desk_labels)
        if desk_labels and len(publishers) > 1
        else [],
    )


@dataclass
class Coverage:
    """One original article on a story page, with the copies folded under it."""

    article: Article
    excerpt: str
    copies: list[Article] = field(default_factory=list)


def story_coverage(story: Story) -> list[Coverage]:
    """Every shown publisher's article in the story, oldest first, copies folded."""
    memberships = (
        StoryArticle.objects.filter(story=story, article__publisher__excluded=False)
        .select_related("article__publisher")
        .prefetch_related("article__publisher__labels")
        .order_by("article__published_at", "article_id")
    )
    originals: dict[int, Coverage] = {}
    copies: list[StoryArticle] = []
    for membership in memberships:
        if membership.copy_of_id is None:
            article = membership.article
            originals[article.pk] = Coverage(article=article, excerpt=shown_excerpt(article))
        else:
            copies.append(membership)
    for membership in copies:
        original = originals.get(membership.copy_of_id)
        if original is None:
            # The original is not shown here (excluded, or in another story): the copy
            # stands on its own rather than vanishing.
            article = membership.article
            originals[article.pk] = Coverage(article=article, excerpt=shown_excerpt(article))
        else:
            original.copies.append(membership.article)
    return sorted(originals.values(), key=lambda c: (c.article.published_at, c.article.pk))


@dataclass
class TimelineEntry:
    article: Article
    is_copy: bool


def timeline(coverage: list[Coverage]) -> list[TimelineEntry]:
    """Every shown article of the story, copies included, in the order they appeared."""
    entries = [TimelineEntry(item.article, False) for item in coverage]
    entries += [TimelineEntry(copy, True) for item in coverage for copy in item.copies]
    return sorted(entries, key=lambda e: (e.article.published_at, e.article.pk))
