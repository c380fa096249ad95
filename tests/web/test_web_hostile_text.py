"""Our feeds and sitemaps stay valid whatever rows hold and whatever a visitor asks.

Rows are written straight to the database, as rows stored before text was cleaned on
its way in would be, with every forbidden character a database can hold; every writer
must answer 200 with a document a strict parser reads, and nothing forbidden in it.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hostile import FORBIDDEN, STORABLE_FORBIDDEN
from our_documents import WRITERS, assert_document_clean, writer_id, writer_url
from web_builders import make_article, make_publisher, make_story

from newsdesk.sources.models import Topic

DIRT = "".join(STORABLE_FORBIDDEN)
@pytest.fixture
def dirty_rows(db):
    """A story whose stored title, excerpt, language and publisher hold every character."""
    publisher = make_publisher("Harbour Herald")
    publisher.name = f"Harbour{DIRT} Herald"
    publisher.save()
    topic = Topic.objects.create(name=f"Sci{DIRT}ence", slug="science")
    lead = make_article(publisher, f"Comet{DIRT} shower{DIRT}", excerpt=f"Look{DIRT} east.")
    story = make_story(lead, language=f"e{DIRT[:18]}n")  # 20 characters at most
    story.topics.add(topic)
    return story


@pytest.mark.parametrize("writer", WRITERS, ids=writer_id)
def test_every_writer_stays_valid_whatever_the_rows_hold(client, dirty_rows, writer):
    name, _, extension = writer
    response = client.get(writer_url(writer), {"q": "comet"} if name == "web:search_feed" else {})
    assert_document_clean(response)
    if extension or name == "web:news_sitemap":  # the ones that show titles
        assert "Comet shower" in response.content.decode()


VISITOR_QUERIES = {
    "escape (the issue's %1B)": "%1B",
    # NUL left out: the search form refuses it, so the query would not reach the feed.
    "every forbidden character": quote(
        b"comet" + "".join(c for c in FORBIDDEN if c != "\x00").encode(
            "utf-8", "surrogatepass"
        ),
        safe="",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["atom", "rss", "json"])
@pytest.mark.parametrize("query", VISITOR_QUERIES.values(), ids=VISITOR_QUERIES.keys())
def test_search_feeds_stay_valid_whatever_a_visitor_asks(client, extension, query):
    response = client.get(f"{reverse('web:search_feed', args=[extension])}?q={query}")
    assert_document_clean(response)


@pytest.mark.django_db
@pytest.mark.parametrize("query", VISITOR_QUERIES.values(), ids=VISITOR_QUERIES.keys())
def test_the_search_page_answers_whatever_a_visitor_asks(client, query):
    assert client.get(f"{reverse('web:search')}?q={query}").status_code == 200


@pytest.mark.parametrize(
    "url_name", ["web:front", "web:story"], ids=["front page", "story page"]
)
def test_headlines_render_with_their_own_direction(client, dirty_rows, url_name):
    args = {"story_id": dirty_rows.pk, "slug": dirty_rows.slug} if url_name == "web:story" else {}
    html = client.get(reverse(url_name, kwargs=args)).content.decode()
    if url_name == "web:story":
        assert '<h1 dir="auto"' in html
    else:
        assert f'<h2 class="tile-title" id="story-{dirty_rows.pk}" dir="auto"' in html
