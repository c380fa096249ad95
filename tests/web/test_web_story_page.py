"""The story page: every publisher's coverage, copies folded, redirects to the current URL."""

import re

import pytest
from django.urls import reverse
from web_builders import make_article, make_publisher, make_story, page_html


@pytest.mark.django_db
def test_story_page_lists_every_publishers_headline_excerpt_and_link(client, publishers):
    first = make_article(publishers["harbour"], "Bridge approved", excerpt="Harbour's account.")
    second = make_article(publishers["valley"], "Valley reacts to bridge", excerpt="Valley's view.")
    story = make_story(first, second)

    html = page_html(client.get(story.get_absolute_url()))

    for article, publisher in ((first, "Harbour Herald"), (second, "Valley Voice")):
        assert article.title in html
        assert article.excerpt in html
        assert (
            f'<a class="read-more" href="{article.url}" rel="noopener noreferrer">'
            f"Read more at {publisher}</a>"
        ) in html


@pytest.mark.django_db
def test_story_page_folds_copies_under_their_original_credited_and_labelled(client, publishers):
    original = make_article(publishers["harbour"], "Original report", excerpt="Original words.")
    copy = make_article(publishers["copier"], "Original report", excerpt="Original words.")
    story = make_story(original, copy, copies={copy: original})

    html = page_html(client.get(story.get_absolute_url()))

    assert html.count('class="coverage-item"') == 1
    assert "Also published by" in html
    assert f'<a href="{copy.url}" rel="noopener noreferrer">Copycat Daily</a> (copy)' in html
    assert "Lead report by Harbour Herald" in html


@pytest.mark.django_db
def test_story_page_marks_paywalled_originals(client, publishers):
    walled = make_article(publishers["harbour"], "Behind the wall", status="paywall")
    story = make_story(walled)

    html = page_html(client.get(story.get_absolute_url()))

    assert '<span class="badge">subscription</span>' in html


@pytest.mark.django_db
def test_wrong_or_missing_slug_redirects_permanently_to_current_url(client, publishers):
    story = make_story(make_article(publishers["harbour"], "Bridge approved"))

    for url in (f"/stories/{story.pk}/old-title/", f"/stories/{story.pk}/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == story.get_absolute_url()


@pytest.mark.django_db
def test_merged_story_redirects_permanently_to_the_story_it_joined(client, publishers):
    survivor = make_story(make_article(publishers["harbour"], "Bridge approved"))
    merged = make_story(make_article(publishers["valley"], "Bridge passes"), merged_into=survivor)

    response = client.get(merged.get_absolute_url())

    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


@pytest.mark.django_db
def test_hidden_or_unknown_story_is_not_found(client, publishers):
    hidden = make_story(make_article(publishers["harbour"], "Hidden"), hidden=True)

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("web:story", args=[999999, "nothing"])).status_code == 404



@pytest.mark.django_db
def test_story_page_shows_the_lead_image_through_the_proxy_credited(client, publishers):
    lead = make_article(
        publishers["harbour"], "Bridge approved", image_url="https://cdn.harbour.example/b.jpg"
    )
    story = make_story(lead)

    html = page_html(client.get(story.get_absolute_url()))

    assert re.search(
        r'<img class="lead-image" src="/img/[^"]+/960/" srcset="/img/[^"]+/480/ 480w, '
        r'/img/[^"]+/960/ 960w"',
        html,
    )
    assert "Image: Harbour Herald" in html and "cdn.harbour.example" not in html


@pytest.mark.django_db
def test_story_page_shows_no_image_of_a_headlines_only_publisher(client):
    quiet = make_publisher("Quiet Gazette", headlines_only=True)
    story = make_story(make_article(quiet, "Bridge", image_url="https://quiet.example/b.jpg"))

    assert "<img" not in page_html(client.get(story.get_absolute_url()))


@pytest.mark.django_db
def test_coverage_list_shows_bylines(client, publishers):
    story = make_story(
        make_article(publishers["harbour"], "Bridge approved", bylines=["Ada Lind", "Per Holm"]),
        make_article(publishers["valley"], "Valley reacts"),
    )

    html = page_html(client.get(story.get_absolute_url()))

    assert '<span class="byline">by Ada Lind, Per Holm</span>' in html
    assert html.count('class="byline"') == 1
