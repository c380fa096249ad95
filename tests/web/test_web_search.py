"""Full-text search on SQLite (FTS5) and PostgreSQL: ranking, snippets, filters, bad input."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from web_builders import make_article, make_publisher, make_story, page_html

from newsdesk.sources.models import Topic
from newsdesk.web.search import SearchFilters, search_stories


def found_titles(text: str, filters: SearchFilters | None = None) -> list[str]:
    return [hit.story.title for hit in search_stories(text, filters).hits]


@pytest.fixture
def desk(publishers):
    bridge = make_article(
        publishers["harbour"],
        "Harbour bridge approved",
        text="The council approved the harbour bridge after a long meeting about the ferry.",
        language="en",
    )
    ferry = make_article(
        publishers["valley"],
        "Ferry timetable changes",
        text="A new ferry timetable starts in spring; the bridge is mentioned once.",
        language="en",
    )
    german = make_article(
        publishers["valley"],
        "Neue Brücke für den Hafen",
        text="Der Rat hat die Brücke über den Hafen genehmigt.",
        language="de",
    )
    stories = {
        "bridge": make_story(bridge),
        "ferry": make_story(ferry),
        "german": make_story(german),
    }
    return stories


@pytest.mark.django_db
def test_search_ranks_title_matches_first_and_highlights_them(desk):
    hits = search_stories("bridge").hits

    titles = [hit.story.title for hit in hits]
    assert titles == ["Harbour bridge approved", "Ferry timetable changes"]
    assert "<mark>bridge</mark>" in hits[0].title_html
    assert "<mark>bridge</mark>" in hits[1].snippet_html


@pytest.mark.django_db
def test_search_understands_phrases_exclusions_and_or(desk):
    assert found_titles('"harbour bridge"') == ["Harbour bridge approved"]
    assert found_titles("bridge -ferry") == []
    assert found_titles("bridge -timetable") == ["Harbour bridge approved"]
    assert sorted(found_titles("brücke OR timetable")) == [
        "Ferry timetable changes",
        "Neue Brücke für den Hafen",
    ]


@pytest.mark.django_db
def test_search_filters_by_language_publisher_topic_and_date(desk, publishers):
    science = Topic.objects.create(name="Science", slug="science")
    desk["ferry"].topics.add(science)
    ferry_article = desk["ferry"].headline_article
    ferry_article.published_at = timezone.now() - timedelta(days=30)
    ferry_article.save()

    assert found_titles("bridge OR brücke", SearchFilters(language="de")) == [
        "Neue Brücke für den Hafen"
    ]
    assert found_titles("bridge", SearchFilters(publisher_id=publishers["valley"].pk)) == [
        "Ferry timetable changes"
    ]
    assert found_titles("bridge", SearchFilters(topic_id=science.pk)) == [
        "Ferry timetable changes"
    ]
    assert found_titles("bridge", SearchFilters(since=timezone.now() - timedelta(days=7))) == [
        "Harbour bridge approved"
    ]


@pytest.mark.django_db
def test_search_index_follows_article_edits_and_deletions(desk):
    article = desk["ferry"].headline_article
    article.text = "Nothing about crossings any more."
    article.save()

    assert found_titles("timetable") == ["Ferry timetable changes"]  # still in the title
    assert found_titles("spring") == []

    desk["bridge"].headline_article.delete()
    assert found_titles("council") == []


@pytest.mark.django_db
def test_search_leaves_out_hidden_stories_and_excluded_publishers(desk):
    desk["bridge"].hidden = True
    desk["bridge"].save()
    banned = make_publisher("Banned Bulletin", excluded=True)
    make_story(make_article(banned, "Bridge rumours", text="bridge bridge bridge"))

    assert found_titles("bridge") == ["Ferry timetable changes"]


@pytest.mark.django_db
def test_search_snippet_honours_nosnippet_and_max_snippet(publishers):
    make_story(make_article(publishers["harbour"], "Quiet bridge", text="bridge " * 40,
                            nosnippet=True))
    make_story(make_article(publishers["valley"], "Short bridge", text="bridge words " * 40,
                            max_snippet=20))

    hits = {hit.story.title: hit for hit in search_stories("bridge").hits}

    assert hits["Quiet bridge"].snippet_html == ""
    visible = hits["Short bridge"].snippet_html.replace("<mark>", "").replace("</mark>", "")
    assert 0 < len(visible) <= 21


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced quote',
        "bridge AND OR NOT",
        "NEAR(bridge ferry)",
        "'; DROP TABLE articles_article; --",
        "bridge*",
        "title:bridge",
        "x" * 5000,
        "bridge " * 1000,
        "-",
        "\x00\x01",
    ],
)
def test_bad_queries_get_a_page_not_an_error(client, desk, text):
    response = client.get(reverse("web:search"), {"q": text})

    assert response.status_code == 200
    assert "<h1>Search</h1>" in page_html(response)


@pytest.mark.django_db
def test_search_page_shows_results_and_a_plain_message_for_bad_filters(client, desk):
    html = page_html(client.get(reverse("web:search"), {"q": "bridge", "since": "2026-13-40"}))

    assert "Enter a date as YYYY-MM-DD. This filter was left out." in html
    assert "<mark>bridge</mark>" in html
    assert desk["bridge"].get_absolute_url() in html


@pytest.mark.django_db
def test_search_page_with_only_exclusions_asks_for_a_word(client, desk):
    html = page_html(client.get(reverse("web:search"), {"q": "-bridge"}))

    assert "Type at least one word to look for" in html


@pytest.mark.django_db
def test_search_results_page_through_more_results(client, publishers):
    for number in range(25):
        make_story(make_article(publishers["harbour"], f"Lighthouse report {number}"))

    first = page_html(client.get(reverse("web:search"), {"q": "lighthouse"}))
    second = page_html(client.get(reverse("web:search"), {"q": "lighthouse", "page": "2"}))

    assert first.count('class="result"') == 20 and second.count('class="result"') == 5
    assert "page=2" in first and "page=1" in second


@pytest.mark.django_db
def test_search_date_filter_covers_the_whole_until_day(publishers):
    day = timezone.make_aware(datetime(2026, 5, 1, 23, 30))
    make_story(make_article(publishers["harbour"], "Late bridge news", published_at=day))

    filters = SearchFilters(
        since=timezone.make_aware(datetime(2026, 5, 1)),
        until=timezone.make_aware(datetime(2026, 5, 2)),
    )
    assert found_titles("bridge", filters) == ["Late bridge news"]


@pytest.mark.django_db
def test_lost_sqlite_triggers_are_restored_and_the_index_rebuilt(desk):
    from django.db import connection

    from newsdesk.web.search import ensure_search_index

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite drops triggers when a migration remakes a table")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER web_article_fts_insert")
    make_story(make_article(make_publisher("Late Gazette"), "Lighthouse reopens"))
    assert found_titles("lighthouse") == []

    ensure_search_index(connection)

    assert found_titles("lighthouse") == ["Lighthouse reopens"]


@pytest.mark.django_db
def test_a_copy_found_by_search_credits_the_original_publisher_and_says_it_is_a_copy(
    client, publishers
):
    text = "PORTHAVEN (Harbour Herald) - The council closed the kestrel crossing for repairs."
    original = make_article(publishers["harbour"], "Crossing closed for repairs", text=text)
    copy = make_article(publishers["copier"], "Kestrel crossing shut", text=text)
    make_story(original, copy, copies={copy: original})

    hit = search_stories("kestrel").hits[0]
    html = page_html(client.get(reverse("web:search"), {"q": "kestrel"}))
    feed = client.get(reverse("web:search_feed", args=["json"]), {"q": "kestrel"}).json()

    assert hit.article == copy and hit.credited == original  # the copy matched first
    assert 'Harbour Herald <span class="copy-label">(copy: Copycat Daily)</span>' in html
    assert "Copycat Daily ·" not in html
    assert feed["items"][0]["authors"] == [{"name": "Harbour Herald"}]
    assert feed["items"][0]["external_url"] == original.url
