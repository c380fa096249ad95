"""The front page: ranked stories with full headlines, publishers, time, excerpt, links."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_publisher, make_story, page_html

LONG_TITLE = (
    "Council approves the harbour bridge after a nine-hour meeting that ran past midnight "
    "and drew more speakers than any session in the town's recorded history"
)


def story_titles_in_order(html: str) -> list[str]:
    return re.findall(r'<h2 id="story-\d+" dir="auto"><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.mark.django_db
def test_front_page_shows_full_headline_publishers_time_excerpt_and_read_more(client, publishers):
    article = make_article(
        publishers["harbour"],
        LONG_TITLE,
        excerpt="The council voted 7 to 2 for the bridge. Work starts in spring.",
    )
    other = make_article(publishers["valley"], "Bridge vote: what changes for commuters")
    story = make_story(article, other)

    html = page_html(client.get(reverse("web:front")))

    assert LONG_TITLE in html
    assert "Harbour Herald" in html and "Valley Voice" in html
    assert "2 publishers" in html
    assert f'<time datetime="{story.last_updated_at.isoformat()}' in html
    assert "The council voted 7 to 2 for the bridge. Work starts in spring." in html
    assert (
        f'<a class="read-more" href="{article.url}" rel="noopener noreferrer">'
        "Read more at Harbour Herald</a>"
    ) in html
    assert story.get_absolute_url() in html


@pytest.mark.django_db
def test_front_page_excerpt_never_exceeds_300_characters(client, publishers):
    sentence = "The harbour authority published its yearly figures on shipping volumes. "
    make_story(make_article(publishers["harbour"], "Shipping figures", excerpt=sentence * 10))

    html = page_html(client.get(reverse("web:front")))

    excerpt = re.search(r'<p class="excerpt">([^<]*)</p>', html).group(1)
    assert 0 < len(excerpt) <= 300


@pytest.mark.django_db
def test_front_page_orders_pinned_then_score_then_most_recently_updated(client, publishers):
    now = timezone.now()
    make_story(make_article(publishers["harbour"], "Low score"), score=1.0)
    make_story(make_article(publishers["harbour"], "High score"), score=9.0)
    make_story(
        make_article(publishers["valley"], "Pinned by the editor"), score=0.0, pinned=True
    )
    make_story(
        make_article(publishers["valley"], "Tied, older"),
        score=5.0,
        last_updated_at=now - timedelta(hours=5),
    )
    make_story(
        make_article(publishers["valley"], "Tied, newer"),
        score=5.0,
        last_updated_at=now - timedelta(hours=1),
    )

    html = page_html(client.get(reverse("web:front")))

    assert story_titles_in_order(html) == [
        "Pinned by the editor",
        "High score",
        "Tied, newer",
        "Tied, older",
        "Low score",
    ]


@pytest.mark.django_db
def test_front_page_leaves_out_hidden_merged_and_empty_stories(client, publishers):
    shown = make_story(make_article(publishers["harbour"], "Shown story"))
    make_story(make_article(publishers["harbour"], "Hidden story"), hidden=True)
    make_story(make_article(publishers["valley"], "Merged story"), merged_into=shown)
    make_story(make_article(publishers["valley"], "Empty story"), article_count=0)

    assert story_titles_in_order(page_html(client.get("/"))) == ["Shown story"]


@pytest.mark.django_db
def test_front_page_honours_headlines_only_and_nosnippet(client):
    limited = make_publisher("Quiet Gazette", headlines_only=True)
    make_story(make_article(limited, "Headline only story", excerpt="Secret excerpt text."))
    open_publisher = make_publisher("Open Times")
    make_story(
        make_article(open_publisher, "No snippet story", excerpt="Other excerpt.", nosnippet=True)
    )

    html = page_html(client.get("/"))

    assert "Headline only story" in html and "No snippet story" in html
    assert "Secret excerpt text." not in html and "Other excerpt." not in html
    assert "Read more at Quiet Gazette" in html


@pytest.mark.django_db
def test_front_page_never_shows_an_excluded_publisher(client, publishers):
    excluded = make_publisher("Banned Bulletin", excluded=True)
    lead = make_article(excluded, "Story led by an excluded publisher", excerpt="Banned words.")
    make_story(lead, make_article(publishers["valley"], "Valley covers it", excerpt="Fine words."))

    html = page_html(client.get("/"))

    assert "Banned Bulletin" not in html and "Banned words." not in html
    assert "Read more at Valley Voice" in html


@pytest.mark.django_db
def test_empty_front_page_says_stories_will_appear(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "No stories yet" in response.content.decode()


@pytest.mark.django_db
def test_footer_has_newsletter_form_with_bot_defences_and_cookie_links(client):
    html = page_html(client.get("/"))

    subscribe_url = reverse("newsletter:subscribe")
    assert f'<form class="subscribe" method="post" action="{subscribe_url}">' in html
    assert 'name="email"' in html
    assert re.search(r'<input type="hidden" name="started" value="\d{10}:[\w-]+">', html)
    assert 'name="website"' in html and 'class="hp"' in html
    assert reverse("web:cookie_settings") in html and reverse("web:privacy") in html
    assert not re.search(r'<script(?! type="application/ld\+json")', html)


@pytest.mark.django_db
def test_lead_images_come_through_our_proxy_never_from_the_publisher(client, publishers):
    make_story(
        make_article(
            publishers["harbour"],
            "Bridge approved",
            image_url="https://cdn.harbour-herald.example/bridge.jpg",
        )
    )

    html = page_html(client.get("/"))

    assert re.search(r'<img class="lead-image" src="/img/[^"]+/[^"]+/" alt=""', html)
    assert "cdn.harbour-herald.example" not in html
