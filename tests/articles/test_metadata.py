"""Metadata: JSON-LD over OpenGraph over meta tags over the page, never a cut headline."""

from datetime import UTC, datetime, timedelta, timezone

from newsdesk.articles.extract import FeedHint, extract
from newsdesk.articles.metadata import is_home_or_section, strip_site_name

ARTICLE_URL = "https://harbour-herald.example/news/2026/03/harbour-bridge-reopens"


def test_json_ld_news_article_gives_every_field(page_bytes):
    result = extract(page_bytes("cookie_newsletter"), ARTICLE_URL)
    plus_one = timezone(timedelta(hours=1))
    assert result.title == "Harbour bridge reopens after two years of repairs"
    assert result.bylines == ["Mara Lindqvist", "Tom Okafor"]
    assert result.published == datetime(2026, 3, 14, 8, 30, tzinfo=plus_one)
    assert result.updated == datetime(2026, 3, 14, 12, 5, tzinfo=plus_one)
    assert result.language == "en"
    assert result.image == "https://harbour-herald.example/images/bridge-reopening.jpg"
    assert result.section == "Local"
    assert result.keywords == ["bridge", "transport", "harbour"]
    assert result.publisher == "Harbour Herald"


def test_canonical_url_loses_tracking_parameters(page_bytes):
    result = extract(page_bytes("cookie_newsletter"), ARTICLE_URL + "?utm_medium=feed")
    assert result.canonical_url == ARTICLE_URL


def test_canonical_pointing_at_the_home_page_is_ignored(page_bytes):
    url = "https://valley-courier.example/farming/2026/04/orchard-frost"
    assert extract(page_bytes("div_layout"), url).canonical_url == url


def test_meta_tags_and_page_fill_in_without_json_ld(page_bytes):
    result = extract(page_bytes("div_layout"), "https://valley-courier.example/farming/frost")
    assert result.title == "Orchard growers count the cost of a late frost"
    assert result.bylines == ["Petra Novak"]
    assert result.published == datetime(2026, 4, 22, 6, 15, tzinfo=UTC)
    assert result.language == "en"  # detected from the text: the page does not say


def test_site_name_suffix_and_prefix_are_removed():
    assert strip_site_name("Xi meets Putin in Moscow - CNN", {"cnn"}) == "Xi meets Putin in Moscow"
    assert strip_site_name("Storm hits coast | BBC News", {"bbc"}) == "Storm hits coast"
    assert strip_site_name("Valley Courier | Frost hits orchards", {"valleycourier"}) == (
        "Frost hits orchards"
    )


def test_title_with_a_dash_inside_is_left_whole():
    title = "Mayor - a profile: twenty years in office"
    assert strip_site_name(title, {"heraldexample"}) == title


def test_a_truncated_headline_is_replaced_by_the_full_one():
    html = """<html><head><title>Xi stresses close ties with 'dear friend' Putin during
    state visit to Moscow - World Wire</title>
    <meta property="og:title" content="Xi stresses close ties with 'dear friend' Putin during...">
    </head><body><p>Short.</p></body></html>"""
    result = extract(html, "https://wire.example/world/xi-putin-visit")
    assert result.title == (
        "Xi stresses close ties with 'dear friend' Putin during state visit to Moscow"
    )


def test_feed_hint_fills_gaps_and_restores_a_cut_title():
    html = "<html><head><title>Council votes on budget…</title></head><body></body></html>"
    hint = FeedHint(title="Council votes on budget for the harbour district",
                    published=datetime(2026, 1, 2, 3, 4, tzinfo=UTC), author="Ana Ruiz",
                    summary="<p>The council voted.</p>", link="https://x.example/a/1")
    result = extract(html, feed_hint=hint)
    assert result.title == "Council votes on budget for the harbour district"
    assert result.published == hint.published
    assert result.bylines == ["Ana Ruiz"]


def test_section_pages_are_recognised_as_not_canonical_for_an_article():
    article = "https://news.example/world/europe/2026/05/summit-ends"
    assert is_home_or_section("https://news.example/", article)
    assert is_home_or_section("https://news.example/world/europe/", article)
    assert not is_home_or_section("https://news.example/world/europe/2026/05/summit-ends", article)
    assert not is_home_or_section("https://mirror.example/summit-ends-in-brussels", None)
    assert is_home_or_section("https://news.example/world", None)


def test_to_json_has_exactly_the_command_fields(page_bytes):
    data = extract(page_bytes("cookie_newsletter"), ARTICLE_URL).to_json()
    assert list(data) == ["title", "bylines", "published", "updated", "language", "image",
                          "canonical_url", "section", "keywords", "publisher", "text",
                          "excerpt", "status"]
    assert data["published"] == "2026-03-14T08:30:00+01:00"


def test_bylines_lose_handles_dates_roles_and_desk_names():
    html = """<html><head><meta name="author"
      content="Analysis by Chris Cillizza @chriscillizza Nov 18, 2026 at 9:24 pm | Editor">
      <meta property="og:site_name" content="Wire"></head><body></body></html>"""
    assert extract(html, "https://wire.example/politics/a").bylines == ["Chris Cillizza"]
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
      "author": [{"name": "Jill Disis"}, {"name": "Wire Business"}, {"name": "admin"}]}
      </script><meta property="og:site_name" content="Wire"></head><body></body></html>"""
    assert extract(html, "https://wire.example/business/b").bylines == ["Jill Disis"]


def test_an_ambiguous_time_value_is_passed_over_for_the_iso_one():
    """"02-12-2025" could be 2 December or 12 February; the page's next <time> says it in
    the form HTML requires."""
    page = (
        "<html><head><title>Pipeline notes</title></head><body><article>"
        "<h1>Pipeline notes</h1><time datetime='02-12-2025'>02-12-2025</time>"
        "<time datetime='2025-12-02'>December 02, 2025</time>"
        + "<p>Notes on building a small rendering pipeline, step by step.</p>" * 5
        + "</article></body></html>"
    )
    result = extract(page, "https://tones.example/blog/pipeline-notes")
    assert result.published.date() == datetime(2025, 12, 2).date()


def test_a_utc_stamp_is_read_on_the_day_the_url_files_the_article_under():
    """An evening post west of Greenwich, stamped in UTC after midnight: the URL's day is
    the publisher's; the instant is kept."""
    page = (
        "<html><head><title>Evening notes</title>"
        "<meta property='article:published_time' content='2025-12-19T02:41:41+00:00'>"
        "</head><body><article><h1>Evening notes</h1>"
        + "<p>Notes written late in the evening about the films of the week.</p>" * 5
        + "</article></body></html>"
    )
    stamp = datetime(2025, 12, 19, 2, 41, 41, tzinfo=UTC)
    result = extract(page, "https://notes.example/2025/12/18/evening-notes/")
    assert result.published.date() == datetime(2025, 12, 18).date()
    assert result.published == stamp
    # A URL without a day, or a day far from the stamp, leaves the stamp as it is.
    assert extract(page, "https://notes.example/evening-notes/").published.date() == stamp.date()
    far = extract(page, "https://notes.example/2024/01/02/evening-notes/")
    assert far.published.date() == stamp.date()


def test_a_display_date_in_json_ld_gives_way_to_the_pages_iso_date():
    """schema.org wants ISO 8601; "Jun 24, 2025" there is a template's display date (here
    the build's), so the page's own <time> decides; alone it still serves."""
    def page(time_el: str) -> str:
        return (
            "<html><head><title>Yoga prices</title>"
            "<script type='application/ld+json'>{\"@type\": \"BlogPosting\", \"headline\":"
            " \"Yoga prices\", \"datePublished\": \"Jun 24, 2025\"}</script></head>"
            f"<body><article><h1>Yoga prices</h1>{time_el}"
            + "<p>What a yoga class costs in a small town, and why it varies.</p>" * 5
            + "</article></body></html>"
        )

    dated = extract(page("<time datetime='2024-08-25'>August 25, 2024</time>"),
                    "https://studio.example/blog/yoga-prices")
    assert dated.published.date() == datetime(2024, 8, 25).date()
    alone = extract(page(""), "https://studio.example/blog/yoga-prices")
    assert alone.published.date() == datetime(2025, 6, 24).date()
