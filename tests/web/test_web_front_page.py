"""The front page: top stories, then a section per topic; compact cards with a
thumbnail, the full headline, the original publisher, how many publishers, and when it
was first reported."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_publisher, make_story, page_html

from newsdesk.sources.models import PublisherLabel, Topic
from newsdesk.web import listing

LONG_TITLE = (
    "Council approves the harbour bridge after a nine-hour meeting that ran past midnight "
    "and drew more speakers than any session in the town's recorded history"
)


NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def story_titles_in_order(html: str) -> list[str]:
    return re.findall(
        r'<h[23] class="tile-title" id="story-\d+" dir="auto"><a href="[^"]+">([^<]+)</a>', html
    )


@pytest.mark.django_db
def test_card_shows_full_headline_original_publisher_count_and_when_first_reported(
    client, publishers
):
    with time_machine.travel(NOW, tick=False):
        article = make_article(
            publishers["harbour"], LONG_TITLE, published_at=NOW - timedelta(hours=2, minutes=10)
        )
        other = make_article(publishers["valley"], "Bridge vote: what changes for commuters")
        story = make_story(
            article,
            other,
            first_seen_at=NOW - timedelta(hours=2),  # we saw it after it was published
            last_updated_at=NOW - timedelta(minutes=3),
        )
        html = page_html(client.get(reverse("web:front")))

    card = re.search(r'<article class="tile".*?</article>', html, re.S).group()
    assert LONG_TITLE in card and story.get_absolute_url() in card
    assert '<span class="source">Harbour Herald</span>' in card
    assert "Valley Voice" not in card  # only the original publisher, then the count
    assert '<span class="count">2 publishers</span>' in card
    # First reported, not last updated: relative, the exact time and zone on hover.
    assert (
        '<time datetime="2026-12-03T06:50:00+00:00" title="Dec. 3, 2026, 6:50 a.m. UTC" '
        "data-relative>2 h ago</time>"
    ) in card
    assert "class=\"excerpt\"" not in card and "Read more" not in card


@pytest.mark.django_db
def test_front_page_has_top_stories_then_a_section_per_topic_without_repeats(
    client, publishers
):
    world = Topic.objects.create(name="World", slug="world")
    science = Topic.objects.create(name="Science", slug="science")
    Topic.objects.create(name="Empty", slug="empty")
    top = []
    for number in range(listing.FRONT_TOP_STORIES + 2):
        story = make_story(
            make_article(publishers["harbour"], f"World story {number}"), score=100 - number
        )
        story.topics.add(world)
        top.append(story)
    science_story = make_story(make_article(publishers["valley"], "Comet seen"), score=1)
    science_story.topics.add(science)

    html = page_html(client.get("/"))

    titles = story_titles_in_order(html)
    assert titles[: listing.FRONT_TOP_STORIES] == [
        f"World story {n}" for n in range(listing.FRONT_TOP_STORIES)
    ]
    # Sections by topic name; a story shown above is not repeated.
    assert titles[listing.FRONT_TOP_STORIES :] == ["Comet seen", *(
        f"World story {n}" for n in range(listing.FRONT_TOP_STORIES, listing.FRONT_TOP_STORIES + 2)
    )]
    assert html.index('id="section-science"') < html.index('id="section-world"')
    assert 'id="section-empty"' not in html
    assert '<a href="/topics/science/">Science</a></h2>' in html


@pytest.mark.django_db
def test_later_front_pages_carry_on_the_ranked_list_without_sections(client, publishers):
    world = Topic.objects.create(name="World", slug="world")
    for number in range(listing.FRONT_TOP_STORIES + 3):
        make_story(
            make_article(publishers["harbour"], f"Story {number}"), score=100 - number
        ).topics.add(world)

    first = page_html(client.get("/"))
    older = re.search(r'<a rel="next" href="\?cursor=([^"]+)">', first).group(1)
    second = page_html(client.get(f"/?cursor={older}"))

    assert story_titles_in_order(second) == [
        f"Story {n}" for n in range(listing.FRONT_TOP_STORIES, listing.FRONT_TOP_STORIES + 3)
    ]
    assert "front-section" not in second


@pytest.mark.django_db
def test_front_page_flags_a_story_covered_by_only_one_side_of_a_label(client, publishers):
    for name, value in (("harbour", "left"), ("valley", "left"), ("copier", "right")):
        PublisherLabel.objects.create(publisher=publishers[name], name="lean", value=value)
    one_sided = make_story(
        make_article(publishers["harbour"], "One-sided story"),
        make_article(publishers["valley"], "Same event"),
    )
    make_story(
        make_article(publishers["harbour"], "Both sides story"),
        make_article(publishers["copier"], "Other side"),
    )
    make_story(make_article(publishers["valley"], "Single report"))

    html = page_html(client.get("/"))

    cards = re.findall(r'<article class="tile".*?</article>', html, re.S)
    with_flag = [card for card in cards if "Only one side (lean)" in card]
    assert len(with_flag) == 1 and f'id="story-{one_sided.pk}"' in with_flag[0]


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
    make_story(
        make_article(
            limited,
            "Headline only story",
            excerpt="Secret excerpt text.",
            image_url="https://quiet.example/secret.jpg",
        )
    )
    open_publisher = make_publisher("Open Times")
    make_story(
        make_article(
            open_publisher,
            "No snippet story",
            excerpt="Other excerpt.",
            nosnippet=True,
            image_url="https://open.example/other.jpg",
        )
    )

    html = page_html(client.get("/"))

    assert "Headline only story" in html and "No snippet story" in html
    assert "Secret excerpt text." not in html and "Other excerpt." not in html
    assert "<img" not in html
    assert '<span class="source">Quiet Gazette</span>' in html


@pytest.mark.django_db
def test_front_page_never_shows_an_excluded_publisher(client, publishers):
    excluded = make_publisher("Banned Bulletin", excluded=True)
    lead = make_article(excluded, "Story led by an excluded publisher", excerpt="Banned words.")
    make_story(lead, make_article(publishers["valley"], "Valley covers it", excerpt="Fine words."))

    html = page_html(client.get("/"))

    assert "Banned Bulletin" not in html and "Banned words." not in html
    assert '<span class="source">Valley Voice</span>' in html


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
    # Our own scripts only: data blocks and the relative-time script from /static/.
    assert not re.search(
        r'<script(?! type="application/(ld\+)?json")(?! src="/static/web/times\.js")', html
    )


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

    # Sized for the card: the proxy scales it to 240 px, twice the CSS width.
    assert re.search(
        r'<img class="thumb" src="/img/[^"]+/[^"]+/240/" alt="" width="120" height="80"', html
    )
    assert "cdn.harbour-herald.example" not in html
