"""Dropping the story engine's prepared terms of articles whose text was pruned.

A prepared article (stories.prepare) is derived from the article's full text and only
serves the clustering consumer while the article is inside the story window. When
retention reduces an old article to its excerpt (articles.retention), what was prepared
from its text goes too.
"""

from datetime import datetime

from newsdesk.core.pruning import delete_in_batches
from newsdesk.stories.models import PreparedArticle


def drop_preparations(before: datetime) -> int:
    """Delete what was prepared for articles stored before `before`; returns how many."""
    return delete_in_batches(PreparedArticle.objects.filter(article__created_at__lt=before))
