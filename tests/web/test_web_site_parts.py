"""The parts every page or page type has: error pages that keep the site around them,
icons and the manifest, ways to follow a topic or publisher, the topic index, the
search form on a phone, plurals, and sharing without a third party."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from web_builders import make_article, make_story, page_html

from newsdesk.sources.models import Topic
from newsdesk.web import errors

pytestmark = pytest.mark.django_db


def keeps_the_site_around_it(html: str) -> bool:
    return all(
        part in html
        for part in ('class="site-header"', 'role="search"', 'class="site-footer"', "Top stories")
    )


@pytest.mark.parametrize("path", ["/nonexistent-page/", "/stories/99999/", "/topics/nope/",
                                  "/publishers/nope/", "/archive/2026/2/30/"])
def test_not_found_pages_keep_header_search_and_footer(client, path):
    response = client.get(path)

    html = page_html(response)
    assert response.status_code == 404
    assert "<h1 id=\"error-heading\">Page not found</h1>" in html
    assert keeps_the_site_around_it(html)
    assert '<meta name="robots" content="noindex">' in html


def test_not_found_page_speaks_german(client):
    html = page_html(client.get("/nope/", headers={"Accept-Language": "de"}))

    assert "Seite nicht gefunden" in html


@pytest.mark.urls("failing_urls")
def test_a_server_error_keeps_header_search_and_footer():
    response = Client(raise_request_exception=False).get("/broken/")

    html = page_html(response)
    assert response.status_code == 500
    assert "Something went wrong" in html and keeps_the_site_around_it(html)
    assert "a bug in a view" not in html  # nothing of the cause is shown


def test_a_server_error_page_that_cannot_render_falls_back_to_plain(rf, monkeypatch):
    def broken_template(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(errors, "render_to_string", broken_template)

    response = errors.server_error(rf.get("/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content and b'href="/"' in response.content


def test_pages_name_a_favicon_and_the_manifest(client):
    html = page_html(client.get("/"))

    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon and finders.find("web/favicon.svg")
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 302 and favicon["Location"].endswith(".ico")
    assert finders.find("web/favicon.ico")


def test_the_manifest_names_the_site_and_its_icons(client, settings):
    settings.NEWSDESK_SITE_NAME = "Harbour Desk"
    response = client.get("/manifest.webmanifest")

    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["name"] == "Harbour Desk" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))


def test_topic_pages_show_their_feeds_and_email_me_this_topic(client, publishers):
    Topic.objects.create(name="Science", slug="science")

    html = page_html(client.get(reverse("web:topic", args=["science"])))

    for extension, label in (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed")):
        feed = rf'<a href="[^"]*/topics/science/feed\.{extension}"[^>]*>{label}</a>'
        assert re.search(feed, html)
    assert '<a class="button-link" href="/newsletter/subscribe/?topic=science">' in html
    assert "Email me this topic" in html


def test_email_me_this_topic_opens_the_sign_up_with_the_topic_ticked(client, publishers):
    Topic.objects.create(name="Science", slug="science")

    html = page_html(client.get("/newsletter/subscribe/?topic=science"))

    assert '<input type="checkbox" name="topic" value="science" checked>' in html


def test_publisher_pages_show_their_feeds_and_email_me_this_publisher(client, publishers):
    html = page_html(client.get(reverse("web:publisher", args=["harbour-herald"])))

    assert re.search(r'<a href="[^"]*/publishers/harbour-herald/feed\.rss"[^>]*>RSS</a>', html)
    assert '<a class="button-link" href="/newsletter/subscribe/?publisher=harbour-herald">' in html
    assert "Email me this publisher" in html


def test_the_topic_index_shows_each_topics_latest_headlines(client, publishers):
    science = Topic.objects.create(name="Science", slug="science")
    Topic.objects.create(name="Sport", slug="sport")
    for number in range(5):
        make_story(make_article(publishers["harbour"], f"Telescope news {number}")).topics.add(
            science
        )

    html = page_html(client.get(reverse("web:topics")))

    # make_article dates each article a second earlier than the one before.
    shown = re.findall(r">(Telescope news \d)</a>", html)
    assert shown == ["Telescope news 0", "Telescope news 1", "Telescope news 2"]
    assert "All stories on Science" in html
    assert "No stories on this topic yet." in html  # Sport


def test_search_filters_fold_away_with_select_boxes_for_publisher_and_language(
    client, publishers
):
    make_story(make_article(publishers["harbour"], "Bridge opens", language="en"))

    plain = page_html(client.get(reverse("web:search"), {"q": "bridge"}))
    filtered = page_html(client.get(reverse("web:search"), {"q": "bridge", "lang": "en"}))

    assert '<details class="search-filters">' in plain
    assert '<details class="search-filters" open>' in filtered
    assert "Filters (1 in use)" in filtered
    assert re.search(r'<select name="publisher"[^>]*>', plain)
    assert '<option value="harbour-herald">Harbour Herald</option>' in plain
    assert re.search(r'<select name="lang"[^>]*>', plain)
    assert '<option value="en" selected>English</option>' in filtered


@pytest.mark.parametrize("name", ["from", "since", "to", "until"])
def test_a_bad_date_gets_a_clear_message_and_the_search_still_runs(client, publishers, name):
    story = make_story(make_article(publishers["harbour"], "Bridge opens", "Traffic flows."))

    response = client.get(reverse("web:search"), {"q": "bridge", name: "2026-13-40"})

    html = page_html(response)
    assert response.status_code == 200
    assert "“2026-13-40” is not a date" in html and "YYYY-MM-DD" in html
    assert story.get_absolute_url() in html


def test_from_and_to_filter_like_since_and_until(client, publishers):
    make_story(make_article(publishers["harbour"], "Bridge opens"))

    html = page_html(client.get(reverse("web:search"), {"q": "bridge", "to": "2000-01-01"}))

    assert "Nothing found" in html


@pytest.mark.parametrize("text", ['"""', "-", "- -bridge", "   "])
def test_a_query_without_words_shows_no_empty_results_heading(client, publishers, text):
    make_story(make_article(publishers["harbour"], "Bridge opens"))

    html = page_html(client.get(reverse("web:search"), {"q": text}))

    assert "Results</h2>" not in html


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "Covered by 1 publisher", ">2 publishers<"),
        ("de", "Berichtet von 1 Medium", ">2 Medien<"),
    ],
)
def test_counts_read_right_in_both_languages(client, publishers, language, one, two):
    single = make_story(make_article(publishers["harbour"], "Bridge opens"))
    make_story(
        make_article(publishers["harbour"], "Ferry returns"),
        make_article(publishers["valley"], "Ferry back in service"),
    )

    front = page_html(client.get("/", headers={"Accept-Language": language}))
    story = page_html(client.get(single.get_absolute_url(), headers={"Accept-Language": language}))

    assert two in front and "all 2" not in front and "aller 2" not in front
    assert one in story


def test_the_story_page_shares_without_a_third_party(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge opens"))

    html = page_html(client.get(story.get_absolute_url()))

    link = re.search(r'<a class="button-link" href="([^"]+)" data-share data-share-url="([^"]+)"',
                     html)
    assert link and link.group(1) == story.get_absolute_url()  # works as a plain link
    assert link.group(2) == "http://testserver" + story.get_absolute_url()  # what is shared
    assert re.search(r'<script src="/static/web/share[^"]*\.js" defer></script>', html)
    assert "Share this story" in html
