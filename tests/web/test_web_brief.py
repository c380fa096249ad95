"""A story's brief: 3-5 sentences quoted word for word, at most 2 per publisher, ranked by
how many other reports share their names and numbers, never from publishers or articles
that forbid snippets, within each article's excerpt limit together with its excerpt."""

import re

import pytest
from brief_builders import HARBOUR_TEXT, bridge_story
from web_builders import make_article, make_story, page_html

from newsdesk.web import presentation
from newsdesk.web.brief import facts, sentences, story_brief


def brief_of(story, limit=300):
    coverage = presentation.story_coverage(story)
    return story_brief(
        [item.article for item in coverage],
        {item.article.pk: item.excerpt for item in coverage},
        limit,
    )


def texts(brief) -> list[str]:
    return [quote.text for quote in brief.quotes]


def test_sentences_are_whole_and_skip_headings():
    text = "Short heading\nDr. Lind said the work starts in March. It ends in 2028."
    found = sentences(text, "en")
    assert found == ["Dr. Lind said the work starts in March.", "It ends in 2028."]


def test_facts_are_names_and_numbers_not_the_first_word():
    assert facts("The council gave Anna Lind 14,000 crowns.", skip_first_word=True) == {
        "anna", "lind", "14000"
    }


@pytest.mark.django_db
def test_brief_quotes_verbatim_at_most_two_per_publisher_ranked_by_shared_facts(publishers):
    story = bridge_story(publishers)

    brief = brief_of(story)

    assert 3 <= len(brief.quotes) <= 5
    for quote in brief.quotes:
        assert quote.text in " ".join(quote.article.text.split())  # word for word
    per_publisher = [quote.article.publisher_id for quote in brief.quotes]
    assert max(per_publisher.count(p) for p in per_publisher) <= 2
    # The sentence whose names and numbers the most other reports share comes first.
    shared = [quote.shared_by for quote in brief.quotes]
    assert shared == sorted(shared, reverse=True) and shared[0] == 2
    assert brief.quotes[0].text.startswith(("The council voted 7 to 2", "Porthaven will spend"))


@pytest.mark.django_db
def test_brief_has_no_near_repeats(publishers):
    story = bridge_story(publishers)
    word_sets = [
        {w.lower() for w in re.findall(r"\w+", text) if len(w) > 3}
        for text in texts(brief_of(story))
    ]
    for i, one in enumerate(word_sets):
        for other in word_sets[i + 1 :]:
            assert len(one & other) / min(len(one), len(other)) < 0.5


@pytest.mark.django_db
def test_no_brief_for_a_story_of_one_publisher(publishers):
    article = make_article(publishers["harbour"], "Bridge", text=HARBOUR_TEXT, language="en")
    copy = make_article(publishers["harbour"], "Bridge again", text=HARBOUR_TEXT, language="en")
    assert brief_of(make_story(article, copy)).quotes == []


@pytest.mark.django_db
def test_never_quotes_headlines_only_publishers_or_articles_forbidding_snippets(publishers):
    publishers["valley"].headlines_only = True
    publishers["valley"].save()
    story = bridge_story(publishers, north={"nosnippet": True})

    brief = brief_of(story)

    # Only the Harbour Herald may be quoted, and only twice: too few for a brief.
    assert brief.quotes == []


@pytest.mark.django_db
def test_max_snippet_zero_forbids_quotes_and_a_small_one_bounds_them(publishers):
    story = bridge_story(publishers, north={"max_snippet": 0}, valley={"max_snippet": 120})

    brief = brief_of(story)

    for quote in brief.quotes:
        assert quote.article.publisher.name != "Northgate Post"
        if quote.article.publisher.name == "Valley Voice":
            assert len(quote.text) <= 120


FIRST_FACTS = (
    "The council voted 7 to 2 to spend 14 million crowns on new cables for the Kestrel Bridge."
)
MAYOR = "Mayor Anna Lind said work would begin in March and take about 18 months."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("harbour_excerpt", "limit"),
    [(None, 300), (FIRST_FACTS, 300), (FIRST_FACTS, 150), (MAYOR, 120)],
    ids=["lead", "facts first", "facts first, small limit", "quoted excerpt, small limit"],
)
def test_excerpt_and_quotes_of_one_article_stay_within_the_excerpt_limit(
    client, publishers, settings, harbour_excerpt, limit
):
    settings.NEWSDESK_EXCERPT_CHARS = limit
    fields = {"harbour": {"excerpt": harbour_excerpt}} if harbour_excerpt else {}
    story = bridge_story(publishers, **fields)

    html = page_html(client.get(story.get_absolute_url()))

    brief = re.search(r'<section class="brief".*?</section>', html, re.S).group()
    quotes = re.findall(r'<q cite="([^"]+)"[^>]*>([^<]+)</q>', brief)
    assert len(quotes) >= 3
    items = re.findall(r'<article class="coverage-item".*?</article>', html, re.S)
    for item in items:
        url = re.search(r'class="read-more" href="([^"]+)"', item).group(1)
        excerpt = re.search(r'<p class="excerpt"[^>]*>([^<]*)</p>', item)
        excerpt = excerpt.group(1) if excerpt else ""
        extra = sum(len(text) for cited, text in quotes if cited == url and text not in excerpt)
        assert len(excerpt) + extra <= limit
    # Each quote is attributed and links to its report.
    for url, _text in quotes:
        assert f'<a class="quote-source" href="{url}" rel="noopener noreferrer">' in brief


@pytest.mark.django_db
def test_story_page_shows_no_brief_when_too_few_sentences_qualify(client, publishers):
    story = make_story(
        make_article(publishers["harbour"], "Bridge", text="Short text.", excerpt="Short."),
        make_article(publishers["valley"], "Bridge too", text="Also short.", excerpt="Also."),
    )
    html = page_html(client.get(story.get_absolute_url()))
    assert 'class="brief"' not in html
