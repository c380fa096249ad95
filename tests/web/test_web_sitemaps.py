"""sitemap.xml, the news sitemap and robots.txt."""

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.urls import reverse
from web_builders import make_article, make_story

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.mark.django_db
def test_sitemap_index_lists_sections_and_stories_appear_in_theirs(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge approved"))
    hidden = make_story(make_article(publishers["valley"], "Hidden"), hidden=True)

    index = ElementTree.fromstring(client.get(reverse("web:sitemap")).content)
    sections = [loc.text for loc in index.iter(SITEMAP + "loc")]
    assert any(loc.endswith("/sitemap-stories.xml") for loc in sections)

    stories = ElementTree.fromstring(
        client.get(reverse("web:sitemap_section", args=["stories"])).content
    )
    locations = [loc.text for loc in stories.iter(SITEMAP + "loc")]
    assert settings.NEWSDESK_BASE_URL + story.get_absolute_url() in locations
    assert not any(hidden.get_absolute_url() in loc for loc in locations)


@pytest.mark.django_db
def test_news_sitemap_has_publication_date_title_and_language(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge & tunnel", language="en"))

    root = ElementTree.fromstring(client.get(reverse("web:news_sitemap")).content)
    url = root.find(SITEMAP + "url")
    assert url.find(SITEMAP + "loc").text == settings.NEWSDESK_BASE_URL + story.get_absolute_url()
    news = url.find(NEWS + "news")
    assert news.find(NEWS + "title").text == "Bridge & tunnel"
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "en"
    assert news.find(NEWS + "publication_date").text.startswith(str(story.first_seen_at.year))


@pytest.mark.django_db
def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_search(client):
    response = client.get("/robots.txt")

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /search/" in text
    assert f"Sitemap: {settings.NEWSDESK_BASE_URL}/sitemap.xml" in text
    assert f"Sitemap: {settings.NEWSDESK_BASE_URL}/news-sitemap.xml" in text
