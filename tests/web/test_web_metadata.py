"""Canonical links, OpenGraph and JSON-LD on our pages; publishers' robots wishes."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from web_builders import make_article, make_story, page_html


def json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_story_page_has_canonical_opengraph_and_json_ld(client, publishers):
    article = make_article(publishers["harbour"], "Bridge </script> approved", excerpt="Vote won.")
    story = make_story(article)

    response = client.get(f"/stories/{story.pk}/{story.slug}/?utm_source=x")
    html = page_html(response)

    canonical = settings.NEWSDESK_BASE_URL + story.get_absolute_url()
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Bridge </script> approved">' in html
    assert '<meta property="og:description" content="Vote won.">' in html
    raw = response.content.decode()
    assert "</script> approved" not in raw.split("application/ld+json")[1].split("</script>")[0]
    data = json_ld(raw)
    assert data["@type"] == "CollectionPage"
    item = data["mainEntity"]["itemListElement"][0]["item"]
    assert item == {
        "@type": "NewsArticle",
        "headline": "Bridge </script> approved",
        "url": article.url,
        "datePublished": article.published_at.isoformat(),
        "publisher": {"@type": "Organization", "name": "Harbour Herald"},
    }


@pytest.mark.django_db
def test_front_page_json_ld_lists_the_stories(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge approved"))

    data = json_ld(client.get("/").content.decode())

    assert data["mainEntity"]["itemListElement"][0]["url"] == (
        settings.NEWSDESK_BASE_URL + story.get_absolute_url()
    )


@pytest.mark.django_db
def test_cursor_and_filtered_pages_are_kept_out_of_indexes(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge approved"))

    assert 'name="robots" content="noindex, follow"' in page_html(client.get("/?lang=en"))
    assert 'name="robots"' not in page_html(client.get("/"))


@pytest.mark.django_db
def test_noarchive_from_the_publisher_reaches_the_story_page(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge approved", noarchive=True))

    html = page_html(client.get(story.get_absolute_url()))

    assert '<meta name="robots" content="noarchive">' in html


@pytest.mark.django_db
def test_every_page_type_has_a_canonical_link(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge approved"))
    for url in [reverse("web:front"), reverse("web:topics"), reverse("web:publishers"),
                reverse("web:archive"), reverse("web:search"), reverse("web:privacy"),
                reverse("web:publisher", args=["harbour-herald"])]:
        assert '<link rel="canonical"' in page_html(client.get(url)), url


@pytest.mark.django_db
def test_story_opengraph_image_is_served_by_our_proxy(client, publishers):
    story = make_story(
        make_article(publishers["harbour"], "Bridge", image_url="https://cdn.example/b.jpg")
    )

    html = page_html(client.get(story.get_absolute_url()))

    found = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    assert found.group(1).startswith(settings.NEWSDESK_BASE_URL + "/img/")
