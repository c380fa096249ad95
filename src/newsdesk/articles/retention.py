"""Pruning article text once it is old (NEWSDESK_RETAIN_TEXT_DAYS).

The full text is kept for clustering and search only; readers are shown the headline,
the excerpt and a link to the original. Once an article is older than the retention
period, its text is replaced by its excerpt, and the feed content and summary of its
entries are emptied. The headline, excerpt, link, byline, dates, image and story stay.
Search (web.search, whose index follows the text column) then finds old articles by their
headline and excerpt only.
"""

from datetime import datetime

from django.db.models import F, Q

from newsdesk.articles.models import Article
from newsdesk.core.pruning import update_in_batches
from newsdesk.sources.models import Entry


def prune_article_text(before: datetime) -> int:
    """Reduce articles stored before `before` to their excerpt; returns how many changed."""
    articles = Article.objects.filter(created_at__lt=before).exclude(text=F("excerpt"))
    pruned = update_in_batches(articles, text=F("excerpt"), links=[])
    update_in_batches(
        Entry.objects.filter(fetched_at__lt=before).filter(~Q(content_html="") | ~Q(summary="")),
        content_html="",
        summary="",
    )
    return pruned
