"""Fuzzing what our site writes: feeds and sitemaps from rows holding anything a database
can hold, and search (its page and its feeds) for anything a visitor can type."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from fuzz_strategies import ANY_CHARACTER, hostile_text, storable_text
from hypothesis import given
from hypothesis import strategies as st
from our_documents import WRITERS, assert_document_clean, writer_url

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher, Source, Topic
from newsdesk.stories.models import Story, StoryArticle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0
    settings.NEWSDESK_PAGE_CACHE_LOCAL_SECONDS = 0


def store_rows(title: str, excerpt: str, publisher_name: str, topic_name: str, language: str):
    """A visible story, written straight to the database as rows from before cleaning."""
    publisher = Publisher.objects.create(
        name=publisher_name, slug="harbour-herald", domain="harbour.example"
    )
    source = Source.objects.create(url="https://harbour.example/feed", publisher=publisher)
    url = "https://harbour.example/2026/11/27/comet"
    article = Article.objects.create(
        url=url, url_hash=Article.hash_url(url), source=source, publisher=publisher,
        title=f"comet {title}", excerpt=excerpt, text=f"comet {title}. {excerpt}",
        language=language[:20], published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    story = Story.objects.create(
        title=f"comet {title}", headline_article=article, excerpt=excerpt, language=language[:20],
        article_count=1, publisher_count=1, last_updated_at=article.published_at,
        first_seen_at=article.published_at,
    )  # fmt: skip
    StoryArticle.objects.create(article=article, story=story)
    story.publishers.set([publisher])
    story.topics.add(Topic.objects.create(name=topic_name[:100], slug="science"))


@given(
    st.sampled_from(WRITERS),
    storable_text,
    storable_text,
    storable_text,
    storable_text,
    storable_text,
)
def test_our_feeds_and_sitemaps_parse_whatever_rows_hold(
    client, writer, title, excerpt, publisher_name, topic_name, language
):
    with transaction.atomic():
        store_rows(title, excerpt, publisher_name, topic_name, language)
        query = {"q": "comet"} if writer[0] == "web:search_feed" else {}
        assert_document_clean(client.get(writer_url(writer), query))
        transaction.set_rollback(True)


def query_string(text: str) -> str:
    """text as a browser would send it in ?q= (a lone surrogate as the bytes it would be)."""
    return "q=" + quote(text.encode("utf-8", "surrogatepass"), safe="")


@given(
    st.one_of(hostile_text, st.text(ANY_CHARACTER, max_size=60)),
    st.sampled_from(["atom", "rss", "json"]),
)
def test_search_answers_and_its_feeds_parse_whatever_a_visitor_types(client, text, extension):
    page = client.get(f"{reverse('web:search')}?{query_string(text)}")
    assert page.status_code == 200, page.status_code
    feed = client.get(f"{reverse('web:search_feed', args=[extension])}?{query_string(text)}")
    assert_document_clean(feed)
