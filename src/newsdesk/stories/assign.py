"""Putting stored articles into stories with the engine, and keeping Story rows true.

Assignment is serialised: on PostgreSQL a transaction-level advisory lock, on SQLite
the write lock an IMMEDIATE transaction takes. The in-memory index is rebuilt from
the database when the consumer starts and caught up with rows other consumers added,
so several workers never open two stories for one event.

The engine (numpy, datasketch) is imported where it is used: the admin and the web
server import this module for ``refresh_story`` and ``merge_stories`` and need none of it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.articles.models import Article
from newsdesk.core import metrics
from newsdesk.sources.models import Topic
from newsdesk.stories.languages import note_story_language
from newsdesk.stories.models import PreparedArticle, Story, StoryArticle
from newsdesk.stories.rank import rescore

if TYPE_CHECKING:
    from newsdesk.stories.engine import Doc, StoryIndex
    from newsdesk.stories.prepare import Prepared

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x4E455753  # "NEWS"
RELATED_STORIES = 5
# folds are looked at again this far back: another machine's clock may lag behind ours
MERGE_CLOCK_SKEW = timedelta(minutes=5)
# How far the clocks of the machines running clustering consumers may disagree before a
# consumer misses another's membership in its index (the story stays right in the
# database; the index that missed it decides the next articles without it).
MEMBERSHIP_CLOCK_SKEW = timedelta(seconds=10)
GENERATION_KEY = "newsdesk:story-index-generation"


def _new_story() -> int:
    metrics.count_story()
    return Story.objects.create(title="").pk


def doc_for(article: Article) -> Doc:
    """What the engine sees of an article, with the worker's prepared terms if still true."""
    from newsdesk.stories.engine import Doc

    return Doc(
        key=str(article.pk),
        title=article.title,
        text=article.text,
        published=article.published_at,
        language=article.language or None,
        links=tuple(article.links or ()),
        url=article.url,
        prepared=_stored_preparation(article),
    )


def _fingerprint(title: str, text: str) -> str:
    return hashlib.blake2b(f"{title}\0{text}".encode(), digest_size=16).hexdigest()


def _stored_preparation(article: Article) -> Prepared | None:
    try:
        stored = article.prepared
    except PreparedArticle.DoesNotExist:
        return None
    if stored.fingerprint != _fingerprint(article.title, article.text):
        return None  # the article changed after it was prepared
    from newsdesk.stories.prepare import Prepared

    return Prepared.from_bytes(stored.data)


def prepare_articles(article_ids: list[int]) -> int:
    """Store the window-free part of the engine's work on each article (``stories.prepare``).

    Run by the extraction workers before they hand the articles to the clustering
    queue: they scale across cores and machines, the one clustering consumer does not.
    Replaces what an earlier extraction of the same article stored. Returns the count.
    """
    from newsdesk.stories.prepare import prepare

    rows = [
        PreparedArticle(
            article_id=article.pk,
            fingerprint=_fingerprint(article.title, article.text),
            data=prepare(article.title, article.text).to_bytes(),
        )
        for article in Article.objects.filter(pk__in=article_ids).only("pk", "title", "text")
    ]
    PreparedArticle.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["fingerprint", "data"],
    )
    return len(rows)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def editors_changed_stories() -> None:
    """Tell every clustering consumer to rebuild its index (after a merge or split by hand)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


class ClusteringConsumer:
    """What one clustering process keeps between batches: its index, and how far it has
    followed the database.

    - ``index``: the in-memory ``StoryIndex``, built from the articles inside the window
      on first use and dropped (``forget``) when a transaction that changed it rolls back;
    - ``seen``: the articles whose membership it holds, so that catching up with rows
      other consumers added never restores one twice;
    - ``folds_seen_until``: when the latest fold it has followed was made;
    - ``members_seen_until``: when it last caught up with the memberships in the database;
    - ``generation``: the editors' change counter it was built at (see
      ``editors_changed_stories``): a merge or split by hand makes it rebuild.
    """

    def __init__(self):
        self.index: StoryIndex | None = None
        self.seen: set[int] = set()
        self.folds_seen_until = None
        self.members_seen_until = None
        self.generation = 0

    def story_index(self) -> StoryIndex:
        """The index, up to date with the editors' changes, folds and memberships of others.

        Rebuilt when an editor has merged or split stories since it was built, so that no
        consumer keeps deciding from memberships the database no longer holds.
        """
        generation = cache.get(GENERATION_KEY, 0)
        if generation != self.generation:
            self.forget()
            self.generation = generation
        if self.index is None:
            # An index dropped after a failed batch (``forget``) can outlive it in reference
            # cycles: the error's traceback holds the frames that used it, and Django's
            # database errors refer to their own traceback. A full collection runs rarely
            # in a process holding millions of objects, so without this one the process
            # would hold every dropped index (tens of MB each) beside the new one.
            gc.collect()
            from newsdesk.stories.engine import StoryIndex

            self.index = StoryIndex(
                window_hours=settings.NEWSDESK_STORY_WINDOW_HOURS, new_story_id=_new_story
            )
            self.seen.clear()
            self.folds_seen_until = timezone.now()  # what is restored below has them already
            self.members_seen_until = None  # restore every membership in the window
        self._follow_folds()
        self._catch_up()
        return self.index

    def forget(self) -> None:
        """Drop the index; the next assignment rebuilds it from the database.

        What it holds (tens of MB) is released here, not when the index object goes: the
        error that made the consumer drop it keeps the object alive in its traceback (the
        frames that used it), which a worker process can hold for the rest of its life.
        """
        if self.index is not None:
            vars(self.index).clear()
        self.index = None
        self.seen.clear()

    def _follow_folds(self) -> None:
        """Apply the folds and merges other consumers made since this one last looked.

        With a clustering consumer on each of several machines, each holds its own index;
        without this, one that did not make a fold would go on adding articles to the
        folded story, which readers no longer see. Following a fold twice changes nothing.
        """
        folds = Story.objects.filter(
            merged_at__gte=self.folds_seen_until - MERGE_CLOCK_SKEW, merged_into__isnull=False
        ).values_list("pk", "merged_into_id", "merged_at")
        for folded, survivor, merged_at in folds.order_by("merged_at", "pk"):
            self.index.absorb(folded, survivor)
            self.folds_seen_until = max(self.folds_seen_until, merged_at)

    def _catch_up(self) -> None:
        """Restore memberships this process has not seen (its own start, or other consumers).

        After the first restore, only the memberships added since the previous catch-up
        (less MEMBERSHIP_CLOCK_SKEW) are looked at: their ids first, then the articles of
        those this process has not seen. Consumers take turns (the advisory lock), so
        another's memberships were all committed by then. The set of seen ids is never
        sent to the database: on SQLite a query with one parameter per seen article was
        prepared anew for each batch and kept in the connection's statement cache (the
        consumer held 130 MB more at 35,000 articles), and building it grew with the
        window on every database.
        """
        previous, self.members_seen_until = self.members_seen_until, timezone.now()
        since = self.members_seen_until - timedelta(hours=settings.NEWSDESK_STORY_WINDOW_HOURS)
        rows = StoryArticle.objects.filter(article__published_at__gte=since)
        if previous is not None:  # else a new index: every membership in the window
            recent = StoryArticle.objects.filter(
                added_at__gte=previous - MEMBERSHIP_CLOCK_SKEW
            ).values_list("article_id", flat=True)
            unseen = [article_id for article_id in recent if article_id not in self.seen]
            if not unseen:
                return
            rows = rows.filter(article_id__in=unseen)
        rows = rows.select_related("article", "article__prepared", "story").order_by(
            "article__published_at", "article_id"
        )
        for row in rows.iterator(chunk_size=500):
            story_id = row.story.merged_into_id or row.story_id
            copy_of = str(row.copy_of_id) if row.copy_of_id else None
            kept_apart = row.story.kept_apart and not row.story.merged_into_id
            self.index.restore(doc_for(row.article), story_id, copy_of, kept_apart=kept_apart)
            self.seen.add(row.article_id)


CONSUMER = ClusteringConsumer()  # this process's; ``newsdesk worker`` runs one per machine


def story_index() -> StoryIndex:
    """This process's index (see ``ClusteringConsumer.story_index``)."""
    return CONSUMER.story_index()


def forget_index() -> None:
    """Drop the in-memory index; the next assignment rebuilds it from the database.

    Called when a transaction that changed the index rolls back, so that memory never
    holds a decision the database does not.
    """
    CONSUMER.forget()


def assign_articles(article_ids: list[int]) -> list[int]:
    """Assign each article without a story; return the ids of the stories touched."""
    try:
        return _assign(article_ids)
    except BaseException:
        forget_index()
        raise


def _assign(article_ids: list[int]) -> list[int]:
    touched: set[int] = set()
    with transaction.atomic():
        _lock()
        index = story_index()
        articles = (
            Article.objects.filter(pk__in=article_ids, membership__isnull=True)
            .select_related("prepared")
            .order_by("published_at", "pk")
        )
        for article in articles:
            assignment = index.add(doc_for(article))
            for folded in assignment.merged_story_ids:
                merge_stories(folded, assignment.story_id)
            StoryArticle.objects.create(
                article=article,
                story_id=assignment.story_id,
                copy_of_id=int(assignment.copy_of) if assignment.copy_of else None,
            )
            if assignment.copies_found:  # they reached us first, linking to this original
                StoryArticle.objects.filter(
                    article_id__in=[int(key) for key in assignment.copies_found]
                ).update(copy_of=article)
            CONSUMER.seen.add(article.pk)
            touched.add(assignment.story_id)
        # quiet by the stream's own clock: a backlog of old articles is not all "settled"
        now = timezone.now()
        touched |= _settle(index, min(now, index.clock or now))
        _refresh_stories(touched, index)
    window = timedelta(hours=settings.NEWSDESK_STORY_WINDOW_HOURS)
    index.evict_older_than(timezone.now() - window)
    log.debug("story index: %d articles open, %.1f MB", len(index), index.memory_bytes() / 1e6)
    return sorted(touched)


def _settle(index: StoryIndex, now) -> set[int]:
    """Fold the small stories that have been quiet for the settle time into the story each
    most likely belongs to (``StoryIndex.consolidate``); the stories that grew."""
    quiet_since = now - timedelta(minutes=settings.NEWSDESK_STORY_SETTLE_MINUTES)
    grown = set()
    for survivor, folded in index.consolidate(quiet_since):
        for story_id in folded:
            merge_stories(story_id, survivor)
        grown.add(survivor)
    return grown


def settle_stories(now=None) -> list[int]:
    """Consolidate stories when no new article has come to do it (see ``_settle``).

    Run by the scheduler every minute on the clustering queue, so it is serialised
    with assignment like everything that changes the index. Returns the stories that grew.
    """
    try:
        with transaction.atomic():
            _lock()
            index = story_index()
            grown = _settle(index, now or timezone.now())
            _refresh_stories(grown, index)
    except BaseException:
        forget_index()
        raise
    return sorted(grown)


def _refresh_stories(story_ids, index: StoryIndex) -> None:
    stories = list(Story.objects.filter(pk__in=story_ids))
    for story in stories:
        refresh_story(story, index)
    rescore(stories)


def merge_stories(source_id: int, target_id: int) -> None:
    """Fold one story into another; the folded story's URL redirects to the survivor."""
    if source_id == target_id:
        return
    StoryArticle.objects.filter(story_id=source_id).update(story_id=target_id)
    Story.objects.filter(pk=source_id).update(
        merged_into_id=target_id, merged_at=timezone.now(), article_count=0
    )
    Story.objects.filter(merged_into_id=source_id).update(merged_into_id=target_id)


SHOWN_FIELDS = ["pk", "title", "excerpt", "image_url", "language", "published_at"]


def refresh_story(story: Story, index: StoryIndex | None = None) -> None:
    """Recompute what a story shows from its articles: headline, counts, topics, times.

    The headline article and title follow ``_headline``; an editor's lock
    (``Story.headline_locked``) keeps both as the editor set them.

    Aggregates are computed by the database, so the cost does not grow with the
    number of articles a story has (a wire story can have hundreds).
    """
    members = Article.objects.filter(membership__story=story)
    stats = members.aggregate(
        count=Count("pk"),
        publishers=Count("publisher", distinct=True),
        first=Min("created_at"),
        last=Max("created_at"),
    )
    story.article_count = stats["count"]
    story.publisher_count = stats["publishers"]
    if not stats["count"]:
        story.save()
        return
    headline = _headline(story, members, index)
    story.headline_article = headline
    if not story.headline_locked:
        story.title = headline.title
    story.excerpt = headline.excerpt
    story.language = headline.language
    story.image_url = headline.image_url or _latest_image(story)
    story.first_seen_at, story.last_updated_at = stats["first"], stats["last"]
    story.save()
    # Offered in the language filter from the next page on, once the story is stored.
    transaction.on_commit(lambda language=story.language: note_story_language(language))
    # no ordering: the default (-published_at) would join DISTINCT and repeat publishers
    story.publishers.set(members.order_by().values_list("publisher_id", flat=True).distinct())
    story.topics.set(story_topic_ids(members))
    if index is not None:
        try:
            related = [story_id for story_id, _ in index.related(story.pk, k=RELATED_STORIES)]
        except KeyError:
            related = []
        story.related.set(Story.objects.filter(pk__in=related, merged_into__isnull=True))


def _latest_image(story: Story) -> str:
    """The image of the report added to the story last that has one ("" if none has).

    Read from the story's memberships newest first (their index on story and time):
    ordered by the articles' publication time instead, PostgreSQL walked that index
    over every article in the database to find a story's few, 22 ms a story at 40,000
    articles and growing with the table, when no member has an image."""
    return (
        StoryArticle.objects.filter(story=story)
        .exclude(article__image_url="")
        .order_by("-added_at", "-pk")
        .values_list("article__image_url", flat=True)
        .first()
        or ""
    )


def _headline(story: Story, members, index: StoryIndex | None) -> Article:
    """The story's lead report: the editor's, if locked and still in the story; else the
    engine's choice (``StoryIndex.representative``, which keeps the lead shown now unless
    another report is clearly more central); else the lead shown now; else the earliest
    report that is not a copy."""
    current = story.headline_article_id
    if current is not None and (story.headline_locked or index is None):
        if found := members.filter(pk=current).only(*SHOWN_FIELDS).first():
            return found
    if index is not None:
        try:
            key = int(index.representative(story.pk, str(current) if current else None))
        except KeyError:
            key = None
        if key is not None and (found := members.filter(pk=key).only(*SHOWN_FIELDS).first()):
            return found
    return (
        members.order_by(F("membership__copy_of").asc(nulls_first=True), "published_at", "pk")
        .only(*SHOWN_FIELDS)
        .first()
    )


def story_topic_ids(members) -> set[int]:
    """Topics of the sources, plus existing topics the articles' own section or keywords name.

    Keywords are read from the most recent articles only, which bounds the work for a
    large story without losing what it is about.
    """
    topic_ids = set(
        Topic.objects.filter(sources__articles__in=members).values_list("pk", flat=True)
    )
    labels = {slugify(s) for s in members.exclude(section="").values_list("section", flat=True)}
    for keywords in members.order_by("-published_at").values_list("keywords", flat=True)[:50]:
        labels.update(slugify(k) for k in keywords or [] if k)
    labels.discard("")
    if labels:
        topic_ids.update(Topic.objects.filter(slug__in=labels).values_list("pk", flat=True))
    return topic_ids
